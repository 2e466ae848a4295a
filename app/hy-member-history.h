/* Huiyuan: a member's history for the front desk: their sales, the ledger entries of
 * every card they have held, and their points batches, newest first. Read-only. */
#pragma once

#include "hy-db.h"
#include "hy-ledger.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gint64 at; /* ms since the epoch */
	gint64 lines;
	gint64 subtotal; /* fen */
	gint64 discount; /* fen */
	gint64 total;	 /* fen */
	gint64 points;	 /* hundredths earned */
	gint64 refunded; /* fen refunded so far */
} HyHistorySale;

typedef struct {
	gchar *id;
	gint64 at; /* ms since the epoch */
	gchar *card_number;
	HyAccount account;
	gchar *item; /* "" for money and points */
	gint64 delta;
	gchar *op;
	gchar *note;
} HyHistoryEntry;

typedef struct {
	gchar *id;
	gchar *card_number;
	gchar *earned_on;  /* YYYY-MM-DD */
	gchar *expires_on; /* YYYY-MM-DD or NULL for never */
	gint64 points;	   /* hundredths earned */
	gint64 remaining;  /* hundredths not used or expired yet */
	gchar *op;
} HyHistoryBatch;

void
hy_history_sale_free (HyHistorySale *sale);
void
hy_history_entry_free (HyHistoryEntry *entry);
void
hy_history_batch_free (HyHistoryBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHistorySale, hy_history_sale_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHistoryEntry, hy_history_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHistoryBatch, hy_history_batch_free)

/* At most `limit` (0: HY_MEMBER_HISTORY_DEFAULT_LIMIT) rows each, newest first; an
 * unknown member has none. Each is an index search by member. */
#define HY_MEMBER_HISTORY_DEFAULT_LIMIT 200

GPtrArray *
hy_member_history_sales (HyDb *db, const gchar *member_id, guint limit, GError **error);
/* Entries of every card the member holds or held (merged, replaced, recycled). */
GPtrArray *
hy_member_history_entries (HyDb *db, const gchar *member_id, guint limit, GError **error);
/* Every batch, used up or expired ones too (remaining 0). */
GPtrArray *
hy_member_history_batches (HyDb *db, const gchar *member_id, guint limit, GError **error);

/* How often the member came to this store and when last: a visit is a sale held here
 * (hy-member-filter.h counts the same way; other stores' sales stay at those stores).
 * `last_at` is in ms since the epoch, 0 when there was none. */
gboolean
hy_member_visits (
	HyDb *db, const gchar *member_id, gint64 *visits, gint64 *last_at, GError **error);

G_END_DECLS
