#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-deduct.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-money.h"
#include "hy-outbox.h"
#include "hy-package.h"
#include "hy-rules-store.h"
#include "hy-store.h"
#include "hy-time.h"

void
hy_time_session_free (HyTimeSession *session)
{
	g_free (session->id);
	g_free (session->card);
	g_free (session->item);
	g_free (session);
}

void
hy_time_bill_free (HyTimeBill *bill)
{
	g_free (bill->session);
	g_free (bill->card);
	g_free (bill->item);
	g_free (bill->sale_id);
	g_free (bill);
}

gint64
hy_time_units (const HyTimeRules *rules, gint64 seconds)
{
	gint64 unit = (gint64) rules->unit_minutes * 60;
	gint64 grace = (gint64) rules->grace_minutes * 60;

	g_return_val_if_fail (unit > 0 && seconds >= 0, 0);
	if (rules->free_minutes > 0 && seconds <= (gint64) rules->free_minutes * 60)
		return 0;
	if (seconds <= grace)
		return 1;
	return MAX (1, (seconds - grace + unit - 1) / unit);
}

static gint64
hy_time_ms (GDateTime *at)
{
	g_autoptr (GDateTime) now = NULL;
	if (at == NULL) {
		now = g_date_time_new_now_utc ();
		at = now;
	}
	return g_date_time_to_unix (at) * 1000 + g_date_time_get_microsecond (at) / 1000;
}

static gboolean
hy_time_check_item (HyDb *db, const gchar *item, GError **error)
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

/* The open session of a card (by id) and item, or NULL in *id_out. */
static gboolean
hy_time_open_of (HyDb *db, const gchar *card_id, const gchar *item, gchar **id_out, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT s.id FROM time_sessions s WHERE s.card_id = ?1 AND "
			       "s.item = ?2 AND NOT EXISTS (SELECT 1 FROM time_session_ends e "
			       "WHERE e.session_id = s.id)",
			       error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, item, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*id_out = has_row ? hy_stmt_dup_text (stmt, 0) : NULL;
	return TRUE;
}

gboolean
hy_time_start (HyDb *db,
	       const HyActor *actor,
	       const gchar *card_query,
	       const gchar *item,
	       GDateTime *at,
	       gchar **session_id_out,
	       GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *open = NULL;
	gint64 started = hy_time_ms (at), hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_TIME_SESSION, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_time_check_item (db, item, error))
		return FALSE;
	card = hy_card_lookup (db, card_query, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a time session"), TRUE, error) ||
	    !hy_package_check_kind (db, card->id, HY_PACKAGE_TIME, error) ||
	    !hy_time_open_of (db, card->id, item, &open, error))
		return FALSE;
	if (open != NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("card %s already has an open session of “%s” (%s)"), card->number,
			     item, open);
		return FALSE;
	}
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO time_sessions (id, card_id, item, started_at, store_id, "
			      "operator_id, at, hlc, origin_store) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?5)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, started);
	sqlite3_bind_text (stmt, 5, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 8, hlc);
	if (!hy_db_step_done (db, stmt, error) ||
	    !hy_outbox_capture (db, "time_sessions", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "card", card->id);
	json_object_set_string_member (detail, "item", item);
	json_object_set_int_member (detail, "started_at", started);
	if (!hy_audit_append (db, actor, "time.start", id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (session_id_out != NULL)
		*session_id_out = g_steal_pointer (&id);
	return TRUE;
}

gchar *
hy_time_find_open (HyDb *db, const gchar *card_query, const gchar *item, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, card_query, error);
	gchar *id = NULL;
	if (card == NULL || !hy_time_open_of (db, card->id, item, &id, error))
		return NULL;
	if (id == NULL)
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("card %s has no open session of “%s”"), card->number, item);
	return id;
}

/* The session to close, refusing an unknown or closed one. */
static gboolean
hy_time_load (HyDb *db, const gchar *id, HyTimeBill *bill, gchar **card_id, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT s.card_id, c.number, s.item, s.started_at, "
		"EXISTS (SELECT 1 FROM time_session_ends e WHERE e.session_id = s.id) "
		"FROM time_sessions s JOIN cards c ON c.id = s.card_id WHERE s.id = ?",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no time session %s"), id);
		return FALSE;
	}
	if (sqlite3_column_int (stmt, 4) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("time session %s is already checked out"), id);
		return FALSE;
	}
	*card_id = hy_stmt_dup_text (stmt, 0);
	bill->session = g_strdup (id);
	bill->card = hy_stmt_dup_text (stmt, 1);
	bill->item = hy_stmt_dup_text (stmt, 2);
	bill->started_at = sqlite3_column_int64 (stmt, 3);
	return TRUE;
}

