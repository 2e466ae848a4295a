#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hy-db.h"
#include "hy-error.h"
#include "hy-schema.h"

#define HY_DB_BUSY_TIMEOUT_MS 5000

struct _HyDb {
	GObject parent_instance;
	sqlite3 *handle;
	gchar *path;
	GHashTable *stmts;	/* SQL text -> sqlite3_stmt, finalized with the object */
	GHashTable *stmt_hints; /* SQL address -> HyDbStmtHint, a shortcut into stmts */
	guint txn_depth;
	guint savepoint_serial;
	/* meta values read or written in transactions, valid while no other connection
	 * commits (PRAGMA data_version); keys in meta_dirty are written at COMMIT */
	GHashTable *meta_cache;
	GHashTable *meta_dirty;
	gint64 data_version;
};

struct _HyTxn {
	HyDb *db;
	gchar *savepoint; /* NULL for the outermost transaction */
	gboolean done;
	/* the meta cache as the savepoint found it, restored when it rolls back */
	GHashTable *meta_cache_saved;
	GHashTable *meta_dirty_saved;
};

G_DEFINE_TYPE (HyDb, hy_db, G_TYPE_OBJECT)

void
hy_stmt_release (HyStmt *stmt)
{
	sqlite3_reset (stmt);
	sqlite3_clear_bindings (stmt);
}

gboolean
hy_db_set_error (HyDb *self, GError **error, const gchar *what)
{
	g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "%s: %s", what,
		     sqlite3_errmsg (self->handle));
	return FALSE;
}

static void
hy_db_meta_forget (HyDb *self)
{
	g_hash_table_remove_all (self->meta_cache);
	g_hash_table_remove_all (self->meta_dirty);
}

gboolean
hy_db_exec (HyDb *self, const gchar *sql, GError **error)
{
	gchar *msg = NULL;
	/* ad-hoc SQL may write meta behind the cache's back */
	if (self->txn_depth == 0)
		hy_db_meta_forget (self);
	if (sqlite3_exec (self->handle, sql, NULL, NULL, &msg) != SQLITE_OK) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "SQL failed: %s", msg);
		sqlite3_free (msg);
		return FALSE;
	}
	return TRUE;
}

HyStmt *
hy_db_prepare (HyDb *self, const gchar *sql, GError **error);

/* For statements run on every transaction: prepared once, not parsed each time. */
static gboolean
hy_db_exec_cached (HyDb *self, const gchar *sql, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (self, sql, error);
	return stmt != NULL && hy_db_step_done (self, stmt, error);
}

typedef struct {
	const gchar *sql; /* owned by stmts */
	sqlite3_stmt *stmt;
} HyDbStmtHint;

/* Hints for SQL built at run time pile up at addresses that are freed and reused; a
 * store runs a few hundred distinct statements, so this bound is never reached by the
 * string literals that matter. */
#define HY_DB_STMT_HINTS_MAX 2048

HyStmt *
hy_db_prepare (HyDb *self, const gchar *sql, GError **error)
{
	HyDbStmtHint *hint = g_hash_table_lookup (self->stmt_hints, sql);
	sqlite3_stmt *stmt = NULL;
	gchar *key = NULL;

	/* most SQL is a string literal: found by its address without hashing its text,
	 * confirmed by its text because callers may also build SQL at run time */
	if (hint != NULL && strcmp (hint->sql, sql) == 0)
		return hint->stmt;
	if (!g_hash_table_lookup_extended (self->stmts, sql, (gpointer *) &key,
					   (gpointer *) &stmt)) {
		if (sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
					NULL) != SQLITE_OK) {
			g_set_error (error, HY_ERROR, HY_ERROR_FAILED, "cannot prepare SQL: %s",
				     sqlite3_errmsg (self->handle));
			return NULL;
		}
		key = g_strdup (sql);
		g_hash_table_insert (self->stmts, key, stmt);
	}
	if (g_hash_table_size (self->stmt_hints) >= HY_DB_STMT_HINTS_MAX)
		g_hash_table_remove_all (self->stmt_hints);
	hint = g_new (HyDbStmtHint, 1);
	hint->sql = key;
	hint->stmt = stmt;
	g_hash_table_insert (self->stmt_hints, (gpointer) sql, hint);
	return stmt;
}

