/* The cart's item field by the pinyin of item names: one match goes straight into the
 * cart (with a quantity), several are offered in a list to choose from, none is an
 * error with the reason; then a sale of what was chosen that way. */
#include "config.h"

#include <string.h>

#include "hy-cashier-page.h"
#include "hy-ui-test.h"

static HyCashierPage *
page_of (HyUiTest *test)
{
	return hy_window_get_cashier_page (test->window);
}

/* Types into the item field and presses Enter, as the keyboard does. */
static void
enter_item (HyUiTest *test, const gchar *text)
{
	GtkWidget *entry = hy_ui_test_child (page_of (test), HY_TYPE_CASHIER_PAGE, "item_entry");
	gtk_widget_grab_focus (entry);
	gtk_entry_set_text (GTK_ENTRY (entry), text);
	gtk_widget_activate (entry);
	hy_ui_test_settle (test);
}

static void
test_items_by_pinyin (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	GtkWidget *choices;
	GtkListBoxRow *row;
	g_autoptr (GList) rows = NULL;
	GtkWidget *entry = hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "item_entry");

	/* 精致洗车: the one item whose initials these are */
	enter_item (test, "jzxc");
	g_assert_null (hy_window_get_error (test->window));
	g_assert_null (hy_cashier_page_get_item_choices (page));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 1);
	g_assert_cmpint (hy_cashier_page_get_total (page), ==, 3000);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (entry)), ==, "");

	/* a quantity, and the start of the full pinyin: 2 × 矿泉水 */
	enter_item (test, "2*kuangquan");
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 2);
	g_assert_cmpint (hy_cashier_page_get_total (page), ==, 3000 + 2 * 200);

	/* "x": 洗剪吹 and 洗发露 — a list to choose from, the first selected */
	enter_item (test, "x");
	choices = hy_cashier_page_get_item_choices (page);
	g_assert_nonnull (choices);
	rows = gtk_container_get_children (GTK_CONTAINER (choices));
	g_assert_cmpuint (g_list_length (rows), ==, 2);
	g_assert_nonnull (gtk_list_box_get_selected_row (GTK_LIST_BOX (choices)));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 2);
	/* the second: 洗发露 */
	row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (choices), 1);
	g_signal_emit_by_name (choices, "row-activated", row);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_item_choices (page));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 3);
	g_assert_cmpint (hy_cashier_page_get_total (page), >, 3000 + 2 * 200);

	/* codes still come first: "tea" is the code TEA, not pinyin */
	enter_item (test, "tea");
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 4);

	/* nothing by any of them: the reason, the cart unchanged */
	enter_item (test, "qqqq");
	g_assert_nonnull (hy_window_get_error (test->window));
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "pinyin"));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 4);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/items/by-pinyin", test_items_by_pinyin);
	return g_test_run ();
}
