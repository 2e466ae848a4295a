/* Huiyuan UI: the cashier page: find the member, fill the cart, take the payment. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_CASHIER_PAGE (hy_cashier_page_get_type ())
G_DECLARE_FINAL_TYPE (HyCashierPage, hy_cashier_page, HY, CASHIER_PAGE, GtkBox)

void
hy_cashier_page_set_session (HyCashierPage *self, HySession *session);

void
hy_cashier_page_focus_lookup (HyCashierPage *self);
void
hy_cashier_page_focus_item (HyCashierPage *self);
/* A card or barcode read by a reader: looked up at once, wherever focus was. */
void
hy_cashier_page_lookup (HyCashierPage *self, const gchar *query);
/* A reader's burst ended with Enter while `focus` had the focus: a member card goes to
 * the lookup (its characters taken back out of the focused field); an item barcode
 * scanned into the item field stays there. TRUE when the page took it. */
gboolean
hy_cashier_page_route_burst (HyCashierPage *self, GtkWidget *focus, const gchar *code);
void
hy_cashier_page_pay (HyCashierPage *self);
void
hy_cashier_page_new_sale (HyCashierPage *self);
/* Shows the receipt of this till's last sale again. */
void
hy_cashier_page_reprint (HyCashierPage *self);
/* The direct deduction dialog for the member shown (an error when there is none). */
void
hy_cashier_page_deduct (HyCashierPage *self);
GtkDialog *
hy_cashier_page_get_deduct_dialog (HyCashierPage *self);
/* The refund dialog (hy-refund-dialog) for any sale: `sale` (an id) loaded at once, or
 * NULL for the cashier to type the receipt's number. */
void
hy_cashier_page_refund_sale (HyCashierPage *self, const gchar *sale);
GtkDialog *
hy_cashier_page_get_refund_dialog (HyCashierPage *self);

/* Jobs running on the session's worker for this page (tests wait for 0). */
guint
hy_cashier_page_get_busy (HyCashierPage *self);
/* The payment or receipt dialog while it is open, else NULL. */
GtkDialog *
hy_cashier_page_get_pay_dialog (HyCashierPage *self);
GtkDialog *
hy_cashier_page_get_receipt_dialog (HyCashierPage *self);
/* The card number of the member shown, or NULL. */
const gchar *
hy_cashier_page_get_card_number (HyCashierPage *self);
guint
hy_cashier_page_get_n_cart_lines (HyCashierPage *self);
/* The list of items matching the pinyin typed in the item field (GtkListBox; activate a
 * row to add it), or NULL when it is not shown. */
GtkWidget *
hy_cashier_page_get_item_choices (HyCashierPage *self);
/* The priced total in fen, or -1 while the cart is being priced. */
gint64
hy_cashier_page_get_total (HyCashierPage *self);

G_END_DECLS
