/* huiyuan-admin rules import/export and price: the points and discount rules, and a dry
 * run of the pricing engine for one member's basket. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-error.h"
#include "hy-money.h"
#include "hy-pricing.h"
#include "hy-rules-store.h"
#include "hy-store.h"

/* ---- rules import ------------------------------------------------------------------- */

static gint
hy_admin_cmd_rules_import (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autofree gchar *text = NULL;
	gsize length = 0;
	gint64 version = 0;
	const gchar *file;

	if (!hy_admin_parse (
		    &options, argc, argv, N_ ("FILE.json"),
		    N_ ("Puts a rules document from HQ in force, all of it or nothing."),
		    N_ ("The document lists levels, items, categories, brands and per-store "
			"rules (switches, birthday, prices, periods, order-total bands). "
			"Levels and items it names are added or updated, others are left "
			"alone; the rest becomes the newest rules version. An error names the "
			"JSON path of the bad value, and nothing changes. Needs the "
			"rules.manage permission."),
		    NULL, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 1, 1,
		    &error))
		return hy_admin_fail (error);
	file = options.args[0];
	if (!g_file_get_contents (file, &text, &length, &error))
		return hy_admin_fail (error);

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_rules_import (db, actor, text, (gssize) length, &version, &error)) {
		/* a bad document: the message names the JSON path, the file goes in front */
		if (g_error_matches (error, HY_ERROR, HY_ERROR_INVALID_INPUT))
			g_prefix_error (&error, "%s: ", file);
		return hy_admin_fail (error);
	}

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_int_member (object, "version", version);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Rules version %" PRId64 " is in force.\n"), version);
	}
	return HY_ADMIN_EXIT_OK;
}

/* ---- rules export ------------------------------------------------------------------- */

static gint
hy_admin_cmd_rules_export (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autofree gchar *text = NULL;
	g_autoptr (GString) document = NULL;
	const gchar *file;

	if (!hy_admin_parse (&options, argc, argv, N_ ("[FILE.json]"),
			     N_ ("Writes the rules in force as a canonical rules document."),
			     N_ ("Without FILE, or with “-”, the document goes to standard output. "
				 "A file is replaced only when the export succeeds. Importing the "
				 "document again changes nothing."),
			     NULL, HY_ADMIN_OPT_DB, 0, 1, &error))
		return hy_admin_fail (error);
	file = options.args[0];

	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	text = hy_rules_export (db, &error);
	if (text == NULL)
		return hy_admin_fail (error);
	document = g_string_new (text);
	if (document->len == 0 || document->str[document->len - 1] != '\n')
		g_string_append_c (document, '\n');

	if (file == NULL || g_strcmp0 (file, "-") == 0) {
		/* byte for byte: no charset conversion on the way out */
		if (fwrite (document->str, 1, document->len, stdout) != document->len ||
		    fflush (stdout) != 0) {
			hy_admin_set_usage_error (&error,
						  _ ("cannot write the rules to standard output"));
			return hy_admin_fail (error);
		}
		return HY_ADMIN_EXIT_OK;
	}
	if (!g_file_set_contents (file, document->str, (gssize) document->len, &error))
		return hy_admin_fail (error);
	g_print (_ ("Wrote the rules in force to %s.\n"), file);
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_rules_commands[] = {
	{"import", N_ ("Put a rules document in force"), hy_admin_cmd_rules_import, NULL},
	{"export", N_ ("Write the rules in force as a document"), hy_admin_cmd_rules_export, NULL},
	{NULL}};

/* ---- price ------------------------------------------------------------------------- */

/* "CODE" or "CODE:QTY" with QTY a whole number of at least 1. */
static gboolean
hy_admin_parse_item (const gchar *text, HyBasketLine *line, GError **error)
{
	const gchar *colon = strrchr (text, ':');
	guint64 qty = 1;

	if (colon != NULL &&
	    !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXINT64, &qty, NULL)) {
		hy_admin_set_usage_error (
			error, _ ("--item: “%s”: the quantity is not a whole number of at least 1"),
			text);
		return FALSE;
	}
	if (colon == text || text[0] == '\0') {
		hy_admin_set_usage_error (error, _ ("--item: “%s” names no item code"), text);
		return FALSE;
	}
	line->item = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
	line->qty = (gint64) qty;
	line->amount = 0;
	return TRUE;
}

static void
hy_admin_basket_line_clear (HyBasketLine *line)
{
	g_free ((gchar *) line->item);
}

/* A coefficient in basis points as a percentage: 9000 → "90%", 8550 → "85.5%". */
static gchar *
hy_admin_format_percent (gint bp)
{
	g_autofree gchar *text = hy_admin_format_hundredths (bp);
	gsize len = strlen (text);
	while (len > 0 && text[len - 1] == '0')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '.')
		text[--len] = '\0';
	return g_strdup_printf ("%s%%", text);
}

