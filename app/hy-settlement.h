/* Huiyuan: settlement between stores (DESIGN.md, Replication). A card recharged at one
 * store and spent at another leaves the first holding the cash and the second having
 * delivered the goods: the first owes the second. The position is computed from the
 * replicated money entries alone, in (hlc, id) order, so every replica and HQ compute
 * the same figures.
 *
 * Lots: every money credit makes a lot owned by one store: a recharge, its bonus
 * money, points turned into money and imported balances by the store that wrote the
 * entry; a bonus instalment by the store whose recharge scheduled it. Bonus money is a
 * lot like any other, at face value: the store that granted it pays for it when it is
 * spent elsewhere. Every money debit (a sale or direct deduction paid from the card, a
 * withdrawal, a recycled card's refund) draws on the card's lots first-in first-out.
 * A merge or replacement carries the lots it moves, in their order, to the new card.
 * A refund to the card gives back, newest first, what the card's (or its predecessors')
 * stored-value sales at the refunding store drew; the ledger row of a refund does not
 * name its sale and sales do not reach every store, so this is the rule every replica
 * can apply alike. A refund beyond that becomes a new lot of the refunding store. A
 * refund counts against the spending of the period it falls in, whole.
 *
 * All figures are whole fen over the entries whose local day lies in [from, to]; no
 * division happens, so nothing is rounded. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *store_id;
	gchar *code; /* the store's code; its id when the stores table lacks it */
	gchar *name;
	gint64 taken_in;	/* cash recharges there */
	gint64 granted;		/* lots made there without cash: bonuses, instalments, points
				 * turned into money, imported balances */
	gint64 spent;		/* stored value spent there, net of refunds there */
	gint64 spent_own;	/* … of it from its own lots */
	gint64 spent_others;	/* … of it from other stores' lots: owed to it by them */
	gint64 spent_elsewhere; /* its lots spent at other stores: owed by it to them */
} HySettlementStore;

/* net: what the chain owes the store (negative: what it owes the chain). */
#define HY_SETTLEMENT_NET(s) ((s)->spent_others - (s)->spent_elsewhere)

typedef struct {
	gchar *from;	   /* YYYY-MM-DD, inclusive */
	gchar *to;	   /* YYYY-MM-DD, inclusive */
	GPtrArray *stores; /* of HySettlementStore, by store number, then unknown ids */
	gint64 *owed;	   /* stores->len squared: owed[payer * len + payee] */
	gint64 unmatched;  /* spending no lot covered (0 on a complete ledger), counted
			    * as the spending store's own */
} HySettlement;

void
hy_settlement_free (HySettlement *settlement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HySettlement, hy_settlement_free)

/* The position over [from, to] (YYYY-MM-DD, local days, from <= to), from the whole
 * ledger; a bad date is HY_ERROR_INVALID_INPUT. Reads in one snapshot. */
HySettlement *
hy_settlement_compute (HyDb *db, const gchar *from, const gchar *to, GError **error);

/* What store `payer` owes store `payee` (indices into stores) over the period. */
gint64
hy_settlement_owed (const HySettlement *settlement, guint payer, guint payee);

G_END_DECLS
