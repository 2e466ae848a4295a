/* Huiyuan: members, their registration fields and custom field values. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* Every registration field of the brochure (seed 000). Empty optional fields are NULL. */
typedef struct {
	gchar *id;
	gchar *name;
	gchar *name_pinyin;   /* "zhang san", computed at write time */
	gchar *name_initials; /* "zs" */
	gchar *gender;	      /* "", "male" or "female" */
	gchar *birthday;      /* YYYY-MM-DD */
	gchar *id_number;     /* 18-character GB 11643 number, checked */
	gchar *phone;
	gchar *province;
	gchar *city;
	gchar *district;
	gchar *address;
	gchar *zip;
	gchar *email;
	gchar *note;
	gchar *level_id;
	gchar *level_name; /* filled on read */
	gchar *home_store;
	gint64 created_at;  /* ms since the epoch */
	GHashTable *fields; /* custom field key -> value text; may be NULL on input */
} HyMember;

HyMember *
hy_member_new (void);
void
hy_member_free (HyMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyMember, hy_member_free)

/* Registers a member (validating every field and custom field) and, in the same
 * transaction, issues a card: `card_number` NULL takes the next number from this
 * store's stock. `level` NULL is the lowest level. */
gboolean
hy_member_register (HyDb *db,
		    const HyActor *actor,
		    HyMember *member,
		    const gchar *level,
		    const gchar *card_number,
		    const gchar *card_password,
		    gchar **member_id_out,
		    gchar **card_number_out,
		    GError **error);
/* Saves changed fields of an existing member (member->id set). */
gboolean
hy_member_update (
	HyDb *db, const HyActor *actor, HyMember *member, const gchar *level, GError **error);
HyMember *
hy_member_get (HyDb *db, const gchar *id, GError **error);

/* The registration fields by their API and CSV names, in form order: "name", "phone",
 * "gender", "birthday", "id_number", "province", "city", "district", "address", "zip",
 * "email", "note". */
const gchar *const *
hy_member_field_names (void);
/* Reads or replaces (with a copy of `value`) the registration field `field`; FALSE/NULL
 * for a name that is not one. */
const gchar *
hy_member_get_field (const HyMember *member, const gchar *field);
gboolean
hy_member_set_field (HyMember *member, const gchar *field, const gchar *value);
/* Checks and normalises (trims; "男"/"m" → "male"; a lowercase ID check "x" → "X")
 * every registration field and custom field of `member` in place; fills an empty
 * birthday from the ID number. On error `field_out` (may be NULL) names the field or
 * custom field key, and the message gives the reason only. Writes nothing. */
gboolean
hy_member_validate (
	HyDb *db, HyMember *member, gboolean creating, const gchar **field_out, GError **error);

G_END_DECLS
