#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card-stock.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"
#include "hy-password.h"

#define HY_CARD_SERIAL_DIGITS 9
#define HY_CARD_NUMBER_DIGITS (HY_CARD_SERIAL_DIGITS + 1)
#define HY_CARD_MAX_SERIAL    G_GINT64_CONSTANT (999999999)

#define HY_CARD_PASSWORD_MIN 4
#define HY_CARD_PASSWORD_MAX 16
#define HY_CARD_PIN_MIN	     4
#define HY_CARD_PIN_MAX	     6

#define HY_CARD_COLUMNS                                                                            \
	"id, number, member_id, kind_id, status, retired_reason, successor_id, issued_at, "        \
	"expires_on, store_id, password_hash IS NOT NULL, pin_hash IS NOT NULL"

void
hy_card_free (HyCard *card)
{
	g_free (card->id);
	g_free (card->number);
	g_free (card->member_id);
	g_free (card->kind_id);
	g_free (card->retired_reason);
	g_free (card->successor_id);
	g_free (card->expires_on);
	g_free (card->store_id);
	g_free (card);
}

const gchar *
hy_card_status_to_string (HyCardStatus status)
{
	switch (status) {
	case HY_CARD_STATUS_ACTIVE:
		return "active";
	case HY_CARD_STATUS_LOST:
		return "lost";
	case HY_CARD_STATUS_RETIRED:
	default:
		return "retired";
	}
}

static HyCardStatus
hy_card_status_from_string (const gchar *text)
{
	if (g_strcmp0 (text, "active") == 0)
		return HY_CARD_STATUS_ACTIVE;
	if (g_strcmp0 (text, "lost") == 0)
		return HY_CARD_STATUS_LOST;
	return HY_CARD_STATUS_RETIRED;
}

/* The Luhn check digit of `n` decimal digits. */
static gint
hy_card_luhn (const gchar *digits, gsize n)
{
	gint sum = 0;
	gboolean dbl = TRUE; /* the digit next to the check digit is doubled */
	for (gsize i = n; i > 0; i--) {
		gint d = digits[i - 1] - '0';
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return (10 - sum % 10) % 10;
}

gchar *
hy_card_number_format (gint64 serial)
{
	gchar digits[HY_CARD_NUMBER_DIGITS + 1];
	g_return_val_if_fail (serial >= 0 && serial <= HY_CARD_MAX_SERIAL, NULL);
	g_snprintf (digits, sizeof (digits), "%09" PRId64 "0", serial);
	digits[HY_CARD_SERIAL_DIGITS] =
		(gchar) ('0' + hy_card_luhn (digits, HY_CARD_SERIAL_DIGITS));
	return g_strdup (digits);
}

static gboolean
hy_card_number_is_digits (const gchar *number)
{
	if (number == NULL || strlen (number) != HY_CARD_NUMBER_DIGITS)
		return FALSE;
	for (gsize i = 0; i < HY_CARD_NUMBER_DIGITS; i++) {
		if (!g_ascii_isdigit (number[i]))
			return FALSE;
	}
	return TRUE;
}

gboolean
hy_card_number_is_valid (const gchar *number)
{
	if (!hy_card_number_is_digits (number))
		return FALSE;
	return number[HY_CARD_SERIAL_DIGITS] - '0' == hy_card_luhn (number, HY_CARD_SERIAL_DIGITS);
}

gint64
hy_card_number_serial (const gchar *number)
{
	gchar serial[HY_CARD_SERIAL_DIGITS + 1];
	memcpy (serial, number, HY_CARD_SERIAL_DIGITS);
	serial[HY_CARD_SERIAL_DIGITS] = '\0';
	return g_ascii_strtoll (serial, NULL, 10);
}

/* Messages name a card by its last digits only: they may end up in logs. */
static gchar *
hy_card_label (const gchar *number)
{
	gsize len = number != NULL ? strlen (number) : 0;
	return g_strdup_printf (_ ("card ending %s"), len > 4 ? number + len - 4 : "");
}

static gchar *
hy_card_today (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	return g_date_time_format (now, "%Y-%m-%d");
}

gboolean
hy_card_is_expired (const HyCard *card)
{
	g_autofree gchar *today = NULL;
	if (card->expires_on == NULL)
		return FALSE;
	today = hy_card_today ();
	return strcmp (card->expires_on, today) < 0;
}

gboolean
hy_card_check_usable (const HyCard *card, const gchar *what, gboolean check_expiry, GError **error)
{
	g_autofree gchar *label = hy_card_label (card->number);
	switch (card->status) {
	case HY_CARD_STATUS_RETIRED:
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s is retired (%s) and refuses %s"), label,
			     card->retired_reason != NULL ? card->retired_reason : "?", what);
		return FALSE;
	case HY_CARD_STATUS_LOST:
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s is reported lost and refuses %s until it is unfrozen"), label,
			     what);
		return FALSE;
	case HY_CARD_STATUS_ACTIVE:
	default:
		break;
	}
	if (check_expiry && hy_card_is_expired (card)) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s expired on %s and refuses %s; extend it first"), label,
			     card->expires_on, what);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_card_check_not_retired (const HyCard *card, const gchar *what, GError **error)
{
	if (card->status == HY_CARD_STATUS_RETIRED)
		return hy_card_check_usable (card, what, FALSE, error);
	return TRUE;
}

