/* Settlement between stores (hy-settlement): lots made by recharges, drawn first-in
 * first-out, given back by refunds, carried by merges; figures per store and the owed
 * matrix over a period of local days, to the fen. Ledger rows of three stores are
 * written straight into one database (their times and clocks chosen), and one store's
 * real operations are settled too. */
#include "config.h"

#include <time.h>

#include "hy-card.h"
#include "hy-deduct.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member.h"
#include "hy-refund.h"
#include "hy-settlement.h"
#include "hy-test-common.h"

#define B "store-b"
#define C "store-c"

typedef struct {
	HyTestStore *store;
	const gchar *a; /* the test store's own id: store A */
	gint64 hlc;
	guint n;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->store = hy_test_store_new ("S01");
	f->a = hy_actor_get_store_id (f->store->admin);
	f->hlc = 1000;
	hy_test_store_raw_sql (f->store,
			       "INSERT INTO stores (id, code, name, number, hlc, origin_store) "
			       "VALUES ('" B "', 'S02', '二店', 2, 1, 'x'), "
			       "('" C "', 'S03', '三店', 3, 1, 'x')");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	hy_test_store_free (f->store);
}

/* ms since the epoch of 2026-11-`day` hh:mm:ss.ms, local time (TZ is CST-8). */
static gint64
at (gint day, gint hh, gint mm, gint ss, gint ms)
{
	g_autoptr (GDateTime) t = g_date_time_new_local (2026, 11, day, hh, mm, ss);
	return g_date_time_to_unix (t) * 1000 + ms;
}

/* One money entry as a store would have written it; clocks go up unless `hlc` is
 * given (non-zero). */
static void
entry_full (Fixture *f,
	    const gchar *card,
	    gint64 delta,
	    const gchar *op,
	    const gchar *op_id,
	    const gchar *store,
	    gint64 when,
	    gint64 hlc,
	    const gchar *id)
{
	sqlite3 *handle = hy_db_get_handle (f->store->db);
	sqlite3_stmt *stmt = NULL;
	g_autofree gchar *made_id = g_strdup_printf ("e%04u", ++f->n);
	g_assert_cmpint (
		sqlite3_prepare_v2 (handle,
				    "INSERT INTO account_entries (id, card_id, member_id, account, "
				    "item, delta, op, op_id, note, store_id, terminal_id, "
				    "operator_id, at, hlc, origin_store, origin_seq, prev_hash, "
				    "hash) VALUES (?1, ?2, 'm', 'money', '', ?3, ?4, ?5, '', ?6, "
				    "'t', 'o', ?7, ?8, ?6, ?9, '', '')",
				    -1, &stmt, NULL),
		==, SQLITE_OK);
	sqlite3_bind_text (stmt, 1, id != NULL ? id : made_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, card, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, delta);
	sqlite3_bind_text (stmt, 4, op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, op_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, when);
	sqlite3_bind_int64 (stmt, 8, hlc != 0 ? hlc : (f->hlc += 10));
	sqlite3_bind_int64 (stmt, 9, f->n);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
	sqlite3_finalize (stmt);
}

static void
entry (Fixture *f,
       const gchar *card,
       gint64 delta,
       const gchar *op,
       const gchar *store,
       gint64 when)
{
	g_autofree gchar *op_id = g_strdup_printf ("op%04u", f->n + 1);
	entry_full (f, card, delta, op, op_id, store, when, 0, NULL);
}

static HySettlement *
settle (Fixture *f, const gchar *from, const gchar *to)
{
	g_autoptr (GError) error = NULL;
	HySettlement *s = hy_settlement_compute (f->store->db, from, to, &error);
	g_assert_no_error (error);
	g_assert_nonnull (s);
	return s;
}

static const HySettlementStore *
row (const HySettlement *s, guint i)
{
	g_assert_cmpuint (i, <, s->stores->len);
	return g_ptr_array_index (s->stores, i);
}

/* taken in, granted, spent (of own lots, of others' lots), its lots spent elsewhere */
static void
assert_row (const HySettlement *s,
	    guint i,
	    gint64 taken_in,
	    gint64 granted,
	    gint64 spent,
	    gint64 own,
	    gint64 others,
	    gint64 elsewhere)
{
	const HySettlementStore *r = row (s, i);
	g_assert_cmpint (r->taken_in, ==, taken_in);
	g_assert_cmpint (r->granted, ==, granted);
	g_assert_cmpint (r->spent, ==, spent);
	g_assert_cmpint (r->spent_own, ==, own);
	g_assert_cmpint (r->spent_others, ==, others);
	g_assert_cmpint (r->spent_elsewhere, ==, elsewhere);
	g_assert_cmpint (HY_SETTLEMENT_NET (r), ==, others - elsewhere);
}

