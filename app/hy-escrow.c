#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-card.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"

#define HY_ESCROW_SHORTFALL_KEY "hy-escrow-shortfall"

/* The chain's HQ store, or NULL when escrow is off. */
static gchar *
hy_escrow_hq (HyDb *db)
{
	gchar *hq = hy_db_meta_get (db, "escrow_hq");
	if (hq != NULL && hq[0] == '\0')
		g_clear_pointer (&hq, g_free);
	return hq;
}

gboolean
hy_escrow_is_active (HyDb *db)
{
	g_autofree gchar *hq = hy_escrow_hq (db);
	return hq != NULL;
}

gboolean
hy_escrow_rebuild (HyDb *db, GError **error)
{
	g_autofree gchar *hq = hy_escrow_hq (db);
	g_autoptr (HyStmt) stmt = NULL;

	if (!hy_db_exec (db, "DELETE FROM escrow_slices", error))
		return FALSE;
	if (hq == NULL)
		return TRUE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO escrow_slices (card_id, account, item, store_id, amount) "
		"SELECT card_id, account, item, store_id, sum (delta) FROM ("
		"  SELECT card_id, account, item, origin_store AS store_id, delta "
		"  FROM account_entries WHERE account != 'time' AND origin_store != ?1"
		"  UNION ALL "
		"  SELECT card_id, account, item, store_id, delta FROM escrow_entries) "
		"GROUP BY card_id, account, item, store_id HAVING sum (delta) != 0",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, hq, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (db, stmt, error);
}

gboolean
hy_escrow_enable (HyDb *db, const gchar *hq_store_id, GError **error)
{
	g_return_val_if_fail (hy_db_in_transaction (db), FALSE);
	return hy_db_meta_set (db, "escrow_hq", hq_store_id, error) &&
	       hy_escrow_rebuild (db, error);
}

gboolean
hy_escrow_slice (HyDb *db,
		 const gchar *card_id,
		 HyAccount account,
		 const gchar *item,
		 const gchar *store_id,
		 gint64 *out,
		 GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT amount FROM escrow_slices WHERE card_id = ? "
			       "AND account = ? AND item = ? AND store_id = ?",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, store_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*out = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	return TRUE;
}

/* The slices of every store, summed, and the stores holding them for a message. */
static gboolean
hy_escrow_held (HyDb *db,
		const gchar *card_id,
		HyAccount account,
		const gchar *item,
		gint64 *total,
		gchar **holders,
		GError **error)
{
	g_autoptr (GString) names = g_string_new (NULL);
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT coalesce (s.code, e.store_id), e.amount FROM escrow_slices e "
		"LEFT JOIN stores s ON s.id = e.store_id "
		"WHERE e.card_id = ? AND e.account = ? AND e.item = ? "
		"ORDER BY 1",
		error);
	if (stmt == NULL)
		return FALSE;
	*total = 0;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	for (;;) {
		gboolean has_row = FALSE;
		gint64 amount;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		amount = sqlite3_column_int64 (stmt, 1);
		*total += amount;
		if (amount > 0)
			g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
						hy_stmt_text (stmt, 0));
	}
	if (holders != NULL)
		*holders = g_string_free (g_steal_pointer (&names), FALSE);
	return TRUE;
}

gboolean
hy_escrow_pool (HyDb *db,
		const gchar *card_id,
		HyAccount account,
		const gchar *item,
		gint64 *out,
		GError **error)
{
	gint64 balance = 0, held = 0;
	if (!hy_ledger_balance (db, card_id, account, item, &balance, error) ||
	    !hy_escrow_held (db, card_id, account, item, &held, NULL, error))
		return FALSE;
	*out = balance - held;
	return TRUE;
}

void
hy_escrow_shortfall_free (HyEscrowShortfall *shortfall)
{
	g_free (shortfall->card_id);
	g_free (shortfall->item);
	g_free (shortfall);
}

HyEscrowShortfall *
hy_escrow_take_shortfall (HyDb *db)
{
	return g_object_steal_data (G_OBJECT (db), HY_ESCROW_SHORTFALL_KEY);
}

