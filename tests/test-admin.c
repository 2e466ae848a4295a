/* huiyuan-admin end to end: the real binary on real database files. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-demo.h"
#include "hy-test-admin.h"

#define STAFF_PASSWORD "staff-secret"
/* a valid GB 11643 number (check digit X) */
#define ID_NUMBER "11010519491231002X"

static HyTestEnv *
env_new (gboolean init)
{
	HyTestEnv *env = hy_test_env_new ("huiyuan-admin-XXXXXX");
	if (init)
		hy_test_env_init (env);
	return env;
}

static void
db_exec (HyTestEnv *env, const gchar *sql)
{
	sqlite3 *raw = NULL;
	g_assert_cmpint (sqlite3_open (env->db, &raw), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (raw);
}

static gchar *
db_text (HyTestEnv *env, const gchar *sql)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;
	gchar *value;
	g_assert_cmpint (sqlite3_open_v2 (env->db, &raw, SQLITE_OPEN_READONLY, NULL), ==,
			 SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	value = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	sqlite3_close (raw);
	return value;
}

static gchar *
date_in_days (gint days)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) then = g_date_time_add_days (now, days);
	return g_date_time_format (then, "%Y-%m-%d");
}

/* Registers a member and returns their first card number. */
static gchar *
add_member (HyTestEnv *env, const gchar *name, const gchar *phone)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("member", "add", "--db", env->db, "--operator", "admin", "--name",
			       name, "--phone", phone, "--json");
	JsonArray *cards;
	hy_test_assert_status (run, 0);
	cards = json_object_get_array_member (hy_test_run_object (run), "cards");
	g_assert_cmpuint (json_array_get_length (cards), ==, 1);
	return g_strdup (
		json_object_get_string_member (json_array_get_object_element (cards, 0), "number"));
}

static gint64
card_money (HyTestEnv *env, const gchar *card)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("member", "show", "--db", env->db, "--card", card, "--json");
	JsonArray *cards;
	hy_test_assert_status (run, 0);
	cards = json_object_get_array_member (hy_test_run_object (run), "cards");
	for (guint i = 0; i < json_array_get_length (cards); i++) {
		JsonObject *c = json_array_get_object_element (cards, i);
		if (g_strcmp0 (json_object_get_string_member (c, "number"), card) == 0)
			return json_object_get_int_member (
				json_object_get_object_member (c, "balances"), "money");
	}
	g_assert_not_reached ();
}

/* ---- help, usage ------------------------------------------------------------------------ */

static void
test_admin_help (void)
{
	static const gchar *const commands[][3] = {
		{"--help"},
		{"init", "--help"},
		{"demo", "--help"},
		{"operator", "--help"},
		{"operator", "add", "--help"},
		{"operator", "passwd", "--help"},
		{"operator", "disable", "--help"},
		{"operator", "enable", "--help"},
		{"field", "--help"},
		{"field", "add", "--help"},
		{"field", "list", "--help"},
		{"member", "--help"},
		{"member", "add", "--help"},
		{"member", "find", "--help"},
		{"member", "show", "--help"},
		{"member", "import", "--help"},
		{"member", "export", "--help"},
		{"card", "--help"},
		{"card", "issue", "--help"},
		{"card", "lose", "--help"},
		{"card", "unfreeze", "--help"},
		{"card", "merge", "--help"},
		{"card", "replace", "--help"},
		{"card", "extend", "--help"},
		{"card", "recycle", "--help"},
		{"card", "passwd", "--help"},
		{"card", "pin", "--help"},
		{"recharge", "--help"},
		{"withdraw", "--help"},
		{"points", "--help"},
		{"points", "adjust", "--help"},
		{"verify", "--help"},
		{"backup", "--help"},
		{"restore", "--help"},
	};

	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		g_autoptr (HyTestRun) run = hy_test_admin_runv (NULL, commands[i]);
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("--version");
		hy_test_assert_status (run, 0);
		g_assert_true (g_str_has_prefix (run->out, "huiyuan-admin " PACKAGE_VERSION));
	}
	{
		/* the top-level help names every command and the exit codes */
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("--help");
		static const gchar *const words[] = {"init",	 "demo",     "member", "card",
						     "recharge", "withdraw", "verify", "backup",
						     "restore",	 "Exit"};
		for (guint i = 0; i < G_N_ELEMENTS (words); i++)
			g_assert_nonnull (strstr (run->out, words[i]));
	}
}

static void
test_admin_usage_errors (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	static const gchar *const broken[][8] = {
		{NULL},
		{"bogus"},
		{"card", "bogus"},
		{"card"},
		{"recharge", "--card", "1"},				    /* no --db */
		{"verify", "--db", "x.db", "--bogus"},			    /* unknown option */
		{"member", "find", "--db", "x.db"},			    /* no query */
		{"member", "show", "--db", "x.db", "extra", "--card", "1"}, /* stray argument */
		{"verify", "--db", "/nonexistent/dir/x.db"},		    /* no such file */
	};

	for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
		g_autoptr (HyTestRun) run = hy_test_admin_runv (NULL, broken[i]);
		hy_test_assert_status (run, 2);
		g_assert_true (g_str_has_prefix (run->err, "huiyuan-admin"));
	}
	{
		/* options checked before anything is opened */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       "1", "--amount", "ten");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "--amount");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("recharge", "--db", env->db, "--card",
							   "1", "--amount", "10");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "--operator");
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "extend", "--db", env->db, "--operator", "admin",
				       "--card", "1", "--expires", "2030-02-30");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "2030-02-30");
	}
	{
		/* a file that is not a Huiyuan database */
		g_autofree gchar *text = hy_test_env_file (env, "notes.txt");
		g_autoptr (HyTestRun) run = NULL;
		g_assert_true (g_file_set_contents (text, "not a database\n", -1, NULL));
		run = HY_TEST_ADMIN ("verify", "--db", text);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
	}
}

