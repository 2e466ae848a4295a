#include "config.h"

#include <glib/gi18n.h>

#include "hy-error.h"
#include "hy-format.h"
#include "hy-ledger.h"
#include "hy-member-history.h"
#include "hy-member-search.h"
#include "hy-rules-store.h"
#include "hy-till.h"

void
hy_member_view_free (HyMemberView *view)
{
	if (view == NULL)
		return;
	g_clear_pointer (&view->member, hy_member_free);
	g_clear_pointer (&view->card, hy_card_free);
	g_clear_pointer (&view->lots, g_ptr_array_unref);
	g_clear_pointer (&view->lot_names, g_ptr_array_unref);
	g_free (view);
}

void
hy_lookup_free (HyLookup *lookup)
{
	if (lookup == NULL)
		return;
	g_clear_pointer (&lookup->view, hy_member_view_free);
	g_clear_pointer (&lookup->matches, g_ptr_array_unref);
	g_free (lookup);
}

static HyMemberView *
hy_till_view_for_card (HyDb *db, const gchar *store_code, HyCard *card, GError **error)
{
	g_autoptr (HyMemberView) view = g_new0 (HyMemberView, 1);
	g_autoptr (HyTxn) txn = hy_db_begin_read (db, error);
	g_autoptr (HyRules) rules = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	GDate today;

	if (txn == NULL)
		return NULL;
	view->card = card;
	view->member = hy_member_get (db, card->member_id, error);
	if (view->member == NULL)
		return NULL;
	if (!hy_ledger_balance (db, card->id, HY_ACCOUNT_MONEY, "", &view->money, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_POINTS, "", &view->points, error))
		return NULL;
	view->lots = hy_count_list (db, card->number, error);
	if (view->lots == NULL)
		return NULL;
	view->lot_names = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < view->lots->len; i++) {
		HyCountLot *lot = g_ptr_array_index (view->lots, i);
		g_autoptr (HyItem) item = hy_item_find (db, lot->item, NULL);
		/* an item since retired from the catalogue still shows by its code */
		g_ptr_array_add (view->lot_names, g_strdup (item != NULL ? item->name : lot->item));
	}
	if (!hy_member_visits (db, view->member->id, &view->visits, &view->last_visit, error))
		return NULL;
	rules = hy_rules_load (db, error);
	if (rules == NULL)
		return NULL;
	g_date_clear (&today, 1);
	g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
			g_date_time_get_year (now));
	view->is_birthday =
		view->member->birthday != NULL &&
		hy_pricing_is_birthday (view->member->birthday, &today,
					hy_rules_get_store (rules, store_code)->birthday_mode);
	if (!hy_txn_commit (txn, error))
		return NULL;
	return g_steal_pointer (&view);
}

HyMemberView *
hy_till_load_card (HyDb *db, const gchar *store_code, const gchar *card_number, GError **error)
{
	HyCard *card = hy_card_lookup (db, card_number, error);
	HyMemberView *view;
	if (card == NULL)
		return NULL;
	view = hy_till_view_for_card (db, store_code, card, error);
	if (view == NULL)
		hy_card_free (card);
	return view;
}

HyMemberView *
hy_till_load_member (HyDb *db, const gchar *store_code, const gchar *member_id, GError **error)
{
	g_autoptr (GPtrArray) cards = hy_card_list_for_member (db, member_id, error);
	HyCard *best = NULL;
	HyMemberView *view;

	if (cards == NULL)
		return NULL;
	/* the card in use: active first, else a lost one (shown frozen), newest first */
	for (guint i = 0; i < cards->len; i++) {
		HyCard *card = g_ptr_array_index (cards, i);
		if (card->status == HY_CARD_STATUS_ACTIVE) {
			best = card;
			break;
		}
		if (card->status == HY_CARD_STATUS_LOST && best == NULL)
			best = card;
	}
	if (best == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("this member has no card in use"));
		return NULL;
	}
	g_ptr_array_set_free_func (cards, NULL);
	g_ptr_array_remove_fast (cards, best);
	g_ptr_array_set_free_func (cards, (GDestroyNotify) hy_card_free);
	view = hy_till_view_for_card (db, store_code, best, error);
	if (view == NULL)
		hy_card_free (best);
	return view;
}

