/* huiyuan-admin time start|stop|list and deduct, on the real binary. */
#include "config.h"

#include "hy-test-admin.h"

#define AUDITOR_PASSWORD "auditor-secret"

/* POOL sold by the hour, DART at ¥15.00 per half hour from stored value */
static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"金卡\", \"points_bp\": 10000, \"discount_bp\": 10000}],"
	" \"items\": [{\"code\": \"POOL\", \"name\": \"台球\", \"price\": 0},"
	"   {\"code\": \"DART\", \"name\": \"飞镖\", \"price\": 0},"
	"   {\"code\": \"WASH\", \"name\": \"洗车\", \"price\": 3000},"
	"   {\"code\": \"SWIM\", \"name\": \"游泳\", \"price\": 4000},"
	"   {\"code\": \"SWIM10\", \"name\": \"游泳十次卡\", \"price\": 30000,"
	"    \"package\": {\"account\": \"count\", \"item\": \"SWIM\", \"qty\": 10,"
	"                  \"valid_days\": 30}},"
	"   {\"code\": \"POOL1H\", \"name\": \"台球一小时\", \"price\": 3000,"
	"    \"package\": {\"account\": \"time\", \"item\": \"POOL\", \"qty\": 60}}],"
	" \"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"grace_minutes\": 5,"
	"   \"unit_price\": {\"DART\": 1500}}}}}";

static const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
static const gchar *as_auditor[] = {"HUIYUAN_PASSWORD=" AUDITOR_PASSWORD, NULL};

static HyTestEnv *
env_new (void)
{
	HyTestEnv *env = hy_test_env_new_checkout ("huiyuan-admin-time-XXXXXX", rules_json);
	const gchar *new_auditor[] = {"HUIYUAN_NEW_PASSWORD=" AUDITOR_PASSWORD, NULL};
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
		new_auditor, "operator", "add", "--db", env->db, "--operator", "admin", "--login",
		"auditor", "--role", "auditor", "--name", "Auditor");
	hy_test_assert_status (run, 0);
	return env;
}

static gint64
footprint (HyTestEnv *env)
{
	return hy_test_db_count (env->db,
				 "SELECT (SELECT count(*) FROM time_sessions) + "
				 "(SELECT count(*) FROM time_session_ends) * 100 + "
				 "(SELECT count(*) FROM account_entries) * 10000 + "
				 "(SELECT count(*) FROM sales) * 1000000",
				 NULL);
}