/* A points coefficient as a multiplier: 15000 → "×1.5", 10000 → "×1". */
static gchar *
hy_admin_format_multiplier (gint bp)
{
	g_autofree gchar *whole = g_strdup_printf ("%d.%04d", bp / 10000, bp % 10000);
	gsize len = strlen (whole);
	while (len > 0 && whole[len - 1] == '0')
		whole[--len] = '\0';
	if (len > 0 && whole[len - 1] == '.')
		whole[--len] = '\0';
	return g_strdup_printf ("×%s", whole);
}

static const gchar *
hy_admin_source_label (const gchar *source)
{
	static const struct {
		const gchar *source;
		const gchar *label;
	} labels[] = {
		{"level", N_ ("level")},       {"item", N_ ("item")},
		{"category", N_ ("category")}, {"brand", N_ ("brand")},
		{"store", N_ ("store")},       {"birthday", N_ ("birthday")},
		{"period", N_ ("period")},     {"order", N_ ("order total")},
	};
	for (guint i = 0; i < G_N_ELEMENTS (labels); i++) {
		if (g_strcmp0 (labels[i].source, source) == 0)
			return _ (labels[i].label);
	}
	return source;
}

/* Why a line costs what it does: its price source when not HQ's, then every factor that
 * is not 100%. On a member or special price the discount factors do not apply
 * (hy-pricing.h), so only their points part is shown. */
static gchar *
hy_admin_line_why (const HyPricedLine *line)
{
	g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
	gboolean fixed_price = g_strcmp0 (line->price_source, "member") == 0 ||
			       g_strcmp0 (line->price_source, "special") == 0;

	if (g_strcmp0 (line->price_source, "member") == 0)
		g_ptr_array_add (parts, g_strdup (_ ("member price")));
	else if (g_strcmp0 (line->price_source, "special") == 0)
		g_ptr_array_add (parts, g_strdup (_ ("special price")));
	else if (g_strcmp0 (line->price_source, "store") == 0)
		g_ptr_array_add (parts, g_strdup (_ ("store price")));

	for (guint k = 0; k < HY_FACTOR_N; k++) {
		const HyFactorUse *f = &line->factors[k];
		gboolean discount = !fixed_price && f->factor.discount_bp != HY_BP_ONE;
		gboolean points = f->factor.points_bp != HY_BP_ONE;
		GString *part;
		if (!discount && !points)
			continue;
		part = g_string_new (hy_admin_source_label (f->source));
		if (f->name != NULL && g_strcmp0 (f->source, "store") != 0)
			g_string_append_printf (part, " %s", f->name);
		if (discount) {
			g_autofree gchar *percent = hy_admin_format_percent (f->factor.discount_bp);
			g_string_append_printf (part, " %s", percent);
		}
		if (points) {
			g_autofree gchar *times = hy_admin_format_multiplier (f->factor.points_bp);
			g_string_append_printf (part, " %s", times);
		}
		g_ptr_array_add (parts, g_string_free (part, FALSE));
	}
	g_ptr_array_add (parts, NULL);
	return g_strjoinv (", ", (gchar **) parts->pdata);
}

enum {
	HY_ADMIN_COL_ITEM,
	HY_ADMIN_COL_QTY,
	HY_ADMIN_COL_UNIT,
	HY_ADMIN_COL_AMOUNT,
	HY_ADMIN_COL_POINTS,
	HY_ADMIN_COL_DISCOUNT,
	HY_ADMIN_COL_WHY,
	HY_ADMIN_N_COLS
};

static void
hy_admin_print_basket_text (const HyPricedBasket *basket)
{
	const gchar *headers[HY_ADMIN_N_COLS] = {
		_ ("Item"),   _ ("Qty"),      _ ("Unit price ¥"), _ ("Amount ¥"),
		_ ("Points"), _ ("Discount"), _ ("Why"),
	};
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	g_autoptr (GString) out = g_string_new (NULL);
	const HyAdminAlign align[HY_ADMIN_N_COLS] = {HY_ADMIN_ALIGN_LEFT,  HY_ADMIN_ALIGN_RIGHT,
						     HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
						     HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
						     HY_ADMIN_ALIGN_FREE};
	g_autofree gchar *subtotal = hy_admin_format_hundredths (basket->subtotal);
	g_autofree gchar *discount = hy_admin_format_hundredths (basket->discount);
	g_autofree gchar *total = hy_admin_format_hundredths (basket->total);
	g_autofree gchar *points = hy_admin_format_hundredths (basket->points);

	for (guint i = 0; i < basket->lines->len; i++) {
		const HyPricedLine *line = g_ptr_array_index (basket->lines, i);
		gchar **row = g_new0 (gchar *, HY_ADMIN_N_COLS + 1);
		row[HY_ADMIN_COL_ITEM] =
			g_strdup (line->item != NULL ? line->item : _ ("(by amount)"));
		row[HY_ADMIN_COL_QTY] = g_strdup_printf ("%" PRId64, line->qty);
		row[HY_ADMIN_COL_UNIT] = hy_admin_format_hundredths (line->unit_price);
		row[HY_ADMIN_COL_AMOUNT] = hy_admin_format_hundredths (line->amount);
		row[HY_ADMIN_COL_POINTS] = hy_admin_format_hundredths (line->points);
		row[HY_ADMIN_COL_DISCOUNT] = hy_admin_format_percent (line->discount_bp);
		row[HY_ADMIN_COL_WHY] = hy_admin_line_why (line);
		g_ptr_array_add (rows, row);
	}
	hy_admin_append_table (out, headers, align, HY_ADMIN_N_COLS, rows);
	g_string_append_c (out, '\n');
	g_string_append_printf (out, _ ("Subtotal: ¥%s\n"), subtotal);
	g_string_append_printf (out, _ ("Discount: ¥%s\n"), discount);
	g_string_append_printf (out, _ ("Total:    ¥%s\n"), total);
	g_string_append_printf (out, _ ("Points:   %s\n"), points);
	g_print ("%s", out->str);
}

