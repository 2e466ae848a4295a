/* huiyuan-admin recharge (with bonus rules), due, redeem, points cash, points batches
 * and sell --pay points, end to end: the real binary on a real database file. The
 * recharge happens now, so the due-job runs at days counted from today (TZ CST-8). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hy-test-admin.h"

/* 金卡: a recharge of ¥200 or more gives ¥10 and 5 points, then ¥3 and 1 point every 7
 * days, 3 times. Points expire after 30 days; 1 point is worth 1 fen. */
static const gchar rules_json[] =
	"{\"levels\": [{\"name\": \"金卡\", \"points_bp\": 10000, \"discount_bp\": 10000,"
	"   \"recharge\": [{\"min\": 20000, \"bonus_money\": 1000, \"bonus_points\": 500,"
	"     \"instalments\": {\"every_days\": 7, \"times\": 3, \"money\": 300, \"points\": "
	"100}}]},"
	"  {\"name\": \"钻卡\", \"upgrade\": {\"points\": 1000000, \"deduct\": false}}],"
	" \"points\": {\"expire_days\": 30, \"cash_value\": {\"points\": 100, \"fen\": 1}},"
	" \"gifts\": [{\"code\": \"MUG\", \"name\": \"杯子\", \"points\": 1000, \"stock\": 1}]}";

/* Noon, `days` after today, as --at takes it. */
static gchar *
days_from_today (gint days)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) then = g_date_time_add_days (now, days);
	return g_date_time_format (then, "%Y-%m-%dT12:00:00%:z");
}

static guint
array_len (JsonObject *obj, const gchar *key)
{
	g_assert_true (json_object_has_member (obj, key));
	return json_array_get_length (json_object_get_array_member (obj, key));
}

static HyTestRun *
due (HyTestEnv *env, gint days)
{
	g_autofree gchar *at = days_from_today (days);
	return HY_TEST_ADMIN ("due", "--db", env->db, "--operator", "admin", "--at", at, "--json");
}

static void
test_recharge_and_due (void)
{
	g_autoptr (HyTestEnv) env =
		hy_test_env_new_checkout ("huiyuan-admin-loyalty-XXXXXX", rules_json);
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
	JsonObject *obj;

	/* the setup's ¥100 is under the threshold: ¥100.00 and no points */
	hy_test_assert_balances (env, 10000, 0);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--amount", "20000", "--json");
		hy_test_assert_status (run, 0);
		obj = hy_test_run_object (run);
		g_assert_cmpint (hy_test_int_member (obj, "balance"), ==, 31000);
		g_assert_cmpint (hy_test_int_member (obj, "points"), ==, 500);
		g_assert_cmpint (
			hy_test_int_member (json_object_get_object_member (obj, "bonus"), "money"),
			==, 1000);
		g_assert_cmpint (
			hy_test_int_member (json_object_get_object_member (obj, "instalments"),
					    "times"),
			==, 3);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--amount", "20000");
		hy_test_assert_status (run, 0);
		hy_test_assert_words (run->out,
				      (const gchar *const[]){"Bonus: ¥10.00 and 5.00 points",
							     "every 7 days, 3 times", NULL});
	}
	hy_test_assert_balances (env, 52000, 1000);

	/* the cashier may not run the due-job */
	{
		g_autofree gchar *at = days_from_today (7);
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (as_cashier, "due", "--db", env->db,
							       "--operator", "cashier", "--at", at);
		hy_test_assert_status (run, 3);
	}
	{
		g_autoptr (HyTestRun) run = due (env, 6);
		hy_test_assert_status (run, 0);
		g_assert_cmpuint (array_len (hy_test_run_object (run), "instalments"), ==, 0);
	}
	/* a week on: one instalment of each recharge; twice pays once */
	for (guint i = 0; i < 2; i++) {
		g_autoptr (HyTestRun) run = due (env, 7);
		hy_test_assert_status (run, 0);
		g_assert_cmpuint (array_len (hy_test_run_object (run), "instalments"), ==,
				  i == 0 ? 2 : 0);
	}
	hy_test_assert_balances (env, 52600, 1200);
	for (guint i = 0; i < 2; i++) {
		g_autoptr (HyTestRun) run = due (env, 21);
		hy_test_assert_status (run, 0);
		obj = hy_test_run_object (run);
		g_assert_cmpuint (array_len (obj, "instalments"), ==, i == 0 ? 4 : 0);
		g_assert_cmpuint (array_len (obj, "expired"), ==, 0);
	}
	hy_test_assert_balances (env, 53800, 1600);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM recharge_payouts", NULL),
			 ==, 6);

	/* the bonus points, earned today, expire after 30 days; text output */
	{
		g_autofree gchar *at = days_from_today (31);
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("due", "--db", env->db, "--operator", "admin", "--at", at);
		hy_test_assert_status (run, 0);
		hy_test_assert_words (run->out, (const gchar *const[]){"5.00 points expired",
								       "0 instalments paid",
								       "2 batches expired", NULL});
	}
	hy_test_assert_balances (env, 53800, 600);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("points", "batches", "--db", env->db,
							   "--card", env->card, "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpuint (json_array_get_length (hy_test_run_array (run)), ==, 6);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("due", "--db", env->db, "--at", "soon",
							   "--operator", "admin");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "--at");
	}
}

