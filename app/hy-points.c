#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-date.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-money.h"
#include "hy-outbox.h"
#include "hy-points.h"
#include "hy-rules-store.h"

/* The points that expire: earned by buying and by recharging. Points given back by a
 * refund, moved by a card merge or added by hand never do. */
static gboolean
hy_points_op_expires (const gchar *op)
{
	return g_strcmp0 (op, "sale") == 0 || g_strcmp0 (op, "recharge") == 0 ||
	       g_strcmp0 (op, "instalment") == 0;
}

static gchar *
hy_points_today (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	return g_date_time_format (now, "%Y-%m-%d");
}

static gchar *
hy_points_add_days (const gchar *day, gint days)
{
	GDate date;
	if (!hy_date_parse (day, &date))
		return NULL;
	g_date_add_days (&date, days);
	return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
				g_date_get_day (&date));
}

static gboolean
hy_points_insert_batch (HyDb *db,
			const HyActor *actor,
			const gchar *card_id,
			const gchar *member_id,
			gint64 points,
			const gchar *earned_on,
			const gchar *expires_on,
			const gchar *op,
			const gchar *op_id,
			GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO points_batches (id, card_id, member_id, points, "
			      "earned_on, expires_on, op, op_id, store_id, operator_id, at, hlc, "
			      "origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, points);
	sqlite3_bind_text (stmt, 5, earned_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, expires_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 9, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 10, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 11, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 12, hlc);
	sqlite3_bind_text (stmt, 13, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "points_batches", id, HY_CHANGE_INSERT, hlc, error);
}

static gboolean
hy_points_insert_use (HyDb *db,
		      const HyActor *actor,
		      const gchar *batch_id,
		      gint64 points,
		      const gchar *op,
		      const gchar *op_id,
		      GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO points_uses (id, batch_id, points, op, op_id, store_id, "
			      "operator_id, at, hlc, origin_store) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, batch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, points);
	sqlite3_bind_text (stmt, 4, op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 9, hlc);
	sqlite3_bind_text (stmt, 10, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "points_uses", id, HY_CHANGE_INSERT, hlc, error);
}

typedef struct {
	gchar *id;
	gint64 remaining;
} HyPointsLeft;

static void
hy_points_left_clear (HyPointsLeft *left)
{
	g_free (left->id);
}

/* The card's batches with points left, oldest first, and their sum. */
static GArray *
hy_points_batches_left (HyDb *db, const gchar *card_id, gint64 *total, GError **error)
{
	g_autoptr (GArray) left = g_array_new (FALSE, TRUE, sizeof (HyPointsLeft));
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT id, remaining FROM (SELECT b.id, b.earned_on, b.points - coalesce ("
		"(SELECT sum (u.points) FROM points_uses u WHERE u.batch_id = b.id), 0) "
		"AS remaining FROM points_batches b WHERE b.card_id = ?) "
		"WHERE remaining > 0 ORDER BY earned_on, id",
		error);
	gboolean has_row = FALSE;

	g_array_set_clear_func (left, (GDestroyNotify) hy_points_left_clear);
	*total = 0;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyPointsLeft one;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		one.id = hy_stmt_dup_text (stmt, 0);
		one.remaining = sqlite3_column_int64 (stmt, 1);
		*total += one.remaining;
		g_array_append_val (left, one);
	}
	return g_steal_pointer (&left);
}

/* A card merge or replacement moves the points off one card (drawing on its batches)
 * and onto another with the same op id. */
static gboolean
hy_points_op_moves (const gchar *op)
{
	return g_strcmp0 (op, "merge") == 0 || g_strcmp0 (op, "replace") == 0;
}

/* The points moved keep their batches: one new batch per batch the move drew on, with
 * its day and expiry (but the move's op, so that they do not count twice towards an
 * upgrade); points from outside any batch become one that never expires. */
static gboolean
hy_points_move_batches (HyDb *db,
			const HyActor *actor,
			const gchar *card_id,
			const gchar *member_id,
			gint64 delta,
			const gchar *op,
			const gchar *op_id,
			GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT u.points, b.earned_on, b.expires_on FROM points_uses u "
		"JOIN points_batches b ON b.id = u.batch_id WHERE u.op_id = ? AND u.op = ? "
		"ORDER BY b.earned_on, b.id",
		error);
	g_autoptr (GPtrArray) moved = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, op, -1, SQLITE_TRANSIENT);
	for (;;) {
		gchar **row;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		row = g_new0 (gchar *, 4);
		row[0] = g_strdup_printf ("%" PRId64, (gint64) sqlite3_column_int64 (stmt, 0));
		row[1] = hy_stmt_dup_text (stmt, 1);
		row[2] = hy_stmt_dup_text (stmt, 2);
		g_ptr_array_add (moved, row);
	}
	g_clear_pointer (&stmt, hy_stmt_release);
	for (guint i = 0; i < moved->len && delta > 0; i++) {
		gchar **row = g_ptr_array_index (moved, i);
		gint64 points = MIN (delta, g_ascii_strtoll (row[0], NULL, 10));
		if (!hy_points_insert_batch (db, actor, card_id, member_id, points, row[1], row[2],
					     op, op_id, error))
			return FALSE;
		delta -= points;
	}
	if (delta > 0) {
		g_autofree gchar *today = hy_points_today ();
		return hy_points_insert_batch (db, actor, card_id, member_id, delta, today, NULL,
					       op, op_id, error);
	}
	return TRUE;
}

