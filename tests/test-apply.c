/* Applying replicated changes by table kind (hy-apply): ledger rows are a union by id
 * with their hash chains checked, HQ-owned rows take the higher version, shared rows
 * the last writer with tombstones, and what a store may not write is refused. */
#include "config.h"

#include "hy-apply.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-operator.h"
#include "hy-relay-log.h"
#include "hy-outbox.h"
#include "hy-test-common.h"

#define ORIGIN "0190a0a0-0000-7000-8000-0000000000aa"
#define OTHER  "0190a0a0-0000-7000-8000-0000000000bb"
#define ROW    "0190a0a0-0000-7000-8000-000000000001"

static HyChange *
change_new (const gchar *table, const gchar *op, gint64 hlc, const gchar *payload)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *text = g_strdup_printf (
		"{\"seq\": \"1\", \"id\": \"%s\", \"table\": "
		"\"%s\", \"op\": \"%s\", \"hlc\": \"%" G_GINT64_FORMAT "\", \"payload\": %s}",
		ROW, table, op, hlc, payload);
	g_autoptr (JsonNode) node = json_from_string (text, &error);
	HyChange *change;
	g_assert_no_error (error);
	change = hy_change_from_json (node, &error);
	g_assert_no_error (error);
	return change;
}

/* Applies in a transaction of its own, committed when it succeeds. */
static gboolean
apply (HyDb *db,
       const HyChange *change,
       const gchar *origin,
       HyApplyFlags flags,
       HyApplyResult *result,
       GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_assert_nonnull (txn);
	if (!hy_apply_change (db, change, origin, flags, result, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

static void
assert_result (HyDb *db, const HyChange *change, HyApplyFlags flags, HyApplyResult expected)
{
	g_autoptr (GError) error = NULL;
	HyApplyResult result = HY_APPLY_SKIPPED;
	g_assert_true (apply (db, change, ORIGIN, flags, &result, &error));
	g_assert_no_error (error);
	g_assert_cmpint (result, ==, expected);
}

static void
assert_result_from (HyDb *db, const HyChange *change, const gchar *origin, HyApplyResult expected)
{
	g_autoptr (GError) error = NULL;
	HyApplyResult result = HY_APPLY_SKIPPED;
	g_assert_true (apply (db, change, origin, HY_APPLY_FROM_STORE, &result, &error));
	g_assert_no_error (error);
	g_assert_cmpint (result, ==, expected);
}

static void
assert_refused (HyDb *db,
		const HyChange *change,
		const gchar *origin,
		HyApplyFlags flags,
		gint code,
		const gchar *needle)
{
	g_autoptr (GError) error = NULL;
	HyApplyResult result = HY_APPLY_SKIPPED;
	g_assert_false (apply (db, change, origin, flags, &result, &error));
	g_assert_error (error, HY_ERROR, code);
	g_test_message ("refused: %s", error->message);
	g_assert_nonnull (strstr (error->message, needle));
}

static void
test_apply_change_json (void)
{
	static const gchar *const bad[] = {
		"[]",
		"{\"seq\": \"1\"}",
		"{\"seq\": \"-1\", \"hlc\": \"1\", \"id\": \"a\", \"table\": \"t\", \"op\": "
		"\"insert\", \"payload\": {\"id\": \"a\"}}",
		"{\"seq\": \"1\", \"hlc\": \"1\", \"id\": \"a b\", \"table\": \"t\", \"op\": "
		"\"insert\", \"payload\": {\"id\": \"a b\"}}",
		"{\"seq\": \"1\", \"hlc\": \"1\", \"id\": \"a\", \"table\": \"t;drop\", \"op\": "
		"\"insert\", \"payload\": {\"id\": \"a\"}}",
		"{\"seq\": \"1\", \"hlc\": \"1\", \"id\": \"a\", \"table\": \"t\", \"op\": "
		"\"upsert\", \"payload\": {\"id\": \"a\"}}",
		"{\"seq\": \"1\", \"hlc\": \"1\", \"id\": \"a\", \"table\": \"t\", \"op\": "
		"\"insert\", \"payload\": {\"id\": \"b\"}}",
		"{\"seq\": \"1\", \"hlc\": \"1\", \"id\": \"a\", \"table\": \"t\", \"op\": "
		"\"insert\", \"payload\": 3}",
	};
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (JsonNode) node = json_from_string (bad[i], &error);
		g_autoptr (HyChange) change = NULL;
		g_assert_no_error (error);
		change = hy_change_from_json (node, &error);
		g_assert_null (change);
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	}
	/* and a good one goes there and back */
	{
		g_autoptr (HyChange) change =
			change_new ("payments", "insert", G_GINT64_CONSTANT (123456789012345678),
				    "{\"id\": \"" ROW "\"}");
		g_autoptr (JsonNode) node = hy_change_to_json (change);
		g_autoptr (GError) error = NULL;
		g_autoptr (HyChange) back = hy_change_from_json (node, &error);
		g_assert_no_error (error);
		g_assert_cmpint (back->hlc, ==, G_GINT64_CONSTANT (123456789012345678));
		g_assert_cmpstr (back->table, ==, "payments");
	}
}

static void
test_apply_refused (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
	g_autoptr (HyChange) unknown = change_new ("secrets", "insert", 1, "{\"id\": \"" ROW "\"}");
	g_autoptr (HyChange) derived =
		change_new ("balances", "insert", 1, "{\"id\": \"" ROW "\"}");
	g_autoptr (HyChange) local = change_new ("outbox", "insert", 1, "{\"id\": \"" ROW "\"}");
	g_autoptr (HyChange) column =
		change_new ("payments", "insert", 1, "{\"id\": \"" ROW "\", \"evil\": 1}");
	g_autoptr (HyChange) nested =
		change_new ("payments", "insert", 1, "{\"id\": \"" ROW "\", \"amount\": [1]}");
	g_autoptr (HyChange) hq = change_new ("items", "insert", 1,
					      "{\"id\": \"" ROW "\", \"code\": \"X\", \"name\": "
					      "\"x\", \"price\": 1, \"hlc\": 1, \"origin_store\": "
					      "\"" ORIGIN "\"}");
	g_autoptr (HyChange) theirs =
		change_new ("payments", "insert", 1,
			    "{\"id\": \"" ROW "\", \"sale_id\": \"s\", \"method\": \"cash\", "
			    "\"amount\": 1, \"hlc\": 1, \"origin_store\": \"" OTHER "\"}");
	gint64 ahead = ((g_get_real_time () / 1000) + 24 * 3600 * 1000) << 16;
	g_autofree gchar *future_payload = g_strdup_printf (
		"{\"id\": \"" ROW "\", \"sale_id\": \"s\", \"method\": \"cash\", \"amount\": 1, "
		"\"hlc\": %" G_GINT64_FORMAT ", \"origin_store\": \"" ORIGIN "\"}",
		ahead);
	g_autoptr (HyChange) future = change_new ("payments", "insert", 1, future_payload);
	gint64 before = hy_test_store_count (store, "SELECT count(*) FROM payments");

	assert_refused (store->db, unknown, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
			"unknown table");
	assert_refused (store->db, local, ORIGIN, HY_APPLY_TRUSTED, HY_ERROR_INVALID_INPUT,
			"unknown table");
	assert_refused (store->db, derived, ORIGIN, HY_APPLY_TRUSTED, HY_ERROR_INVALID_INPUT,
			"derived");
	assert_refused (store->db, column, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
			"no column “evil”");
	assert_refused (store->db, nested, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
			"amount");
	assert_refused (store->db, hq, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_PERMISSION_DENIED,
			"only HQ");
	assert_refused (store->db, theirs, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_PERMISSION_DENIED,
			"claims origin store");
	assert_refused (store->db, future, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
			"ahead");
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM payments"), ==, before);
	/* a newer peer's tables and columns are passed over when lenient */
	assert_result (store->db, unknown, HY_APPLY_LENIENT, HY_APPLY_SKIPPED);
	{
		g_autoptr (HyChange) newer = change_new (
			"payments", "insert", 1,
			"{\"id\": \"" ROW "\", \"sale_id\": \"s\", \"method\": \"cash\", "
			"\"amount\": 1, \"hlc\": 1, \"origin_store\": \"" ORIGIN "\", "
			"\"new_column\": \"x\"}");
		assert_result (store->db, newer, HY_APPLY_LENIENT, HY_APPLY_CHANGED);
	}
}

static void
test_apply_ledger (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
	const gchar *payload = "{\"id\": \"" ROW "\", \"sale_id\": \"s\", \"method\": \"cash\", "
			       "\"amount\": 100, \"hlc\": 7, \"origin_store\": \"" ORIGIN "\"}";
	g_autoptr (HyChange) insert = change_new ("payments", "insert", 7, payload);
	g_autoptr (HyChange) altered =
		change_new ("payments", "insert", 7,
			    "{\"id\": \"" ROW "\", \"sale_id\": \"s\", \"method\": \"cash\", "
			    "\"amount\": 999, \"hlc\": 7, \"origin_store\": \"" ORIGIN "\"}");
	g_autoptr (HyChange) del = change_new ("payments", "delete", 8, "{\"id\": \"" ROW "\"}");
	g_autofree gchar *mine = NULL;
	g_autoptr (HyChange) own = NULL;

	assert_result (store->db, insert, HY_APPLY_FROM_STORE, HY_APPLY_CHANGED);
	for (guint i = 0; i < 3; i++)
		assert_result (store->db, insert, HY_APPLY_FROM_STORE, HY_APPLY_UNCHANGED);
	assert_refused (store->db, altered, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_CONFLICT,
			"different");
	assert_refused (store->db, del, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
			"insert-only");
	g_assert_cmpint (
		hy_test_store_count (store, "SELECT amount FROM payments WHERE id = '" ROW "'"), ==,
		100);
	/* a row claiming this store's origin that this store does not have */
	mine = g_strdup_printf ("{\"id\": \"%s\", \"sale_id\": \"s\", \"method\": \"cash\", "
				"\"amount\": 1, \"hlc\": 1, \"origin_store\": \"%s\"}",
				ROW "x", hy_actor_get_store_id (store->admin));
	{
		g_autoptr (GError) error = NULL;
		g_autofree gchar *text = g_strdup_printf (
			"{\"seq\": \"1\", \"id\": \"%sx\", \"table\": \"payments\", \"op\": "
			"\"insert\", \"hlc\": \"1\", \"payload\": %s}",
			ROW, mine);
		g_autoptr (JsonNode) node = json_from_string (text, &error);
		own = hy_change_from_json (node, &error);
		g_assert_no_error (error);
	}
	assert_refused (store->db, own, ORIGIN, HY_APPLY_TRUSTED, HY_ERROR_CONFLICT,
			"claims to come from this store");
}

/* Ships every account entry of `from` (in chain order) to `to`, returning how many
 * were refused; `tamper` edits one payload first. */
static GPtrArray *
entry_changes (HyTestStore *from)
{
	g_autoptr (GPtrArray) changes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_change_free);
	sqlite3_stmt *stmt = NULL;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (from->db),
					     "SELECT id FROM account_entries ORDER BY origin_seq",
					     -1, &stmt, NULL),
			 ==, SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		const gchar *id = (const gchar *) sqlite3_column_text (stmt, 0);
		g_autoptr (GError) error = NULL;
		g_autofree gchar *payload =
			hy_outbox_payload (from->db, "account_entries", id, &error);
		g_autofree gchar *text = NULL;
		g_autoptr (JsonNode) node = NULL;
		g_assert_no_error (error);
		text = g_strdup_printf ("{\"seq\": \"1\", \"id\": \"%s\", \"table\": "
					"\"account_entries\", \"op\": \"insert\", \"hlc\": \"1\", "
					"\"payload\": %s}",
					id, payload);
		node = json_from_string (text, &error);
		g_assert_no_error (error);
		g_ptr_array_add (changes, hy_change_from_json (node, &error));
		g_assert_no_error (error);
	}
	sqlite3_finalize (stmt);
	return g_steal_pointer (&changes);
}

