/* Count cards: lots with their own expiry, used earliest expiry first. */
#include "config.h"

#include "hy-card.h"
#include "hy-count.h"
#include "hy-error.h"
#include "hy-item.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-test-common.h"
#include "hy-verify.h"

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
	g_assert_true (hy_item_add (f->store->db, f->store->admin, "SWIM", "游泳", NULL, 4000, NULL,
				    NULL, NULL, &error));
	g_assert_true (hy_item_add (f->store->db, f->store->admin, "WASH", "洗车", NULL, 3000, NULL,
				    NULL, NULL, &error));
	member->name = g_strdup ("赵敏");
	member->phone = g_strdup ("13700137000");
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   NULL, &f->card, &error));
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
swims (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	gint64 n = 0;
	g_assert_true (
		hy_ledger_balance (f->store->db, f->card_id, HY_ACCOUNT_COUNT, "SWIM", &n, &error));
	return n;
}

static gint64
footprint (Fixture *f)
{
	return hy_test_store_count (f->store, "SELECT (SELECT count(*) FROM count_lots) + "
					      "(SELECT count(*) FROM count_uses) * 100 + "
					      "(SELECT count(*) FROM account_entries) * 10000 + "
					      "(SELECT count(*) FROM audit) * 1000000");
}

static void
test_count_earliest_expiry_first (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) lots = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	const HyCountLot *lot;

	/* ten swims until the end of 2099, five that run out sooner, and a car wash that
	 * never expires */
	g_assert_true (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 10,
				     "2099-12-31", NULL, &error));
	g_assert_true (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 5,
				     "2098-06-30", NULL, &error));
	g_assert_true (hy_count_add (f->store->db, f->store->admin, "13700137000", "WASH", 3, NULL,
				     NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (swims (f), ==, 15);

	/* seven swims: the five that expire first, then two of the ten */
	g_assert_true (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 7, NULL, NULL,
				     &error));
	g_assert_no_error (error);
	g_assert_cmpint (swims (f), ==, 8);
	lots = hy_count_list (f->store->db, f->card, &error);
	g_assert_cmpuint (lots->len, ==, 2);
	lot = g_ptr_array_index (lots, 0);
	g_assert_cmpstr (lot->item, ==, "SWIM");
	g_assert_cmpstr (lot->expires_on, ==, "2099-12-31");
	g_assert_cmpint (lot->remaining, ==, 8);
	lot = g_ptr_array_index (lots, 1);
	g_assert_cmpstr (lot->item, ==, "WASH");
	g_assert_null (lot->expires_on);
	g_assert_cmpint (lot->remaining, ==, 3);

	g_assert_true (hy_verify (f->store->db, problems, &error));
	g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_count_expired_and_short (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) auditor = hy_test_store_actor (f->store, "auditor");
	gint64 before;

	g_assert_true (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 4,
				     "2030-01-31", NULL, &error));
	g_assert_true (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 2, NULL, NULL,
				     &error));

	/* on 2030-02-01 the first lot has expired: only the two that never expire are left */
	g_assert_false (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 3,
				      "2030-02-01", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_assert_nonnull (strstr (error->message, "2 uses"));
	g_assert_nonnull (strstr (error->message, "4 more have expired"));
	g_clear_error (&error);
	/* on its last day it is still good */
	g_assert_true (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 5,
				     "2030-01-31", NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (swims (f), ==, 1);
	before = footprint (f);

	/* refused, nothing written */
	g_assert_false (hy_count_use (f->store->db, f->store->admin, f->card, "WASH", 1, NULL, NULL,
				      &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INSUFFICIENT);
	g_clear_error (&error);
	g_assert_false (hy_count_add (f->store->db, f->store->admin, f->card, "GOLF", 1, NULL, NULL,
				      &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 0, NULL, NULL,
				      &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_count_add (f->store->db, f->store->admin, f->card, "SWIM", 1,
				      "2001-01-01", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (
		hy_count_use (f->store->db, auditor, f->card, "SWIM", 1, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_true (hy_card_report_lost (f->store->db, f->store->admin, f->card, &error));
	before = footprint (f);
	g_assert_false (hy_count_use (f->store->db, f->store->admin, f->card, "SWIM", 1, NULL, NULL,
				      &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_cmpint (footprint (f), ==, before);
	g_assert_cmpint (swims (f), ==, 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/huiyuan/count/earliest-expiry-first", test_count_earliest_expiry_first);
	ADD ("/huiyuan/count/expired-and-short", test_count_expired_and_short);
	return g_test_run ();
}
