#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-ledger.h"
#include "hy-outbox.h"
#include "hy-upgrade.h"

gboolean
hy_upgrade_accumulated (HyDb *db, const gchar *member_id, gint64 *out, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT (SELECT coalesce (sum (points), 0) FROM points_batches "
		"        WHERE member_id = ?1 AND op IN ('sale', 'recharge', 'instalment')) - "
		"       (SELECT coalesce (sum (u.points), 0) FROM points_uses u "
		"        JOIN points_batches b ON b.id = u.batch_id "
		"        WHERE b.member_id = ?1 AND u.op = 'refund')",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*out = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	return TRUE;
}

static gboolean
hy_upgrade_any (const HyRules *rules)
{
	for (guint i = 0; i < rules->level_order->len; i++) {
		const HyLevelRule *level = g_ptr_array_index (rules->level_order, i);
		if (level->has_upgrade)
			return TRUE;
	}
	return FALSE;
}

gboolean
hy_upgrade_level_name (HyDb *db, const gchar *member_id, gchar **name_out, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT l.name FROM members m JOIN levels l ON l.id = m.level_id "
			       "WHERE m.id = ?",
			       error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*name_out = has_row ? hy_stmt_dup_text (stmt, 0) : NULL;
	return TRUE;
}

static gboolean
hy_upgrade_set_level (HyDb *db, const gchar *member_id, const gchar *level, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	gint64 hlc = 0;
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"UPDATE members SET level_id = (SELECT id FROM levels WHERE name = ?), "
		"hlc = ? WHERE id = ?",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, level, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, hlc);
	sqlite3_bind_text (stmt, 3, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "members", member_id, HY_CHANGE_UPDATE, hlc, error);
}

gboolean
hy_upgrade_apply (HyDb *db,
		  const HyActor *actor,
		  const HyRules *rules,
		  const gchar *card_id,
		  const gchar *member_id,
		  const gchar *op_id,
		  gchar **level_out,
		  GError **error)
{
	g_autofree gchar *current = NULL;
	g_autoptr (JsonObject) detail = NULL;
	const HyLevelRule *target = NULL;
	gint64 accumulated = 0, held = 0;
	guint from = 0;

	if (level_out != NULL)
		*level_out = NULL;
	/* most stores have no upgrade rules: a sale then pays nothing for them */
	if (!hy_upgrade_any (rules))
		return TRUE;
	if (!hy_upgrade_level_name (db, member_id, &current, error))
		return FALSE;
	if (current == NULL ||
	    !g_ptr_array_find (rules->level_order, g_hash_table_lookup (rules->levels, current),
			       &from))
		return TRUE;
	if (!hy_upgrade_accumulated (db, member_id, &accumulated, error) ||
	    !hy_ledger_balance (db, card_id, HY_ACCOUNT_POINTS, "", &held, error))
		return FALSE;
	for (guint j = rules->level_order->len; j > from + 1; j--) {
		const HyLevelRule *level = g_ptr_array_index (rules->level_order, j - 1);
		if (!level->has_upgrade || accumulated < level->upgrade_points)
			continue;
		if (level->upgrade_deduct && held < level->upgrade_points)
			continue;
		target = level;
		break;
	}
	if (target == NULL)
		return TRUE;
	if (!hy_upgrade_set_level (db, member_id, target->name, error))
		return FALSE;
	if (target->upgrade_deduct && target->upgrade_points > 0 &&
	    !hy_ledger_post_points (db, actor, card_id, -target->upgrade_points, "upgrade", op_id,
				    target->name, NULL, NULL, error))
		return FALSE;
	detail = json_object_new ();
	json_object_set_string_member (detail, "from", current);
	json_object_set_string_member (detail, "to", target->name);
	json_object_set_int_member (detail, "accumulated", accumulated);
	json_object_set_int_member (detail, "deducted",
				    target->upgrade_deduct ? target->upgrade_points : 0);
	json_object_set_string_member (detail, "card_id", card_id);
	json_object_set_string_member (detail, "op_id", op_id);
	if (!hy_audit_append (db, actor, "member.upgrade", member_id, detail, error))
		return FALSE;
	if (level_out != NULL)
		*level_out = g_strdup (target->name);
	return TRUE;
}
