/* Huiyuan: level upgrades by accumulated points (seed 000 p. 11). A member moves up to
 * the highest level whose "upgrade.points" the points they have earned (by sales,
 * recharges and bonus instalments, less what refunds took back) reach; when the level
 * says "deduct", the threshold is taken off the card, and the upgrade waits until the
 * card holds that many points. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-rules.h"

G_BEGIN_DECLS

/* Applies an upgrade, if one is due, inside the caller's transaction (a sale, a
 * recharge, the due-job): the member's new level, the deduction from `card_id` and an
 * audit record "member.upgrade". `level_out` (may be NULL) gets the new level's name, or
 * NULL when nothing changed. */
gboolean
hy_upgrade_apply (HyDb *db,
		  const HyActor *actor,
		  const HyRules *rules,
		  const gchar *card_id,
		  const gchar *member_id,
		  const gchar *op_id,
		  gchar **level_out,
		  GError **error);

/* The name of the member's level (NULL for an unknown member). */
gboolean
hy_upgrade_level_name (HyDb *db, const gchar *member_id, gchar **name_out, GError **error);

/* The member's accumulated earned points, hundredths. */
gboolean
hy_upgrade_accumulated (HyDb *db, const gchar *member_id, gint64 *out, GError **error);

G_END_DECLS
