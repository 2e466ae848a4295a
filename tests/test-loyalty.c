/* Loyalty: recharge rules and instalments through the due-job, points batches spent
 * oldest first and expired, level upgrades, gifts, points to cash, the points tender,
 * and the rules document's loyalty keys. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-due.h"
#include "hy-error.h"
#include "hy-gift.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-points.h"
#include "hy-recharge.h"
#include "hy-refund.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-upgrade.h"
#include "hy-verify.h"

/* Standard → Silver at 500.00 points accumulated (kept), → Gold at 2000.00 (deducted).
 * Standard recharge rules: seed 000 p. 10, with a first-only bonus at ¥1000. */
static const gchar *rules_json =
	"{\"levels\": ["
	"  {\"name\": \"Standard\", \"points_bp\": 10000, \"discount_bp\": 10000,"
	"   \"recharge\": ["
	"     {\"min\": 500, \"bonus_money\": 200, \"bonus_points\": 200,"
	"      \"instalments\": {\"every_days\": 1, \"times\": 10, \"money\": 100}},"
	"     {\"min\": 10000},"
	"     {\"min\": 100000, \"bonus_money\": 10000, \"bonus_points\": 10000,"
	"      \"first_only\": true,"
	"      \"instalments\": {\"every_days\": 30, \"times\": 2, \"money\": 5000,"
	"                        \"points\": 700}}]},"
	"  {\"name\": \"Silver\", \"upgrade\": {\"points\": 50000, \"deduct\": false}},"
	"  {\"name\": \"Gold\", \"upgrade\": {\"points\": 200000, \"deduct\": true}}],"
	" \"points\": {\"expire_days\": 30, \"recharge_earns\": false,"
	"   \"balance_payment_earns\": false, \"cash_value\": {\"points\": 100, \"fen\": 1}},"
	" \"gifts\": [{\"code\": \"MUG\", \"name\": \"Mug\", \"points\": 1000, \"stock\": 2}]}";

