/* huiyuan-admin recharge, withdraw and points adjust: stored value and points. */
#include "config.h"

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-card.h"
#include "hy-ledger.h"
#include "hy-recharge.h"

/* What the recharge rules gave, under the recharge line. */
static void
hy_admin_print_recharge_bonus (const HyRechargeResult *r)
{
	if (r->bonus_money > 0 || r->bonus_points > 0) {
		g_autofree gchar *money = hy_admin_format_hundredths (r->bonus_money);
		g_autofree gchar *points = hy_admin_format_hundredths (r->bonus_points);
		g_print (_ ("Bonus: ¥%s and %s points.\n"), money, points);
	}
	if (r->earned_points > 0) {
		g_autofree gchar *points = hy_admin_format_hundredths (r->earned_points);
		g_print (_ ("Earned: %s points.\n"), points);
	}
	if (r->schedule_id != NULL) {
		g_autofree gchar *money = hy_admin_format_hundredths (r->instalment_money);
		g_autofree gchar *points = hy_admin_format_hundredths (r->instalment_points);
		g_print (_ ("Then every %d days, %d times: ¥%s and %s points.\n"), r->every_days,
			 r->times, money, points);
	}
	if (r->level != NULL)
		g_print (_ ("The member moved up to %s.\n"), r->level);
}

typedef enum {
	HY_ADMIN_MONEY_RECHARGE,
	HY_ADMIN_MONEY_WITHDRAW,
} HyAdminMoneyOp;

/* The card's number (the query may be a phone) and its balance after the operation. */
static gboolean
hy_admin_card_balance (HyDb *db,
		       const gchar *query,
		       HyAccount account,
		       gchar **number_out,
		       gint64 *balance_out,
		       GError **error)
{
	g_autoptr (HyCard) card = hy_card_lookup (db, query, error);
	if (card == NULL)
		return FALSE;
	if (!hy_ledger_balance (db, card->id, account, "", balance_out, error))
		return FALSE;
	*number_out = g_strdup (card->number);
	return TRUE;
}

static gint
hy_admin_money (gint argc, gchar **argv, HyAdminMoneyOp op)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *amount_text = NULL;
	g_autofree gchar *note = NULL;
	g_autofree gchar *op_id = NULL;
	g_autofree gchar *number = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyRechargeResult) recharge = NULL;
	gint64 amount = 0;
	gint64 balance = 0;
	gboolean ok;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"amount", 0, 0, G_OPTION_ARG_STRING, &amount_text,
		 N_ ("The amount in fen, 1 yuan = 100 fen (required)"), N_ ("FEN")},
		{"note", 0, 0, G_OPTION_ARG_STRING, &note, N_ ("A note kept with the entry"),
		 N_ ("TEXT")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    op == HY_ADMIN_MONEY_RECHARGE
			    ? N_ ("Adds stored value to a card, in one transaction with its "
				  "ledger entry and audit record.")
			    : N_ ("Takes stored value out of a card (a refund to the member); "
				  "refused when the balance is too low."),
		    NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0,
		    0, &error))
		return hy_admin_fail (error);
	if (card == NULL) {
		hy_admin_set_usage_error (&error, _ ("--card NO is required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_parse_int64 ("--amount", amount_text, &amount, &error))
		return hy_admin_fail (error);

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (op == HY_ADMIN_MONEY_RECHARGE) {
		/* with the recharge rules: the bonus shows in the output */
		ok = hy_recharge (db, actor, card, amount, note, NULL, &recharge, &error);
		if (ok)
			op_id = g_strdup (recharge->op_id);
	} else {
		ok = HY_SYNC_COVERED (
			db, &error,
			hy_ledger_withdraw (db, actor, card, amount, note, &op_id, &error));
	}
	if (!ok)
		return hy_admin_fail (error);
	g_debug ("operation %s committed", op_id);
	if (!hy_admin_card_balance (db, card, HY_ACCOUNT_MONEY, &number, &balance, &error))
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = recharge != NULL
							? hy_recharge_result_to_json (recharge)
							: json_object_new ();
		json_object_set_string_member (object, "op_id", op_id);
		json_object_set_string_member (object, "card", number);
		json_object_set_int_member (object, "amount", amount);
		json_object_set_int_member (object, "balance", balance);
		hy_admin_print_json_object (object);
	} else {
		g_autofree gchar *amount_yuan = hy_admin_format_hundredths (amount);
		g_autofree gchar *balance_yuan = hy_admin_format_hundredths (balance);
		g_print (op == HY_ADMIN_MONEY_RECHARGE
				 ? _ ("Recharged ¥%s to card %s; balance ¥%s (operation %s).\n")
				 : _ ("Withdrew ¥%s from card %s; balance ¥%s (operation %s).\n"),
			 amount_yuan, number, balance_yuan, op_id);
		if (recharge != NULL)
			hy_admin_print_recharge_bonus (recharge);
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_recharge (gint argc, gchar **argv)
{
	return hy_admin_money (argc, argv, HY_ADMIN_MONEY_RECHARGE);
}

gint
hy_admin_cmd_withdraw (gint argc, gchar **argv)
{
	return hy_admin_money (argc, argv, HY_ADMIN_MONEY_WITHDRAW);
}

static gint
hy_admin_cmd_points_adjust (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *delta_text = NULL;
	g_autofree gchar *reason = NULL;
	g_autofree gchar *op_id = NULL;
	g_autofree gchar *number = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	gint64 delta = 0;
	gint64 balance = 0;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"delta", 0, 0, G_OPTION_ARG_STRING, &delta_text,
		 N_ ("Points to add (negative: deduct) in hundredths, 150 = 1.50 points "
		     "(required)"),
		 N_ ("HUNDREDTHS")},
		{"reason", 0, 0, G_OPTION_ARG_STRING, &reason,
		 N_ ("Why the points change (required)"), N_ ("TEXT")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Adds or deducts points by hand, with a reason."), NULL, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if (card == NULL || reason == NULL) {
		hy_admin_set_usage_error (
			&error, _ ("points adjust: --card NO and --reason TEXT are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_parse_int64 ("--delta", delta_text, &delta, &error))
		return hy_admin_fail (error);

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_ledger_adjust_points (db, actor, card, delta, reason, &op_id, &error))
		return hy_admin_fail (error);
	if (!hy_admin_card_balance (db, card, HY_ACCOUNT_POINTS, &number, &balance, &error))
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "op_id", op_id);
		json_object_set_string_member (object, "card", number);
		json_object_set_int_member (object, "delta", delta);
		json_object_set_int_member (object, "points", balance);
		hy_admin_print_json_object (object);
	} else {
		g_autofree gchar *delta_points = hy_admin_format_hundredths (delta);
		g_autofree gchar *balance_points = hy_admin_format_hundredths (balance);
		g_print (_ ("Adjusted card %s by %s points; now %s points (operation %s).\n"),
			 number, delta_points, balance_points, op_id);
	}
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_points_commands[] = {
	{"adjust", N_ ("Add or deduct points by hand, with a reason"), hy_admin_cmd_points_adjust,
	 NULL},
	{"cash", N_ ("Turn points into stored value"), hy_admin_cmd_points_cash, NULL},
	{"batches", N_ ("List a card’s points batches and when they expire"),
	 hy_admin_cmd_points_batches, NULL},
	{NULL}};
