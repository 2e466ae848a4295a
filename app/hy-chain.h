/* Huiyuan: hash chains that make tampering with insert-only tables detectable. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

#define HY_CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Unambiguous text of a row's fields: each as "<byte length>:<value>;", NULL as "-;". */
gchar *
hy_chain_canonical (const gchar *const *fields, guint n_fields);
/* SHA-256 hex of prev_hash and the canonical text. */
gchar *
hy_chain_hash (const gchar *prev_hash, const gchar *canonical);
/* The next origin_seq and the hash it links to, for this store's own rows of `table`
 * ("audit" or "account_entries"); after inserting the row, hy_chain_advance moves the
 * head (kept in meta, so deleting the newest rows is detectable too). */
gboolean
hy_chain_next (HyDb *db,
	       const gchar *table,
	       const gchar *origin,
	       gint64 *seq,
	       gchar **prev_hash,
	       GError **error);
gboolean
hy_chain_advance (HyDb *db, const gchar *table, gint64 seq, const gchar *hash, GError **error);

G_END_DECLS
