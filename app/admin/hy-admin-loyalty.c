/* huiyuan-admin due, redeem, points cash and points batches: the loyalty side of the
 * card — bonus instalments and expiry, gifts, points to money. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-card.h"
#include "hy-due.h"
#include "hy-gift.h"
#include "hy-ledger.h"
#include "hy-points.h"

/* Opens the database and signs in, for a command that changes it. */
static gboolean
hy_admin_loyalty_open (const HyAdminOptions *options, HyDb **db, HyActor **actor, GError **error)
{
	*db = hy_admin_open_db (options, FALSE, error);
	if (*db == NULL)
		return FALSE;
	*actor = hy_admin_login (*db, options, error);
	return *actor != NULL;
}

gint
hy_admin_cmd_due (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *at_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (GDateTime) at = NULL;
	g_autoptr (GTimeZone) local = g_time_zone_new_local ();
	g_autoptr (JsonObject) report = NULL;
	const GOptionEntry entries[] = {{"at", 0, 0, G_OPTION_ARG_STRING, &at_text,
					 N_ ("The moment to run as of, ISO 8601 (default: now)"),
					 N_ ("TIME")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Pays the recharge bonus instalments due by then and expires the "
				 "points batches past their expiry. Running it twice pays once."),
			     NULL, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if (at_text != NULL) {
		at = g_date_time_new_from_iso8601 (at_text, local);
		if (at == NULL) {
			hy_admin_set_usage_error (&error,
						  _ ("--at: “%s” is not an ISO 8601 time "
						     "(2026-11-21T12:00:00+08:00)"),
						  at_text);
			return hy_admin_fail (error);
		}
	}
	if (!hy_admin_loyalty_open (&options, &db, &actor, &error) ||
	    !hy_due_run (db, actor, at, &report, &error))
		return hy_admin_fail (error);

	if (options.json) {
		hy_admin_print_json_object (report);
	} else {
		JsonArray *paid = json_object_get_array_member (report, "instalments");
		JsonArray *expired = json_object_get_array_member (report, "expired");
		JsonArray *upgrades = json_object_get_array_member (report, "upgrades");
		for (guint i = 0; i < json_array_get_length (paid); i++) {
			JsonObject *p = json_array_get_object_element (paid, i);
			g_autofree gchar *money = hy_admin_format_hundredths (
				json_object_get_int_member (p, "money"));
			g_autofree gchar *points = hy_admin_format_hundredths (
				json_object_get_int_member (p, "points"));
			g_print (_ ("Card %s: instalment %" PRId64 " due %s, ¥%s and %s points.\n"),
				 json_object_get_string_member (p, "card"),
				 json_object_get_int_member (p, "instalment"),
				 json_object_get_string_member (p, "due_on"), money, points);
		}
		for (guint i = 0; i < json_array_get_length (expired); i++) {
			JsonObject *e = json_array_get_object_element (expired, i);
			g_autofree gchar *points = hy_admin_format_hundredths (
				json_object_get_int_member (e, "points"));
			g_print (_ ("Card %s: %s points expired.\n"),
				 json_object_get_string_member (e, "card"), points);
		}
		for (guint i = 0; i < json_array_get_length (upgrades); i++) {
			JsonObject *u = json_array_get_object_element (upgrades, i);
			g_print (_ ("Card %s: the member moved up to %s.\n"),
				 json_object_get_string_member (u, "card"),
				 json_object_get_string_member (u, "level"));
		}
		g_print (_ ("As of %s: %u instalments paid, %u batches expired.\n"),
			 json_object_get_string_member (report, "day"),
			 json_array_get_length (paid), json_array_get_length (expired));
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_redeem (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *gift = NULL;
	g_autofree gchar *qty_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (JsonObject) result = NULL;
	gint64 qty = 1;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"gift", 0, 0, G_OPTION_ARG_STRING, &gift, N_ ("The gift’s code (required)"),
		 N_ ("CODE")},
		{"qty", 0, 0, G_OPTION_ARG_STRING, &qty_text, N_ ("How many (default 1)"),
		 N_ ("N")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Redeems points for a gift of the catalogue; refused, with nothing "
			"changed, when the stock or the points are short."),
		    NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0,
		    0, &error))
		return hy_admin_fail (error);
	if (card == NULL || gift == NULL) {
		hy_admin_set_usage_error (&error,
					  _ ("redeem: --card NO and --gift CODE are required"));
		return hy_admin_fail (error);
	}
	if (qty_text != NULL && !hy_admin_parse_int64 ("--qty", qty_text, &qty, &error))
		return hy_admin_fail (error);
	if (!hy_admin_loyalty_open (&options, &db, &actor, &error) ||
	    !HY_SYNC_COVERED (db, &error,
			      hy_gift_redeem (db, actor, card, gift, qty, &result, &error)))
		return hy_admin_fail (error);

	if (options.json) {
		hy_admin_print_json_object (result);
	} else {
		g_autofree gchar *points =
			hy_admin_format_hundredths (json_object_get_int_member (result, "points"));
		g_autofree gchar *balance =
			hy_admin_format_hundredths (json_object_get_int_member (result, "balance"));
		g_print (_ ("Card %s redeemed %" PRId64 " × %s (%s) for %s points; %s points "
			    "left, %" PRId64 " in stock (operation %s).\n"),
			 json_object_get_string_member (result, "card"), qty, gift,
			 json_object_get_string_member (result, "name"), points, balance,
			 json_object_get_int_member (result, "stock"),
			 json_object_get_string_member (result, "op_id"));
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_points_cash (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *points_text = NULL;
	g_autofree gchar *op_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyCard) found = NULL;
	gint64 points = 0, fen = 0, money = 0, left = 0;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"points", 0, 0, G_OPTION_ARG_STRING, &points_text,
		 N_ ("Points to turn into stored value, in hundredths (required)"),
		 N_ ("HUNDREDTHS")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Turns points into stored value at the rules’ cash value."), NULL,
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON,
			     0, 0, &error))
		return hy_admin_fail (error);
	if (card == NULL || points_text == NULL) {
		hy_admin_set_usage_error (
			&error, _ ("points cash: --card NO and --points HUNDREDTHS are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_parse_int64 ("--points", points_text, &points, &error))
		return hy_admin_fail (error);
	if (!hy_admin_loyalty_open (&options, &db, &actor, &error) ||
	    !HY_SYNC_COVERED (db, &error,
			      hy_points_cash (db, actor, card, points, &fen, &op_id, &error)))
		return hy_admin_fail (error);
	found = hy_card_lookup (db, card, &error);
	if (found == NULL ||
	    !hy_ledger_balance (db, found->id, HY_ACCOUNT_MONEY, "", &money, &error) ||
	    !hy_ledger_balance (db, found->id, HY_ACCOUNT_POINTS, "", &left, &error))
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "op_id", op_id);
		json_object_set_string_member (object, "card", found->number);
		json_object_set_int_member (object, "points", points);
		json_object_set_int_member (object, "fen", fen);
		json_object_set_int_member (object, "balance", money);
		json_object_set_int_member (object, "points_left", left);
		hy_admin_print_json_object (object);
	} else {
		g_autofree gchar *points_h = hy_admin_format_hundredths (points);
		g_autofree gchar *fen_h = hy_admin_format_hundredths (fen);
		g_autofree gchar *money_h = hy_admin_format_hundredths (money);
		g_print (_ ("Card %s: %s points became ¥%s; balance ¥%s (operation %s).\n"),
			 found->number, points_h, fen_h, money_h, op_id);
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_points_batches (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyCard) found = NULL;
	g_autoptr (JsonArray) batches = NULL;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Lists the card’s points batches with points left, oldest first, "
				 "and when they expire."),
			     NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (card == NULL) {
		hy_admin_set_usage_error (&error, _ ("points batches: --card NO is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	found = hy_card_lookup (db, card, &error);
	if (found == NULL)
		return hy_admin_fail (error);
	batches = hy_points_list_batches (db, found->id, &error);
	if (batches == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
		json_node_set_array (node, batches);
		hy_admin_print_json (node);
	} else {
		for (guint i = 0; i < json_array_get_length (batches); i++) {
			JsonObject *b = json_array_get_object_element (batches, i);
			g_autofree gchar *left = hy_admin_format_hundredths (
				json_object_get_int_member (b, "remaining"));
			const gchar *expires =
				json_object_get_null_member (b, "expires_on")
					? _ ("never")
					: json_object_get_string_member (b, "expires_on");
			g_print (_ ("%s  %s points left, expires %s\n"),
				 json_object_get_string_member (b, "earned_on"), left, expires);
		}
	}
	return HY_ADMIN_EXIT_OK;
}
