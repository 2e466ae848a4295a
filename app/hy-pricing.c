#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-date.h"
#include "hy-error.h"
#include "hy-money.h"
#include "hy-pricing.h"

static const gchar *const hy_factor_names[HY_FACTOR_N] = {
	"level", "item", "birthday", "store", "period", "order",
};

static void
hy_priced_line_free (HyPricedLine *line)
{
	g_free (line->item);
	for (guint i = 0; i < HY_FACTOR_N; i++)
		g_free (line->factors[i].name);
	g_free (line);
}

void
hy_priced_basket_free (HyPricedBasket *basket)
{
	g_ptr_array_unref (basket->lines);
	g_free (basket);
}

/* ---- dates ---- */

/* The birthday as celebrated in `year`: 29 February falls on 28 February in other years. */
static guint32
hy_pricing_birthday_in (GDateMonth month, GDateDay day, GDateYear year)
{
	GDate date;
	if (month == G_DATE_FEBRUARY && day == 29 && !g_date_is_leap_year (year))
		day = 28;
	g_date_clear (&date, 1);
	g_date_set_dmy (&date, day, month, year);
	return g_date_get_julian (&date);
}

static guint32
hy_pricing_monday (guint32 jday)
{
	GDate date;
	g_date_clear (&date, 1);
	g_date_set_julian (&date, jday);
	return jday - (g_date_get_weekday (&date) - G_DATE_MONDAY);
}

gboolean
hy_pricing_is_birthday (const gchar *birthday, GDate *at, HyBirthdayMode mode)
{
	GDate born;
	GDateYear year = g_date_get_year (at);
	g_date_clear (&born, 1);
	if (birthday == NULL || !hy_date_parse (birthday, &born))
		return FALSE;
	switch (mode) {
	case HY_BIRTHDAY_DAY:
		return hy_pricing_birthday_in (g_date_get_month (&born), g_date_get_day (&born),
					       year) == g_date_get_julian (at);
	case HY_BIRTHDAY_WEEK:
		/* Monday to Sunday; a week can straddle the new year, so look at the
		 * birthday in the neighbouring years too */
		for (gint y = (gint) year - 1; y <= (gint) year + 1; y++) {
			guint32 b = hy_pricing_birthday_in (g_date_get_month (&born),
							    g_date_get_day (&born), (GDateYear) y);
			if (hy_pricing_monday (b) == hy_pricing_monday (g_date_get_julian (at)))
				return TRUE;
		}
		return FALSE;
	case HY_BIRTHDAY_MONTH:
	default:
		return g_date_get_month (&born) == g_date_get_month (at);
	}
}

/* ---- factors ---- */

static HyFactorUse
hy_factor_use (HyFactor factor, const gchar *source, const gchar *name)
{
	return (HyFactorUse){factor, source, g_strdup (name)};
}

static HyFactorUse
hy_pricing_item_factor (const HyRules *rules, const HyItemRule *item)
{
	const HyFactor *group;
	if (item == NULL)
		return hy_factor_use (HY_FACTOR_NEUTRAL, "none", NULL);
	if (item->has_factor)
		return hy_factor_use (item->factor, "item", item->code);
	if (item->category != NULL &&
	    (group = g_hash_table_lookup (rules->categories, item->category)) != NULL)
		return hy_factor_use (*group, "category", item->category);
	if (item->brand != NULL &&
	    (group = g_hash_table_lookup (rules->brands, item->brand)) != NULL)
		return hy_factor_use (*group, "brand", item->brand);
	return hy_factor_use (HY_FACTOR_NEUTRAL, "none", NULL);
}

/* Only the highest-priority kind that matches applies: date > yearly > monthly > weekly;
 * within a kind, the first in the file. */
static const HyPeriodRule *
hy_pricing_period (const HyStoreRules *store, GDate *at)
{
	static const HyPeriodKind priority[] = {HY_PERIOD_DATE, HY_PERIOD_YEARLY, HY_PERIOD_MONTHLY,
						HY_PERIOD_WEEKLY};
	guint32 jday = g_date_get_julian (at);
	gint md = g_date_get_month (at) * 100 + g_date_get_day (at);

	for (guint k = 0; k < G_N_ELEMENTS (priority); k++) {
		for (guint i = 0; i < store->periods->len; i++) {
			const HyPeriodRule *p = g_ptr_array_index (store->periods, i);
			gboolean match = FALSE;
			if (p->kind != priority[k])
				continue;
			switch (p->kind) {
			case HY_PERIOD_WEEKLY:
				match = (p->days >> g_date_get_weekday (at)) & 1;
				break;
			case HY_PERIOD_MONTHLY:
				match = (p->days >> g_date_get_day (at)) & 1;
				break;
			case HY_PERIOD_YEARLY:
				/* a range like 12-20 … 01-05 wraps the new year */
				match = p->from_md <= p->to_md
						? (md >= p->from_md && md <= p->to_md)
						: (md >= p->from_md || md <= p->to_md);
				break;
			case HY_PERIOD_DATE:
				match = jday >= p->from_jday && jday <= p->to_jday;
				break;
			}
			if (match)
				return p;
		}
	}
	return NULL;
}

