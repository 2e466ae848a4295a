/* Huiyuan: card stock, the ranges of card serials HQ assigns to each store, so card
 * numbers are unique across stores by construction (DESIGN.md, Replication). */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gint64 first; /* serials, inclusive */
	gint64 last;
	gint64 next; /* where issuing continues */
} HyCardStock;

void
hy_card_stock_free (HyCardStock *stock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCardStock, hy_card_stock_free)

/* A store's ranges, lowest first. */
GPtrArray *
hy_card_stock_list (HyDb *db, const gchar *store_id, GError **error);
/* Serials not yet issued past each range's cursor. */
gboolean
hy_card_stock_count_free (HyDb *db, const gchar *store_id, gint64 *count, GError **error);
/* Assigns serials first…last to a store (card-stock.manage); refuses a range that
 * overlaps any store's. */
gboolean
hy_card_stock_add (HyDb *db,
		   const HyActor *actor,
		   const gchar *store_id,
		   gint64 first,
		   gint64 last,
		   GError **error);
/* The lowest serial above every range assigned so far, to start a new range at. */
gboolean
hy_card_stock_next_free_serial (HyDb *db, gint64 *serial, GError **error);

/* The next unused number of the store's stock, moving the cursor (inside the caller's
 * transaction); numbers issued by hand ahead of the cursor are skipped. */
gboolean
hy_card_stock_next_number (HyDb *db, const gchar *store_id, gchar **number, GError **error);
/* Refuses a number whose serial lies outside the store's ranges. */
gboolean
hy_card_stock_check (HyDb *db, const gchar *store_id, const gchar *number, GError **error);

G_END_DECLS
