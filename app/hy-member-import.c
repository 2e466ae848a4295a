#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card.h"
#include "hy-csv.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-member-import.h"
#include "hy-member.h"

static const gchar *const hy_import_columns[] = {
	"card",	     "name",	 "phone",    "level",	 "gender",  "birthday",
	"id_number", "province", "city",     "district", "address", "zip",
	"email",     "note",	 "password", "balance",	 "points",  NULL,
};

const gchar *const *
hy_member_import_columns (void)
{
	return hy_import_columns;
}

typedef struct {
	HyDb *db;
	const HyActor *actor;
	const gchar *name; /* of the file, for messages */
	gchar **header;
	guint n_columns;
	GHashTable *custom; /* custom field keys */
	GHashTable *cards;  /* card number → line where it first appeared */
	GHashTable *levels; /* level names known to exist */
	gchar *op_id;	    /* the import operation: the ledger entries' op_id */
	guint line;
} HyImport;

static void
hy_import_clear (HyImport *import)
{
	g_strfreev (import->header);
	g_clear_pointer (&import->custom, g_hash_table_unref);
	g_clear_pointer (&import->cards, g_hash_table_unref);
	g_clear_pointer (&import->levels, g_hash_table_unref);
	g_free (import->op_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyImport, hy_import_clear)

static gboolean
hy_import_fail (HyImport *import, const gchar *column, GError **error, const gchar *format, ...)
	G_GNUC_PRINTF (4, 5);

/* "members.csv:7: column "birthday": <reason>" */
static gboolean
hy_import_fail (HyImport *import, const gchar *column, GError **error, const gchar *format, ...)
{
	g_autofree gchar *reason = NULL;
	va_list args;
	va_start (args, format);
	reason = g_strdup_vprintf (format, args);
	va_end (args);
	if (column != NULL)
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s:%u: column \"%s\": %s"), import->name, import->line, column,
			     reason);
	else
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, "%s:%u: %s", import->name,
			     import->line, reason);
	return FALSE;
}

/* Prefixes an error from the core with the file, line and column, keeping its code
 * (a permission error stays one). */
static gboolean
hy_import_prefix (HyImport *import, const gchar *column, GError **error)
{
	if (column != NULL)
		g_prefix_error (error, _ ("%s:%u: column \"%s\": "), import->name, import->line,
				column);
	else
		g_prefix_error (error, "%s:%u: ", import->name, import->line);
	return FALSE;
}

/* UTF-8 (a BOM is dropped) or else GB18030, converted to UTF-8. */
static gchar *
hy_import_decode (
	const gchar *name, const gchar *data, gsize length, gsize *out_length, GError **error)
{
	g_autofree gchar *converted = NULL;
	gsize written = 0;

	if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		length -= 3;
	}
	if (g_utf8_validate_len (data, length, NULL)) {
		*out_length = length;
		return g_strndup (data, length);
	}
	converted = g_convert (data, (gssize) length, "UTF-8", "GB18030", NULL, &written, NULL);
	if (converted == NULL || !g_utf8_validate_len (converted, written, NULL) ||
	    memchr (converted, '\0', written) != NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: the file is neither UTF-8 nor GB18030 text"), name);
		return NULL;
	}
	*out_length = written;
	return g_steal_pointer (&converted);
}

static gboolean
hy_import_read_header (HyImport *import, HyCsvReader *reader, GError **error)
{
	g_autoptr (GPtrArray) defs = hy_field_list (import->db, HY_FIELD_ENTITY_MEMBER, error);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	gboolean has_name = FALSE;

	if (defs == NULL)
		return FALSE;
	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		g_hash_table_add (import->custom, g_strdup (def->key));
	}
	import->header = hy_csv_reader_next (reader, error);
	if (import->header == NULL) {
		if (*error == NULL)
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("%s: the file is empty (a header row is needed)"),
				     import->name);
		return FALSE;
	}
	import->line = hy_csv_reader_get_line (reader);
	import->n_columns = g_strv_length (import->header);
	for (guint i = 0; i < import->n_columns; i++) {
		gchar *column = g_strstrip (import->header[i]);
		if (!g_strv_contains (hy_import_columns, column) &&
		    !g_hash_table_contains (import->custom, column)) {
			g_autofree gchar *known = g_strjoinv (", ", (gchar **) hy_import_columns);
			return hy_import_fail (import, column, error,
					       _ ("unknown column (known: %s, and the member "
						  "custom field keys)"),
					       known);
		}
		if (!g_hash_table_add (seen, column))
			return hy_import_fail (import, column, error, "%s",
					       _ ("the column appears twice"));
		has_name = has_name || g_str_equal (column, "name");
	}
	if (!has_name)
		return hy_import_fail (import, NULL, error, "%s",
				       _ ("the header has no \"name\" column"));
	return TRUE;
}