static HyCard *
hy_card_from_stmt (HyStmt *stmt)
{
	HyCard *card = g_new0 (HyCard, 1);
	card->id = hy_stmt_dup_text (stmt, 0);
	card->number = hy_stmt_dup_text (stmt, 1);
	card->member_id = hy_stmt_dup_text (stmt, 2);
	card->kind_id = hy_stmt_dup_text (stmt, 3);
	card->status = hy_card_status_from_string (hy_stmt_text (stmt, 4));
	card->retired_reason = hy_stmt_dup_text (stmt, 5);
	card->successor_id = hy_stmt_dup_text (stmt, 6);
	card->issued_at = sqlite3_column_int64 (stmt, 7);
	card->expires_on = hy_stmt_dup_text (stmt, 8);
	card->store_id = hy_stmt_dup_text (stmt, 9);
	card->has_password = sqlite3_column_int (stmt, 10) != 0;
	card->has_pin = sqlite3_column_int (stmt, 11) != 0;
	return card;
}

/* Runs a one-key card query; *out is NULL when there is no such card. */
static gboolean
hy_card_fetch (HyDb *db, const gchar *sql, const gchar *key, HyCard **out, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);
	*out = NULL;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row)
		*out = hy_card_from_stmt (stmt);
	return TRUE;
}

HyCard *
hy_card_get (HyDb *db, const gchar *id, GError **error)
{
	HyCard *card = NULL;
	if (!hy_card_fetch (db, "SELECT " HY_CARD_COLUMNS " FROM cards WHERE id = ?", id, &card,
			    error))
		return NULL;
	if (card == NULL)
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no card with id %s"), id);
	return card;
}

/* A bound phone: the only live member holding it, and that member's newest active card
 * (or, failing that, the newest lost one, so a lost card can be found to unfreeze). */
static gboolean
hy_card_lookup_phone (HyDb *db, const gchar *phone, HyCard **out, GError **error)
{
	g_autofree gchar *member_id = NULL;
	gboolean has_row = FALSE;
	guint n_members = 0;
	*out = NULL;
	{
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db, "SELECT id FROM members WHERE phone = ? AND deleted = 0 LIMIT 2",
			error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, phone, -1, SQLITE_TRANSIENT);
		while (TRUE) {
			if (!hy_db_step_row (db, stmt, &has_row, error))
				return FALSE;
			if (!has_row)
				break;
			if (n_members++ == 0)
				member_id = hy_stmt_dup_text (stmt, 0);
		}
	}
	if (n_members == 0)
		return TRUE;
	if (n_members > 1) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("this phone number is bound to several members; "
				"use the card number instead"));
		return FALSE;
	}
	if (!hy_card_fetch (db,
			    "SELECT " HY_CARD_COLUMNS " FROM cards "
			    "WHERE member_id = ? AND status != 'retired' "
			    "ORDER BY status = 'active' DESC, issued_at DESC, id DESC LIMIT 1",
			    member_id, out, error))
		return FALSE;
	if (*out == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("the member with this phone number has no card in use"));
		return FALSE;
	}
	return TRUE;
}

HyCard *
hy_card_lookup (HyDb *db, const gchar *query, GError **error)
{
	HyCard *card = NULL;
	if (query == NULL || query[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("give a card number or a bound phone number"));
		return NULL;
	}
	if (!hy_card_fetch (db, "SELECT " HY_CARD_COLUMNS " FROM cards WHERE number = ?", query,
			    &card, error))
		return NULL;
	if (card != NULL)
		return card;
	if (!hy_card_number_is_digits (query)) {
		if (!hy_card_lookup_phone (db, query, &card, error))
			return NULL;
		if (card != NULL)
			return card;
	}
	if (hy_card_number_is_digits (query) && !hy_card_number_is_valid (query)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("card number has a wrong check digit; check for a typo"));
		return NULL;
	}
	g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
		     _ ("no card with this number and no member with this phone number"));
	return NULL;
}