/* ---- init, operators, passwords, permissions ---------------------------------------------- */

static void
test_admin_init (void)
{
	g_autoptr (HyTestEnv) env = env_new (FALSE);
	g_autofree gchar *short_pw = hy_test_env_file (env, "short.db");
	g_autofree gchar *no_pw = hy_test_env_file (env, "nopw.db");

	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("init", "--db", env->db, "--store", "S01", "--name",
				       "一号店", "--hq", "--json");
		JsonObject *store;
		hy_test_assert_status (run, 0);
		store = json_object_get_object_member (hy_test_run_object (run), "store");
		g_assert_cmpstr (json_object_get_string_member (store, "code"), ==, "S01");
		g_assert_cmpstr (json_object_get_string_member (store, "name"), ==, "一号店");
		g_assert_true (json_object_get_boolean_member (store, "hq"));
	}
	{
		/* the file exists: refused, left alone */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("init", "--db", env->db, "--store", "S02", "--name", "Two");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "exists");
		g_assert_cmpint (hy_test_db_count (env->db,
						   "SELECT count(*) FROM stores WHERE code = 'S01'",
						   NULL),
				 ==, 1);
	}
	{
		/* init fails after creating the file: no half-made database is left */
		const gchar *e[] = {"HUIYUAN_PASSWORD=abc", NULL};
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (e, "init", "--db", short_pw,
							       "--store", "S03", "--name", "Three");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
		g_assert_false (g_file_test (short_pw, G_FILE_TEST_EXISTS));
	}
	{
		/* no password and no terminal to ask on */
		const gchar *e[] = {"HUIYUAN_PASSWORD", NULL};
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (e, "init", "--db", no_pw, "--store",
							       "S04", "--name", "Four");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "HUIYUAN_PASSWORD");
		g_assert_false (g_file_test (no_pw, G_FILE_TEST_EXISTS));
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("init", "--db", no_pw, "--name", "Four");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "--store");
	}
}

static void
test_admin_operators (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *card = add_member (env, "张三", "13900000001");
	const gchar *staff_pw[] = {"HUIYUAN_NEW_PASSWORD=" STAFF_PASSWORD, NULL};
	const gchar *as_staff[] = {"HUIYUAN_PASSWORD=" STAFF_PASSWORD, NULL};

	for (const gchar *const *role =
		     (const gchar *const[]){"auditor", "cashier", "finance", NULL};
	     *role != NULL; role++) {
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			staff_pw, "operator", "add", "--db", env->db, "--operator", "admin",
			"--login", *role, "--role", *role, "--name", "Staff", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (run), "role"),
				 ==, *role);
	}
	{
		/* the new password is needed: no env, no terminal */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("operator", "add", "--db", env->db, "--operator", "admin",
				       "--login", "nopw", "--role", "cashier");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "HUIYUAN_NEW_PASSWORD");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			staff_pw, "operator", "add", "--db", env->db, "--operator", "admin",
			"--login", "x1", "--role", "janitor");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "janitor");
	}
	{
		/* a wrong password is exit 2, and nothing happens */
		const gchar *wrong[] = {"HUIYUAN_PASSWORD=wrong-password", NULL};
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (wrong, "recharge", "--db", env->db, "--operator",
					   "admin", "--card", card, "--amount", "100");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
		g_assert_null (strstr (run->err, "wrong-password"));
		g_assert_cmpint (card_money (env, card), ==, 0);
	}
	{
		/* an auditor may not recharge: exit 3 */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_staff, "recharge", "--db", env->db, "--operator",
					   "auditor", "--card", card, "--amount", "100");
		hy_test_assert_status (run, 3);
		hy_test_assert_error_line (run, NULL);
		g_assert_cmpint (card_money (env, card), ==, 0);
	}
	{
		/* a cashier may recharge but not withdraw, nor add operators */
		g_autoptr (HyTestRun) ok =
			HY_TEST_ADMIN_ENV (as_staff, "recharge", "--db", env->db, "--operator",
					   "cashier", "--card", card, "--amount", "300");
		g_autoptr (HyTestRun) denied =
			HY_TEST_ADMIN_ENV (as_staff, "withdraw", "--db", env->db, "--operator",
					   "cashier", "--card", card, "--amount", "100");
		const gchar *both[] = {"HUIYUAN_PASSWORD=" STAFF_PASSWORD,
				       "HUIYUAN_NEW_PASSWORD=" STAFF_PASSWORD, NULL};
		g_autoptr (HyTestRun) add =
			HY_TEST_ADMIN_ENV (both, "operator", "add", "--db", env->db, "--operator",
					   "cashier", "--login", "x2", "--role", "cashier");
		hy_test_assert_status (ok, 0);
		hy_test_assert_status (denied, 3);
		hy_test_assert_status (add, 3);
		g_assert_cmpint (card_money (env, card), ==, 300);
	}
	{
		/* disabled operators cannot sign in; enabled again they can */
		g_autoptr (HyTestRun) off =
			HY_TEST_ADMIN ("operator", "disable", "--db", env->db, "--operator",
				       "admin", "--login", "finance");
		g_autoptr (HyTestRun) refused =
			HY_TEST_ADMIN_ENV (as_staff, "withdraw", "--db", env->db, "--operator",
					   "finance", "--card", card, "--amount", "100");
		g_autoptr (HyTestRun) on =
			HY_TEST_ADMIN ("operator", "enable", "--db", env->db, "--operator", "admin",
				       "--login", "finance");
		g_autoptr (HyTestRun) fine =
			HY_TEST_ADMIN_ENV (as_staff, "withdraw", "--db", env->db, "--operator",
					   "finance", "--card", card, "--amount", "100");
		hy_test_assert_status (off, 0);
		hy_test_assert_status (refused, 2);
		hy_test_assert_status (on, 0);
		hy_test_assert_status (fine, 0);
		g_assert_cmpint (card_money (env, card), ==, 200);
	}
	{
		const gchar *new_pw[] = {"HUIYUAN_NEW_PASSWORD=another-secret", NULL};
		const gchar *as_new[] = {"HUIYUAN_PASSWORD=another-secret", NULL};
		g_autoptr (HyTestRun) set =
			HY_TEST_ADMIN_ENV (new_pw, "operator", "passwd", "--db", env->db,
					   "--operator", "admin", "--login", "finance");
		g_autoptr (HyTestRun) fine =
			HY_TEST_ADMIN_ENV (as_new, "withdraw", "--db", env->db, "--operator",
					   "finance", "--card", card, "--amount", "100");
		hy_test_assert_status (set, 0);
		hy_test_assert_status (fine, 0);
	}
}

