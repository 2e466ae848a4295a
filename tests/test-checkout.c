/* Checkout: a sale priced by the rules in force, paid with several tenders, all in one
 * transaction. */
#include "config.h"

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-verify.h"

#define PIN "2468"

static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 15000, \"discount_bp\": 9000}],"
	" \"items\": [{\"code\": \"TEA\", \"name\": \"冰红茶\", \"price\": 350}],"
	" \"stores\": {\"S01\": {\"use_level_points\": true, \"use_level_discount\": true,"
	"   \"points_bp\": 20000}}}";

typedef struct {
	HyTestStore *store;
	gchar *card;
	gchar *card_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autoptr (HyCard) card = NULL;

	f->store = hy_test_store_new ("S01");
	g_assert_true (
		hy_rules_import (f->store->db, f->store->admin, rules_json, -1, NULL, &error));
	g_assert_no_error (error);
	member->name = g_strdup ("张三");
	member->phone = g_strdup ("13800138000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &f->card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_set_pin (f->store->db, f->store->admin, f->card, NULL, PIN, &error));
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->card, 10000, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (f->store->db, f->card, &error);
	f->card_id = g_strdup (card->id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	hy_test_store_free (f->store);
	g_free (f->card);
	g_free (f->card_id);
}

static gint64
balance (Fixture *f, HyAccount account)
{
	return hy_test_store_balance (f->store, f->card_id, account, "");
}

/* Rows of every table a sale writes, as one number: nothing changed if it is equal. */
static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM sales) + "
					      "(SELECT count(*) FROM sale_lines) * 100 + "
					      "(SELECT count(*) FROM payments) * 10000 + "
					      "(SELECT count(*) FROM account_entries) * 1000000 + "
					      "(SELECT count(*) FROM audit) * 100000000 + "
					      "(SELECT count(*) FROM outbox) * 10000000000");
}

static gint64
member_int (JsonObject *obj, const gchar *key)
{
	g_assert_true (json_object_has_member (obj, key));
	return json_object_get_int_member (obj, key);
}

static void
test_quick_sale_cash (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonNode) receipt = NULL;
	g_autofree gchar *sale = NULL;
	const HyBasketLine lines[] = {{NULL, 0, 1234}};
	const HyTender pay[] = {{HY_TENDER_CASH, 2000, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = 1,
			     .slip_no = "A-001",
			     .salesperson = "李四"};
	JsonObject *r;

	g_assert_true (
		hy_checkout_sell (f->store->db, f->store->admin, &req, &sale, &receipt, &error));
	g_assert_no_error (error);
	r = json_node_get_object (receipt);
	/* 1234 × 90% = 1110.6 → 1111; points 1111 × 1.5 × 2 = 3333 hundredths */
	g_assert_cmpint (member_int (r, "subtotal"), ==, 1234);
	g_assert_cmpint (member_int (r, "total"), ==, 1111);
	g_assert_cmpint (member_int (r, "discount"), ==, 123);
	g_assert_cmpint (member_int (r, "points"), ==, 3333);
	g_assert_cmpint (member_int (r, "change"), ==, 889);
	g_assert_cmpstr (json_object_get_string_member (r, "slip_no"), ==, "A-001");
	g_assert_cmpstr (json_object_get_string_member (r, "card"), ==, f->card);
	g_assert_cmpint (member_int (json_object_get_object_member (r, "balances"), "points"), ==,
			 3333);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS), ==, 3333);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 10000);
	/* the sale, its line and payment, the points entry: one audit record, all shipped */
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM outbox WHERE tbl IN "
							"('sales', 'sale_lines', 'payments')"),
			 ==, 3);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM audit "
							"WHERE action = 'sale.create'"),
			 ==, 1);
	{
		/* a reprint is the same receipt */
		g_autoptr (JsonNode) again = hy_checkout_receipt (f->store->db, sale, &error);
		g_autofree gchar *a = json_to_string (receipt, FALSE);
		g_autofree gchar *b = json_to_string (again, FALSE);
		g_assert_no_error (error);
		g_assert_cmpstr (a, ==, b);
	}
}

