/* Cards: numbers and check digits, issue from stock, lookup by phone, and every
 * lifecycle operation with the balances it moves. */
#include "config.h"

#include "hy-card.h"
#include "hy-error.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-test-common.h"

/* A member row written directly, so these tests do not depend on hy-member.c. */
static gchar *
test_member_new (HyTestStore *store, const gchar *name, const gchar *phone)
{
	g_autofree gchar *id = hy_id_new ();
	sqlite3_stmt *stmt = NULL;
	const gchar *store_id = hy_actor_get_store_id (store->admin);
	g_assert_cmpint (
		sqlite3_prepare_v2 (hy_db_get_handle (store->db),
				    "INSERT INTO members (id, name, name_pinyin, "
				    "name_initials, phone, level_id, home_store, created_at, "
				    "hlc, origin_store) VALUES (?, ?, '', '', ?, "
				    "(SELECT id FROM levels ORDER BY id LIMIT 1), ?, 0, 0, ?)",
				    -1, &stmt, NULL),
		==, SQLITE_OK);
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, store_id, -1, SQLITE_TRANSIENT);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
	sqlite3_finalize (stmt);
	return g_steal_pointer (&id);
}

static gchar *
test_issue (HyTestStore *store, const gchar *member_id)
{
	g_autoptr (GError) error = NULL;
	gchar *number = NULL;
	g_assert_true (hy_card_issue (store->db, store->admin, member_id, NULL, NULL, NULL, NULL,
				      &number, &error));
	g_assert_no_error (error);
	return number;
}

/* Posts one entry outside of any card operation: counts and time have no public
 * operation of their own here. */
static void
test_post (
	HyTestStore *store, const gchar *number, HyAccount account, const gchar *item, gint64 delta)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTxn) txn = hy_db_begin (store->db, &error);
	g_autoptr (HyCard) card = hy_card_lookup (store->db, number, &error);
	g_autofree gchar *op_id = hy_id_new ();
	g_assert_no_error (error);
	g_assert_true (hy_ledger_post (store->db, store->admin, card->id, account, item, delta,
				       "test", op_id, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_txn_commit (txn, &error));
}

static gint64
test_balance (HyTestStore *store, const gchar *number, HyAccount account, const gchar *item)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (store->db, number, &error);
	gint64 amount = -1;
	g_assert_no_error (error);
	g_assert_true (hy_ledger_balance (store->db, card->id, account, item, &amount, &error));
	g_assert_no_error (error);
	return amount;
}

static gint64
test_count (HyTestStore *store, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
test_count (HyTestStore *store, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *sql = NULL;
	va_start (args, format);
	sql = g_strdup_vprintf (format, args);
	va_end (args);
	return hy_test_store_count (store, sql);
}

static gchar *
test_text (HyTestStore *store, const gchar *sql, const gchar *param)
{
	sqlite3_stmt *stmt = NULL;
	gchar *value = NULL;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (store->db), sql, -1, &stmt, NULL),
			 ==, SQLITE_OK);
	sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
	if (sqlite3_step (stmt) == SQLITE_ROW)
		value = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return value;
}

static gchar *
test_date_in_days (gint days)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) then = g_date_time_add_days (now, days);
	return g_date_time_format (then, "%Y-%m-%d");
}

static void
test_card_number (void)
{
	g_autofree gchar *first = hy_card_number_format (1000000);
	g_autofree gchar *zero = hy_card_number_format (0);
	g_autofree gchar *last = hy_card_number_format (999999999);

	g_assert_cmpstr (first, ==, "0010000008");
	g_assert_cmpstr (zero, ==, "0000000000");
	g_assert_cmpint (strlen (last), ==, 10);
	g_assert_true (hy_card_number_is_valid (first));
	g_assert_true (hy_card_number_is_valid (last));
	/* the classic Luhn example */
	g_assert_true (hy_card_number_is_valid ("7992739875"));
	g_assert_false (hy_card_number_is_valid ("7992739876"));

	/* every single-digit typo is caught */
	for (guint i = 0; i < 10; i++) {
		for (gchar d = '0'; d <= '9'; d++) {
			g_autofree gchar *typo = g_strdup (first);
			if (typo[i] == d)
				continue;
			typo[i] = d;
			g_assert_false (hy_card_number_is_valid (typo));
		}
	}
	/* and swapping two neighbouring digits, except 0↔9 which Luhn cannot see */
	{
		g_autofree gchar *swapped = g_strdup ("0012345674");
		gchar t;
		g_assert_true (hy_card_number_is_valid (swapped));
		t = swapped[4];
		swapped[4] = swapped[5];
		swapped[5] = t;
		g_assert_false (hy_card_number_is_valid (swapped));
	}
	g_assert_false (hy_card_number_is_valid (NULL));
	g_assert_false (hy_card_number_is_valid (""));
	g_assert_false (hy_card_number_is_valid ("001000000"));
	g_assert_false (hy_card_number_is_valid ("00100000088"));
	g_assert_false (hy_card_number_is_valid ("00100000a8"));
}