/* ---- members ------------------------------------------------------------------------------ */

static void
assert_member_shape (JsonObject *m)
{
	JsonArray *cards = json_object_get_array_member (m, "cards");
	JsonObject *totals = json_object_get_object_member (m, "balances");
	for (const gchar *const *k =
		     (const gchar *const[]){"id", "name", "phone", "level", "gender", "birthday",
					    "id_number", "province", "city", "district", "address",
					    "zip", "email", "note", "fields", NULL};
	     *k != NULL; k++)
		g_assert_true (json_object_has_member (m, *k));
	g_assert_nonnull (cards);
	g_assert_cmpuint (json_array_get_length (cards), >=, 1);
	for (guint i = 0; i < json_array_get_length (cards); i++) {
		JsonObject *c = json_array_get_object_element (cards, i);
		JsonObject *b = json_object_get_object_member (c, "balances");
		g_assert_true (json_object_has_member (c, "number"));
		g_assert_true (json_object_has_member (c, "status"));
		g_assert_true (json_object_has_member (c, "expires_on"));
		g_assert_nonnull (b);
		g_assert_cmpint (json_node_get_value_type (json_object_get_member (b, "money")), ==,
				 G_TYPE_INT64);
		g_assert_cmpint (json_node_get_value_type (json_object_get_member (b, "points")),
				 ==, G_TYPE_INT64);
		g_assert_nonnull (json_object_get_object_member (b, "counts"));
		g_assert_nonnull (json_object_get_object_member (b, "time"));
	}
	g_assert_nonnull (totals);
	g_assert_true (json_object_has_member (totals, "money"));
	g_assert_true (json_object_has_member (totals, "points"));
}

/* `member find QUERY --json` gives exactly one member, with this id. */
static void
assert_find_one (HyTestEnv *env, const gchar *query, const gchar *id)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("member", "find", "--db", env->db, query, "--json");
	JsonArray *array;
	hy_test_assert_status (run, 0);
	array = hy_test_run_array (run);
	g_assert_cmpuint (json_array_get_length (array), ==, 1);
	assert_member_shape (json_array_get_object_element (array, 0));
	g_assert_cmpstr (
		json_object_get_string_member (json_array_get_object_element (array, 0), "id"), ==,
		id);
}

