/* Huiyuan UI: the member panel's time-card section (计时): the card's open sessions,
 * each with a check-out, and a check-in by item code. Billing is hy-time's; this only
 * shows what it billed and asks for the spending PIN when stored value is charged. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_TIME_PANEL (hy_time_panel_get_type ())
G_DECLARE_FINAL_TYPE (HyTimePanel, hy_time_panel, HY, TIME_PANEL, GtkBox)

/* Signals: "show-error" (gchar *message, NULL to clear) and "billed" (a check-out
 * changed the card's balances: the page reloads the member). */
GtkWidget *
hy_time_panel_new (void);
void
hy_time_panel_set_session (HyTimePanel *self, HySession *session);
/* The card shown (NULL: none); its open sessions are read again. */
void
hy_time_panel_set_card (HyTimePanel *self, const gchar *card_number);
guint
hy_time_panel_get_busy (HyTimePanel *self);
/* For tests: the check-in entry, the sessions list, the PIN entry and the last bill. */
GtkWidget *
hy_time_panel_get_item_entry (HyTimePanel *self);
GtkWidget *
hy_time_panel_get_sessions_list (HyTimePanel *self);
GtkWidget *
hy_time_panel_get_pin_entry (HyTimePanel *self);
const gchar *
hy_time_panel_get_bill_text (HyTimePanel *self);

G_END_DECLS
