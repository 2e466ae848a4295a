/* Refunds of older sales at the till, driven through the real widgets: a sale found by
 * the number its receipt prints (Ctrl+R) and refunded by line; the same sale opened
 * from the member's sales history; a line already returned refused with the core's
 * reason. The store is a real SQLite file; the test checks what the app wrote through a
 * second connection. */
#include "config.h"

#include <string.h>

#include "hy-cashier-page.h"
#include "hy-checkout.h"
#include "hy-ledger.h"
#include "hy-members-page.h"
#include "hy-pay-dialog.h"
#include "hy-receipt-dialog.h"
#include "hy-refund-dialog.h"
#include "hy-ui-test.h"

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

static gint64
balance (HyUiTest *test, HyAccount account)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	gint64 amount = -1;
	g_assert_true (hy_ledger_balance (db, test->card_id, account, "", &amount, &error));
	g_assert_no_error (error);
	return amount;
}

/* TEA × 2 and a WASH for the test member, paid from stored value with the PIN through
 * the pay dialog; returns the sale number the receipt prints. */
static gchar *
sell_from_stored_value (HyUiTest *test, gint64 *total_out)
{
	HyCashierPage *page = page_of (test);
	g_autofree gchar *due = NULL;
	const gchar *text, *number;
	HyPayDialog *pay;
	GtkDialog *receipt;
	gint64 total;

	enter_text (test, page_child (test, "lookup_entry"), test->phone);
	enter_text (test, page_child (test, "item_entry"), "tea*2");
	enter_text (test, page_child (test, "item_entry"), "wash");
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 2);
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
	text = hy_receipt_dialog_get_text (HY_RECEIPT_DIALOG (receipt));
	number = strstr (text, "No. ");
	g_assert_nonnull (number);
	/* Next Sale: this sale is no longer the one on screen */
	gtk_dialog_response (receipt, GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_receipt_dialog (page));
	*total_out = total;
	return g_strndup (number + 4, strcspn (number + 4, "\n"));
}

/* A sale for cash, not a member's, after the one refunded; returns its id. */
static gchar *
sell_for_cash (HyUiTest *test)
{
	gchar *sale_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
	const HyBasketLine basket[] = {{"TEA", 1, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 1000, NULL}};
	HySaleRequest req = {.lines = basket, .n_lines = 1, .tenders = pay, .n_tenders = 1};
	g_assert_no_error (error);
	g_assert_true (hy_checkout_sell (db, hy_session_get_actor (test->session), &req, &sale_id,
					 NULL, &error));
	g_assert_no_error (error);
	return sale_id;
}

/* The dialog as the cashier sees it, into the build tree's screenshots. */
static void
write_png (GtkWidget *widget, const gchar *name)
{
	const gchar *dir = g_getenv ("HY_SCREENSHOT_DIR");
	g_autofree gchar *path = NULL;
	cairo_surface_t *surface;
	cairo_t *cr;

	GtkRequisition natural;
	GtkAllocation allocation = {0};

	/* the lines just changed: lay the dialog out at its natural size now rather than
	 * wait for the window manager */
	hy_ui_test_iterate ();
	gtk_widget_get_preferred_size (widget, NULL, &natural);
	allocation.width = MAX (natural.width, gtk_widget_get_allocated_width (widget));
	allocation.height = MAX (natural.height, gtk_widget_get_allocated_height (widget));
	gtk_widget_size_allocate (widget, &allocation);
	g_assert_cmpint (gtk_widget_get_allocated_width (widget), >, 100);
	surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
					      gtk_widget_get_allocated_width (widget),
					      gtk_widget_get_allocated_height (widget));
	cr = cairo_create (surface);
	gtk_widget_draw (widget, cr);
	cairo_destroy (cr);
	g_assert_nonnull (dir);
	g_mkdir_with_parents (dir, 0755);
	path = g_build_filename (dir, name, NULL);
	g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy (surface);
	g_test_message ("wrote %s", path);
}

static void
set_return (HyRefundDialog *dialog, guint line, gint qty)
{
	GtkWidget *spin = hy_refund_dialog_get_line_spin (dialog, line);
	g_assert_nonnull (spin);
	g_assert_true (gtk_widget_get_sensitive (spin));
	gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), qty);
}

