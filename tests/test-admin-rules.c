/* huiyuan-admin rules import/export and price, end to end: the real binary on real
 * database files. The expected prices are worked out by hand from the formula in
 * app/hy-pricing.h: one exact product of the six coefficients, rounded once, half-up. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-test-admin.h"

#define STAFF_PASSWORD "staff-secret"
/* a Saturday, in November: the member's birthday month */
#define SATURDAY "2026-11-21T12:00:00+08:00"

/* Levels with both coefficients; items priced by category, brand, their own factor, a
 * member price, a special price and a store price; a store with every switch on, a
 * birthday month, a price of its own, a period of every kind and overlapping bands. */
static const gchar rules_json[] =
	"{\n"
	"  \"levels\": [\n"
	"    {\"name\": \"金卡\", \"points_bp\": 15000, \"discount_bp\": 9000},\n"
	"    {\"name\": \"银卡\", \"points_bp\": 12000, \"discount_bp\": 9500}\n"
	"  ],\n"
	"  \"items\": [\n"
	"    {\"code\": \"A01\", \"name\": \"茶\", \"price\": 1000, \"category\": \"饮料\"},\n"
	"    {\"code\": \"B01\", \"name\": \"饼干\", \"price\": 2500, \"brand\": \"好味\"},\n"
	"    {\"code\": \"C01\", \"name\": \"油\", \"price\": 5999, \"category\": \"饮料\",\n"
	"     \"brand\": \"好味\", \"points_bp\": 20000, \"discount_bp\": 8500},\n"
	"    {\"code\": \"M01\", \"name\": \"米\", \"price\": 3000, \"member_price\": 2600,\n"
	"     \"special_price\": 2800},\n"
	"    {\"code\": \"S02\", \"name\": \"皂\", \"price\": 1200, \"special_price\": 1000},\n"
	"    {\"code\": \"P01\", \"name\": \"笔\", \"price\": 500}\n"
	"  ],\n"
	"  \"categories\": [{\"name\": \"饮料\", \"points_bp\": 11000, \"discount_bp\": 9800}],\n"
	"  \"brands\": [{\"name\": \"好味\", \"points_bp\": 10000, \"discount_bp\": 9700}],\n"
	"  \"stores\": {\n"
	"    \"S01\": {\n"
	"      \"use_level_points\": true, \"use_item_points\": true, \"use_period\": true,\n"
	"      \"use_level_discount\": true, \"use_item_discount\": true,\n"
	"      \"use_order_total\": true,\n"
	"      \"points_bp\": 10000, \"discount_bp\": 9900,\n"
	"      \"birthday\": {\"mode\": \"month\", \"points_bp\": 20000, \"discount_bp\": 9500},\n"
	"      \"prices\": {\"P01\": 450},\n"
	"      \"periods\": [\n"
	"        {\"kind\": \"weekly\", \"name\": \"周末\", \"days\": [6, 7], \"points_bp\": "
	"15000},\n"
	"        {\"kind\": \"monthly\", \"name\": \"半月\", \"days\": [1, 15], \"points_bp\": "
	"13000},\n"
	"        {\"kind\": \"yearly\", \"name\": \"年货\", \"from\": \"12-20\", \"to\": "
	"\"01-05\",\n"
	"         \"discount_bp\": 9000},\n"
	"        {\"kind\": \"date\", \"name\": \"双十一\", \"from\": \"2026-11-11\",\n"
	"         \"to\": \"2026-11-11\", \"discount_bp\": 8000}\n"
	"      ],\n"
	"      \"order_total\": [\n"
	"        {\"min\": 0, \"max\": 9999},\n"
	"        {\"min\": 10000, \"max\": 50000, \"extra_discount_bp\": 200,\n"
	"         \"extra_points_bp\": 1000},\n"
	"        {\"min\": 20000, \"max\": 1000000, \"extra_discount_bp\": 500,\n"
	"         \"extra_points_bp\": 2000}\n"
	"      ]\n"
	"    }\n"
	"  }\n"
	"}\n";

static gchar *
read_file (const gchar *path)
{
	gchar *text = NULL;
	g_autoptr (GError) error = NULL;
	g_file_get_contents (path, &text, NULL, &error);
	g_assert_no_error (error);
	return text;
}

