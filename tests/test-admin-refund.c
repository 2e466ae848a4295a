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

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-test-admin.h"

#define MANAGER_PASSWORD "manager-secret"

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

/* Store S01 with the rules above, a 金卡 member with PIN 2468 and ¥100.00 of stored
 * value, a cashier "cashier" (no sale.refund) and a store manager "manager" (who has
 * it, as the admin, hq-admin, does). */
static HyTestEnv *
env_new (void)
{
	HyTestEnv *env = hy_test_env_new_checkout ("huiyuan-admin-refund-XXXXXX", rules_json);
	const gchar *new_manager[] = {"HUIYUAN_NEW_PASSWORD=" MANAGER_PASSWORD, NULL};
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			new_manager, "operator", "add", "--db", env->db, "--operator", "admin",
			"--login", "manager", "--role", "store-manager", "--name", "Manager");
		hy_test_assert_status (run, 0);
	}
	return env;
}

/* What must not move when a refund is refused. */
typedef struct {
	gint64 money, points, audit, refunds, refund_lines, entries;
} Snapshot;

static Snapshot
snapshot (HyTestEnv *env)
{
	Snapshot s;
	hy_test_env_balances (env, &s.money, &s.points);
	s.audit = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
	s.refunds = hy_test_db_count (env->db, "SELECT count (*) FROM refunds", NULL);
	s.refund_lines = hy_test_db_count (env->db, "SELECT count (*) FROM refund_lines", NULL);
	s.entries = hy_test_db_count (env->db, "SELECT count (*) FROM account_entries", NULL);
	return s;
}

static void
assert_unchanged (HyTestEnv *env, const Snapshot *before)
{
	Snapshot after = snapshot (env);
	g_assert_cmpint (after.money, ==, before->money);
	g_assert_cmpint (after.points, ==, before->points);
	g_assert_cmpint (after.audit, ==, before->audit);
	g_assert_cmpint (after.refunds, ==, before->refunds);
	g_assert_cmpint (after.refund_lines, ==, before->refund_lines);
	g_assert_cmpint (after.entries, ==, before->entries);
}

/* Rings up a sale with `args` after `sell --db DB --operator admin`, and returns its id;
 * the receipt's total and points are checked. */
static gchar *
sell (HyTestEnv *env, gint64 total, gint64 points, const gchar *const *args)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (HyTestRun) run = NULL;
	const gchar *with_pin[] = {"HUIYUAN_CARD_PIN=" HY_TEST_PIN, NULL};
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
	run = hy_test_admin_runv (with_pin, (const gchar *const *) argv->pdata);
	hy_test_assert_status (run, 0);
	receipt = json_object_get_object_member (hy_test_run_object (run), "receipt");
	g_assert_cmpint (hy_test_int_member (receipt, "total"), ==, total);
	g_assert_cmpint (hy_test_int_member (receipt, "points"), ==, points);
	return g_strdup (json_object_get_string_member (hy_test_run_object (run), "sale"));
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
	g_assert_cmpint (hy_test_int_member (refund, "amount"), ==, amount);
	g_assert_cmpint (hy_test_int_member (refund, "points"), ==, points);
	g_assert_cmpint (hy_test_int_member (refund, "to_balance"), ==, to_balance);
	g_assert_cmpint (hy_test_int_member (refund, "to_cash"), ==, to_cash);
	g_assert_nonnull (array);
	g_assert_cmpuint (json_array_get_length (array), ==, n_lines);
	for (guint i = 0; i < n_lines; i++) {
		JsonObject *line = json_array_get_object_element (array, i);
		g_assert_cmpint (hy_test_int_member (line, "line"), ==, lines[i][0]);
		g_assert_cmpint (hy_test_int_member (line, "qty"), ==, lines[i][1]);
		g_assert_cmpint (hy_test_int_member (line, "amount"), ==, lines[i][2]);
		g_assert_cmpint (hy_test_int_member (line, "points"), ==, lines[i][3]);
	}
}

/* ---- help --------------------------------------------------------------------------- */