GPtrArray *
hy_card_list_for_member (HyDb *db, const gchar *member_id, GError **error)
{
	g_autoptr (GPtrArray) cards =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_card_free);
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT " HY_CARD_COLUMNS " FROM cards "
			       "WHERE member_id = ? ORDER BY issued_at DESC, id DESC",
			       error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	while (TRUE) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_ptr_array_add (cards, hy_card_from_stmt (stmt));
	}
	return g_steal_pointer (&cards);
}

/* Validation of caller input */

static gboolean
hy_card_check_date (const gchar *text, GError **error)
{
	gboolean ok = text != NULL && strlen (text) == 10 && text[4] == '-' && text[7] == '-';
	for (gsize i = 0; ok && i < 10; i++) {
		if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
			ok = FALSE;
	}
	if (ok) {
		gint y = (gint) g_ascii_strtoll (text, NULL, 10);
		gint m = (gint) g_ascii_strtoll (text + 5, NULL, 10);
		gint d = (gint) g_ascii_strtoll (text + 8, NULL, 10);
		ok = g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
	}
	if (!ok) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("expiry date “%s” is not a date of the form YYYY-MM-DD"),
			     text != NULL ? text : "");
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_card_check_future_date (const gchar *text, GError **error)
{
	g_autofree gchar *today = hy_card_today ();
	if (!hy_card_check_date (text, error))
		return FALSE;
	if (strcmp (text, today) < 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("expiry date %s is in the past (today is %s)"), text, today);
		return FALSE;
	}
	return TRUE;
}

static gchar *
hy_card_date_in_days (gint days)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) later = g_date_time_add_days (now, days);
	return g_date_time_format (later, "%Y-%m-%d");
}

static gboolean
hy_card_check_secret (const gchar *secret, gboolean pin, GError **error)
{
	if (pin) {
		gsize len = secret != NULL ? strlen (secret) : 0;
		gboolean ok = len >= HY_CARD_PIN_MIN && len <= HY_CARD_PIN_MAX;
		for (gsize i = 0; ok && i < len; i++)
			ok = g_ascii_isdigit (secret[i]);
		if (!ok) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("a spending PIN is %d to %d digits"), HY_CARD_PIN_MIN,
				     HY_CARD_PIN_MAX);
			return FALSE;
		}
		return TRUE;
	}
	if (secret == NULL || !g_utf8_validate (secret, -1, NULL) ||
	    g_utf8_strlen (secret, -1) < HY_CARD_PASSWORD_MIN ||
	    g_utf8_strlen (secret, -1) > HY_CARD_PASSWORD_MAX) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a card password is %d to %d characters"), HY_CARD_PASSWORD_MIN,
			     HY_CARD_PASSWORD_MAX);
		return FALSE;
	}
	return TRUE;
}

/* Card kinds, members and stock */

static gboolean
hy_card_resolve_kind (
	HyDb *db, const gchar *kind, gchar **kind_id, gint64 *validity_days, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = NULL;
	/* the default kind is the first one created: ids are time-ordered */
	if (kind == NULL)
		stmt = hy_db_prepare (
			db, "SELECT id, validity_days FROM card_kinds ORDER BY id LIMIT 1", error);
	else
		stmt = hy_db_prepare (db, "SELECT id, validity_days FROM card_kinds WHERE name = ?",
				      error);
	if (stmt == NULL)
		return FALSE;
	if (kind != NULL)
		sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		if (kind != NULL)
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no card kind “%s”"),
				     kind);
		else
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
				     _ ("no card kind is defined yet"));
		return FALSE;
	}
	*kind_id = hy_stmt_dup_text (stmt, 0);
	*validity_days = sqlite3_column_int64 (stmt, 1);
	return TRUE;
}

static gboolean
hy_card_check_member (HyDb *db, const gchar *member_id, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT deleted FROM members WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no member with id %s"),
			     member_id != NULL ? member_id : "(none)");
		return FALSE;
	}
	if (sqlite3_column_int (stmt, 0) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("member %s is deleted and cannot get a card"), member_id);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_card_number_taken (HyDb *db, const gchar *number, gboolean *taken, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, "SELECT 1 FROM cards WHERE number = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
	return hy_db_step_row (db, stmt, taken, error);
}