/* The matrix agrees with the rows: what a store is owed is its spending from others'
 * lots, what it owes is its lots spent elsewhere. */
static void
assert_consistent (const HySettlement *s)
{
	gint64 net = 0;
	for (guint i = 0; i < s->stores->len; i++) {
		gint64 owed_to = 0, owed_by = 0;
		for (guint j = 0; j < s->stores->len; j++) {
			owed_to += hy_settlement_owed (s, j, i);
			owed_by += hy_settlement_owed (s, i, j);
		}
		g_assert_cmpint (hy_settlement_owed (s, i, i), ==, 0);
		g_assert_cmpint (owed_to, ==, row (s, i)->spent_others);
		g_assert_cmpint (owed_by, ==, row (s, i)->spent_elsewhere);
		g_assert_cmpint (row (s, i)->spent, ==,
				 row (s, i)->spent_own + row (s, i)->spent_others);
		net += HY_SETTLEMENT_NET (row (s, i));
	}
	g_assert_cmpint (net, ==, 0);
}

static void
test_settlement_stores (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	s = settle (f, "2026-11-01", "2026-11-30");
	/* every store, by number, even without entries */
	g_assert_cmpuint (s->stores->len, ==, 3);
	g_assert_cmpstr (row (s, 0)->code, ==, "S01");
	g_assert_cmpstr (row (s, 1)->code, ==, "S02");
	g_assert_cmpstr (row (s, 1)->name, ==, "二店");
	g_assert_cmpstr (row (s, 2)->store_id, ==, C);
	for (guint i = 0; i < 3; i++)
		assert_row (s, i, 0, 0, 0, 0, 0, 0);
	g_assert_cmpint (s->unmatched, ==, 0);
}

/* Recharged at A and at B, spent at B and at A: each sale draws the oldest lot first. */
static void
test_settlement_across (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	entry (f, "card1", 10001, "recharge", f->a, at (10, 9, 0, 0, 0));
	entry (f, "card1", 4999, "recharge", B, at (10, 10, 0, 0, 0));
	/* B: 10001 of A's lot, 1999 of its own */
	entry (f, "card1", -12000, "sale", B, at (11, 12, 0, 0, 0));
	/* A: the 3000 left of B's lot */
	entry (f, "card1", -3000, "sale", f->a, at (12, 12, 0, 0, 0));
	/* a second card, recharged and spent at C alone */
	entry (f, "card2", 777, "recharge", C, at (12, 13, 0, 0, 0));
	entry (f, "card2", -700, "sale", C, at (12, 14, 0, 0, 0));

	s = settle (f, "2026-11-01", "2026-11-30");
	assert_row (s, 0, 10001, 0, 3000, 0, 3000, 10001);
	assert_row (s, 1, 4999, 0, 12000, 1999, 10001, 3000);
	assert_row (s, 2, 777, 0, 700, 700, 0, 0);
	g_assert_cmpint (hy_settlement_owed (s, 0, 1), ==, 10001); /* A owes B */
	g_assert_cmpint (hy_settlement_owed (s, 1, 0), ==, 3000);  /* B owes A */
	g_assert_cmpint (hy_settlement_owed (s, 0, 2), ==, 0);
	g_assert_cmpint (HY_SETTLEMENT_NET (row (s, 1)), ==, 7001);
	g_assert_cmpint (s->unmatched, ==, 0);
	assert_consistent (s);
}