typedef struct {
	HyTestStore *store;
	gchar *card;
	gchar *card_id;
	gchar *member_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autoptr (HyCard) card = NULL;

	f->store = hy_test_store_new ("S01");
	g_assert_true (hy_rules_import (f->store->db, f->store->admin,
					data != NULL ? data : rules_json, -1, NULL, &error));
	g_assert_no_error (error);
	member->name = g_strdup ("张三");
	member->phone = g_strdup ("13800138000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, "Standard", NULL,
					   NULL, &f->member_id, &f->card, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (f->store->db, f->card, &error);
	f->card_id = g_strdup (card->id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	hy_test_store_free (f->store);
	g_free (f->card);
	g_free (f->card_id);
	g_free (f->member_id);
}

static gint64
balance (Fixture *f, HyAccount account)
{
	return hy_test_store_balance (f->store, f->card_id, account, "");
}

static GDateTime *
day_at (gint year, gint month, gint day)
{
	g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
	return g_date_time_new (tz, year, month, day, 12, 0, 0);
}

static HyRechargeResult *
recharge_at (Fixture *f, gint64 amount, GDateTime *at)
{
	g_autoptr (GError) error = NULL;
	HyRechargeResult *r = NULL;
	g_assert_true (
		hy_recharge (f->store->db, f->store->admin, f->card, amount, NULL, at, &r, &error));
	g_assert_no_error (error);
	return r;
}

static JsonObject *
due_at (Fixture *f, GDateTime *at)
{
	g_autoptr (GError) error = NULL;
	JsonObject *report = NULL;
	g_assert_true (hy_due_run (f->store->db, f->store->admin, at, &report, &error));
	g_assert_no_error (error);
	return report;
}

static guint
n_paid (JsonObject *report)
{
	return json_array_get_length (json_object_get_array_member (report, "instalments"));
}

static guint
n_expired (JsonObject *report)
{
	return json_array_get_length (json_object_get_array_member (report, "expired"));
}

/* A quick sale by amount on `at`, paid as `pay` says. */
static void
sell (Fixture *f, gint64 amount, const HyTender *pay, guint n_pay, GDateTime *at, GError **error)
{
	const HyBasketLine lines[] = {{NULL, 0, amount}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = n_pay,
			     .at = at};
	hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, error);
}

static void
sell_cash (Fixture *f, gint64 amount, GDateTime *at)
{
	g_autoptr (GError) error = NULL;
	const HyTender pay[] = {{HY_TENDER_CASH, amount, NULL}};
	sell (f, amount, pay, 1, at, &error);
	g_assert_no_error (error);
}

static void
assert_verified (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (hy_ledger_rebuild_balances (f->store->db, &error));
	g_assert_no_error (error);
	/* every points balance equals what its batches hold */
	g_assert_cmpint (
		hy_test_store_count (
			f->store,
			"SELECT count (*) FROM balances bal WHERE account = 'points' AND amount != "
			"(SELECT coalesce (sum (b.points), 0) - coalesce ((SELECT sum (u.points) "
			"FROM points_uses u JOIN points_batches b2 ON b2.id = u.batch_id "
			"WHERE b2.card_id = bal.card_id), 0) FROM points_batches b "
			"WHERE b.card_id = bal.card_id)"),
		==, 0);
}

/* The seed's rules: ¥5 gives ¥2 and 2 points, then ¥1 a day ten times; ¥100 gives
 * nothing; ¥1000 gives ¥100 and 100 points on the first recharge only. */
static void
test_recharge_thresholds (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (HyRechargeResult) small = recharge_at (f, 499, at);
	g_autoptr (HyRechargeResult) five = NULL;
	g_autoptr (HyRechargeResult) hundred = NULL;
	g_autoptr (HyRechargeResult) below = NULL;
	g_autoptr (HyRechargeResult) big = NULL;
	g_autoptr (HyRechargeResult) again = NULL;

	/* one fen under the lowest threshold: nothing */
	g_assert_cmpint (small->rule_min, ==, -1);
	g_assert_cmpint (small->bonus_money, ==, 0);
	g_assert_null (small->schedule_id);
	g_assert_true (small->first);

	five = recharge_at (f, 500, at);
	g_assert_false (five->first);
	g_assert_cmpint (five->rule_min, ==, 500);
	g_assert_cmpint (five->bonus_money, ==, 200);
	g_assert_cmpint (five->bonus_points, ==, 200);
	g_assert_nonnull (five->schedule_id);
	g_assert_cmpint (five->times, ==, 10);
	g_assert_cmpint (five->instalment_money, ==, 100);

	/* exactly ¥100: that rule, which gives nothing */
	hundred = recharge_at (f, 10000, at);
	g_assert_cmpint (hundred->rule_min, ==, 10000);
	g_assert_cmpint (hundred->bonus_money, ==, 0);
	g_assert_null (hundred->schedule_id);

	/* one fen under ¥1000: still the ¥100 rule */
	below = recharge_at (f, 99999, at);
	g_assert_cmpint (below->rule_min, ==, 10000);

	/* ¥1000, but not the card's first recharge: no first-only bonus, instalments still */
	big = recharge_at (f, 100000, at);
	g_assert_cmpint (big->rule_min, ==, 100000);
	g_assert_cmpint (big->bonus_money, ==, 0);
	g_assert_cmpint (big->bonus_points, ==, 0);
	g_assert_nonnull (big->schedule_id);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==,
			 499 + 500 + 200 + 10000 + 99999 + 100000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 200);
	again = recharge_at (f, 100000, at);
	g_assert_cmpint (again->bonus_money, ==, 0);
	assert_verified (f);
}

static void
test_first_recharge_bonus_once (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (HyRechargeResult) first = recharge_at (f, 100000, at);
	g_autoptr (HyRechargeResult) second = recharge_at (f, 100000, at);

	g_assert_true (first->first);
	g_assert_cmpint (first->bonus_money, ==, 10000);
	g_assert_cmpint (first->bonus_points, ==, 10000);
	g_assert_false (second->first);
	g_assert_cmpint (second->bonus_money, ==, 0);
	g_assert_cmpint (second->bonus_points, ==, 0);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 210000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 10000);
	/* the bonus is in the recharge's audit record */
	g_assert_cmpint (
		hy_test_store_count (f->store,
				     "SELECT count (*) FROM audit WHERE action = "
				     "'money.recharge' AND detail LIKE '%\"bonus_money\":10000%'"),
		==, 1);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count (*) FROM recharge_schedules"),
			 ==, 2);
}

