/* Members: registration with validation, card issue, grams, update, read back. */
#include "config.h"

#include "hy-card.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-level.h"
#include "hy-member.h"
#include "hy-outbox.h"
#include "hy-test-common.h"

static HyMember *
zhang_san (void)
{
	HyMember *m = hy_member_new ();
	m->name = g_strdup ("张三");
	m->phone = g_strdup ("13800138000");
	m->gender = g_strdup ("男");
	m->id_number = g_strdup ("360426199101010071");
	m->province = g_strdup ("江西省");
	m->zip = g_strdup ("332000");
	m->email = g_strdup ("zs@example.cn");
	return m;
}

static void
test_member_register (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) m = zhang_san ();
	g_autoptr (HyMember) got = NULL;
	g_autoptr (GPtrArray) cards = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *card = NULL;

	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "wechat",
				     "微信号", HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL, TRUE,
				     &error));
	m->fields = g_hash_table_new (g_str_hash, g_str_equal);
	g_hash_table_insert (m->fields, "wechat", "zs_wx");
	g_assert_true (hy_member_register (store->db, store->admin, m, NULL, NULL, "secret1", &id,
					   &card, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_number_is_valid (card));

	got = hy_member_get (store->db, id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (got->name, ==, "张三");
	g_assert_cmpstr (got->name_pinyin, ==, "zhang san");
	g_assert_cmpstr (got->name_initials, ==, "zs");
	g_assert_cmpstr (got->gender, ==, "male");
	g_assert_cmpstr (got->birthday, ==, "1991-01-01"); /* from the ID number */
	g_assert_cmpstr (got->level_name, ==, "Standard");
	g_assert_cmpstr (got->home_store, ==, hy_actor_get_store_id (store->admin));
	g_assert_null (got->city);
	g_assert_cmpstr (g_hash_table_lookup (got->fields, "wechat"), ==, "zs_wx");

	cards = hy_card_list_for_member (store->db, id, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (cards->len, ==, 1);
	g_assert_cmpstr (((HyCard *) g_ptr_array_index (cards, 0))->number, ==, card);

	/* grams: 张, 三, 张三; replicated rows; one audit record */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams"), ==,
			 3);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams "
						     "WHERE gram = '张三'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox "
						     "WHERE tbl = 'members' AND op = 'insert'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox "
						     "WHERE tbl = 'field_values'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'member.register'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members "
						     "WHERE name_pinyin_flat = 'zhangsan'"),
			 ==, 1);
}

static void
assert_refused (HyTestStore *store, HyMember *m, const gchar *level, const gchar *words)
{
	g_autoptr (GError) error = NULL;
	gint64 members = hy_test_store_count (store, "SELECT count(*) FROM members");
	gint64 cards = hy_test_store_count (store, "SELECT count(*) FROM cards");
	gint64 outbox = hy_outbox_length (store->db);

	g_assert_false (hy_member_register (store->db, store->admin, m, level, NULL, NULL, NULL,
					    NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	if (strstr (error->message, words) == NULL)
		g_error ("“%s” lacks “%s”", error->message, words);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members"), ==, members);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM cards"), ==, cards);
	g_assert_cmpint (hy_outbox_length (store->db), ==, outbox);
}