/* The store's time rules: the unit and the price per unit of the item, -1 when none. */
static gboolean
hy_time_rules (HyDb *db, const gchar *item, HyTimeRules *out, gint64 *price, GError **error)
{
	g_autoptr (HyRules) rules = hy_rules_load (db, error);
	g_autoptr (HyStore) store = rules != NULL ? hy_store_get_local (db, error) : NULL;
	const HyStoreRules *store_rules;
	const gint64 *fen;
	if (store == NULL)
		return FALSE;
	store_rules = hy_rules_get_store (rules, store->code);
	*out = store_rules->time;
	out->unit_prices = NULL; /* not kept past the rules' lifetime */
	fen = g_hash_table_lookup (store_rules->time.unit_prices, item);
	*price = fen != NULL ? *fen : -1;
	return TRUE;
}

static gboolean
hy_time_insert_end (HyDb *db, const HyActor *actor, const HyTimeBill *bill, GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO time_session_ends (id, session_id, ended_at, seconds, units, "
		"billed_seconds, time_deducted, money, sale_id, store_id, operator_id, at, hlc, "
		"origin_store) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
		"?10)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, bill->session, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, bill->ended_at);
	sqlite3_bind_int64 (stmt, 4, bill->seconds);
	sqlite3_bind_int64 (stmt, 5, bill->units);
	sqlite3_bind_int64 (stmt, 6, bill->billed_seconds);
	sqlite3_bind_int64 (stmt, 7, bill->time_deducted);
	sqlite3_bind_int64 (stmt, 8, bill->money);
	sqlite3_bind_text (stmt, 9, bill->sale_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 10, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 11, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 12, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 13, hlc);
	return hy_db_step_done (db, stmt, error) &&
	       hy_outbox_capture (db, "time_session_ends", id, HY_CHANGE_INSERT, hlc, error);
}

/* Splits the bill between the time balance and stored value. */
static gboolean
hy_time_split (HyTimeBill *bill, gint64 balance, gint64 price, GError **error)
{
	gint64 rest;
	bill->time_deducted = MIN (MAX (balance, 0), bill->billed_seconds);
	rest = bill->billed_seconds - bill->time_deducted;
	if (rest == 0)
		return TRUE;
	if (price < 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("the session bills %" PRId64 " minutes of “%s”, but the card "
				"holds %" PRId64 " seconds of it and the store sets no price per "
				"unit"),
			     bill->billed_seconds / 60, bill->item, MAX (balance, 0));
		return FALSE;
	}
	/* pro rata of the unit price for the part the balance does not cover */
	bill->money = (gint64) hy_round_half_up_u128 ((unsigned __int128) rest * (guint64) price,
						      (guint64) bill->unit_minutes * 60);
	return TRUE;
}

