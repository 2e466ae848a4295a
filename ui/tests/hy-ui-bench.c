/* hy-ui-bench: how fast the cashier app is on a given store, through its real widgets.
 *
 *   ui/tests/hy-ui-bench --db store.db --members M [--lookups N] [--seed S]
 *
 * (under a display; ui/tests/hy-xvfb-run.sh gives one). The store is one made by
 * `huiyuan-admin demo --members M --seed S`, signed in as admin with HUIYUAN_PASSWORD
 * (default "huiyuan"). Prints JSON: the time from start to a usable window (database
 * opened and the cashier page drawn; the argon2 sign-in is left out: it is slow on
 * purpose), the swipe-to-member-panel times of N lookups by phone (median, p95, max),
 * and the resident memory, all of it and without file pages (the database is memory
 * mapped: its pages count as resident but belong to the page cache). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hy-cashier-page.h"
#include "hy-demo.h"
#include "hy-ui-test.h"

static void
wait_for (GAsyncResult **result)
{
	while (*result == NULL)
		g_main_context_iteration (NULL, TRUE);
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	*(GAsyncResult **) user_data = g_object_ref (result);
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
	return x < y ? -1 : x > y;
}

/* "VmRSS:" (all resident pages) or "RssAnon:" (without file pages, such as the
 * database's memory map) from /proc/self/status, in KiB. */
static gint64
rss_kib (const gchar *key)
{
	g_autofree gchar *status = NULL;
	const gchar *line;
	if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
		return -1;
	line = strstr (status, key);
	return line != NULL ? g_ascii_strtoll (line + strlen (key), NULL, 10) : -1;
}

int
main (int argc, char **argv)
{
	g_autofree gchar *db_path = NULL;
	gint lookups = 200;
	gint members = 1000;
	gint64 seed = 1;
	const GOptionEntry entries[] = {
		{"db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store database", "PATH"},
		{"lookups", 0, 0, G_OPTION_ARG_INT, &lookups, "Lookups to time", "N"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Demo seed of the store", "S"},
		{"members", 0, 0, G_OPTION_ARG_INT, &members, "Demo members to pick from", "M"},
		{NULL}};
	g_autoptr (GOptionContext) context = g_option_context_new (NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (GAsyncResult) opened = NULL;
	g_autoptr (GAsyncResult) signed_in = NULL;
	g_autoptr (HyApplication) app = NULL;
	g_autoptr (HySession) session = NULL;
	g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
	const gchar *password = g_getenv ("HUIYUAN_PASSWORD");
	HyWindow *window;
	HyCashierPage *page;
	GtkWidget *lookup;
	gint64 start = g_get_monotonic_time ();
	gint64 window_us, login_start, login_us;
	guint found = 0;

	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error) || db_path == NULL) {
		g_printerr ("hy-ui-bench --db PATH --members M [--lookups N] [--seed S]\n");
		return 2;
	}
	hy_ui_test_init (&argc, &argv);
	app = hy_application_new ();
	if (!g_application_register (G_APPLICATION (app), NULL, &error)) {
		g_printerr ("%s\n", error->message);
		return 1;
	}
	session = hy_session_new (db_path, FALSE);
	hy_session_open_async (session, NULL, done_cb, &opened);
	wait_for (&opened);
	if (!hy_session_open_finish (session, opened, &error)) {
		g_printerr ("%s\n", error->message);
		return 1;
	}
	login_start = g_get_monotonic_time ();
	hy_session_login_async (session, "admin", password != NULL ? password : "huiyuan", NULL,
				done_cb, &signed_in);
	wait_for (&signed_in);
	if (!hy_session_login_finish (session, signed_in, &error)) {
		g_printerr ("%s\n", error->message);
		return 1;
	}
	login_us = g_get_monotonic_time () - login_start;
	window = hy_window_new (GTK_APPLICATION (app), session);
	gtk_widget_show (GTK_WIDGET (window));
	hy_ui_test_iterate ();
	window_us = g_get_monotonic_time () - start - login_us;

	page = hy_window_get_cashier_page (window);
	lookup = hy_ui_test_child (page, HY_TYPE_CASHIER_PAGE, "lookup_entry");
	for (gint i = 0; i < lookups; i++) {
		g_autofree gchar *phone =
			hy_demo_phone ((guint) g_random_int_range (0, MAX (members, 1)), seed);
		gint64 t0 = g_get_monotonic_time (), dt;
		gtk_entry_set_text (GTK_ENTRY (lookup), phone);
		gtk_widget_activate (lookup);
		while (hy_cashier_page_get_busy (page) > 0)
			g_main_context_iteration (NULL, TRUE);
		hy_ui_test_iterate ();
		dt = g_get_monotonic_time () - t0;
		g_array_append_val (times, dt);
		if (g_strcmp0 (gtk_entry_get_text (GTK_ENTRY (lookup)), phone) == 0 &&
		    hy_cashier_page_get_card_number (page) != NULL)
			found++;
	}
	g_array_sort (times, compare_int64);
	printf ("{\"window_ms\": %.1f, \"sign_in_ms\": %.1f, \"lookups\": %u, \"found\": %u, "
		"\"panel_median_ms\": %.2f, \"panel_p95_ms\": %.2f, \"panel_max_ms\": %.2f, "
		"\"rss_mib\": %.1f, \"rss_anon_mib\": %.1f}\n",
		window_us / 1000.0, login_us / 1000.0, times->len, found,
		g_array_index (times, gint64, times->len / 2) / 1000.0,
		g_array_index (times, gint64, times->len * 95 / 100) / 1000.0,
		g_array_index (times, gint64, times->len - 1) / 1000.0, rss_kib ("VmRSS:") / 1024.0,
		rss_kib ("RssAnon:") / 1024.0);
	gtk_widget_destroy (GTK_WIDGET (window));
	return 0;
}