/* Inserts a new active card row and captures it; the caller audits. */
static gboolean
hy_card_insert (HyDb *db,
		const HyActor *actor,
		const gchar *member_id,
		const gchar *number,
		const gchar *kind_id,
		const gchar *expires_on,
		const gchar *password_hash,
		const gchar *pin_hash,
		gchar **id_out,
		gchar **number_out,
		GError **error)
{
	const gchar *store_id = hy_actor_get_store_id (actor);
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *chosen = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (number == NULL) {
		if (!hy_card_stock_next_number (db, store_id, &chosen, error))
			return FALSE;
	} else {
		gboolean taken = FALSE;
		if (!hy_card_number_is_digits (number)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("a card number is %d digits"), HY_CARD_NUMBER_DIGITS);
			return FALSE;
		}
		if (!hy_card_number_is_valid (number)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("card number has a wrong check digit; check for a typo"));
			return FALSE;
		}
		if (!hy_card_stock_check (db, store_id, number, error))
			return FALSE;
		if (!hy_card_number_taken (db, number, &taken, error))
			return FALSE;
		if (taken) {
			g_autofree gchar *label = hy_card_label (number);
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT, _ ("%s is already issued"),
				     label);
			return FALSE;
		}
		chosen = g_strdup (number);
	}

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO cards (id, number, member_id, kind_id, status, issued_at, "
		"expires_on, password_hash, pin_hash, store_id, hlc, origin_store) "
		"VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, chosen, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, kind_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 5, g_get_real_time () / 1000);
	sqlite3_bind_text (stmt, 6, expires_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, password_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 8, pin_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 9, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 10, hlc);
	sqlite3_bind_text (stmt, 11, store_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_outbox_capture (db, "cards", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	if (id_out != NULL)
		*id_out = g_steal_pointer (&id);
	if (number_out != NULL)
		*number_out = g_steal_pointer (&chosen);
	return TRUE;
}

/* Changes a card row (SQL binds ?1 = hlc, ?2 = id, ?3… = values) with a fresh clock,
 * and captures it. */
static gboolean
hy_card_write (HyDb *db,
	       const gchar *id,
	       const gchar *sql,
	       const gchar *const *values,
	       guint n_values,
	       GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db, sql, error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, hlc);
	sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
	for (guint i = 0; i < n_values; i++)
		sqlite3_bind_text (stmt, (gint) i + 3, values[i], -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (sqlite3_changes (hy_db_get_handle (db)) != 1) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no card with id %s"), id);
		return FALSE;
	}
	return hy_outbox_capture (db, "cards", id, HY_CHANGE_UPDATE, hlc, error);
}

static gboolean
hy_card_set_status (HyDb *db, const gchar *id, const gchar *status, GError **error)
{
	const gchar *values[] = {status};
	return hy_card_write (db, id, "UPDATE cards SET status = ?3, hlc = ?1 WHERE id = ?2",
			      values, G_N_ELEMENTS (values), error);
}

static gboolean
hy_card_retire (
	HyDb *db, const gchar *id, const gchar *reason, const gchar *successor_id, GError **error)
{
	const gchar *values[] = {reason, successor_id};
	return hy_card_write (db, id,
			      "UPDATE cards SET status = 'retired', retired_reason = ?3, "
			      "successor_id = ?4, hlc = ?1 WHERE id = ?2",
			      values, G_N_ELEMENTS (values), error);
}

/* Balances moved between cards */

typedef struct {
	HyAccount account;
	gchar *item;
	gint64 amount;
} HyCardBalance;

static void
hy_card_balance_free (HyCardBalance *balance)
{
	g_free (balance->item);
	g_free (balance);
}

static GPtrArray *
hy_card_balances (HyDb *db, const gchar *card_id, GError **error)
{
	g_autoptr (GPtrArray) balances =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_card_balance_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT account, item, amount FROM balances "
						 "WHERE card_id = ? AND amount != 0 "
						 "ORDER BY account, item",
						 error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	while (TRUE) {
		HyCardBalance *balance;
		HyAccount account;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		if (!hy_account_from_string (hy_stmt_text (stmt, 0), &account)) {
			g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
				     "card %s has a balance of unknown account “%s”", card_id,
				     hy_stmt_text (stmt, 0));
			return NULL;
		}
		balance = g_new0 (HyCardBalance, 1);
		balance->account = account;
		balance->item = hy_stmt_dup_text (stmt, 1);
		balance->amount = sqlite3_column_int64 (stmt, 2);
		g_ptr_array_add (balances, balance);
	}
	return g_steal_pointer (&balances);
}

