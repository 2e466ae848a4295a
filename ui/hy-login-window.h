/* Huiyuan UI: the sign-in window: opens the store database (creating the demo store
 * for --demo) and checks an operator's password, both off the main thread. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_LOGIN_WINDOW (hy_login_window_get_type ())
G_DECLARE_FINAL_TYPE (HyLoginWindow, hy_login_window, HY, LOGIN_WINDOW, GtkApplicationWindow)

/* Emits "signed-in" once the session has an operator. */
HyLoginWindow *
hy_login_window_new (GtkApplication *application, HySession *session, const gchar *operator);
/* TRUE once the database is open and a sign-in may be tried. */
gboolean
hy_login_window_is_ready (HyLoginWindow *self);
void
hy_login_window_sign_in (HyLoginWindow *self, const gchar *operator, const gchar * password);

G_END_DECLS
