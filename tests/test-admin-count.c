/* huiyuan-admin count add, use and list, on the real binary. */
#include "config.h"

#include "hy-test-admin.h"

/* the member's level and the items the count cards are for */
static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"金卡\", \"points_bp\": 10000, \"discount_bp\": 10000}],"
	" \"items\": [{\"code\": \"SWIM\", \"name\": \"游泳\", \"price\": 4000},"
	"             {\"code\": \"WASH\", \"name\": \"洗车\", \"price\": 3000}]}";

static JsonObject *
lot (JsonObject *result, guint i)
{
	return json_array_get_object_element (json_object_get_array_member (result, "lots"), i);
}

static void
test_admin_count (void)
{
	g_autoptr (HyTestEnv) env = hy_test_env_new_checkout ("huiyuan-count-XXXXXX", rules_json);
	g_autoptr (HyTestRun) add_late = NULL;
	g_autoptr (HyTestRun) add_soon = NULL;
	g_autoptr (HyTestRun) use = NULL;
	g_autoptr (HyTestRun) expired = NULL;
	g_autoptr (HyTestRun) list = NULL;
	g_autoptr (HyTestRun) unknown = NULL;
	g_autoptr (HyTestRun) bad_qty = NULL;
	g_autoptr (HyTestRun) verify = NULL;
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
	gint64 audit = hy_test_db_count (env->db, "SELECT count(*) FROM audit", NULL);

	add_late = HY_TEST_ADMIN ("count", "add", "--db", env->db, "--operator", "admin", "--card",
				  env->card, "--item", "SWIM", "--qty", "10", "--expires",
				  "2099-12-31", "--json");
	hy_test_assert_status (add_late, 0);
	add_soon = HY_TEST_ADMIN ("count", "add", "--db", env->db, "--operator", "admin", "--card",
				  HY_TEST_PHONE, "--item", "SWIM", "--qty", "5", "--expires",
				  "2030-06-30", "--json");
	hy_test_assert_status (add_soon, 0);

	/* seven swims on 2030-06-30: the five that end that day first, then two more */
	use = HY_TEST_ADMIN_ENV (as_cashier, "count", "use", "--db", env->db, "--operator",
				 "cashier", "--card", env->card, "--item", "SWIM", "--qty", "7",
				 "--on", "2030-06-30", "--json");
	hy_test_assert_status (use, 0);
	g_assert_cmpint (json_array_get_length (
				 json_object_get_array_member (hy_test_run_object (use), "lots")),
			 ==, 1);
	g_assert_cmpstr (
		json_object_get_string_member (lot (hy_test_run_object (use), 0), "expires_on"), ==,
		"2099-12-31");
	g_assert_cmpint (hy_test_int_member (lot (hy_test_run_object (use), 0), "remaining"), ==,
			 8);

	/* more than is left: exit 2, the count left named, nothing written */
	expired = HY_TEST_ADMIN_ENV (as_cashier, "count", "use", "--db", env->db, "--operator",
				     "cashier", "--card", env->card, "--item", "SWIM", "--qty", "9",
				     "--json");
	hy_test_assert_status (expired, 2);
	hy_test_assert_error_line (expired, "8 uses of “SWIM” are left");
	unknown = HY_TEST_ADMIN ("count", "add", "--db", env->db, "--operator", "admin", "--card",
				 env->card, "--item", "GOLF", "--qty", "1");
	hy_test_assert_status (unknown, 2);
	bad_qty = HY_TEST_ADMIN ("count", "use", "--db", env->db, "--operator", "admin", "--card",
				 env->card, "--item", "SWIM", "--qty", "x");
	hy_test_assert_status (bad_qty, 2);

	list = HY_TEST_ADMIN ("count", "list", "--db", env->db, "--card", env->card);
	hy_test_assert_status (list, 0);
	hy_test_assert_words (list->out,
			      (const gchar *const[]){"SWIM", "8", "10", "2099-12-31", NULL});
	g_assert_cmpint (hy_test_db_count (env->db,
					   "SELECT amount FROM balances WHERE account = 'count' "
					   "AND item = 'SWIM'",
					   NULL),
			 ==, 8);
	/* two adds and one use were audited; the refusals wrote nothing */
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count(*) FROM audit", NULL), ==,
			 audit + 3);

	verify = HY_TEST_ADMIN ("verify", "--db", env->db);
	hy_test_assert_status (verify, 0);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin/count", test_admin_count);
	return g_test_run ();
}
