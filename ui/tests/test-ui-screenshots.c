/* Screenshots of the sign-in window, the cashier page with a member and a priced cart,
 * the payment dialog, the receipt, the members page, a card dialog, the edit and registration
 * forms, written as PNG files
 * into the build directory (HY_SCREENSHOT_DIR) in the language of the environment (the suite runs
 * it in zh_CN). They are for people to look at; the test checks each was drawn. */
#include "config.h"

#include <string.h>

#include "hy-cashier-page.h"
#include "hy-login-window.h"
#include "hy-members-page.h"
#include "hy-recharge-dialog.h"
#include "hy-pay-dialog.h"
#include "hy-ui-test.h"

static void
write_png (GtkWidget *widget, const gchar *name)
{
	const gchar *dir = g_getenv ("HY_SCREENSHOT_DIR");
	g_autofree gchar *path = NULL;
	cairo_surface_t *surface;
	cairo_t *cr;
	gint width, height;

	hy_ui_test_iterate ();
	/* lay out now: the frame clock may not have run since the last change */
	gtk_container_check_resize (GTK_CONTAINER (widget));
	hy_ui_test_iterate ();
	width = gtk_widget_get_allocated_width (widget);
	height = gtk_widget_get_allocated_height (widget);
	g_assert_cmpint (width, >, 100);
	g_assert_cmpint (height, >, 100);
	surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
	cr = cairo_create (surface);
	gtk_widget_draw (widget, cr);
	cairo_destroy (cr);
	g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
	g_assert_nonnull (dir);
	g_mkdir_with_parents (dir, 0755);
	path = g_build_filename (dir, name, NULL);
	g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy (surface);
	g_test_message ("wrote %s", path);
}

static void
enter_text (HyUiTest *test, GtkWidget *entry, const gchar *text)
{
	gtk_widget_grab_focus (entry);
	gtk_entry_set_text (GTK_ENTRY (entry), text);
	gtk_widget_activate (entry);
	hy_ui_test_settle (test);
}

