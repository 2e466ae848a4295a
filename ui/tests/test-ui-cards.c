/* The card operation dialogs of the members page through their widgets: merge, extend,
 * recycle, change and reset the password, change the spending PIN; each refusal shown
 * in the dialog with the core's reason and nothing changed, each success checked in
 * the database; a cashier's refusal by permission; the recharge dialog's preview of
 * the bonus rules, and the recharge. */
#include "config.h"

#include <string.h>

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-cashier-page.h"
#include "hy-format.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-members-page.h"
#include "hy-operator.h"
#include "hy-password.h"
#include "hy-recharge-dialog.h"
#include "hy-rules-store.h"
#include "hy-ui-test.h"

static HyMembersPage *
members_of (HyUiTest *test)
{
	return hy_window_get_members_page (test->window);
}

/* Shows the member of `phone` on the members page. */
static void
open_member (HyUiTest *test, const gchar *phone)
{
	HyMembersPage *page = members_of (test);
	GtkWidget *search = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "search_entry");
	GtkWidget *results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	GtkListBoxRow *row;
	hy_window_show_page (test->window, "members");
	gtk_entry_set_text (GTK_ENTRY (search), phone);
	gtk_widget_activate (search);
	hy_ui_test_settle (test);
	row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0);
	g_assert_nonnull (row);
	g_signal_emit_by_name (results, "row-activated", row);
	hy_ui_test_settle (test);
}

/* Opens the dialog with its button on the page. */
static HyCardDialog *
open_dialog (HyUiTest *test, const gchar *button)
{
	HyMembersPage *page = members_of (test);
	GtkWidget *b = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, button);
	g_assert_true (gtk_widget_get_sensitive (b));
	gtk_button_clicked (GTK_BUTTON (b));
	hy_ui_test_iterate ();
	g_assert_nonnull (hy_members_page_get_card_dialog (page));
	return g_object_ref (HY_CARD_DIALOG (hy_members_page_get_card_dialog (page)));
}

static void
type_into (HyCardDialog *dialog, const gchar *field, const gchar *text)
{
	GtkWidget *entry = hy_card_dialog_get_field (dialog, field);
	g_assert_nonnull (entry);
	gtk_entry_set_text (GTK_ENTRY (entry), text);
}

/* Presses OK and waits for the core's answer; TRUE when the dialog closed (done). */
static gboolean
press_ok (HyUiTest *test, HyCardDialog *dialog)
{
	gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
	while (hy_card_dialog_get_busy (dialog) > 0)
		g_main_context_iteration (NULL, TRUE);
	hy_ui_test_settle (test);
	return hy_members_page_get_card_dialog (members_of (test)) == NULL;
}

static HyCard *
card_of (HyUiTest *test, const gchar *number)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	HyCard *card = hy_card_lookup (db, number, &error);
	g_assert_no_error (error);
	return card;
}

static gint64
money_of (HyUiTest *test, const gchar *card_id)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	gint64 money = -1;
	g_assert_true (hy_ledger_balance (db, card_id, HY_ACCOUNT_MONEY, "", &money, &error));
	g_assert_no_error (error);
	return money;
}

/* A second member with ¥5.00 on their card; returns the card number. */
static gchar *
add_member_with_money (HyUiTest *test, const gchar *phone)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
	g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
	g_autoptr (HyMember) member = hy_member_new ();
	gchar *card = NULL;
	g_assert_no_error (error);
	member->name = g_strdup ("李四");
	member->phone = g_strdup (phone);
	g_assert_true (
		hy_member_register (db, admin, member, NULL, NULL, NULL, NULL, &card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_recharge (db, admin, card, 500, NULL, NULL, &error));
	g_assert_no_error (error);
	return card;
}