static void
test_instalments_due (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) start = day_at (2026, 3, 1);
	g_autoptr (HyRechargeResult) r = recharge_at (f, 500, start);
	gint64 money = 500 + 200;
	const struct {
		gint day;
		guint paid;
	} runs[] = {
		{1, 0},		  /* the recharge's day: nothing yet */
		{2, 1},		  /* the next day: the first instalment */
		{2, 0},		  /* again: paid once */
		{5, 3},		  /* 3rd, 4th (2nd to 4th instalments) */
		{5, 0},	 {31, 6}, /* the rest */
		{31, 0},
	};

	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, money);
	for (guint i = 0; i < G_N_ELEMENTS (runs); i++) {
		g_autoptr (GDateTime) at = day_at (2026, 3, runs[i].day);
		g_autoptr (JsonObject) report = due_at (f, at);
		g_test_message ("due on 2026-03-%02d", runs[i].day);
		g_assert_cmpuint (n_paid (report), ==, runs[i].paid);
		money += 100 * runs[i].paid;
		g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, money);
	}
	g_assert_cmpint (money, ==, 700 + 1000);
	/* deterministic op ids, one payout row each */
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count (*) FROM recharge_payouts"),
			 ==, 10);
	g_assert_cmpint (hy_test_store_count (f->store,
					      "SELECT count (DISTINCT op_id) FROM account_entries "
					      "WHERE op = 'instalment'"),
			 ==, 10);
	assert_verified (f);
}

/* Instalment points are a batch dated by their due day, which their expiry counts
 * from; the bonus points expire 30 days after the recharge. */
static void
test_instalment_points (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) start = day_at (2026, 3, 1);
	g_autoptr (GDateTime) first = day_at (2026, 3, 31);
	g_autoptr (GDateTime) second = day_at (2026, 4, 30);
	g_autoptr (HyRechargeResult) r = recharge_at (f, 100000, start);
	g_autoptr (JsonObject) r1 = due_at (f, first);
	g_autoptr (JsonObject) r2 = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) batches = NULL;

	g_assert_cmpuint (n_paid (r1), ==, 1);
	g_assert_cmpuint (n_expired (r1), ==, 0);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 10000 + 700);
	r2 = due_at (f, second);
	g_assert_cmpuint (n_paid (r2), ==, 1);
	g_assert_cmpuint (n_expired (r2), ==, 1); /* the bonus, earned 2026-03-01 */
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 100000 + 10000 + 2 * 5000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 2 * 700);
	batches = hy_points_list_batches (f->store->db, f->card_id, &error);
	g_assert_cmpuint (json_array_get_length (batches), ==, 2);
	g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batches, 0),
							"earned_on"),
			 ==, "2026-03-31");
	g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batches, 1),
							"expires_on"),
			 ==, "2026-05-30");
	/* 100 + 7 + 7 points accumulated, expired or not: not yet Silver (500) */
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r2, "upgrades")), ==,
			  0);
	g_assert_cmpint (hy_test_store_count (f->store,
					      "SELECT count (*) FROM members m JOIN levels l "
					      "ON l.id = m.level_id WHERE l.name = 'Standard'"),
			 ==, 1);
	assert_verified (f);
}

