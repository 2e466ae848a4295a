/* Items found by the pinyin of their names: initials and full pinyin by prefix, exact
 * initials first, inactive items left out, the limit kept, a query that is not pinyin
 * refused; item names read with common readings, not as surnames. */
#include "config.h"

#include "hy-error.h"
#include "hy-item-lookup.h"
#include "hy-item.h"
#include "hy-pinyin.h"
#include "hy-test-common.h"

static const struct {
	const gchar *code;
	const gchar *name;
	const gchar *barcode;
	gint64 price;
} items[] = {
	{"TEA", "冰红茶 500ml", "6921317905038", 350},
	{"WATER", "矿泉水 550ml", "6921168509256", 200},
	{"WASH", "精致洗车", NULL, 3000},
	{"CAKE", "蛋糕", NULL, 2000},
	{"BIKE", "单车租赁", NULL, 1000},
	{"BHC2", "冰红茶", NULL, 300},
	{"KS", "康师傅", NULL, 500},
	{"OLD", "旧款冰红", NULL, 100},
};

static HyTestStore *
store_with_items (void)
{
	HyTestStore *store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	for (guint i = 0; i < G_N_ELEMENTS (items); i++) {
		g_assert_true (hy_item_add (store->db, store->admin, items[i].code, items[i].name,
					    items[i].barcode, items[i].price, NULL, NULL, NULL,
					    &error));
		g_assert_no_error (error);
	}
	/* taken off the catalogue: never offered */
	hy_test_store_raw_sql (store, "UPDATE items SET active = 0 WHERE code = 'OLD'");
	return store;
}

static GPtrArray *
lookup (HyTestStore *store, const gchar *query, guint limit)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *found = hy_item_lookup_pinyin (store->db, query, limit, &error);
	g_assert_no_error (error);
	return found;
}

static const gchar *
code_at (GPtrArray *found, guint i)
{
	return ((HyItem *) g_ptr_array_index (found, i))->code;
}

static void
test_text_readings (void)
{
	g_autofree gchar *full = NULL;
	g_autofree gchar *initials = NULL;
	g_autofree gchar *name_full = NULL;
	/* 单 is "dan" in a word, "shan" as a surname */
	hy_pinyin_compute_text ("单车", &full, &initials);
	g_assert_cmpstr (full, ==, "dan che");
	g_assert_cmpstr (initials, ==, "dc");
	name_full = hy_pinyin_full ("单车");
	g_assert_cmpstr (name_full, ==, "shan che");
}

static void
test_lookup (void)
{
	g_autoptr (HyTestStore) store = store_with_items ();
	g_autoptr (GPtrArray) bhc = lookup (store, "bhc", 0);
	g_autoptr (GPtrArray) b = lookup (store, "B", 0);
	g_autoptr (GPtrArray) full = lookup (store, "kuangquan", 0);
	g_autoptr (GPtrArray) spaced = lookup (store, "jing zhi", 0);
	g_autoptr (GPtrArray) digits = lookup (store, "kqs5", 0);
	g_autoptr (GPtrArray) bike = lookup (store, "dc", 0);
	g_autoptr (GPtrArray) one = lookup (store, "b", 1);
	g_autoptr (GPtrArray) none = lookup (store, "xyz", 0);

	/* exactly "bhc" (冰红茶) before "bhc5…" (冰红茶 500ml); the inactive 旧款冰红 not at all */
	g_assert_cmpuint (bhc->len, ==, 2);
	g_assert_cmpstr (code_at (bhc, 0), ==, "BHC2");
	g_assert_cmpstr (code_at (bhc, 1), ==, "TEA");
	/* any case; by code when no initials are exact */
	g_assert_cmpuint (b->len, ==, 2);
	g_assert_cmpstr (code_at (b, 0), ==, "BHC2");
	g_assert_cmpstr (code_at (b, 1), ==, "TEA");
	g_assert_cmpuint (full->len, ==, 1);
	g_assert_cmpstr (code_at (full, 0), ==, "WATER");
	g_assert_cmpuint (spaced->len, ==, 1);
	g_assert_cmpstr (code_at (spaced, 0), ==, "WASH");
	g_assert_cmpuint (digits->len, ==, 1);
	g_assert_cmpstr (code_at (digits, 0), ==, "WATER");
	g_assert_cmpstr (((HyItem *) g_ptr_array_index (digits, 0))->name, ==, "矿泉水 550ml");
	g_assert_cmpint (((HyItem *) g_ptr_array_index (digits, 0))->price, ==, 200);
	g_assert_cmpuint (bike->len, ==, 1);
	g_assert_cmpstr (code_at (bike, 0), ==, "BIKE");
	g_assert_cmpuint (one->len, ==, 1);
	g_assert_cmpuint (none->len, ==, 0);
}

static void
test_refused (void)
{
	g_autoptr (HyTestStore) store = store_with_items ();
	const gchar *bad[] = {"", "  ", "冰红茶", "b%", "x' OR 1=1"};
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_assert_null (hy_item_lookup_pinyin (store->db, bad[i], 0, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/item-lookup/text-readings", test_text_readings);
	g_test_add_func ("/huiyuan/item-lookup/lookup", test_lookup);
	g_test_add_func ("/huiyuan/item-lookup/refused", test_refused);
	return g_test_run ();
}
