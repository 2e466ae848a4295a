/* The rules in force: importing HQ's document, loading it with the catalogue, export. */
#include "config.h"

#include "hy-error.h"
#include "hy-item.h"
#include "hy-pricing.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"

static const gchar *rules_json =
	"{\"levels\": ["
	"  {\"name\": \"Standard\", \"points_bp\": 10000, \"discount_bp\": 9800},"
	"  {\"name\": \"金卡\", \"points_bp\": 15000, \"discount_bp\": 9000}],"
	" \"items\": ["
	"  {\"code\": \"TEA\", \"name\": \"冰红茶\", \"price\": 350, \"category\": \"饮料\","
	"   \"member_price\": 300}],"
	" \"categories\": [{\"name\": \"饮料\", \"points_bp\": 11000, \"discount_bp\": 9500}],"
	" \"stores\": {\"S01\": {\"use_level_points\": true, \"use_level_discount\": true,"
	"   \"use_item_points\": true, \"use_item_discount\": true, \"points_bp\": 20000,"
	"   \"prices\": {\"WATER\": 180}}}}";

static gint64
count_rows (HyTestStore *store)
{
	return hy_test_store_count (store, "SELECT (SELECT count(*) FROM levels) * 1000000 + "
					   "(SELECT count(*) FROM items) * 10000 + "
					   "(SELECT count(*) FROM rules) * 100 + "
					   "(SELECT count(*) FROM audit) + "
					   "(SELECT count(*) FROM outbox) * 100000000");
}

static HyTestStore *
store_with_catalogue (void)
{
	g_autoptr (GError) error = NULL;
	HyTestStore *store = hy_test_store_new ("S01");
	/* an item of the catalogue that the rules document does not list */
	g_assert_true (hy_item_add (store->db, store->admin, "WATER", "矿泉水", "6921168509256",
				    200, "饮料", NULL, NULL, &error));
	g_assert_no_error (error);
	return store;
}

static void
test_rules_import (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRules) rules = NULL;
	gint64 version = 0;
	const HyItemRule *tea, *water;
	const HyLevelRule *gold;

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, &version, &error));
	g_assert_no_error (error);
	g_assert_cmpint (version, ==, 1);

	/* levels and items landed in their tables, the rest is version 1 */
	g_assert_cmpint (hy_test_store_count (store, "SELECT discount_bp FROM levels "
						     "WHERE name = 'Standard'"),
			 ==, 9800);
	g_assert_cmpint (hy_test_store_count (store, "SELECT rank FROM levels WHERE name = '金卡'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT member_price FROM items "
						     "WHERE code = 'TEA'"),
			 ==, 300);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'rules.import'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox WHERE "
						     "tbl IN ('levels', 'items', 'rules')"),
			 ==, 1 + 2 + 1 + 1 + 1); /* init's level, two levels, two items, rules */

	/* the catalogue item joins the rules in force, with the store's own price */
	rules = hy_rules_load (store->db, &error);
	g_assert_no_error (error);
	gold = g_hash_table_lookup (rules->levels, "金卡");
	g_assert_cmpint (gold->factor.points_bp, ==, 15000);
	tea = g_hash_table_lookup (rules->items, "TEA");
	water = g_hash_table_lookup (rules->items, "WATER");
	g_assert_nonnull (tea);
	g_assert_nonnull (water);
	g_assert_cmpint (water->price, ==, 200);
	g_assert_cmpstr (water->category, ==, "饮料");
	g_assert_cmpint (*(gint64 *) g_hash_table_lookup (hy_rules_get_store (rules, "S01")->prices,
							  "WATER"),
			 ==, 180);
}

static void
test_rules_price_in_force (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
	g_autoptr (GDateTime) at = g_date_time_new (tz, 2026, 11, 17, 12, 0, 0);
	const HyBasketLine lines[] = {{"WATER", 2, 0}, {"TEA", 1, 0}};
	HyPricingMember member = {"金卡", NULL};

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	rules = hy_rules_load (store->db, &error);
	g_assert_no_error (error);
	basket = hy_pricing_price (rules, "S01", &member, at, lines, G_N_ELEMENTS (lines), &error);
	g_assert_no_error (error);
	/* WATER: 360 × .9 × .95 = 307.8 → 308, points 308 × 1.5 × 1.1 × 2 = 1016.4 → 1016;
	 * TEA at the member price 300, not discounted again: points 300 × 3.3 = 990 */
	g_assert_cmpint (basket->subtotal, ==, 710);
	g_assert_cmpint (basket->total, ==, 608);
	g_assert_cmpint (basket->points, ==, 2006);
}

