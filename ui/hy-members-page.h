/* Huiyuan UI: the members page: search, filters (hy-member-filter) and saved searches
 * (GSettings "saved-searches"), registration and editing with the seed fields
 * and the store's custom fields (rendered by type), the card's loss, unfreeze and
 * replacement, and the other card operations in their dialogs (hy-card-dialog). Every
 * rule and check is the core's. */
#pragma once

#include <gtk/gtk.h>

#include "hy-card-dialog.h"
#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_MEMBERS_PAGE (hy_members_page_get_type ())
G_DECLARE_FINAL_TYPE (HyMembersPage, hy_members_page, HY, MEMBERS_PAGE, GtkBox)

/* Also loads the levels and custom field definitions for the form. */
void
hy_members_page_set_session (HyMembersPage *self, HySession *session);
/* Shows the registration form. */
void
hy_members_page_start_registration (HyMembersPage *self);
/* Shows the same form filled with the member shown, to save changes
 * (hy_member_update); nothing when no member is shown. */
void
hy_members_page_start_edit (HyMembersPage *self);
/* Opens the dialog of a card operation on the card shown (NULL when none is). */
GtkDialog *
hy_members_page_open_card_dialog (HyMembersPage *self, HyCardDialogOp op);
/* Opens the recharge dialog (with the bonus preview) for the card shown. */
GtkDialog *
hy_members_page_open_recharge_dialog (HyMembersPage *self);
/* The card operation or recharge dialog open, or NULL. */
GtkDialog *
hy_members_page_get_card_dialog (HyMembersPage *self);
/* The form's input for a registration field ("name", "phone"…, see
 * hy_member_field_names), "level", "card", or a custom field's key; NULL when there is
 * none (yet). */
GtkWidget *
hy_members_page_get_form_widget (HyMembersPage *self, const gchar *key);
guint
hy_members_page_get_busy (HyMembersPage *self);
/* The filter's inputs and buttons: "level", "points-min", "points-max", "visited-from",
 * "visited-to", "visits-min", "visits-max", "birthday-month", "field-key",
 * "field-value", "apply", "clear", and the saved searches' "saved" (choice), "save-name",
 * "save", "delete". */
GtkWidget *
hy_members_page_get_filter_widget (HyMembersPage *self, const gchar *key);
/* The history tab's rows (each column a string): "sales", "entries" or "batches". */
GtkTreeModel *
hy_members_page_get_history (HyMembersPage *self, const gchar *tab);
/* The list showing a history tab's rows (GtkListBox); a row of "sales" activated opens
 * the refund of that sale (hy-refund-dialog). */
GtkWidget *
hy_members_page_get_history_list (HyMembersPage *self, const gchar *tab);
/* The refund dialog opened from the sales history, or NULL. */
GtkDialog *
hy_members_page_get_refund_dialog (HyMembersPage *self);
/* The card number of the member shown, or NULL. */
const gchar *
hy_members_page_get_card_number (HyMembersPage *self);

G_END_DECLS
