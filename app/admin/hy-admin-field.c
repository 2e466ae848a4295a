/* huiyuan-admin field …: custom field definitions (扩展字段). */
#include "config.h"

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-field.h"

static gboolean
hy_admin_field_entity (const gchar *text, HyFieldEntity *out, GError **error)
{
	if (text == NULL) {
		*out = HY_FIELD_ENTITY_MEMBER;
		return TRUE;
	}
	if (!hy_field_entity_from_string (text, out)) {
		hy_admin_set_usage_error (
			error, _ ("--entity: “%s” is not member, employee, item or gift"), text);
		return FALSE;
	}
	return TRUE;
}

static JsonObject *
hy_admin_field_to_json (const HyFieldDef *def)
{
	JsonObject *object = json_object_new ();
	JsonArray *choices = json_array_new ();
	json_object_set_string_member (object, "key", def->key);
	json_object_set_string_member (object, "label", def->label);
	json_object_set_string_member (object, "entity", hy_field_entity_to_string (def->entity));
	json_object_set_string_member (object, "type", hy_field_type_to_string (def->type));
	json_object_set_boolean_member (object, "required", def->required);
	json_object_set_int_member (object, "max_length", def->max_length);
	if (def->default_value != NULL)
		json_object_set_string_member (object, "default", def->default_value);
	else
		json_object_set_null_member (object, "default");
	for (guint i = 0; def->choices != NULL && def->choices[i] != NULL; i++)
		json_array_add_string_element (choices, def->choices[i]);
	json_object_set_array_member (object, "choices", choices);
	json_object_set_boolean_member (object, "searchable", def->searchable);
	return object;
}

static gint
hy_admin_cmd_field_add (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *entity_text = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *label = NULL;
	g_autofree gchar *type_text = NULL;
	g_autofree gchar *max_length_text = NULL;
	g_autofree gchar *default_value = NULL;
	g_auto (GStrv) choices = NULL;
	gboolean required = FALSE;
	gboolean searchable = FALSE;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyFieldDef) def = NULL;
	HyFieldEntity entity = HY_FIELD_ENTITY_MEMBER;
	HyFieldType type = HY_FIELD_TYPE_TEXT;
	gint64 max_length = 0;
	const GOptionEntry entries[] = {
		{"entity", 0, 0, G_OPTION_ARG_STRING, &entity_text,
		 N_ ("member, employee, item or gift (default: member)"), N_ ("ENTITY")},
		{"key", 0, 0, G_OPTION_ARG_STRING, &key,
		 N_ ("The field’s key, [a-z0-9_]: the CSV column and the --field name (required)"),
		 N_ ("KEY")},
		{"label", 0, 0, G_OPTION_ARG_STRING, &label,
		 N_ ("What the screens show (required)"), N_ ("LABEL")},
		{"type", 0, 0, G_OPTION_ARG_STRING, &type_text,
		 N_ ("text, choice, date or number (default: text)"), N_ ("TYPE")},
		{"required", 0, 0, G_OPTION_ARG_NONE, &required, N_ ("A value is required"), NULL},
		{"max-length", 0, 0, G_OPTION_ARG_STRING, &max_length_text,
		 N_ ("Longest value in characters (default: no limit)"), N_ ("N")},
		{"default", 0, 0, G_OPTION_ARG_STRING, &default_value, N_ ("Default value"),
		 N_ ("VALUE")},
		{"choice", 0, 0, G_OPTION_ARG_STRING_ARRAY, &choices,
		 N_ ("One allowed value of a choice field; repeat for each"), N_ ("VALUE")},
		{"searchable", 0, 0, G_OPTION_ARG_NONE, &searchable,
		 N_ ("Index the field so members can be found by it"), NULL},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL, N_ ("Defines a custom field."), NULL,
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON,
			     0, 0, &error))
		return hy_admin_fail (error);
	if (key == NULL || label == NULL) {
		hy_admin_set_usage_error (
			&error, _ ("field add: --key KEY and --label LABEL are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_field_entity (entity_text, &entity, &error))
		return hy_admin_fail (error);
	if (type_text != NULL && !hy_field_type_from_string (type_text, &type)) {
		hy_admin_set_usage_error (
			&error, _ ("--type: “%s” is not text, choice, date or number"), type_text);
		return hy_admin_fail (error);
	}
	if (max_length_text != NULL &&
	    !hy_admin_parse_int64 ("--max-length", max_length_text, &max_length, &error))
		return hy_admin_fail (error);
	if (max_length < 0 || max_length > G_MAXINT) {
		hy_admin_set_usage_error (&error, _ ("--max-length must be 0 or more"));
		return hy_admin_fail (error);
	}

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_field_add (db, actor, entity, key, label, type, required, (gint) max_length,
			   default_value, (const gchar *const *) choices, searchable, &error))
		return hy_admin_fail (error);
	def = hy_field_find (db, entity, key, &error);
	if (def == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = hy_admin_field_to_json (def);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Added %s field “%s” (%s).\n"), hy_field_entity_to_string (entity), key,
			 hy_field_type_to_string (type));
	}
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_field_list (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *entity_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GPtrArray) defs = NULL;
	HyFieldEntity entity = HY_FIELD_ENTITY_MEMBER;
	const GOptionEntry entries[] = {{"entity", 0, 0, G_OPTION_ARG_STRING, &entity_text,
					 N_ ("member, employee, item or gift (default: member)"),
					 N_ ("ENTITY")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Lists the custom fields of an entity in display order."), NULL,
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (!hy_admin_field_entity (entity_text, &entity, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	defs = hy_field_list (db, entity, &error);
	if (defs == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
		JsonArray *array = json_array_new ();
		for (guint i = 0; i < defs->len; i++)
			json_array_add_object_element (
				array, hy_admin_field_to_json (g_ptr_array_index (defs, i)));
		json_node_take_array (node, array);
		hy_admin_print_json (node);
		return HY_ADMIN_EXIT_OK;
	}
	for (guint i = 0; i < defs->len; i++) {
		const HyFieldDef *def = g_ptr_array_index (defs, i);
		g_autoptr (GString) line = g_string_new (NULL);
		hy_admin_append_padded (line, def->key, 16);
		hy_admin_append_padded (line, def->label, 16);
		g_string_append (line, hy_field_type_to_string (def->type));
		if (def->required)
			g_string_append (line, _ (", required"));
		if (def->searchable)
			g_string_append (line, _ (", searchable"));
		g_print ("%s\n", line->str);
	}
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_field_commands[] = {
	{"add", N_ ("Define a custom field"), hy_admin_cmd_field_add, NULL},
	{"list", N_ ("List custom fields"), hy_admin_cmd_field_list, NULL},
	{NULL}};
