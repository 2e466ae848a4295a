#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-actor.h"
#include "hy-error.h"
#include "hy-password.h"

struct _HyActor {
	gchar *operator_id;
	gchar *login;
	gchar *role;
	HyPermissions permissions;
	gchar *store_id;
	gchar *terminal_id;
};

HyActor *
hy_actor_new (const gchar *operator_id,
	      const gchar *login,
	      const gchar *role,
	      HyPermissions permissions,
	      const gchar *store_id,
	      const gchar *terminal_id)
{
	HyActor *actor = g_new0 (HyActor, 1);
	actor->operator_id = g_strdup (operator_id);
	actor->login = g_strdup (login);
	actor->role = g_strdup (role);
	actor->permissions = permissions;
	actor->store_id = g_strdup (store_id);
	actor->terminal_id = g_strdup (terminal_id);
	return actor;
}

void
hy_actor_free (HyActor *actor)
{
	g_free (actor->operator_id);
	g_free (actor->login);
	g_free (actor->role);
	g_free (actor->store_id);
	g_free (actor->terminal_id);
	g_free (actor);
}

HyActor *
hy_actor_login (HyDb *db, const gchar *login, const gchar *password, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *store_id = hy_db_meta_get (db, "store_id");
	g_autofree gchar *terminal_id = hy_db_meta_get (db, "terminal_id");
	HyPermissions permissions = 0;
	gboolean has_row = FALSE;

	stmt = hy_db_prepare (db,
			      "SELECT o.id, o.password_hash, r.name, r.permissions "
			      "FROM operators o JOIN roles r ON r.id = o.role_id "
			      "WHERE o.login = ? AND o.active = 1",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row || !hy_password_verify (hy_stmt_text (stmt, 1), password)) {
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("wrong login or password for “%s”"), login);
		return NULL;
	}
	if (!hy_permissions_from_string (hy_stmt_text (stmt, 3), &permissions, error))
		return NULL;
	return hy_actor_new (hy_stmt_text (stmt, 0), login, hy_stmt_text (stmt, 2), permissions,
			     store_id, terminal_id);
}

gboolean
hy_actor_has (const HyActor *actor, HyPermission permission)
{
	return actor != NULL && (actor->permissions & permission) == (HyPermissions) permission;
}

gboolean
hy_actor_require (const HyActor *actor, HyPermission permission, GError **error)
{
	if (hy_actor_has (actor, permission))
		return TRUE;
	g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
		     _ ("operator “%s” (%s) lacks the permission %s"),
		     actor != NULL ? actor->login : "?", actor != NULL ? actor->role : "?",
		     hy_permission_to_string (permission));
	return FALSE;
}

const gchar *
hy_actor_get_operator_id (const HyActor *actor)
{
	return actor->operator_id;
}

const gchar *
hy_actor_get_login (const HyActor *actor)
{
	return actor->login;
}

const gchar *
hy_actor_get_role (const HyActor *actor)
{
	return actor->role;
}

HyPermissions
hy_actor_get_permissions (const HyActor *actor)
{
	return actor->permissions;
}

const gchar *
hy_actor_get_store_id (const HyActor *actor)
{
	return actor->store_id;
}

const gchar *
hy_actor_get_terminal_id (const HyActor *actor)
{
	return actor->terminal_id;
}