static void
hy_escrow_set_shortfall (
	HyDb *db, const gchar *card_id, HyAccount account, const gchar *item, gint64 amount)
{
	HyEscrowShortfall *shortfall = g_new0 (HyEscrowShortfall, 1);
	shortfall->card_id = g_strdup (card_id);
	shortfall->account = account;
	shortfall->item = g_strdup (item != NULL ? item : "");
	shortfall->amount = amount;
	g_object_set_data_full (G_OBJECT (db), HY_ESCROW_SHORTFALL_KEY, shortfall,
				(GDestroyNotify) hy_escrow_shortfall_free);
}

/* How an amount of an account reads in a message: "¥12.30", "5.00 points", "3 uses". */
static gchar *
hy_escrow_format (HyAccount account, gint64 amount)
{
	const gchar *sign = amount < 0 ? "-" : "";
	gint64 a = ABS (amount);
	switch (account) {
	case HY_ACCOUNT_MONEY:
		return g_strdup_printf ("%s¥%" PRId64 ".%02" PRId64, sign, a / 100, a % 100);
	case HY_ACCOUNT_POINTS:
		return g_strdup_printf (_ ("%s%" PRId64 ".%02" PRId64 " points"), sign, a / 100,
					a % 100);
	case HY_ACCOUNT_COUNT:
	case HY_ACCOUNT_TIME:
	default:
		return g_strdup_printf (_ ("%" PRId64 " uses"), amount);
	}
}

gboolean
hy_escrow_check_debit (HyDb *db,
		       const gchar *origin,
		       const gchar *card_id,
		       HyAccount account,
		       const gchar *item,
		       gint64 delta,
		       GError **error)
{
	g_autofree gchar *hq = NULL;
	g_autofree gchar *holders = NULL;
	g_autofree gchar *have_text = NULL;
	g_autofree gchar *need_text = NULL;
	gint64 available = 0;

	if (delta >= 0 || account == HY_ACCOUNT_TIME)
		return TRUE;
	hq = hy_escrow_hq (db);
	if (hq == NULL)
		return TRUE;
	if (g_strcmp0 (origin, hq) == 0) {
		gint64 held = 0, balance = 0;
		if (!hy_ledger_balance (db, card_id, account, item, &balance, error) ||
		    !hy_escrow_held (db, card_id, account, item, &held, &holders, error))
			return FALSE;
		available = balance - held;
	} else if (!hy_escrow_slice (db, card_id, account, item, origin, &available, error)) {
		return FALSE;
	}
	if (available + delta >= 0)
		return TRUE;
	hy_escrow_set_shortfall (db, card_id, account, item, -delta - MAX (available, 0));
	have_text = hy_escrow_format (account, MAX (available, 0));
	need_text = hy_escrow_format (account, -delta);
	if (holders != NULL)
		g_set_error (error, HY_ERROR, HY_ERROR_ESCROW,
			     _ ("only %s of this card can be spent at HQ now, not %s: the rest is "
				"held for offline use by %s until they give it back"),
			     have_text, need_text, holders);
	else
		g_set_error (error, HY_ERROR, HY_ERROR_ESCROW,
			     _ ("only %s of this card can be spent at this store without the "
				"relay, not %s: the rest of the balance must be authorised online"),
			     have_text, need_text);
	return FALSE;
}

static gboolean
hy_escrow_move (HyDb *db,
		const gchar *card_id,
		const gchar *account,
		const gchar *item,
		const gchar *store_id,
		gint64 delta,
		GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO escrow_slices (card_id, account, item, store_id, amount) "
		"VALUES (?, ?, ?, ?, ?) ON CONFLICT (card_id, account, item, store_id) "
		"DO UPDATE SET amount = amount + excluded.amount",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 5, delta);
	return hy_db_step_done (db, stmt, error);
}