static void
hy_card_detail_add_item (JsonObject *detail, const gchar *member, const gchar *item, gint64 n)
{
	JsonObject *items = json_object_get_object_member (detail, member);
	json_object_set_int_member (items, item, n);
}

/* Moves every non-zero balance of `from_id` onto `into_id` (NULL: takes them to zero),
 * entries under one op id; records the amounts in `detail`. */
static gboolean
hy_card_move_balances (HyDb *db,
		       const HyActor *actor,
		       const gchar *from_id,
		       const gchar *into_id,
		       const gchar *op,
		       const gchar *op_id,
		       JsonObject *detail,
		       gint64 *money_out,
		       GError **error)
{
	g_autoptr (GPtrArray) balances = hy_card_balances (db, from_id, error);
	gint64 money = 0;
	gint64 points = 0;

	if (balances == NULL)
		return FALSE;
	json_object_set_object_member (detail, "counts", json_object_new ());
	json_object_set_object_member (detail, "time_seconds", json_object_new ());
	for (guint i = 0; i < balances->len; i++) {
		HyCardBalance *b = g_ptr_array_index (balances, i);
		if (!hy_ledger_post (db, actor, from_id, b->account, b->item, -b->amount, op, op_id,
				     NULL, error))
			return FALSE;
		if (into_id != NULL && !hy_ledger_post (db, actor, into_id, b->account, b->item,
							b->amount, op, op_id, NULL, error))
			return FALSE;
		switch (b->account) {
		case HY_ACCOUNT_MONEY:
			money = b->amount;
			break;
		case HY_ACCOUNT_POINTS:
			points = b->amount;
			break;
		case HY_ACCOUNT_COUNT:
			hy_card_detail_add_item (detail, "counts", b->item, b->amount);
			break;
		case HY_ACCOUNT_TIME:
		default:
			hy_card_detail_add_item (detail, "time_seconds", b->item, b->amount);
			break;
		}
	}
	json_object_set_string_member (detail, "op_id", op_id);
	json_object_set_int_member (detail, "money_fen", money);
	json_object_set_int_member (detail, "points", points);
	if (money_out != NULL)
		*money_out = money;
	return TRUE;
}

/* Operations */

