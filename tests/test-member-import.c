/* Importing members from CSV: encodings, columns, opening balances, all-or-nothing. */
#include "config.h"

#include "hy-card.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-ledger.h"
#include "hy-member-import.h"
#include "hy-member-search.h"
#include "hy-member.h"
#include "hy-test-common.h"

static HyTestStore *
new_store (void)
{
	g_autoptr (GError) error = NULL;
	HyTestStore *store = hy_test_store_new ("S01");
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "wechat",
				     "微信号", HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL, TRUE,
				     &error));
	g_assert_no_error (error);
	return store;
}

/* "table:rows" for every table: the content a failed import must not change. */
static gchar *
snapshot (HyTestStore *store)
{
	g_autoptr (GString) out = g_string_new (NULL);
	sqlite3_stmt *stmt = NULL;
	g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (store->db),
					     "SELECT name FROM sqlite_master WHERE type = 'table' "
					     "ORDER BY name",
					     -1, &stmt, NULL),
			 ==, SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW)
		g_ptr_array_add (tables, g_strdup ((const gchar *) sqlite3_column_text (stmt, 0)));
	sqlite3_finalize (stmt);
	for (guint i = 0; i < tables->len; i++) {
		g_autofree gchar *sql =
			g_strdup_printf ("SELECT count(*) FROM \"%s\"", (gchar *) tables->pdata[i]);
		g_string_append_printf (out, "%s:%" G_GINT64_FORMAT " ", (gchar *) tables->pdata[i],
					hy_test_store_count (store, sql));
	}
	g_string_append_printf (
		out, "hlc:%" G_GINT64_FORMAT,
		hy_test_store_count (store, "SELECT coalesce(max(hlc), 0) FROM audit"));
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static HyMember *
find_one (HyTestStore *store, const gchar *query)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) found = hy_member_search (store->db, query, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (found->len, ==, 1);
	return g_ptr_array_steal_index (found, 0);
}

