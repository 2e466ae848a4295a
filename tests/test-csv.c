/* The RFC 4180 reader and the field writer. */
#include "config.h"

#include "hy-csv.h"
#include "hy-error.h"

static GPtrArray *
read_all (const gchar *text, GError **error)
{
	g_autoptr (HyCsvReader) reader = hy_csv_reader_new ("t.csv", text, strlen (text));
	GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	gchar **record;
	while ((record = hy_csv_reader_next (reader, error)) != NULL)
		g_ptr_array_add (records, record);
	return records;
}

static void
test_csv_rfc4180 (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) r = read_all ("name,note\r\n"
					    "张三,\"a, b\"\r\n"
					    "\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"
					    "\r\n"
					    ",\n"
					    "last,row",
					    &error);
	gchar **row;
	g_assert_no_error (error);
	g_assert_cmpuint (r->len, ==, 5);
	row = g_ptr_array_index (r, 0);
	g_assert_cmpstrv (row, ((const gchar *const[]){"name", "note", NULL}));
	row = g_ptr_array_index (r, 1);
	g_assert_cmpstrv (row, ((const gchar *const[]){"张三", "a, b", NULL}));
	row = g_ptr_array_index (r, 2);
	g_assert_cmpstrv (row, ((const gchar *const[]){"say \"hi\"", "two\nlines", NULL}));
	row = g_ptr_array_index (r, 3);
	g_assert_cmpstrv (row, ((const gchar *const[]){"", "", NULL}));
	row = g_ptr_array_index (r, 4);
	g_assert_cmpstrv (row, ((const gchar *const[]){"last", "row", NULL}));
}

static void
test_csv_lines (void)
{
	const gchar *text = "a\n\"b\nc\"\nd\n";
	g_autoptr (HyCsvReader) reader = hy_csv_reader_new ("t.csv", text, strlen (text));
	g_auto (GStrv) a = hy_csv_reader_next (reader, NULL);
	g_assert_cmpuint (hy_csv_reader_get_line (reader), ==, 1);
	g_auto (GStrv) b = hy_csv_reader_next (reader, NULL);
	g_assert_cmpuint (hy_csv_reader_get_line (reader), ==, 2);
	g_auto (GStrv) d = hy_csv_reader_next (reader, NULL);
	g_assert_cmpstr (d[0], ==, "d");
	g_assert_cmpuint (hy_csv_reader_get_line (reader), ==, 4);
	g_assert_null (hy_csv_reader_next (reader, NULL));
}

static void
assert_bad (const gchar *text, const gchar *where)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) r = read_all (text, &error);
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	if (!g_str_has_prefix (error->message, where))
		g_error ("“%s” does not start with “%s”", error->message, where);
}

static void
test_csv_malformed (void)
{
	assert_bad ("a,b\nc,\"d\n", "t.csv:2:3: quoted field is never closed");
	assert_bad ("a,b\nc,ab\"c\n", "t.csv:2:5: a quote inside");
	assert_bad ("a,b\n张三,\"x\"y\n", "t.csv:2:7: unexpected text after a closing quote");
}

static void
test_csv_write (void)
{
	g_autoptr (GString) line = g_string_new (NULL);
	hy_csv_append_field (line, "plain", TRUE);
	hy_csv_append_field (line, "a,b", FALSE);
	hy_csv_append_field (line, "say \"hi\"", FALSE);
	hy_csv_append_field (line, NULL, FALSE);
	hy_csv_append_field (line, "two\nlines", FALSE);
	g_assert_cmpstr (line->str, ==, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\"");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/csv/rfc4180", test_csv_rfc4180);
	g_test_add_func ("/huiyuan/csv/lines", test_csv_lines);
	g_test_add_func ("/huiyuan/csv/malformed", test_csv_malformed);
	g_test_add_func ("/huiyuan/csv/write", test_csv_write);
	return g_test_run ();
}
