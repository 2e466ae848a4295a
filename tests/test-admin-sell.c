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

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-test-admin.h"

#define WRONG_PIN "1357"
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

/* Store S01 with the rules above, a 金卡 member with PIN 2468 and ¥100.00 of stored
 * value, and a cashier "cashier" (sale.make without sale.round). */
static HyTestEnv *
env_new (void)
{
	return hy_test_env_new_checkout ("huiyuan-admin-sell-XXXXXX", rules_json);
}

/* What must not move when a sale is refused. */
typedef struct {
	gint64 money, points, audit, sales, payments, entries;
} Snapshot;

static Snapshot
snapshot (HyTestEnv *env)
{
	Snapshot s;
	hy_test_env_balances (env, &s.money, &s.points);
	s.audit = hy_test_db_count (env->db, "SELECT count (*) FROM audit", NULL);
	s.sales = hy_test_db_count (env->db, "SELECT count (*) FROM sales", NULL);
	s.payments = hy_test_db_count (env->db, "SELECT count (*) FROM payments", NULL);
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
	g_assert_cmpint (after.sales, ==, before->sales);
	g_assert_cmpint (after.payments, ==, before->payments);
	g_assert_cmpint (after.entries, ==, before->entries);
}

/* The sale's id and its receipt from `sell --json`, checked for shape. */
static JsonObject *
sale_receipt (const HyTestRun *run, const gchar **sale_id)
{
	JsonObject *object = hy_test_run_object (run);
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
	g_assert_cmpint (hy_test_int_member (receipt, "subtotal"), ==, subtotal);
	g_assert_cmpint (hy_test_int_member (receipt, "discount"), ==, discount);
	g_assert_cmpint (hy_test_int_member (receipt, "rounding"), ==, rounding);
	g_assert_cmpint (hy_test_int_member (receipt, "total"), ==, total);
	g_assert_cmpint (hy_test_int_member (receipt, "points"), ==, points);
	g_assert_cmpint (hy_test_int_member (receipt, "change"), ==, change);
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
	g_assert_cmpint (hy_test_int_member (payment, "amount"), ==, amount);
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
	g_assert_cmpint (hy_test_int_member (line, "line"), ==, index + 1);
	if (item != NULL)
		g_assert_cmpstr (json_object_get_string_member (line, "item"), ==, item);
	else
		g_assert_true (json_object_get_null_member (line, "item"));
	g_assert_cmpint (hy_test_int_member (line, "qty"), ==, qty);
	g_assert_cmpint (hy_test_int_member (line, "list_amount"), ==, list_amount);
	g_assert_cmpint (hy_test_int_member (line, "amount"), ==, amount);
	g_assert_cmpint (hy_test_int_member (line, "points"), ==, points);
}

static void
assert_receipt_balances (JsonObject *receipt, gint64 money, gint64 points)
{
	JsonObject *balances = json_object_get_object_member (receipt, "balances");
	g_assert_nonnull (balances);
	g_assert_cmpint (hy_test_int_member (balances, "money"), ==, money);
	g_assert_cmpint (hy_test_int_member (balances, "points"), ==, points);
}

/* `receipt --sale ID --json` prints what `sell --json` printed under "receipt". */
static void
assert_reprint (HyTestEnv *env, const HyTestRun *sold)
{
	JsonObject *object = hy_test_run_object (sold);
	const gchar *sale_id = json_object_get_string_member (object, "sale");
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("receipt", "--db", env->db, "--sale", sale_id, "--json");
	hy_test_assert_status (run, 0);
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
		g_autoptr (HyTestRun) run = hy_test_admin_runv (NULL, commands[i]);
		hy_test_assert_status (run, 0);
		g_assert_nonnull (strstr (run->out, "Usage"));
		g_assert_cmpstr (run->err, ==, "");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("sell", "--help");
		hy_test_assert_words (run->out,
				      (const gchar *const[]){"--card", "--phone", "--item",
							     "--amount", "--pay", "--pin", "--slip",
							     "--salesperson", "--note", "--round",
							     "--at", "--json", NULL});
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("--help");
		hy_test_assert_words (run->out, (const gchar *const[]){"sell", "receipt", NULL});
	}
}

/* ---- the sales, in order ------------------------------------------------------------ */

