/* Time-card sessions (计时): check in, check out billed per unit with grace, from the
 * time balance or, at the store's price, from stored value. */
#include "config.h"

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-time.h"
#include "hy-verify.h"

#define PIN "2468"

/* POOL is sold by the hour in packages; DART has a price per unit and no package */
static const gchar *rules_json =
	"{\"items\": [{\"code\": \"POOL\", \"name\": \"台球\", \"price\": 0},"
	"   {\"code\": \"DART\", \"name\": \"飞镖\", \"price\": 0},"
	"   {\"code\": \"POOL1H\", \"name\": \"台球一小时\", \"price\": 3000,"
	"    \"package\": {\"account\": \"time\", \"item\": \"POOL\", \"qty\": 60}},"
	"   {\"code\": \"POOL45\", \"name\": \"台球45分钟\", \"price\": 2000,"
	"    \"package\": {\"account\": \"time\", \"item\": \"POOL\", \"qty\": 45}}],"
	" \"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"grace_minutes\": 5,"
	"   \"unit_price\": {\"DART\": 1500}}}}}";

typedef struct {
	HyTestStore *store;
	gchar *card;
	gchar *card_id;
	gchar *other; /* a second member's card, without a PIN */
} Fixture;

static gchar *
register_member (Fixture *f, const gchar *name, const gchar *phone)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	gchar *card = NULL;
	member->name = g_strdup (name);
	member->phone = g_strdup (phone);
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &card, &error));
	g_assert_no_error (error);
	return card;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = NULL;

	f->store = hy_test_store_new ("S01");
	g_assert_true (
		hy_rules_import (f->store->db, f->store->admin, rules_json, -1, NULL, &error));
	g_assert_no_error (error);
	f->card = register_member (f, "张三", "13800138000");
	f->other = register_member (f, "李四", "13800138001");
	g_assert_true (hy_card_set_pin (f->store->db, f->store->admin, f->card, NULL, PIN, &error));
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->card, 10000, NULL,
					   NULL, &error));
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
	g_free (f->other);
}

static GDateTime *
at (const gchar *iso)
{
	GDateTime *t = g_date_time_new_from_iso8601 (iso, NULL);
	g_assert_nonnull (t);
	return t;
}

static gint64
balance (Fixture *f, HyAccount account, const gchar *item)
{
	return hy_test_store_balance (f->store, f->card_id, account, item);
}

/* Sells `qty` of a time package for cash. */
static void
buy (Fixture *f, const gchar *package, gint64 qty, gint64 cash)
{
	g_autoptr (GError) error = NULL;
	const HyBasketLine lines[] = {{package, qty, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, cash, NULL}};
	HySaleRequest req = {
		.card = f->card, .lines = lines, .n_lines = 1, .tenders = pay, .n_tenders = 1};
	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, &error));
	g_assert_no_error (error);
}

static gchar *
start (Fixture *f, const gchar *card, const gchar *item, const gchar *iso)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) t = at (iso);
	gchar *id = NULL;
	g_assert_true (hy_time_start (f->store->db, f->store->admin, card, item, t, &id, &error));
	g_assert_no_error (error);
	return id;
}

static HyTimeBill *
stop (Fixture *f, const gchar *id, const gchar *iso, const gchar *pin, GError **error)
{
	g_autoptr (GDateTime) t = at (iso);
	return hy_time_stop (f->store->db, f->store->admin, id, t, pin, error);
}

/* Every row a session writes, as one number: nothing changed if it is equal. */
static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store,
				    "SELECT (SELECT count(*) FROM time_sessions) + "
				    "(SELECT count(*) FROM time_session_ends) * 100 + "
				    "(SELECT count(*) FROM account_entries) * 10000 + "
				    "(SELECT count(*) FROM sales) * 1000000 + "
				    "(SELECT count(*) FROM outbox WHERE tbl != 'audit') * "
				    "100000000");
}

