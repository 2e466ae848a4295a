#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hy-audit.h"
#include "hy-date.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"

#define HY_FIELD_LABEL_MAX 32

static const gchar *const hy_field_entities[] = {"member", "employee", "item", "gift"};
static const gchar *const hy_field_types[] = {"text", "choice", "date", "number"};

void
hy_field_def_free (HyFieldDef *def)
{
	g_free (def->id);
	g_free (def->key);
	g_free (def->label);
	g_free (def->default_value);
	g_strfreev (def->choices);
	g_free (def);
}

const gchar *
hy_field_entity_to_string (HyFieldEntity entity)
{
	g_return_val_if_fail (entity < G_N_ELEMENTS (hy_field_entities), NULL);
	return hy_field_entities[entity];
}

gboolean
hy_field_entity_from_string (const gchar *text, HyFieldEntity *out)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_field_entities); i++) {
		if (g_strcmp0 (text, hy_field_entities[i]) == 0) {
			*out = (HyFieldEntity) i;
			return TRUE;
		}
	}
	return FALSE;
}

const gchar *
hy_field_type_to_string (HyFieldType type)
{
	g_return_val_if_fail (type < G_N_ELEMENTS (hy_field_types), NULL);
	return hy_field_types[type];
}

gboolean
hy_field_type_from_string (const gchar *text, HyFieldType *out)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_field_types); i++) {
		if (g_strcmp0 (text, hy_field_types[i]) == 0) {
			*out = (HyFieldType) i;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
hy_field_validate_key (const gchar *key, GError **error)
{
	gsize len = key != NULL ? strlen (key) : 0;
	gboolean ok = len >= 1 && len <= HY_FIELD_KEY_MAX;
	for (gsize i = 0; ok && i < len; i++)
		ok = g_ascii_islower (key[i]) || g_ascii_isdigit (key[i]) || key[i] == '_';
	if (!ok) {
		g_set_error (
			error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			_ ("a field key is 1 to %d lowercase letters, digits or \"_\", not \"%s\""),
			HY_FIELD_KEY_MAX, key != NULL ? key : "");
		return FALSE;
	}
	return TRUE;
}

/* "12", "-3", "12.50": no exponent, no thousands separators, no bare point. */
static gboolean
hy_field_is_number (const gchar *value)
{
	const gchar *p = value;
	gboolean digits = FALSE;
	if (*p == '-' || *p == '+')
		p++;
	while (g_ascii_isdigit (*p)) {
		p++;
		digits = TRUE;
	}
	if (!digits)
		return FALSE;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit (*p))
			return FALSE;
		while (g_ascii_isdigit (*p))
			p++;
	}
	return *p == '\0';
}

gboolean
hy_field_validate (const HyFieldDef *def, const gchar *value, GError **error)
{
	if (value == NULL || value[0] == '\0') {
		if (def->required) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("a value is required"));
			return FALSE;
		}
		return TRUE;
	}
	if (!g_utf8_validate (value, -1, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the value is not valid UTF-8 text"));
		return FALSE;
	}
	if (def->max_length > 0 && g_utf8_strlen (value, -1) > def->max_length) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("at most %d characters are allowed, not %ld"), def->max_length,
			     g_utf8_strlen (value, -1));
		return FALSE;
	}
	switch (def->type) {
	case HY_FIELD_TYPE_DATE:
		if (!hy_date_parse (value, NULL)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("\"%s\" is not a date (YYYY-MM-DD)"), value);
			return FALSE;
		}
		break;
	case HY_FIELD_TYPE_NUMBER:
		if (!hy_field_is_number (value)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("\"%s\" is not a number"), value);
			return FALSE;
		}
		break;
	case HY_FIELD_TYPE_CHOICE:
		if (def->choices == NULL ||
		    !g_strv_contains ((const gchar *const *) def->choices, value)) {
			g_autofree gchar *list = def->choices != NULL
							 ? g_strjoinv (", ", def->choices)
							 : g_strdup ("");
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("\"%s\" is not one of: %s"), value, list);
			return FALSE;
		}
		break;
	case HY_FIELD_TYPE_TEXT:
	default:
		break;
	}
	return TRUE;
}

static gchar *
hy_field_choices_to_json (const gchar *const *choices)
{
	g_autoptr (JsonArray) array = json_array_new ();
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
	for (guint i = 0; choices[i] != NULL; i++)
		json_array_add_string_element (array, choices[i]);
	json_node_set_array (node, array);
	return json_to_string (node, FALSE);
}

