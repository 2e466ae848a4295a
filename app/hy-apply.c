#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-apply.h"
#include "hy-audit.h"
#include "hy-chain.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-hlc.h"
#include "hy-ledger.h"
#include "hy-member-private.h"

#define HY_CHANGE_MAX_NAME 64

/* ---- the change on the wire ---------------------------------------------------------- */

void
hy_change_free (HyChange *change)
{
	g_free (change->origin);
	g_free (change->id);
	g_free (change->table);
	g_clear_pointer (&change->payload, json_object_unref);
	g_free (change);
}

gboolean
hy_change_op_from_string (const gchar *text, HyChangeOp *op)
{
	for (HyChangeOp o = HY_CHANGE_INSERT; o <= HY_CHANGE_DELETE; o++) {
		if (g_strcmp0 (text, hy_change_op_to_string (o)) == 0) {
			*op = o;
			return TRUE;
		}
	}
	return FALSE;
}

/* Ids, table names and store ids: short printable ASCII, nothing to escape. */
static gboolean
hy_change_check_name (const gchar *what, const gchar *text, GError **error)
{
	gsize len = text != NULL ? strlen (text) : 0;
	if (len == 0 || len > HY_CHANGE_MAX_NAME) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“%s” must be a string of 1 to %d characters"), what,
			     HY_CHANGE_MAX_NAME);
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_') {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("“%s” may only hold letters, digits, “-” and “_”"), what);
			return FALSE;
		}
	}
	return TRUE;
}

static const gchar *
hy_change_get_string (JsonObject *object, const gchar *name, gboolean required, GError **error)
{
	JsonNode *node = json_object_get_member (object, name);
	if (node == NULL && !required)
		return NULL;
	if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
	    json_node_get_value_type (node) != G_TYPE_STRING) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("“%s” must be a string"),
			     name);
		return NULL;
	}
	return json_node_get_string (node);
}

/* A 64-bit number sent as a string (or, from a lenient sender, as a JSON integer). */
static gboolean
hy_change_get_int64 (JsonObject *object, const gchar *name, gint64 *out, GError **error)
{
	JsonNode *node = json_object_get_member (object, name);
	if (node != NULL && JSON_NODE_HOLDS_VALUE (node)) {
		if (json_node_get_value_type (node) == G_TYPE_INT64 &&
		    json_node_get_int (node) >= 0) {
			*out = json_node_get_int (node);
			return TRUE;
		}
		if (json_node_get_value_type (node) == G_TYPE_STRING) {
			const gchar *text = json_node_get_string (node);
			guint64 value = 0;
			if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL)) {
				*out = (gint64) value;
				return TRUE;
			}
		}
	}
	g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
		     _ ("“%s” must be a non-negative integer in a string"), name);
	return FALSE;
}

HyChange *
hy_change_from_json (JsonNode *node, GError **error)
{
	g_autoptr (HyChange) change = g_new0 (HyChange, 1);
	JsonObject *object;
	JsonNode *payload;
	const gchar *text;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a change must be a JSON object"));
		return NULL;
	}
	object = json_node_get_object (node);
	if (!hy_change_get_int64 (object, "seq", &change->seq, error) ||
	    !hy_change_get_int64 (object, "hlc", &change->hlc, error))
		return NULL;
	text = hy_change_get_string (object, "id", TRUE, error);
	if (text == NULL || !hy_change_check_name ("id", text, error))
		return NULL;
	change->id = g_strdup (text);
	text = hy_change_get_string (object, "table", TRUE, error);
	if (text == NULL || !hy_change_check_name ("table", text, error))
		return NULL;
	change->table = g_strdup (text);
	text = hy_change_get_string (object, "op", TRUE, error);
	if (text == NULL)
		return NULL;
	if (!hy_change_op_from_string (text, &change->op)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“op” must be insert, update or delete, not “%s”"), text);
		return NULL;
	}
	if (json_object_has_member (object, "origin")) {
		GError *local = NULL;
		text = hy_change_get_string (object, "origin", TRUE, &local);
		if (text == NULL || !hy_change_check_name ("origin", text, &local)) {
			g_propagate_error (error, local);
			return NULL;
		}
		change->origin = g_strdup (text);
	}
	payload = json_object_get_member (object, "payload");
	if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“payload” must be a JSON object"));
		return NULL;
	}
	change->payload = json_object_ref (json_node_get_object (payload));
	if (g_strcmp0 (hy_change_get_string (change->payload, "id", FALSE, NULL), change->id) !=
	    0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the payload’s “id” must be the change’s id %s"), change->id);
		return NULL;
	}
	return g_steal_pointer (&change);
}

JsonNode *
hy_change_to_json (const HyChange *change)
{
	g_autoptr (JsonObject) object = json_object_new ();
	JsonNode *node = json_node_new (JSON_NODE_OBJECT);
	g_autofree gchar *seq = g_strdup_printf ("%" PRId64, change->seq);
	g_autofree gchar *hlc = g_strdup_printf ("%" PRId64, change->hlc);

	json_object_set_string_member (object, "seq", seq);
	if (change->origin != NULL)
		json_object_set_string_member (object, "origin", change->origin);
	json_object_set_string_member (object, "id", change->id);
	json_object_set_string_member (object, "table", change->table);
	json_object_set_string_member (object, "op", hy_change_op_to_string (change->op));
	json_object_set_string_member (object, "hlc", hlc);
	json_object_set_object_member (object, "payload", json_object_ref (change->payload));
	json_node_set_object (node, object);
	return node;
}

/* ---- the tables' columns, read from the schema ------------------------------------------- */

/* Statements for one set of payload columns, built once: a store ships every column of
 * a row, so a table sees one or two sets. */
typedef struct {
	gchar *insert;	   /* INSERT … VALUES (…) */
	gchar *insert_new; /* the same, doing nothing when the id is held (ledger rows) */
	gchar *update;	   /* UPDATE … WHERE id = ?1; NULL when the payload is the id alone */
	gchar *same;	   /* SELECT 1 … WHERE id = ?1 AND column IS ? … */
} HyApplySql;

/* Tables are narrower than this; a wider one builds its statements on every change. */
#define HY_APPLY_MAX_COLUMNS 64