/* A store S01 with the rules imported (version 1) and a 金卡 member born in November;
 * `card_out` gets the member's card number. */
static HyTestEnv *
env_new (gchar **card_out)
{
	HyTestEnv *env = hy_test_env_new ("huiyuan-admin-rules-XXXXXX");
	g_autofree gchar *rules = hy_test_env_write_file (env, "rules.json", rules_json);
	hy_test_env_init (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "import", "--db", env->db,
							   "--operator", "admin", rules);
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->out, ==, "Rules version 1 is in force.\n");
		g_assert_cmpstr (run->err, ==, "");
	}
	if (card_out != NULL) {
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("member", "add", "--db", env->db, "--operator", "admin",
				       "--name", "张三", "--phone", HY_TEST_PHONE, "--level",
				       "金卡", "--birthday", "1990-11-03", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (json_object_get_string_member (hy_test_run_object (run), "level"),
				 ==, "金卡");
		*card_out = hy_test_first_card (hy_test_run_object (run));
	}
	return env;
}

/* The rules in force, as `rules export` writes them to stdout. */
static gchar *
export_rules (HyTestEnv *env)
{
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "export", "--db", env->db);
	hy_test_assert_status (run, 0);
	g_assert_cmpstr (run->err, ==, "");
	return g_strdup (run->out);
}

/* ---- help -------------------------------------------------------------------------- */

static void
test_rules_help (void)
{
	static const gchar *const commands[][3] = {
		{"rules", "--help"},
		{"rules", "import", "--help"},
		{"rules", "export", "--help"},
		{"price", "--help"},
	};
	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		g_autoptr (HyTestRun) run = hy_test_admin_runv (NULL, commands[i]);
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("--help");
		g_assert_nonnull (strstr (run->out, "rules"));
		g_assert_nonnull (strstr (run->out, "price"));
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "bogus");
		hy_test_assert_status (run, 2);
	}
}

/* ---- import, export --------------------------------------------------------------- */

static void
test_rules_import_export (void)
{
	g_autoptr (HyTestEnv) env = env_new (NULL);
	g_autofree gchar *first = export_rules (env);
	g_autofree gchar *exported = hy_test_env_file (env, "exported.json");
	g_autofree gchar *again = hy_test_env_file (env, "again.json");
	g_autofree gchar *second = NULL;
	g_autofree gchar *from_file = NULL;
	g_autoptr (JsonNode) doc = NULL;
	JsonObject *s01;

	/* the export holds what was imported, canonically */
	doc = json_from_string (first, NULL);
	g_assert_nonnull (doc);
	s01 = json_object_get_object_member (
		json_object_get_object_member (json_node_get_object (doc), "stores"), "S01");
	g_assert_nonnull (s01);
	g_assert_cmpint (
		json_object_get_int_member (json_object_get_object_member (s01, "prices"), "P01"),
		==, 450);
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s01, "periods")), ==,
			  4);
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s01, "order_total")),
			  ==, 3);
	g_assert_cmpstr (json_object_get_string_member (
				 json_object_get_object_member (s01, "birthday"), "mode"),
			 ==, "month");
	g_assert_nonnull (strstr (first, "\"金卡\""));
	g_assert_nonnull (strstr (first, "\"双十一\""));

	/* to a file, the same bytes as to stdout ("-" too) */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("rules", "export", "--db", env->db, exported);
		hy_test_assert_status (run, 0);
		from_file = read_file (exported);
		g_assert_cmpstr (from_file, ==, first);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "export", "--db", env->db, "-");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->out, ==, first);
	}

	/* importing the export is a new version that changes nothing */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("rules", "import", "--db", env->db, "--operator", "admin",
				       "--json", exported);
		hy_test_assert_status (run, 0);
		g_assert_cmpint (json_object_get_int_member (hy_test_run_object (run), "version"),
				 ==, 2);
		g_assert_cmpuint (json_object_get_size (hy_test_run_object (run)), ==, 1);
	}
	second = export_rules (env);
	g_assert_cmpstr (second, ==, first);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("rules", "export", "--db", env->db, again);
		g_autofree gchar *text = NULL;
		hy_test_assert_status (run, 0);
		text = read_file (again);
		g_assert_cmpstr (text, ==, first);
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT max (version) FROM rules", NULL), ==,
			 2);

	/* an export needs no operator, and a missing directory is an error */
	{
		g_autofree gchar *nowhere = g_build_filename (env->dir, "no", "such.json", NULL);
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("rules", "export", "--db", env->db, nowhere);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, NULL);
	}
}