static void
assert_verified (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_time_units (void)
{
	const HyTimeRules half_hour = {TRUE, 30, 5, 0, NULL};
	const HyTimeRules hourly = {TRUE, 60, 0, 0, NULL};
	const HyTimeRules free_ten = {TRUE, 30, 5, 10, NULL};
	const struct {
		const HyTimeRules *rules;
		gint64 seconds, units;
	} cases[] = {
		{&half_hour, 0, 1},	      /* at least one unit */
		{&half_hour, 34 * 60, 1},     /* within the grace */
		{&half_hour, 35 * 60, 1},     /* exactly at the grace */
		{&half_hour, 35 * 60 + 1, 2}, /* one second past */
		{&half_hour, 36 * 60, 2},     {&half_hour, 65 * 60, 2},
		{&half_hour, 65 * 60 + 1, 3}, {&hourly, 3600, 1},
		{&hourly, 3601, 2},	      {&free_ten, 600, 0}, /* within the free minutes */
		{&free_ten, 601, 1},				   /* past them: a whole unit */
		{&free_ten, 35 * 60, 1},			   /* the grace still applies */
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpint (hy_time_units (cases[i].rules, cases[i].seconds), ==,
				 cases[i].units);
}

static void
test_from_time_balance (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTimeBill) bill = NULL;
	g_autoptr (HyTimeBill) at_grace = NULL;
	g_autoptr (HyTimeBill) past_grace = NULL;
	g_autofree gchar *s1 = NULL;
	g_autofree gchar *s2 = NULL;
	g_autofree gchar *s3 = NULL;

	buy (f, "POOL1H", 10, 30000); /* ten hours */
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 36000);

	/* 36 minutes: two units of 30, an hour off the balance, no money */
	s1 = start (f, f->card, "POOL", "2026-11-21T10:00:00+08:00");
	bill = stop (f, s1, "2026-11-21T10:36:00+08:00", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (bill->seconds, ==, 36 * 60);
	g_assert_cmpint (bill->units, ==, 2);
	g_assert_cmpint (bill->billed_seconds, ==, 3600);
	g_assert_cmpint (bill->time_deducted, ==, 3600);
	g_assert_cmpint (bill->money, ==, 0);
	g_assert_null (bill->sale_id);
	g_assert_cmpint (bill->time_left, ==, 32400);
	g_assert_cmpint (bill->money_left, ==, 10000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 32400);

	/* exactly 35 minutes is within the grace: one unit; a second more is two */
	s2 = start (f, f->card, "POOL", "2026-11-21T11:00:00+08:00");
	at_grace = stop (f, s2, "2026-11-21T11:35:00+08:00", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (at_grace->units, ==, 1);
	s3 = start (f, f->card, "POOL", "2026-11-21T12:00:00+08:00");
	past_grace = stop (f, s3, "2026-11-21T12:35:01+08:00", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (past_grace->units, ==, 2);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 32400 - 1800 - 3600);

	/* each check-in and check-out is replicated and audited */
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM outbox WHERE tbl = "
							"'time_sessions'"),
			 ==, 3);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM outbox WHERE tbl = "
							"'time_session_ends'"),
			 ==, 3);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM audit WHERE "
							"action IN ('time.start', 'time.stop')"),
			 ==, 6);
	assert_verified (f);
}

static void
test_overnight (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTimeBill) bill = NULL;
	g_autofree gchar *s = NULL;

	buy (f, "POOL1H", 3, 9000);
	/* 23:30 to 01:10 the next day: 100 minutes, past three units and the grace: four */
	s = start (f, f->card, "POOL", "2026-11-21T23:30:00+08:00");
	bill = stop (f, s, "2026-11-22T01:10:00+08:00", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (bill->seconds, ==, 6000);
	g_assert_cmpint (bill->units, ==, 4);
	g_assert_cmpint (bill->time_deducted, ==, 7200);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 10800 - 7200);
}

