/* A member's history: sales with their refunds, the ledger entries of every card they
 * held (through a merge and a replacement), and their points batches, newest first. */
#include "config.h"

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-ledger.h"
#include "hy-member-history.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"

#define PIN "2468"

/* Level 90% off, 150% points; store points 200%: a line of A fen earns A × 3 hundredths */
static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 15000, \"discount_bp\": 9000}],"
	" \"items\": [{\"code\": \"TEA\", \"name\": \"冰红茶\", \"price\": 333},"
	"             {\"code\": \"CAKE\", \"name\": \"蛋糕\", \"price\": 2000}],"
	" \"stores\": {\"S01\": {\"use_level_points\": true, \"use_level_discount\": true,"
	"   \"points_bp\": 20000}}}";

static gchar *
register_member (HyTestStore *store, const gchar *name, const gchar *phone, gchar **card_out)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	gchar *id = NULL;
	member->name = g_strdup (name);
	member->phone = g_strdup (phone);
	g_assert_true (hy_member_register (store->db, store->admin, member, NULL, NULL, NULL, &id,
					   card_out, &error));
	g_assert_no_error (error);
	return id;
}

static void
test_history (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *card = NULL;
	g_autofree gchar *other_card = NULL;
	g_autofree gchar *new_card = NULL;
	g_autofree gchar *sale_id = NULL;
	g_autofree gchar *member = NULL;
	g_autofree gchar *other = NULL;
	g_autoptr (GPtrArray) sales = NULL;
	g_autoptr (GPtrArray) entries = NULL;
	g_autoptr (GPtrArray) other_entries = NULL;
	g_autoptr (GPtrArray) batches = NULL;
	g_autoptr (GPtrArray) newest = NULL;
	g_autoptr (GPtrArray) none = NULL;
	const HyBasketLine lines[] = {{"TEA", 3, 0}, {"CAKE", 1, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 699, NULL}, {HY_TENDER_BALANCE, 2000, NULL}};
	HySaleRequest req = {
		.lines = lines, .n_lines = 2, .tenders = pay, .n_tenders = 2, .pin = PIN};
	const HyRefundLine back[] = {{1, 1}};
	HyHistorySale *sale;
	HyHistoryEntry *entry;
	HyHistoryBatch *batch;
	gboolean seen_old_card = FALSE;

	g_assert_true (hy_rules_import (store->db, store->admin, rules_json, -1, NULL, &error));
	g_assert_no_error (error);
	member = register_member (store, "王芳", "13900139000", &card);
	other = register_member (store, "李四", "13900139001", &other_card);
	g_assert_true (hy_card_set_pin (store->db, store->admin, card, NULL, PIN, &error));
	g_assert_true (
		hy_ledger_recharge (store->db, store->admin, card, 10000, NULL, NULL, &error));
	g_assert_true (
		hy_ledger_recharge (store->db, store->admin, other_card, 500, NULL, NULL, &error));
	g_assert_no_error (error);
	req.card = card;
	g_assert_true (hy_checkout_sell (store->db, store->admin, &req, &sale_id, NULL, &error));
	g_assert_no_error (error);
	/* one tea back: 333 × .9 = 299.7 → 300 fen */
	g_assert_true (hy_refund_sale (store->db, store->admin, sale_id, back, 1, "cold", NULL,
				       NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_merge (store->db, store->admin, other_card, card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_replace (store->db, store->admin, card, NULL, &new_card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_adjust_points (store->db, store->admin, new_card, -1000, "gift",
						NULL, &error));
	g_assert_no_error (error);

	/* sales: the one sale, with its lines, points and what was refunded */
	sales = hy_member_history_sales (store->db, member, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (sales->len, ==, 1);
	sale = g_ptr_array_index (sales, 0);
	g_assert_cmpstr (sale->id, ==, sale_id);
	g_assert_cmpint (sale->lines, ==, 2);
	g_assert_cmpint (sale->total, ==, 2699);
	g_assert_cmpint (sale->discount, ==, sale->subtotal - 2699);
	g_assert_cmpint (sale->points, ==, 8097);
	g_assert_cmpint (sale->refunded, >, 0);
	g_assert_cmpint (sale->refunded, ==,
			 hy_test_store_count (store, "SELECT sum (amount) FROM refunds"));

	/* entries: every entry of every card the member held, newest first */
	entries = hy_member_history_entries (store->db, member, 0, &error);
	g_assert_no_error (error);
	{
		g_autofree gchar *sql = g_strdup_printf (
			"SELECT count (*) FROM account_entries e JOIN cards c ON c.id = e.card_id "
			"WHERE c.member_id = '%s'",
			member);
		g_assert_cmpint (entries->len, ==, hy_test_store_count (store, sql));
	}
	for (guint i = 1; i < entries->len; i++) {
		HyHistoryEntry *a = g_ptr_array_index (entries, i - 1);
		HyHistoryEntry *b = g_ptr_array_index (entries, i);
		g_assert_cmpint (a->at, >=, b->at);
	}
	entry = g_ptr_array_index (entries, 0);
	g_assert_cmpint (entry->account, ==, HY_ACCOUNT_POINTS);
	g_assert_cmpint (entry->delta, ==, -1000);
	g_assert_cmpstr (entry->card_number, ==, new_card);
	g_assert_cmpstr (entry->note, ==, "gift");
	entry = g_ptr_array_index (entries, entries->len - 1);
	g_assert_cmpint (entry->account, ==, HY_ACCOUNT_MONEY);
	g_assert_cmpint (entry->delta, ==, 10000);
	g_assert_cmpstr (entry->card_number, ==, card);
	for (guint i = 0; i < entries->len; i++) {
		HyHistoryEntry *e = g_ptr_array_index (entries, i);
		/* the merged-in ¥5 arrived on the member's card, not the other's */
		g_assert_cmpstr (e->card_number, !=, other_card);
		seen_old_card |= g_strcmp0 (e->card_number, card) == 0 &&
				 e->account == HY_ACCOUNT_MONEY && e->delta == 500;
	}
	g_assert_true (seen_old_card);
	/* the other member keeps their own past: the recharge and the merge out */
	other_entries = hy_member_history_entries (store->db, other, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (other_entries->len, ==, 2);
	entry = g_ptr_array_index (other_entries, 0);
	g_assert_cmpint (entry->delta, ==, -500);
	g_assert_cmpstr (entry->card_number, ==, other_card);

	/* batches: the sale's points, less the refunded tea's and the adjustment */
	batches = hy_member_history_batches (store->db, member, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (batches->len, >=, 1);
	{
		gint64 remaining = 0;
		for (guint i = 0; i < batches->len; i++) {
			batch = g_ptr_array_index (batches, i);
			g_assert_cmpint (batch->remaining, <=, batch->points);
			g_assert_cmpint (batch->remaining, >=, 0);
			remaining += batch->remaining;
		}
		g_autoptr (HyCard) now = hy_card_lookup (store->db, new_card, &error);
		g_assert_no_error (error);
		/* what is left in batches is the points balance of the card in use */
		g_assert_cmpint (remaining, ==,
				 hy_test_store_balance (store, now->id, HY_ACCOUNT_POINTS, ""));
	}

	/* a limit keeps the newest; an unknown member has no history */
	newest = hy_member_history_entries (store->db, member, 1, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (newest->len, ==, 1);
	g_assert_cmpstr (((HyHistoryEntry *) g_ptr_array_index (newest, 0))->id, ==,
			 ((HyHistoryEntry *) g_ptr_array_index (entries, 0))->id);
	none = hy_member_history_sales (store->db, "no-such-member", 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/member-history/all", test_history);
	return g_test_run ();
}
