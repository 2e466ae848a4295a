#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hy-backup.h"
#include "hy-error.h"
#include "hy-verify.h"

#define HY_BACKUP_BUSY_TIMEOUT_MS 5000
#define HY_BACKUP_BUSY_RETRIES	  100
#define HY_BACKUP_BUSY_SLEEP_MS	  50

/* Copies `src` into `dst` in one step, waiting out short locks held by other
 * connections; the error is read from the destination handle. */
static gboolean
hy_backup_copy (sqlite3 *dst, sqlite3 *src, GError **error)
{
	sqlite3_backup *backup = sqlite3_backup_init (dst, "main", src, "main");
	gint rc;

	if (backup == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot start the copy: %s"),
			     sqlite3_errmsg (dst));
		return FALSE;
	}
	for (guint tries = 0;; tries++) {
		rc = sqlite3_backup_step (backup, -1);
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < HY_BACKUP_BUSY_RETRIES) {
			sqlite3_sleep (HY_BACKUP_BUSY_SLEEP_MS);
			continue;
		}
		break;
	}
	/* finish releases the locks and reports the first error of the steps */
	sqlite3_backup_finish (backup);
	if (rc != SQLITE_DONE) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("copy failed: %s"),
			     rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? sqlite3_errstr (rc)
								      : sqlite3_errmsg (dst));
		return FALSE;
	}
	return TRUE;
}

static void
hy_backup_remove_partial (const gchar *path)
{
	g_autofree gchar *journal = g_strconcat (path, "-journal", NULL);
	g_unlink (path);
	g_unlink (journal);
}

gboolean
hy_backup_to_file (HyDb *db, const gchar *dest, GError **error)
{
	g_autofree gchar *tmp = NULL;
	sqlite3 *dst = NULL;
	gboolean ok;
	gint fd;

	g_return_val_if_fail (dest != NULL, FALSE);
	/* a backup from inside a write transaction would copy uncommitted work */
	g_return_val_if_fail (!hy_db_in_transaction (db), FALSE);

	tmp = g_strdup_printf ("%s.XXXXXX", dest);
	fd = g_mkstemp (tmp);
	if (fd < 0) {
		gint saved = errno;
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     _ ("cannot create a file beside %s: %s"), dest, g_strerror (saved));
		return FALSE;
	}
	close (fd);

	if (sqlite3_open_v2 (tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot open %s: %s"), tmp,
			     dst != NULL ? sqlite3_errmsg (dst) : "out of memory");
		sqlite3_close (dst);
		hy_backup_remove_partial (tmp);
		return FALSE;
	}
	ok = hy_backup_copy (dst, hy_db_get_handle (db), error);
	if (sqlite3_close (dst) != SQLITE_OK && ok) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot close %s"), tmp);
		ok = FALSE;
	}
	if (!ok) {
		hy_backup_remove_partial (tmp);
		g_prefix_error (error, _ ("backing up %s to %s: "), hy_db_get_path (db), dest);
		return FALSE;
	}
	/* the rename makes the new backup appear whole or not at all */
	if (g_rename (tmp, dest) != 0) {
		gint saved = errno;
		hy_backup_remove_partial (tmp);
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     _ ("cannot move the backup to %s: %s"), dest, g_strerror (saved));
		return FALSE;
	}
	return TRUE;
}

/* The backup must be a Huiyuan database that verifies clean. */
static HyDb *
hy_backup_open_checked (const gchar *backup_path, GError **error)
{
	g_autoptr (HyDb) backup = hy_db_open (backup_path, HY_DB_OPEN_READONLY, error);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	if (backup == NULL)
		return NULL;
	if (!hy_verify (backup, problems, error))
		return NULL;
	if (problems->len > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_VERIFY_FAILED,
			     _ ("%s fails verification (problems: %u; the first: %s)"), backup_path,
			     problems->len, (const gchar *) g_ptr_array_index (problems, 0));
		return NULL;
	}
	return g_steal_pointer (&backup);
}

gboolean
hy_backup_restore (const gchar *backup_path, const gchar *db_path, GError **error)
{
	g_autoptr (HyDb) backup = NULL;
	sqlite3 *target = NULL;
	gboolean ok;

	g_return_val_if_fail (backup_path != NULL && db_path != NULL, FALSE);
	backup = hy_backup_open_checked (backup_path, error);
	if (backup == NULL) {
		g_prefix_error (error, _ ("refusing to restore %s over %s: "), backup_path,
				db_path);
		return FALSE;
	}
	/* through the backup API, not a file copy: connections that have the database open
	 * see the whole restored content at their next transaction, never a mix */
	if (sqlite3_open_v2 (db_path, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot open %s: %s"), db_path,
			     target != NULL ? sqlite3_errmsg (target) : "out of memory");
		sqlite3_close (target);
		return FALSE;
	}
	sqlite3_busy_timeout (target, HY_BACKUP_BUSY_TIMEOUT_MS);
	ok = hy_backup_copy (target, hy_db_get_handle (backup), error);
	/* replication: a restored database is behind what the others saw. HQ gets a new
	 * relay epoch and a store forgets the relay's, so each store re-pushes what it
	 * has (hy_replica_rebase); databases without replication have neither row */
	if (ok) {
		sqlite3_exec (target,
			      "UPDATE meta SET value = lower (hex (randomblob (16))) "
			      "WHERE key = 'relay_epoch'",
			      NULL, NULL, NULL);
		sqlite3_exec (target, "UPDATE sync_state SET relay_epoch = 'restored'", NULL, NULL,
			      NULL);
	}
	sqlite3_close (target);
	if (!ok) {
		g_prefix_error (error, _ ("restoring %s over %s: "), backup_path, db_path);
		return FALSE;
	}
	return TRUE;
}