HyLookup *
hy_till_lookup (HyDb *db, const gchar *store_code, const gchar *query, GError **error)
{
	g_autoptr (HyLookup) lookup = g_new0 (HyLookup, 1);
	g_autoptr (GError) card_error = NULL;
	g_autofree gchar *q = g_strstrip (g_strdup (query != NULL ? query : ""));

	if (q[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("swipe a card, or type a phone number, name or pinyin initials"));
		return NULL;
	}
	/* a swipe or a bound phone goes straight to the card */
	lookup->view = hy_till_load_card (db, store_code, q, &card_error);
	if (lookup->view != NULL)
		return g_steal_pointer (&lookup);
	if (!g_error_matches (card_error, HY_ERROR, HY_ERROR_NOT_FOUND) &&
	    !g_error_matches (card_error, HY_ERROR, HY_ERROR_CONFLICT) &&
	    !g_error_matches (card_error, HY_ERROR, HY_ERROR_INVALID_INPUT)) {
		g_propagate_error (error, g_steal_pointer (&card_error));
		return NULL;
	}
	lookup->matches = hy_member_search (db, q, 0, error);
	if (lookup->matches == NULL)
		return NULL;
	if (lookup->matches->len == 0) {
		/* a mistyped card number says so (its check digit), not just "no match" */
		if (g_error_matches (card_error, HY_ERROR, HY_ERROR_INVALID_INPUT))
			g_propagate_error (error, g_steal_pointer (&card_error));
		else
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
				     _ ("no member matches “%s”"), q);
		return NULL;
	}
	if (lookup->matches->len == 1) {
		HyMember *only = g_ptr_array_index (lookup->matches, 0);
		lookup->view = hy_till_load_member (db, store_code, only->id, error);
		if (lookup->view == NULL)
			return NULL;
		g_clear_pointer (&lookup->matches, g_ptr_array_unref);
	}
	return g_steal_pointer (&lookup);
}

HyPricedBasket *
hy_till_price (HyDb *db,
	       const gchar *store_code,
	       const HyMember *member,
	       const HyBasketLine *lines,
	       guint n_lines,
	       GError **error)
{
	g_autoptr (HyRules) rules = hy_rules_load (db, error);
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	HyPricingMember pricing = {NULL, NULL};
	if (rules == NULL)
		return NULL;
	if (member != NULL) {
		pricing.level = member->level_name;
		pricing.birthday = member->birthday;
	}
	return hy_pricing_price (rules, store_code, member != NULL ? &pricing : NULL, now, lines,
				 n_lines, error);
}

/* ---- receipt text ---- */

static const gchar *
hy_till_json_string (JsonObject *obj, const gchar *key)
{
	JsonNode *node = json_object_get_member (obj, key);
	if (node == NULL || JSON_NODE_HOLDS_NULL (node))
		return NULL;
	return json_node_get_string (node);
}

static gint64
hy_till_json_int (JsonObject *obj, const gchar *key)
{
	JsonNode *node = json_object_get_member (obj, key);
	if (node == NULL || JSON_NODE_HOLDS_NULL (node))
		return 0;
	return json_node_get_int (node);
}

/* Pads to a display width: CJK characters take two columns on a receipt printer. */
static void
hy_till_append_padded (GString *out, const gchar *text, gint width, gboolean right)
{
	gint cols = 0;
	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p))
		cols += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
	if (right)
		for (gint i = cols; i < width; i++)
			g_string_append_c (out, ' ');
	g_string_append (out, text);
	if (!right)
		for (gint i = cols; i < width; i++)
			g_string_append_c (out, ' ');
}

static void
hy_till_append_row (GString *out, const gchar *label, gint64 fen)
{
	g_autofree gchar *money = hy_format_money (fen);
	hy_till_append_padded (out, label, 22, FALSE);
	hy_till_append_padded (out, money, 10, TRUE);
	g_string_append_c (out, '\n');
}

static const gchar *
hy_till_tender_label (const gchar *method)
{
	if (g_strcmp0 (method, "cash") == 0)
		return _ ("Paid in cash");
	if (g_strcmp0 (method, "balance") == 0)
		return _ ("Paid from stored value");
	if (g_strcmp0 (method, "bank_card") == 0)
		return _ ("Paid by bank card");
	if (g_strcmp0 (method, "cheque") == 0)
		return _ ("Paid by cheque");
	if (g_strcmp0 (method, "voucher") == 0)
		return _ ("Paid by voucher");
	if (g_strcmp0 (method, "coupon") == 0)
		return _ ("Paid by coupon");
	return method;
}

