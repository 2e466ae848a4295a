/* The rules engine: the seed formula, factor by factor, switch by switch, edge by edge. */
#include "config.h"

#include <stdio.h>

#include "hy-error.h"
#include "hy-pricing.h"
#include "hy-rules.h"

static const gchar *rules_json =
	"{\"levels\": ["
	"  {\"name\": \"金卡\", \"points_bp\": 15000, \"discount_bp\": 9000},"
	"  {\"name\": \"银卡\", \"points_bp\": 12000, \"discount_bp\": 9500}],"
	" \"items\": ["
	"  {\"code\": \"WATER\", \"name\": \"矿泉水\", \"price\": 200, \"category\": \"饮料\"},"
	"  {\"code\": \"TEA\", \"name\": \"冰红茶\", \"price\": 350, \"category\": \"饮料\","
	"   \"brand\": \"康师傅\", \"points_bp\": 20000, \"discount_bp\": 8000},"
	"  {\"code\": \"SOAP\", \"name\": \"洗发露\", \"price\": 1000, \"brand\": \"海飞丝\"},"
	"  {\"code\": \"CAKE\", \"name\": \"蛋糕\", \"price\": 5000, \"member_price\": 4500},"
	"  {\"code\": \"GIFT\", \"name\": \"礼盒\", \"price\": 10000, \"special_price\": 8000}],"
	" \"categories\": [{\"name\": \"饮料\", \"points_bp\": 11000, \"discount_bp\": 9800}],"
	" \"brands\": [{\"name\": \"海飞丝\", \"points_bp\": 13000, \"discount_bp\": 9700}],"
	" \"stores\": {"
	"  \"S01\": {\"use_level_points\": true, \"use_item_points\": true, \"use_period\": true,"
	"   \"use_level_discount\": true, \"use_item_discount\": true, \"use_order_total\": true,"
	"   \"points_bp\": 20000, \"discount_bp\": 10000,"
	"   \"birthday\": {\"mode\": \"month\", \"points_bp\": 20000, \"discount_bp\": 9000},"
	"   \"prices\": {\"WATER\": 180},"
	"   \"periods\": ["
	"    {\"kind\": \"weekly\", \"days\": [6, 7], \"points_bp\": 15000, \"name\": \"周末\"},"
	"    {\"kind\": \"monthly\", \"days\": [8], \"points_bp\": 11000, \"name\": \"会员日\"},"
	"    {\"kind\": \"yearly\", \"from\": \"01-01\", \"to\": \"01-01\", \"points_bp\": 30000,"
	"     \"discount_bp\": 8000, \"name\": \"元旦\"},"
	"    {\"kind\": \"yearly\", \"from\": \"12-30\", \"to\": \"01-03\", \"points_bp\": 25000,"
	"     \"name\": \"新年\"},"
	"    {\"kind\": \"date\", \"from\": \"2026-11-11\", \"to\": \"2026-11-15\","
	"     \"discount_bp\": 5000, \"name\": \"双十一\"}],"
	"   \"order_total\": ["
	"    {\"min\": 10000, \"max\": 90000, \"extra_discount_bp\": 500, \"extra_points_bp\": "
	"1000},"
	"    {\"min\": 50000, \"max\": 100000, \"extra_discount_bp\": 1000,"
	"     \"extra_points_bp\": 2000}]},"
	"  \"S02\": {},"
	"  \"S03\": {\"use_level_points\": true, \"use_item_discount\": true}}}";

typedef struct {
	const gchar *name;
	const gchar *store;
	const gchar *level; /* NULL: not a member */
	const gchar *birthday;
	const gchar *at;   /* YYYY-MM-DD */
	const gchar *item; /* NULL: an amount line */
	gint64 qty_or_amount;
	/* expected */
	gint64 unit_price;
	const gchar *price_source;
	gint64 amount;
	gint64 points;
	const gchar *period; /* the period that applied, or NULL */
	gint order_discount_bp;
} PricingCase;