static void
test_rules_import_errors (void)
{
	g_autoptr (HyTestEnv) env = env_new (NULL);
	g_autofree gchar *before = export_rules (env);
	g_autofree gchar *after = NULL;
	g_autofree gchar *bad_text = NULL;
	g_autofree gchar *bad = NULL;
	g_autofree gchar *not_json = hy_test_env_write_file (env, "broken.json", "{\"levels\": [");
	g_autofree gchar *good = hy_test_env_file (env, "rules.json");
	g_autofree gchar *missing = hy_test_env_file (env, "missing.json");
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" STAFF_PASSWORD, NULL};
	const gchar *new_cashier[] = {"HUIYUAN_NEW_PASSWORD=" STAFF_PASSWORD, NULL};
	gint64 audit = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
	gint64 audit_after;

	/* 31 November: the fourth period's “from” is not a date */
	{
		g_auto (GStrv) parts = g_strsplit (rules_json, "\"from\": \"2026-11-11\"", 2);
		g_assert_cmpuint (g_strv_length (parts), ==, 2);
		bad_text = g_strjoin ("\"from\": \"2026-11-31\"", parts[0], parts[1], NULL);
		bad = hy_test_env_write_file (env, "bad.json", bad_text);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "import", "--db", env->db,
							   "--operator", "admin", bad);
		g_autofree gchar *expected =
			g_strdup_printf ("huiyuan-admin: %s: stores.S01.periods[3].from: "
					 "not a date\n",
					 bad);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "stores.S01.periods[3].from");
		g_assert_cmpstr (run->err, ==, expected);
		g_assert_cmpstr (run->out, ==, "");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "import", "--db", env->db,
							   "--operator", "admin", not_json);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "broken.json");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "import", "--db", env->db,
							   "--operator", "admin", missing);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "missing.json");
	}
	{
		/* usage: no file, no operator */
		g_autoptr (HyTestRun) no_file =
			HY_TEST_ADMIN ("rules", "import", "--db", env->db, "--operator", "admin");
		g_autoptr (HyTestRun) no_operator =
			HY_TEST_ADMIN ("rules", "import", "--db", env->db, good);
		hy_test_assert_status (no_file, 2);
		hy_test_assert_status (no_operator, 2);
		hy_test_assert_error_line (no_operator, "--operator");
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL), ==,
			 audit);
	{
		/* a cashier may not change the rules, even with a good file */
		g_autoptr (HyTestRun) add = HY_TEST_ADMIN_ENV (
			new_cashier, "operator", "add", "--db", env->db, "--operator", "admin",
			"--login", "cashier", "--role", "cashier");
		g_autoptr (HyTestRun) run = NULL;
		hy_test_assert_status (add, 0);
		audit_after = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
		run = HY_TEST_ADMIN_ENV (as_cashier, "rules", "import", "--db", env->db,
					 "--operator", "cashier", good);
		hy_test_assert_status (run, 3);
		hy_test_assert_error_line (run, NULL);
	}
	{
		/* but may read them */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_cashier, "rules", "export", "--db", env->db);
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->out, ==, before);
	}

	/* nothing changed */
	after = export_rules (env);
	g_assert_cmpstr (after, ==, before);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT max (version) FROM rules", NULL), ==,
			 1);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL), ==,
			 audit_after);
}

/* ---- price ------------------------------------------------------------------------- */

typedef struct {
	const gchar *item; /* NULL: the amount line */
	gint64 qty, unit_price, list_amount, amount, points;
	gint discount_bp, points_bp;
	const gchar *price_source;
	const gchar *item_source, *item_name;
} ExpectedLine;

