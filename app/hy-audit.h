/* Huiyuan: the append-only, hash-chained audit log of every mutating operation. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* The columns covered by a row's hash, in order; verify reads them back the same way. */
#define HY_AUDIT_CHAINED_COLUMNS                                                                   \
	"id, at, operator_id, terminal_id, action, target, detail, hlc, origin_store, origin_seq"
#define HY_AUDIT_N_CHAINED_COLUMNS 10

/* Appends a record inside the caller's transaction. `target` is a row id, never a card
 * number or personal data; `detail` may be NULL. */
gboolean
hy_audit_append (HyDb *db,
		 const HyActor *actor,
		 const gchar *action,
		 const gchar *target,
		 JsonObject *detail,
		 GError **error);

G_END_DECLS
