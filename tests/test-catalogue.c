/* HQ-owned settings: levels, card kinds, items, operators. */
#include "config.h"

#include "hy-card-stock.h"
#include "hy-error.h"
#include "hy-item.h"
#include "hy-level.h"
#include "hy-operator.h"
#include "hy-test-common.h"

static void
test_level_add (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) levels = NULL;
	g_autoptr (HyLevel) gold = NULL;
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	gint64 audit = hy_test_store_count (store, "SELECT count(*) FROM audit");

	g_assert_true (
		hy_level_add (store->db, store->admin, "金卡会员", 2, 15000, 9000, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_level_add (store->db, store->admin, "银卡会员", 1, 12000, 9500, NULL, &error));
	levels = hy_level_list (store->db, &error);
	g_assert_no_error (error);
	g_assert_cmpint (levels->len, ==, 3);
	g_assert_cmpstr (((HyLevel *) g_ptr_array_index (levels, 1))->name, ==, "银卡会员");
	gold = hy_level_find (store->db, "金卡会员", &error);
	g_assert_cmpint (gold->discount_bp, ==, 9000);
	g_assert_cmpint (gold->points_bp, ==, 15000);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit"), ==, audit + 2);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox WHERE tbl = "
						     "'levels' AND kind = 'hq'"),
			 ==, 3);

	/* duplicates, bad rates and missing permission change nothing */
	g_assert_false (hy_level_add (store->db, store->admin, "金卡会员", 5, 1, 1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_level_add (store->db, store->admin, "X", 5, -1, 1, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_level_add (store->db, cashier, "Y", 5, 10000, 10000, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_null (hy_level_find (store->db, "Y", &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM levels"), ==, 3);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit"), ==, audit + 2);
}

static void
test_card_kind_add (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_assert_true (hy_card_kind_add (store->db, store->admin, "计次卡", FALSE, TRUE, TRUE,
					 FALSE, 365, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT validity_days FROM card_kinds "
						     "WHERE name = '计次卡' AND counts = 1 "
						     "AND stored_value = 0"),
			 ==, 365);
	g_assert_false (hy_card_kind_add (store->db, store->admin, "长期卡", TRUE, TRUE, TRUE, TRUE,
					  -3, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
}

static void
test_item_add (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");

	g_assert_true (hy_item_add (store->db, store->admin, "WATER", "矿泉水", "6921168509256",
				    200, "饮料", NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_false (hy_item_add (store->db, store->admin, "WATER2", "矿泉水", "6921168509256",
				     200, NULL, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_item_add (store->db, store->admin, "BAD CODE", "x", NULL, 1, NULL, NULL,
				     NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_item_add (store->db, store->admin, "NEG", "x", NULL, -1, NULL, NULL,
				     NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	/* the item catalogue is HQ's */
	g_assert_false (
		hy_item_add (store->db, manager, "TEA", "茶", NULL, 300, NULL, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM items"), ==, 1);
}

/* The till's item lookup: by code in any letter case, or by barcode. */
static void
test_item_find (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyItem) by_code = NULL;
	g_autoptr (HyItem) by_barcode = NULL;
	g_autoptr (HyItem) missing = NULL;

	g_assert_true (hy_item_add (store->db, store->admin, "WATER", "矿泉水", "6921168509256",
				    200, "饮料", NULL, NULL, &error));
	g_assert_no_error (error);
	by_code = hy_item_find (store->db, "water", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (by_code->code, ==, "WATER");
	g_assert_cmpstr (by_code->name, ==, "矿泉水");
	g_assert_cmpint (by_code->price, ==, 200);
	by_barcode = hy_item_find (store->db, "6921168509256", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (by_barcode->code, ==, "WATER");
	missing = hy_item_find (store->db, "TEA", &error);
	g_assert_null (missing);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
}

static void
test_operator_login (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) cashier = NULL;
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	g_autoptr (HyActor) nobody = NULL;

	g_assert_true (hy_operator_add (store->db, store->admin, "li.na", "李娜", "cashier",
					"cashier-pass", NULL, &error));
	g_assert_no_error (error);
	cashier = hy_actor_login (store->db, "li.na", "cashier-pass", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (hy_actor_get_role (cashier), ==, "cashier");
	g_assert_true (hy_actor_has (cashier, HY_PERMISSION_MONEY_RECHARGE));
	g_assert_false (hy_actor_has (cashier, HY_PERMISSION_MONEY_WITHDRAW));

	/* the password is stored as argon2id, never in clear */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM operators WHERE "
						     "password_hash LIKE '$argon2id$%'"),
			 ==, 2);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM operators WHERE "
						     "password_hash LIKE '%cashier-pass%'"),
			 ==, 0);

	nobody = hy_actor_login (store->db, "li.na", "wrong-pass", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	nobody = hy_actor_login (store->db, "nobody", "cashier-pass", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);

	/* a store manager cannot make an HQ admin, a cashier cannot add anyone */
	g_assert_false (hy_operator_add (store->db, manager, "boss", NULL, "hq-admin", "boss-pass",
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_operator_add (store->db, cashier, "friend", NULL, "cashier",
					 "friend-pass", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_operator_add (store->db, store->admin, "li.na", NULL, "cashier",
					 "another-pass", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_operator_add (store->db, store->admin, "x", NULL, "cashier",
					 "another-pass", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_operator_add (store->db, store->admin, "short", NULL, "cashier", "123",
					 NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_operator_add (store->db, store->admin, "wizard", NULL, "wizard",
					 "wizard-pass", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);

	/* deactivated operators cannot sign in; a new password replaces the old one */
	g_assert_true (hy_operator_set_password (store->db, store->admin, "li.na", "new-password",
						 &error));
	g_clear_pointer (&nobody, hy_actor_free);
	nobody = hy_actor_login (store->db, "li.na", "cashier-pass", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_clear_error (&error);
	g_assert_true (hy_operator_set_active (store->db, store->admin, "li.na", FALSE, &error));
	nobody = hy_actor_login (store->db, "li.na", "new-password", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM operators"), ==, 2);
}

static void
test_card_stock_add (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyActor) manager = hy_test_store_actor (store, "store-manager");
	const gchar *store_id = hy_actor_get_store_id (store->admin);
	gint64 free_serials = 0, next = 0;

	/* init gives the store serials 001000000–001999999 */
	g_assert_true (hy_card_stock_count_free (store->db, store_id, &free_serials, &error));
	g_assert_cmpint (free_serials, ==, 1000000);
	g_assert_true (hy_card_stock_next_free_serial (store->db, &next, &error));
	g_assert_cmpint (next, ==, 2000000);

	g_assert_true (
		hy_card_stock_add (store->db, store->admin, store_id, 5000000, 5000999, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_stock_count_free (store->db, store_id, &free_serials, &error));
	g_assert_cmpint (free_serials, ==, 1001000);

	/* overlapping ranges, bad ranges and store managers are refused */
	g_assert_false (
		hy_card_stock_add (store->db, store->admin, store_id, 5000500, 5001500, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (hy_card_stock_add (store->db, store->admin, store_id, 10, 5, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_card_stock_add (store->db, manager, store_id, 7000000, 7000009, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM card_stock"), ==, 2);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'card-stock.add'"),
			 ==, 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/level/add", test_level_add);
	g_test_add_func ("/huiyuan/card-kind/add", test_card_kind_add);
	g_test_add_func ("/huiyuan/item/add", test_item_add);
	g_test_add_func ("/huiyuan/item/find", test_item_find);
	g_test_add_func ("/huiyuan/operator/login", test_operator_login);
	g_test_add_func ("/huiyuan/card-stock/add", test_card_stock_add);
	return g_test_run ();
}
