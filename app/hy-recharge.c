#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-money.h"
#include "hy-outbox.h"
#include "hy-points.h"
#include "hy-recharge.h"
#include "hy-rules-store.h"
#include "hy-upgrade.h"

/* The largest single recharge: 100,000,000 yuan (as hy-ledger.c). */
#define HY_RECHARGE_MAX G_GINT64_CONSTANT (10000000000)

void
hy_recharge_result_free (HyRechargeResult *result)
{
	g_free (result->op_id);
	g_free (result->card);
	g_free (result->schedule_id);
	g_free (result->level);
	g_free (result);
}

JsonObject *
hy_recharge_result_to_json (const HyRechargeResult *r)
{
	JsonObject *obj = json_object_new ();
	JsonObject *bonus = json_object_new ();

	json_object_set_string_member (obj, "op_id", r->op_id);
	json_object_set_string_member (obj, "card", r->card);
	json_object_set_int_member (obj, "amount", r->amount);
	json_object_set_boolean_member (obj, "first", r->first);
	json_object_set_int_member (bonus, "money", r->bonus_money);
	json_object_set_int_member (bonus, "points", r->bonus_points);
	json_object_set_object_member (obj, "bonus", bonus);
	json_object_set_int_member (obj, "earned_points", r->earned_points);
	if (r->schedule_id != NULL) {
		JsonObject *inst = json_object_new ();
		json_object_set_string_member (inst, "schedule", r->schedule_id);
		json_object_set_int_member (inst, "every_days", r->every_days);
		json_object_set_int_member (inst, "times", r->times);
		json_object_set_int_member (inst, "money", r->instalment_money);
		json_object_set_int_member (inst, "points", r->instalment_points);
		json_object_set_object_member (obj, "instalments", inst);
	} else {
		json_object_set_null_member (obj, "instalments");
	}
	if (r->level != NULL)
		json_object_set_string_member (obj, "upgraded_to", r->level);
	else
		json_object_set_null_member (obj, "upgraded_to");
	json_object_set_int_member (obj, "balance", r->balance);
	json_object_set_int_member (obj, "points", r->points);
	return obj;
}

static gboolean
hy_recharge_is_first (HyDb *db, const gchar *card_id, gboolean *first, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT 1 FROM account_entries WHERE card_id = ? AND account = 'money' "
		"AND item = '' AND op = 'recharge' LIMIT 1",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*first = !has_row;
	return TRUE;
}

static gboolean
hy_recharge_level (HyDb *db,
		   const HyRules *rules,
		   const gchar *member_id,
		   const HyLevelRule **out,
		   GError **error)
{
	g_autofree gchar *name = NULL;
	if (!hy_upgrade_level_name (db, member_id, &name, error))
		return FALSE;
	/* a level outside the rules has no recharge rules */
	*out = name != NULL ? g_hash_table_lookup (rules->levels, name) : NULL;
	return TRUE;
}

static const HyRechargeRule *
hy_recharge_best_rule (const HyLevelRule *level, gint64 amount)
{
	const HyRechargeRule *best = NULL;
	if (level == NULL || level->recharge == NULL)
		return NULL;
	for (guint i = 0; i < level->recharge->len; i++) {
		const HyRechargeRule *rule = &g_array_index (level->recharge, HyRechargeRule, i);
		if (rule->min <= amount && (best == NULL || rule->min > best->min))
			best = rule;
	}
	return best;
}

static void
hy_recharge_plan_level (const HyRules *rules,
			const HyLevelRule *level,
			gboolean first,
			gint64 amount,
			HyRechargePlan *out)
{
	const HyRechargeRule *rule = hy_recharge_best_rule (level, amount);
	memset (out, 0, sizeof *out);
	out->first = first;
	out->rule_min = -1;
	if (rule != NULL) {
		out->rule_min = rule->min;
		out->bonus_first_only = rule->first_only;
		if (!rule->first_only || first) {
			out->bonus_money = rule->bonus_money;
			out->bonus_points = rule->bonus_points;
		}
		if (rule->times > 0) {
			out->every_days = rule->every_days;
			out->times = rule->times;
			out->instalment_money = rule->instalment_money;
			out->instalment_points = rule->instalment_points;
		}
	}
	if (rules->points.recharge_earns) {
		gint points_bp = level != NULL ? level->factor.points_bp : HY_BP_ONE;
		out->earned_points = hy_round_half_up (amount * points_bp, HY_BP_ONE);
	}
}

void
hy_recharge_plan (const HyRules *rules,
		  const gchar *level,
		  gboolean first,
		  gint64 amount,
		  HyRechargePlan *out)
{
	/* a level outside the rules has no recharge rules */
	hy_recharge_plan_level (rules,
				level != NULL ? g_hash_table_lookup (rules->levels, level) : NULL,
				first, amount, out);
}

static gboolean
hy_recharge_check_amount (gint64 amount, GError **error)
{
	if (amount <= 0 || amount > HY_RECHARGE_MAX) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("recharge: amount %" PRId64 " fen is out of range (1 to %" PRId64
				" fen)"),
			     amount, HY_RECHARGE_MAX);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_recharge_preview (
	HyDb *db, const gchar *card_number, gint64 amount, HyRechargePlan *out, GError **error)
{
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autofree gchar *level = NULL;
	gboolean first = FALSE;

	if (!hy_recharge_check_amount (amount, error))
		return FALSE;
	card = hy_card_lookup (db, card_number, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a recharge"), TRUE, error) ||
	    !hy_points_check_stored_value (db, card->kind_id, error) ||
	    !hy_recharge_is_first (db, card->id, &first, error))
		return FALSE;
	rules = hy_rules_load (db, error);
	if (rules == NULL || !hy_upgrade_level_name (db, card->member_id, &level, error))
		return FALSE;
	hy_recharge_plan (rules, level, first, amount, out);
	return TRUE;
}