static void
test_redeem_cash_and_tender (void)
{
	g_autoptr (HyTestEnv) env =
		hy_test_env_new_checkout ("huiyuan-admin-loyalty-XXXXXX", rules_json);
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
	gint64 audit;

	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"points", "adjust", "--db", env->db, "--operator", "admin", "--card",
			env->card, "--delta", "5000", "--reason", "welcome");
		hy_test_assert_status (run, 0);
	}
	/* a cashier redeems the only mug */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_cashier, "redeem", "--db", env->db, "--operator", "cashier", "--card",
			env->card, "--gift", "MUG", "--json");
		JsonObject *obj;
		hy_test_assert_status (run, 0);
		obj = hy_test_run_object (run);
		g_assert_cmpint (hy_test_int_member (obj, "points"), ==, 1000);
		g_assert_cmpint (hy_test_int_member (obj, "stock"), ==, 0);
		g_assert_cmpint (hy_test_int_member (obj, "balance"), ==, 4000);
	}
	/* none left: refused, nothing changed */
	audit = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("redeem", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--gift", "MUG", "--qty", "1");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "0 in stock");
	}
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL), ==,
			 audit);
	hy_test_assert_balances (env, 10000, 4000);

	/* 10.00 points to cash: 10 fen */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_cashier, "points", "cash", "--db", env->db, "--operator", "cashier",
			"--card", env->card, "--points", "1000", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpint (hy_test_int_member (hy_test_run_object (run), "fen"), ==, 10);
	}
	hy_test_assert_balances (env, 10010, 3000);

	/* ¥5 paid 20 fen in points and the rest in cash: earns on the cash only */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (as_cashier, "sell", "--db", env->db, "--operator",
					   "cashier", "--card", env->card, "--amount", "500",
					   "--pay", "points:20", "--pay", "cash:480", "--json");
		hy_test_assert_status (run, 0);
	}
	hy_test_assert_balances (env, 10010, 3000 - 2000 + 480);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_cashier, "sell", "--db", env->db, "--operator", "cashier", "--card",
			env->card, "--amount", "500", "--pay", "points:500");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "points");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
}

static void
test_bad_rules (void)
{
	g_autoptr (HyTestEnv) env = hy_test_env_new ("huiyuan-admin-loyalty-XXXXXX");
	g_autofree gchar *bad = hy_test_env_write_file (
		env, "bad.json",
		"{\"levels\": [{\"name\": \"A\", \"recharge\": [{\"min\": 100, "
		"\"instalments\": {\"every_days\": 0, \"times\": 1}}]}]}");
	g_autoptr (HyTestRun) run = NULL;

	hy_test_env_init (env);
	run = HY_TEST_ADMIN ("rules", "import", "--db", env->db, "--operator", "admin", bad);
	hy_test_assert_status (run, 2);
	hy_test_assert_error_only (run, "levels[0].recharge[0].instalments.every_days");
	g_assert_cmpint (
		hy_test_db_count (env->db, "SELECT count (*) FROM levels WHERE name = 'A'", NULL),
		==, 0);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	tzset ();
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/admin-loyalty/recharge-and-due", test_recharge_and_due);
	g_test_add_func ("/admin-loyalty/redeem-cash-and-tender", test_redeem_cash_and_tender);
	g_test_add_func ("/admin-loyalty/bad-rules", test_bad_rules);
	return g_test_run ();
}