static void
test_refund_help (void)
{
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--help");
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
		hy_test_assert_words (run->out, (const gchar *const[]){
							"--db", "--operator", "--sale", "--line",
							"--reason", "--json", "sale.refund", NULL});
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("--help");
		hy_test_assert_words (run->out, (const gchar *const[]){"refund", NULL});
	}
}

/* ---- a member's sale, refunded in two parts ----------------------------------------- */

static void
test_refund (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
	const gchar *as_manager[] = {"HUIYUAN_PASSWORD=" MANAGER_PASSWORD, NULL};
	g_autofree gchar *sale_id = NULL;
	g_autofree gchar *spent_id = NULL;
	gint64 refunded = 0;
	Snapshot before;

	hy_test_assert_balances (env, 10000, 0);

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
	hy_test_assert_balances (env, 5000, 13963);

	/* (e) a cashier lacks sale.refund: exit 3, nothing written */
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_cashier, "refund", "--db", env->db, "--operator",
					   "cashier", "--sale", sale_id);
		hy_test_assert_status (run, 3);
		hy_test_assert_error_only (run, NULL);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_cashier, "refund", "--db", env->db, "--operator",
					   "cashier", "--sale", sale_id, "--line", "1:1", "--json");
		hy_test_assert_status (run, 3);
		hy_test_assert_error_only (run, NULL);
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
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_manager, "refund", "--db", env->db, "--operator", "manager", "--sale",
			sale_id, "--line", "1:1", "--reason", "破损", "--json");
		const gint64 lines[][4] = {{1, 1, 1112, 2779}};
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		assert_refund (hy_test_run_object (run), sale_id, 1112, 2779, 1112, 0, 1, lines);
		refunded += 1112;
	}
	hy_test_assert_balances (env, 6112, 11184);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL), ==,
			 before.audit + 1);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM refunds", NULL), ==,
			 before.refunds + 1);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM refund_lines", NULL), ==,
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
			g_autoptr (HyTestRun) run = NULL;
			const gchar *const fixed[] = {"refund", "--db",	  env->db, "--operator",
						      "admin",	"--sale", sale_id, NULL};
			for (guint k = 0; fixed[k] != NULL; k++)
				g_ptr_array_add (args, (gpointer) fixed[k]);
			for (guint k = 0; k < 2 && too_much[i][k] != NULL; k++) {
				g_ptr_array_add (args, "--line");
				g_ptr_array_add (args, (gpointer) too_much[i][k]);
			}
			g_ptr_array_add (args, NULL);
			run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
			hy_test_assert_status (run, 2);
			hy_test_assert_error_only (run, NULL);
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
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--db", env->db, "--operator",
							   "admin", "--sale", sale_id, "--json");
		const gint64 lines[][4] = {{1, 2, 2223, 5559}, {2, 1, 2250, 5625}};
		hy_test_assert_status (run, 0);
		assert_refund (hy_test_run_object (run), sale_id, 4473, 11184, 3888, 585, 2, lines);
		refunded += hy_test_int_member (hy_test_run_object (run), "amount");
	}
	g_assert_cmpint (refunded, ==, 5585);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT sum (amount) FROM refunds", NULL), ==,
			 5585);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT sum (points) FROM refunds", NULL), ==,
			 13963);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT sum (to_balance) FROM refunds", NULL),
			 ==, 5000);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT sum (to_cash) FROM refunds", NULL), ==,
			 585);
	hy_test_assert_balances (env, 10000, 0);

	/* (d) refunding again, whole or a line: nothing is left, exit 2 */
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--db", env->db, "--operator",
							   "admin", "--sale", sale_id);
		g_autoptr (HyTestRun) line =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       sale_id, "--line", "2");
		g_autoptr (HyTestRun) unit =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       sale_id, "--line", "1:1");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, NULL);
		hy_test_assert_status (line, 2);
		hy_test_assert_error_only (line, NULL);
		hy_test_assert_status (unit, 2);
		hy_test_assert_error_only (unit, NULL);
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
	hy_test_assert_balances (env, 10000, 5625);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"points", "adjust", "--db", env->db, "--operator", "admin", "--card",
			env->card, "--delta", "-5000", "--reason", "spent");
		hy_test_assert_status (run, 0);
	}
	hy_test_assert_balances (env, 10000, 625);
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--db", env->db, "--operator",
							   "admin", "--sale", spent_id);
		g_autoptr (HyTestRun) line =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       spent_id, "--line", "1:1", "--json");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "point");
		hy_test_assert_status (line, 2);
		hy_test_assert_error_only (line, "point");
	}
	assert_unchanged (env, &before);

	/*
	 * The points come back (delta +5000: 625 + 5000 = 5625), and the refused sale is
	 * still refundable in full: `--line 1` is all of line 1, 2250 in cash (the sale
	 * took nothing from stored value), 5625 points taken back.
	 * Balances after: money 10000, points 0.
	 */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"points", "adjust", "--db", env->db, "--operator", "admin", "--card",
			env->card, "--delta", "5000", "--reason", "given back");
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       spent_id, "--line", "1", "--json");
		const gint64 lines[][4] = {{1, 1, 2250, 5625}};
		hy_test_assert_status (run, 0);
		assert_refund (hy_test_run_object (run), spent_id, 2250, 5625, 0, 2250, 1, lines);
	}
	hy_test_assert_balances (env, 10000, 0);

	/* (g) the ledger, balances and audit chain still check out */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
}

