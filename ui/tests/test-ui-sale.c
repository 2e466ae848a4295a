/* A sale driven through the real widgets, as a cashier would with the keyboard, and a
 * card reader's burst routed to the member lookup. The store is a real SQLite file; the
 * test checks what the app wrote through a second connection. */
#include "config.h"

#include <string.h>

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-cashier-page.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-pay-dialog.h"
#include "hy-receipt-dialog.h"
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

/* Types into an entry and presses Enter, as the keyboard does. */
static void
enter_text (HyUiTest *test, GtkWidget *entry, const gchar *text)
{
	gtk_widget_grab_focus (entry);
	gtk_entry_set_text (GTK_ENTRY (entry), text);
	gtk_widget_activate (entry);
	hy_ui_test_settle (test);
}

static void
press_pin_pad (HyPayDialog *dialog, const gchar *digits)
{
	GtkWidget *pad = hy_ui_test_child (dialog, HY_TYPE_PAY_DIALOG, "pin_pad");
	g_autoptr (GList) buttons = gtk_container_get_children (GTK_CONTAINER (pad));
	for (const gchar *d = digits; *d != '\0'; d++) {
		gboolean found = FALSE;
		for (GList *l = buttons; l != NULL; l = l->next) {
			const gchar *key = g_object_get_data (G_OBJECT (l->data), "hy-key");
			if (key != NULL && key[0] == *d && key[1] == '\0') {
				gtk_button_clicked (GTK_BUTTON (l->data));
				found = TRUE;
			}
		}
		g_assert_true (found);
	}
}

static gint64
money_balance (HyUiTest *test)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	gint64 balance = -1;
	g_assert_true (
		hy_ledger_balance (db, test->card_id, HY_ACCOUNT_MONEY, "", &balance, &error));
	g_assert_no_error (error);
	return balance;
}

static void
test_sale_cash_and_stored_value (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (5);
	HyCashierPage *page = page_of (test);
	GtkWidget *item_entry = page_child (test, "item_entry");
	HyPayDialog *pay;
	GtkDialog *receipt;
	g_autofree gchar *cash = NULL;
	g_autoptr (HyDb) db = NULL;
	gint64 before = money_balance (test);
	gint64 total;

	/* swipe-free lookup by the bound phone number */
	enter_text (test, page_child (test, "lookup_entry"), test->phone);
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);
	g_assert_true (gtk_window_get_focus (GTK_WINDOW (test->window)) == item_entry);

	/* two teas by code, a water by its barcode */
	enter_text (test, item_entry, "tea*2");
	enter_text (test, item_entry, "6921168509256");
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 2);
	total = hy_cashier_page_get_total (page);
	g_assert_cmpint (total, >, 100);
	g_assert_cmpint (total, <=, 900);

	/* Enter on the empty item field opens the payment */
	enter_text (test, item_entry, "");
	pay = HY_PAY_DIALOG (hy_cashier_page_get_pay_dialog (page));
	g_assert_nonnull (pay);
	gtk_entry_set_text (GTK_ENTRY (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "balance_entry")),
			    "1.00");
	/* ten yuan more than the rest: change */
	cash = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", (total - 100 + 1000) / 100,
				(gint) ((total - 100 + 1000) % 100));
	gtk_entry_set_text (GTK_ENTRY (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "cash_entry")),
			    cash);
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (
				 hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "change_label"))),
			 ==, "¥10.00");

	/* a wrong PIN: refused, nothing written, the dialog stays for another try */
	press_pin_pad (pay, "1111");
	gtk_widget_activate (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "pin_entry"));
	hy_ui_test_settle (test);
	g_assert_true (hy_cashier_page_get_pay_dialog (page) == GTK_DIALOG (pay));
	g_assert_true (gtk_info_bar_get_revealed (
		GTK_INFO_BAR (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "info_bar"))));
	db = hy_ui_test_open_db (test);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM sales"), ==, 0);

	/* the right PIN on the pad, Enter in the PIN field pays */
	press_pin_pad (pay, HY_UI_TEST_PIN);
	gtk_widget_activate (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "pin_entry"));
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_pay_dialog (page));
	receipt = hy_cashier_page_get_receipt_dialog (page);
	g_assert_nonnull (receipt);
	g_assert_nonnull (
		strstr (hy_receipt_dialog_get_text (HY_RECEIPT_DIALOG (receipt)), "冰红茶 500ml"));

	/* the database has the sale, its two payments and the new balance */
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM sales"), ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT total FROM sales"), ==, total);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT change FROM sales"), ==, 1000);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM sale_lines"), ==, 2);
	g_assert_cmpint (
		hy_ui_test_query_int (db, "SELECT amount FROM payments WHERE method = 'balance'"),
		==, 100);
	g_assert_cmpint (
		hy_ui_test_query_int (db, "SELECT amount FROM payments WHERE method = 'cash'"), ==,
		total - 100 + 1000);
	g_assert_cmpint (money_balance (test), ==, before - 100);
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (test, "money_label"))), !=, "");
	/* the panel counts the visit the sale just made */
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (page_child (test, "phone_label"))),
				  "visits here: 1, last on "));

	/* Next Sale clears everything and goes back to the lookup */
	gtk_dialog_response (receipt, GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_receipt_dialog (page));
	g_assert_null (hy_cashier_page_get_card_number (page));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 0);
	g_assert_true (gtk_window_get_focus (GTK_WINDOW (test->window)) ==
		       page_child (test, "lookup_entry"));

	/* the receipt can be shown again for a reprint during the next sale, and closing
	 * it keeps that sale */
	enter_text (test, item_entry, "TEA");
	g_action_group_activate_action (G_ACTION_GROUP (test->window), "reprint", NULL);
	hy_ui_test_iterate ();
	receipt = hy_cashier_page_get_receipt_dialog (page);
	g_assert_nonnull (receipt);
	g_assert_nonnull (
		strstr (hy_receipt_dialog_get_text (HY_RECEIPT_DIALOG (receipt)), "冰红茶 500ml"));
	gtk_dialog_response (receipt, GTK_RESPONSE_OK);
	hy_ui_test_settle (test);
	g_assert_null (hy_cashier_page_get_receipt_dialog (page));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 1);
}

