#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-chain.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-verify.h"

static void
hy_verify_problem (GPtrArray *problems, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
hy_verify_problem (GPtrArray *problems, const gchar *format, ...)
{
	va_list args;
	va_start (args, format);
	g_ptr_array_add (problems, g_strdup_vprintf (format, args));
	va_end (args);
}

/* A statement of its own, not the shared cache: verify also runs on read-only copies
 * and its queries are one-off scans. */
static sqlite3_stmt *
hy_verify_prepare (HyDb *db, const gchar *sql, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK) {
		hy_db_set_error (db, error, "verify");
		return NULL;
	}
	return stmt;
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Steps a statement; FALSE with an error on failure, *has_row otherwise. */
static gboolean
hy_verify_step (HyDb *db, sqlite3_stmt *stmt, gboolean *has_row, GError **error)
{
	gint rc = sqlite3_step (stmt);
	*has_row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return TRUE;
	return hy_db_set_error (db, error, "verify");
}

static gboolean
hy_verify_sqlite (HyDb *db, GPtrArray *problems, GError **error)
{
	g_autoptr (sqlite3_stmt) integrity =
		hy_verify_prepare (db, "PRAGMA integrity_check", error);
	g_autoptr (sqlite3_stmt) fk = NULL;
	gboolean has_row = FALSE;

	if (integrity == NULL)
		return FALSE;
	while (TRUE) {
		const gchar *line;
		if (!hy_verify_step (db, integrity, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		line = (const gchar *) sqlite3_column_text (integrity, 0);
		if (g_strcmp0 (line, "ok") != 0)
			hy_verify_problem (problems, _ ("SQLite integrity check: %s"), line);
	}
	fk = hy_verify_prepare (db, "PRAGMA foreign_key_check", error);
	if (fk == NULL)
		return FALSE;
	while (TRUE) {
		if (!hy_verify_step (db, fk, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		hy_verify_problem (
			problems,
			_ ("foreign key: %s row %" PRId64 " refers to a missing row of %s"),
			(const gchar *) sqlite3_column_text (fk, 0),
			(gint64) sqlite3_column_int64 (fk, 1),
			(const gchar *) sqlite3_column_text (fk, 2));
	}
	return TRUE;
}

static const gchar *
hy_verify_unit (const gchar *account)
{
	if (g_strcmp0 (account, "money") == 0)
		return _ ("fen");
	if (g_strcmp0 (account, "points") == 0)
		return _ ("hundredths of a point");
	if (g_strcmp0 (account, "count") == 0)
		return _ ("uses");
	return _ ("seconds");
}

/* "card <id> money" or "card <id> count of item <item>" */
static gchar *
hy_verify_balance_name (sqlite3_stmt *stmt)
{
	const gchar *card = (const gchar *) sqlite3_column_text (stmt, 0);
	const gchar *account = (const gchar *) sqlite3_column_text (stmt, 1);
	const gchar *item = (const gchar *) sqlite3_column_text (stmt, 2);
	if (item != NULL && item[0] != '\0')
		return g_strdup_printf (_ ("card %s %s of item %s"), card, account, item);
	return g_strdup_printf (_ ("card %s %s"), card, account);
}

static gboolean
hy_verify_balances (HyDb *db, GPtrArray *problems, GError **error)
{
	g_autoptr (sqlite3_stmt) cached = NULL;
	g_autoptr (sqlite3_stmt) missing = NULL;
	g_autoptr (sqlite3_stmt) negative = NULL;
	gboolean has_row = FALSE;

	/* cached balances that disagree with their entries (or have none) */
	cached = hy_verify_prepare (
		db,
		"SELECT b.card_id, b.account, b.item, b.amount, e.total FROM balances b "
		"LEFT JOIN (SELECT card_id, account, item, sum (delta) AS total "
		"           FROM account_entries GROUP BY card_id, account, item) e "
		"ON e.card_id = b.card_id AND e.account = b.account AND e.item = b.item "
		"WHERE (e.total IS NULL AND b.amount != 0) OR e.total != b.amount "
		"ORDER BY b.card_id, b.account, b.item",
		error);
	if (cached == NULL)
		return FALSE;
	while (TRUE) {
		g_autofree gchar *name = NULL;
		const gchar *unit;
		if (!hy_verify_step (db, cached, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		name = hy_verify_balance_name (cached);
		unit = hy_verify_unit ((const gchar *) sqlite3_column_text (cached, 1));
		if (sqlite3_column_type (cached, 4) == SQLITE_NULL)
			hy_verify_problem (problems,
					   _ ("balance %s: cached %" PRId64
					      " %s but the ledger has no entries for it"),
					   name, (gint64) sqlite3_column_int64 (cached, 3), unit);
		else
			hy_verify_problem (problems,
					   _ ("balance %s: cached %" PRId64
					      " %s but the ledger sums to %" PRId64),
					   name, (gint64) sqlite3_column_int64 (cached, 3), unit,
					   (gint64) sqlite3_column_int64 (cached, 4));
	}

	/* entries whose balance row is missing */
	missing = hy_verify_prepare (
		db,
		"SELECT e.card_id, e.account, e.item, sum (e.delta) FROM account_entries e "
		"WHERE NOT EXISTS (SELECT 1 FROM balances b WHERE b.card_id = e.card_id "
		"                  AND b.account = e.account AND b.item = e.item) "
		"GROUP BY e.card_id, e.account, e.item ORDER BY e.card_id, e.account, e.item",
		error);
	if (missing == NULL)
		return FALSE;
	while (TRUE) {
		g_autofree gchar *name = NULL;
		if (!hy_verify_step (db, missing, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		name = hy_verify_balance_name (missing);
		hy_verify_problem (
			problems,
			_ ("balance %s: no cached balance but the ledger sums to %" PRId64 " %s"),
			name, (gint64) sqlite3_column_int64 (missing, 3),
			hy_verify_unit ((const gchar *) sqlite3_column_text (missing, 1)));
	}

	/* only time may run below zero */
	negative =
		hy_verify_prepare (db,
				   "SELECT card_id, account, item, amount FROM balances "
				   "WHERE amount < 0 AND account IN ('money', 'points', 'count') "
				   "ORDER BY card_id, account, item",
				   error);
	if (negative == NULL)
		return FALSE;
	while (TRUE) {
		g_autofree gchar *name = NULL;
		if (!hy_verify_step (db, negative, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		name = hy_verify_balance_name (negative);
		hy_verify_problem (
			problems, _ ("balance %s is negative: %" PRId64 " %s"), name,
			(gint64) sqlite3_column_int64 (negative, 3),
			hy_verify_unit ((const gchar *) sqlite3_column_text (negative, 1)));
	}
	return TRUE;
}

/* One chained table: origin_seq contiguous from 1 per origin store, each prev_hash the
 * previous row's hash, each hash recomputed from the row, and the local head. */
static gboolean
hy_verify_chain (HyDb *db,
		 const gchar *label,
		 const gchar *table,
		 const gchar *columns,
		 guint n_columns,
		 const gchar *head_key,
		 GPtrArray *problems,
		 GError **error)
{
	g_autofree gchar *sql = g_strdup_printf ("SELECT %s, prev_hash, hash FROM %s "
						 "ORDER BY origin_store, origin_seq",
						 columns, table);
	g_autoptr (sqlite3_stmt) stmt = hy_verify_prepare (db, sql, error);
	g_autofree const gchar **fields = g_new0 (const gchar *, n_columns);
	g_autofree gchar *origin = NULL;
	g_autofree gchar *prev = NULL;
	g_autofree gchar *store_id = hy_db_meta_get (db, "store_id");
	g_autofree gchar *head_text = hy_db_meta_get (db, head_key);
	gint64 expected = 1;
	gint64 local = 0; /* the newest seq of this store's own rows */
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	while (TRUE) {
		const gchar *id;
		const gchar *row_origin;
		const gchar *prev_hash;
		const gchar *hash;
		g_autofree gchar *canonical = NULL;
		g_autofree gchar *computed = NULL;
		gboolean gap = FALSE;
		gint64 seq;

		if (!hy_verify_step (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		for (guint i = 0; i < n_columns; i++)
			fields[i] = (const gchar *) sqlite3_column_text (stmt, (gint) i);
		id = fields[0];
		row_origin = fields[n_columns - 2];
		seq = sqlite3_column_int64 (stmt, (gint) n_columns - 1);
		prev_hash = (const gchar *) sqlite3_column_text (stmt, (gint) n_columns);
		hash = (const gchar *) sqlite3_column_text (stmt, (gint) n_columns + 1);

		if (g_strcmp0 (row_origin, origin) != 0) {
			g_free (origin);
			origin = g_strdup (row_origin);
			g_free (prev);
			prev = g_strdup (HY_CHAIN_GENESIS);
			expected = 1;
		}
		if (seq > expected) {
			gap = TRUE;
			if (seq == expected + 1)
				hy_verify_problem (problems,
						   _ ("%s chain of store %s: seq %" PRId64
						      " is missing (before row %s)"),
						   label, origin, expected, id);
			else
				hy_verify_problem (problems,
						   _ ("%s chain of store %s: seqs %" PRId64
						      " to %" PRId64
						      " are missing (before row %s)"),
						   label, origin, expected, seq - 1, id);
		} else if (seq < expected) {
			hy_verify_problem (problems,
					   _ ("%s row %s: seq %" PRId64
					      " is out of order in the chain of store %s"),
					   label, id, seq, origin);
		}
		/* after a gap the link cannot match; the gap is the problem to report */
		if (!gap && g_strcmp0 (prev_hash, prev) != 0)
			hy_verify_problem (problems,
					   _ ("%s row %s (store %s, seq %" PRId64
					      "): its prev_hash does not match the previous row"),
					   label, id, origin, seq);
		canonical = hy_chain_canonical (fields, n_columns);
		computed = hy_chain_hash (prev_hash != NULL ? prev_hash : "", canonical);
		if (g_strcmp0 (computed, hash) != 0)
			hy_verify_problem (
				problems,
				_ ("%s row %s (store %s, seq %" PRId64
				   ") was altered or forged: its hash does not match its content"),
				label, id, origin, seq);
		g_free (prev);
		prev = g_strdup (hash);
		expected = seq + 1;
		if (g_strcmp0 (origin, store_id) == 0)
			local = seq;
	}

	/* the head catches rows deleted from the end, which leave no gap behind */
	if (store_id != NULL) {
		gint64 head = head_text != NULL ? g_ascii_strtoll (head_text, NULL, 10) : 0;
		if (head > local)
			hy_verify_problem (problems,
					   _ ("%s chain of this store: the head is seq %" PRId64
					      " but the newest row is seq %" PRId64
					      "; rows were deleted from the end"),
					   label, head, local);
		else if (head < local)
			hy_verify_problem (
				problems,
				_ ("%s chain of this store: the newest row is seq %" PRId64
				   " but the head is seq %" PRId64
				   "; rows were added behind Huiyuan's back"),
				label, local, head);
	}
	return TRUE;
}

/* Points batches (schema v2): none drawn on beyond what it holds, and together never
 * more than the card's points in the ledger (which may hold more: points from before
 * v2). */
static gboolean
hy_verify_points_batches (HyDb *db, GPtrArray *problems, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = hy_verify_prepare (
		db,
		"SELECT b.card_id, b.id, b.points - coalesce ((SELECT sum (u.points) "
		"FROM points_uses u WHERE u.batch_id = b.id), 0) AS remaining "
		"FROM points_batches b WHERE remaining < 0 ORDER BY b.card_id, b.id",
		error);
	g_autoptr (sqlite3_stmt) over = NULL;
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	while (TRUE) {
		if (!hy_verify_step (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		hy_verify_problem (problems,
				   _ ("card %s: points batch %s is overdrawn by %" PRId64
				      " hundredths of a point"),
				   (const gchar *) sqlite3_column_text (stmt, 0),
				   (const gchar *) sqlite3_column_text (stmt, 1),
				   -(gint64) sqlite3_column_int64 (stmt, 2));
	}
	over = hy_verify_prepare (
		db,
		"SELECT card_id, left, (SELECT coalesce (sum (delta), 0) FROM account_entries e "
		"WHERE e.card_id = t.card_id AND e.account = 'points' AND e.item = '') AS held "
		"FROM (SELECT b.card_id, sum (b.points - coalesce ((SELECT sum (u.points) "
		"FROM points_uses u WHERE u.batch_id = b.id), 0)) AS left "
		"FROM points_batches b GROUP BY b.card_id) t WHERE left > held ORDER BY card_id",
		error);
	if (over == NULL)
		return FALSE;
	while (TRUE) {
		if (!hy_verify_step (db, over, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		hy_verify_problem (problems,
				   _ ("card %s: points batches hold %" PRId64
				      " hundredths of a point, the balance only %" PRId64),
				   (const gchar *) sqlite3_column_text (over, 0),
				   (gint64) sqlite3_column_int64 (over, 1),
				   (gint64) sqlite3_column_int64 (over, 2));
	}
	return TRUE;
}

static gboolean
hy_verify_run (HyDb *db, GPtrArray *problems, GError **error)
{
	if (!hy_verify_sqlite (db, problems, error))
		return FALSE;
	if (!hy_verify_balances (db, problems, error))
		return FALSE;
	if (!hy_verify_points_batches (db, problems, error))
		return FALSE;
	if (!hy_verify_chain (db, _ ("audit"), "audit", HY_AUDIT_CHAINED_COLUMNS,
			      HY_AUDIT_N_CHAINED_COLUMNS, "audit_head", problems, error))
		return FALSE;
	return hy_verify_chain (db, _ ("ledger"), "account_entries", HY_LEDGER_CHAINED_COLUMNS,
				HY_LEDGER_N_CHAINED_COLUMNS, "ledger_head", problems, error);
}

gboolean
hy_verify (HyDb *db, GPtrArray *problems, GError **error)
{
	gboolean own_txn =
		!hy_db_in_transaction (db) && sqlite3_get_autocommit (hy_db_get_handle (db)) != 0;
	gboolean ok;

	g_return_val_if_fail (problems != NULL, FALSE);
	/* one read transaction, so every check sees the same snapshot; a deferred BEGIN
	 * takes no write lock and works on read-only databases */
	if (own_txn && !hy_db_exec (db, "BEGIN", error))
		return FALSE;
	ok = hy_verify_run (db, problems, error);
	if (own_txn)
		hy_db_exec (db, ok ? "COMMIT" : "ROLLBACK", NULL);
	if (!ok)
		g_prefix_error (error, _ ("cannot verify %s: "), hy_db_get_path (db));
	return ok;
}
