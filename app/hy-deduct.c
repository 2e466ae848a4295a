#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-count.h"
#include "hy-deduct.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"

/* The largest direct deduction, fen: ten million yuan, as the largest tender. */
#define HY_DEDUCT_MAX_AMOUNT G_GINT64_CONSTANT (1000000000)

static gboolean
hy_deduct_insert_sale (HyDb *db,
		       const HyActor *actor,
		       const HyCard *card,
		       const gchar *sale_id,
		       gint64 amount,
		       const gchar *note,
		       gint64 at_ms,
		       gint64 hlc,
		       GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO sales (id, store_id, terminal_id, operator_id, card_id, member_id, "
		"note, subtotal, discount, rounding, total, points, change, money_after, "
		"points_after, at, hlc, origin_store) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, ?8, 0, 0, "
		"(SELECT amount FROM balances WHERE card_id = ?5 AND account = 'money' AND item = "
		"''), "
		"(SELECT amount FROM balances WHERE card_id = ?5 AND account = 'points' AND item = "
		"''), "
		"?9, ?10, ?2)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_actor_get_terminal_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, card->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, card->member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, amount);
	sqlite3_bind_int64 (stmt, 9, at_ms);
	sqlite3_bind_int64 (stmt, 10, hlc);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "sales", sale_id, HY_CHANGE_INSERT, hlc, error);
}

/* The one line, priced by nothing: "direct" is its price source. */
static gboolean
hy_deduct_insert_line (HyDb *db,
		       const HyActor *actor,
		       const gchar *sale_id,
		       const gchar *item,
		       gint64 amount,
		       gint64 hlc,
		       GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO sale_lines (id, sale_id, line_no, item, qty, unit_price, "
		"price_source, list_amount, amount, points, discount_bp, points_bp, factors, "
		"hlc, origin_store) VALUES (?1, ?2, 1, ?3, 1, ?4, 'direct', ?4, ?4, 0, 10000, 0, "
		"'{}', ?5, ?6)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, amount);
	sqlite3_bind_int64 (stmt, 5, hlc);
	sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "sale_lines", id, HY_CHANGE_INSERT, hlc, error);
}

static gboolean
hy_deduct_insert_payment (HyDb *db,
			  const HyActor *actor,
			  const gchar *sale_id,
			  gint64 amount,
			  gint64 hlc,
			  GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO payments (id, sale_id, method, amount, reference, hlc, origin_store) "
		"VALUES (?, ?, 'balance', ?, NULL, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, amount);
	sqlite3_bind_int64 (stmt, 4, hlc);
	sqlite3_bind_text (stmt, 5, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "payments", id, HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_deduct_record_sale (HyDb *db,
		       const HyActor *actor,
		       const HyCard *card,
		       const gchar *sale_id,
		       const gchar *item,
		       gint64 amount,
		       const gchar *note,
		       gint64 at_ms,
		       GError **error)
{
	gint64 hlc = 0;
	/* the entry first: the sale keeps the balance after it */
	return hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", -amount, "sale", sale_id,
			       note, error) &&
	       hy_hlc_tick (db, &hlc, error) &&
	       hy_deduct_insert_sale (db, actor, card, sale_id, amount, note, at_ms, hlc, error) &&
	       hy_deduct_insert_line (db, actor, sale_id, item, amount, hlc, error) &&
	       hy_deduct_insert_payment (db, actor, sale_id, amount, hlc, error);
}

/* The card for a deduction: found, usable, and its PIN right when it has one (checked
 * before any transaction, so that wrong attempts are counted). */
static HyCard *
hy_deduct_card (HyDb *db, const gchar *query, const gchar *pin, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, query, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a direct deduction"), TRUE, error))
		return NULL;
	if (card->has_pin && !hy_card_check_pin (db, card->number, pin, error))
		return NULL;
	return g_steal_pointer (&card);
}

gboolean
hy_deduct_money (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_query,
		 gint64 amount,
		 const gchar *pin,
		 const gchar *note,
		 gchar **sale_id_out,
		 gint64 *balance_out,
		 GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *sale_id = hy_id_new ();
	gint64 balance = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_DIRECT_DEDUCT, error))
		return FALSE;
	if (amount < 1 || amount > HY_DEDUCT_MAX_AMOUNT) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a deduction of %" PRId64 " fen is not between 1 and %" PRId64),
			     amount, HY_DEDUCT_MAX_AMOUNT);
		return FALSE;
	}
	card = hy_deduct_card (db, card_query, pin, error);
	if (card == NULL)
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL ||
	    !hy_deduct_record_sale (db, actor, card, sale_id, NULL, amount, note,
				    g_get_real_time () / 1000, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_MONEY, "", &balance, error))
		return FALSE;
	json_object_set_string_member (detail, "card", card->id);
	json_object_set_int_member (detail, "amount", amount);
	json_object_set_int_member (detail, "balance", balance);
	if (note != NULL)
		json_object_set_string_member (detail, "note", note);
	if (!hy_audit_append (db, actor, "deduct.money", sale_id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (sale_id_out != NULL)
		*sale_id_out = g_steal_pointer (&sale_id);
	if (balance_out != NULL)
		*balance_out = balance;
	return TRUE;
}

gboolean
hy_deduct_count (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_query,
		 const gchar *item,
		 gint64 qty,
		 const gchar *note,
		 gchar **op_id_out,
		 gint64 *left_out,
		 GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	g_autofree gchar *today = g_date_time_format (now, "%Y-%m-%d");
	gint64 left = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_DIRECT_DEDUCT, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	card = hy_card_lookup (db, card_query, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a direct deduction"), TRUE, error) ||
	    !hy_count_take (db, actor, card->id, item, qty, today, "deduct", op_id, note, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_COUNT, item, &left, error))
		return FALSE;
	json_object_set_string_member (detail, "card", card->id);
	json_object_set_string_member (detail, "item", item);
	json_object_set_int_member (detail, "qty", qty);
	if (note != NULL)
		json_object_set_string_member (detail, "note", note);
	if (!hy_audit_append (db, actor, "deduct.count", op_id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (op_id_out != NULL)
		*op_id_out = g_steal_pointer (&op_id);
	if (left_out != NULL)
		*left_out = left;
	return TRUE;
}
