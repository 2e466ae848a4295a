/* Verify: a clean database has no problems; each kind of tampering with the audit log,
 * the ledger or the cached balances is reported, naming the row. */
#include "config.h"

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
} Fixture;

/* A store with a card and a few operations: audit seqs 1 (store.init), 2 (card.issue),
 * 3–5 (recharges), 6 (withdrawal); ledger seqs 1–4. */
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
	for (guint i = 1; i <= 3; i++) {
		g_assert_true (hy_ledger_recharge (fx->store->db, fx->store->admin, fx->number,
						   1000 * i, NULL, NULL, &error));
		g_assert_no_error (error);
	}
	g_assert_true (hy_ledger_withdraw (fx->store->db, fx->store->admin, fx->number, 500, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (fx->store->db, fx->number, &error);
	fx->card_id = g_strdup (card->id);
	/* the tampering below goes around the insert-only triggers, as an attacker would */
	hy_test_store_raw_sql (fx->store, "DROP TRIGGER audit_no_update;"
					  "DROP TRIGGER audit_no_delete;"
					  "DROP TRIGGER account_entries_no_update;"
					  "DROP TRIGGER account_entries_no_delete;");
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
	hy_test_store_free (fx->store);
	g_free (fx->number);
	g_free (fx->card_id);
}

static GPtrArray *
run_verify (Fixture *fx)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (hy_verify (fx->store->db, problems, &error));
	g_assert_no_error (error);
	for (guint i = 0; i < problems->len; i++)
		g_test_message ("problem: %s", (const gchar *) problems->pdata[i]);
	return problems;
}

/* Some problem line holds every one of the NULL-terminated strings. */
static gboolean
has_problem (GPtrArray *problems, ...)
{
	for (guint i = 0; i < problems->len; i++) {
		const gchar *line = problems->pdata[i];
		gboolean all = TRUE;
		va_list args;
		va_start (args, problems);
		for (const gchar *s = va_arg (args, const gchar *); s != NULL;
		     s = va_arg (args, const gchar *)) {
			if (strstr (line, s) == NULL)
				all = FALSE;
		}
		va_end (args);
		if (all)
			return TRUE;
	}
	return FALSE;
}

static gchar *
row_id (Fixture *fx, const gchar *table, gint64 seq)
{
	g_autofree gchar *sql = g_strdup_printf ("SELECT id FROM %s WHERE origin_seq = ?", table);
	sqlite3_stmt *stmt = NULL;
	gchar *id = NULL;
	g_assert_cmpint (
		sqlite3_prepare_v2 (hy_db_get_handle (fx->store->db), sql, -1, &stmt, NULL), ==,
		SQLITE_OK);
	sqlite3_bind_int64 (stmt, 1, seq);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	id = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return id;
}

static void
tamper (Fixture *fx, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
tamper (Fixture *fx, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *sql = NULL;
	va_start (args, format);
	sql = g_strdup_vprintf (format, args);
	va_end (args);
	hy_test_store_raw_sql (fx->store, sql);
}

static void
test_verify_clean (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 0);
}

static void
test_verify_audit_edited (Fixture *fx, gconstpointer data)
{
	g_autofree gchar *id = row_id (fx, "audit", 4);
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "UPDATE audit SET detail = '{\"delta\":1}' WHERE id = '%s'", id);
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 1);
	g_assert_true (has_problem (problems, "audit row", id, "altered", NULL));
}

static void
test_verify_audit_middle_deleted (Fixture *fx, gconstpointer data)
{
	g_autofree gchar *next = row_id (fx, "audit", 4);
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "DELETE FROM audit WHERE origin_seq = 3");
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 1);
	g_assert_true (has_problem (problems, "audit chain", "seq 3 is missing", next, NULL));
}

static void
test_verify_audit_newest_deleted (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "DELETE FROM audit WHERE origin_seq = 6");
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 1);
	g_assert_true (has_problem (problems, "audit chain", "head is seq 6", "newest row is seq 5",
				    "deleted", NULL));
}

static void
test_verify_audit_relinked (Fixture *fx, gconstpointer data)
{
	g_autofree gchar *id = row_id (fx, "audit", 5);
	g_autoptr (GPtrArray) problems = NULL;

	/* a row re-pointed at another link, content untouched: the link and the hash fail */
	tamper (fx,
		"UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE origin_seq = 1) "
		"WHERE id = '%s'",
		id);
	problems = run_verify (fx);
	g_assert_true (has_problem (problems, id, "prev_hash", NULL));
}

