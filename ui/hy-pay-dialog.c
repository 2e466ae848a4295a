#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-format.h"
#include "hy-pay-dialog.h"
#include "hy-ui.h"

struct _HyPayDialog {
	GtkDialog parent_instance;
	GtkWidget *info_bar;
	GtkWidget *error_label;
	GtkWidget *due_label;
	GtkWidget *cash_entry;
	GtkWidget *balance_caption;
	GtkWidget *balance_entry;
	GtkWidget *balance_hint_label;
	GtkWidget *change_caption;
	GtkWidget *change_label;
	GtkWidget *pin_box;
	GtkWidget *pin_entry;
	GtkWidget *pin_pad;
	GtkWidget *pay_button;
	gint64 due;
	gint64 balance;
	gboolean needs_pin;
};

G_DEFINE_TYPE (HyPayDialog, hy_pay_dialog, GTK_TYPE_DIALOG)

static gchar *
hy_pay_dialog_plain_amount (gint64 fen)
{
	return g_strdup_printf ("%" PRId64 ".%02d", fen / 100, (gint) (fen % 100));
}

static void
hy_pay_dialog_amount_changed_cb (HyPayDialog *self)
{
	gint64 cash = 0, balance = 0;
	g_autofree gchar *text = NULL;
	gboolean ok =
		hy_parse_money (gtk_entry_get_text (GTK_ENTRY (self->cash_entry)), &cash) &&
		hy_parse_money (gtk_entry_get_text (GTK_ENTRY (self->balance_entry)), &balance);
	if (!ok) {
		gtk_label_set_text (GTK_LABEL (self->change_caption), _ ("Change"));
		gtk_label_set_text (GTK_LABEL (self->change_label), "—");
		return;
	}
	if (cash + balance >= self->due) {
		gtk_label_set_text (GTK_LABEL (self->change_caption), _ ("Change"));
		text = hy_format_money (cash + balance - self->due);
	} else {
		gtk_label_set_text (GTK_LABEL (self->change_caption), _ ("Still due"));
		text = hy_format_money (self->due - cash - balance);
	}
	gtk_label_set_text (GTK_LABEL (self->change_label), text);
}

static void
hy_pay_dialog_cash_activate_cb (HyPayDialog *self)
{
	if (gtk_widget_get_visible (self->balance_entry))
		gtk_widget_grab_focus (self->balance_entry);
	else
		gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

static void
hy_pay_dialog_balance_activate_cb (HyPayDialog *self)
{
	gint64 balance = 0;
	if (self->needs_pin &&
	    hy_parse_money (gtk_entry_get_text (GTK_ENTRY (self->balance_entry)), &balance) &&
	    balance > 0)
		gtk_widget_grab_focus (self->pin_entry);
	else
		gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

static void
hy_pay_dialog_pin_activate_cb (HyPayDialog *self)
{
	gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

static void
hy_pay_dialog_pin_key_cb (GtkButton *button, HyPayDialog *self)
{
	const gchar *key = g_object_get_data (G_OBJECT (button), "hy-key");
	GtkEditable *pin = GTK_EDITABLE (self->pin_entry);
	gint len = (gint) strlen (gtk_entry_get_text (GTK_ENTRY (self->pin_entry)));
	if (g_str_equal (key, "clear")) {
		gtk_editable_delete_text (pin, 0, -1);
	} else if (g_str_equal (key, "back")) {
		if (len > 0)
			gtk_editable_delete_text (pin, len - 1, len);
	} else {
		gint pos = len;
		gtk_editable_insert_text (pin, key, -1, &pos);
	}
	gtk_editable_set_position (pin, -1);
}

static void
hy_pay_dialog_setup_pin_pad (HyPayDialog *self)
{
	static const gchar *const keys[] = {"1", "2", "3", "4",	    "5", "6",
					    "7", "8", "9", "clear", "0", "back"};
	for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
		GtkWidget *button;
		if (g_str_equal (keys[i], "clear")) {
			button = gtk_button_new_with_label (C_ ("PIN pad", "C"));
			gtk_widget_set_tooltip_text (button, _ ("Clear the PIN"));
		} else if (g_str_equal (keys[i], "back")) {
			button = gtk_button_new_from_icon_name ("edit-clear-symbolic",
								GTK_ICON_SIZE_BUTTON);
			gtk_widget_set_tooltip_text (button, _ ("Delete the last digit"));
		} else {
			button = gtk_button_new_with_label (keys[i]);
		}
		/* the pad is for the mouse or a touch screen; the keyboard types the PIN */
		gtk_widget_set_can_focus (button, FALSE);
		g_object_set_data (G_OBJECT (button), "hy-key", (gpointer) keys[i]);
		g_signal_connect (button, "clicked", G_CALLBACK (hy_pay_dialog_pin_key_cb), self);
		gtk_grid_attach (GTK_GRID (self->pin_pad), button, (gint) (i % 3), (gint) (i / 3),
				 1, 1);
		gtk_widget_show (button);
	}
}

static gboolean
hy_pay_dialog_parse (GtkWidget *entry, const gchar *what, gint64 *fen, GError **error)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (entry));
	if (!hy_parse_money (text, fen)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: “%s” is not an amount of yuan (for example 12.50)"), what,
			     text);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_pay_dialog_get_tenders (HyPayDialog *self, GArray *tenders, GError **error)
{
	gint64 cash = 0, balance = 0;
	if (!hy_pay_dialog_parse (self->cash_entry, _ ("Cash"), &cash, error))
		return FALSE;
	if (gtk_widget_get_visible (self->balance_entry) &&
	    !hy_pay_dialog_parse (self->balance_entry, _ ("Stored value"), &balance, error))
		return FALSE;
	if (cash > 0) {
		HyTender t = {HY_TENDER_CASH, cash, NULL};
		g_array_append_val (tenders, t);
	}
	if (balance > 0) {
		HyTender t = {HY_TENDER_BALANCE, balance, NULL};
		g_array_append_val (tenders, t);
	}
	return TRUE;
}

const gchar *
hy_pay_dialog_get_pin (HyPayDialog *self)
{
	const gchar *pin = gtk_entry_get_text (GTK_ENTRY (self->pin_entry));
	if (!self->needs_pin || pin[0] == '\0')
		return NULL;
	return pin;
}

void
hy_pay_dialog_show_error (HyPayDialog *self, const gchar *message)
{
	gtk_label_set_text (GTK_LABEL (self->error_label), message);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
	/* a wrong PIN is typed again from the start */
	gtk_editable_delete_text (GTK_EDITABLE (self->pin_entry), 0, -1);
}

void
hy_pay_dialog_set_busy (HyPayDialog *self, gboolean busy)
{
	gtk_widget_set_sensitive (gtk_dialog_get_content_area (GTK_DIALOG (self)), !busy);
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, !busy);
}