static void
test_admin_members (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *member_id = NULL;
	g_autofree gchar *card = NULL;
	JsonObject *m;
	JsonObject *fields;
	g_autoptr (HyTestRun) add = NULL;

	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"field", "add", "--db", env->db, "--operator", "admin", "--key", "hobby",
			"--label", "爱好", "--max-length", "20", "--searchable", "--json");
		g_autoptr (HyTestRun) choice =
			HY_TEST_ADMIN ("field", "add", "--db", env->db, "--operator", "admin",
				       "--key", "size", "--label", "Size", "--type", "choice",
				       "--choice", "S", "--choice", "M", "--choice", "L");
		g_autoptr (HyTestRun) list =
			HY_TEST_ADMIN ("field", "list", "--db", env->db, "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (run), "key"),
				 ==, "hobby");
		hy_test_assert_status (choice, 0);
		hy_test_assert_status (list, 0);
		g_assert_cmpuint (json_array_get_length (hy_test_run_array (list)), ==, 2);
	}

	add = HY_TEST_ADMIN ("member", "add", "--db", env->db, "--operator", "admin", "--name",
			     "张三丰", "--phone", "13800138000", "--gender", "male", "--birthday",
			     "1949-12-31", "--id-number", ID_NUMBER, "--province", "北京", "--city",
			     "北京市", "--district", "西城区", "--address", "金融街 1 号", "--zip",
			     "100032", "--email", "zsf@example.com", "--note", "VIP",
			     "--card-password", "8888", "--field", "hobby=太极", "--field",
			     "size=L", "--json");
	hy_test_assert_status (add, 0);
	m = hy_test_run_object (add);
	assert_member_shape (m);
	member_id = g_strdup (json_object_get_string_member (m, "id"));
	g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "张三丰");
	g_assert_cmpstr (json_object_get_string_member (m, "phone"), ==, "13800138000");
	g_assert_cmpstr (json_object_get_string_member (m, "gender"), ==, "male");
	g_assert_cmpstr (json_object_get_string_member (m, "birthday"), ==, "1949-12-31");
	g_assert_cmpstr (json_object_get_string_member (m, "id_number"), ==, ID_NUMBER);
	g_assert_cmpstr (json_object_get_string_member (m, "district"), ==, "西城区");
	g_assert_cmpstr (json_object_get_string_member (m, "email"), ==, "zsf@example.com");
	g_assert_nonnull (json_object_get_string_member (m, "level"));
	fields = json_object_get_object_member (m, "fields");
	g_assert_cmpstr (json_object_get_string_member (fields, "hobby"), ==, "太极");
	g_assert_cmpstr (json_object_get_string_member (fields, "size"), ==, "L");
	card = g_strdup (json_object_get_string_member (
		json_array_get_object_element (json_object_get_array_member (m, "cards"), 0),
		"number"));
	g_assert_true (json_object_get_boolean_member (
		json_array_get_object_element (json_object_get_array_member (m, "cards"), 0),
		"has_password"));
	/* the card password never appears */
	g_assert_null (strstr (add->out, "8888"));

	/* a second member so that searches must choose */
	g_free (add_member (env, "李四", "13900000002"));

	assert_find_one (env, "13800138000", member_id); /* phone */
	assert_find_one (env, "张三丰", member_id);	 /* name */
	assert_find_one (env, "zsf", member_id);	 /* pinyin initials */
	assert_find_one (env, card, member_id);		 /* card number */
	assert_find_one (env, ID_NUMBER, member_id);	 /* ID card number */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("member", "find", "--db", env->db, "nobody-here", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpuint (json_array_get_length (hy_test_run_array (run)), ==, 0);
	}
	{
		/* text mode: a table with the member */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("member", "find", "--db", env->db, "13800138000");
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "张三丰"));
		g_assert_nonnull (strstr (run->out, card));
	}
	{
		g_autoptr (HyTestRun) by_card =
			HY_TEST_ADMIN ("member", "show", "--db", env->db, "--card", card, "--json");
		g_autoptr (HyTestRun) by_phone = HY_TEST_ADMIN ("member", "show", "--db", env->db,
								"--phone", "13800138000", "--json");
		g_autoptr (HyTestRun) text =
			HY_TEST_ADMIN ("member", "show", "--db", env->db, "--card", card);
		hy_test_assert_status (by_card, 0);
		assert_member_shape (hy_test_run_object (by_card));
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (by_card), "id"),
				 ==, member_id);
		hy_test_assert_status (by_phone, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (by_phone), "id"), ==,
			member_id);
		hy_test_assert_status (text, 0);
		g_assert_nonnull (strstr (text->out, "太极"));
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("member", "show", "--db", env->db,
							   "--card", "999999999", "--json");
		g_autoptr (HyTestRun) phone =
			HY_TEST_ADMIN ("member", "show", "--db", env->db, "--phone", "13011112222");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
		hy_test_assert_status (phone, 2);
	}
	{
		/* invalid input: nothing registered */
		gint64 before = hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL);
		g_autoptr (HyTestRun) bad_id = HY_TEST_ADMIN (
			"member", "add", "--db", env->db, "--operator", "admin", "--name", "王五",
			"--phone", "13900000003", "--id-number", "110105194912310021");
		g_autoptr (HyTestRun) bad_field = HY_TEST_ADMIN (
			"member", "add", "--db", env->db, "--operator", "admin", "--name", "王五",
			"--phone", "13900000003", "--field", "size=XXL");
		g_autoptr (HyTestRun) no_field =
			HY_TEST_ADMIN ("member", "add", "--db", env->db, "--operator", "admin",
				       "--name", "王五", "--field", "nokey");
		hy_test_assert_status (bad_id, 2);
		hy_test_assert_error_line (bad_id, NULL);
		hy_test_assert_status (bad_field, 2);
		hy_test_assert_status (no_field, 2);
		g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL),
				 ==, before);
	}
}

