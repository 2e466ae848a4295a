/* The application as `huiyuan --demo` runs it: activation creates the demo store in the
 * user data folder (here the test's own), the sign-in window opens it, and signing in
 * as admin opens the main window. */
#include "config.h"

#include <string.h>

#include "hy-application.h"
#include "hy-login-window.h"
#include "hy-ui-test.h"
#include "hy-window.h"

static gpointer
find_window (GtkApplication *app, GType type)
{
	for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next) {
		if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
			return l->data;
	}
	return NULL;
}

static void
test_app_demo (void)
{
	g_autoptr (HyApplication) app = hy_application_new ();
	g_autoptr (GError) error = NULL;
	g_autofree gchar *demo_path = hy_application_demo_db_path ();
	HyLoginWindow *login;
	HyWindow *window;
	GtkWidget *store_label;

	g_assert_false (g_file_test (demo_path, G_FILE_TEST_EXISTS));
	g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
	g_assert_no_error (error);
	hy_application_set_database (app, NULL, TRUE);
	g_application_activate (G_APPLICATION (app));

	login = find_window (GTK_APPLICATION (app), HY_TYPE_LOGIN_WINDOW);
	g_assert_nonnull (login);
	while (!hy_login_window_is_ready (login))
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (g_file_test (demo_path, G_FILE_TEST_EXISTS));

	/* the operator field is filled for the demo; a wrong password keeps the window */
	hy_login_window_sign_in (login, "admin", "not-the-password");
	while (!hy_login_window_is_ready (login))
		g_main_context_iteration (NULL, TRUE);
	g_assert_null (find_window (GTK_APPLICATION (app), HY_TYPE_WINDOW));

	hy_login_window_sign_in (login, "admin", "huiyuan");
	while ((window = find_window (GTK_APPLICATION (app), HY_TYPE_WINDOW)) == NULL)
		g_main_context_iteration (NULL, TRUE);
	hy_ui_test_iterate ();
	g_assert_null (find_window (GTK_APPLICATION (app), HY_TYPE_LOGIN_WINDOW));
	store_label = hy_ui_test_child (window, HY_TYPE_WINDOW, "store_label");
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (store_label)), "DEMO"));
	gtk_widget_destroy (GTK_WIDGET (window));
	hy_ui_test_iterate ();
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/app/demo", test_app_demo);
	return g_test_run ();
}
