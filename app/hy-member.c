#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-date.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-hlc.h"
#include "hy-id-number.h"
#include "hy-id.h"
#include "hy-member-private.h"
#include "hy-outbox.h"
#include "hy-pinyin.h"

#define HY_MEMBER_NAME_MAX    32
#define HY_MEMBER_PLACE_MAX   32 /* province, city, district */
#define HY_MEMBER_ADDRESS_MAX 128
#define HY_MEMBER_EMAIL_MAX   254
#define HY_MEMBER_NOTE_MAX    500

static const gchar *const hy_member_fields[] = {
	"name",	    "phone",   "gender", "birthday", "id_number", "province", "city",
	"district", "address", "zip",	 "email",    "note",	  NULL,
};

const gchar *const *
hy_member_field_names (void)
{
	return hy_member_fields;
}

HyMember *
hy_member_new (void)
{
	return g_new0 (HyMember, 1);
}

void
hy_member_free (HyMember *member)
{
	g_free (member->id);
	g_free (member->name);
	g_free (member->name_pinyin);
	g_free (member->name_initials);
	g_free (member->gender);
	g_free (member->birthday);
	g_free (member->id_number);
	g_free (member->phone);
	g_free (member->province);
	g_free (member->city);
	g_free (member->district);
	g_free (member->address);
	g_free (member->zip);
	g_free (member->email);
	g_free (member->note);
	g_free (member->level_id);
	g_free (member->level_name);
	g_free (member->home_store);
	g_clear_pointer (&member->fields, g_hash_table_unref);
	g_free (member);
}

/* The struct member for a registration field name, in hy_member_fields order. */
static gchar **
hy_member_slot (HyMember *member, guint i)
{
	gchar **slots[] = {
		&member->name,	    &member->phone,    &member->gender, &member->birthday,
		&member->id_number, &member->province, &member->city,	&member->district,
		&member->address,   &member->zip,      &member->email,	&member->note,
	};
	G_STATIC_ASSERT (G_N_ELEMENTS (slots) == G_N_ELEMENTS (hy_member_fields) - 1);
	return slots[i];
}

const gchar *
hy_member_get_field (const HyMember *member, const gchar *field)
{
	for (guint i = 0; hy_member_fields[i] != NULL; i++) {
		if (g_strcmp0 (hy_member_fields[i], field) == 0)
			return *hy_member_slot ((HyMember *) member, i);
	}
	return NULL;
}

gboolean
hy_member_set_field (HyMember *member, const gchar *field, const gchar *value)
{
	for (guint i = 0; hy_member_fields[i] != NULL; i++) {
		if (g_strcmp0 (hy_member_fields[i], field) == 0) {
			gchar **slot = hy_member_slot (member, i);
			g_free (*slot);
			*slot = g_strdup (value);
			return TRUE;
		}
	}
	return FALSE;
}

/* Trims a field; an empty optional field becomes NULL. */
static void
hy_member_trim (gchar **slot)
{
	if (*slot == NULL)
		return;
	g_strstrip (*slot);
	if ((*slot)[0] == '\0')
		g_clear_pointer (slot, g_free);
}

static gboolean
hy_member_fail (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
hy_member_fail (GError **error, const gchar *format, ...)
{
	g_autofree gchar *message = NULL;
	va_list args;
	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT, message);
	return FALSE;
}

static gboolean
hy_member_check_text (const gchar *value, gint max, GError **error)
{
	if (!g_utf8_validate (value, -1, NULL))
		return hy_member_fail (error, "%s", _ ("not valid UTF-8 text"));
	for (const gchar *p = value; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_iscntrl (c) && c != '\n')
			return hy_member_fail (error, "%s",
					       _ ("control characters are not allowed"));
	}
	if (g_utf8_strlen (value, -1) > max)
		return hy_member_fail (error, _ ("at most %d characters are allowed, not %ld"), max,
				       g_utf8_strlen (value, -1));
	return TRUE;
}

static gboolean
hy_member_check_phone (const gchar *phone, GError **error)
{
	gsize len = strlen (phone);
	gboolean ok = len >= 5 && len <= 20;
	for (gsize i = 0; ok && i < len; i++)
		ok = g_ascii_isdigit (phone[i]) || (i == 0 && phone[i] == '+' && len > 5);
	if (!ok)
		return hy_member_fail (
			error,
			_ ("\"%s\" is not a phone number (5 to 20 digits, optionally "
			   "after a leading +)"),
			phone);
	return TRUE;
}

