/* Member filters on a store of a few thousand demo members with sales on several days:
 * each filter (level, points, last visit, visits, birthday month, a searchable custom
 * field, and combinations) finds exactly the members that a member-by-member check
 * through the core finds; bad criteria are refused with the reason; the saved form
 * round-trips. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-demo.h"
#include "hy-error.h"
#include "hy-ledger.h"
#include "hy-member-filter.h"
#include "hy-member-history.h"
#include "hy-member.h"
#include "hy-test-common.h"

#define N_MEMBERS 3000

typedef struct {
	gchar *id;
	gchar *level;
	gchar *birthday;
	gint64 points;
	gint64 visits;
	gint64 last_visit; /* ms, 0 when none */
	gchar *wechat;
} Facts;

static void
facts_free (Facts *f)
{
	g_free (f->id);
	g_free (f->level);
	g_free (f->birthday);
	g_free (f->wechat);
	g_free (f);
}

static HyTestStore *store;
static GPtrArray *facts; /* Facts of every member */

static GDateTime *
noon (gint year, gint month, gint day)
{
	g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
	return g_date_time_new (tz, year, month, day, 12, 0, 0);
}

/* Sales on several days for some members; a searchable field value for a few. */
static void
add_history (void)
{
	g_autoptr (GError) error = NULL;
	const HyBasketLine water[] = {{"WATER", 1, 0}};
	const HyTender cash[] = {{HY_TENDER_CASH, 200, NULL}};

	for (guint i = 0; i < 90; i++) {
		g_autofree gchar *phone = hy_demo_phone (i, 7);
		for (guint k = 0; k <= i % 4; k++) {
			g_autoptr (GDateTime) at = noon (2026, 1 + (i + k) % 6, 1 + i % 28);
			HySaleRequest req = {.card = phone,
					     .lines = water,
					     .n_lines = 1,
					     .tenders = cash,
					     .n_tenders = 1,
					     .at = at};
			/* a lost card cannot buy: those members simply have no visits */
			if (!hy_checkout_sell (store->db, store->admin, &req, NULL, NULL, &error)) {
				g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
				g_clear_error (&error);
			}
		}
	}
	for (guint i = 100; i < 120; i++) {
		g_autofree gchar *phone = hy_demo_phone (i, 7);
		g_autoptr (HyCard) card = hy_card_lookup (store->db, phone, &error);
		g_autoptr (HyMember) member = NULL;
		g_assert_no_error (error);
		member = hy_member_get (store->db, card->member_id, &error);
		g_assert_no_error (error);
		g_hash_table_insert (member->fields, g_strdup ("wechat"),
				     g_strdup (i % 2 == 0 ? "wx_even" : "wx_odd"));
		g_assert_true (hy_member_update (store->db, store->admin, member, NULL, &error));
		g_assert_no_error (error);
	}
}

/* Every member's facts, found one by one through the core (not the filter's SQL). */
static void
collect_facts (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (store->db, "SELECT id FROM members WHERE deleted = 0", &error);
	gboolean has_row = FALSE;

	facts = g_ptr_array_new_with_free_func ((GDestroyNotify) facts_free);
	g_assert_no_error (error);
	for (;;) {
		g_autoptr (HyMember) member = NULL;
		g_autoptr (GPtrArray) cards = NULL;
		g_autoptr (GPtrArray) sales = NULL;
		Facts *f;
		g_assert_true (hy_db_step_row (store->db, stmt, &has_row, &error));
		if (!has_row)
			break;
		f = g_new0 (Facts, 1);
		f->id = hy_stmt_dup_text (stmt, 0);
		member = hy_member_get (store->db, f->id, &error);
		g_assert_no_error (error);
		f->level = g_strdup (member->level_name);
		f->birthday = g_strdup (member->birthday);
		f->wechat = g_strdup (g_hash_table_lookup (member->fields, "wechat"));
		cards = hy_card_list_for_member (store->db, f->id, &error);
		g_assert_no_error (error);
		for (guint i = 0; i < cards->len; i++) {
			HyCard *card = g_ptr_array_index (cards, i);
			gint64 points = 0;
			if (card->status == HY_CARD_STATUS_RETIRED)
				continue;
			g_assert_true (hy_ledger_balance (store->db, card->id, HY_ACCOUNT_POINTS,
							  "", &points, &error));
			f->points += points;
		}
		sales = hy_member_history_sales (store->db, f->id, 100000, &error);
		g_assert_no_error (error);
		f->visits = sales->len;
		for (guint i = 0; i < sales->len; i++)
			f->last_visit = MAX (f->last_visit,
					     ((HyHistorySale *) g_ptr_array_index (sales, i))->at);
		g_ptr_array_add (facts, f);
	}
	g_assert_cmpuint (facts->len, ==, N_MEMBERS);
}