static void
test_expiry_oldest_first (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) d1 = day_at (2026, 1, 1);
	g_autoptr (GDateTime) d2 = day_at (2026, 1, 11);
	g_autoptr (GDateTime) e1 = day_at (2026, 1, 31); /* batch 1's last day */
	g_autoptr (GDateTime) e2 = day_at (2026, 2, 1);
	g_autoptr (GDateTime) e3 = day_at (2026, 2, 11);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) r0 = NULL;
	g_autoptr (JsonObject) r1 = NULL;
	g_autoptr (JsonObject) r2 = NULL;
	g_autoptr (JsonObject) r3 = NULL;

	sell_cash (f, 3000, d1); /* 30.00 points, expire after 2026-01-31 */
	sell_cash (f, 4000, d2); /* 40.00 points, expire after 2026-02-10 */
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 7000);
	/* a manual deduction draws on the oldest batch */
	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, -1000,
						"correction", NULL, &error));
	g_assert_no_error (error);
	r0 = due_at (f, e1);
	g_assert_cmpuint (n_expired (r0), ==, 0);
	r1 = due_at (f, e2);
	g_assert_cmpuint (n_expired (r1), ==, 1);
	g_assert_cmpint (json_object_get_int_member (
				 json_array_get_object_element (
					 json_object_get_array_member (r1, "expired"), 0),
				 "points"),
			 ==, 2000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 4000);
	r2 = due_at (f, e2);
	g_assert_cmpuint (n_expired (r2), ==, 0);
	r3 = due_at (f, e3);
	g_assert_cmpuint (n_expired (r3), ==, 1);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 0);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT -sum (delta) FROM account_entries "
							"WHERE op = 'expire'"),
			 ==, 6000);
	assert_verified (f);
}

/* Silver at 500 points, kept; then Gold at 2000 points, deducted. */
static void
test_upgrades (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = NULL;
	gint64 accumulated = 0;

	sell_cash (f, 49999, at);
	member = hy_member_get (f->store->db, f->member_id, &error);
	g_assert_cmpstr (member->level_name, ==, "Standard");
	g_clear_pointer (&member, hy_member_free);

	sell_cash (f, 1, at); /* exactly 500.00 points */
	member = hy_member_get (f->store->db, f->member_id, &error);
	g_assert_cmpstr (member->level_name, ==, "Silver");
	g_clear_pointer (&member, hy_member_free);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 50000);

	/* spending points does not take back what was accumulated */
	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, -40000,
						"spent", NULL, &error));
	sell_cash (f, 150000, at); /* 2000.00 accumulated, but only 1600.00 held */
	member = hy_member_get (f->store->db, f->member_id, &error);
	g_assert_cmpstr (member->level_name, ==, "Silver");
	g_clear_pointer (&member, hy_member_free);

	sell_cash (f, 50000, at); /* 2100.00 held: Gold, 2000.00 deducted */
	member = hy_member_get (f->store->db, f->member_id, &error);
	g_assert_cmpstr (member->level_name, ==, "Gold");
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 10000);
	g_assert_true (hy_upgrade_accumulated (f->store->db, f->member_id, &accumulated, &error));
	g_assert_cmpint (accumulated, ==, 250000);
	g_assert_cmpint (
		hy_test_store_count (f->store,
				     "SELECT count (*) FROM audit WHERE action = 'member.upgrade'"),
		==, 2);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT -delta FROM account_entries "
							"WHERE op = 'upgrade'"),
			 ==, 200000);
	assert_verified (f);
}

/* A recharge whose bonus points reach a level moves the member up in the same
 * transaction; recharges earn points at the level's coefficient when the rules say so. */
static const gchar *recharge_upgrade_rules =
	"{\"levels\": ["
	"  {\"name\": \"Standard\", \"points_bp\": 15000, \"discount_bp\": 10000,"
	"   \"recharge\": [{\"min\": 100, \"bonus_points\": 60000}]},"
	"  {\"name\": \"Silver\", \"upgrade\": {\"points\": 50000, \"deduct\": true}}],"
	" \"points\": {\"recharge_earns\": true}}";

static void
test_upgrade_by_recharge (Fixture *f, gconstpointer data)
{
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (HyRechargeResult) r = recharge_at (f, 1000, at);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_get (f->store->db, f->member_id, &error);

	/* 600.00 bonus + 1000 fen × 150% = 15.00 earned; 500.00 deducted */
	g_assert_cmpint (r->bonus_points, ==, 60000);
	g_assert_cmpint (r->earned_points, ==, 1500);
	g_assert_cmpstr (r->level, ==, "Silver");
	g_assert_cmpint (r->points, ==, 61500 - 50000);
	g_assert_cmpstr (member->level_name, ==, "Silver");
	assert_verified (f);
}

static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM account_entries) + "
					      "(SELECT count(*) FROM gift_moves) * 1000 + "
					      "(SELECT count(*) FROM points_uses) * 1000000 + "
					      "(SELECT count(*) FROM audit) * 1000000000");
}

