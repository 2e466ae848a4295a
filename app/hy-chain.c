#include "config.h"

#include "hy-chain.h"
#include "hy-error.h"

/* Writes the decimal digits of `n` backwards ending at `end`; returns the first. */
static gchar *
hy_chain_format_length (gsize n, gchar *end)
{
	do {
		*--end = (gchar) ('0' + n % 10);
		n /= 10;
	} while (n > 0);
	return end;
}

gchar *
hy_chain_canonical (const gchar *const *fields, guint n_fields)
{
	/* built by hand, not printf: this runs twice in every ledger write */
	g_autoptr (GString) str = g_string_sized_new (256);
	for (guint i = 0; i < n_fields; i++) {
		gchar len[24];
		gchar *digits;
		gsize n;
		if (fields[i] == NULL) {
			g_string_append_len (str, "-;", 2);
			continue;
		}
		n = strlen (fields[i]);
		digits = hy_chain_format_length (n, len + sizeof len);
		g_string_append_len (str, digits, len + sizeof len - digits);
		g_string_append_c (str, ':');
		g_string_append_len (str, fields[i], (gssize) n);
		g_string_append_c (str, ';');
	}
	return g_string_free (g_steal_pointer (&str), FALSE);
}

gchar *
hy_chain_hash (const gchar *prev_hash, const gchar *canonical)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (sum, (const guchar *) prev_hash, -1);
	g_checksum_update (sum, (const guchar *) "\n", 1);
	g_checksum_update (sum, (const guchar *) canonical, -1);
	return g_strdup (g_checksum_get_string (sum));
}

static const gchar *
hy_chain_head_key (const gchar *table)
{
	if (g_strcmp0 (table, "audit") == 0)
		return "audit_head";
	if (g_strcmp0 (table, "account_entries") == 0)
		return "ledger_head";
	g_return_val_if_reached (NULL);
}

/* Only this store appends to its own chain, so the head lives in meta (on the page
 * every write touches anyway) instead of an index on (origin_store, origin_seq). */
gboolean
hy_chain_next (HyDb *db,
	       const gchar *table,
	       const gchar *origin,
	       gint64 *seq,
	       gchar **prev_hash,
	       GError **error)
{
	const gchar *key = hy_chain_head_key (table);
	g_autofree gchar *local = hy_db_meta_get (db, "store_id");
	g_autofree gchar *head = NULL;
	const gchar *hash;

	if (key == NULL || g_strcmp0 (origin, local) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     "only this store appends to its %s chain", table);
		return FALSE;
	}
	/* "<seq>:<hash>" */
	head = hy_db_meta_get (db, key);
	if (head == NULL) {
		*seq = 1;
		*prev_hash = g_strdup (HY_CHAIN_GENESIS);
		return TRUE;
	}
	hash = strchr (head, ':');
	if (hash == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "the %s chain head is damaged",
			     table);
		return FALSE;
	}
	*seq = g_ascii_strtoll (head, NULL, 10) + 1;
	*prev_hash = g_strdup (hash + 1);
	return TRUE;
}

gboolean
hy_chain_advance (HyDb *db, const gchar *table, gint64 seq, const gchar *hash, GError **error)
{
	g_autofree gchar *head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", seq, hash);
	/* appends happen in transactions: the head is written once, at COMMIT */
	if (!hy_db_in_transaction (db))
		return hy_db_meta_set (db, hy_chain_head_key (table), head, error);
	hy_db_meta_set_at_commit (db, hy_chain_head_key (table), head);
	return TRUE;
}