static void
test_verify_entry_delta_changed (Fixture *fx, gconstpointer data)
{
	g_autofree gchar *id = row_id (fx, "account_entries", 2);
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "UPDATE account_entries SET delta = delta + 1000 WHERE id = '%s'", id);
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 2);
	g_assert_true (has_problem (problems, "ledger row", id, "altered", NULL));
	g_assert_true (has_problem (problems, "balance card", fx->card_id, "money",
				    "cached 5500 fen", "sums to 6500", NULL));
}

static void
test_verify_balance_changed (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "UPDATE balances SET amount = 10000 WHERE card_id = '%s'", fx->card_id);
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 1);
	g_assert_true (has_problem (problems, "balance card", fx->card_id, "money",
				    "cached 10000 fen but the ledger sums to 5500", NULL));
}

static void
test_verify_balance_missing_or_negative (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "DELETE FROM balances WHERE card_id = '%s'", fx->card_id);
	tamper (fx, "INSERT INTO balances VALUES ('%s', 'points', '', -5)", fx->card_id);
	problems = run_verify (fx);
	g_assert_true (has_problem (problems, fx->card_id, "money", "no cached balance",
				    "sums to 5500", NULL));
	g_assert_true (has_problem (problems, fx->card_id, "points", "negative", "-5", NULL));
	g_assert_true (
		has_problem (problems, fx->card_id, "points", "cached -5", "no entries", NULL));
}

static void
test_verify_entry_deleted (Fixture *fx, gconstpointer data)
{
	g_autofree gchar *next = row_id (fx, "account_entries", 3);
	g_autoptr (GPtrArray) problems = NULL;

	tamper (fx, "DELETE FROM account_entries WHERE origin_seq = 2");
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 2);
	g_assert_true (has_problem (problems, "ledger chain", "seq 2 is missing", next, NULL));
	g_assert_true (
		has_problem (problems, fx->card_id, "cached 5500 fen", "sums to 3500", NULL));
}

static void
test_verify_entry_forged (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = NULL;

	/* a forged credit, appended after the newest entry and with the balance moved to
	 * match, so only the chain can tell */
	tamper (fx,
		"INSERT INTO account_entries (id, card_id, member_id, account, item, delta, op, "
		"op_id, note, store_id, terminal_id, operator_id, at, hlc, origin_store, "
		"origin_seq, prev_hash, hash) SELECT 'forged-entry', card_id, member_id, "
		"account, item, 99999, 'recharge', 'forged-op', '', store_id, terminal_id, "
		"operator_id, at, hlc + 1, origin_store, origin_seq + 1, hash, "
		"'0000000000000000000000000000000000000000000000000000000000000001' "
		"FROM account_entries ORDER BY origin_seq DESC LIMIT 1;"
		"UPDATE balances SET amount = amount + 99999 WHERE card_id = '%s'",
		fx->card_id);
	problems = run_verify (fx);
	g_assert_cmpint (problems->len, ==, 2);
	g_assert_true (has_problem (problems, "ledger row forged-entry", "altered", NULL));
	g_assert_true (has_problem (problems, "ledger chain", "newest row is seq 5",
				    "head is seq 4", NULL));
}

static void
test_verify_read_only (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) ro = hy_db_open (fx->store->path, HY_DB_OPEN_READONLY, &error);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_assert_no_error (error);
	g_assert_true (hy_verify (ro, problems, &error));
	g_assert_no_error (error);
	g_assert_cmpint (problems->len, ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/verify/clean", test_verify_clean);
	ADD ("/huiyuan/verify/read-only", test_verify_read_only);
	ADD ("/huiyuan/verify/audit-edited", test_verify_audit_edited);
	ADD ("/huiyuan/verify/audit-middle-deleted", test_verify_audit_middle_deleted);
	ADD ("/huiyuan/verify/audit-newest-deleted", test_verify_audit_newest_deleted);
	ADD ("/huiyuan/verify/audit-relinked", test_verify_audit_relinked);
	ADD ("/huiyuan/verify/entry-delta-changed", test_verify_entry_delta_changed);
	ADD ("/huiyuan/verify/balance-changed", test_verify_balance_changed);
	ADD ("/huiyuan/verify/balance-missing-or-negative",
	     test_verify_balance_missing_or_negative);
	ADD ("/huiyuan/verify/entry-deleted", test_verify_entry_deleted);
	ADD ("/huiyuan/verify/entry-forged", test_verify_entry_forged);
#undef ADD
	return g_test_run ();
}