static void
test_redeem_stock (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) result = NULL;
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	gint64 before;

	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, 5000,
						"gift", NULL, &error));
	g_assert_true (hy_gift_redeem (f->store->db, cashier, f->card, "MUG", 2, &result, &error));
	g_assert_no_error (error);
	g_assert_cmpint (json_object_get_int_member (result, "points"), ==, 2000);
	g_assert_cmpint (json_object_get_int_member (result, "stock"), ==, 0);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 3000);

	/* out of stock: refused, nothing written */
	before = footprint (f);
	g_assert_false (hy_gift_redeem (f->store->db, cashier, f->card, "MUG", 1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_assert_nonnull (strstr (error->message, "0 in stock"));
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);

	/* restock by importing the gift again; too few points is refused */
	g_assert_true (hy_rules_import (
		f->store->db, f->store->admin,
		"{\"gifts\": [{\"code\": \"MUG\", \"name\": \"Mug\", \"points\": 1000, "
		"\"stock\": 5}]}",
		-1, NULL, &error));
	g_assert_no_error (error);
	before = footprint (f);
	g_assert_false (hy_gift_redeem (f->store->db, cashier, f->card, "MUG", 4, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_false (hy_gift_redeem (f->store->db, cashier, f->card, "NOPE", 1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (hy_gift_redeem (f->store->db, auditor, f->card, "MUG", 1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT sum (delta) FROM gift_moves"), ==,
			 5);
	assert_verified (f);
}

/* 1 point (100 hundredths) is worth 1 fen. */
static void
test_points_tender_and_cash (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	const HyTender by_points[] = {{HY_TENDER_POINTS, 1000, NULL}};
	const HyTender half[] = {{HY_TENDER_POINTS, 500, NULL}, {HY_TENDER_CASH, 500, NULL}};
	gint64 fen = 0;

	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, 150000,
						"start", NULL, &error));
	/* ¥10 in points: 1000 points, and the points paid earn none */
	sell (f, 1000, by_points, 1, at, &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 50000);
	/* half in points: points earned on the cash half only */
	sell (f, 1000, half, 2, at, &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 50000 - 50000 + 500);
	/* not enough points: refused */
	sell (f, 1000, by_points, 1, at, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);

	/* points to cash: 5.00 points = 5 fen */
	g_assert_true (hy_points_cash (f->store->db, cashier, f->card, 500, &fen, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (fen, ==, 5);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 0);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 5);
	g_assert_false (hy_points_cash (f->store->db, cashier, f->card, 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	assert_verified (f);
}

static void
test_balance_payment_earns (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	const HyTender pay[] = {{HY_TENDER_BALANCE, 600, NULL}, {HY_TENDER_CASH, 400, NULL}};
	g_autoptr (HyRechargeResult) r = recharge_at (f, 1000, at);

	/* "balance_payment_earns": false → points on the ¥4 paid in cash only */
	sell (f, 1000, pay, 2, at, &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 200 + 400);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT points FROM sales"), ==, 400);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT sum (points) FROM sale_lines"), ==,
			 400);
}

/* The same with the defaults: stored value earns, and no cash value for points. */
static const gchar *plain_rules =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 10000, \"discount_bp\": 10000}]}";

static void
test_defaults (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	const HyTender pay[] = {{HY_TENDER_BALANCE, 600, NULL}, {HY_TENDER_CASH, 400, NULL}};
	const HyTender by_points[] = {{HY_TENDER_POINTS, 10, NULL}};
	g_autoptr (HyRechargeResult) r = recharge_at (f, 1000, at);
	g_autoptr (JsonArray) batches = NULL;

	g_assert_cmpint (r->rule_min, ==, -1);
	sell (f, 1000, pay, 2, at, &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 1000);
	/* no expiry */
	batches = hy_points_list_batches (f->store->db, f->card_id, &error);
	g_assert_true (json_object_get_null_member (json_array_get_object_element (batches, 0),
						    "expires_on"));
	sell (f, 10, by_points, 1, at, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
}

/* A refund takes earned points back from the oldest batch, and from what counts for an
 * upgrade; the due-job needs loyalty.due. */
static void
test_refund_and_permissions (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) d1 = day_at (2026, 3, 1);
	g_autoptr (GDateTime) d2 = day_at (2026, 3, 2);
	g_autoptr (HyActor) manager = hy_test_store_actor (f->store, "store-manager");
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autofree gchar *sale = NULL;
	const HyBasketLine lines[] = {{NULL, 0, 2000}};
	const HyTender pay[] = {{HY_TENDER_CASH, 2000, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = 1,
			     .at = d2};
	gint64 accumulated = 0;

	sell_cash (f, 1000, d1);
	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &req, &sale, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_refund_sale (f->store->db, manager, sale, NULL, 0, "returned", NULL, NULL,
				       &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 1000);
	/* 10.00 from the first batch (all of it), 10.00 from the second */
	g_assert_cmpint (
		hy_test_store_count (f->store,
				     "SELECT u.points FROM points_uses u JOIN points_batches b "
				     "ON b.id = u.batch_id WHERE b.earned_on = '2026-03-01'"),
		==, 1000);
	g_assert_true (hy_upgrade_accumulated (f->store->db, f->member_id, &accumulated, &error));
	g_assert_cmpint (accumulated, ==, 1000);

	g_assert_false (hy_due_run (f->store->db, cashier, d2, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_true (hy_due_run (f->store->db, manager, d2, NULL, &error));
	g_assert_no_error (error);
	assert_verified (f);
}

/* A refund gives the points tender back as points: stored value first, then points, then
 * cash. */
static void
test_refund_points_tender (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);
	g_autoptr (HyActor) manager = hy_test_store_actor (f->store, "store-manager");
	g_autoptr (JsonNode) result = NULL;
	g_autofree gchar *sale = NULL;
	const HyBasketLine lines[] = {{NULL, 0, 1000}};
	const HyTender pay[] = {{HY_TENDER_POINTS, 400, NULL}, {HY_TENDER_CASH, 600, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = 2,
			     .at = at};
	JsonObject *r;

	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, 50000,
						"start", NULL, &error));
	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &req, &sale, NULL, &error));
	g_assert_no_error (error);
	/* 400.00 points paid, 6.00 earned on the cash */
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 50000 - 40000 + 600);
	g_assert_true (hy_refund_sale (f->store->db, manager, sale, NULL, 0, "returned", NULL,
				       &result, &error));
	g_assert_no_error (error);
	r = json_node_get_object (result);
	g_assert_cmpint (json_object_get_int_member (r, "to_points"), ==, 400);
	g_assert_cmpint (json_object_get_int_member (r, "to_cash"), ==, 600);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 50000);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT to_cash FROM refunds"), ==, 600);
	assert_verified (f);
}

