#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-error.h"
#include "hy-item-lookup.h"
#include "hy-pinyin.h"

#define HY_ITEM_LOOKUP_DEFAULT_LIMIT 20

typedef struct {
	HyItem *item;
	gboolean exact;
} HyItemMatch;

static gint
hy_item_match_compare (gconstpointer a, gconstpointer b)
{
	const HyItemMatch *x = a;
	const HyItemMatch *y = b;
	if (x->exact != y->exact)
		return x->exact ? -1 : 1;
	return g_strcmp0 (x->item->code, y->item->code);
}

/* Lowercase letters and digits of `query`; NULL when anything else is in it. */
static gchar *
hy_item_lookup_key (const gchar *query)
{
	g_autoptr (GString) key = g_string_new (NULL);
	for (const gchar *p = query; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (!g_ascii_isalnum (*p))
			return NULL;
		g_string_append_c (key, g_ascii_tolower (*p));
	}
	return g_string_free (g_steal_pointer (&key), FALSE);
}

static gchar *
hy_item_lookup_flat (const gchar *full)
{
	g_auto (GStrv) words = g_strsplit (full, " ", -1);
	return g_strjoinv ("", words);
}

GPtrArray *
hy_item_lookup_pinyin (HyDb *db, const gchar *query, guint limit, GError **error)
{
	g_autofree gchar *key = query != NULL ? hy_item_lookup_key (query) : NULL;
	g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (HyItemMatch));
	g_autoptr (GPtrArray) items =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_item_free);
	g_autoptr (HyStmt) stmt = NULL;
	gboolean has_row = FALSE;

	if (key == NULL || key[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("item pinyin: “%s” is not pinyin or initials (letters only)"),
			     query != NULL ? query : "");
		return NULL;
	}
	stmt = hy_db_prepare (
		db, "SELECT id, code, name, barcode, price FROM items WHERE active = 1", error);
	if (stmt == NULL)
		return NULL;
	for (;;) {
		g_autofree gchar *full = NULL;
		g_autofree gchar *initials = NULL;
		g_autofree gchar *flat = NULL;
		HyItemMatch match = {0};
		if (!hy_db_step_row (db, stmt, &has_row, error)) {
			for (guint i = 0; i < matches->len; i++)
				hy_item_free (g_array_index (matches, HyItemMatch, i).item);
			return NULL;
		}
		if (!has_row)
			break;
		hy_pinyin_compute_text (hy_stmt_text (stmt, 2), &full, &initials);
		flat = hy_item_lookup_flat (full);
		if (!g_str_has_prefix (initials, key) && !g_str_has_prefix (flat, key))
			continue;
		match.exact = g_str_equal (initials, key);
		match.item = g_new0 (HyItem, 1);
		match.item->id = hy_stmt_dup_text (stmt, 0);
		match.item->code = hy_stmt_dup_text (stmt, 1);
		match.item->name = hy_stmt_dup_text (stmt, 2);
		match.item->barcode = hy_stmt_dup_text (stmt, 3);
		match.item->price = sqlite3_column_int64 (stmt, 4);
		g_array_append_val (matches, match);
	}
	g_array_sort (matches, hy_item_match_compare);
	if (limit == 0)
		limit = HY_ITEM_LOOKUP_DEFAULT_LIMIT;
	for (guint i = 0; i < matches->len; i++) {
		HyItem *item = g_array_index (matches, HyItemMatch, i).item;
		if (items->len < limit)
			g_ptr_array_add (items, item);
		else
			hy_item_free (item);
	}
	return g_steal_pointer (&items);
}