static void
test_admin_import_export (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *good = hy_test_env_file (env, "good.csv");
	g_autofree gchar *bad = hy_test_env_file (env, "bad.csv");
	g_autofree gchar *csv_out = hy_test_env_file (env, "out.csv");
	g_autofree gchar *xlsx_out = hy_test_env_file (env, "out.xlsx");
	g_autofree gchar *csv_text = NULL;
	g_autofree gchar *xlsx_head = NULL;
	gsize xlsx_len = 0;
	gint64 members;

	g_assert_true (g_file_set_contents (good,
					    "name,phone,gender,birthday\n"
					    "赵一,13700000001,male,1990-01-02\n"
					    "钱二,13700000002,female,1985-06-30\n"
					    "孙三,13700000003,,\n",
					    -1, NULL));
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("member", "import", "--db", env->db,
							   "--operator", "admin", good);
		hy_test_assert_status (run, 0);
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL), ==, 3);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("member", "find", "--db", env->db, "13700000002", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpuint (json_array_get_length (hy_test_run_array (run)), ==, 1);
	}

	/* line 3 (the second data row) is wrong: nothing is imported */
	g_assert_true (g_file_set_contents (bad,
					    "name,phone,gender,birthday\n"
					    "周四,13700000004,male,1991-01-01\n"
					    "吴五,13700000005,male,1991-02-30\n",
					    -1, NULL));
	members = hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("member", "import", "--db", env->db,
							   "--operator", "admin", bad);
		hy_test_assert_status (run, 2);
		if (strstr (run->err, "bad.csv:3") == NULL)
			g_error ("no file:line in %s", run->err);
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL), ==,
			 members);
	{
		g_autofree gchar *missing = hy_test_env_file (env, "missing.csv");
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("member", "import", "--db", env->db,
							   "--operator", "admin", missing);
		hy_test_assert_status (run, 2);
	}
	{
		/* importing needs member.import: a cashier is refused */
		const gchar *e[] = {"HUIYUAN_NEW_PASSWORD=" STAFF_PASSWORD, NULL};
		const gchar *as_staff[] = {"HUIYUAN_PASSWORD=" STAFF_PASSWORD, NULL};
		g_autoptr (HyTestRun) add =
			HY_TEST_ADMIN_ENV (e, "operator", "add", "--db", env->db, "--operator",
					   "admin", "--login", "cashier", "--role", "cashier");
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_staff, "member", "import", "--db", env->db,
					   "--operator", "cashier", good);
		hy_test_assert_status (add, 0);
		hy_test_assert_status (run, 3);
	}

	{
		g_autoptr (HyTestRun) csv =
			HY_TEST_ADMIN ("member", "export", "--db", env->db, csv_out);
		g_autoptr (HyTestRun) xlsx =
			HY_TEST_ADMIN ("member", "export", "--db", env->db, xlsx_out);
		g_autoptr (HyTestRun) other =
			HY_TEST_ADMIN ("member", "export", "--db", env->db, "out.pdf");
		hy_test_assert_status (csv, 0);
		hy_test_assert_status (xlsx, 0);
		hy_test_assert_status (other, 2);
	}
	g_assert_true (g_file_get_contents (csv_out, &csv_text, NULL, NULL));
	g_assert_nonnull (strstr (csv_text, "钱二"));
	g_assert_nonnull (strstr (csv_text, "13700000003"));
	g_assert_true (g_file_get_contents (xlsx_out, &xlsx_head, &xlsx_len, NULL));
	g_assert_cmpuint (xlsx_len, >, 100);
	g_assert_true (memcmp (xlsx_head, "PK", 2) == 0);
}

/* ---- cards and money ------------------------------------------------------------------------ */

static JsonObject *
card_of (JsonObject *member, const gchar *number)
{
	JsonArray *cards = json_object_get_array_member (member, "cards");
	for (guint i = 0; i < json_array_get_length (cards); i++) {
		JsonObject *c = json_array_get_object_element (cards, i);
		if (g_strcmp0 (json_object_get_string_member (c, "number"), number) == 0)
			return c;
	}
	return NULL;
}

