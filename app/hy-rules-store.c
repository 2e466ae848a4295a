#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-gift.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-rules-store.h"

/* ---- reading the tables back into a document ---- */

static void
hy_rules_store_add_optional (JsonObject *obj, const gchar *key, HyStmt *stmt, gint column)
{
	if (sqlite3_column_type (stmt, column) != SQLITE_NULL)
		json_object_set_int_member (obj, key, sqlite3_column_int64 (stmt, column));
}

static JsonArray *
hy_rules_store_levels (HyDb *db, GError **error)
{
	g_autoptr (JsonArray) levels = json_array_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT name, points_bp, discount_bp, loyalty FROM levels ORDER BY rank, name",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	for (;;) {
		JsonObject *level;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		level = json_object_new ();
		json_object_set_string_member (level, "name", hy_stmt_text (stmt, 0));
		json_object_set_int_member (level, "points_bp", sqlite3_column_int64 (stmt, 1));
		json_object_set_int_member (level, "discount_bp", sqlite3_column_int64 (stmt, 2));
		if (hy_stmt_text (stmt, 3) != NULL) {
			/* upgrade and recharge rules (schema v2), kept as a JSON object */
			g_autoptr (JsonParser) parser = json_parser_new ();
			JsonNode *root;
			if (json_parser_load_from_data (parser, hy_stmt_text (stmt, 3), -1, NULL) &&
			    JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser))) {
				JsonObject *loyalty = json_node_get_object (root);
				g_autoptr (GList) keys = json_object_get_members (loyalty);
				for (GList *l = keys; l != NULL; l = l->next)
					json_object_set_member (
						level, l->data,
						json_node_copy (
							json_object_get_member (loyalty, l->data)));
			}
		}
		json_array_add_object_element (levels, level);
	}
	return g_steal_pointer (&levels);
}

static JsonArray *
hy_rules_store_items (HyDb *db, GError **error)
{
	g_autoptr (JsonArray) items = json_array_new ();
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT code, name, price, member_price, special_price, category, "
			       "brand, points_bp, discount_bp, package FROM items WHERE active = 1 "
			       "ORDER BY code",
			       error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	for (;;) {
		JsonObject *item;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		item = json_object_new ();
		json_object_set_string_member (item, "code", hy_stmt_text (stmt, 0));
		json_object_set_string_member (item, "name", hy_stmt_text (stmt, 1));
		json_object_set_int_member (item, "price", sqlite3_column_int64 (stmt, 2));
		hy_rules_store_add_optional (item, "member_price", stmt, 3);
		hy_rules_store_add_optional (item, "special_price", stmt, 4);
		if (hy_stmt_text (stmt, 5) != NULL)
			json_object_set_string_member (item, "category", hy_stmt_text (stmt, 5));
		if (hy_stmt_text (stmt, 6) != NULL)
			json_object_set_string_member (item, "brand", hy_stmt_text (stmt, 6));
		hy_rules_store_add_optional (item, "points_bp", stmt, 7);
		hy_rules_store_add_optional (item, "discount_bp", stmt, 8);
		if (hy_stmt_text (stmt, 9) != NULL) {
			/* a package (schema v3), kept as its JSON object */
			g_autoptr (JsonParser) parser = json_parser_new ();
			if (json_parser_load_from_data (parser, hy_stmt_text (stmt, 9), -1, NULL))
				json_object_set_member (
					item, "package",
					json_node_copy (json_parser_get_root (parser)));
		}
		json_array_add_object_element (items, item);
	}
	return g_steal_pointer (&items);
}

/* The newest document (categories, brands, stores), or an empty one. */
static JsonObject *
hy_rules_store_document (HyDb *db, gint64 *version, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT version, document FROM rules ORDER BY version DESC LIMIT 1", error);
	g_autoptr (JsonParser) parser = json_parser_new ();
	gboolean has_row = FALSE;
	JsonNode *root;

	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	*version = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	if (!has_row)
		return json_object_new ();
	if (!json_parser_load_from_data (parser, hy_stmt_text (stmt, 1), -1, error))
		return NULL;
	root = json_parser_get_root (parser);
	if (!JSON_NODE_HOLDS_OBJECT (root)) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     "rules version %" PRId64 " is not a JSON object", *version);
		return NULL;
	}
	return json_object_ref (json_node_get_object (root));
}