static void
test_rules_export_round_trip (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autofree gchar *first = NULL;
	g_autofree gchar *second = NULL;
	gint64 version = 0;

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	first = hy_rules_export (store->db, &error);
	g_assert_no_error (error);
	/* the export lists the catalogue item too, and imports as the same rules */
	g_assert_nonnull (strstr (first, "\"WATER\""));
	g_assert_true (hy_rules_import (store->db, store->admin, first, -1, &version, &error));
	g_assert_no_error (error);
	g_assert_cmpint (version, ==, 2);
	second = hy_rules_export (store->db, &error);
	g_assert_cmpstr (first, ==, second);
}

static void
test_rules_import_refused (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	gint64 rows;

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	before = hy_rules_export (store->db, &error);
	rows = count_rows (store);

	/* a bad value deep in the file: the path is named, nothing changes */
	g_assert_false (hy_rules_import (
		store->db, store->admin,
		"{\"levels\": [{\"name\": \"银卡\", \"points_bp\": 12000}],"
		" \"stores\": {\"S01\": {\"periods\": [{\"kind\": \"weekly\", \"days\": [6]},"
		" {\"kind\": \"date\", \"from\": \"2026-02-30\", \"to\": \"2026-03-01\"}]}}}",
		-1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_cmpstr (error->message, ==, "stores.S01.periods[1].from: not a date");
	g_clear_error (&error);
	/* a store price for an item in neither the file nor the catalogue */
	g_assert_false (hy_rules_import (store->db, store->admin,
					 "{\"stores\": {\"S01\": {\"prices\": {\"NOPE\": 1}}}}", -1,
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "stores.S01.prices.NOPE"));
	g_clear_error (&error);
	/* only HQ sets the rules */
	g_assert_false (hy_rules_import (store->db, manager, rules_json, -1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);

	g_assert_cmpint (count_rows (store), ==, rows);
	after = hy_rules_export (store->db, &error);
	g_assert_cmpstr (before, ==, after);
}

static void
test_rules_none_yet (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRules) rules = hy_rules_load (store->db, &error);
	const HyStoreRules *s01;

	/* a new database prices from its catalogue with every switch off */
	g_assert_no_error (error);
	g_assert_nonnull (g_hash_table_lookup (rules->items, "WATER"));
	g_assert_nonnull (g_hash_table_lookup (rules->levels, "Standard"));
	s01 = hy_rules_get_store (rules, "S01");
	g_assert_false (s01->use_level_discount);
	g_assert_cmpint (s01->factor.points_bp, ==, 10000);
}

/* Built once per change: a second load shares the first; any change is seen at once. */
static void
test_rules_cache (void)
{
	g_autoptr (HyTestStore) store = store_with_catalogue ();
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRules) first = hy_rules_load (store->db, &error);
	g_autoptr (HyRules) again = hy_rules_load (store->db, &error);
	g_autoptr (HyRules) with_item = NULL;
	g_autoptr (HyRules) with_rules = NULL;

	g_assert_no_error (error);
	g_assert_true (first == again);
	g_assert_true (hy_item_add (store->db, store->admin, "SOAP", "香皂", NULL, 500, NULL, NULL,
				    NULL, &error));
	with_item = hy_rules_load (store->db, &error);
	g_assert_true (with_item != first);
	g_assert_nonnull (g_hash_table_lookup (with_item->items, "SOAP"));
	g_assert_null (g_hash_table_lookup (first->items, "SOAP"));
	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	with_rules = hy_rules_load (store->db, &error);
	g_assert_true (hy_rules_get_store (with_rules, "S01")->use_level_discount);
	g_assert_false (hy_rules_get_store (with_item, "S01")->use_level_discount);

	/* a refused import leaves the rules in force as they were */
	g_assert_false (
		hy_rules_import (store->db, store->admin, "{\"levels\": 1}", -1, NULL, &error));
	g_clear_error (&error);
	{
		g_autoptr (HyRules) after = hy_rules_load (store->db, &error);
		g_assert_true (after == with_rules);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/rules-store/import", test_rules_import);
	g_test_add_func ("/huiyuan/rules-store/price-in-force", test_rules_price_in_force);
	g_test_add_func ("/huiyuan/rules-store/export-round-trip", test_rules_export_round_trip);
	g_test_add_func ("/huiyuan/rules-store/import-refused", test_rules_import_refused);
	g_test_add_func ("/huiyuan/rules-store/none-yet", test_rules_none_yet);
	g_test_add_func ("/huiyuan/rules-store/cache", test_rules_cache);
	return g_test_run ();
}
