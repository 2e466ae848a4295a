#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-operator.h"
#include "hy-outbox.h"
#include "hy-password.h"

gboolean
hy_role_create_defaults (HyDb *db, const gchar *origin_store, gint64 hlc, GError **error)
{
	const gchar *const *roles = hy_permission_default_roles ();
	for (guint i = 0; roles[i] != NULL; i++) {
		g_autofree gchar *id = hy_id_new ();
		g_autofree gchar *perms =
			hy_permissions_to_string (hy_permission_default_role (roles[i]));
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db,
			"INSERT INTO roles (id, name, permissions, builtin, hlc, origin_store) "
			"VALUES (?, ?, ?, 1, ?, ?)",
			error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, roles[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 3, perms, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (stmt, 4, hlc);
		sqlite3_bind_text (stmt, 5, origin_store, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_done (db, stmt, error))
			return FALSE;
		if (!hy_outbox_capture (db, "roles", id, HY_CHANGE_INSERT, hlc, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
hy_role_get_id (HyDb *db, const gchar *role, gchar **id_out, HyPermissions *out, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT id, permissions FROM roles WHERE name = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, role, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_autofree gchar *known =
			g_strjoinv (", ", (gchar **) hy_permission_default_roles ());
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("unknown role “%s” (built-in roles: %s)"), role, known);
		return FALSE;
	}
	if (id_out != NULL)
		*id_out = hy_stmt_dup_text (stmt, 0);
	if (out != NULL)
		return hy_permissions_from_string (hy_stmt_text (stmt, 1), out, error);
	return TRUE;
}

static gboolean
hy_operator_validate_login (const gchar *login, GError **error)
{
	gsize len = login != NULL ? strlen (login) : 0;
	if (len < 2 || len > 32) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("login must be 2 to 32 characters"));
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		gchar c = login[i];
		if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '.' || c == '_' ||
		      c == '-')) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("login “%s” may only hold a–z, 0–9, “.”, “_” and “-”"),
				     login);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
hy_operator_validate_password (const gchar *password, GError **error)
{
	if (password == NULL || g_utf8_strlen (password, -1) < HY_OPERATOR_MIN_PASSWORD) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an operator password needs at least %d characters"),
			     HY_OPERATOR_MIN_PASSWORD);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_operator_add (HyDb *db,
		 const HyActor *actor,
		 const gchar *login,
		 const gchar *name,
		 const gchar *role,
		 const gchar *password,
		 gchar **id_out,
		 GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *role_id = NULL;
	g_autofree gchar *hash = NULL;
	HyPermissions granted = 0;
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_OPERATOR_MANAGE, error))
		return FALSE;
	if (!hy_operator_validate_login (login, error) ||
	    !hy_operator_validate_password (password, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_role_get_id (db, role, &role_id, &granted, error))
		return FALSE;
	if ((granted & ~hy_actor_get_permissions (actor)) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
			     _ ("operator “%s” cannot grant role “%s”: it holds permissions "
				"“%s” lacks"),
			     hy_actor_get_login (actor), role, hy_actor_get_login (actor));
		return FALSE;
	}
	hash = hy_password_hash (password);
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO operators (id, login, name, role_id, store_id, "
			      "password_hash, hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, login, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, name != NULL ? name : login, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, role_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, hlc);
	sqlite3_bind_text (stmt, 8, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error)) {
		if (g_error_matches (*error, HY_ERROR, HY_ERROR_CONFLICT)) {
			g_clear_error (error);
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT, _ ("login “%s” is taken"),
				     login);
		}
		return FALSE;
	}
	if (!hy_outbox_capture (db, "operators", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "login", login);
	json_object_set_string_member (detail, "role", role);
	if (!hy_audit_append (db, actor, "operator.add", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (id_out != NULL)
		*id_out = g_steal_pointer (&id);
	return TRUE;
}

static gboolean
hy_operator_update (HyDb *db,
		    const HyActor *actor,
		    const gchar *login,
		    const gchar *sql,
		    const gchar *value,
		    const gchar *action,
		    GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (HyStmt) find = NULL;
	g_autofree gchar *id = NULL;
	gboolean has_row = FALSE;
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_OPERATOR_MANAGE, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	/* the relay refuses a store's change to another store's operator: only that store
	 * or HQ changes it */
	find = hy_db_prepare (
		db,
		"SELECT o.id, o.store_id = ?2 OR EXISTS (SELECT 1 FROM stores s "
		"WHERE s.id = ?2 AND s.is_hq = 1) FROM operators o WHERE o.login = ?1",
		error);
	if (find == NULL)
		return FALSE;
	sqlite3_bind_text (find, 1, login, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (find, 2, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, find, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no operator “%s”"), login);
		return FALSE;
	}
	if (sqlite3_column_int (find, 1) == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
			     _ ("operator “%s” belongs to another store; change it there or at HQ"),
			     login);
		return FALSE;
	}
	id = hy_stmt_dup_text (find, 0);
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db, sql, error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, hlc);
	sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_outbox_capture (db, "operators", id, HY_CHANGE_UPDATE, hlc, error))
		return FALSE;
	if (!hy_audit_append (db, actor, action, id, NULL, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_operator_set_password (
	HyDb *db, const HyActor *actor, const gchar *login, const gchar *password, GError **error)
{
	g_autofree gchar *hash = NULL;
	if (!hy_operator_validate_password (password, error))
		return FALSE;
	hash = hy_password_hash (password);
	return hy_operator_update (
		db, actor, login, "UPDATE operators SET password_hash = ?1, hlc = ?2 WHERE id = ?3",
		hash, "operator.password", error);
}

gboolean
hy_operator_set_active (
	HyDb *db, const HyActor *actor, const gchar *login, gboolean active, GError **error)
{
	return hy_operator_update (
		db, actor, login, "UPDATE operators SET active = ?1, hlc = ?2 WHERE id = ?3",
		active ? "1" : "0", active ? "operator.activate" : "operator.deactivate", error);
}