static void
test_sell (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
	const gchar *as_cashier[] = {"HUIYUAN_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};
	const gchar *with_pin[] = {"HUIYUAN_CARD_PIN=" HY_TEST_PIN, NULL};
	g_autoptr (HyTestRun) quick = NULL;
	g_autoptr (HyTestRun) mixed = NULL;
	const gchar *sale_id = NULL;
	JsonObject *receipt;
	Snapshot before;

	hy_test_assert_balances (env, 10000, 0);

	/*
	 * (a) A quick sale by amount, paid cash with change, at a given time.
	 *     amount 1234 × 0.9 = 1110.6 → 1111; discount 1234 − 1111 = 123;
	 *     points 1111 × 1.5 × 2 = 3333; change 2000 − 1111 = 889.
	 *     Balances after: money 10000 (untouched), points 0 + 3333 = 3333.
	 */
	quick = HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--amount", "1234", "--pay", "cash:2000", "--slip", "S-0001",
			       "--salesperson", "李四", "--note", "早班", "--at", SATURDAY,
			       "--json");
	hy_test_assert_status (quick, 0);
	receipt = sale_receipt (quick, &sale_id);
	assert_totals (receipt, 1234, 123, 0, 1111, 3333, 889);
	g_assert_cmpint (hy_test_int_member (receipt, "at"), ==, SATURDAY_MS);
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
	hy_test_assert_balances (env, 10000, 3333);

	/*
	 * (b) A product sale paid part cash, part stored value with the PIN.
	 *     T01 × 3: list 1999 × 3 = 5997; 5997 × 0.9 = 5397.3 → 5397; discount 600;
	 *     points 5397 × 3 = 16191. Stored value pays 5397 − 500 = 4897, no change.
	 *     Balances after: money 10000 − 4897 = 5103, points 3333 + 16191 = 19524.
	 */
	mixed = HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			       "--item", "T01:3", "--pay", "cash:500", "--pay", "balance:4897",
			       "--pin", HY_TEST_PIN, "--json");
	hy_test_assert_status (mixed, 0);
	g_assert_null (strstr (mixed->out, HY_TEST_PIN));
	receipt = sale_receipt (mixed, &sale_id);
	assert_totals (receipt, 5997, 600, 0, 5397, 16191, 0);
	assert_line (receipt, 0, "T01", 3, 5997, 5397, 16191);
	g_assert_cmpuint (
		json_array_get_length (json_object_get_array_member (receipt, "payments")), ==, 2);
	assert_payment (receipt, 0, "cash", 500, NULL);
	assert_payment (receipt, 1, "balance", 4897, NULL);
	g_assert_true (json_object_get_null_member (receipt, "slip_no"));
	assert_receipt_balances (receipt, 5103, 19524);
	hy_test_assert_balances (env, 5103, 19524);

	/* (c) a wrong PIN: refused, nothing written, the PIN not echoed */
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--item", "T01", "--pay", "cash:500", "--pay",
				       "balance:1299", "--pin", WRONG_PIN);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "PIN");
		g_assert_null (strstr (run->err, WRONG_PIN));
	}
	/* no PIN at all (no --pin, no HUIYUAN_CARD_PIN, no terminal): refused too */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--item", "T01", "--pay", "balance:1799");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "HUIYUAN_CARD_PIN");
	}
	assert_unchanged (env, &before);

	/*
	 * (d) Stored value short: T01 × 3 is 5397 again (as in b), the card holds 5103.
	 */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			"--item", "T01:3", "--pay", "balance:5397", "--pin", HY_TEST_PIN);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, NULL);
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
			g_autoptr (HyTestRun) run = NULL;
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
			run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
			hy_test_assert_status (run, 2);
			hy_test_assert_error_only (run, "1799");
		}
	}
	assert_unchanged (env, &before);

	/*
	 * The PIN from HUIYUAN_CARD_PIN, the member named by phone.
	 *     amount 100 × 0.9 = 90, all from stored value; points 90 × 3 = 270.
	 *     Balances after: money 5103 − 90 = 5013, points 19524 + 270 = 19794.
	 */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			with_pin, "sell", "--db", env->db, "--operator", "admin", "--phone",
			HY_TEST_PHONE, "--amount", "100", "--pay", "balance:90", "--json");
		hy_test_assert_status (run, 0);
		g_assert_null (strstr (run->out, HY_TEST_PIN));
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 100, 10, 0, 90, 270, 0);
		assert_payment (receipt, 0, "balance", 90, NULL);
		assert_receipt_balances (receipt, 5013, 19794);
	}
	hy_test_assert_balances (env, 5013, 19794);

	/*
	 * (g) 抹零 to the yuan needs sale.round: a cashier is refused (exit 3), nothing
	 *     written. The admin may: T01 × 2: 3998 × 0.9 = 3598.2 → 3598, rounded down
	 *     to 3500 (rounding 98); points are earned on the priced 3598: 3598 × 3 =
	 *     10794. Change 5000 − 3500 = 1500.
	 *     Balances after: money 5013, points 19794 + 10794 = 30588.
	 */
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_cashier, "sell", "--db", env->db, "--operator", "cashier", "--card",
			env->card, "--item", "T01:2", "--round", "yuan", "--pay", "cash:5000");
		hy_test_assert_status (run, 3);
		hy_test_assert_error_only (run, NULL);
	}
	assert_unchanged (env, &before);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"sell", "--db", env->db, "--operator", "admin", "--card", env->card,
			"--item", "T01:2", "--round", "yuan", "--pay", "cash:5000", "--json");
		hy_test_assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 3998, 400, 98, 3500, 10794, 1500);
		assert_line (receipt, 0, "T01", 2, 3998, 3598, 10794);
		assert_payment (receipt, 0, "cash", 5000, NULL);
		assert_receipt_balances (receipt, 5013, 30588);
		assert_reprint (env, run);
	}
	hy_test_assert_balances (env, 5013, 30588);

	/*
	 * (h) Not a member, rung up by the cashier: list price, no points, no balances.
	 *     T01 × 1 = 1999; change 2000 − 1999 = 1.
	 *     抹零 to the jiao by the admin: 1999 → 1990 (rounding 9); change 2000 − 1990
	 *     = 10.
	 */
	before = snapshot (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			as_cashier, "sell", "--db", env->db, "--operator", "cashier", "--item",
			"T01", "--pay", "cash:2000", "--json");
		hy_test_assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 1999, 0, 0, 1999, 0, 1);
		assert_line (receipt, 0, "T01", 1, 1999, 1999, 0);
		g_assert_true (json_object_get_null_member (receipt, "card"));
		g_assert_true (json_object_get_null_member (receipt, "member"));
		g_assert_true (json_object_get_null_member (receipt, "balances"));
		assert_reprint (env, run);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--item",
				       "T01", "--round", "jiao", "--pay", "cash:2000", "--json");
		hy_test_assert_status (run, 0);
		receipt = sale_receipt (run, &sale_id);
		assert_totals (receipt, 1999, 0, 9, 1990, 0, 10);
	}
	/* stored value is a member's: a customer without a card cannot pay with it */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--item",
				       "T01", "--pay", "balance:1999", "--pin", HY_TEST_PIN);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, NULL);
	}
	hy_test_assert_balances (env, before.money, before.points);
	g_assert_cmpint (hy_test_db_count (env->db, "SELECT count (*) FROM sales", NULL), ==,
			 before.sales + 2);

	/* (i) the reprints are the receipts as sold */
	assert_reprint (env, quick);
	assert_reprint (env, mixed);
	{
		const gchar *quick_id =
			json_object_get_string_member (hy_test_run_object (quick), "sale");
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("receipt", "--db", env->db, "--sale", quick_id);
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		/* money and points in yuan and points, the time in the store's zone */
		hy_test_assert_words (run->out,
				      (const gchar *const[]){quick_id, "2026-11-21 12:00:00", "S01",
							     "S-0001", "李四", "早班", env->card,
							     "张三", "(by amount)", "12.34", "1.23",
							     "11.11", "33.33", "¥20.00 cash",
							     "¥8.89", "¥100.00", NULL});
	}
	{
		const gchar *mixed_id =
			json_object_get_string_member (hy_test_run_object (mixed), "sale");
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("receipt", "--db", env->db, "--sale", mixed_id);
		hy_test_assert_status (run, 0);
		hy_test_assert_words (
			run->out, (const gchar *const[]){"T01", "59.97", "6.00", "53.97", "161.91",
							 "¥5.00 cash", "¥48.97 balance", "¥51.03",
							 "195.24", NULL});
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("receipt", "--db", env->db, "--sale",
				       "01a20a28-0000-7000-8000-000000000000", "--json");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, NULL);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("receipt", "--db", env->db);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "--sale");
	}

	/* a sale printed as text */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", env->db, "--operator", "admin", "--item",
				       "T01", "--pay", "cash:1999");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		hy_test_assert_words (
			run->out,
			(const gchar *const[]){"T01", "19.99", "¥19.99 cash", "¥0.00", NULL});
	}

	/* (j) the ledger, balances and audit chain still check out */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", env->db);
		hy_test_assert_status (run, 0);
	}
}

