/* huiyuan-admin card …: the card lifecycle. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-card.h"

/* The options and state every card subcommand shares. */
typedef struct {
	HyAdminOptions options;
	HyDb *db;
	HyActor *actor;
} HyAdminCardRun;

static void
hy_admin_card_run_clear (HyAdminCardRun *run)
{
	g_clear_pointer (&run->actor, hy_actor_free);
	g_clear_object (&run->db);
	hy_admin_options_clear (&run->options);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyAdminCardRun, hy_admin_card_run_clear)

/* Parses, checks that every required option (pairs of name and address of its value,
 * ended by NULL) was given, opens the database and signs in. */
static gboolean
hy_admin_card_start (HyAdminCardRun *run,
		     gint argc,
		     gchar **argv,
		     const gchar *summary,
		     const gchar *description,
		     const GOptionEntry *entries,
		     GError **error,
		     ...)
{
	va_list args;
	const gchar *name;

	if (!hy_admin_parse (&run->options, argc, argv, NULL, summary, description, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     error))
		return FALSE;
	va_start (args, error);
	while ((name = va_arg (args, const gchar *)) != NULL) {
		gchar **value = va_arg (args, gchar **);
		if (*value == NULL || (*value)[0] == '\0') {
			hy_admin_set_usage_error (error, _ ("%s: %s is required"),
						  argv[0] + strlen (HY_ADMIN_PROGRAM " "), name);
			va_end (args);
			return FALSE;
		}
	}
	va_end (args);
	run->db = hy_admin_open_db (&run->options, FALSE, error);
	if (run->db == NULL)
		return FALSE;
	run->actor = hy_admin_login (run->db, &run->options, error);
	return run->actor != NULL;
}

/* Prints a card as it is now: JSON with --json, else a line of text after `message`. */
static gint
hy_admin_card_print (HyAdminCardRun *run, const gchar *number, const gchar *message)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (run->db, number, &error);
	g_autoptr (JsonObject) object = NULL;

	if (card == NULL)
		return hy_admin_fail (error);
	object = hy_admin_card_to_json (run->db, card, &error);
	if (object == NULL)
		return hy_admin_fail (error);
	if (run->options.json) {
		hy_admin_print_json_object (object);
	} else {
		g_print ("%s\n", message);
		hy_admin_print_card_text (object);
	}
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_card_issue (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *member_card = NULL;
	g_autofree gchar *phone = NULL;
	g_autofree gchar *member_id = NULL;
	g_autofree gchar *number = NULL;
	g_autofree gchar *kind = NULL;
	g_autofree gchar *expires = NULL;
	g_autofree gchar *password = NULL;
	g_autofree gchar *issued = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	gboolean with_password = FALSE;
	gboolean ok;
	guint n_whom;
	const GOptionEntry entries[] = {
		{"member-card", 0, 0, G_OPTION_ARG_STRING, &member_card,
		 N_ ("The member: a card number they already hold"), N_ ("NO")},
		{"phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_ ("The member: their bound phone"),
		 N_ ("PHONE")},
		{"member-id", 0, 0, G_OPTION_ARG_STRING, &member_id, N_ ("The member: their id"),
		 N_ ("ID")},
		{"card", 0, 0, G_OPTION_ARG_STRING, &number,
		 N_ ("The new card’s number (default: the next from this store’s card stock)"),
		 N_ ("NO")},
		{"kind", 0, 0, G_OPTION_ARG_STRING, &kind,
		 N_ ("The card kind (default: the default)"), N_ ("KIND")},
		{"expires", 0, 0, G_OPTION_ARG_STRING, &expires,
		 N_ ("Expiry date (default: from the card kind)"), N_ ("YYYY-MM-DD")},
		{"with-password", 0, 0, G_OPTION_ARG_NONE, &with_password,
		 N_ ("Give the card a password, from HUIYUAN_CARD_PASSWORD or asked"), NULL},
		{NULL}};

	if (!hy_admin_card_start (&run, argc, argv, N_ ("Issues another card to a member."),
				  N_ ("Name the member with exactly one of --member-card, --phone "
				      "or --member-id."),
				  entries, &error, NULL))
		return hy_admin_fail (error);
	n_whom = (member_card != NULL) + (phone != NULL) + (member_id != NULL);
	if (n_whom != 1) {
		hy_admin_set_usage_error (&error, _ ("card issue: give exactly one of "
						     "--member-card, --phone, --member-id"));
		return hy_admin_fail (error);
	}
	if (expires != NULL && !hy_admin_check_date ("--expires", expires, &error))
		return hy_admin_fail (error);
	if (member_id == NULL) {
		const gchar *query = member_card != NULL ? member_card : phone;
		g_autoptr (HyCard) held = hy_card_lookup (run.db, query, &error);
		if (held == NULL)
			return hy_admin_fail (error);
		member_id = g_strdup (held->member_id);
	}
	if (with_password) {
		password = hy_admin_read_secret ("HUIYUAN_CARD_PASSWORD", _ ("Card password: "),
						 TRUE, &error);
		if (password == NULL)
			return hy_admin_fail (error);
	}
	ok = hy_card_issue (run.db, run.actor, member_id, number, kind, expires, password, &issued,
			    &error);
	if (password != NULL)
		memset (password, 0, strlen (password));
	if (!ok)
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Issued card %s."), issued);
	return hy_admin_card_print (&run, issued, message);
}