gchar *
hy_till_receipt_text (JsonNode *receipt, GHashTable *item_names)
{
	JsonObject *obj = json_node_get_object (receipt);
	GString *out = g_string_new (NULL);
	JsonArray *lines = json_object_get_array_member (obj, "lines");
	JsonArray *payments = json_object_get_array_member (obj, "payments");
	const gchar *store = hy_till_json_string (obj, "store");
	const gchar *sale = hy_till_json_string (obj, "sale");
	g_autoptr (GDateTime) at_time =
		g_date_time_new_from_unix_local (hy_till_json_int (obj, "at") / 1000);
	g_autofree gchar *at =
		at_time != NULL ? g_date_time_format (at_time, "%Y-%m-%d %H:%M:%S") : NULL;
	const gchar *card = hy_till_json_string (obj, "card");
	const gchar *member = hy_till_json_string (obj, "member");
	gint64 points = hy_till_json_int (obj, "points");

	if (store != NULL)
		g_string_append_printf (out, "%s\n", store);
	if (at != NULL)
		g_string_append_printf (out, "%s\n", at);
	/* the number a refund finds the sale by: its id's first 18 characters are the
	 * millisecond and counter it was made at, unique enough to type */
	if (sale != NULL)
		g_string_append_printf (out, _ ("No. %.18s\n"), sale);
	if (member != NULL || card != NULL)
		g_string_append_printf (out, _ ("Member: %s  Card: %s\n"), member ? member : "",
					card ? card : "");
	g_string_append (out, "--------------------------------\n");
	for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++) {
		JsonObject *line = json_array_get_object_element (lines, i);
		const gchar *item = hy_till_json_string (line, "item");
		const gchar *name = item != NULL && item_names != NULL
					    ? g_hash_table_lookup (item_names, item)
					    : NULL;
		g_autofree gchar *qty =
			g_strdup_printf ("×%" G_GINT64_FORMAT, hy_till_json_int (line, "qty"));
		g_autofree gchar *amount = hy_format_money (hy_till_json_int (line, "amount"));
		hy_till_append_padded (out, name ? name : item ? item : _ ("Amount"), 20, FALSE);
		hy_till_append_padded (out, qty, 4, FALSE);
		hy_till_append_padded (out, amount, 8, TRUE);
		g_string_append_c (out, '\n');
	}
	g_string_append (out, "--------------------------------\n");
	hy_till_append_row (out, _ ("Subtotal"), hy_till_json_int (obj, "subtotal"));
	hy_till_append_row (out, _ ("Discount"), -hy_till_json_int (obj, "discount"));
	if (hy_till_json_int (obj, "rounding") != 0)
		hy_till_append_row (out, _ ("Rounding"), hy_till_json_int (obj, "rounding"));
	hy_till_append_row (out, _ ("Total"), hy_till_json_int (obj, "total"));
	for (guint i = 0; payments != NULL && i < json_array_get_length (payments); i++) {
		JsonObject *pay = json_array_get_object_element (payments, i);
		hy_till_append_row (out, hy_till_tender_label (hy_till_json_string (pay, "method")),
				    hy_till_json_int (pay, "amount"));
	}
	if (hy_till_json_int (obj, "change") != 0)
		hy_till_append_row (out, _ ("Change"), hy_till_json_int (obj, "change"));
	if (json_object_has_member (obj, "balances") &&
	    JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "balances"))) {
		JsonObject *bal = json_object_get_object_member (obj, "balances");
		g_autofree gchar *pts = hy_format_points (hy_till_json_int (bal, "points"));
		g_autofree gchar *earned = hy_format_points (points);
		g_string_append (out, "--------------------------------\n");
		g_string_append_printf (out, _ ("Points earned: %s\n"), earned);
		hy_till_append_row (out, _ ("Stored value left"), hy_till_json_int (bal, "money"));
		g_string_append_printf (out, _ ("Points: %s\n"), pts);
	}
	return g_string_free (out, FALSE);
}
