/* Huiyuan: the gift catalogue (礼品) and redemption for points. Gifts come with the rules
 * document ("gifts": [{"code", "name", "points", "stock"}]) and live in the gifts table;
 * the stock is not a column but the sum of the gift's moves (gift_moves, insert-only),
 * so that stores redeeming offline add up instead of overwriting each other. A
 * document's "stock" sets the stock by one move of the difference; leaving it out
 * leaves the stock alone. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-rules.h"

G_BEGIN_DECLS

/* Adds or updates one gift of an imported document, inside the import's transaction. */
gboolean
hy_gift_apply (HyDb *db,
	       const HyActor *actor,
	       const HyGiftRule *gift,
	       const gchar *op_id,
	       gint64 hlc,
	       GError **error);

/* The active gifts as the document lists them, with their stock now, by code. */
JsonArray *
hy_gift_list (HyDb *db, GError **error);

/* Redeems `qty` of gift `code` for the card's points (points.redeem), one transaction
 * with its ledger entry, stock move and audit record. Refused, with nothing changed,
 * when the stock or the points are short. `result_out` gets {"op_id", "card", "gift",
 * "qty", "points", "stock", "balance"} (points spent, stock and points left). */
gboolean
hy_gift_redeem (HyDb *db,
		const HyActor *actor,
		const gchar *card_number,
		const gchar *code,
		gint64 qty,
		JsonObject **result_out,
		GError **error);

G_END_DECLS
