#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-count.h"
#include "hy-date.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"

#define HY_COUNT_MAX_QTY 100000

void
hy_count_lot_free (HyCountLot *lot)
{
	g_free (lot->id);
	g_free (lot->item);
	g_free (lot->expires_on);
	g_free (lot);
}

static gchar *
hy_count_today (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	return g_date_time_format (now, "%Y-%m-%d");
}

static gboolean
hy_count_check_qty (gint64 qty, GError **error)
{
	if (qty < 1 || qty > HY_COUNT_MAX_QTY) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a count of %" PRId64 " is not between 1 and %d"), qty,
			     HY_COUNT_MAX_QTY);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_count_check_item (HyDb *db, const gchar *item, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT 1 FROM items WHERE code = ? AND active = 1", error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, item, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("no item “%s” in the catalogue"), item);
		return FALSE;
	}
	return TRUE;
}

/* The card for a count operation: found by number or phone, not lost, retired or
 * expired. */
static HyCard *
hy_count_card (HyDb *db, const gchar *query, const gchar *what, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, query, error);
	if (card == NULL || !hy_card_check_usable (card, what, TRUE, error))
		return NULL;
	return g_steal_pointer (&card);
}

static gboolean
hy_count_audit (HyDb *db,
		const HyActor *actor,
		const gchar *action,
		const gchar *op_id,
		const gchar *item,
		gint64 qty,
		GError **error)
{
	g_autoptr (JsonObject) detail = json_object_new ();
	json_object_set_string_member (detail, "item", item);
	json_object_set_int_member (detail, "qty", qty);
	return hy_audit_append (db, actor, action, op_id, detail, error);
}

gboolean
hy_count_credit (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_id,
		 const gchar *item,
		 gint64 qty,
		 const gchar *expires_on,
		 const gchar *op,
		 const gchar *op_id,
		 GError **error)
{
	g_autofree gchar *lot_id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO count_lots (id, card_id, item, qty, expires_on, op_id, "
			      "store_id, operator_id, at, hlc, origin_store) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?7)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, lot_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, qty);
	sqlite3_bind_text (stmt, 5, expires_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 9, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 10, hlc);
	return hy_db_step_done (db, stmt, error) &&
	       hy_outbox_capture (db, "count_lots", lot_id, HY_CHANGE_INSERT, hlc, error) &&
	       hy_ledger_post (db, actor, card_id, HY_ACCOUNT_COUNT, item, qty, op, op_id, NULL,
			       error);
}

gboolean
hy_count_add (HyDb *db,
	      const HyActor *actor,
	      const gchar *card_query,
	      const gchar *item,
	      gint64 qty,
	      const gchar *expires_on,
	      gchar **op_id_out,
	      GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *op_id = hy_id_new ();
	g_autofree gchar *today = hy_count_today ();

	if (!hy_actor_require (actor, HY_PERMISSION_SALE_MAKE, error) ||
	    !hy_count_check_qty (qty, error))
		return FALSE;
	if (expires_on != NULL &&
	    (!hy_date_parse (expires_on, NULL) || g_strcmp0 (expires_on, today) < 0)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("expiry “%s” is not a date from today on"), expires_on);
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_count_check_item (db, item, error))
		return FALSE;
	card = hy_count_card (db, card_query, _ ("adding uses"), error);
	if (card == NULL ||
	    !hy_count_credit (db, actor, card->id, item, qty, expires_on, "count.add", op_id,
			      error) ||
	    !hy_count_audit (db, actor, "count.add", op_id, item, qty, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (op_id_out != NULL)
		*op_id_out = g_steal_pointer (&op_id);
	return TRUE;
}

/* The card's lots of one item (or every item when `item` is NULL) with uses left. */
static GPtrArray *
hy_count_lots (HyDb *db, const gchar *card_id, const gchar *item, GError **error)
{
	g_autoptr (GPtrArray) lots =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_count_lot_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT l.id, l.item, l.qty, l.qty - coalesce ((SELECT sum (u.qty) FROM count_uses "
		"u "
		"WHERE u.lot_id = l.id), 0) AS remaining, l.expires_on FROM count_lots l "
		"WHERE l.card_id = ?1 AND (?2 IS NULL OR l.item = ?2) AND remaining > 0 "
		"ORDER BY l.expires_on IS NULL, l.expires_on, l.id",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, item, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyCountLot *lot;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		lot = g_new0 (HyCountLot, 1);
		lot->id = hy_stmt_dup_text (stmt, 0);
		lot->item = hy_stmt_dup_text (stmt, 1);
		lot->qty = sqlite3_column_int64 (stmt, 2);
		lot->remaining = sqlite3_column_int64 (stmt, 3);
		lot->expires_on = hy_stmt_dup_text (stmt, 4);
		g_ptr_array_add (lots, lot);
	}
	return g_steal_pointer (&lots);
}

static gboolean
hy_count_insert_use (HyDb *db,
		     const HyActor *actor,
		     const gchar *lot_id,
		     gint64 qty,
		     const gchar *op_id,
		     gint64 hlc,
		     GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "INSERT INTO count_uses (id, lot_id, qty, op_id, store_id, "
			       "operator_id, at, hlc, origin_store) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?5)",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, lot_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, qty);
	sqlite3_bind_text (stmt, 4, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 8, hlc);
	return hy_db_step_done (db, stmt, error) &&
	       hy_outbox_capture (db, "count_uses", id, HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_count_take (HyDb *db,
	       const HyActor *actor,
	       const gchar *card_id,
	       const gchar *item,
	       gint64 qty,
	       const gchar *day,
	       const gchar *op,
	       const gchar *op_id,
	       const gchar *note,
	       GError **error)
{
	g_autoptr (GPtrArray) lots = NULL;
	gint64 usable = 0, expired = 0, left = qty, hlc = 0;

	if (!hy_count_check_qty (qty, error))
		return FALSE;
	lots = hy_count_lots (db, card_id, item, error);
	if (lots == NULL)
		return FALSE;
	for (guint i = 0; i < lots->len; i++) {
		const HyCountLot *lot = g_ptr_array_index (lots, i);
		/* a lot is good through the end of its expiry day */
		if (lot->expires_on != NULL && g_strcmp0 (lot->expires_on, day) < 0)
			expired += lot->remaining;
		else
			usable += lot->remaining;
	}
	if (usable < qty) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("%" PRId64 " uses of “%s” are left (%" PRId64
				" more have expired), not %" PRId64),
			     usable, item, expired, qty);
		return FALSE;
	}
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	for (guint i = 0; i < lots->len && left > 0; i++) {
		const HyCountLot *lot = g_ptr_array_index (lots, i);
		gint64 take;
		if (lot->expires_on != NULL && g_strcmp0 (lot->expires_on, day) < 0)
			continue;
		take = MIN (left, lot->remaining);
		if (!hy_count_insert_use (db, actor, lot->id, take, op_id, hlc, error))
			return FALSE;
		left -= take;
	}
	return hy_ledger_post (db, actor, card_id, HY_ACCOUNT_COUNT, item, -qty, op, op_id, note,
			       error);
}

gboolean
hy_count_take_from_lot (HyDb *db,
			const HyActor *actor,
			const gchar *card_id,
			const HyCountLot *lot,
			gint64 qty,
			const gchar *op,
			const gchar *op_id,
			GError **error)
{
	gint64 hlc = 0;
	if (qty > lot->remaining) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("%" PRId64 " uses of “%s” are left of the lot, not %" PRId64),
			     lot->remaining, lot->item, qty);
		return FALSE;
	}
	return hy_hlc_tick (db, &hlc, error) &&
	       hy_count_insert_use (db, actor, lot->id, qty, op_id, hlc, error) &&
	       hy_ledger_post (db, actor, card_id, HY_ACCOUNT_COUNT, lot->item, -qty, op, op_id,
			       NULL, error);
}