static gchar **
hy_field_choices_from_json (const gchar *text)
{
	g_autoptr (JsonNode) node = NULL;
	g_autoptr (GStrvBuilder) builder = NULL;
	JsonArray *array;

	if (text == NULL)
		return NULL;
	node = json_from_string (text, NULL);
	if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
		return NULL;
	array = json_node_get_array (node);
	builder = g_strv_builder_new ();
	for (guint i = 0; i < json_array_get_length (array); i++) {
		const gchar *s = json_array_get_string_element (array, i);
		if (s != NULL)
			g_strv_builder_add (builder, s);
	}
	return g_strv_builder_end (builder);
}

static gboolean
hy_field_validate_definition (const HyFieldDef *def, GError **error)
{
	if (!hy_field_validate_key (def->key, error))
		return FALSE;
	if (def->label == NULL || def->label[0] == '\0' ||
	    g_utf8_strlen (def->label, -1) > HY_FIELD_LABEL_MAX) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("field \"%s\": a label needs 1 to %d characters"), def->key,
			     HY_FIELD_LABEL_MAX);
		return FALSE;
	}
	if (def->max_length < 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("field \"%s\": the maximum length cannot be negative"), def->key);
		return FALSE;
	}
	if (def->type == HY_FIELD_TYPE_CHOICE) {
		if (def->choices == NULL || def->choices[0] == NULL) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("field \"%s\": a choice field needs at least one choice"),
				     def->key);
			return FALSE;
		}
		for (guint i = 0; def->choices[i] != NULL; i++) {
			if (def->choices[i][0] == '\0' ||
			    !g_utf8_validate (def->choices[i], -1, NULL)) {
				g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("field \"%s\": choice %u is empty or not text"),
					     def->key, i + 1);
				return FALSE;
			}
			for (guint j = 0; j < i; j++) {
				if (g_strcmp0 (def->choices[i], def->choices[j]) == 0) {
					g_set_error (
						error, HY_ERROR, HY_ERROR_INVALID_INPUT,
						_ ("field \"%s\": choice \"%s\" is listed twice"),
						def->key, def->choices[i]);
					return FALSE;
				}
			}
		}
	} else if (def->choices != NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("field \"%s\": only a choice field has choices"), def->key);
		return FALSE;
	}
	if (def->default_value != NULL && def->default_value[0] != '\0') {
		g_autoptr (GError) local = NULL;
		if (!hy_field_validate (def, def->default_value, &local)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("field \"%s\": the default value is not valid: %s"),
				     def->key, local->message);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
hy_field_next_position (HyDb *db, HyFieldEntity entity, gint *out, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT coalesce(max(position) + 1, 0) FROM field_defs WHERE entity = ?",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, hy_field_entity_to_string (entity), -1, SQLITE_STATIC);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*out = has_row ? sqlite3_column_int (stmt, 0) : 0;
	return TRUE;
}

gboolean
hy_field_add (HyDb *db,
	      const HyActor *actor,
	      HyFieldEntity entity,
	      const gchar *key,
	      const gchar *label,
	      HyFieldType type,
	      gboolean required,
	      gint max_length,
	      const gchar *default_value,
	      const gchar *const *choices,
	      gboolean searchable,
	      GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *choices_json = NULL;
	HyFieldDef def = {
		.entity = entity,
		.key = (gchar *) key,
		.label = (gchar *) label,
		.type = type,
		.required = required,
		.max_length = max_length,
		.default_value = (gchar *) default_value,
		.choices = (gchar **) choices,
		.searchable = searchable,
	};
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_FIELD_MANAGE, error))
		return FALSE;
	g_return_val_if_fail (entity < G_N_ELEMENTS (hy_field_entities), FALSE);
	g_return_val_if_fail (type < G_N_ELEMENTS (hy_field_types), FALSE);
	if (!hy_field_validate_definition (&def, error))
		return FALSE;
	if (choices != NULL)
		choices_json = hy_field_choices_to_json (choices);

	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	if (!hy_field_next_position (db, entity, &def.position, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO field_defs (id, entity, key, label, type, required, "
			      "max_length, default_value, choices, searchable, position, hlc, "
			      "origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, hy_field_entity_to_string (entity), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, hy_field_type_to_string (type), -1, SQLITE_STATIC);
	sqlite3_bind_int (stmt, 6, required ? 1 : 0);
	sqlite3_bind_int (stmt, 7, max_length);
	if (default_value != NULL && default_value[0] != '\0')
		sqlite3_bind_text (stmt, 8, default_value, -1, SQLITE_TRANSIENT);
	if (choices_json != NULL)
		sqlite3_bind_text (stmt, 9, choices_json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 10, searchable ? 1 : 0);
	sqlite3_bind_int (stmt, 11, def.position);
	sqlite3_bind_int64 (stmt, 12, hlc);
	sqlite3_bind_text (stmt, 13, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error)) {
		if (g_error_matches (*error, HY_ERROR, HY_ERROR_CONFLICT)) {
			g_clear_error (error);
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("the %s field \"%s\" exists already"),
				     hy_field_entity_to_string (entity), key);
		}
		return FALSE;
	}
	if (!hy_outbox_capture (db, "field_defs", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "entity", hy_field_entity_to_string (entity));
	json_object_set_string_member (detail, "key", key);
	json_object_set_string_member (detail, "type", hy_field_type_to_string (type));
	json_object_set_boolean_member (detail, "required", required);
	json_object_set_boolean_member (detail, "searchable", searchable);
	if (!hy_audit_append (db, actor, "field.add", id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

#define HY_FIELD_COLUMNS                                                                           \
	"id, entity, key, label, type, required, max_length, default_value, choices, "             \
	"searchable, position"

static HyFieldDef *
hy_field_def_from_row (HyStmt *stmt)
{
	HyFieldDef *def = g_new0 (HyFieldDef, 1);
	def->id = hy_stmt_dup_text (stmt, 0);
	hy_field_entity_from_string (hy_stmt_text (stmt, 1), &def->entity);
	def->key = hy_stmt_dup_text (stmt, 2);
	def->label = hy_stmt_dup_text (stmt, 3);
	hy_field_type_from_string (hy_stmt_text (stmt, 4), &def->type);
	def->required = sqlite3_column_int (stmt, 5) != 0;
	def->max_length = sqlite3_column_int (stmt, 6);
	def->default_value = hy_stmt_dup_text (stmt, 7);
	def->choices = hy_field_choices_from_json (hy_stmt_text (stmt, 8));
	def->searchable = sqlite3_column_int (stmt, 9) != 0;
	def->position = sqlite3_column_int (stmt, 10);
	return def;
}

GPtrArray *
hy_field_list (HyDb *db, HyFieldEntity entity, GError **error)
{
	g_autoptr (GPtrArray) defs =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_field_def_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT " HY_FIELD_COLUMNS " FROM field_defs "
						 "WHERE entity = ? ORDER BY position, key",
						 error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, hy_field_entity_to_string (entity), -1, SQLITE_STATIC);
	while (TRUE) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_ptr_array_add (defs, hy_field_def_from_row (stmt));
	}
	return g_steal_pointer (&defs);
}

HyFieldDef *
hy_field_find (HyDb *db, HyFieldEntity entity, const gchar *key, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT " HY_FIELD_COLUMNS " FROM field_defs "
						 "WHERE entity = ? AND key = ?",
						 error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, hy_field_entity_to_string (entity), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no %s field \"%s\""),
			     hy_field_entity_to_string (entity), key);
		return NULL;
	}
	return hy_field_def_from_row (stmt);
}

