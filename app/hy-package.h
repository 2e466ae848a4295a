/* Huiyuan: packages (套餐) sold through checkout. An item of the rules document may be
 * a package of uses of a count item or minutes of a time item (HyPackageRule); selling
 * it credits the card in the sale's transaction, and refunding the line takes back the
 * part not used yet. The credit is keyed by the sale line: a count lot, or a time
 * entry, whose op_id is the line's id. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-pricing.h"
#include "hy-rules.h"

G_BEGIN_DECLS

/* Inside the sale's transaction, once its lines are written: credits the card
 * (`card_id`) for every package line of sale `sale_id` (whose basket was `lines`),
 * count lots expiring `valid_days` after the day of `at`. A package sold without a
 * card (card_id NULL) is refused. */
gboolean
hy_package_credit_sale (HyDb *db,
			const HyActor *actor,
			const HyRules *rules,
			const gchar *card_id,
			const gchar *sale_id,
			const HyBasketLine *lines,
			guint n_lines,
			GDateTime *at,
			GError **error);

/* Refuses (HY_ERROR_CONFLICT) a card whose kind carries no counts (HY_PACKAGE_COUNT)
 * or no time (HY_PACKAGE_TIME). */
gboolean
hy_package_check_kind (HyDb *db, const gchar *card_id, HyPackageKind account, GError **error);

/* Inside a refund's transaction: takes back what `qty` of the `line_qty` packages of
 * sale line `sale_line_id` credited to `sale_card_id`, posting to `card_id` (the card
 * now holding the member's balances). Does nothing for a line that is not a package.
 * Refused (HY_ERROR_INSUFFICIENT) when more has been used than would be left. */
gboolean
hy_package_refund_line (HyDb *db,
			const HyActor *actor,
			const gchar *sale_card_id,
			const gchar *card_id,
			const gchar *sale_line_id,
			gint64 line_qty,
			gint64 qty,
			const gchar *refund_id,
			GError **error);

G_END_DECLS