/* A replaced card's points keep their batches and expiry on the new card, and the
 * instalments of a recharge on the old card go to the new one. */
static void
test_replace_keeps_batches (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) d1 = day_at (2026, 1, 1);
	g_autoptr (GDateTime) later = day_at (2026, 1, 2);
	g_autoptr (GDateTime) expired = day_at (2026, 2, 1);
	g_autoptr (HyRechargeResult) r = NULL;
	g_autoptr (JsonObject) report = NULL;
	g_autoptr (JsonObject) after = NULL;
	g_autoptr (JsonArray) batches = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *number = NULL;
	gint64 accumulated = 0;

	sell_cash (f, 3000, d1);
	r = recharge_at (f, 500, d1);
	g_assert_true (
		hy_card_replace (f->store->db, f->store->admin, f->card, NULL, &number, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (f->store->db, number, &error);
	batches = hy_points_list_batches (f->store->db, card->id, &error);
	g_assert_cmpuint (json_array_get_length (batches), ==, 2);
	g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batches, 0),
							"expires_on"),
			 ==, "2026-01-31");
	/* the move does not count twice towards an upgrade */
	g_assert_true (hy_upgrade_accumulated (f->store->db, f->member_id, &accumulated, &error));
	g_assert_cmpint (accumulated, ==, 3000 + 200);
	report = due_at (f, later);
	g_assert_cmpuint (n_paid (report), ==, 1);
	g_assert_cmpstr (json_object_get_string_member (
				 json_array_get_object_element (
					 json_object_get_array_member (report, "instalments"), 0),
				 "card"),
			 ==, number);
	after = due_at (f, expired);
	g_assert_cmpuint (n_expired (after), ==, 2);
	assert_verified (f);
}

