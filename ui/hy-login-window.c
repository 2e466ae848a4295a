#include "config.h"

#include <glib/gi18n.h>

#include "hy-login-window.h"
#include "hy-ui.h"

struct _HyLoginWindow {
	GtkApplicationWindow parent_instance;
	GtkWidget *store_label;
	GtkWidget *operator_entry;
	GtkWidget *password_entry;
	GtkWidget *error_revealer;
	GtkWidget *error_label;
	GtkWidget *spinner;
	GtkWidget *sign_in_button;
	HySession *session;
	GCancellable *cancellable;
	gboolean ready;
	gboolean busy;
};

enum { SIGNAL_SIGNED_IN, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyLoginWindow, hy_login_window, GTK_TYPE_APPLICATION_WINDOW)

static void
hy_login_window_show_error (HyLoginWindow *self, const gchar *message)
{
	gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
	gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), message != NULL);
}

static void
hy_login_window_set_busy (HyLoginWindow *self, gboolean busy)
{
	self->busy = busy;
	if (busy)
		gtk_spinner_start (GTK_SPINNER (self->spinner));
	else
		gtk_spinner_stop (GTK_SPINNER (self->spinner));
	gtk_widget_set_sensitive (self->sign_in_button, self->ready && !busy);
	gtk_widget_set_sensitive (self->operator_entry, !busy);
	gtk_widget_set_sensitive (self->password_entry, !busy);
}

gboolean
hy_login_window_is_ready (HyLoginWindow *self)
{
	return self->ready && !self->busy;
}

static void
hy_login_window_login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyLoginWindow) self = user_data;
	g_autoptr (GError) error = NULL;

	hy_login_window_set_busy (self, FALSE);
	if (!hy_session_login_finish (HY_SESSION (source), result, &error)) {
		g_autofree gchar *text = NULL;
		if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		text = hy_ui_error_text (error);
		hy_login_window_show_error (self, text);
		gtk_entry_set_text (GTK_ENTRY (self->password_entry), "");
		gtk_widget_grab_focus (self->password_entry);
		return;
	}
	g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
}

void
hy_login_window_sign_in (HyLoginWindow *self, const gchar *operator, const gchar * password)
{
	g_autofree gchar *login = g_strstrip (g_strdup (operator));
	if (!self->ready || self->busy)
		return;
	if (login[0] == '\0') {
		hy_login_window_show_error (self, _ ("Type your operator login name."));
		gtk_widget_grab_focus (self->operator_entry);
		return;
	}
	hy_login_window_show_error (self, NULL);
	hy_login_window_set_busy (self, TRUE);
	hy_session_login_async (self->session, login, password, self->cancellable,
				hy_login_window_login_cb, g_object_ref (self));
}

static void
hy_login_window_sign_in_cb (HyLoginWindow *self)
{
	hy_login_window_sign_in (self, gtk_entry_get_text (GTK_ENTRY (self->operator_entry)),
				 gtk_entry_get_text (GTK_ENTRY (self->password_entry)));
}

static void
hy_login_window_operator_activate_cb (HyLoginWindow *self)
{
	gtk_widget_grab_focus (self->password_entry);
}

static void
hy_login_window_open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyLoginWindow) self = user_data;
	g_autoptr (GError) error = NULL;
	const HyStore *store;
	g_autofree gchar *text = NULL;

	hy_login_window_set_busy (self, FALSE);
	if (!hy_session_open_finish (HY_SESSION (source), result, &error)) {
		g_autofree gchar *reason = NULL;
		if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		reason = hy_ui_error_text (error);
		gtk_label_set_text (GTK_LABEL (self->store_label),
				    _ ("The store database cannot be opened."));
		hy_login_window_show_error (self, reason);
		return;
	}
	store = hy_session_get_store (HY_SESSION (source));
	text = g_strdup_printf (_ ("%s · store %s"), store->name, store->code);
	gtk_label_set_text (GTK_LABEL (self->store_label), text);
	self->ready = TRUE;
	hy_login_window_set_busy (self, FALSE);
	if (gtk_entry_get_text_length (GTK_ENTRY (self->operator_entry)) > 0)
		gtk_widget_grab_focus (self->password_entry);
	else
		gtk_widget_grab_focus (self->operator_entry);
}

static void
hy_login_window_dispose (GObject *object)
{
	HyLoginWindow *self = HY_LOGIN_WINDOW (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_login_window_parent_class)->dispose (object);
}

static void
hy_login_window_class_init (HyLoginWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

	object_class->dispose = hy_login_window_dispose;
	signals[SIGNAL_SIGNED_IN] =
		g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 0);
	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-login-window.ui");
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, store_label);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, operator_entry);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, password_entry);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, error_revealer);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, error_label);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, spinner);
	gtk_widget_class_bind_template_child (widget_class, HyLoginWindow, sign_in_button);
	gtk_widget_class_bind_template_callback (widget_class, hy_login_window_sign_in_cb);
	gtk_widget_class_bind_template_callback (widget_class,
						 hy_login_window_operator_activate_cb);
}

static void
hy_login_window_init (HyLoginWindow *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	self->cancellable = g_cancellable_new ();
}

HyLoginWindow *
hy_login_window_new (GtkApplication *application, HySession *session, const gchar *operator)
{
	HyLoginWindow *self = g_object_new (HY_TYPE_LOGIN_WINDOW, "application", application, NULL);
	self->session = g_object_ref (session);
	gtk_entry_set_text (GTK_ENTRY (self->operator_entry), operator != NULL ? operator : "");
	hy_login_window_set_busy (self, TRUE);
	hy_session_open_async (session, self->cancellable, hy_login_window_open_cb,
			       g_object_ref (self));
	return self;
}
