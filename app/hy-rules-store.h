/* Huiyuan: the rules in force at this database. HQ's rules document is applied to it:
 * levels and items go to their own tables (where cards, the catalogue and the tills read
 * them); categories, brands and per-store rules are kept as a versioned document. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-rules.h"

G_BEGIN_DECLS

/* Validates the document (an error names the JSON path of the bad value) and applies it
 * in one transaction (rules.manage): levels and items named in it are added or updated,
 * others are left alone; the rest becomes the newest rules version. On any error
 * nothing changes. */
gboolean
hy_rules_import (HyDb *db,
		 const HyActor *actor,
		 const gchar *json,
		 gssize length,
		 gint64 *version_out,
		 GError **error);

/* The rules in force: every level and item from their tables, with the newest
 * document's categories, brands and stores. Built once per change and shared (a sale
 * must not parse them again): every writer of levels, items or rules calls
 * hy_rules_store_touch in its transaction. Free the result with hy_rules_free. */
HyRules *
hy_rules_load (HyDb *db, GError **error);

/* Marks the rules in force as changed, inside the caller's transaction. */
gboolean
hy_rules_store_touch (HyDb *db, GError **error);

/* The rules in force as a canonical document; importing it changes nothing. */
gchar *
hy_rules_export (HyDb *db, GError **error);

G_END_DECLS
