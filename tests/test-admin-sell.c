/* huiyuan-admin sell and receipt, end to end: the real binary on a real database file.
 * Every expected amount is worked out by hand from the formula in app/hy-pricing.h: the
 * list amount times the product of the coefficients, rounded once, half-up; points
 * (hundredths) are the amount to pay times the points coefficients, rounded the same
 * way.
 *
 * The store S01 switches on level discount and level points and sets a store points
 * coefficient of 200%; nothing else applies (no birthday, period or order band). The
 * member's level 金卡 is 90% discount and 150% points, so for the member every line
 * costs list × 0.9 and earns amount × 1.5 × 2 = amount × 3 hundredths of a point. A
 * customer who is not a member pays the list price and earns nothing. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define ADMIN_PASSWORD	 "admin-secret"
#define CASHIER_PASSWORD "cashier-secret"
#define PHONE		 "13900000001"
#define PIN		 "2468"
#define WRONG_PIN	 "1357"
/* 2026-11-21T04:00:00Z in milliseconds */
#define SATURDAY    "2026-11-21T12:00:00+08:00"
#define SATURDAY_MS G_GINT64_CONSTANT (1795233600000)

static const gchar rules_json[] =
	"{\n"
	"  \"levels\": [{\"name\": \"金卡\", \"points_bp\": 15000, \"discount_bp\": 9000}],\n"
	"  \"items\": [{\"code\": \"T01\", \"name\": \"茶\", \"price\": 1999}],\n"
	"  \"stores\": {\n"
	"    \"S01\": {\"use_level_points\": true, \"use_level_discount\": true,\n"
	"            \"points_bp\": 20000}\n"
	"  }\n"
	"}\n";

typedef struct {
	gchar *dir;
	gchar *db;
	gchar *card;
} Env;

typedef struct {
	gint status; /* exit status, or -1 when killed */
	gchar *out;
	gchar *err;
	JsonNode *json; /* stdout parsed when it is JSON */
} Run;

static void
run_free (Run *run)
{
	g_free (run->out);
	g_free (run->err);
	if (run->json != NULL)
		json_node_unref (run->json);
	g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
child_setup (gpointer user_data)
{
	/* no controlling terminal: a missing password or PIN fails instead of prompting */
	setsid ();
}

/* Runs huiyuan-admin with `args`; `env` holds "NAME=VALUE" to set and "NAME" to unset,
 * on top of HUIYUAN_PASSWORD=ADMIN_PASSWORD and without HUIYUAN_CARD_PIN. */
static Run *
admin_runv (const gchar *const *env, const gchar *const *args)
{
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
		G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GSubprocess) proc = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *joined = NULL;
	Run *run = g_new0 (Run, 1);
	const gchar *binary = g_getenv ("HUIYUAN_ADMIN");

	g_assert_nonnull (binary);
	g_subprocess_launcher_unsetenv (launcher, "HUIYUAN_NEW_PASSWORD");
	g_subprocess_launcher_unsetenv (launcher, "HUIYUAN_CARD_PIN");
	g_subprocess_launcher_setenv (launcher, "HUIYUAN_PASSWORD", ADMIN_PASSWORD, TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		const gchar *eq = strchr (env[i], '=');
		if (eq == NULL) {
			g_subprocess_launcher_unsetenv (launcher, env[i]);
		} else {
			g_autofree gchar *name = g_strndup (env[i], eq - env[i]);
			g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
		}
	}
	g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
	g_ptr_array_add (argv, (gpointer) binary);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, (gpointer) args[i]);
	g_ptr_array_add (argv, NULL);
	joined = g_strjoinv (" ", (gchar **) args);
	proc = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv->pdata, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
	g_assert_no_error (error);
	run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
	g_test_message ("huiyuan-admin %s → %d", joined, run->status);
	if (run->out != NULL && (run->out[0] == '{' || run->out[0] == '['))
		run->json = json_from_string (run->out, NULL);
	return run;
}

