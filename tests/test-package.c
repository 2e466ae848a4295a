/* Packages (套餐) sold through checkout: count uses or time credited in the sale's
 * transaction, the unused part taken back by a refund; and the rules that define them. */
#include "config.h"

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-count.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-level.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-time.h"
#include "hy-verify.h"

static const gchar *rules_json =
	"{\"items\": [{\"code\": \"SWIM\", \"name\": \"游泳\", \"price\": 4000},"
	"   {\"code\": \"POOL\", \"name\": \"台球\", \"price\": 0},"
	"   {\"code\": \"SWIM10\", \"name\": \"游泳十次卡\", \"price\": 30000,"
	"    \"package\": {\"account\": \"count\", \"item\": \"SWIM\", \"qty\": 10,"
	"                  \"valid_days\": 30}},"
	"   {\"code\": \"POOL1H\", \"name\": \"台球一小时\", \"price\": 3000,"
	"    \"package\": {\"account\": \"time\", \"item\": \"POOL\", \"qty\": 60}}],"
	" \"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"grace_minutes\": 5}}}}";

typedef struct {
	HyTestStore *store;
	gchar *card;
	gchar *card_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autoptr (HyCard) card = NULL;

	f->store = hy_test_store_new ("S01");
	g_assert_true (
		hy_rules_import (f->store->db, f->store->admin, rules_json, -1, NULL, &error));
	g_assert_no_error (error);
	member->name = g_strdup ("赵敏");
	member->phone = g_strdup ("13700137000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &f->card, &error));
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
}

static gint64
balance (Fixture *f, HyAccount account, const gchar *item)
{
	return hy_test_store_balance (f->store, f->card_id, account, item);
}

/* Sells `qty` packages for cash on `iso`; NULL card: not a member. */
static gchar *
sell (Fixture *f,
      const gchar *card,
      const gchar *item,
      gint64 qty,
      const gchar *iso,
      GError **error)
{
	g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (iso, NULL);
	const HyBasketLine lines[] = {{"SWIM", 1, 0}, {item, qty, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 1000000, NULL}};
	HySaleRequest req = {.card = card,
			     .lines = lines,
			     .n_lines = 2,
			     .tenders = pay,
			     .n_tenders = 1,
			     .at = at};
	gchar *sale = NULL;
	if (!hy_checkout_sell (f->store->db, f->store->admin, &req, &sale, NULL, error))
		return NULL;
	return sale;
}

static gboolean
refund_line (Fixture *f, const gchar *sale, guint line, gint64 qty, GError **error)
{
	const HyRefundLine lines[] = {{line, qty}};
	return hy_refund_sale (f->store->db, f->store->admin, sale, lines, 1, NULL, NULL, NULL,
			       error);
}

static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM count_lots) + "
					      "(SELECT count(*) FROM count_uses) * 100 + "
					      "(SELECT count(*) FROM account_entries) * 10000 + "
					      "(SELECT count(*) FROM refunds) * 1000000 + "
					      "(SELECT count(*) FROM sales) * 100000000 + "
					      "(SELECT count(*) FROM outbox) * 10000000000");
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
test_count_package (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) lots = NULL;
	g_autofree gchar *sale = NULL;
	const HyCountLot *lot;
	gint64 before;

	/* two ten-swim cards on 21 November: one lot of 20, good through 21 December */
	sale = sell (f, f->card, "SWIM10", 2, "2026-11-21T10:00:00+08:00", &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_COUNT, "SWIM"), ==, 20);
	lots = hy_count_list (f->store->db, f->card, &error);
	g_assert_cmpuint (lots->len, ==, 1);
	lot = g_ptr_array_index (lots, 0);
	g_assert_cmpint (lot->qty, ==, 20);
	g_assert_cmpstr (lot->expires_on, ==, "2026-12-21");

	/* five swims; returning one card takes back ten of the fifteen left */
	g_assert_true (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 5,
				     "2026-11-25", NULL, &error));
	g_assert_true (refund_line (f, sale, 2, 1, &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_COUNT, "SWIM"), ==, 5);

	/* the other card cannot come back: only five of its uses are left */
	before = footprint (f);
	g_assert_false (refund_line (f, sale, 2, 1, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (balance (f, HY_ACCOUNT_COUNT, "SWIM"), ==, 5);

	/* a line that is not a package refunds as before */
	g_assert_true (refund_line (f, sale, 1, 0, &error));
	g_assert_no_error (error);
	assert_verified (f);
}

static void
test_expired_package (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *sale = NULL;
	gint64 before;

	sale = sell (f, f->card, "SWIM10", 1, "2026-11-21T10:00:00+08:00", &error);
	g_assert_no_error (error);
	/* good through the last day, not a day after */
	g_assert_true (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 1,
				     "2026-12-21", NULL, &error));
	g_assert_no_error (error);
	before = footprint (f);
	g_assert_false (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 1,
				      "2026-12-22", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_assert_nonnull (strstr (error->message, "9 more have expired"));
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	/* a package that never expires, when valid_days is left out */
	{
		const gchar *json = "{\"items\": [{\"code\": \"SWIM10\", \"name\": \"游泳十次卡\","
				    " \"price\": 30000, \"package\": {\"account\": \"count\","
				    " \"item\": \"SWIM\", \"qty\": 10}}]}";
		g_autoptr (GPtrArray) lots = NULL;
		g_autofree gchar *again = NULL;
		g_assert_true (
			hy_rules_import (f->store->db, f->store->admin, json, -1, NULL, &error));
		g_assert_no_error (error);
		again = sell (f, f->card, "SWIM10", 1, "2026-11-22T10:00:00+08:00", &error);
		g_assert_no_error (error);
		lots = hy_count_list (f->store->db, f->card, &error);
		g_assert_cmpuint (lots->len, ==, 2);
		g_assert_cmpstr (((HyCountLot *) g_ptr_array_index (lots, 0))->expires_on, ==,
				 "2026-12-21");
		g_assert_null (((HyCountLot *) g_ptr_array_index (lots, 1))->expires_on);
	}
}

static void
test_time_package (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) in = g_date_time_new_from_iso8601 ("2026-11-21T10:00:00+08:00", NULL);
	g_autoptr (GDateTime) out =
		g_date_time_new_from_iso8601 ("2026-11-21T11:00:00+08:00", NULL);
	g_autoptr (HyTimeBill) bill = NULL;
	g_autofree gchar *sale = NULL;
	g_autofree gchar *session = NULL;
	gint64 before;

	sale = sell (f, f->card, "POOL1H", 2, "2026-11-21T09:00:00+08:00", &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 7200);
	g_assert_true (hy_time_start (f->store->db, f->store->admin, f->card, "POOL", in, &session,
				      &error));
	bill = hy_time_stop (f->store->db, f->store->admin, session, out, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 3600);
	/* one hour is left: one package comes back, the other cannot */
	g_assert_true (refund_line (f, sale, 2, 1, &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_TIME, "POOL"), ==, 0);
	before = footprint (f);
	g_assert_false (refund_line (f, sale, 2, 1, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	assert_verified (f);
}

static void
test_package_needs_card (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *sale = NULL;
	gint64 before = footprint (f);

	sale = sell (f, NULL, "SWIM10", 1, "2026-11-21T10:00:00+08:00", &error);
	g_assert_null (sale);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "SWIM10"));
	g_assert_cmpint (footprint (f), ==, before);
}

