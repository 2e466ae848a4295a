#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-money.h"
#include "hy-outbox.h"
#include "hy-package.h"
#include "hy-points.h"
#include "hy-refund.h"

/* One line of the sale, with what earlier refunds already returned of it. */
typedef struct {
	gchar *id;
	guint line_no;
	gint64 qty, amount, points;
	gint64 done_qty, done_amount, done_points;
	/* this refund */
	gint64 qty_now, amount_now, points_now;
} HyRefundSaleLine;

static void
hy_refund_sale_line_free (HyRefundSaleLine *line)
{
	g_free (line->id);
	g_free (line);
}

typedef struct {
	gchar *card_id;
	gint64 total; /* what was paid */
	gint64 from_balance;
	gint64 refunded;	    /* money returned by earlier refunds */
	gint64 refunded_to_balance; /* of which to stored value */
	GPtrArray *lines;	    /* HyRefundSaleLine, by line number */
} HyRefundSale;

static void
hy_refund_sale_clear (HyRefundSale *sale)
{
	g_free (sale->card_id);
	g_clear_pointer (&sale->lines, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyRefundSale, hy_refund_sale_clear)

static gboolean
hy_refund_query_int (HyDb *db, const gchar *sql, const gchar *id, gint64 *out, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*out = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	return TRUE;
}

static gboolean
hy_refund_load (HyDb *db, const gchar *sale_id, HyRefundSale *sale, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	stmt = hy_db_prepare (db, "SELECT card_id, total FROM sales WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no sale %s"), sale_id);
		return FALSE;
	}
	sale->card_id = hy_stmt_dup_text (stmt, 0);
	sale->total = sqlite3_column_int64 (stmt, 1);
	g_clear_pointer (&stmt, hy_stmt_release);

	if (!hy_refund_query_int (db,
				  "SELECT coalesce (sum (amount), 0) FROM payments "
				  "WHERE sale_id = ? AND method = 'balance'",
				  sale_id, &sale->from_balance, error) ||
	    !hy_refund_query_int (
		    db, "SELECT coalesce (sum (amount), 0) FROM refunds WHERE sale_id = ?", sale_id,
		    &sale->refunded, error) ||
	    !hy_refund_query_int (db,
				  "SELECT coalesce (sum (to_balance), 0) FROM refunds "
				  "WHERE sale_id = ?",
				  sale_id, &sale->refunded_to_balance, error))
		return FALSE;

	sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_refund_sale_line_free);
	stmt = hy_db_prepare (db,
			      "SELECT l.id, l.line_no, l.qty, l.amount, l.points, "
			      "coalesce (sum (r.qty), 0), coalesce (sum (r.amount), 0), "
			      "coalesce (sum (r.points), 0) "
			      "FROM sale_lines l LEFT JOIN refund_lines r ON r.sale_line_id = l.id "
			      "WHERE l.sale_id = ? GROUP BY l.id ORDER BY l.line_no",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyRefundSaleLine *line;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		line = g_new0 (HyRefundSaleLine, 1);
		line->id = hy_stmt_dup_text (stmt, 0);
		line->line_no = (guint) sqlite3_column_int (stmt, 1);
		line->qty = sqlite3_column_int64 (stmt, 2);
		line->amount = sqlite3_column_int64 (stmt, 3);
		line->points = sqlite3_column_int64 (stmt, 4);
		line->done_qty = sqlite3_column_int64 (stmt, 5);
		line->done_amount = sqlite3_column_int64 (stmt, 6);
		line->done_points = sqlite3_column_int64 (stmt, 7);
		g_ptr_array_add (sale->lines, line);
	}
	return TRUE;
}

/* Which quantities this refund returns, checked against what is left. */
static gboolean
hy_refund_choose (HyRefundSale *sale,
		  const HyRefundLine *lines,
		  guint n_lines,
		  const gchar *sale_id,
		  GError **error)
{
	gboolean any = FALSE;
	if (n_lines == 0) {
		for (guint i = 0; i < sale->lines->len; i++) {
			HyRefundSaleLine *line = g_ptr_array_index (sale->lines, i);
			line->qty_now = line->qty - line->done_qty;
			any |= line->qty_now > 0;
		}
		if (!any) {
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("sale %s is already refunded in full"), sale_id);
			return FALSE;
		}
		return TRUE;
	}
	for (guint i = 0; i < n_lines; i++) {
		HyRefundSaleLine *line = NULL;
		gint64 left;
		for (guint k = 0; k < sale->lines->len; k++) {
			HyRefundSaleLine *candidate = g_ptr_array_index (sale->lines, k);
			if (candidate->line_no == lines[i].line)
				line = candidate;
		}
		if (line == NULL) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("sale %s has no line %u"), sale_id, lines[i].line);
			return FALSE;
		}
		if (line->qty_now > 0) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("line %u is named twice"), lines[i].line);
			return FALSE;
		}
		left = line->qty - line->done_qty;
		if (left == 0) {
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("line %u is already refunded in full"), lines[i].line);
			return FALSE;
		}
		line->qty_now = lines[i].qty == 0 ? left : lines[i].qty;
		if (lines[i].qty < 0 || line->qty_now == 0 || line->qty_now > left) {
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("line %u: %" PRId64 " of %" PRId64
					" are left to return, not %" PRId64),
				     lines[i].line, left, line->qty,
				     lines[i].qty == 0 ? left : lines[i].qty);
			return FALSE;
		}
	}
	return TRUE;
}