static gint
hy_admin_cmd_card_lose (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {{"card", 0, 0, G_OPTION_ARG_STRING, &number,
					 N_ ("The card number (required)"), N_ ("NO")},
					{NULL}};

	if (!hy_admin_card_start (&run, argc, argv,
				  N_ ("Reports a card lost: it is frozen until unfrozen."), NULL,
				  entries, &error, "--card", &number, NULL))
		return hy_admin_fail (error);
	if (!hy_card_report_lost (run.db, run.actor, number, &error))
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Card %s reported lost."), number);
	return hy_admin_card_print (&run, number, message);
}

static gint
hy_admin_cmd_card_unfreeze (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {{"card", 0, 0, G_OPTION_ARG_STRING, &number,
					 N_ ("The card number (required)"), N_ ("NO")},
					{NULL}};

	if (!hy_admin_card_start (&run, argc, argv, N_ ("Unfreezes a card reported lost."), NULL,
				  entries, &error, "--card", &number, NULL))
		return hy_admin_fail (error);
	if (!hy_card_unfreeze (run.db, run.actor, number, &error))
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Card %s is active again."), number);
	return hy_admin_card_print (&run, number, message);
}

static gint
hy_admin_cmd_card_merge (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *from = NULL;
	g_autofree gchar *into = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {{"from", 0, 0, G_OPTION_ARG_STRING, &from,
					 N_ ("The card to merge and retire (required)"), N_ ("NO")},
					{"into", 0, 0, G_OPTION_ARG_STRING, &into,
					 N_ ("The card that receives the balances (required)"),
					 N_ ("NO")},
					{NULL}};

	if (!hy_admin_card_start (
		    &run, argc, argv,
		    N_ ("Moves every balance of one card onto another and retires the "
			"first."),
		    NULL, entries, &error, "--from", &from, "--into", &into, NULL))
		return hy_admin_fail (error);
	if (!HY_SYNC_COVERED (run.db, &error,
			      hy_card_merge (run.db, run.actor, from, into, &error)))
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Card %s merged into %s."), from, into);
	return hy_admin_card_print (&run, into, message);
}

