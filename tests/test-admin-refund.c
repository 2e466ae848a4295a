/* huiyuan-admin refund, end to end: the real binary on a real database file. Every
 * expected amount is worked out by hand, first the sale from the formula in
 * app/hy-pricing.h (the list amount times the discount coefficients, rounded once,
 * half-up; points in hundredths are that amount times the points coefficients, rounded
 * the same way), then the refunds from the rule in app/hy-refund.h:
 *
 *   amount = round_half_up (line amount × qty / line qty), points likewise, except that
 *   the refund returning the last of a line returns exactly what is left of it, and the
 *   refund returning the last of the sale exactly what is left of what was paid;
 *   the money goes back to stored value first, up to what the sale took from it (less
 *   what earlier refunds already put back there), the rest in cash.
 *
 * The store S01 switches on level discount and level points and sets a store points
 * coefficient of 200%. The member's level 金卡 is 90% discount and 125% points, so for
 * the member every line costs list × 0.9 and earns amount × 1.25 × 2 = amount × 2.5
 * hundredths of a point. A customer who is not a member pays the list price and earns
 * nothing. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define ADMIN_PASSWORD	 "admin-secret"
#define CASHIER_PASSWORD "cashier-secret"
#define MANAGER_PASSWORD "manager-secret"
#define PHONE		 "13900000001"
#define PIN		 "2468"

static const gchar rules_json[] =
	"{\n"
	"  \"levels\": [{\"name\": \"金卡\", \"points_bp\": 12500, \"discount_bp\": 9000}],\n"
	"  \"items\": [{\"code\": \"T01\", \"name\": \"茶\", \"price\": 1235},\n"
	"            {\"code\": \"T02\", \"name\": \"壶\", \"price\": 2500}],\n"
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
 * value, a cashier "cashier" (no sale.refund) and a store manager "manager" (who has
 * it, as the admin, hq-admin, does). */
static Env *
env_new (void)
{
	Env *env = g_new0 (Env, 1);
	g_autofree gchar *rules = NULL;
	const gchar *new_cashier[] = {"HUIYUAN_NEW_PASSWORD=" CASHIER_PASSWORD, NULL};
	const gchar *new_manager[] = {"HUIYUAN_NEW_PASSWORD=" MANAGER_PASSWORD, NULL};

	env->dir = g_dir_make_tmp ("huiyuan-admin-refund-XXXXXX", NULL);
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
	{
		g_autoptr (Run) run = ADMIN_ENV (new_manager, "operator", "add", "--db", env->db,
						 "--operator", "admin", "--login", "manager",
						 "--role", "store-manager", "--name", "Manager");
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

/* What must not move when a refund is refused. */
typedef struct {
	gint64 money, points, audit, refunds, refund_lines, entries;
} Snapshot;

static Snapshot
snapshot (Env *env)
{
	Snapshot s;
	member_balances (env, &s.money, &s.points);
	s.audit = db_count (env, "SELECT count (*) FROM audit");
	s.refunds = db_count (env, "SELECT count (*) FROM refunds");
	s.refund_lines = db_count (env, "SELECT count (*) FROM refund_lines");
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
	g_assert_cmpint (after.refunds, ==, before->refunds);
	g_assert_cmpint (after.refund_lines, ==, before->refund_lines);
	g_assert_cmpint (after.entries, ==, before->entries);
}

static void
assert_words (const gchar *text, const gchar *const *words)
{
	for (guint i = 0; words[i] != NULL; i++) {
		if (strstr (text, words[i]) == NULL)
			g_error ("“%s” not in: %s", words[i], text);
	}
}

/* Rings up a sale with `args` after `sell --db DB --operator admin`, and returns its id;
 * the receipt's total and points are checked. */
static gchar *
sell (Env *env, gint64 total, gint64 points, const gchar *const *args)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (Run) run = NULL;
	const gchar *with_pin[] = {"HUIYUAN_CARD_PIN=" PIN, NULL};
	JsonObject *receipt;

	g_ptr_array_add (argv, "sell");
	g_ptr_array_add (argv, "--db");
	g_ptr_array_add (argv, env->db);
	g_ptr_array_add (argv, "--operator");
	g_ptr_array_add (argv, "admin");
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, (gpointer) args[i]);
	g_ptr_array_add (argv, "--json");
	g_ptr_array_add (argv, NULL);
	run = admin_runv (with_pin, (const gchar *const *) argv->pdata);
	assert_status (run, 0);
	receipt = json_object_get_object_member (run_object (run), "receipt");
	g_assert_cmpint (int_member (receipt, "total"), ==, total);
	g_assert_cmpint (int_member (receipt, "points"), ==, points);
	return g_strdup (json_object_get_string_member (run_object (run), "sale"));
}

