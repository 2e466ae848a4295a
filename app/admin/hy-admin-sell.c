/* huiyuan-admin sell and receipt: ring up a sale priced by the rules in force and paid
 * with one or more tenders, and reprint its receipt. The core does the pricing, the
 * checks and the writing (hy-checkout.h); this file parses, calls it and prints. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-card.h"
#include "hy-checkout.h"

/* ---- parsing ------------------------------------------------------------------------ */

typedef struct {
	GArray *lines;	  /* HyBasketLine, items owned */
	GArray *tenders;  /* HyTender, references owned */
	GPtrArray *owned; /* the strings the two arrays point into */
} HyAdminSale;

static void
hy_admin_sale_clear (HyAdminSale *sale)
{
	g_clear_pointer (&sale->lines, g_array_unref);
	g_clear_pointer (&sale->tenders, g_array_unref);
	g_clear_pointer (&sale->owned, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyAdminSale, hy_admin_sale_clear)

/* "CODE" or "CODE:QTY" with QTY a whole number of at least 1. */
static gboolean
hy_admin_sell_parse_item (HyAdminSale *sale, const gchar *text, GError **error)
{
	const gchar *colon = strrchr (text, ':');
	guint64 qty = 1;
	HyBasketLine line = {0};
	gchar *code;

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
	code = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
	g_ptr_array_add (sale->owned, code);
	line.item = code;
	line.qty = (gint64) qty;
	g_array_append_val (sale->lines, line);
	return TRUE;
}

/* "METHOD:FEN" or "METHOD:FEN:REFERENCE"; the reference may itself hold colons. */
static gboolean
hy_admin_sell_parse_pay (HyAdminSale *sale, const gchar *text, GError **error)
{
	g_auto (GStrv) parts = g_strsplit (text, ":", 3);
	HyTender tender = {0};
	guint64 amount = 0;

	if (g_strv_length (parts) < 2) {
		hy_admin_set_usage_error (error, _ ("--pay: “%s” is not METHOD:FEN[:REFERENCE]"),
					  text);
		return FALSE;
	}
	if (!hy_tender_method_from_string (parts[0], &tender.method)) {
		hy_admin_set_usage_error (error,
					  _ ("--pay: “%s”: unknown method “%s” (cash, bank_card, "
					     "cheque, balance, voucher, coupon, points)"),
					  text, parts[0]);
		return FALSE;
	}
	if (!g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXINT64, &amount, NULL)) {
		hy_admin_set_usage_error (
			error,
			_ ("--pay: “%s”: the amount is not a whole number of fen of at least 1"),
			text);
		return FALSE;
	}
	tender.amount = (gint64) amount;
	if (parts[2] != NULL) {
		if (parts[2][0] == '\0') {
			hy_admin_set_usage_error (error, _ ("--pay: “%s”: the reference is empty"),
						  text);
			return FALSE;
		}
		tender.reference = parts[2];
		g_ptr_array_add (sale->owned, g_steal_pointer (&parts[2]));
	}
	g_array_append_val (sale->tenders, tender);
	return TRUE;
}

static gboolean
hy_admin_sell_parse_round (const gchar *text, HyRounding *out, GError **error)
{
	if (text == NULL)
		*out = HY_ROUNDING_NONE;
	else if (g_strcmp0 (text, "jiao") == 0)
		*out = HY_ROUNDING_JIAO;
	else if (g_strcmp0 (text, "yuan") == 0)
		*out = HY_ROUNDING_YUAN;
	else {
		hy_admin_set_usage_error (error, _ ("--round: “%s” is neither jiao nor yuan"),
					  text);
		return FALSE;
	}
	return TRUE;
}

/* The spending PIN for a stored-value tender: --pin, else HUIYUAN_CARD_PIN, else asked
 * on the terminal when the card has one. NULL (no error) when none is needed. */