/* The rules built for one value of meta "rules_serial", kept on the database object. */
typedef struct {
	gchar *serial;
	HyRules *rules;
} HyRulesCache;

static void
hy_rules_cache_free (HyRulesCache *cache)
{
	g_free (cache->serial);
	hy_rules_free (cache->rules);
	g_free (cache);
}

gboolean
hy_rules_store_touch (HyDb *db, GError **error)
{
	/* a fresh id, not a counter: a rolled-back change must never share its serial
	 * with a later one */
	g_autofree gchar *serial = hy_id_new ();
	return hy_db_meta_set (db, "rules_serial", serial, error);
}

static HyRules *
hy_rules_build (HyDb *db, GError **error);

HyRules *
hy_rules_load (HyDb *db, GError **error)
{
	g_autofree gchar *serial = hy_db_meta_get (db, "rules_serial");
	HyRulesCache *cache = g_object_get_data (G_OBJECT (db), "hy-rules-cache");
	HyRules *rules;

	if (cache != NULL && g_strcmp0 (cache->serial, serial) == 0)
		return hy_rules_ref (cache->rules);
	rules = hy_rules_build (db, error);
	if (rules == NULL)
		return NULL;
	cache = g_new0 (HyRulesCache, 1);
	cache->serial = g_steal_pointer (&serial);
	cache->rules = hy_rules_ref (rules);
	g_object_set_data_full (G_OBJECT (db), "hy-rules-cache", cache,
				(GDestroyNotify) hy_rules_cache_free);
	return rules;
}

static HyRules *
hy_rules_build (HyDb *db, GError **error)
{
	g_autoptr (JsonObject) doc = NULL;
	g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
	JsonArray *levels, *items, *gifts;
	gint64 version = 0;
	HyRules *rules;

	doc = hy_rules_store_document (db, &version, error);
	if (doc == NULL)
		return NULL;
	levels = hy_rules_store_levels (db, error);
	if (levels == NULL)
		return NULL;
	json_object_set_array_member (doc, "levels", levels);
	items = hy_rules_store_items (db, error);
	if (items == NULL)
		return NULL;
	json_object_set_array_member (doc, "items", items);
	gifts = hy_gift_list (db, error);
	if (gifts == NULL)
		return NULL;
	json_object_set_array_member (doc, "gifts", gifts);
	json_node_set_object (root, doc);
	rules = hy_rules_from_node (root, error);
	if (rules == NULL)
		g_prefix_error (error,
				_ ("the rules in force (version %" PRId64 ") are "
				   "damaged: "),
				version);
	return rules;
}

gchar *
hy_rules_export (HyDb *db, GError **error)
{
	g_autoptr (HyRules) rules = hy_rules_load (db, error);
	g_autoptr (JsonNode) node = NULL;
	if (rules == NULL)
		return NULL;
	node = hy_rules_to_node (rules);
	return json_to_string (node, TRUE);
}

/* ---- applying a document ---- */

static void
hy_rules_store_bind_optional (HyStmt *stmt, gint column, gint64 value, gboolean present)
{
	if (present)
		sqlite3_bind_int64 (stmt, column, value);
	else
		sqlite3_bind_null (stmt, column);
}

static gboolean
hy_rules_store_lookup_id (
	HyDb *db, const gchar *sql, const gchar *key, gchar **id_out, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*id_out = has_row ? hy_stmt_dup_text (stmt, 0) : NULL;
	return TRUE;
}

/* A level's upgrade and recharge rules as the JSON object the document has, or NULL. */
static gchar *
hy_rules_store_level_loyalty (const HyLevelRule *level)
{
	g_autoptr (HyRules) one = NULL;
	g_autoptr (JsonNode) node = NULL;
	g_autoptr (JsonNode) out = NULL;
	JsonObject *obj;
	HyLevelRule *copy;

	if (!level->has_upgrade && level->recharge->len == 0)
		return NULL;
	/* the canonical form is hy-rules.c's: export a document of this one level */
	one = hy_rules_new ();
	copy = g_new0 (HyLevelRule, 1);
	*copy = *level;
	copy->name = g_strdup (level->name);
	copy->recharge = g_array_ref (level->recharge);
	g_hash_table_insert (one->levels, copy->name, copy);
	g_ptr_array_add (one->level_order, copy);
	node = hy_rules_to_node (one);
	obj = json_array_get_object_element (
		json_object_get_array_member (json_node_get_object (node), "levels"), 0);
	json_object_remove_member (obj, "name");
	json_object_remove_member (obj, "points_bp");
	json_object_remove_member (obj, "discount_bp");
	out = json_node_new (JSON_NODE_OBJECT);
	json_node_set_object (out, obj);
	return json_to_string (out, FALSE);
}

