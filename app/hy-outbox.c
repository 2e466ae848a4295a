#include "config.h"

#include "hy-error.h"
#include "hy-outbox.h"

/* clang-format off */
static const struct {
	const gchar *table;
	HyTableKind kind;
} hy_table_kinds[] = {
	{"account_entries",	HY_TABLE_KIND_LEDGER},
	{"audit",		HY_TABLE_KIND_LEDGER},
	{"sales",		HY_TABLE_KIND_LEDGER},
	{"sale_lines",		HY_TABLE_KIND_LEDGER},
	{"payments",		HY_TABLE_KIND_LEDGER},
	{"refunds",		HY_TABLE_KIND_LEDGER},
	{"refund_lines",	HY_TABLE_KIND_LEDGER},
	{"count_lots",		HY_TABLE_KIND_LEDGER},
	{"count_uses",		HY_TABLE_KIND_LEDGER},
	{"gift_moves",		HY_TABLE_KIND_LEDGER},
	{"points_batches",	HY_TABLE_KIND_LEDGER},
	{"points_uses",		HY_TABLE_KIND_LEDGER},
	{"recharge_schedules",	HY_TABLE_KIND_LEDGER},
	{"recharge_payouts",	HY_TABLE_KIND_LEDGER},
	{"time_sessions",	HY_TABLE_KIND_LEDGER},
	{"time_session_ends",	HY_TABLE_KIND_LEDGER},
	{"escrow_entries",	HY_TABLE_KIND_LEDGER},
	{"stores",		HY_TABLE_KIND_HQ_OWNED},
	{"terminals",		HY_TABLE_KIND_HQ_OWNED},
	{"roles",		HY_TABLE_KIND_HQ_OWNED},
	{"levels",		HY_TABLE_KIND_HQ_OWNED},
	{"card_kinds",		HY_TABLE_KIND_HQ_OWNED},
	{"card_stock",		HY_TABLE_KIND_HQ_OWNED},
	{"items",		HY_TABLE_KIND_HQ_OWNED},
	{"rules",		HY_TABLE_KIND_HQ_OWNED},
	{"field_defs",		HY_TABLE_KIND_HQ_OWNED},
	{"gifts",		HY_TABLE_KIND_HQ_OWNED},
	{"operators",		HY_TABLE_KIND_SHARED},
	{"members",		HY_TABLE_KIND_SHARED},
	{"cards",		HY_TABLE_KIND_SHARED},
	{"field_values",	HY_TABLE_KIND_SHARED},
	{"balances",		HY_TABLE_KIND_DERIVED},
	{"member_name_grams",	HY_TABLE_KIND_DERIVED},
	{"escrow_slices",	HY_TABLE_KIND_DERIVED},
};
/* clang-format on */

HyTableKind
hy_table_kind (const gchar *table)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_table_kinds); i++) {
		if (g_strcmp0 (hy_table_kinds[i].table, table) == 0)
			return hy_table_kinds[i].kind;
	}
	return HY_TABLE_KIND_LOCAL;
}

const gchar *
hy_table_nth (guint i, HyTableKind *kind)
{
	if (i >= G_N_ELEMENTS (hy_table_kinds))
		return NULL;
	if (kind != NULL)
		*kind = hy_table_kinds[i].kind;
	return hy_table_kinds[i].table;
}

const gchar *
hy_table_kind_to_string (HyTableKind kind)
{
	switch (kind) {
	case HY_TABLE_KIND_LEDGER:
		return "ledger";
	case HY_TABLE_KIND_HQ_OWNED:
		return "hq";
	case HY_TABLE_KIND_SHARED:
		return "shared";
	case HY_TABLE_KIND_DERIVED:
		return "derived";
	case HY_TABLE_KIND_LOCAL:
	default:
		return "local";
	}
}

const gchar *
hy_change_op_to_string (HyChangeOp op)
{
	switch (op) {
	case HY_CHANGE_INSERT:
		return "insert";
	case HY_CHANGE_UPDATE:
		return "update";
	case HY_CHANGE_DELETE:
	default:
		return "delete";
	}
}

gchar *
hy_outbox_clocks_sql (const gchar *table)
{
	/* only when a column has a clock of its own, so most payloads stay plain */
	g_autofree gchar *rows = g_strdup_printf (
		"FROM column_clocks c WHERE c.tbl = '%s' AND c.row_id = %s.id", table, table);
	if (hy_table_kind (table) != HY_TABLE_KIND_SHARED)
		return NULL;
	return g_strdup_printf ("CASE WHEN EXISTS (SELECT 1 %s) THEN json_object ('_clocks', "
				"json ((SELECT json_group_object (c.col, c.hlc || ':' || c.origin) "
				"%s))) ELSE '{}' END",
				rows, rows);
}

/* "SELECT json_object('id', id, …) FROM <table> WHERE id = ?", with the table's
 * columns read from the schema itself; patched with the column clocks of shared rows. */
