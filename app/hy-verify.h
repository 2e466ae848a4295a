/* Huiyuan: integrity checks of a store database (`huiyuan-admin verify`): SQLite's own
 * checks, the derived balances against the ledger, and the hash chains of the audit log
 * and the ledger. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* Appends one human-readable line (a newly allocated string; create `problems` with
 * g_free as its free function) per mismatch found, each naming the row. Returns FALSE
 * only when the checks themselves cannot run; a database with problems still returns
 * TRUE. Works on read-only databases. */
gboolean
hy_verify (HyDb *db, GPtrArray *problems, GError **error);

G_END_DECLS
