/* Huiyuan: direct deductions (直接扣费). An amount taken from stored value with a note,
 * or uses of an item taken from a count card, without pricing: no discounts, no
 * points. A money deduction is recorded as a sale (one line, paid from stored value) so
 * that reports and refunds see it. */
#pragma once

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* Takes `amount` fen (1 to ¥10,000,000) from the card's stored value (direct.deduct),
 * checking the spending PIN when the card has one, in one transaction with its sale,
 * ledger entry, outbox rows and audit record. `sale_id_out` gets the sale and
 * `balance_out` the stored value left. */
gboolean
hy_deduct_money (HyDb *db,
		 const HyActor *actor,
		 const gchar *card,
		 gint64 amount,
		 const gchar *pin,
		 const gchar *note,
		 gchar **sale_id_out,
		 gint64 *balance_out,
		 GError **error);

/* Takes `qty` uses of `item` from the count card (direct.deduct) as a count use does,
 * earliest expiry first, with `note` on the ledger entry. `left_out` gets the uses of
 * the item left. */
gboolean
hy_deduct_count (HyDb *db,
		 const HyActor *actor,
		 const gchar *card,
		 const gchar *item,
		 gint64 qty,
		 const gchar *note,
		 gchar **op_id_out,
		 gint64 *left_out,
		 GError **error);

/* Inside the caller's transaction: `amount` fen taken from the card's stored value as
 * sale `sale_id` of one unpriced line (`item`, or NULL for an amount), with its ledger
 * entry and outbox rows; no audit record (the caller writes one). */
gboolean
hy_deduct_record_sale (HyDb *db,
		       const HyActor *actor,
		       const HyCard *card,
		       const gchar *sale_id,
		       const gchar *item,
		       gint64 amount,
		       const gchar *note,
		       gint64 at_ms,
		       GError **error);

G_END_DECLS