static void
test_admin_money (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *card = add_member (env, "张三", "13900000001");
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "10000", "--json");
		JsonObject *o;
		hy_test_assert_status (run, 0);
		o = hy_test_run_object (run);
		g_assert_nonnull (json_object_get_string_member (o, "op_id"));
		g_assert_cmpstr (json_object_get_string_member (o, "card"), ==, card);
		g_assert_cmpint (json_object_get_int_member (o, "amount"), ==, 10000);
		g_assert_cmpint (json_object_get_int_member (o, "balance"), ==, 10000);
	}
	{
		/* by bound phone */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("withdraw", "--db", env->db, "--operator", "admin", "--card",
				       "13900000001", "--amount", "2500", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (run), "card"),
				 ==, card);
		g_assert_cmpint (json_object_get_int_member (hy_test_run_object (run), "balance"),
				 ==, 7500);
	}
	{
		g_autoptr (HyTestRun) text =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "50");
		hy_test_assert_status (text, 0);
		g_assert_nonnull (strstr (text->out, "75.50"));
	}
	{
		g_autoptr (HyTestRun) too_much =
			HY_TEST_ADMIN ("withdraw", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "100000");
		g_autoptr (HyTestRun) negative =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "-5");
		g_autoptr (HyTestRun) no_card =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       "123456789", "--amount", "5");
		hy_test_assert_status (too_much, 2);
		hy_test_assert_error_line (too_much, NULL);
		hy_test_assert_status (negative, 2);
		hy_test_assert_status (no_card, 2);
		g_assert_cmpint (card_money (env, card), ==, 7550);
	}
	{
		g_autoptr (HyTestRun) up = HY_TEST_ADMIN (
			"points", "adjust", "--db", env->db, "--operator", "admin", "--card", card,
			"--delta", "294856", "--reason", "migration", "--json");
		g_autoptr (HyTestRun) down = HY_TEST_ADMIN (
			"points", "adjust", "--db", env->db, "--operator", "admin", "--card", card,
			"--delta", "-856", "--reason", "correction", "--json");
		g_autoptr (HyTestRun) no_reason =
			HY_TEST_ADMIN ("points", "adjust", "--db", env->db, "--operator", "admin",
				       "--card", card, "--delta", "5");
		g_autoptr (HyTestRun) show =
			HY_TEST_ADMIN ("member", "show", "--db", env->db, "--card", card, "--json");
		hy_test_assert_status (up, 0);
		g_assert_cmpint (json_object_get_int_member (hy_test_run_object (up), "points"), ==,
				 294856);
		hy_test_assert_status (down, 0);
		g_assert_cmpint (json_object_get_int_member (hy_test_run_object (down), "points"),
				 ==, 294000);
		hy_test_assert_status (no_reason, 2);
		hy_test_assert_status (show, 0);
		g_assert_cmpint (
			json_object_get_int_member (json_object_get_object_member (
							    hy_test_run_object (show), "balances"),
						    "points"),
			==, 294000);
	}
}

