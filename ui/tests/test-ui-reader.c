/* The keyboard-wedge reader recognised by its input device (GSettings reader-device):
 * key events whose GDK source device has that name go to the member lookup wherever the
 * focus is, at any speed; keys from any other device fall back to burst timing. The
 * events are built as the X server delivers them under Xvfb: the master keyboard as the
 * device, a real slave keyboard of the seat (the XTest keyboard) as the source device. */
#include "config.h"

#include <string.h>

#include "hy-application.h"
#include "hy-card.h"
#include "hy-cashier-page.h"
#include "hy-demo.h"
#include "hy-members-page.h"
#include "hy-settings.h"
#include "hy-ui-test.h"
#include "hy-ui.h"

#define HUMAN_GAP_MS  200 /* far slower than any reader */
#define READER_GAP_MS 6

static GtkWidget *
page_child (HyUiTest *test, const gchar *name)
{
	return hy_ui_test_child (hy_window_get_cashier_page (test->window), HY_TYPE_CASHIER_PAGE,
				 name);
}

static GdkSeat *
seat_of (HyUiTest *test)
{
	return gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (test->window)));
}

/* The seat's XTest keyboard: Xvfb has no other physical keyboard. */
static GdkDevice *
xtest_keyboard (HyUiTest *test)
{
	g_autoptr (GList) slaves =
		gdk_seat_get_slaves (seat_of (test), GDK_SEAT_CAPABILITY_KEYBOARD);
	for (GList *l = slaves; l != NULL; l = l->next)
		if (strstr (gdk_device_get_name (l->data), "XTEST") != NULL)
			return l->data;
	g_assert_not_reached ();
}

static void
send_key (HyUiTest *test, GdkDevice *source, guint keyval, guint32 time)
{
	GdkWindow *window = gtk_widget_get_window (GTK_WIDGET (test->window));
	GdkDisplay *display = gdk_window_get_display (window);
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
		gdk_event_set_device (event, gdk_seat_get_keyboard (seat_of (test)));
		gdk_event_set_source_device (event, source);
		gtk_main_do_event (event);
		gdk_event_free (event);
	}
}

/* `text` then Enter (when `enter`), each key `gap` ms after the last. */
static void
send_text (HyUiTest *test,
	   GdkDevice *source,
	   const gchar *text,
	   guint32 *time,
	   guint32 gap,
	   gboolean enter)
{
	for (const gchar *p = text; *p != '\0'; p++) {
		send_key (test, source, gdk_unicode_to_keyval ((guint32) *p), *time);
		*time += gap;
	}
	if (enter)
		send_key (test, source, GDK_KEY_Return, *time);
	*time += 1000;
	hy_ui_test_settle (test);
}

static void
set_reader_device (const gchar *name)
{
	g_autoptr (GSettings) settings = g_settings_new (HY_APPLICATION_ID);
	g_settings_set_string (settings, HY_SETTINGS_READER_DEVICE, name);
	hy_ui_test_iterate ();
}

static void
test_reader_by_device (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autofree gchar *other_card = NULL;
	HyCashierPage *page = hy_window_get_cashier_page (test->window);
	GtkWidget *item_entry = page_child (test, "item_entry");
	GtkWidget *lookup_entry = page_child (test, "lookup_entry");
	GdkDevice *reader = xtest_keyboard (test);
	/* another device: the master keyboard, as GDK names it */
	GdkDevice *keyboard = gdk_seat_get_keyboard (seat_of (test));
	guint32 time = 100000;

	g_assert_cmpstr (gdk_device_get_name (reader), !=, gdk_device_get_name (keyboard));
	g_test_message ("reader device: %s; other: %s", gdk_device_get_name (reader),
			gdk_device_get_name (keyboard));
	set_reader_device (gdk_device_get_name (reader));
	gtk_window_present (GTK_WINDOW (test->window));

	/* the card at a person's speed from the reader's device, the item field focused:
	 * not one character lands there, the member is looked up, focus stays */
	gtk_widget_grab_focus (item_entry);
	send_text (test, reader, test->card, &time, HUMAN_GAP_MS, TRUE);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "");
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (lookup_entry)), ==, test->card);
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_true (gtk_window_get_focus (GTK_WINDOW (test->window)) == item_entry);

	/* an item barcode from the reader into the item field is an item */
	send_text (test, reader, "6921168509256", &time, HUMAN_GAP_MS, TRUE);
	g_assert_cmpuint (hy_cashier_page_get_n_cart_lines (page), ==, 1);
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);

	/* from the members page's search field: the cashier page, the member looked up,
	 * nothing typed into the search */
	{
		HyMembersPage *members = hy_window_get_members_page (test->window);
		GtkWidget *search =
			hy_ui_test_child (members, HY_TYPE_MEMBERS_PAGE, "search_entry");
		g_autoptr (GError) error = NULL;
		g_autoptr (HyDb) db = hy_ui_test_open_db (test);
		g_autofree gchar *phone = hy_demo_phone (1, 1);
		g_autoptr (HyCard) card = hy_card_lookup (db, phone, &error);
		g_assert_no_error (error);
		other_card = g_strdup (card->number);
		hy_window_show_page (test->window, "members");
		gtk_widget_grab_focus (search);
		send_text (test, reader, other_card, &time, HUMAN_GAP_MS, TRUE);
		g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (search)), ==, "");
		g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, other_card);
		g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (lookup_entry)), ==, other_card);
	}

	/* another device: typed slowly, the characters are the person's and stay in the
	 * focused field; Enter there does what it always does */
	hy_window_show_page (test->window, "cashier");
	gtk_widget_grab_focus (item_entry);
	send_text (test, keyboard, test->card, &time, HUMAN_GAP_MS, FALSE);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, test->card);
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, other_card);
	gtk_entry_set_text (GTK_ENTRY (item_entry), "");

	/* the same device in a burst: timing, the fallback, still finds the reader */
	send_text (test, keyboard, test->card, &time, READER_GAP_MS, TRUE);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "");
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);
}

/* Without a reader device (the default), the XTest keyboard typing slowly is a person:
 * burst timing alone decides. */
static void
test_reader_timing_only (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyCashierPage *page = hy_window_get_cashier_page (test->window);
	GtkWidget *item_entry = page_child (test, "item_entry");
	GdkDevice *reader = xtest_keyboard (test);
	guint32 time = 100000;

	set_reader_device ("");
	gtk_window_present (GTK_WINDOW (test->window));
	gtk_widget_grab_focus (item_entry);
	send_text (test, reader, "tea", &time, HUMAN_GAP_MS, FALSE);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "tea");
	gtk_entry_set_text (GTK_ENTRY (item_entry), "");
	send_text (test, reader, test->card, &time, READER_GAP_MS, TRUE);
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (item_entry)), ==, "");
	g_assert_cmpstr (hy_cashier_page_get_card_number (page), ==, test->card);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/reader/by-device", test_reader_by_device);
	g_test_add_func ("/huiyuan/ui/reader/timing-only", test_reader_timing_only);
	return g_test_run ();
}