static void
test_apply_chain (void)
{
	g_autoptr (HyTestStore) a = hy_test_store_new ("A1");
	g_autoptr (HyTestStore) b = hy_test_store_new ("B1");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	g_autofree gchar *member_id = NULL;
	g_autofree gchar *card = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	const gchar *a_id = hy_actor_get_store_id (a->admin);

	member->name = g_strdup ("张三");
	g_assert_true (hy_member_register (a->db, a->admin, member, NULL, NULL, NULL, &member_id,
					   &card, &error));
	g_assert_no_error (error);
	for (gint i = 1; i <= 3; i++) {
		g_assert_true (
			hy_ledger_recharge (a->db, a->admin, card, 1000 * i, NULL, NULL, &error));
		g_assert_no_error (error);
	}
	changes = entry_changes (a);
	g_assert_cmpuint (changes->len, ==, 3);

	/* the second before the first: out of order */
	assert_refused (b->db, changes->pdata[1], a_id, HY_APPLY_FROM_STORE, HY_ERROR_CONFLICT,
			"chain");
	/* an altered amount no longer matches its hash */
	{
		HyChange *first = changes->pdata[0];
		g_autoptr (JsonObject) saved = json_object_ref (first->payload);
		g_autoptr (JsonNode) copy = NULL;
		g_autoptr (JsonNode) wrap = json_node_new (JSON_NODE_OBJECT);
		g_autofree gchar *text = NULL;
		json_node_set_object (wrap, saved);
		/* a deep copy: json_node_copy() shares the object */
		text = json_to_string (wrap, FALSE);
		copy = json_from_string (text, NULL);
		json_object_set_int_member (json_node_get_object (copy), "delta", 99999);
		first->payload = json_object_ref (json_node_get_object (copy));
		assert_refused (b->db, first, a_id, HY_APPLY_FROM_STORE, HY_ERROR_INVALID_INPUT,
				"forged");
		json_object_unref (first->payload);
		first->payload = json_object_ref (saved);
	}
	g_assert_cmpint (hy_test_store_count (b, "SELECT count(*) FROM account_entries WHERE "
						 "delta IN (1000, 2000, 3000, 99999)"),
			 ==, 0);
	/* in order, twice: applied once, and the balance follows */
	for (guint round = 0; round < 2; round++) {
		for (guint i = 0; i < changes->len; i++) {
			HyApplyResult result = HY_APPLY_SKIPPED;
			g_assert_true (apply (b->db, changes->pdata[i], a_id, HY_APPLY_FROM_STORE,
					      &result, &error));
			g_assert_no_error (error);
			g_assert_cmpint (result, ==,
					 round == 0 ? HY_APPLY_CHANGED : HY_APPLY_UNCHANGED);
		}
	}
	{
		g_autofree gchar *sql = g_strdup_printf (
			"SELECT amount FROM balances b JOIN account_entries e ON e.card_id = "
			"b.card_id "
			"WHERE e.origin_store = '%s' AND b.account = 'money' LIMIT 1",
			a_id);
		g_assert_cmpint (hy_test_store_count (b, sql), ==, 6000);
	}
}

