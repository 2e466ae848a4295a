/* Storage: opening, pragmas, transactions, migrations, ids and clocks. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hy-db.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-permission.h"
#include "hy-test-common.h"
#include "hy-verify.h"

static gchar *
pragma_text (HyDb *db, const gchar *pragma)
{
	sqlite3_stmt *stmt = NULL;
	gchar *value;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (db), pragma, -1, &stmt, NULL), ==,
			 SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	value = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return value;
}

static void
test_db_create (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autofree gchar *journal = pragma_text (store->db, "PRAGMA journal_mode");
	g_autofree gchar *sync = pragma_text (store->db, "PRAGMA synchronous");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) again = NULL;

	g_assert_cmpstr (journal, ==, "wal");
	g_assert_cmpstr (sync, ==, "2"); /* FULL */
	g_assert_cmpint (hy_db_get_schema_version (store->db), ==, hy_db_latest_schema_version ());

	/* creating over an existing file is refused */
	again = hy_db_open (store->path, HY_DB_OPEN_CREATE, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_null (again);

	/* init makes an outbox row for every replicated row it wrote */
	g_assert_cmpint (hy_outbox_length (store->db), >=, 10);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox "
						     "WHERE tbl = 'members'"),
			 ==, 0);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM roles"), ==, 5);
}