static gboolean
hy_admin_sell_pin (HyDb *db, const gchar *card_query, gchar **pin, GError **error)
{
	g_autoptr (HyCard) card = NULL;

	if (*pin != NULL)
		return TRUE;
	if (g_getenv ("HUIYUAN_CARD_PIN") != NULL) {
		*pin = g_strdup (g_getenv ("HUIYUAN_CARD_PIN"));
		return TRUE;
	}
	if (card_query == NULL)
		return TRUE; /* not a member: the core refuses the tender */
	card = hy_card_lookup (db, card_query, error);
	if (card == NULL)
		return FALSE;
	if (!card->has_pin)
		return TRUE;
	*pin = hy_admin_read_secret ("HUIYUAN_CARD_PIN", _ ("Card PIN: "), FALSE, error);
	return *pin != NULL;
}

/* ---- printing ----------------------------------------------------------------------- */

static gint64
hy_admin_receipt_int (JsonObject *object, const gchar *name)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
	if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
		return 0;
	return json_node_get_int (node);
}

/* A member as text: a string as it is, a number as a time, an object by its name or
 * number; NULL for null or missing. */
static gchar *
hy_admin_receipt_text (JsonObject *object, const gchar *name)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

	if (node == NULL || JSON_NODE_HOLDS_NULL (node))
		return NULL;
	if (JSON_NODE_HOLDS_OBJECT (node)) {
		JsonObject *inner = json_node_get_object (node);
		for (const gchar *const *key =
			     (const gchar *const[]){"name", "number", "code", "id", NULL};
		     *key != NULL; key++) {
			if (json_object_has_member (inner, *key) &&
			    JSON_NODE_HOLDS_VALUE (json_object_get_member (inner, *key)))
				return hy_admin_receipt_text (inner, *key);
		}
		return NULL;
	}
	if (!JSON_NODE_HOLDS_VALUE (node))
		return NULL;
	if (json_node_get_value_type (node) == G_TYPE_STRING)
		return g_strdup (json_node_get_string (node));
	if (json_node_get_value_type (node) == G_TYPE_INT64) {
		/* milliseconds since the epoch, shown in local time */
		g_autoptr (GDateTime) at =
			g_date_time_new_from_unix_local (json_node_get_int (node) / 1000);
		return at != NULL ? g_date_time_format (at, "%Y-%m-%d %H:%M:%S") : NULL;
	}
	return NULL;
}

/* "Label:     value" with the values of a block aligned; nothing for an empty value. */
#define HY_ADMIN_RECEIPT_LABEL_WIDTH 12

static void
hy_admin_receipt_label (GString *out, const gchar *label)
{
	hy_admin_append_padded (out, label, HY_ADMIN_RECEIPT_LABEL_WIDTH);
	g_string_append_c (out, ' ');
}

static void
hy_admin_receipt_field (GString *out, const gchar *label, gchar *value)
{
	g_autofree gchar *owned = value;
	if (owned == NULL || owned[0] == '\0')
		return;
	hy_admin_receipt_label (out, label);
	g_string_append_printf (out, "%s\n", owned);
}

/* "Label:     ¥12.34", or without the currency sign for points. */
static void
hy_admin_receipt_amount (GString *out, const gchar *label, gboolean money, gint64 value)
{
	g_autofree gchar *text = hy_admin_format_hundredths (value);
	hy_admin_receipt_label (out, label);
	g_string_append_printf (out, "%s%s\n", money ? "¥" : "", text);
}

enum {
	HY_ADMIN_RECEIPT_ITEM,
	HY_ADMIN_RECEIPT_QTY,
	HY_ADMIN_RECEIPT_AMOUNT,
	HY_ADMIN_RECEIPT_POINTS,
	HY_ADMIN_RECEIPT_N_COLS
};