/* verify finds a batch drawn on beyond what it holds. */
static void
test_verify_batches (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GDateTime) at = day_at (2026, 3, 1);

	sell_cash (f, 1000, at);
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_cmpuint (problems->len, ==, 0);
	hy_test_store_raw_sql (f->store,
			       "INSERT INTO points_uses (id, batch_id, points, op, op_id, "
			       "store_id, operator_id, at, hlc, origin_store) SELECT 'x', "
			       "id, 1500, 'tamper', 'x', store_id, operator_id, at, hlc, "
			       "origin_store FROM points_batches");
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_cmpuint (problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "overdrawn by 500"));
}

typedef struct {
	const gchar *json;
	const gchar *message;
} BadRules;

static const BadRules bad_rules[] = {
	{"{\"levels\": [{\"name\": \"A\", \"upgrade\": {\"points\": \"x\"}}]}",
	 "levels[0].upgrade.points: not an integer"},
	{"{\"levels\": [{\"name\": \"A\", \"upgrade\": {\"deduct\": true}}]}",
	 "levels[0].upgrade.points: missing"},
	{"{\"levels\": [{\"name\": \"A\", \"upgrade\": {\"points\": 1, \"deduct\": 1}}]}",
	 "levels[0].upgrade.deduct: not true or false"},
	{"{\"levels\": [{\"name\": \"A\"}, {\"name\": \"B\", \"recharge\": [{\"min\": 1}, "
	 "{\"min\": 5, \"bonus\": 1}]}]}",
	 "levels[1].recharge[1].bonus: unknown key"},
	{"{\"levels\": [{\"name\": \"A\", \"recharge\": [{\"min\": 100, \"instalments\": "
	 "{\"times\": 2}}]}]}",
	 "levels[0].recharge[0].instalments.every_days: missing"},
	{"{\"levels\": [{\"name\": \"A\", \"recharge\": [{\"min\": 0}]}]}",
	 "levels[0].recharge[0].min: 0 is out of range"},
	{"{\"levels\": [{\"name\": \"A\", \"recharge\": [{\"min\": 5}, {\"min\": 5}]}]}",
	 "levels[0].recharge[1].min: another recharge rule has this minimum"},
	{"{\"levels\": [{\"name\": \"A\", \"recharge\": {\"min\": 5}}]}",
	 "levels[0].recharge: not a list"},
	{"{\"points\": {\"expire_days\": \"30\"}}", "points.expire_days: not an integer"},
	{"{\"points\": {\"cash_value\": {\"points\": 100}}}", "points.cash_value.fen: missing"},
	{"{\"points\": {\"expires\": 3}}", "points.expires: unknown key"},
	{"{\"points\": []}", "points: not an object"},
	{"{\"gifts\": [{\"code\": \"A\", \"name\": \"a\", \"points\": 0}]}",
	 "gifts[0].points: 0 is out of range"},
	{"{\"gifts\": [{\"code\": \"A\", \"name\": \"a\", \"points\": 1}, {\"code\": \"A\", "
	 "\"name\": \"b\", \"points\": 1}]}",
	 "gifts[1].code: a gift with this code is listed twice"},
	{"{\"gifts\": [{\"code\": \"A\", \"name\": \"a\", \"points\": 1, \"stock\": -1}]}",
	 "gifts[0].stock: -1 is out of range"},
};