#define ADMIN(...)	  admin_runv (NULL, (const gchar *const[]){__VA_ARGS__, NULL})
#define ADMIN_ENV(e, ...) admin_runv ((e), (const gchar *const[]){__VA_ARGS__, NULL})

/* Asserts the exit status; on failure the output is in the test log. */
#define assert_status(run, expected)                                                               \
	G_STMT_START                                                                               \
	{                                                                                          \
		if ((run)->status != (expected))                                                   \
			g_printerr ("stdout: %s\nstderr: %s\n", (run)->out, (run)->err);           \
		g_assert_cmpint ((run)->status, ==, (expected));                                   \
	}                                                                                          \
	G_STMT_END

/* An error is one line on stderr starting with the program name, and nothing on stdout. */
static void
assert_error_line (const Run *run, const gchar *needle)
{
	g_assert_true (g_str_has_prefix (run->err, "huiyuan-admin: "));
	g_assert_nonnull (strchr (run->err, '\n'));
	g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
	g_assert_cmpstr (run->out, ==, "");
	if (needle != NULL && strstr (run->err, needle) == NULL)
		g_error ("“%s” not in stderr: %s", needle, run->err);
}

static JsonObject *
run_object (const Run *run)
{
	g_assert_nonnull (run->json);
	g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json));
	return json_node_get_object (run->json);
}

static gint64
int_member (JsonObject *object, const gchar *name)
{
	g_assert_true (json_object_has_member (object, name));
	return json_object_get_int_member (object, name);
}

static void
remove_tree (const gchar *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const gchar *name;
	while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
		g_autofree gchar *child = g_build_filename (dir, name, NULL);
		if (g_file_test (child, G_FILE_TEST_IS_DIR))
			remove_tree (child);
		else
			g_unlink (child);
	}
	g_rmdir (dir);
}

static gint64
db_count (Env *env, const gchar *sql)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;
	gint64 value;
	g_assert_cmpint (sqlite3_open_v2 (env->db, &raw, SQLITE_OPEN_READONLY, NULL), ==,
			 SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	value = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	sqlite3_close (raw);
	return value;
}

/* Store S01 with the rules above, a 金卡 member with PIN 2468 and ¥100.00 of stored
 * value, and a cashier "cashier" (sale.make without sale.round). */
static Env *
env_new (void)
{
	Env *env = g_new0 (Env, 1);
	g_autofree gchar *rules = NULL;
	const gchar *new_cashier[] = {"HUIYUAN_NEW_PASSWORD=" CASHIER_PASSWORD, NULL};

	env->dir = g_dir_make_tmp ("huiyuan-admin-sell-XXXXXX", NULL);
	g_assert_nonnull (env->dir);
	env->db = g_build_filename (env->dir, "store.db", NULL);
	rules = g_build_filename (env->dir, "rules.json", NULL);
	g_assert_true (g_file_set_contents (rules, rules_json, -1, NULL));
	{
		g_autoptr (Run) run =
			ADMIN ("init", "--db", env->db, "--store", "S01", "--name", "Test store");
		assert_status (run, 0);
	}
	{
		g_autoptr (Run) run =
			ADMIN ("rules", "import", "--db", env->db, "--operator", "admin", rules);
		assert_status (run, 0);
	}
	{
		g_autoptr (Run) run =
			ADMIN ("member", "add", "--db", env->db, "--operator", "admin", "--name",
			       "张三", "--phone", PHONE, "--level", "金卡", "--json");
		JsonArray *cards;
		assert_status (run, 0);
		cards = json_object_get_array_member (run_object (run), "cards");
		env->card = g_strdup (json_object_get_string_member (
			json_array_get_object_element (cards, 0), "number"));
	}
	{
		g_autoptr (Run) run = ADMIN ("card", "pin", "--db", env->db, "--operator", "admin",
					     "--card", env->card, "--new", PIN);
		assert_status (run, 0);
	}
	{
		g_autoptr (Run) run = ADMIN ("recharge", "--db", env->db, "--operator", "admin",
					     "--card", env->card, "--amount", "10000", "--json");
		assert_status (run, 0);
		g_assert_cmpint (int_member (run_object (run), "balance"), ==, 10000);
	}
	{
		g_autoptr (Run) run = ADMIN_ENV (new_cashier, "operator", "add", "--db", env->db,
						 "--operator", "admin", "--login", "cashier",
						 "--role", "cashier", "--name", "Cashier");
		assert_status (run, 0);
	}
	return env;
}