static void
test_member_validation (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	struct {
		const gchar *field;
		const gchar *value;
		const gchar *words;
	} cases[] = {
		{"name", "", "name: a name is required"},
		{"name", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
		 "name: at most 32 characters"},
		{"phone", "138-0013", "phone: \"138-0013\" is not a phone number"},
		{"phone", "1234", "phone:"},
		{"phone", "123456789012345678901", "phone:"},
		{"gender", "x", "gender: \"x\" is not a gender"},
		{"birthday", "1990-02-30", "birthday: \"1990-02-30\" is not a date"},
		{"birthday", "2999-01-01", "birthday: \"2999-01-01\" is in the future"},
		{"id_number", "360426199101010072", "id_number: the ID number's check character"},
		{"zip", "33200", "zip: \"33200\" is not a postal code"},
		{"email", "zs@localhost", "email: \"zs@localhost\" is not an email address"},
		{"email", "a b@c.cn", "email:"},
	};
	g_autoptr (HyActor) nobody = hy_test_store_actor (store, "auditor");
	g_autoptr (GError) error = NULL;

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (HyMember) m = zhang_san ();
		g_assert_true (hy_member_set_field (m, cases[i].field, cases[i].value));
		assert_refused (store, m, NULL, cases[i].words);
	}
	{
		/* both given: they must agree */
		g_autoptr (HyMember) m = zhang_san ();
		m->birthday = g_strdup ("1991-01-02");
		assert_refused (store, m, NULL, "id_number: the birth date in the ID number");
	}
	{
		g_autoptr (HyMember) m = zhang_san ();
		assert_refused (store, m, "白金卡", "level: there is no level \"白金卡\"");
	}
	{
		g_autoptr (HyMember) m = zhang_san ();
		m->fields = g_hash_table_new (g_str_hash, g_str_equal);
		g_hash_table_insert (m->fields, "hobby", "chess");
		assert_refused (store, m, NULL, "hobby: there is no custom field \"hobby\"");
	}
	{
		g_autoptr (HyMember) m = zhang_san ();
		g_assert_false (hy_member_register (store->db, nobody, m, NULL, NULL, NULL, NULL,
						    NULL, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	}
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members"), ==, 0);
}

static void
test_member_update (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (HyActor) nobody = hy_test_store_actor (store, "auditor");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) m = zhang_san ();
	g_autoptr (HyMember) got = NULL;
	g_autoptr (HyMember) again = NULL;
	g_autofree gchar *id = NULL;

	g_assert_true (
		hy_level_add (store->db, store->admin, "金卡", 5, 15000, 9000, NULL, &error));
	g_assert_true (
		hy_member_register (store->db, cashier, m, NULL, NULL, NULL, &id, NULL, &error));
	g_assert_no_error (error);
	got = hy_member_get (store->db, id, &error);
	g_free (got->name);
	got->name = g_strdup ("李小龙");
	g_free (got->city);
	got->city = g_strdup ("九江市");
	g_assert_false (hy_member_update (store->db, nobody, got, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_true (hy_member_update (store->db, cashier, got, "金卡", &error));
	g_assert_no_error (error);

	again = hy_member_get (store->db, id, &error);
	g_assert_cmpstr (again->name, ==, "李小龙");
	g_assert_cmpstr (again->name_pinyin, ==, "li xiao long");
	g_assert_cmpstr (again->name_initials, ==, "lxl");
	g_assert_cmpstr (again->city, ==, "九江市");
	g_assert_cmpstr (again->level_name, ==, "金卡");
	/* old grams gone, new ones there: 李 小 龙 李小 小龙 */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams"), ==,
			 5);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM member_name_grams "
						     "WHERE gram = '张'"),
			 ==, 0);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'member.update' "
						     "AND detail LIKE '%\"city\"%'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox "
						     "WHERE tbl = 'members' AND op = 'update'"),
			 ==, 1);

	/* a bad value changes nothing */
	g_free (again->zip);
	again->zip = g_strdup ("12");
	g_assert_false (hy_member_update (store->db, cashier, again, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM members "
						     "WHERE zip = '332000'"),
			 ==, 1);
}

static void
test_member_get_missing (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) m = hy_member_get (store->db, "nope", &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_NOT_FOUND);
	g_assert_null (m);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/member/register", test_member_register);
	g_test_add_func ("/huiyuan/member/validation", test_member_validation);
	g_test_add_func ("/huiyuan/member/update", test_member_update);
	g_test_add_func ("/huiyuan/member/get-missing", test_member_get_missing);
	return g_test_run ();
}
