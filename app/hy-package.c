#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-count.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-package.h"

/* The last day a count lot sold on `at` is good: `valid_days` later, or NULL. */
static gchar *
hy_package_expiry (GDateTime *at, gint64 valid_days)
{
	g_autoptr (GDateTime) local = NULL;
	g_autoptr (GDateTime) last = NULL;
	if (valid_days <= 0)
		return NULL;
	local = g_date_time_to_local (at);
	last = g_date_time_add_days (local, (gint) valid_days);
	return g_date_time_format (last, "%Y-%m-%d");
}

gboolean
hy_package_check_kind (HyDb *db, const gchar *card_id, HyPackageKind account, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT k.name, k.counts, k.time FROM cards c "
						 "JOIN card_kinds k ON k.id = c.kind_id "
						 "WHERE c.id = ?",
						 error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row)
		return TRUE;
	if (account == HY_PACKAGE_COUNT && sqlite3_column_int (stmt, 1) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("cards of kind “%s” hold no count uses"), hy_stmt_text (stmt, 0));
		return FALSE;
	}
	if (account == HY_PACKAGE_TIME && sqlite3_column_int (stmt, 2) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("cards of kind “%s” hold no time"), hy_stmt_text (stmt, 0));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_package_credit_line (HyDb *db,
			const HyActor *actor,
			const HyPackageRule *package,
			const gchar *card_id,
			const gchar *line_id,
			gint64 qty,
			GDateTime *at,
			GError **error)
{
	if (!hy_package_check_kind (db, card_id, package->kind, error))
		return FALSE;
	if (package->kind == HY_PACKAGE_COUNT) {
		g_autofree gchar *expires_on = hy_package_expiry (at, package->valid_days);
		return hy_count_credit (db, actor, card_id, package->item, qty * package->qty,
					expires_on, "package.sale", line_id, error);
	}
	/* time balances are seconds */
	return hy_ledger_post (db, actor, card_id, HY_ACCOUNT_TIME, package->item,
			       qty * package->qty * 60, "package.sale", line_id, NULL, error);
}

gboolean
hy_package_credit_sale (HyDb *db,
			const HyActor *actor,
			const HyRules *rules,
			const gchar *card_id,
			const gchar *sale_id,
			const HyBasketLine *lines,
			guint n_lines,
			GDateTime *at,
			GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE, any = FALSE;

	/* most sales hold no package: no query for them */
	for (guint i = 0; i < n_lines && !any; i++) {
		const HyItemRule *item = lines[i].item != NULL
						 ? g_hash_table_lookup (rules->items, lines[i].item)
						 : NULL;
		any = item != NULL && item->package.kind != HY_PACKAGE_NONE;
	}
	if (!any)
		return TRUE;
	/* the lines' ids key the credits, for refunds */
	stmt = hy_db_prepare (db,
			      "SELECT id, line_no, item, qty FROM sale_lines "
			      "WHERE sale_id = ? AND item IS NOT NULL ORDER BY line_no",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		const HyItemRule *item;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		item = g_hash_table_lookup (rules->items, hy_stmt_text (stmt, 2));
		if (item == NULL || item->package.kind == HY_PACKAGE_NONE)
			continue;
		if (card_id == NULL) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("line %d: package “%s” is credited to a member card, and "
					"this sale has none"),
				     sqlite3_column_int (stmt, 1), item->code);
			return FALSE;
		}
		if (!hy_package_credit_line (db, actor, &item->package, card_id,
					     hy_stmt_text (stmt, 0), sqlite3_column_int64 (stmt, 3),
					     at, error))
			return FALSE;
	}
	return TRUE;
}

/* The time a package line credited, if any: its item and seconds. */
static gboolean
hy_package_time_credit (HyDb *db,
			const gchar *card_id,
			const gchar *line_id,
			gboolean *found,
			gchar **item_out,
			gint64 *seconds_out,
			GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT item, delta FROM account_entries WHERE card_id = ?1 AND account = 'time' "
		"AND op = 'package.sale' AND op_id = ?2",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, line_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*found = has_row;
	if (!has_row)
		return TRUE;
	*item_out = hy_stmt_dup_text (stmt, 0);
	*seconds_out = sqlite3_column_int64 (stmt, 1);
	return TRUE;
}

gboolean
hy_package_refund_line (HyDb *db,
			const HyActor *actor,
			const gchar *sale_card_id,
			const gchar *card_id,
			const gchar *sale_line_id,
			gint64 line_qty,
			gint64 qty,
			const gchar *refund_id,
			GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (HyCountLot) lot = NULL;
	g_autofree gchar *item = NULL;
	gint64 seconds = 0, balance = 0, take;
	gboolean found = FALSE;

	g_return_val_if_fail (line_qty > 0 && qty > 0 && qty <= line_qty, FALSE);
	lot = hy_count_lot_by_op (db, sale_card_id, sale_line_id, &local);
	if (lot != NULL) {
		take = lot->qty / line_qty * qty;
		if (take > lot->remaining) {
			g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
				     _ ("the refund takes back %" PRId64 " uses of “%s”, but only "
					"%" PRId64 " of the package are left: the member has "
					"used them"),
				     take, lot->item, lot->remaining);
			return FALSE;
		}
		return hy_count_take_from_lot (db, actor, card_id, lot, take, "package.refund",
					       refund_id, error);
	}
	if (!g_error_matches (local, HY_ERROR, HY_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (!hy_package_time_credit (db, sale_card_id, sale_line_id, &found, &item, &seconds,
				     error))
		return FALSE;
	if (!found)
		return TRUE; /* not a package line */
	take = seconds / line_qty * qty;
	if (!hy_ledger_balance (db, card_id, HY_ACCOUNT_TIME, item, &balance, error))
		return FALSE;
	if (take > balance) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("the refund takes back %" PRId64 " minutes of “%s”, but the card "
				"holds only %" PRId64 " seconds: the member has used them"),
			     take / 60, item, balance);
		return FALSE;
	}
	return hy_ledger_post (db, actor, card_id, HY_ACCOUNT_TIME, item, -take, "package.refund",
			       refund_id, NULL, error);
}
