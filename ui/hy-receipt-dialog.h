/* Huiyuan UI: the receipt preview after a sale. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HY_TYPE_RECEIPT_DIALOG (hy_receipt_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyReceiptDialog, hy_receipt_dialog, HY, RECEIPT_DIALOG, GtkDialog)

HyReceiptDialog *
hy_receipt_dialog_new (GtkWindow *parent, const gchar *text);
const gchar *
hy_receipt_dialog_get_text (HyReceiptDialog *self);
/* A reprint: closing it goes back to the sale in progress instead of a new one. */
void
hy_receipt_dialog_set_reprint (HyReceiptDialog *self);
gboolean
hy_receipt_dialog_is_reprint (HyReceiptDialog *self);
/* The sale was refunded: what went back, under the receipt. */
void
hy_receipt_dialog_show_refund (HyReceiptDialog *self, const gchar *summary);

G_END_DECLS
