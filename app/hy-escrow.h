/* Huiyuan: escrow, so that no card is overdrawn however long stores are offline.
 *
 * In a chain (an HQ database that has added stores, and every store enrolled with it)
 * each card's money, points and count balances are split into an HQ pool and one slice
 * per store. A store's slice is what HQ granted it (escrow_entries, op "grant"), less
 * what it gave back ("release"), plus the net of the account entries the store wrote
 * itself: a recharge at a store credits its slice, a debit there draws on it. Entries
 * written at HQ move the pool. Time balances may run over and are not escrowed.
 *
 * A debit at a store never exceeds its slice; a debit at HQ never exceeds the pool.
 * Since grants never exceed the pool, no balance goes below zero anywhere, whatever
 * the partition. Online, a store that is short asks the relay (POST /v1/authorize) to
 * grant the shortfall from the pool first. escrow_slices is derived and rebuildable. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-db.h"
#include "hy-ledger.h"

G_BEGIN_DECLS

/* Whether this database is part of a chain that escrows balances. */
gboolean
hy_escrow_is_active (HyDb *db);

/* Turns escrow on (HQ, when it adds its first store; a store, when it enrols), with
 * `hq_store_id` the chain's HQ, and derives every slice from the ledger. Inside the
 * caller's transaction. */
gboolean
hy_escrow_enable (HyDb *db, const gchar *hq_store_id, GError **error);

/* Rebuilds escrow_slices from account_entries and escrow_entries. */
gboolean
hy_escrow_rebuild (HyDb *db, GError **error);

/* What `store_id` may spend offline of the card's account (0 without a slice). */
gboolean
hy_escrow_slice (HyDb *db,
		 const gchar *card_id,
		 HyAccount account,
		 const gchar *item,
		 const gchar *store_id,
		 gint64 *out,
		 GError **error);

/* The part of the balance that is in no store's slice. */
gboolean
hy_escrow_pool (HyDb *db,
		const gchar *card_id,
		HyAccount account,
		const gchar *item,
		gint64 *out,
		GError **error);

/* Refuses a debit of `-delta` by `origin` (this database's store) that its slice (at a
 * store) or the pool (at HQ) cannot cover, with HY_ERROR_ESCROW naming what is
 * available; the shortfall is kept for hy_escrow_take_shortfall. */
gboolean
hy_escrow_check_debit (HyDb *db,
		       const gchar *origin,
		       const gchar *card_id,
		       HyAccount account,
		       const gchar *item,
		       gint64 delta,
		       GError **error);

/* Moves the slice of `origin` by an account entry it wrote (nothing for HQ's entries,
 * time, or when escrow is off). */
gboolean
hy_escrow_note_entry (HyDb *db,
		      const gchar *origin,
		      const gchar *card_id,
		      const gchar *account,
		      const gchar *item,
		      gint64 delta,
		      GError **error);

/* hy_escrow_note_entry for a row of `table` just applied from another database. */
gboolean
hy_escrow_note_applied (HyDb *db, const gchar *table, const gchar *id, GError **error);

/* What the last debit refused by hy_escrow_check_debit on `db` lacked. */
typedef struct {
	gchar *card_id;
	HyAccount account;
	gchar *item;
	gint64 amount;
} HyEscrowShortfall;

void
hy_escrow_shortfall_free (HyEscrowShortfall *shortfall);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyEscrowShortfall, hy_escrow_shortfall_free)

/* The shortfall of the last refusal, handed over (NULL when there was none). */
HyEscrowShortfall *
hy_escrow_take_shortfall (HyDb *db);

/* Relay side, on the HQ database: grants `store_id` at least `shortfall` of the card's
 * account from the pool, topped up to the store's offline allowance (money) within its
 * offline cap, as escrow entry `grant_id` (the store's request id: asking twice grants
 * once). Refuses (HY_ERROR_ESCROW) when the pool cannot cover the shortfall, asking the
 * stores that hold slices of it to give them back (hy_escrow_requests), and
 * (HY_ERROR_CONFLICT) cards that are lost, frozen or retired. `granted` gets the amount
 * of the grant (also when it was made by an earlier request). */
gboolean
hy_escrow_authorize (HyDb *db,
		     const gchar *store_id,
		     const gchar *grant_id,
		     const gchar *card_id,
		     HyAccount account,
		     const gchar *item,
		     gint64 shortfall,
		     gint64 *granted,
		     GError **error);

/* Relay side: what `store_id` has been asked to give back since it was last told, as
 * [{"card_id", "account", "item"}], for its next pull answer; and forgetting it once
 * the answer is made. */
JsonArray *
hy_escrow_requests (HyDb *db, const gchar *store_id, GError **error);
gboolean
hy_escrow_requests_told (HyDb *db, const gchar *store_id, GError **error);

/* Store side: gives back the whole of each slice the relay asked for (`requests` as
 * hy_escrow_requests makes them); `n_released` gets the number released. */
gboolean
hy_escrow_release_requested (HyDb *db, JsonArray *requests, guint *n_released, GError **error);

/* Store side: gives back to the pool the money its slices hold above the store's
 * offline allowance per card, so a recharge here is soon spendable at every store.
 * Points and count slices stay where they were earned or bought. Run after a sync;
 * `n_released` gets the number of slices released. */
gboolean
hy_escrow_release_excess (HyDb *db, guint *n_released, GError **error);

G_END_DECLS