static void
test_cards_merge (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autofree gchar *other = add_member_with_money (test, "13700001111");
	g_autoptr (HyCardDialog) dialog = NULL;
	g_autoptr (HyCard) source = NULL;
	gint64 money = money_of (test, test->card_id);

	open_member (test, test->phone);
	dialog = open_dialog (test, "merge_button");
	/* the card itself: refused, the dialog stays with the reason */
	type_into (dialog, "other_entry", test->card);
	g_assert_false (press_ok (test, dialog));
	g_assert_nonnull (strstr (hy_card_dialog_get_error (dialog), "itself"));
	/* nothing typed: the form says so before asking the core */
	type_into (dialog, "other_entry", "");
	g_assert_false (press_ok (test, dialog));
	g_assert_nonnull (hy_card_dialog_get_error (dialog));
	g_assert_cmpint (money_of (test, test->card_id), ==, money);

	type_into (dialog, "other_entry", other);
	g_assert_true (press_ok (test, dialog));
	g_assert_null (hy_window_get_error (test->window));
	source = card_of (test, other);
	g_assert_cmpint (source->status, ==, HY_CARD_STATUS_RETIRED);
	g_assert_cmpstr (source->retired_reason, ==, "merged");
	g_assert_cmpint (money_of (test, test->card_id), ==, money + 500);
	/* the page shows the member again, on the same card */
	g_assert_cmpstr (hy_members_page_get_card_number (members_of (test)), ==, test->card);
}

static void
test_cards_extend (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (HyCardDialog) dialog = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (GError) error = NULL;
	{
		/* the demo's default card kind never expires: give this card a date */
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autofree gchar *sql = g_strdup_printf (
			"UPDATE cards SET expires_on = '2030-06-30' WHERE id = '%s'",
			test->card_id);
		g_assert_true (hy_db_exec (db, sql, &error));
		g_assert_no_error (error);
	}
	open_member (test, test->phone);
	dialog = open_dialog (test, "extend_button");
	g_assert_nonnull (strstr (
		gtk_label_get_text (GTK_LABEL (hy_card_dialog_get_field (dialog, "hint_label"))),
		"2030-06-30"));
	/* a year on is offered */
	g_assert_cmpstr (
		gtk_entry_get_text (GTK_ENTRY (hy_card_dialog_get_field (dialog, "date_entry"))),
		==, "2031-06-30");
	/* earlier than the current date: refused with both dates */
	type_into (dialog, "date_entry", "2029-01-01");
	g_assert_false (press_ok (test, dialog));
	g_assert_nonnull (strstr (hy_card_dialog_get_error (dialog), "2030-06-30"));
	type_into (dialog, "date_entry", "2031-12-31");
	g_assert_true (press_ok (test, dialog));
	card = card_of (test, test->card);
	g_assert_cmpstr (card->expires_on, ==, "2031-12-31");
}

static void
test_cards_recycle (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (HyCardDialog) dialog = NULL;
	g_autoptr (HyCard) card = NULL;
	const gchar *hint;
	HyMembersPage *page = members_of (test);
	g_autofree gchar *money = hy_format_money (money_of (test, test->card_id));

	g_assert_cmpint (money_of (test, test->card_id), >, 0);
	open_member (test, test->phone);
	dialog = open_dialog (test, "recycle_button");
	/* the stored value that goes back to the member, before anything happens */
	hint = gtk_label_get_text (GTK_LABEL (hy_card_dialog_get_field (dialog, "hint_label")));
	g_assert_nonnull (strstr (hint, money));
	g_assert_true (press_ok (test, dialog));
	card = card_of (test, test->card);
	g_assert_cmpint (card->status, ==, HY_CARD_STATUS_RETIRED);
	g_assert_cmpstr (card->retired_reason, ==, "recycled");
	g_assert_cmpint (money_of (test, test->card_id), ==, 0);
	/* the member has no card in use now: the page says what was refunded */
	g_assert_null (hy_members_page_get_card_number (page));
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hy_ui_test_child (
					  page, HY_TYPE_MEMBERS_PAGE, "empty_label"))),
				  money));
}

