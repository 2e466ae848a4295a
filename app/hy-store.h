/* Huiyuan: this database's store, its terminal, and the first set-up of a new database. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gchar *code;
	gchar *name;
	gint number; /* 0–999; the first three digits of the store's card numbers */
	gboolean is_hq;
} HyStore;

void
hy_store_free (HyStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyStore, hy_store_free)

/* Sets up a database just created by hy_db_open (HY_DB_OPEN_CREATE): the store, one
 * terminal, the default roles, operator "admin" (role hq-admin) with `admin_password`,
 * a default level and card kind, and a card-stock range for the store. */
/* A store code: 1 to 16 letters, digits, "-" or "_". */
gboolean
hy_store_check_code (const gchar *code, GError **error);
gboolean
hy_store_init (HyDb *db,
	       const gchar *code,
	       const gchar *name,
	       gboolean is_hq,
	       const gchar *admin_password,
	       GError **error);

HyStore *
hy_store_get_local (HyDb *db, GError **error);
HyStore *
hy_store_get_by_id (HyDb *db, const gchar *id, GError **error);

G_END_DECLS