static gboolean
hy_recharge_insert_schedule (HyDb *db,
			     const HyActor *actor,
			     const HyCard *card,
			     const gchar *op_id,
			     const gchar *day,
			     const HyRechargePlan *rule,
			     gchar **id_out,
			     GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO recharge_schedules (id, card_id, member_id, recharge_op_id, "
		"starts_on, every_days, times, money, points, store_id, operator_id, at, hlc, "
		"origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, card->member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 6, rule->every_days);
	sqlite3_bind_int (stmt, 7, rule->times);
	sqlite3_bind_int64 (stmt, 8, rule->instalment_money);
	sqlite3_bind_int64 (stmt, 9, rule->instalment_points);
	sqlite3_bind_text (stmt, 10, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 11, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 12, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 13, hlc);
	sqlite3_bind_text (stmt, 14, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error) ||
	    !hy_outbox_capture (db, "recharge_schedules", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	*id_out = g_steal_pointer (&id);
	return TRUE;
}

gboolean
hy_recharge (HyDb *db,
	     const HyActor *actor,
	     const gchar *card_number,
	     gint64 amount,
	     const gchar *note,
	     GDateTime *at,
	     HyRechargeResult **result_out,
	     GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (HyRechargeResult) r = g_new0 (HyRechargeResult, 1);
	g_autoptr (JsonObject) detail = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree gchar *day = NULL;
	const HyLevelRule *level;
	HyRechargePlan plan;

	if (!hy_actor_require (actor, HY_PERMISSION_MONEY_RECHARGE, error))
		return FALSE;
	if (!hy_recharge_check_amount (amount, error))
		return FALSE;
	day = g_date_time_format (at != NULL ? at : now, "%Y-%m-%d");
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	card = hy_card_lookup (db, card_number, error);
	if (card == NULL || !hy_card_check_usable (card, _ ("a recharge"), TRUE, error) ||
	    !hy_points_check_stored_value (db, card->kind_id, error) ||
	    !hy_recharge_is_first (db, card->id, &r->first, error))
		return FALSE;
	r->op_id = hy_id_new ();
	r->card = g_strdup (card->number);
	r->amount = amount;
	r->rule_min = -1;
	if (!hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", amount, "recharge",
			     r->op_id, note, error))
		return FALSE;

	rules = hy_rules_load (db, error);
	if (rules == NULL)
		return FALSE;
	if (!hy_recharge_level (db, rules, card->member_id, &level, error))
		return FALSE;
	hy_recharge_plan_level (rules, level, r->first, amount, &plan);
	r->rule_min = plan.rule_min;
	r->bonus_money = plan.bonus_money;
	r->bonus_points = plan.bonus_points;
	if (plan.times > 0) {
		if (!hy_recharge_insert_schedule (db, actor, card, r->op_id, day, &plan,
						  &r->schedule_id, error))
			return FALSE;
		r->every_days = plan.every_days;
		r->times = plan.times;
		r->instalment_money = plan.instalment_money;
		r->instalment_points = plan.instalment_points;
	}
	if (r->bonus_money > 0 &&
	    !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "", r->bonus_money,
			     "recharge_bonus", r->op_id, NULL, error))
		return FALSE;
	if (r->bonus_points > 0 &&
	    !hy_ledger_post_points (db, actor, card->id, r->bonus_points, "recharge", r->op_id,
				    "bonus", day, NULL, error))
		return FALSE;
	if (rules->points.recharge_earns) {
		r->earned_points = plan.earned_points;
		if (r->earned_points > 0 &&
		    !hy_ledger_post_points (db, actor, card->id, r->earned_points, "recharge",
					    r->op_id, NULL, day, NULL, error))
			return FALSE;
	}
	if (!hy_upgrade_apply (db, actor, rules, card->id, card->member_id, r->op_id, &r->level,
			       error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_MONEY, "", &r->balance, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_POINTS, "", &r->points, error))
		return FALSE;

	detail = json_object_new ();
	json_object_set_string_member (detail, "op_id", r->op_id);
	json_object_set_string_member (detail, "account", "money");
	json_object_set_int_member (detail, "delta", amount);
	json_object_set_int_member (detail, "balance", r->balance);
	if (note != NULL && note[0] != '\0')
		json_object_set_string_member (detail, "note", note);
	if (r->bonus_money > 0 || r->bonus_points > 0) {
		json_object_set_int_member (detail, "bonus_money", r->bonus_money);
		json_object_set_int_member (detail, "bonus_points", r->bonus_points);
	}
	if (r->earned_points > 0)
		json_object_set_int_member (detail, "earned_points", r->earned_points);
	if (r->schedule_id != NULL)
		json_object_set_string_member (detail, "schedule", r->schedule_id);
	if (!hy_audit_append (db, actor, "money.recharge", card->id, detail, error) ||
	    !hy_txn_commit (txn, error))
		return FALSE;
	if (result_out != NULL)
		*result_out = g_steal_pointer (&r);
	return TRUE;
}
