/* Huiyuan: operators (staff who sign in) and their roles. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

#define HY_OPERATOR_MIN_PASSWORD 6

/* Adds an operator with one of the roles; the actor needs operator.manage and may only
 * grant a role whose permissions it holds itself. */
gboolean
hy_operator_add (HyDb *db,
		 const HyActor *actor,
		 const gchar *login,
		 const gchar *name,
		 const gchar *role,
		 const gchar *password,
		 gchar **id_out,
		 GError **error);
gboolean
hy_operator_set_password (
	HyDb *db, const HyActor *actor, const gchar *login, const gchar *password, GError **error);
gboolean
hy_operator_set_active (
	HyDb *db, const HyActor *actor, const gchar *login, gboolean active, GError **error);

/* Creates the built-in roles; used once by hy_store_init. */
gboolean
hy_role_create_defaults (HyDb *db, const gchar *origin_store, gint64 hlc, GError **error);
gboolean
hy_role_get_id (HyDb *db, const gchar *role, gchar **id_out, HyPermissions *out, GError **error);

G_END_DECLS