gboolean
hy_points_track (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_id,
		 const gchar *member_id,
		 gint64 delta,
		 gint64 balance_before,
		 const gchar *op,
		 const gchar *op_id,
		 const gchar *day,
		 const gchar *batch_id,
		 GError **error)
{
	g_autoptr (GArray) left = NULL;
	gint64 total = 0, need, older;

	if (delta > 0 && hy_points_op_moves (op))
		return hy_points_move_batches (db, actor, card_id, member_id, delta, op, op_id,
					       error);
	if (delta > 0) {
		g_autofree gchar *today = day == NULL ? hy_points_today () : g_strdup (day);
		g_autofree gchar *expires_on = NULL;
		if (hy_points_op_expires (op)) {
			g_autoptr (HyRules) rules = hy_rules_load (db, error);
			if (rules == NULL)
				return FALSE;
			if (rules->points.expire_days > 0)
				expires_on = hy_points_add_days (today, rules->points.expire_days);
		}
		return hy_points_insert_batch (db, actor, card_id, member_id, delta, today,
					       expires_on, op, op_id, error);
	}
	need = -delta;
	if (batch_id != NULL)
		return hy_points_insert_use (db, actor, batch_id, need, op, op_id, error);
	left = hy_points_batches_left (db, card_id, &total, error);
	if (left == NULL)
		return FALSE;
	/* points held outside any batch are the oldest: they go first */
	older = MAX (balance_before - total, 0);
	need -= MIN (need, older);
	for (guint i = 0; i < left->len && need > 0; i++) {
		const HyPointsLeft *one = &g_array_index (left, HyPointsLeft, i);
		gint64 take = MIN (need, one->remaining);
		if (!hy_points_insert_use (db, actor, one->id, take, op, op_id, error))
			return FALSE;
		need -= take;
	}
	return TRUE;
}

JsonArray *
hy_points_list_batches (HyDb *db, const gchar *card_id, GError **error)
{
	g_autoptr (JsonArray) batches = json_array_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT id, earned_on, expires_on, points, remaining, op FROM (SELECT b.*, "
		"b.points - coalesce ((SELECT sum (u.points) FROM points_uses u "
		"WHERE u.batch_id = b.id), 0) AS remaining FROM points_batches b "
		"WHERE b.card_id = ?) WHERE remaining > 0 ORDER BY earned_on, id",
		error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		JsonObject *batch;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		batch = json_object_new ();
		json_object_set_string_member (batch, "id", hy_stmt_text (stmt, 0));
		json_object_set_string_member (batch, "earned_on", hy_stmt_text (stmt, 1));
		if (hy_stmt_text (stmt, 2) != NULL)
			json_object_set_string_member (batch, "expires_on", hy_stmt_text (stmt, 2));
		else
			json_object_set_null_member (batch, "expires_on");
		json_object_set_int_member (batch, "points", sqlite3_column_int64 (stmt, 3));
		json_object_set_int_member (batch, "remaining", sqlite3_column_int64 (stmt, 4));
		json_object_set_string_member (batch, "op", hy_stmt_text (stmt, 5));
		json_array_add_object_element (batches, batch);
	}
	return g_steal_pointer (&batches);
}