gboolean
hy_escrow_note_entry (HyDb *db,
		      const gchar *origin,
		      const gchar *card_id,
		      const gchar *account,
		      const gchar *item,
		      gint64 delta,
		      GError **error)
{
	g_autofree gchar *hq = NULL;
	if (g_strcmp0 (account, "time") == 0)
		return TRUE;
	hq = hy_escrow_hq (db);
	if (hq == NULL || g_strcmp0 (origin, hq) == 0)
		return TRUE;
	return hy_escrow_move (db, card_id, account, item, origin, delta, error);
}

gboolean
hy_escrow_note_applied (HyDb *db, const gchar *table, const gchar *id, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;
	gboolean entry = g_strcmp0 (table, "account_entries") == 0;

	if (!entry && g_strcmp0 (table, "escrow_entries") != 0)
		return TRUE;
	if (!hy_escrow_is_active (db))
		return TRUE;
	stmt = hy_db_prepare (db,
			      entry ? "SELECT card_id, account, item, origin_store, delta "
				      "FROM account_entries WHERE id = ?"
				    : "SELECT card_id, account, item, store_id, delta "
				      "FROM escrow_entries WHERE id = ?",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row)
		return TRUE;
	if (entry)
		return hy_escrow_note_entry (db, hy_stmt_text (stmt, 3), hy_stmt_text (stmt, 0),
					     hy_stmt_text (stmt, 1), hy_stmt_text (stmt, 2),
					     sqlite3_column_int64 (stmt, 4), error);
	return hy_escrow_move (db, hy_stmt_text (stmt, 0), hy_stmt_text (stmt, 1),
			       hy_stmt_text (stmt, 2), hy_stmt_text (stmt, 3),
			       sqlite3_column_int64 (stmt, 4), error);
}