static gint64
day_start (const gchar *day, gint plus)
{
	gint y, m, d;
	g_autoptr (GDateTime) start = NULL;
	g_autoptr (GDateTime) shifted = NULL;
	g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
	g_assert_cmpint (sscanf (day, "%d-%d-%d", &y, &m, &d), ==, 3);
	start = g_date_time_new (tz, y, m, d, 0, 0, 0);
	shifted = g_date_time_add_days (start, plus);
	return g_date_time_to_unix (shifted) * 1000;
}

static gboolean
matches (const HyMemberFilter *q, const Facts *f)
{
	if (q->level != NULL && g_strcmp0 (q->level, f->level) != 0)
		return FALSE;
	if (q->points_min >= 0 && f->points < q->points_min)
		return FALSE;
	if (q->points_max >= 0 && f->points > q->points_max)
		return FALSE;
	if (q->visits_min >= 0 && f->visits < q->visits_min)
		return FALSE;
	if (q->visits_max >= 0 && f->visits > q->visits_max)
		return FALSE;
	if (q->visited_from != NULL &&
	    (f->visits == 0 || f->last_visit < day_start (q->visited_from, 0)))
		return FALSE;
	if (q->visited_to != NULL &&
	    (f->visits == 0 || f->last_visit >= day_start (q->visited_to, 1)))
		return FALSE;
	if (q->birthday_month > 0) {
		gint month = f->birthday != NULL ? atoi (f->birthday + 5) : 0;
		if (month != q->birthday_month)
			return FALSE;
	}
	if (q->field_key != NULL && g_strcmp0 (q->field_value, f->wechat) != 0)
		return FALSE;
	return TRUE;
}

/* The filter finds exactly the members the facts say; returns how many. */
static guint
assert_filter (const HyMemberFilter *q)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) found = hy_member_filter_run (store->db, q, N_MEMBERS + 1, &error);
	g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
	guint expected = 0;

	g_assert_no_error (error);
	for (guint i = 0; i < found->len; i++) {
		HyMember *m = g_ptr_array_index (found, i);
		g_assert_true (g_hash_table_add (ids, m->id)); /* each once */
	}
	for (guint i = 0; i < facts->len; i++) {
		Facts *f = g_ptr_array_index (facts, i);
		gboolean want = matches (q, f);
		expected += want;
		if (want != g_hash_table_contains (ids, f->id))
			g_error ("member %s: expected %s", f->id, want ? "in" : "out");
	}
	g_assert_cmpuint (found->len, ==, expected);
	return expected;
}

static void
test_filters (void)
{
	g_autoptr (HyMemberFilter) q = NULL;

	q = hy_member_filter_new ();
	q->level = g_strdup ("金卡会员");
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->points_min = 10000;
	q->points_max = 30000;
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->birthday_month = 5;
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->visits_min = 2;
	g_assert_cmpuint (assert_filter (q), >, 0);
	q->visits_max = 3;
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	/* never bought, at the top level */
	q = hy_member_filter_new ();
	q->visits_max = 0;
	q->level = g_strdup ("钻石会员");
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->visited_from = g_strdup ("2026-03-01");
	q->visited_to = g_strdup ("2026-04-30");
	g_assert_cmpuint (assert_filter (q), >, 0);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->visited_to = g_strdup ("2026-01-31");
	assert_filter (q);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->field_key = g_strdup ("wechat");
	q->field_value = g_strdup ("wx_even");
	g_assert_cmpuint (assert_filter (q), ==, 10);
	g_clear_pointer (&q, hy_member_filter_free);

	q = hy_member_filter_new ();
	q->level = g_strdup ("银卡会员");
	q->birthday_month = 3;
	q->points_min = 1;
	assert_filter (q);
	g_clear_pointer (&q, hy_member_filter_free);

	/* no criterion: everyone, the limit keeps the newest */
	q = hy_member_filter_new ();
	g_assert_true (hy_member_filter_is_empty (q));
	g_assert_cmpuint (assert_filter (q), ==, N_MEMBERS);
	{
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) ten = hy_member_filter_run (store->db, q, 10, &error);
		g_autofree gchar *newest = hy_demo_phone (N_MEMBERS - 1, 7);
		g_assert_no_error (error);
		g_assert_cmpuint (ten->len, ==, 10);
		g_assert_cmpstr (((HyMember *) g_ptr_array_index (ten, 0))->phone, ==, newest);
	}
}