static void
test_admin_time (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
	g_autoptr (HyTestRun) buy = NULL;
	g_autoptr (HyTestRun) start = NULL;
	g_autoptr (HyTestRun) twice = NULL;
	g_autoptr (HyTestRun) darts = NULL;
	g_autoptr (HyTestRun) denied = NULL;
	g_autoptr (HyTestRun) list = NULL;
	g_autoptr (HyTestRun) stop = NULL;
	g_autoptr (HyTestRun) closed = NULL;
	g_autoptr (HyTestRun) no_pin = NULL;
	g_autoptr (HyTestRun) paid = NULL;
	g_autoptr (HyTestRun) text = NULL;
	g_autoptr (HyTestRun) empty = NULL;
	g_autoptr (HyTestRun) verify = NULL;
	JsonArray *open;
	JsonObject *bill;
	const gchar *session;
	gint64 before;

	/* an hour of POOL on the card */
	buy = HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			     "--item", "POOL1H", "--pay", "cash:3000", "--at",
			     "2026-11-21T09:00:00+08:00", "--json");
	hy_test_assert_status (buy, 0);

	start = HY_TEST_ADMIN_ENV (as_cashier, "time", "start", "--db", env->db, "--operator",
				   "cashier", "--card", env->card, "--item", "POOL", "--at",
				   "2026-11-21T10:00:00+08:00", "--json");
	hy_test_assert_status (start, 0);
	session = json_object_get_string_member (hy_test_run_object (start), "session");
	g_assert_nonnull (session);

	/* a second open session of the card and item: exit 2, nothing written */
	before = footprint (env);
	twice = HY_TEST_ADMIN_ENV (as_cashier, "time", "start", "--db", env->db, "--operator",
				   "cashier", "--card", HY_TEST_PHONE, "--item", "POOL", "--json");
	hy_test_assert_status (twice, 2);
	hy_test_assert_error_only (twice, "open session");
	g_assert_cmpint (footprint (env), ==, before);
	/* an auditor may not check in: exit 3 */
	denied = HY_TEST_ADMIN_ENV (as_auditor, "time", "start", "--db", env->db, "--operator",
				    "auditor", "--card", env->card, "--item", "DART");
	hy_test_assert_status (denied, 3);
	g_assert_cmpint (footprint (env), ==, before);

	darts = HY_TEST_ADMIN_ENV (as_cashier, "time", "start", "--db", env->db, "--operator",
				   "cashier", "--card", env->card, "--item", "DART", "--at",
				   "2026-11-21T10:30:00+08:00");
	hy_test_assert_status (darts, 0);
	list = HY_TEST_ADMIN ("time", "list", "--db", env->db, "--json");
	hy_test_assert_status (list, 0);
	open = hy_test_run_array (list);
	g_assert_cmpuint (json_array_get_length (open), ==, 2);
	g_assert_cmpstr (
		json_object_get_string_member (json_array_get_object_element (open, 0), "session"),
		==, session);
	g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (open, 0),
							"started_at"),
			 ==, "2026-11-21T10:00:00+08:00");

	/* 36 minutes of POOL: two units, the hour off the time balance */
	stop = HY_TEST_ADMIN_ENV (as_cashier, "time", "stop", "--db", env->db, "--operator",
				  "cashier", "--session", session, "--at",
				  "2026-11-21T10:36:00+08:00", "--json");
	hy_test_assert_status (stop, 0);
	bill = hy_test_run_object (stop);
	g_assert_cmpint (hy_test_int_member (bill, "units"), ==, 2);
	g_assert_cmpint (hy_test_int_member (bill, "minutes_billed"), ==, 60);
	g_assert_cmpint (hy_test_int_member (bill, "time_deducted"), ==, 3600);
	g_assert_cmpint (hy_test_int_member (bill, "money"), ==, 0);
	g_assert_cmpint (hy_test_int_member (bill, "time_left"), ==, 0);
	g_assert_cmpint (hy_test_int_member (bill, "money_left"), ==, 10000);
	closed = HY_TEST_ADMIN_ENV (as_cashier, "time", "stop", "--db", env->db, "--operator",
				    "cashier", "--session", session, "--json");
	hy_test_assert_status (closed, 2);
	hy_test_assert_error_only (closed, "already checked out");

	/* DART is charged from stored value: the PIN is needed */
	before = footprint (env);
	no_pin = HY_TEST_ADMIN_ENV (as_cashier, "time", "stop", "--db", env->db, "--operator",
				    "cashier", "--card", env->card, "--item", "DART", "--at",
				    "2026-11-21T11:00:00+08:00", "--json");
	hy_test_assert_status (no_pin, 2);
	hy_test_assert_error_only (no_pin, "PIN");
	g_assert_cmpint (footprint (env), ==, before);
	paid = HY_TEST_ADMIN_ENV (as_cashier, "time", "stop", "--db", env->db, "--operator",
				  "cashier", "--card", env->card, "--item", "DART", "--at",
				  "2026-11-21T11:00:00+08:00", "--pin", HY_TEST_PIN, "--json");
	hy_test_assert_status (paid, 0);
	bill = hy_test_run_object (paid);
	g_assert_cmpint (hy_test_int_member (bill, "units"), ==, 1);
	g_assert_cmpint (hy_test_int_member (bill, "money"), ==, 1500);
	g_assert_cmpint (hy_test_int_member (bill, "money_left"), ==, 8500);
	g_assert_true (json_object_get_string_member (bill, "sale") != NULL);
	/* the package earned 30 points when it was sold */
	hy_test_assert_balances (env, 8500, 3000);

	/* the text output names what was billed and what is left */
	text = HY_TEST_ADMIN_ENV (as_cashier, "time", "start", "--db", env->db, "--operator",
				  "cashier", "--card", env->card, "--item", "POOL");
	hy_test_assert_status (text, 0);
	empty = HY_TEST_ADMIN ("time", "list", "--db", env->db);
	hy_test_assert_status (empty, 0);
	hy_test_assert_words (empty->out, (const gchar *const[]){env->card, "POOL", NULL});

	verify = HY_TEST_ADMIN ("verify", "--db", env->db);
	hy_test_assert_status (verify, 0);
}

