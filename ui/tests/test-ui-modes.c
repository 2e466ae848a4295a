/* The business modes on the cashier page, driven through the real widgets: time-card
 * sessions (check in, check out billed from the time balance, then from stored value
 * with the spending PIN), direct deductions and the refund of the last sale. The store is a real
 * SQLite file; the test checks what the app wrote through a second connection. */
#include "config.h"

#include <string.h>

#include "hy-cashier-page.h"
#include "hy-checkout.h"
#include "hy-deduct-dialog.h"
#include "hy-format.h"
#include "hy-ledger.h"
#include "hy-pay-dialog.h"
#include "hy-receipt-dialog.h"
#include "hy-rules-store.h"
#include "hy-time-panel.h"
#include "hy-ui-test.h"

/* The demo store's rules (hy-session.c) with a time item: POOL billed by the hour at
 * ¥20 from stored value, and a one-hour package of it. */
static const gchar rules_json[] =
	"{\"categories\": [{\"name\": \"日化\", \"points_bp\": 10000, \"discount_bp\": 9000}],"
	" \"items\": [{\"code\": \"POOL\", \"name\": \"台球\", \"price\": 0},"
	"   {\"code\": \"POOL1H\", \"name\": \"台球一小时\", \"price\": 3000,"
	"    \"package\": {\"account\": \"time\", \"item\": \"POOL\", \"qty\": 60}}],"
	" \"stores\": {\"DEMO\": {\"use_level_points\": true, \"use_level_discount\": true,"
	" \"use_item_points\": true, \"use_item_discount\": true,"
	" \"birthday\": {\"mode\": \"month\", \"points_bp\": 20000, \"discount_bp\": 9500},"
	" \"time\": {\"unit_minutes\": 60, \"unit_price\": {\"POOL\": 2000}}}}}";

static HyCashierPage *
page_of (HyUiTest *test)
{
	return hy_window_get_cashier_page (test->window);
}

static GtkWidget *
page_child (HyUiTest *test, const gchar *name)
{
	return hy_ui_test_child (page_of (test), HY_TYPE_CASHIER_PAGE, name);
}

static void
enter_text (HyUiTest *test, GtkWidget *entry, const gchar *text)
{
	gtk_widget_grab_focus (entry);
	gtk_entry_set_text (GTK_ENTRY (entry), text);
	gtk_widget_activate (entry);
	hy_ui_test_settle (test);
}

static GtkWidget *
find_button (GtkWidget *widget)
{
	g_autoptr (GList) children = NULL;
	if (GTK_IS_BUTTON (widget))
		return widget;
	if (!GTK_IS_CONTAINER (widget))
		return NULL;
	children = gtk_container_get_children (GTK_CONTAINER (widget));
	for (GList *l = children; l != NULL; l = l->next) {
		GtkWidget *button = find_button (l->data);
		if (button != NULL)
			return button;
	}
	return NULL;
}

static HyTimePanel *
time_panel_of (HyUiTest *test)
{
	GtkWidget *box = gtk_widget_get_parent (page_child (test, "counts_list"));
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (box));
	for (GList *l = children; l != NULL; l = l->next) {
		if (HY_IS_TIME_PANEL (l->data))
			return HY_TIME_PANEL (l->data);
	}
	g_assert_not_reached ();
}

static gint64
balance (HyUiTest *test, HyAccount account, const gchar *item)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	gint64 amount = -1;
	g_assert_true (hy_ledger_balance (db, test->card_id, account, item, &amount, &error));
	g_assert_no_error (error);
	return amount;
}

/* The time rules and an hour of POOL on the test member's card, bought for cash. */
static void
add_time_item (HyUiTest *test)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
	g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
	const HyBasketLine lines[] = {{"POOL1H", 1, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 5000, NULL}};
	HySaleRequest req = {
		.card = test->card, .lines = lines, .n_lines = 1, .tenders = pay, .n_tenders = 1};

	g_assert_no_error (error);
	hy_rules_import (db, admin, rules_json, -1, NULL, &error);
	g_assert_no_error (error);
	hy_checkout_sell (db, admin, &req, NULL, NULL, &error);
	g_assert_no_error (error);
}