static void
test_insufficient_time (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTimeBill) refused = NULL;
	g_autoptr (HyTimeBill) later = NULL;
	g_autoptr (GPtrArray) open = NULL;
	g_autofree gchar *s = NULL;
	gint64 before;

	/* 45 minutes held, 70 played: three units, and POOL has no price per unit */
	buy (f, "POOL45", 1, 2000);
	s = start (f, f->card, "POOL", "2026-11-21T10:00:00+08:00");
	before = footprint (f);
	refused = stop (f, s, "2026-11-21T11:10:00+08:00", PIN, &error);
	g_assert_null (refused);
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_assert_nonnull (strstr (error->message, "POOL"));
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 2700);

	/* the session stays open: the member buys an hour more and checks out */
	open = hy_time_list_open (f->store->db, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (open->len, ==, 1);
	buy (f, "POOL1H", 1, 3000);
	later = stop (f, s, "2026-11-21T11:10:00+08:00", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (later->units, ==, 3);
	g_assert_cmpint (later->time_deducted, ==, 5400);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 2700 + 3600 - 5400);
	assert_verified (f);
}

static void
test_money_fallback (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTimeBill) no_pin = NULL;
	g_autoptr (HyTimeBill) wrong_pin = NULL;
	g_autoptr (HyTimeBill) bill = NULL;
	g_autofree gchar *s = NULL;
	gint64 before;

	/* DART: no time balance, ¥15.00 a unit from stored value; 36 minutes = 2 units */
	s = start (f, f->card, "DART", "2026-11-21T10:00:00+08:00");
	before = footprint (f);
	no_pin = stop (f, s, "2026-11-21T10:36:00+08:00", NULL, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	wrong_pin = stop (f, s, "2026-11-21T10:36:00+08:00", "1111", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY, ""), ==, 10000);

	bill = stop (f, s, "2026-11-21T10:36:00+08:00", PIN, &error);
	g_assert_no_error (error);
	g_assert_cmpint (bill->units, ==, 2);
	g_assert_cmpint (bill->time_deducted, ==, 0);
	g_assert_cmpint (bill->money, ==, 3000);
	g_assert_cmpint (bill->money_left, ==, 7000);
	g_assert_nonnull (bill->sale_id);
	/* the money is a sale paid from stored value, for reports and refunds */
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT total FROM sales WHERE total = "
							"3000 AND points = 0"),
			 ==, 3000);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM payments WHERE "
							"method = 'balance' AND amount = 3000"),
			 ==, 1);
	assert_verified (f);
}

static void
test_money_after_time (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTimeBill) bill = NULL;
	g_autofree gchar *s = NULL;
	g_autofree gchar *other = NULL;
	const gchar *json =
		"{\"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"grace_minutes\": 5,"
		"   \"unit_price\": {\"DART\": 1500, \"POOL\": 2000}}}}}";

	/* POOL gets a price too: what 45 minutes held do not cover is charged pro rata */
	g_assert_true (hy_rules_import (f->store->db, f->store->admin, json, -1, NULL, &error));
	g_assert_no_error (error);
	buy (f, "POOL45", 1, 2000);
	s = start (f, f->card, "POOL", "2026-11-21T10:00:00+08:00");
	/* 70 minutes: 3 units = 90 minutes; 45 from the balance, 45 at ¥20.00 per 30 */
	bill = stop (f, s, "2026-11-21T11:10:00+08:00", PIN, &error);
	g_assert_no_error (error);
	g_assert_cmpint (bill->time_deducted, ==, 2700);
	g_assert_cmpint (bill->money, ==, 3000);
	g_assert_cmpint (bill->time_left, ==, 0);
	g_assert_cmpint (bill->money_left, ==, 7000);

	/* a card without a PIN pays without one (a PIN given, say from the environment, is
	 * not checked) */
	other = start (f, f->other, "DART", "2026-11-21T10:00:00+08:00");
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->other, 2000, NULL,
					   NULL, &error));
	g_clear_pointer (&bill, hy_time_bill_free);
	bill = stop (f, other, "2026-11-21T10:10:00+08:00", "9999", &error);
	g_assert_no_error (error);
	g_assert_cmpint (bill->money, ==, 1500);
	g_assert_cmpint (bill->money_left, ==, 500);
	assert_verified (f);
}

