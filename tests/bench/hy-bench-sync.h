/* huiyuan-bench: the changes a store pushes, shared by the sync and relay benchmarks. */
#pragma once

#include "hy-apply.h"

G_BEGIN_DECLS

/* `count` sales at `store` as pushed changes (HyChange, seq from 1), three a sale: the
 * member (shared), a money entry (hash-chained ledger) and a payment (ledger). Phones
 * carry `phone_block`, so stores' members do not share phones. */
GPtrArray *
bench_sync_changes (const gchar *store, guint phone_block, gint count);

gint
bench_sync (gint argc, gchar **argv);
gint
bench_relay (gint argc, gchar **argv);

G_END_DECLS
