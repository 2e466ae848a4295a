#include "config.h"

#include <glib/gstdio.h>

#include "hy-store.h"
#include "hy-test-common.h"

HyTestStore *
hy_test_store_new (const gchar *code)
{
	g_autoptr (GError) error = NULL;
	HyTestStore *store = g_new0 (HyTestStore, 1);

	store->dir = g_dir_make_tmp ("huiyuan-test-XXXXXX", &error);
	g_assert_no_error (error);
	store->path = g_build_filename (store->dir, "store.db", NULL);
	store->db = hy_db_open (store->path, HY_DB_OPEN_CREATE, &error);
	g_assert_no_error (error);
	g_assert_true (hy_store_init (store->db, code, "Test store", FALSE, HY_TEST_ADMIN_PASSWORD,
				      &error));
	g_assert_no_error (error);
	store->admin = hy_actor_login (store->db, "admin", HY_TEST_ADMIN_PASSWORD, &error);
	g_assert_no_error (error);
	return store;
}

HyActor *
hy_test_store_actor (HyTestStore *store, const gchar *role)
{
	return hy_actor_new (hy_actor_get_operator_id (store->admin), role, role,
			     hy_permission_default_role (role),
			     hy_actor_get_store_id (store->admin),
			     hy_actor_get_terminal_id (store->admin));
}

void
hy_test_store_raw_sql (HyTestStore *store, const gchar *sql)
{
	g_autoptr (GError) error = NULL;
	hy_db_exec (store->db, sql, &error);
	g_assert_no_error (error);
}

gint64
hy_test_store_balance (HyTestStore *store,
		       const gchar *card_id,
		       HyAccount account,
		       const gchar *item)
{
	g_autoptr (GError) error = NULL;
	gint64 amount = -1;
	g_assert_true (hy_ledger_balance (store->db, card_id, account, item, &amount, &error));
	g_assert_no_error (error);
	return amount;
}

gint64
hy_test_store_count (HyTestStore *store, const gchar *sql)
{
	sqlite3_stmt *stmt = NULL;
	gint64 n;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (store->db), sql, -1, &stmt, NULL),
			 ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	n = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return n;
}

void
hy_test_remove_tree (const gchar *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const gchar *name;
	if (d == NULL)
		return;
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree gchar *child = g_build_filename (dir, name, NULL);
		if (g_file_test (child, G_FILE_TEST_IS_DIR))
			hy_test_remove_tree (child);
		else
			g_unlink (child);
	}
	g_rmdir (dir);
}

void
hy_test_store_free (HyTestStore *store)
{
	g_clear_pointer (&store->admin, hy_actor_free);
	g_clear_object (&store->db);
	hy_test_remove_tree (store->dir);
	g_free (store->path);
	g_free (store->dir);
	g_free (store);
}