static void
test_product_sale_split_tender (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonNode) receipt = NULL;
	const HyBasketLine lines[] = {{"TEA", 2, 0}};
	/* 700 × 90% = 630 due: 300 in cash, 330 from stored value */
	const HyTender pay[] = {{HY_TENDER_CASH, 300, NULL}, {HY_TENDER_BALANCE, 330, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = 2,
			     .pin = PIN};
	JsonObject *r;
	JsonArray *payments;

	g_assert_true (
		hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, &receipt, &error));
	g_assert_no_error (error);
	r = json_node_get_object (receipt);
	g_assert_cmpint (member_int (r, "total"), ==, 630);
	g_assert_cmpint (member_int (r, "points"), ==, 1890);
	g_assert_cmpint (member_int (r, "change"), ==, 0);
	payments = json_object_get_array_member (r, "payments");
	g_assert_cmpuint (json_array_get_length (payments), ==, 2);
	g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (payments, 1),
							"method"),
			 ==, "balance");
	g_assert_cmpint (member_int (json_object_get_object_member (r, "balances"), "money"), ==,
			 9670);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 9670);
	g_assert_cmpint (member_int (json_array_get_object_element (
					     json_object_get_array_member (r, "lines"), 0),
				     "discount_bp"),
			 ==, 9000);
}

static void
test_refused_changes_nothing (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	const HyBasketLine small[] = {{NULL, 0, 1000}};
	const HyBasketLine big[] = {{NULL, 0, 30000}};
	const HyBasketLine tiny[] = {{NULL, 0, 80}};
	const HyTender balance_900[] = {{HY_TENDER_BALANCE, 900, NULL}};
	const HyTender balance_27000[] = {{HY_TENDER_BALANCE, 27000, NULL}};
	const HyTender cash_800[] = {{HY_TENDER_CASH, 800, NULL}};
	const HyTender card_1000[] = {{HY_TENDER_BANK_CARD, 1000, NULL}};
	gint64 before = footprint (f);
	struct {
		const gchar *name;
		const HyActor *actor;
		HySaleRequest req;
		gint code;
	} cases[] = {
		{"wrong PIN",
		 f->store->admin,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = balance_900,
		  .n_tenders = 1,
		  .pin = "1111"},
		 HY_ERROR_AUTH_FAILED},
		{"no PIN",
		 f->store->admin,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = balance_900,
		  .n_tenders = 1},
		 HY_ERROR_AUTH_FAILED},
		{"stored value short",
		 f->store->admin,
		 {.card = f->card,
		  .lines = big,
		  .n_lines = 1,
		  .tenders = balance_27000,
		  .n_tenders = 1,
		  .pin = PIN},
		 HY_ERROR_INSUFFICIENT},
		{"tenders short",
		 f->store->admin,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = cash_800,
		  .n_tenders = 1},
		 HY_ERROR_INVALID_INPUT},
		{"card overpays",
		 f->store->admin,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = card_1000,
		  .n_tenders = 1},
		 HY_ERROR_INVALID_INPUT},
		{"stored value without a card",
		 f->store->admin,
		 {.lines = small, .n_lines = 1, .tenders = balance_900, .n_tenders = 1},
		 HY_ERROR_INVALID_INPUT},
		{"抹零 by a cashier",
		 cashier,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = cash_800,
		  .n_tenders = 1,
		  .rounding = HY_ROUNDING_YUAN},
		 HY_ERROR_PERMISSION_DENIED},
		{"抹零 down to nothing",
		 f->store->admin,
		 {.lines = tiny,
		  .n_lines = 1,
		  .tenders = cash_800,
		  .n_tenders = 1,
		  .rounding = HY_ROUNDING_YUAN},
		 HY_ERROR_INVALID_INPUT},
		{"an auditor",
		 auditor,
		 {.card = f->card,
		  .lines = small,
		  .n_lines = 1,
		  .tenders = card_1000,
		  .n_tenders = 1},
		 HY_ERROR_PERMISSION_DENIED},
		{"unknown card",
		 f->store->admin,
		 {.card = "0010009991",
		  .lines = small,
		  .n_lines = 1,
		  .tenders = card_1000,
		  .n_tenders = 1},
		 HY_ERROR_NOT_FOUND},
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_test_message ("%s", cases[i].name);
		g_assert_false (hy_checkout_sell (f->store->db, cases[i].actor, &cases[i].req, NULL,
						  NULL, &error));
		g_assert_error (error, HY_ERROR, cases[i].code);
		g_clear_error (&error);
		g_assert_cmpint (footprint (f), ==, before);
	}
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 10000);

	/* a lost card buys nothing */
	g_assert_true (hy_card_report_lost (f->store->db, f->store->admin, f->card, &error));
	before = footprint (f);
	{
		HySaleRequest req = {.card = f->card,
				     .lines = small,
				     .n_lines = 1,
				     .tenders = card_1000,
				     .n_tenders = 1};
		g_assert_false (
			hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	}
	g_assert_cmpint (footprint (f), ==, before);
}