static void
assert_refused (HyMemberFilter *q, gint code, const gchar *what)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) found = hy_member_filter_run (store->db, q, 0, &error);
	g_assert_null (found);
	g_assert_error (error, HY_ERROR, code);
	g_assert_nonnull (strstr (error->message, what));
	hy_member_filter_free (q);
}

static void
test_refusals (void)
{
	HyMemberFilter *q;

	q = hy_member_filter_new ();
	q->points_min = 500;
	q->points_max = 100;
	assert_refused (q, HY_ERROR_INVALID_INPUT, "points");
	q = hy_member_filter_new ();
	q->birthday_month = 13;
	assert_refused (q, HY_ERROR_INVALID_INPUT, "13");
	q = hy_member_filter_new ();
	q->visited_from = g_strdup ("2026-02-30");
	assert_refused (q, HY_ERROR_INVALID_INPUT, "2026-02-30");
	q = hy_member_filter_new ();
	q->visited_from = g_strdup ("2026-05-01");
	q->visited_to = g_strdup ("2026-04-01");
	assert_refused (q, HY_ERROR_INVALID_INPUT, "2026-05-01");
	q = hy_member_filter_new ();
	q->level = g_strdup ("黑卡会员");
	assert_refused (q, HY_ERROR_NOT_FOUND, "黑卡会员");
	/* occupation is a custom field, but not a searchable one */
	q = hy_member_filter_new ();
	q->field_key = g_strdup ("occupation");
	q->field_value = g_strdup ("医生");
	assert_refused (q, HY_ERROR_INVALID_INPUT, "occupation");
	q = hy_member_filter_new ();
	q->field_key = g_strdup ("wechat");
	assert_refused (q, HY_ERROR_INVALID_INPUT, "value");
	/* a value that looks like SQL is only ever a value */
	q = hy_member_filter_new ();
	q->level = g_strdup ("x' OR '1'='1");
	assert_refused (q, HY_ERROR_NOT_FOUND, "OR");
}

static void
test_variant (void)
{
	g_autoptr (HyMemberFilter) q = hy_member_filter_new ();
	g_autoptr (HyMemberFilter) back = NULL;
	g_autoptr (HyMemberFilter) empty = NULL;
	g_autoptr (GVariant) v = NULL;
	g_autoptr (GVariant) bad = NULL;
	g_autoptr (GVariant) none = NULL;
	g_autoptr (GError) error = NULL;

	q->level = g_strdup ("金卡会员");
	q->points_min = 100;
	q->visits_max = 0;
	q->visited_from = g_strdup ("2026-03-01");
	q->birthday_month = 7;
	q->field_key = g_strdup ("wechat");
	q->field_value = g_strdup ("wx_even");
	v = g_variant_ref_sink (hy_member_filter_to_variant (q));
	back = hy_member_filter_from_variant (v, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (back->level, ==, "金卡会员");
	g_assert_cmpint (back->points_min, ==, 100);
	g_assert_cmpint (back->points_max, ==, HY_MEMBER_FILTER_ANY);
	g_assert_cmpint (back->visits_min, ==, HY_MEMBER_FILTER_ANY);
	g_assert_cmpint (back->visits_max, ==, 0);
	g_assert_cmpstr (back->visited_from, ==, "2026-03-01");
	g_assert_null (back->visited_to);
	g_assert_cmpint (back->birthday_month, ==, 7);
	g_assert_cmpstr (back->field_key, ==, "wechat");
	g_assert_cmpstr (back->field_value, ==, "wx_even");
	/* the same members either way */
	g_assert_cmpuint (assert_filter (back), ==, assert_filter (q));

	empty = hy_member_filter_new ();
	none = g_variant_ref_sink (hy_member_filter_to_variant (empty));
	g_clear_pointer (&empty, hy_member_filter_free);
	empty = hy_member_filter_from_variant (none, &error);
	g_assert_no_error (error);
	g_assert_true (hy_member_filter_is_empty (empty));
	bad = g_variant_ref_sink (g_variant_new_parsed ("{'points-min': <'many'>}"));
	g_assert_null (hy_member_filter_from_variant (bad, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	int status;

	g_setenv ("TZ", "CST-8", TRUE);
	g_test_init (&argc, &argv, NULL);
	store = hy_test_store_new ("S01");
	g_assert_true (hy_demo_generate (store->db, store->admin, N_MEMBERS, 7, &error));
	g_assert_no_error (error);
	add_history ();
	collect_facts ();
	g_test_add_func ("/huiyuan/member-filter/filters", test_filters);
	g_test_add_func ("/huiyuan/member-filter/refusals", test_refusals);
	g_test_add_func ("/huiyuan/member-filter/variant", test_variant);
	status = g_test_run ();
	g_ptr_array_unref (facts);
	hy_test_store_free (store);
	return status;
}