/* ---- a customer who is not a member, the summary as text ---------------------------- */

static void
test_refund_text (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
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
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       sale_id, "--line", "1:1");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		hy_test_assert_words (run->out, (const gchar *const[]){sale_id, "25.00", "¥25.00",
								       "¥0.00", "0.00", NULL});
	}
	hy_test_assert_balances (env, before.money, before.points);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM refunds", NULL), ==,
			 before.refunds + 1);
	/* the last unit: 5000 − 2500 = 2500 */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--db", env->db, "--operator",
							   "admin", "--sale", sale_id, "--json");
		const gint64 lines[][4] = {{1, 1, 2500, 0}};
		hy_test_assert_status (run, 0);
		assert_refund (hy_test_run_object (run), sale_id, 2500, 0, 0, 2500, 1, lines);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
}

/* ---- usage errors: refused before anything is written ------------------------------- */

static void
test_refund_usage (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
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
		g_autoptr (HyTestRun) run = NULL;
		const gchar *const fixed[] = {"refund", "--db",	  env->db, "--operator",
					      "admin",	"--sale", sale_id, NULL};
		for (guint k = 0; fixed[k] != NULL; k++)
			g_ptr_array_add (args, (gpointer) fixed[k]);
		for (guint k = 0; broken[i].args[k] != NULL; k++)
			g_ptr_array_add (args, (gpointer) broken[i].args[k]);
		g_ptr_array_add (args, "--json");
		g_ptr_array_add (args, NULL);
		run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, broken[i].needle);
	}
	{
		/* no --sale, an unknown sale, no --operator, no --db */
		g_autoptr (HyTestRun) no_sale =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--json");
		g_autoptr (HyTestRun) unknown =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--operator", "admin", "--sale",
				       "01a20a28-0000-7000-8000-000000000000", "--json");
		g_autoptr (HyTestRun) no_operator =
			HY_TEST_ADMIN ("refund", "--db", env->db, "--sale", sale_id);
		g_autoptr (HyTestRun) no_db =
			HY_TEST_ADMIN ("refund", "--operator", "admin", "--sale", sale_id);
		hy_test_assert_status (no_sale, 2);
		hy_test_assert_error_only (no_sale, "--sale");
		hy_test_assert_status (unknown, 2);
		hy_test_assert_error_only (unknown, "01a20a28-0000-7000-8000-000000000000");
		hy_test_assert_status (no_operator, 2);
		hy_test_assert_error_only (no_operator, "--operator");
		hy_test_assert_status (no_db, 2);
		hy_test_assert_error_only (no_db, "--db");
	}
	{
		/* a wrong operator password */
		const gchar *wrong[] = {"HUIYUAN_PASSWORD=wrong-password", NULL};
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			wrong, "refund", "--db", env->db, "--operator", "admin", "--sale", sale_id);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, NULL);
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
