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

G_END_DECLS
