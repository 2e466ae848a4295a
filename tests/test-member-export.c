/* Exporting members to CSV (re-importable) and .xlsx. */
#include "config.h"

#include <glib/gstdio.h>

#include "hy-csv.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-member-export.h"
#include "hy-member-import.h"
#include "hy-member-search.h"
#include "hy-member.h"
#include "hy-test-common.h"

static HyTestStore *
imported_store (const gchar *code)
{
	g_autoptr (GError) error = NULL;
	g_autofree gchar *path =
		g_test_build_filename (G_TEST_DIST, "fixtures", "members-utf8-bom.csv", NULL);
	HyTestStore *store = hy_test_store_new (code);
	g_assert_true (hy_field_add (store->db, store->admin, HY_FIELD_ENTITY_MEMBER, "wechat",
				     "微信号", HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL, TRUE,
				     &error));
	g_assert_no_error (error);
	g_assert_true (hy_member_import_csv (store->db, store->admin, path, NULL, &error));
	g_assert_no_error (error);
	return store;
}

static void
test_export_csv (void)
{
	g_autoptr (HyTestStore) store = imported_store ("S01");
	g_autoptr (HyTestStore) other = hy_test_store_new ("S02");
	g_autofree gchar *path = g_build_filename (store->dir, "out.csv", NULL);
	g_autoptr (GError) error = NULL;
	g_autofree gchar *text = NULL;
	g_autoptr (HyCsvReader) reader = NULL;
	g_auto (GStrv) header = NULL;
	g_auto (GStrv) first = NULL;
	g_auto (GStrv) second = NULL;
	g_autoptr (GPtrArray) found = NULL;
	gsize length = 0;
	guint count = 0;

	/* a deleted member is not exported */
	hy_test_store_raw_sql (store, "UPDATE members SET deleted = 1 WHERE name = '李小龙'");
	g_assert_true (hy_member_export (store->db, path, &count, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (count, ==, 1);
	g_assert_true (g_file_get_contents (path, &text, &length, NULL));
	g_assert_true (g_str_has_prefix (text, "\xef\xbb\xbf"));
	reader = hy_csv_reader_new ("out.csv", text + 3, length - 3);
	header = hy_csv_reader_next (reader, &error);
	g_assert_cmpstrv (header,
			  ((const gchar *const[]){"card", "name", "phone", "level", "gender",
						  "birthday", "id_number", "province", "city",
						  "district", "address", "zip", "email", "note",
						  "wechat", "balance", "points", NULL}));
	first = hy_csv_reader_next (reader, &error);
	g_assert_no_error (error);
	g_assert_cmpstrv (first, ((const gchar *const[]){
					 "0010005007", "张三", "13800138000", "Standard", "male",
					 "1991-01-01", "360426199101010071", "", "九江市", "",
					 "浔阳区 1号, 2栋", "332000", "zs@example.cn",
					 "说 \"你好\"\n第二行", "zs_wx", "10000", "150", NULL}));
	second = hy_csv_reader_next (reader, &error);
	g_assert_no_error (error);
	g_assert_null (second);

	/* the export imports into another store; its card number belongs to S01's range,
	 * so the card column is dropped there and a number is taken from S02's stock */
	hy_test_store_raw_sql (store, "UPDATE members SET deleted = 0");
	g_assert_true (hy_member_export (store->db, path, &count, &error));
	g_assert_cmpuint (count, ==, 2);
	g_assert_true (hy_field_add (other->db, other->admin, HY_FIELD_ENTITY_MEMBER, "wechat",
				     "微信号", HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL, TRUE,
				     &error));
	g_clear_pointer (&text, g_free);
	g_assert_true (g_file_get_contents (path, &text, &length, NULL));
	{
		/* blank the card column (the first) of every data row */
		g_autoptr (GString) edited = g_string_new (NULL);
		g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
		g_string_append_printf (edited, "%s\r\n", lines[0]);
		for (guint i = 1; lines[i] != NULL; i++) {
			const gchar *comma = strchr (lines[i], ',');
			if (lines[i][0] != '\0' && g_ascii_isdigit (lines[i][0]) && comma != NULL)
				g_string_append_printf (edited, "%s\r\n", comma);
			else
				g_string_append_printf (edited, "%s\r\n", lines[i]);
		}
		g_assert_true (hy_member_import_data (other->db, other->admin, "out.csv",
						      edited->str, edited->len, &count, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (count, ==, 2);
	}
	found = hy_member_search (other->db, "zs_wx", 0, &error);
	g_assert_cmpuint (found->len, ==, 1);
	g_assert_cmpstr (((HyMember *) found->pdata[0])->note, ==, "说 \"你好\"\n第二行");
	g_assert_cmpint (hy_test_store_count (other, "SELECT sum(amount) FROM balances "
						     "WHERE account = 'money'"),
			 ==, 10000);
}

static void
test_export_xlsx (void)
{
	g_autoptr (HyTestStore) store = imported_store ("S01");
	g_autofree gchar *path = g_build_filename (store->dir, "out.xlsx", NULL);
	g_autofree gchar *bad = g_build_filename (store->dir, "out.txt", NULL);
	g_autofree gchar *data = NULL;
	g_autoptr (GError) error = NULL;
	gsize length = 0;
	guint count = 0;

	g_assert_true (hy_member_export (store->db, path, &count, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (count, ==, 2);
	g_assert_true (g_file_get_contents (path, &data, &length, NULL));
	g_assert_cmpuint (length, >, 1000);
	g_assert_cmpmem (data, 4, "PK\x03\x04", 4); /* a zip container */

	g_assert_false (hy_member_export (store->db, bad, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT);
	g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
	g_clear_error (&error);
	/* an unwritable place fails with an error and leaves nothing */
	g_assert_false (hy_member_export (store->db, "/nonexistent-dir/out.xlsx", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_FAILED);
	g_clear_error (&error);
	g_assert_false (hy_member_export (store->db, "/nonexistent-dir/out.csv", NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_FAILED);
	g_unlink (path);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/member-export/csv", test_export_csv);
	g_test_add_func ("/huiyuan/member-export/xlsx", test_export_xlsx);
	return g_test_run ();
}
