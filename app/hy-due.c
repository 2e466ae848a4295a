#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-date.h"
#include "hy-due.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-outbox.h"
#include "hy-points.h"
#include "hy-rules-store.h"
#include "hy-upgrade.h"

typedef struct {
	gchar *id;
	gchar *card_id;
	gchar *member_id;
	gchar *starts_on;
	gint every_days;
	gint times;
	gint64 money;
	gint64 points;
	gint paid;
} HyDueSchedule;

static void
hy_due_schedule_clear (HyDueSchedule *s)
{
	g_free (s->id);
	g_free (s->card_id);
	g_free (s->member_id);
	g_free (s->starts_on);
}

/* The schedules this store created with instalments left: each store pays its own, so
 * that a schedule replicated to other stores is still paid once. */
static GArray *
hy_due_open_schedules (HyDb *db, const gchar *store_id, GError **error)
{
	g_autoptr (GArray) list = g_array_new (FALSE, TRUE, sizeof (HyDueSchedule));
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT id, card_id, member_id, starts_on, every_days, times, money, points, paid "
		"FROM (SELECT s.*, (SELECT count (*) FROM recharge_payouts p "
		"                   WHERE p.schedule_id = s.id) AS paid "
		"      FROM recharge_schedules s WHERE s.origin_store = ?) "
		"WHERE paid < times ORDER BY id",
		error);
	gboolean has_row = FALSE;

	g_array_set_clear_func (list, (GDestroyNotify) hy_due_schedule_clear);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	for (;;) {
		HyDueSchedule s;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		s.id = hy_stmt_dup_text (stmt, 0);
		s.card_id = hy_stmt_dup_text (stmt, 1);
		s.member_id = hy_stmt_dup_text (stmt, 2);
		s.starts_on = hy_stmt_dup_text (stmt, 3);
		s.every_days = sqlite3_column_int (stmt, 4);
		s.times = sqlite3_column_int (stmt, 5);
		s.money = sqlite3_column_int64 (stmt, 6);
		s.points = sqlite3_column_int64 (stmt, 7);
		s.paid = sqlite3_column_int (stmt, 8);
		g_array_append_val (list, s);
	}
	return g_steal_pointer (&list);
}

/* Where a bonus goes: the card, or the card that took over its balances when it was
 * merged or replaced since the recharge. */
static HyCard *
hy_due_payee (HyDb *db, const gchar *card_id, GError **error)
{
	g_autoptr (HyCard) card = hy_card_get (db, card_id, error);
	for (guint hops = 0; card != NULL && card->successor_id != NULL && hops < 16; hops++) {
		g_autoptr (HyCard) next = hy_card_get (db, card->successor_id, error);
		if (next == NULL)
			return NULL;
		g_clear_pointer (&card, hy_card_free);
		card = g_steal_pointer (&next);
	}
	return g_steal_pointer (&card);
}