/* When bands overlap, the one with the highest minimum applies. */
static const HyOrderBand *
hy_pricing_band (const HyStoreRules *store, gint64 subtotal)
{
	const HyOrderBand *best = NULL;
	for (guint i = 0; i < store->order_bands->len; i++) {
		const HyOrderBand *band = &g_array_index (store->order_bands, HyOrderBand, i);
		if (subtotal < band->min || subtotal > band->max)
			continue;
		if (best == NULL || band->min > best->min)
			best = band;
	}
	return best;
}

/* ---- the price of one line ---- */

static gint64
hy_pricing_apply (gint64 base, const gint *bps)
{
	unsigned __int128 num = (unsigned __int128) base;
	unsigned __int128 den = 1;
	for (guint i = 0; i < HY_FACTOR_N; i++) {
		num *= (unsigned __int128) bps[i];
		den *= HY_BP_ONE;
	}
	return (gint64) hy_round_half_up_u128 (num, den);
}

static gint
hy_pricing_combined_bp (const gint *bps)
{
	unsigned __int128 num = 1, den = 1;
	for (guint i = 0; i < HY_FACTOR_N; i++) {
		num *= (unsigned __int128) bps[i];
		if (i > 0)
			den *= HY_BP_ONE;
	}
	return (gint) hy_round_half_up_u128 (num, den);
}

static void
hy_pricing_finish_line (HyPricedLine *line, gboolean fixed_price)
{
	gint discount[HY_FACTOR_N], points[HY_FACTOR_N];
	for (guint i = 0; i < HY_FACTOR_N; i++) {
		/* a member or special price is the deal already: no discount on top */
		discount[i] = fixed_price ? HY_BP_ONE : line->factors[i].factor.discount_bp;
		points[i] = line->factors[i].factor.points_bp;
	}
	line->amount = hy_pricing_apply (line->unit_price * line->qty, discount);
	line->points = hy_pricing_apply (line->amount, points);
	line->discount_bp = hy_pricing_combined_bp (discount);
	line->points_bp = hy_pricing_combined_bp (points);
}

static gboolean
hy_pricing_list_price (const HyRules *rules,
		       const HyStoreRules *store,
		       const HyBasketLine *in,
		       guint index,
		       HyPricedLine *line,
		       const HyItemRule **item_out,
		       GError **error)
{
	const HyItemRule *item = NULL;
	const gint64 *store_price;

	if (in->item == NULL) {
		if (in->amount <= 0 || in->amount > HY_PRICING_MAX_LINE) {
			g_set_error (
				error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				_ ("line %u: amount %" PRId64 " fen is not between 1 and %" PRId64),
				index + 1, in->amount, HY_PRICING_MAX_LINE);
			return FALSE;
		}
		line->qty = 1;
		line->unit_price = in->amount;
		line->price_source = "amount";
		*item_out = NULL;
		return TRUE;
	}
	item = g_hash_table_lookup (rules->items, in->item);
	if (item == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("line %u: no item “%s”"),
			     index + 1, in->item);
		return FALSE;
	}
	if (in->qty <= 0 || in->qty > 1000000) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("line %u: quantity %" PRId64 " is not between 1 and 1000000"),
			     index + 1, in->qty);
		return FALSE;
	}
	line->item = g_strdup (item->code);
	line->qty = in->qty;
	store_price = g_hash_table_lookup (store->prices, item->code);
	line->unit_price = store_price != NULL ? *store_price : item->price;
	line->price_source = store_price != NULL ? "store" : "hq";
	if (line->unit_price > HY_PRICING_MAX_LINE / line->qty) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("line %u: more than %" PRId64 " fen on one line"), index + 1,
			     HY_PRICING_MAX_LINE);
		return FALSE;
	}
	*item_out = item;
	return TRUE;
}