static gchar *
hy_outbox_build_payload_sql (HyDb *db, const gchar *table, GError **error)
{
	g_autofree gchar *clocks = hy_outbox_clocks_sql (table);
	g_autoptr (GString) sql = g_string_new (clocks != NULL ? "SELECT json_patch (json_object("
							       : "SELECT json_object(");
	g_autofree gchar *pragma = g_strdup_printf ("PRAGMA table_info(%s)", table);
	sqlite3_stmt *stmt = NULL;
	guint n = 0;

	if (sqlite3_prepare_v2 (hy_db_get_handle (db), pragma, -1, &stmt, NULL) != SQLITE_OK)
		return hy_db_set_error (db, error, "reading table columns"), NULL;
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		const gchar *col = (const gchar *) sqlite3_column_text (stmt, 1);
		g_string_append_printf (sql, "%s'%s', %s", n++ > 0 ? ", " : "", col, col);
	}
	sqlite3_finalize (stmt);
	if (n == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "no such table %s", table);
		return NULL;
	}
	if (clocks != NULL)
		g_string_append_printf (sql, "), %s", clocks);
	g_string_append_printf (sql, ") FROM %s WHERE id = ?", table);
	return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* The schema is fixed for a build, so the text is built once per table. */
static gchar *
hy_outbox_payload_sql (HyDb *db, const gchar *table, GError **error)
{
	static GMutex lock;
	static GHashTable *cache = NULL;
	gchar *sql;

	g_mutex_lock (&lock);
	if (cache == NULL)
		cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	sql = g_strdup (g_hash_table_lookup (cache, table));
	if (sql == NULL) {
		sql = hy_outbox_build_payload_sql (db, table, error);
		if (sql != NULL)
			g_hash_table_insert (cache, g_strdup (table), g_strdup (sql));
	}
	g_mutex_unlock (&lock);
	return sql;
}

/* seq only grows, even after shipped rows are trimmed: the relay acknowledges by
 * (store, seq). It is derived from the rows and the trimmed mark once, then counted in
 * the connection's memo while no other connection writes. */
static gboolean
hy_outbox_next_seq (HyDb *db, gint64 *seq, GError **error)
{
	g_autofree gchar *last = hy_db_meta_get (db, "memo:outbox_seq");
	g_autofree gchar *text = NULL;

	if (last != NULL) {
		*seq = g_ascii_strtoll (last, NULL, 10) + 1;
	} else {
		gboolean has_row = FALSE;
		g_autoptr (HyStmt) stmt =
			hy_db_prepare (db,
				       "SELECT max (coalesce ((SELECT max (seq) FROM outbox), 0), "
				       "     coalesce ((SELECT CAST (value AS INTEGER) FROM meta "
				       "                WHERE key = 'outbox_trimmed'), 0)) + 1",
				       error);
		if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		*seq = sqlite3_column_int64 (stmt, 0);
	}
	if (hy_db_in_transaction (db)) {
		text = g_strdup_printf ("%" G_GINT64_FORMAT, *seq);
		hy_db_memo_set (db, "memo:outbox_seq", text);
	}
	return TRUE;
}

gboolean
hy_outbox_capture (
	HyDb *db, const gchar *table, const gchar *id, HyChangeOp op, gint64 hlc, GError **error)
{
	HyTableKind kind = hy_table_kind (table);
	g_autoptr (HyStmt) stmt = NULL;
	gint64 seq = 0;

	if (kind == HY_TABLE_KIND_LOCAL || kind == HY_TABLE_KIND_DERIVED) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "table %s is not replicated", table);
		return FALSE;
	}
	if (!hy_outbox_next_seq (db, &seq, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO outbox (seq, tbl, kind, op, row_id, hlc) "
			      "VALUES (?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, seq);
	sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, hy_table_kind_to_string (kind), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 4, hy_change_op_to_string (op), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 5, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 6, hlc);
	return hy_db_step_done (db, stmt, error);
}

gchar *
hy_outbox_payload (HyDb *db, const gchar *table, const gchar *id, GError **error)
{
	g_autofree gchar *sql = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	if (hy_table_kind (table) == HY_TABLE_KIND_LOCAL ||
	    hy_table_kind (table) == HY_TABLE_KIND_DERIVED) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "table %s is not replicated", table);
		return NULL;
	}
	sql = hy_outbox_payload_sql (db, table, error);
	if (sql == NULL)
		return NULL;
	stmt = hy_db_prepare (db, sql, error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	/* a deleted row ships as its id alone */
	if (!has_row)
		return g_strdup_printf ("{\"id\":\"%s\"}", id);
	return hy_stmt_dup_text (stmt, 0);
}

gboolean
hy_outbox_trim (HyDb *db, gint64 through_seq, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *trimmed = NULL;
	gint64 before;

	if (txn == NULL)
		return FALSE;
	trimmed = hy_db_meta_get (db, "outbox_trimmed");
	before = trimmed != NULL ? g_ascii_strtoll (trimmed, NULL, 10) : 0;
	if (through_seq <= before)
		return hy_txn_commit (txn, error);
	stmt = hy_db_prepare (db, "DELETE FROM outbox WHERE seq <= ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, through_seq);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	text = g_strdup_printf ("%" G_GINT64_FORMAT, through_seq);
	if (!hy_db_meta_set (db, "outbox_trimmed", text, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gint64
hy_outbox_length (HyDb *db)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, "SELECT count(*) FROM outbox", NULL);
	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, NULL) || !has_row)
		return -1;
	return sqlite3_column_int64 (stmt, 0);
}