static void
assert_factor (JsonObject *factors,
	       const gchar *kind,
	       gint discount_bp,
	       gint points_bp,
	       const gchar *source,
	       const gchar *name)
{
	JsonObject *f = json_object_get_object_member (factors, kind);
	g_assert_nonnull (f);
	g_assert_cmpint (json_object_get_int_member (f, "discount_bp"), ==, discount_bp);
	g_assert_cmpint (json_object_get_int_member (f, "points_bp"), ==, points_bp);
	g_assert_cmpstr (json_object_get_string_member (f, "source"), ==, source);
	if (name != NULL)
		g_assert_cmpstr (json_object_get_string_member (f, "name"), ==, name);
	else
		g_assert_false (json_object_has_member (f, "name"));
}

/* Every integer of the contract is a JSON integer, not a string or a double. */
static gint64
int_member (JsonObject *object, const gchar *key)
{
	JsonNode *node = json_object_get_member (object, key);
	g_assert_nonnull (node);
	g_assert_true (JSON_NODE_HOLDS_VALUE (node));
	g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
	return json_node_get_int (node);
}

static void
test_price_saturday (void)
{
	g_autofree gchar *card = NULL;
	g_autoptr (HyTestEnv) env = env_new (&card);
	g_autoptr (HyTestRun) run = NULL;
	JsonObject *basket;
	JsonArray *lines;
	gint64 audit = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
	/*
	 * Subtotal at list price: 2×1000 + 2500 + 5999 + 3×3000 + 1200 + 4×450 (store
	 * price) + 1234 = 23733 fen, in both bands 10000–50000 and 20000–1000000: the
	 * higher minimum wins, extra discount 5% (order 9500) and extra points 20% (12000).
	 *
	 * On 2026-11-21 (Saturday, November): level 金卡 9000/15000, birthday month
	 * 9500/20000, store 9900/10000, period 周末 10000/15000 (weekly; no date, yearly
	 * or monthly period matches), order 9500/12000. Discount product without the item
	 * factor: .9 × .95 × .99 × 1 × .95 = .8041275; points: 1.5 × 2 × 1 × 1.5 × 1.2 = 5.4.
	 *
	 * A01 category 饮料 (9800/11000): 2000 × .8041275 × .98 = 1576.0899 → 1576;
	 *     1576 × 5.4 × 1.1 = 9361.44 → 9361
	 * B01 brand 好味 (9700/10000): 2500 × .780003675 = 1950.009 → 1950; × 5.4 = 10530
	 * C01 its own factor (8500/20000) beats its category and brand:
	 *     5999 × .683508375 = 4100.366… → 4100; 4100 × 10.8 = 44280
	 * M01 member price 2600 < special 2800 < 3000, not discounted again: 7800;
	 *     7800 × 5.4 = 42120
	 * S02 special price 1000 < 1200: 1000; × 5.4 = 5400
	 * P01 store price 450: 1800 × .8041275 = 1447.4295 → 1447; × 5.4 = 7813.8 → 7814
	 * amount 1234 × .8041275 = 992.293… → 992; × 5.4 = 5356.8 → 5357
	 *
	 * Total 18865, discount 23733 − 18865 = 4868, points 124862.
	 */
	static const ExpectedLine expected[] = {
		{"A01", 2, 1000, 2000, 1576, 9361, 7880, 59400, "hq", "category", "饮料"},
		{"B01", 1, 2500, 2500, 1950, 10530, 7800, 54000, "hq", "brand", "好味"},
		{"C01", 1, 5999, 5999, 4100, 44280, 6835, 108000, "hq", "item", "C01"},
		{"M01", 3, 2600, 9000, 7800, 42120, 10000, 54000, "member", "none", NULL},
		{"S02", 1, 1000, 1200, 1000, 5400, 10000, 54000, "special", "none", NULL},
		{"P01", 4, 450, 1800, 1447, 7814, 8041, 54000, "store", "none", NULL},
		{NULL, 1, 1234, 1234, 992, 5357, 8041, 54000, "amount", "none", NULL},
	};
	static const struct {
		const gchar *source;
		gint discount_bp, points_bp;
	} item_factors[] = {
		{"category", 9800, 11000},
		{"brand", 9700, 10000},
		{"item", 8500, 20000},
	};

	run = HY_TEST_ADMIN ("price", "--db", env->db, "--card", card, "--item", "A01:2", "--item",
			     "B01", "--item", "C01", "--item", "M01:3", "--item", "S02", "--item",
			     "P01:4", "--amount", "1234", "--at", SATURDAY, "--json");
	hy_test_assert_status (run, 0);
	g_assert_cmpstr (run->err, ==, "");
	basket = hy_test_run_object (run);
	lines = json_object_get_array_member (basket, "lines");
	g_assert_cmpuint (json_array_get_length (lines), ==, G_N_ELEMENTS (expected));
	for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
		const ExpectedLine *e = &expected[i];
		JsonObject *line = json_array_get_object_element (lines, i);
		JsonObject *factors = json_object_get_object_member (line, "factors");
		gint item_discount = 10000, item_points = 10000;
		gboolean fixed;

		g_test_message ("line %u", i + 1);
		if (e->item != NULL)
			g_assert_cmpstr (json_object_get_string_member (line, "item"), ==, e->item);
		else
			g_assert_true (json_object_get_null_member (line, "item"));
		g_assert_cmpint (int_member (line, "qty"), ==, e->qty);
		g_assert_cmpint (int_member (line, "unit_price"), ==, e->unit_price);
		g_assert_cmpint (int_member (line, "list_amount"), ==, e->list_amount);
		g_assert_cmpint (int_member (line, "amount"), ==, e->amount);
		g_assert_cmpint (int_member (line, "points"), ==, e->points);
		g_assert_cmpint (int_member (line, "discount_bp"), ==, e->discount_bp);
		g_assert_cmpint (int_member (line, "points_bp"), ==, e->points_bp);
		g_assert_cmpstr (json_object_get_string_member (line, "price_source"), ==,
				 e->price_source);

		g_assert_cmpuint (json_object_get_size (factors), ==, 6);
		/* a member or special price is not discounted again, and says so */
		fixed = g_strcmp0 (e->price_source, "member") == 0 ||
			g_strcmp0 (e->price_source, "special") == 0;
		assert_factor (factors, "level", fixed ? 10000 : 9000, 15000, "level", "金卡");
		for (guint k = 0; k < G_N_ELEMENTS (item_factors); k++) {
			if (g_strcmp0 (item_factors[k].source, e->item_source) == 0) {
				item_discount = item_factors[k].discount_bp;
				item_points = item_factors[k].points_bp;
			}
		}
		assert_factor (factors, "item", fixed ? 10000 : item_discount, item_points,
			       e->item_source, e->item_name);
		assert_factor (factors, "birthday", fixed ? 10000 : 9500, 20000, "birthday", NULL);
		assert_factor (factors, "store", fixed ? 10000 : 9900, 10000, "store", "S01");
		assert_factor (factors, "period", 10000, 15000, "period", "周末");
		assert_factor (factors, "order", fixed ? 10000 : 9500, 12000, "order", NULL);
	}
	g_assert_cmpint (int_member (basket, "subtotal"), ==, 23733);
	g_assert_cmpint (int_member (basket, "discount"), ==, 4868);
	g_assert_cmpint (int_member (basket, "total"), ==, 18865);
	g_assert_cmpint (int_member (basket, "points"), ==, 124862);

	/* the same basket by phone, as a table */
	{
		g_autoptr (HyTestRun) text = HY_TEST_ADMIN (
			"price", "--db", env->db, "--phone", HY_TEST_PHONE, "--item", "A01:2",
			"--item", "B01", "--item", "C01", "--item", "M01:3", "--item", "S02",
			"--item", "P01:4", "--amount", "1234", "--at", SATURDAY);
		static const gchar *const words[] = {
			"Item",
			"Qty",
			"A01",
			"15.76",
			"93.61",
			"78.8%",
			"level 金卡 90% ×1.5",
			"category 饮料 98% ×1.1",
			"period 周末 ×1.5",
			"member price",
			"special price",
			"store price",
			"237.33",
			"48.68",
			"188.65",
			"1248.62",
		};
		hy_test_assert_status (text, 0);
		for (guint i = 0; i < G_N_ELEMENTS (words); i++) {
			if (strstr (text->out, words[i]) == NULL)
				g_error ("“%s” not in: %s", words[i], text->out);
		}
	}

	/* a dry run: nothing written */
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL), ==,
			 audit);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM account_entries", NULL),
			 ==, 0);
}