static void
test_screenshots (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (30);
	HyCashierPage *page = hy_window_get_cashier_page (test->window);
	GtkWidget *lookup = hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "lookup_entry");
	GtkWidget *items = hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "item_entry");
	HyLoginWindow *login = hy_login_window_new (test->app, test->session, "admin");
	GtkDialog *pay;

	/* sign-in, with a wrong password's message showing */
	gtk_widget_show (GTK_WIDGET (login));
	while (!hy_login_window_is_ready (login))
		g_main_context_iteration (NULL, TRUE);
	write_png (GTK_WIDGET (login), "login.png");
	hy_login_window_sign_in (login, "admin", "wrong-password");
	while (!hy_login_window_is_ready (login))
		g_main_context_iteration (NULL, TRUE);
	hy_ui_test_iterate ();
	write_png (GTK_WIDGET (login), "login-error.png");
	gtk_widget_destroy (GTK_WIDGET (login));

	write_png (GTK_WIDGET (test->window), "cashier-empty.png");

	/* several members match a surname initial: the result list */
	enter_text (test, lookup, "z");
	write_png (GTK_WIDGET (test->window), "cashier-results.png");

	enter_text (test, lookup, test->phone);
	enter_text (test, items, "TEA*2");
	enter_text (test, items, "6921168509256");
	enter_text (test, items, "SHAMPOO");
	write_png (GTK_WIDGET (test->window), "cashier.png");

	enter_text (test, items, "NO-SUCH-ITEM");
	write_png (GTK_WIDGET (test->window), "cashier-error.png");

	enter_text (test, items, "");
	pay = hy_cashier_page_get_pay_dialog (page);
	g_assert_nonnull (pay);
	hy_ui_test_iterate ();
	write_png (GTK_WIDGET (pay), "pay.png");
	gtk_entry_set_text (GTK_ENTRY (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "pin_entry")),
			    HY_UI_TEST_PIN);
	gtk_dialog_response (pay, GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_nonnull (hy_cashier_page_get_receipt_dialog (page));
	write_png (GTK_WIDGET (hy_cashier_page_get_receipt_dialog (page)), "receipt.png");
	write_png (GTK_WIDGET (test->window), "cashier-after-sale.png");
	gtk_dialog_response (hy_cashier_page_get_receipt_dialog (page), GTK_RESPONSE_OK);
	hy_ui_test_settle (test);

	/* the members page: a member's details, then the registration form */
	{
		HyMembersPage *members = hy_window_get_members_page (test->window);
		GtkWidget *search =
			hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE, "search_entry");
		GtkWidget *results =
			hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE, "results_list");
		GtkListBoxRow *row;

		hy_window_show_page (test->window, "members");
		gtk_entry_set_text (GTK_ENTRY (search), "z");
		gtk_widget_activate (search);
		hy_ui_test_settle (test);
		row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0);
		g_assert_nonnull (row);
		g_signal_emit_by_name (results, "row-activated", row);
		hy_ui_test_settle (test);
		write_png (GTK_WIDGET (test->window), "members.png");
		/* the same member's ledger entries */
		gtk_notebook_set_current_page (
			GTK_NOTEBOOK (hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE,
							"history_notebook")),
			1);
		gtk_test_widget_wait_for_draw (GTK_WIDGET (test->window));
		write_png (GTK_WIDGET (test->window), "member-history.png");
		/* the filters open, gold members found */
		gtk_expander_set_expanded (
			GTK_EXPANDER (hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE,
							"filter_expander")),
			TRUE);
		gtk_combo_box_set_active_id (
			GTK_COMBO_BOX (hy_members_page_get_filter_widget (members, "level")),
			"金卡会员");
		gtk_button_clicked (
			GTK_BUTTON (hy_members_page_get_filter_widget (members, "apply")));
		hy_ui_test_settle (test);
		write_png (GTK_WIDGET (test->window), "members-filters.png");
		gtk_expander_set_expanded (
			GTK_EXPANDER (hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE,
							"filter_expander")),
			FALSE);
		/* a card operation's dialog, and the same member in the edit form */
		write_png (GTK_WIDGET (hy_members_page_open_card_dialog (members,
									 HY_CARD_DIALOG_RECYCLE)),
			   "card-recycle.png");
		gtk_widget_destroy (GTK_WIDGET (hy_members_page_get_card_dialog (members)));
		{
			HyRechargeDialog *recharge =
				HY_RECHARGE_DIALOG (hy_members_page_open_recharge_dialog (members));
			gtk_entry_set_text (
				GTK_ENTRY (hy_recharge_dialog_get_amount_entry (recharge)), "500");
			while (hy_recharge_dialog_get_busy (recharge) > 0)
				g_main_context_iteration (NULL, TRUE);
			write_png (GTK_WIDGET (recharge), "recharge.png");
			gtk_widget_destroy (GTK_WIDGET (recharge));
		}
		hy_members_page_start_edit (members);
		hy_ui_test_settle (test);
		write_png (GTK_WIDGET (test->window), "member-edit.png");

		hy_members_page_start_registration (members);
		hy_ui_test_settle (test);
		gtk_entry_set_text (GTK_ENTRY (hy_members_page_get_form_widget (members, "name")),
				    "欧阳娜娜");
		gtk_entry_set_text (GTK_ENTRY (hy_members_page_get_form_widget (members, "phone")),
				    "13912345678");
		write_png (GTK_WIDGET (test->window), "registration.png");
	}

	/* items by pinyin: "x" is 洗剪吹 or 洗发露, offered under the item field */
	hy_window_show_page (test->window, "cashier");
	enter_text (test, hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "item_entry"), "x");
	g_assert_nonnull (hy_cashier_page_get_item_choices (page));
	/* a frame, so the spinner's stopped style is applied before the picture */
	gtk_test_widget_wait_for_draw (GTK_WIDGET (test->window));
	write_png (GTK_WIDGET (test->window), "cashier-item-choices.png");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/screenshots", test_screenshots);
	return g_test_run ();
}