HyPricedBasket *
hy_pricing_price (const HyRules *rules,
		  const gchar *store_code,
		  const HyPricingMember *member,
		  GDateTime *at,
		  const HyBasketLine *lines,
		  guint n_lines,
		  GError **error)
{
	g_autoptr (HyPricedBasket) basket = g_new0 (HyPricedBasket, 1);
	g_autoptr (GPtrArray) items = g_ptr_array_new ();
	const HyStoreRules *store = hy_rules_get_store (rules, store_code);
	const HyLevelRule *level = NULL;
	const HyPeriodRule *period = NULL;
	const HyOrderBand *band = NULL;
	gboolean birthday = FALSE;
	g_autoptr (GDateTime) local = NULL;
	GDate today;

	basket->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_priced_line_free);
	if (n_lines == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("the basket is empty"));
		return NULL;
	}
	/* the calendar day at the store (this machine's zone), whatever offset `at` has */
	local = g_date_time_to_local (at);
	g_date_clear (&today, 1);
	g_date_set_dmy (&today, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
			g_date_time_get_year (local));

	/* the list price of every line first: order-total bands are judged on it */
	for (guint i = 0; i < n_lines; i++) {
		HyPricedLine *line = g_new0 (HyPricedLine, 1);
		const HyItemRule *item = NULL;
		g_ptr_array_add (basket->lines, line);
		if (!hy_pricing_list_price (rules, store, &lines[i], i, line, &item, error))
			return NULL;
		line->list_amount = line->unit_price * line->qty;
		basket->subtotal += line->list_amount;
		g_ptr_array_add (items, (gpointer) item);
	}

	if (member != NULL) {
		level = member->level != NULL ? g_hash_table_lookup (rules->levels, member->level)
					      : NULL;
		birthday = hy_pricing_is_birthday (member->birthday, &today, store->birthday_mode);
		if (store->use_order_total)
			band = hy_pricing_band (store, basket->subtotal);
	}
	if (store->use_period)
		period = hy_pricing_period (store, &today);

	for (guint i = 0; i < basket->lines->len; i++) {
		HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		const HyItemRule *item = g_ptr_array_index (items, i);
		HyFactorUse *f = line->factors;
		gboolean fixed_price = FALSE;

		for (guint k = 0; k < HY_FACTOR_N; k++)
			f[k] = hy_factor_use (HY_FACTOR_NEUTRAL, "none", NULL);
		if (member == NULL) {
			/* not a member: list or special price, no coefficients, no points */
			if (item != NULL && item->special_price >= 0 &&
			    item->special_price < line->unit_price) {
				line->unit_price = item->special_price;
				line->price_source = "special";
			}
			line->amount = line->unit_price * line->qty;
			line->discount_bp = HY_BP_ONE;
			line->points_bp = 0;
			basket->total += line->amount;
			continue;
		}

		if (level != NULL) {
			f[HY_FACTOR_LEVEL] = hy_factor_use (level->factor, "level", level->name);
			if (!store->use_level_points)
				f[HY_FACTOR_LEVEL].factor.points_bp = HY_BP_ONE;
			if (!store->use_level_discount)
				f[HY_FACTOR_LEVEL].factor.discount_bp = HY_BP_ONE;
			if (!store->use_level_points && !store->use_level_discount)
				f[HY_FACTOR_LEVEL].source = "off";
		}
		if (store->use_item_points || store->use_item_discount) {
			g_free (f[HY_FACTOR_ITEM].name);
			f[HY_FACTOR_ITEM] = hy_pricing_item_factor (rules, item);
			if (!store->use_item_points)
				f[HY_FACTOR_ITEM].factor.points_bp = HY_BP_ONE;
			if (!store->use_item_discount)
				f[HY_FACTOR_ITEM].factor.discount_bp = HY_BP_ONE;
		} else {
			f[HY_FACTOR_ITEM].source = "off";
		}
		if (birthday)
			f[HY_FACTOR_BIRTHDAY] = hy_factor_use (store->birthday, "birthday", NULL);
		f[HY_FACTOR_STORE] = hy_factor_use (store->factor, "store", store->code);
		if (!store->use_period)
			f[HY_FACTOR_PERIOD].source = "off";
		else if (period != NULL)
			f[HY_FACTOR_PERIOD] =
				hy_factor_use (period->factor, "period", period->name);
		if (!store->use_order_total)
			f[HY_FACTOR_ORDER].source = "off";
		else if (band != NULL)
			f[HY_FACTOR_ORDER] =
				hy_factor_use ((HyFactor){HY_BP_ONE + band->extra_points_bp,
							  HY_BP_ONE - band->extra_discount_bp},
					       "order", NULL);

		if (item != NULL && item->special_price >= 0 &&
		    item->special_price < line->unit_price) {
			line->unit_price = item->special_price;
			line->price_source = "special";
			fixed_price = TRUE;
		}
		if (item != NULL && item->member_price >= 0 &&
		    item->member_price < line->unit_price) {
			line->unit_price = item->member_price;
			line->price_source = "member";
			fixed_price = TRUE;
		}
		if (fixed_price) {
			/* say so in the explanation too: no factor discounts this line */
			for (guint k = 0; k < HY_FACTOR_N; k++)
				f[k].factor.discount_bp = HY_BP_ONE;
		}
		hy_pricing_finish_line (line, fixed_price);
		basket->total += line->amount;
		basket->points += line->points;
	}
	basket->discount = basket->subtotal - basket->total;
	return g_steal_pointer (&basket);
}

