/* Huiyuan: globally unique, time-ordered row ids (UUIDv7). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 48-bit Unix milliseconds, a 12-bit counter for ids made in the same millisecond,
 * 62 random bits; text compares in creation order within one process. */
gchar *
hy_id_new (void);
gboolean
hy_id_is_valid (const gchar *id);
gint64
hy_id_get_time_ms (const gchar *id);

G_END_DECLS