/* A whole non-negative number of fen or hundredths; "" is 0. */
static gboolean
hy_import_amount (
	HyImport *import, const gchar *column, const gchar *text, gint64 *out, GError **error)
{
	guint64 value = 0;
	*out = 0;
	if (text == NULL || text[0] == '\0')
		return TRUE;
	if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64 / 2, &value, NULL))
		return hy_import_fail (
			import, column, error, _ ("\"%s\" is not a whole non-negative number (%s)"),
			text, g_str_equal (column, "balance") ? _ ("fen") : _ ("hundredths"));
	*out = (gint64) value;
	return TRUE;
}

static gboolean
hy_import_check_card (HyImport *import, const gchar *number, GError **error)
{
	gpointer first = NULL;
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = NULL;

	if (!hy_card_number_is_valid (number))
		return hy_import_fail (import, "card", error,
				       _ ("\"%s\" is not a card number (10 digits with a valid "
					  "check digit)"),
				       number);
	if (g_hash_table_lookup_extended (import->cards, number, NULL, &first))
		return hy_import_fail (import, "card", error,
				       _ ("card %s appears twice in this file (first on line %u)"),
				       number, GPOINTER_TO_UINT (first));
	g_hash_table_insert (import->cards, g_strdup (number), GUINT_TO_POINTER (import->line));
	stmt = hy_db_prepare (import->db, "SELECT 1 FROM cards WHERE number = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (import->db, stmt, &has_row, error))
		return FALSE;
	if (has_row)
		return hy_import_fail (import, "card", error,
				       _ ("card %s is already in the database"), number);
	return TRUE;
}

static gboolean
hy_import_check_level (HyImport *import, const gchar *level, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = NULL;

	if (g_hash_table_contains (import->levels, level))
		return TRUE;
	stmt = hy_db_prepare (import->db, "SELECT 1 FROM levels WHERE name = ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, level, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (import->db, stmt, &has_row, error))
		return FALSE;
	if (!has_row)
		return hy_import_fail (import, "level", error, _ ("there is no level \"%s\""),
				       level);
	g_hash_table_add (import->levels, g_strdup (level));
	return TRUE;
}

/* Posts an opening balance on the member's new card. */
static gboolean
hy_import_post (HyImport *import,
		const gchar *number,
		HyAccount account,
		gint64 amount,
		const gchar *column,
		GError **error)
{
	HyPermission needed = account == HY_ACCOUNT_MONEY ? HY_PERMISSION_MONEY_RECHARGE
							  : HY_PERMISSION_POINTS_ADJUST;
	g_autoptr (HyCard) card = NULL;

	if (amount == 0)
		return TRUE;
	if (!hy_actor_require (import->actor, needed, error))
		return hy_import_prefix (import, column, error);
	card = hy_card_lookup (import->db, number, error);
	if (card == NULL)
		return hy_import_prefix (import, column, error);
	if (!hy_ledger_post (import->db, import->actor, card->id, account, "", amount, "import",
			     import->op_id, "", error))
		return hy_import_prefix (import, column, error);
	return TRUE;
}

static gboolean
hy_import_row (HyImport *import, gchar **record, GError **error)
{
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *number = NULL;
	const gchar *card = NULL, *level = NULL, *password = NULL;
	const gchar *balance_text = NULL, *points_text = NULL;
	const gchar *field = NULL;
	gint64 balance = 0, points = 0;
	guint n = g_strv_length (record);

	if (n != import->n_columns)
		return hy_import_fail (import, NULL, error,
				       _ ("%u fields, but the header has %u columns"), n,
				       import->n_columns);
	for (guint i = 0; i < n; i++) {
		const gchar *column = import->header[i];
		gchar *value = record[i];
		if (g_str_equal (column, "card")) {
			card = g_strstrip (value);
		} else if (g_str_equal (column, "level")) {
			level = g_strstrip (value);
		} else if (g_str_equal (column, "password")) {
			password = value;
		} else if (g_str_equal (column, "balance")) {
			balance_text = g_strstrip (value);
		} else if (g_str_equal (column, "points")) {
			points_text = g_strstrip (value);
		} else if (g_hash_table_contains (import->custom, column)) {
			if (member->fields == NULL)
				member->fields = g_hash_table_new_full (g_str_hash, g_str_equal,
									g_free, g_free);
			g_hash_table_insert (member->fields, g_strdup (column),
					     g_strdup (g_strstrip (value)));
		} else {
			hy_member_set_field (member, column, value);
		}
	}
	if (!hy_member_validate (import->db, member, TRUE, &field, error)) {
		if (field == NULL)
			return hy_import_prefix (import, NULL, error);
		g_prefix_error (error, _ ("%s:%u: column \"%s\": "), import->name, import->line,
				field);
		return FALSE;
	}
	if (card != NULL && card[0] == '\0')
		card = NULL;
	if (level != NULL && level[0] == '\0')
		level = NULL;
	if (password != NULL && password[0] == '\0')
		password = NULL;
	if (card != NULL && !hy_import_check_card (import, card, error))
		return FALSE;
	if (level != NULL && !hy_import_check_level (import, level, error))
		return FALSE;
	if (!hy_import_amount (import, "balance", balance_text, &balance, error) ||
	    !hy_import_amount (import, "points", points_text, &points, error))
		return FALSE;
	if (!hy_member_register (import->db, import->actor, member, level, card, password, NULL,
				 &number, error))
		return hy_import_prefix (import, NULL, error);
	return hy_import_post (import, number, HY_ACCOUNT_MONEY, balance, "balance", error) &&
	       hy_import_post (import, number, HY_ACCOUNT_POINTS, points, "points", error);
}

static gboolean
hy_import_run (HyImport *import, const gchar *data, gsize length, guint *count, GError **error)
{
	g_autoptr (HyCsvReader) reader = NULL;
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *text = NULL;
	gsize text_length = 0;

	text = hy_import_decode (import->name, data, length, &text_length, error);
	if (text == NULL)
		return FALSE;
	reader = hy_csv_reader_new (import->name, text, text_length);

	txn = hy_db_begin (import->db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_import_read_header (import, reader, error))
		return FALSE;
	while (TRUE) {
		g_auto (GStrv) record = hy_csv_reader_next (reader, error);
		if (record == NULL) {
			if (*error != NULL)
				return FALSE;
			break;
		}
		import->line = hy_csv_reader_get_line (reader);
		if (!hy_import_row (import, record, error))
			return FALSE;
		(*count)++;
	}
	json_object_set_int_member (detail, "count", *count);
	json_object_set_string_member (detail, "file", import->name);
	if (!hy_audit_append (import->db, import->actor, "member.import", import->op_id, detail,
			      error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_member_import_data (HyDb *db,
		       const HyActor *actor,
		       const gchar *name,
		       const gchar *data,
		       gsize length,
		       guint *count_out,
		       GError **error)
{
	g_auto (HyImport) import = {
		.db = db,
		.actor = actor,
		.name = name,
		.custom = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
		.cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
		.levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
		.op_id = hy_id_new (),
	};
	/* our own error, so a reader failure is seen even when the caller passes NULL */
	g_autoptr (GError) local = NULL;
	guint count = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_MEMBER_IMPORT, error))
		return FALSE;
	if (!hy_import_run (&import, data, length, &count, &local)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (count_out != NULL)
		*count_out = count;
	return TRUE;
}

gboolean
hy_member_import_csv (
	HyDb *db, const HyActor *actor, const gchar *path, guint *count_out, GError **error)
{
	g_autofree gchar *data = NULL;
	g_autofree gchar *name = g_path_get_basename (path);
	g_autoptr (GError) local = NULL;
	gsize length = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_MEMBER_IMPORT, error))
		return FALSE;
	if (!g_file_get_contents (path, &data, &length, &local)) {
		g_set_error (error, HY_ERROR,
			     g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
				     ? HY_ERROR_NOT_FOUND
				     : HY_ERROR_FAILED,
			     "%s", local->message);
		return FALSE;
	}
	return hy_member_import_data (db, actor, name, data, length, count_out, error);
}