/* ---- usage errors: refused before anything is written ------------------------------- */

static void
test_sell_usage (void)
{
	g_autoptr (HyTestEnv) env = env_new ();
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
		{{"--card", "@", "--phone", HY_TEST_PHONE, "--item", "T01", "--pay", "cash:2000"},
		 "--phone"},
		{{"--card", "0019999999", "--item", "T01", "--pay", "cash:2000"}, NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
		g_autoptr (GPtrArray) args = g_ptr_array_new ();
		g_autoptr (HyTestRun) run = NULL;
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
		run = hy_test_admin_runv (NULL, (const gchar *const *) args->pdata);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, broken[i].needle);
	}
	{
		/* no --operator, no --db */
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("sell", "--db", env->db, "--item", "T01",
							   "--pay", "cash:2000");
		g_autoptr (HyTestRun) no_db = HY_TEST_ADMIN ("sell", "--operator", "admin",
							     "--item", "T01", "--pay", "cash:2000");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "--operator");
		hy_test_assert_status (no_db, 2);
		hy_test_assert_error_only (no_db, "--db");
	}
	{
		/* a wrong operator password */
		const gchar *wrong[] = {"HUIYUAN_PASSWORD=wrong-password", NULL};
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (wrong, "sell", "--db", env->db, "--operator", "admin",
					   "--item", "T01", "--pay", "cash:2000");
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
	g_test_add_func ("/huiyuan/admin-sell/help", test_sell_help);
	g_test_add_func ("/huiyuan/admin-sell/sell", test_sell);
	g_test_add_func ("/huiyuan/admin-sell/usage", test_sell_usage);
	return g_test_run ();
}