/* 2026-11-17 is a Tuesday; 11-14 and 11-21 Saturdays; 11-08 a Sunday. */
static const PricingCase cases[] = {
	/* all switches off: ¥1 paid earns one point */
	{"all-off", "S02", "金卡", NULL, "2026-11-17", "WATER", 2, 200, "hq", 400, 400, NULL,
	 10000},
	{"unknown-store-neutral", "S99", "金卡", NULL, "2026-11-17", NULL, 133380, 133380, "amount",
	 133380, 133380, NULL, 10000},
	/* store price override, level, category fallback, store points ×2 */
	{"level-category-store", "S01", "金卡", NULL, "2026-11-17", "WATER", 1, 180, "store", 159,
	 525, NULL, 10000},
	/* the item's own factor wins over its category and brand */
	{"item-own-factor", "S01", "金卡", NULL, "2026-11-17", "TEA", 1, 350, "hq", 252, 1512, NULL,
	 10000},
	/* brand when there is no category factor */
	{"brand-fallback", "S01", "银卡", NULL, "2026-11-17", "SOAP", 1, 1000, "hq", 922, 2877,
	 NULL, 10000},
	/* unknown level: the level factor is 100% */
	{"unknown-level", "S02", "铜卡", NULL, "2026-11-17", "SOAP", 1, 1000, "hq", 1000, 1000,
	 NULL, 10000},
	/* switches: S03 has level points and item discount only */
	{"switches", "S03", "金卡", NULL, "2026-11-17", "TEA", 1, 350, "hq", 280, 420, NULL, 10000},
	/* birthday month ×2 points and 9折 */
	{"birthday-month", "S01", "银卡", "1990-11-30", "2026-11-17", NULL, 1000, 1000, "amount",
	 855, 4104, NULL, 10000},
	{"birthday-other-month", "S01", "银卡", "1990-12-01", "2026-11-17", NULL, 1000, 1000,
	 "amount", 950, 2280, NULL, 10000},
	/* period priority: date > yearly > monthly > weekly */
	{"period-weekly", "S01", "银卡", NULL, "2026-11-21", NULL, 1000, 1000, "amount", 950, 3420,
	 "周末", 10000},
	{"period-monthly-beats-weekly", "S01", "银卡", NULL, "2026-11-08", NULL, 1000, 1000,
	 "amount", 950, 2508, "会员日", 10000},
	{"period-date-beats-weekly", "S01", "银卡", NULL, "2026-11-14", NULL, 1000, 1000, "amount",
	 475, 1140, "双十一", 10000},
	{"period-yearly-first-match", "S01", "银卡", NULL, "2027-01-01", NULL, 1000, 1000, "amount",
	 760, 5472, "元旦", 10000},
	{"period-yearly-wraps", "S01", "银卡", NULL, "2026-12-31", NULL, 1000, 1000, "amount", 950,
	 5700, "新年", 10000},
	/* order-total bands on the subtotal at list price, inclusive, highest min wins */
	{"band-below", "S01", "银卡", NULL, "2026-11-17", NULL, 9999, 9999, "amount", 9499, 22798,
	 NULL, 10000},
	{"band-min-edge", "S01", "银卡", NULL, "2026-11-17", NULL, 10000, 10000, "amount", 9025,
	 23826, NULL, 9500},
	{"band-overlap-highest-min", "S01", "银卡", NULL, "2026-11-17", NULL, 90000, 90000,
	 "amount", 76950, 221616, NULL, 9000},
	{"band-above", "S01", "银卡", NULL, "2026-11-17", NULL, 100001, 100001, "amount", 95001,
	 228002, NULL, 10000},
	/* member and special prices are the deal: no discount on top, points still earned */
	{"member-price", "S01", "金卡", NULL, "2026-11-17", "CAKE", 1, 4500, "member", 4500, 13500,
	 NULL, 10000},
	{"special-price-member", "S02", "金卡", NULL, "2026-11-17", "GIFT", 1, 8000, "special",
	 8000, 8000, NULL, 10000},
	/* not a member: list or special price, no points, no order bands */
	{"non-member", "S01", NULL, NULL, "2026-11-17", "WATER", 3, 180, "store", 540, 0, NULL,
	 10000},
	{"non-member-special", "S01", NULL, NULL, "2026-11-17", "GIFT", 1, 8000, "special", 8000, 0,
	 NULL, 10000},
	{"non-member-no-member-price", "S01", NULL, NULL, "2026-11-17", "CAKE", 1, 5000, "hq", 5000,
	 0, NULL, 10000},
};

static HyRules *
load_rules (void)
{
	g_autoptr (GError) error = NULL;
	HyRules *rules = hy_rules_from_json (rules_json, -1, &error);
	g_assert_no_error (error);
	return rules;
}

