/* Huiyuan: custom fields (扩展字段) of members, employees, items and gifts: their
 * definitions, the validation of a value, and the values of one entity. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef enum {
	HY_FIELD_ENTITY_MEMBER,
	HY_FIELD_ENTITY_EMPLOYEE,
	HY_FIELD_ENTITY_ITEM,
	HY_FIELD_ENTITY_GIFT,
} HyFieldEntity;

typedef enum {
	HY_FIELD_TYPE_TEXT,
	HY_FIELD_TYPE_CHOICE, /* one of a fixed list */
	HY_FIELD_TYPE_DATE,   /* YYYY-MM-DD */
	HY_FIELD_TYPE_NUMBER, /* integer or decimal text: "12", "-3.50" */
} HyFieldType;

#define HY_FIELD_KEY_MAX 32

typedef struct {
	gchar *id;
	HyFieldEntity entity;
	gchar *key; /* [a-z0-9_]{1,32}: the CSV column and API name */
	gchar *label;
	HyFieldType type;
	gboolean required;
	gint max_length;      /* in characters; 0 = no limit */
	gchar *default_value; /* NULL = none */
	gchar **choices;      /* NULL-terminated; NULL unless a choice field */
	gboolean searchable;  /* indexed for exact lookups */
	gint position;	      /* display order */
} HyFieldDef;

void
hy_field_def_free (HyFieldDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyFieldDef, hy_field_def_free)

const gchar *
hy_field_entity_to_string (HyFieldEntity entity);
gboolean
hy_field_entity_from_string (const gchar *text, HyFieldEntity *out);
const gchar *
hy_field_type_to_string (HyFieldType type);
gboolean
hy_field_type_from_string (const gchar *text, HyFieldType *out);

/* Defines a field (needs field.manage; audited "field.add"), placed after the entity's
 * existing fields. `choices` (NULL-terminated) is required for a choice field and
 * refused for the others; a default must itself be a valid value. */
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
	      GError **error);
/* The definitions of an entity in display order. */
GPtrArray *
hy_field_list (HyDb *db, HyFieldEntity entity, GError **error);
/* NULL with HY_ERROR_NOT_FOUND when the entity has no field `key`. */
HyFieldDef *
hy_field_find (HyDb *db, HyFieldEntity entity, const gchar *key, GError **error);

/* Checks one value against its definition; the message gives the reason only (callers
 * name the field or column). An empty value is valid unless the field is required. */
gboolean
hy_field_validate (const HyFieldDef *def, const gchar *value, GError **error);

/* Validates, then writes the values (key → text) of entity row `entity_id` inside the
 * caller's transaction, one shared-mutable row per field, captured for replication.
 * An unknown key is an error naming it. When `creating`, a missing field takes its
 * default and a missing required field without one is an error; otherwise missing keys
 * are left as they are. An empty value clears a field that is not required. Writes no
 * audit record and checks no permission: the operation that calls it does both. */
gboolean
hy_field_set_values (HyDb *db,
		     const HyActor *actor,
		     HyFieldEntity entity,
		     const gchar *entity_id,
		     GHashTable *values,
		     gboolean creating,
		     GError **error);
/* Validation only, as hy_field_set_values() would do it; writes nothing. */
gboolean
hy_field_check_values (
	HyDb *db, HyFieldEntity entity, GHashTable *values, gboolean creating, GError **error);
/* key → value of every field set on `entity_id`. */
GHashTable *
hy_field_get_values (HyDb *db, const gchar *entity_id, GError **error);

/* Ids of the entities whose searchable field `key` is exactly `value` (newest first, at
 * most `limit`; 0 = no limit). A field that is not searchable is an error. */
GPtrArray *
hy_field_lookup (HyDb *db,
		 HyFieldEntity entity,
		 const gchar *key,
		 const gchar *value,
		 guint limit,
		 GError **error);

G_END_DECLS
