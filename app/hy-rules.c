#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-date.h"
#include "hy-error.h"
#include "hy-rules.h"

#define HY_RULES_MAX_FEN G_GINT64_CONSTANT (10000000000)

/* ---- the model ---- */

static void
hy_level_rule_free (HyLevelRule *level)
{
	g_free (level->name);
	g_clear_pointer (&level->recharge, g_array_unref);
	g_free (level);
}

static void
hy_gift_rule_free (HyGiftRule *gift)
{
	g_free (gift->code);
	g_free (gift->name);
	g_free (gift);
}

static void
hy_item_rule_free (HyItemRule *item)
{
	g_free (item->code);
	g_free (item->name);
	g_free (item->category);
	g_free (item->brand);
	g_free (item->package.item);
	g_free (item);
}

static void
hy_period_rule_free (HyPeriodRule *period)
{
	g_free (period->name);
	g_free (period);
}

static HyStoreRules *
hy_store_rules_new (const gchar *code)
{
	HyStoreRules *store = g_new0 (HyStoreRules, 1);
	store->code = g_strdup (code);
	store->factor = HY_FACTOR_NEUTRAL;
	store->birthday = HY_FACTOR_NEUTRAL;
	store->birthday_mode = HY_BIRTHDAY_DAY;
	store->prices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	store->periods = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_period_rule_free);
	store->order_bands = g_array_new (FALSE, TRUE, sizeof (HyOrderBand));
	store->time.unit_minutes = 60;
	store->time.unit_prices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	return store;
}

static void
hy_store_rules_free (HyStoreRules *store)
{
	g_free (store->code);
	g_hash_table_unref (store->prices);
	g_ptr_array_unref (store->periods);
	g_array_unref (store->order_bands);
	g_hash_table_unref (store->time.unit_prices);
	g_free (store);
}

HyRules *
hy_rules_new (void)
{
	HyRules *rules = g_new0 (HyRules, 1);
	g_ref_count_init (&rules->ref_count);
	rules->levels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify) hy_level_rule_free);
	rules->level_order = g_ptr_array_new ();
	rules->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					      (GDestroyNotify) hy_item_rule_free);
	rules->categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	rules->brands = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	rules->stores = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify) hy_store_rules_free);
	/* stored value spent earns points unless the document says otherwise */
	rules->points.balance_payment_earns = TRUE;
	rules->gifts = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_gift_rule_free);
	return rules;
}

HyRules *
hy_rules_ref (HyRules *rules)
{
	g_ref_count_inc (&rules->ref_count);
	return rules;
}

void
hy_rules_free (HyRules *rules)
{
	if (!g_ref_count_dec (&rules->ref_count))
		return;
	g_ptr_array_unref (rules->level_order);
	g_hash_table_unref (rules->levels);
	g_hash_table_unref (rules->items);
	g_hash_table_unref (rules->categories);
	g_hash_table_unref (rules->brands);
	g_hash_table_unref (rules->stores);
	g_ptr_array_unref (rules->gifts);
	g_free (rules);
}

const HyGiftRule *
hy_rules_get_gift (const HyRules *rules, const gchar *code)
{
	for (guint i = 0; i < rules->gifts->len; i++) {
		const HyGiftRule *gift = g_ptr_array_index (rules->gifts, i);
		if (g_strcmp0 (gift->code, code) == 0)
			return gift;
	}
	return NULL;
}

const HyStoreRules *
hy_rules_get_store (const HyRules *rules, const gchar *code)
{
	static HyStoreRules *neutral = NULL;
	const HyStoreRules *store = g_hash_table_lookup (rules->stores, code);
	if (store != NULL)
		return store;
	if (g_once_init_enter (&neutral))
		g_once_init_leave (&neutral, hy_store_rules_new (""));
	return neutral;
}

/* ---- parsing, with the JSON path of every value for errors ---- */

static gboolean
hy_rules_fail (GError **error, const gchar *path, const gchar *reason)
{
	g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, "%s: %s", path, reason);
	return FALSE;
}

static gchar *
hy_path_key (const gchar *path, const gchar *key)
{
	return path[0] == '\0' ? g_strdup (key) : g_strdup_printf ("%s.%s", path, key);
}

static gchar *
hy_path_index (const gchar *path, guint i)
{
	return g_strdup_printf ("%s[%u]", path, i);
}

/* Refuses keys the format does not know, so a typo is an error and not a silent 100%. */
static gboolean
hy_rules_check_keys (JsonObject *obj, const gchar *path, const gchar *const *known, GError **error)
{
	g_autoptr (GList) members = json_object_get_members (obj);
	for (GList *l = members; l != NULL; l = l->next) {
		g_autofree gchar *p = NULL;
		if (g_strv_contains (known, l->data))
			continue;
		p = hy_path_key (path, l->data);
		return hy_rules_fail (error, p, _ ("unknown key"));
	}
	return TRUE;
}

static JsonObject *
hy_rules_object (JsonNode *node, const gchar *path, GError **error)
{
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
		hy_rules_fail (error, path[0] != '\0' ? path : "(document)", _ ("not an object"));
		return NULL;
	}
	return json_node_get_object (node);
}

static JsonArray *
hy_rules_array (JsonNode *node, const gchar *path, GError **error)
{
	if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
		hy_rules_fail (error, path, _ ("not a list"));
		return NULL;
	}
	return json_node_get_array (node);
}

