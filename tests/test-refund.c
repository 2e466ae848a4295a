/* Refunds reverse exactly what a sale did: money back, earned points back, never twice. */
#include "config.h"

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-verify.h"

#define PIN "2468"

/* Level 90% off, 150% points; store points 200%: a line of A fen earns A × 3 hundredths */
static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 15000, \"discount_bp\": 9000}],"
	" \"items\": [{\"code\": \"TEA\", \"name\": \"冰红茶\", \"price\": 333},"
	"             {\"code\": \"CAKE\", \"name\": \"蛋糕\", \"price\": 2000}],"
	" \"stores\": {\"S01\": {\"use_level_points\": true, \"use_level_discount\": true,"
	"   \"points_bp\": 20000}}}";

typedef struct {
	HyTestStore *store;
	gchar *card;
	gchar *card_id;
	gchar *sale;
} Fixture;

static gint64
balance (Fixture *f, HyAccount account)
{
	return hy_test_store_balance (f->store, f->card_id, account, "");
}

/* TEA × 3: 999 × .9 = 899.1 → 899, points 2697; CAKE: 1800, points 5400.
 * Due 2699: 699 in cash, 2000 from stored value. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autoptr (HyCard) card = NULL;
	const HyBasketLine lines[] = {{"TEA", 3, 0}, {"CAKE", 1, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 699, NULL}, {HY_TENDER_BALANCE, 2000, NULL}};
	HySaleRequest req = {
		.lines = lines, .n_lines = 2, .tenders = pay, .n_tenders = 2, .pin = PIN};

	f->store = hy_test_store_new ("S01");
	g_assert_true (
		hy_rules_import (f->store->db, f->store->admin, rules_json, -1, NULL, &error));
	member->name = g_strdup ("王芳");
	member->phone = g_strdup ("13900139000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &f->card, &error));
	g_assert_true (hy_card_set_pin (f->store->db, f->store->admin, f->card, NULL, PIN, &error));
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->card, 10000, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (f->store->db, f->card, &error);
	f->card_id = g_strdup (card->id);
	req.card = f->card;
	g_assert_true (
		hy_checkout_sell (f->store->db, f->store->admin, &req, &f->sale, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 8000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 8097);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	hy_test_store_free (f->store);
	g_free (f->card);
	g_free (f->card_id);
	g_free (f->sale);
}

static gint64
int_member (JsonNode *node, const gchar *key)
{
	return json_object_get_int_member (json_node_get_object (node), key);
}

static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM refunds) + "
					      "(SELECT count(*) FROM refund_lines) * 100 + "
					      "(SELECT count(*) FROM account_entries) * 10000 + "
					      "(SELECT count(*) FROM audit) * 1000000 + "
					      "(SELECT count(*) FROM outbox) * 100000000");
}

static void
test_refund_in_parts (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonNode) first = NULL;
	g_autoptr (JsonNode) second = NULL;
	g_autoptr (JsonNode) rest = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	const HyRefundLine one_tea[] = {{1, 1}};
	gint64 before;

	/* one TEA of three: 899 / 3 = 299.67 → 300 fen, 2697 / 3 = 899 points; stored value
	 * is returned first */
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, f->sale, one_tea, 1,
				       "broken bottle", NULL, &first, &error));
	g_assert_no_error (error);
	g_assert_cmpint (int_member (first, "amount"), ==, 300);
	g_assert_cmpint (int_member (first, "points"), ==, 899);
	g_assert_cmpint (int_member (first, "to_balance"), ==, 300);
	g_assert_cmpint (int_member (first, "to_cash"), ==, 0);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 8300);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 7198);

	/* the same TEA again, then too many: refused, nothing written */
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, f->sale, one_tea, 1, NULL,
				       NULL, &second, &error));
	g_assert_cmpint (int_member (second, "amount"), ==, 300);
	before = footprint (f);
	{
		const HyRefundLine too_many[] = {{1, 2}};
		const HyRefundLine no_line[] = {{7, 1}};
		g_assert_false (hy_refund_sale (f->store->db, f->store->admin, f->sale, too_many, 1,
						NULL, NULL, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
		g_assert_nonnull (strstr (error->message, "1 of 3 are left"));
		g_clear_error (&error);
		g_assert_false (hy_refund_sale (f->store->db, f->store->admin, f->sale, no_line, 1,
						NULL, NULL, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		g_clear_error (&error);
	}
	g_assert_cmpint (footprint (f), ==, before);

	/* the rest of the sale: exactly what is left, 2699 − 600 = 2099: 1400 more to
	 * stored value (2000 were paid from it), 699 in cash; points back to zero */
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, f->sale, NULL, 0, NULL, NULL,
				       &rest, &error));
	g_assert_no_error (error);
	g_assert_cmpint (int_member (rest, "amount"), ==, 2099);
	g_assert_cmpint (int_member (rest, "to_balance"), ==, 1400);
	g_assert_cmpint (int_member (rest, "to_cash"), ==, 699);
	g_assert_cmpint (int_member (rest, "points"), ==, 8097 - 899 - 899);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 10000);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 0);

	/* never twice */
	g_assert_false (hy_refund_sale (f->store->db, f->store->admin, f->sale, NULL, 0, NULL, NULL,
					NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT sum (amount) FROM refunds"), ==,
			 2699);
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_refund_refused (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	gint64 before = footprint (f);

	/* refunds are a manager's */
	g_assert_false (
		hy_refund_sale (f->store->db, cashier, f->sale, NULL, 0, NULL, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_refund_sale (f->store->db, f->store->admin, "no-such-sale", NULL, 0,
					NULL, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);

	/* the member spent the points the sale earned: the refund cannot take them back */
	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, -8000,
						"gift", NULL, &error));
	before = footprint (f);
	g_assert_false (hy_refund_sale (f->store->db, f->store->admin, f->sale, NULL, 0, NULL, NULL,
					NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_assert_nonnull (strstr (error->message, "spent"));
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 8000);
}

static void
test_refund_replaced_card (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *new_card = NULL;
	g_autoptr (HyCard) card = NULL;
	gint64 money = 0;

	/* the card was replaced after the sale: the money goes where the balance went */
	g_assert_true (
		hy_card_replace (f->store->db, f->store->admin, f->card, NULL, &new_card, &error));
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, f->sale, NULL, 0, NULL, NULL,
				       NULL, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (f->store->db, new_card, &error);
	g_assert_true (
		hy_ledger_balance (f->store->db, card->id, HY_ACCOUNT_MONEY, "", &money, &error));
	g_assert_cmpint (money, ==, 10000);
}

/* 抹零: a sale of 2699 paid 2600. Each line's share of what was paid: TEA
 * 899 × 2600 / 2699 = 866.02 → 866, one of three 288.67 → 289; the rest of the sale is
 * exactly 2600 − 289, and the refund lines add up to the refunds. */
static void
test_refund_after_rounding (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *sale = NULL;
	g_autoptr (JsonNode) first = NULL;
	g_autoptr (JsonNode) rest = NULL;
	const HyBasketLine lines[] = {{"TEA", 3, 0}, {"CAKE", 1, 0}};
	const HyTender cash[] = {{HY_TENDER_CASH, 2600, NULL}};
	const HyRefundLine one_tea[] = {{1, 1}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 2,
			     .tenders = cash,
			     .n_tenders = 1,
			     .rounding = HY_ROUNDING_YUAN};

	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &req, &sale, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, sale, one_tea, 1, NULL, NULL,
				       &first, &error));
	g_assert_no_error (error);
	g_assert_cmpint (int_member (first, "amount"), ==, 289);
	g_assert_cmpint (int_member (first, "to_cash"), ==, 289);
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, sale, NULL, 0, NULL, NULL,
				       &rest, &error));
	g_assert_cmpint (int_member (rest, "amount"), ==, 2311);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT sum (l.amount) FROM refund_lines l "
							"JOIN refunds r ON r.id = l.refund_id"),
			 ==, hy_test_store_count (f->store, "SELECT sum (amount) FROM refunds"));
	{
		const HyRefundLine again[] = {{2, 0}};
		g_assert_false (hy_refund_sale (f->store->db, f->store->admin, sale, again, 1, NULL,
						NULL, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
		g_assert_nonnull (strstr (error->message, "already refunded in full"));
	}
}

/* The till finds a sale by the first characters of its number and shows what is left
 * of each line; a mistyped or ambiguous number names what is wrong. */
static void
test_refund_find_sale (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRefundable) found = NULL;
	g_autoptr (HyRefundable) after = NULL;
	g_autoptr (HyRefundable) missing = NULL;
	g_autoptr (HyRefundable) bad = NULL;
	g_autoptr (HyRefundable) ambiguous = NULL;
	g_autofree gchar *prefix = g_ascii_strup (f->sale, 18);
	g_autofree gchar *second = NULL;
	const HyRefundLine one_tea[] = {{1, 1}};
	const HyBasketLine lines[] = {{"TEA", 1, 0}};
	const HyTender pay[] = {{HY_TENDER_CASH, 500, NULL}};
	HySaleRequest req = {.lines = lines, .n_lines = 1, .tenders = pay, .n_tenders = 1};
	HyRefundableLine *tea;

	/* upper case and spaces as typed from a receipt */
	found = hy_refund_find_sale (f->store->db, prefix, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (found->sale_id, ==, f->sale);
	g_assert_cmpstr (found->card_number, ==, f->card);
	g_assert_cmpstr (found->member_name, ==, "王芳");
	g_assert_cmpint (found->total, ==, 2699);
	g_assert_cmpint (found->refunded, ==, 0);
	g_assert_cmpuint (found->lines->len, ==, 2);
	tea = g_ptr_array_index (found->lines, 0);
	g_assert_cmpuint (tea->line, ==, 1);
	g_assert_cmpstr (tea->item, ==, "TEA");
	g_assert_cmpint (tea->qty, ==, 3);
	g_assert_cmpint (tea->left, ==, 3);

	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, f->sale, one_tea, 1, NULL,
				       NULL, NULL, &error));
	after = hy_refund_find_sale (f->store->db, f->sale, &error);
	g_assert_no_error (error);
	g_assert_cmpint (((HyRefundableLine *) g_ptr_array_index (after->lines, 0))->left, ==, 2);
	g_assert_cmpint (((HyRefundableLine *) g_ptr_array_index (after->lines, 1))->left, ==, 1);
	g_assert_cmpint (after->refunded, ==, 300);

	missing = hy_refund_find_sale (f->store->db, "ffffffff-ffff", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	bad = hy_refund_find_sale (f->store->db, "0190-xyz-1234", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_null (hy_refund_find_sale (f->store->db, "0190", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);

	/* two sales within the same minute share their first 8 characters */
	g_assert_true (
		hy_checkout_sell (f->store->db, f->store->admin, &req, &second, NULL, &error));
	g_assert_no_error (error);
	if (strncmp (second, f->sale, 8) == 0) {
		g_autofree gchar *eight = g_strndup (f->sale, 8);
		ambiguous = hy_refund_find_sale (f->store->db, eight, &error);
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
		g_clear_error (&error);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/refund/in-parts", test_refund_in_parts);
	ADD ("/huiyuan/refund/refused", test_refund_refused);
	ADD ("/huiyuan/refund/replaced-card", test_refund_replaced_card);
	ADD ("/huiyuan/refund/after-rounding", test_refund_after_rounding);
	ADD ("/huiyuan/refund/find-sale", test_refund_find_sale);
	return g_test_run ();
}
