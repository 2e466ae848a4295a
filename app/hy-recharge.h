/* Huiyuan: a recharge (充值) with the recharge rules of the member's level (seed 000
 * p. 10): the best rule is the one with the highest minimum the amount reaches; it gives
 * bonus money and points (only on the card's first recharge when "first_only"), and
 * bonus instalments every N days, K times, kept as a schedule that the due-job pays
 * (hy-due.h). When the rules say "points.recharge_earns", the amount also earns points
 * at the level's points coefficient (1 yuan = 1 point at 100%). */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-rules.h"

G_BEGIN_DECLS

typedef struct {
	gchar *op_id;
	gchar *card; /* the card's number */
	gint64 amount;
	gboolean first;	      /* the card's first recharge */
	gint64 rule_min;      /* the rule applied, or -1 */
	gint64 bonus_money;   /* fen */
	gint64 bonus_points;  /* hundredths */
	gint64 earned_points; /* hundredths, with "recharge_earns" */
	gchar *schedule_id;   /* instalments, or NULL */
	gint every_days;
	gint times;
	gint64 instalment_money;
	gint64 instalment_points;
	gchar *level; /* the level the member was upgraded to, or NULL */
	gint64 balance;
	gint64 points;
} HyRechargeResult;

void
hy_recharge_result_free (HyRechargeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyRechargeResult, hy_recharge_result_free)

/* The recharge as JSON: {"op_id", "card", "amount", "first", "bonus": {"money",
 * "points"}, "earned_points", "instalments": {"schedule", "every_days", "times",
 * "money", "points"} or null, "upgraded_to" (or null), "balance", "points"}. */
JsonObject *
hy_recharge_result_to_json (const HyRechargeResult *result);

/* What the rules give for a recharge, before it is made. */
typedef struct {
	gboolean first;		   /* it would be the card's first recharge */
	gint64 rule_min;	   /* the rule that applies, or -1 */
	gint64 bonus_money;	   /* fen */
	gint64 bonus_points;	   /* hundredths */
	gboolean bonus_first_only; /* the rule's bonus is for a first recharge only */
	gint64 earned_points;	   /* hundredths, with "recharge_earns" */
	gint every_days;	   /* instalments: 0 and 0 when none */
	gint times;
	gint64 instalment_money;
	gint64 instalment_points;
} HyRechargePlan;

/* Pure: the plan for `amount` fen on a card of level `level` (NULL or a level the rules
 * do not name: no recharge rules, 100% points), `first` when the card was never
 * recharged. The rule is the one with the highest minimum the amount reaches. */
void
hy_recharge_plan (const HyRules *rules,
		  const gchar *level,
		  gboolean first,
		  gint64 amount,
		  HyRechargePlan *out);
/* The plan for the card (number or bound phone) as it stands, by the rules in force;
 * reads only. Refuses what hy_recharge would refuse before any rule: an amount out of
 * range, a card that cannot take a recharge. */
gboolean
hy_recharge_preview (
	HyDb *db, const gchar *card_number, gint64 amount_fen, HyRechargePlan *out, GError **error);

/* Recharges `amount_fen` (money.recharge) on `at` (NULL: now; its local day starts the
 * instalments), in one transaction with the bonus entries, the schedule, any upgrade
 * and the audit record "money.recharge". What it gives is hy_recharge_plan's. */
gboolean
hy_recharge (HyDb *db,
	     const HyActor *actor,
	     const gchar *card_number,
	     gint64 amount_fen,
	     const gchar *note,
	     GDateTime *at,
	     HyRechargeResult **result_out,
	     GError **error);

G_END_DECLS