static guint
n_rows (GtkWidget *list)
{
	g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (list));
	return g_list_length (rows);
}

static void
test_time_check_in_and_out (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyTimePanel *panel = time_panel_of (test);
	GtkWidget *sessions = hy_time_panel_get_sessions_list (panel);
	GtkWidget *item_entry = hy_time_panel_get_item_entry (panel);
	GtkWidget *pin_entry = hy_time_panel_get_pin_entry (panel);
	g_autoptr (HyDb) db = NULL;
	gint64 time_before;
	gint64 money_before;

	add_time_item (test);
	time_before = balance (test, HY_ACCOUNT_TIME, "POOL");
	money_before = balance (test, HY_ACCOUNT_MONEY, "");
	g_assert_cmpint (time_before, ==, 3600);
	enter_text (test, page_child (test, "lookup_entry"), test->card);
	g_assert_cmpuint (n_rows (sessions), ==, 0);

	/* an unknown item is refused with its reason, nothing written */
	enter_text (test, item_entry, "NO-SUCH");
	g_assert_nonnull (hy_window_get_error (test->window));
	db = hy_ui_test_open_db (test);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_sessions"), ==, 0);

	/* check in by code: the session is open and listed */
	enter_text (test, item_entry, "pool");
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_sessions"), ==, 1);
	g_assert_cmpuint (n_rows (sessions), ==, 1);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "");

	/* check out at once: one started hour, taken from the time balance */
	gtk_button_clicked (GTK_BUTTON (find_button (sessions)));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_session_ends"), ==,
			 1);
	g_assert_cmpint (balance (test, HY_ACCOUNT_TIME, "POOL"), ==, 0);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before);
	g_assert_cmpuint (n_rows (sessions), ==, 0);
	g_assert_nonnull (strstr (hy_time_panel_get_bill_text (panel), "1 × 60 min"));

	/* no time left: the next hour is charged to stored value, which needs the PIN */
	enter_text (test, item_entry, "POOL");
	gtk_button_clicked (GTK_BUTTON (find_button (sessions)));
	hy_ui_test_settle (test);
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "PIN"));
	g_assert_true (gtk_widget_is_visible (pin_entry));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_session_ends"), ==,
			 1);
	/* a wrong PIN: refused, still open, nothing charged */
	enter_text (test, pin_entry, "1111");
	g_assert_nonnull (hy_window_get_error (test->window));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_session_ends"), ==,
			 1);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before);
	/* the right one: ¥20 taken, the session ended, the panel shows the new balance */
	enter_text (test, pin_entry, HY_UI_TEST_PIN);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM time_session_ends"), ==,
			 2);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before - 2000);
	g_assert_false (gtk_widget_is_visible (pin_entry));
	g_assert_nonnull (strstr (hy_time_panel_get_bill_text (panel), "¥20.00"));
	g_assert_cmpuint (n_rows (sessions), ==, 0);
	{
		g_autofree gchar *shown = hy_format_money (money_before - 2000);
		g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (test, "money_label"))),
				 ==, shown);
	}
}

/* A money deduction: a wrong PIN is refused with its reason and changes nothing; the
 * right one takes the amount as a sale and the panel shows the new balance. */