static gboolean
hy_db_step_error (HyDb *self, gint rc, GError **error)
{
	HyErrorCode code = HY_ERROR_FAILED;
	if (rc == SQLITE_CONSTRAINT)
		code = HY_ERROR_CONFLICT;
	g_set_error (error, HY_ERROR, code, "%s", sqlite3_errmsg (self->handle));
	return FALSE;
}

gboolean
hy_db_step_done (HyDb *self, HyStmt *stmt, GError **error)
{
	gint rc = sqlite3_step (stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return hy_db_step_error (self, rc, error);
	return TRUE;
}

gboolean
hy_db_step_row (HyDb *self, HyStmt *stmt, gboolean *has_row, GError **error)
{
	gint rc = sqlite3_step (stmt);
	if (rc == SQLITE_ROW) {
		*has_row = TRUE;
		return TRUE;
	}
	*has_row = FALSE;
	if (rc == SQLITE_DONE)
		return TRUE;
	return hy_db_step_error (self, rc, error);
}

const gchar *
hy_stmt_text (HyStmt *stmt, gint column)
{
	return (const gchar *) sqlite3_column_text (stmt, column);
}

gchar *
hy_stmt_dup_text (HyStmt *stmt, gint column)
{
	return g_strdup (hy_stmt_text (stmt, column));
}

static GHashTable *
hy_db_meta_cache_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static GHashTable *
hy_db_meta_dirty_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static GHashTable *
hy_db_meta_copy (GHashTable *table, gboolean is_set)
{
	GHashTable *copy = is_set ? hy_db_meta_dirty_new () : hy_db_meta_cache_new ();
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init (&iter, table);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		if (is_set)
			g_hash_table_add (copy, g_strdup (key));
		else
			g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
	}
	return copy;
}

/* Drops the meta cache when another connection has committed since we last looked. */
static gboolean
hy_db_meta_validate (HyDb *self, GError **error)
{
	gboolean has_row = FALSE;
	gint64 version;
	g_autoptr (HyStmt) stmt = hy_db_prepare (self, "PRAGMA data_version", error);
	if (stmt == NULL || !hy_db_step_row (self, stmt, &has_row, error))
		return FALSE;
	version = has_row ? sqlite3_column_int64 (stmt, 0) : -1;
	if (version != self->data_version) {
		hy_db_meta_forget (self);
		self->data_version = version;
	}
	return TRUE;
}

static HyTxn *
hy_db_begin_full (HyDb *self, const gchar *begin_sql, GError **error)
{
	HyTxn *txn = g_new0 (HyTxn, 1);
	if (self->txn_depth == 0) {
		if (!hy_db_exec_cached (self, begin_sql, error)) {
			g_free (txn);
			return NULL;
		}
		if (!hy_db_meta_validate (self, error)) {
			sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
			g_free (txn);
			return NULL;
		}
	} else {
		g_autofree gchar *sql = NULL;
		txn->savepoint = g_strdup_printf ("hy_sp%u", ++self->savepoint_serial);
		sql = g_strdup_printf ("SAVEPOINT %s", txn->savepoint);
		if (!hy_db_exec (self, sql, error)) {
			g_free (txn->savepoint);
			g_free (txn);
			return NULL;
		}
		txn->meta_cache_saved = hy_db_meta_copy (self->meta_cache, FALSE);
		txn->meta_dirty_saved = hy_db_meta_copy (self->meta_dirty, TRUE);
	}
	self->txn_depth++;
	txn->db = g_object_ref (self);
	return txn;
}