static void
test_bad_rules (Fixture *f, gconstpointer data)
{
	g_autofree gchar *before = NULL;
	g_autoptr (GError) error = NULL;

	before = hy_rules_export (f->store->db, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (bad_rules); i++) {
		g_autofree gchar *after = NULL;
		g_test_message ("%s", bad_rules[i].json);
		g_assert_false (hy_rules_import (f->store->db, f->store->admin, bad_rules[i].json,
						 -1, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		if (!g_str_has_prefix (error->message, bad_rules[i].message))
			g_error ("“%s” does not start with “%s”", error->message,
				 bad_rules[i].message);
		g_clear_error (&error);
		after = hy_rules_export (f->store->db, &error);
		g_assert_cmpstr (after, ==, before);
	}
}

/* The loyalty keys survive an import and an export, and importing the export changes
 * nothing. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *first = hy_rules_export (f->store->db, &error);
	g_autofree gchar *second = NULL;
	g_autoptr (HyRules) rules = hy_rules_load (f->store->db, &error);
	const HyLevelRule *standard = g_hash_table_lookup (rules->levels, "Standard");
	const HyLevelRule *gold = g_hash_table_lookup (rules->levels, "Gold");
	const HyRechargeRule *rule;
	gint64 stock_moves;

	g_assert_no_error (error);
	g_assert_cmpuint (standard->recharge->len, ==, 3);
	rule = &g_array_index (standard->recharge, HyRechargeRule, 2);
	g_assert_true (rule->first_only);
	g_assert_cmpint (rule->every_days, ==, 30);
	g_assert_cmpint (rule->instalment_points, ==, 700);
	g_assert_true (gold->has_upgrade && gold->upgrade_deduct);
	g_assert_cmpint (gold->upgrade_points, ==, 200000);
	g_assert_cmpint (rules->points.expire_days, ==, 30);
	g_assert_false (rules->points.balance_payment_earns);
	g_assert_cmpint (rules->points.cash_points, ==, 100);
	g_assert_cmpuint (rules->gifts->len, ==, 1);
	g_assert_cmpint (((HyGiftRule *) g_ptr_array_index (rules->gifts, 0))->stock, ==, 2);

	stock_moves = hy_test_store_count (f->store, "SELECT count (*) FROM gift_moves");
	g_assert_true (hy_rules_import (f->store->db, f->store->admin, first, -1, NULL, &error));
	g_assert_no_error (error);
	second = hy_rules_export (f->store->db, &error);
	g_assert_cmpstr (second, ==, first);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count (*) FROM gift_moves"), ==,
			 stock_moves);
	/* a document without the loyalty keys of a level removes them */
	g_assert_true (hy_rules_import (f->store->db, f->store->admin,
					"{\"levels\": [{\"name\": \"Gold\"}]}", -1, NULL, &error));
	g_clear_pointer (&rules, hy_rules_free);
	rules = hy_rules_load (f->store->db, &error);
	g_assert_false (((HyLevelRule *) g_hash_table_lookup (rules->levels, "Gold"))->has_upgrade);
}

#define ADD(name, fn, data) g_test_add (name, Fixture, data, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	tzset ();
	g_test_init (&argc, &argv, NULL);
	ADD ("/loyalty/recharge/thresholds", test_recharge_thresholds, NULL);
	ADD ("/loyalty/recharge/first-bonus-once", test_first_recharge_bonus_once, NULL);
	ADD ("/loyalty/due/instalments", test_instalments_due, NULL);
	ADD ("/loyalty/due/instalment-points", test_instalment_points, NULL);
	ADD ("/loyalty/due/expiry-oldest-first", test_expiry_oldest_first, NULL);
	ADD ("/loyalty/upgrades", test_upgrades, NULL);
	ADD ("/loyalty/upgrade-by-recharge", test_upgrade_by_recharge, recharge_upgrade_rules);
	ADD ("/loyalty/gifts/redeem-stock", test_redeem_stock, NULL);
	ADD ("/loyalty/points/tender-and-cash", test_points_tender_and_cash, NULL);
	ADD ("/loyalty/points/balance-payment-earns", test_balance_payment_earns, NULL);
	ADD ("/loyalty/points/defaults", test_defaults, plain_rules);
	ADD ("/loyalty/points/refund-and-permissions", test_refund_and_permissions, NULL);
	ADD ("/loyalty/points/refund-points-tender", test_refund_points_tender, NULL);
	ADD ("/loyalty/verify-batches", test_verify_batches, NULL);
	ADD ("/loyalty/replace-keeps-batches", test_replace_keeps_batches, NULL);
	ADD ("/loyalty/rules/malformed", test_bad_rules, NULL);
	ADD ("/loyalty/rules/round-trip", test_round_trip, NULL);
	return g_test_run ();
}