static GDateTime *
at_noon (const gchar *date)
{
	g_autofree gchar *iso = g_strdup_printf ("%sT12:00:00", date);
	g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
	GDateTime *dt = g_date_time_new_from_iso8601 (iso, tz);
	g_assert_nonnull (dt);
	return dt;
}

static void
test_pricing_case (gconstpointer data)
{
	const PricingCase *c = data;
	g_autoptr (HyRules) rules = load_rules ();
	g_autoptr (GDateTime) at = at_noon (c->at);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	HyPricingMember member = {c->level, c->birthday};
	HyBasketLine line = {c->item, c->item != NULL ? c->qty_or_amount : 0,
			     c->item == NULL ? c->qty_or_amount : 0};
	const HyPricedLine *priced;

	basket = hy_pricing_price (rules, c->store, c->level != NULL ? &member : NULL, at, &line, 1,
				   &error);
	g_assert_no_error (error);
	priced = g_ptr_array_index (basket->lines, 0);
	g_assert_cmpint (priced->unit_price, ==, c->unit_price);
	g_assert_cmpstr (priced->price_source, ==, c->price_source);
	g_assert_cmpint (priced->amount, ==, c->amount);
	g_assert_cmpint (priced->points, ==, c->points);
	g_assert_cmpstr (priced->factors[HY_FACTOR_PERIOD].name, ==, c->period);
	g_assert_cmpint (priced->factors[HY_FACTOR_ORDER].factor.discount_bp, ==,
			 c->order_discount_bp);
	g_assert_cmpint (basket->total, ==, c->amount);
	g_assert_cmpint (basket->points, ==, c->points);
	g_assert_cmpint (basket->discount, ==, basket->subtotal - basket->total);
}

/* A three-line basket: bands are judged on the whole subtotal, every line explains
 * itself, totals add up. */
static void
test_pricing_basket (void)
{
	g_autoptr (HyRules) rules = load_rules ();
	g_autoptr (GDateTime) at = at_noon ("2026-11-17");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	g_autoptr (JsonNode) json = NULL;
	g_autofree gchar *text = NULL;
	HyPricingMember member = {"银卡", NULL};
	const HyBasketLine lines[] = {{"SOAP", 5, 0}, {"TEA", 10, 0}, {NULL, 0, 2000}};
	gint64 sum_amount = 0, sum_points = 0;

	basket = hy_pricing_price (rules, "S01", &member, at, lines, G_N_ELEMENTS (lines), &error);
	g_assert_no_error (error);
	/* 5000 + 3500 + 2000 = 10500 reaches the first band */
	g_assert_cmpint (basket->subtotal, ==, 10500);
	for (guint i = 0; i < basket->lines->len; i++) {
		const HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		g_assert_cmpint (line->factors[HY_FACTOR_ORDER].factor.discount_bp, ==, 9500);
		g_assert_cmpstr (line->factors[HY_FACTOR_ORDER].source, ==, "order");
		sum_amount += line->amount;
		sum_points += line->points;
	}
	/* SOAP: 5000 × .95 × .97 × .95 = 4377.1875 → 4377; × 1.2 × 1.3 × 2 × 1.1 = 15021.86… */
	g_assert_cmpint (((HyPricedLine *) g_ptr_array_index (basket->lines, 0))->amount, ==, 4377);
	g_assert_cmpint (((HyPricedLine *) g_ptr_array_index (basket->lines, 0))->points, ==,
			 15022);
	g_assert_cmpint (basket->total, ==, sum_amount);
	g_assert_cmpint (basket->points, ==, sum_points);

	/* the text stored with sale lines is the generator's text, escapes included */
	for (guint i = 0; i < basket->lines->len; i++) {
		HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		gchar *name = line->factors[HY_FACTOR_PERIOD].name;
		g_autoptr (JsonNode) factors = NULL;
		g_autofree gchar *generated = NULL;
		g_autofree gchar *stored = NULL;
		line->factors[HY_FACTOR_PERIOD].name = (gchar *) "周末 \"半价\" \\ \n\t\b\f\r\001";
		factors = hy_priced_line_factors_to_json (line);
		generated = json_to_string (factors, FALSE);
		stored = hy_priced_line_factors_to_text (line);
		g_assert_cmpstr (stored, ==, generated);
		line->factors[HY_FACTOR_PERIOD].name = name;
	}

	json = hy_priced_basket_to_json (basket);
	text = json_to_string (json, FALSE);
	g_assert_nonnull (strstr (text, "\"factors\":{\"level\":{\"discount_bp\":9500"));
	g_assert_nonnull (strstr (text, "\"source\":\"brand\",\"name\":\"海飞丝\""));
	g_assert_nonnull (strstr (text, "\"subtotal\":10500"));
}