static gboolean
hy_rules_store_apply_level (
	HyDb *db, const HyActor *actor, const HyLevelRule *level, gint64 hlc, GError **error)
{
	g_autofree gchar *loyalty = NULL;
	g_autofree gchar *id = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	gboolean exists;

	if (!hy_rules_store_lookup_id (db, "SELECT id FROM levels WHERE name = ?", level->name, &id,
				       error))
		return FALSE;
	exists = id != NULL;
	if (exists) {
		stmt = hy_db_prepare (db,
				      "UPDATE levels SET points_bp = ?2, discount_bp = ?3, "
				      "loyalty = ?7, version = version + 1, hlc = ?4 WHERE id = ?1",
				      error);
	} else {
		id = hy_id_new ();
		/* a new level ranks above the existing ones */
		stmt = hy_db_prepare (
			db,
			"INSERT INTO levels (id, points_bp, discount_bp, hlc, name, "
			"origin_store, loyalty, rank) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			"(SELECT coalesce (max (rank), -1) + 1 FROM levels))",
			error);
	}
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 2, level->factor.points_bp);
	sqlite3_bind_int (stmt, 3, level->factor.discount_bp);
	sqlite3_bind_int64 (stmt, 4, hlc);
	if (!exists) {
		sqlite3_bind_text (stmt, 5, level->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	}
	loyalty = hy_rules_store_level_loyalty (level);
	sqlite3_bind_text (stmt, 7, loyalty, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "levels", id, exists ? HY_CHANGE_UPDATE : HY_CHANGE_INSERT,
				  hlc, error);
}

/* An item's package as the JSON object the document has, or NULL. */
static gchar *
hy_rules_store_package_json (const HyPackageRule *package)
{
	g_autoptr (JsonObject) obj = NULL;
	g_autoptr (JsonNode) node = NULL;
	if (package->kind == HY_PACKAGE_NONE)
		return NULL;
	obj = json_object_new ();
	json_object_set_string_member (obj, "account",
				       package->kind == HY_PACKAGE_COUNT ? "count" : "time");
	json_object_set_string_member (obj, "item", package->item);
	json_object_set_int_member (obj, "qty", package->qty);
	if (package->valid_days > 0)
		json_object_set_int_member (obj, "valid_days", package->valid_days);
	node = json_node_new (JSON_NODE_OBJECT);
	json_node_set_object (node, obj);
	return json_to_string (node, FALSE);
}

static gboolean
hy_rules_store_apply_item (
	HyDb *db, const HyActor *actor, const HyItemRule *item, gint64 hlc, GError **error)
{
	g_autofree gchar *package = NULL;
	g_autofree gchar *id = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	gboolean exists;

	if (!hy_rules_store_lookup_id (db, "SELECT id FROM items WHERE code = ?", item->code, &id,
				       error))
		return FALSE;
	exists = id != NULL;
	if (exists) {
		stmt = hy_db_prepare (db,
				      "UPDATE items SET name = ?2, price = ?3, member_price = ?4, "
				      "special_price = ?5, category = ?6, brand = ?7, "
				      "points_bp = ?8, discount_bp = ?9, hlc = ?10, active = 1, "
				      "package = ?13, version = version + 1 WHERE id = ?1",
				      error);
	} else {
		id = hy_id_new ();
		stmt = hy_db_prepare (
			db,
			"INSERT INTO items (id, name, price, member_price, "
			"special_price, category, brand, points_bp, discount_bp, hlc, "
			"code, origin_store, package) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
			error);
	}
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, item->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, item->price);
	hy_rules_store_bind_optional (stmt, 4, item->member_price, item->member_price >= 0);
	hy_rules_store_bind_optional (stmt, 5, item->special_price, item->special_price >= 0);
	sqlite3_bind_text (stmt, 6, item->category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, item->brand, -1, SQLITE_TRANSIENT);
	hy_rules_store_bind_optional (stmt, 8, item->factor.points_bp, item->has_factor);
	hy_rules_store_bind_optional (stmt, 9, item->factor.discount_bp, item->has_factor);
	sqlite3_bind_int64 (stmt, 10, hlc);
	if (!exists) {
		sqlite3_bind_text (stmt, 11, item->code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 12, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	}
	package = hy_rules_store_package_json (&item->package);
	sqlite3_bind_text (stmt, 13, package, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, "items", id, exists ? HY_CHANGE_UPDATE : HY_CHANGE_INSERT,
				  hlc, error);
}