gboolean
hy_card_issue (HyDb *db,
	       const HyActor *actor,
	       const gchar *member_id,
	       const gchar *number,
	       const gchar *kind,
	       const gchar *expires_on,
	       const gchar *password,
	       gchar **number_out,
	       GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *password_hash = NULL;
	g_autofree gchar *kind_id = NULL;
	g_autofree gchar *expiry = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *chosen = NULL;
	gint64 validity_days = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_CARD_ISSUE, error))
		return FALSE;
	if (expires_on != NULL && !hy_card_check_future_date (expires_on, error))
		return FALSE;
	if (password != NULL) {
		if (!hy_card_check_secret (password, FALSE, error))
			return FALSE;
		/* hashed before the transaction: argon2id is deliberately slow */
		password_hash = hy_password_hash (password);
	}

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_card_check_member (db, member_id, error))
		return FALSE;
	if (!hy_card_resolve_kind (db, kind, &kind_id, &validity_days, error))
		return FALSE;
	if (expires_on != NULL)
		expiry = g_strdup (expires_on);
	else if (validity_days > 0)
		expiry = hy_card_date_in_days ((gint) MIN (validity_days, 365 * 100));
	if (!hy_card_insert (db, actor, member_id, number, kind_id, expiry, password_hash, NULL,
			     &id, &chosen, error))
		return FALSE;
	json_object_set_string_member (detail, "member_id", member_id);
	json_object_set_string_member (detail, "kind_id", kind_id);
	json_object_set_boolean_member (detail, "from_stock", number == NULL);
	if (expiry != NULL)
		json_object_set_string_member (detail, "expires_on", expiry);
	json_object_set_boolean_member (detail, "password", password != NULL);
	if (!hy_audit_append (db, actor, "card.issue", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (number_out != NULL)
		*number_out = g_steal_pointer (&chosen);
	return TRUE;
}

/* The common start of an operation on one card: permission, transaction, lookup. */
static HyCard *
hy_card_begin (HyDb *db,
	       const HyActor *actor,
	       HyPermission permission,
	       const gchar *number,
	       HyTxn **txn,
	       GError **error)
{
	if (!hy_actor_require (actor, permission, error))
		return NULL;
	*txn = hy_db_begin (db, error);
	if (*txn == NULL)
		return NULL;
	return hy_card_lookup (db, number, error);
}

gboolean
hy_card_report_lost (HyDb *db, const HyActor *actor, const gchar *number, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card =
		hy_card_begin (db, actor, HY_PERMISSION_CARD_LOSE, number, &txn, error);
	g_autoptr (JsonObject) detail = json_object_new ();
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_not_retired (card, _ ("a loss report"), error))
		return FALSE;
	if (card->status == HY_CARD_STATUS_LOST) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT, _ ("%s is already reported lost"),
			     label);
		return FALSE;
	}
	if (!hy_card_set_status (db, card->id, "lost", error))
		return FALSE;
	json_object_set_string_member (detail, "member_id", card->member_id);
	if (!hy_audit_append (db, actor, "card.lose", card->id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_card_unfreeze (HyDb *db, const HyActor *actor, const gchar *number, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card =
		hy_card_begin (db, actor, HY_PERMISSION_CARD_UNFREEZE, number, &txn, error);
	g_autoptr (JsonObject) detail = json_object_new ();
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_not_retired (card, _ ("unfreezing"), error))
		return FALSE;
	if (card->status != HY_CARD_STATUS_LOST) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s is not reported lost; there is nothing to unfreeze"), label);
		return FALSE;
	}
	if (!hy_card_set_status (db, card->id, "active", error))
		return FALSE;
	json_object_set_string_member (detail, "member_id", card->member_id);
	if (!hy_audit_append (db, actor, "card.unfreeze", card->id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_card_merge (HyDb *db, const HyActor *actor, const gchar *from, const gchar *into, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) source = NULL;
	g_autoptr (HyCard) target = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();

	if (!hy_actor_require (actor, HY_PERMISSION_CARD_MERGE, error))
		return FALSE;
	source = hy_card_begin (db, actor, HY_PERMISSION_NONE, from, &txn, error);
	if (source == NULL) {
		g_prefix_error (error, _ ("merge source: "));
		return FALSE;
	}
	target = hy_card_lookup (db, into, error);
	if (target == NULL) {
		g_prefix_error (error, _ ("merge target: "));
		return FALSE;
	}
	if (g_strcmp0 (source->id, target->id) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("cannot merge a card into itself"));
		return FALSE;
	}
	/* the source gives up its balances: a lost card must be unfrozen first */
	if (!hy_card_check_usable (source, _ ("being merged into another card"), FALSE, error))
		return FALSE;
	if (!hy_card_check_not_retired (target, _ ("taking over another card's balances"), error))
		return FALSE;
	if (!hy_card_move_balances (db, actor, source->id, target->id, "merge", op_id, detail, NULL,
				    error))
		return FALSE;
	if (!hy_card_retire (db, source->id, "merged", target->id, error))
		return FALSE;
	json_object_set_string_member (detail, "into", target->id);
	json_object_set_string_member (detail, "from_member_id", source->member_id);
	json_object_set_string_member (detail, "into_member_id", target->member_id);
	if (!hy_audit_append (db, actor, "card.merge", source->id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

static gboolean
hy_card_get_hashes (
	HyDb *db, const gchar *id, gchar **password_hash, gchar **pin_hash, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT password_hash, pin_hash FROM cards WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no card with id %s"), id);
		return FALSE;
	}
	if (password_hash != NULL)
		*password_hash = hy_stmt_dup_text (stmt, 0);
	if (pin_hash != NULL)
		*pin_hash = hy_stmt_dup_text (stmt, 1);
	return TRUE;
}

gboolean
hy_card_replace (HyDb *db,
		 const HyActor *actor,
		 const gchar *number,
		 const gchar *new_number,
		 gchar **number_out,
		 GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) old =
		hy_card_begin (db, actor, HY_PERMISSION_CARD_REPLACE, number, &txn, error);
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	g_autofree gchar *password_hash = NULL;
	g_autofree gchar *pin_hash = NULL;
	g_autofree gchar *new_id = NULL;
	g_autofree gchar *chosen = NULL;

	if (old == NULL)
		return FALSE;
	/* a lost card may be replaced: that is what replacing is mostly for */
	if (!hy_card_check_not_retired (old, _ ("a replacement"), error))
		return FALSE;
	if (!hy_card_get_hashes (db, old->id, &password_hash, &pin_hash, error))
		return FALSE;
	if (!hy_card_insert (db, actor, old->member_id, new_number, old->kind_id, old->expires_on,
			     password_hash, pin_hash, &new_id, &chosen, error)) {
		g_prefix_error (error, _ ("new card: "));
		return FALSE;
	}
	if (!hy_card_move_balances (db, actor, old->id, new_id, "replace", op_id, detail, NULL,
				    error))
		return FALSE;
	if (!hy_card_retire (db, old->id, "replaced", new_id, error))
		return FALSE;
	json_object_set_string_member (detail, "successor", new_id);
	json_object_set_string_member (detail, "member_id", old->member_id);
	json_object_set_boolean_member (detail, "was_lost", old->status == HY_CARD_STATUS_LOST);
	if (!hy_audit_append (db, actor, "card.replace", old->id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (number_out != NULL)
		*number_out = g_steal_pointer (&chosen);
	return TRUE;
}

gboolean
hy_card_extend (HyDb *db,
		const HyActor *actor,
		const gchar *number,
		const gchar *expires_on,
		GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	const gchar *values[] = {expires_on};

	if (!hy_card_check_future_date (expires_on, error))
		return FALSE;
	card = hy_card_begin (db, actor, HY_PERMISSION_CARD_EXTEND, number, &txn, error);
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_not_retired (card, _ ("an extension"), error))
		return FALSE;
	if (card->expires_on == NULL) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s never expires; there is nothing to extend"), label);
		return FALSE;
	}
	if (strcmp (expires_on, card->expires_on) <= 0) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s already runs until %s; the new date %s must be later"), label,
			     card->expires_on, expires_on);
		return FALSE;
	}
	if (!hy_card_write (db, card->id,
			    "UPDATE cards SET expires_on = ?3, hlc = ?1 WHERE id = ?2", values,
			    G_N_ELEMENTS (values), error))
		return FALSE;
	json_object_set_string_member (detail, "from", card->expires_on);
	json_object_set_string_member (detail, "to", expires_on);
	if (!hy_audit_append (db, actor, "card.extend", card->id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_card_recycle (
	HyDb *db, const HyActor *actor, const gchar *number, gint64 *refunded_fen, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card =
		hy_card_begin (db, actor, HY_PERMISSION_CARD_RECYCLE, number, &txn, error);
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *op_id = hy_id_new ();
	gint64 money = 0;

	if (card == NULL)
		return FALSE;
	/* the card comes back over the counter, so a lost one cannot be recycled */
	if (!hy_card_check_usable (card, _ ("recycling"), FALSE, error))
		return FALSE;
	if (!hy_card_move_balances (db, actor, card->id, NULL, "recycle", op_id, detail, &money,
				    error))
		return FALSE;
	if (!hy_card_retire (db, card->id, "recycled", NULL, error))
		return FALSE;
	json_object_set_int_member (detail, "refunded_fen", money);
	json_object_set_string_member (detail, "member_id", card->member_id);
	if (!hy_audit_append (db, actor, "card.recycle", card->id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (refunded_fen != NULL)
		*refunded_fen = money;
	return TRUE;
}

/* Password and PIN share their rules: the old one must verify, or a reset needs the
 * reset permission. */
static gboolean
hy_card_set_secret (HyDb *db,
		    const HyActor *actor,
		    const gchar *number,
		    const gchar *old_secret,
		    const gchar *new_secret,
		    gboolean pin,
		    GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *new_hash = NULL;
	g_autofree gchar *password_hash = NULL;
	g_autofree gchar *pin_hash = NULL;
	gboolean reset = old_secret == NULL;
	const gchar *what = pin ? _ ("PIN") : _ ("password");
	const gchar *action;
	const gchar *values[1];

	if (!hy_actor_require (
		    actor, reset ? HY_PERMISSION_CARD_PASSWORD_RESET : HY_PERMISSION_CARD_PASSWORD,
		    error))
		return FALSE;
	if (!hy_card_check_secret (new_secret, pin, error))
		return FALSE;
	new_hash = hy_password_hash (new_secret);
	if (new_hash == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot hash the new %s"), what);
		return FALSE;
	}

	card = hy_card_begin (db, actor, HY_PERMISSION_NONE, number, &txn, error);
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_not_retired (card, pin ? _ ("a PIN change") : _ ("a password change"),
					error))
		return FALSE;
	if (!reset) {
		if (!hy_card_get_hashes (db, card->id, &password_hash, &pin_hash, error))
			return FALSE;
		if (!hy_password_verify (pin ? pin_hash : password_hash, old_secret)) {
			g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
				     _ ("the old %s is wrong"), what);
			return FALSE;
		}
	}
	values[0] = new_hash;
	if (!hy_card_write (db, card->id,
			    pin ? "UPDATE cards SET pin_hash = ?3, hlc = ?1 WHERE id = ?2"
				: "UPDATE cards SET password_hash = ?3, hlc = ?1 WHERE id = ?2",
			    values, G_N_ELEMENTS (values), error))
		return FALSE;
	if (pin)
		action = reset ? "card.pin-reset" : "card.pin";
	else
		action = reset ? "card.password-reset" : "card.password";
	json_object_set_boolean_member (detail, "had_one",
					pin ? card->has_pin : card->has_password);
	if (!hy_audit_append (db, actor, action, card->id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_card_set_password (HyDb *db,
		      const HyActor *actor,
		      const gchar *number,
		      const gchar *old_password,
		      const gchar *new_password,
		      GError **error)
{
	return hy_card_set_secret (db, actor, number, old_password, new_password, FALSE, error);
}

gboolean
hy_card_set_pin (HyDb *db,
		 const HyActor *actor,
		 const gchar *number,
		 const gchar *old_pin,
		 const gchar *new_pin,
		 GError **error)
{
	return hy_card_set_secret (db, actor, number, old_pin, new_pin, TRUE, error);
}

/* Remembers a wrong PIN in its own transaction, locking the PIN after too many. */
static void
hy_card_pin_failed (HyDb *db, const gchar *card_id)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTxn) txn = hy_db_begin (db, &error);
	g_autoptr (HyStmt) stmt = NULL;
	if (txn == NULL)
		return;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO pin_failures (card_id, failures) VALUES (?1, 1) "
		"ON CONFLICT (card_id) DO UPDATE SET failures = failures + 1, "
		"locked_until = CASE WHEN failures + 1 >= ?2 THEN ?3 ELSE locked_until END",
		&error);
	if (stmt == NULL)
		return;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 2, HY_CARD_PIN_ATTEMPTS);
	sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000 + HY_CARD_PIN_LOCK_MS);
	if (hy_db_step_done (db, stmt, &error))
		hy_txn_commit (txn, &error);
}

static gboolean
hy_card_pin_locked (HyDb *db, const HyCard *card, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT locked_until FROM pin_failures WHERE card_id = ?", error);
	gboolean has_row = FALSE;
	gint64 now = g_get_real_time () / 1000, until;
	if (stmt == NULL)
		return TRUE;
	sqlite3_bind_text (stmt, 1, card->id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return TRUE;
	until = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	if (until > now) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("the spending PIN of %s is locked for %d more minutes after %d "
				"wrong attempts"),
			     label, (gint) ((until - now) / 60000) + 1, HY_CARD_PIN_ATTEMPTS);
		return TRUE;
	}
	return FALSE;
}