typedef struct {
	GPtrArray *columns; /* in schema order */
	GHashTable *set;
	gboolean has_version;
	gboolean has_hlc;
	gboolean has_origin;
	gchar *held_sql; /* version, hlc and origin of a row */
	gchar *delete_sql;
	gchar *chain_sql; /* the chained columns, prev_hash and hash; NULL when unchained */
	guint n_chained;
	GHashTable *by_mask; /* guint64 columns bitmask -> HyApplySql */
} HyApplyTable;

static const struct {
	const gchar *table;
	const gchar *columns;
	guint n_columns;
} hy_apply_chains[] = {
	{"account_entries", HY_LEDGER_CHAINED_COLUMNS, HY_LEDGER_N_CHAINED_COLUMNS},
	{"audit", HY_AUDIT_CHAINED_COLUMNS, HY_AUDIT_N_CHAINED_COLUMNS},
};

static HyApplyTable *
hy_apply_table_load (HyDb *db, const gchar *table, GError **error)
{
	g_autofree gchar *pragma = g_strdup_printf ("PRAGMA table_info(%s)", table);
	sqlite3_stmt *stmt = NULL;
	HyApplyTable *info;

	if (sqlite3_prepare_v2 (hy_db_get_handle (db), pragma, -1, &stmt, NULL) != SQLITE_OK) {
		hy_db_set_error (db, error, "reading table columns");
		return NULL;
	}
	info = g_new0 (HyApplyTable, 1);
	info->columns = g_ptr_array_new_with_free_func (g_free);
	info->set = g_hash_table_new (g_str_hash, g_str_equal);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		gchar *col = g_strdup ((const gchar *) sqlite3_column_text (stmt, 1));
		g_ptr_array_add (info->columns, col);
		g_hash_table_add (info->set, col);
	}
	sqlite3_finalize (stmt);
	info->has_version = g_hash_table_contains (info->set, "version");
	info->has_hlc = g_hash_table_contains (info->set, "hlc");
	info->has_origin = g_hash_table_contains (info->set, "origin_store");
	info->held_sql = g_strdup_printf (
		"SELECT %s, %s, %s FROM %s WHERE id = ?", info->has_version ? "version" : "0",
		info->has_hlc ? "hlc" : "0", info->has_origin ? "origin_store" : "''", table);
	info->delete_sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", table);
	for (guint c = 0; c < G_N_ELEMENTS (hy_apply_chains); c++) {
		if (g_strcmp0 (hy_apply_chains[c].table, table) == 0) {
			info->chain_sql =
				g_strdup_printf ("SELECT %s, prev_hash, hash FROM %s WHERE id = ?",
						 hy_apply_chains[c].columns, table);
			info->n_chained = hy_apply_chains[c].n_columns;
		}
	}
	info->by_mask = g_hash_table_new (g_int64_hash, g_int64_equal);
	return info;
}

static void
hy_apply_table_free (HyApplyTable *info)
{
	g_ptr_array_unref (info->columns);
	g_hash_table_unref (info->set);
	g_free (info->held_sql);
	g_free (info->delete_sql);
	g_free (info->chain_sql);
	g_hash_table_unref (info->by_mask);
	g_free (info);
}

/* The schema is fixed for a build, so the columns are read once per table; NULL when
 * the table is not in this database. */
static HyApplyTable *
hy_apply_table (HyDb *db, const gchar *table, GError **error)
{
	static GMutex lock;
	static GHashTable *cache = NULL;
	HyApplyTable *info;

	g_mutex_lock (&lock);
	if (cache == NULL)
		cache = g_hash_table_new (g_str_hash, g_str_equal);
	info = g_hash_table_lookup (cache, table);
	if (info == NULL) {
		info = hy_apply_table_load (db, table, error);
		if (info != NULL && info->columns->len == 0) {
			/* not cached: a migration may still create it */
			g_clear_pointer (&info, hy_apply_table_free);
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("table “%s” does not exist in this database"), table);
		} else if (info != NULL) {
			g_hash_table_insert (cache, g_strdup (table), info);
		}
	}
	g_mutex_unlock (&lock);
	return info;
}

gchar *
hy_apply_select_json_sql (HyDb *db, const gchar *table, GError **error)
{
	HyApplyTable *info;
	g_autofree gchar *clocks = hy_outbox_clocks_sql (table);
	g_autoptr (GString) sql = g_string_new (clocks != NULL ? "SELECT json_patch (json_object("
							       : "SELECT json_object(");

	if (hy_table_kind (table) == HY_TABLE_KIND_LOCAL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("table “%s” is not replicated"), table);
		return NULL;
	}
	info = hy_apply_table (db, table, error);
	if (info == NULL)
		return NULL;
	for (guint i = 0; i < info->columns->len; i++) {
		const gchar *col = info->columns->pdata[i];
		g_string_append_printf (sql, "%s'%s', %s", i > 0 ? ", " : "", col, col);
	}
	if (clocks != NULL)
		g_string_append_printf (sql, "), %s", clocks);
	g_string_append_printf (sql, ") FROM %s", table);
	return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* ---- binding payload values ------------------------------------------------------------ */

static gboolean
hy_apply_check_value (const gchar *table, const gchar *column, JsonNode *node, GError **error)
{
	if (JSON_NODE_HOLDS_NULL (node))
		return TRUE;
	if (JSON_NODE_HOLDS_VALUE (node)) {
		GType type = json_node_get_value_type (node);
		if (type == G_TYPE_STRING || type == G_TYPE_INT64 || type == G_TYPE_DOUBLE ||
		    type == G_TYPE_BOOLEAN)
			return TRUE;
	}
	g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
		     _ ("column “%s” of table %s must hold a string, a number or null"), column,
		     table);
	return FALSE;
}

static void
hy_apply_bind (HyStmt *stmt, gint index, JsonNode *node)
{
	if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
		sqlite3_bind_null (stmt, index);
		return;
	}
	switch (json_node_get_value_type (node)) {
	case G_TYPE_STRING:
		sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
		break;
	case G_TYPE_DOUBLE:
		sqlite3_bind_double (stmt, index, json_node_get_double (node));
		break;
	case G_TYPE_BOOLEAN:
		sqlite3_bind_int (stmt, index, json_node_get_boolean (node) ? 1 : 0);
		break;
	default:
		sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
		break;
	}
}

/* The payload's columns that this database has, id first, then in schema order, with
 * their values; unknown ones refused (or, when lenient, left out). */
