#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-outbox.h"
#include "hy-package.h"
#include "hy-points.h"
#include "hy-rules-store.h"
#include "hy-store.h"
#include "hy-upgrade.h"

/* Largest tender, fen: ten million yuan. */
#define HY_CHECKOUT_MAX_TENDER G_GINT64_CONSTANT (1000000000)

static const gchar *const hy_tender_names[] = {
	"cash", "bank_card", "cheque", "balance", "voucher", "coupon", "points",
};

const gchar *
hy_tender_method_to_string (HyTenderMethod method)
{
	g_return_val_if_fail ((guint) method < G_N_ELEMENTS (hy_tender_names), NULL);
	return hy_tender_names[method];
}

gboolean
hy_tender_method_from_string (const gchar *text, HyTenderMethod *out)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_tender_names); i++) {
		if (g_strcmp0 (hy_tender_names[i], text) == 0) {
			*out = (HyTenderMethod) i;
			return TRUE;
		}
	}
	return FALSE;
}

/* What the tenders come to, checked against what is due. */
typedef struct {
	gint64 paid;
	gint64 non_cash;
	gint64 balance; /* from stored value */
	gint64 points;	/* fen paid with points */
	gint64 change;
} HyTenderSum;

static gboolean
hy_checkout_sum_tenders (const HySaleRequest *request, gint64 due, HyTenderSum *sum, GError **error)
{
	g_autofree gchar *due_text = NULL;
	*sum = (HyTenderSum){0};
	if (request->n_tenders == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("a sale needs a payment"));
		return FALSE;
	}
	for (guint i = 0; i < request->n_tenders; i++) {
		const HyTender *t = &request->tenders[i];
		if (t->amount <= 0 || t->amount > HY_CHECKOUT_MAX_TENDER) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("payment %u (%s): %" PRId64
					" fen is not between 1 and %" PRId64),
				     i + 1, hy_tender_method_to_string (t->method), t->amount,
				     HY_CHECKOUT_MAX_TENDER);
			return FALSE;
		}
		sum->paid += t->amount;
		if (t->method != HY_TENDER_CASH)
			sum->non_cash += t->amount;
		if (t->method == HY_TENDER_BALANCE)
			sum->balance += t->amount;
		if (t->method == HY_TENDER_POINTS)
			sum->points += t->amount;
	}
	due_text = g_strdup_printf ("%" PRId64, due);
	/* only cash gives change: a card or voucher is never charged more than is due */
	if (sum->non_cash > due) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("payments other than cash come to %" PRId64
				" fen, more than the %s fen due"),
			     sum->non_cash, due_text);
		return FALSE;
	}
	if (sum->paid < due) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("payments come to %" PRId64 " fen, less than the %s fen due"),
			     sum->paid, due_text);
		return FALSE;
	}
	sum->change = sum->paid - due;
	return TRUE;
}

static gboolean
hy_checkout_uses_balance (const HySaleRequest *request)
{
	for (guint i = 0; i < request->n_tenders; i++) {
		if (request->tenders[i].method == HY_TENDER_BALANCE)
			return TRUE;
	}
	return FALSE;
}

/* 抹零: round the total down to the jiao or the yuan. */
static gint64
hy_checkout_round (gint64 total, HyRounding rounding)
{
	switch (rounding) {
	case HY_ROUNDING_JIAO:
		return total - total % 10;
	case HY_ROUNDING_YUAN:
		return total - total % 100;
	case HY_ROUNDING_NONE:
	default:
		return total;
	}
}

