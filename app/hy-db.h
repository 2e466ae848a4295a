/* Huiyuan: the one object that owns a store's SQLite database. */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define HY_TYPE_DB (hy_db_get_type ())
G_DECLARE_FINAL_TYPE (HyDb, hy_db, HY, DB, GObject)

typedef enum {
	HY_DB_OPEN_EXISTING = 0, /* the file must exist and be a Huiyuan database */
	HY_DB_OPEN_CREATE =
		1 << 0, /* the file must not exist yet; it is created at the latest schema */
	HY_DB_OPEN_READONLY = 1 << 1 /* no writes, no migrations */
} HyDbOpenFlags;

/* A prepared statement borrowed from the database's cache; released (reset and
 * unbound) by g_autoptr, never finalized by the caller. */
typedef sqlite3_stmt HyStmt;
void
hy_stmt_release (HyStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyStmt, hy_stmt_release)

/* A transaction, or a savepoint inside one when nested. Rolls back on scope exit
 * unless hy_txn_commit() succeeded. */
typedef struct _HyTxn HyTxn;
void
hy_txn_free (HyTxn *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTxn, hy_txn_free)

HyDb *
hy_db_open (const gchar *path, HyDbOpenFlags flags, GError **error);
const gchar *
hy_db_get_path (HyDb *self);
sqlite3 *
hy_db_get_handle (HyDb *self);
gint
hy_db_get_schema_version (HyDb *self);
gint
hy_db_latest_schema_version (void);

HyStmt *
hy_db_prepare (HyDb *self, const gchar *sql, GError **error);
gboolean
hy_db_exec (HyDb *self, const gchar *sql, GError **error);
gboolean
hy_db_step_done (HyDb *self, HyStmt *stmt, GError **error);
gboolean
hy_db_step_row (HyDb *self, HyStmt *stmt, gboolean *has_row, GError **error);
gboolean
hy_db_set_error (HyDb *self, GError **error, const gchar *what);

HyTxn *
hy_db_begin (HyDb *self, GError **error);
/* A read transaction: many reads, one consistent snapshot, one lock. */
HyTxn *
hy_db_begin_read (HyDb *self, GError **error);
gboolean
hy_txn_commit (HyTxn *txn, GError **error);
gboolean
hy_db_in_transaction (HyDb *self);

gchar *
hy_db_meta_get (HyDb *self, const gchar *key);
gboolean
hy_db_meta_set (HyDb *self, const gchar *key, const gchar *value, GError **error);
/* Sets a meta value now for this transaction's readers and writes it just before the
 * outermost COMMIT: for counters every write moves (clock, chain heads, outbox seq), so
 * a transaction writes each once however many rows it appends. */
void
hy_db_meta_set_at_commit (HyDb *self, const gchar *key, const gchar *value);
/* Remembers a value derived from the database (never written) for hy_db_meta_get, in
 * the same cache: rolled back with the transaction, forgotten when another connection
 * commits. Keys start with "memo:" so they never meet a stored one. */
void
hy_db_memo_set (HyDb *self, const gchar *key, const gchar *value);

/* Column helpers: NULL-safe copies. */
gchar *
hy_stmt_dup_text (HyStmt *stmt, gint column);
const gchar *
hy_stmt_text (HyStmt *stmt, gint column);

G_END_DECLS