static void
hy_pay_dialog_class_init (HyPayDialogClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-pay-dialog.ui");
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, info_bar);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, error_label);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, due_label);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, cash_entry);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, balance_caption);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, balance_entry);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, balance_hint_label);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, change_caption);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, change_label);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, pin_box);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, pin_entry);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, pin_pad);
	gtk_widget_class_bind_template_child (widget_class, HyPayDialog, pay_button);
	gtk_widget_class_bind_template_callback (widget_class, hy_pay_dialog_amount_changed_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_pay_dialog_cash_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_pay_dialog_balance_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_pay_dialog_pin_activate_cb);
}

static void
hy_pay_dialog_init (HyPayDialog *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	hy_pay_dialog_setup_pin_pad (self);
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

HyPayDialog *
hy_pay_dialog_new (GtkWindow *parent, gint64 due, gint64 balance, gboolean needs_pin)
{
	HyPayDialog *self = g_object_new (HY_TYPE_PAY_DIALOG, "transient-for", parent, NULL);
	g_autofree gchar *due_text = hy_format_money (due);
	self->due = due;
	self->balance = balance;
	self->needs_pin = needs_pin;
	gtk_label_set_text (GTK_LABEL (self->due_label), due_text);
	if (balance < 0) {
		g_autofree gchar *cash = hy_pay_dialog_plain_amount (due);
		gtk_widget_hide (self->balance_caption);
		gtk_widget_hide (self->balance_entry);
		gtk_widget_hide (self->balance_hint_label);
		gtk_entry_set_text (GTK_ENTRY (self->cash_entry), cash);
	} else {
		g_autofree gchar *available = hy_format_money (balance);
		g_autofree gchar *hint = g_strdup_printf (_ ("%s available"), available);
		gint64 from_balance = MIN (balance, due);
		g_autofree gchar *cash = hy_pay_dialog_plain_amount (due - from_balance);
		g_autofree gchar *bal = hy_pay_dialog_plain_amount (from_balance);
		gtk_label_set_text (GTK_LABEL (self->balance_hint_label), hint);
		/* stored value first, the rest in cash: what members usually ask for */
		gtk_entry_set_text (GTK_ENTRY (self->balance_entry), from_balance > 0 ? bal : "");
		gtk_entry_set_text (GTK_ENTRY (self->cash_entry), due > from_balance ? cash : "");
	}
	gtk_widget_set_visible (self->pin_box, needs_pin);
	hy_pay_dialog_amount_changed_cb (self);
	gtk_widget_grab_focus (self->cash_entry);
	return self;
}
