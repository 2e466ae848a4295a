#include "config.h"

#include <glib/gi18n.h>

#include "hy-settings.h"
#include "hy-ui.h"
#include "hy-wedge.h"
#include "hy-sync-status.h"
#include "hy-window.h"

struct _HyWindow {
	GtkApplicationWindow parent_instance;
	GtkWidget *header_bar;
	GtkWidget *menu_button;
	GtkWidget *info_bar;
	GtkWidget *info_label;
	GtkWidget *pages;
	GtkWidget *cashier_page;
	GtkWidget *members_page;
	GtkWidget *operator_label;
	GtkWidget *store_label;
	GtkWidget *terminal_label;
	GtkWidget *sync_label;
	HySyncStatus *sync_status;
	GtkWidget *db_label;
	HySession *session;
	HyWedge *wedge;
	GSettings *settings;
};

G_DEFINE_TYPE (HyWindow, hy_window, GTK_TYPE_APPLICATION_WINDOW)

void
hy_window_show_error (HyWindow *self, const gchar *message)
{
	if (message == NULL) {
		gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
		return;
	}
	gtk_label_set_text (GTK_LABEL (self->info_label), message);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
}

const gchar *
hy_window_get_error (HyWindow *self)
{
	if (!gtk_info_bar_get_revealed (GTK_INFO_BAR (self->info_bar)))
		return NULL;
	return gtk_label_get_text (GTK_LABEL (self->info_label));
}

static void
hy_window_info_bar_response_cb (GtkInfoBar *info_bar, gint response, HyWindow *self)
{
	gtk_info_bar_set_revealed (info_bar, FALSE);
}

static void
hy_window_page_error_cb (GtkWidget *page, const gchar *message, HyWindow *self)
{
	hy_window_show_error (self, message);
}

/* ---- the card reader ---- */

static gboolean
hy_window_is_end_key (guint keyval)
{
	return keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter ||
	       keyval == GDK_KEY_ISO_Enter || keyval == GDK_KEY_Tab;
}

/* A code from the reader's own device: its characters never reached the focused field.
 * A member card goes to the lookup; an item barcode while the item field has focus is
 * typed there, and its Enter goes on to add the item. */
static gboolean
hy_window_reader_code (HyWindow *self, const gchar *code)
{
	GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
	g_debug ("reader device sent %u characters", (guint) strlen (code));
	if (hy_cashier_page_route_burst (HY_CASHIER_PAGE (self->cashier_page), focus, code)) {
		gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
		return GDK_EVENT_STOP;
	}
	if (focus != NULL && GTK_IS_EDITABLE (focus)) {
		gint position = gtk_editable_get_position (GTK_EDITABLE (focus));
		gtk_editable_insert_text (GTK_EDITABLE (focus), code, -1, &position);
		gtk_editable_set_position (GTK_EDITABLE (focus), position);
	}
	return GDK_EVENT_PROPAGATE;
}

/* Keys from the reader's device (GSettings reader-device) are the reader's at any
 * speed: held back from the focused field until Enter says where they go. */
static gboolean
hy_window_reader_key (HyWindow *self, GdkEventKey *event)
{
	gunichar ch;
	if (hy_window_is_end_key (event->keyval)) {
		g_autofree gchar *code = hy_wedge_feed_reader_end (self->wedge);
		return code != NULL ? hy_window_reader_code (self, code) : GDK_EVENT_PROPAGATE;
	}
	ch = gdk_keyval_to_unicode (event->keyval);
	if (ch != 0 && g_unichar_isprint (ch) &&
	    (event->state & (GDK_CONTROL_MASK | GDK_MOD1_MASK)) == 0) {
		hy_wedge_feed_reader_char (self->wedge, ch);
		return GDK_EVENT_STOP;
	}
	return GDK_EVENT_PROPAGATE;
}

static gboolean
hy_window_key_press_cb (GtkWidget *widget, GdkEventKey *event, HyWindow *self)
{
	GdkDevice *source = gdk_event_get_source_device ((GdkEvent *) event);
	gunichar ch;
	if (event->is_modifier)
		return GDK_EVENT_PROPAGATE;
	if (source != NULL && hy_wedge_is_reader (self->wedge, gdk_device_get_name (source)))
		return hy_window_reader_key (self, event);
	if (hy_window_is_end_key (event->keyval)) {
		g_autofree gchar *code = hy_wedge_feed_end (self->wedge, event->time);
		/* the name to give reader-device, for the reader that typed this */
		g_debug ("Enter from input device “%s”",
			 source != NULL ? gdk_device_get_name (source) : "");
		if (code == NULL)
			return GDK_EVENT_PROPAGATE;
		g_debug ("reader burst of %u characters", (guint) strlen (code));
		if (!hy_cashier_page_route_burst (HY_CASHIER_PAGE (self->cashier_page),
						  gtk_window_get_focus (GTK_WINDOW (self)), code))
			return GDK_EVENT_PROPAGATE;
		/* a swipe on any page is a customer at the till */
		gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
		return GDK_EVENT_STOP;
	}
	ch = gdk_keyval_to_unicode (event->keyval);
	if (ch != 0 && g_unichar_isprint (ch) &&
	    (event->state & (GDK_CONTROL_MASK | GDK_MOD1_MASK)) == 0)
		hy_wedge_feed_char (self->wedge, ch, event->time);
	else
		hy_wedge_reset (self->wedge);
	return GDK_EVENT_PROPAGATE;
}