/* ---- JSON ---- */

static void
hy_pricing_add_int (JsonBuilder *b, const gchar *key, gint64 value)
{
	json_builder_set_member_name (b, key);
	json_builder_add_int_value (b, value);
}

JsonNode *
hy_priced_line_factors_to_json (const HyPricedLine *line)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	for (guint k = 0; k < HY_FACTOR_N; k++) {
		const HyFactorUse *f = &line->factors[k];
		json_builder_set_member_name (b, hy_factor_names[k]);
		json_builder_begin_object (b);
		hy_pricing_add_int (b, "discount_bp", f->factor.discount_bp);
		hy_pricing_add_int (b, "points_bp", f->factor.points_bp);
		json_builder_set_member_name (b, "source");
		json_builder_add_string_value (b, f->source);
		if (f->name != NULL) {
			json_builder_set_member_name (b, "name");
			json_builder_add_string_value (b, f->name);
		}
		json_builder_end_object (b);
	}
	json_builder_end_object (b);
	return json_builder_get_root (b);
}

static void
hy_pricing_append_json_string (GString *out, const gchar *text)
{
	g_string_append_c (out, '"');
	for (const gchar *p = text; *p != '\0'; p++) {
		guchar c = (guchar) *p;
		/* json-glib's escapes, so the text equals what its generator writes */
		switch (c) {
		case '"':
			g_string_append (out, "\\\"");
			break;
		case '\\':
			g_string_append (out, "\\\\");
			break;
		case '\b':
			g_string_append (out, "\\b");
			break;
		case '\f':
			g_string_append (out, "\\f");
			break;
		case '\n':
			g_string_append (out, "\\n");
			break;
		case '\r':
			g_string_append (out, "\\r");
			break;
		case '\t':
			g_string_append (out, "\\t");
			break;
		default:
			if (c < 0x20)
				g_string_append_printf (out, "\\u%04x", c);
			else
				g_string_append_c (out, (gchar) c);
		}
	}
	g_string_append_c (out, '"');
}

gchar *
hy_priced_line_factors_to_text (const HyPricedLine *line)
{
	/* by hand: every sale line stores it, and a builder and generator cost more than
	 * the rest of pricing */
	GString *out = g_string_sized_new (512);
	g_string_append_c (out, '{');
	for (guint k = 0; k < HY_FACTOR_N; k++) {
		const HyFactorUse *f = &line->factors[k];
		g_string_append_printf (out,
					"%s\"%s\":{\"discount_bp\":%d,\"points_bp\":%d,\"source\":",
					k > 0 ? "," : "", hy_factor_names[k], f->factor.discount_bp,
					f->factor.points_bp);
		hy_pricing_append_json_string (out, f->source);
		if (f->name != NULL) {
			g_string_append (out, ",\"name\":");
			hy_pricing_append_json_string (out, f->name);
		}
		g_string_append_c (out, '}');
	}
	g_string_append_c (out, '}');
	return g_string_free (out, FALSE);
}

JsonNode *
hy_priced_basket_to_json (const HyPricedBasket *basket)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "lines");
	json_builder_begin_array (b);
	for (guint i = 0; i < basket->lines->len; i++) {
		const HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "item");
		if (line->item != NULL)
			json_builder_add_string_value (b, line->item);
		else
			json_builder_add_null_value (b);
		hy_pricing_add_int (b, "qty", line->qty);
		hy_pricing_add_int (b, "unit_price", line->unit_price);
		json_builder_set_member_name (b, "price_source");
		json_builder_add_string_value (b, line->price_source);
		hy_pricing_add_int (b, "list_amount", line->list_amount);
		hy_pricing_add_int (b, "amount", line->amount);
		hy_pricing_add_int (b, "points", line->points);
		hy_pricing_add_int (b, "discount_bp", line->discount_bp);
		hy_pricing_add_int (b, "points_bp", line->points_bp);
		json_builder_set_member_name (b, "factors");
		json_builder_add_value (b, hy_priced_line_factors_to_json (line));
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	hy_pricing_add_int (b, "subtotal", basket->subtotal);
	hy_pricing_add_int (b, "discount", basket->discount);
	hy_pricing_add_int (b, "total", basket->total);
	hy_pricing_add_int (b, "points", basket->points);
	json_builder_end_object (b);
	return json_builder_get_root (b);
}