static void
env_free (Env *env)
{
	remove_tree (env->dir);
	g_free (env->dir);
	g_free (env->db);
	g_free (env->card);
	g_free (env);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

/* The member's money (fen) and points (hundredths), as `member show` prints them. */
static void
member_balances (Env *env, gint64 *money, gint64 *points)
{
	g_autoptr (Run) run =
		ADMIN ("member", "show", "--db", env->db, "--card", env->card, "--json");
	JsonArray *cards;
	assert_status (run, 0);
	cards = json_object_get_array_member (run_object (run), "cards");
	for (guint i = 0; i < json_array_get_length (cards); i++) {
		JsonObject *c = json_array_get_object_element (cards, i);
		if (g_strcmp0 (json_object_get_string_member (c, "number"), env->card) == 0) {
			JsonObject *b = json_object_get_object_member (c, "balances");
			*money = int_member (b, "money");
			*points = int_member (b, "points");
			return;
		}
	}
	g_assert_not_reached ();
}

#define assert_balances(env, money, points)                                                        \
	G_STMT_START                                                                               \
	{                                                                                          \
		gint64 m_ = -1, p_ = -1;                                                           \
		member_balances ((env), &m_, &p_);                                                 \
		g_assert_cmpint (m_, ==, (money));                                                 \
		g_assert_cmpint (p_, ==, (points));                                                \
	}                                                                                          \
	G_STMT_END

/* What must not move when a sale is refused. */
typedef struct {
	gint64 money, points, audit, sales, payments, entries;
} Snapshot;

static Snapshot
snapshot (Env *env)
{
	Snapshot s;
	member_balances (env, &s.money, &s.points);
	s.audit = db_count (env, "SELECT count (*) FROM audit");
	s.sales = db_count (env, "SELECT count (*) FROM sales");
	s.payments = db_count (env, "SELECT count (*) FROM payments");
	s.entries = db_count (env, "SELECT count (*) FROM account_entries");
	return s;
}

static void
assert_unchanged (Env *env, const Snapshot *before)
{
	Snapshot after = snapshot (env);
	g_assert_cmpint (after.money, ==, before->money);
	g_assert_cmpint (after.points, ==, before->points);
	g_assert_cmpint (after.audit, ==, before->audit);
	g_assert_cmpint (after.sales, ==, before->sales);
	g_assert_cmpint (after.payments, ==, before->payments);
	g_assert_cmpint (after.entries, ==, before->entries);
}

/* The sale's id and its receipt from `sell --json`, checked for shape. */
static JsonObject *
sale_receipt (const Run *run, const gchar **sale_id)
{
	JsonObject *object = run_object (run);
	JsonObject *receipt;
	g_assert_cmpuint (json_object_get_size (object), ==, 2);
	*sale_id = json_object_get_string_member (object, "sale");
	g_assert_nonnull (*sale_id);
	receipt = json_object_get_object_member (object, "receipt");
	g_assert_nonnull (receipt);
	g_assert_cmpstr (json_object_get_string_member (receipt, "sale"), ==, *sale_id);
	g_assert_cmpstr (json_object_get_string_member (receipt, "store"), ==, "S01");
	g_assert_cmpstr (run->err, ==, "");
	return receipt;
}

static void
assert_totals (JsonObject *receipt,
	       gint64 subtotal,
	       gint64 discount,
	       gint64 rounding,
	       gint64 total,
	       gint64 points,
	       gint64 change)
{
	g_assert_cmpint (int_member (receipt, "subtotal"), ==, subtotal);
	g_assert_cmpint (int_member (receipt, "discount"), ==, discount);
	g_assert_cmpint (int_member (receipt, "rounding"), ==, rounding);
	g_assert_cmpint (int_member (receipt, "total"), ==, total);
	g_assert_cmpint (int_member (receipt, "points"), ==, points);
	g_assert_cmpint (int_member (receipt, "change"), ==, change);
}

static void
assert_payment (JsonObject *receipt,
		guint index,
		const gchar *method,
		gint64 amount,
		const gchar *reference)
{
	JsonObject *payment = json_array_get_object_element (
		json_object_get_array_member (receipt, "payments"), index);
	g_assert_cmpstr (json_object_get_string_member (payment, "method"), ==, method);
	g_assert_cmpint (int_member (payment, "amount"), ==, amount);
	if (reference != NULL)
		g_assert_cmpstr (json_object_get_string_member (payment, "reference"), ==,
				 reference);
	else
		g_assert_true (json_object_get_null_member (payment, "reference"));
}

static void
assert_line (JsonObject *receipt,
	     guint index,
	     const gchar *item,
	     gint64 qty,
	     gint64 list_amount,
	     gint64 amount,
	     gint64 points)
{
	JsonObject *line = json_array_get_object_element (
		json_object_get_array_member (receipt, "lines"), index);
	g_assert_cmpint (int_member (line, "line"), ==, index + 1);
	if (item != NULL)
		g_assert_cmpstr (json_object_get_string_member (line, "item"), ==, item);
	else
		g_assert_true (json_object_get_null_member (line, "item"));
	g_assert_cmpint (int_member (line, "qty"), ==, qty);
	g_assert_cmpint (int_member (line, "list_amount"), ==, list_amount);
	g_assert_cmpint (int_member (line, "amount"), ==, amount);
	g_assert_cmpint (int_member (line, "points"), ==, points);
}

static void
assert_receipt_balances (JsonObject *receipt, gint64 money, gint64 points)
{
	JsonObject *balances = json_object_get_object_member (receipt, "balances");
	g_assert_nonnull (balances);
	g_assert_cmpint (int_member (balances, "money"), ==, money);
	g_assert_cmpint (int_member (balances, "points"), ==, points);
}

static void
assert_words (const gchar *text, const gchar *const *words)
{
	for (guint i = 0; words[i] != NULL; i++) {
		if (strstr (text, words[i]) == NULL)
			g_error ("“%s” not in: %s", words[i], text);
	}
}

/* `receipt --sale ID --json` prints what `sell --json` printed under "receipt". */
static void
assert_reprint (Env *env, const Run *sold)
{
	JsonObject *object = run_object (sold);
	const gchar *sale_id = json_object_get_string_member (object, "sale");
	g_autoptr (Run) run = ADMIN ("receipt", "--db", env->db, "--sale", sale_id, "--json");
	assert_status (run, 0);
	g_assert_cmpstr (run->err, ==, "");
	g_assert_nonnull (run->json);
	g_assert_true (json_node_equal (run->json, json_object_get_member (object, "receipt")));
}

/* ---- help --------------------------------------------------------------------------- */

static void
test_sell_help (void)
{
	static const gchar *const commands[][3] = {
		{"sell", "--help"},
		{"receipt", "--help"},
	};
	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		g_autoptr (Run) run = admin_runv (NULL, commands[i]);
		assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
	}
	{
		g_autoptr (Run) run = ADMIN ("sell", "--help");
		assert_words (run->out,
			      (const gchar *const[]){"--card", "--phone", "--item", "--amount",
						     "--pay", "--pin", "--slip", "--salesperson",
						     "--note", "--round", "--at", "--json", NULL});
	}
	{
		g_autoptr (Run) run = ADMIN ("--help");
		assert_words (run->out, (const gchar *const[]){"sell", "receipt", NULL});
	}
}

