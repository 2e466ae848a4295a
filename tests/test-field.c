/* Custom fields: definitions, validation, values and lookups. */
#include "config.h"

#include "hy-error.h"
#include "hy-field.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-test-common.h"

static void
add_fields (HyTestStore *store)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "occupation",
				     "职业", HY_FIELD_TYPE_CHOICE, FALSE, 0, NULL,
				     (const gchar *const[]){"教师", "医生", NULL}, FALSE, &error));
	g_assert_no_error (error);
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "wechat",
				     "微信号", HY_FIELD_TYPE_TEXT, FALSE, 8, NULL, NULL, TRUE,
				     &error));
	g_assert_no_error (error);
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "height",
				     "身高", HY_FIELD_TYPE_NUMBER, TRUE, 0, "170", NULL, FALSE,
				     &error));
	g_assert_no_error (error);
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "wedding",
				     "结婚纪念日", HY_FIELD_TYPE_DATE, FALSE, 0, NULL, NULL, FALSE,
				     &error));
	g_assert_no_error (error);
}

static void
test_field_add_list (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) defs = NULL;
	g_autoptr (GPtrArray) items = NULL;
	g_autoptr (HyFieldDef) def = NULL;
	gint64 outbox = hy_outbox_length (store->db);
	HyFieldDef *d;

	add_fields (store);
	defs = hy_field_list (store->db, HY_FIELD_ENTITY_MEMBER, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (defs->len, ==, 4);
	d = g_ptr_array_index (defs, 0);
	g_assert_cmpstr (d->key, ==, "occupation");
	g_assert_cmpint (d->type, ==, HY_FIELD_TYPE_CHOICE);
	g_assert_cmpstrv (d->choices, ((const gchar *const[]){"教师", "医生", NULL}));
	d = g_ptr_array_index (defs, 2);
	g_assert_cmpstr (d->key, ==, "height");
	g_assert_true (d->required);
	g_assert_cmpstr (d->default_value, ==, "170");
	g_assert_cmpint (d->position, ==, 2);
	items = hy_field_list (store->db, HY_FIELD_ENTITY_ITEM, &error);
	g_assert_cmpuint (items->len, ==, 0);

	def = hy_field_find (store->db, HY_FIELD_ENTITY_MEMBER, "wechat", &error);
	g_assert_no_error (error);
	g_assert_true (def->searchable);
	g_assert_cmpint (def->max_length, ==, 8);

	/* audited and replicated */
	g_assert_cmpint (hy_outbox_length (store->db), ==, outbox + 8); /* defs and audit */
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM audit "
						     "WHERE action = 'field.add'"),
			 ==, 4);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM outbox "
						     "WHERE tbl = 'field_defs'"),
			 ==, 4);
}

