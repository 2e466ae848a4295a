/* A seeded random mix of sales, refunds, recharges, withdrawals and points
 * adjustments: after every step the books balance, and no balance is ever negative.
 * HUIYUAN_RANDOM_SEED=N replays a failing run; HUIYUAN_RANDOM_STEPS sets its length. */
#include "config.h"

#include <inttypes.h>

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"
#include "hy-verify.h"

static const gchar *rules_json =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 15000, \"discount_bp\": 9000}],"
	" \"items\": [{\"code\": \"A\", \"name\": \"A\", \"price\": 333, \"category\": \"c\"},"
	"   {\"code\": \"B\", \"name\": \"B\", \"price\": 1999, \"member_price\": 1800},"
	"   {\"code\": \"C\", \"name\": \"C\", \"price\": 5000, \"points_bp\": 20000}],"
	" \"categories\": [{\"name\": \"c\", \"discount_bp\": 9700}],"
	" \"stores\": {\"S01\": {\"use_level_points\": true, \"use_level_discount\": true,"
	"   \"use_item_points\": true, \"use_item_discount\": true, \"use_order_total\": true,"
	"   \"points_bp\": 20000, \"order_total\": [{\"min\": 3000, \"max\": 1000000,"
	"   \"extra_discount_bp\": 300, \"extra_points_bp\": 1000}]}}}";

#define N_CARDS 4

typedef struct {
	HyTestStore *store;
	GRand *rand;
	gchar *cards[N_CARDS];
	GPtrArray *sales;
	guint64 seed;
	guint done, refused;
} Sim;

static gboolean
sim_sale (Sim *s, GError **error)
{
	static const gchar *const items[] = {"A", "B", "C"};
	HyBasketLine lines[3];
	HyTender pay[2];
	guint n_lines = (guint) g_rand_int_range (s->rand, 1, 4);
	const gchar *card = s->cards[g_rand_int_range (s->rand, 0, N_CARDS)];
	gboolean member = g_rand_int_range (s->rand, 0, 5) > 0;
	g_autofree gchar *sale = NULL;
	g_autoptr (JsonNode) receipt = NULL;
	gint64 total = 0;

	for (guint i = 0; i < n_lines; i++) {
		if (g_rand_int_range (s->rand, 0, 4) == 0)
			lines[i] = (HyBasketLine){NULL, 0, g_rand_int_range (s->rand, 1, 20000)};
		else
			lines[i] = (HyBasketLine){items[i], g_rand_int_range (s->rand, 1, 4), 0};
	}
	{
		/* price first to know what is due, as a till would show it */
		g_autoptr (HyRules) rules = hy_rules_load (s->store->db, error);
		g_autoptr (HyCard) c = member ? hy_card_lookup (s->store->db, card, error) : NULL;
		g_autoptr (GDateTime) now = g_date_time_new_now_local ();
		g_autoptr (HyPricedBasket) basket = NULL;
		HyPricingMember pm = {"Standard", NULL};
		if (rules == NULL || (member && c == NULL))
			return FALSE;
		basket = hy_pricing_price (rules, "S01", member ? &pm : NULL, now, lines, n_lines,
					   error);
		if (basket == NULL)
			return FALSE;
		total = basket->total;
	}
	if (member && g_rand_boolean (s->rand)) {
		gint64 from_balance = g_rand_int_range (s->rand, 0, (gint32) total + 1);
		pay[0] = (HyTender){HY_TENDER_BALANCE, MAX (from_balance, 1), NULL};
		pay[1] = (HyTender){HY_TENDER_CASH, total - pay[0].amount + 50, NULL};
	} else {
		pay[0] = (HyTender){HY_TENDER_CASH, total + g_rand_int_range (s->rand, 0, 500),
				    NULL};
		pay[1] = (HyTender){HY_TENDER_BANK_CARD, 1, NULL};
	}
	{
		HySaleRequest req = {
			.card = member ? card : NULL,
			.lines = lines,
			.n_lines = n_lines,
			.tenders = pay,
			.n_tenders = pay[1].amount > 0 && pay[1].method == HY_TENDER_CASH ? 2 : 1};
		if (!hy_checkout_sell (s->store->db, s->store->admin, &req, &sale, &receipt, error))
			return FALSE;
	}
	g_ptr_array_add (s->sales, g_steal_pointer (&sale));
	return TRUE;
}