static void
hy_window_reader_device_changed_cb (GSettings *settings, const gchar *key, HyWindow *self)
{
	g_autofree gchar *device = g_settings_get_string (settings, HY_SETTINGS_READER_DEVICE);
	hy_wedge_set_device (self->wedge, device);
}

/* ---- actions ---- */

static void
hy_window_focus_lookup_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_focus_lookup (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_focus_item_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_focus_item (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_pay_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_pay (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_reprint_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_reprint (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_deduct_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_deduct (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_refund_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->cashier_page);
	hy_cashier_page_refund_sale (HY_CASHIER_PAGE (self->cashier_page), NULL);
}

static void
hy_window_new_sale_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	hy_cashier_page_new_sale (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_show_page_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	const gchar *name = g_variant_get_string (param, NULL);
	gtk_stack_set_visible_child_name (GTK_STACK (self->pages), name);
	if (g_str_equal (name, "cashier"))
		hy_cashier_page_focus_lookup (HY_CASHIER_PAGE (self->cashier_page));
}

static void
hy_window_new_member_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
	HyWindow *self = HY_WINDOW (user_data);
	gtk_stack_set_visible_child (GTK_STACK (self->pages), self->members_page);
	hy_members_page_start_registration (HY_MEMBERS_PAGE (self->members_page));
}

static const GActionEntry hy_window_actions[] = {
	{"show-page", hy_window_show_page_activated, "s"},
	{"new-member", hy_window_new_member_activated},
	{"focus-lookup", hy_window_focus_lookup_activated},
	{"focus-item", hy_window_focus_item_activated},
	{"pay", hy_window_pay_activated},
	{"new-sale", hy_window_new_sale_activated},
	{"reprint", hy_window_reprint_activated},
	{"deduct", hy_window_deduct_activated},
	{"refund", hy_window_refund_activated},
};

/* ---- status ---- */

static void
hy_window_setup_status (HyWindow *self)
{
	const HyActor *actor = hy_session_get_actor (self->session);
	const HyStore *store = hy_session_get_store (self->session);
	g_autofree gchar *op = NULL;
	g_autofree gchar *st = NULL;
	g_autofree gchar *term = NULL;
	g_autofree gchar *terminal_id = NULL;

	if (actor != NULL) {
		op = g_strdup_printf (_ ("Operator: %s (%s)"), hy_actor_get_login (actor),
				      hy_actor_get_role (actor));
		/* ids are long; the first characters tell terminals apart at a glance */
		terminal_id = g_strndup (hy_actor_get_terminal_id (actor), 8);
		term = g_strdup_printf (_ ("Terminal: %s"), terminal_id);
	}
	if (store != NULL) {
		st = g_strdup_printf (_ ("Store: %s (%s)"), store->name, store->code);
		gtk_header_bar_set_subtitle (GTK_HEADER_BAR (self->header_bar), store->name);
	}
	gtk_label_set_text (GTK_LABEL (self->operator_label), op != NULL ? op : "");
	gtk_label_set_text (GTK_LABEL (self->store_label), st != NULL ? st : "");
	gtk_label_set_text (GTK_LABEL (self->terminal_label), term != NULL ? term : "");
	gtk_label_set_text (GTK_LABEL (self->db_label), hy_session_get_db_path (self->session));
	/* a store in a chain follows its relay while the window is open */
	if (self->sync_status == NULL && hy_session_get_db_path (self->session) != NULL)
		self->sync_status = hy_sync_status_new (hy_session_get_db_path (self->session),
							GTK_LABEL (self->sync_label));
}

static void
hy_window_dispose (GObject *object)
{
	HyWindow *self = HY_WINDOW (object);
	g_clear_object (&self->sync_status);
	if (self->settings != NULL && gtk_widget_get_realized (GTK_WIDGET (self))) {
		gint width = 0, height = 0;
		gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
		gtk_window_get_size (GTK_WINDOW (self), &width, &height);
		g_settings_set_boolean (self->settings, HY_SETTINGS_WINDOW_MAXIMIZED, maximized);
		if (!maximized) {
			g_settings_set_int (self->settings, HY_SETTINGS_WINDOW_WIDTH, width);
			g_settings_set_int (self->settings, HY_SETTINGS_WINDOW_HEIGHT, height);
		}
	}
	g_clear_object (&self->settings);
	g_clear_object (&self->session);
	g_clear_object (&self->wedge);
	G_OBJECT_CLASS (hy_window_parent_class)->dispose (object);
}

static void
hy_window_class_init (HyWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

	object_class->dispose = hy_window_dispose;
	g_type_ensure (HY_TYPE_CASHIER_PAGE);
	g_type_ensure (HY_TYPE_MEMBERS_PAGE);
	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-window.ui");
	gtk_widget_class_bind_template_child (widget_class, HyWindow, header_bar);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, menu_button);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, info_bar);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, info_label);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, pages);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, cashier_page);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, members_page);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, operator_label);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, store_label);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, terminal_label);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, sync_label);
	gtk_widget_class_bind_template_child (widget_class, HyWindow, db_label);
	gtk_widget_class_bind_template_callback (widget_class, hy_window_info_bar_response_cb);
}