#define SELL(env, total, points, ...)                                                              \
	sell ((env), (total), (points), (const gchar *const[]){__VA_ARGS__, NULL})

/* Checks a refund's result (`refund --json`): its totals, and that its lines are
 * `n_lines` rows of {line, qty, amount, points}. */
static void
assert_refund (JsonObject *refund,
	       const gchar *sale_id,
	       gint64 amount,
	       gint64 points,
	       gint64 to_balance,
	       gint64 to_cash,
	       guint n_lines,
	       const gint64 (*lines)[4])
{
	JsonArray *array = json_object_get_array_member (refund, "lines");
	g_assert_nonnull (json_object_get_string_member (refund, "refund"));
	g_assert_cmpstr (json_object_get_string_member (refund, "sale"), ==, sale_id);
	g_assert_cmpint (int_member (refund, "amount"), ==, amount);
	g_assert_cmpint (int_member (refund, "points"), ==, points);
	g_assert_cmpint (int_member (refund, "to_balance"), ==, to_balance);
	g_assert_cmpint (int_member (refund, "to_cash"), ==, to_cash);
	g_assert_nonnull (array);
	g_assert_cmpuint (json_array_get_length (array), ==, n_lines);
	for (guint i = 0; i < n_lines; i++) {
		JsonObject *line = json_array_get_object_element (array, i);
		g_assert_cmpint (int_member (line, "line"), ==, lines[i][0]);
		g_assert_cmpint (int_member (line, "qty"), ==, lines[i][1]);
		g_assert_cmpint (int_member (line, "amount"), ==, lines[i][2]);
		g_assert_cmpint (int_member (line, "points"), ==, lines[i][3]);
	}
}

/* ---- help --------------------------------------------------------------------------- */

static void
test_refund_help (void)
{
	{
		g_autoptr (Run) run = ADMIN ("refund", "--help");
		assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
		assert_words (run->out,
			      (const gchar *const[]){"--db", "--operator", "--sale", "--line",
						     "--reason", "--json", "sale.refund", NULL});
	}
	{
		g_autoptr (Run) run = ADMIN ("--help");
		assert_words (run->out, (const gchar *const[]){"refund", NULL});
	}
}

/* ---- a member's sale, refunded in two parts ----------------------------------------- */