HyTimeBill *
hy_time_stop (HyDb *db,
	      const HyActor *actor,
	      const gchar *session_id,
	      GDateTime *at,
	      const gchar *pin,
	      GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyTimeBill) bill = g_new0 (HyTimeBill, 1);
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *card_id = NULL;
	HyTimeRules rules;
	gint64 price = -1, balance = 0;
	gboolean pin_checked = FALSE;

	if (!hy_actor_require (actor, HY_PERMISSION_TIME_SESSION, error))
		return NULL;
	/* a PIN given is checked before the transaction, so that wrong attempts count */
	if (pin != NULL) {
		g_autoptr (HyTimeBill) peek = g_new0 (HyTimeBill, 1);
		g_autoptr (HyCard) payer = NULL;
		g_autofree gchar *peek_card = NULL;
		if (!hy_time_load (db, session_id, peek, &peek_card, error))
			return NULL;
		payer = hy_card_get (db, peek_card, error);
		if (payer == NULL ||
		    (payer->has_pin && !hy_card_check_pin (db, payer->number, pin, error)))
			return NULL;
		pin_checked = TRUE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_time_load (db, session_id, bill, &card_id, error))
		return NULL;
	card = hy_card_get (db, card_id, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a time session"), FALSE, error))
		return NULL;
	bill->ended_at = hy_time_ms (at);
	if (bill->ended_at < bill->started_at) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("check-out is before the session’s check-in"));
		return NULL;
	}
	if (!hy_time_rules (db, bill->item, &rules, &price, error))
		return NULL;
	bill->seconds = (bill->ended_at - bill->started_at) / 1000;
	bill->unit_minutes = rules.unit_minutes;
	bill->units = hy_time_units (&rules, bill->seconds);
	bill->billed_seconds = bill->units * rules.unit_minutes * 60;
	if (!hy_ledger_balance (db, card->id, HY_ACCOUNT_TIME, bill->item, &balance, error) ||
	    !hy_time_split (bill, balance, price, error))
		return NULL;

	if (bill->time_deducted > 0 &&
	    !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_TIME, bill->item, -bill->time_deducted,
			     "time.session", session_id, NULL, error))
		return NULL;
	if (bill->money > 0) {
		if (card->has_pin && !pin_checked) {
			g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
				     _ ("%" PRId64 " fen are charged to stored value: the card’s "
					"spending PIN is needed"),
				     bill->money);
			return NULL;
		}
		bill->sale_id = hy_id_new ();
		if (!hy_deduct_record_sale (db, actor, card, bill->sale_id, bill->item, bill->money,
					    _ ("time session"), bill->ended_at, error))
			return NULL;
	}
	if (!hy_time_insert_end (db, actor, bill, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_TIME, bill->item, &bill->time_left,
				error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_MONEY, "", &bill->money_left, error))
		return NULL;
	json_object_set_string_member (detail, "card", card->id);
	json_object_set_string_member (detail, "item", bill->item);
	json_object_set_int_member (detail, "seconds", bill->seconds);
	json_object_set_int_member (detail, "units", bill->units);
	json_object_set_int_member (detail, "time", bill->time_deducted);
	json_object_set_int_member (detail, "money", bill->money);
	if (!hy_audit_append (db, actor, "time.stop", session_id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return NULL;
	return g_steal_pointer (&bill);
}

GPtrArray *
hy_time_list_open (HyDb *db, GError **error)
{
	g_autoptr (GPtrArray) sessions =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_time_session_free);
	g_autoptr (HyStore) store = hy_store_get_local (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	if (store == NULL)
		return NULL;
	stmt = hy_db_prepare (db,
			      "SELECT s.id, c.number, s.item, s.started_at FROM time_sessions s "
			      "JOIN cards c ON c.id = s.card_id WHERE s.store_id = ? AND "
			      "NOT EXISTS (SELECT 1 FROM time_session_ends e "
			      "WHERE e.session_id = s.id) ORDER BY s.started_at, s.id",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, store->id, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyTimeSession *session;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		session = g_new0 (HyTimeSession, 1);
		session->id = hy_stmt_dup_text (stmt, 0);
		session->card = hy_stmt_dup_text (stmt, 1);
		session->item = hy_stmt_dup_text (stmt, 2);
		session->started_at = sqlite3_column_int64 (stmt, 3);
		g_ptr_array_add (sessions, session);
	}
	return g_steal_pointer (&sessions);
}
