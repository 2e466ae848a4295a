/* huiyuan-admin refund: return a whole sale, or some of its lines, exactly reversing
 * what the sale did. The core works out the amounts, the points and where the money goes
 * (hy-refund.h); this file parses, calls it and prints. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-refund.h"

/* ---- parsing ------------------------------------------------------------------------ */

/* "N" (all that is left of line N) or "N:QTY", both whole numbers of at least 1. */
static gboolean
hy_admin_refund_parse_line (const gchar *text, HyRefundLine *out, GError **error)
{
	const gchar *colon = strchr (text, ':');
	g_autofree gchar *number = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
	guint64 line = 0;
	guint64 qty = 0;

	if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT, &line, NULL)) {
		hy_admin_set_usage_error (
			error, _ ("--line: “%s”: the line is not a whole number of at least 1"),
			text);
		return FALSE;
	}
	if (colon != NULL &&
	    !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXINT64, &qty, NULL)) {
		hy_admin_set_usage_error (
			error, _ ("--line: “%s”: the quantity is not a whole number of at least 1"),
			text);
		return FALSE;
	}
	out->line = (guint) line;
	out->qty = (gint64) qty; /* 0: all that is left of the line */
	return TRUE;
}

/* ---- printing ----------------------------------------------------------------------- */

static gint64
hy_admin_refund_int (JsonObject *object, const gchar *name)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
	if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
		return 0;
	return json_node_get_int (node);
}

enum {
	HY_ADMIN_REFUND_LINE,
	HY_ADMIN_REFUND_QTY,
	HY_ADMIN_REFUND_AMOUNT,
	HY_ADMIN_REFUND_POINTS,
	HY_ADMIN_REFUND_N_COLS
};

/* The refunded lines as a table, numbers right-aligned. */
static void
hy_admin_refund_lines (GString *out, JsonArray *lines)
{
	const gchar *headers[HY_ADMIN_REFUND_N_COLS] = {_ ("Line"), _ ("Qty"), _ ("Amount ¥"),
							_ ("Points")};
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	const HyAdminAlign align[HY_ADMIN_REFUND_N_COLS] = {
		HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
		HY_ADMIN_ALIGN_RIGHT};
	guint n = lines != NULL ? json_array_get_length (lines) : 0;

	for (guint i = 0; i < n; i++) {
		JsonObject *line = json_array_get_object_element (lines, i);
		gchar **row = g_new0 (gchar *, HY_ADMIN_REFUND_N_COLS + 1);
		row[HY_ADMIN_REFUND_LINE] =
			g_strdup_printf ("%" PRId64, hy_admin_refund_int (line, "line"));
		row[HY_ADMIN_REFUND_QTY] =
			g_strdup_printf ("%" PRId64, hy_admin_refund_int (line, "qty"));
		row[HY_ADMIN_REFUND_AMOUNT] =
			hy_admin_format_hundredths (hy_admin_refund_int (line, "amount"));
		row[HY_ADMIN_REFUND_POINTS] =
			hy_admin_format_hundredths (hy_admin_refund_int (line, "points"));
		g_ptr_array_add (rows, row);
	}
	hy_admin_append_table (out, headers, align, HY_ADMIN_REFUND_N_COLS, rows);
}

#define HY_ADMIN_REFUND_LABEL_WIDTH 18

static void
hy_admin_refund_label (GString *out, const gchar *label)
{
	hy_admin_append_padded (out, label, HY_ADMIN_REFUND_LABEL_WIDTH);
	g_string_append_c (out, ' ');
}

/* "Label:     ¥12.34", or without the currency sign for points. */
static void
hy_admin_refund_amount (GString *out, const gchar *label, gboolean money, gint64 value)
{
	g_autofree gchar *text = hy_admin_format_hundredths (value);
	hy_admin_refund_label (out, label);
	g_string_append_printf (out, "%s%s\n", money ? "¥" : "", text);
}