static void
hy_admin_receipt_lines (GString *out, JsonArray *lines)
{
	const gchar *headers[HY_ADMIN_RECEIPT_N_COLS] = {_ ("Item"), _ ("Qty"), _ ("Amount ¥"),
							 _ ("Points")};
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	const HyAdminAlign align[HY_ADMIN_RECEIPT_N_COLS] = {
		HY_ADMIN_ALIGN_LEFT, HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
		HY_ADMIN_ALIGN_RIGHT};
	guint n = lines != NULL ? json_array_get_length (lines) : 0;

	for (guint i = 0; i < n; i++) {
		JsonObject *line = json_array_get_object_element (lines, i);
		gchar **row = g_new0 (gchar *, HY_ADMIN_RECEIPT_N_COLS + 1);
		gchar *item = hy_admin_receipt_text (line, "item");
		row[HY_ADMIN_RECEIPT_ITEM] = item != NULL ? item : g_strdup (_ ("(by amount)"));
		row[HY_ADMIN_RECEIPT_QTY] =
			g_strdup_printf ("%" PRId64, hy_admin_receipt_int (line, "qty"));
		row[HY_ADMIN_RECEIPT_AMOUNT] =
			hy_admin_format_hundredths (hy_admin_receipt_int (line, "amount"));
		row[HY_ADMIN_RECEIPT_POINTS] =
			hy_admin_format_hundredths (hy_admin_receipt_int (line, "points"));
		g_ptr_array_add (rows, row);
	}
	hy_admin_append_table (out, headers, align, HY_ADMIN_RECEIPT_N_COLS, rows);
}

static void
hy_admin_print_receipt_text (JsonNode *node)
{
	JsonObject *receipt = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
	g_autoptr (GString) out = g_string_new (NULL);
	JsonArray *lines = NULL;
	JsonArray *payments = NULL;
	JsonNode *balances_node;

	if (receipt == NULL)
		return;
	if (json_object_has_member (receipt, "lines") &&
	    JSON_NODE_HOLDS_ARRAY (json_object_get_member (receipt, "lines")))
		lines = json_object_get_array_member (receipt, "lines");
	if (json_object_has_member (receipt, "payments") &&
	    JSON_NODE_HOLDS_ARRAY (json_object_get_member (receipt, "payments")))
		payments = json_object_get_array_member (receipt, "payments");

	hy_admin_receipt_field (out, _ ("Sale:"), hy_admin_receipt_text (receipt, "sale"));
	hy_admin_receipt_field (out, _ ("Time:"), hy_admin_receipt_text (receipt, "at"));
	hy_admin_receipt_field (out, _ ("Store:"), hy_admin_receipt_text (receipt, "store"));
	hy_admin_receipt_field (out, _ ("Slip:"), hy_admin_receipt_text (receipt, "slip_no"));
	hy_admin_receipt_field (out, _ ("Salesperson:"),
				hy_admin_receipt_text (receipt, "salesperson"));
	hy_admin_receipt_field (out, _ ("Card:"), hy_admin_receipt_text (receipt, "card"));
	hy_admin_receipt_field (out, _ ("Member:"), hy_admin_receipt_text (receipt, "member"));
	hy_admin_receipt_field (out, _ ("Note:"), hy_admin_receipt_text (receipt, "note"));
	g_string_append_c (out, '\n');
	hy_admin_receipt_lines (out, lines);
	g_string_append_c (out, '\n');

	hy_admin_receipt_amount (out, _ ("Subtotal:"), TRUE,
				 hy_admin_receipt_int (receipt, "subtotal"));
	hy_admin_receipt_amount (out, _ ("Discount:"), TRUE,
				 hy_admin_receipt_int (receipt, "discount"));
	hy_admin_receipt_amount (out, _ ("Rounding:"), TRUE,
				 hy_admin_receipt_int (receipt, "rounding"));
	hy_admin_receipt_amount (out, _ ("Total:"), TRUE, hy_admin_receipt_int (receipt, "total"));
	hy_admin_receipt_amount (out, _ ("Points:"), FALSE,
				 hy_admin_receipt_int (receipt, "points"));
	for (guint i = 0; payments != NULL && i < json_array_get_length (payments); i++) {
		JsonObject *payment = json_array_get_object_element (payments, i);
		g_autofree gchar *method = hy_admin_receipt_text (payment, "method");
		g_autofree gchar *reference = hy_admin_receipt_text (payment, "reference");
		g_autofree gchar *amount =
			hy_admin_format_hundredths (hy_admin_receipt_int (payment, "amount"));
		hy_admin_receipt_label (out, _ ("Paid:"));
		g_string_append_printf (out, "¥%s %s", amount, method != NULL ? method : "");
		if (reference != NULL)
			g_string_append_printf (out, " (%s)", reference);
		g_string_append_c (out, '\n');
	}
	hy_admin_receipt_amount (out, _ ("Change:"), TRUE,
				 hy_admin_receipt_int (receipt, "change"));

	balances_node = json_object_get_member (receipt, "balances");
	if (balances_node != NULL && JSON_NODE_HOLDS_OBJECT (balances_node)) {
		JsonObject *balances = json_node_get_object (balances_node);
		g_autofree gchar *money =
			hy_admin_format_hundredths (hy_admin_receipt_int (balances, "money"));
		g_autofree gchar *points =
			hy_admin_format_hundredths (hy_admin_receipt_int (balances, "points"));
		hy_admin_receipt_label (out, _ ("Balance:"));
		g_string_append_printf (out, "¥%s\n", money);
		hy_admin_receipt_label (out, _ ("Points now:"));
		g_string_append_printf (out, "%s\n", points);
	}
	g_print ("%s", out->str);
}