/* ---- the sales, in order ------------------------------------------------------------ */

static void
test_sell (void)
{
	g_autoptr (Env) env = env_new ();
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" CASHIER_PASSWORD, NULL};
	const gchar *with_pin[] = {"HUIYUAN_CARD_PIN=" PIN, NULL};
	g_autoptr (Run) quick = NULL;
	g_autoptr (Run) mixed = NULL;
	const gchar *sale_id = NULL;
	JsonObject *receipt;
	Snapshot before;

	assert_balances (env, 10000, 0);

	/*
	 * (a) A quick sale by amount, paid cash with change, at a given time.
	 *     amount 1234 × 0.9 = 1110.6 → 1111; discount 1234 − 1111 = 123;
	 *     points 1111 × 1.5 × 2 = 3333; change 2000 − 1111 = 889.
	 *     Balances after: money 10000 (untouched), points 0 + 3333 = 3333.
	 */
	quick = ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
		       "--amount", "1234", "--pay", "cash:2000", "--slip", "S-0001",
		       "--salesperson", "李四", "--note", "早班", "--at", SATURDAY, "--json");
	assert_status (quick, 0);
	receipt = sale_receipt (quick, &sale_id);
	assert_totals (receipt, 1234, 123, 0, 1111, 3333, 889);
	g_assert_cmpint (int_member (receipt, "at"), ==, SATURDAY_MS);
	g_assert_cmpstr (json_object_get_string_member (receipt, "card"), ==, env->card);
	g_assert_cmpstr (json_object_get_string_member (receipt, "member"), ==, "张三");
	g_assert_cmpstr (json_object_get_string_member (receipt, "slip_no"), ==, "S-0001");
	g_assert_cmpstr (json_object_get_string_member (receipt, "salesperson"), ==, "李四");
	g_assert_cmpstr (json_object_get_string_member (receipt, "note"), ==, "早班");
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (receipt, "lines")),
			  ==, 1);
	assert_line (receipt, 0, NULL, 1, 1234, 1111, 3333);
	g_assert_cmpuint (
		json_array_get_length (json_object_get_array_member (receipt, "payments")), ==, 1);
	assert_payment (receipt, 0, "cash", 2000, NULL);
	assert_receipt_balances (receipt, 10000, 3333);
	assert_balances (env, 10000, 3333);

	/*
	 * (b) A product sale paid part cash, part stored value with the PIN.
	 *     T01 × 3: list 1999 × 3 = 5997; 5997 × 0.9 = 5397.3 → 5397; discount 600;
	 *     points 5397 × 3 = 16191. Stored value pays 5397 − 500 = 4897, no change.
	 *     Balances after: money 10000 − 4897 = 5103, points 3333 + 16191 = 19524.
	 */
	mixed = ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
		       "--item", "T01:3", "--pay", "cash:500", "--pay", "balance:4897", "--pin",
		       PIN, "--json");
	assert_status (mixed, 0);
	g_assert_null (strstr (mixed->out, PIN));
	receipt = sale_receipt (mixed, &sale_id);
	assert_totals (receipt, 5997, 600, 0, 5397, 16191, 0);
	assert_line (receipt, 0, "T01", 3, 5997, 5397, 16191);
	g_assert_cmpuint (
		json_array_get_length (json_object_get_array_member (receipt, "payments")), ==, 2);
	assert_payment (receipt, 0, "cash", 500, NULL);
	assert_payment (receipt, 1, "balance", 4897, NULL);
	g_assert_true (json_object_get_null_member (receipt, "slip_no"));
	assert_receipt_balances (receipt, 5103, 19524);
	assert_balances (env, 5103, 19524);

	/* (c) a wrong PIN: refused, nothing written, the PIN not echoed */
	before = snapshot (env);
	{
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--item", "T01", "--pay", "cash:500", "--pay", "balance:1299",
			       "--pin", WRONG_PIN);
		assert_status (run, 2);
		assert_error_line (run, "PIN");
		g_assert_null (strstr (run->err, WRONG_PIN));
	}
	/* no PIN at all (no --pin, no HUIYUAN_CARD_PIN, no terminal): refused too */
	{
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--item", "T01", "--pay", "balance:1799");
		assert_status (run, 2);
		assert_error_line (run, "HUIYUAN_CARD_PIN");
	}
	assert_unchanged (env, &before);

	/*
	 * (d) Stored value short: T01 × 3 is 5397 again (as in b), the card holds 5103.
	 */
	{
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--item", "T01:3", "--pay", "balance:5397", "--pin", PIN);
		assert_status (run, 2);
		assert_error_line (run, NULL);
	}
	assert_unchanged (env, &before);

	/*
	 * (e) Tenders short of the total. T01 × 1: 1999 × 0.9 = 1799.1 → 1799 due;
	 *     1000 in cash, or 1000 + 700 = 1700 mixed, is less.
	 * (f) A non-cash tender overpaying: 2000 by bank card, or 1000 by card + 800 by
	 *     voucher = 1800, is more than the 1799 due; only cash gives change.
	 */
	{
		static const gchar *const pays[][2] = {
			{"cash:1000", NULL},
			{"cash:1000", "bank_card:700"},
			{"bank_card:2000:POS-1", NULL},
			{"bank_card:1000", "voucher:800:V-9"},
		};
		for (guint i = 0; i < G_N_ELEMENTS (pays); i++) {
			g_autoptr (GPtrArray) args = g_ptr_array_new ();
			g_autoptr (Run) run = NULL;
			const gchar *const fixed[] = {"sell",  "--db",	 env->db,   "--operator",
						      "admin", "--card", env->card, "--item",
						      "T01",   NULL};
			for (guint k = 0; fixed[k] != NULL; k++)
				g_ptr_array_add (args, (gpointer) fixed[k]);
			for (guint k = 0; k < 2 && pays[i][k] != NULL; k++) {
				g_ptr_array_add (args, "--pay");
				g_ptr_array_add (args, (gpointer) pays[i][k]);
			}
			g_ptr_array_add (args, NULL);
			run = admin_runv (NULL, (const gchar *const *) args->pdata);
			assert_status (run, 2);
			assert_error_line (run, "1799");
		}
	}
	assert_unchanged (env, &before);

	/*
	 * The PIN from HUIYUAN_CARD_PIN, the member named by phone.
	 *     amount 100 × 0.9 = 90, all from stored value; points 90 × 3 = 270.
	 *     Balances after: money 5103 − 90 = 5013, points 19524 + 270 = 19794.
	 */
	{
		g_autoptr (Run) run = ADMIN_ENV (with_pin, "sell", "--db", env->db, "--operator",
						 "admin", "--phone", PHONE, "--amount", "100",
						 "--pay", "balance:90", "--json");
		assert_status (run, 0);
		g_assert_null (strstr (run->out, PIN));
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 100, 10, 0, 90, 270, 0);
		assert_payment (receipt, 0, "balance", 90, NULL);
		assert_receipt_balances (receipt, 5013, 19794);
	}
	assert_balances (env, 5013, 19794);

	/*
	 * (g) 抹零 to the yuan needs sale.round: a cashier is refused (exit 3), nothing
	 *     written. The admin may: T01 × 2: 3998 × 0.9 = 3598.2 → 3598, rounded down
	 *     to 3500 (rounding 98); points are earned on the priced 3598: 3598 × 3 =
	 *     10794. Change 5000 − 3500 = 1500.
	 *     Balances after: money 5013, points 19794 + 10794 = 30588.
	 */
	before = snapshot (env);
	{
		g_autoptr (Run) run = ADMIN_ENV (as_cashier, "sell", "--db", env->db, "--operator",
						 "cashier", "--card", env->card, "--item", "T01:2",
						 "--round", "yuan", "--pay", "cash:5000");
		assert_status (run, 3);
		assert_error_line (run, NULL);
	}
	assert_unchanged (env, &before);
	{
		g_autoptr (Run) run = ADMIN ("sell", "--db", env->db, "--operator", "admin",
					     "--card", env->card, "--item", "T01:2", "--round",
					     "yuan", "--pay", "cash:5000", "--json");
		assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 3998, 400, 98, 3500, 10794, 1500);
		assert_line (receipt, 0, "T01", 2, 3998, 3598, 10794);
		assert_payment (receipt, 0, "cash", 5000, NULL);
		assert_receipt_balances (receipt, 5013, 30588);
		assert_reprint (env, run);
	}
	assert_balances (env, 5013, 30588);

	/*
	 * (h) Not a member, rung up by the cashier: list price, no points, no balances.
	 *     T01 × 1 = 1999; change 2000 − 1999 = 1.
	 *     抹零 to the jiao by the admin: 1999 → 1990 (rounding 9); change 2000 − 1990
	 *     = 10.
	 */
	before = snapshot (env);
	{
		g_autoptr (Run) run =
			ADMIN_ENV (as_cashier, "sell", "--db", env->db, "--operator", "cashier",
				   "--item", "T01", "--pay", "cash:2000", "--json");
		assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 1999, 0, 0, 1999, 0, 1);
		assert_line (receipt, 0, "T01", 1, 1999, 1999, 0);
		g_assert_true (json_object_get_null_member (receipt, "card"));
		g_assert_true (json_object_get_null_member (receipt, "member"));
		g_assert_true (json_object_get_null_member (receipt, "balances"));
		assert_reprint (env, run);
	}
	{
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--operator", "admin", "--item", "T01",
			       "--round", "jiao", "--pay", "cash:2000", "--json");
		assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 1999, 0, 9, 1990, 0, 10);
	}
	/* stored value is a member's: a customer without a card cannot pay with it */
	{
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--operator", "admin", "--item", "T01",
			       "--pay", "balance:1999", "--pin", PIN);
		assert_status (run, 2);
		assert_error_line (run, NULL);
	}
	assert_balances (env, before.money, before.points);
	g_assert_cmpint (db_count (env, "SELECT count (*) FROM sales"), ==, before.sales + 2);

	/* (i) the reprints are the receipts as sold */
	assert_reprint (env, quick);
	assert_reprint (env, mixed);
	{
		const gchar *quick_id = json_object_get_string_member (run_object (quick), "sale");
		g_autoptr (Run) run = ADMIN ("receipt", "--db", env->db, "--sale", quick_id);
		assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		/* money and points in yuan and points, the time in the store's zone */
		assert_words (run->out,
			      (const gchar *const[]){
				      quick_id, "2026-11-21 12:00:00", "S01", "S-0001", "李四",
				      "早班", env->card, "张三", "(by amount)", "12.34", "1.23",
				      "11.11", "33.33", "¥20.00 cash", "¥8.89", "¥100.00", NULL});
	}
	{
		const gchar *mixed_id = json_object_get_string_member (run_object (mixed), "sale");
		g_autoptr (Run) run = ADMIN ("receipt", "--db", env->db, "--sale", mixed_id);
		assert_status (run, 0);
		assert_words (run->out,
			      (const gchar *const[]){"T01", "59.97", "6.00", "53.97", "161.91",
						     "¥5.00 cash", "¥48.97 balance", "¥51.03",
						     "195.24", NULL});
	}
	{
		g_autoptr (Run) run = ADMIN ("receipt", "--db", env->db, "--sale",
					     "01a20a28-0000-7000-8000-000000000000", "--json");
		assert_status (run, 2);
		assert_error_line (run, NULL);
	}
	{
		g_autoptr (Run) run = ADMIN ("receipt", "--db", env->db);
		assert_status (run, 2);
		assert_error_line (run, "--sale");
	}

	/* a sale printed as text */
	{
		g_autoptr (Run) run = ADMIN ("sell", "--db", env->db, "--operator", "admin",
					     "--item", "T01", "--pay", "cash:1999");
		assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		assert_words (run->out,
			      (const gchar *const[]){"T01", "19.99", "¥19.99 cash", "¥0.00", NULL});
	}

	/* (j) the ledger, balances and audit chain still check out */
	{
		g_autoptr (Run) run = ADMIN ("verify", "--db", env->db);
		assert_status (run, 0);
	}
}