static void
test_direct_deduction (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	HyDeductDialog *dialog;
	gint64 money_before = balance (test, HY_ACCOUNT_MONEY, "");
	g_autofree gchar *shown = hy_format_money (money_before - 1250);

	/* no member yet: the reason, no dialog */
	g_action_group_activate_action (G_ACTION_GROUP (test->window), "deduct", NULL);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_deduct_dialog (page));
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "member"));

	enter_text (test, page_child (test, "lookup_entry"), test->phone);
	g_action_group_activate_action (G_ACTION_GROUP (test->window), "deduct", NULL);
	hy_ui_test_settle (test);
	dialog = HY_DEDUCT_DIALOG (hy_cashier_page_get_deduct_dialog (page));
	g_assert_nonnull (dialog);
	g_assert_true (gtk_widget_get_visible (hy_deduct_dialog_get_field (dialog, "pin_entry")));
	gtk_entry_set_text (GTK_ENTRY (hy_deduct_dialog_get_field (dialog, "amount_entry")),
			    "12.50");
	gtk_entry_set_text (GTK_ENTRY (hy_deduct_dialog_get_field (dialog, "note_entry")),
			    "broken cup");

	/* a wrong PIN: refused with the reason, the dialog stays, nothing written */
	enter_text (test, hy_deduct_dialog_get_field (dialog, "pin_entry"), "1111");
	g_assert_true (hy_cashier_page_get_deduct_dialog (page) == GTK_DIALOG (dialog));
	g_assert_nonnull (hy_deduct_dialog_get_error (dialog));
	g_assert_nonnull (strstr (hy_deduct_dialog_get_error (dialog), "PIN"));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM sales"), ==, 0);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before);

	/* the right PIN: ¥12.50 taken as a sale, the dialog closes, the panel updates */
	enter_text (test, hy_deduct_dialog_get_field (dialog, "pin_entry"), HY_UI_TEST_PIN);
	g_assert_null (hy_cashier_page_get_deduct_dialog (page));
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM sales"), ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT total FROM sales"), ==, 1250);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before - 1250);
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (test, "money_label"))), ==,
			 shown);
}

/* A sale paid from stored value, refunded whole from its receipt: the money goes back to
 * stored value and the points it earned are taken back. */
static void
test_refund_last_sale (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	gint64 money_before = balance (test, HY_ACCOUNT_MONEY, "");
	gint64 points_before = balance (test, HY_ACCOUNT_POINTS, "");
	g_autofree gchar *due = NULL;
	HyPayDialog *pay;
	GtkDialog *receipt;
	gint64 total;

	enter_text (test, page_child (test, "lookup_entry"), test->phone);
	enter_text (test, page_child (test, "item_entry"), "tea*2");
	total = hy_cashier_page_get_total (page);
	g_assert_cmpint (total, >, 0);
	enter_text (test, page_child (test, "item_entry"), "");
	pay = HY_PAY_DIALOG (hy_cashier_page_get_pay_dialog (page));
	g_assert_nonnull (pay);
	due = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", total / 100, (gint) (total % 100));
	gtk_entry_set_text (GTK_ENTRY (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "cash_entry")),
			    "0");
	gtk_entry_set_text (GTK_ENTRY (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "balance_entry")),
			    due);
	enter_text (test, hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "pin_entry"), HY_UI_TEST_PIN);
	receipt = hy_cashier_page_get_receipt_dialog (page);
	g_assert_nonnull (receipt);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before - total);
	g_assert_cmpint (balance (test, HY_ACCOUNT_POINTS, ""), >, points_before);

	/* the receipt's Refund: all of it back, the result under the receipt */
	g_assert_true (gtk_widget_get_visible (gtk_dialog_get_widget_for_response (receipt, 1)));
	gtk_dialog_response (receipt, 1);
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_true (hy_cashier_page_get_receipt_dialog (page) == receipt);
	g_assert_nonnull (
		strstr (hy_receipt_dialog_get_text (HY_RECEIPT_DIALOG (receipt)), "Refunded"));
	g_assert_false (gtk_widget_get_visible (gtk_dialog_get_widget_for_response (receipt, 1)));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds"), ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT amount FROM refunds"), ==, total);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT to_balance FROM refunds"), ==, total);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY, ""), ==, money_before);
	g_assert_cmpint (balance (test, HY_ACCOUNT_POINTS, ""), ==, points_before);

	/* Next Sale still closes the receipt */
	gtk_dialog_response (receipt, GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_receipt_dialog (page));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/modes/time-check-in-and-out", test_time_check_in_and_out);
	g_test_add_func ("/huiyuan/ui/modes/direct-deduction", test_direct_deduction);
	g_test_add_func ("/huiyuan/ui/modes/refund-last-sale", test_refund_last_sale);
	return g_test_run ();
}
