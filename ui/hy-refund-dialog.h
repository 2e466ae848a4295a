/* Huiyuan UI: the refund of any sale, whole or by line (退货): the sale found by its
 * number as the receipt prints it (or opened from the member's sales history), each
 * line with what is left to return and how many to return now, and what went back
 * (stored value, cash, points taken back) as the core reports it. The rules are
 * hy-refund's; the dialog runs its jobs on the session's worker and stays open with the
 * core's reason when it refuses. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_REFUND_DIALOG (hy_refund_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyRefundDialog, hy_refund_dialog, HY, REFUND_DIALOG, GtkDialog)

/* `sale`: a sale's id to load at once, or NULL for the cashier to type its number.
 * Signal "refunded" (gchar *summary): a refund went through; the dialog stays open
 * with the sale reloaded. GTK_RESPONSE_OK refunds the quantities chosen. */
HyRefundDialog *
hy_refund_dialog_new (GtkWindow *parent, HySession *session, const gchar *sale);
/* Finds the sale whose number (or its first characters) is typed. */
void
hy_refund_dialog_find (HyRefundDialog *self);
guint
hy_refund_dialog_get_busy (HyRefundDialog *self);
/* The reason of the last refusal, or NULL. */
const gchar *
hy_refund_dialog_get_error (HyRefundDialog *self);
/* What the last refund gave back, or NULL. */
const gchar *
hy_refund_dialog_get_result (HyRefundDialog *self);
/* The id of the sale shown, or NULL. */
const gchar *
hy_refund_dialog_get_sale_id (HyRefundDialog *self);
/* For tests: "sale_entry", "reason_entry", "all_button". */
GtkWidget *
hy_refund_dialog_get_field (HyRefundDialog *self, const gchar *name);
/* The quantity to return of sale line `line` (1-based; a GtkSpinButton), or NULL. */
GtkWidget *
hy_refund_dialog_get_line_spin (HyRefundDialog *self, guint line);

G_END_DECLS
