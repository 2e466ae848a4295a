/* Huiyuan: refunds and returns, whole sales or single lines, exactly reversing what
 * the sale did: money back (stored value first, up to what was paid from it, the rest
 * in cash), earned points taken back pro rata, and never the same quantity twice. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	guint line; /* 1-based line number of the sale */
	gint64 qty; /* how many to return; 0 = all that is left of the line */
} HyRefundLine;

/* Refunds `lines` of sale `sale_id` (all that is left of the sale when n_lines is 0)
 * in one transaction (sale.refund), with its ledger entries, outbox rows and audit
 * record. Amounts and points are pro rata with half-up rounding; the refund that
 * returns the last of a sale returns exactly what is left, so a sale refunded in
 * parts returns what was paid, to the fen. Refused, with nothing written, for a
 * quantity already returned, or when the member has since spent points the refund
 * must take back. `result_out` gets {"refund", "sale", "lines": [{"line", "qty",
 * "amount", "points"}], "amount", "points", "to_balance", "to_cash"}. */
gboolean
hy_refund_sale (HyDb *db,
		const HyActor *actor,
		const gchar *sale_id,
		const HyRefundLine *lines,
		guint n_lines,
		const gchar *reason,
		gchar **refund_id_out,
		JsonNode **result_out,
		GError **error);

/* What is left to refund of a sale, for a refund by line at the till. */
typedef struct {
	guint line;    /* 1-based line number of the sale */
	gchar *item;   /* item code, or NULL for a sale by amount */
	gint64 qty;    /* sold */
	gint64 left;   /* not returned yet */
	gint64 amount; /* fen, the line's amount */
} HyRefundableLine;

typedef struct {
	gchar *sale_id;
	gint64 at;	    /* ms since the epoch */
	gchar *card_number; /* NULL: not a member's sale */
	gchar *member_name; /* NULL: not a member's sale */
	gint64 total;	    /* fen paid */
	gint64 refunded;    /* fen returned by earlier refunds */
	GPtrArray *lines;   /* HyRefundableLine, by line number */
} HyRefundable;

void
hy_refundable_free (HyRefundable *sale);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyRefundable, hy_refundable_free)

/* The minimum of a sale number typed at the till: the first 8 characters of an id
 * name the minute it was made. */
#define HY_REFUND_MIN_PREFIX 8

/* The sale named by its id or the first characters of it (at least
 * HY_REFUND_MIN_PREFIX, as the receipt prints them), with what is left to return of
 * each line. Read-only. HY_ERROR_NOT_FOUND when no sale begins so, HY_ERROR_CONFLICT
 * when several do. */
HyRefundable *
hy_refund_find_sale (HyDb *db, const gchar *sale, GError **error);

G_END_DECLS