static gboolean
hy_due_insert_payout (HyDb *db,
		      const HyActor *actor,
		      const HyDueSchedule *s,
		      gint n,
		      const gchar *due_on,
		      const gchar *op_id,
		      GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO recharge_payouts (id, schedule_id, instalment, due_on, "
			      "op_id, store_id, operator_id, at, hlc, origin_store) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 3, n);
	sqlite3_bind_text (stmt, 4, due_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, g_get_real_time () / 1000);
	sqlite3_bind_int64 (stmt, 9, hlc);
	sqlite3_bind_text (stmt, 10, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "recharge_payouts", id, HY_CHANGE_INSERT, hlc, error);
}

/* Pays the schedule's instalments due by `day`; adds them to `paid`. */
static gboolean
hy_due_pay_schedule (HyDb *db,
		     const HyActor *actor,
		     const HyRules *rules,
		     const HyDueSchedule *s,
		     const gchar *day,
		     JsonArray *paid,
		     JsonArray *upgrades,
		     GError **error)
{
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *level = NULL;
	g_autofree gchar *last_op = NULL;
	GDate start;

	if (!hy_date_parse (s->starts_on, &start)) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     "recharge schedule %s starts on a bad date “%s”", s->id, s->starts_on);
		return FALSE;
	}
	for (gint n = s->paid + 1; n <= s->times; n++) {
		GDate due = start;
		g_autofree gchar *due_on = NULL;
		g_autofree gchar *op_id = g_strdup_printf ("%s:%d", s->id, n);
		JsonObject *obj;

		g_date_add_days (&due, (guint) s->every_days * (guint) n);
		due_on = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&due),
					  g_date_get_month (&due), g_date_get_day (&due));
		if (g_strcmp0 (due_on, day) > 0)
			break;
		if (card == NULL) {
			card = hy_due_payee (db, s->card_id, error);
			if (card == NULL)
				return FALSE;
		}
		if (s->money > 0 && !hy_ledger_post (db, actor, card->id, HY_ACCOUNT_MONEY, "",
						     s->money, "instalment", op_id, NULL, error))
			return FALSE;
		if (s->points > 0 &&
		    !hy_ledger_post_points (db, actor, card->id, s->points, "instalment", op_id,
					    NULL, due_on, NULL, error))
			return FALSE;
		if (!hy_due_insert_payout (db, actor, s, n, due_on, op_id, error))
			return FALSE;
		obj = json_object_new ();
		json_object_set_string_member (obj, "card", card->number);
		json_object_set_string_member (obj, "schedule", s->id);
		json_object_set_int_member (obj, "instalment", n);
		json_object_set_string_member (obj, "due_on", due_on);
		json_object_set_int_member (obj, "money", s->money);
		json_object_set_int_member (obj, "points", s->points);
		json_array_add_object_element (paid, obj);
		g_free (last_op);
		last_op = g_steal_pointer (&op_id);
	}
	if (card == NULL || s->points == 0)
		return TRUE;
	/* bonus points count towards an upgrade like the points of a sale */
	if (!hy_upgrade_apply (db, actor, rules, card->id, card->member_id, last_op, &level, error))
		return FALSE;
	if (level != NULL) {
		JsonObject *obj = json_object_new ();
		json_object_set_string_member (obj, "card", card->number);
		json_object_set_string_member (obj, "level", level);
		json_array_add_object_element (upgrades, obj);
	}
	return TRUE;
}

gboolean
hy_due_run (HyDb *db, const HyActor *actor, GDateTime *at, JsonObject **report_out, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (GArray) schedules = NULL;
	g_autoptr (JsonObject) report = json_object_new ();
	g_autoptr (GDateTime) local = NULL;
	g_autofree gchar *day = NULL;
	JsonArray *paid = json_array_new ();
	JsonArray *expired = json_array_new ();
	JsonArray *upgrades = json_array_new ();

	json_object_set_array_member (report, "instalments", paid);
	json_object_set_array_member (report, "expired", expired);
	json_object_set_array_member (report, "upgrades", upgrades);
	if (!hy_actor_require (actor, HY_PERMISSION_LOYALTY_DUE, error))
		return FALSE;
	local = at != NULL ? g_date_time_to_local (at) : g_date_time_new_now_local ();
	day = g_date_time_format (local, "%Y-%m-%d");
	json_object_set_string_member (report, "day", day);

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	rules = hy_rules_load (db, error);
	schedules = rules != NULL ? hy_due_open_schedules (db, hy_actor_get_store_id (actor), error)
				  : NULL;
	if (schedules == NULL)
		return FALSE;
	for (guint i = 0; i < schedules->len; i++) {
		if (!hy_due_pay_schedule (db, actor, rules,
					  &g_array_index (schedules, HyDueSchedule, i), day, paid,
					  upgrades, error))
			return FALSE;
	}
	if (!hy_points_expire_due (db, actor, day, expired, error))
		return FALSE;
	/* a run that finds nothing due changes nothing, not even the audit log */
	if (json_array_get_length (paid) > 0 || json_array_get_length (expired) > 0) {
		g_autoptr (JsonObject) detail = json_object_new ();
		json_object_set_string_member (detail, "day", day);
		json_object_set_int_member (detail, "instalments", json_array_get_length (paid));
		json_object_set_int_member (detail, "expired", json_array_get_length (expired));
		json_object_set_int_member (detail, "upgrades", json_array_get_length (upgrades));
		if (!hy_audit_append (db, actor, "loyalty.due", day, detail, error))
			return FALSE;
	}
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (report_out != NULL)
		*report_out = g_steal_pointer (&report);
	return TRUE;
}