typedef struct {
	guint n;
	const gchar *names[HY_APPLY_MAX_COLUMNS];
	JsonNode *nodes[HY_APPLY_MAX_COLUMNS];
	guint64 mask;	 /* which schema columns, for the statement cache */
	GPtrArray *wide; /* names and nodes of a table too wide for the arrays */
	GPtrArray *wide_nodes;
} HyApplyRow;

static void
hy_apply_row_clear (HyApplyRow *row)
{
	g_clear_pointer (&row->wide, g_ptr_array_unref);
	g_clear_pointer (&row->wide_nodes, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyApplyRow, hy_apply_row_clear)

static const gchar *
hy_apply_row_name (const HyApplyRow *row, guint i)
{
	return row->wide != NULL ? row->wide->pdata[i] : row->names[i];
}

static JsonNode *
hy_apply_row_node (const HyApplyRow *row, guint i)
{
	return row->wide != NULL ? row->wide_nodes->pdata[i] : row->nodes[i];
}

static guint
hy_apply_row_len (const HyApplyRow *row)
{
	return row->wide != NULL ? row->wide->len : row->n;
}

static void
hy_apply_row_add (HyApplyRow *row, const gchar *name, JsonNode *node)
{
	if (row->wide != NULL) {
		g_ptr_array_add (row->wide, (gpointer) name);
		g_ptr_array_add (row->wide_nodes, node);
	} else {
		row->names[row->n] = name;
		row->nodes[row->n] = node;
		row->n++;
	}
}

static gboolean
hy_apply_row_resolve (HyApplyTable *info,
		      const HyChange *change,
		      HyApplyFlags flags,
		      HyApplyRow *row,
		      GError **error)
{
	JsonNode *id = json_object_get_member (change->payload, "id");
	guint found = id != NULL ? 1 : 0;

	/* one lookup per schema column instead of a copy of the member list */
	if (info->columns->len >= HY_APPLY_MAX_COLUMNS) {
		row->wide = g_ptr_array_new ();
		row->wide_nodes = g_ptr_array_new ();
	}
	hy_apply_row_add (row, "id", id);
	for (guint i = 0; i < info->columns->len; i++) {
		const gchar *name = info->columns->pdata[i];
		JsonNode *node;
		if (strcmp (name, "id") == 0)
			continue;
		node = json_object_get_member (change->payload, name);
		if (node == NULL)
			continue;
		if (!hy_apply_check_value (change->table, name, node, error))
			return FALSE;
		hy_apply_row_add (row, name, node);
		found++;
		if (row->wide == NULL)
			row->mask |= G_GUINT64_CONSTANT (1) << i;
	}
	/* the column clocks of a shared row travel with it (hy_outbox_clocks_sql) */
	if (json_object_has_member (change->payload, "_clocks"))
		found++;
	if (found < json_object_get_size (change->payload) && !(flags & HY_APPLY_LENIENT)) {
		g_autoptr (GList) members = json_object_get_members (change->payload);
		for (GList *l = members; l != NULL; l = l->next) {
			if (!g_hash_table_contains (info->set, l->data)) {
				g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("table %s has no column “%s”"), change->table,
					     (const gchar *) l->data);
				return FALSE;
			}
		}
	}
	return TRUE;
}

static HyApplySql *
hy_apply_sql_build (const gchar *table, const HyApplyRow *row)
{
	HyApplySql *sql = g_new0 (HyApplySql, 1);
	g_autoptr (GString) text = g_string_new (NULL);
	guint n = hy_apply_row_len (row);

	g_string_append_printf (text, "INSERT INTO %s (", table);
	for (guint i = 0; i < n; i++)
		g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
					hy_apply_row_name (row, i));
	g_string_append (text, ") VALUES (");
	for (guint i = 0; i < n; i++)
		g_string_append (text, i > 0 ? ", ?" : "?");
	g_string_append (text, ")");
	sql->insert = g_strdup (text->str);
	g_string_append (text, " ON CONFLICT (id) DO NOTHING");
	sql->insert_new = g_strdup (text->str);

	if (n > 1) {
		g_string_printf (text, "UPDATE %s SET ", table);
		for (guint i = 1; i < n; i++)
			g_string_append_printf (text, "%s%s = ?%u", i > 1 ? ", " : "",
						hy_apply_row_name (row, i), i + 1);
		g_string_append (text, " WHERE id = ?1");
		sql->update = g_strdup (text->str);
	}

	g_string_printf (text, "SELECT 1 FROM %s WHERE id = ?1", table);
	for (guint i = 1; i < n; i++)
		g_string_append_printf (text, " AND %s IS ?%u", hy_apply_row_name (row, i), i + 1);
	sql->same = g_string_free (g_steal_pointer (&text), FALSE);
	return sql;
}

static void
hy_apply_sql_free (HyApplySql *sql)
{
	g_free (sql->insert);
	g_free (sql->insert_new);
	g_free (sql->update);
	g_free (sql->same);
	g_free (sql);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyApplySql, hy_apply_sql_free)

/* The statements for this set of columns: cached with the table, or (for a table too
 * wide for the bitmask) built for this change into `owned`. */
static const HyApplySql *
hy_apply_sql (HyApplyTable *info, const gchar *table, const HyApplyRow *row, HyApplySql **owned)
{
	static GMutex lock;
	HyApplySql *sql;

	if (row->wide != NULL)
		return *owned = hy_apply_sql_build (table, row);
	g_mutex_lock (&lock);
	sql = g_hash_table_lookup (info->by_mask, &row->mask);
	if (sql == NULL) {
		guint64 *key = g_new (guint64, 1);
		*key = row->mask;
		sql = hy_apply_sql_build (table, row);
		g_hash_table_insert (info->by_mask, key, sql);
	}
	g_mutex_unlock (&lock);
	return sql;
}

/* Binds the row's values, the change's id first. */
static void
hy_apply_bind_row (HyStmt *stmt, const HyChange *change, const HyApplyRow *row)
{
	sqlite3_bind_text (stmt, 1, change->id, -1, SQLITE_TRANSIENT);
	for (guint i = 1; i < hy_apply_row_len (row); i++)
		hy_apply_bind (stmt, (gint) i + 1, hy_apply_row_node (row, i));
}

/* ---- reading what is held ----------------------------------------------------------------- */

typedef struct {
	gboolean exists;
	gint64 version;
	gint64 hlc;
	gchar *origin;
} HyApplyHeld;

