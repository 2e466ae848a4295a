#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-chain.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"
#include "hy-points.h"
#include "hy-recharge.h"

/* The largest single recharge or withdrawal: 100,000,000 yuan. */
#define HY_LEDGER_MAX_AMOUNT G_GINT64_CONSTANT (10000000000)

const gchar *
hy_account_to_string (HyAccount account)
{
	switch (account) {
	case HY_ACCOUNT_MONEY:
		return "money";
	case HY_ACCOUNT_POINTS:
		return "points";
	case HY_ACCOUNT_COUNT:
		return "count";
	case HY_ACCOUNT_TIME:
		return "time";
	default:
		return NULL;
	}
}

gboolean
hy_account_from_string (const gchar *text, HyAccount *out)
{
	for (HyAccount a = HY_ACCOUNT_MONEY; a <= HY_ACCOUNT_TIME; a++) {
		if (g_strcmp0 (text, hy_account_to_string (a)) == 0) {
			*out = a;
			return TRUE;
		}
	}
	return FALSE;
}

/* How an amount of an account reads in a message. */
static const gchar *
hy_ledger_unit (HyAccount account)
{
	switch (account) {
	case HY_ACCOUNT_MONEY:
		return _ ("fen");
	case HY_ACCOUNT_POINTS:
		return _ ("hundredths of a point");
	case HY_ACCOUNT_COUNT:
		return _ ("uses");
	case HY_ACCOUNT_TIME:
	default:
		return _ ("seconds");
	}
}

gboolean
hy_ledger_balance (HyDb *db,
		   const gchar *card_id,
		   HyAccount account,
		   const gchar *item,
		   gint64 *out,
		   GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT amount FROM balances "
						 "WHERE card_id = ? AND account = ? AND item = ?",
						 error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*out = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	return TRUE;
}

void
hy_balance_free (HyBalance *balance)
{
	g_free (balance->item);
	g_free (balance);
}

GPtrArray *
hy_ledger_list_balances (HyDb *db, const gchar *card_id, GError **error)
{
	g_autoptr (GPtrArray) balances =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_balance_free);
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT account, item, amount FROM balances "
			       "WHERE card_id = ? AND amount != 0 "
			       "ORDER BY CASE account WHEN 'money' THEN 0 "
			       "WHEN 'points' THEN 1 WHEN 'count' THEN 2 ELSE 3 END, "
			       "item",
			       error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyBalance *balance;
		HyAccount account;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		if (!hy_account_from_string (hy_stmt_text (stmt, 0), &account))
			continue;
		balance = g_new0 (HyBalance, 1);
		balance->account = account;
		balance->item = hy_stmt_dup_text (stmt, 1);
		balance->amount = sqlite3_column_int64 (stmt, 2);
		g_ptr_array_add (balances, balance);
	}
	return g_steal_pointer (&balances);
}

static gboolean
hy_ledger_card_member (HyDb *db, const gchar *card_id, gchar **member_id, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT member_id FROM cards WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no card with id %s"),
			     card_id);
		return FALSE;
	}
	*member_id = hy_stmt_dup_text (stmt, 0);
	return TRUE;
}