static gboolean
hy_rules_int (JsonObject *obj,
	      const gchar *path,
	      const gchar *key,
	      gboolean required,
	      gint64 min,
	      gint64 max,
	      gint64 *out,
	      GError **error)
{
	JsonNode *node = json_object_get_member (obj, key);
	g_autofree gchar *p = hy_path_key (path, key);
	gint64 value;

	if (node == NULL) {
		if (required)
			return hy_rules_fail (error, p, _ ("missing"));
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
		return hy_rules_fail (error, p, _ ("not an integer"));
	value = json_node_get_int (node);
	if (value < min || value > max) {
		g_autofree gchar *why = g_strdup_printf (
			_ ("%" PRId64 " is out of range %" PRId64 "–%" PRId64), value, min, max);
		return hy_rules_fail (error, p, why);
	}
	*out = value;
	return TRUE;
}

static gboolean
hy_rules_bp (JsonObject *obj, const gchar *path, const gchar *key, gint *out, GError **error)
{
	gint64 value = *out;
	if (!hy_rules_int (obj, path, key, FALSE, 0, HY_RULES_MAX_BP, &value, error))
		return FALSE;
	*out = (gint) value;
	return TRUE;
}

static gboolean
hy_rules_bool (JsonObject *obj, const gchar *path, const gchar *key, gboolean *out, GError **error)
{
	JsonNode *node = json_object_get_member (obj, key);
	g_autofree gchar *p = hy_path_key (path, key);
	if (node == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
		return hy_rules_fail (error, p, _ ("not true or false"));
	*out = json_node_get_boolean (node);
	return TRUE;
}

static gboolean
hy_rules_string (JsonObject *obj,
		 const gchar *path,
		 const gchar *key,
		 gboolean required,
		 gchar **out,
		 GError **error)
{
	JsonNode *node = json_object_get_member (obj, key);
	g_autofree gchar *p = hy_path_key (path, key);
	if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
		if (required)
			return hy_rules_fail (error, p, _ ("missing"));
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
		return hy_rules_fail (error, p, _ ("not a string"));
	if (required && json_node_get_string (node)[0] == '\0')
		return hy_rules_fail (error, p, _ ("empty"));
	g_free (*out);
	*out = g_strdup (json_node_get_string (node));
	return TRUE;
}

static gboolean
hy_rules_factor (JsonObject *obj, const gchar *path, HyFactor *factor, GError **error)
{
	return hy_rules_bp (obj, path, "points_bp", &factor->points_bp, error) &&
	       hy_rules_bp (obj, path, "discount_bp", &factor->discount_bp, error);
}

static gboolean
hy_rules_parse_level_loyalty (JsonObject *obj,
			      const gchar *path,
			      HyLevelRule *level,
			      GError **error);

static gboolean
hy_rules_parse_levels (HyRules *rules, JsonArray *array, GError **error)
{
	static const gchar *const known[] = {"name",	"points_bp", "discount_bp",
					     "upgrade", "recharge",  NULL};
	for (guint i = 0; i < json_array_get_length (array); i++) {
		g_autofree gchar *path = hy_path_index ("levels", i);
		JsonObject *obj = hy_rules_object (json_array_get_element (array, i), path, error);
		HyLevelRule *level;
		if (obj == NULL || !hy_rules_check_keys (obj, path, known, error))
			return FALSE;
		level = g_new0 (HyLevelRule, 1);
		level->factor = HY_FACTOR_NEUTRAL;
		level->recharge = g_array_new (FALSE, TRUE, sizeof (HyRechargeRule));
		if (!hy_rules_string (obj, path, "name", TRUE, &level->name, error) ||
		    !hy_rules_factor (obj, path, &level->factor, error) ||
		    !hy_rules_parse_level_loyalty (obj, path, level, error)) {
			hy_level_rule_free (level);
			return FALSE;
		}
		if (g_hash_table_contains (rules->levels, level->name)) {
			g_autofree gchar *p = hy_path_key (path, "name");
			hy_level_rule_free (level);
			return hy_rules_fail (error, p, _ ("a level of this name is listed twice"));
		}
		g_hash_table_insert (rules->levels, level->name, level);
		g_ptr_array_add (rules->level_order, level);
	}
	return TRUE;
}

static gboolean
hy_rules_parse_groups (GHashTable *groups, const gchar *what, JsonArray *array, GError **error)
{
	static const gchar *const known[] = {"name", "points_bp", "discount_bp", NULL};
	for (guint i = 0; i < json_array_get_length (array); i++) {
		g_autofree gchar *path = hy_path_index (what, i);
		g_autofree gchar *name = NULL;
		JsonObject *obj = hy_rules_object (json_array_get_element (array, i), path, error);
		HyFactor factor = HY_FACTOR_NEUTRAL;
		if (obj == NULL || !hy_rules_check_keys (obj, path, known, error) ||
		    !hy_rules_string (obj, path, "name", TRUE, &name, error) ||
		    !hy_rules_factor (obj, path, &factor, error))
			return FALSE;
		if (g_hash_table_contains (groups, name)) {
			g_autofree gchar *p = hy_path_key (path, "name");
			return hy_rules_fail (error, p, _ ("listed twice"));
		}
		g_hash_table_insert (groups, g_steal_pointer (&name),
				     g_memdup2 (&factor, sizeof factor));
	}
	return TRUE;
}

/* "package": {"account": "count"|"time", "item", "qty", "valid_days"?}; whether the
 * item exists is checked once every item is known (hy_rules_check_packages). */
static gboolean
hy_rules_parse_package (JsonObject *item, const gchar *path, HyPackageRule *out, GError **error)
{
	static const gchar *const known[] = {"account", "item", "qty", "valid_days", NULL};
	g_autofree gchar *ppath = hy_path_key (path, "package");
	g_autofree gchar *account_path = hy_path_key (ppath, "account");
	g_autofree gchar *account = NULL;
	JsonObject *obj;

	if (!json_object_has_member (item, "package"))
		return TRUE;
	obj = hy_rules_object (json_object_get_member (item, "package"), ppath, error);
	if (obj == NULL || !hy_rules_check_keys (obj, ppath, known, error) ||
	    !hy_rules_string (obj, ppath, "account", TRUE, &account, error) ||
	    !hy_rules_string (obj, ppath, "item", TRUE, &out->item, error))
		return FALSE;
	if (g_strcmp0 (account, "count") == 0) {
		out->kind = HY_PACKAGE_COUNT;
		/* the bounds of a count lot */
		return hy_rules_int (obj, ppath, "qty", TRUE, 1, 100000, &out->qty, error) &&
		       hy_rules_int (obj, ppath, "valid_days", FALSE, 1, 36600, &out->valid_days,
				     error);
	}
	if (g_strcmp0 (account, "time") == 0) {
		out->kind = HY_PACKAGE_TIME;
		if (json_object_has_member (obj, "valid_days")) {
			g_autofree gchar *p = hy_path_key (ppath, "valid_days");
			return hy_rules_fail (error, p, _ ("time packages do not expire"));
		}
		/* minutes: up to a year of play per package */
		return hy_rules_int (obj, ppath, "qty", TRUE, 1, 527040, &out->qty, error);
	}
	return hy_rules_fail (error, account_path, _ ("not one of count, time"));
}

static gboolean
hy_rules_parse_item (HyRules *rules, JsonObject *obj, const gchar *path, GError **error)
{
	static const gchar *const known[] = {"code",	      "name",	  "price", "member_price",
					     "special_price", "category", "brand", "points_bp",
					     "discount_bp",   "package",  NULL};
	g_autoptr (GError) local = NULL;
	HyItemRule *item = g_new0 (HyItemRule, 1);

	item->member_price = -1;
	item->special_price = -1;
	item->factor = HY_FACTOR_NEUTRAL;
	if (!hy_rules_check_keys (obj, path, known, error) ||
	    !hy_rules_string (obj, path, "code", TRUE, &item->code, error) ||
	    !hy_rules_string (obj, path, "name", TRUE, &item->name, error) ||
	    !hy_rules_int (obj, path, "price", TRUE, 0, HY_RULES_MAX_FEN, &item->price, error) ||
	    !hy_rules_int (obj, path, "member_price", FALSE, 0, HY_RULES_MAX_FEN,
			   &item->member_price, error) ||
	    !hy_rules_int (obj, path, "special_price", FALSE, 0, HY_RULES_MAX_FEN,
			   &item->special_price, error) ||
	    !hy_rules_string (obj, path, "category", FALSE, &item->category, error) ||
	    !hy_rules_string (obj, path, "brand", FALSE, &item->brand, error) ||
	    !hy_rules_factor (obj, path, &item->factor, error) ||
	    !hy_rules_parse_package (obj, path, &item->package, error)) {
		hy_item_rule_free (item);
		return FALSE;
	}
	item->has_factor = json_object_has_member (obj, "points_bp") ||
			   json_object_has_member (obj, "discount_bp");
	if (g_hash_table_contains (rules->items, item->code)) {
		g_autofree gchar *p = hy_path_key (path, "code");
		hy_item_rule_free (item);
		return hy_rules_fail (error, p, _ ("an item with this code is listed twice"));
	}
	g_hash_table_insert (rules->items, item->code, item);
	return TRUE;
}

/* A package credits an item of the document or the catalogue that is not itself a
 * package. */
static gboolean
hy_rules_check_packages (HyRules *rules, GHashTable *catalogue, JsonArray *array, GError **error)
{
	for (guint i = 0; i < json_array_get_length (array); i++) {
		JsonObject *obj = json_array_get_object_element (array, i);
		const gchar *code = json_object_get_string_member (obj, "code");
		const HyItemRule *item = g_hash_table_lookup (rules->items, code);
		const HyItemRule *target;
		g_autofree gchar *path = NULL;
		if (item->package.kind == HY_PACKAGE_NONE)
			continue;
		path = g_strdup_printf ("items[%u].package.item", i);
		target = g_hash_table_lookup (rules->items, item->package.item);
		if (target == NULL &&
		    (catalogue == NULL || !g_hash_table_contains (catalogue, item->package.item)))
			return hy_rules_fail (error, path, _ ("no such item in “items”"));
		if (target != NULL && target->package.kind != HY_PACKAGE_NONE)
			return hy_rules_fail (error, path, _ ("is itself a package"));
	}
	return TRUE;
}

static gboolean
hy_rules_parse_items (HyRules *rules, GHashTable *catalogue, JsonArray *array, GError **error)
{
	for (guint i = 0; i < json_array_get_length (array); i++) {
		g_autofree gchar *path = hy_path_index ("items", i);
		JsonObject *obj = hy_rules_object (json_array_get_element (array, i), path, error);
		if (obj == NULL || !hy_rules_parse_item (rules, obj, path, error))
			return FALSE;
	}
	return hy_rules_check_packages (rules, catalogue, array, error);
}

/* "MM-DD" (any year, so 02-29 is allowed) as month × 100 + day. */
static gboolean
hy_rules_month_day (JsonObject *obj, const gchar *path, const gchar *key, gint *out, GError **error)
{
	g_autofree gchar *text = NULL;
	g_autofree gchar *p = hy_path_key (path, key);
	gint month, day;
	if (!hy_rules_string (obj, path, key, TRUE, &text, error))
		return FALSE;
	if (strlen (text) != 5 || text[2] != '-' || !g_ascii_isdigit (text[0]) ||
	    !g_ascii_isdigit (text[1]) || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
		return hy_rules_fail (error, p, _ ("not a month-day (MM-DD)"));
	month = (text[0] - '0') * 10 + (text[1] - '0');
	day = (text[3] - '0') * 10 + (text[4] - '0');
	if (month < 1 || month > 12 || day < 1 || day > g_date_get_days_in_month (month, 2000))
		return hy_rules_fail (error, p, _ ("not a month-day (MM-DD)"));
	*out = month * 100 + day;
	return TRUE;
}

static gboolean
hy_rules_date (JsonObject *obj, const gchar *path, const gchar *key, guint32 *out, GError **error)
{
	g_autofree gchar *text = NULL;
	g_autofree gchar *p = hy_path_key (path, key);
	GDate date;
	if (!hy_rules_string (obj, path, key, TRUE, &text, error))
		return FALSE;
	g_date_clear (&date, 1);
	if (!hy_date_parse (text, &date))
		return hy_rules_fail (error, p, _ ("not a date"));
	*out = g_date_get_julian (&date);
	return TRUE;
}

static gboolean
hy_rules_parse_period (JsonObject *obj, const gchar *path, HyPeriodRule *period, GError **error)
{
	static const gchar *const known[] = {"kind",	  "days",	 "from", "to",
					     "points_bp", "discount_bp", "name", NULL};
	g_autofree gchar *kind = NULL;
	g_autofree gchar *kind_path = hy_path_key (path, "kind");

	if (!hy_rules_check_keys (obj, path, known, error) ||
	    !hy_rules_string (obj, path, "kind", TRUE, &kind, error) ||
	    !hy_rules_string (obj, path, "name", FALSE, &period->name, error) ||
	    !hy_rules_factor (obj, path, &period->factor, error))
		return FALSE;
	if (g_strcmp0 (kind, "weekly") == 0 || g_strcmp0 (kind, "monthly") == 0) {
		gboolean weekly = kind[0] == 'w';
		g_autofree gchar *days_path = hy_path_key (path, "days");
		JsonArray *days =
			hy_rules_array (json_object_get_member (obj, "days"), days_path, error);
		period->kind = weekly ? HY_PERIOD_WEEKLY : HY_PERIOD_MONTHLY;
		if (days == NULL)
			return FALSE;
		if (json_array_get_length (days) == 0)
			return hy_rules_fail (error, days_path, _ ("lists no day"));
		for (guint i = 0; i < json_array_get_length (days); i++) {
			JsonNode *node = json_array_get_element (days, i);
			g_autofree gchar *p = hy_path_index (days_path, i);
			gint64 day;
			if (!JSON_NODE_HOLDS_VALUE (node) ||
			    json_node_get_value_type (node) != G_TYPE_INT64)
				return hy_rules_fail (error, p, _ ("not an integer"));
			day = json_node_get_int (node);
			if (day < 1 || day > (weekly ? 7 : 31))
				return hy_rules_fail (error, p,
						      weekly ? _ ("not a weekday 1 (Monday)–7")
							     : _ ("not a day of the month 1–31"));
			period->days |= G_GUINT64_CONSTANT (1) << day;
		}
		return TRUE;
	}
	if (g_strcmp0 (kind, "yearly") == 0) {
		period->kind = HY_PERIOD_YEARLY;
		return hy_rules_month_day (obj, path, "from", &period->from_md, error) &&
		       hy_rules_month_day (obj, path, "to", &period->to_md, error);
	}
	if (g_strcmp0 (kind, "date") == 0) {
		period->kind = HY_PERIOD_DATE;
		if (!hy_rules_date (obj, path, "from", &period->from_jday, error) ||
		    !hy_rules_date (obj, path, "to", &period->to_jday, error))
			return FALSE;
		if (period->to_jday < period->from_jday) {
			g_autofree gchar *p = hy_path_key (path, "to");
			return hy_rules_fail (error, p, _ ("before “from”"));
		}
		return TRUE;
	}
	return hy_rules_fail (error, kind_path, _ ("not one of weekly, monthly, yearly, date"));
}

static gboolean
hy_rules_parse_band (JsonObject *obj, const gchar *path, HyOrderBand *band, GError **error)
{
	static const gchar *const known[] = {"min", "max", "extra_discount_bp", "extra_points_bp",
					     NULL};
	gint64 discount = 0, points = 0;
	if (!hy_rules_check_keys (obj, path, known, error) ||
	    !hy_rules_int (obj, path, "min", TRUE, 0, HY_RULES_MAX_FEN, &band->min, error) ||
	    !hy_rules_int (obj, path, "max", TRUE, 0, HY_RULES_MAX_FEN, &band->max, error) ||
	    !hy_rules_int (obj, path, "extra_discount_bp", FALSE, 0, 10000, &discount, error) ||
	    !hy_rules_int (obj, path, "extra_points_bp", FALSE, 0, HY_RULES_MAX_BP, &points, error))
		return FALSE;
	if (band->max < band->min) {
		g_autofree gchar *p = hy_path_key (path, "max");
		return hy_rules_fail (error, p, _ ("less than “min”"));
	}
	band->extra_discount_bp = (gint) discount;
	band->extra_points_bp = (gint) points;
	return TRUE;
}

static gboolean
hy_rules_parse_birthday (JsonObject *store, const gchar *path, HyStoreRules *rules, GError **error)
{
	static const gchar *const known[] = {"mode", "points_bp", "discount_bp", NULL};
	g_autofree gchar *bpath = hy_path_key (path, "birthday");
	g_autofree gchar *mode_path = hy_path_key (bpath, "mode");
	g_autofree gchar *mode = NULL;
	JsonObject *obj;

	if (!json_object_has_member (store, "birthday"))
		return TRUE;
	obj = hy_rules_object (json_object_get_member (store, "birthday"), bpath, error);
	if (obj == NULL || !hy_rules_check_keys (obj, bpath, known, error) ||
	    !hy_rules_string (obj, bpath, "mode", FALSE, &mode, error) ||
	    !hy_rules_factor (obj, bpath, &rules->birthday, error))
		return FALSE;
	if (mode == NULL || g_strcmp0 (mode, "day") == 0)
		rules->birthday_mode = HY_BIRTHDAY_DAY;
	else if (g_strcmp0 (mode, "week") == 0)
		rules->birthday_mode = HY_BIRTHDAY_WEEK;
	else if (g_strcmp0 (mode, "month") == 0)
		rules->birthday_mode = HY_BIRTHDAY_MONTH;
	else
		return hy_rules_fail (error, mode_path, _ ("not one of day, week, month"));
	return TRUE;
}

static gboolean
hy_rules_parse_prices (HyRules *rules,
		       GHashTable *catalogue,
		       JsonObject *store,
		       const gchar *path,
		       HyStoreRules *out,
		       GError **error)
{
	g_autofree gchar *ppath = hy_path_key (path, "prices");
	g_autoptr (GList) codes = NULL;
	JsonObject *prices;

	if (!json_object_has_member (store, "prices"))
		return TRUE;
	prices = hy_rules_object (json_object_get_member (store, "prices"), ppath, error);
	if (prices == NULL)
		return FALSE;
	codes = json_object_get_members (prices);
	for (GList *l = codes; l != NULL; l = l->next) {
		gint64 fen = 0;
		if (!g_hash_table_contains (rules->items, l->data) &&
		    (catalogue == NULL || !g_hash_table_contains (catalogue, l->data))) {
			g_autofree gchar *p = hy_path_key (ppath, l->data);
			return hy_rules_fail (error, p, _ ("no such item in “items”"));
		}
		if (!hy_rules_int (prices, ppath, l->data, TRUE, 0, HY_RULES_MAX_FEN, &fen, error))
			return FALSE;
		g_hash_table_insert (out->prices, g_strdup (l->data), g_memdup2 (&fen, sizeof fen));
	}
	return TRUE;
}

/* "time": {"unit_minutes", "grace_minutes"?, "free_minutes"?, "unit_price"?: {item: fen}} */
static gboolean
hy_rules_parse_time (HyRules *rules,
		     GHashTable *catalogue,
		     JsonObject *store,
		     const gchar *path,
		     HyTimeRules *out,
		     GError **error)
{
	static const gchar *const known[] = {"unit_minutes", "grace_minutes", "free_minutes",
					     "unit_price", NULL};
	g_autofree gchar *tpath = hy_path_key (path, "time");
	gint64 unit = 0, grace = 0, free_minutes = 0;
	JsonObject *obj;

	if (!json_object_has_member (store, "time"))
		return TRUE;
	obj = hy_rules_object (json_object_get_member (store, "time"), tpath, error);
	if (obj == NULL || !hy_rules_check_keys (obj, tpath, known, error) ||
	    !hy_rules_int (obj, tpath, "unit_minutes", TRUE, 1, 1440, &unit, error) ||
	    !hy_rules_int (obj, tpath, "grace_minutes", FALSE, 0, unit - 1, &grace, error) ||
	    !hy_rules_int (obj, tpath, "free_minutes", FALSE, 0, 1440, &free_minutes, error))
		return FALSE;
	out->set = TRUE;
	out->unit_minutes = (gint) unit;
	out->grace_minutes = (gint) grace;
	out->free_minutes = (gint) free_minutes;
	if (json_object_has_member (obj, "unit_price")) {
		g_autofree gchar *ppath = hy_path_key (tpath, "unit_price");
		JsonObject *prices =
			hy_rules_object (json_object_get_member (obj, "unit_price"), ppath, error);
		g_autoptr (GList) codes = NULL;
		if (prices == NULL)
			return FALSE;
		codes = json_object_get_members (prices);
		for (GList *l = codes; l != NULL; l = l->next) {
			gint64 fen = 0;
			if (!g_hash_table_contains (rules->items, l->data) &&
			    (catalogue == NULL || !g_hash_table_contains (catalogue, l->data))) {
				g_autofree gchar *p = hy_path_key (ppath, l->data);
				return hy_rules_fail (error, p, _ ("no such item in “items”"));
			}
			if (!hy_rules_int (prices, ppath, l->data, TRUE, 0, HY_RULES_MAX_FEN, &fen,
					   error))
				return FALSE;
			g_hash_table_insert (out->unit_prices, g_strdup (l->data),
					     g_memdup2 (&fen, sizeof fen));
		}
	}
	return TRUE;
}

static gboolean
hy_rules_parse_store (HyRules *rules,
		      GHashTable *catalogue,
		      JsonObject *obj,
		      const gchar *path,
		      HyStoreRules *store,
		      GError **error)
{
	static const gchar *const known[] = {"use_level_points",
					     "use_item_points",
					     "use_period",
					     "use_level_discount",
					     "use_item_discount",
					     "use_order_total",
					     "points_bp",
					     "discount_bp",
					     "birthday",
					     "prices",
					     "periods",
					     "order_total",
					     "time",
					     NULL};

	if (!hy_rules_check_keys (obj, path, known, error) ||
	    !hy_rules_bool (obj, path, "use_level_points", &store->use_level_points, error) ||
	    !hy_rules_bool (obj, path, "use_item_points", &store->use_item_points, error) ||
	    !hy_rules_bool (obj, path, "use_period", &store->use_period, error) ||
	    !hy_rules_bool (obj, path, "use_level_discount", &store->use_level_discount, error) ||
	    !hy_rules_bool (obj, path, "use_item_discount", &store->use_item_discount, error) ||
	    !hy_rules_bool (obj, path, "use_order_total", &store->use_order_total, error) ||
	    !hy_rules_factor (obj, path, &store->factor, error) ||
	    !hy_rules_parse_birthday (obj, path, store, error) ||
	    !hy_rules_parse_prices (rules, catalogue, obj, path, store, error) ||
	    !hy_rules_parse_time (rules, catalogue, obj, path, &store->time, error))
		return FALSE;

	if (json_object_has_member (obj, "periods")) {
		g_autofree gchar *ppath = hy_path_key (path, "periods");
		JsonArray *array =
			hy_rules_array (json_object_get_member (obj, "periods"), ppath, error);
		if (array == NULL)
			return FALSE;
		for (guint i = 0; i < json_array_get_length (array); i++) {
			g_autofree gchar *p = hy_path_index (ppath, i);
			JsonObject *pobj =
				hy_rules_object (json_array_get_element (array, i), p, error);
			HyPeriodRule *period = g_new0 (HyPeriodRule, 1);
			period->factor = HY_FACTOR_NEUTRAL;
			g_ptr_array_add (store->periods, period);
			if (pobj == NULL || !hy_rules_parse_period (pobj, p, period, error))
				return FALSE;
		}
	}
	if (json_object_has_member (obj, "order_total")) {
		g_autofree gchar *opath = hy_path_key (path, "order_total");
		JsonArray *array =
			hy_rules_array (json_object_get_member (obj, "order_total"), opath, error);
		if (array == NULL)
			return FALSE;
		for (guint i = 0; i < json_array_get_length (array); i++) {
			g_autofree gchar *p = hy_path_index (opath, i);
			JsonObject *bobj =
				hy_rules_object (json_array_get_element (array, i), p, error);
			HyOrderBand band = {0};
			if (bobj == NULL || !hy_rules_parse_band (bobj, p, &band, error))
				return FALSE;
			g_array_append_val (store->order_bands, band);
		}
	}
	return TRUE;
}

/* ---- loyalty: upgrades and recharge rules of levels, points, gifts ---- */

static gboolean
hy_rules_parse_recharge (JsonObject *obj, const gchar *path, HyRechargeRule *rule, GError **error)
{
	static const gchar *const known[] = {"min",	   "bonus_money", "bonus_points",
					     "first_only", "instalments", NULL};
	static const gchar *const inst_known[] = {"every_days", "times", "money", "points", NULL};
	g_autofree gchar *ipath = hy_path_key (path, "instalments");
	gint64 every = 0, times = 0;
	JsonObject *inst;

	if (!hy_rules_check_keys (obj, path, known, error) ||
	    !hy_rules_int (obj, path, "min", TRUE, 1, HY_RULES_MAX_FEN, &rule->min, error) ||
	    !hy_rules_int (obj, path, "bonus_money", FALSE, 0, HY_RULES_MAX_FEN, &rule->bonus_money,
			   error) ||
	    !hy_rules_int (obj, path, "bonus_points", FALSE, 0, HY_RULES_MAX_FEN,
			   &rule->bonus_points, error) ||
	    !hy_rules_bool (obj, path, "first_only", &rule->first_only, error))
		return FALSE;
	if (!json_object_has_member (obj, "instalments"))
		return TRUE;
	inst = hy_rules_object (json_object_get_member (obj, "instalments"), ipath, error);
	if (inst == NULL || !hy_rules_check_keys (inst, ipath, inst_known, error) ||
	    !hy_rules_int (inst, ipath, "every_days", TRUE, 1, 3660, &every, error) ||
	    !hy_rules_int (inst, ipath, "times", TRUE, 1, 1000, &times, error) ||
	    !hy_rules_int (inst, ipath, "money", FALSE, 0, HY_RULES_MAX_FEN,
			   &rule->instalment_money, error) ||
	    !hy_rules_int (inst, ipath, "points", FALSE, 0, HY_RULES_MAX_FEN,
			   &rule->instalment_points, error))
		return FALSE;
	rule->every_days = (gint) every;
	rule->times = (gint) times;
	return TRUE;
}

static gboolean
hy_rules_parse_level_loyalty (JsonObject *obj,
			      const gchar *path,
			      HyLevelRule *level,
			      GError **error)
{
	static const gchar *const upgrade_known[] = {"points", "deduct", NULL};
	g_autofree gchar *upath = hy_path_key (path, "upgrade");
	g_autofree gchar *rpath = hy_path_key (path, "recharge");
	JsonArray *array;

	if (json_object_has_member (obj, "upgrade")) {
		JsonObject *up =
			hy_rules_object (json_object_get_member (obj, "upgrade"), upath, error);
		if (up == NULL || !hy_rules_check_keys (up, upath, upgrade_known, error) ||
		    !hy_rules_int (up, upath, "points", TRUE, 0, HY_RULES_MAX_FEN,
				   &level->upgrade_points, error) ||
		    !hy_rules_bool (up, upath, "deduct", &level->upgrade_deduct, error))
			return FALSE;
		level->has_upgrade = TRUE;
	}
	if (!json_object_has_member (obj, "recharge"))
		return TRUE;
	array = hy_rules_array (json_object_get_member (obj, "recharge"), rpath, error);
	if (array == NULL)
		return FALSE;
	for (guint i = 0; i < json_array_get_length (array); i++) {
		g_autofree gchar *p = hy_path_index (rpath, i);
		JsonObject *robj = hy_rules_object (json_array_get_element (array, i), p, error);
		HyRechargeRule rule = {0};
		if (robj == NULL || !hy_rules_parse_recharge (robj, p, &rule, error))
			return FALSE;
		for (guint j = 0; j < level->recharge->len; j++) {
			if (g_array_index (level->recharge, HyRechargeRule, j).min == rule.min) {
				g_autofree gchar *mp = hy_path_key (p, "min");
				return hy_rules_fail (error, mp,
						      _ ("another recharge rule has this minimum"));
			}
		}
		g_array_append_val (level->recharge, rule);
	}
	return TRUE;
}

static gboolean
hy_rules_parse_points (HyRules *rules, JsonObject *doc, GError **error)
{
	static const gchar *const known[] = {"expire_days", "recharge_earns",
					     "balance_payment_earns", "cash_value", NULL};
	static const gchar *const cash_known[] = {"points", "fen", NULL};
	HyPointsRules *points = &rules->points;
	gint64 expire = 0;
	JsonObject *obj;

	if (!json_object_has_member (doc, "points"))
		return TRUE;
	obj = hy_rules_object (json_object_get_member (doc, "points"), "points", error);
	if (obj == NULL || !hy_rules_check_keys (obj, "points", known, error) ||
	    !hy_rules_int (obj, "points", "expire_days", FALSE, 0, 36600, &expire, error) ||
	    !hy_rules_bool (obj, "points", "recharge_earns", &points->recharge_earns, error) ||
	    !hy_rules_bool (obj, "points", "balance_payment_earns", &points->balance_payment_earns,
			    error))
		return FALSE;
	points->expire_days = (gint) expire;
	if (json_object_has_member (obj, "cash_value")) {
		JsonObject *cash = hy_rules_object (json_object_get_member (obj, "cash_value"),
						    "points.cash_value", error);
		if (cash == NULL ||
		    !hy_rules_check_keys (cash, "points.cash_value", cash_known, error) ||
		    !hy_rules_int (cash, "points.cash_value", "points", TRUE, 1, HY_RULES_MAX_FEN,
				   &points->cash_points, error) ||
		    !hy_rules_int (cash, "points.cash_value", "fen", TRUE, 1, HY_RULES_MAX_FEN,
				   &points->cash_fen, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hy_rules_parse_gifts (HyRules *rules, JsonObject *doc, GError **error)
{
	static const gchar *const known[] = {"code", "name", "points", "stock", NULL};
	JsonArray *array;

	if (!json_object_has_member (doc, "gifts"))
		return TRUE;
	array = hy_rules_array (json_object_get_member (doc, "gifts"), "gifts", error);
	if (array == NULL)
		return FALSE;
	for (guint i = 0; i < json_array_get_length (array); i++) {
		g_autofree gchar *path = hy_path_index ("gifts", i);
		JsonObject *obj = hy_rules_object (json_array_get_element (array, i), path, error);
		HyGiftRule *gift;
		if (obj == NULL || !hy_rules_check_keys (obj, path, known, error))
			return FALSE;
		gift = g_new0 (HyGiftRule, 1);
		gift->stock = -1;
		g_ptr_array_add (rules->gifts, gift);
		if (!hy_rules_string (obj, path, "code", TRUE, &gift->code, error) ||
		    !hy_rules_string (obj, path, "name", TRUE, &gift->name, error) ||
		    !hy_rules_int (obj, path, "points", TRUE, 1, HY_RULES_MAX_FEN, &gift->points,
				   error) ||
		    !hy_rules_int (obj, path, "stock", FALSE, 0, 100000000, &gift->stock, error))
			return FALSE;
		for (guint j = 0; j + 1 < rules->gifts->len; j++) {
			const HyGiftRule *other = g_ptr_array_index (rules->gifts, j);
			if (g_strcmp0 (other->code, gift->code) == 0) {
				g_autofree gchar *p = hy_path_key (path, "code");
				return hy_rules_fail (error, p,
						      _ ("a gift with this code is listed twice"));
			}
		}
	}
	return TRUE;
}

HyRules *
hy_rules_from_node (JsonNode *root, GError **error)
{
	return hy_rules_from_node_full (root, NULL, error);
}

HyRules *
hy_rules_from_node_full (JsonNode *root, GHashTable *catalogue, GError **error)
{
	static const gchar *const known[] = {"levels", "items",	 "categories", "brands",
					     "stores", "points", "gifts",      NULL};
	g_autoptr (HyRules) rules = hy_rules_new ();
	JsonObject *doc = hy_rules_object (root, "", error);
	JsonObject *stores;
	g_autoptr (GList) codes = NULL;

	if (doc == NULL || !hy_rules_check_keys (doc, "", known, error) ||
	    !hy_rules_parse_points (rules, doc, error) || !hy_rules_parse_gifts (rules, doc, error))
		return NULL;
	/* items first: store prices refer to them */
	for (guint k = 0; k < 4; k++) {
		const gchar *key =
			(const gchar *const[]){"levels", "items", "categories", "brands"}[k];
		JsonArray *array;
		gboolean ok;
		if (!json_object_has_member (doc, key))
			continue;
		array = hy_rules_array (json_object_get_member (doc, key), key, error);
		if (array == NULL)
			return NULL;
		if (k == 0)
			ok = hy_rules_parse_levels (rules, array, error);
		else if (k == 1)
			ok = hy_rules_parse_items (rules, catalogue, array, error);
		else
			ok = hy_rules_parse_groups (k == 2 ? rules->categories : rules->brands, key,
						    array, error);
		if (!ok)
			return NULL;
	}
	if (!json_object_has_member (doc, "stores"))
		return g_steal_pointer (&rules);
	stores = hy_rules_object (json_object_get_member (doc, "stores"), "stores", error);
	if (stores == NULL)
		return NULL;
	codes = json_object_get_members (stores);
	for (GList *l = codes; l != NULL; l = l->next) {
		g_autofree gchar *path = hy_path_key ("stores", l->data);
		JsonObject *obj =
			hy_rules_object (json_object_get_member (stores, l->data), path, error);
		HyStoreRules *store;
		if (obj == NULL)
			return NULL;
		store = hy_store_rules_new (l->data);
		g_hash_table_insert (rules->stores, store->code, store);
		if (!hy_rules_parse_store (rules, catalogue, obj, path, store, error))
			return NULL;
	}
	return g_steal_pointer (&rules);
}

HyRules *
hy_rules_from_json (const gchar *text, gssize length, GError **error)
{
	return hy_rules_from_json_full (text, length, NULL, error);
}

HyRules *
hy_rules_from_json_full (const gchar *text, gssize length, GHashTable *catalogue, GError **error)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GError) local = NULL;
	if (!json_parser_load_from_data (parser, text, length, &local)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("not JSON: %s"),
			     local->message);
		return NULL;
	}
	return hy_rules_from_node_full (json_parser_get_root (parser), catalogue, error);
}

/* ---- the canonical document ---- */

static void
hy_rules_add_factor (JsonBuilder *b, HyFactor factor)
{
	json_builder_set_member_name (b, "points_bp");
	json_builder_add_int_value (b, factor.points_bp);
	json_builder_set_member_name (b, "discount_bp");
	json_builder_add_int_value (b, factor.discount_bp);
}

static void
hy_rules_add_int (JsonBuilder *b, const gchar *key, gint64 value)
{
	json_builder_set_member_name (b, key);
	json_builder_add_int_value (b, value);
}

static void
hy_rules_add_bool (JsonBuilder *b, const gchar *key, gboolean value)
{
	json_builder_set_member_name (b, key);
	json_builder_add_boolean_value (b, value);
}

static void
hy_rules_add_string (JsonBuilder *b, const gchar *key, const gchar *value)
{
	if (value == NULL)
		return;
	json_builder_set_member_name (b, key);
	json_builder_add_string_value (b, value);
}

static GList *
hy_rules_sorted_keys (GHashTable *table)
{
	return g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) g_strcmp0);
}

static void
hy_rules_add_groups (JsonBuilder *b, const gchar *key, GHashTable *groups)
{
	g_autoptr (GList) names = hy_rules_sorted_keys (groups);
	json_builder_set_member_name (b, key);
	json_builder_begin_array (b);
	for (GList *l = names; l != NULL; l = l->next) {
		json_builder_begin_object (b);
		hy_rules_add_string (b, "name", l->data);
		hy_rules_add_factor (b, *(HyFactor *) g_hash_table_lookup (groups, l->data));
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
}

static gchar *
hy_rules_jday_to_string (guint32 jday)
{
	g_autoptr (GDate) date = g_date_new_julian (jday);
	return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
				g_date_get_day (date));
}

static void
hy_rules_add_period (JsonBuilder *b, const HyPeriodRule *period)
{
	static const gchar *const kinds[] = {"weekly", "monthly", "yearly", "date"};
	json_builder_begin_object (b);
	hy_rules_add_string (b, "kind", kinds[period->kind]);
	hy_rules_add_string (b, "name", period->name);
	if (period->kind == HY_PERIOD_WEEKLY || period->kind == HY_PERIOD_MONTHLY) {
		json_builder_set_member_name (b, "days");
		json_builder_begin_array (b);
		for (gint d = 1; d <= 31; d++) {
			if (period->days & (G_GUINT64_CONSTANT (1) << d))
				json_builder_add_int_value (b, d);
		}
		json_builder_end_array (b);
	} else if (period->kind == HY_PERIOD_YEARLY) {
		g_autofree gchar *from =
			g_strdup_printf ("%02d-%02d", period->from_md / 100, period->from_md % 100);
		g_autofree gchar *to =
			g_strdup_printf ("%02d-%02d", period->to_md / 100, period->to_md % 100);
		hy_rules_add_string (b, "from", from);
		hy_rules_add_string (b, "to", to);
	} else {
		g_autofree gchar *from = hy_rules_jday_to_string (period->from_jday);
		g_autofree gchar *to = hy_rules_jday_to_string (period->to_jday);
		hy_rules_add_string (b, "from", from);
		hy_rules_add_string (b, "to", to);
	}
	hy_rules_add_factor (b, period->factor);
	json_builder_end_object (b);
}

static void
hy_rules_add_time (JsonBuilder *b, const HyTimeRules *time)
{
	g_autoptr (GList) codes = hy_rules_sorted_keys (time->unit_prices);
	json_builder_set_member_name (b, "time");
	json_builder_begin_object (b);
	hy_rules_add_int (b, "unit_minutes", time->unit_minutes);
	hy_rules_add_int (b, "grace_minutes", time->grace_minutes);
	hy_rules_add_int (b, "free_minutes", time->free_minutes);
	json_builder_set_member_name (b, "unit_price");
	json_builder_begin_object (b);
	for (GList *l = codes; l != NULL; l = l->next)
		hy_rules_add_int (b, l->data,
				  *(gint64 *) g_hash_table_lookup (time->unit_prices, l->data));
	json_builder_end_object (b);
	json_builder_end_object (b);
}

static void
hy_rules_add_store (JsonBuilder *b, const HyStoreRules *store)
{
	static const gchar *const modes[] = {"day", "week", "month"};
	g_autoptr (GList) codes = hy_rules_sorted_keys (store->prices);

	json_builder_begin_object (b);
	hy_rules_add_bool (b, "use_level_points", store->use_level_points);
	hy_rules_add_bool (b, "use_item_points", store->use_item_points);
	hy_rules_add_bool (b, "use_period", store->use_period);
	hy_rules_add_bool (b, "use_level_discount", store->use_level_discount);
	hy_rules_add_bool (b, "use_item_discount", store->use_item_discount);
	hy_rules_add_bool (b, "use_order_total", store->use_order_total);
	hy_rules_add_factor (b, store->factor);
	json_builder_set_member_name (b, "birthday");
	json_builder_begin_object (b);
	hy_rules_add_string (b, "mode", modes[store->birthday_mode]);
	hy_rules_add_factor (b, store->birthday);
	json_builder_end_object (b);
	json_builder_set_member_name (b, "prices");
	json_builder_begin_object (b);
	for (GList *l = codes; l != NULL; l = l->next)
		hy_rules_add_int (b, l->data,
				  *(gint64 *) g_hash_table_lookup (store->prices, l->data));
	json_builder_end_object (b);
	json_builder_set_member_name (b, "periods");
	json_builder_begin_array (b);
	for (guint i = 0; i < store->periods->len; i++)
		hy_rules_add_period (b, g_ptr_array_index (store->periods, i));
	json_builder_end_array (b);
	json_builder_set_member_name (b, "order_total");
	json_builder_begin_array (b);
	for (guint i = 0; i < store->order_bands->len; i++) {
		const HyOrderBand *band = &g_array_index (store->order_bands, HyOrderBand, i);
		json_builder_begin_object (b);
		hy_rules_add_int (b, "min", band->min);
		hy_rules_add_int (b, "max", band->max);
		hy_rules_add_int (b, "extra_discount_bp", band->extra_discount_bp);
		hy_rules_add_int (b, "extra_points_bp", band->extra_points_bp);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	if (store->time.set)
		hy_rules_add_time (b, &store->time);
	json_builder_end_object (b);
}

static void
hy_rules_add_package (JsonBuilder *b, const HyPackageRule *package)
{
	json_builder_set_member_name (b, "package");
	json_builder_begin_object (b);
	hy_rules_add_string (b, "account", package->kind == HY_PACKAGE_COUNT ? "count" : "time");
	hy_rules_add_string (b, "item", package->item);
	hy_rules_add_int (b, "qty", package->qty);
	if (package->valid_days > 0)
		hy_rules_add_int (b, "valid_days", package->valid_days);
	json_builder_end_object (b);
}

static void
hy_rules_add_level_loyalty (JsonBuilder *b, const HyLevelRule *level)
{
	if (level->has_upgrade) {
		json_builder_set_member_name (b, "upgrade");
		json_builder_begin_object (b);
		hy_rules_add_int (b, "points", level->upgrade_points);
		hy_rules_add_bool (b, "deduct", level->upgrade_deduct);
		json_builder_end_object (b);
	}
	if (level->recharge == NULL || level->recharge->len == 0)
		return;
	json_builder_set_member_name (b, "recharge");
	json_builder_begin_array (b);
	for (guint i = 0; i < level->recharge->len; i++) {
		const HyRechargeRule *rule = &g_array_index (level->recharge, HyRechargeRule, i);
		json_builder_begin_object (b);
		hy_rules_add_int (b, "min", rule->min);
		hy_rules_add_int (b, "bonus_money", rule->bonus_money);
		hy_rules_add_int (b, "bonus_points", rule->bonus_points);
		hy_rules_add_bool (b, "first_only", rule->first_only);
		if (rule->times > 0) {
			json_builder_set_member_name (b, "instalments");
			json_builder_begin_object (b);
			hy_rules_add_int (b, "every_days", rule->every_days);
			hy_rules_add_int (b, "times", rule->times);
			hy_rules_add_int (b, "money", rule->instalment_money);
			hy_rules_add_int (b, "points", rule->instalment_points);
			json_builder_end_object (b);
		}
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
}

static void
hy_rules_add_loyalty (JsonBuilder *b, const HyRules *rules)
{
	const HyPointsRules *points = &rules->points;
	json_builder_set_member_name (b, "points");
	json_builder_begin_object (b);
	if (points->expire_days > 0)
		hy_rules_add_int (b, "expire_days", points->expire_days);
	hy_rules_add_bool (b, "recharge_earns", points->recharge_earns);
	hy_rules_add_bool (b, "balance_payment_earns", points->balance_payment_earns);
	if (points->cash_fen > 0) {
		json_builder_set_member_name (b, "cash_value");
		json_builder_begin_object (b);
		hy_rules_add_int (b, "points", points->cash_points);
		hy_rules_add_int (b, "fen", points->cash_fen);
		json_builder_end_object (b);
	}
	json_builder_end_object (b);
	json_builder_set_member_name (b, "gifts");
	json_builder_begin_array (b);
	for (guint i = 0; i < rules->gifts->len; i++) {
		const HyGiftRule *gift = g_ptr_array_index (rules->gifts, i);
		json_builder_begin_object (b);
		hy_rules_add_string (b, "code", gift->code);
		hy_rules_add_string (b, "name", gift->name);
		hy_rules_add_int (b, "points", gift->points);
		if (gift->stock >= 0)
			hy_rules_add_int (b, "stock", gift->stock);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
}

JsonNode *
hy_rules_to_node (const HyRules *rules)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (GList) items = hy_rules_sorted_keys (rules->items);
	g_autoptr (GList) stores = hy_rules_sorted_keys (rules->stores);

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "levels");
	json_builder_begin_array (b);
	/* in rank order, lowest first: the order decides the ranks of new levels */
	for (guint i = 0; i < rules->level_order->len; i++) {
		const HyLevelRule *level = g_ptr_array_index (rules->level_order, i);
		json_builder_begin_object (b);
		hy_rules_add_string (b, "name", level->name);
		hy_rules_add_factor (b, level->factor);
		hy_rules_add_level_loyalty (b, level);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "items");
	json_builder_begin_array (b);
	for (GList *l = items; l != NULL; l = l->next) {
		const HyItemRule *item = g_hash_table_lookup (rules->items, l->data);
		json_builder_begin_object (b);
		hy_rules_add_string (b, "code", item->code);
		hy_rules_add_string (b, "name", item->name);
		hy_rules_add_int (b, "price", item->price);
		if (item->member_price >= 0)
			hy_rules_add_int (b, "member_price", item->member_price);
		if (item->special_price >= 0)
			hy_rules_add_int (b, "special_price", item->special_price);
		hy_rules_add_string (b, "category", item->category);
		hy_rules_add_string (b, "brand", item->brand);
		if (item->has_factor)
			hy_rules_add_factor (b, item->factor);
		if (item->package.kind != HY_PACKAGE_NONE)
			hy_rules_add_package (b, &item->package);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	hy_rules_add_groups (b, "categories", rules->categories);
	hy_rules_add_groups (b, "brands", rules->brands);
	json_builder_set_member_name (b, "stores");
	json_builder_begin_object (b);
	for (GList *l = stores; l != NULL; l = l->next) {
		json_builder_set_member_name (b, l->data);
		hy_rules_add_store (b, g_hash_table_lookup (rules->stores, l->data));
	}
	json_builder_end_object (b);
	hy_rules_add_loyalty (b, rules);
	json_builder_end_object (b);
	return json_builder_get_root (b);
}
