/* Huiyuan UI: things every widget of the app shares. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HY_APPLICATION_ID "cn.huiyuan.Cashier"

/* Registers the app's GResource (templates, CSS, icon) once; every class_init that
 * loads a template calls it, so tests can build any widget on its own. */
void
hy_ui_ensure_resources (void);

/* The message a cashier sees for an error from the core: its reason, first letter
 * capitalised. */
gchar *
hy_ui_error_text (const GError *error);

G_END_DECLS