static void
test_sale_errors_in_info_bar (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	enter_text (test, page_child (test, "lookup_entry"), "13000000000");
	g_assert_nonnull (hy_window_get_error (test->window));
	/* a card number with a typo: the reason is its check digit */
	enter_text (test, page_child (test, "lookup_entry"), "0010000009");
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "check digit"));
	enter_text (test, page_child (test, "item_entry"), "NO-SUCH-ITEM");
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "NO-SUCH-ITEM"));
	/* paying an empty cart says why */
	enter_text (test, page_child (test, "item_entry"), "");
	g_assert_null (hy_cashier_page_get_pay_dialog (page_of (test)));
	g_assert_nonnull (hy_window_get_error (test->window));
	enter_text (test, page_child (test, "item_entry"), "=12.345");
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "12.345"));
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page_of (test)), ==, 0);
}

/* A quick sale by amount for a customer who is no member: cash only, no points. */
static void
test_sale_quick_amount (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	GtkWidget *item_entry = page_child (test, "item_entry");
	g_autoptr (HyDb) db = NULL;
	HyPayDialog *pay;

	/* Enter on the empty lookup goes on to the items: no member */
	enter_text (test, page_child (test, "lookup_entry"), "");
	g_assert_true (gtk_window_get_focus (GTK_WINDOW (test->window)) == item_entry);
	enter_text (test, item_entry, "¥25");
	enter_text (test, item_entry, "=4.5");
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 2);
	g_assert_cmpint (hy_cashier_page_get_total (page), ==, 2950);
	enter_text (test, item_entry, "");
	pay = HY_PAY_DIALOG (hy_cashier_page_get_pay_dialog (page));
	g_assert_nonnull (pay);
	/* no stored value without a member; the cash field holds what is due */
	g_assert_false (gtk_widget_get_visible (
		hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "balance_entry")));
	gtk_widget_activate (hy_ui_test_child (pay, HY_TYPE_PAY_DIALOG, "cash_entry"));
	hy_ui_test_settle (test);
	g_assert_nonnull (hy_cashier_page_get_receipt_dialog (page));
	db = hy_ui_test_open_db (test);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT total FROM sales WHERE card_id IS NULL"),
			 ==, 2950);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT points FROM sales"), ==, 0);
	g_assert_cmpint (
		hy_ui_test_query_int (db, "SELECT amount FROM payments WHERE method = 'cash'"), ==,
		2950);
}

/* A member whose birthday month it is: the flag shows and the birthday factor of the
 * store's rules is explained on the line. */
static void
test_birthday_flag (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyMember) member = NULL;
	g_autoptr (GList) rows = NULL;
	g_autoptr (GString) texts = g_string_new (NULL);
	GtkWidget *birthday = page_child (test, "birthday_label");
	{
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		g_assert_no_error (error);
		card = hy_card_lookup (db, test->card, &error);
		g_assert_no_error (error);
		member = hy_member_get (db, card->member_id, &error);
		g_assert_no_error (error);
		g_free (member->birthday);
		member->birthday = g_date_time_format (now, "1990-%m-%d");
		g_clear_pointer (&member->id_number, g_free);
		g_assert_true (hy_member_update (db, admin, member, NULL, &error));
		g_assert_no_error (error);
	}
	enter_text (test, page_child (test, "lookup_entry"), test->card);
	g_assert_true (gtk_widget_get_visible (birthday));
	enter_text (test, page_child (test, "item_entry"), "TEA");
	/* every label of the cart row: the explanation names the birthday factor, 95% */
	rows = gtk_container_get_children (GTK_CONTAINER (page_child (test, "cart_list")));
	for (GList *l = rows; l != NULL; l = l->next) {
		GtkWidget *grid = gtk_bin_get_child (GTK_BIN (l->data));
		g_autoptr (GList) cells = gtk_container_get_children (GTK_CONTAINER (grid));
		for (GList *c = cells; c != NULL; c = c->next) {
			if (GTK_IS_LABEL (c->data))
				g_string_append_printf (texts, "%s\n",
							gtk_label_get_text (GTK_LABEL (c->data)));
		}
	}
	g_assert_nonnull (strstr (texts->str, "95%"));

	/* a new sale forgets the member */
	hy_cashier_page_new_sale (page_of (test));
	hy_ui_test_settle (test);
	g_assert_cmpstr (
		gtk_stack_get_visible_child_name (GTK_STACK (page_child (test, "member_stack"))),
		==, "empty");
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