static gint
hy_admin_cmd_card_replace (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autofree gchar *new_number = NULL;
	g_autofree gchar *issued = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &number, N_ ("The card to replace (required)"),
		 N_ ("NO")},
		{"new-card", 0, 0, G_OPTION_ARG_STRING, &new_number,
		 N_ ("The new card’s number (default: the next from this store’s card stock)"),
		 N_ ("NO")},
		{NULL}};

	if (!hy_admin_card_start (&run, argc, argv,
				  N_ ("Issues a new card to the same member, moves the balances, "
				      "password and PIN onto it and retires the old card."),
				  NULL, entries, &error, "--card", &number, NULL))
		return hy_admin_fail (error);
	if (!HY_SYNC_COVERED (
		    run.db, &error,
		    hy_card_replace (run.db, run.actor, number, new_number, &issued, &error)))
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Card %s replaced by %s."), number, issued);
	return hy_admin_card_print (&run, issued, message);
}

static gint
hy_admin_cmd_card_extend (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autofree gchar *expires = NULL;
	g_autofree gchar *message = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {{"card", 0, 0, G_OPTION_ARG_STRING, &number,
					 N_ ("The card number (required)"), N_ ("NO")},
					{"expires", 0, 0, G_OPTION_ARG_STRING, &expires,
					 N_ ("The new expiry date (required)"), N_ ("YYYY-MM-DD")},
					{NULL}};

	if (!hy_admin_card_start (&run, argc, argv, N_ ("Moves a card’s expiry date."), NULL,
				  entries, &error, "--card", &number, "--expires", &expires, NULL))
		return hy_admin_fail (error);
	if (!hy_admin_check_date ("--expires", expires, &error))
		return hy_admin_fail (error);
	if (!hy_card_extend (run.db, run.actor, number, expires, &error))
		return hy_admin_fail (error);
	message = g_strdup_printf (_ ("Card %s now expires on %s."), number, expires);
	return hy_admin_card_print (&run, number, message);
}

static gint
hy_admin_cmd_card_recycle (gint argc, gchar **argv)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autoptr (GError) error = NULL;
	gint64 refunded = 0;
	const GOptionEntry entries[] = {{"card", 0, 0, G_OPTION_ARG_STRING, &number,
					 N_ ("The card number (required)"), N_ ("NO")},
					{NULL}};

	if (!hy_admin_card_start (&run, argc, argv,
				  N_ ("Takes a card back: refunds its stored value, clears points "
				      "and counts, and retires it. Prints the refund in fen."),
				  NULL, entries, &error, "--card", &number, NULL))
		return hy_admin_fail (error);
	if (!HY_SYNC_COVERED (run.db, &error,
			      hy_card_recycle (run.db, run.actor, number, &refunded, &error)))
		return hy_admin_fail (error);
	if (run.options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "card", number);
		json_object_set_string_member (object, "status",
					       hy_card_status_to_string (HY_CARD_STATUS_RETIRED));
		json_object_set_int_member (object, "refunded", refunded);
		hy_admin_print_json_object (object);
	} else {
		g_autofree gchar *yuan = hy_admin_format_hundredths (refunded);
		g_print (_ ("Card %s recycled; refund ¥%s (%" PRId64 " fen).\n"), number, yuan,
			 refunded);
	}
	return HY_ADMIN_EXIT_OK;
}

typedef enum {
	HY_ADMIN_SECRET_PASSWORD,
	HY_ADMIN_SECRET_PIN,
} HyAdminSecret;