static void
test_apply_versions (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
#define ITEM_FMT                                                                                   \
	"{\"id\": \"" ROW                                                                          \
	"\", \"code\": \"X1\", \"name\": \"%s\", \"price\": 100, \"version\": %d, "                \
	"\"hlc\": %d, \"origin_store\": \"" ORIGIN "\"}"
	g_autofree gchar *p1 = g_strdup_printf (ITEM_FMT, "v1", 1, 10);
	g_autofree gchar *p2 = g_strdup_printf (ITEM_FMT, "v2", 2, 5);
	g_autofree gchar *p1b = g_strdup_printf (ITEM_FMT, "v1 again", 1, 50);
	g_autoptr (HyChange) c1 = change_new ("items", "insert", 10, p1);
	g_autoptr (HyChange) c2 = change_new ("items", "update", 5, p2);
	g_autoptr (HyChange) c1b = change_new ("items", "update", 50, p1b);
	const gchar *name = "SELECT count(*) FROM items WHERE id = '" ROW "' AND name = ";

	assert_result (store->db, c1, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	/* a higher version wins even with an older clock */
	assert_result (store->db, c2, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	assert_result (store->db, c1b, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	assert_result (store->db, c2, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	{
		g_autofree gchar *sql = g_strconcat (name, "'v2'", NULL);
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 1);
	}
}

static void
test_apply_last_writer (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
#define MEMBER_FMT                                                                                 \
	"{\"id\": \"" ROW "\", \"name\": \"%s\", \"name_pinyin\": \"\", \"name_initials\": \"\", " \
	"\"level_id\": \"l\", \"home_store\": \"h\", \"created_at\": 1, \"hlc\": %d, "             \
	"\"origin_store\": \"%s\"}"
	g_autofree gchar *p100 = g_strdup_printf (MEMBER_FMT, "王五", 100, ORIGIN);
	g_autofree gchar *p50 = g_strdup_printf (MEMBER_FMT, "old", 50, ORIGIN);
	g_autofree gchar *p200 = g_strdup_printf (MEMBER_FMT, "赵六", 200, ORIGIN);
	g_autofree gchar *p200b = g_strdup_printf (MEMBER_FMT, "tie", 200, OTHER);
	g_autofree gchar *p250 = g_strdup_printf (MEMBER_FMT, "after delete?", 250, ORIGIN);
	g_autofree gchar *p400 = g_strdup_printf (MEMBER_FMT, "back", 400, ORIGIN);
	g_autoptr (HyChange) c100 = change_new ("members", "insert", 100, p100);
	g_autoptr (HyChange) c50 = change_new ("members", "update", 50, p50);
	g_autoptr (HyChange) c200 = change_new ("members", "update", 200, p200);
	g_autoptr (HyChange) c200b = change_new ("members", "update", 200, p200b);
	g_autoptr (HyChange) del = change_new ("members", "delete", 300, "{\"id\": \"" ROW "\"}");
	g_autoptr (HyChange) c250 = change_new ("members", "update", 250, p250);
	g_autoptr (HyChange) c400 = change_new ("members", "insert", 400, p400);
#define NAMED "SELECT name = '%s' FROM members WHERE id = '" ROW "'"

	assert_result (store->db, c100, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	/* the name search follows the applied row */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams WHERE "
						     "member_id = '" ROW "' AND gram = '王五'"),
			 ==, 1);
	assert_result (store->db, c50, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	assert_result (store->db, c200, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	/* the same clock: the higher origin store wins, wherever it is applied */
	assert_result (store->db, c200b, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	assert_result (store->db, c200, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	{
		g_autofree gchar *sql = g_strdup_printf (NAMED, "tie");
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 1);
	}
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams WHERE "
						     "member_id = '" ROW "' AND gram = '赵六'"),
			 ==, 0);
	/* a delete leaves a tombstone that older writes do not get past */
	assert_result (store->db, del, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	g_assert_cmpint (
		hy_test_store_count (store, "SELECT count(*) FROM members WHERE id = '" ROW "'"),
		==, 0);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams WHERE "
						     "member_id = '" ROW "'"),
			 ==, 0);
	assert_result (store->db, c250, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	assert_result (store->db, c100, HY_APPLY_TRUSTED, HY_APPLY_UNCHANGED);
	/* a later write brings it back */
	assert_result (store->db, c400, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	{
		g_autofree gchar *sql = g_strdup_printf (NAMED, "back");
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 1);
	}
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM tombstones"), ==, 0);
}

/* The row `id` of `table` as `from` ships it (hy_outbox_payload), as a change. */
static HyChange *
shipped (HyTestStore *from, const gchar *table, const gchar *id, const gchar *op)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *payload = hy_outbox_payload (from->db, table, id, &error);
	g_autofree gchar *text = NULL;
	g_autoptr (JsonNode) node = NULL;
	HyChange *change;

	g_assert_no_error (error);
	text = g_strdup_printf ("{\"seq\": \"1\", \"id\": \"%s\", \"table\": \"%s\", "
				"\"op\": \"%s\", \"hlc\": \"1\", \"payload\": %s}",
				id, table, op, payload);
	node = json_from_string (text, &error);
	g_assert_no_error (error);
	change = hy_change_from_json (node, &error);
	g_assert_no_error (error);
	return change;
}

static void
apply_from (HyTestStore *to, const HyChange *change, HyTestStore *from, HyApplyResult expected)
{
	g_autoptr (GError) error = NULL;
	HyApplyResult result = HY_APPLY_SKIPPED;
	g_assert_true (apply (to->db, change, hy_actor_get_store_id (from->admin),
			      HY_APPLY_FROM_STORE, &result, &error));
	g_assert_no_error (error);
	g_assert_cmpint (result, ==, expected);
}

static gchar *
member_field (HyTestStore *store, const gchar *id, const gchar *column)
{
	g_autofree gchar *sql = g_strdup_printf ("SELECT %s FROM members WHERE id = ?", column);
	sqlite3_stmt *stmt = NULL;
	gchar *value = NULL;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (store->db), sql, -1, &stmt, NULL),
			 ==, SQLITE_OK);
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step (stmt) == SQLITE_ROW)
		value = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return value;
}

