/* Huiyuan: online backup and restore of a store database (SQLite backup API). */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* Copies the live database to `dest` consistently while it stays in use: written to a
 * temporary file beside `dest` and renamed into place, so `dest` is never half written. */
gboolean
hy_backup_to_file (HyDb *db, const gchar *dest, GError **error);

/* Replaces the content of the database at `db_path` with the backup, through the backup
 * API so connections that have it open (WAL) see the restored content consistently.
 * The backup must open as a Huiyuan database and verify without problems; otherwise
 * nothing is changed. */
gboolean
hy_backup_restore (const gchar *backup_path, const gchar *db_path, GError **error);

G_END_DECLS