static void
test_refund_older_sale_by_line (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	HyMembersPage *members = hy_window_get_members_page (test->window);
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	gint64 money_before = balance (test, HY_ACCOUNT_MONEY);
	gint64 points_before = balance (test, HY_ACCOUNT_POINTS);
	gint64 total = 0, wash_amount, wash_points, tea_amount, points_after_sale;
	g_autofree gchar *number = sell_from_stored_value (test, &total);
	g_autofree gchar *sale_id = NULL;
	g_autofree gchar *sql = NULL;
	HyRefundDialog *by_number, *from_history;
	GtkWidget *list;
	const gchar *error;

	g_free (sell_for_cash (test));
	points_after_sale = balance (test, HY_ACCOUNT_POINTS);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY), ==, money_before - total);
	g_assert_cmpint (points_after_sale, >, points_before);

	/* Ctrl+R: the dialog, the receipt's number typed, the sale's lines with what is left */
	g_action_group_activate_action (G_ACTION_GROUP (test->window), "refund", NULL);
	by_number = HY_REFUND_DIALOG (hy_cashier_page_get_refund_dialog (page));
	g_assert_nonnull (by_number);
	g_assert_false (gtk_widget_get_sensitive (
		gtk_dialog_get_widget_for_response (GTK_DIALOG (by_number), GTK_RESPONSE_OK)));
	enter_text (test, hy_refund_dialog_get_field (by_number, "sale_entry"), number);
	g_assert_null (hy_refund_dialog_get_error (by_number));
	sale_id = g_strdup (hy_refund_dialog_get_sale_id (by_number));
	g_assert_nonnull (sale_id);
	g_assert_true (g_str_has_prefix (sale_id, number));
	g_assert_cmpint (strlen (number), ==, 18);
	g_assert_null (hy_refund_dialog_get_line_spin (by_number, 3));
	g_assert_cmpfloat (gtk_spin_button_get_value (
				   GTK_SPIN_BUTTON (hy_refund_dialog_get_line_spin (by_number, 1))),
			   ==, 0);
	sql = g_strdup_printf ("SELECT amount FROM sale_lines WHERE sale_id = '%s' AND line_no = 2",
			       sale_id);
	wash_amount = hy_ui_test_query_int (db, sql);
	g_free (sql);
	sql = g_strdup_printf ("SELECT points FROM sale_lines WHERE sale_id = '%s' AND line_no = 2",
			       sale_id);
	wash_points = hy_ui_test_query_int (db, sql);
	g_free (sql);
	sql = g_strdup_printf ("SELECT amount FROM sale_lines WHERE sale_id = '%s' AND line_no = 1",
			       sale_id);
	tea_amount = hy_ui_test_query_int (db, sql);
	g_assert_cmpint (wash_amount + tea_amount, ==, total);

	/* nothing chosen: the dialog says so and asks nothing of the core */
	gtk_dialog_response (GTK_DIALOG (by_number), GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_nonnull (strstr (hy_refund_dialog_get_error (by_number), "Choose how many"));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds"), ==, 0);

	/* line 2, the WASH: its amount back to stored value, its points taken back; the
	 * quantity typed and Enter, as at the till */
	gtk_entry_set_text (GTK_ENTRY (hy_refund_dialog_get_field (by_number, "reason_entry")),
			    "洗车取消");
	gtk_widget_grab_focus (hy_refund_dialog_get_line_spin (by_number, 2));
	gtk_entry_set_text (GTK_ENTRY (hy_refund_dialog_get_line_spin (by_number, 2)), "1");
	gtk_widget_activate (hy_refund_dialog_get_line_spin (by_number, 2));
	hy_ui_test_settle (test);
	g_assert_null (hy_refund_dialog_get_error (by_number));
	g_assert_nonnull (hy_refund_dialog_get_result (by_number));
	g_assert_nonnull (strstr (hy_refund_dialog_get_result (by_number), "Refunded"));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds"), ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT amount FROM refunds"), ==, wash_amount);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT to_balance FROM refunds"), ==,
			 wash_amount);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT to_cash FROM refunds"), ==, 0);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT points FROM refunds"), ==, wash_points);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds "
						   "WHERE reason = '洗车取消'"),
			 ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refund_lines"), ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db,
					       "SELECT r.qty FROM refund_lines r JOIN sale_lines "
					       "l ON l.id = r.sale_line_id WHERE l.line_no = 2"),
			 ==, 1);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY), ==, money_before - total + wash_amount);
	g_assert_cmpint (balance (test, HY_ACCOUNT_POINTS), ==, points_after_sale - wash_points);
	/* the dialog shows the sale as it is now: the WASH has nothing left to return */
	g_assert_false (gtk_widget_get_sensitive (hy_refund_dialog_get_line_spin (by_number, 2)));
	g_assert_true (gtk_widget_get_sensitive (hy_refund_dialog_get_line_spin (by_number, 1)));
	write_png (GTK_WIDGET (by_number), "refund-by-line.png");

	/* the same sale from the member's sales history: both TEAs back */
	{
		GtkWidget *search =
			hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE, "search_entry");
		GtkWidget *results =
			hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE, "results_list");
		hy_window_show_page (test->window, "members");
		enter_text (test, search, test->phone);
		g_signal_emit_by_name (results, "row-activated",
				       gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0));
		hy_ui_test_settle (test);
	}
	list = hy_members_page_get_history_list (members, "sales");
	g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
	g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
	gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)));
	hy_ui_test_settle (test);
	from_history = HY_REFUND_DIALOG (hy_members_page_get_refund_dialog (members));
	g_assert_nonnull (from_history);
	g_assert_cmpstr (hy_refund_dialog_get_sale_id (from_history), ==, sale_id);
	gtk_button_clicked (GTK_BUTTON (hy_refund_dialog_get_field (from_history, "all_button")));
	g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
				   hy_refund_dialog_get_line_spin (from_history, 1))),
			   ==, 2);
	gtk_dialog_response (GTK_DIALOG (from_history), GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_null (hy_refund_dialog_get_error (from_history));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds"), ==, 2);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT sum (amount) FROM refunds"), ==, total);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY), ==, money_before);
	g_assert_cmpint (balance (test, HY_ACCOUNT_POINTS), ==, points_before);
	gtk_dialog_response (GTK_DIALOG (from_history), GTK_RESPONSE_CANCEL);
	hy_ui_test_settle (test);
	g_assert_null (hy_members_page_get_refund_dialog (members));

	/* the first dialog still offers the TEAs: the core refuses them, the reason shows
	 * in the dialog's info bar, and nothing is written */
	set_return (by_number, 1, 1);
	gtk_dialog_response (GTK_DIALOG (by_number), GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	error = hy_refund_dialog_get_error (by_number);
	g_assert_nonnull (error);
	g_assert_nonnull (strstr (error, "Line 1 is already refunded in full"));
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM refunds"), ==, 2);
	g_assert_cmpint (balance (test, HY_ACCOUNT_MONEY), ==, money_before);
	write_png (GTK_WIDGET (by_number), "refund-refused.png");

	/* looked up again, the sale has nothing left to return */
	enter_text (test, hy_refund_dialog_get_field (by_number, "sale_entry"), number);
	g_assert_false (gtk_widget_get_sensitive (hy_refund_dialog_get_line_spin (by_number, 1)));
	g_assert_false (gtk_widget_get_sensitive (
		gtk_dialog_get_widget_for_response (GTK_DIALOG (by_number), GTK_RESPONSE_OK)));
	gtk_dialog_response (GTK_DIALOG (by_number), GTK_RESPONSE_CANCEL);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_refund_dialog (page));
}

