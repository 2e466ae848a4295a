/* Backup and restore: an online copy, a restore over the running database, and refusal
 * of files that are not clean Huiyuan databases. */
#include "config.h"

#include <glib/gstdio.h>

#include "hy-backup.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-test-common.h"
#include "hy-verify.h"

typedef struct {
	HyTestStore *store;
	gchar *number;
	gchar *card_id;
	gchar *backup;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *member = hy_id_new ();
	g_autofree gchar *sql = NULL;

	fx->store = hy_test_store_new ("S01");
	sql = g_strdup_printf ("INSERT INTO members (id, name, name_pinyin, name_initials, phone, "
			       "level_id, home_store, created_at, hlc, origin_store) "
			       "SELECT '%s', '测试', 'ce shi', 'cs', NULL, id, origin_store, 0, 0, "
			       "origin_store FROM levels ORDER BY id LIMIT 1",
			       member);
	hy_test_store_raw_sql (fx->store, sql);
	g_assert_true (hy_card_issue (fx->store->db, fx->store->admin, member, NULL, NULL, NULL,
				      NULL, &fx->number, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_recharge (fx->store->db, fx->store->admin, fx->number, 8800, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (fx->store->db, fx->number, &error);
	fx->card_id = g_strdup (card->id);
	fx->backup = g_build_filename (fx->store->dir, "backup.db", NULL);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
	hy_test_store_free (fx->store);
	g_free (fx->number);
	g_free (fx->card_id);
	g_free (fx->backup);
}

static gint64
money (HyDb *db, const gchar *card_id)
{
	g_autoptr (GError) error = NULL;
	gint64 amount = -1;
	g_assert_true (hy_ledger_balance (db, card_id, HY_ACCOUNT_MONEY, "", &amount, &error));
	g_assert_no_error (error);
	return amount;
}

static void
assert_verifies (HyDb *db)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_assert_true (hy_verify (db, problems, &error));
	g_assert_no_error (error);
	for (guint i = 0; i < problems->len; i++)
		g_printerr ("unexpected problem: %s\n", (const gchar *) problems->pdata[i]);
	g_assert_cmpint (problems->len, ==, 0);
}

/* No temporary file is left beside the backup. */
static void
assert_only_file (const gchar *dir, const gchar *keep, const gchar *backup_name)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const gchar *name;
	while ((name = g_dir_read_name (d)) != NULL) {
		if (g_str_has_prefix (name, backup_name))
			g_assert_cmpstr (name, ==, backup_name);
		else
			g_assert_true (g_str_has_prefix (name, keep));
	}
}

static void
test_backup_restore (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) copy = NULL;
	g_autoptr (HyDb) reopened = NULL;
	gint64 entries;

	g_assert_true (hy_backup_to_file (fx->store->db, fx->backup, &error));
	g_assert_no_error (error);
	assert_only_file (fx->store->dir, "store.db", "backup.db");

	/* the backup is a complete, clean Huiyuan database on its own */
	copy = hy_db_open (fx->backup, HY_DB_OPEN_READONLY, &error);
	g_assert_no_error (error);
	g_assert_cmpint (money (copy, fx->card_id), ==, 8800);
	assert_verifies (copy);
	g_clear_object (&copy);

	/* life goes on after the backup */
	entries = hy_test_store_count (fx->store, "SELECT count(*) FROM account_entries");
	g_assert_true (hy_ledger_recharge (fx->store->db, fx->store->admin, fx->number, 1200, NULL,
					   NULL, &error));
	g_assert_true (hy_card_report_lost (fx->store->db, fx->store->admin, fx->number, &error));
	g_assert_no_error (error);
	g_assert_cmpint (money (fx->store->db, fx->card_id), ==, 10000);

	/* restored under the running database, which sees the old state at once */
	g_assert_true (hy_backup_restore (fx->backup, fx->store->path, &error));
	g_assert_no_error (error);
	g_assert_cmpint (money (fx->store->db, fx->card_id), ==, 8800);
	g_assert_cmpint (hy_test_store_count (fx->store, "SELECT count(*) FROM account_entries"),
			 ==, entries);
	{
		g_autoptr (HyCard) card = hy_card_lookup (fx->store->db, fx->number, &error);
		g_assert_no_error (error);
		g_assert_cmpint (card->status, ==, HY_CARD_STATUS_ACTIVE);
	}
	assert_verifies (fx->store->db);

	/* and keeps working, chain and all */
	g_assert_true (hy_ledger_recharge (fx->store->db, fx->store->admin, fx->number, 200, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	assert_verifies (fx->store->db);

	/* a fresh connection sees the same */
	reopened = hy_db_open (fx->store->path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	g_assert_cmpint (money (reopened, fx->card_id), ==, 9000);
}

static void
test_backup_overwrites (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) copy = NULL;

	/* an older backup at the same place is replaced whole */
	g_assert_true (g_file_set_contents (fx->backup, "old backup", -1, NULL));
	g_assert_true (hy_backup_to_file (fx->store->db, fx->backup, &error));
	g_assert_no_error (error);
	copy = hy_db_open (fx->backup, HY_DB_OPEN_READONLY, &error);
	g_assert_no_error (error);
	g_assert_cmpint (money (copy, fx->card_id), ==, 8800);
}

static void
test_backup_bad_destination (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *dest = g_build_filename (fx->store->dir, "no-such-dir", "b.db", NULL);
	g_assert_false (hy_backup_to_file (fx->store->db, dest, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_FAILED);
	g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
assert_store_intact (Fixture *fx)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) reopened = NULL;
	g_assert_cmpint (money (fx->store->db, fx->card_id), ==, 8800);
	assert_verifies (fx->store->db);
	reopened = hy_db_open (fx->store->path, HY_DB_OPEN_EXISTING, &error);
	g_assert_no_error (error);
	g_assert_cmpint (money (reopened, fx->card_id), ==, 8800);
}

static void
test_restore_garbage_refused (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *garbage = g_build_filename (fx->store->dir, "garbage.db", NULL);
	g_autofree gchar *missing = g_build_filename (fx->store->dir, "missing.db", NULL);
	g_autofree gchar *content = g_strnfill (8192, 'x');

	g_assert_true (g_file_set_contents (garbage, content, -1, NULL));
	g_assert_false (hy_backup_restore (garbage, fx->store->path, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_SCHEMA);
	g_assert_nonnull (strstr (error->message, "refusing to restore"));
	g_assert_nonnull (strstr (error->message, "not a Huiyuan database"));
	g_clear_error (&error);
	assert_store_intact (fx);

	g_assert_false (hy_backup_restore (missing, fx->store->path, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	assert_store_intact (fx);
}

static void
test_restore_other_sqlite_refused (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *other = g_build_filename (fx->store->dir, "other.db", NULL);
	sqlite3 *raw = NULL;

	g_assert_cmpint (sqlite3_open (other, &raw), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL,
				       NULL, NULL),
			 ==, SQLITE_OK);
	sqlite3_close (raw);
	g_assert_false (hy_backup_restore (other, fx->store->path, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_SCHEMA);
	g_clear_error (&error);
	assert_store_intact (fx);
}

static void
test_restore_tampered_refused (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	sqlite3 *raw = NULL;

	g_assert_true (hy_backup_to_file (fx->store->db, fx->backup, &error));
	g_assert_no_error (error);
	/* someone edits the backup's balance: it no longer verifies */
	g_assert_cmpint (sqlite3_open (fx->backup, &raw), ==, SQLITE_OK);
	g_assert_cmpint (
		sqlite3_exec (raw, "UPDATE balances SET amount = 1000000", NULL, NULL, NULL), ==,
		SQLITE_OK);
	sqlite3_close (raw);

	g_assert_false (hy_backup_restore (fx->backup, fx->store->path, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_VERIFY_FAILED);
	g_assert_nonnull (strstr (error->message, "fails verification"));
	g_assert_nonnull (strstr (error->message, fx->card_id));
	g_clear_error (&error);
	assert_store_intact (fx);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/backup/restore", test_backup_restore);
	ADD ("/huiyuan/backup/overwrites", test_backup_overwrites);
	ADD ("/huiyuan/backup/bad-destination", test_backup_bad_destination);
	ADD ("/huiyuan/backup/restore-garbage-refused", test_restore_garbage_refused);
	ADD ("/huiyuan/backup/restore-other-sqlite-refused", test_restore_other_sqlite_refused);
	ADD ("/huiyuan/backup/restore-tampered-refused", test_restore_tampered_refused);
#undef ADD
	return g_test_run ();
}