static void
test_rounding_and_non_member (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) manager = hy_test_store_actor (f->store, "store-manager");
	g_autoptr (JsonNode) rounded = NULL;
	g_autoptr (JsonNode) walk_in = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	const HyBasketLine lines[] = {{NULL, 0, 1234}};
	const HyTender exact[] = {{HY_TENDER_CASH, 1100, NULL}};
	const HyTender cash[] = {{HY_TENDER_CASH, 1500, NULL}};
	HySaleRequest round_req = {.card = f->card,
				   .lines = lines,
				   .n_lines = 1,
				   .tenders = exact,
				   .n_tenders = 1,
				   .rounding = HY_ROUNDING_YUAN};
	HySaleRequest walk_req = {.lines = lines, .n_lines = 1, .tenders = cash, .n_tenders = 1};

	/* 1111 due, 抹零 to the yuan: 1100 */
	g_assert_true (
		hy_checkout_sell (f->store->db, manager, &round_req, NULL, &rounded, &error));
	g_assert_no_error (error);
	g_assert_cmpint (member_int (json_node_get_object (rounded), "total"), ==, 1100);
	g_assert_cmpint (member_int (json_node_get_object (rounded), "rounding"), ==, 11);

	/* not a member: list price, no points, no balances */
	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &walk_req, NULL, &walk_in,
					 &error));
	g_assert_no_error (error);
	g_assert_cmpint (member_int (json_node_get_object (walk_in), "total"), ==, 1234);
	g_assert_cmpint (member_int (json_node_get_object (walk_in), "points"), ==, 0);
	g_assert_cmpint (member_int (json_node_get_object (walk_in), "change"), ==, 266);
	g_assert_true (json_object_get_null_member (json_node_get_object (walk_in), "balances"));

	/* sales are insert-only, and everything still adds up */
	g_assert_false (hy_db_exec (f->store->db, "UPDATE sales SET total = 0", &error));
	g_clear_error (&error);
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_cmpuint (problems->len, ==, 0);
}

/* Five wrong PINs lock the PIN, even for the right one, until the lock runs out. */
static void
test_pin_lockout (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	const HyBasketLine lines[] = {{NULL, 0, 1000}};
	const HyTender pay[] = {{HY_TENDER_BALANCE, 900, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = pay,
			     .n_tenders = 1,
			     .pin = "0000"};

	for (guint i = 0; i < HY_CARD_PIN_ATTEMPTS; i++) {
		g_assert_false (
			hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
		g_assert_cmpstr (error->message, ==, "wrong PIN");
		g_clear_error (&error);
	}
	req.pin = PIN;
	g_assert_false (hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_assert_nonnull (strstr (error->message, "locked"));
	g_clear_error (&error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 10000);

	/* the lock runs out: the right PIN pays, and the count starts again */
	hy_test_store_raw_sql (f->store, "UPDATE pin_failures SET locked_until = 0");
	g_assert_true (hy_checkout_sell (f->store->db, f->store->admin, &req, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY), ==, 9100);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM pin_failures"), ==,
			 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/checkout/quick-sale-cash", test_quick_sale_cash);
	ADD ("/huiyuan/checkout/product-sale-split-tender", test_product_sale_split_tender);
	ADD ("/huiyuan/checkout/refused-changes-nothing", test_refused_changes_nothing);
	ADD ("/huiyuan/checkout/rounding-and-non-member", test_rounding_and_non_member);
	ADD ("/huiyuan/checkout/pin-lockout", test_pin_lockout);
	return g_test_run ();
}
