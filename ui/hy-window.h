/* Huiyuan UI: the main window: the cashier page, the info bar for errors and the status
 * area (operator, store, terminal). It routes a card reader's burst to the lookup. */
#pragma once

#include <gtk/gtk.h>

#include "hy-cashier-page.h"
#include "hy-members-page.h"
#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_WINDOW (hy_window_get_type ())
G_DECLARE_FINAL_TYPE (HyWindow, hy_window, HY, WINDOW, GtkApplicationWindow)

HyWindow *
hy_window_new (GtkApplication *application, HySession *session);
HyCashierPage *
hy_window_get_cashier_page (HyWindow *self);
HyMembersPage *
hy_window_get_members_page (HyWindow *self);
/* "cashier" or "members" */
void
hy_window_show_page (HyWindow *self, const gchar *name);
/* Shows `message` in the info bar; NULL hides it. */
void
hy_window_show_error (HyWindow *self, const gchar *message);
/* The info bar's message while it shows, else NULL. */
const gchar *
hy_window_get_error (HyWindow *self);

G_END_DECLS
