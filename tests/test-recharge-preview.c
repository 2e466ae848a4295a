/* The recharge preview: the pure plan of the rules for an amount, level and first
 * recharge; the preview of a card as it stands, which writes nothing and always
 * matches what the recharge then does; its refusals. */
#include "config.h"

#include "hy-card.h"
#include "hy-error.h"
#include "hy-member.h"
#include "hy-recharge.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"

/* As test-loyalty: seed 000 p. 10, with a first-only bonus at ¥1000; Silver earns
 * 150% points on recharges. */
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
	"  {\"name\": \"Silver\", \"points_bp\": 15000, \"discount_bp\": 10000,"
	"   \"upgrade\": {\"points\": 50000, \"deduct\": false}}],"
	" \"points\": {\"recharge_earns\": true}}";

static HyRules *
load_rules (void)
{
	g_autoptr (GError) error = NULL;
	HyRules *rules = hy_rules_from_json (rules_json, -1, &error);
	g_assert_no_error (error);
	return rules;
}

static void
test_plan (void)
{
	g_autoptr (HyRules) rules = load_rules ();
	HyRechargePlan p;

	/* below every minimum: nothing but the points the amount earns at 100% */
	hy_recharge_plan (rules, "Standard", TRUE, 499, &p);
	g_assert_cmpint (p.rule_min, ==, -1);
	g_assert_cmpint (p.bonus_money, ==, 0);
	g_assert_cmpint (p.times, ==, 0);
	g_assert_cmpint (p.earned_points, ==, 499);
	/* ¥5: bonus and ten daily instalments of ¥1 */
	hy_recharge_plan (rules, "Standard", FALSE, 500, &p);
	g_assert_cmpint (p.rule_min, ==, 500);
	g_assert_cmpint (p.bonus_money, ==, 200);
	g_assert_cmpint (p.bonus_points, ==, 200);
	g_assert_cmpint (p.every_days, ==, 1);
	g_assert_cmpint (p.times, ==, 10);
	g_assert_cmpint (p.instalment_money, ==, 100);
	g_assert_cmpint (p.instalment_points, ==, 0);
	/* the highest minimum reached wins, even when it gives less */
	hy_recharge_plan (rules, "Standard", TRUE, 99999, &p);
	g_assert_cmpint (p.rule_min, ==, 10000);
	g_assert_cmpint (p.bonus_money, ==, 0);
	g_assert_cmpint (p.times, ==, 0);
	/* ¥1000: the first-only bonus on a first recharge, instalments either way */
	hy_recharge_plan (rules, "Standard", TRUE, 100000, &p);
	g_assert_true (p.first);
	g_assert_true (p.bonus_first_only);
	g_assert_cmpint (p.bonus_money, ==, 10000);
	g_assert_cmpint (p.bonus_points, ==, 10000);
	g_assert_cmpint (p.times, ==, 2);
	g_assert_cmpint (p.every_days, ==, 30);
	g_assert_cmpint (p.instalment_money, ==, 5000);
	g_assert_cmpint (p.instalment_points, ==, 700);
	hy_recharge_plan (rules, "Standard", FALSE, 100000, &p);
	g_assert_false (p.first);
	g_assert_true (p.bonus_first_only);
	g_assert_cmpint (p.bonus_money, ==, 0);
	g_assert_cmpint (p.bonus_points, ==, 0);
	g_assert_cmpint (p.times, ==, 2);
	/* Silver: no recharge rules, 150% points, half-up (333 × 1.5 = 499.5 → 500) */
	hy_recharge_plan (rules, "Silver", TRUE, 333, &p);
	g_assert_cmpint (p.rule_min, ==, -1);
	g_assert_cmpint (p.earned_points, ==, 500);
	/* a level the rules do not name, or none: no rules, 100% */
	hy_recharge_plan (rules, "Platinum", TRUE, 100000, &p);
	g_assert_cmpint (p.rule_min, ==, -1);
	g_assert_cmpint (p.earned_points, ==, 100000);
	hy_recharge_plan (rules, NULL, TRUE, 500, &p);
	g_assert_cmpint (p.rule_min, ==, -1);
}