/* ---- usage errors: refused before anything is written ------------------------------- */

static void
test_sell_usage (void)
{
	g_autoptr (Env) env = env_new ();
	Snapshot before = snapshot (env);
	static const struct {
		const gchar *args[10];
		const gchar *needle;
	} broken[] = {
		{{"--item", "T01"}, NULL},				  /* no payment */
		{{"--pay", "cash:2000"}, "--item"},			  /* no line */
		{{"--item", "T01", "--pay", "cash"}, "cash"},		  /* no amount */
		{{"--item", "T01", "--pay", "cash:"}, "cash:"},		  /* empty amount */
		{{"--item", "T01", "--pay", "cash:0"}, "cash:0"},	  /* not positive */
		{{"--item", "T01", "--pay", "cash:-5"}, "cash:-5"},	  /* negative */
		{{"--item", "T01", "--pay", "cash:19.99"}, "cash:19.99"}, /* not fen */
		{{"--item", "T01", "--pay", "gold:2000"}, "gold"},	  /* unknown method */
		{{"--item", "T01", "--pay", "cheque:2000:"}, "cheque"},	  /* empty reference */
		{{"--item", "T01:0", "--pay", "cash:2000"}, "T01:0"},
		{{"--item", ":2", "--pay", "cash:2000"}, ":2"},
		{{"--amount", "ten", "--pay", "cash:2000"}, "--amount"},
		{{"--amount", "0", "--pay", "cash:2000"}, NULL},
		{{"--item", "Z99", "--pay", "cash:2000"}, "Z99"},
		{{"--item", "T01", "--pay", "cash:2000", "--round", "fen"}, "--round"},
		{{"--item", "T01", "--pay", "cash:2000", "--at", "next Saturday"}, "--at"},
		{{"--card", "@", "--phone", PHONE, "--item", "T01", "--pay", "cash:2000"},
		 "--phone"},
		{{"--card", "0019999999", "--item", "T01", "--pay", "cash:2000"}, NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
		g_autoptr (GPtrArray) args = g_ptr_array_new ();
		g_autoptr (Run) run = NULL;
		g_ptr_array_add (args, "sell");
		g_ptr_array_add (args, "--db");
		g_ptr_array_add (args, env->db);
		g_ptr_array_add (args, "--operator");
		g_ptr_array_add (args, "admin");
		for (guint k = 0; broken[i].args[k] != NULL; k++)
			g_ptr_array_add (args, g_strcmp0 (broken[i].args[k], "@") == 0
						       ? env->card
						       : (gpointer) broken[i].args[k]);
		g_ptr_array_add (args, "--json");
		g_ptr_array_add (args, NULL);
		run = admin_runv (NULL, (const gchar *const *) args->pdata);
		assert_status (run, 2);
		assert_error_line (run, broken[i].needle);
	}
	{
		/* no --operator, no --db */
		g_autoptr (Run) run =
			ADMIN ("sell", "--db", env->db, "--item", "T01", "--pay", "cash:2000");
		g_autoptr (Run) no_db = ADMIN ("sell", "--operator", "admin", "--item", "T01",
					       "--pay", "cash:2000");
		assert_status (run, 2);
		assert_error_line (run, "--operator");
		assert_status (no_db, 2);
		assert_error_line (no_db, "--db");
	}
	{
		/* a wrong operator password */
		const gchar *wrong[] = {"HUIYUAN_PASSWORD=wrong-password", NULL};
		g_autoptr (Run) run = ADMIN_ENV (wrong, "sell", "--db", env->db, "--operator",
						 "admin", "--item", "T01", "--pay", "cash:2000");
		assert_status (run, 2);
		assert_error_line (run, NULL);
	}
	assert_unchanged (env, &before);
}

int
main (int argc, char **argv)
{
	/* the store is in China (POSIX form, so no time zone database is needed) */
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin-sell/help", test_sell_help);
	g_test_add_func ("/huiyuan/admin-sell/sell", test_sell);
	g_test_add_func ("/huiyuan/admin-sell/usage", test_sell_usage);
	return g_test_run ();
}