static gint
hy_field_compare_keys (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

/* The value each field gets: from `values`, else its default when creating; fields
 * left as they are have no entry. Checks every value before anything is written. */
static GHashTable *
hy_field_resolve (GPtrArray *defs, GHashTable *values, gboolean creating, GError **error)
{
	g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GHashTable) resolved = g_hash_table_new (NULL, NULL); /* def → value */

	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		g_hash_table_insert (by_key, def->key, def);
	}
	if (values != NULL) {
		/* sorted, so the same bad input always names the same key */
		guint n = 0;
		g_autofree gpointer *keys = g_hash_table_get_keys_as_array (values, &n);
		qsort (keys, n, sizeof (gpointer), hy_field_compare_keys);
		for (guint i = 0; i < n; i++) {
			if (!g_hash_table_contains (by_key, keys[i])) {
				g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("there is no custom field \"%s\""),
					     (const gchar *) keys[i]);
				return NULL;
			}
		}
	}
	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		const gchar *v = NULL;
		if (values != NULL &&
		    g_hash_table_lookup_extended (values, def->key, NULL, (gpointer *) &v)) {
			if ((v == NULL || v[0] == '\0') && def->required)
				v = def->default_value;
		} else if (creating) {
			v = def->default_value;
		} else {
			continue; /* left as it is */
		}
		if (!hy_field_validate (def, v, error)) {
			g_prefix_error (error, _ ("field \"%s\": "), def->key);
			return NULL;
		}
		g_hash_table_insert (resolved, def, (gpointer) (v != NULL ? v : ""));
	}
	return g_steal_pointer (&resolved);
}

