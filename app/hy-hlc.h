/* Huiyuan: the persisted hybrid logical clock that orders replicated writes. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* 48-bit milliseconds << 16 | 16-bit counter. */
#define HY_HLC_MS(hlc)	    ((hlc) >> 16)
#define HY_HLC_COUNTER(hlc) ((hlc) &0xffff)

/* The clock for a local event; persisted in the current transaction. */
gboolean
hy_hlc_tick (HyDb *db, gint64 *hlc, GError **error);
/* Merge a clock seen on a remote change so later local events order after it. */
gboolean
hy_hlc_observe (HyDb *db, gint64 remote, GError **error);
/* The pure step, exposed for tests: next clock from the last one and wall time. */
gint64
hy_hlc_next (gint64 last, gint64 wall_ms, gint64 remote);

G_END_DECLS