/* Two stores change different fields of one member while apart: each keeps the
 * other's change (per-column last writer wins), in either order of arrival, and a
 * field both changed takes the later write. */
static void
test_apply_columns (void)
{
	g_autoptr (HyTestStore) a = hy_test_store_new ("A1");
	g_autoptr (HyTestStore) b = hy_test_store_new ("B1");
	g_autoptr (HyMember) member = hy_member_new ();
	g_autoptr (GError) error = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *card = NULL;

	member->name = g_strdup ("王五");
	member->phone = g_strdup ("13800000001");
	g_assert_true (
		hy_member_register (a->db, a->admin, member, NULL, NULL, NULL, &id, &card, &error));
	g_assert_no_error (error);
	{
		g_autoptr (HyChange) insert = shipped (a, "members", id, "insert");
		apply_from (b, insert, a, HY_APPLY_CHANGED);
	}
	/* apart: A changes the phone, then B the name and the email */
	{
		g_autoptr (HyMember) edit = hy_member_get (a->db, id, &error);
		g_free (edit->phone);
		edit->phone = g_strdup ("13900000002");
		g_assert_true (hy_member_update (a->db, a->admin, edit, NULL, &error));
		g_assert_no_error (error);
	}
	g_usleep (2000);
	{
		g_autoptr (HyMember) edit = hy_member_get (b->db, id, &error);
		g_free (edit->name);
		edit->name = g_strdup ("赵六");
		g_free (edit->email);
		edit->email = g_strdup ("b@example.cn");
		g_assert_true (hy_member_update (b->db, b->admin, edit, NULL, &error));
		g_assert_no_error (error);
	}
	{
		g_autoptr (HyChange) from_a = shipped (a, "members", id, "update");
		g_autoptr (HyChange) from_b = shipped (b, "members", id, "update");
		/* each side still holds its own newer columns */
		g_assert_nonnull (json_object_get_member (from_b->payload, "_clocks"));
		apply_from (b, from_a, a, HY_APPLY_CHANGED);
		apply_from (a, from_b, b, HY_APPLY_CHANGED);
		/* delivered again: nothing changes */
		apply_from (b, from_a, a, HY_APPLY_UNCHANGED);
		apply_from (a, from_b, b, HY_APPLY_UNCHANGED);
	}
	for (HyTestStore **s = (HyTestStore *[]){a, b, NULL}; *s != NULL; s++) {
		g_autofree gchar *phone = member_field (*s, id, "phone");
		g_autofree gchar *name = member_field (*s, id, "name");
		g_autofree gchar *email = member_field (*s, id, "email");
		g_autofree gchar *initials = member_field (*s, id, "name_initials");
		g_assert_cmpstr (phone, ==, "13900000002");
		g_assert_cmpstr (name, ==, "赵六");
		g_assert_cmpstr (email, ==, "b@example.cn");
		g_assert_cmpstr (initials, ==, "zl");
		/* the name search follows the merged name */
		g_assert_cmpint (hy_test_store_count (*s, "SELECT count(*) FROM member_name_grams "
							  "WHERE gram = '赵六'"),
				 ==, 1);
	}
	/* both replicas agree on the clocks too, so a third sees the same */
	{
		g_autoptr (HyChange) again_a = shipped (a, "members", id, "update");
		g_autoptr (HyChange) again_b = shipped (b, "members", id, "update");
		g_autoptr (JsonNode) na =
			json_node_init_object (json_node_alloc (), again_a->payload);
		g_autoptr (JsonNode) nb =
			json_node_init_object (json_node_alloc (), again_b->payload);
		g_autofree gchar *ta = json_to_string (na, FALSE);
		g_autofree gchar *tb = json_to_string (nb, FALSE);
		g_assert_cmpstr (ta, ==, tb);
	}
	/* the same field on both sides: the later write wins everywhere */
	{
		g_autoptr (HyMember) edit_a = hy_member_get (a->db, id, &error);
		g_autoptr (HyMember) edit_b = NULL;
		g_free (edit_a->phone);
		edit_a->phone = g_strdup ("13700000003");
		g_assert_true (hy_member_update (a->db, a->admin, edit_a, NULL, &error));
		g_usleep (2000);
		edit_b = hy_member_get (b->db, id, &error);
		g_free (edit_b->phone);
		edit_b->phone = g_strdup ("13600000004");
		g_assert_true (hy_member_update (b->db, b->admin, edit_b, NULL, &error));
		g_assert_no_error (error);
	}
	{
		g_autoptr (HyChange) from_a = shipped (a, "members", id, "update");
		g_autoptr (HyChange) from_b = shipped (b, "members", id, "update");
		apply_from (b, from_a, a, HY_APPLY_UNCHANGED);
		apply_from (a, from_b, b, HY_APPLY_CHANGED);
	}
	for (HyTestStore **s = (HyTestStore *[]){a, b, NULL}; *s != NULL; s++) {
		g_autofree gchar *phone = member_field (*s, id, "phone");
		g_assert_cmpstr (phone, ==, "13600000004");
	}
}