gboolean
hy_card_check_pin (HyDb *db, const gchar *number, const gchar *pin, GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, number, error);
	g_autofree gchar *pin_hash = NULL;
	if (card == NULL)
		return FALSE;
	if (!hy_card_check_not_retired (card, _ ("a PIN check"), error))
		return FALSE;
	if (!hy_card_get_hashes (db, card->id, NULL, &pin_hash, error))
		return FALSE;
	if (pin_hash == NULL) {
		g_autofree gchar *label = hy_card_label (card->number);
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED, _ ("%s has no spending PIN"),
			     label);
		return FALSE;
	}
	if (hy_card_pin_locked (db, card, error))
		return FALSE;
	if (pin == NULL || !hy_password_verify (pin_hash, pin)) {
		/* counted only outside a transaction: a caller's rollback would undo it */
		if (!hy_db_in_transaction (db))
			hy_card_pin_failed (db, card->id);
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED, _ ("wrong PIN"));
		return FALSE;
	}
	if (!hy_db_in_transaction (db)) {
		g_autoptr (HyStmt) reset =
			hy_db_prepare (db, "DELETE FROM pin_failures WHERE card_id = ?", NULL);
		if (reset != NULL) {
			sqlite3_bind_text (reset, 1, card->id, -1, SQLITE_TRANSIENT);
			hy_db_step_done (db, reset, NULL);
		}
	}
	return TRUE;
}