/* Writes one grant or release and moves the slice, with its outbox row. */
static gboolean
hy_escrow_write (HyDb *db,
		 const gchar *id,
		 const gchar *card_id,
		 HyAccount account,
		 const gchar *item,
		 const gchar *store_id,
		 gint64 delta,
		 const gchar *op,
		 GError **error)
{
	g_autofree gchar *origin = hy_db_meta_get (db, "store_id");
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO escrow_entries (id, card_id, account, item, store_id, "
		"delta, op, at, hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 4, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 6, delta);
	sqlite3_bind_text (stmt, 7, op, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (stmt, 8, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 9, hlc);
	sqlite3_bind_text (stmt, 10, origin, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_escrow_move (db, card_id, hy_account_to_string (account), item, store_id, delta,
			       error) &&
	       hy_outbox_capture (db, "escrow_entries", id, HY_CHANGE_INSERT, hlc, error);
}

/* A grant made earlier under `grant_id`: TRUE in *found with its amount, after checking
 * it is for the same store, card and account. */
static gboolean
hy_escrow_earlier_grant (HyDb *db,
			 const gchar *grant_id,
			 const gchar *store_id,
			 const gchar *card_id,
			 HyAccount account,
			 const gchar *item,
			 gboolean *found,
			 gint64 *granted,
			 GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT store_id = ? AND card_id = ? AND account = ? AND item = ? "
			       "AND op = 'grant', delta FROM escrow_entries WHERE id = ?",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 4, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, grant_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*found = has_row;
	if (has_row && sqlite3_column_int (stmt, 0) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("authorisation %s was already given for another card or store"),
			     grant_id);
		return FALSE;
	}
	*granted = has_row ? sqlite3_column_int64 (stmt, 1) : 0;
	return TRUE;
}

/* The store's offline allowance per card and cap, and the money it holds in grants
 * beyond what was taken in there (slices above zero, summed over cards). */
static gboolean
hy_escrow_store_limits (HyDb *db,
			const gchar *store_id,
			gint64 *allowance,
			gint64 *cap,
			gint64 *held,
			GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT offline_allowance, offline_cap, active, (SELECT coalesce (sum (amount), 0) "
		"FROM escrow_slices WHERE store_id = ?1 AND account = 'money' AND amount > 0) "
		"FROM stores WHERE id = ?1",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row || sqlite3_column_int (stmt, 2) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
			     _ ("store %s is not an active store of this chain"), store_id);
		return FALSE;
	}
	*allowance = sqlite3_column_int64 (stmt, 0);
	*cap = sqlite3_column_int64 (stmt, 1);
	*held = sqlite3_column_int64 (stmt, 3);
	return TRUE;
}

/* Asks every store but `requester` that holds a slice of the account to give it back. */
static gboolean
hy_escrow_request_release (HyDb *db,
			   const gchar *card_id,
			   HyAccount account,
			   const gchar *item,
			   const gchar *requester,
			   GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	if (txn == NULL)
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT OR IGNORE INTO escrow_requests (store_id, card_id, account, "
			      "item, at) SELECT store_id, card_id, account, item, ? "
			      "FROM escrow_slices WHERE card_id = ? AND account = ? AND item = ? "
			      "AND amount > 0 AND store_id != ?",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
	sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, hy_account_to_string (account), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 4, item != NULL ? item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, requester, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

JsonArray *
hy_escrow_requests (HyDb *db, const gchar *store_id, GError **error)
{
	g_autoptr (JsonArray) requests = json_array_new ();
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT card_id, account, item FROM escrow_requests "
			       "WHERE store_id = ? ORDER BY card_id, account, item",
			       error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		gboolean has_row = FALSE;
		JsonObject *request;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		request = json_object_new ();
		json_object_set_string_member (request, "card_id", hy_stmt_text (stmt, 0));
		json_object_set_string_member (request, "account", hy_stmt_text (stmt, 1));
		json_object_set_string_member (request, "item", hy_stmt_text (stmt, 2));
		json_array_add_object_element (requests, request);
	}
	return g_steal_pointer (&requests);
}

gboolean
hy_escrow_requests_told (HyDb *db, const gchar *store_id, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "DELETE FROM escrow_requests WHERE store_id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (db, stmt, error);
}

gboolean
hy_escrow_authorize (HyDb *db,
		     const gchar *store_id,
		     const gchar *grant_id,
		     const gchar *card_id,
		     HyAccount account,
		     const gchar *item,
		     gint64 shortfall,
		     gint64 *granted,
		     GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *holders = NULL;
	gboolean found = FALSE;
	gint64 balance = 0, held = 0, pool, grant;
	gint64 allowance = 0, cap = 0, store_held = 0, slice = 0;

	if (shortfall <= 0 || account == HY_ACCOUNT_TIME) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an authorisation is for a positive amount of money, points or "
				"counts"));
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_escrow_is_active (db)) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("this database does not hold a chain's escrow"));
		return FALSE;
	}
	if (!hy_escrow_earlier_grant (db, grant_id, store_id, card_id, account, item, &found,
				      granted, error))
		return FALSE;
	if (found)
		return hy_txn_commit (txn, error);
	card = hy_card_get (db, card_id, error);
	if (card == NULL)
		return FALSE;
	/* the hot-list: a lost or retired card is refused everywhere that is online */
	if (!hy_card_check_usable (card, _ ("spending"), FALSE, error))
		return FALSE;
	if (!hy_escrow_store_limits (db, store_id, &allowance, &cap, &store_held, error) ||
	    !hy_ledger_balance (db, card_id, account, item, &balance, error) ||
	    !hy_escrow_held (db, card_id, account, item, &held, &holders, error) ||
	    !hy_escrow_slice (db, card_id, account, item, store_id, &slice, error))
		return FALSE;
	pool = balance - held;
	if (pool < shortfall) {
		g_autofree gchar *pool_text = hy_escrow_format (account, MAX (pool, 0));
		g_autofree gchar *need_text = hy_escrow_format (account, shortfall);
		g_autoptr (GError) request_error = NULL;
		g_set_error (error, HY_ERROR, HY_ERROR_ESCROW,
			     _ ("only %s of this card is free to authorise, not %s: the rest is "
				"held for offline use by %s, now asked to give it back"),
			     pool_text, need_text, holders[0] != '\0' ? holders : _ ("no store"));
		/* the refusal is rolled back; the request to the holders is not */
		g_clear_pointer (&txn, hy_txn_free);
		if (!hy_escrow_request_release (db, card_id, account, item, store_id,
						&request_error))
			g_warning ("cannot record a release request: %s", request_error->message);
		return FALSE;
	}
	grant = shortfall;
	/* money: also top the slice up to the store's allowance, within its cap, so the
	 * card keeps working there if the network goes */
	if (account == HY_ACCOUNT_MONEY) {
		gint64 extra = MIN (allowance, pool - shortfall);
		extra = MIN (extra, MAX (cap - store_held - shortfall, 0));
		grant += MAX (extra, 0);
	}
	if (!hy_escrow_write (db, grant_id, card_id, account, item, store_id, grant, "grant",
			      error))
		return FALSE;
	*granted = grant;
	return hy_txn_commit (txn, error);
}