static gboolean
hy_member_check_date (const gchar *text, GError **error)
{
	GDate date;
	if (!hy_date_parse (text, &date))
		return hy_member_fail (error, _ ("\"%s\" is not a date (YYYY-MM-DD)"), text);
	if (hy_date_is_future (&date))
		return hy_member_fail (error, _ ("\"%s\" is in the future"), text);
	if (g_date_get_year (&date) < 1900)
		return hy_member_fail (error, _ ("\"%s\" is before 1900"), text);
	return TRUE;
}

static gboolean
hy_member_check_email (const gchar *email, GError **error)
{
	const gchar *at = strchr (email, '@');
	const gchar *dot = at != NULL ? strrchr (at, '.') : NULL;
	gboolean ok = at != NULL && at != email && strchr (at + 1, '@') == NULL && dot != NULL &&
		      dot > at + 1 && dot[1] != '\0' && strlen (email) <= HY_MEMBER_EMAIL_MAX;
	for (const gchar *p = email; ok && *p != '\0'; p++)
		ok = (guchar) *p > ' ' && *p != ',' && *p != ';';
	if (!ok)
		return hy_member_fail (error, _ ("\"%s\" is not an email address"), email);
	return TRUE;
}

/* "男", "m", "M", "male" → "male"; the same for female; "" stays "". */
static gboolean
hy_member_normalize_gender (gchar **gender, GError **error)
{
	static const gchar *const male[] = {"male", "m", "男", NULL};
	static const gchar *const female[] = {"female", "f", "女", NULL};
	g_autofree gchar *lower = NULL;

	if (*gender == NULL || (*gender)[0] == '\0') {
		g_free (*gender);
		*gender = g_strdup ("");
		return TRUE;
	}
	lower = g_ascii_strdown (*gender, -1);
	if (g_strv_contains (male, lower)) {
		g_free (*gender);
		*gender = g_strdup ("male");
	} else if (g_strv_contains (female, lower)) {
		g_free (*gender);
		*gender = g_strdup ("female");
	} else {
		return hy_member_fail (error, _ ("\"%s\" is not a gender (male or female)"),
				       *gender);
	}
	return TRUE;
}

static gboolean
hy_member_check_one (HyMember *member, guint i, GError **error)
{
	gchar **slot = hy_member_slot (member, i);
	const gchar *field = hy_member_fields[i];

	if (g_str_equal (field, "gender"))
		return hy_member_normalize_gender (slot, error);
	hy_member_trim (slot);
	if (*slot == NULL) {
		if (g_str_equal (field, "name"))
			return hy_member_fail (error, "%s", _ ("a name is required"));
		return TRUE;
	}
	if (!g_utf8_validate (*slot, -1, NULL))
		return hy_member_fail (error, "%s", _ ("not valid UTF-8 text"));
	if (g_str_equal (field, "name"))
		return hy_member_check_text (*slot, HY_MEMBER_NAME_MAX, error);
	if (g_str_equal (field, "phone"))
		return hy_member_check_phone (*slot, error);
	if (g_str_equal (field, "birthday"))
		return hy_member_check_date (*slot, error);
	if (g_str_equal (field, "id_number")) {
		g_autofree gchar *normalized = NULL;
		if (!hy_id_number_validate (*slot, &normalized, error))
			return FALSE;
		g_free (*slot);
		*slot = g_steal_pointer (&normalized);
		return TRUE;
	}
	if (g_str_equal (field, "zip")) {
		gboolean ok = strlen (*slot) == 6;
		for (guint k = 0; ok && k < 6; k++)
			ok = g_ascii_isdigit ((*slot)[k]);
		if (!ok)
			return hy_member_fail (error, _ ("\"%s\" is not a postal code (6 digits)"),
					       *slot);
		return TRUE;
	}
	if (g_str_equal (field, "email"))
		return hy_member_check_email (*slot, error);
	if (g_str_equal (field, "address"))
		return hy_member_check_text (*slot, HY_MEMBER_ADDRESS_MAX, error);
	if (g_str_equal (field, "note"))
		return hy_member_check_text (*slot, HY_MEMBER_NOTE_MAX, error);
	return hy_member_check_text (*slot, HY_MEMBER_PLACE_MAX, error);
}