static void
test_field_add_refused (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (HyActor) cashier = hy_test_store_actor (store, "cashier");
	g_autoptr (GError) error = NULL;
	HyDb *db = store->db;

	g_assert_false (hy_field_add (db, cashier, HY_FIELD_ENTITY_MEMBER, "x", "X",
				      HY_FIELD_TYPE_TEXT, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
	g_clear_error (&error);
	g_assert_false (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER, "Bad-Key", "X",
				      HY_FIELD_TYPE_TEXT, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "Bad-Key"));
	g_clear_error (&error);
	g_assert_false (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER,
				      "a_key_that_is_much_longer_than_32", "X", HY_FIELD_TYPE_TEXT,
				      FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER, "c", "C",
				      HY_FIELD_TYPE_CHOICE, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_clear_error (&error);
	g_assert_false (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER, "n", "N",
				      HY_FIELD_TYPE_NUMBER, FALSE, 0, "many", NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "default"));
	g_clear_error (&error);
	g_assert_true (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER, "n", "N",
				     HY_FIELD_TYPE_NUMBER, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_false (hy_field_add (db, store->admin, HY_FIELD_ENTITY_MEMBER, "n", "N",
				      HY_FIELD_TYPE_NUMBER, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	/* the same key on another entity is fine */
	g_assert_true (hy_field_add (db, store->admin, HY_FIELD_ENTITY_ITEM, "n", "N",
				     HY_FIELD_TYPE_NUMBER, FALSE, 0, NULL, NULL, FALSE, &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM field_defs"), ==, 2);
}

static void
assert_validate (const HyFieldDef *def, const gchar *value, const gchar *words)
{
	g_autoptr (GError) error = NULL;
	gboolean ok = hy_field_validate (def, value, &error);
	if (words == NULL) {
		g_assert_no_error (error);
		g_assert_true (ok);
		return;
	}
	g_assert_false (ok);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	if (strstr (error->message, words) == NULL)
		g_error ("“%s” lacks “%s”", error->message, words);
}

static void
test_field_validate (void)
{
	HyFieldDef text = {.key = "t", .type = HY_FIELD_TYPE_TEXT, .max_length = 3};
	HyFieldDef number = {.key = "n", .type = HY_FIELD_TYPE_NUMBER, .required = TRUE};
	HyFieldDef date = {.key = "d", .type = HY_FIELD_TYPE_DATE};
	gchar *choices[] = {"教师", "医生", NULL};
	HyFieldDef choice = {.key = "c", .type = HY_FIELD_TYPE_CHOICE, .choices = choices};

	assert_validate (&text, "张三丰", NULL); /* characters, not bytes */
	assert_validate (&text, "张三丰a", "at most 3 characters");
	assert_validate (&text, "", NULL);
	assert_validate (&number, "12", NULL);
	assert_validate (&number, "-3.50", NULL);
	assert_validate (&number, "1e5", "\"1e5\" is not a number");
	assert_validate (&number, "3.", "not a number");
	assert_validate (&number, ".5", "not a number");
	assert_validate (&number, "", "required");
	assert_validate (&date, "2020-02-29", NULL);
	assert_validate (&date, "2021-02-29", "\"2021-02-29\" is not a date");
	assert_validate (&date, "2021-2-3", "not a date");
	assert_validate (&choice, "医生", NULL);
	assert_validate (&choice, "律师", "\"律师\" is not one of: 教师, 医生");
}

static void
test_field_values (void)
{
	g_autoptr (HyTestStore) store = hy_test_store_new ("S01");
	g_autoptr (GError) error = NULL;
	g_autoptr (GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GHashTable) read = NULL;
	g_autoptr (GPtrArray) found = NULL;
	g_autofree gchar *entity = hy_id_new ();
	gint64 outbox;

	add_fields (store);
	/* unknown key, then a missing required field without a default fall through */
	g_hash_table_insert (values, "hobby", "chess");
	g_assert_false (
		hy_field_check_values (store->db, HY_FIELD_ENTITY_MEMBER, values, TRUE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "\"hobby\""));
	g_clear_error (&error);
	g_hash_table_remove (values, "hobby");

	g_hash_table_insert (values, "occupation", "律师");
	g_assert_false (hy_field_set_values (store->db, store->admin, HY_FIELD_ENTITY_MEMBER,
					     entity, values, TRUE, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_nonnull (strstr (error->message, "field \"occupation\""));
	g_clear_error (&error);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM field_values"), ==, 0);

	/* the required height takes its default */
	outbox = hy_outbox_length (store->db);
	g_hash_table_insert (values, "occupation", "医生");
	g_hash_table_insert (values, "wechat", "zs_wx");
	g_assert_true (hy_field_set_values (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, entity,
					    values, TRUE, &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_outbox_length (store->db), ==, outbox + 3);
	read = hy_field_get_values (store->db, entity, &error);
	g_assert_cmpuint (g_hash_table_size (read), ==, 3);
	g_assert_cmpstr (g_hash_table_lookup (read, "occupation"), ==, "医生");
	g_assert_cmpstr (g_hash_table_lookup (read, "height"), ==, "170");
	g_clear_pointer (&read, g_hash_table_unref);

	/* an update keeps the row id; unchanged values ship nothing; "" clears */
	g_hash_table_remove_all (values);
	g_hash_table_insert (values, "wechat", "zs_new");
	g_hash_table_insert (values, "occupation", "医生");
	g_hash_table_insert (values, "wedding", "");
	outbox = hy_outbox_length (store->db);
	g_assert_true (hy_field_set_values (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, entity,
					    values, FALSE, &error));
	g_assert_no_error (error);
	g_assert_cmpint (hy_outbox_length (store->db), ==, outbox + 1);
	g_assert_cmpint (hy_test_store_count (store,
					      "SELECT count(*) FROM outbox "
					      "WHERE tbl = 'field_values' AND op = 'update'"),
			 ==, 1);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM field_values"), ==, 3);
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(DISTINCT id) FROM field_values"),
			 ==, 3);

	g_hash_table_remove_all (values);
	g_hash_table_insert (values, "wechat", "");
	g_assert_true (hy_field_set_values (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, entity,
					    values, FALSE, &error));
	g_assert_cmpint (hy_test_store_count (store, "SELECT count(*) FROM field_values"), ==, 2);
	g_assert_cmpint (hy_test_store_count (store,
					      "SELECT count(*) FROM outbox "
					      "WHERE tbl = 'field_values' AND op = 'delete'"),
			 ==, 1);
	/* a required field cleared falls back to its default; then put wechat back */
	g_hash_table_remove_all (values);
	g_hash_table_insert (values, "height", "");
	g_hash_table_insert (values, "wechat", "zs_wx");
	g_assert_true (hy_field_set_values (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, entity,
					    values, FALSE, &error));
	g_assert_no_error (error);
	read = hy_field_get_values (store->db, entity, &error);
	g_assert_cmpstr (g_hash_table_lookup (read, "height"), ==, "170");
	g_assert_cmpstr (g_hash_table_lookup (read, "wechat"), ==, "zs_wx");

	found = hy_field_lookup (store->db, HY_FIELD_ENTITY_MEMBER, "wechat", "zs_wx", 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (found->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (found, 0), ==, entity);
	g_clear_pointer (&found, g_ptr_array_unref);
	found = hy_field_lookup (store->db, HY_FIELD_ENTITY_MEMBER, "occupation", "医生", 0,
				 &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_null (found);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/field/add-list", test_field_add_list);
	g_test_add_func ("/huiyuan/field/add-refused", test_field_add_refused);
	g_test_add_func ("/huiyuan/field/validate", test_field_validate);
	g_test_add_func ("/huiyuan/field/values", test_field_values);
	return g_test_run ();
}