static void
test_pricing_bad_basket (void)
{
	g_autoptr (HyRules) rules = load_rules ();
	g_autoptr (GDateTime) at = at_noon ("2026-11-17");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	const HyBasketLine unknown[] = {{"NOPE", 1, 0}};
	const HyBasketLine zero[] = {{"WATER", 0, 0}};
	const HyBasketLine huge[] = {{NULL, 0, HY_PRICING_MAX_LINE + 1}};

	basket = hy_pricing_price (rules, "S01", NULL, at, unknown, 1, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_assert_nonnull (strstr (error->message, "NOPE"));
	g_clear_error (&error);
	basket = hy_pricing_price (rules, "S01", NULL, at, zero, 1, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	basket = hy_pricing_price (rules, "S01", NULL, at, huge, 1, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	basket = hy_pricing_price (rules, "S01", NULL, at, NULL, 0, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
}

typedef struct {
	const gchar *birthday;
	const gchar *at;
	HyBirthdayMode mode;
	gboolean expected;
} BirthdayCase;

static void
test_pricing_birthday_edges (void)
{
	static const BirthdayCase cases_[] = {
		{"1990-11-17", "2026-11-17", HY_BIRTHDAY_DAY, TRUE},
		{"1990-11-17", "2026-11-18", HY_BIRTHDAY_DAY, FALSE},
		/* 29 February is kept on 28 February outside leap years */
		{"2000-02-29", "2027-02-28", HY_BIRTHDAY_DAY, TRUE},
		{"2000-02-29", "2027-03-01", HY_BIRTHDAY_DAY, FALSE},
		{"2000-02-29", "2028-02-28", HY_BIRTHDAY_DAY, FALSE},
		{"2000-02-29", "2028-02-29", HY_BIRTHDAY_DAY, TRUE},
		/* weeks run Monday to Sunday and may straddle the new year */
		{"1990-12-31", "2027-01-01", HY_BIRTHDAY_WEEK, TRUE},
		{"1990-12-31", "2027-01-03", HY_BIRTHDAY_WEEK, TRUE},
		{"1990-12-31", "2027-01-04", HY_BIRTHDAY_WEEK, FALSE},
		{"1990-12-31", "2026-12-27", HY_BIRTHDAY_WEEK, FALSE},
		{"1990-01-01", "2026-12-31", HY_BIRTHDAY_WEEK, TRUE},
		{"1990-01-05", "2026-12-31", HY_BIRTHDAY_WEEK, FALSE},
		{"2000-02-29", "2027-02-22", HY_BIRTHDAY_WEEK, TRUE},
		{"2000-02-29", "2027-03-01", HY_BIRTHDAY_WEEK, FALSE},
		{"1990-11-30", "2026-11-01", HY_BIRTHDAY_MONTH, TRUE},
		{"1990-11-30", "2026-12-01", HY_BIRTHDAY_MONTH, FALSE},
		{"2000-02-29", "2027-02-01", HY_BIRTHDAY_MONTH, TRUE},
		{NULL, "2027-02-01", HY_BIRTHDAY_MONTH, FALSE},
		{"not a date", "2027-02-01", HY_BIRTHDAY_MONTH, FALSE},
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases_); i++) {
		GDate at;
		gint y, m, d;
		g_assert_cmpint (sscanf (cases_[i].at, "%d-%d-%d", &y, &m, &d), ==, 3);
		g_date_clear (&at, 1);
		g_date_set_dmy (&at, d, m, y);
		if (hy_pricing_is_birthday (cases_[i].birthday, &at, cases_[i].mode) !=
		    cases_[i].expected)
			g_error ("birthday case %u (%s on %s) should be %d", i, cases_[i].birthday,
				 cases_[i].at, cases_[i].expected);
	}
}

static void
test_rules_malformed (void)
{
	static const struct {
		const gchar *json;
		const gchar *message;
	} bad[] = {
		{"{\"stores\": {\"S01\": {\"periods\": ["
		 "{\"kind\": \"weekly\", \"days\": [1]}, {\"kind\": \"monthly\", \"days\": [1]},"
		 "{\"kind\": \"date\", \"from\": \"2026-13-01\", \"to\": \"2026-12-01\"}]}}}",
		 "stores.S01.periods[2].from: not a date"},
		{"{\"levels\": [{\"name\": \"A\", \"points_bp\": \"x\"}]}",
		 "levels[0].points_bp: not an integer"},
		{"{\"items\": [{\"code\": \"A\", \"name\": \"a\", \"price\": -1}]}",
		 "items[0].price: -1 is out of range"},
		{"{\"items\": [{\"code\": \"A\", \"name\": \"a\"}]}", "items[0].price: missing"},
		{"{\"stores\": {\"S01\": {\"use_levle_points\": true}}}",
		 "stores.S01.use_levle_points: unknown key"},
		{"{\"stores\": {\"S01\": {\"use_period\": 1}}}",
		 "stores.S01.use_period: not true or false"},
		{"{\"stores\": {\"S01\": {\"prices\": {\"NOPE\": 100}}}}",
		 "stores.S01.prices.NOPE: no such item"},
		{"{\"stores\": {\"S01\": {\"order_total\": [{\"min\": 500, \"max\": 100}]}}}",
		 "stores.S01.order_total[0].max: less than"},
		{"{\"stores\": {\"S01\": {\"periods\": [{\"kind\": \"weekly\", \"days\": [8]}]}}}",
		 "stores.S01.periods[0].days[0]: not a weekday"},
		{"{\"stores\": {\"S01\": {\"periods\": [{\"kind\": \"yearly\", \"from\": \"02-30\","
		 " \"to\": \"03-01\"}]}}}",
		 "stores.S01.periods[0].from: not a month-day"},
		{"{\"stores\": {\"S01\": {\"periods\": [{\"kind\": \"hourly\"}]}}}",
		 "stores.S01.periods[0].kind: not one of"},
		{"{\"stores\": {\"S01\": {\"birthday\": {\"mode\": \"year\"}}}}",
		 "stores.S01.birthday.mode: not one of"},
		{"{\"stores\": {\"S01\": {\"points_bp\": 100001}}}",
		 "stores.S01.points_bp: 100001 is out of range"},
		{"{\"levels\": [{\"name\": \"A\"}, {\"name\": \"A\"}]}", "levels[1].name:"},
		{"[]", "(document): not an object"},
		{"{\"levels\": {}}", "levels: not a list"},
		{"{\"stores\": {\"S01\": ", "not JSON"},
	};
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HyRules) rules = hy_rules_from_json (bad[i].json, -1, &error);
		g_assert_null (rules);
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		if (!g_str_has_prefix (error->message, bad[i].message))
			g_error ("case %u: got “%s”, expected it to start with “%s”", i,
				 error->message, bad[i].message);
	}
}

static void
test_rules_round_trip (void)
{
	g_autoptr (HyRules) rules = load_rules ();
	g_autoptr (JsonNode) first = hy_rules_to_node (rules);
	g_autofree gchar *text = json_to_string (first, TRUE);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRules) again = hy_rules_from_json (text, -1, &error);
	g_autoptr (JsonNode) second = NULL;
	g_autofree gchar *text2 = NULL;

	g_assert_no_error (error);
	second = hy_rules_to_node (again);
	text2 = json_to_string (second, TRUE);
	g_assert_cmpstr (text, ==, text2);
	g_assert_nonnull (strstr (text, "\"from\" : \"2026-11-11\""));
	g_assert_nonnull (strstr (text, "\"from\" : \"12-30\""));
}

int
main (int argc, char **argv)
{
	/* a store in China: POSIX form, so no time zone database is needed */
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree gchar *path =
			g_strdup_printf ("/huiyuan/pricing/case/%s", cases[i].name);
		g_test_add_data_func (path, &cases[i], test_pricing_case);
	}
	g_test_add_func ("/huiyuan/pricing/basket", test_pricing_basket);
	g_test_add_func ("/huiyuan/pricing/bad-basket", test_pricing_bad_basket);
	g_test_add_func ("/huiyuan/pricing/birthday-edges", test_pricing_birthday_edges);
	g_test_add_func ("/huiyuan/rules/malformed", test_rules_malformed);
	g_test_add_func ("/huiyuan/rules/round-trip", test_rules_round_trip);
	return g_test_run ();
}