static gboolean
hy_checkout_insert_sale (HyDb *db,
			 const HyActor *actor,
			 const HySaleRequest *request,
			 const gchar *sale_id,
			 const HyCard *card,
			 const HyPricedBasket *basket,
			 gint64 rounding,
			 gint64 change,
			 gint64 at,
			 gint64 hlc,
			 GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO sales (id, store_id, terminal_id, operator_id, card_id, member_id, "
		"slip_no, salesperson, note, subtotal, discount, rounding, total, points, change, "
		"money_after, points_after, at, hlc, origin_store) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		"(SELECT amount FROM balances WHERE card_id = ?5 AND account = 'money' AND item = "
		"''), "
		"(SELECT amount FROM balances WHERE card_id = ?5 AND account = 'points' AND item = "
		"''), "
		"?16, ?17, ?2)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_actor_get_terminal_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, card != NULL ? card->id : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, card != NULL ? card->member_id : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, request->slip_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, request->salesperson, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 9, request->note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 10, basket->subtotal);
	sqlite3_bind_int64 (stmt, 11, basket->discount);
	sqlite3_bind_int64 (stmt, 12, rounding);
	sqlite3_bind_int64 (stmt, 13, basket->total - rounding);
	sqlite3_bind_int64 (stmt, 14, card != NULL ? basket->points : 0);
	sqlite3_bind_int64 (stmt, 15, change);
	sqlite3_bind_int64 (stmt, 16, at);
	sqlite3_bind_int64 (stmt, 17, hlc);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "sales", sale_id, HY_CHANGE_INSERT, hlc, error);
}

static gchar *
hy_checkout_factors_json (const HyPricedLine *line)
{
	/* the explanation as `price` prints it, kept with the line for reprints */
	return hy_priced_line_factors_to_text (line);
}

static gboolean
hy_checkout_insert_lines (HyDb *db,
			  const HyActor *actor,
			  const gchar *sale_id,
			  const HyPricedBasket *basket,
			  gint64 hlc,
			  GError **error)
{
	for (guint i = 0; i < basket->lines->len; i++) {
		const HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		g_autofree gchar *id = hy_id_new ();
		g_autofree gchar *factors = hy_checkout_factors_json (line);
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db,
			"INSERT INTO sale_lines (id, sale_id, line_no, item, qty, unit_price, "
			"price_source, list_amount, amount, points, discount_bp, points_bp, "
			"factors, "
			"hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, sale_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int (stmt, 3, (gint) i + 1);
		sqlite3_bind_text (stmt, 4, line->item, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (stmt, 5, line->qty);
		sqlite3_bind_int64 (stmt, 6, line->unit_price);
		sqlite3_bind_text (stmt, 7, line->price_source, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (stmt, 8, line->list_amount);
		sqlite3_bind_int64 (stmt, 9, line->amount);
		sqlite3_bind_int64 (stmt, 10, line->points);
		sqlite3_bind_int (stmt, 11, line->discount_bp);
		sqlite3_bind_int (stmt, 12, line->points_bp);
		sqlite3_bind_text (stmt, 13, factors, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (stmt, 14, hlc);
		sqlite3_bind_text (stmt, 15, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
		if (!hy_db_step_done (db, stmt, error))
			return FALSE;
		if (!hy_outbox_capture (db, "sale_lines", id, HY_CHANGE_INSERT, hlc, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hy_checkout_insert_payments (HyDb *db,
			     const HyActor *actor,
			     const gchar *sale_id,
			     const HySaleRequest *request,
			     gint64 hlc,
			     GError **error)
{
	for (guint i = 0; i < request->n_tenders; i++) {
		const HyTender *t = &request->tenders[i];
		g_autofree gchar *id = hy_id_new ();
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db,
			"INSERT INTO payments (id, sale_id, method, amount, reference, "
			"hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?)",
			error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, sale_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 3, hy_tender_method_to_string (t->method), -1,
				   SQLITE_STATIC);
		sqlite3_bind_int64 (stmt, 4, t->amount);
		sqlite3_bind_text (stmt, 5, t->reference, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (stmt, 6, hlc);
		sqlite3_bind_text (stmt, 7, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
		if (!hy_db_step_done (db, stmt, error))
			return FALSE;
		if (!hy_outbox_capture (db, "payments", id, HY_CHANGE_INSERT, hlc, error))
			return FALSE;
	}
	return TRUE;
}

/* The member on the card, for pricing: level and birthday. */
static HyMember *
hy_checkout_member (HyDb *db, const HySaleRequest *request, HyCard **card_out, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, request->card, error);
	HyMember *member;
	if (card == NULL || !hy_card_check_usable (card, _ ("a sale"), TRUE, error))
		return NULL;
	member = hy_member_get (db, card->member_id, error);
	if (member == NULL)
		return NULL;
	*card_out = g_steal_pointer (&card);
	return member;
}

gboolean
hy_checkout_sell (HyDb *db,
		  const HyActor *actor,
		  const HySaleRequest *request,
		  gchar **sale_id_out,
		  JsonNode **receipt_out,
		  GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyMember) member = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (HyStore) store = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autoptr (JsonNode) receipt = NULL;
	g_autofree gchar *sale_id = hy_id_new ();
	HyPricingMember pricing_member = {NULL, NULL};
	HyTenderSum sum;
	GDateTime *at = request->at != NULL ? request->at : now;
	gint64 due, hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_SALE_MAKE, error))
		return FALSE;
	if (request->rounding != HY_ROUNDING_NONE &&
	    !hy_actor_require (actor, HY_PERMISSION_SALE_ROUND, error))
		return FALSE;

	/* the spending PIN protects stored value whenever the card has one; checked
	 * before the sale's transaction so that wrong attempts are counted */
	if (request->card != NULL && hy_checkout_uses_balance (request)) {
		g_autoptr (HyCard) payer = hy_card_lookup (db, request->card, error);
		if (payer == NULL)
			return FALSE;
		if (payer->has_pin && !hy_card_check_pin (db, payer->number, request->pin, error))
			return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (request->card != NULL) {
		member = hy_checkout_member (db, request, &card, error);
		if (member == NULL)
			return FALSE;
		pricing_member.level = member->level_name;
		pricing_member.birthday = member->birthday;
	}
	rules = hy_rules_load (db, error);
	store = rules != NULL ? hy_store_get_local (db, error) : NULL;
	if (store == NULL)
		return FALSE;
	basket = hy_pricing_price (rules, store->code, card != NULL ? &pricing_member : NULL, at,
				   request->lines, request->n_lines, error);
	if (basket == NULL)
		return FALSE;
	due = hy_checkout_round (basket->total, request->rounding);
	if (due == 0 && basket->total > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("抹零 would leave nothing to pay on a total of %" PRId64 " fen"),
			     basket->total);
		return FALSE;
	}
	if (!hy_checkout_sum_tenders (request, due, &sum, error))
		return FALSE;

	if (sum.balance > 0) {
		if (card == NULL) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("only a member card can pay from stored value"));
			return FALSE;
		}
		if (!hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", -sum.balance,
				     "sale", sale_id, NULL, error))
			return FALSE;
	}
	/* loyalty (hy-points.h, hy-upgrade.h): the points tender, points earned only on
	 * the share the rules let earn, in a batch dated by the sale, then any upgrade */
	if (sum.points > 0 && !hy_points_pay_sale (db, actor, rules, card != NULL ? card->id : NULL,
						   sum.points, sale_id, error))
		return FALSE;
	if (card != NULL) {
		g_autofree gchar *day = g_date_time_format (at, "%Y-%m-%d");
		hy_points_scale_earning (
			basket, due,
			sum.points + (rules->points.balance_payment_earns ? 0 : sum.balance));
		if (basket->points > 0 &&
		    !hy_ledger_post_points (db, actor, card->id, basket->points, "sale", sale_id,
					    NULL, day, NULL, error))
			return FALSE;
		if (!hy_upgrade_apply (db, actor, rules, card->id, card->member_id, sale_id, NULL,
				       error))
			return FALSE;
	}

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	if (!hy_checkout_insert_sale (
		    db, actor, request, sale_id, card, basket, basket->total - due, sum.change,
		    g_date_time_to_unix (at) * 1000 + g_date_time_get_microsecond (at) / 1000, hlc,
		    error) ||
	    !hy_checkout_insert_lines (db, actor, sale_id, basket, hlc, error) ||
	    !hy_checkout_insert_payments (db, actor, sale_id, request, hlc, error) ||
	    !hy_package_credit_sale (db, actor, rules, card != NULL ? card->id : NULL, sale_id,
				     request->lines, request->n_lines, at, error))
		return FALSE;

	json_object_set_int_member (detail, "total", due);
	json_object_set_int_member (detail, "points", card != NULL ? basket->points : 0);
	json_object_set_int_member (detail, "lines", basket->lines->len);
	json_object_set_int_member (detail, "from_balance", sum.balance);
	if (due != basket->total)
		json_object_set_int_member (detail, "rounding", basket->total - due);
	if (!hy_audit_append (db, actor, "sale.create", sale_id, detail, error))
		return FALSE;
	/* the receipt before the commit: a sale that cannot print is not rung up */
	if (receipt_out != NULL) {
		receipt = hy_checkout_receipt (db, sale_id, error);
		if (receipt == NULL)
			return FALSE;
	}
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (receipt_out != NULL)
		*receipt_out = g_steal_pointer (&receipt);
	if (sale_id_out != NULL)
		*sale_id_out = g_steal_pointer (&sale_id);
	return TRUE;
}

/* ---- receipts ---- */

static void
hy_receipt_set_text (JsonObject *obj, const gchar *key, HyStmt *stmt, gint column)
{
	if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
		json_object_set_null_member (obj, key);
	else
		json_object_set_string_member (obj, key, hy_stmt_text (stmt, column));
}

static gboolean
hy_receipt_lines (HyDb *db, const gchar *sale_id, JsonObject *receipt, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT line_no, item, qty, unit_price, price_source, list_amount, amount, points, "
		"discount_bp, points_bp, factors FROM sale_lines WHERE sale_id = ? "
		"ORDER BY line_no",
		error);
	JsonArray *lines = json_array_new ();
	gboolean has_row = FALSE;

	json_object_set_array_member (receipt, "lines", lines);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		g_autoptr (JsonParser) parser = json_parser_new ();
		JsonObject *line;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		line = json_object_new ();
		json_object_set_int_member (line, "line", sqlite3_column_int64 (stmt, 0));
		hy_receipt_set_text (line, "item", stmt, 1);
		json_object_set_int_member (line, "qty", sqlite3_column_int64 (stmt, 2));
		json_object_set_int_member (line, "unit_price", sqlite3_column_int64 (stmt, 3));
		json_object_set_string_member (line, "price_source", hy_stmt_text (stmt, 4));
		json_object_set_int_member (line, "list_amount", sqlite3_column_int64 (stmt, 5));
		json_object_set_int_member (line, "amount", sqlite3_column_int64 (stmt, 6));
		json_object_set_int_member (line, "points", sqlite3_column_int64 (stmt, 7));
		json_object_set_int_member (line, "discount_bp", sqlite3_column_int64 (stmt, 8));
		json_object_set_int_member (line, "points_bp", sqlite3_column_int64 (stmt, 9));
		if (json_parser_load_from_data (parser, hy_stmt_text (stmt, 10), -1, NULL))
			json_object_set_member (line, "factors",
						json_node_copy (json_parser_get_root (parser)));
		json_array_add_object_element (lines, line);
	}
	return TRUE;
}

static gboolean
hy_receipt_payments (HyDb *db, const gchar *sale_id, JsonObject *receipt, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT method, amount, reference FROM payments "
						 "WHERE sale_id = ? ORDER BY id",
						 error);
	JsonArray *payments = json_array_new ();
	gboolean has_row = FALSE;

	json_object_set_array_member (receipt, "payments", payments);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		JsonObject *payment;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		payment = json_object_new ();
		json_object_set_string_member (payment, "method", hy_stmt_text (stmt, 0));
		json_object_set_int_member (payment, "amount", sqlite3_column_int64 (stmt, 1));
		hy_receipt_set_text (payment, "reference", stmt, 2);
		json_array_add_object_element (payments, payment);
	}
	return TRUE;
}