static void
test_refund (void)
{
	g_autoptr (Env) env = env_new ();
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" CASHIER_PASSWORD, NULL};
	const gchar *as_manager[] = {"HUIYUAN_PASSWORD=" MANAGER_PASSWORD, NULL};
	g_autofree gchar *sale_id = NULL;
	g_autofree gchar *spent_id = NULL;
	gint64 refunded = 0;
	Snapshot before;

	assert_balances (env, 10000, 0);

	/*
	 * The sale: two item lines, paid part cash, part stored value with the PIN.
	 *   line 1, T01 × 3: list 1235 × 3 = 3705; × 0.9 = 3334.5 → 3335 (half-up);
	 *                    points 3335 × 2.5 = 8337.5 → 8338.
	 *   line 2, T02 × 1: list 2500; × 0.9 = 2250; points 2250 × 2.5 = 5625.
	 *   total 3335 + 2250 = 5585, points 8338 + 5625 = 13963;
	 *   paid 585 cash + 5000 stored value.
	 *   Balances after: money 10000 − 5000 = 5000, points 13963.
	 */
	sale_id = SELL (env, 5585, 13963, "--card", env->card, "--item", "T01:3", "--item", "T02:1",
			"--pay", "cash:585", "--pay", "balance:5000");
	assert_balances (env, 5000, 13963);

	/* (e) a cashier lacks sale.refund: exit 3, nothing written */
	before = snapshot (env);
	{
		g_autoptr (Run) run = ADMIN_ENV (as_cashier, "refund", "--db", env->db,
						 "--operator", "cashier", "--sale", sale_id);
		assert_status (run, 3);
		assert_error_line (run, NULL);
	}
	{
		g_autoptr (Run) run =
			ADMIN_ENV (as_cashier, "refund", "--db", env->db, "--operator", "cashier",
				   "--sale", sale_id, "--line", "1:1", "--json");
		assert_status (run, 3);
		assert_error_line (run, NULL);
	}
	assert_unchanged (env, &before);

	/*
	 * (a) One unit of line 1, by the store manager.
	 *   amount = round_half_up (3335 × 1 / 3) = round_half_up (1111.67) = 1112;
	 *   points = round_half_up (8338 × 1 / 3) = round_half_up (2779.33) = 2779.
	 *   The sale took 5000 from stored value, so all 1112 go back there, 0 in cash.
	 *   Balances after: money 5000 + 1112 = 6112, points 13963 − 2779 = 11184.
	 *   One audit record, one refund of one line.
	 */
	{
		g_autoptr (Run) run = ADMIN_ENV (as_manager, "refund", "--db", env->db,
						 "--operator", "manager", "--sale", sale_id,
						 "--line", "1:1", "--reason", "破损", "--json");
		const gint64 lines[][4] = {{1, 1, 1112, 2779}};
		assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		assert_refund (run_object (run), sale_id, 1112, 2779, 1112, 0, 1, lines);
		refunded += 1112;
	}
	assert_balances (env, 6112, 11184);
	g_assert_cmpint (db_count (env, "SELECT count (*) FROM audit"), ==, before.audit + 1);
	g_assert_cmpint (db_count (env, "SELECT count (*) FROM refunds"), ==, before.refunds + 1);
	g_assert_cmpint (db_count (env, "SELECT count (*) FROM refund_lines"), ==,
			 before.refund_lines + 1);

	/*
	 * (b) More than what is left: line 1 has 3 − 1 = 2 left, line 2 has 1; and a line
	 *     the sale does not have. Refused (exit 2), nothing written.
	 */
	before = snapshot (env);
	{
		static const gchar *const too_much[][2] = {
			{"1:3", NULL},
			{"2:2", NULL},
			{"1:2", "2:2"}, /* the first is fine, the second not: nothing at all */
			{"3", NULL},
		};
		for (guint i = 0; i < G_N_ELEMENTS (too_much); i++) {
			g_autoptr (GPtrArray) args = g_ptr_array_new ();
			g_autoptr (Run) run = NULL;
			const gchar *const fixed[] = {"refund", "--db",	  env->db, "--operator",
						      "admin",	"--sale", sale_id, NULL};
			for (guint k = 0; fixed[k] != NULL; k++)
				g_ptr_array_add (args, (gpointer) fixed[k]);
			for (guint k = 0; k < 2 && too_much[i][k] != NULL; k++) {
				g_ptr_array_add (args, "--line");
				g_ptr_array_add (args, (gpointer) too_much[i][k]);
			}
			g_ptr_array_add (args, NULL);
			run = admin_runv (NULL, (const gchar *const *) args->pdata);
			assert_status (run, 2);
			assert_error_line (run, NULL);
		}
	}
	assert_unchanged (env, &before);

	/*
	 * (c) The rest of the sale (no --line), by the admin.
	 *   line 1, the last 2 of 3: exactly what is left, 3335 − 1112 = 2223 and
	 *           8338 − 2779 = 5559 points;
	 *   line 2, all of it: 2250 and 5625 points.
	 *   amount 2223 + 2250 = 4473, points 5559 + 5625 = 11184.
	 *   Stored value: the sale took 5000, 1112 already went back, so 3888 more; the
	 *   rest 4473 − 3888 = 585 in cash, what the sale paid in cash.
	 *   All refunds together: 1112 + 4473 = 5585, the sale's total, to the fen.
	 *   Balances after: money 6112 + 3888 = 10000 (as before the sale), points
	 *   11184 − 11184 = 0.
	 */
	{
		g_autoptr (Run) run = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					     "--sale", sale_id, "--json");
		const gint64 lines[][4] = {{1, 2, 2223, 5559}, {2, 1, 2250, 5625}};
		assert_status (run, 0);
		assert_refund (run_object (run), sale_id, 4473, 11184, 3888, 585, 2, lines);
		refunded += int_member (run_object (run), "amount");
	}
	g_assert_cmpint (refunded, ==, 5585);
	g_assert_cmpint (db_count (env, "SELECT sum (amount) FROM refunds"), ==, 5585);
	g_assert_cmpint (db_count (env, "SELECT sum (points) FROM refunds"), ==, 13963);
	g_assert_cmpint (db_count (env, "SELECT sum (to_balance) FROM refunds"), ==, 5000);
	g_assert_cmpint (db_count (env, "SELECT sum (to_cash) FROM refunds"), ==, 585);
	assert_balances (env, 10000, 0);

	/* (d) refunding again, whole or a line: nothing is left, exit 2 */
	before = snapshot (env);
	{
		g_autoptr (Run) run =
			ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale", sale_id);
		g_autoptr (Run) line = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					      "--sale", sale_id, "--line", "2");
		g_autoptr (Run) unit = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					      "--sale", sale_id, "--line", "1:1");
		assert_status (run, 2);
		assert_error_line (run, NULL);
		assert_status (line, 2);
		assert_error_line (line, NULL);
		assert_status (unit, 2);
		assert_error_line (unit, NULL);
	}
	assert_unchanged (env, &before);

	/*
	 * (f) The member spends the points a sale earned, then the sale comes back.
	 *   T02 × 1 for the member: 2250 cash, points 2250 × 2.5 = 5625.
	 *   Balances after the sale: money 10000, points 5625; after spending 5000 of them
	 *   (delta −5000 hundredths): points 625 < the 5625 the refund must take back.
	 */
	spent_id =
		SELL (env, 2250, 5625, "--card", env->card, "--item", "T02", "--pay", "cash:2250");
	assert_balances (env, 10000, 5625);
	{
		g_autoptr (Run) run =
			ADMIN ("points", "adjust", "--db", env->db, "--operator", "admin", "--card",
			       env->card, "--delta", "-5000", "--reason", "spent");
		assert_status (run, 0);
	}
	assert_balances (env, 10000, 625);
	before = snapshot (env);
	{
		g_autoptr (Run) run = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					     "--sale", spent_id);
		g_autoptr (Run) line = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					      "--sale", spent_id, "--line", "1:1", "--json");
		assert_status (run, 2);
		assert_error_line (run, "point");
		assert_status (line, 2);
		assert_error_line (line, "point");
	}
	assert_unchanged (env, &before);

	/*
	 * The points come back (delta +5000: 625 + 5000 = 5625), and the refused sale is
	 * still refundable in full: `--line 1` is all of line 1, 2250 in cash (the sale
	 * took nothing from stored value), 5625 points taken back.
	 * Balances after: money 10000, points 0.
	 */
	{
		g_autoptr (Run) run =
			ADMIN ("points", "adjust", "--db", env->db, "--operator", "admin", "--card",
			       env->card, "--delta", "5000", "--reason", "given back");
		assert_status (run, 0);
	}
	{
		g_autoptr (Run) run = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					     "--sale", spent_id, "--line", "1", "--json");
		const gint64 lines[][4] = {{1, 1, 2250, 5625}};
		assert_status (run, 0);
		assert_refund (run_object (run), spent_id, 2250, 5625, 0, 2250, 1, lines);
	}
	assert_balances (env, 10000, 0);

	/* (g) the ledger, balances and audit chain still check out */
	{
		g_autoptr (Run) run = ADMIN ("verify", "--db", env->db);
		assert_status (run, 0);
	}
}