/* ---- sell --------------------------------------------------------------------------- */

gint
hy_admin_cmd_sell (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_auto (HyAdminSale) sale = {0};
	g_autofree gchar *card_number = NULL;
	g_autofree gchar *phone = NULL;
	g_auto (GStrv) items = NULL;
	g_autofree gchar *amount_text = NULL;
	g_auto (GStrv) pays = NULL;
	g_autofree gchar *pin = NULL;
	g_autofree gchar *slip_no = NULL;
	g_autofree gchar *salesperson = NULL;
	g_autofree gchar *note = NULL;
	g_autofree gchar *round_text = NULL;
	g_autofree gchar *at_text = NULL;
	g_autofree gchar *sale_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) at = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (JsonNode) receipt = NULL;
	HySaleRequest request = {0};
	gboolean pays_balance = FALSE;
	gboolean ok;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card_number,
		 N_ ("The member’s card number (default: not a member)"), N_ ("NO")},
		{"phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_ ("The member’s bound phone"),
		 N_ ("PHONE")},
		{"item", 0, 0, G_OPTION_ARG_STRING_ARRAY, &items,
		 N_ ("An item and its quantity (default 1); may be repeated"), N_ ("CODE[:QTY]")},
		{"amount", 0, 0, G_OPTION_ARG_STRING, &amount_text,
		 N_ ("A quick sale by amount, in fen"), N_ ("FEN")},
		{"pay", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pays,
		 N_ ("A tender: cash, bank_card, cheque, balance, voucher, coupon or points (the "
		     "card's points at the rules' cash value), the amount in fen and a voucher, "
		     "cheque or slip number; may be repeated"),
		 N_ ("METHOD:FEN[:REFERENCE]")},
		{"pin", 0, 0, G_OPTION_ARG_STRING, &pin,
		 N_ ("The card’s spending PIN, for a balance tender (default: from "
		     "HUIYUAN_CARD_PIN, else asked)"),
		 N_ ("PIN")},
		{"slip", 0, 0, G_OPTION_ARG_STRING, &slip_no, N_ ("The manual slip number"),
		 N_ ("NO")},
		{"salesperson", 0, 0, G_OPTION_ARG_STRING, &salesperson, N_ ("The salesperson"),
		 N_ ("NAME")},
		{"note", 0, 0, G_OPTION_ARG_STRING, &note, N_ ("A note kept with the sale"),
		 N_ ("TEXT")},
		{"round", 0, 0, G_OPTION_ARG_STRING, &round_text,
		 N_ ("Round the total down to the jiao or the yuan (needs sale.round)"),
		 N_ ("jiao|yuan")},
		{"at", 0, 0, G_OPTION_ARG_STRING, &at_text,
		 N_ ("The time of the sale, ISO 8601, e.g. 2026-11-21T12:00:00+08:00; without "
		     "an offset, local time (default: now)"),
		 N_ ("TIME")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Rings up a sale priced by the rules in force and paid with one or more "
			"tenders."),
		    N_ ("Give at least one --item or --amount (a quick sale by amount), and "
			"name the member with --card or --phone, or neither for a customer "
			"who is not a member. Only cash may exceed the total; the rest is "
			"change. Paying from stored value (balance) needs the card’s spending "
			"PIN when it has one: --pin is visible to other users of this computer, "
			"prefer HUIYUAN_CARD_PIN. The sale, its payments, stored value, points "
			"and audit record are written together or not at all. With --json: "
			"money in fen, points in hundredths. Needs sale.make."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
		    &error))
		return hy_admin_fail (error);
	if (card_number != NULL && phone != NULL) {
		hy_admin_set_usage_error (&error, _ ("sell: give at most one of --card, --phone"));
		return hy_admin_fail (error);
	}

	sale.lines = g_array_new (FALSE, TRUE, sizeof (HyBasketLine));
	sale.tenders = g_array_new (FALSE, TRUE, sizeof (HyTender));
	sale.owned = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		if (!hy_admin_sell_parse_item (&sale, items[i], &error))
			return hy_admin_fail (error);
	}
	if (amount_text != NULL) {
		HyBasketLine line = {NULL, 1, 0};
		if (!hy_admin_parse_int64 ("--amount", amount_text, &line.amount, &error))
			return hy_admin_fail (error);
		g_array_append_val (sale.lines, line);
	}
	if (sale.lines->len == 0) {
		hy_admin_set_usage_error (&error, _ ("sell: give at least one --item or --amount"));
		return hy_admin_fail (error);
	}
	for (guint i = 0; pays != NULL && pays[i] != NULL; i++) {
		if (!hy_admin_sell_parse_pay (&sale, pays[i], &error))
			return hy_admin_fail (error);
		if (g_array_index (sale.tenders, HyTender, i).method == HY_TENDER_BALANCE)
			pays_balance = TRUE;
	}
	if (!hy_admin_sell_parse_round (round_text, &request.rounding, &error))
		return hy_admin_fail (error);
	if (at_text != NULL) {
		g_autoptr (GTimeZone) local = g_time_zone_new_local ();
		at = g_date_time_new_from_iso8601 (at_text, local);
		if (at == NULL) {
			hy_admin_set_usage_error (&error,
						  _ ("--at: “%s” is not an ISO 8601 time "
						     "(2026-11-21T12:00:00+08:00)"),
						  at_text);
			return hy_admin_fail (error);
		}
	}

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	request.card = card_number != NULL ? card_number : phone;
	if (pays_balance && !hy_admin_sell_pin (db, request.card, &pin, &error))
		return hy_admin_fail (error);

	request.lines = (const HyBasketLine *) (gpointer) sale.lines->data;
	request.n_lines = sale.lines->len;
	request.tenders = (const HyTender *) (gpointer) sale.tenders->data;
	request.n_tenders = sale.tenders->len;
	request.pin = pin;
	request.slip_no = slip_no;
	request.salesperson = salesperson;
	request.note = note;
	request.at = at;
	/* in a chain, what this store may not spend offline is asked of the relay */
	ok = HY_SYNC_COVERED (db, &error,
			      hy_checkout_sell (db, actor, &request, &sale_id, &receipt, &error));
	if (pin != NULL)
		memset (pin, 0, strlen (pin));
	if (!ok)
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "sale", sale_id);
		json_object_set_member (object, "receipt", g_steal_pointer (&receipt));
		hy_admin_print_json_object (object);
	} else {
		hy_admin_print_receipt_text (receipt);
	}
	return HY_ADMIN_EXIT_OK;
}

/* ---- receipt ------------------------------------------------------------------------ */

gint
hy_admin_cmd_receipt (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *sale_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (JsonNode) receipt = NULL;
	const GOptionEntry entries[] = {{"sale", 0, 0, G_OPTION_ARG_STRING, &sale_id,
					 N_ ("The sale’s id (required)"), N_ ("ID")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL, N_ ("Reprints the receipt of a sale."),
			     N_ ("With --json: the receipt as `sell --json` prints it under "
				 "“receipt”, money in fen, points in hundredths."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (sale_id == NULL) {
		hy_admin_set_usage_error (&error, _ ("receipt: --sale ID is required"));
		return hy_admin_fail (error);
	}

	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	receipt = hy_checkout_receipt (db, sale_id, &error);
	if (receipt == NULL)
		return hy_admin_fail (error);

	if (options.json)
		hy_admin_print_json (receipt);
	else
		hy_admin_print_receipt_text (receipt);
	return HY_ADMIN_EXIT_OK;
}