static void
test_admin_deduct (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
	g_autoptr (HyTestRun) money = NULL;
	g_autoptr (HyTestRun) wrong_pin = NULL;
	g_autoptr (HyTestRun) denied = NULL;
	g_autoptr (HyTestRun) add = NULL;
	g_autoptr (HyTestRun) count = NULL;
	g_autoptr (HyTestRun) too_many = NULL;
	g_autoptr (HyTestRun) both = NULL;
	g_autoptr (HyTestRun) bad_count = NULL;
	g_autoptr (HyTestRun) receipt = NULL;
	gint64 before;

	money = HY_TEST_ADMIN_ENV (as_cashier, "deduct", "--db", env->db, "--operator", "cashier",
				   "--card", env->card, "--amount", "2550", "--pin", HY_TEST_PIN,
				   "--note", "停车费", "--json");
	hy_test_assert_status (money, 0);
	g_assert_cmpint (hy_test_int_member (hy_test_run_object (money), "balance"), ==, 7450);
	hy_test_assert_balances (env, 7450, 0);
	/* it is a sale: its receipt prints */
	receipt = HY_TEST_ADMIN ("receipt", "--db", env->db, "--sale",
				 json_object_get_string_member (hy_test_run_object (money), "sale"),
				 "--json");
	hy_test_assert_status (receipt, 0);
	g_assert_cmpint (hy_test_int_member (hy_test_run_object (receipt), "total"), ==, 2550);

	before = footprint (env);
	wrong_pin =
		HY_TEST_ADMIN_ENV (as_cashier, "deduct", "--db", env->db, "--operator", "cashier",
				   "--card", env->card, "--amount", "100", "--pin", "0000");
	hy_test_assert_status (wrong_pin, 2);
	denied = HY_TEST_ADMIN_ENV (as_auditor, "deduct", "--db", env->db, "--operator", "auditor",
				    "--card", env->card, "--amount", "100", "--pin", HY_TEST_PIN);
	hy_test_assert_status (denied, 3);
	both = HY_TEST_ADMIN ("deduct", "--db", env->db, "--operator", "admin", "--card", env->card,
			      "--amount", "100", "--count", "WASH:1");
	hy_test_assert_status (both, 2);
	bad_count = HY_TEST_ADMIN ("deduct", "--db", env->db, "--operator", "admin", "--card",
				   env->card, "--count", "WASH");
	hy_test_assert_status (bad_count, 2);
	g_assert_cmpint (footprint (env), ==, before);
	hy_test_assert_balances (env, 7450, 0);

	add = HY_TEST_ADMIN ("count", "add", "--db", env->db, "--operator", "admin", "--card",
			     env->card, "--item", "WASH", "--qty", "5");
	hy_test_assert_status (add, 0);
	count = HY_TEST_ADMIN_ENV (as_cashier, "deduct", "--db", env->db, "--operator", "cashier",
				   "--card", env->card, "--count", "WASH:2", "--json");
	hy_test_assert_status (count, 0);
	g_assert_cmpint (hy_test_int_member (hy_test_run_object (count), "left"), ==, 3);
	too_many = HY_TEST_ADMIN_ENV (as_cashier, "deduct", "--db", env->db, "--operator",
				      "cashier", "--card", env->card, "--count", "WASH:4");
	hy_test_assert_status (too_many, 2);
	hy_test_assert_error_only (too_many, "3 uses");
}

/* A count package sold long ago has expired: listed with its expiry, not usable. */
static void
test_admin_package_expired (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
	g_autoptr (HyTestRun) old = NULL;
	g_autoptr (HyTestRun) fresh = NULL;
	g_autoptr (HyTestRun) list = NULL;
	g_autoptr (HyTestRun) text = NULL;
	g_autoptr (HyTestRun) deduct = NULL;
	JsonArray *lots;
	JsonObject *first, *second;

	old = HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			     "--item", "SWIM10", "--pay", "cash:30000", "--at",
			     "2020-01-01T10:00:00+08:00", "--json");
	hy_test_assert_status (old, 0);
	fresh = HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--item", "SWIM10", "--pay", "cash:30000", "--json");
	hy_test_assert_status (fresh, 0);
	list = HY_TEST_ADMIN ("count", "list", "--db", env->db, "--card", env->card, "--json");
	hy_test_assert_status (list, 0);
	lots = json_object_get_array_member (hy_test_run_object (list), "lots");
	g_assert_cmpuint (json_array_get_length (lots), ==, 2);
	first = json_array_get_object_element (lots, 0);
	second = json_array_get_object_element (lots, 1);
	g_assert_cmpstr (json_object_get_string_member (first, "expires_on"), ==, "2020-01-31");
	g_assert_true (json_object_get_boolean_member (first, "expired"));
	g_assert_cmpint (hy_test_int_member (first, "remaining"), ==, 10);
	g_assert_false (json_object_get_boolean_member (second, "expired"));
	text = HY_TEST_ADMIN ("count", "list", "--db", env->db, "--card", env->card);
	hy_test_assert_status (text, 0);
	hy_test_assert_words (text->out, (const gchar *const[]){"2020-01-31 (expired)", NULL});

	/* eleven uses: ten are good, the other ten expired */
	deduct = HY_TEST_ADMIN ("deduct", "--db", env->db, "--operator", "admin", "--card",
				env->card, "--count", "SWIM:11");
	hy_test_assert_status (deduct, 2);
	hy_test_assert_error_only (deduct, "10 more have expired");
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin/time", test_admin_time);
	g_test_add_func ("/huiyuan/admin/deduct", test_admin_deduct);
	g_test_add_func ("/huiyuan/admin/package-expired", test_admin_package_expired);
	return g_test_run ();
}