static void
hy_apply_held_clear (HyApplyHeld *held)
{
	g_clear_pointer (&held->origin, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyApplyHeld, hy_apply_held_clear)

static gboolean
hy_apply_read_held (
	HyDb *db, HyApplyTable *info, const gchar *id, HyApplyHeld *held, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, info->held_sql, error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	held->exists = has_row;
	if (has_row) {
		held->version = sqlite3_column_int64 (stmt, 0);
		held->hlc = sqlite3_column_int64 (stmt, 1);
		held->origin = hy_stmt_dup_text (stmt, 2);
	}
	return TRUE;
}

static gboolean
hy_apply_read_tombstone (
	HyDb *db, const gchar *table, const gchar *id, HyApplyHeld *held, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT hlc, origin_store FROM tombstones WHERE tbl = ? AND row_id = ?", error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	held->exists = has_row;
	if (has_row) {
		held->hlc = sqlite3_column_int64 (stmt, 0);
		held->origin = hy_stmt_dup_text (stmt, 1);
	}
	return TRUE;
}

/* Orders two writes of one row: by version first (HQ-owned tables), then by clock,
 * then by origin store so that every replica picks the same winner. */
static gint
hy_apply_compare (gint64 version_a,
		  gint64 hlc_a,
		  const gchar *origin_a,
		  gint64 version_b,
		  gint64 hlc_b,
		  const gchar *origin_b)
{
	if (version_a != version_b)
		return version_a < version_b ? -1 : 1;
	if (hlc_a != hlc_b)
		return hlc_a < hlc_b ? -1 : 1;
	return g_strcmp0 (origin_a, origin_b);
}

/* ---- writing -------------------------------------------------------------------------- */

static gboolean
hy_apply_run (
	HyDb *db, const gchar *sql, const HyChange *change, const HyApplyRow *row, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);

	if (stmt == NULL)
		return FALSE;
	hy_apply_bind_row (stmt, change, row);
	if (!hy_db_step_done (db, stmt, error)) {
		g_prefix_error (error, _ ("row %s of %s: "), change->id, change->table);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_apply_delete (HyDb *db,
		 HyApplyTable *info,
		 const HyChange *change,
		 gint64 hlc,
		 const gchar *origin,
		 GError **error)
{
	g_autoptr (HyStmt) del = hy_db_prepare (db, info->delete_sql, error);
	g_autoptr (HyStmt) tomb = NULL;

	if (del == NULL)
		return FALSE;
	sqlite3_bind_text (del, 1, change->id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, del, error))
		return FALSE;
	tomb = hy_db_prepare (db,
			      "INSERT INTO tombstones (tbl, row_id, hlc, origin_store) "
			      "VALUES (?, ?, ?, ?) ON CONFLICT (tbl, row_id) DO UPDATE SET "
			      "hlc = excluded.hlc, origin_store = excluded.origin_store",
			      error);
	if (tomb == NULL)
		return FALSE;
	sqlite3_bind_text (tomb, 1, change->table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (tomb, 2, change->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (tomb, 3, hlc);
	sqlite3_bind_text (tomb, 4, origin, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (db, tomb, error);
}

/* ---- derived tables kept in step ----------------------------------------------------------- */

static gboolean
hy_apply_member_name (HyDb *db, const gchar *id, gchar **name, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT name FROM members WHERE id = ?", error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*name = has_row ? hy_stmt_dup_text (stmt, 0) : NULL;
	return TRUE;
}

static gboolean
hy_apply_balance (HyDb *db, const gchar *id, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "INSERT INTO balances (card_id, account, item, amount) "
			       "SELECT card_id, account, item, delta FROM account_entries "
			       "WHERE id = ? ON CONFLICT (card_id, account, item) "
			       "DO UPDATE SET amount = amount + excluded.amount",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (db, stmt, error);
}

/* ---- hash chains of remote stores ---------------------------------------------------------- */

gboolean
hy_apply_table_is_chained (const gchar *table)
{
	for (guint c = 0; c < G_N_ELEMENTS (hy_apply_chains); c++) {
		if (g_strcmp0 (hy_apply_chains[c].table, table) == 0)
			return TRUE;
	}
	return FALSE;
}

/* A chained row just inserted must hash to its content and link to the newest row of
 * its origin's chain held here: a forged, altered or out-of-order row is refused. */
static gboolean
hy_apply_check_chain (HyDb *db, HyApplyTable *info, const HyChange *change, GError **error)
{
	g_autoptr (HyStmt) row = NULL;
	g_autoptr (HyStmt) head = NULL;
	g_autoptr (HyStmt) advance = NULL;
	g_autoptr (HyStmt) first = NULL;
	g_autofree gchar *canonical = NULL;
	g_autofree gchar *computed = NULL;
	g_autofree gchar *head_hash = NULL;
	g_autofree const gchar **fields = NULL;
	const gchar *origin;
	const gchar *prev_hash;
	const gchar *hash;
	gboolean has_row = FALSE;
	gint64 head_seq = 0;
	gint64 seq;
	guint n = info->n_chained;

	if (info->chain_sql == NULL)
		return TRUE;
	row = hy_db_prepare (db, info->chain_sql, error);
	if (row == NULL)
		return FALSE;
	sqlite3_bind_text (row, 1, change->id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, row, &has_row, error))
		return FALSE;
	g_return_val_if_fail (has_row, FALSE);
	fields = g_new0 (const gchar *, n);
	for (guint i = 0; i < n; i++)
		fields[i] = hy_stmt_text (row, (gint) i);
	origin = fields[n - 2];
	seq = sqlite3_column_int64 (row, (gint) n - 1);
	prev_hash = hy_stmt_text (row, (gint) n);
	hash = hy_stmt_text (row, (gint) n + 1);
	canonical = hy_chain_canonical (fields, n);
	computed = hy_chain_hash (prev_hash != NULL ? prev_hash : "", canonical);
	if (g_strcmp0 (computed, hash) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s row %s is forged or altered: its hash does not match its "
				"content"),
			     change->table, change->id);
		return FALSE;
	}

	/* the usual case in one statement: the head moves only from this row's predecessor */
	advance = hy_db_prepare (db,
				 "UPDATE chain_heads SET seq = ?3, hash = ?4 WHERE tbl = ?1 AND "
				 "origin_store = ?2 AND seq = ?3 - 1 AND hash = ?5",
				 error);
	if (advance == NULL)
		return FALSE;
	sqlite3_bind_text (advance, 1, change->table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (advance, 2, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (advance, 3, seq);
	sqlite3_bind_text (advance, 4, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (advance, 5, prev_hash != NULL ? prev_hash : "", -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, advance, error))
		return FALSE;
	if (sqlite3_changes (hy_db_get_handle (db)) > 0)
		return TRUE;

	head = hy_db_prepare (
		db, "SELECT seq, hash FROM chain_heads WHERE tbl = ? AND origin_store = ?", error);
	if (head == NULL)
		return FALSE;
	sqlite3_bind_text (head, 1, change->table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (head, 2, origin, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, head, &has_row, error))
		return FALSE;
	head_seq = has_row ? sqlite3_column_int64 (head, 0) : 0;
	head_hash = has_row ? hy_stmt_dup_text (head, 1) : g_strdup (HY_CHAIN_GENESIS);
	/* a held head that did not move is another link than this row's predecessor */
	if (has_row || seq != head_seq + 1 || g_strcmp0 (prev_hash, head_hash) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s row %s of store %s is seq %" PRId64
				" but the chain held here ends at seq %" PRId64
				" with another hash"),
			     change->table, change->id, origin, seq, head_seq);
		return FALSE;
	}
	/* the first link of this store's chain seen here */
	first = hy_db_prepare (
		db, "INSERT INTO chain_heads (tbl, origin_store, seq, hash) VALUES (?, ?, ?, ?)",
		error);
	if (first == NULL)
		return FALSE;
	sqlite3_bind_text (first, 1, change->table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (first, 2, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (first, 3, seq);
	sqlite3_bind_text (first, 4, hash, -1, SQLITE_TRANSIENT);
	return hy_db_step_done (db, first, error);
}

/* ---- the kinds ---------------------------------------------------------------------------- */

/* Insert-only: new ids are added, the same id must carry the same content. */
static gboolean
hy_apply_ledger (HyDb *db,
		 HyApplyTable *info,
		 const HyChange *change,
		 const HyApplyRow *row,
		 const HyApplySql *sql,
		 const gchar *row_origin,
		 HyApplyResult *result,
		 GError **error)
{
	g_autoptr (HyStmt) same = NULL;
	g_autofree gchar *local = NULL;
	g_auto (HyApplyHeld) held = {0};
	gboolean own;
	gboolean has_row = FALSE;

	if (change->op == HY_CHANGE_DELETE) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s is insert-only: row %s cannot be deleted"), change->table,
			     change->id);
		return FALSE;
	}
	local = hy_db_meta_get (db, "store_id");
	own = row_origin != NULL && g_strcmp0 (row_origin, local) == 0;
	/* a new row (the usual case) in one statement; a held one is compared below */
	if (!own) {
		if (!hy_apply_run (db, sql->insert_new, change, row, error))
			return FALSE;
		if (sqlite3_changes (hy_db_get_handle (db)) > 0) {
			if (!hy_apply_check_chain (db, info, change, error))
				return FALSE;
			if (g_strcmp0 (change->table, "account_entries") == 0 &&
			    !hy_apply_balance (db, change->id, error))
				return FALSE;
			if (!hy_escrow_note_applied (db, change->table, change->id, error))
				return FALSE;
			*result = HY_APPLY_CHANGED;
			return TRUE;
		}
	}
	same = hy_db_prepare (db, sql->same, error);
	if (same == NULL)
		return FALSE;
	hy_apply_bind_row (same, change, row);
	if (!hy_db_step_row (db, same, &has_row, error))
		return FALSE;
	if (has_row) {
		*result = HY_APPLY_UNCHANGED;
		return TRUE;
	}
	if (!hy_apply_read_held (db, info, change->id, &held, error))
		return FALSE;
	if (held.exists) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s row %s arrived with content different from the copy "
				"held here"),
			     change->table, change->id);
		return FALSE;
	}
	g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
		     _ ("%s row %s claims to come from this store, which has no such row"),
		     change->table, change->id);
	return FALSE;
}

