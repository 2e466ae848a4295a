/* Huiyuan UI: the members page: search, registration with the seed fields and the
 * store's custom fields (rendered by type), and the card's loss, unfreeze and
 * replacement. Every rule and check is the core's. */
#pragma once

#include <gtk/gtk.h>

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
/* The form's input for a registration field ("name", "phone"…, see
 * hy_member_field_names), "level", "card", or a custom field's key; NULL when there is
 * none (yet). */
GtkWidget *
hy_members_page_get_form_widget (HyMembersPage *self, const gchar *key);
guint
hy_members_page_get_busy (HyMembersPage *self);
/* The card number of the member shown, or NULL. */
const gchar *
hy_members_page_get_card_number (HyMembersPage *self);

G_END_DECLS