/* A store changes its own operators only: a pushed write that would change another
 * store's operator is refused (after last-writer-wins picked it), a stale or identical
 * copy re-pushed by a third store passes, and the store's own operators are its own. */
static void
test_apply_operators (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
	gint64 now = (g_get_real_time () / 1000) << 16;
#define OPERATOR_FMT                                                                               \
	"{\"id\": \"" ROW "\", \"login\": \"clerk\", \"name\": \"Clerk\", \"role_id\": \"%s\", "   \
	"\"store_id\": \"%s\", \"password_hash\": \"x\", \"active\": 1, \"hlc\": "                 \
	"%" G_GINT64_FORMAT ", \"origin_store\": \"%s\"}"
	g_autofree gchar *theirs = g_strdup_printf (OPERATOR_FMT, "cashier", OTHER, now, OTHER);
	g_autofree gchar *promoted =
		g_strdup_printf (OPERATOR_FMT, "admin", OTHER, now + 10, OTHER);
	g_autofree gchar *stale = g_strdup_printf (OPERATOR_FMT, "admin", OTHER, now - 10, OTHER);
	g_autofree gchar *touched =
		g_strdup_printf (OPERATOR_FMT, "cashier", OTHER, now + 20, OTHER);
	g_autofree gchar *moved =
		g_strdup_printf (OPERATOR_FMT, "cashier", ORIGIN, now + 30, OTHER);
	g_autoptr (HyChange) c_theirs = change_new ("operators", "insert", now, theirs);
	g_autoptr (HyChange) c_repush = change_new ("operators", "update", now, theirs);
	g_autoptr (HyChange) c_promoted = change_new ("operators", "update", now + 10, promoted);
	g_autoptr (HyChange) c_stale = change_new ("operators", "update", now - 10, stale);
	g_autoptr (HyChange) c_touched = change_new ("operators", "update", now + 20, touched);
	g_autoptr (HyChange) c_moved = change_new ("operators", "update", now + 30, moved);
	g_autoptr (HyChange) c_delete =
		change_new ("operators", "delete", now + 40, "{\"id\": \"" ROW "\"}");
	const gchar *role = "SELECT count(*) FROM operators WHERE id = '" ROW "' AND role_id = ";

	/* nor plant a new operator at another store */
	{
		g_autoptr (HyTestStore) fresh = hy_test_store_new ("B1");
		g_autofree gchar *planted =
			g_strdup_printf (OPERATOR_FMT, "admin", OTHER, now, ORIGIN);
		g_autoptr (HyChange) c_planted = change_new ("operators", "insert", now, planted);
		assert_refused (fresh->db, c_planted, ORIGIN, HY_APPLY_FROM_STORE,
				HY_ERROR_PERMISSION_DENIED, "belongs to store " OTHER);
		g_assert_cmpint (hy_test_store_count (fresh, "SELECT count(*) FROM operators "
							     "WHERE id = '" ROW "'"),
				 ==, 0);
	}
	/* store OTHER's operator, as the relay holds it */
	assert_result (store->db, c_theirs, HY_APPLY_TRUSTED, HY_APPLY_CHANGED);
	/* ORIGIN promotes it, moves it to itself, deletes it: each refused, nothing changed */
	assert_refused (store->db, c_promoted, ORIGIN, HY_APPLY_FROM_STORE,
			HY_ERROR_PERMISSION_DENIED,
			"operators row " ROW " belongs to store " OTHER);
	assert_refused (store->db, c_moved, ORIGIN, HY_APPLY_FROM_STORE, HY_ERROR_PERMISSION_DENIED,
			"belongs to store");
	assert_refused (store->db, c_delete, ORIGIN, HY_APPLY_FROM_STORE,
			HY_ERROR_PERMISSION_DENIED, "belongs to store");
	{
		g_autofree gchar *sql = g_strconcat (role, "'cashier'", NULL);
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 1);
	}
	/* the same row, or an older copy, re-pushed by a third store: last-writer-wins
	 * keeps what is held and the push goes through */
	assert_result (store->db, c_repush, HY_APPLY_FROM_STORE, HY_APPLY_UNCHANGED);
	assert_result (store->db, c_stale, HY_APPLY_FROM_STORE, HY_APPLY_UNCHANGED);
	/* a newer clock with every other column as held changes nothing that matters */
	assert_result (store->db, c_touched, HY_APPLY_FROM_STORE, HY_APPLY_CHANGED);
	/* the owner itself may promote its operator, but not hand it to another store */
	{
		g_autofree gchar *own =
			g_strdup_printf (OPERATOR_FMT, "admin", OTHER, now + 50, OTHER);
		g_autoptr (HyChange) c_own = change_new ("operators", "update", now + 50, own);
		g_autofree gchar *sql = g_strconcat (role, "'admin'", NULL);
		assert_refused (store->db, c_moved, OTHER, HY_APPLY_FROM_STORE,
				HY_ERROR_PERMISSION_DENIED, "belongs to store " ORIGIN);
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 0);
		assert_result_from (store->db, c_own, OTHER, HY_APPLY_CHANGED);
		g_assert_cmpint (hy_test_store_count (store, sql), ==, 1);
	}
	/* so a store does not make such a change in the first place */
	{
		g_autoptr (GError) error = NULL;
		const gchar *outbox = "SELECT count(*) FROM outbox";
		gint64 before = hy_test_store_count (store, outbox);
		g_assert_false (
			hy_operator_set_active (store->db, store->admin, "clerk", FALSE, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
		g_assert_cmpint (hy_test_store_count (store, outbox), ==, before);
		g_assert_cmpint (
			hy_test_store_count (store,
					     "SELECT active FROM operators WHERE login = 'clerk'"),
			==, 1);
	}
}

/* The relay logs a change as the store sent it and serves it back the same, whatever
 * its strings hold: quotes, backslashes, control characters, non-ASCII. */
static void
test_apply_relay_log (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("A1");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) changes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_change_free);
	g_autoptr (JsonArray) pulled = NULL;
	g_autofree gchar *payload =
		g_strdup_printf (MEMBER_FMT, "王\\\"q\\\\b\\n\\t\\u0001é/", 100, OTHER);
	HyChange *change = change_new ("members", "insert", 100, payload);
	JsonObject *back;
	gint64 acked = 0, next = 0;
	guint logged = 0;

	g_ptr_array_add (changes, change);
	g_assert_true (hy_relay_ingest (store->db, OTHER, changes, FALSE, &acked, &logged, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (logged, ==, 1);
	pulled = hy_relay_pull (store->db, ORIGIN, 0, 100, &next, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (json_array_get_length (pulled), ==, 1);
	back = json_object_get_object_member (json_array_get_object_element (pulled, 0), "payload");
	g_assert_cmpstr (json_object_get_string_member (back, "name"), ==,
			 json_object_get_string_member (change->payload, "name"));
	g_assert_cmpstr (json_object_get_string_member (back, "name"), ==, "王\"q\\b\n\t\001é/");
	g_assert_cmpint (json_object_get_int_member (back, "hlc"), ==, 100);
	g_assert_cmpint (json_object_get_size (back), ==, json_object_get_size (change->payload));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func ("/apply/change-json", test_apply_change_json);
	g_test_add_func ("/apply/refused", test_apply_refused);
	g_test_add_func ("/apply/ledger", test_apply_ledger);
	g_test_add_func ("/apply/chain", test_apply_chain);
	g_test_add_func ("/apply/versions", test_apply_versions);
	g_test_add_func ("/apply/last-writer", test_apply_last_writer);
	g_test_add_func ("/apply/columns", test_apply_columns);
	g_test_add_func ("/apply/operators", test_apply_operators);
	g_test_add_func ("/apply/relay-log", test_apply_relay_log);
	return g_test_run ();
}