/* A store may change its own operators only: one that would change another store's
 * operator (its role, password, store …) is refused, so the whole push is. A write that
 * leaves every column but the clock as held changes nothing and passes. */
static gboolean
hy_apply_check_operator (HyDb *db,
			 const HyChange *change,
			 const HyApplyRow *row,
			 const gchar *sender,
			 GError **error)
{
	g_autoptr (HyStmt) held = NULL;
	g_autoptr (GString) sql = NULL;
	g_autofree gchar *owner = NULL;
	const gchar *new_owner = NULL;
	gboolean has_row = FALSE;
	sqlite3_stmt *same = NULL;
	gint rc;

	held = hy_db_prepare (db, "SELECT store_id FROM operators WHERE id = ?", error);
	if (held == NULL)
		return FALSE;
	sqlite3_bind_text (held, 1, change->id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, held, &has_row, error))
		return FALSE;
	owner = has_row ? hy_stmt_dup_text (held, 0) : NULL;
	for (guint i = 1; i < hy_apply_row_len (row); i++) {
		JsonNode *node = hy_apply_row_node (row, i);
		if (strcmp (hy_apply_row_name (row, i), "store_id") == 0 &&
		    JSON_NODE_HOLDS_VALUE (node) &&
		    json_node_get_value_type (node) == G_TYPE_STRING)
			new_owner = json_node_get_string (node);
	}
	if ((owner == NULL || g_strcmp0 (owner, sender) == 0) &&
	    (new_owner == NULL || g_strcmp0 (new_owner, sender) == 0))
		return TRUE;
	if (owner != NULL && change->op != HY_CHANGE_DELETE) {
		sql = g_string_new ("SELECT 1 FROM operators WHERE id = ?1");
		for (guint i = 1; i < hy_apply_row_len (row); i++) {
			const gchar *name = hy_apply_row_name (row, i);
			if (strcmp (name, "hlc") != 0)
				g_string_append_printf (sql, " AND %s IS ?%u", name, i + 1);
		}
		/* rare, and its text differs by payload: not kept in the statement cache */
		if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql->str, -1, &same, NULL) !=
		    SQLITE_OK)
			return hy_db_set_error (db, error, "comparing an operator");
		hy_apply_bind_row (same, change, row);
		rc = sqlite3_step (same);
		sqlite3_finalize (same);
		if (rc == SQLITE_ROW)
			return TRUE;
		if (rc != SQLITE_DONE)
			return hy_db_set_error (db, error, "comparing an operator");
	}
	g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
		     _ ("operators row %s belongs to store %s; store %s may not change it"),
		     change->id,
		     owner != NULL && g_strcmp0 (owner, sender) != 0 ? owner : new_owner, sender);
	return FALSE;
}

