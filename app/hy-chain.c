#include "config.h"

#include "hy-chain.h"
#include "hy-error.h"

gchar *
hy_chain_canonical (const gchar *const *fields, guint n_fields)
{
	g_autoptr(GString) str = g_string_new (NULL);
	for (guint i = 0; i < n_fields; i++) {
		if (fields[i] == NULL)
			g_string_append (str, "-;");
		else
			g_string_append_printf (str, "%zu:%s;", strlen (fields[i]), fields[i]);
	}
	return g_string_free (g_steal_pointer (&str), FALSE);
}

gchar *
hy_chain_hash (const gchar *prev_hash, const gchar *canonical)
{
	g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (sum, (const guchar *) prev_hash, -1);
	g_checksum_update (sum, (const guchar *) "\n", 1);
	g_checksum_update (sum, (const guchar *) canonical, -1);
	return g_strdup (g_checksum_get_string (sum));
}

gboolean
hy_chain_next (HyDb *db,
	       const gchar *table,
	       const gchar *origin,
	       gint64 *seq,
	       gchar **prev_hash,
	       GError **error)
{
	g_autofree gchar *sql = NULL;
	g_autoptr(HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	/* table is one of the fixed chained tables, never user input */
	g_return_val_if_fail (g_strcmp0 (table, "audit") == 0 ||
				  g_strcmp0 (table, "account_entries") == 0,
			      FALSE);
	sql = g_strdup_printf ("SELECT origin_seq, hash FROM %s WHERE origin_store = ? "
			       "ORDER BY origin_seq DESC LIMIT 1",
			       table);
	stmt = hy_db_prepare (db, sql, error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, origin, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row) {
		*seq = sqlite3_column_int64 (stmt, 0) + 1;
		*prev_hash = hy_stmt_dup_text (stmt, 1);
	} else {
		*seq = 1;
		*prev_hash = g_strdup (HY_CHAIN_GENESIS);
	}
	return TRUE;
}
