#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-error.h"
#include "hy-member-history.h"

void
hy_history_sale_free (HyHistorySale *sale)
{
	if (sale == NULL)
		return;
	g_free (sale->id);
	g_free (sale);
}

void
hy_history_entry_free (HyHistoryEntry *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->id);
	g_free (entry->card_number);
	g_free (entry->item);
	g_free (entry->op);
	g_free (entry->note);
	g_free (entry);
}

void
hy_history_batch_free (HyHistoryBatch *batch)
{
	if (batch == NULL)
		return;
	g_free (batch->id);
	g_free (batch->card_number);
	g_free (batch->earned_on);
	g_free (batch->expires_on);
	g_free (batch->op);
	g_free (batch);
}

/* Prepares `sql` (member id ?1, limit ?2) for the rows of one member. */
static HyStmt *
hy_member_history_prepare (
	HyDb *db, const gchar *sql, const gchar *member_id, guint limit, GError **error)
{
	HyStmt *stmt = hy_db_prepare (db, sql, error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, limit > 0 ? limit : HY_MEMBER_HISTORY_DEFAULT_LIMIT);
	return stmt;
}

GPtrArray *
hy_member_history_sales (HyDb *db, const gchar *member_id, guint limit, GError **error)
{
	g_autoptr (GPtrArray) sales =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_history_sale_free);
	g_autoptr (HyStmt) stmt = hy_member_history_prepare (
		db,
		"SELECT s.id, s.at, s.subtotal, s.discount, s.total, s.points, "
		"(SELECT count (*) FROM sale_lines l WHERE l.sale_id = s.id), "
		"coalesce ((SELECT sum (r.amount) FROM refunds r WHERE r.sale_id = s.id), 0) "
		"FROM sales s WHERE s.member_id = ?1 ORDER BY s.at DESC, s.id DESC LIMIT ?2",
		member_id, limit, error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	for (;;) {
		HyHistorySale *sale;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		sale = g_new0 (HyHistorySale, 1);
		sale->id = hy_stmt_dup_text (stmt, 0);
		sale->at = sqlite3_column_int64 (stmt, 1);
		sale->subtotal = sqlite3_column_int64 (stmt, 2);
		sale->discount = sqlite3_column_int64 (stmt, 3);
		sale->total = sqlite3_column_int64 (stmt, 4);
		sale->points = sqlite3_column_int64 (stmt, 5);
		sale->lines = sqlite3_column_int64 (stmt, 6);
		sale->refunded = sqlite3_column_int64 (stmt, 7);
		g_ptr_array_add (sales, sale);
	}
	return g_steal_pointer (&sales);
}

GPtrArray *
hy_member_history_entries (HyDb *db, const gchar *member_id, guint limit, GError **error)
{
	g_autoptr (GPtrArray) entries =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_history_entry_free);
	/* by card: the entries' own index is (card_id, …), and a merged card's past stays
	 * with the member who held it */
	g_autoptr (HyStmt) stmt = hy_member_history_prepare (
		db,
		"SELECT e.id, e.at, c.number, e.account, e.item, e.delta, e.op, e.note "
		"FROM cards c JOIN account_entries e ON e.card_id = c.id "
		"WHERE c.member_id = ?1 ORDER BY e.at DESC, e.id DESC LIMIT ?2",
		member_id, limit, error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	for (;;) {
		g_autoptr (HyHistoryEntry) entry = NULL;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		entry = g_new0 (HyHistoryEntry, 1);
		entry->id = hy_stmt_dup_text (stmt, 0);
		entry->at = sqlite3_column_int64 (stmt, 1);
		entry->card_number = hy_stmt_dup_text (stmt, 2);
		if (!hy_account_from_string (hy_stmt_text (stmt, 3), &entry->account)) {
			g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
				     _ ("ledger entry %s has an unknown account"), entry->id);
			return NULL;
		}
		entry->item = hy_stmt_dup_text (stmt, 4);
		entry->delta = sqlite3_column_int64 (stmt, 5);
		entry->op = hy_stmt_dup_text (stmt, 6);
		entry->note = hy_stmt_dup_text (stmt, 7);
		g_ptr_array_add (entries, g_steal_pointer (&entry));
	}
	return g_steal_pointer (&entries);
}

GPtrArray *
hy_member_history_batches (HyDb *db, const gchar *member_id, guint limit, GError **error)
{
	g_autoptr (GPtrArray) batches =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_history_batch_free);
	g_autoptr (HyStmt) stmt = hy_member_history_prepare (
		db,
		"SELECT b.id, c.number, b.earned_on, b.expires_on, b.points, "
		"b.points - coalesce ((SELECT sum (u.points) FROM points_uses u "
		"WHERE u.batch_id = b.id), 0), b.op "
		"FROM points_batches b JOIN cards c ON c.id = b.card_id "
		"WHERE b.member_id = ?1 ORDER BY b.earned_on DESC, b.at DESC, b.id DESC LIMIT ?2",
		member_id, limit, error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	for (;;) {
		HyHistoryBatch *batch;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		batch = g_new0 (HyHistoryBatch, 1);
		batch->id = hy_stmt_dup_text (stmt, 0);
		batch->card_number = hy_stmt_dup_text (stmt, 1);
		batch->earned_on = hy_stmt_dup_text (stmt, 2);
		batch->expires_on = hy_stmt_dup_text (stmt, 3);
		batch->points = sqlite3_column_int64 (stmt, 4);
		batch->remaining = sqlite3_column_int64 (stmt, 5);
		batch->op = hy_stmt_dup_text (stmt, 6);
		g_ptr_array_add (batches, batch);
	}
	return g_steal_pointer (&batches);
}

gboolean
hy_member_visits (HyDb *db, const gchar *member_id, gint64 *visits, gint64 *last_at, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT count(*), coalesce (max (at), 0) FROM sales WHERE member_id = ?",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*visits = sqlite3_column_int64 (stmt, 0);
	*last_at = sqlite3_column_int64 (stmt, 1);
	return TRUE;
}