gboolean
hy_member_validate (
	HyDb *db, HyMember *member, gboolean creating, const gchar **field_out, GError **error)
{
	g_autoptr (GPtrArray) defs = NULL;

	for (guint i = 0; hy_member_fields[i] != NULL; i++) {
		if (!hy_member_check_one (member, i, error)) {
			if (field_out != NULL)
				*field_out = hy_member_fields[i];
			return FALSE;
		}
	}
	/* the ID number carries the birthday: fill it, or insist they agree */
	if (member->id_number != NULL) {
		g_autofree gchar *born = hy_id_number_birthday (member->id_number);
		if (member->birthday == NULL) {
			member->birthday = g_steal_pointer (&born);
		} else if (g_strcmp0 (born, member->birthday) != 0) {
			if (field_out != NULL)
				*field_out = "id_number";
			return hy_member_fail (error,
					       _ ("the birth date in the ID number (%s) does not "
						  "match the birthday %s"),
					       born, member->birthday);
		}
	}

	defs = hy_field_list (db, HY_FIELD_ENTITY_MEMBER, error);
	if (defs == NULL)
		return FALSE;
	if (member->fields != NULL) {
		GHashTableIter iter;
		gpointer key;
		g_hash_table_iter_init (&iter, member->fields);
		while (g_hash_table_iter_next (&iter, &key, NULL)) {
			gboolean known = FALSE;
			for (guint i = 0; i < defs->len && !known; i++)
				known = g_str_equal (((HyFieldDef *) defs->pdata[i])->key, key);
			if (!known) {
				if (field_out != NULL)
					*field_out = g_intern_string (key);
				return hy_member_fail (error, _ ("there is no custom field \"%s\""),
						       (const gchar *) key);
			}
		}
	}
	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		const gchar *value = NULL;
		gboolean given = member->fields != NULL &&
				 g_hash_table_lookup_extended (member->fields, def->key, NULL,
							       (gpointer *) &value);
		if (!given && !creating)
			continue;
		if ((value == NULL || value[0] == '\0') && def->default_value != NULL &&
		    (creating || def->required))
			value = def->default_value;
		if (!hy_field_validate (def, value, error)) {
			/* interned: the definitions are freed on return */
			if (field_out != NULL)
				*field_out = g_intern_string (def->key);
			return FALSE;
		}
	}
	return TRUE;
}

/* Validates with the field named in the message: "birthday: ..." */
static gboolean
hy_member_validate_named (HyDb *db, HyMember *member, gboolean creating, GError **error)
{
	const gchar *field = NULL;
	if (hy_member_validate (db, member, creating, &field, error))
		return TRUE;
	if (field != NULL)
		g_prefix_error (error, "%s: ", field);
	return FALSE;
}

static gboolean
hy_member_resolve_level (HyDb *db, const gchar *level, gchar **id_out, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = NULL;

	if (level != NULL && level[0] != '\0')
		stmt = hy_db_prepare (db, "SELECT id FROM levels WHERE name = ?", error);
	else
		stmt = hy_db_prepare (db, "SELECT id FROM levels ORDER BY rank, name LIMIT 1",
				      error);
	if (stmt == NULL)
		return FALSE;
	if (level != NULL && level[0] != '\0')
		sqlite3_bind_text (stmt, 1, level, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		if (level != NULL && level[0] != '\0')
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("level: there is no level \"%s\""), level);
		else
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
				     _ ("level: no member levels are defined"));
		return FALSE;
	}
	*id_out = hy_stmt_dup_text (stmt, 0);
	return TRUE;
}

/* Every 1- and 2-character substring of the lowercased name, without whitespace, so a
 * name search starts from an index lookup. */
static GPtrArray *
hy_member_name_grams (const gchar *name)
{
	g_autofree gchar *lower = g_utf8_strdown (name, -1);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	GPtrArray *grams = g_ptr_array_new_with_free_func (g_free);

	for (const gchar *p = lower; *p != '\0'; p = g_utf8_next_char (p)) {
		const gchar *q = g_utf8_next_char (p);
		const gchar *r = *q != '\0' ? g_utf8_next_char (q) : NULL;
		gchar *one, *two;
		if (g_unichar_isspace (g_utf8_get_char (p)))
			continue;
		one = g_strndup (p, q - p);
		if (g_hash_table_add (seen, one))
			g_ptr_array_add (grams, one);
		else
			g_free (one);
		if (r == NULL || g_unichar_isspace (g_utf8_get_char (q)))
			continue;
		two = g_strndup (p, r - p);
		if (g_hash_table_add (seen, two))
			g_ptr_array_add (grams, two);
		else
			g_free (two);
	}
	return grams;
}

