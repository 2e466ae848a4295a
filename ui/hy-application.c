#include "config.h"

#include <glib/gi18n.h>

#include "hy-application.h"
#include "hy-login-window.h"
#include "hy-session.h"
#include "hy-settings.h"
#include "hy-ui.h"
#include "hy-window.h"

struct _HyApplication {
	GtkApplication parent_instance;
	gchar *db_path;
	gboolean demo;
	HySession *session;
	GSettings *settings; /* NULL when the schema is not installed */
};

G_DEFINE_TYPE (HyApplication, hy_application, GTK_TYPE_APPLICATION)

gchar *
hy_application_demo_db_path (void)
{
	return g_build_filename (g_get_user_data_dir (), "huiyuan", "demo.db", NULL);
}

void
hy_application_load_css (void)
{
	static gsize once = 0;
	if (g_once_init_enter (&once)) {
		g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();
		hy_ui_ensure_resources ();
		gtk_css_provider_load_from_resource (provider,
						     "/cn/huiyuan/Cashier/css/huiyuan.css");
		gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
							   GTK_STYLE_PROVIDER (provider),
							   GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
		g_once_init_leave (&once, 1);
	}
}

void
hy_application_set_database (HyApplication *self, const gchar *path, gboolean demo)
{
	g_free (self->db_path);
	self->demo = demo;
	self->db_path = demo ? hy_application_demo_db_path () : g_strdup (path);
}

static gint
hy_application_handle_local_options (GApplication *app, GVariantDict *options)
{
	HyApplication *self = HY_APPLICATION (app);
	if (g_variant_dict_contains (options, "version")) {
		g_print ("huiyuan %s\n", PACKAGE_VERSION);
		return 0;
	}
	g_variant_dict_lookup (options, "db", "^ay", &self->db_path);
	self->demo = g_variant_dict_contains (options, "demo");
	if (self->db_path != NULL && self->demo) {
		g_printerr ("%s\n", _ ("Give either --db PATH or --demo, not both."));
		return 2;
	}
	/* an absolute path: it is remembered for the next start from the desktop */
	if (self->db_path != NULL && !g_path_is_absolute (self->db_path)) {
		g_autofree gchar *cwd = g_get_current_dir ();
		g_autofree gchar *relative = g_steal_pointer (&self->db_path);
		self->db_path = g_build_filename (cwd, relative, NULL);
	}
	if (self->demo)
		self->db_path = hy_application_demo_db_path ();
	return -1;
}

static void
hy_application_quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	g_application_quit (G_APPLICATION (user_data));
}

static void
hy_application_about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	GtkApplication *app = GTK_APPLICATION (user_data);
	const gchar *authors[] = {_ ("The Huiyuan developers"), NULL};
	gtk_show_about_dialog (gtk_application_get_active_window (app), "program-name",
			       _ ("Huiyuan Cashier"), "logo-icon-name", HY_APPLICATION_ID,
			       "version", PACKAGE_VERSION, "comments",
			       _ ("Membership, stored value and points at the front desk."),
			       "license-type", GTK_LICENSE_GPL_2_0, "authors", authors, NULL);
}

static const GActionEntry hy_application_actions[] = {
	{"quit", hy_application_quit_activated},
	{"about", hy_application_about_activated},
};

static void
hy_application_startup (GApplication *app)
{
	GtkApplication *gtk_app = GTK_APPLICATION (app);
	HyApplication *self = HY_APPLICATION (app);
	GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
	g_autoptr (GSettingsSchema) schema = NULL;
	struct {
		const gchar *action;
		const gchar *accels[3];
	} accels[] = {
		{"app.quit", {"<Primary>q", NULL}},
		{"win.focus-lookup", {"F2", NULL}},
		{"win.focus-item", {"F3", NULL}},
		{"win.pay", {"F12", NULL}},
		{"win.new-sale", {"<Primary>n", NULL}},
		{"win.reprint", {"<Primary>p", NULL}},
		{"win.deduct", {"<Primary>d", NULL}},
		{"win.refund", {"<Primary>r", NULL}},
		{"win.show-page::cashier", {"F5", NULL}},
		{"win.show-page::members", {"F6", NULL}},
		{"win.new-member", {"<Primary>m", NULL}},
		{"win.show-help-overlay", {"F1", "<Primary>question", NULL}},
	};

	G_APPLICATION_CLASS (hy_application_parent_class)->startup (app);
	g_action_map_add_action_entries (G_ACTION_MAP (app), hy_application_actions,
					 G_N_ELEMENTS (hy_application_actions), app);
	for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
		gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);
	gtk_window_set_default_icon_name (HY_APPLICATION_ID);
	hy_application_load_css ();
	if (source != NULL)
		schema = g_settings_schema_source_lookup (source, HY_APPLICATION_ID, TRUE);
	if (schema != NULL)
		self->settings = g_settings_new (HY_APPLICATION_ID);
}