static gboolean
hy_ledger_insert_entry (HyDb *db,
			const HyActor *actor,
			const gchar *id,
			const gchar *card_id,
			const gchar *member_id,
			const gchar *account,
			const gchar *item,
			gint64 delta,
			const gchar *op,
			const gchar *op_id,
			const gchar *note,
			gint64 hlc,
			GError **error)
{
	g_autofree gchar *prev_hash = NULL;
	g_autofree gchar *canonical = NULL;
	g_autofree gchar *hash = NULL;
	g_autofree gchar *delta_text = g_strdup_printf ("%" PRId64, delta);
	g_autofree gchar *at_text = NULL;
	g_autofree gchar *hlc_text = g_strdup_printf ("%" PRId64, hlc);
	g_autofree gchar *seq_text = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	const gchar *origin = hy_actor_get_store_id (actor);
	gint64 at = g_get_real_time () / 1000;
	gint64 seq = 0;

	if (!hy_chain_next (db, "account_entries", origin, &seq, &prev_hash, error))
		return FALSE;
	at_text = g_strdup_printf ("%" PRId64, at);
	seq_text = g_strdup_printf ("%" PRId64, seq);
	{
		/* HY_LEDGER_CHAINED_COLUMNS, in order */
		const gchar *fields[HY_LEDGER_N_CHAINED_COLUMNS] = {
			id,
			card_id,
			member_id,
			account,
			item,
			delta_text,
			op,
			op_id,
			note,
			hy_actor_get_store_id (actor),
			hy_actor_get_terminal_id (actor),
			hy_actor_get_operator_id (actor),
			at_text,
			hlc_text,
			origin,
			seq_text,
		};
		canonical = hy_chain_canonical (fields, G_N_ELEMENTS (fields));
	}
	hash = hy_chain_hash (prev_hash, canonical);

	stmt = hy_db_prepare (db,
			      "INSERT INTO account_entries (" HY_LEDGER_CHAINED_COLUMNS
			      ", prev_hash, hash) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, account, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 5, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 6, delta);
	sqlite3_bind_text (stmt, 7, op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 9, note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 10, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 11, hy_actor_get_terminal_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 12, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 13, at);
	sqlite3_bind_int64 (stmt, 14, hlc);
	sqlite3_bind_text (stmt, 15, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 16, seq);
	sqlite3_bind_text (stmt, 17, prev_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 18, hash, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_chain_advance (db, "account_entries", seq, hash, error);
}

/* hy_ledger_post, for callers that already know the card's member (NULL: look it up)
 * and want the new balance back: a recharge costs two queries less. */
static gboolean
hy_ledger_post_full (HyDb *db,
		     const HyActor *actor,
		     const gchar *card_id,
		     const gchar *known_member_id,
		     HyAccount account,
		     const gchar *item,
		     gint64 delta,
		     const gchar *op,
		     const gchar *op_id,
		     const gchar *note,
		     const gchar *day,
		     const gchar *batch_id,
		     gint64 *balance_out,
		     GError **error)
{
	const gchar *account_text = hy_account_to_string (account);
	g_autofree gchar *id = NULL;
	g_autofree gchar *member_id = g_strdup (known_member_id);
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;
	gint64 balance = 0;

	g_return_val_if_fail (hy_db_in_transaction (db), FALSE);
	g_return_val_if_fail (account_text != NULL, FALSE);
	g_return_val_if_fail (op != NULL && op_id != NULL, FALSE);

	if (item == NULL)
		item = "";
	if (note == NULL)
		note = "";
	if ((account == HY_ACCOUNT_MONEY || account == HY_ACCOUNT_POINTS) != (item[0] == '\0')) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("a %s entry needs %s"),
			     account_text, item[0] == '\0' ? _ ("an item") : _ ("no item"));
		return FALSE;
	}
	if (delta == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a %s entry of zero changes nothing"), account_text);
		return FALSE;
	}
	if (member_id == NULL && !hy_ledger_card_member (db, card_id, &member_id, error))
		return FALSE;
	if (!hy_ledger_balance (db, card_id, account, item, &balance, error))
		return FALSE;
	/* time may run over (a session billed past the prepaid minutes); the rest may not */
	if (delta < 0 && account != HY_ACCOUNT_TIME && balance + delta < 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT,
			     _ ("the %s%s%s balance is %" PRId64 " %s, not enough for "
				"%" PRId64 " %s"),
			     account_text, item[0] != '\0' ? _ (" of item ") : "", item, balance,
			     hy_ledger_unit (account), -delta, hy_ledger_unit (account));
		return FALSE;
	}
	/* in a chain, a debit here is also bounded by what this store may spend */
	if (delta < 0 && !hy_escrow_check_debit (db, hy_actor_get_store_id (actor), card_id,
						 account, item, delta, error))
		return FALSE;
	if (delta > 0 && balance > G_MAXINT64 - delta) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the %s balance would overflow"), account_text);
		return FALSE;
	}

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	id = hy_id_new ();
	if (!hy_ledger_insert_entry (db, actor, id, card_id, member_id, account_text, item, delta,
				     op, op_id, note, hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO balances (card_id, account, item, amount) "
			      "VALUES (?, ?, ?, ?) ON CONFLICT (card_id, account, item) "
			      "DO UPDATE SET amount = amount + excluded.amount",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, account_text, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, delta);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_escrow_note_entry (db, hy_actor_get_store_id (actor), card_id, account_text, item,
				   delta, error))
		return FALSE;
	/* points live in earning batches, spent oldest first (hy-points.h) */
	if (account == HY_ACCOUNT_POINTS &&
	    !hy_points_track (db, actor, card_id, member_id, delta, balance, op, op_id, day,
			      batch_id, error))
		return FALSE;
	if (balance_out != NULL)
		*balance_out = balance + delta;
	return hy_outbox_capture (db, "account_entries", id, HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_ledger_post (HyDb *db,
		const HyActor *actor,
		const gchar *card_id,
		HyAccount account,
		const gchar *item,
		gint64 delta,
		const gchar *op,
		const gchar *op_id,
		const gchar *note,
		GError **error)
{
	return hy_ledger_post_full (db, actor, card_id, NULL, account, item, delta, op, op_id, note,
				    NULL, NULL, NULL, error);
}

gboolean
hy_ledger_post_points (HyDb *db,
		       const HyActor *actor,
		       const gchar *card_id,
		       gint64 delta,
		       const gchar *op,
		       const gchar *op_id,
		       const gchar *note,
		       const gchar *day,
		       const gchar *batch_id,
		       GError **error)
{
	return hy_ledger_post_full (db, actor, card_id, NULL, HY_ACCOUNT_POINTS, "", delta, op,
				    op_id, note, day, batch_id, NULL, error);
}

static gboolean
hy_ledger_check_amount (gint64 amount, GError **error)
{
	if (amount <= 0 || amount > HY_LEDGER_MAX_AMOUNT) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("amount %" PRId64 " fen is out of range (1 to %" PRId64 " fen)"),
			     amount, HY_LEDGER_MAX_AMOUNT);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_ledger_kind_has_stored_value (HyDb *db, const HyCard *card, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT name, stored_value FROM card_kinds WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card->kind_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row && sqlite3_column_int (stmt, 1) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("cards of kind “%s” hold no stored value"), hy_stmt_text (stmt, 0));
		return FALSE;
	}
	return TRUE;
}