static void
assert_same (const HyRechargePlan *p, const HyRechargeResult *r)
{
	g_assert_cmpint (p->first, ==, r->first);
	g_assert_cmpint (p->rule_min, ==, r->rule_min);
	g_assert_cmpint (p->bonus_money, ==, r->bonus_money);
	g_assert_cmpint (p->bonus_points, ==, r->bonus_points);
	g_assert_cmpint (p->earned_points, ==, r->earned_points);
	g_assert_cmpint (p->every_days, ==, r->every_days);
	g_assert_cmpint (p->times, ==, r->times);
	g_assert_cmpint (p->instalment_money, ==, r->instalment_money);
	g_assert_cmpint (p->instalment_points, ==, r->instalment_points);
}

/* Preview, then recharge, amount after amount (through a first recharge, the rules'
 * thresholds and an upgrade to Silver): the preview said exactly what happened, and
 * writing nothing itself. */
static void
test_preview_matches_recharge (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *card = NULL;
	const gint64 amounts[] = {100000, 100000, 499, 500, 10000, 99999, 50000, 333, 100000};

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	member->name = g_strdup ("张三");
	member->phone = g_strdup ("13800138000");
	g_assert_true (hy_member_register (store->db, store->admin, member, "Standard", NULL, NULL,
					   NULL, &card, &error));
	g_assert_no_error (error);

	for (guint i = 0; i < G_N_ELEMENTS (amounts); i++) {
		g_autoptr (HyRechargeResult) r = NULL;
		HyRechargePlan p;
		gint64 entries =
			hy_test_store_count (store, "SELECT count (*) FROM account_entries");
		gint64 audit = hy_test_store_count (store, "SELECT count (*) FROM audit");
		/* by the bound phone, as the till may */
		g_assert_true (
			hy_recharge_preview (store->db, "13800138000", amounts[i], &p, &error));
		g_assert_no_error (error);
		g_assert_cmpint (
			hy_test_store_count (store, "SELECT count (*) FROM account_entries"), ==,
			entries);
		g_assert_cmpint (hy_test_store_count (store, "SELECT count (*) FROM audit"), ==,
				 audit);
		g_assert_true (hy_recharge (store->db, store->admin, card, amounts[i], NULL, NULL,
					    &r, &error));
		g_assert_no_error (error);
		assert_same (&p, r);
		g_assert_cmpint (p.first, ==, i == 0);
	}
	/* the member went up to Silver on the way: the last previews were Silver's */
	{
		g_autoptr (HyCard) c = hy_card_lookup (store->db, card, &error);
		g_autoptr (HyMember) now = hy_member_get (store->db, c->member_id, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (now->level_name, ==, "Silver");
	}
}

static void
test_preview_refusals (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *card = NULL;
	HyRechargePlan p;

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	member->name = g_strdup ("李四");
	g_assert_true (hy_member_register (store->db, store->admin, member, NULL, NULL, NULL, NULL,
					   &card, &error));
	g_assert_no_error (error);
	g_assert_false (hy_recharge_preview (store->db, card, 0, &p, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_recharge_preview (store->db, "0000000000", 500, &p, &error));
	g_assert_nonnull (error);
	g_clear_error (&error);
	g_assert_true (hy_card_report_lost (store->db, store->admin, card, &error));
	g_assert_false (hy_recharge_preview (store->db, card, 500, &p, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/recharge-preview/plan", test_plan);
	g_test_add_func ("/huiyuan/recharge-preview/matches-recharge",
			 test_preview_matches_recharge);
	g_test_add_func ("/huiyuan/recharge-preview/refusals", test_preview_refusals);
	return g_test_run ();
}