static gboolean
password_is (HyUiTest *test, const gchar *password)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	g_autofree gchar *sql =
		g_strdup_printf ("SELECT password_hash FROM cards WHERE id = '%s'", test->card_id);
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, &error);
	gboolean has_row = FALSE;
	g_assert_no_error (error);
	g_assert_true (hy_db_step_row (db, stmt, &has_row, &error));
	g_assert_true (has_row);
	return sqlite3_column_text (stmt, 0) != NULL &&
	       hy_password_verify ((const gchar *) sqlite3_column_text (stmt, 0), password);
}

static void
test_cards_password (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (HyCardDialog) reset = NULL;
	g_autoptr (HyCardDialog) change = NULL;
	HyMembersPage *page = members_of (test);

	open_member (test, test->phone);
	/* no password yet: only a reset can set one */
	g_assert_false (gtk_widget_get_sensitive (
		hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "password_button")));
	reset = open_dialog (test, "reset_password_button");
	g_assert_null (hy_card_dialog_get_field (reset, "old_entry"));
	type_into (reset, "new_entry", "abc12345");
	type_into (reset, "confirm_entry", "abc12346");
	g_assert_false (press_ok (test, reset));
	g_assert_nonnull (hy_card_dialog_get_error (reset));
	type_into (reset, "new_entry", "abc12345");
	type_into (reset, "confirm_entry", "abc12345");
	g_assert_true (press_ok (test, reset));
	g_assert_true (password_is (test, "abc12345"));

	/* a change needs the old password */
	change = open_dialog (test, "password_button");
	type_into (change, "old_entry", "wrong000");
	type_into (change, "new_entry", "xyz98765");
	type_into (change, "confirm_entry", "xyz98765");
	g_assert_false (press_ok (test, change));
	g_assert_nonnull (strstr (hy_card_dialog_get_error (change), "wrong"));
	g_assert_true (password_is (test, "abc12345"));
	/* the secrets are cleared after a refusal */
	g_assert_cmpstr (
		gtk_entry_get_text (GTK_ENTRY (hy_card_dialog_get_field (change, "new_entry"))), ==,
		"");
	type_into (change, "old_entry", "abc12345");
	type_into (change, "new_entry", "xyz98765");
	type_into (change, "confirm_entry", "xyz98765");
	g_assert_true (press_ok (test, change));
	g_assert_true (password_is (test, "xyz98765"));
}

static void
test_cards_pin (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (HyCardDialog) dialog = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;

	open_member (test, test->phone);
	dialog = open_dialog (test, "pin_button");
	/* the card has a PIN: the old one is asked for */
	type_into (dialog, "old_entry", "1111");
	type_into (dialog, "new_entry", "135790");
	type_into (dialog, "confirm_entry", "135790");
	g_assert_false (press_ok (test, dialog));
	g_assert_nonnull (strstr (hy_card_dialog_get_error (dialog), "PIN"));
	/* not digits: the core's rule, with its reason */
	type_into (dialog, "old_entry", HY_UI_TEST_PIN);
	type_into (dialog, "new_entry", "12ab");
	type_into (dialog, "confirm_entry", "12ab");
	g_assert_false (press_ok (test, dialog));
	type_into (dialog, "old_entry", HY_UI_TEST_PIN);
	type_into (dialog, "new_entry", "135790");
	type_into (dialog, "confirm_entry", "135790");
	g_assert_true (press_ok (test, dialog));
	db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	g_assert_true (hy_card_check_pin (db, test->card, "135790", &error));
	g_assert_no_error (error);
}

/* The test member's level with recharge rules: from ¥100 a ¥10 bonus and three monthly
 * instalments; from ¥500 a bonus for a card's first recharge only. */
