/* huiyuan-admin verify, backup and restore. */
#include "config.h"

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-backup.h"
#include "hy-verify.h"

gint
hy_admin_cmd_verify (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Checks the database: SQLite’s integrity, the balances against the "
			"ledger, and the hash chains of the ledger and the audit log."),
		    N_ ("Prints “ok” and exits 0 when all is well; otherwise prints one "
			"line per problem, naming the row, and exits 1. The database is "
			"opened read-only."),
		    NULL, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	if (!hy_verify (db, problems, &error))
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		JsonArray *array = json_array_new ();
		for (guint i = 0; i < problems->len; i++)
			json_array_add_string_element (array, g_ptr_array_index (problems, i));
		json_object_set_boolean_member (object, "ok", problems->len == 0);
		json_object_set_array_member (object, "problems", array);
		hy_admin_print_json_object (object);
	} else if (problems->len == 0) {
		g_print ("ok\n");
	} else {
		for (guint i = 0; i < problems->len; i++)
			g_print ("%s\n", (const gchar *) g_ptr_array_index (problems, i));
	}
	if (problems->len > 0) {
		g_printerr (ngettext ("%s: verify found %u problem\n",
				      "%s: verify found %u problems\n", problems->len),
			    HY_ADMIN_PROGRAM, problems->len);
		return HY_ADMIN_EXIT_VERIFY_FAILED;
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_backup (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *dest = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	const GOptionEntry entries[] = {{"to", 0, 0, G_OPTION_ARG_FILENAME, &dest,
					 N_ ("The backup file to write (required)"), N_ ("FILE")},
					{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Copies the database to a backup file with SQLite’s online backup; "
			"the database may stay in use."),
		    N_ ("The backup is written beside FILE and renamed into place, so FILE "
			"is never half written."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (dest == NULL) {
		hy_admin_set_usage_error (&error, _ ("backup: --to FILE is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	if (!hy_backup_to_file (db, dest, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "db", options.db);
		json_object_set_string_member (object, "backup", dest);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Backed up %s to %s.\n"), options.db, dest);
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_restore (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *source = NULL;
	g_autoptr (GError) error = NULL;
	const GOptionEntry entries[] = {{"from", 0, 0, G_OPTION_ARG_FILENAME, &source,
					 N_ ("The backup file to restore (required)"), N_ ("FILE")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Replaces the content of the database with a backup."),
			     N_ ("The backup must open as a Huiyuan database and verify without "
				 "problems; otherwise nothing is changed. Programs that have the "
				 "database open see the restored content."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (source == NULL) {
		hy_admin_set_usage_error (&error, _ ("restore: --from FILE is required"));
		return hy_admin_fail (error);
	}
	if (!hy_backup_restore (source, options.db, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "db", options.db);
		json_object_set_string_member (object, "restored_from", source);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Restored %s from %s.\n"), options.db, source);
	}
	return HY_ADMIN_EXIT_OK;
}
