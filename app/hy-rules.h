/* Huiyuan: the points and discount rules (积分折扣规则) as HQ keeps them: a JSON
 * document under version control, loaded into this model and validated with errors
 * that name the path of the bad value. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Coefficients larger than 10× are refused: they are typos, and the bound keeps the
 * exact 128-bit product of six coefficients from overflowing. */
#define HY_RULES_MAX_BP 100000

typedef struct {
	gint points_bp;	  /* 10000 = 100% */
	gint discount_bp; /* 9000 = 9折 */
} HyFactor;

#define HY_FACTOR_NEUTRAL ((HyFactor){10000, 10000})

/* A recharge rule of a level (seed 000 p. 10): a recharge of at least `min` fen gives
 * bonus money and points (on the card's first recharge only, when `first_only`), then
 * `times` instalments of `instalment_money` and `instalment_points`, one every
 * `every_days` days after the recharge's day. */
typedef struct {
	gint64 min;	     /* fen */
	gint64 bonus_money;  /* fen */
	gint64 bonus_points; /* hundredths */
	gboolean first_only;
	gint every_days; /* 0 with times 0: no instalments */
	gint times;
	gint64 instalment_money;  /* fen */
	gint64 instalment_points; /* hundredths */
} HyRechargeRule;

typedef struct {
	gchar *name;
	HyFactor factor;
	/* upgrade to this level (seed 000 p. 11) once the member's accumulated earned
	 * points reach `upgrade_points`; the points are then taken off the card when
	 * `upgrade_deduct` */
	gboolean has_upgrade;
	gint64 upgrade_points; /* hundredths */
	gboolean upgrade_deduct;
	GArray *recharge; /* HyRechargeRule, in file order */
} HyLevelRule;

/* The top-level "points" object. */
typedef struct {
	gint expire_days; /* 0: earned points never expire */
	gboolean recharge_earns;
	gboolean balance_payment_earns;
	/* what points are worth as money (points-to-cash, the points tender):
	 * `cash_points` hundredths are `cash_fen` fen; 0 and 0 when not offered */
	gint64 cash_points;
	gint64 cash_fen;
} HyPointsRules;

/* A gift of the redemption catalogue: its cost and, in a document, the stock to set. */
typedef struct {
	gchar *code;
	gchar *name;
	gint64 points; /* hundredths, per gift */
	gint64 stock;  /* -1: not given (an import leaves the stock alone) */
} HyGiftRule;

/* An item sold as a package (套餐): selling it credits the card with uses of a count
 * item (a lot expiring `valid_days` after the sale, or never when 0) or with minutes
 * of a time item. */
typedef enum {
	HY_PACKAGE_NONE,
	HY_PACKAGE_COUNT,
	HY_PACKAGE_TIME,
} HyPackageKind;

typedef struct {
	HyPackageKind kind;
	gchar *item;	   /* the count or time item credited */
	gint64 qty;	   /* uses, or minutes, per package sold */
	gint64 valid_days; /* count packages; 0 = never expires */
} HyPackageRule;

typedef struct {
	gchar *code;
	gchar *name;
	gint64 price;	      /* HQ list price, fen */
	gint64 member_price;  /* fen, or -1 */
	gint64 special_price; /* fen, or -1 */
	gchar *category;      /* or NULL */
	gchar *brand;	      /* or NULL */
	gboolean has_factor;  /* else the category's, else the brand's */
	HyFactor factor;
	HyPackageRule package; /* kind HY_PACKAGE_NONE: not a package */
} HyItemRule;

typedef enum {
	HY_PERIOD_WEEKLY,  /* days 1..7, Monday = 1 */
	HY_PERIOD_MONTHLY, /* days 1..31 */
	HY_PERIOD_YEARLY,  /* from/to as month-day, may wrap the new year */
	HY_PERIOD_DATE,	   /* from/to as dates */
} HyPeriodKind;

