#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-gift.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"

#define HY_GIFT_MAX_QTY 10000

static gboolean
hy_gift_find (HyDb *db,
	      const gchar *code,
	      gboolean active_only,
	      gchar **id_out,
	      gchar **name_out,
	      gint64 *points_out,
	      gint64 *stock_out,
	      GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT g.id, g.name, g.points, g.active, (SELECT coalesce (sum (m.delta), 0) "
		"FROM gift_moves m WHERE m.gift_id = g.id) FROM gifts g WHERE g.code = ?",
		error);
	gboolean has_row = FALSE;

	*id_out = NULL;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row || (active_only && sqlite3_column_int (stmt, 3) == 0))
		return TRUE;
	*id_out = hy_stmt_dup_text (stmt, 0);
	if (name_out != NULL)
		*name_out = hy_stmt_dup_text (stmt, 1);
	if (points_out != NULL)
		*points_out = sqlite3_column_int64 (stmt, 2);
	if (stock_out != NULL)
		*stock_out = sqlite3_column_int64 (stmt, 4);
	return TRUE;
}

static gboolean
hy_gift_move (HyDb *db,
	      const HyActor *actor,
	      const gchar *gift_id,
	      gint64 delta,
	      const gchar *op,
	      const gchar *op_id,
	      const gchar *card_id,
	      GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO gift_moves (id, gift_id, delta, op, op_id, card_id, "
			      "store_id, operator_id, at, hlc, origin_store) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, gift_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, delta);
	sqlite3_bind_text (stmt, 4, op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 9, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 10, hlc);
	sqlite3_bind_text (stmt, 11, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "gift_moves", id, HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_gift_apply (HyDb *db,
	       const HyActor *actor,
	       const HyGiftRule *gift,
	       const gchar *op_id,
	       gint64 hlc,
	       GError **error)
{
	g_autofree gchar *id = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	gint64 stock = 0;
	gboolean exists;

	if (!hy_gift_find (db, gift->code, FALSE, &id, NULL, NULL, &stock, error))
		return FALSE;
	exists = id != NULL;
	if (exists) {
		stmt = hy_db_prepare (db,
				      "UPDATE gifts SET name = ?2, points = ?3, active = 1, "
				      "version = version + 1, hlc = ?4 WHERE id = ?1",
				      error);
	} else {
		id = hy_id_new ();
		stmt = hy_db_prepare (
			db,
			"INSERT INTO gifts (id, name, points, hlc, code, origin_store) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			error);
	}
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, gift->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, gift->points);
	sqlite3_bind_int64 (stmt, 4, hlc);
	if (!exists) {
		sqlite3_bind_text (stmt, 5, gift->code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	}
	if (!hy_db_step_done (db, stmt, error) ||
	    !hy_outbox_capture (db, "gifts", id, exists ? HY_CHANGE_UPDATE : HY_CHANGE_INSERT, hlc,
				error))
		return FALSE;
	if (gift->stock >= 0 && gift->stock != stock &&
	    !hy_gift_move (db, actor, id, gift->stock - stock, "stock", op_id, NULL, error))
		return FALSE;
	return TRUE;
}

JsonArray *
hy_gift_list (HyDb *db, GError **error)
{
	g_autoptr (JsonArray) gifts = json_array_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT g.code, g.name, g.points, (SELECT coalesce (sum (m.delta), 0) "
		"FROM gift_moves m WHERE m.gift_id = g.id) FROM gifts g WHERE g.active = 1 "
		"ORDER BY g.code",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	for (;;) {
		JsonObject *gift;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		gift = json_object_new ();
		json_object_set_string_member (gift, "code", hy_stmt_text (stmt, 0));
		json_object_set_string_member (gift, "name", hy_stmt_text (stmt, 1));
		json_object_set_int_member (gift, "points", sqlite3_column_int64 (stmt, 2));
		json_object_set_int_member (gift, "stock", sqlite3_column_int64 (stmt, 3));
		json_array_add_object_element (gifts, gift);
	}
	return g_steal_pointer (&gifts);
}

gboolean
hy_gift_redeem (HyDb *db,
		const HyActor *actor,
		const gchar *card_number,
		const gchar *code,
		gint64 qty,
		JsonObject **result_out,
		GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	g_autofree gchar *gift_id = NULL;
	g_autofree gchar *name = NULL;
	gint64 points = 0, stock = 0, cost, balance = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_POINTS_REDEEM, error))
		return FALSE;
	if (qty < 1 || qty > HY_GIFT_MAX_QTY) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a quantity of %" PRId64 " is not between 1 and %d"), qty,
			     HY_GIFT_MAX_QTY);
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_gift_find (db, code, TRUE, &gift_id, &name, &points, &stock, error))
		return FALSE;
	if (gift_id == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no gift “%s”"), code);
		return FALSE;
	}
	if (stock < qty) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("gift “%s” has %" PRId64 " in stock, not enough for %" PRId64),
			     code, stock, qty);
		return FALSE;
	}
	card = hy_card_lookup (db, card_number, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a redemption"), TRUE, error))
		return FALSE;
	cost = points * qty;
	if (!hy_ledger_post (db, actor, card->id, HY_ACCOUNT_POINTS, "", -cost, "redeem", op_id,
			     code, error) ||
	    !hy_gift_move (db, actor, gift_id, -qty, "redeem", op_id, card->id, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_POINTS, "", &balance, error))
		return FALSE;
	json_object_set_string_member (detail, "op_id", op_id);
	json_object_set_string_member (detail, "gift", code);
	json_object_set_int_member (detail, "qty", qty);
	json_object_set_int_member (detail, "points", cost);
	if (!hy_audit_append (db, actor, "points.redeem", card->id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (result_out != NULL) {
		JsonObject *r = json_object_new ();
		json_object_set_string_member (r, "op_id", op_id);
		json_object_set_string_member (r, "card", card->number);
		json_object_set_string_member (r, "gift", code);
		json_object_set_string_member (r, "name", name);
		json_object_set_int_member (r, "qty", qty);
		json_object_set_int_member (r, "points", cost);
		json_object_set_int_member (r, "stock", stock - qty);
		json_object_set_int_member (r, "balance", balance);
		*result_out = r;
	}
	return TRUE;
}