static void
test_card_issue_from_stock (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "张三", "13800138000");
	g_autofree gchar *explicit_number = hy_card_number_format (1000001);
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *c = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr (HyCard) card = NULL;
	g_autoptr (GPtrArray) cards = NULL;

	g_assert_true (
		hy_card_issue (store->db, cashier, member, NULL, NULL, NULL, NULL, &a, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (a, ==, "0010000008");

	/* a number from the stock issued by hand is skipped by the cursor */
	g_assert_true (hy_card_issue (store->db, cashier, member, explicit_number, "Member card",
				      NULL, NULL, &b, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (b, ==, explicit_number);
	g_assert_true (
		hy_card_issue (store->db, cashier, member, NULL, NULL, NULL, NULL, &c, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (c, ==, "0010000024");
	g_assert_cmpint (hy_test_store_count (store, "SELECT next_serial FROM card_stock_cursor"),
			 ==, 1000003);

	card = hy_card_lookup (store->db, a, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (card->member_id, ==, member);
	g_assert_cmpint (card->status, ==, HY_CARD_STATUS_ACTIVE);
	g_assert_null (card->expires_on);
	g_assert_null (card->retired_reason);
	g_assert_false (card->has_password);
	g_assert_false (card->has_pin);
	g_assert_cmpstr (card->store_id, ==, hy_actor_get_store_id (store->admin));
	g_assert_cmpstr (hy_card_status_to_string (card->status), ==, "active");

	/* one audit record per issue, naming the row, never the number */
	g_assert_cmpint (
		test_count (store, "SELECT count(*) FROM audit WHERE action = 'card.issue'"), ==,
		3);
	detail = test_text (store, "SELECT detail FROM audit WHERE target = ?", card->id);
	g_assert_nonnull (detail);
	g_assert_null (strstr (detail, a));
	g_assert_cmpint (
		test_count (store, "SELECT count(*) FROM audit WHERE detail LIKE '%%%s%%'", a), ==,
		0);
	g_assert_cmpint (test_count (store,
				     "SELECT count(*) FROM outbox WHERE tbl = 'cards' AND "
				     "row_id = '%s' AND op = 'insert'",
				     card->id),
			 ==, 1);

	cards = hy_card_list_for_member (store->db, member, &error);
	g_assert_no_error (error);
	g_assert_cmpint (cards->len, ==, 3);
	g_assert_cmpstr (((HyCard *) g_ptr_array_index (cards, 0))->number, ==, c);

	/* the kind's validity gives an expiry date when none is given */
	hy_test_store_raw_sql (store, "UPDATE card_kinds SET validity_days = 365");
	{
		g_autofree gchar *d = NULL;
		g_autofree gchar *expected = test_date_in_days (365);
		g_autoptr (HyCard) dated = NULL;
		g_assert_true (hy_card_issue (store->db, cashier, member, NULL, NULL, NULL, "1234",
					      &d, &error));
		g_assert_no_error (error);
		dated = hy_card_lookup (store->db, d, &error);
		g_assert_cmpstr (dated->expires_on, ==, expected);
		g_assert_true (dated->has_password);
	}
}

static void
test_card_issue_refused (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) auditor = hy_test_store_actor (store, "auditor");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "李四", NULL);
	g_autofree gchar *taken = test_issue (store, member);
	g_autofree gchar *outside = hy_card_number_format (2000000);
	g_autofree gchar *yesterday = test_date_in_days (-1);
	g_autofree gchar *bad_digit = g_strdup ("0010000019");
	gint64 cards = hy_test_store_count (store, "SELECT count(*) FROM cards");
	gint64 audit = hy_test_store_count (store, "SELECT count(*) FROM audit");

	bad_digit[9] = bad_digit[9] == '9' ? '8' : '9';
	g_assert_false (hy_card_issue (store->db, store->admin, member, bad_digit, NULL, NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "check digit"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, "12345", NULL, NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);

	/* another store's range, named in the message */
	g_assert_false (hy_card_issue (store->db, store->admin, member, outside, NULL, NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "not in this store's card stock"));
	g_assert_nonnull (strstr (error->message, "001000000–001999999"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, taken, NULL, NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "already issued"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, "Gold", NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_assert_nonnull (strstr (error->message, "Gold"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, NULL, "2030-02-30",
				       NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "2030-02-30"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, NULL, yesterday, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "past"));
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, NULL, NULL, "123",
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, NULL, NULL,
				       "12345678901234567", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);

	g_assert_false (hy_card_issue (store->db, store->admin, "no-such-member", NULL, NULL, NULL,
				       NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);

	g_assert_false (
		hy_card_issue (store->db, auditor, member, NULL, NULL, NULL, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);

	/* nothing was written, not even the stock cursor */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM cards"), ==, cards);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit"), ==, audit);
	g_assert_cmpint (hy_test_store_count (store, "SELECT next_serial FROM card_stock_cursor"),
			 ==, 1000001);
}

static void
test_card_stock_exhausted (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "王五", NULL);
	g_autofree gchar *in_range = hy_card_number_format (1000002);

	hy_test_store_raw_sql (store, "UPDATE card_stock SET last_serial = first_serial + 2");
	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *n = test_issue (store, member);
		g_assert_true (hy_card_number_is_valid (n));
	}
	/* the last one taken by hand: the stock is then used up */
	g_assert_true (hy_card_issue (store->db, store->admin, member, in_range, NULL, NULL, NULL,
				      NULL, &error));
	g_assert_no_error (error);
	g_assert_false (hy_card_issue (store->db, store->admin, member, NULL, NULL, NULL, NULL,
				       NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "001000000–001000002"));
	g_assert_nonnull (strstr (error->message, "used up"));
	g_clear_error (&error);

	/* a new range from HQ is used next */
	hy_test_store_raw_sql (store, "INSERT INTO card_stock (id, store_id, first_serial, "
				      "last_serial, hlc, origin_store) SELECT 'stock-2', store_id, "
				      "1500000, 1500009, 0, origin_store FROM card_stock");
	{
		g_autofree gchar *n = test_issue (store, member);
		g_autofree gchar *expected = hy_card_number_format (1500000);
		g_assert_cmpstr (n, ==, expected);
	}
}

static void
test_card_lookup_phone (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "赵六", "13900139000");
	g_autofree gchar *older = test_issue (store, member);
	g_autofree gchar *newer = test_issue (store, member);
	g_autoptr (HyCard) card = NULL;
	g_autofree gchar *twin_a = test_member_new (store, "孙七", "13700137000");
	g_autofree gchar *twin_b = test_member_new (store, "孙七", "13700137000");

	card = hy_card_lookup (store->db, "13900139000", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (card->number, ==, newer);
	g_clear_pointer (&card, hy_card_free);

	/* the newest card is lost: the phone finds the active one */
	g_assert_true (hy_card_report_lost (store->db, store->admin, newer, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (store->db, "13900139000", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (card->number, ==, older);
	g_clear_pointer (&card, hy_card_free);

	/* recharge through the phone */
	g_assert_true (hy_ledger_recharge (store->db, store->admin, "13900139000", 1500, NULL, NULL,
					   &error));
	g_assert_no_error (error);
	g_assert_cmpint (test_balance (store, older, HY_ACCOUNT_MONEY, ""), ==, 1500);

	/* one phone, two members: the card number is needed */
	{
		g_autofree gchar *n = test_issue (store, twin_a);
		g_autofree gchar *m = test_issue (store, twin_b);
		card = hy_card_lookup (store->db, "13700137000", &error);
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
		g_assert_nonnull (strstr (error->message, "card number"));
		g_assert_null (card);
		g_clear_error (&error);
	}

	card = hy_card_lookup (store->db, "13600136000", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_clear_error (&error);
	{
		g_autofree gchar *unissued = hy_card_number_format (1999999);
		card = hy_card_lookup (store->db, unissued, &error);
		g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
		g_clear_error (&error);
		unissued[9] = unissued[9] == '9' ? '0' : unissued[9] + 1;
		card = hy_card_lookup (store->db, unissued, &error);
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		g_clear_error (&error);
	}
	card = hy_card_lookup (store->db, "", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
}

static void
test_card_lost_unfreeze (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "周八", NULL);
	g_autofree gchar *number = test_issue (store, member);
	g_autoptr (HyCard) card = NULL;

	g_assert_true (hy_ledger_recharge (store->db, cashier, number, 5000, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_report_lost (store->db, cashier, number, &error));
	g_assert_no_error (error);
	card = hy_card_lookup (store->db, number, &error);
	g_assert_cmpint (card->status, ==, HY_CARD_STATUS_LOST);
	g_assert_cmpint (
		test_count (store,
			    "SELECT count(*) FROM outbox o JOIN cards c ON c.id = o.row_id "
			    "WHERE o.tbl = 'cards' AND o.row_id = '%s' AND o.op = 'update' "
			    "AND c.status = 'lost'",
			    card->id),
		==, 1);
	g_assert_cmpint (test_count (store,
				     "SELECT count(*) FROM audit WHERE action = 'card.lose' "
				     "AND target = '%s'",
				     card->id),
			 ==, 1);

	/* a lost card is frozen */
	g_assert_false (hy_ledger_recharge (store->db, cashier, number, 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "lost"));
	g_clear_error (&error);
	g_assert_false (hy_ledger_withdraw (store->db, manager, number, 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_card_report_lost (store->db, cashier, number, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "already"));
	g_clear_error (&error);

	/* unfreezing needs its own permission */
	g_assert_false (hy_card_unfreeze (store->db, cashier, number, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_true (hy_card_unfreeze (store->db, manager, number, &error));
	g_assert_no_error (error);
	g_assert_false (hy_card_unfreeze (store->db, manager, number, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);

	g_assert_true (hy_ledger_recharge (store->db, cashier, number, 100, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (test_balance (store, number, HY_ACCOUNT_MONEY, ""), ==, 5100);
}

static void
test_card_merge (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *m1 = test_member_new (store, "吴九", "13500135000");
	g_autofree gchar *m2 = test_member_new (store, "吴九", "13500135001");
	g_autofree gchar *from = test_issue (store, m1);
	g_autofree gchar *into = test_issue (store, m2);
	g_autofree gchar *other = test_issue (store, m2);
	g_autofree gchar *detail = NULL;
	g_autoptr (HyCard) source = NULL;
	g_autoptr (HyCard) target = NULL;

	g_assert_true (hy_ledger_recharge (store->db, cashier, from, 10000, NULL, NULL, &error));
	g_assert_true (
		hy_ledger_adjust_points (store->db, manager, from, 50025, "welcome", NULL, &error));
	g_assert_no_error (error);
	test_post (store, from, HY_ACCOUNT_COUNT, "swim", 3);
	test_post (store, from, HY_ACCOUNT_TIME, "billiards", 3600);
	g_assert_true (hy_ledger_recharge (store->db, cashier, into, 2000, NULL, NULL, &error));
	test_post (store, into, HY_ACCOUNT_COUNT, "swim", 1);

	g_assert_false (hy_card_merge (store->db, cashier, from, into, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_card_merge (store->db, manager, from, from, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);

	g_assert_true (hy_card_merge (store->db, manager, from, into, &error));
	g_assert_no_error (error);

	g_assert_cmpint (test_balance (store, into, HY_ACCOUNT_MONEY, ""), ==, 12000);
	g_assert_cmpint (test_balance (store, into, HY_ACCOUNT_POINTS, ""), ==, 50025);
	g_assert_cmpint (test_balance (store, into, HY_ACCOUNT_COUNT, "swim"), ==, 4);
	g_assert_cmpint (test_balance (store, into, HY_ACCOUNT_TIME, "billiards"), ==, 3600);
	g_assert_cmpint (test_balance (store, from, HY_ACCOUNT_MONEY, ""), ==, 0);
	g_assert_cmpint (test_balance (store, from, HY_ACCOUNT_POINTS, ""), ==, 0);
	g_assert_cmpint (test_balance (store, from, HY_ACCOUNT_COUNT, "swim"), ==, 0);
	g_assert_cmpint (test_balance (store, from, HY_ACCOUNT_TIME, "billiards"), ==, 0);

	source = hy_card_lookup (store->db, from, &error);
	target = hy_card_lookup (store->db, into, &error);
	g_assert_no_error (error);
	g_assert_cmpint (source->status, ==, HY_CARD_STATUS_RETIRED);
	g_assert_cmpstr (source->retired_reason, ==, "merged");
	g_assert_cmpstr (source->successor_id, ==, target->id);
	g_assert_cmpint (target->status, ==, HY_CARD_STATUS_ACTIVE);

	/* four balances out, four in, under one op id */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM account_entries "
						     "WHERE op = 'merge'"),
			 ==, 8);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(DISTINCT op_id) FROM "
						     "account_entries WHERE op = 'merge'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox o JOIN "
						     "account_entries e ON e.id = o.row_id "
						     "WHERE e.op = 'merge'"),
			 ==, 8);
	/* the history of both cards stays */
	g_assert_cmpint (test_count (store,
				     "SELECT count(*) FROM account_entries WHERE card_id = '%s'",
				     source->id),
			 ==, 8);
	detail = test_text (store,
			    "SELECT detail FROM audit WHERE action = 'card.merge' AND target = ?",
			    source->id);
	g_assert_nonnull (detail);
	g_assert_nonnull (strstr (detail, "\"money_fen\":10000"));
	g_assert_nonnull (strstr (detail, "\"points\":50025"));
	g_assert_nonnull (strstr (detail, "\"swim\":3"));
	g_assert_null (strstr (detail, from));
	g_assert_null (strstr (detail, into));

	/* a retired card can neither give nor take */
	g_assert_false (hy_card_merge (store->db, manager, from, other, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "retired (merged)"));
	g_clear_error (&error);
	g_assert_false (hy_card_merge (store->db, manager, other, from, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);

	/* a lost source must be unfrozen first */
	g_assert_true (hy_card_report_lost (store->db, manager, other, &error));
	g_assert_false (hy_card_merge (store->db, manager, other, into, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "lost"));
	g_clear_error (&error);
	g_assert_cmpint (test_balance (store, into, HY_ACCOUNT_MONEY, ""), ==, 12000);
}

static void
test_card_replace (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "郑十", "13300133000");
	g_autofree gchar *old_number = NULL;
	g_autofree gchar *new_number = NULL;
	g_autofree gchar *expiry = test_date_in_days (30);
	g_autoptr (HyCard) old = NULL;
	g_autoptr (HyCard) fresh = NULL;

	g_assert_true (hy_card_issue (store->db, cashier, member, NULL, NULL, expiry, "secret1",
				      &old_number, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_set_pin (store->db, manager, old_number, NULL, "2468", &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_ledger_recharge (store->db, cashier, old_number, 5000, NULL, NULL, &error));
	test_post (store, old_number, HY_ACCOUNT_COUNT, "wash", 5);
	g_assert_true (hy_card_report_lost (store->db, cashier, old_number, &error));
	g_assert_no_error (error);

	g_assert_false (hy_card_replace (store->db, cashier, old_number, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);

	/* a lost card is replaced: that is the usual case */
	g_assert_true (hy_card_replace (store->db, manager, old_number, NULL, &new_number, &error));
	g_assert_no_error (error);
	g_assert_nonnull (new_number);
	g_assert_cmpstr (new_number, !=, old_number);

	old = hy_card_lookup (store->db, old_number, &error);
	fresh = hy_card_lookup (store->db, new_number, &error);
	g_assert_no_error (error);
	g_assert_cmpint (old->status, ==, HY_CARD_STATUS_RETIRED);
	g_assert_cmpstr (old->retired_reason, ==, "replaced");
	g_assert_cmpstr (old->successor_id, ==, fresh->id);
	g_assert_cmpstr (fresh->member_id, ==, member);
	g_assert_cmpstr (fresh->kind_id, ==, old->kind_id);
	g_assert_cmpstr (fresh->expires_on, ==, expiry);
	g_assert_cmpint (fresh->status, ==, HY_CARD_STATUS_ACTIVE);
	g_assert_true (fresh->has_password);
	g_assert_true (fresh->has_pin);

	g_assert_cmpint (test_balance (store, new_number, HY_ACCOUNT_MONEY, ""), ==, 5000);
	g_assert_cmpint (test_balance (store, new_number, HY_ACCOUNT_COUNT, "wash"), ==, 5);
	g_assert_cmpint (test_balance (store, old_number, HY_ACCOUNT_MONEY, ""), ==, 0);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM account_entries "
						     "WHERE op = 'replace'"),
			 ==, 4);

	/* the PIN and password came along */
	g_assert_true (hy_card_check_pin (store->db, new_number, "2468", &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_set_password (store->db, cashier, new_number, "secret1", "secret2",
					     &error));
	g_assert_no_error (error);

	/* and the phone now finds the new card */
	{
		g_autoptr (HyCard) by_phone = hy_card_lookup (store->db, "13300133000", &error);
		g_assert_no_error (error);
		g_assert_cmpstr (by_phone->number, ==, new_number);
	}
	g_assert_cmpint (test_count (store,
				     "SELECT count(*) FROM audit WHERE action = 'card.replace' "
				     "AND target = '%s'",
				     old->id),
			 ==, 1);

	g_assert_false (
		hy_ledger_recharge (store->db, cashier, old_number, 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "retired (replaced)"));
	g_clear_error (&error);

	/* an explicit new number outside the stock is refused and nothing changes */
	{
		g_autofree gchar *outside = hy_card_number_format (3000000);
		g_assert_false (
			hy_card_replace (store->db, manager, new_number, outside, NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		g_clear_error (&error);
		g_assert_cmpint (test_balance (store, new_number, HY_ACCOUNT_MONEY, ""), ==, 5000);
	}
}

static void
test_card_extend (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "钱一", NULL);
	g_autofree gchar *in_10 = test_date_in_days (10);
	g_autofree gchar *in_5 = test_date_in_days (5);
	g_autofree gchar *in_400 = test_date_in_days (400);
	g_autofree gchar *yesterday = test_date_in_days (-1);
	g_autofree gchar *number = NULL;
	g_autofree gchar *forever = test_issue (store, member);
	g_autoptr (HyCard) card = NULL;

	g_assert_true (hy_card_issue (store->db, cashier, member, NULL, NULL, in_10, NULL, &number,
				      &error));
	g_assert_no_error (error);

	g_assert_false (hy_card_extend (store->db, cashier, number, in_400, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_card_extend (store->db, manager, number, in_5, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "later"));
	g_clear_error (&error);
	g_assert_false (hy_card_extend (store->db, manager, number, yesterday, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_card_extend (store->db, manager, number, "tomorrow", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_card_extend (store->db, manager, forever, in_400, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);

	/* an expired card takes no recharge until it is extended */
	hy_test_store_raw_sql (store, "UPDATE cards SET expires_on = '2001-01-01'");
	card = hy_card_lookup (store->db, number, &error);
	g_assert_true (hy_card_is_expired (card));
	g_assert_false (hy_ledger_recharge (store->db, cashier, number, 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_assert_nonnull (strstr (error->message, "expired on 2001-01-01"));
	g_clear_error (&error);

	g_assert_true (hy_card_extend (store->db, manager, number, in_400, &error));
	g_assert_no_error (error);
	g_clear_pointer (&card, hy_card_free);
	card = hy_card_lookup (store->db, number, &error);
	g_assert_cmpstr (card->expires_on, ==, in_400);
	g_assert_false (hy_card_is_expired (card));
	g_assert_true (hy_ledger_recharge (store->db, cashier, number, 100, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (test_count (store,
				     "SELECT count(*) FROM audit WHERE action = 'card.extend' "
				     "AND json_extract (detail, '$.from') = '2001-01-01' "
				     "AND json_extract (detail, '$.to') = '%s'",
				     in_400),
			 ==, 1);
}

static void
test_card_recycle (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) finance = hy_test_store_actor (store, "finance");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "孔二", NULL);
	g_autofree gchar *number = test_issue (store, member);
	g_autofree gchar *empty = test_issue (store, member);
	g_autoptr (HyCard) card = NULL;
	gint64 refunded = -1;

	g_assert_true (hy_ledger_recharge (store->db, cashier, number, 7000, NULL, NULL, &error));
	g_assert_true (
		hy_ledger_adjust_points (store->db, finance, number, 300, "promo", NULL, &error));
	test_post (store, number, HY_ACCOUNT_COUNT, "swim", 2);
	g_assert_no_error (error);

	g_assert_false (hy_card_recycle (store->db, cashier, number, &refunded, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);

	g_assert_true (hy_card_recycle (store->db, finance, number, &refunded, &error));
	g_assert_no_error (error);
	g_assert_cmpint (refunded, ==, 7000);
	g_assert_cmpint (test_balance (store, number, HY_ACCOUNT_MONEY, ""), ==, 0);
	g_assert_cmpint (test_balance (store, number, HY_ACCOUNT_POINTS, ""), ==, 0);
	g_assert_cmpint (test_balance (store, number, HY_ACCOUNT_COUNT, "swim"), ==, 0);
	g_assert_cmpint (hy_test_store_count (store, "SELECT delta FROM account_entries "
						     "WHERE op = 'recycle' AND account = 'money'"),
			 ==, -7000);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM account_entries "
						     "WHERE op = 'recycle'"),
			 ==, 3);
	card = hy_card_lookup (store->db, number, &error);
	g_assert_cmpint (card->status, ==, HY_CARD_STATUS_RETIRED);
	g_assert_cmpstr (card->retired_reason, ==, "recycled");
	g_assert_null (card->successor_id);
	g_assert_cmpint (
		test_count (store,
			    "SELECT count(*) FROM audit WHERE action = 'card.recycle' AND "
			    "target = '%s' AND json_extract (detail, '$.refunded_fen') = 7000",
			    card->id),
		==, 1);

	/* an empty card recycles with nothing to refund */
	g_assert_true (hy_card_recycle (store->db, finance, empty, &refunded, &error));
	g_assert_no_error (error);
	g_assert_cmpint (refunded, ==, 0);
}

static void
test_card_retired_refuses (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "冯三", NULL);
	g_autofree gchar *number = test_issue (store, member);
	g_autofree gchar *other = test_issue (store, member);
	g_autofree gchar *later = test_date_in_days (100);
	gint64 refunded = 0;
	gint64 audit;

	g_assert_true (hy_card_recycle (store->db, store->admin, number, &refunded, &error));
	g_assert_no_error (error);
	audit = hy_test_store_count (store, "SELECT count(*) FROM audit");

#define EXPECT_RETIRED(call)                                                                       \
	G_STMT_START                                                                               \
	{                                                                                          \
		g_assert_false (call);                                                             \
		g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);                               \
		g_assert_nonnull (strstr (error->message, "retired (recycled)"));                  \
		g_clear_error (&error);                                                            \
	}                                                                                          \
	G_STMT_END

	EXPECT_RETIRED (hy_card_report_lost (store->db, store->admin, number, &error));
	EXPECT_RETIRED (hy_card_unfreeze (store->db, store->admin, number, &error));
	EXPECT_RETIRED (hy_card_merge (store->db, store->admin, number, other, &error));
	EXPECT_RETIRED (hy_card_merge (store->db, store->admin, other, number, &error));
	EXPECT_RETIRED (hy_card_replace (store->db, store->admin, number, NULL, NULL, &error));
	EXPECT_RETIRED (hy_card_extend (store->db, store->admin, number, later, &error));
	EXPECT_RETIRED (hy_card_recycle (store->db, store->admin, number, &refunded, &error));
	EXPECT_RETIRED (
		hy_card_set_password (store->db, store->admin, number, NULL, "abcd", &error));
	EXPECT_RETIRED (hy_card_set_pin (store->db, store->admin, number, NULL, "1234", &error));
	EXPECT_RETIRED (hy_card_check_pin (store->db, number, "1234", &error));
	EXPECT_RETIRED (
		hy_ledger_recharge (store->db, store->admin, number, 100, NULL, NULL, &error));
	EXPECT_RETIRED (
		hy_ledger_withdraw (store->db, store->admin, number, 100, NULL, NULL, &error));
	EXPECT_RETIRED (
		hy_ledger_adjust_points (store->db, store->admin, number, 100, "x", NULL, &error));
#undef EXPECT_RETIRED
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit"), ==, audit);
}

static void
test_card_password (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "陈四", NULL);
	g_autofree gchar *number = NULL;
	g_autofree gchar *hash = NULL;

	g_assert_true (hy_card_issue (store->db, cashier, member, NULL, NULL, NULL, "open sesame",
				      &number, &error));
	g_assert_no_error (error);
	hash = test_text (store, "SELECT password_hash FROM cards WHERE number = ?", number);
	g_assert_true (g_str_has_prefix (hash, "$argon2id$"));

	g_assert_false (
		hy_card_set_password (store->db, cashier, number, "wrong", "newpass", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_false (
		hy_card_set_password (store->db, cashier, number, "open sesame", "abc", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_true (hy_card_set_password (store->db, cashier, number, "open sesame", "newpass",
					     &error));
	g_assert_no_error (error);
	/* the old one no longer works */
	g_assert_false (
		hy_card_set_password (store->db, cashier, number, "open sesame", "again1", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);

	/* a reset needs card.password-reset */
	g_assert_false (hy_card_set_password (store->db, cashier, number, NULL, "reset1", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_true (hy_card_set_password (store->db, manager, number, NULL, "reset1", &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_card_set_password (store->db, cashier, number, "reset1", "final1", &error));
	g_assert_no_error (error);

	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'card.password'"),
			 ==, 2);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'card.password-reset'"),
			 ==, 1);
	/* no secret in the audit log */
	g_assert_cmpint (hy_test_store_count (store,
					      "SELECT count(*) FROM audit WHERE "
					      "detail LIKE '%final1%' OR detail LIKE '%argon%'"),
			 ==, 0);
}

static void
test_card_pin (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *member = test_member_new (store, "褚五", NULL);
	g_autofree gchar *number = test_issue (store, member);

	g_assert_false (hy_card_check_pin (store->db, number, "1234", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_assert_nonnull (strstr (error->message, "no spending PIN"));
	g_clear_error (&error);

	for (const gchar *const *bad = (const gchar *const[]){"123", "1234567", "12a4", "", NULL};
	     *bad != NULL; bad++) {
		g_assert_false (hy_card_set_pin (store->db, manager, number, NULL, *bad, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
		g_clear_error (&error);
	}
	g_assert_false (hy_card_set_pin (store->db, cashier, number, NULL, "123456", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_true (hy_card_set_pin (store->db, manager, number, NULL, "123456", &error));
	g_assert_no_error (error);

	g_assert_true (hy_card_check_pin (store->db, number, "123456", &error));
	g_assert_no_error (error);
	g_assert_false (hy_card_check_pin (store->db, number, "654321", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);

	g_assert_false (hy_card_set_pin (store->db, cashier, number, "000000", "4321", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_true (hy_card_set_pin (store->db, cashier, number, "123456", "4321", &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_check_pin (store->db, number, "4321", &error));
	g_assert_no_error (error);
	g_assert_false (hy_card_check_pin (store->db, number, "123456", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit WHERE action "
						     "IN ('card.pin', 'card.pin-reset')"),
			 ==, 2);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/card/number", test_card_number);
	g_test_add_func ("/huiyuan/card/issue-from-stock", test_card_issue_from_stock);
	g_test_add_func ("/huiyuan/card/issue-refused", test_card_issue_refused);
	g_test_add_func ("/huiyuan/card/stock-exhausted", test_card_stock_exhausted);
	g_test_add_func ("/huiyuan/card/lookup-phone", test_card_lookup_phone);
	g_test_add_func ("/huiyuan/card/lost-unfreeze", test_card_lost_unfreeze);
	g_test_add_func ("/huiyuan/card/merge", test_card_merge);
	g_test_add_func ("/huiyuan/card/replace", test_card_replace);
	g_test_add_func ("/huiyuan/card/extend", test_card_extend);
	g_test_add_func ("/huiyuan/card/recycle", test_card_recycle);
	g_test_add_func ("/huiyuan/card/retired-refuses", test_card_retired_refuses);
	g_test_add_func ("/huiyuan/card/password", test_card_password);
	g_test_add_func ("/huiyuan/card/pin", test_card_pin);
	return g_test_run ();
}