static void
test_import_utf8_bom (void)
{
	g_autoptr (HyTestStore) store = new_store ();
	g_autofree gchar *path =
		g_test_build_filename (G_TEST_DIST, "fixtures", "members-utf8-bom.csv", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) zs = NULL;
	g_autoptr (HyMember) lxl = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (GPtrArray) cards = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	gint64 money = 0, points = 0;
	guint count = 0;

	g_assert_true (hy_member_import_csv (store->db, store->admin, path, &count, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (count, ==, 2);

	zs = find_one (store, "0010005007");
	g_assert_cmpstr (zs->name, ==, "张三");
	g_assert_cmpstr (zs->gender, ==, "male");
	g_assert_cmpstr (zs->birthday, ==, "1991-01-01");
	g_assert_cmpstr (zs->address, ==, "浔阳区 1号, 2栋");
	g_assert_cmpstr (zs->note, ==, "说 \"你好\"\n第二行");
	{
		g_autoptr (HyMember) full = hy_member_get (store->db, zs->id, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (g_hash_table_lookup (full->fields, "wechat"), ==, "zs_wx");
	}
	card = hy_card_lookup (store->db, "0010005007", &error);
	g_assert_no_error (error);
	g_assert_true (card->has_password == FALSE);
	g_assert_true (
		hy_ledger_balance (store->db, card->id, HY_ACCOUNT_MONEY, "", &money, &error));
	g_assert_true (
		hy_ledger_balance (store->db, card->id, HY_ACCOUNT_POINTS, "", &points, &error));
	g_assert_cmpint (money, ==, 10000);
	g_assert_cmpint (points, ==, 150);

	lxl = find_one (store, "lxl");
	g_assert_cmpstr (lxl->gender, ==, "female");
	cards = hy_card_list_for_member (store->db, lxl->id, &error);
	g_assert_cmpuint (cards->len, ==, 1); /* from stock */
	g_assert_cmpint (hy_test_store_count (store,
					      "SELECT count(*) FROM audit WHERE action = "
					      "'member.import' AND detail LIKE '%\"count\":2%'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM account_entries "
						     "WHERE op = 'import'"),
			 ==, 2);

	/* the same file again: its card is taken now, and nothing changes */
	before = snapshot (store);
	g_assert_false (hy_member_import_csv (store->db, store->admin, path, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_cmpstr (error->message, ==,
			 "members-utf8-bom.csv:2: column \"card\": card 0010005007 is already in "
			 "the database");
	after = snapshot (store);
	g_assert_cmpstr (before, ==, after);
}

static void
test_import_gb18030 (void)
{
	g_autoptr (HyTestStore) store = new_store ();
	g_autofree gchar *path =
		g_test_build_filename (G_TEST_DIST, "fixtures", "members-gb18030.csv", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) oy = NULL;
	guint count = 0;

	g_assert_true (hy_member_import_csv (store->db, store->admin, path, &count, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (count, ==, 2);
	oy = find_one (store, "欧阳");
	g_assert_cmpstr (oy->name, ==, "欧阳修");
	g_assert_cmpstr (oy->gender, ==, "female");
	g_assert_cmpstr (oy->province, ==, "北京市");
	g_assert_cmpstr (oy->note, ==, "含,逗号");
	g_assert_cmpstr (oy->name_initials, ==, "oyx");
}

static void
assert_import_fails (const gchar *fixture, gint code, const gchar *message)
{
	g_autoptr (HyTestStore) store = new_store ();
	g_autofree gchar *path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
	g_autoptr (GError) error = NULL;
	g_autofree gchar *before = snapshot (store);
	g_autofree gchar *after = NULL;

	g_assert_false (hy_member_import_csv (store->db, store->admin, path, NULL, &error));
	g_assert_error (error, HY_ERROR, code);
	if (!g_str_has_prefix (error->message, message))
		g_error ("“%s” does not start with “%s”", error->message, message);
	after = snapshot (store);
	g_assert_cmpstr (before, ==, after);
	/* and with no GError at all, still nothing is written */
	g_assert_false (hy_member_import_csv (store->db, store->admin, path, NULL, NULL));
	g_clear_pointer (&after, g_free);
	after = snapshot (store);
	g_assert_cmpstr (before, ==, after);
}

static void
test_import_bad_files (void)
{
	assert_import_fails ("members-bad-date.csv", HY_ERROR_INVALID_INPUT,
			     "members-bad-date.csv:3: column \"birthday\": \"1990-02-30\" is not a "
			     "date");
	assert_import_fails ("members-dup-card.csv", HY_ERROR_INVALID_INPUT,
			     "members-dup-card.csv:4: column \"card\": card 0010005007 appears "
			     "twice in this file (first on line 2)");
	assert_import_fails ("members-unknown-column.csv", HY_ERROR_INVALID_INPUT,
			     "members-unknown-column.csv:1: column \"hobby\": unknown column");
	assert_import_fails ("members-column-count.csv", HY_ERROR_INVALID_INPUT,
			     "members-column-count.csv:3: 1 fields, but the header has 2 columns");
	assert_import_fails ("members-bad-encoding.csv", HY_ERROR_INVALID_INPUT,
			     "members-bad-encoding.csv: the file is neither UTF-8 nor GB18030");
	assert_import_fails ("no-such-file.csv", HY_ERROR_NOT_FOUND, "");
}

static void
test_import_data_errors (void)
{
	g_autoptr (HyTestStore) store = new_store ();
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	const gchar *quote = "name,phone\n张三,\"138\n";
	const gchar *id = "name,id_number\n张三,360426199101010072\n";
	const gchar *level = "name,level\n张三,白金卡\n";
	const gchar *money = "name,balance\n张三,12.50\n";
	const gchar *no_name = "phone\n13800138000\n";
	const gchar *ok = "name,phone\n张三,13800138000\n";

	g_assert_false (hy_member_import_data (store->db, store->admin, "q.csv", quote,
					       strlen (quote), NULL, &error));
	g_assert_cmpstr (error->message, ==, "q.csv:2:4: quoted field is never closed");
	g_clear_error (&error);
	g_assert_false (hy_member_import_data (store->db, store->admin, "i.csv", id, strlen (id),
					       NULL, &error));
	g_assert_true (g_str_has_prefix (error->message,
					 "i.csv:2: column \"id_number\": the ID number's check"));
	g_clear_error (&error);
	g_assert_false (hy_member_import_data (store->db, store->admin, "l.csv", level,
					       strlen (level), NULL, &error));
	g_assert_cmpstr (error->message, ==,
			 "l.csv:2: column \"level\": there is no level \"白金卡\"");
	g_clear_error (&error);
	g_assert_false (hy_member_import_data (store->db, store->admin, "m.csv", money,
					       strlen (money), NULL, &error));
	g_assert_true (g_str_has_prefix (error->message, "m.csv:2: column \"balance\": \"12.50\""));
	g_clear_error (&error);
	g_assert_false (hy_member_import_data (store->db, store->admin, "n.csv", no_name,
					       strlen (no_name), NULL, &error));
	g_assert_cmpstr (error->message, ==, "n.csv:1: the header has no \"name\" column");
	g_clear_error (&error);

	/* permissions: a cashier may not import; a store manager may */
	g_assert_false (hy_member_import_data (store->db, cashier, "ok.csv", ok, strlen (ok), NULL,
					       &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members"), ==, 0);
	g_assert_true (hy_member_import_data (store->db, manager, "ok.csv", ok, strlen (ok), NULL,
					      &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members"), ==, 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/member-import/utf8-bom", test_import_utf8_bom);
	g_test_add_func ("/huiyuan/member-import/gb18030", test_import_gb18030);
	g_test_add_func ("/huiyuan/member-import/bad-files", test_import_bad_files);
	g_test_add_func ("/huiyuan/member-import/data-errors", test_import_data_errors);
	return g_test_run ();
}