gboolean
hy_escrow_release_requested (HyDb *db, JsonArray *requests, guint *n_released, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autofree gchar *store_id = NULL;
	guint released = 0;

	if (txn == NULL)
		return FALSE;
	store_id = hy_db_meta_get (db, "store_id");
	for (guint i = 0; i < json_array_get_length (requests); i++) {
		JsonNode *node = json_array_get_element (requests, i);
		JsonObject *request =
			JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
		const gchar *card_id, *account_text, *item;
		g_autofree gchar *id = NULL;
		HyAccount account;
		gint64 slice = 0;

		card_id = request != NULL ? json_object_get_string_member_with_default (
						    request, "card_id", NULL)
					  : NULL;
		account_text = request != NULL ? json_object_get_string_member_with_default (
							 request, "account", NULL)
					       : NULL;
		item = request != NULL
			       ? json_object_get_string_member_with_default (request, "item", "")
			       : NULL;
		if (card_id == NULL || !hy_account_from_string (account_text, &account) ||
		    account == HY_ACCOUNT_TIME) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("release request %u from the relay names no card and "
					"account"),
				     i + 1);
			return FALSE;
		}
		if (!hy_escrow_slice (db, card_id, account, item, store_id, &slice, error))
			return FALSE;
		if (slice <= 0)
			continue;
		id = hy_id_new ();
		if (!hy_escrow_write (db, id, card_id, account, item, store_id, -slice, "release",
				      error))
			return FALSE;
		released++;
	}
	if (n_released != NULL)
		*n_released = released;
	return hy_txn_commit (txn, error);
}

gboolean
hy_escrow_release_excess (HyDb *db, guint *n_released, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	g_autofree gchar *store_id = NULL;
	g_autofree gchar *hq = NULL;

	if (txn == NULL)
		return FALSE;
	hq = hy_escrow_hq (db);
	store_id = hy_db_meta_get (db, "store_id");
	if (n_released != NULL)
		*n_released = 0;
	if (hq == NULL || g_strcmp0 (hq, store_id) == 0)
		return hy_txn_commit (txn, error);
	stmt = hy_db_prepare (
		db,
		"SELECT e.card_id, e.amount - s.offline_allowance FROM escrow_slices e "
		"JOIN stores s ON s.id = e.store_id WHERE e.store_id = ? "
		"AND e.account = 'money' AND e.amount > s.offline_allowance",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		gboolean has_row = FALSE;
		gchar **row;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		row = g_new0 (gchar *, 3);
		row[0] = hy_stmt_dup_text (stmt, 0);
		row[1] = hy_stmt_dup_text (stmt, 1);
		g_ptr_array_add (rows, row);
	}
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index (rows, i);
		g_autofree gchar *id = hy_id_new ();
		gint64 excess = g_ascii_strtoll (row[1], NULL, 10);
		if (!hy_escrow_write (db, id, row[0], HY_ACCOUNT_MONEY, "", store_id, -excess,
				      "release", error))
			return FALSE;
	}
	if (n_released != NULL)
		*n_released = rows->len;
	return hy_txn_commit (txn, error);
}