/* Pro rata, half-up, on what was paid: 抹零 made the sale cheaper than its lines, so
 * each line's share of the total is what it paid. The last of a line returns exactly
 * what is left of its share, and the refund that completes the sale exactly what is
 * left of the total. */
static void
hy_refund_price_lines (HyRefundSale *sale, gint64 *amount, gint64 *points)
{
	HyRefundSaleLine *last = NULL;
	gboolean completes = TRUE;
	gint64 lines_total = 0;

	for (guint i = 0; i < sale->lines->len; i++)
		lines_total += ((HyRefundSaleLine *) g_ptr_array_index (sale->lines, i))->amount;
	*amount = *points = 0;
	for (guint i = 0; i < sale->lines->len; i++) {
		HyRefundSaleLine *line = g_ptr_array_index (sale->lines, i);
		gint64 paid = line->amount;
		if (lines_total > 0 && lines_total != sale->total)
			paid = hy_round_half_up (line->amount * sale->total, lines_total);
		if (line->qty_now > 0 && line->done_qty + line->qty_now == line->qty) {
			line->amount_now = MAX (paid - line->done_amount, 0);
			line->points_now = line->points - line->done_points;
		} else if (line->qty_now > 0) {
			line->amount_now = hy_round_half_up (paid * line->qty_now, line->qty);
			line->points_now =
				hy_round_half_up (line->points * line->qty_now, line->qty);
		}
		if (line->qty_now > 0)
			last = line;
		*amount += line->amount_now;
		*points += line->points_now;
		if (line->done_qty + line->qty_now < line->qty)
			completes = FALSE;
	}
	/* the shares' own rounding may leave a fen over or short: the refund that ends
	 * the sale settles it, and no refund returns more than is left */
	if (last != NULL && (completes || *amount > sale->total - sale->refunded)) {
		gint64 target = sale->total - sale->refunded;
		last->amount_now += target - *amount;
		*amount = target;
	}
}

/* The card that holds the balances now: a replaced or merged card passed them on. */
static HyCard *
hy_refund_current_card (HyDb *db, const gchar *card_id, GError **error)
{
	g_autoptr (HyCard) card = hy_card_get (db, card_id, error);
	for (guint hops = 0; card != NULL && card->status == HY_CARD_STATUS_RETIRED &&
			     card->successor_id != NULL && hops < 16;
	     hops++) {
		g_autoptr (HyCard) next = hy_card_get (db, card->successor_id, error);
		hy_card_free (g_steal_pointer (&card));
		card = g_steal_pointer (&next);
	}
	return g_steal_pointer (&card);
}