/* One line of A01 for the member at `at`: the period that applies, or NULL for none. */
static void
assert_period (HyTestEnv *env, const gchar *card, const gchar *at, const gchar *period)
{
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("price", "--db", env->db, "--card", card,
						   "--item", "A01", "--at", at, "--json");
	JsonObject *factors;
	hy_test_assert_status (run, 0);
	factors = json_object_get_object_member (
		json_array_get_object_element (
			json_object_get_array_member (hy_test_run_object (run), "lines"), 0),
		"factors");
	g_test_message ("%s: %s", at, period != NULL ? period : "no period");
	if (period != NULL) {
		JsonObject *f = json_object_get_object_member (factors, "period");
		g_assert_cmpstr (json_object_get_string_member (f, "source"), ==, "period");
		g_assert_cmpstr (json_object_get_string_member (f, "name"), ==, period);
	} else {
		assert_factor (factors, "period", 10000, 10000, "none", NULL);
	}
}

static void
test_price_periods (void)
{
	g_autofree gchar *card = NULL;
	g_autoptr (HyTestEnv) env = env_new (&card);

	/* a date beats the others; then yearly (wrapping the new year), monthly, weekly */
	assert_period (env, card, "2026-11-11T10:00:00+08:00", "双十一"); /* Wednesday */
	assert_period (env, card, "2026-12-26T10:00:00+08:00", "年货");	  /* Saturday */
	assert_period (env, card, "2027-01-01T10:00:00+08:00", "年货");	  /* the 1st */
	assert_period (env, card, "2026-12-01T10:00:00+08:00", "半月");	  /* Tuesday */
	assert_period (env, card, "2026-11-22T10:00:00+08:00", "周末");	  /* Sunday */
	assert_period (env, card, "2026-11-18T10:00:00+08:00", NULL);	  /* Wednesday */
	/* the day is the store's: 17:00 UTC on Friday is 01:00 on Saturday in China */
	assert_period (env, card, "2026-11-21T01:00:00+08:00", "周末");
	assert_period (env, card, "2026-11-20T17:00:00Z", "周末");

	/*
	 * Half-up, once: 500 fen on 2026-12-01 (Tuesday, not the birthday month, period
	 * 半月 13000 points only, band 0–9999 without extras): 500 × .9 × .99 = 445.5 →
	 * 446; points 446 × 1.5 × 1.3 = 869.7 → 870.
	 */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("price", "--db", env->db, "--phone",
							   HY_TEST_PHONE, "--amount", "500", "--at",
							   "2026-12-01T09:00:00+08:00", "--json");
		JsonObject *basket, *line, *factors;
		hy_test_assert_status (run, 0);
		basket = hy_test_run_object (run);
		line = json_array_get_object_element (
			json_object_get_array_member (basket, "lines"), 0);
		factors = json_object_get_object_member (line, "factors");
		g_assert_cmpint (int_member (line, "amount"), ==, 446);
		g_assert_cmpint (int_member (line, "points"), ==, 870);
		g_assert_cmpint (int_member (line, "discount_bp"), ==, 8910);
		g_assert_cmpint (int_member (line, "points_bp"), ==, 19500);
		assert_factor (factors, "birthday", 10000, 10000, "none", NULL);
		assert_factor (factors, "order", 10000, 10000, "order", NULL);
		g_assert_cmpint (int_member (basket, "subtotal"), ==, 500);
		g_assert_cmpint (int_member (basket, "discount"), ==, 54);
		g_assert_cmpint (int_member (basket, "total"), ==, 446);
		g_assert_cmpint (int_member (basket, "points"), ==, 870);
	}

	/* a store without rules of its own: neutral, every switch off */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("price", "--db", env->db, "--card", card, "--item", "A01",
				       "--store", "S99", "--at", SATURDAY, "--json");
		JsonObject *basket;
		hy_test_assert_status (run, 0);
		basket = hy_test_run_object (run);
		g_assert_cmpint (int_member (basket, "total"), ==, 1000);
		g_assert_cmpint (int_member (basket, "discount"), ==, 0);
		g_assert_cmpint (int_member (basket, "points"), ==, 1000);
	}
}