/* A number nobody printed, or too short to name one sale, is refused with its reason. */
static void
test_refund_unknown_number (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	g_autofree gchar *sale_id = sell_for_cash (test);
	HyRefundDialog *dialog;

	/* a sale shown first: a number not found leaves nothing to refund */
	hy_cashier_page_refund_sale (page, sale_id);
	dialog = HY_REFUND_DIALOG (hy_cashier_page_get_refund_dialog (page));
	g_assert_nonnull (dialog);
	hy_ui_test_settle (test);
	g_assert_cmpstr (hy_refund_dialog_get_sale_id (dialog), ==, sale_id);
	g_assert_true (gtk_widget_get_sensitive (
		gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK)));
	enter_text (test, hy_refund_dialog_get_field (dialog, "sale_entry"), "ffffffff-ffff");
	g_assert_nonnull (strstr (hy_refund_dialog_get_error (dialog), "No sale ffffffff-ffff"));
	g_assert_null (hy_refund_dialog_get_sale_id (dialog));
	enter_text (test, hy_refund_dialog_get_field (dialog, "sale_entry"), "01");
	g_assert_nonnull (strstr (hy_refund_dialog_get_error (dialog), "at least 8"));
	g_assert_false (gtk_widget_get_sensitive (
		gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK)));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/refunds/older-sale-by-line", test_refund_older_sale_by_line);
	g_test_add_func ("/huiyuan/ui/refunds/unknown-number", test_refund_unknown_number);
	return g_test_run ();
}
