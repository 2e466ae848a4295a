/* Direct deductions (直接扣费): stored value taken with a note and the PIN, recorded as a
 * sale; count uses taken without pricing. */
#include "config.h"

#include "hy-card.h"
#include "hy-count.h"
#include "hy-deduct.h"
#include "hy-error.h"
#include "hy-item.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-test-common.h"
#include "hy-verify.h"

#define PIN "2468"

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
	g_assert_true (hy_item_add (f->store->db, f->store->admin, "WASH", "洗车", NULL, 3000, NULL,
				    NULL, NULL, &error));
	member->name = g_strdup ("周芷若");
	member->phone = g_strdup ("13600136000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &f->card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_set_pin (f->store->db, f->store->admin, f->card, NULL, PIN, &error));
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->card, 10000, NULL,
					   NULL, &error));
	g_assert_true (hy_count_add (f->store->db, f->store->admin, f->card, "WASH", 5, NULL, NULL,
				     &error));
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
balance (Fixture *f, HyAccount account, const gchar *item)
{
	return hy_test_store_balance (f->store, f->card_id, account, item);
}

static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM sales) + "
					      "(SELECT count(*) FROM count_uses) * 100 + "
					      "(SELECT count(*) FROM account_entries) * 10000 + "
					      "(SELECT count(*) FROM audit) * 1000000 + "
					      "(SELECT count(*) FROM outbox) * 100000000");
}

static void
assert_verified (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_money (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autofree gchar *sale = NULL;
	gint64 left = 0;

	g_assert_true (hy_deduct_money (f->store->db, cashier, f->card, 2550, PIN, "停车费", &sale,
					&left, &error));
	g_assert_no_error (error);
	g_assert_cmpint (left, ==, 7450);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY, ""), ==, 7450);
	g_assert_cmpint (balance (f, HY_ACCOUNT_POINTS, ""), ==, 0);
	/* a sale without pricing: one direct line, paid from stored value, no points */
	g_assert_cmpint (hy_test_store_count (f->store,
					      "SELECT count(*) FROM sales WHERE "
					      "total = 2550 AND discount = 0 AND points = "
					      "0 AND note = '停车费' AND money_after = 7450"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (f->store,
					      "SELECT count(*) FROM sale_lines WHERE "
					      "price_source = 'direct' AND amount = 2550"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM payments WHERE "
							"method = 'balance' AND amount = 2550"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM audit WHERE "
							"action = 'deduct.money'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM outbox WHERE tbl "
							"IN ('sales', 'sale_lines', 'payments')"),
			 ==, 3);

	/* refunded as any sale: the money goes back to stored value */
	g_assert_true (hy_refund_sale (f->store->db, f->store->admin, sale, NULL, 0, NULL, NULL,
				       NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY, ""), ==, 10000);
	assert_verified (f);
}

static void
test_money_refused (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	gint64 before = footprint (f);

	/* without the permission, with a wrong or no PIN, too much, or nothing */
	g_assert_false (hy_deduct_money (f->store->db, auditor, f->card, 100, PIN, NULL, NULL, NULL,
					 &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_false (hy_deduct_money (f->store->db, f->store->admin, f->card, 100, "1111", NULL,
					 NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_false (hy_deduct_money (f->store->db, f->store->admin, f->card, 100, NULL, NULL,
					 NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_false (hy_deduct_money (f->store->db, f->store->admin, f->card, 10001, PIN, NULL,
					 NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_false (hy_deduct_money (f->store->db, f->store->admin, f->card, 0, PIN, NULL, NULL,
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM sales"), ==, 0);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM account_entries"), ==,
			 2);
	g_assert_cmpint (balance (f, HY_ACCOUNT_MONEY, ""), ==, 10000);
}

static void
test_count (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	g_autoptr (HyActor) cashier = hy_test_store_actor (f->store, "cashier");
	g_autofree gchar *op = NULL;
	gint64 left = 0, before;

	g_assert_true (hy_deduct_count (f->store->db, cashier, f->card, "WASH", 3, "补扣", &op,
					&left, &error));
	g_assert_no_error (error);
	g_assert_cmpint (left, ==, 2);
	g_assert_cmpint (balance (f, HY_ACCOUNT_COUNT, "WASH"), ==, 2);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM account_entries "
							"WHERE op = 'deduct' AND delta = -3 AND "
							"note = '补扣'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM audit WHERE "
							"action = 'deduct.count'"),
			 ==, 1);
	/* no sale and no money for a count deduction */
	g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM sales"), ==, 0);

	before = footprint (f);
	g_assert_false (hy_deduct_count (f->store->db, auditor, f->card, "WASH", 1, NULL, NULL,
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_deduct_count (f->store->db, cashier, f->card, "WASH", 3, NULL, NULL,
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_false (hy_deduct_count (f->store->db, cashier, f->card, "WASH", 0, NULL, NULL,
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	assert_verified (f);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/deduct/money", test_money);
	ADD ("/huiyuan/deduct/money-refused", test_money_refused);
	ADD ("/huiyuan/deduct/count", test_count);
	return g_test_run ();
}