static gboolean
sim_step (Sim *s, GError **error)
{
	const gchar *card = s->cards[g_rand_int_range (s->rand, 0, N_CARDS)];
	switch (g_rand_int_range (s->rand, 0, 6)) {
	case 0:
		return hy_ledger_recharge (s->store->db, s->store->admin, card,
					   g_rand_int_range (s->rand, 1, 50000), NULL, NULL, error);
	case 1:
		return hy_ledger_withdraw (s->store->db, s->store->admin, card,
					   g_rand_int_range (s->rand, 1, 20000), NULL, NULL, error);
	case 2:
		return hy_ledger_adjust_points (s->store->db, s->store->admin, card,
						g_rand_int_range (s->rand, -20000, 20000) | 1,
						"sim", NULL, error);
	case 3:
	case 4:
		return sim_sale (s, error);
	default: {
		HyRefundLine line = {(guint) g_rand_int_range (s->rand, 1, 4),
				     g_rand_int_range (s->rand, 0, 3)};
		const gchar *sale;
		if (s->sales->len == 0)
			return TRUE;
		sale = g_ptr_array_index (s->sales, g_rand_int_range (s->rand, 0, s->sales->len));
		return hy_refund_sale (s->store->db, s->store->admin, sale, &line,
				       g_rand_boolean (s->rand) ? 1 : 0, NULL, NULL, NULL, error);
	}
	}
}

/* The books: verify finds nothing, and every money, points and count balance is >= 0. */
static void
sim_check (Sim *s, guint step)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (hy_verify (s->store->db, problems, &error));
	if (problems->len > 0 ||
	    hy_test_store_count (s->store, "SELECT count(*) FROM balances WHERE amount < 0 "
					   "AND account != 'time'") > 0)
		g_error ("seed %" G_GUINT64_FORMAT ", step %u: %s", s->seed, step,
			 problems->len > 0 ? (const gchar *) g_ptr_array_index (problems, 0)
					   : "a negative balance");
}

static void
test_random_ledger (void)
{
	g_autoptr (GError) error = NULL;
	const gchar *seed_env = g_getenv ("HUIYUAN_RANDOM_SEED");
	const gchar *steps_env = g_getenv ("HUIYUAN_RANDOM_STEPS");
	guint steps = steps_env != NULL ? (guint) g_ascii_strtoull (steps_env, NULL, 10) : 1500;
	Sim s = {0};

	s.seed = seed_env != NULL ? g_ascii_strtoull (seed_env, NULL, 10) : 20261123;
	g_test_message ("seed %" G_GUINT64_FORMAT " (HUIYUAN_RANDOM_SEED replays it)", s.seed);
	s.rand = g_rand_new_with_seed ((guint32) s.seed);
	s.store = hy_test_store_new ("S01");
	s.sales = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (hy_rules_import (s.store->db, s.store->admin, rules_json, -1, NULL, &error));
	for (guint i = 0; i < N_CARDS; i++) {
		g_autoptr (HyMember) member = hy_member_new ();
		member->name = g_strdup_printf ("会员%u", i);
		member->phone = g_strdup_printf ("1390000000%u", i);
		g_assert_true (hy_member_register (s.store->db, s.store->admin, member, NULL, NULL,
						   NULL, NULL, &s.cards[i], &error));
		g_assert_no_error (error);
	}

	for (guint step = 1; step <= steps; step++) {
		g_autoptr (GError) step_error = NULL;
		if (sim_step (&s, &step_error)) {
			s.done++;
		} else {
			/* refusals are part of the game (too little stored value, points spent,
			 * a line already returned), but only those */
			if (!g_error_matches (step_error, HY_ERROR, HY_ERROR_INSUFFICIENT) &&
			    !g_error_matches (step_error, HY_ERROR, HY_ERROR_CONFLICT) &&
			    !g_error_matches (step_error, HY_ERROR, HY_ERROR_INVALID_INPUT))
				g_error ("seed %" G_GUINT64_FORMAT ", step %u: %s", s.seed, step,
					 step_error->message);
			s.refused++;
		}
		if (step % 250 == 0 || step == steps)
			sim_check (&s, step);
	}
	g_test_message ("%u steps done, %u refused, %u sales", s.done, s.refused, s.sales->len);
	g_assert_cmpuint (s.done, >, steps / 2);
	g_assert_cmpuint (s.sales->len, >, 0);
	/* refunds never return more than their sale took */
	g_assert_cmpint (hy_test_store_count (s.store,
					      "SELECT count(*) FROM sales s WHERE s.total < "
					      "(SELECT coalesce (sum (amount), 0) FROM refunds r "
					      "WHERE r.sale_id = s.id)"),
			 ==, 0);

	for (guint i = 0; i < N_CARDS; i++)
		g_free (s.cards[i]);
	g_ptr_array_unref (s.sales);
	g_rand_free (s.rand);
	hy_test_store_free (s.store);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/ledger/random-mix", test_random_ledger);
	return g_test_run ();
}