static const gchar *recharge_rules =
	"{\"levels\": [{\"name\": \"金卡会员\", \"points_bp\": 15000, \"discount_bp\": 9000,"
	"  \"recharge\": ["
	"    {\"min\": 10000, \"bonus_money\": 1000, \"bonus_points\": 500,"
	"     \"instalments\": {\"every_days\": 30, \"times\": 3, \"money\": 1000}},"
	"    {\"min\": 50000, \"bonus_money\": 8800, \"first_only\": true}]}]}";

static const gchar *
type_amount (HyUiTest *test, HyRechargeDialog *dialog, const gchar *amount)
{
	gtk_entry_set_text (GTK_ENTRY (hy_recharge_dialog_get_amount_entry (dialog)), amount);
	while (hy_recharge_dialog_get_busy (dialog) > 0)
		g_main_context_iteration (NULL, TRUE);
	return hy_recharge_dialog_get_preview (dialog);
}

/* The recharge dialog previews what the level's rules give for the amount typed, as it
 * is typed; then recharges, and the database has the bonus and the instalments. */
static void
test_cards_recharge_preview (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRechargeDialog) dialog = NULL;
	HyMembersPage *page = members_of (test);
	gint64 money;
	{
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		g_assert_no_error (error);
		g_assert_true (hy_rules_import (db, admin, recharge_rules, -1, NULL, &error));
		g_assert_no_error (error);
	}
	money = money_of (test, test->card_id);
	open_member (test, test->phone);
	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "recharge_button")));
	hy_ui_test_iterate ();
	g_assert_true (HY_IS_RECHARGE_DIALOG (hy_members_page_get_card_dialog (page)));
	dialog = g_object_ref (HY_RECHARGE_DIALOG (hy_members_page_get_card_dialog (page)));

	/* below the lowest rule */
	g_assert_nonnull (strstr (type_amount (test, dialog, "50"), "No recharge rule"));
	/* the ¥100 rule: bonus now, instalments later */
	g_assert_nonnull (strstr (type_amount (test, dialog, "100"), "¥10.00 and 5 points"));
	g_assert_nonnull (strstr (hy_recharge_dialog_get_preview (dialog),
				  "Then ¥10.00 every 30 days, 3 times"));
	/* the ¥500 rule's bonus is for a first recharge, and this card has had one */
	g_assert_nonnull (strstr (type_amount (test, dialog, "500"), "first recharge only"));
	g_assert_null (strstr (hy_recharge_dialog_get_preview (dialog), "¥88.00"));
	/* not an amount: a hint, and the recharge is refused in the dialog */
	g_assert_nonnull (strstr (type_amount (test, dialog, "abc"), "Type an amount"));
	gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
	g_assert_nonnull (hy_recharge_dialog_get_error (dialog));
	g_assert_cmpint (money_of (test, test->card_id), ==, money);

	type_amount (test, dialog, "100");
	gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
	while (hy_recharge_dialog_get_busy (dialog) > 0)
		g_main_context_iteration (NULL, TRUE);
	hy_ui_test_settle (test);
	g_assert_null (hy_members_page_get_card_dialog (page));
	g_assert_cmpint (money_of (test, test->card_id), ==, money + 10000 + 1000);
	{
		g_autoptr (HyDb) db = hy_ui_test_open_db (test);
		g_assert_cmpint (hy_ui_test_query_int (db,
						       "SELECT count (*) FROM recharge_schedules "
						       "WHERE times = 3 AND money = 1000"),
				 ==, 1);
	}

	/* the cashier page's own recharge field previews the same way */
	{
		HyCashierPage *cashier = hy_window_get_cashier_page (test->window);
		GtkWidget *lookup =
			hy_ui_test_child (cashier, HY_TYPE_CASHIER_PAGE, "lookup_entry");
		GtkWidget *amount =
			hy_ui_test_child (cashier, HY_TYPE_CASHIER_PAGE, "recharge_entry");
		GtkWidget *preview =
			hy_ui_test_child (cashier, HY_TYPE_CASHIER_PAGE, "recharge_preview");
		hy_window_show_page (test->window, "cashier");
		gtk_entry_set_text (GTK_ENTRY (lookup), test->phone);
		gtk_widget_activate (lookup);
		hy_ui_test_settle (test);
		g_assert_cmpstr (hy_cashier_page_get_card_number (cashier), ==, test->card);
		gtk_entry_set_text (GTK_ENTRY (amount), "100");
		hy_ui_test_settle (test);
		g_assert_true (gtk_widget_get_visible (preview));
		g_assert_nonnull (
			strstr (gtk_label_get_text (GTK_LABEL (preview)), "¥10.00 and 5 points"));
		gtk_entry_set_text (GTK_ENTRY (amount), "");
		hy_ui_test_settle (test);
		g_assert_false (gtk_widget_get_visible (preview));
	}
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	*(GAsyncResult **) user_data = g_object_ref (result);
}