typedef struct {
	HyPeriodKind kind;
	guint64 days; /* bit n set: day n (weekly, monthly) */
	gint from_md; /* yearly: month × 100 + day */
	gint to_md;
	guint32 from_jday; /* date: GDate julian days */
	guint32 to_jday;
	HyFactor factor;
	gchar *name; /* or NULL */
} HyPeriodRule;

typedef struct {
	gint64 min; /* fen, inclusive */
	gint64 max; /* fen, inclusive */
	gint extra_discount_bp;
	gint extra_points_bp;
} HyOrderBand;

typedef enum {
	HY_BIRTHDAY_DAY,
	HY_BIRTHDAY_WEEK,
	HY_BIRTHDAY_MONTH,
} HyBirthdayMode;

/* Time-card sessions (计时): elapsed time is billed in whole units; up to
 * `grace_minutes` past a unit are not billed, a session of at most `free_minutes` is
 * free, any other is at least one unit. Billed time comes off the card's time balance
 * of the item; what the balance does not cover is charged from stored value at the
 * item's `unit_prices` (pro rata), or refused when the item has none. */
typedef struct {
	gboolean set; /* present in the document */
	gint unit_minutes;
	gint grace_minutes;
	gint free_minutes;
	GHashTable *unit_prices; /* item code -> gint64 * fen per unit */
} HyTimeRules;

typedef struct {
	gchar *code;
	gboolean use_level_points;
	gboolean use_item_points;
	gboolean use_period;
	gboolean use_level_discount;
	gboolean use_item_discount;
	gboolean use_order_total;
	HyFactor factor; /* 店面积分系数 / 店面折扣系数 */
	HyBirthdayMode birthday_mode;
	HyFactor birthday;
	GHashTable *prices;  /* item code -> gint64 * fen (分店自行定价) */
	GPtrArray *periods;  /* HyPeriodRule, in file order */
	GArray *order_bands; /* HyOrderBand */
	HyTimeRules time;
} HyStoreRules;

/* Shared read-only once built: hy_rules_ref, and hy_rules_free drops a reference. */
typedef struct {
	grefcount ref_count;
	GHashTable *levels;	/* name -> HyLevelRule */
	GPtrArray *level_order; /* HyLevelRule, lowest first: the document's order */
	GHashTable *items;	/* code -> HyItemRule */
	GHashTable *categories; /* name -> HyFactor * */
	GHashTable *brands;	/* name -> HyFactor * */
	GHashTable *stores;	/* code -> HyStoreRules */
	HyPointsRules points;
	GPtrArray *gifts; /* HyGiftRule, in file order */
} HyRules;

HyRules *
hy_rules_new (void);
HyRules *
hy_rules_ref (HyRules *rules);
void
hy_rules_free (HyRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyRules, hy_rules_free)

/* Parses and validates a rules document. An error (HY_ERROR_INVALID_INPUT) names the
 * JSON path of the first bad value, e.g. "stores.S01.periods[2].from: not a date". */
HyRules *
hy_rules_from_json (const gchar *text, gssize length, GError **error);
HyRules *
hy_rules_from_node (JsonNode *root, GError **error);
/* The same, when store prices may also name items of a catalogue outside the document
 * (`catalogue`: item codes, or NULL). */
HyRules *
hy_rules_from_json_full (const gchar *text, gssize length, GHashTable *catalogue, GError **error);
HyRules *
hy_rules_from_node_full (JsonNode *root, GHashTable *catalogue, GError **error);
/* The canonical document; from_json (to_json (r)) gives the same rules. */
JsonNode *
hy_rules_to_node (const HyRules *rules);

/* The gift of that code, or NULL. */
const HyGiftRule *
hy_rules_get_gift (const HyRules *rules, const gchar *code);

/* The store's rules, or neutral rules (all switches off, 100%) when the store has none. */
const HyStoreRules *
hy_rules_get_store (const HyRules *rules, const gchar *code);

G_END_DECLS