/* A card of a kind without counts or time takes no package of them, nor a session. */
static void
test_card_kind (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (f->store->db, f->card, &error);
	g_autoptr (GDateTime) in = g_date_time_new_from_iso8601 ("2026-11-21T10:00:00+08:00", NULL);
	g_autofree gchar *money_card = NULL;
	g_autofree gchar *sale = NULL;
	g_autofree gchar *session = NULL;
	gint64 before;

	g_assert_true (hy_card_kind_add (f->store->db, f->store->admin, "储值卡", TRUE, TRUE, FALSE,
					 FALSE, 0, NULL, &error));
	g_assert_true (hy_card_issue (f->store->db, f->store->admin, card->member_id, NULL,
				      "储值卡", NULL, NULL, &money_card, &error));
	g_assert_no_error (error);
	before = footprint (f);
	sale = sell (f, money_card, "SWIM10", 1, "2026-11-21T10:00:00+08:00", &error);
	g_assert_null (sale);
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "储值卡"));
	g_clear_error (&error);
	sale = sell (f, money_card, "POOL1H", 1, "2026-11-21T10:00:00+08:00", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_time_start (f->store->db, f->store->admin, money_card, "POOL", in,
				       &session, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
}

static void
test_rules_errors (void)
{
	const struct {
		const gchar *json;
		const gchar *message;
	} cases[] = {
		{"{\"items\": [{\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"money\", \"item\": \"A\", \"qty\": 1}}]}",
		 "items[0].package.account: not one of count, time"},
		{"{\"items\": [{\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"count\", \"item\": \"B\", \"qty\": 1}}]}",
		 "items[0].package.item: no such item"},
		{"{\"items\": [{\"code\": \"B\", \"name\": \"b\", \"price\": 1},"
		 " {\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"count\", \"item\": \"A\", \"qty\": 1}}]}",
		 "items[1].package.item: is itself a package"},
		{"{\"items\": [{\"code\": \"B\", \"name\": \"b\", \"price\": 1},"
		 " {\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"time\", \"item\": \"B\", \"qty\": 60, \"valid_days\": 3}}]}",
		 "items[1].package.valid_days: time packages do not expire"},
		{"{\"items\": [{\"code\": \"B\", \"name\": \"b\", \"price\": 1},"
		 " {\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"count\", \"item\": \"B\", \"qty\": 0}}]}",
		 "items[1].package.qty: 0 is out of range"},
		{"{\"items\": [{\"code\": \"B\", \"name\": \"b\", \"price\": 1},"
		 " {\"code\": \"A\", \"name\": \"a\", \"price\": 1, \"package\": "
		 "{\"account\": \"count\", \"item\": \"B\", \"qty\": 1, \"days\": 3}}]}",
		 "items[1].package.days: unknown key"},
		{"{\"stores\": {\"S01\": {\"time\": {\"grace_minutes\": 5}}}}",
		 "stores.S01.time.unit_minutes: missing"},
		{"{\"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"grace_minutes\": "
		 "30}}}}",
		 "stores.S01.time.grace_minutes: 30 is out of range 0–29"},
		{"{\"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"unit_price\": "
		 "{\"X\": 100}}}}}",
		 "stores.S01.time.unit_price.X: no such item"},
		{"{\"items\": [{\"code\": \"X\", \"name\": \"x\", \"price\": 1}],"
		 " \"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"unit_price\": "
		 "{\"X\": -1}}}}}",
		 "stores.S01.time.unit_price.X: -1 is out of range"},
		{"{\"stores\": {\"S01\": {\"time\": {\"unit_minutes\": 30, \"rate\": 1}}}}",
		 "stores.S01.time.rate: unknown key"},
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HyRules) rules = hy_rules_from_json (cases[i].json, -1, &error);
		g_assert_null (rules);
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		if (!g_str_has_prefix (error->message, cases[i].message))
			g_error ("case %u: “%s” is not “%s…”", i, error->message, cases[i].message);
	}
}

