/* Member search: every query shape, newest first, each member once, index plans. */
#include "config.h"

#include "hy-error.h"
#include "hy-field.h"
#include "hy-member-search.h"
#include "hy-member.h"
#include "hy-test-common.h"

typedef struct {
	HyTestStore *store;
	gchar *zhang_san;   /* id */
	gchar *zhang_san_2; /* a second 张三, newer */
	gchar *zhang_sanfeng;
	gchar *li_lei;
	gchar *card; /* 张三's card */
} Fixture;

static gchar *
add (Fixture *f,
     const gchar *name,
     const gchar *phone,
     const gchar *id_number,
     const gchar *wechat,
     gchar **card)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) m = hy_member_new ();
	gchar *id = NULL;
	m->name = g_strdup (name);
	m->phone = g_strdup (phone);
	m->id_number = g_strdup (id_number);
	if (wechat != NULL) {
		m->fields = g_hash_table_new (g_str_hash, g_str_equal);
		g_hash_table_insert (m->fields, "wechat", (gpointer) wechat);
	}
	g_assert_true (hy_member_register (f->store->db, f->store->admin, m, NULL, NULL, NULL, &id,
					   card, &error));
	g_assert_no_error (error);
	return id;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	f->store = hy_test_store_new ("S01");
	g_assert_true (hy_field_add (f->store->db, f->store->admin, HY_FIELD_ENTITY_MEMBER,
				     "wechat", "微信号", HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL,
				     TRUE, &error));
	f->zhang_san = add (f, "张三", "13800138000", "360426199101010071", "zs_wx", &f->card);
	f->li_lei = add (f, "Li Lei", "13900139000", NULL, NULL, NULL);
	f->zhang_sanfeng = add (f, "张三丰", "13700137000", "11010519491231002X", NULL, NULL);
	f->zhang_san_2 = add (f, "张三", "13600136000", NULL, "13800138000", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_free (f->zhang_san);
	g_free (f->zhang_san_2);
	g_free (f->zhang_sanfeng);
	g_free (f->li_lei);
	g_free (f->card);
	hy_test_store_free (f->store);
}

/* Asserts the ids found, in order. */
static void
assert_found (Fixture *f, const gchar *query, ...)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) found = hy_member_search (f->store->db, query, 0, &error);
	va_list args;
	guint i = 0;
	const gchar *id;

	g_assert_no_error (error);
	va_start (args, query);
	while ((id = va_arg (args, const gchar *)) != NULL) {
		if (i >= found->len)
			g_error ("“%s”: only %u results", query, found->len);
		g_assert_cmpstr (((HyMember *) g_ptr_array_index (found, i))->id, ==, id);
		i++;
	}
	va_end (args);
	if (i != found->len)
		g_error ("“%s”: %u results, expected %u", query, found->len, i);
}

static void
test_search_shapes (Fixture *f, gconstpointer data)
{
	/* pinyin: initials, full with and without spaces, prefixes */
	assert_found (f, "zs", f->zhang_san_2, f->zhang_sanfeng, f->zhang_san, NULL);
	assert_found (f, "ZSF", f->zhang_sanfeng, NULL);
	assert_found (f, "zhangsan", f->zhang_san_2, f->zhang_sanfeng, f->zhang_san, NULL);
	assert_found (f, "zhang san f", f->zhang_sanfeng, NULL);
	assert_found (f, "zhang", f->zhang_san_2, f->zhang_sanfeng, f->zhang_san, NULL);
	assert_found (f, "ll", f->li_lei, NULL);
	assert_found (f, "li lei", f->li_lei, NULL);
	assert_found (f, "lei", f->li_lei, NULL); /* a Latin name by substring */
	assert_found (f, "xyz", NULL);
	/* Han: name substring through the grams */
	assert_found (f, "张", f->zhang_san_2, f->zhang_sanfeng, f->zhang_san, NULL);
	assert_found (f, "三", f->zhang_san_2, f->zhang_sanfeng, f->zhang_san, NULL);
	assert_found (f, "三丰", f->zhang_sanfeng, NULL);
	assert_found (f, "张三丰", f->zhang_sanfeng, NULL);
	assert_found (f, "张丰", NULL);
	/* digits: phone, card; a searchable custom field holding the same digits */
	assert_found (f, "13800138000", f->zhang_san_2, f->zhang_san, NULL);
	assert_found (f, f->card, f->zhang_san, NULL);
	assert_found (f, "13900139000", f->li_lei, NULL);
	/* ID numbers, lowercase x too */
	assert_found (f, "360426199101010071", f->zhang_san, NULL);
	assert_found (f, "11010519491231002x", f->zhang_sanfeng, NULL);
	/* custom field */
	assert_found (f, "zs_wx", f->zhang_san, NULL);
	assert_found (f, "", NULL);
	assert_found (f, "   ", NULL);
}

static void
test_search_limit_deleted (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) found = hy_member_search (f->store->db, "zs", 2, &error);
	HyMember *first;
	g_assert_no_error (error);
	g_assert_cmpuint (found->len, ==, 2);
	first = g_ptr_array_index (found, 0);
	g_assert_cmpstr (first->level_name, ==, "Standard");
	/* results are summaries: custom fields come with hy_member_get */
	g_assert_null (first->fields);
	{
		g_autoptr (HyMember) full = hy_member_get (f->store->db, first->id, &error);
		g_assert_no_error (error);
		g_assert_nonnull (full->fields);
	}

	hy_test_store_raw_sql (f->store, "UPDATE members SET deleted = 1 WHERE name = '张三丰'");
	assert_found (f, "zs", f->zhang_san_2, f->zhang_san, NULL);
	assert_found (f, "11010519491231002X", NULL);
}

/* Every statement the search runs is an index search, never a scan. */
static void
test_search_plans (Fixture *f, gconstpointer data)
{
	sqlite3 *raw = hy_db_get_handle (f->store->db);
	const gchar *const *sql = hy_member_search_statements ();

	for (guint i = 0; sql[i] != NULL; i++) {
		g_autofree gchar *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql[i], NULL);
		g_autoptr (GString) plan = g_string_new (NULL);
		sqlite3_stmt *stmt = NULL;
		g_assert_cmpint (sqlite3_prepare_v2 (raw, explain, -1, &stmt, NULL), ==, SQLITE_OK);
		while (sqlite3_step (stmt) == SQLITE_ROW)
			g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
		sqlite3_finalize (stmt);
		g_test_message ("%s\n%s", sql[i], plan->str);
		if (strstr (plan->str, "SCAN") != NULL)
			g_error ("a full scan in %s:\n%s", sql[i], plan->str);
		g_assert_nonnull (strstr (plan->str, "USING"));
		/* newest first comes from the index order, not a sort of all matches */
		if (strstr (sql[i], "ORDER BY rowid DESC") != NULL ||
		    strstr (sql[i], "ORDER BY g.member_id DESC") != NULL)
			g_assert_null (strstr (plan->str, "TEMP B-TREE"));
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/huiyuan/member-search/shapes", Fixture, NULL, fixture_setup,
		    test_search_shapes, fixture_teardown);
	g_test_add ("/huiyuan/member-search/limit-deleted", Fixture, NULL, fixture_setup,
		    test_search_limit_deleted, fixture_teardown);
	g_test_add ("/huiyuan/member-search/plans", Fixture, NULL, fixture_setup, test_search_plans,
		    fixture_teardown);
	return g_test_run ();
}
