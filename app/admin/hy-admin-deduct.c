/* huiyuan-admin deduct: direct deductions (直接扣费) of stored value or count uses. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-deduct.h"

/* "ITEM:N" */
static gboolean
hy_admin_deduct_count_arg (const gchar *text, gchar **item, gint64 *qty, GError **error)
{
	const gchar *colon = strrchr (text, ':');
	if (colon == NULL || colon == text) {
		hy_admin_set_usage_error (error, _ ("--count: “%s” is not ITEM:N"), text);
		return FALSE;
	}
	*item = g_strndup (text, colon - text);
	return hy_admin_parse_int64 ("--count", colon + 1, qty, error);
}

/* The spending PIN: --pin, else HUIYUAN_CARD_PIN, else asked on the terminal when the
 * card has one. */
static gboolean
hy_admin_deduct_pin (HyDb *db, const gchar *card_query, gchar **pin, GError **error)
{
	g_autoptr (HyCard) card = NULL;
	if (*pin != NULL)
		return TRUE;
	if (g_getenv ("HUIYUAN_CARD_PIN") != NULL) {
		*pin = g_strdup (g_getenv ("HUIYUAN_CARD_PIN"));
		return TRUE;
	}
	card = hy_card_lookup (db, card_query, error);
	if (card == NULL)
		return FALSE;
	if (!card->has_pin)
		return TRUE;
	*pin = hy_admin_read_secret ("HUIYUAN_CARD_PIN", _ ("Card PIN: "), FALSE, error);
	return *pin != NULL;
}

gint
hy_admin_cmd_deduct (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *amount_text = NULL;
	g_autofree gchar *count_text = NULL;
	g_autofree gchar *pin = NULL;
	g_autofree gchar *note = NULL;
	g_autofree gchar *item = NULL;
	g_autofree gchar *id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (JsonObject) result = json_object_new ();
	gint64 amount = 0, qty = 0, left = 0;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"amount", 0, 0, G_OPTION_ARG_STRING, &amount_text,
		 N_ ("Stored value to take, in fen"), N_ ("FEN")},
		{"count", 0, 0, G_OPTION_ARG_STRING, &count_text,
		 N_ ("Or uses of an item to take from the count card"), N_ ("ITEM:N")},
		{"pin", 0, 0, G_OPTION_ARG_STRING, &pin,
		 N_ ("The card’s spending PIN, with --amount (or HUIYUAN_CARD_PIN)"), N_ ("PIN")},
		{"note", 0, 0, G_OPTION_ARG_STRING, &note, N_ ("A note kept with the deduction"),
		 N_ ("TEXT")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Takes stored value or count uses directly from a card, without "
				 "pricing (直接扣费); a money deduction is recorded as a sale."),
			     NULL, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if (card == NULL || (amount_text == NULL) == (count_text == NULL)) {
		hy_admin_set_usage_error (
			&error, _ ("--card NO and exactly one of --amount FEN, --count ITEM:N are "
				   "required"));
		return hy_admin_fail (error);
	}
	if (amount_text != NULL && !hy_admin_parse_int64 ("--amount", amount_text, &amount, &error))
		return hy_admin_fail (error);
	if (count_text != NULL && !hy_admin_deduct_count_arg (count_text, &item, &qty, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (amount_text != NULL) {
		/* in a chain, what this store may not spend offline is asked of the relay */
		if (!hy_admin_deduct_pin (db, card, &pin, &error) ||
		    !HY_SYNC_COVERED (db, &error,
				      hy_deduct_money (db, actor, card, amount, pin, note, &id,
						       &left, &error)))
			return hy_admin_fail (error);
		json_object_set_string_member (result, "sale", id);
		json_object_set_int_member (result, "amount", amount);
		json_object_set_int_member (result, "balance", left);
	} else {
		if (!HY_SYNC_COVERED (
			    db, &error,
			    hy_deduct_count (db, actor, card, item, qty, note, &id, &left, &error)))
			return hy_admin_fail (error);
		json_object_set_string_member (result, "op_id", id);
		json_object_set_string_member (result, "item", item);
		json_object_set_int_member (result, "qty", qty);
		json_object_set_int_member (result, "left", left);
	}
	if (options.json) {
		hy_admin_print_json_object (result);
	} else if (amount_text != NULL) {
		g_autofree gchar *taken = hy_admin_format_hundredths (amount);
		g_autofree gchar *balance = hy_admin_format_hundredths (left);
		g_print (_ ("Sale %s: ¥%s taken, ¥%s of stored value left.\n"), id, taken, balance);
	} else {
		g_print (_ ("%" PRId64 " uses of %s taken, %" PRId64 " left.\n"), qty, item, left);
	}
	return HY_ADMIN_EXIT_OK;
}