static gint
hy_admin_card_secret (gint argc, gchar **argv, HyAdminSecret what)
{
	g_auto (HyAdminCardRun) run = {0};
	g_autofree gchar *number = NULL;
	g_autofree gchar *old_secret = NULL;
	g_autofree gchar *new_secret = NULL;
	g_autoptr (GError) error = NULL;
	gboolean ok;
	const gchar *env =
		what == HY_ADMIN_SECRET_PIN ? "HUIYUAN_CARD_PIN" : "HUIYUAN_CARD_PASSWORD";
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &number, N_ ("The card number (required)"),
		 N_ ("NO")},
		{"old", 0, 0, G_OPTION_ARG_STRING, &old_secret,
		 N_ ("The current one; without it this is a reset, which needs "
		     "card.password-reset"),
		 N_ ("OLD")},
		{"new", 0, 0, G_OPTION_ARG_STRING, &new_secret,
		 N_ ("The new one (default: from the environment, else asked twice)"), N_ ("NEW")},
		{NULL}};

	if (!hy_admin_card_start (
		    &run, argc, argv,
		    what == HY_ADMIN_SECRET_PIN
			    ? N_ ("Changes or resets a card’s spending PIN (4–6 digits).")
			    : N_ ("Changes or resets a card’s password."),
		    what == HY_ADMIN_SECRET_PIN ? N_ ("Without --new the PIN comes from "
						      "HUIYUAN_CARD_PIN, or is asked twice on "
						      "the terminal. Options are visible to other "
						      "users of this computer: "
						      "prefer the environment.")
						: N_ ("Without --new the password comes from "
						      "HUIYUAN_CARD_PASSWORD, or is asked "
						      "twice on the terminal. Options are visible "
						      "to other users of this "
						      "computer: prefer the environment."),
		    entries, &error, "--card", &number, NULL))
		return hy_admin_fail (error);
	if (new_secret == NULL) {
		const gchar *prompt =
			what == HY_ADMIN_SECRET_PIN ? _ ("New PIN: ") : _ ("New password: ");
		new_secret = hy_admin_read_secret (env, prompt, TRUE, &error);
		if (new_secret == NULL)
			return hy_admin_fail (error);
	}
	if (what == HY_ADMIN_SECRET_PIN)
		ok = hy_card_set_pin (run.db, run.actor, number, old_secret, new_secret, &error);
	else
		ok = hy_card_set_password (run.db, run.actor, number, old_secret, new_secret,
					   &error);
	memset (new_secret, 0, strlen (new_secret));
	if (old_secret != NULL)
		memset (old_secret, 0, strlen (old_secret));
	if (!ok)
		return hy_admin_fail (error);
	if (run.options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "card", number);
		json_object_set_boolean_member (
			object, what == HY_ADMIN_SECRET_PIN ? "pin_set" : "password_set", TRUE);
		json_object_set_boolean_member (object, "reset", old_secret == NULL);
		hy_admin_print_json_object (object);
	} else {
		g_print (what == HY_ADMIN_SECRET_PIN ? _ ("PIN of card %s set.\n")
						     : _ ("Password of card %s set.\n"),
			 number);
	}
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_card_passwd (gint argc, gchar **argv)
{
	return hy_admin_card_secret (argc, argv, HY_ADMIN_SECRET_PASSWORD);
}

static gint
hy_admin_cmd_card_pin (gint argc, gchar **argv)
{
	return hy_admin_card_secret (argc, argv, HY_ADMIN_SECRET_PIN);
}

const HyAdminCommand hy_admin_card_commands[] = {
	{"issue", N_ ("Issue another card to a member"), hy_admin_cmd_card_issue, NULL},
	{"lose", N_ ("Report a card lost (freeze it)"), hy_admin_cmd_card_lose, NULL},
	{"unfreeze", N_ ("Unfreeze a card reported lost"), hy_admin_cmd_card_unfreeze, NULL},
	{"merge", N_ ("Move one card’s balances onto another"), hy_admin_cmd_card_merge, NULL},
	{"replace", N_ ("Replace a card with a new one"), hy_admin_cmd_card_replace, NULL},
	{"extend", N_ ("Change a card’s expiry date"), hy_admin_cmd_card_extend, NULL},
	{"recycle", N_ ("Refund and retire a card"), hy_admin_cmd_card_recycle, NULL},
	{"passwd", N_ ("Change or reset a card’s password"), hy_admin_cmd_card_passwd, NULL},
	{"pin", N_ ("Change or reset a card’s spending PIN"), hy_admin_cmd_card_pin, NULL},
	{NULL}};