/* The canonical export of the rules in force round-trips, packages and time included. */
static void
test_rules_round_trip (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *first = hy_rules_export (f->store->db, &error);
	g_autofree gchar *second = NULL;
	g_autoptr (HyRules) rules = NULL;
	const HyItemRule *item;
	const HyStoreRules *store;

	g_assert_no_error (error);
	g_assert_nonnull (strstr (first, "\"package\""));
	g_assert_nonnull (strstr (first, "\"valid_days\" : 30"));
	g_assert_nonnull (strstr (first, "\"grace_minutes\" : 5"));
	g_assert_true (hy_rules_import (f->store->db, f->store->admin, first, -1, NULL, &error));
	g_assert_no_error (error);
	second = hy_rules_export (f->store->db, &error);
	g_assert_cmpstr (first, ==, second);

	rules = hy_rules_from_json (second, -1, &error);
	g_assert_no_error (error);
	item = g_hash_table_lookup (rules->items, "POOL1H");
	g_assert_cmpint (item->package.kind, ==, HY_PACKAGE_TIME);
	g_assert_cmpstr (item->package.item, ==, "POOL");
	g_assert_cmpint (item->package.qty, ==, 60);
	item = g_hash_table_lookup (rules->items, "SWIM");
	g_assert_cmpint (item->package.kind, ==, HY_PACKAGE_NONE);
	store = hy_rules_get_store (rules, "S01");
	g_assert_true (store->time.set);
	g_assert_cmpint (store->time.unit_minutes, ==, 30);
	g_assert_cmpint (store->time.grace_minutes, ==, 5);
	g_assert_cmpint (store->time.free_minutes, ==, 0);
	/* a store without time rules bills by the hour */
	store = hy_rules_get_store (rules, "S99");
	g_assert_false (store->time.set);
	g_assert_cmpint (store->time.unit_minutes, ==, 60);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/package/rules-errors", test_rules_errors);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/package/count", test_count_package);
	ADD ("/huiyuan/package/expired", test_expired_package);
	ADD ("/huiyuan/package/time", test_time_package);
	ADD ("/huiyuan/package/needs-card", test_package_needs_card);
	ADD ("/huiyuan/package/card-kind", test_card_kind);
	ADD ("/huiyuan/package/rules-round-trip", test_rules_round_trip);
	return g_test_run ();
}