static void
hy_application_signed_in_cb (HyLoginWindow *login, HyApplication *self)
{
	HyWindow *window = hy_window_new (GTK_APPLICATION (self), self->session);
	const HyActor *actor = hy_session_get_actor (self->session);
	if (self->settings != NULL)
		g_settings_set_string (self->settings, HY_SETTINGS_LAST_OPERATOR,
				       hy_actor_get_login (actor));
	gtk_window_present (GTK_WINDOW (window));
	gtk_widget_destroy (GTK_WIDGET (login));
}

static void
hy_application_activate (GApplication *app)
{
	HyApplication *self = HY_APPLICATION (app);
	GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
	g_autofree gchar *last = NULL;
	HyLoginWindow *login;

	if (window != NULL) {
		gtk_window_present (window);
		return;
	}
	/* started from the desktop: the database of the last --db, else the demo store */
	if (self->db_path == NULL && self->settings != NULL) {
		g_autofree gchar *remembered =
			g_settings_get_string (self->settings, HY_SETTINGS_DATABASE);
		if (remembered[0] != '\0')
			self->db_path = g_steal_pointer (&remembered);
	}
	if (self->db_path == NULL) {
		g_message ("no --db given and none remembered: opening the demo store");
		self->demo = TRUE;
		self->db_path = hy_application_demo_db_path ();
	} else if (!self->demo && self->settings != NULL) {
		g_settings_set_string (self->settings, HY_SETTINGS_DATABASE, self->db_path);
	}
	self->session = hy_session_new (self->db_path, self->demo);
	if (self->settings != NULL)
		last = g_settings_get_string (self->settings, HY_SETTINGS_LAST_OPERATOR);
	/* the demo store has one operator worth offering */
	if ((last == NULL || last[0] == '\0') && self->demo) {
		g_free (last);
		last = g_strdup ("admin");
	}
	login = hy_login_window_new (GTK_APPLICATION (app), self->session, last);
	g_signal_connect (login, "signed-in", G_CALLBACK (hy_application_signed_in_cb), self);
	gtk_window_present (GTK_WINDOW (login));
}

static void
hy_application_finalize (GObject *object)
{
	HyApplication *self = HY_APPLICATION (object);
	g_clear_object (&self->session);
	g_clear_object (&self->settings);
	g_free (self->db_path);
	G_OBJECT_CLASS (hy_application_parent_class)->finalize (object);
}

static void
hy_application_class_init (HyApplicationClass *klass)
{
	GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
	G_OBJECT_CLASS (klass)->finalize = hy_application_finalize;
	app_class->handle_local_options = hy_application_handle_local_options;
	app_class->startup = hy_application_startup;
	app_class->activate = hy_application_activate;
}

static void
hy_application_init (HyApplication *self)
{
	const GOptionEntry entries[] = {
		{"db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
		 N_ ("The store database to open (remembered for the next start)"), N_ ("PATH")},
		{"demo", 0, 0, G_OPTION_ARG_NONE, NULL,
		 N_ ("Open the demo store (created the first time, admin password “huiyuan”)"),
		 NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version"), NULL},
		{NULL}};
	hy_ui_ensure_resources ();
	g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

HyApplication *
hy_application_new (void)
{
	/* one till, one process: several instances may run on one desktop for training */
	return g_object_new (HY_TYPE_APPLICATION, "application-id", HY_APPLICATION_ID, "flags",
			     G_APPLICATION_NON_UNIQUE, "resource-base-path", "/cn/huiyuan/Cashier",
			     NULL);
}
