#include "config.h"

#include <glib/gi18n.h>

#include "hy-receipt-dialog.h"
#include "hy-ui.h"

struct _HyReceiptDialog {
	GtkDialog parent_instance;
	GtkWidget *title_label;
	GtkWidget *receipt_label;
	GtkWidget *new_sale_button;
	gboolean reprint;
};

G_DEFINE_TYPE (HyReceiptDialog, hy_receipt_dialog, GTK_TYPE_DIALOG)

static void
hy_receipt_dialog_class_init (HyReceiptDialogClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-receipt-dialog.ui");
	gtk_widget_class_bind_template_child (widget_class, HyReceiptDialog, title_label);
	gtk_widget_class_bind_template_child (widget_class, HyReceiptDialog, receipt_label);
	gtk_widget_class_bind_template_child (widget_class, HyReceiptDialog, new_sale_button);
}

static void
hy_receipt_dialog_init (HyReceiptDialog *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

HyReceiptDialog *
hy_receipt_dialog_new (GtkWindow *parent, const gchar *text)
{
	HyReceiptDialog *self =
		g_object_new (HY_TYPE_RECEIPT_DIALOG, "transient-for", parent, NULL);
	gtk_label_set_text (GTK_LABEL (self->receipt_label), text);
	return self;
}

const gchar *
hy_receipt_dialog_get_text (HyReceiptDialog *self)
{
	return gtk_label_get_text (GTK_LABEL (self->receipt_label));
}

void
hy_receipt_dialog_set_reprint (HyReceiptDialog *self)
{
	self->reprint = TRUE;
	gtk_label_set_text (GTK_LABEL (self->title_label), _ ("Reprint"));
	gtk_button_set_label (GTK_BUTTON (self->new_sale_button), _ ("_Close"));
}

gboolean
hy_receipt_dialog_is_reprint (HyReceiptDialog *self)
{
	return self->reprint;
}

void
hy_receipt_dialog_show_refund (HyReceiptDialog *self, const gchar *summary)
{
	g_autofree gchar *text = g_strdup_printf (
		"%s\n\n%s", gtk_label_get_text (GTK_LABEL (self->receipt_label)), summary);
	gtk_label_set_text (GTK_LABEL (self->title_label), _ ("Refunded"));
	gtk_label_set_text (GTK_LABEL (self->receipt_label), text);
}