/* ---- a customer who is not a member, the summary as text ---------------------------- */

static void
test_refund_text (void)
{
	g_autoptr (Env) env = env_new ();
	g_autofree gchar *sale_id = NULL;
	Snapshot before;

	/*
	 * Not a member: T02 × 2 at the list price, 2500 × 2 = 5000 in cash, no points.
	 * One unit back: round_half_up (5000 × 1 / 2) = 2500, all in cash, no points; the
	 * member's balances do not move.
	 */
	sale_id = SELL (env, 5000, 0, "--item", "T02:2", "--pay", "cash:5000");
	before = snapshot (env);
	{
		g_autoptr (Run) run = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					     "--sale", sale_id, "--line", "1:1");
		assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		assert_words (run->out, (const gchar *const[]){sale_id, "25.00", "¥25.00", "¥0.00",
							       "0.00", NULL});
	}
	assert_balances (env, before.money, before.points);
	g_assert_cmpint (db_count (env, "SELECT count (*) FROM refunds"), ==, before.refunds + 1);
	/* the last unit: 5000 − 2500 = 2500 */
	{
		g_autoptr (Run) run = ADMIN ("refund", "--db", env->db, "--operator", "admin",
					     "--sale", sale_id, "--json");
		const gint64 lines[][4] = {{1, 1, 2500, 0}};
		assert_status (run, 0);
		assert_refund (run_object (run), sale_id, 2500, 0, 0, 2500, 1, lines);
	}
	{
		g_autoptr (Run) run = ADMIN ("verify", "--db", env->db);
		assert_status (run, 0);
	}
}