static void
test_open_sessions (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) open = NULL;
	g_autoptr (GDateTime) t = at ("2026-11-21T10:05:00+08:00");
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autoptr (HyTimeBill) bill = NULL;
	g_autoptr (HyTimeBill) again = NULL;
	g_autoptr (HyTimeBill) early = NULL;
	g_autoptr (HyTimeBill) unknown = NULL;
	g_autofree gchar *s1 = NULL;
	g_autofree gchar *s2 = NULL;
	g_autofree gchar *s3 = NULL;
	g_autofree gchar *found = NULL;
	g_autofree gchar *dup = NULL;
	const HyTimeSession *first;
	gint64 before;

	buy (f, "POOL1H", 2, 6000);
	s1 = start (f, f->card, "POOL", "2026-11-21T10:00:00+08:00");
	/* one open session per card and item: a second is refused, nothing written */
	before = footprint (f);
	g_assert_false (
		hy_time_start (f->store->db, f->store->admin, f->card, "POOL", t, &dup, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	/* another item on the same card, and the same item on another card, are fine */
	s2 = start (f, f->card, "DART", "2026-11-21T10:10:00+08:00");
	g_assert_true (hy_time_start (f->store->db, cashier, f->other, "POOL", t, &s3, &error));
	g_assert_no_error (error);
	/* an operator without time.session cannot check in; an unknown item is refused */
	g_assert_false (hy_time_start (f->store->db, auditor, f->other, "DART", t, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_time_start (f->store->db, cashier, f->other, "NOPE", t, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);

	open = hy_time_list_open (f->store->db, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (open->len, ==, 3);
	first = g_ptr_array_index (open, 0);
	g_assert_cmpstr (first->id, ==, s1);
	g_assert_cmpstr (first->card, ==, f->card);
	g_assert_cmpstr (first->item, ==, "POOL");
	g_assert_cmpstr (((HyTimeSession *) g_ptr_array_index (open, 1))->id, ==, s3);
	found = hy_time_find_open (f->store->db, f->card, "DART", &error);
	g_assert_cmpstr (found, ==, s2);

	/* check-out before check-in, an unknown and a closed session are refused */
	early = stop (f, s1, "2026-11-21T09:59:59+08:00", NULL, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	unknown = stop (f, "no-such-session", "2026-11-21T11:00:00+08:00", NULL, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	bill = stop (f, s1, "2026-11-21T10:20:00+08:00", NULL, &error);
	g_assert_no_error (error);
	before = footprint (f);
	again = stop (f, s1, "2026-11-21T11:00:00+08:00", NULL, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);

	g_clear_pointer (&open, g_ptr_array_unref);
	open = hy_time_list_open (f->store->db, &error);
	g_assert_cmpuint (open->len, ==, 2);
	/* the card may check in to POOL again once the first session is closed */
	g_clear_pointer (&s1, g_free);
	s1 = start (f, f->card, "POOL", "2026-11-21T11:00:00+08:00");
	g_assert_nonnull (s1);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/time/units", test_time_units);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/time/from-time-balance", test_from_time_balance);
	ADD ("/huiyuan/time/overnight", test_overnight);
	ADD ("/huiyuan/time/insufficient-time", test_insufficient_time);
	ADD ("/huiyuan/time/money-fallback", test_money_fallback);
	ADD ("/huiyuan/time/money-after-time", test_money_after_time);
	ADD ("/huiyuan/time/open-sessions", test_open_sessions);
	return g_test_run ();
}