static void
test_admin_cards (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *first = add_member (env, "张三", "13900000001");
	g_autofree gchar *second = NULL;
	g_autofree gchar *third = NULL;
	g_autofree gchar *replacement = NULL;
	g_autofree gchar *expiry = date_in_days (365);
	g_autofree gchar *later = date_in_days (800);

	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "issue", "--db", env->db, "--operator", "admin",
				       "--member-card", first, "--expires", expiry, "--json");
		hy_test_assert_status (run, 0);
		second = g_strdup (
			json_object_get_string_member (hy_test_run_object (run), "number"));
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (run), "expires_on"), ==,
			expiry);
	}
	{
		const gchar *e[] = {"HUIYUAN_CARD_PASSWORD=card-pw", NULL};
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			e, "card", "issue", "--db", env->db, "--operator", "admin", "--phone",
			"13900000001", "--with-password", "--json");
		hy_test_assert_status (run, 0);
		third = g_strdup (
			json_object_get_string_member (hy_test_run_object (run), "number"));
		g_assert_true (
			json_object_get_boolean_member (hy_test_run_object (run), "has_password"));
	}
	{
		g_autoptr (HyTestRun) both =
			HY_TEST_ADMIN ("card", "issue", "--db", env->db, "--operator", "admin",
				       "--member-card", first, "--phone", "13900000001");
		g_autoptr (HyTestRun) bad_number =
			HY_TEST_ADMIN ("card", "issue", "--db", env->db, "--operator", "admin",
				       "--member-card", first, "--card", "123456789");
		hy_test_assert_status (both, 2);
		hy_test_assert_status (bad_number, 2);
	}
	{
		g_autoptr (HyTestRun) show = HY_TEST_ADMIN ("member", "show", "--db", env->db,
							    "--card", first, "--json");
		JsonArray *cards;
		hy_test_assert_status (show, 0);
		cards = json_object_get_array_member (hy_test_run_object (show), "cards");
		g_assert_cmpuint (json_array_get_length (cards), ==, 3);
	}

	/* lose, then money is refused; unfreeze, then it works */
	{
		g_autoptr (HyTestRun) lose =
			HY_TEST_ADMIN ("card", "lose", "--db", env->db, "--operator", "admin",
				       "--card", second, "--json");
		g_autoptr (HyTestRun) again = HY_TEST_ADMIN (
			"card", "lose", "--db", env->db, "--operator", "admin", "--card", second);
		g_autoptr (HyTestRun) refused =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       second, "--amount", "100");
		g_autoptr (HyTestRun) unfreeze =
			HY_TEST_ADMIN ("card", "unfreeze", "--db", env->db, "--operator", "admin",
				       "--card", second, "--json");
		g_autoptr (HyTestRun) fine =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       second, "--amount", "1000");
		hy_test_assert_status (lose, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (lose), "status"), ==,
			"lost");
		hy_test_assert_status (again, 2);
		hy_test_assert_status (refused, 2);
		hy_test_assert_status (unfreeze, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (unfreeze), "status"), ==,
			"active");
		hy_test_assert_status (fine, 0);
	}
	{
		g_autoptr (HyTestRun) extend =
			HY_TEST_ADMIN ("card", "extend", "--db", env->db, "--operator", "admin",
				       "--card", second, "--expires", later, "--json");
		hy_test_assert_status (extend, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (extend), "expires_on"),
			==, later);
	}
	{
		/* merge the second card (¥10) into the first */
		g_autoptr (HyTestRun) merge =
			HY_TEST_ADMIN ("card", "merge", "--db", env->db, "--operator", "admin",
				       "--from", second, "--into", first, "--json");
		g_autoptr (HyTestRun) show = HY_TEST_ADMIN ("member", "show", "--db", env->db,
							    "--card", first, "--json");
		JsonObject *merged;
		hy_test_assert_status (merge, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (merge), "number"), ==,
			first);
		g_assert_cmpint (
			json_object_get_int_member (json_object_get_object_member (
							    hy_test_run_object (merge), "balances"),
						    "money"),
			==, 1000);
		hy_test_assert_status (show, 0);
		merged = card_of (hy_test_run_object (show), second);
		g_assert_cmpstr (json_object_get_string_member (merged, "status"), ==, "retired");
		g_assert_cmpstr (json_object_get_string_member (merged, "retired_reason"), ==,
				 "merged");
		g_assert_cmpint (
			json_object_get_int_member (json_object_get_object_member (
							    hy_test_run_object (show), "balances"),
						    "money"),
			==, 1000);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "replace", "--db", env->db, "--operator", "admin",
				       "--card", first, "--json");
		hy_test_assert_status (run, 0);
		replacement = g_strdup (
			json_object_get_string_member (hy_test_run_object (run), "number"));
		g_assert_cmpstr (replacement, !=, first);
		g_assert_cmpint (card_money (env, replacement), ==, 1000);
		g_assert_cmpint (card_money (env, first), ==, 0);
	}
	{
		/* passwords and PINs: by option, by environment, old one checked */
		const gchar *pin_env[] = {"HUIYUAN_CARD_PIN=4321", NULL};
		const gchar *pw_env[] = {"HUIYUAN_CARD_PASSWORD=secret-2", NULL};
		g_autoptr (HyTestRun) pw_reset =
			HY_TEST_ADMIN ("card", "passwd", "--db", env->db, "--operator", "admin",
				       "--card", replacement, "--new", "secret-1");
		g_autoptr (HyTestRun) pw_change = HY_TEST_ADMIN_ENV (
			pw_env, "card", "passwd", "--db", env->db, "--operator", "admin", "--card",
			replacement, "--old", "secret-1", "--json");
		g_autoptr (HyTestRun) pw_wrong = HY_TEST_ADMIN (
			"card", "passwd", "--db", env->db, "--operator", "admin", "--card",
			replacement, "--old", "secret-1", "--new", "secret-3");
		g_autoptr (HyTestRun) pin_set =
			HY_TEST_ADMIN_ENV (pin_env, "card", "pin", "--db", env->db, "--operator",
					   "admin", "--card", replacement);
		g_autoptr (HyTestRun) pin_change =
			HY_TEST_ADMIN ("card", "pin", "--db", env->db, "--operator", "admin",
				       "--card", replacement, "--old", "4321", "--new", "8765");
		g_autoptr (HyTestRun) pin_bad =
			HY_TEST_ADMIN ("card", "pin", "--db", env->db, "--operator", "admin",
				       "--card", replacement, "--new", "12ab");
		g_autoptr (HyTestRun) none =
			HY_TEST_ADMIN ("card", "pin", "--db", env->db, "--operator", "admin",
				       "--card", replacement);
		g_autoptr (HyTestRun) show = HY_TEST_ADMIN ("member", "show", "--db", env->db,
							    "--card", replacement, "--json");
		JsonObject *c;
		hy_test_assert_status (pw_reset, 0);
		hy_test_assert_status (pw_change, 0);
		g_assert_true (json_object_get_boolean_member (hy_test_run_object (pw_change),
							       "password_set"));
		hy_test_assert_status (pw_wrong, 2);
		hy_test_assert_status (pin_set, 0);
		hy_test_assert_status (pin_change, 0);
		hy_test_assert_status (pin_bad, 2);
		hy_test_assert_status (none, 2);
		hy_test_assert_error_line (none, "HUIYUAN_CARD_PIN");
		g_assert_null (strstr (pin_change->out, "8765"));
		hy_test_assert_status (show, 0);
		c = card_of (hy_test_run_object (show), replacement);
		g_assert_true (json_object_get_boolean_member (c, "has_password"));
		g_assert_true (json_object_get_boolean_member (c, "has_pin"));
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "recycle", "--db", env->db, "--operator", "admin",
				       "--card", replacement, "--json");
		g_autoptr (HyTestRun) text = NULL;
		g_autoptr (HyTestRun) again = NULL;
		hy_test_assert_status (run, 0);
		g_assert_cmpint (json_object_get_int_member (hy_test_run_object (run), "refunded"),
				 ==, 1000);
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (run), "status"),
				 ==, "retired");
		again = HY_TEST_ADMIN ("card", "recycle", "--db", env->db, "--operator", "admin",
				       "--card", replacement);
		hy_test_assert_status (again, 2);
		text = HY_TEST_ADMIN ("card", "recycle", "--db", env->db, "--operator", "admin",
				      "--card", third);
		hy_test_assert_status (text, 0);
		g_assert_nonnull (strstr (text->out, "0 fen"));
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
}

/* ---- verify, backup, restore, demo ---------------------------------------------------------- */