static gboolean
hy_points_check_cash_value (const HyRules *rules, GError **error)
{
	if (rules->points.cash_fen <= 0 || rules->points.cash_points <= 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("the rules give points no cash value (points.cash_value)"));
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_points_to_fen (const HyRules *rules, gint64 points, gint64 *fen_out, GError **error)
{
	if (!hy_points_check_cash_value (rules, error))
		return FALSE;
	*fen_out = (gint64) hy_round_half_up_u128 (
		(unsigned __int128) points * (unsigned __int128) rules->points.cash_fen,
		(unsigned __int128) rules->points.cash_points);
	return TRUE;
}

gboolean
hy_points_for_fen (const HyRules *rules, gint64 fen, gint64 *points_out, GError **error)
{
	if (!hy_points_check_cash_value (rules, error))
		return FALSE;
	*points_out = (gint64) hy_round_half_up_u128 (
		(unsigned __int128) fen * (unsigned __int128) rules->points.cash_points,
		(unsigned __int128) rules->points.cash_fen);
	return TRUE;
}

gboolean
hy_points_check_stored_value (HyDb *db, const gchar *kind_id, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT name, stored_value FROM card_kinds WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, kind_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row && sqlite3_column_int (stmt, 1) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("cards of kind “%s” hold no stored value"), hy_stmt_text (stmt, 0));
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_points_cash (HyDb *db,
		const HyActor *actor,
		const gchar *card_number,
		gint64 points,
		gint64 *fen_out,
		gchar **op_id_out,
		GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	gint64 fen = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_POINTS_REDEEM, error))
		return FALSE;
	if (points <= 0 || points > G_GINT64_CONSTANT (10000000000)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%" PRId64 " hundredths of a point is out of range"), points);
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	rules = hy_rules_load (db, error);
	if (rules == NULL || !hy_points_to_fen (rules, points, &fen, error))
		return FALSE;
	if (fen < 1) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%" PRId64 " hundredths of a point are worth less than a fen"),
			     points);
		return FALSE;
	}
	card = hy_card_lookup (db, card_number, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("points to cash"), TRUE, error) ||
	    !hy_points_check_stored_value (db, card->kind_id, error))
		return FALSE;
	if (!hy_ledger_post (db, actor, card->id, HY_ACCOUNT_POINTS, "", -points, "points_cash",
			     op_id, NULL, error) ||
	    !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", fen, "points_cash", op_id,
			     NULL, error))
		return FALSE;
	json_object_set_string_member (detail, "op_id", op_id);
	json_object_set_int_member (detail, "points", points);
	json_object_set_int_member (detail, "fen", fen);
	if (!hy_audit_append (db, actor, "points.cash", card->id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (fen_out != NULL)
		*fen_out = fen;
	if (op_id_out != NULL)
		*op_id_out = g_steal_pointer (&op_id);
	return TRUE;
}

gboolean
hy_points_expire_due (
	HyDb *db, const HyActor *actor, const gchar *day, JsonArray *expired, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT b.id, b.card_id, c.number, b.points - coalesce ((SELECT sum (u.points) "
		"FROM points_uses u WHERE u.batch_id = b.id), 0) AS remaining "
		"FROM points_batches b JOIN cards c ON c.id = b.card_id "
		"WHERE b.expires_on IS NOT NULL AND b.expires_on < ?1 AND remaining > 0 "
		"AND b.origin_store = ?2 ORDER BY b.expires_on, b.id",
		error);
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
	/* each store expires the batches it created, so a batch replicated to other
	 * stores still expires once */
	sqlite3_bind_text (stmt, 2, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	/* read first: posting moves the statement's tables */
	for (;;) {
		gchar **row;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		row = g_new0 (gchar *, 5);
		row[0] = hy_stmt_dup_text (stmt, 0);
		row[1] = hy_stmt_dup_text (stmt, 1);
		row[2] = hy_stmt_dup_text (stmt, 2);
		row[3] = g_strdup_printf ("%" PRId64, (gint64) sqlite3_column_int64 (stmt, 3));
		g_ptr_array_add (rows, row);
	}
	g_clear_pointer (&stmt, hy_stmt_release);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index (rows, i);
		g_autofree gchar *op_id = g_strconcat ("expire:", row[0], NULL);
		gint64 remaining = g_ascii_strtoll (row[3], NULL, 10);
		gint64 balance = 0;
		JsonObject *obj;
		if (!hy_ledger_balance (db, row[1], HY_ACCOUNT_POINTS, "", &balance, error))
			return FALSE;
		/* never below zero, even when the batches and the balance disagree */
		remaining = MIN (remaining, balance);
		if (remaining <= 0)
			continue;
		if (!hy_ledger_post_points (db, actor, row[1], -remaining, "expire", op_id, NULL,
					    NULL, row[0], error))
			return FALSE;
		obj = json_object_new ();
		json_object_set_string_member (obj, "card", row[2]);
		json_object_set_string_member (obj, "batch", row[0]);
		json_object_set_int_member (obj, "points", remaining);
		json_array_add_object_element (expired, obj);
	}
	return TRUE;
}

gboolean
hy_points_pay_sale (HyDb *db,
		    const HyActor *actor,
		    const HyRules *rules,
		    const gchar *card_id,
		    gint64 fen,
		    const gchar *sale_id,
		    GError **error)
{
	gint64 points = 0;
	if (card_id == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("only a member card can pay with points"));
		return FALSE;
	}
	if (!hy_points_for_fen (rules, fen, &points, error))
		return FALSE;
	return hy_ledger_post (db, actor, card_id, HY_ACCOUNT_POINTS, "", -points, "sale", sale_id,
			       _ ("points tender"), error);
}

void
hy_points_scale_earning (HyPricedBasket *basket, gint64 due, gint64 non_earning)
{
	gint64 earning = due - non_earning;
	if (non_earning <= 0 || due <= 0)
		return;
	basket->points = 0;
	for (guint i = 0; i < basket->lines->len; i++) {
		HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		line->points = earning <= 0 ? 0
					    : (gint64) hy_round_half_up_u128 (
						      (unsigned __int128) line->points * earning,
						      (unsigned __int128) due);
		basket->points += line->points;
	}
}

/* What the sale's points tender came to: fen paid, hundredths spent. */
static gboolean
hy_points_sale_tender (HyDb *db, const gchar *sale_id, gint64 *fen, gint64 *points, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT (SELECT coalesce (sum (amount), 0) FROM payments "
		"        WHERE sale_id = ?1 AND method = 'points'), "
		"       (SELECT coalesce (-sum (delta), 0) FROM account_entries "
		"        WHERE op_id = ?1 AND op = 'sale' AND account = 'points' AND delta < 0)",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*fen = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	*points = has_row ? sqlite3_column_int64 (stmt, 1) : 0;
	return TRUE;
}

/* What earlier refunds of the sale gave back of its points tender: fen, hundredths. */
static gboolean
hy_points_tender_refunded (
	HyDb *db, const gchar *sale_id, gint64 *fen, gint64 *points, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT (SELECT coalesce (sum (amount - to_balance - to_cash), 0) FROM refunds "
		"        WHERE sale_id = ?1), "
		"       (SELECT coalesce (sum (e.delta), 0) FROM account_entries e "
		"        JOIN refunds r ON r.id = e.op_id WHERE r.sale_id = ?1 "
		"        AND e.op = 'refund_tender' AND e.account = 'points')",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, sale_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*fen = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	*points = has_row ? sqlite3_column_int64 (stmt, 1) : 0;
	return TRUE;
}

gboolean
hy_points_refund_tender (HyDb *db,
			 const HyActor *actor,
			 const gchar *sale_id,
			 const gchar *card_id,
			 const gchar *refund_id,
			 gint64 money_left,
			 gint64 *to_points_out,
			 GError **error)
{
	gint64 fen = 0, points = 0, fen_back = 0, points_back = 0, to_points, give;

	*to_points_out = 0;
	if (!hy_points_sale_tender (db, sale_id, &fen, &points, error))
		return FALSE;
	if (fen == 0 || money_left <= 0)
		return TRUE;
	if (!hy_points_tender_refunded (db, sale_id, &fen_back, &points_back, error))
		return FALSE;
	to_points = MIN (money_left, fen - fen_back);
	if (to_points <= 0)
		return TRUE;
	/* pro rata, and the refund that returns the last of the tender returns the rest */
	give = fen_back + to_points == fen
		       ? points - points_back
		       : (gint64) hy_round_half_up_u128 ((unsigned __int128) points * to_points,
							 (unsigned __int128) fen);
	if (give > 0 && !hy_ledger_post (db, actor, card_id, HY_ACCOUNT_POINTS, "", give,
					 "refund_tender", refund_id, _ ("points tender"), error))
		return FALSE;
	*to_points_out = to_points;
	return TRUE;
}