/* The codes of the item catalogue: store prices may name them without the document
 * listing the items again. */
static GHashTable *
hy_rules_store_item_codes (HyDb *db, GError **error)
{
	g_autoptr (GHashTable) codes =
		g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT code FROM items WHERE active = 1", error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	for (;;) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_hash_table_add (codes, hy_stmt_dup_text (stmt, 0));
	}
	return g_steal_pointer (&codes);
}

/* The document without levels and items, which live in their tables. */
static gchar *
hy_rules_store_rest (const HyRules *rules)
{
	g_autoptr (JsonNode) node = hy_rules_to_node (rules);
	JsonObject *obj = json_node_get_object (node);
	json_object_remove_member (obj, "levels");
	json_object_remove_member (obj, "items");
	json_object_remove_member (obj, "gifts"); /* in their table, with their stock */
	return json_to_string (node, FALSE);
}

gboolean
hy_rules_import (HyDb *db,
		 const HyActor *actor,
		 const gchar *json,
		 gssize length,
		 gint64 *version_out,
		 GError **error)
{
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (HyRules) merged = NULL;
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autoptr (JsonObject) old = NULL;
	g_autoptr (GHashTable) catalogue = NULL;
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *rest = NULL;
	GHashTableIter iter;
	gpointer value;
	gint64 version = 0;
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_RULES_MANAGE, error))
		return FALSE;
	catalogue = hy_rules_store_item_codes (db, error);
	if (catalogue == NULL)
		return FALSE;
	rules = hy_rules_from_json_full (json, length, catalogue, error);
	if (rules == NULL)
		return FALSE;

	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	/* in the document's order, so new levels rank in it */
	for (guint i = 0; i < rules->level_order->len; i++) {
		if (!hy_rules_store_apply_level (
			    db, actor, g_ptr_array_index (rules->level_order, i), hlc, error))
			return FALSE;
	}
	g_hash_table_iter_init (&iter, rules->items);
	while (g_hash_table_iter_next (&iter, NULL, &value)) {
		if (!hy_rules_store_apply_item (db, actor, value, hlc, error))
			return FALSE;
	}
	for (guint i = 0; i < rules->gifts->len; i++) {
		if (!hy_gift_apply (db, actor, g_ptr_array_index (rules->gifts, i), id, hlc, error))
			return FALSE;
	}
	old = hy_rules_store_document (db, &version, error);
	if (old == NULL)
		return FALSE;
	version++;
	rest = hy_rules_store_rest (rules);
	stmt = hy_db_prepare (db,
			      "INSERT INTO rules (id, version, document, hlc, origin_store) "
			      "VALUES (?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, version);
	sqlite3_bind_text (stmt, 3, rest, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, hlc);
	sqlite3_bind_text (stmt, 5, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_outbox_capture (db, "rules", id, HY_CHANGE_INSERT, hlc, error) ||
	    !hy_rules_store_touch (db, error))
		return FALSE;

	/* what is now in force must itself load */
	merged = hy_rules_load (db, error);
	if (merged == NULL)
		return FALSE;

	json_object_set_int_member (detail, "version", version);
	json_object_set_int_member (detail, "levels", g_hash_table_size (rules->levels));
	json_object_set_int_member (detail, "items", g_hash_table_size (rules->items));
	json_object_set_int_member (detail, "stores", g_hash_table_size (rules->stores));
	json_object_set_int_member (detail, "gifts", rules->gifts->len);
	if (!hy_audit_append (db, actor, "rules.import", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (version_out != NULL)
		*version_out = version;
	return TRUE;
}