static void
hy_admin_print_refund_text (const gchar *refund_id, JsonNode *node)
{
	JsonObject *result =
		node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
	g_autoptr (GString) out = g_string_new (NULL);
	JsonNode *lines_node = result != NULL ? json_object_get_member (result, "lines") : NULL;
	JsonNode *sale_node = result != NULL ? json_object_get_member (result, "sale") : NULL;

	hy_admin_refund_label (out, _ ("Refund:"));
	g_string_append_printf (out, "%s\n", refund_id);
	if (sale_node != NULL && JSON_NODE_HOLDS_VALUE (sale_node) &&
	    json_node_get_value_type (sale_node) == G_TYPE_STRING) {
		hy_admin_refund_label (out, _ ("Sale:"));
		g_string_append_printf (out, "%s\n", json_node_get_string (sale_node));
	}
	g_string_append_c (out, '\n');
	hy_admin_refund_lines (out, lines_node != NULL && JSON_NODE_HOLDS_ARRAY (lines_node)
					    ? json_node_get_array (lines_node)
					    : NULL);
	g_string_append_c (out, '\n');
	hy_admin_refund_amount (out, _ ("Returned:"), TRUE, hy_admin_refund_int (result, "amount"));
	hy_admin_refund_amount (out, _ ("To stored value:"), TRUE,
				hy_admin_refund_int (result, "to_balance"));
	if (hy_admin_refund_int (result, "to_points") > 0)
		hy_admin_refund_amount (out, _ ("As points:"), TRUE,
					hy_admin_refund_int (result, "to_points"));
	hy_admin_refund_amount (out, _ ("In cash:"), TRUE, hy_admin_refund_int (result, "to_cash"));
	hy_admin_refund_amount (out, _ ("Points taken back:"), FALSE,
				hy_admin_refund_int (result, "points"));
	g_print ("%s", out->str);
}

/* ---- refund ------------------------------------------------------------------------- */

gint
hy_admin_cmd_refund (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *sale_id = NULL;
	g_auto (GStrv) line_texts = NULL;
	g_autofree gchar *reason = NULL;
	g_autofree gchar *refund_id = NULL;
	g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (HyRefundLine));
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (JsonNode) result = NULL;
	const GOptionEntry entries[] = {
		{"sale", 0, 0, G_OPTION_ARG_STRING, &sale_id, N_ ("The sale’s id (required)"),
		 N_ ("ID")},
		{"line", 0, 0, G_OPTION_ARG_STRING_ARRAY, &line_texts,
		 N_ ("A line of the sale (1 is the first) and how many of it to return "
		     "(default: all that is left of it); may be repeated"),
		 N_ ("N[:QTY]")},
		{"reason", 0, 0, G_OPTION_ARG_STRING, &reason,
		 N_ ("Why the goods come back, kept with the refund"), N_ ("TEXT")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Refunds a sale, whole or some of its lines, reversing what it did."),
		    N_ ("Without --line, all that is left of the sale is refunded. Amounts and "
			"points are returned pro rata, rounded half-up; the refund that "
			"returns the last of a sale returns exactly what is left of it. The "
			"money goes back to stored value first, up to what the sale paid from "
			"it, and the rest in cash; the points the sale earned are taken back. "
			"A quantity already returned cannot be returned again, and a refund "
			"that would take back points the member has since spent is refused. "
			"With --json: money in fen, points in hundredths. Needs sale.refund."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
		    &error))
		return hy_admin_fail (error);
	if (sale_id == NULL || sale_id[0] == '\0') {
		hy_admin_set_usage_error (&error, _ ("refund: --sale ID is required"));
		return hy_admin_fail (error);
	}
	for (guint i = 0; line_texts != NULL && line_texts[i] != NULL; i++) {
		HyRefundLine line = {0};
		if (!hy_admin_refund_parse_line (line_texts[i], &line, &error))
			return hy_admin_fail (error);
		g_array_append_val (lines, line);
	}

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!HY_SYNC_COVERED (db, &error,
			      hy_refund_sale (db, actor, sale_id,
					      (const HyRefundLine *) (gpointer) lines->data,
					      lines->len, reason, &refund_id, &result, &error)))
		return hy_admin_fail (error);

	if (options.json)
		hy_admin_print_json (result);
	else
		hy_admin_print_refund_text (refund_id, result);
	return HY_ADMIN_EXIT_OK;
}