gboolean
hy_count_use (HyDb *db,
	      const HyActor *actor,
	      const gchar *card_query,
	      const gchar *item,
	      gint64 qty,
	      const gchar *day,
	      gchar **op_id_out,
	      GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *op_id = hy_id_new ();
	g_autofree gchar *today = day != NULL ? g_strdup (day) : hy_count_today ();

	if (!hy_actor_require (actor, HY_PERMISSION_SALE_MAKE, error) ||
	    !hy_count_check_qty (qty, error))
		return FALSE;
	if (!hy_date_parse (today, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("“%s” is not a date"),
			     today);
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	card = hy_count_card (db, card_query, _ ("a count use"), error);
	if (card == NULL ||
	    !hy_count_take (db, actor, card->id, item, qty, today, "count.use", op_id, NULL,
			    error) ||
	    !hy_count_audit (db, actor, "count.use", op_id, item, qty, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (op_id_out != NULL)
		*op_id_out = g_steal_pointer (&op_id);
	return TRUE;
}

HyCountLot *
hy_count_lot_by_op (HyDb *db, const gchar *card_id, const gchar *op_id, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT l.id, l.item, l.qty, l.qty - coalesce ((SELECT sum (u.qty) FROM count_uses "
		"u WHERE u.lot_id = l.id), 0), l.expires_on FROM count_lots l "
		"WHERE l.card_id = ?1 AND l.op_id = ?2",
		error);
	gboolean has_row = FALSE;
	HyCountLot *lot;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, op_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no count lot of %s"), op_id);
		return NULL;
	}
	lot = g_new0 (HyCountLot, 1);
	lot->id = hy_stmt_dup_text (stmt, 0);
	lot->item = hy_stmt_dup_text (stmt, 1);
	lot->qty = sqlite3_column_int64 (stmt, 2);
	lot->remaining = sqlite3_column_int64 (stmt, 3);
	lot->expires_on = hy_stmt_dup_text (stmt, 4);
	return lot;
}

GPtrArray *
hy_count_list (HyDb *db, const gchar *card_query, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, card_query, error);
	if (card == NULL)
		return NULL;
	return hy_count_lots (db, card->id, NULL, error);
}
