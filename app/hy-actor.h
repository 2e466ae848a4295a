/* Huiyuan: who is acting, and where. Every mutating core call takes one. */
#pragma once

#include "hy-db.h"
#include "hy-permission.h"

G_BEGIN_DECLS

typedef struct _HyActor HyActor;

/* Checks the password (argon2id) of an active operator on this database's store and
 * terminal. A wrong login and a wrong password give the same error. */
HyActor *
hy_actor_login (HyDb *db, const gchar *login, const gchar *password, GError **error);
void
hy_actor_free (HyActor *actor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyActor, hy_actor_free)

/* Refuses with HY_ERROR_PERMISSION_DENIED, naming the operator and permission. */
gboolean
hy_actor_require (const HyActor *actor, HyPermission permission, GError **error);
gboolean
hy_actor_has (const HyActor *actor, HyPermission permission);

const gchar *
hy_actor_get_operator_id (const HyActor *actor);
const gchar *
hy_actor_get_login (const HyActor *actor);
const gchar *
hy_actor_get_role (const HyActor *actor);
HyPermissions
hy_actor_get_permissions (const HyActor *actor);
const gchar *
hy_actor_get_store_id (const HyActor *actor);
const gchar *
hy_actor_get_terminal_id (const HyActor *actor);

/* For the first operator of a new database, and for tests of the permission checks. */
HyActor *
hy_actor_new (const gchar *operator_id,
	      const gchar *login,
	      const gchar *role,
	      HyPermissions permissions,
	      const gchar *store_id,
	      const gchar *terminal_id);

G_END_DECLS