static void
test_admin_verify (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *card = add_member (env, "张三", "13900000001");
	g_autofree gchar *entry = NULL;
	g_autofree gchar *sql = NULL;

	for (guint i = 0; i < 3; i++) {
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "1000");
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		g_autoptr (HyTestRun) json = HY_TEST_ADMIN ("verify", "--db", env->db, "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->out, ==, "ok\n");
		hy_test_assert_status (json, 0);
		g_assert_true (json_object_get_boolean_member (hy_test_run_object (json), "ok"));
	}

	/* tamper: drop the insert-only trigger and edit an account entry */
	entry = db_text (env,
			 "SELECT id FROM account_entries ORDER BY origin_seq LIMIT 1 OFFSET 1");
	sql = g_strdup_printf ("DROP TRIGGER account_entries_no_update;"
			       "UPDATE account_entries SET delta = 100000 WHERE id = '%s';",
			       entry);
	db_exec (env, sql);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		g_autoptr (HyTestRun) json = HY_TEST_ADMIN ("verify", "--db", env->db, "--json");
		hy_test_assert_status (run, 1);
		if (strstr (run->out, entry) == NULL)
			g_error ("the altered row %s is not named: %s", entry, run->out);
		/* one line per problem */
		g_assert_cmpuint (g_strv_length (g_strsplit (run->out, "\n", -1)) - 1, >=, 1);
		hy_test_assert_error_line (run, "problem");
		hy_test_assert_status (json, 1);
		g_assert_false (json_object_get_boolean_member (hy_test_run_object (json), "ok"));
		g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
					  hy_test_run_object (json), "problems")),
				  >=, 1);
	}
}

static void
test_admin_backup_restore (void)
{
	g_autoptr (HyTestEnv) env = env_new (TRUE);
	g_autofree gchar *card = add_member (env, "张三", "13900000001");
	g_autofree gchar *backup = hy_test_env_file (env, "backup.db");
	g_autofree gchar *garbage = hy_test_env_file (env, "garbage.db");

	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "1000");
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("backup", "--db", env->db, "--to", backup, "--json");
		hy_test_assert_status (run, 0);
		g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       card, "--amount", "500");
		g_autoptr (HyTestRun) more =
			HY_TEST_ADMIN ("member", "add", "--db", env->db, "--operator", "admin",
				       "--name", "李四", "--phone", "13900000002");
		hy_test_assert_status (run, 0);
		hy_test_assert_status (more, 0);
		g_assert_cmpint (card_money (env, card), ==, 1500);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("restore", "--db", env->db, "--from", backup);
		hy_test_assert_status (run, 0);
	}
	g_assert_cmpint (card_money (env, card), ==, 1000);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL), ==, 1);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
	{
		/* a broken backup changes nothing */
		g_autoptr (HyTestRun) run = NULL;
		g_assert_true (g_file_set_contents (garbage, "garbage", -1, NULL));
		run = HY_TEST_ADMIN ("restore", "--db", env->db, "--from", garbage);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
		g_assert_cmpint (card_money (env, card), ==, 1000);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("backup", "--db", env->db);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "--to");
	}
}

static void
test_admin_demo (void)
{
	g_autoptr (HyTestEnv) env = env_new (FALSE);
	g_autofree gchar *phone = hy_demo_phone (0, 7);
	const gchar *no_pw[] = {"HUIYUAN_PASSWORD", NULL};
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (no_pw, "demo", "--db", env->db,
							       "--members", "20", "--seed", "7");
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "huiyuan"));
		g_assert_nonnull (strstr (run->out, "admin"));
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL), >=, 20);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("member", "show", "--db", env->db,
							   "--phone", phone, "--json");
		hy_test_assert_status (run, 0);
		assert_member_shape (hy_test_run_object (run));
	}
	{
		/* the demo admin password signs in */
		const gchar *demo_pw[] = {"HUIYUAN_PASSWORD=huiyuan", NULL};
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (demo_pw, "recharge", "--db", env->db, "--operator",
					   "admin", "--card", phone, "--amount", "100");
		hy_test_assert_status (run, 0);
	}
	{
		/* more members into the existing file */
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			no_pw, "demo", "--db", env->db, "--members", "5", "--seed", "8", "--json");
		hy_test_assert_status (run, 0);
		g_assert_false (
			json_object_get_boolean_member (hy_test_run_object (run), "created"));
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM members", NULL), >=, 25);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("demo", "--db", env->db, "--members", "many");
		hy_test_assert_status (run, 2);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin/help", test_admin_help);
	g_test_add_func ("/huiyuan/admin/usage-errors", test_admin_usage_errors);
	g_test_add_func ("/huiyuan/admin/init", test_admin_init);
	g_test_add_func ("/huiyuan/admin/operators", test_admin_operators);
	g_test_add_func ("/huiyuan/admin/members", test_admin_members);
	g_test_add_func ("/huiyuan/admin/import-export", test_admin_import_export);
	g_test_add_func ("/huiyuan/admin/money", test_admin_money);
	g_test_add_func ("/huiyuan/admin/cards", test_admin_cards);
	g_test_add_func ("/huiyuan/admin/verify", test_admin_verify);
	g_test_add_func ("/huiyuan/admin/backup-restore", test_admin_backup_restore);
	g_test_add_func ("/huiyuan/admin/demo", test_admin_demo);
	return g_test_run ();
}
