/* Huiyuan: pricing, a pure function of (basket, member, store, time, rules) → a priced
 * basket that explains, line by line, every factor and where it came from.
 *
 * Per line (DESIGN.md "Rules engine"):
 *   discount coefficient = level × item × birthday × store × period × (1 − order extra discount)
 *   points coefficient   = level × item × birthday × store × period × (1 + order extra points)
 *   amount = list amount × discount coefficient, points (hundredths) = amount × points
 *   coefficient, each rounded once, half-up, from the exact product.
 *
 * The list price is the store's price when it sets one, else HQ's. A member price (for
 * members) or a special price (for everyone) replaces it when lower, and such a line is
 * not discounted again: its discount coefficient is 100%; it still earns points.
 * Customers who are not members pay list or special prices and earn nothing. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-rules.h"

G_BEGIN_DECLS

/* A line is an item and a quantity, or (item NULL) an amount: the quick sale by amount. */
typedef struct {
	const gchar *item;
	gint64 qty;
	gint64 amount; /* fen, for item == NULL */
} HyBasketLine;

typedef struct {
	const gchar *level;    /* level name */
	const gchar *birthday; /* YYYY-MM-DD or NULL */
} HyPricingMember;

/* One factor of one line: its coefficients and why. */
typedef struct {
	HyFactor factor;
	const gchar *source; /* "level", "item", "category", "brand", "store", "birthday",
			      * "period", "order", or "off" (switched off) / "none" (no match) */
	gchar *name;	     /* the level, category, brand or period name, or NULL */
} HyFactorUse;

typedef enum {
	HY_FACTOR_LEVEL,
	HY_FACTOR_ITEM,
	HY_FACTOR_BIRTHDAY,
	HY_FACTOR_STORE,
	HY_FACTOR_PERIOD,
	HY_FACTOR_ORDER,
	HY_FACTOR_N
} HyFactorKind;

typedef struct {
	gchar *item; /* NULL for an amount line */
	gint64 qty;
	gint64 unit_price;  /* fen, what one unit costs before coefficients */
	gint64 list_amount; /* fen, at the list price */
	gint64 amount;	    /* fen, to pay */
	gint64 points;	    /* hundredths of a point */
	gint discount_bp;   /* the combined coefficients, to the basis point, for display */
	gint points_bp;
	const gchar *price_source; /* "hq", "store", "member", "special" or "amount" */
	HyFactorUse factors[HY_FACTOR_N];
} HyPricedLine;

typedef struct {
	GPtrArray *lines; /* HyPricedLine */
	gint64 subtotal;  /* fen at list price: what order-total bands are judged on */
	gint64 discount;  /* subtotal − total */
	gint64 total;
	gint64 points;
} HyPricedBasket;

void
hy_priced_basket_free (HyPricedBasket *basket);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyPricedBasket, hy_priced_basket_free)

/* Largest list amount of one line, fen (¥1,000,000): keeps the exact product in range. */
#define HY_PRICING_MAX_LINE G_GINT64_CONSTANT (100000000)

HyPricedBasket *
hy_pricing_price (const HyRules *rules,
		  const gchar *store_code,
		  const HyPricingMember *member,
		  GDateTime *at,
		  const HyBasketLine *lines,
		  guint n_lines,
		  GError **error);

/* A line's factors: {"level": {"discount_bp", "points_bp", "source", "name"?}, …}. */
JsonNode *
hy_priced_line_factors_to_json (const HyPricedLine *line);
/* The same object as compact JSON text, as stored with each sale line. */
gchar *
hy_priced_line_factors_to_text (const HyPricedLine *line);
/* The JSON contract of `huiyuan-admin price`. */
JsonNode *
hy_priced_basket_to_json (const HyPricedBasket *basket);

/* Exposed for tests: whether `at` falls on the birthday's day, week or month. */
gboolean
hy_pricing_is_birthday (const gchar *birthday, GDate *at, HyBirthdayMode mode);

G_END_DECLS
