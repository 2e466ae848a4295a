/* Every template of the app instantiates, with every bound child, under Xvfb. */
#include "config.h"

#include <string.h>

#include "hy-cashier-page.h"
#include "hy-checkout.h"
#include "hy-login-window.h"
#include "hy-pay-dialog.h"
#include "hy-receipt-dialog.h"
#include "hy-ui-test.h"
#include "hy-ui.h"

static void
test_templates_window (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = hy_window_get_cashier_page (test->window);
	GtkWidget *status = hy_ui_test_child (test->window, HY_TYPE_WINDOW, "operator_label");

	g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (status)), "admin"));
	g_assert_true (gtk_widget_is_focus (
		hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "lookup_entry")));
	g_assert_null (hy_window_get_error (test->window));
	/* GtkApplication attached gtk/help-overlay.ui from the app's resource base path */
	g_assert_nonnull (
		gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (test->window)));
}

static void
test_templates_login (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (1);
	HyLoginWindow *login = hy_login_window_new (test->app, test->session, "admin");
	GtkWidget *store_label = hy_ui_test_child (login, HY_TYPE_LOGIN_WINDOW, "store_label");
	gtk_widget_show (GTK_WIDGET (login));
	while (!hy_login_window_is_ready (login))
		g_main_context_iteration (NULL, TRUE);
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (store_label)), "DEMO"));
	gtk_widget_destroy (GTK_WIDGET (login));
}

static void
test_templates_dialogs (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (1);
	HyPayDialog *pay = hy_pay_dialog_new (GTK_WINDOW (test->window), 1234, 500, TRUE);
	HyPayDialog *cash_only = hy_pay_dialog_new (GTK_WINDOW (test->window), 1234, -1, FALSE);
	HyReceiptDialog *receipt = hy_receipt_dialog_new (GTK_WINDOW (test->window), "text");
	g_autoptr (GArray) tenders = g_array_new (FALSE, TRUE, sizeof (HyTender));
	g_autoptr (GError) error = NULL;

	gtk_widget_show (GTK_WIDGET (pay));
	gtk_widget_show (GTK_WIDGET (cash_only));
	gtk_widget_show (GTK_WIDGET (receipt));
	hy_ui_test_iterate ();
	/* stored value first, the rest in cash */
	g_assert_true (hy_pay_dialog_get_tenders (pay, tenders, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (tenders->len, ==, 2);
	g_assert_cmpint (g_array_index (tenders, HyTender, 0).method, ==, HY_TENDER_CASH);
	g_assert_cmpint (g_array_index (tenders, HyTender, 0).amount, ==, 734);
	g_assert_cmpint (g_array_index (tenders, HyTender, 1).method, ==, HY_TENDER_BALANCE);
	g_assert_cmpint (g_array_index (tenders, HyTender, 1).amount, ==, 500);
	g_assert_true (
		gtk_widget_get_visible (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "pin_box")));
	g_assert_false (gtk_widget_get_visible (
		hy_ui_test_child (cash_only, HY_TYPE_PAY_DIALOG, "balance_entry")));
	g_assert_false (gtk_widget_get_visible (
		hy_ui_test_child (cash_only, HY_TYPE_PAY_DIALOG, "pin_box")));
	g_assert_cmpstr (hy_receipt_dialog_get_text (receipt), ==, "text");
	gtk_widget_destroy (GTK_WIDGET (pay));
	gtk_widget_destroy (GTK_WIDGET (cash_only));
	gtk_widget_destroy (GTK_WIDGET (receipt));
}

static void
test_templates_resources (void)
{
	/* the help overlay and menus load from the GResource as GtkApplication will */
	g_autoptr (GtkBuilder) help =
		gtk_builder_new_from_resource ("/cn/huiyuan/Cashier/gtk/help-overlay.ui");
	g_autoptr (GtkBuilder) menus =
		gtk_builder_new_from_resource ("/cn/huiyuan/Cashier/gtk/menus.ui");
	GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (help, "help_overlay"));
	g_autoptr (GBytes) css =
		g_resources_lookup_data ("/cn/huiyuan/Cashier/css/huiyuan.css", 0, NULL);
	GtkIconTheme *theme = gtk_icon_theme_get_default ();

	g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
	g_assert_true (G_IS_MENU_MODEL (gtk_builder_get_object (menus, "primary-menu")));
	g_assert_nonnull (css);
	gtk_icon_theme_add_resource_path (theme, "/cn/huiyuan/Cashier/icons");
	g_assert_true (gtk_icon_theme_has_icon (theme, HY_APPLICATION_ID));
	gtk_widget_destroy (overlay);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/templates/window", test_templates_window);
	g_test_add_func ("/huiyuan/ui/templates/login", test_templates_login);
	g_test_add_func ("/huiyuan/ui/templates/dialogs", test_templates_dialogs);
	g_test_add_func ("/huiyuan/ui/templates/resources", test_templates_resources);
	return g_test_run ();
}
