/* GB 11643-1999 citizen ID numbers. */
#include "config.h"

#include "hy-error.h"
#include "hy-id-number.h"

static void
test_id_number_valid (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *born = NULL;

	g_assert_true (hy_id_number_validate ("360426199101010071", NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_id_number_validate ("11010519491231002X", NULL, &error));
	g_assert_no_error (error);
	/* lowercase x accepted and normalised */
	g_assert_true (hy_id_number_validate ("11010519491231002x", &normalized, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (normalized, ==, "11010519491231002X");

	born = hy_id_number_birthday ("360426199101010071");
	g_assert_cmpstr (born, ==, "1991-01-01");
	g_clear_pointer (&born, g_free);
	born = hy_id_number_birthday ("11010519491231002x");
	g_assert_cmpstr (born, ==, "1949-12-31");
	g_assert_cmpstr (hy_id_number_gender ("360426199101010071"), ==, "male");
	g_assert_cmpstr (hy_id_number_gender ("11010519491231002X"), ==, "female");
	g_assert_null (hy_id_number_birthday ("360426199101010072"));
	g_assert_null (hy_id_number_gender ("12345"));
}

static void
test_id_number_complete (void)
{
	g_autofree gchar *full = hy_id_number_complete ("11010519491231002");
	g_assert_cmpstr (full, ==, "11010519491231002X");
	g_assert_cmpint (hy_id_number_check_char ("36042619910101007"), ==, '1');
	g_assert_null (hy_id_number_complete ("1101051949123100"));
	g_assert_null (hy_id_number_complete ("1101051949123100A"));
	g_assert_cmpint (hy_id_number_check_char ("1101051949123100A"), ==, 0);
}

static void
assert_invalid (const gchar *number, const gchar *words)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *normalized = NULL;
	g_assert_false (hy_id_number_validate (number, &normalized, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_null (normalized);
	if (strstr (error->message, words) == NULL)
		g_error ("“%s” lacks “%s”", error->message, words);
}

static void
test_id_number_invalid (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree gchar *body = NULL;
	g_autofree gchar *future = NULL;

	assert_invalid ("360426199101010072", "check character");
	assert_invalid ("110105194912310021", "check character");
	assert_invalid ("36042619910101007", "18 characters, not 17");
	assert_invalid ("3604261991010100711", "18 characters, not 19");
	assert_invalid ("", "18 characters, not 0");
	assert_invalid (NULL, "18 characters");
	assert_invalid ("36042619910101007A", "character 18");
	assert_invalid ("3604261991O1010071", "character 11");
	assert_invalid ("X60426199101010071", "character 1");
	/* a real check character on an impossible date */
	body = hy_id_number_complete ("36042619910230007");
	assert_invalid (body, "1991-02-30");
	assert_invalid (body, "not a real date");
	g_clear_pointer (&body, g_free);
	body = g_strdup_printf ("360426%04d0101007", g_date_time_get_year (now) + 1);
	future = hy_id_number_complete (body);
	assert_invalid (future, "in the future");
	/* 18 characters but not 18 bytes */
	assert_invalid ("36042619910101007一", "character 18");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/id-number/valid", test_id_number_valid);
	g_test_add_func ("/huiyuan/id-number/complete", test_id_number_complete);
	g_test_add_func ("/huiyuan/id-number/invalid", test_id_number_invalid);
	return g_test_run ();
}
