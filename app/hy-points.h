/* Huiyuan: points in earning batches. Every points credit is a batch (with an expiry
 * when it was earned and the rules set "points.expire_days"); every debit draws on the
 * card's batches oldest first. hy-ledger.c calls hy_points_track for every points entry,
 * so redemption, the points tender, points to cash, manual deductions and refunds all
 * draw the same way. Points of a balance not in any batch (from before schema v2) count
 * as older than every batch. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-pricing.h"
#include "hy-rules.h"

G_BEGIN_DECLS

/* Records the batch or the uses of one points entry, inside the ledger's transaction:
 * `balance_before` is the card's points before the entry; `day` (YYYY-MM-DD, NULL:
 * today) dates a credit; `batch_id`, for a debit, names the batch it draws on (expiry)
 * instead of the oldest. */
gboolean
hy_points_track (HyDb *db,
		 const HyActor *actor,
		 const gchar *card_id,
		 const gchar *member_id,
		 gint64 delta,
		 gint64 balance_before,
		 const gchar *op,
		 const gchar *op_id,
		 const gchar *day,
		 const gchar *batch_id,
		 GError **error);

/* The card's batches with points left, oldest first:
 * [{"id", "earned_on", "expires_on" (or null), "points", "remaining", "op"}]. */
JsonArray *
hy_points_list_batches (HyDb *db, const gchar *card_id, GError **error);

/* Fen for `points` hundredths at the rules' cash value, half-up; FALSE (an
 * HY_ERROR_CONFLICT) when the rules give points no cash value. */
gboolean
hy_points_to_fen (const HyRules *rules, gint64 points, gint64 *fen_out, GError **error);
/* Hundredths of points for `fen` at the rules' cash value, half-up. */
gboolean
hy_points_for_fen (const HyRules *rules, gint64 fen, gint64 *points_out, GError **error);

/* Points to cash (points.redeem): takes `points` hundredths off the card and credits
 * their cash value to its stored value, one transaction with its audit record. */
gboolean
hy_points_cash (HyDb *db,
		const HyActor *actor,
		const gchar *card_number,
		gint64 points,
		gint64 *fen_out,
		gchar **op_id_out,
		GError **error);

/* The points tender of a sale: `fen` paid with the card's points at the cash value,
 * inside the sale's transaction. */
gboolean
hy_points_pay_sale (HyDb *db,
		    const HyActor *actor,
		    const HyRules *rules,
		    const gchar *card_id,
		    gint64 fen,
		    const gchar *sale_id,
		    GError **error);
/* A refund of a sale paid partly with points gives the points back, after stored value
 * and before cash: of `money_left` fen still to return, up to what the points tender
 * paid and earlier refunds have not returned. The points go back pro rata (half-up; the
 * last refund returns exactly the rest), as an entry "refund_tender". `to_points_out`
 * gets the fen returned this way. */
gboolean
hy_points_refund_tender (HyDb *db,
			 const HyActor *actor,
			 const gchar *sale_id,
			 const gchar *card_id,
			 const gchar *refund_id,
			 gint64 money_left,
			 gint64 *to_points_out,
			 GError **error);

/* Scales the points of every line of a basket to the share of `due` that earns points,
 * when `non_earning` fen of it (paid with points, or with stored value when the rules
 * say it earns nothing) does not. */
void
hy_points_scale_earning (HyPricedBasket *basket, gint64 due, gint64 non_earning);

/* FALSE (HY_ERROR_CONFLICT) when the card's kind holds no stored value. */
gboolean
hy_points_check_stored_value (HyDb *db, const gchar *kind_id, GError **error);

/* Expires, at the end of their expiry day, what is left of every batch the actor's
 * store created whose `expires_on` is before `day`: one ledger entry (op "expire",
 * op_id "expire:" + the batch id) per batch, inside the caller's transaction. Adds to
 * `expired` one object per batch {"card", "batch", "points"}. */
gboolean
hy_points_expire_due (
	HyDb *db, const HyActor *actor, const gchar *day, JsonArray *expired, GError **error);

G_END_DECLS