JsonNode *
hy_checkout_receipt (HyDb *db, const gchar *sale_id, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) receipt = json_object_new ();
	g_autoptr (HyTxn) txn = hy_db_begin_read (db, error);
	JsonNode *node;
	gboolean has_row = FALSE;

	if (txn == NULL)
		return NULL;
	stmt = hy_db_prepare (db,
			      "SELECT s.id, s.at, st.code, s.slip_no, s.salesperson, s.note, "
			      "c.number, m.name, s.subtotal, s.discount, s.rounding, s.total, "
			      "s.points, s.change, s.money_after, s.points_after "
			      "FROM sales s JOIN stores st ON st.id = s.store_id "
			      "LEFT JOIN cards c ON c.id = s.card_id "
			      "LEFT JOIN members m ON m.id = s.member_id WHERE s.id = ?",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no sale %s"), sale_id);
		return NULL;
	}
	json_object_set_string_member (receipt, "sale", hy_stmt_text (stmt, 0));
	json_object_set_int_member (receipt, "at", sqlite3_column_int64 (stmt, 1));
	json_object_set_string_member (receipt, "store", hy_stmt_text (stmt, 2));
	hy_receipt_set_text (receipt, "slip_no", stmt, 3);
	hy_receipt_set_text (receipt, "salesperson", stmt, 4);
	hy_receipt_set_text (receipt, "note", stmt, 5);
	hy_receipt_set_text (receipt, "card", stmt, 6);
	hy_receipt_set_text (receipt, "member", stmt, 7);
	json_object_set_int_member (receipt, "subtotal", sqlite3_column_int64 (stmt, 8));
	json_object_set_int_member (receipt, "discount", sqlite3_column_int64 (stmt, 9));
	json_object_set_int_member (receipt, "rounding", sqlite3_column_int64 (stmt, 10));
	json_object_set_int_member (receipt, "total", sqlite3_column_int64 (stmt, 11));
	json_object_set_int_member (receipt, "points", sqlite3_column_int64 (stmt, 12));
	json_object_set_int_member (receipt, "change", sqlite3_column_int64 (stmt, 13));
	if (sqlite3_column_type (stmt, 6) != SQLITE_NULL) {
		JsonObject *balances = json_object_new ();
		json_object_set_int_member (balances, "money", sqlite3_column_int64 (stmt, 14));
		json_object_set_int_member (balances, "points", sqlite3_column_int64 (stmt, 15));
		json_object_set_object_member (receipt, "balances", balances);
	} else {
		json_object_set_null_member (receipt, "balances");
	}
	if (!hy_receipt_lines (db, sale_id, receipt, error) ||
	    !hy_receipt_payments (db, sale_id, receipt, error))
		return NULL;
	if (!hy_txn_commit (txn, error))
		return NULL;
	node = json_node_new (JSON_NODE_OBJECT);
	json_node_set_object (node, receipt);
	return node;
}