/* ---- column clocks of shared rows ------------------------------------------------------ */

typedef struct {
	gint64 hlc;
	gchar *origin;
} HyApplyClock;

static void
hy_apply_clock_free (HyApplyClock *clock)
{
	g_free (clock->origin);
	g_free (clock);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyApplyClock, hy_apply_clock_free)

static HyApplyClock *
hy_apply_clock_new (gint64 hlc, const gchar *origin)
{
	HyApplyClock *clock = g_new0 (HyApplyClock, 1);
	clock->hlc = hlc;
	clock->origin = g_strdup (origin != NULL ? origin : "");
	return clock;
}

static gint
hy_apply_clock_compare (const HyApplyClock *a, const HyApplyClock *b)
{
	return hy_apply_compare (0, a->hlc, a->origin, 0, b->hlc, b->origin);
}

static GHashTable *
hy_apply_clocks_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
				      (GDestroyNotify) hy_apply_clock_free);
}

/* The payload's "_clocks" ({column: "hlc:origin"}): the columns an older write left
 * as they are; refuses one that is malformed. */
static GHashTable *
hy_apply_payload_clocks (const HyChange *change, GError **error)
{
	g_autoptr (GHashTable) clocks = hy_apply_clocks_new ();
	JsonNode *node = json_object_get_member (change->payload, "_clocks");
	JsonObjectIter iter;
	const gchar *column;
	JsonNode *value;

	if (node == NULL || JSON_NODE_HOLDS_NULL (node))
		return g_steal_pointer (&clocks);
	if (!JSON_NODE_HOLDS_OBJECT (node)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("row %s of %s: “_clocks” must be an object"), change->id,
			     change->table);
		return NULL;
	}
	json_object_iter_init (&iter, json_node_get_object (node));
	while (json_object_iter_next (&iter, &column, &value)) {
		const gchar *text = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (
									     value) == G_TYPE_STRING
					    ? json_node_get_string (value)
					    : NULL;
		const gchar *colon = text != NULL ? strchr (text, ':') : NULL;
		g_autofree gchar *digits = colon != NULL ? g_strndup (text, colon - text) : NULL;
		guint64 hlc = 0;
		if (colon == NULL ||
		    !g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &hlc, NULL) ||
		    colon[1] == '\0') {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("row %s of %s: the clock of column “%s” must be "
					"“hlc:origin”"),
				     change->id, change->table, column);
			return NULL;
		}
		g_hash_table_insert (clocks, g_strdup (column),
				     hy_apply_clock_new ((gint64) hlc, colon + 1));
	}
	return g_steal_pointer (&clocks);
}

static GHashTable *
hy_apply_held_clocks (HyDb *db, const gchar *table, const gchar *id, GError **error)
{
	g_autoptr (GHashTable) clocks = hy_apply_clocks_new ();
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT col, hlc, origin FROM column_clocks WHERE tbl = ? AND row_id = ?",
		error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
	for (;;) {
		gboolean has_row = FALSE;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_hash_table_insert (clocks, hy_stmt_dup_text (stmt, 0),
				     hy_apply_clock_new (sqlite3_column_int64 (stmt, 1),
							 hy_stmt_text (stmt, 2)));
	}
	return g_steal_pointer (&clocks);
}

/* The row's clock columns and id are not merged: the row's clock is the newest
 * column's. */
static gboolean
hy_apply_is_clock_column (const gchar *name)
{
	return strcmp (name, "id") == 0 || strcmp (name, "hlc") == 0 ||
	       strcmp (name, "origin_store") == 0;
}