#define HY_MEMBER_GRAMS_PER_INSERT 16

/* "INSERT OR IGNORE INTO member_name_grams … VALUES (?2, ?1), (?3, ?1) …" for n grams,
 * built once. */
static const gchar *
hy_member_grams_insert_sql (guint n)
{
	static gchar *sql[HY_MEMBER_GRAMS_PER_INSERT + 1];
	static gsize built = 0;

	if (g_once_init_enter (&built)) {
		for (guint k = 1; k <= HY_MEMBER_GRAMS_PER_INSERT; k++) {
			GString *text = g_string_new ("INSERT OR IGNORE INTO member_name_grams "
						      "(gram, member_id) VALUES ");
			for (guint i = 0; i < k; i++)
				g_string_append_printf (text, "%s(?%u, ?1)", i > 0 ? ", " : "",
							i + 2);
			sql[k] = g_string_free (text, FALSE);
		}
		g_once_init_leave (&built, 1);
	}
	return sql[n];
}

gboolean
hy_member_write_grams (HyDb *db,
		       const gchar *member_id,
		       const gchar *old_name,
		       const gchar *new_name,
		       GError **error)
{
	/* the grams of the old name are known, so no scan by member is needed */
	if (old_name != NULL) {
		g_autoptr (GPtrArray) grams = hy_member_name_grams (old_name);
		for (guint i = 0; i < grams->len; i++) {
			g_autoptr (HyStmt) stmt = hy_db_prepare (
				db,
				"DELETE FROM member_name_grams WHERE gram = ? AND member_id = ?",
				error);
			if (stmt == NULL)
				return FALSE;
			sqlite3_bind_text (stmt, 1, grams->pdata[i], -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (stmt, 2, member_id, -1, SQLITE_TRANSIENT);
			if (!hy_db_step_done (db, stmt, error))
				return FALSE;
		}
	}
	{
		/* several grams a statement: a name has a dozen or so, and each statement
		 * costs more than the rows it writes (replication applies many members) */
		g_autoptr (GPtrArray) grams = hy_member_name_grams (new_name);
		for (guint from = 0; from < grams->len; from += HY_MEMBER_GRAMS_PER_INSERT) {
			guint n = MIN (grams->len - from, HY_MEMBER_GRAMS_PER_INSERT);
			g_autoptr (HyStmt) stmt =
				hy_db_prepare (db, hy_member_grams_insert_sql (n), error);
			if (stmt == NULL)
				return FALSE;
			sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
			for (guint i = 0; i < n; i++)
				sqlite3_bind_text (stmt, (gint) i + 2, grams->pdata[from + i], -1,
						   SQLITE_TRANSIENT);
			if (!hy_db_step_done (db, stmt, error))
				return FALSE;
		}
	}
	return TRUE;
}

static void
hy_member_compute_pinyin (HyMember *member, gchar **flat_out)
{
	g_auto (GStrv) words = NULL;
	g_clear_pointer (&member->name_pinyin, g_free);
	g_clear_pointer (&member->name_initials, g_free);
	hy_pinyin_compute (member->name, &member->name_pinyin, &member->name_initials);
	words = g_strsplit (member->name_pinyin, " ", -1);
	*flat_out = g_strjoinv ("", words);
}

static void
hy_member_bind_opt (HyStmt *stmt, gint col, const gchar *value)
{
	if (value != NULL)
		sqlite3_bind_text (stmt, col, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null (stmt, col);
}

/* Binds name … note as parameters 2–16 (id is 1): name, pinyin, initials, flat pinyin,
 * gender, then the registration fields after gender. */
static void
hy_member_bind_fields (HyStmt *stmt, HyMember *member, const gchar *flat)
{
	gint col = 2;
	sqlite3_bind_text (stmt, col++, member->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, col++, member->name_pinyin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, col++, member->name_initials, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, col++, flat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, col++, member->gender, -1, SQLITE_TRANSIENT);
	hy_member_bind_opt (stmt, col++, member->birthday);
	hy_member_bind_opt (stmt, col++, member->id_number);
	hy_member_bind_opt (stmt, col++, member->phone);
	hy_member_bind_opt (stmt, col++, member->province);
	hy_member_bind_opt (stmt, col++, member->city);
	hy_member_bind_opt (stmt, col++, member->district);
	hy_member_bind_opt (stmt, col++, member->address);
	hy_member_bind_opt (stmt, col++, member->zip);
	hy_member_bind_opt (stmt, col++, member->email);
	hy_member_bind_opt (stmt, col++, member->note);
}

gboolean
hy_member_register (HyDb *db,
		    const HyActor *actor,
		    HyMember *member,
		    const gchar *level,
		    const gchar *card_number,
		    const gchar *card_password,
		    gchar **member_id_out,
		    gchar **card_number_out,
		    GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = NULL;
	g_autofree gchar *level_id = NULL;
	g_autofree gchar *flat = NULL;
	g_autofree gchar *number = NULL;
	gint64 hlc = 0;
	gint64 now = g_get_real_time () / 1000;

	if (!hy_actor_require (actor, HY_PERMISSION_MEMBER_CREATE, error))
		return FALSE;
	if (!hy_member_validate_named (db, member, TRUE, error))
		return FALSE;
	hy_member_compute_pinyin (member, &flat);

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_member_resolve_level (db, level, &level_id, error))
		return FALSE;
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	id = hy_id_new ();
	stmt = hy_db_prepare (
		db,
		"INSERT INTO members (id, name, name_pinyin, name_initials, "
		"name_pinyin_flat, gender, birthday, id_number, phone, province, "
		"city, district, address, zip, email, note, level_id, home_store, "
		"created_at, hlc, origin_store) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	hy_member_bind_fields (stmt, member, flat);
	sqlite3_bind_text (stmt, 17, level_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 18, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 19, now);
	sqlite3_bind_int64 (stmt, 20, hlc);
	sqlite3_bind_text (stmt, 21, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	g_clear_pointer (&stmt, hy_stmt_release);
	if (!hy_outbox_capture (db, "members", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	if (!hy_member_write_grams (db, id, NULL, member->name, error))
		return FALSE;
	if (!hy_field_set_values (db, actor, HY_FIELD_ENTITY_MEMBER, id, member->fields, TRUE,
				  error))
		return FALSE;
	if (!hy_card_issue (db, actor, id, card_number, NULL, NULL, card_password, &number,
			    error)) {
		g_prefix_error (error, _ ("card: "));
		return FALSE;
	}
	json_object_set_string_member (detail, "level_id", level_id);
	json_object_set_boolean_member (detail, "card_from_stock", card_number == NULL);
	if (!hy_audit_append (db, actor, "member.register", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;

	g_free (member->id);
	member->id = g_strdup (id);
	g_free (member->level_id);
	member->level_id = g_steal_pointer (&level_id);
	g_free (member->home_store);
	member->home_store = g_strdup (hy_actor_get_store_id (actor));
	member->created_at = now;
	if (member_id_out != NULL)
		*member_id_out = g_steal_pointer (&id);
	if (card_number_out != NULL)
		*card_number_out = g_steal_pointer (&number);
	return TRUE;
}

gboolean
hy_member_update (
	HyDb *db, const HyActor *actor, HyMember *member, const gchar *level, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (HyMember) old = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autoptr (JsonArray) changed = json_array_new ();
	g_autofree gchar *level_id = NULL;
	g_autofree gchar *flat = NULL;
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_MEMBER_EDIT, error))
		return FALSE;
	if (member->id == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the member to update has no id"));
		return FALSE;
	}
	if (!hy_member_validate_named (db, member, FALSE, error))
		return FALSE;
	hy_member_compute_pinyin (member, &flat);

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	old = hy_member_get (db, member->id, error);
	if (old == NULL)
		return FALSE;
	if (level != NULL) {
		if (!hy_member_resolve_level (db, level, &level_id, error))
			return FALSE;
	} else {
		level_id = g_strdup (old->level_id);
	}
	for (guint i = 0; hy_member_fields[i] != NULL; i++) {
		if (g_strcmp0 (*hy_member_slot (old, i), *hy_member_slot (member, i)) != 0)
			json_array_add_string_element (changed, hy_member_fields[i]);
	}
	if (g_strcmp0 (old->level_id, level_id) != 0)
		json_array_add_string_element (changed, "level");
	if (member->fields != NULL) {
		g_autofree gpointer *keys = g_hash_table_get_keys_as_array (member->fields, NULL);
		for (guint i = 0; keys[i] != NULL; i++) {
			const gchar *now_value = g_hash_table_lookup (member->fields, keys[i]);
			const gchar *was = old->fields != NULL
						   ? g_hash_table_lookup (old->fields, keys[i])
						   : NULL;
			if (g_strcmp0 (now_value != NULL && now_value[0] != '\0' ? now_value : NULL,
				       was) != 0)
				json_array_add_string_element (changed, keys[i]);
		}
	}

	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "UPDATE members SET name = ?2, name_pinyin = ?3, name_initials = ?4, "
			      "name_pinyin_flat = ?5, gender = ?6, birthday = ?7, id_number = ?8, "
			      "phone = ?9, province = ?10, city = ?11, district = ?12, "
			      "address = ?13, zip = ?14, email = ?15, note = ?16, level_id = ?17, "
			      "hlc = ?18, origin_store = ?19 WHERE id = ?1",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member->id, -1, SQLITE_TRANSIENT);
	hy_member_bind_fields (stmt, member, flat);
	sqlite3_bind_text (stmt, 17, level_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 18, hlc);
	sqlite3_bind_text (stmt, 19, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	g_clear_pointer (&stmt, hy_stmt_release);
	if (!hy_outbox_capture (db, "members", member->id, HY_CHANGE_UPDATE, hlc, error))
		return FALSE;
	if (g_strcmp0 (old->name, member->name) != 0 &&
	    !hy_member_write_grams (db, member->id, old->name, member->name, error))
		return FALSE;
	if (member->fields != NULL &&
	    !hy_field_set_values (db, actor, HY_FIELD_ENTITY_MEMBER, member->id, member->fields,
				  FALSE, error))
		return FALSE;
	/* names of the changed fields only: values may be personal data */
	json_object_set_array_member (detail, "changed", g_steal_pointer (&changed));
	if (!hy_audit_append (db, actor, "member.update", member->id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	g_free (member->level_id);
	member->level_id = g_steal_pointer (&level_id);
	return TRUE;
}

HyMember *
hy_member_from_row (HyStmt *stmt)
{
	HyMember *member = hy_member_new ();
	member->id = hy_stmt_dup_text (stmt, 0);
	member->name = hy_stmt_dup_text (stmt, 1);
	member->name_pinyin = hy_stmt_dup_text (stmt, 2);
	member->name_initials = hy_stmt_dup_text (stmt, 3);
	member->gender = hy_stmt_dup_text (stmt, 4);
	member->birthday = hy_stmt_dup_text (stmt, 5);
	member->id_number = hy_stmt_dup_text (stmt, 6);
	member->phone = hy_stmt_dup_text (stmt, 7);
	member->province = hy_stmt_dup_text (stmt, 8);
	member->city = hy_stmt_dup_text (stmt, 9);
	member->district = hy_stmt_dup_text (stmt, 10);
	member->address = hy_stmt_dup_text (stmt, 11);
	member->zip = hy_stmt_dup_text (stmt, 12);
	member->email = hy_stmt_dup_text (stmt, 13);
	member->note = hy_stmt_dup_text (stmt, 14);
	member->level_id = hy_stmt_dup_text (stmt, 15);
	member->level_name = hy_stmt_dup_text (stmt, 16);
	member->home_store = hy_stmt_dup_text (stmt, 17);
	member->created_at = sqlite3_column_int64 (stmt, 18);
	return member;
}

HyMember *
hy_member_get (HyDb *db, const gchar *id, GError **error)
{
	g_autoptr (HyMember) member = NULL;
	gboolean has_row = FALSE;

	{
		g_autoptr (HyStmt) stmt = hy_db_prepare (
			db, "SELECT " HY_MEMBER_COLUMNS " FROM " HY_MEMBER_FROM " WHERE m.id = ?",
			error);
		if (stmt == NULL)
			return NULL;
		sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row) {
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
				     _ ("no member with id %s"), id);
			return NULL;
		}
		member = hy_member_from_row (stmt);
	}
	member->fields = hy_field_get_values (db, member->id, error);
	if (member->fields == NULL)
		return NULL;
	return g_steal_pointer (&member);
}