static gboolean
hy_refund_insert (HyDb *db,
		  const HyActor *actor,
		  const gchar *refund_id,
		  const gchar *sale_id,
		  const HyCard *card,
		  HyRefundSale *sale,
		  gint64 amount,
		  gint64 points,
		  gint64 to_balance,
		  gint64 to_points,
		  const gchar *reason,
		  gint64 hlc,
		  GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO refunds (id, sale_id, store_id, terminal_id, operator_id, card_id, "
		"amount, points, to_balance, to_cash, reason, at, hlc, origin_store) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?3)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, refund_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, hy_actor_get_terminal_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, card != NULL ? card->id : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, amount);
	sqlite3_bind_int64 (stmt, 8, points);
	sqlite3_bind_int64 (stmt, 9, to_balance);
	/* what went back as points is neither stored value nor cash */
	sqlite3_bind_int64 (stmt, 10, amount - to_balance - to_points);
	sqlite3_bind_text (stmt, 11, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 12, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 13, hlc);
	if (!hy_db_step_done (db, stmt, error) ||
	    !hy_outbox_capture (db, "refunds", refund_id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;

	for (guint i = 0; i < sale->lines->len; i++) {
		HyRefundSaleLine *line = g_ptr_array_index (sale->lines, i);
		g_autofree gchar *id = NULL;
		g_autoptr (HyStmt) ins = NULL;
		if (line->qty_now == 0)
			continue;
		id = hy_id_new ();
		ins = hy_db_prepare (
			db,
			"INSERT INTO refund_lines (id, refund_id, sale_line_id, qty, "
			"amount, points, hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			error);
		if (ins == NULL)
			return FALSE;
		sqlite3_bind_text (ins, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (ins, 2, refund_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (ins, 3, line->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (ins, 4, line->qty_now);
		sqlite3_bind_int64 (ins, 5, line->amount_now);
		sqlite3_bind_int64 (ins, 6, line->points_now);
		sqlite3_bind_int64 (ins, 7, hlc);
		sqlite3_bind_text (ins, 8, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
		if (!hy_db_step_done (db, ins, error) ||
		    !hy_outbox_capture (db, "refund_lines", id, HY_CHANGE_INSERT, hlc, error))
			return FALSE;
	}
	return TRUE;
}

static JsonNode *
hy_refund_result (const gchar *refund_id,
		  const gchar *sale_id,
		  HyRefundSale *sale,
		  gint64 amount,
		  gint64 points,
		  gint64 to_balance,
		  gint64 to_points)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "refund");
	json_builder_add_string_value (b, refund_id);
	json_builder_set_member_name (b, "sale");
	json_builder_add_string_value (b, sale_id);
	json_builder_set_member_name (b, "lines");
	json_builder_begin_array (b);
	for (guint i = 0; i < sale->lines->len; i++) {
		HyRefundSaleLine *line = g_ptr_array_index (sale->lines, i);
		if (line->qty_now == 0)
			continue;
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "line");
		json_builder_add_int_value (b, line->line_no);
		json_builder_set_member_name (b, "qty");
		json_builder_add_int_value (b, line->qty_now);
		json_builder_set_member_name (b, "amount");
		json_builder_add_int_value (b, line->amount_now);
		json_builder_set_member_name (b, "points");
		json_builder_add_int_value (b, line->points_now);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "amount");
	json_builder_add_int_value (b, amount);
	json_builder_set_member_name (b, "points");
	json_builder_add_int_value (b, points);
	json_builder_set_member_name (b, "to_balance");
	json_builder_add_int_value (b, to_balance);
	json_builder_set_member_name (b, "to_points");
	json_builder_add_int_value (b, to_points);
	json_builder_set_member_name (b, "to_cash");
	json_builder_add_int_value (b, amount - to_balance - to_points);
	json_builder_end_object (b);
	return json_builder_get_root (b);
}

gboolean
hy_refund_sale (HyDb *db,
		const HyActor *actor,
		const gchar *sale_id,
		const HyRefundLine *lines,
		guint n_lines,
		const gchar *reason,
		gchar **refund_id_out,
		JsonNode **result_out,
		GError **error)
{
	g_auto (HyRefundSale) sale = {0};
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *refund_id = hy_id_new ();
	gint64 amount = 0, points = 0, to_balance = 0, to_points = 0, hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_SALE_REFUND, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_refund_load (db, sale_id, &sale, error) ||
	    !hy_refund_choose (&sale, lines, n_lines, sale_id, error))
		return FALSE;
	hy_refund_price_lines (&sale, &amount, &points);
	to_balance = MIN (amount, sale.from_balance - sale.refunded_to_balance);

	if (sale.card_id != NULL) {
		gint64 held = 0;
		card = hy_refund_current_card (db, sale.card_id, error);
		if (card == NULL)
			return FALSE;
		if (!hy_ledger_balance (db, card->id, HY_ACCOUNT_POINTS, "", &held, error))
			return FALSE;
		if (held < points) {
			g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
				     _ ("the refund takes back %" PRId64
					" hundredths of a point the "
					"sale earned, but the card holds only %" PRId64
					": the member has spent them"),
				     points, held);
			return FALSE;
		}
		if (to_balance > 0 &&
		    !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", to_balance,
				     "refund", refund_id, NULL, error))
			return FALSE;
		if (!hy_points_refund_tender (db, actor, sale_id, card->id, refund_id,
					      amount - to_balance, &to_points, error))
			return FALSE;
		if (points > 0 && !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_POINTS, "",
						   -points, "refund", refund_id, NULL, error))
			return FALSE;
		/* packages: the uses or minutes not used yet go back too */
		for (guint i = 0; i < sale.lines->len; i++) {
			const HyRefundSaleLine *line = g_ptr_array_index (sale.lines, i);
			if (line->qty_now > 0 &&
			    !hy_package_refund_line (db, actor, sale.card_id, card->id, line->id,
						     line->qty, line->qty_now, refund_id, error))
				return FALSE;
		}
	} else {
		points = 0;
	}

	if (!hy_hlc_tick (db, &hlc, error) ||
	    !hy_refund_insert (db, actor, refund_id, sale_id, card, &sale, amount, points,
			       to_balance, to_points, reason, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "sale", sale_id);
	json_object_set_int_member (detail, "amount", amount);
	json_object_set_int_member (detail, "points", points);
	json_object_set_int_member (detail, "to_balance", to_balance);
	if (to_points > 0)
		json_object_set_int_member (detail, "to_points", to_points);
	if (reason != NULL)
		json_object_set_string_member (detail, "reason", reason);
	if (!hy_audit_append (db, actor, "sale.refund", refund_id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (result_out != NULL)
		*result_out = hy_refund_result (refund_id, sale_id, &sale, amount, points,
						to_balance, to_points);
	if (refund_id_out != NULL)
		*refund_id_out = g_steal_pointer (&refund_id);
	return TRUE;
}

/* ---- what is left to refund, for the till ---- */

static void
hy_refundable_line_free (HyRefundableLine *line)
{
	g_free (line->item);
	g_free (line);
}

void
hy_refundable_free (HyRefundable *sale)
{
	if (sale == NULL)
		return;
	g_free (sale->sale_id);
	g_free (sale->card_number);
	g_free (sale->member_name);
	g_clear_pointer (&sale->lines, g_ptr_array_unref);
	g_free (sale);
}

/* Ids are lower-case hex in groups joined by '-'; anything else was mistyped. */
static gchar *
hy_refund_sale_prefix (const gchar *typed, GError **error)
{
	g_autofree gchar *prefix = g_ascii_strdown (typed, -1);
	g_strstrip (prefix);
	for (const gchar *p = prefix; *p != '\0'; p++) {
		if (!g_ascii_isxdigit (*p) && *p != '-') {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("“%s” is not a sale number"), typed);
			return NULL;
		}
	}
	if (strlen (prefix) < HY_REFUND_MIN_PREFIX) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("type at least %d characters of the sale number"),
			     HY_REFUND_MIN_PREFIX);
		return NULL;
	}
	return g_steal_pointer (&prefix);
}

static gboolean
hy_refund_find_header (HyDb *db, const gchar *prefix, HyRefundable *sale, GError **error)
{
	/* the primary key's range: every id beginning with the prefix sorts before
	 * prefix || '~' ('~' is above every character of an id) */
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT s.id, s.at, s.total, c.number, m.name FROM sales s "
		"LEFT JOIN cards c ON c.id = s.card_id LEFT JOIN members m ON m.id = s.member_id "
		"WHERE s.id >= ?1 AND s.id < ?1 || '~' ORDER BY s.id LIMIT 2",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no sale %s"), prefix);
		return FALSE;
	}
	sale->sale_id = hy_stmt_dup_text (stmt, 0);
	sale->at = sqlite3_column_int64 (stmt, 1);
	sale->total = sqlite3_column_int64 (stmt, 2);
	sale->card_number = hy_stmt_dup_text (stmt, 3);
	sale->member_name = hy_stmt_dup_text (stmt, 4);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row && !g_str_equal (sale->sale_id, prefix)) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("several sales begin with %s: type more of the sale number"),
			     prefix);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_refund_find_lines (HyDb *db, HyRefundable *sale, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT l.line_no, l.item, l.qty, l.amount, coalesce (sum (r.qty), 0) "
		"FROM sale_lines l LEFT JOIN refund_lines r ON r.sale_line_id = l.id "
		"WHERE l.sale_id = ? GROUP BY l.id ORDER BY l.line_no",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale->sale_id, -1, SQLITE_TRANSIENT);
	sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_refundable_line_free);
	for (;;) {
		HyRefundableLine *line;
		gboolean has_row = FALSE;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			return TRUE;
		line = g_new0 (HyRefundableLine, 1);
		line->line = (guint) sqlite3_column_int (stmt, 0);
		line->item = hy_stmt_dup_text (stmt, 1);
		line->qty = sqlite3_column_int64 (stmt, 2);
		line->amount = sqlite3_column_int64 (stmt, 3);
		line->left = line->qty - sqlite3_column_int64 (stmt, 4);
		g_ptr_array_add (sale->lines, line);
	}
}

HyRefundable *
hy_refund_find_sale (HyDb *db, const gchar *sale, GError **error)
{
	g_autoptr (HyRefundable) found = g_new0 (HyRefundable, 1);
	g_autofree gchar *prefix = hy_refund_sale_prefix (sale, error);
	g_autoptr (HyTxn) txn = NULL;

	if (prefix == NULL)
		return NULL;
	txn = hy_db_begin_read (db, error);
	if (txn == NULL || !hy_refund_find_header (db, prefix, found, error) ||
	    !hy_refund_find_lines (db, found, error) ||
	    !hy_refund_query_int (
		    db, "SELECT coalesce (sum (amount), 0) FROM refunds WHERE sale_id = ?",
		    found->sale_id, &found->refunded, error) ||
	    !hy_txn_commit (txn, error))
		return NULL;
	return g_steal_pointer (&found);
}
