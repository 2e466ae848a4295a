#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-count.h"
#include "hy-member.h"
#include "hy-cashier-page.h"
#include "hy-demo.h"
#include "hy-ledger.h"
#include "hy-store.h"
#include "hy-ui-test.h"

void
hy_ui_test_init (int *argc, char ***argv)
{
	const gchar *localedir = g_getenv ("HY_TEST_LOCALEDIR");
	setlocale (LC_ALL, "");
	/* the catalogue built in this tree, so LANGUAGE=zh_CN shows the translation */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	gtk_init (argc, argv);
	/* screenshots show the final state, not a frame of a transition */
	g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
	hy_application_load_css ();
}

void
hy_ui_test_iterate (void)
{
	while (gtk_events_pending ())
		gtk_main_iteration ();
}

void
hy_ui_test_settle (HyUiTest *test)
{
	HyCashierPage *page =
		test->window != NULL ? hy_window_get_cashier_page (test->window) : NULL;
	HyMembersPage *members =
		test->window != NULL ? hy_window_get_members_page (test->window) : NULL;
	hy_ui_test_iterate ();
	/* jobs finish on the worker and come back as idle callbacks: block until they do */
	while ((page != NULL && hy_cashier_page_get_busy (page) > 0) ||
	       (members != NULL && hy_members_page_get_busy (members) > 0))
		g_main_context_iteration (NULL, TRUE);
	hy_ui_test_iterate ();
}

GtkWidget *
hy_ui_test_child (gpointer widget, GType type, const gchar *name)
{
	GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);
	g_assert_nonnull (child);
	return GTK_WIDGET (child);
}

HyDb *
hy_ui_test_open_db (HyUiTest *test)
{
	g_autoptr (GError) error = NULL;
	HyDb *db = hy_db_open (test->db_path, HY_DB_OPEN_READONLY, &error);
	g_assert_no_error (error);
	return db;
}

gint64
hy_ui_test_query_int (HyDb *db, const gchar *sql)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, &error);
	gboolean has_row = FALSE;
	g_assert_no_error (error);
	g_assert_true (hy_db_step_row (db, stmt, &has_row, &error));
	g_assert_no_error (error);
	g_assert_true (has_row);
	return sqlite3_column_int64 (stmt, 0);
}

static void
hy_ui_test_create_store (HyUiTest *test, guint n_members)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyMember) member = NULL;

	/* the very store `huiyuan --demo` creates, smaller */
	g_assert_true (hy_session_create_demo_store (test->db_path, n_members, &error));
	g_assert_no_error (error);
	db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	admin = hy_actor_login (db, "admin", HY_SESSION_DEMO_PASSWORD, &error);
	g_assert_no_error (error);
	test->phone = hy_demo_phone (0, 1);
	card = hy_card_lookup (db, test->phone, &error);
	g_assert_no_error (error);
	test->card = g_strdup (card->number);
	test->card_id = g_strdup (card->id);
	/* a gold member with a count card: every part of the member panel shows */
	member = hy_member_get (db, card->member_id, &error);
	g_assert_no_error (error);
	g_assert_true (hy_member_update (db, admin, member, "金卡会员", &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_count_add (db, admin, test->card, "SWIM", 10, "2027-06-30", NULL, &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_ledger_recharge (db, admin, test->card, HY_UI_TEST_BALANCE, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_set_pin (db, admin, test->card, NULL, HY_UI_TEST_PIN, &error));
	g_assert_no_error (error);
}

static void
hy_ui_test_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	GAsyncResult **out = user_data;
	*out = g_object_ref (result);
}

HyUiTest *
hy_ui_test_new (guint n_members)
{
	HyUiTest *test = g_new0 (HyUiTest, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (GAsyncResult) result = NULL;
	g_autoptr (GAsyncResult) login = NULL;

	test->dir = g_dir_make_tmp ("hy-ui-XXXXXX", &error);
	g_assert_no_error (error);
	test->db_path = g_build_filename (test->dir, "store.db", NULL);
	hy_ui_test_create_store (test, n_members);

	test->app = GTK_APPLICATION (hy_application_new ());
	g_assert_true (g_application_register (G_APPLICATION (test->app), NULL, &error));
	g_assert_no_error (error);
	test->session = hy_session_new (test->db_path, FALSE);
	hy_session_open_async (test->session, NULL, hy_ui_test_done_cb, &result);
	while (result == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (hy_session_open_finish (test->session, result, &error));
	g_assert_no_error (error);
	hy_session_login_async (test->session, "admin", "huiyuan", NULL, hy_ui_test_done_cb,
				&login);
	while (login == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (hy_session_login_finish (test->session, login, &error));
	g_assert_no_error (error);

	test->window = hy_window_new (test->app, test->session);
	gtk_window_set_default_size (GTK_WINDOW (test->window), 1280, 800);
	gtk_widget_show (GTK_WIDGET (test->window));
	hy_ui_test_settle (test);
	return test;
}

static void
hy_ui_test_rm_rf (const gchar *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const gchar *name;
	while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
		g_autofree gchar *path = g_build_filename (dir, name, NULL);
		g_unlink (path);
	}
	g_rmdir (dir);
}

void
hy_ui_test_free (HyUiTest *test)
{
	if (test->window != NULL) {
		hy_ui_test_settle (test);
		gtk_widget_destroy (GTK_WIDGET (test->window));
	}
	hy_ui_test_iterate ();
	g_clear_object (&test->session);
	g_clear_object (&test->app);
	hy_ui_test_rm_rf (test->dir);
	g_free (test->dir);
	g_free (test->db_path);
	g_free (test->phone);
	g_free (test->card);
	g_free (test->card_id);
	g_free (test);
}