gboolean
hy_field_check_values (
	HyDb *db, HyFieldEntity entity, GHashTable *values, gboolean creating, GError **error)
{
	g_autoptr (GPtrArray) defs = hy_field_list (db, entity, error);
	g_autoptr (GHashTable) resolved = NULL;
	if (defs == NULL)
		return FALSE;
	resolved = hy_field_resolve (defs, values, creating, error);
	return resolved != NULL;
}

static gboolean
hy_field_write (HyDb *db,
		const HyActor *actor,
		const gchar *entity_id,
		const HyFieldDef *def,
		const gchar *value,
		gint64 hlc,
		GError **error)
{
	g_autofree gchar *new_id = NULL;
	g_autofree gchar *row_id = NULL;
	gboolean has_row = FALSE;
	HyChangeOp op = HY_CHANGE_UPDATE;

	if (value[0] == '\0') {
		/* clearing: a delete, shipped as a tombstone */
		g_autoptr (HyStmt) stmt = hy_db_prepare (db,
							 "DELETE FROM field_values WHERE entity_id "
							 "= ? AND field_id = ? RETURNING id",
							 error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, entity_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, def->id, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			return TRUE;
		row_id = hy_stmt_dup_text (stmt, 0);
		g_clear_pointer (&stmt, hy_stmt_release);
		return hy_outbox_capture (db, "field_values", row_id, HY_CHANGE_DELETE, hlc, error);
	}

	/* an update keeps the row id, so replicas merge it into the same row; an unchanged
	 * value writes nothing and ships nothing */
	new_id = hy_id_new ();
	{
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db,
			"INSERT INTO field_values (id, entity_id, field_id, value, hlc, "
			"origin_store) "
			"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entity_id, field_id) DO UPDATE SET "
			"value = excluded.value, hlc = excluded.hlc, "
			"origin_store = excluded.origin_store WHERE value IS NOT excluded.value "
			"RETURNING id",
			error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, new_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 3, def->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 4, value, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (stmt, 5, hlc);
		sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			return TRUE;
		row_id = hy_stmt_dup_text (stmt, 0);
	}
	if (g_strcmp0 (row_id, new_id) == 0)
		op = HY_CHANGE_INSERT;
	return hy_outbox_capture (db, "field_values", row_id, op, hlc, error);
}

gboolean
hy_field_set_values (HyDb *db,
		     const HyActor *actor,
		     HyFieldEntity entity,
		     const gchar *entity_id,
		     GHashTable *values,
		     gboolean creating,
		     GError **error)
{
	g_autoptr (GPtrArray) defs = hy_field_list (db, entity, error);
	g_autoptr (GHashTable) resolved = NULL;
	g_autoptr (HyTxn) txn = NULL;
	gint64 hlc = 0;

	if (defs == NULL)
		return FALSE;
	resolved = hy_field_resolve (defs, values, creating, error);
	if (resolved == NULL)
		return FALSE;
	if (g_hash_table_size (resolved) == 0)
		return TRUE;
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	/* in definition order, so the outbox order does not depend on hashing */
	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		const gchar *value = g_hash_table_lookup (resolved, def);
		if (value == NULL)
			continue;
		if (!hy_field_write (db, actor, entity_id, def, value, hlc, error)) {
			g_prefix_error (error, _ ("field \"%s\": "), def->key);
			return FALSE;
		}
	}
	return hy_txn_commit (txn, error);
}

GHashTable *
hy_field_get_values (HyDb *db, const gchar *entity_id, GError **error)
{
	g_autoptr (GHashTable) values =
		g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (db,
						 "SELECT d.key, v.value FROM field_values v "
						 "JOIN field_defs d ON d.id = v.field_id "
						 "WHERE v.entity_id = ?",
						 error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, entity_id, -1, SQLITE_TRANSIENT);
	while (TRUE) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_hash_table_insert (values, hy_stmt_dup_text (stmt, 0),
				     hy_stmt_dup_text (stmt, 1));
	}
	return g_steal_pointer (&values);
}

GPtrArray *
hy_field_lookup (HyDb *db,
		 HyFieldEntity entity,
		 const gchar *key,
		 const gchar *value,
		 guint limit,
		 GError **error)
{
	g_autoptr (HyFieldDef) def = hy_field_find (db, entity, key, error);
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	if (def == NULL)
		return NULL;
	if (!def->searchable) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("field \"%s\" is not searchable"), key);
		return NULL;
	}
	/* field_values_search (field_id, value) */
	stmt = hy_db_prepare (db,
			      "SELECT entity_id FROM field_values WHERE field_id = ? AND value = ? "
			      "ORDER BY entity_id DESC LIMIT ?",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, def->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
	while (TRUE) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_ptr_array_add (ids, hy_stmt_dup_text (stmt, 0));
	}
	return g_steal_pointer (&ids);
}
