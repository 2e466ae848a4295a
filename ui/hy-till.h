/* Huiyuan UI: what the cashier page asks of the core, gathered per job. Each function
 * runs on the session's worker thread and only calls the core library; no business rule
 * lives here. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-count.h"
#include "hy-db.h"
#include "hy-item.h"
#include "hy-member.h"
#include "hy-pricing.h"

G_BEGIN_DECLS

/* The member panel: a member, the card in use, and its balances. */
typedef struct {
	HyMember *member;
	HyCard *card;
	gint64 money;	      /* fen */
	gint64 points;	      /* hundredths */
	GPtrArray *lots;      /* HyCountLot, soonest expiry first */
	GPtrArray *lot_names; /* the catalogue name of each lot's item */
	gboolean is_birthday; /* by the store's birthday rule (day, week or month) */
	gint64 visits;	      /* sales to the member here */
	gint64 last_visit;    /* ms since the epoch, 0 when never */
} HyMemberView;

void
hy_member_view_free (HyMemberView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyMemberView, hy_member_view_free)

/* What a lookup found: one member (view set), or several to choose from (matches,
 * HyMember). */
typedef struct {
	HyMemberView *view;
	GPtrArray *matches;
} HyLookup;

void
hy_lookup_free (HyLookup *lookup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLookup, hy_lookup_free)

/* A card number or bound phone first, then the member search (name, pinyin…). */
HyLookup *
hy_till_lookup (HyDb *db, const gchar *store_code, const gchar *query, GError **error);
HyMemberView *
hy_till_load_member (HyDb *db, const gchar *store_code, const gchar *member_id, GError **error);
HyMemberView *
hy_till_load_card (HyDb *db, const gchar *store_code, const gchar *card_number, GError **error);

/* Prices the basket for the member (NULL: not a member) now, by the rules in force. */
HyPricedBasket *
hy_till_price (HyDb *db,
	       const gchar *store_code,
	       const HyMember *member,
	       const HyBasketLine *lines,
	       guint n_lines,
	       GError **error);

/* The receipt (hy_checkout_receipt) as text for the preview and the printer;
 * `item_names` (code -> name, may be NULL) names the lines. */
gchar *
hy_till_receipt_text (JsonNode *receipt, GHashTable *item_names);

G_END_DECLS