static void
test_price_errors (void)
{
	g_autofree gchar *card = NULL;
	g_autoptr (HyTestEnv) env = env_new (&card);
	static const struct {
		const gchar *args[12];
		const gchar *needle;
	} broken[] = {
		/* unknown card, unknown phone */
		{{"--card", "0019999999", "--item", "A01", "--at", SATURDAY}, NULL},
		{{"--phone", "13999999999", "--item", "A01", "--at", SATURDAY}, NULL},
		/* no line */
		{{"--card", "@", "--at", SATURDAY}, "--item"},
		/* no member, or two ways of naming one */
		{{"--item", "A01", "--at", SATURDAY}, "--card"},
		{{"--card", "@", "--phone", HY_TEST_PHONE, "--item", "A01", "--at", SATURDAY},
		 "--phone"},
		/* time missing or not ISO 8601 */
		{{"--card", "@", "--item", "A01"}, "--at"},
		{{"--card", "@", "--item", "A01", "--at", "next Saturday"}, "--at"},
		{{"--card", "@", "--item", "A01", "--at", "2026-11-31T12:00:00+08:00"}, "--at"},
		/* quantities are whole numbers of at least 1 */
		{{"--card", "@", "--item", "A01:0", "--at", SATURDAY}, "A01:0"},
		{{"--card", "@", "--item", "A01:-1", "--at", SATURDAY}, "A01:-1"},
		{{"--card", "@", "--item", "A01:1.5", "--at", SATURDAY}, "A01:1.5"},
		{{"--card", "@", "--item", ":2", "--at", SATURDAY}, ":2"},
	};
	static const struct {
		const gchar *args[8];
		const gchar *needle;
	} refused[] = {
		/* the core refuses: no such item, an amount that is not positive */
		{{"--item", "Z99", "--at", SATURDAY}, "Z99"},
		{{"--amount", "0", "--at", SATURDAY}, NULL},
		{{"--amount", "ten", "--at", SATURDAY}, "--amount"},
	};

	for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
		g_autoptr (GPtrArray) args = g_ptr_array_new ();
		g_autoptr (HyTestRun) run = NULL;
		g_ptr_array_add (args, "price");
		g_ptr_array_add (args, "--db");
		g_ptr_array_add (args, env->db);
		for (guint k = 0; broken[i].args[k] != NULL; k++)
			g_ptr_array_add (args, g_strcmp0 (broken[i].args[k], "@") == 0
						       ? card
						       : (gpointer) broken[i].args[k]);
		g_ptr_array_add (args, "--json");
		g_ptr_array_add (args, NULL);
		run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, broken[i].needle);
		g_assert_cmpstr (run->out, ==, "");
	}
	for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
		g_autoptr (GPtrArray) args = g_ptr_array_new ();
		g_autoptr (HyTestRun) run = NULL;
		g_ptr_array_add (args, "price");
		g_ptr_array_add (args, "--db");
		g_ptr_array_add (args, env->db);
		g_ptr_array_add (args, "--card");
		g_ptr_array_add (args, card);
		for (guint k = 0; refused[i].args[k] != NULL; k++)
			g_ptr_array_add (args, (gpointer) refused[i].args[k]);
		g_ptr_array_add (args, NULL);
		run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, refused[i].needle);
	}
	{
		/* no --db */
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("price", "--card", card, "--item", "A01", "--at", SATURDAY);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_line (run, "--db");
	}
}

int
main (int argc, char **argv)
{
	/* the store is in China: its calendar day decides periods and birthdays (POSIX
	 * form, so no time zone database is needed) */
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin-rules/help", test_rules_help);
	g_test_add_func ("/huiyuan/admin-rules/import-export", test_rules_import_export);
	g_test_add_func ("/huiyuan/admin-rules/import-errors", test_rules_import_errors);
	g_test_add_func ("/huiyuan/admin-rules/price", test_price_saturday);
	g_test_add_func ("/huiyuan/admin-rules/periods", test_price_periods);
	g_test_add_func ("/huiyuan/admin-rules/price-errors", test_price_errors);
	return g_test_run ();
}
