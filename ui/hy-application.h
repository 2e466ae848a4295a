/* Huiyuan UI: the cashier application: options, actions, CSS, sign-in, main window. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HY_TYPE_APPLICATION (hy_application_get_type ())
G_DECLARE_FINAL_TYPE (HyApplication, hy_application, HY, APPLICATION, GtkApplication)

HyApplication *
hy_application_new (void);
/* The demo store of --demo: g_get_user_data_dir()/huiyuan/demo.db. */
gchar *
hy_application_demo_db_path (void);
/* What activation opens, as --db PATH (demo FALSE) or --demo (path NULL) would set it. */
void
hy_application_set_database (HyApplication *self, const gchar *path, gboolean demo);
/* Loads the app's CSS for the default screen (once). */
void
hy_application_load_css (void);

G_END_DECLS