/* Lots are ordered by clock, then id, whatever their insertion order or wall time. */
static void
test_settlement_fifo_order (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	/* written in the opposite order of their clocks; B's wall clock runs behind */
	entry_full (f, "card1", 500, "recharge", "r3", C, at (10, 9, 0, 0, 0), 300, "x3");
	entry_full (f, "card1", 400, "recharge", "r2", B, at (10, 8, 0, 0, 0), 200, "x2");
	entry_full (f, "card1", 300, "recharge", "r1", f->a, at (10, 10, 0, 0, 0), 100, "x1");
	/* the same clock: the smaller id first */
	entry_full (f, "card1", 200, "recharge", "r4b", B, at (10, 11, 0, 0, 0), 400, "x4b");
	entry_full (f, "card1", 100, "recharge", "r4a", f->a, at (10, 11, 0, 0, 0), 400, "x4a");
	/* at C: A's 300, B's 400, then 100 of C's own */
	entry_full (f, "card1", -800, "sale", "s1", C, at (10, 12, 0, 0, 0), 500, "x5");
	/* at A: C's remaining 400, then A's 100 (id x4a) and 50 of B's 200 (x4b) */
	entry_full (f, "card1", -550, "sale", "s2", f->a, at (10, 13, 0, 0, 0), 600, "x6");

	s = settle (f, "2026-11-10", "2026-11-10");
	assert_row (s, 0, 400, 0, 550, 100, 450, 300);
	assert_row (s, 1, 600, 0, 0, 0, 0, 450);
	assert_row (s, 2, 500, 0, 800, 100, 700, 400);
	g_assert_cmpint (hy_settlement_owed (s, 0, 2), ==, 300);
	g_assert_cmpint (hy_settlement_owed (s, 1, 2), ==, 400);
	g_assert_cmpint (hy_settlement_owed (s, 2, 0), ==, 400);
	g_assert_cmpint (hy_settlement_owed (s, 1, 0), ==, 50);
	assert_consistent (s);
}

/* A refund gives back, newest first, what the card's sales at the refunding store
 * drew; the lots given back are drawn again in their old place. */
static void
test_settlement_refund (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	entry (f, "card1", 5000, "recharge", f->a, at (10, 9, 0, 0, 0));
	entry (f, "card1", 5000, "recharge", B, at (10, 9, 30, 0, 0));
	entry (f, "card1", -4000, "sale", B, at (10, 10, 0, 0, 0));
	/* 1000 of A's lot, 2000 of B's */
	entry (f, "card1", -3000, "sale", B, at (10, 11, 0, 0, 0));
	/* back: B's 2000, then 500 of A's */
	entry (f, "card1", 2500, "refund", B, at (10, 12, 0, 0, 0));
	/* at A: the 500 of A's lot given back, then 500 of B's */
	entry (f, "card1", -1000, "sale", f->a, at (10, 13, 0, 0, 0));
	/* a withdrawal is not a sale: a refund at A gives back only A's sale */
	entry (f, "card1", -100, "withdraw", f->a, at (10, 14, 0, 0, 0));
	entry (f, "card1", 1000, "refund", f->a, at (10, 15, 0, 0, 0));

	s = settle (f, "2026-11-10", "2026-11-10");
	/* A: sold 1000 (500 own, 500 B's), withdrew 100 of B's, refunded 1000 */
	assert_row (s, 0, 5000, 0, 100, 0, 100, 4500);
	/* B: sold 7000 (5000 of A's, 2000 own), refunded 2500 (2000 own, 500 A's) */
	assert_row (s, 1, 5000, 0, 4500, 0, 4500, 100);
	g_assert_cmpint (hy_settlement_owed (s, 0, 1), ==, 4500);
	g_assert_cmpint (hy_settlement_owed (s, 1, 0), ==, 100);
	assert_consistent (s);

	/* a refund beyond what sales there drew is the refunding store's own new lot */
	entry (f, "card1", 300, "refund", C, at (10, 16, 0, 0, 0));
	/* lots now: A 500, B 4900, C 300; at B: A's 500, 4900 of its own, 100 of C's */
	entry (f, "card1", -5500, "sale", B, at (10, 17, 0, 0, 0));
	g_clear_pointer (&s, hy_settlement_free);
	s = settle (f, "2026-11-10", "2026-11-10");
	assert_row (s, 2, 0, 0, -300, -300, 0, 100);
	assert_row (s, 1, 5000, 0, 10000, 4900, 5100, 100);
	g_assert_cmpint (hy_settlement_owed (s, 0, 1), ==, 5000);
	g_assert_cmpint (hy_settlement_owed (s, 2, 1), ==, 100);
	g_assert_cmpint (s->unmatched, ==, 0);
	assert_consistent (s);
}

/* A merge carries the old card's lots to the new one in their places; a refund on the
 * new card gives back what a sale on the old one drew. */
