#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-level.h"
#include "hy-outbox.h"
#include "hy-rules-store.h"

/* Coefficients above 100× are surely a typo (10000 = 100%). */
#define HY_LEVEL_MAX_BP 1000000

void
hy_level_free (HyLevel *level)
{
	g_free (level->id);
	g_free (level->name);
	g_free (level);
}

static gboolean
hy_level_validate_name (const gchar *what, const gchar *name, GError **error)
{
	if (name == NULL || name[0] == '\0' || g_utf8_strlen (name, -1) > 32) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a %s name needs 1 to 32 characters"), what);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_level_validate_bp (const gchar *what, gint bp, GError **error)
{
	if (bp < 0 || bp > HY_LEVEL_MAX_BP) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s must be between 0 and %d basis points, not %d"), what,
			     HY_LEVEL_MAX_BP, bp);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_level_step_unique (HyDb *db, HyStmt *stmt, const gchar *what, const gchar *name, GError **error)
{
	if (hy_db_step_done (db, stmt, error))
		return TRUE;
	if (g_error_matches (*error, HY_ERROR, HY_ERROR_CONFLICT)) {
		g_clear_error (error);
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT, _ ("a %s named “%s” exists"), what,
			     name);
	}
	return FALSE;
}

gboolean
hy_level_add (HyDb *db,
	      const HyActor *actor,
	      const gchar *name,
	      gint rank,
	      gint points_bp,
	      gint discount_bp,
	      gchar **id_out,
	      GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_LEVEL_MANAGE, error))
		return FALSE;
	if (!hy_level_validate_name (_ ("level"), name, error) ||
	    !hy_level_validate_bp (_ ("the points coefficient"), points_bp, error) ||
	    !hy_level_validate_bp (_ ("the discount coefficient"), discount_bp, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO levels (id, name, rank, points_bp, discount_bp, hlc, "
			      "origin_store) VALUES (?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 3, rank);
	sqlite3_bind_int (stmt, 4, points_bp);
	sqlite3_bind_int (stmt, 5, discount_bp);
	sqlite3_bind_int64 (stmt, 6, hlc);
	sqlite3_bind_text (stmt, 7, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_level_step_unique (db, stmt, _ ("level"), name, error))
		return FALSE;
	if (!hy_outbox_capture (db, "levels", id, HY_CHANGE_INSERT, hlc, error) ||
	    !hy_rules_store_touch (db, error))
		return FALSE;
	json_object_set_string_member (detail, "name", name);
	json_object_set_int_member (detail, "rank", rank);
	json_object_set_int_member (detail, "points_bp", points_bp);
	json_object_set_int_member (detail, "discount_bp", discount_bp);
	if (!hy_audit_append (db, actor, "level.add", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (id_out != NULL)
		*id_out = g_steal_pointer (&id);
	return TRUE;
}

static HyLevel *
hy_level_from_row (HyStmt *stmt)
{
	HyLevel *level = g_new0 (HyLevel, 1);
	level->id = hy_stmt_dup_text (stmt, 0);
	level->name = hy_stmt_dup_text (stmt, 1);
	level->rank = sqlite3_column_int (stmt, 2);
	level->points_bp = sqlite3_column_int (stmt, 3);
	level->discount_bp = sqlite3_column_int (stmt, 4);
	return level;
}

GPtrArray *
hy_level_list (HyDb *db, GError **error)
{
	g_autoptr (GPtrArray) levels =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_level_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT id, name, rank, points_bp, discount_bp FROM levels ORDER BY rank, name",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	while (TRUE) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_ptr_array_add (levels, hy_level_from_row (stmt));
	}
	return g_steal_pointer (&levels);
}

HyLevel *
hy_level_find (HyDb *db, const gchar *name, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT id, name, rank, points_bp, discount_bp FROM levels WHERE name = ?",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no level named “%s”"), name);
		return NULL;
	}
	return hy_level_from_row (stmt);
}

gboolean
hy_card_kind_add (HyDb *db,
		  const HyActor *actor,
		  const gchar *name,
		  gboolean stored_value,
		  gboolean points,
		  gboolean counts,
		  gboolean time,
		  gint validity_days,
		  gchar **id_out,
		  GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_LEVEL_MANAGE, error))
		return FALSE;
	if (!hy_level_validate_name (_ ("card kind"), name, error))
		return FALSE;
	if (validity_days < 0 || validity_days > 36500) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("validity must be 0 (never expires) to 36500 days"));
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (
		db,
		"INSERT INTO card_kinds (id, name, stored_value, points, counts, time, "
		"validity_days, hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 3, stored_value ? 1 : 0);
	sqlite3_bind_int (stmt, 4, points ? 1 : 0);
	sqlite3_bind_int (stmt, 5, counts ? 1 : 0);
	sqlite3_bind_int (stmt, 6, time ? 1 : 0);
	sqlite3_bind_int (stmt, 7, validity_days);
	sqlite3_bind_int64 (stmt, 8, hlc);
	sqlite3_bind_text (stmt, 9, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_level_step_unique (db, stmt, _ ("card kind"), name, error))
		return FALSE;
	if (!hy_outbox_capture (db, "card_kinds", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "name", name);
	json_object_set_int_member (detail, "validity_days", validity_days);
	if (!hy_audit_append (db, actor, "card-kind.add", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (id_out != NULL)
		*id_out = g_steal_pointer (&id);
	return TRUE;
}