/* Keeps a clock for each column whose last change is older than the row's. */
static gboolean
hy_apply_write_clocks (HyDb *db,
		       HyApplyTable *info,
		       const gchar *table,
		       const gchar *id,
		       GHashTable *final,
		       const HyApplyClock *row_clock,
		       GError **error)
{
	g_autoptr (HyStmt) clear =
		hy_db_prepare (db, "DELETE FROM column_clocks WHERE tbl = ? AND row_id = ?", error);
	if (clear == NULL)
		return FALSE;
	sqlite3_bind_text (clear, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (clear, 2, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, clear, error))
		return FALSE;
	for (guint i = 0; i < info->columns->len; i++) {
		const gchar *name = info->columns->pdata[i];
		const HyApplyClock *clock = g_hash_table_lookup (final, name);
		g_autoptr (HyStmt) add = NULL;
		if (clock == NULL || hy_apply_is_clock_column (name) ||
		    hy_apply_clock_compare (clock, row_clock) == 0)
			continue;
		add = hy_db_prepare (db,
				     "INSERT INTO column_clocks (tbl, row_id, col, hlc, origin) "
				     "VALUES (?, ?, ?, ?, ?)",
				     error);
		if (add == NULL)
			return FALSE;
		sqlite3_bind_text (add, 1, table, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (add, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (add, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (add, 4, clock->hlc);
		sqlite3_bind_text (add, 5, clock->origin, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_done (db, add, error))
			return FALSE;
	}
	return TRUE;
}

/* A shared row held here and written elsewhere: each column takes the value of the
 * later of its two writes (DESIGN.md: per-column last writer wins), so two stores
 * changing different fields of one member offline both keep their change. `merged`
 * gets TRUE when any column changed. */
static gboolean
hy_apply_merge_columns (HyDb *db,
			HyApplyTable *info,
			const HyChange *change,
			const HyApplyRow *row,
			const HyApplyHeld *held,
			gint64 hlc,
			const gchar *origin,
			gboolean *merged,
			gboolean *name_won,
			GError **error)
{
	g_autoptr (GHashTable) incoming = hy_apply_payload_clocks (change, error);
	g_autoptr (GHashTable) local = NULL;
	g_autoptr (GHashTable) final = hy_apply_clocks_new ();
	g_autoptr (GPtrArray) owned_nodes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
	g_autoptr (HyApplySql) owned = NULL;
	g_auto (HyApplyRow) update = {0};
	g_autoptr (HyApplyClock) in_row = hy_apply_clock_new (hlc, origin);
	g_autoptr (HyApplyClock) held_row = hy_apply_clock_new (held->hlc, held->origin);
	HyApplyClock newest = {held->hlc, held->origin};
	const HyApplySql *sql;
	JsonNode *node;
	guint winners = 0;

	*merged = FALSE;
	*name_won = FALSE;
	if (incoming == NULL)
		return FALSE;
	local = hy_apply_held_clocks (db, change->table, change->id, error);
	if (local == NULL)
		return FALSE;
	if (info->columns->len >= HY_APPLY_MAX_COLUMNS) {
		update.wide = g_ptr_array_new ();
		update.wide_nodes = g_ptr_array_new ();
	}
	hy_apply_row_add (&update, "id", hy_apply_row_node (row, 0));
	for (guint i = 0; i < info->columns->len; i++) {
		const gchar *name = info->columns->pdata[i];
		const HyApplyClock *loc = g_hash_table_lookup (local, name);
		const HyApplyClock *in = g_hash_table_lookup (incoming, name);
		JsonNode *value = json_object_get_member (change->payload, name);
		if (hy_apply_is_clock_column (name))
			continue;
		if (loc == NULL)
			loc = held_row;
		if (in == NULL)
			in = in_row;
		if (value == NULL || hy_apply_clock_compare (in, loc) <= 0) {
			g_hash_table_insert (final, g_strdup (name),
					     hy_apply_clock_new (loc->hlc, loc->origin));
			continue;
		}
		g_hash_table_insert (final, g_strdup (name),
				     hy_apply_clock_new (in->hlc, in->origin));
		hy_apply_row_add (&update, name, value);
		if (update.wide == NULL)
			update.mask |= G_GUINT64_CONSTANT (1) << i;
		if (hy_apply_clock_compare (in, &newest) > 0)
			newest = *in;
		if (strcmp (name, "name") == 0)
			*name_won = TRUE;
		winners++;
	}
	if (winners == 0)
		return TRUE;
	/* the row's clock becomes the newest of its columns' */
	for (guint i = 0; i < info->columns->len; i++) {
		const gchar *name = info->columns->pdata[i];
		if (strcmp (name, "hlc") == 0)
			node = json_node_init_int (json_node_alloc (), newest.hlc);
		else if (strcmp (name, "origin_store") == 0)
			node = json_node_init_string (json_node_alloc (), newest.origin);
		else
			continue;
		g_ptr_array_add (owned_nodes, node);
		hy_apply_row_add (&update, name, node);
		if (update.wide == NULL)
			update.mask |= G_GUINT64_CONSTANT (1) << i;
	}
	sql = hy_apply_sql (info, change->table, &update, &owned);
	if (!hy_apply_run (db, sql->update, change, &update, error))
		return FALSE;
	*merged = TRUE;
	{
		g_autoptr (HyApplyClock) row_clock = hy_apply_clock_new (newest.hlc, newest.origin);
		return hy_apply_write_clocks (db, info, change->table, change->id, final, row_clock,
					      error);
	}
}

/* HQ-owned and shared rows: the later write wins, deletes leave tombstones. */
static gboolean
hy_apply_mutable (HyDb *db,
		  HyApplyTable *info,
		  const HyChange *change,
		  const HyApplyRow *row,
		  const HyApplySql *sql,
		  gint64 version,
		  gint64 hlc,
		  const gchar *origin,
		  const gchar *sender,
		  HyApplyFlags flags,
		  HyApplyResult *result,
		  GError **error)
{
	g_auto (HyApplyHeld) held = {0};
	g_auto (HyApplyHeld) tomb = {0};
	g_autofree gchar *old_name = NULL;
	gboolean is_member = g_strcmp0 (change->table, "members") == 0;
	/* operators stay whole rows: a store may not change another store's at all */
	gboolean by_column = hy_table_kind (change->table) == HY_TABLE_KIND_SHARED &&
			     g_strcmp0 (change->table, "operators") != 0;

	*result = HY_APPLY_UNCHANGED;
	if (!hy_apply_read_held (db, info, change->id, &held, error))
		return FALSE;
	if (held.exists && by_column && change->op != HY_CHANGE_DELETE) {
		gboolean merged = FALSE, name_won = FALSE;
		if (is_member && !hy_apply_member_name (db, change->id, &old_name, error))
			return FALSE;
		if (!hy_apply_merge_columns (db, info, change, row, &held, hlc, origin, &merged,
					     &name_won, error))
			return FALSE;
		if (!merged)
			return TRUE;
		if (is_member && name_won) {
			g_autofree gchar *new_name = NULL;
			if (!hy_apply_member_name (db, change->id, &new_name, error))
				return FALSE;
			if (g_strcmp0 (old_name, new_name) != 0 &&
			    !hy_member_write_grams (db, change->id, old_name,
						    new_name != NULL ? new_name : "", error))
				return FALSE;
		}
		*result = HY_APPLY_CHANGED;
		return TRUE;
	}
	if (held.exists) {
		/* a delete has no version of its own: it wins by clock */
		gint64 v = change->op == HY_CHANGE_DELETE ? held.version : version;
		if (hy_apply_compare (v, hlc, origin, held.version, held.hlc, held.origin) <= 0)
			return TRUE;
	} else {
		if (!hy_apply_read_tombstone (db, change->table, change->id, &tomb, error))
			return FALSE;
		if (tomb.exists && hy_apply_compare (0, hlc, origin, 0, tomb.hlc, tomb.origin) <= 0)
			return TRUE;
	}
	/* the incoming write wins: checked only now, so a stale copy re-pushed is a no-op */
	if ((flags & HY_APPLY_FROM_STORE) && strcmp (change->table, "operators") == 0 &&
	    !hy_apply_check_operator (db, change, row, sender, error))
		return FALSE;
	if (is_member && held.exists && !hy_apply_member_name (db, change->id, &old_name, error))
		return FALSE;

	if (change->op == HY_CHANGE_DELETE) {
		if (!hy_apply_delete (db, info, change, hlc, origin, error))
			return FALSE;
	} else if (held.exists) {
		if (sql->update != NULL && !hy_apply_run (db, sql->update, change, row, error))
			return FALSE;
	} else {
		if (!hy_apply_run (db, sql->insert, change, row, error))
			return FALSE;
		/* a new row keeps the clocks of the columns an older write left */
		if (by_column) {
			g_autoptr (GHashTable) clocks = hy_apply_payload_clocks (change, error);
			g_autoptr (HyApplyClock) row_clock = hy_apply_clock_new (hlc, origin);
			if (clocks == NULL ||
			    !hy_apply_write_clocks (db, info, change->table, change->id, clocks,
						    row_clock, error))
				return FALSE;
		}
		if (tomb.exists) {
			g_autoptr (HyStmt) stmt = hy_db_prepare (
				db, "DELETE FROM tombstones WHERE tbl = ? AND row_id = ?", error);
			if (stmt == NULL)
				return FALSE;
			sqlite3_bind_text (stmt, 1, change->table, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (stmt, 2, change->id, -1, SQLITE_TRANSIENT);
			if (!hy_db_step_done (db, stmt, error))
				return FALSE;
		}
	}

	if (is_member) {
		g_autofree gchar *new_name = NULL;
		JsonNode *name = change->op != HY_CHANGE_DELETE
					 ? json_object_get_member (change->payload, "name")
					 : NULL;
		/* the name just written, as a TEXT column holds a JSON string */
		if (name != NULL && JSON_NODE_HOLDS_VALUE (name) &&
		    json_node_get_value_type (name) == G_TYPE_STRING)
			new_name = g_strdup (json_node_get_string (name));
		else if (!hy_apply_member_name (db, change->id, &new_name, error))
			return FALSE;
		if (g_strcmp0 (old_name, new_name) != 0 &&
		    !hy_member_write_grams (db, change->id, old_name,
					    new_name != NULL ? new_name : "", error))
			return FALSE;
	}
	*result = HY_APPLY_CHANGED;
	return TRUE;
}

static gint64
hy_apply_payload_int (JsonObject *payload, const gchar *name, gint64 fallback)
{
	JsonNode *node = json_object_get_member (payload, name);
	if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
	    json_node_get_value_type (node) == G_TYPE_INT64)
		return json_node_get_int (node);
	return fallback;
}

gboolean
hy_apply_change (HyDb *db,
		 const HyChange *change,
		 const gchar *origin,
		 HyApplyFlags flags,
		 HyApplyResult *result,
		 GError **error)
{
	HyTableKind kind = hy_table_kind (change->table);
	HyApplyTable *info;
	g_auto (HyApplyRow) row = {0};
	g_autoptr (HyApplySql) owned = NULL;
	const HyApplySql *sql;
	const gchar *row_origin = NULL;
	HyApplyResult res = HY_APPLY_SKIPPED;
	gint64 hlc;
	gint64 version;
	gboolean ok = FALSE;

	g_return_val_if_fail (hy_db_in_transaction (db), FALSE);
	g_return_val_if_fail (origin != NULL, FALSE);
	*result = HY_APPLY_SKIPPED;

	if (kind == HY_TABLE_KIND_LOCAL) {
		if (flags & HY_APPLY_LENIENT)
			return TRUE;
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("unknown table “%s”: it is not replicated"), change->table);
		return FALSE;
	}
	if (kind == HY_TABLE_KIND_DERIVED) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("table %s is derived here and is never replicated"), change->table);
		return FALSE;
	}
	info = hy_apply_table (db, change->table, error);
	if (info == NULL) {
		if (flags & HY_APPLY_LENIENT) {
			g_clear_error (error);
			return TRUE;
		}
		return FALSE;
	}
	if (!hy_apply_row_resolve (info, change, flags, &row, error))
		return FALSE;

	if (json_object_has_member (change->payload, "origin_store")) {
		JsonNode *node = json_object_get_member (change->payload, "origin_store");
		if (JSON_NODE_HOLDS_VALUE (node) &&
		    json_node_get_value_type (node) == G_TYPE_STRING)
			row_origin = json_node_get_string (node);
	}
	hlc = hy_apply_payload_int (change->payload, "hlc", change->hlc);
	version = hy_apply_payload_int (change->payload, "version", 0);

	if (flags & HY_APPLY_FROM_STORE) {
		gint64 now = g_get_real_time () / 1000;
		if (kind == HY_TABLE_KIND_HQ_OWNED) {
			g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
				     _ ("only HQ writes table %s; store %s may not"), change->table,
				     origin);
			return FALSE;
		}
		/* a shared row keeps the store that created it; an update from another store
		 * is allowed, a ledger row or a new row must be the sender's own */
		if (row_origin != NULL && g_strcmp0 (row_origin, origin) != 0 &&
		    (kind == HY_TABLE_KIND_LEDGER || change->op == HY_CHANGE_INSERT)) {
			g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
				     _ ("%s row %s claims origin store %s, but store %s sent it"),
				     change->table, change->id, row_origin, origin);
			return FALSE;
		}
		if (HY_HLC_MS (hlc) > now + HY_APPLY_MAX_CLOCK_SKEW_MS ||
		    HY_HLC_MS (change->hlc) > now + HY_APPLY_MAX_CLOCK_SKEW_MS) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("%s row %s has a clock %" PRId64
					" s ahead of this one; fix the store’s clock"),
				     change->table, change->id,
				     (MAX (HY_HLC_MS (hlc), HY_HLC_MS (change->hlc)) - now) / 1000);
			return FALSE;
		}
	}

	/* a row deleted after it was captured ships as its id alone: its delete follows */
	if (change->op != HY_CHANGE_DELETE && json_object_get_size (change->payload) == 1)
		return TRUE;

	sql = hy_apply_sql (info, change->table, &row, &owned);
	switch (kind) {
	case HY_TABLE_KIND_LEDGER:
		ok = hy_apply_ledger (db, info, change, &row, sql,
				      row_origin != NULL ? row_origin : origin, &res, error);
		break;
	case HY_TABLE_KIND_HQ_OWNED:
		ok = hy_apply_mutable (db, info, change, &row, sql, info->has_version ? version : 0,
				       hlc, row_origin != NULL ? row_origin : origin, origin, flags,
				       &res, error);
		break;
	case HY_TABLE_KIND_SHARED:
	default:
		ok = hy_apply_mutable (db, info, change, &row, sql, 0, hlc,
				       row_origin != NULL ? row_origin : origin, origin, flags,
				       &res, error);
		break;
	}
	if (!ok)
		return FALSE;
	*result = res;
	return TRUE;
}

gint64
hy_change_row_hlc (const HyChange *change)
{
	return hy_apply_payload_int (change->payload, "hlc", change->hlc);
}