/* The member panel's count card "Use 1" and the recharge field. */
static void
test_count_use_and_recharge (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	GtkWidget *counts = page_child (test, "counts_list");
	GtkListBoxRow *row;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GError) error = NULL;
	gint64 before = money_balance (test);
	gint64 uses = -1;

	enter_text (test, page_child (test, "lookup_entry"), test->card);
	row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (counts), 0);
	g_assert_nonnull (row);
	gtk_button_clicked (GTK_BUTTON (find_button (GTK_WIDGET (row))));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	db = hy_ui_test_open_db (test);
	g_assert_true (
		hy_ledger_balance (db, test->card_id, HY_ACCOUNT_COUNT, "SWIM", &uses, &error));
	g_assert_no_error (error);
	g_assert_cmpint (uses, ==, 9);

	enter_text (test, page_child (test, "recharge_entry"), "abc");
	g_assert_nonnull (hy_window_get_error (test->window));
	g_assert_cmpint (money_balance (test), ==, before);
	enter_text (test, page_child (test, "recharge_entry"), "200");
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpint (money_balance (test), ==, before + 20000);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (page_child (test, "recharge_entry"))), ==,
			 "");
}

/* Sends one key press (and release) to the window, as X would. */
static void
send_key (HyUiTest *test, guint keyval, guint32 time)
{
	GdkWindow *window = gtk_widget_get_window (GTK_WIDGET (test->window));
	GdkDisplay *display = gdk_window_get_display (window);
	GdkDevice *keyboard = gdk_seat_get_keyboard (gdk_display_get_default_seat (display));
	g_autofree GdkKeymapKey *keys = NULL;
	gint n_keys = 0;

	for (gint type = GDK_KEY_PRESS; type <= GDK_KEY_RELEASE; type++) {
		GdkEvent *event = gdk_event_new ((GdkEventType) type);
		event->key.window = g_object_ref (window);
		event->key.send_event = TRUE;
		event->key.time = time;
		event->key.keyval = keyval;
		if (gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (display), keyval,
						       &keys, &n_keys) &&
		    n_keys > 0)
			event->key.hardware_keycode = (guint16) keys[0].keycode;
		g_clear_pointer (&keys, g_free);
		gdk_event_set_device (event, keyboard);
		gtk_main_do_event (event);
		gdk_event_free (event);
	}
}

static void
send_text (HyUiTest *test, const gchar *text, guint32 *time, guint32 gap)
{
	for (const gchar *p = text; *p != '\0'; p++) {
		send_key (test, gdk_unicode_to_keyval ((guint32) *p), *time);
		*time += gap;
	}
}

static void
test_wedge_burst_goes_to_lookup (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = page_of (test);
	GtkWidget *item_entry = page_child (test, "item_entry");
	GtkWidget *lookup_entry = page_child (test, "lookup_entry");
	guint32 time = 100000;

	gtk_window_present (GTK_WINDOW (test->window));
	gtk_widget_grab_focus (item_entry);
	hy_ui_test_iterate ();

	/* typed by a person into the item field: stays there */
	send_text (test, "tea", &time, 180);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "tea");
	gtk_entry_set_text (GTK_ENTRY (item_entry), "");

	/* the reader's burst: 6 ms apart, then Enter, while the item field has focus */
	time += 1000;
	send_text (test, test->card, &time, 6);
	send_key (test, GDK_KEY_Return, time);
	hy_ui_test_settle (test);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "");
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (lookup_entry)), ==, test->card);
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_true (gtk_window_get_focus (GTK_WINDOW (test->window)) == item_entry);

	/* an item barcode scanned into the item field is an item, not a member */
	time += 1000;
	send_text (test, "6921168509256", &time, 6);
	send_key (test, GDK_KEY_Return, time);
	hy_ui_test_settle (test);
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 1);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (lookup_entry)), ==, test->card);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/sale/cash-and-stored-value", test_sale_cash_and_stored_value);
	g_test_add_func ("/huiyuan/ui/sale/errors-in-info-bar", test_sale_errors_in_info_bar);
	g_test_add_func ("/huiyuan/ui/sale/quick-amount", test_sale_quick_amount);
	g_test_add_func ("/huiyuan/ui/sale/birthday-flag", test_birthday_flag);
	g_test_add_func ("/huiyuan/ui/sale/count-use-and-recharge", test_count_use_and_recharge);
	g_test_add_func ("/huiyuan/ui/wedge/burst-goes-to-lookup", test_wedge_burst_goes_to_lookup);
	return g_test_run ();
}
