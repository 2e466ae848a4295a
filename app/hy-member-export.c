#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "hy-csv.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-ledger.h"
#include "hy-member-export.h"
#include "hy-member-private.h"

/* One row as text, whatever the format: the columns of the header. */
typedef struct {
	HyDb *db;
	GPtrArray *header;	/* column names */
	guint n_fixed;		/* card … note */
	GPtrArray *custom_keys; /* borrowed from header */
} HyExport;

static void
hy_export_clear (HyExport *export)
{
	g_clear_pointer (&export->header, g_ptr_array_unref);
	g_clear_pointer (&export->custom_keys, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyExport, hy_export_clear)

static const gchar *const hy_export_fixed[] = {
	"card", "name",	    "phone",   "level", "gender", "birthday", "id_number", "province",
	"city", "district", "address", "zip",	"email",  "note",     NULL,
};

static gboolean
hy_export_init (HyExport *export, HyDb *db, GError **error)
{
	g_autoptr (GPtrArray) defs = hy_field_list (db, HY_FIELD_ENTITY_MEMBER, error);
	if (defs == NULL)
		return FALSE;
	export->db = db;
	export->header = g_ptr_array_new_with_free_func (g_free);
	export->custom_keys = g_ptr_array_new ();
	for (guint i = 0; hy_export_fixed[i] != NULL; i++)
		g_ptr_array_add (export->header, g_strdup (hy_export_fixed[i]));
	export->n_fixed = export->header->len;
	for (guint i = 0; i < defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (defs, i);
		g_ptr_array_add (export->header, g_strdup (def->key));
		g_ptr_array_add (export->custom_keys,
				 g_ptr_array_index (export->header, export->header->len - 1));
	}
	g_ptr_array_add (export->header, g_strdup ("balance"));
	g_ptr_array_add (export->header, g_strdup ("points"));
	return TRUE;
}

/* The member's primary card: the newest active one, else the newest lost one. */
static gboolean
hy_export_card (
	HyDb *db, const gchar *member_id, gchar **id_out, gchar **number_out, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT id, number FROM cards WHERE member_id = ? "
			       "AND status != 'retired' "
			       "ORDER BY status = 'active' DESC, issued_at DESC, id DESC "
			       "LIMIT 1",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (has_row) {
		*id_out = hy_stmt_dup_text (stmt, 0);
		*number_out = hy_stmt_dup_text (stmt, 1);
	}
	return TRUE;
}

/* The row's values: texts for every column but the last two, which are amounts. */
static GPtrArray *
hy_export_row (HyExport *export, HyMember *member, gint64 *balance, gint64 *points, GError **error)
{
	g_autoptr (GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) fields = hy_field_get_values (export->db, member->id, error);
	g_autofree gchar *card_id = NULL;
	g_autofree gchar *number = NULL;

	if (fields == NULL)
		return NULL;
	if (!hy_export_card (export->db, member->id, &card_id, &number, error))
		return NULL;
	*balance = *points = 0;
	if (card_id != NULL &&
	    (!hy_ledger_balance (export->db, card_id, HY_ACCOUNT_MONEY, "", balance, error) ||
	     !hy_ledger_balance (export->db, card_id, HY_ACCOUNT_POINTS, "", points, error)))
		return NULL;
	g_ptr_array_add (row, g_steal_pointer (&number));
	for (guint i = 1; i < export->n_fixed; i++) {
		const gchar *column = g_ptr_array_index (export->header, i);
		if (g_str_equal (column, "level"))
			g_ptr_array_add (row, g_strdup (member->level_name));
		else
			g_ptr_array_add (row, g_strdup (hy_member_get_field (member, column)));
	}
	for (guint i = 0; i < export->custom_keys->len; i++)
		g_ptr_array_add (row, g_strdup (g_hash_table_lookup (
					      fields, g_ptr_array_index (export->custom_keys, i))));
	return g_steal_pointer (&row);
}

typedef gboolean (*HyExportWriteRow) (gpointer sink,
				      guint index,
				      GPtrArray *texts,
				      gint64 balance,
				      gint64 points,
				      GError **error);

/* Streams the members, oldest first, into `write`. */
static gboolean
hy_export_each (
	HyExport *export, HyExportWriteRow write, gpointer sink, guint *count, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (export->db,
						 "SELECT " HY_MEMBER_COLUMNS " FROM " HY_MEMBER_FROM
						 " WHERE m.deleted = 0 ORDER BY m.id",
						 error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	while (TRUE) {
		g_autoptr (HyMember) member = NULL;
		g_autoptr (GPtrArray) row = NULL;
		gint64 balance = 0, points = 0;
		if (!hy_db_step_row (export->db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		member = hy_member_from_row (stmt);
		row = hy_export_row (export, member, &balance, &points, error);
		if (row == NULL || !write (sink, *count, row, balance, points, error))
			return FALSE;
		(*count)++;
	}
	return TRUE;
}

static gboolean
hy_export_csv_row (
	gpointer sink, guint index, GPtrArray *texts, gint64 balance, gint64 points, GError **error)
{
	GOutputStream *out = sink;
	g_autoptr (GString) line = g_string_new (NULL);
	for (guint i = 0; i < texts->len; i++)
		hy_csv_append_field (line, g_ptr_array_index (texts, i), i == 0);
	g_string_append_printf (line, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\r\n", balance,
				points);
	return g_output_stream_write_all (out, line->str, line->len, NULL, NULL, error);
}

static gboolean
hy_export_csv (HyExport *export, const gchar *path, guint *count, GError **error)
{
	g_autoptr (GFile) file = g_file_new_for_path (path);
	g_autoptr (GFileOutputStream) raw = NULL;
	g_autoptr (GOutputStream) out = NULL;
	g_autoptr (GCancellable) cancel = g_cancellable_new ();
	g_autoptr (GString) header = g_string_new ("\xef\xbb\xbf");

	/* written to a temporary file and renamed over `path` on a successful close */
	raw = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancel, error);
	if (raw == NULL)
		return FALSE;
	out = g_buffered_output_stream_new (G_OUTPUT_STREAM (raw));
	for (guint i = 0; i < export->header->len; i++)
		hy_csv_append_field (header, g_ptr_array_index (export->header, i), i == 0);
	g_string_append (header, "\r\n");
	if (!g_output_stream_write_all (out, header->str, header->len, NULL, NULL, error) ||
	    !hy_export_each (export, hy_export_csv_row, out, count, error)) {
		/* a cancelled close leaves the old file in place */
		g_cancellable_cancel (cancel);
		g_output_stream_close (out, cancel, NULL);
		return FALSE;
	}
	return g_output_stream_close (out, NULL, error);
}

typedef struct {
	lxw_worksheet *sheet;
	lxw_format *amount;
} HyExportSheet;

static gboolean
hy_export_xlsx_check (lxw_error rc, GError **error)
{
	if (rc == LXW_NO_ERROR)
		return TRUE;
	g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot write the spreadsheet: %s"),
		     lxw_strerror (rc));
	return FALSE;
}

static gboolean
hy_export_xlsx_row (
	gpointer sink, guint index, GPtrArray *texts, gint64 balance, gint64 points, GError **error)
{
	HyExportSheet *xs = sink;
	lxw_row_t row = index + 1;
	for (guint i = 0; i < texts->len; i++) {
		const gchar *text = g_ptr_array_index (texts, i);
		if (text != NULL && text[0] != '\0' &&
		    !hy_export_xlsx_check (
			    worksheet_write_string (xs->sheet, row, (lxw_col_t) i, text, NULL),
			    error))
			return FALSE;
	}
	/* a cell number is an IEEE double: whole fen and hundredths are exact below 2^53 */
	return hy_export_xlsx_check (worksheet_write_number (xs->sheet, row, (lxw_col_t) texts->len,
							     (double) balance, xs->amount),
				     error) &&
	       hy_export_xlsx_check (worksheet_write_number (xs->sheet, row,
							     (lxw_col_t) texts->len + 1,
							     (double) points, xs->amount),
				     error);
}

static gboolean
hy_export_xlsx (HyExport *export, const gchar *path, guint *count, GError **error)
{
	g_autofree gchar *dir = g_path_get_dirname (path);
	g_autofree gchar *tmp = NULL;
	lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *book;
	lxw_format *bold;
	HyExportSheet xs;
	gboolean ok;
	lxw_error rc;

	/* libxlsxwriter writes the file itself: write beside it, then rename */
	tmp = g_strdup_printf ("%s.%u.tmp", path, g_random_int ());
	book = workbook_new_opt (tmp, &options);
	if (book == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     _ ("cannot create a spreadsheet in %s"), dir);
		return FALSE;
	}
	xs.sheet = workbook_add_worksheet (book, "members");
	bold = workbook_add_format (book);
	format_set_bold (bold);
	xs.amount = workbook_add_format (book);
	format_set_num_format (xs.amount, "0");
	ok = TRUE;
	for (guint i = 0; ok && i < export->header->len; i++)
		ok = hy_export_xlsx_check (
			worksheet_write_string (xs.sheet, 0, (lxw_col_t) i,
						g_ptr_array_index (export->header, i), bold),
			error);
	ok = ok && hy_export_each (export, hy_export_xlsx_row, &xs, count, error);
	rc = workbook_close (book);
	if (ok)
		ok = hy_export_xlsx_check (rc, error);
	if (ok && g_rename (tmp, path) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot write %s: %s"), path,
			     g_strerror (errno));
		ok = FALSE;
	}
	if (!ok)
		g_unlink (tmp);
	return ok;
}

gboolean
hy_member_export (HyDb *db, const gchar *path, guint *count_out, GError **error)
{
	g_auto (HyExport) export = {NULL};
	g_autofree gchar *lower = g_ascii_strdown (path, -1);
	guint count = 0;
	gboolean ok;

	if (!g_str_has_suffix (lower, ".csv") && !g_str_has_suffix (lower, ".xlsx")) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: the file name must end in .csv or .xlsx"), path);
		return FALSE;
	}
	if (!hy_export_init (&export, db, error))
		return FALSE;
	if (g_str_has_suffix (lower, ".csv"))
		ok = hy_export_csv (&export, path, &count, error);
	else
		ok = hy_export_xlsx (&export, path, &count, error);
	if (!ok) {
		/* I/O errors come from GIO; callers map HY_ERROR codes */
		if (error != NULL && *error != NULL && (*error)->domain != HY_ERROR) {
			GError *wrapped = g_error_new (HY_ERROR, HY_ERROR_FAILED, "%s: %s", path,
						       (*error)->message);
			g_clear_error (error);
			g_propagate_error (error, wrapped);
		}
		return FALSE;
	}
	if (count_out != NULL)
		*count_out = count;
	return TRUE;
}
