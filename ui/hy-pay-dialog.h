/* Huiyuan UI: the payment dialog: cash with change, stored value behind the card's
 * spending PIN (typed on the keyboard or the on-screen pad). It only collects the
 * tenders; the sale itself is the core's hy_checkout_sell. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HY_TYPE_PAY_DIALOG (hy_pay_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyPayDialog, hy_pay_dialog, HY, PAY_DIALOG, GtkDialog)

/* `balance`: the member's stored value, or -1 when the customer is not a member. */
HyPayDialog *
hy_pay_dialog_new (GtkWindow *parent, gint64 due, gint64 balance, gboolean needs_pin);

/* The tenders typed (HyTender, amounts in fen, zero amounts left out). */
gboolean
hy_pay_dialog_get_tenders (HyPayDialog *self, GArray *tenders, GError **error);
/* The PIN typed, or NULL when none was asked or typed. */
const gchar *
hy_pay_dialog_get_pin (HyPayDialog *self);

void
hy_pay_dialog_show_error (HyPayDialog *self, const gchar *message);
void
hy_pay_dialog_set_busy (HyPayDialog *self, gboolean busy);

G_END_DECLS
