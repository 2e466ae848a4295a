/* Huiyuan: count cards (计次卡). A member buys uses of an item (a swim, a car wash) in
 * lots, each with its own expiry; a use draws on the lots that expire first. The uses
 * left are also a count balance in the ledger, per item. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gchar *item;
	gint64 qty;	   /* bought */
	gint64 remaining;  /* not used yet */
	gchar *expires_on; /* YYYY-MM-DD, or NULL for never */
} HyCountLot;

void
hy_count_lot_free (HyCountLot *lot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCountLot, hy_count_lot_free)

/* Adds `qty` uses of catalogue item `item` to the card (sale.make), expiring at the end
 * of `expires_on` (NULL: never). One transaction with its ledger entry and audit. */
gboolean
hy_count_add (HyDb *db,
	      const HyActor *actor,
	      const gchar *card,
	      const gchar *item,
	      gint64 qty,
	      const gchar *expires_on,
	      gchar **op_id_out,
	      GError **error);

/* Uses `qty` of the item (sale.make) on `day` (YYYY-MM-DD; NULL: today), from the lots
 * that expire first and have not expired. Refused, with nothing written, when the
 * unexpired uses left are fewer; the message says how many are left and how many
 * expired. */
gboolean
hy_count_use (HyDb *db,
	      const HyActor *actor,
	      const gchar *card,
	      const gchar *item,
	      gint64 qty,
	      const gchar *day,
	      gchar **op_id_out,
	      GError **error);

/* For other operations, inside the caller's transaction, without permission check or
 * audit record (the caller has both): */
/* adds a lot of `qty` uses (op_id is kept on the lot) and its ledger entry; */
gboolean
hy_count_credit (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_id,
		 const gchar *item,
		 gint64 qty,
		 const gchar *expires_on,
		 const gchar *op,
		 const gchar *op_id,
		 GError **error);
/* uses `qty` on `day` (YYYY-MM-DD) from the unexpired lots that expire first, as
 * hy_count_use does; */
gboolean
hy_count_take (HyDb *db,
	       const HyActor *actor,
	       const gchar *card_id,
	       const gchar *item,
	       gint64 qty,
	       const gchar *day,
	       const gchar *op,
	       const gchar *op_id,
	       const gchar *note,
	       GError **error);
/* takes `qty` of what is left of one lot, expired or not; */
gboolean
hy_count_take_from_lot (HyDb *db,
			const HyActor *actor,
			const gchar *card_id,
			const HyCountLot *lot,
			gint64 qty,
			const gchar *op,
			const gchar *op_id,
			GError **error);
/* the lot an operation added (HY_ERROR_NOT_FOUND when none). */
HyCountLot *
hy_count_lot_by_op (HyDb *db, const gchar *card_id, const gchar *op_id, GError **error);

/* The card's lots with uses left (expired ones too, with their expiry), soonest expiry
 * first. */
GPtrArray *
hy_count_list (HyDb *db, const gchar *card, GError **error);

G_END_DECLS