/* One money or points operation on a card: lookup, checks, one entry, one audit record. */
static gboolean
hy_ledger_simple_op (HyDb *db,
		     const HyActor *actor,
		     const gchar *card_number,
		     HyAccount account,
		     gint64 delta,
		     const gchar *op,
		     const gchar *note,
		     const gchar *action,
		     const gchar *what,
		     gchar **op_id_out,
		     GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	gint64 balance = 0;

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	card = hy_card_lookup (db, card_number, error);
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_usable (card, what, account == HY_ACCOUNT_MONEY && delta > 0, error))
		return FALSE;
	if (account == HY_ACCOUNT_MONEY && delta > 0 &&
	    !hy_ledger_kind_has_stored_value (db, card, error))
		return FALSE;
	if (!hy_ledger_post_full (db, actor, card->id, card->member_id, account, "", delta, op,
				  op_id, note, NULL, NULL, &balance, error))
		return FALSE;
	json_object_set_string_member (detail, "op_id", op_id);
	json_object_set_string_member (detail, "account", hy_account_to_string (account));
	json_object_set_int_member (detail, "delta", delta);
	json_object_set_int_member (detail, "balance", balance);
	if (note != NULL && note[0] != '\0')
		json_object_set_string_member (detail, "note", note);
	if (!hy_audit_append (db, actor, action, card->id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (op_id_out != NULL)
		*op_id_out = g_steal_pointer (&op_id);
	return TRUE;
}

gboolean
hy_ledger_recharge (HyDb *db,
		    const HyActor *actor,
		    const gchar *card_number,
		    gint64 amount_fen,
		    const gchar *note,
		    gchar **op_id_out,
		    GError **error)
{
	/* with the recharge rules of the member's level (bonus, instalments, upgrade) */
	g_autoptr (HyRechargeResult) result = NULL;
	if (!hy_recharge (db, actor, card_number, amount_fen, note, NULL, &result, error))
		return FALSE;
	if (op_id_out != NULL)
		*op_id_out = g_strdup (result->op_id);
	return TRUE;
}

gboolean
hy_ledger_withdraw (HyDb *db,
		    const HyActor *actor,
		    const gchar *card_number,
		    gint64 amount_fen,
		    const gchar *note,
		    gchar **op_id_out,
		    GError **error)
{
	if (!hy_actor_require (actor, HY_PERMISSION_MONEY_WITHDRAW, error))
		return FALSE;
	if (!hy_ledger_check_amount (amount_fen, error)) {
		g_prefix_error (error, _ ("withdrawal: "));
		return FALSE;
	}
	return hy_ledger_simple_op (db, actor, card_number, HY_ACCOUNT_MONEY, -amount_fen,
				    "withdraw", note, "money.withdraw", _ ("a withdrawal"),
				    op_id_out, error);
}

static gboolean
hy_ledger_is_blank (const gchar *text)
{
	for (const gchar *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p)) {
		if (!g_unichar_isspace (g_utf8_get_char (p)))
			return FALSE;
	}
	return TRUE;
}

gboolean
hy_ledger_adjust_points (HyDb *db,
			 const HyActor *actor,
			 const gchar *card_number,
			 gint64 delta_hundredths,
			 const gchar *reason,
			 gchar **op_id_out,
			 GError **error)
{
	if (!hy_actor_require (actor, HY_PERMISSION_POINTS_ADJUST, error))
		return FALSE;
	if (hy_ledger_is_blank (reason)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a points adjustment needs a reason"));
		return FALSE;
	}
	if (delta_hundredths == 0 || delta_hundredths > HY_LEDGER_MAX_AMOUNT ||
	    delta_hundredths < -HY_LEDGER_MAX_AMOUNT) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a points adjustment of %" PRId64 " hundredths is out of range"),
			     delta_hundredths);
		return FALSE;
	}
	return hy_ledger_simple_op (db, actor, card_number, HY_ACCOUNT_POINTS, delta_hundredths,
				    "adjust", reason, "points.adjust", _ ("a points adjustment"),
				    op_id_out, error);
}

gboolean
hy_ledger_rebuild_balances (HyDb *db, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_db_exec (db,
			 "DELETE FROM balances;"
			 "INSERT INTO balances (card_id, account, item, amount) "
			 "SELECT card_id, account, item, sum(delta) FROM account_entries "
			 "GROUP BY card_id, account, item;",
			 error)) {
		g_prefix_error (error, _ ("rebuilding balances: "));
		return FALSE;
	}
	return hy_txn_commit (txn, error);
}