static void
test_settlement_merge (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	entry (f, "old", 3000, "recharge", f->a, at (10, 9, 0, 0, 0));
	entry (f, "new", 2000, "recharge", B, at (10, 10, 0, 0, 0));
	entry (f, "old", -500, "sale", C, at (10, 11, 0, 0, 0));
	entry_full (f, "old", -2500, "merge", "m1", C, at (10, 12, 0, 0, 0), 0, NULL);
	entry_full (f, "new", 2500, "merge", "m1", C, at (10, 12, 0, 0, 0), 0, NULL);
	hy_test_store_raw_sql (f->store, "INSERT INTO cards (id, number, member_id, kind_id, "
					 "status, retired_reason, successor_id, issued_at, "
					 "store_id, hlc, origin_store) VALUES ('old', '9', 'm', "
					 "'k', 'retired', 'merged', 'new', 0, 'x', 1, 'x')");
	/* A's 2500 (older than B's lot), then 1000 of B's */
	entry (f, "new", -3500, "sale", C, at (10, 13, 0, 0, 0));
	/* back: B's 1000 and A's 2500 of the newest sale, then 300 of the old card's */
	entry (f, "new", 3800, "refund", C, at (10, 14, 0, 0, 0));

	s = settle (f, "2026-11-10", "2026-11-10");
	assert_row (s, 0, 3000, 0, 0, 0, 0, 200);
	assert_row (s, 1, 2000, 0, 0, 0, 0, 0);
	assert_row (s, 2, 0, 0, 200, 0, 200, 0);
	g_assert_cmpint (hy_settlement_owed (s, 0, 2), ==, 200);
	/* the merge itself is nobody's spending */
	g_assert_cmpint (s->unmatched, ==, 0);
	assert_consistent (s);

	/* a replacement carries lots the same way; of the card's 4800, A's 2800 first */
	entry_full (f, "new", -4800, "replace", "p1", B, at (10, 15, 0, 0, 0), 0, NULL);
	entry_full (f, "newer", 4800, "replace", "p1", B, at (10, 15, 0, 0, 0), 0, NULL);
	entry (f, "newer", -3000, "withdraw", B, at (10, 16, 0, 0, 0));
	g_clear_pointer (&s, hy_settlement_free);
	s = settle (f, "2026-11-10", "2026-11-10");
	assert_row (s, 0, 3000, 0, 0, 0, 0, 3000);
	assert_row (s, 1, 2000, 0, 3000, 200, 2800, 0);
	g_assert_cmpint (hy_settlement_owed (s, 0, 1), ==, 2800);
	assert_consistent (s);
}

/* Bonus money is a lot of the store that granted it; an instalment one of the store
 * whose recharge scheduled it, wherever the due-job ran. */
static void
test_settlement_bonus (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	entry_full (f, "card1", 10000, "recharge", "r1", B, at (10, 9, 0, 0, 0), 0, NULL);
	entry_full (f, "card1", 1000, "recharge_bonus", "r1", B, at (10, 9, 0, 0, 0), 0, NULL);
	hy_test_store_raw_sql (f->store,
			       "INSERT INTO recharge_schedules (id, card_id, member_id, "
			       "recharge_op_id, starts_on, every_days, times, money, points, "
			       "store_id, operator_id, at, hlc, origin_store) VALUES ('sch', "
			       "'card1', 'm', 'r1', '2026-11-10', 1, 2, 250, 0, '" B
			       "', 'o', 0, 1, '" B "')");
	entry_full (f, "card1", 250, "instalment", "sch:1", f->a, at (11, 0, 5, 0, 0), 0, NULL);
	entry (f, "card1", 99, "points_cash", C, at (11, 1, 0, 0, 0));
	/* all of it spent at A: B's 11250, C's 99 */
	entry (f, "card1", -11349, "sale", f->a, at (12, 9, 0, 0, 0));

	s = settle (f, "2026-11-01", "2026-11-30");
	assert_row (s, 0, 0, 0, 11349, 0, 11349, 0);
	assert_row (s, 1, 10000, 1250, 0, 0, 0, 11250);
	assert_row (s, 2, 0, 99, 0, 0, 0, 99);
	g_assert_cmpint (hy_settlement_owed (s, 1, 0), ==, 11250);
	g_assert_cmpint (hy_settlement_owed (s, 2, 0), ==, 99);
	assert_consistent (s);
}

/* A day runs from local midnight to the last millisecond before the next; entries
 * outside the period still make and draw lots. */