HyTxn *
hy_db_begin (HyDb *self, GError **error)
{
	/* IMMEDIATE: take the write lock now, so a busy database fails here and not
	 * halfway through a sale */
	return hy_db_begin_full (self, "BEGIN IMMEDIATE", error);
}

HyTxn *
hy_db_begin_read (HyDb *self, GError **error)
{
	/* one snapshot and one lock for a batch of reads, instead of one per statement */
	return hy_db_begin_full (self, "BEGIN", error);
}

static gboolean
hy_db_meta_write (HyDb *self, const gchar *key, const gchar *value, GError **error);

static gboolean
hy_db_meta_flush (HyDb *self, GError **error)
{
	GHashTableIter iter;
	gpointer key;
	g_hash_table_iter_init (&iter, self->meta_dirty);
	while (g_hash_table_iter_next (&iter, &key, NULL)) {
		if (!hy_db_meta_write (self, key, g_hash_table_lookup (self->meta_cache, key),
				       error))
			return FALSE;
	}
	g_hash_table_remove_all (self->meta_dirty);
	return TRUE;
}

gboolean
hy_txn_commit (HyTxn *txn, GError **error)
{
	g_autofree gchar *sql = NULL;
	g_return_val_if_fail (!txn->done, FALSE);
	if (txn->savepoint != NULL) {
		sql = g_strdup_printf ("RELEASE %s", txn->savepoint);
		if (!hy_db_exec (txn->db, sql, error))
			return FALSE;
	} else if (!hy_db_meta_flush (txn->db, error) ||
		   !hy_db_exec_cached (txn->db, "COMMIT", error)) {
		return FALSE;
	}
	txn->done = TRUE;
	txn->db->txn_depth--;
	return TRUE;
}

void
hy_txn_free (HyTxn *txn)
{
	if (!txn->done) {
		if (txn->savepoint != NULL) {
			g_autofree gchar *sql = g_strdup_printf ("ROLLBACK TO %s; RELEASE %s",
								 txn->savepoint, txn->savepoint);
			sqlite3_exec (txn->db->handle, sql, NULL, NULL, NULL);
			g_hash_table_unref (txn->db->meta_cache);
			g_hash_table_unref (txn->db->meta_dirty);
			txn->db->meta_cache = g_steal_pointer (&txn->meta_cache_saved);
			txn->db->meta_dirty = g_steal_pointer (&txn->meta_dirty_saved);
		} else {
			sqlite3_exec (txn->db->handle, "ROLLBACK", NULL, NULL, NULL);
			hy_db_meta_forget (txn->db);
		}
		txn->db->txn_depth--;
	}
	g_clear_pointer (&txn->meta_cache_saved, g_hash_table_unref);
	g_clear_pointer (&txn->meta_dirty_saved, g_hash_table_unref);
	g_object_unref (txn->db);
	g_free (txn->savepoint);
	g_free (txn);
}

gboolean
hy_db_in_transaction (HyDb *self)
{
	return self->txn_depth > 0;
}

gchar *
hy_db_meta_get (HyDb *self, const gchar *key)
{
	gboolean has_row = FALSE;
	const gchar *cached = NULL;
	g_autoptr (HyStmt) stmt = NULL;

	/* outside a transaction nothing tells whether another connection wrote */
	if (self->txn_depth > 0) {
		cached = g_hash_table_lookup (self->meta_cache, key);
		if (cached != NULL)
			return g_strdup (cached);
	}
	stmt = hy_db_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (self, stmt, &has_row, NULL) || !has_row)
		return NULL;
	if (self->txn_depth > 0)
		g_hash_table_insert (self->meta_cache, g_strdup (key), hy_stmt_dup_text (stmt, 0));
	return hy_stmt_dup_text (stmt, 0);
}