static void
test_db_not_huiyuan (void)
{
	g_autofree gchar *dir = g_dir_make_tmp ("huiyuan-test-XXXXXX", NULL);
	g_autofree gchar *text = g_build_filename (dir, "notes.txt", NULL);
	g_autofree gchar *other = g_build_filename (dir, "other.db", NULL);
	g_autofree gchar *missing = g_build_filename (dir, "missing.db", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	sqlite3 *raw = NULL;

	g_assert_true (g_file_set_contents (text, "hello, this is not SQLite at all\n", -1, NULL));
	db = hy_db_open (text, HY_DB_OPEN_EXISTING, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_SCHEMA);
	g_assert_null (db);
	g_clear_error (&error);

	g_assert_cmpint (sqlite3_open (other, &raw), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (raw);
	db = hy_db_open (other, HY_DB_OPEN_EXISTING, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_SCHEMA);
	g_assert_nonnull (strstr (error->message, "not a Huiyuan database"));
	g_clear_error (&error);

	db = hy_db_open (missing, HY_DB_OPEN_EXISTING, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

	g_unlink (text);
	g_unlink (other);
	g_rmdir (dir);
}

/* A database written by an older release, kept as SQL in tests/fixtures, opens and is
 * migrated to the latest schema with its data intact. */
static void
test_db_migrate_fixture (gconstpointer user_data)
{
	const gchar *fixture = user_data;
	g_autofree gchar *sql_path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
	g_autofree gchar *sql = NULL;
	g_autofree gchar *dir = g_dir_make_tmp ("huiyuan-test-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename (dir, "old.db", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;

	g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
	g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (raw);

	db = hy_db_open (path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	g_assert_cmpint (hy_db_get_schema_version (db), ==, hy_db_latest_schema_version ());
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (db),
					     "SELECT name FROM members WHERE phone = '13800138000'",
					     -1, &stmt, NULL),
			 ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	g_assert_cmpstr ((const gchar *) sqlite3_column_text (stmt, 0), ==, "张三");
	sqlite3_finalize (stmt);
	/* built-in roles gained the permissions their defaults gained since */
	g_assert_cmpint (
		sqlite3_prepare_v2 (hy_db_get_handle (db),
				    "SELECT name, permissions FROM roles WHERE builtin = 1", -1,
				    &stmt, NULL),
		==, SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		const gchar *role = (const gchar *) sqlite3_column_text (stmt, 0);
		HyPermissions have = 0;
		g_assert_true (hy_permissions_from_string (
			(const gchar *) sqlite3_column_text (stmt, 1), &have, &error));
		g_assert_no_error (error);
		g_assert_cmphex (have, ==, hy_permission_default_role (role));
	}
	sqlite3_finalize (stmt);
	{
		/* chains, balances and the audit log of the old file still verify */
		g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
		g_assert_true (hy_verify (db, problems, &error));
		g_assert_no_error (error);
		g_assert_cmpint (problems->len, ==, 0);
	}
	g_clear_object (&db);

	g_unlink (path);
	for (const gchar *const *s = (const gchar *const[]){"-wal", "-shm", NULL}; *s; s++) {
		g_autofree gchar *p = g_strconcat (path, *s, NULL);
		g_unlink (p);
	}
	g_rmdir (dir);
}

static void
test_db_newer_schema_refused (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;

	hy_test_store_raw_sql (store, "UPDATE schema_version SET version = version + 1");
	db = hy_db_open (store->path, HY_DB_OPEN_EXISTING, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_SCHEMA);
	g_assert_nonnull (strstr (error->message, "newer"));
}

static void
test_db_transactions (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;

	{
		g_autoptr (HyTxn) outer = hy_db_begin (store->db, &error);
		g_assert_no_error (error);
		g_assert_true (hy_db_meta_set (store->db, "a", "1", &error));
		{
			/* an inner savepoint rolled back leaves the outer work */
			g_autoptr (HyTxn) inner = hy_db_begin (store->db, &error);
			g_assert_no_error (error);
			g_assert_true (hy_db_meta_set (store->db, "b", "2", &error));
		}
		{
			g_autoptr (HyTxn) inner = hy_db_begin (store->db, &error);
			g_assert_true (hy_db_meta_set (store->db, "c", "3", &error));
			g_assert_true (hy_txn_commit (inner, &error));
		}
		g_assert_true (hy_txn_commit (outer, &error));
	}
	g_assert_false (hy_db_in_transaction (store->db));
	g_assert_cmpstr (hy_db_meta_get (store->db, "a"), ==, "1");
	g_assert_null (hy_db_meta_get (store->db, "b"));
	g_assert_cmpstr (hy_db_meta_get (store->db, "c"), ==, "3");

	{
		/* the outer transaction dropped without commit rolls back everything */
		g_autoptr (HyTxn) outer = hy_db_begin (store->db, &error);
		g_assert_true (hy_db_meta_set (store->db, "d", "4", &error));
	}
	g_assert_null (hy_db_meta_get (store->db, "d"));
}

/* Values set "at commit" read back at once, reach the file only with the outermost
 * COMMIT, go back with a rolled-back savepoint, and never hide another connection's
 * writes. */
static void
test_db_meta_at_commit (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyDb) other = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *seen = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *from_other = NULL;
	g_autofree gchar *rolled_back = NULL;

	other = hy_db_open (store->path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	{
		g_autoptr (HyTxn) outer = hy_db_begin (store->db, &error);
		g_assert_no_error (error);
		hy_db_meta_set_at_commit (store->db, "k", "1");
		seen = hy_db_meta_get (store->db, "k");
		g_assert_cmpstr (seen, ==, "1");
		g_assert_cmpint (
			hy_test_store_count (store, "SELECT count(*) FROM meta WHERE key = 'k'"),
			==, 0);
		{
			g_autoptr (HyTxn) inner = hy_db_begin (store->db, &error);
			g_assert_no_error (error);
			hy_db_meta_set_at_commit (store->db, "k", "2");
		}
		g_clear_pointer (&seen, g_free);
		seen = hy_db_meta_get (store->db, "k");
		g_assert_cmpstr (seen, ==, "1");
		g_assert_true (hy_txn_commit (outer, &error));
	}
	after = hy_db_meta_get (other, "k");
	g_assert_cmpstr (after, ==, "1");

	/* an outer rollback forgets the value */
	{
		g_autoptr (HyTxn) outer = hy_db_begin (store->db, &error);
		g_assert_no_error (error);
		hy_db_meta_set_at_commit (store->db, "k", "9");
	}
	rolled_back = hy_db_meta_get (store->db, "k");
	g_assert_cmpstr (rolled_back, ==, "1");

	/* the cache survives between transactions only while nobody else writes */
	g_assert_true (hy_db_meta_set (other, "k", "3", &error));
	{
		g_autoptr (HyTxn) txn = hy_db_begin (store->db, &error);
		g_assert_no_error (error);
		from_other = hy_db_meta_get (store->db, "k");
		g_assert_cmpstr (from_other, ==, "3");
		g_assert_true (hy_txn_commit (txn, &error));
	}
}

static void
test_db_insert_only (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_assert_false (hy_db_exec (store->db, "DELETE FROM audit", &error));
	g_assert_nonnull (strstr (error->message, "append-only"));
	g_clear_error (&error);
	g_assert_false (hy_db_exec (store->db, "UPDATE audit SET action = 'x'", &error));
	g_assert_nonnull (strstr (error->message, "append-only"));
}

/* Rows are shipped as they are; sequence numbers keep growing across trims. */
static void
test_outbox_payload_and_trim (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *store_id = hy_db_meta_get (store->db, "store_id");
	g_autofree gchar *payload = NULL;
	g_autoptr (JsonParser) parser = json_parser_new ();
	gint64 last = hy_test_store_count (store, "SELECT max (seq) FROM outbox");
	gint64 hlc = 0;
	JsonObject *row;

	payload = hy_outbox_payload (store->db, "stores", store_id, &error);
	g_assert_no_error (error);
	g_assert_true (json_parser_load_from_data (parser, payload, -1, &error));
	row = json_node_get_object (json_parser_get_root (parser));
	g_assert_cmpstr (json_object_get_string_member (row, "code"), ==, "S01");
	g_assert_cmpstr (json_object_get_string_member (row, "id"), ==, store_id);
	g_assert_true (json_object_has_member (row, "hlc"));
	g_clear_pointer (&payload, g_free);

	/* local and derived tables are never shipped */
	g_assert_null (hy_outbox_payload (store->db, "balances", store_id, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_FAILED);
	g_clear_error (&error);
	g_assert_null (hy_outbox_payload (store->db, "meta", store_id, &error));
	g_clear_error (&error);

	g_assert_true (hy_outbox_trim (store->db, last, &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_outbox_length (store->db), ==, 0);
	{
		g_autoptr (HyTxn) txn = hy_db_begin (store->db, &error);
		g_assert_true (hy_hlc_tick (store->db, &hlc, &error));
		g_assert_true (hy_outbox_capture (store->db, "stores", store_id, HY_CHANGE_UPDATE,
						  hlc, &error));
		g_assert_false (hy_outbox_capture (store->db, "balances", store_id,
						   HY_CHANGE_UPDATE, hlc, &error));
		g_clear_error (&error);
		g_assert_true (hy_txn_commit (txn, &error));
	}
	g_assert_cmpint (hy_test_store_count (store, "SELECT seq FROM outbox"), ==, last + 1);
	/* trimming an older point again changes nothing */
	g_assert_true (hy_outbox_trim (store->db, last - 1, &error));
	g_assert_cmpint (hy_outbox_length (store->db), ==, 1);
}

static void
test_id_uuidv7 (void)
{
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	gint64 now = g_get_real_time () / 1000;

	/* many ids in the same millisecond stay unique and ordered */
	for (guint i = 0; i < 20000; i++)
		g_ptr_array_add (ids, hy_id_new ());
	for (guint i = 0; i < ids->len; i++) {
		const gchar *id = g_ptr_array_index (ids, i);
		g_assert_true (hy_id_is_valid (id));
		g_assert_true (g_hash_table_add (seen, (gpointer) id));
		if (i > 0)
			g_assert_cmpstr (g_ptr_array_index (ids, i - 1), <, id);
	}
	g_assert_cmpint (ABS (hy_id_get_time_ms (g_ptr_array_index (ids, 0)) - now), <, 5000);
	g_assert_false (hy_id_is_valid ("not-an-id"));
	g_assert_false (hy_id_is_valid ("0190a0b0-0000-4000-8000-000000000000")); /* v4 */
}

static void
test_hlc (void)
{
	gint64 wall = 1700000000000;
	gint64 a = hy_hlc_next (0, wall, 0);
	gint64 b = hy_hlc_next (a, wall, 0);
	gint64 c = hy_hlc_next (b, wall - 5000, 0); /* wall clock stepped back */
	gint64 far = (wall + 86400000) << 16;
	gint64 d = hy_hlc_next (c, wall, far); /* a remote clock a day ahead */
	gint64 e = hy_hlc_next (d, wall, 0);

	g_assert_cmpint (HY_HLC_MS (a), ==, wall);
	g_assert_cmpint (HY_HLC_COUNTER (a), ==, 0);
	g_assert_cmpint (b, >, a);
	g_assert_cmpint (c, >, b);
	g_assert_cmpint (d, >, far);
	g_assert_cmpint (e, >, d);
	g_assert_cmpint (hy_hlc_next ((wall << 16) | 0xffff, wall, 0), ==, (wall + 1) << 16);
}

static void
test_hlc_persisted (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	gint64 first = 0, second = 0;
	{
		g_autoptr (HyTxn) txn = hy_db_begin (store->db, &error);
		g_assert_true (hy_hlc_tick (store->db, &first, &error));
		g_assert_true (hy_txn_commit (txn, &error));
	}
	g_clear_object (&store->db);
	store->db = hy_db_open (store->path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	{
		g_autoptr (HyTxn) txn = hy_db_begin (store->db, &error);
		g_assert_true (hy_hlc_observe (store->db, first + (1000ll << 16), &error));
		g_assert_true (hy_hlc_tick (store->db, &second, &error));
		g_assert_true (hy_txn_commit (txn, &error));
	}
	g_assert_cmpint (second, >, first + (1000ll << 16));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/db/create", test_db_create);
	g_test_add_func ("/huiyuan/db/not-huiyuan", test_db_not_huiyuan);
	g_test_add_data_func ("/huiyuan/db/migrate-v1", "schema-v1.sql", test_db_migrate_fixture);
	g_test_add_func ("/huiyuan/db/newer-schema-refused", test_db_newer_schema_refused);
	g_test_add_func ("/huiyuan/db/transactions", test_db_transactions);
	g_test_add_func ("/huiyuan/db/meta-at-commit", test_db_meta_at_commit);
	g_test_add_func ("/huiyuan/db/insert-only", test_db_insert_only);
	g_test_add_func ("/huiyuan/outbox/payload-and-trim", test_outbox_payload_and_trim);
	g_test_add_func ("/huiyuan/id/uuidv7", test_id_uuidv7);
	g_test_add_func ("/huiyuan/hlc/step", test_hlc);
	g_test_add_func ("/huiyuan/hlc/persisted", test_hlc_persisted);
	return g_test_run ();
}
