/* Huiyuan: keeps a store enrolled with a relay in sync while the app runs, and says in
 * a status label how it goes: online, or offline and why, and what waits to be sent. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HY_TYPE_SYNC_STATUS (hy_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (HySyncStatus, hy_sync_status, HY, SYNC_STATUS, GObject)

/* Follows the relay for the database at `db_path` (its own connection), writing the
 * state into `label`. A store on its own only shows that it is. */
HySyncStatus *
hy_sync_status_new (const gchar *db_path, GtkLabel *label);

G_END_DECLS