gint
hy_admin_cmd_price (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card_number = NULL;
	g_autofree gchar *phone = NULL;
	g_auto (GStrv) items = NULL;
	g_autofree gchar *amount_text = NULL;
	g_autofree gchar *store_code = NULL;
	g_autofree gchar *at_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = NULL;
	g_autoptr (GTimeZone) local = NULL;
	g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (HyBasketLine));
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (HyMember) member = NULL;
	g_autoptr (HyPricedBasket) basket = NULL;
	HyPricingMember pricing_member = {0};
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card_number, N_ ("The member’s card number"),
		 N_ ("NO")},
		{"phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_ ("The member’s bound phone"),
		 N_ ("PHONE")},
		{"item", 0, 0, G_OPTION_ARG_STRING_ARRAY, &items,
		 N_ ("An item and its quantity (default 1); may be repeated"), N_ ("CODE[:QTY]")},
		{"amount", 0, 0, G_OPTION_ARG_STRING, &amount_text,
		 N_ ("A quick sale by amount, in fen"), N_ ("FEN")},
		{"store", 0, 0, G_OPTION_ARG_STRING, &store_code,
		 N_ ("Price with this store’s rules (default: this database’s store)"),
		 N_ ("CODE")},
		{"at", 0, 0, G_OPTION_ARG_STRING, &at_text,
		 N_ ("The time of the sale, ISO 8601, e.g. 2026-11-21T12:00:00+08:00; "
		     "without an offset, local time (required)"),
		 N_ ("TIME")},
		{NULL}};

	g_array_set_clear_func (lines, (GDestroyNotify) hy_admin_basket_line_clear);
	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Prices a basket for a member with the rules in force, as a dry run."),
		    N_ ("Nothing is written. Name the member with exactly one of --card or "
			"--phone and give at least one --item or --amount. Each line shows "
			"its unit price, amount, points and combined discount rate, and why: "
			"every factor that changes the price or the points. With --json: "
			"money in fen, points in hundredths, coefficients in basis points "
			"(10000 is one hundred percent)."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if ((card_number != NULL) + (phone != NULL) != 1) {
		hy_admin_set_usage_error (&error, _ ("price: give exactly one of --card, --phone"));
		return hy_admin_fail (error);
	}
	if (at_text == NULL) {
		hy_admin_set_usage_error (&error, _ ("price: --at TIME is required"));
		return hy_admin_fail (error);
	}
	local = g_time_zone_new_local ();
	at = g_date_time_new_from_iso8601 (at_text, local);
	if (at == NULL) {
		hy_admin_set_usage_error (
			&error,
			_ ("--at: “%s” is not an ISO 8601 time (2026-11-21T12:00:00+08:00)"),
			at_text);
		return hy_admin_fail (error);
	}
	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		HyBasketLine line = {0};
		if (!hy_admin_parse_item (items[i], &line, &error))
			return hy_admin_fail (error);
		g_array_append_val (lines, line);
	}
	if (amount_text != NULL) {
		HyBasketLine line = {NULL, 1, 0};
		if (!hy_admin_parse_int64 ("--amount", amount_text, &line.amount, &error))
			return hy_admin_fail (error);
		g_array_append_val (lines, line);
	}
	if (lines->len == 0) {
		hy_admin_set_usage_error (&error,
					  _ ("price: give at least one --item or --amount"));
		return hy_admin_fail (error);
	}

	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	rules = hy_rules_load (db, &error);
	if (rules == NULL)
		return hy_admin_fail (error);
	card = hy_card_lookup (db, card_number != NULL ? card_number : phone, &error);
	if (card == NULL)
		return hy_admin_fail (error);
	member = hy_member_get (db, card->member_id, &error);
	if (member == NULL)
		return hy_admin_fail (error);
	if (store_code == NULL) {
		g_autoptr (HyStore) store = hy_store_get_local (db, &error);
		if (store == NULL)
			return hy_admin_fail (error);
		store_code = g_strdup (store->code);
	}
	pricing_member.level = member->level_name;
	pricing_member.birthday = member->birthday;
	basket = hy_pricing_price (rules, store_code, &pricing_member, at,
				   (const HyBasketLine *) (gpointer) lines->data, lines->len,
				   &error);
	if (basket == NULL)
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonNode) node = hy_priced_basket_to_json (basket);
		hy_admin_print_json (node);
	} else {
		hy_admin_print_basket_text (basket);
	}
	return HY_ADMIN_EXIT_OK;
}
