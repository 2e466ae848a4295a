/* huiyuan-admin: the IT admin's command line. It parses, calls the core and prints;
 * every business rule lives in app/. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "hy-admin-common.h"

static const HyAdminCommand hy_admin_commands[] = {
	{"init", N_ ("Create a store database and its admin operator"), hy_admin_cmd_init, NULL},
	{"demo", N_ ("Fill a database (created if missing) with demo members"), hy_admin_cmd_demo,
	 NULL},
	{"operator", N_ ("Manage operators"), NULL, hy_admin_operator_commands},
	{"member", N_ ("Register, find, show, import and export members"), NULL,
	 hy_admin_member_commands},
	{"field", N_ ("Define and list custom fields"), NULL, hy_admin_field_commands},
	{"card", N_ ("Issue, lose, unfreeze, merge, replace, extend, recycle cards; passwords"),
	 NULL, hy_admin_card_commands},
	{"recharge", N_ ("Add stored value to a card"), hy_admin_cmd_recharge, NULL},
	{"withdraw", N_ ("Take stored value out of a card (refund)"), hy_admin_cmd_withdraw, NULL},
	{"points", N_ ("Adjust points, turn them into money, list their batches"), NULL,
	 hy_admin_points_commands},
	{"redeem", N_ ("Redeem points for a gift"), hy_admin_cmd_redeem, NULL},
	{"due", N_ ("Pay bonus instalments and expire points that are due"), hy_admin_cmd_due,
	 NULL},
	{"count", N_ ("Add, use and list count-card uses"), NULL, hy_admin_count_commands},
	{"time", N_ ("Check cards in and out of timed items; list open sessions"), NULL,
	 hy_admin_time_commands},
	{"deduct", N_ ("Take stored value or count uses directly, without pricing"),
	 hy_admin_cmd_deduct, NULL},
	{"rules", N_ ("Import and export the points and discount rules"), NULL,
	 hy_admin_rules_commands},
	{"price", N_ ("Price a basket for a member with the rules in force (dry run)"),
	 hy_admin_cmd_price, NULL},
	{"sell", N_ ("Ring up a sale: price a basket and take the payments"), hy_admin_cmd_sell,
	 NULL},
	{"receipt", N_ ("Reprint the receipt of a sale"), hy_admin_cmd_receipt, NULL},
	{"refund", N_ ("Refund a sale, whole or some of its lines"), hy_admin_cmd_refund, NULL},
	{"store", N_ ("Add stores to the chain and revoke terminals (HQ)"), NULL,
	 hy_admin_store_commands},
	{"enroll", N_ ("Create a store database as a replica, from an enrolment token"),
	 hy_admin_cmd_enroll, NULL},
	{"sync", N_ ("Push this store's changes to the relay and pull the others'"),
	 hy_admin_cmd_sync, NULL},
	{"settlement", N_ ("What the stores owe each other for cards spent across stores"),
	 hy_admin_cmd_settlement, NULL},
	{"verify", N_ ("Check the ledger, balances and audit chain"), hy_admin_cmd_verify, NULL},
	{"backup", N_ ("Copy the database to a backup file"), hy_admin_cmd_backup, NULL},
	{"restore", N_ ("Replace the database with a backup"), hy_admin_cmd_restore, NULL},
	{NULL}};

static const gchar *hy_admin_summary = N_ (
	"The IT administrator’s tool for a Huiyuan store database.\n"
	"\n"
	"Passwords: HUIYUAN_PASSWORD (the --operator’s password; init and demo: the new\n"
	"admin password), HUIYUAN_NEW_PASSWORD (operator add), HUIYUAN_CARD_PASSWORD and\n"
	"HUIYUAN_CARD_PIN (card passwd/pin); without them the terminal is asked, without echo.\n"
	"\n"
	"Exit status: 0 success, 1 verify found problems, 2 usage or input error (bad\n"
	"option or data, not found, conflict, wrong password, insufficient balance, other\n"
	"failures), 3 permission denied.");

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	g_set_prgname (HY_ADMIN_PROGRAM);

	if (argc > 1 &&
	    (g_strcmp0 (argv[1], "--version") == 0 || g_strcmp0 (argv[1], "version") == 0)) {
		g_print ("%s %s\n", HY_ADMIN_PROGRAM, PACKAGE_VERSION);
		return HY_ADMIN_EXIT_OK;
	}
	return hy_admin_dispatch (hy_admin_commands, HY_ADMIN_PROGRAM, hy_admin_summary, argc,
				  argv);
}