/* ---- usage errors: refused before anything is written ------------------------------- */

static void
test_refund_usage (void)
{
	g_autoptr (Env) env = env_new ();
	g_autofree gchar *sale_id = NULL;
	Snapshot before;
	static const struct {
		const gchar *args[6];
		const gchar *needle;
	} broken[] = {
		{{"--line", "0"}, "--line"},	       /* lines count from 1 */
		{{"--line", "1:0"}, "1:0"},	       /* at least one unit */
		{{"--line", "-1"}, "-1"},	       /* negative */
		{{"--line", "1:-1"}, "1:-1"},	       /* negative */
		{{"--line", "+1"}, "+1"},	       /* a sign */
		{{"--line", "x"}, "--line"},	       /* not a number */
		{{"--line", ""}, "--line"},	       /* empty */
		{{"--line", "1:"}, "1:"},	       /* empty quantity */
		{{"--line", ":1"}, ":1"},	       /* no line */
		{{"--line", "1.5"}, "1.5"},	       /* not whole */
		{{"--line", "1:1.5"}, "1:1.5"},	       /* not whole */
		{{"--line", "1:1:1"}, "1:1:1"},	       /* one colon at most */
		{{"--line", " 1"}, "--line"},	       /* spaces */
		{{"--line", "1", "--line", "1"}, "1"}, /* the same line twice */
		{{"--line", "2"}, "2"},		       /* the sale has one line */
		{{"--reason", "x", "extra"}, "extra"}, /* no positional arguments */
	};

	/* not a member: T01 × 1 at the list price 1235, in cash */
	sale_id = SELL (env, 1235, 0, "--item", "T01", "--pay", "cash:1235");
	before = snapshot (env);
	for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
		g_autoptr (GPtrArray) args = g_ptr_array_new ();
		g_autoptr (Run) run = NULL;
		const gchar *const fixed[] = {"refund", "--db",	  env->db, "--operator",
					      "admin",	"--sale", sale_id, NULL};
		for (guint k = 0; fixed[k] != NULL; k++)
			g_ptr_array_add (args, (gpointer) fixed[k]);
		for (guint k = 0; broken[i].args[k] != NULL; k++)
			g_ptr_array_add (args, (gpointer) broken[i].args[k]);
		g_ptr_array_add (args, "--json");
		g_ptr_array_add (args, NULL);
		run = admin_runv (NULL, (const gchar *const *) args->pdata);
		assert_status (run, 2);
		assert_error_line (run, broken[i].needle);
	}
	{
		/* no --sale, an unknown sale, no --operator, no --db */
		g_autoptr (Run) no_sale =
			ADMIN ("refund", "--db", env->db, "--operator", "admin", "--json");
		g_autoptr (Run) unknown =
			ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
			       "01a20a28-0000-7000-8000-000000000000", "--json");
		g_autoptr (Run) no_operator = ADMIN ("refund", "--db", env->db, "--sale", sale_id);
		g_autoptr (Run) no_db = ADMIN ("refund", "--operator", "admin", "--sale", sale_id);
		assert_status (no_sale, 2);
		assert_error_line (no_sale, "--sale");
		assert_status (unknown, 2);
		assert_error_line (unknown, "01a20a28-0000-7000-8000-000000000000");
		assert_status (no_operator, 2);
		assert_error_line (no_operator, "--operator");
		assert_status (no_db, 2);
		assert_error_line (no_db, "--db");
	}
	{
		/* a wrong operator password */
		const gchar *wrong[] = {"HUIYUAN_PASSWORD=wrong-password", NULL};
		g_autoptr (Run) run = ADMIN_ENV (wrong, "refund", "--db", env->db, "--operator",
						 "admin", "--sale", sale_id);
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
	g_test_add_func ("/huiyuan/admin-refund/help", test_refund_help);
	g_test_add_func ("/huiyuan/admin-refund/refund", test_refund);
	g_test_add_func ("/huiyuan/admin-refund/text", test_refund_text);
	g_test_add_func ("/huiyuan/admin-refund/usage", test_refund_usage);
	return g_test_run ();
}