gboolean
hy_db_meta_set (HyDb *self, const gchar *key, const gchar *value, GError **error)
{
	if (!hy_db_meta_write (self, key, value, error))
		return FALSE;
	g_hash_table_remove (self->meta_dirty, key);
	if (self->txn_depth > 0)
		g_hash_table_insert (self->meta_cache, g_strdup (key), g_strdup (value));
	else
		g_hash_table_remove (self->meta_cache, key);
	return TRUE;
}

void
hy_db_meta_set_at_commit (HyDb *self, const gchar *key, const gchar *value)
{
	g_return_if_fail (self->txn_depth > 0);
	g_hash_table_insert (self->meta_cache, g_strdup (key), g_strdup (value));
	g_hash_table_add (self->meta_dirty, g_strdup (key));
}

void
hy_db_memo_set (HyDb *self, const gchar *key, const gchar *value)
{
	g_return_if_fail (self->txn_depth > 0);
	g_hash_table_insert (self->meta_cache, g_strdup (key), g_strdup (value));
}

static gboolean
hy_db_meta_write (HyDb *self, const gchar *key, const gchar *value, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (self,
			       "INSERT INTO meta (key, value) VALUES (?, ?) "
			       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (self, stmt, error);
}

gint
hy_db_latest_schema_version (void)
{
	return HY_SCHEMA_LATEST;
}

gint
hy_db_get_schema_version (HyDb *self)
{
	sqlite3_stmt *stmt = NULL;
	gint version = 0;
	/* not cached: the table may not exist yet */
	if (sqlite3_prepare_v2 (self->handle, "SELECT version FROM schema_version", -1, &stmt,
				NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step (stmt) == SQLITE_ROW)
		version = sqlite3_column_int (stmt, 0);
	sqlite3_finalize (stmt);
	return version;
}

static gboolean
hy_db_migrate_to (HyDb *self, gint version, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autofree gchar *bump = NULL;
	const gchar *script = hy_schema_migration (version);

	g_debug ("migrating %s to schema version %d", self->path, version);
	txn = hy_db_begin (self, error);
	if (txn == NULL)
		return FALSE;
	if (version == 1 && !hy_db_exec (self,
					 "CREATE TABLE schema_version (version INTEGER NOT NULL);"
					 "INSERT INTO schema_version (version) VALUES (0);",
					 error))
		return FALSE;
	if (!hy_db_exec (self, script, error)) {
		g_prefix_error (error, "migration to schema version %d: ", version);
		return FALSE;
	}
	bump = g_strdup_printf ("UPDATE schema_version SET version = %d", version);
	if (!hy_db_exec (self, bump, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

static gboolean
hy_db_migrate (HyDb *self, GError **error)
{
	gint version = hy_db_get_schema_version (self);
	if (version > HY_SCHEMA_LATEST) {
		g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
			     _ ("%s has schema version %d, newer than this program's %d; "
				"upgrade Huiyuan to open it"),
			     self->path, version, HY_SCHEMA_LATEST);
		return FALSE;
	}
	for (gint v = version + 1; v <= HY_SCHEMA_LATEST; v++) {
		if (!hy_db_migrate_to (self, v, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hy_db_is_huiyuan (HyDb *self)
{
	sqlite3_stmt *stmt = NULL;
	gboolean found = FALSE;
	if (sqlite3_prepare_v2 (self->handle,
				"SELECT 1 FROM sqlite_master WHERE type = 'table' "
				"AND name = 'schema_version'",
				-1, &stmt, NULL) != SQLITE_OK)
		return FALSE;
	found = sqlite3_step (stmt) == SQLITE_ROW;
	sqlite3_finalize (stmt);
	return found;
}

HyDb *
hy_db_open (const gchar *path, HyDbOpenFlags flags, GError **error)
{
	g_autoptr (HyDb) self = g_object_new (HY_TYPE_DB, NULL);
	gint sqlite_flags = SQLITE_OPEN_FULLMUTEX;
	gint rc;

	g_return_val_if_fail (path != NULL, NULL);
	self->path = g_strdup (path);

	if (flags & HY_DB_OPEN_CREATE) {
		if (g_file_test (path, G_FILE_TEST_EXISTS)) {
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("%s already exists; refusing to overwrite it"), path);
			return NULL;
		}
		sqlite_flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	} else if (flags & HY_DB_OPEN_READONLY) {
		sqlite_flags |= SQLITE_OPEN_READONLY;
	} else {
		sqlite_flags |= SQLITE_OPEN_READWRITE;
	}
	if (!(flags & HY_DB_OPEN_CREATE) && !g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("%s: no such database file"),
			     path);
		return NULL;
	}

	rc = sqlite3_open_v2 (path, &self->handle, sqlite_flags, NULL);
	if (rc != SQLITE_OK) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot open %s: %s"), path,
			     self->handle != NULL ? sqlite3_errmsg (self->handle)
						  : sqlite3_errstr (rc));
		return NULL;
	}
	sqlite3_extended_result_codes (self->handle, 0);
	sqlite3_busy_timeout (self->handle, HY_DB_BUSY_TIMEOUT_MS);

	/* a file that is not SQLite at all fails on the first read */
	if (!hy_db_exec (self, "SELECT count(*) FROM sqlite_master", NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
			     _ ("%s is not a Huiyuan database: %s"), path,
			     sqlite3_errmsg (self->handle));
		return NULL;
	}
	if (!(flags & HY_DB_OPEN_CREATE) && !hy_db_is_huiyuan (self)) {
		g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
			     _ ("%s is not a Huiyuan database (no schema version)"), path);
		return NULL;
	}
	if (flags & HY_DB_OPEN_READONLY) {
		if (hy_db_get_schema_version (self) != HY_SCHEMA_LATEST) {
			g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
				     _ ("%s has schema version %d; open it read-write once to "
					"migrate it to %d"),
				     path, hy_db_get_schema_version (self), HY_SCHEMA_LATEST);
			return NULL;
		}
		return g_steal_pointer (&self);
	}

	/* WAL for concurrent readers; FULL so a committed sale survives power loss */
	if (!hy_db_exec (self,
			 "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = FULL;"
			 "PRAGMA foreign_keys = ON;"
			 "PRAGMA temp_store = MEMORY;"
			 /* a sale writes ~18 pages: checkpoint every ~40 MiB rather than every
			  * 4 MiB, so hot pages (balances, index edges) are copied back once per
			  * many sales, and cap what the WAL file keeps afterwards */
			 "PRAGMA wal_autocheckpoint = 10000;"
			 "PRAGMA journal_size_limit = 67108864;"
			 /* reads come from the mapped file instead of a copy per page; SQLite
			  * caps the size at its own build limit */
			 "PRAGMA mmap_size = 2147418112;",
			 error))
		return NULL;
	if (!hy_db_migrate (self, error))
		return NULL;
	return g_steal_pointer (&self);
}

const gchar *
hy_db_get_path (HyDb *self)
{
	return self->path;
}

sqlite3 *
hy_db_get_handle (HyDb *self)
{
	return self->handle;
}

static void
hy_db_stmt_finalize (gpointer stmt)
{
	sqlite3_finalize (stmt);
}

static void
hy_db_finalize (GObject *object)
{
	HyDb *self = HY_DB (object);
	g_hash_table_unref (self->stmt_hints);
	g_hash_table_unref (self->stmts);
	g_hash_table_unref (self->meta_cache);
	g_hash_table_unref (self->meta_dirty);
	if (self->handle != NULL)
		sqlite3_close (self->handle);
	g_free (self->path);
	G_OBJECT_CLASS (hy_db_parent_class)->finalize (object);
}

static void
hy_db_class_init (HyDbClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = hy_db_finalize;
}

static void
hy_db_init (HyDb *self)
{
	self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, hy_db_stmt_finalize);
	self->stmt_hints = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	self->meta_cache = hy_db_meta_cache_new ();
	self->meta_dirty = hy_db_meta_dirty_new ();
	self->data_version = -1;
}