/* A cashier is offered none of these, and the core refuses them with the reason when
 * asked anyway (here: a recycle). */
static void
test_cards_permissions (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autoptr (GAsyncResult) signed_in = NULL;
	g_autoptr (HyCardDialog) dialog = NULL;
	g_autoptr (HyCard) card = NULL;
	gint64 money = money_of (test, test->card_id);
	HyMembersPage *page;
	const gchar *buttons[] = {"merge_button", "recycle_button", "reset_password_button"};
	{
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		g_assert_no_error (error);
		g_assert_true (hy_operator_add (db, admin, "lily", "Lily", "cashier", "secret123",
						NULL, &error));
		g_assert_no_error (error);
	}
	/* the same window, signed in again as the cashier */
	gtk_widget_destroy (GTK_WIDGET (test->window));
	g_clear_object (&test->session);
	test->session = hy_session_new (test->db_path, FALSE);
	{
		g_autoptr (GAsyncResult) opened = NULL;
		hy_session_open_async (test->session, NULL, done_cb, &opened);
		while (opened == NULL)
			g_main_context_iteration (NULL, TRUE);
		g_assert_true (hy_session_open_finish (test->session, opened, &error));
	}
	hy_session_login_async (test->session, "lily", "secret123", NULL, done_cb, &signed_in);
	while (signed_in == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (hy_session_login_finish (test->session, signed_in, &error));
	g_assert_no_error (error);
	test->window = hy_window_new (test->app, test->session);
	gtk_widget_show (GTK_WIDGET (test->window));
	hy_ui_test_settle (test);
	page = members_of (test);

	open_member (test, test->phone);
	for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
		g_assert_false (gtk_widget_get_sensitive (
			hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, buttons[i])));
	dialog = g_object_ref (
		HY_CARD_DIALOG (hy_members_page_open_card_dialog (page, HY_CARD_DIALOG_RECYCLE)));
	g_assert_false (press_ok (test, dialog));
	g_assert_nonnull (strstr (hy_card_dialog_get_error (dialog), "card.recycle"));
	card = card_of (test, test->card);
	g_assert_cmpint (card->status, ==, HY_CARD_STATUS_ACTIVE);
	g_assert_cmpint (money_of (test, test->card_id), ==, money);
	gtk_widget_destroy (GTK_WIDGET (dialog));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/cards/merge", test_cards_merge);
	g_test_add_func ("/huiyuan/ui/cards/extend", test_cards_extend);
	g_test_add_func ("/huiyuan/ui/cards/recycle", test_cards_recycle);
	g_test_add_func ("/huiyuan/ui/cards/password", test_cards_password);
	g_test_add_func ("/huiyuan/ui/cards/pin", test_cards_pin);
	g_test_add_func ("/huiyuan/ui/cards/permissions", test_cards_permissions);
	g_test_add_func ("/huiyuan/ui/cards/recharge-preview", test_cards_recharge_preview);
	return g_test_run ();
}