static void
hy_window_init (HyWindow *self)
{
	g_autoptr (GtkBuilder) builder = NULL;
	gtk_widget_init_template (GTK_WIDGET (self));
	g_action_map_add_action_entries (G_ACTION_MAP (self), hy_window_actions,
					 G_N_ELEMENTS (hy_window_actions), self);
	builder = gtk_builder_new_from_resource ("/cn/huiyuan/Cashier/gtk/menus.ui");
	gtk_menu_button_set_menu_model (
		GTK_MENU_BUTTON (self->menu_button),
		G_MENU_MODEL (gtk_builder_get_object (builder, "primary-menu")));
	g_signal_connect (self->cashier_page, "show-error", G_CALLBACK (hy_window_page_error_cb),
			  self);
	g_signal_connect (self->members_page, "show-error", G_CALLBACK (hy_window_page_error_cb),
			  self);
	/* before the focused widget sees the key: a reader's Enter must not reach it */
	g_signal_connect (self, "key-press-event", G_CALLBACK (hy_window_key_press_cb), self);
}

HyWindow *
hy_window_new (GtkApplication *application, HySession *session)
{
	HyWindow *self = g_object_new (HY_TYPE_WINDOW, "application", application, NULL);
	g_autoptr (GSettingsSchema) schema = NULL;
	GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
	guint gap = HY_WEDGE_DEFAULT_MAX_GAP_MS;

	self->session = g_object_ref (session);
	/* the window works without the installed schema (e.g. run from the build tree) */
	if (source != NULL)
		schema = g_settings_schema_source_lookup (source, HY_APPLICATION_ID, TRUE);
	if (schema != NULL) {
		self->settings = g_settings_new (HY_APPLICATION_ID);
		gap = g_settings_get_uint (self->settings, HY_SETTINGS_WEDGE_MAX_GAP_MS);
		gtk_window_set_default_size (
			GTK_WINDOW (self),
			g_settings_get_int (self->settings, HY_SETTINGS_WINDOW_WIDTH),
			g_settings_get_int (self->settings, HY_SETTINGS_WINDOW_HEIGHT));
		if (g_settings_get_boolean (self->settings, HY_SETTINGS_WINDOW_MAXIMIZED))
			gtk_window_maximize (GTK_WINDOW (self));
	}
	self->wedge = hy_wedge_new (gap, HY_WEDGE_DEFAULT_MIN_LENGTH);
	if (self->settings != NULL) {
		hy_window_reader_device_changed_cb (self->settings, HY_SETTINGS_READER_DEVICE,
						    self);
		g_signal_connect (self->settings, "changed::" HY_SETTINGS_READER_DEVICE,
				  G_CALLBACK (hy_window_reader_device_changed_cb), self);
	}
	hy_cashier_page_set_session (HY_CASHIER_PAGE (self->cashier_page), session);
	hy_members_page_set_session (HY_MEMBERS_PAGE (self->members_page), session);
	hy_window_setup_status (self);
	hy_cashier_page_focus_lookup (HY_CASHIER_PAGE (self->cashier_page));
	return self;
}

HyCashierPage *
hy_window_get_cashier_page (HyWindow *self)
{
	return HY_CASHIER_PAGE (self->cashier_page);
}

HyMembersPage *
hy_window_get_members_page (HyWindow *self)
{
	return HY_MEMBERS_PAGE (self->members_page);
}

void
hy_window_show_page (HyWindow *self, const gchar *name)
{
	gtk_stack_set_visible_child_name (GTK_STACK (self->pages), name);
}