static void
test_settlement_period (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;
	g_autoptr (GError) error = NULL;

	entry (f, "card1", 1000, "recharge", f->a, at (9, 23, 59, 59, 999));
	entry (f, "card1", 2000, "recharge", B, at (10, 0, 0, 0, 0));
	entry (f, "card1", -100, "sale", B, at (10, 0, 0, 0, 0));
	entry (f, "card1", -200, "sale", B, at (11, 23, 59, 59, 999));
	entry (f, "card1", -400, "sale", C, at (12, 0, 0, 0, 0));

	s = settle (f, "2026-11-10", "2026-11-11");
	assert_row (s, 0, 0, 0, 0, 0, 0, 300);
	assert_row (s, 1, 2000, 0, 300, 0, 300, 0);
	assert_row (s, 2, 0, 0, 0, 0, 0, 0);
	g_clear_pointer (&s, hy_settlement_free);

	/* the 12th alone: C drew on the 700 left of A's lot */
	s = settle (f, "2026-11-12", "2026-11-12");
	assert_row (s, 2, 0, 0, 400, 0, 400, 0);
	g_assert_cmpint (hy_settlement_owed (s, 0, 2), ==, 400);
	g_clear_pointer (&s, hy_settlement_free);

	/* the 9th alone */
	s = settle (f, "2026-11-09", "2026-11-09");
	assert_row (s, 0, 1000, 0, 0, 0, 0, 0);
	assert_row (s, 1, 0, 0, 0, 0, 0, 0);
	g_clear_pointer (&s, hy_settlement_free);

	/* bad periods */
	g_assert_null (hy_settlement_compute (f->store->db, "2026-11-12", "2026-11-11", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_null (hy_settlement_compute (f->store->db, "2026-02-30", "2026-03-01", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_null (hy_settlement_compute (f->store->db, "2026-11-01", "11/30", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
}

/* Spending no lot covers (a ledger missing its credit) is counted, as the spending
 * store's own, and named. */
static void
test_settlement_unmatched (Fixture *f, gconstpointer data)
{
	g_autoptr (HySettlement) s = NULL;

	entry (f, "card1", 100, "recharge", f->a, at (10, 9, 0, 0, 0));
	entry (f, "card1", -150, "sale", B, at (10, 10, 0, 0, 0));
	s = settle (f, "2026-11-10", "2026-11-10");
	g_assert_cmpint (s->unmatched, ==, 50);
	assert_row (s, 1, 0, 0, 150, 50, 100, 0);
	assert_consistent (s);
}

/* The entries one store's real operations write: recharges, a direct deduction and its
 * refund, a withdrawal, a merge; all its own, nothing unmatched, and what was taken in
 * less what was spent is what the cards hold. */
static void
test_settlement_operations (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HySettlement) s = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree gchar *today = g_date_time_format (now, "%Y-%m-%d");
	g_autofree gchar *card1 = NULL;
	g_autofree gchar *card2 = NULL;
	g_autofree gchar *sale = NULL;
	HyDb *db = f->store->db;
	HyActor *admin = f->store->admin;
	gint64 held;

	for (guint i = 0; i < 2; i++) {
		g_autoptr (HyMember) member = hy_member_new ();
		member->name = g_strdup (i == 0 ? "张三" : "李四");
		member->phone = g_strdup (i == 0 ? "13600136001" : "13600136002");
		g_assert_true (hy_member_register (db, admin, member, NULL, NULL, NULL, NULL,
						   i == 0 ? &card1 : &card2, &error));
		g_assert_no_error (error);
	}
	g_assert_true (hy_ledger_recharge (db, admin, card1, 10000, NULL, NULL, &error));
	g_assert_true (hy_ledger_recharge (db, admin, card2, 3000, NULL, NULL, &error));
	g_assert_true (hy_deduct_money (db, admin, card1, 2550, NULL, NULL, &sale, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_refund_sale (db, admin, sale, NULL, 0, NULL, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_withdraw (db, admin, card1, 1000, NULL, NULL, &error));
	g_assert_true (hy_card_merge (db, admin, card1, card2, &error));
	g_assert_no_error (error);
	g_assert_true (hy_deduct_money (db, admin, card2, 1234, NULL, NULL, NULL, NULL, &error));
	g_assert_no_error (error);

	s = settle (f, today, today);
	assert_row (s, 0, 13000, 0, 1000 + 1234, 1000 + 1234, 0, 0);
	g_assert_cmpint (s->unmatched, ==, 0);
	held = hy_test_store_count (f->store,
				    "SELECT sum(amount) FROM balances WHERE account = 'money'");
	g_assert_cmpint (held, ==, 13000 - 1000 - 1234);
	assert_consistent (s);
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	tzset ();
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("/settlement/stores", test_settlement_stores);
	ADD ("/settlement/across", test_settlement_across);
	ADD ("/settlement/fifo-order", test_settlement_fifo_order);
	ADD ("/settlement/refund", test_settlement_refund);
	ADD ("/settlement/merge", test_settlement_merge);
	ADD ("/settlement/bonus", test_settlement_bonus);
	ADD ("/settlement/period", test_settlement_period);
	ADD ("/settlement/unmatched", test_settlement_unmatched);
	ADD ("/settlement/operations", test_settlement_operations);
	return g_test_run ();
}
