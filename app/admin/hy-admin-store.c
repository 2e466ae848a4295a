/* huiyuan-admin init, demo and operator …: setting up a store database and its staff. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hy-admin-common.h"
#include "hy-demo.h"
#include "hy-error.h"
#include "hy-operator.h"
#include "hy-store.h"

#define HY_ADMIN_DEMO_PASSWORD "huiyuan"

/* Removes a database file hy_db_open() created and its SQLite companions. */
static void
hy_admin_remove_db_files (const gchar *path)
{
	for (const gchar *const *s = (const gchar *const[]){"", "-wal", "-shm", "-journal", NULL};
	     *s != NULL; s++) {
		g_autofree gchar *file = g_strconcat (path, *s, NULL);
		g_unlink (file);
	}
}

static JsonObject *
hy_admin_store_to_json (const HyStore *store)
{
	JsonObject *object = json_object_new ();
	json_object_set_string_member (object, "id", store->id);
	json_object_set_string_member (object, "code", store->code);
	json_object_set_string_member (object, "name", store->name);
	json_object_set_int_member (object, "number", store->number);
	json_object_set_boolean_member (object, "hq", store->is_hq);
	return object;
}

/* Creates and initialises a new database; on any failure after the file was made,
 * removes it again so that no half-made database is left behind. */
static HyDb *
hy_admin_create_store (const gchar *path,
		       const gchar *code,
		       const gchar *name,
		       gboolean is_hq,
		       const gchar *admin_password,
		       GError **error)
{
	g_autoptr (HyDb) db = hy_db_open (path, HY_DB_OPEN_CREATE, error);
	if (db == NULL) {
		g_prefix_error (error, "%s: ", path);
		return NULL;
	}
	if (!hy_store_init (db, code, name, is_hq, admin_password, error)) {
		g_clear_object (&db);
		hy_admin_remove_db_files (path);
		return NULL;
	}
	return g_steal_pointer (&db);
}

gint
hy_admin_cmd_init (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *code = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *password = NULL;
	gboolean is_hq = FALSE;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyStore) store = NULL;
	const GOptionEntry entries[] = {{"store", 0, 0, G_OPTION_ARG_STRING, &code,
					 N_ ("The store code (required)"), N_ ("CODE")},
					{"name", 0, 0, G_OPTION_ARG_STRING, &name,
					 N_ ("The store name (required)"), N_ ("NAME")},
					{"hq", 0, 0, G_OPTION_ARG_NONE, &is_hq,
					 N_ ("This database is the headquarters"), NULL},
					{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Creates a new store database with its first terminal, the "
			"built-in roles, a default level and card kind, a card-stock range "
			"and the operator “admin” (role hq-admin)."),
		    N_ ("The admin password comes from HUIYUAN_PASSWORD, or is asked twice "
			"on the terminal. The file must not exist yet."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (code == NULL || name == NULL) {
		hy_admin_set_usage_error (&error,
					  _ ("init: --store CODE and --name NAME are required"));
		return hy_admin_fail (error);
	}
	if (g_file_test (options.db, G_FILE_TEST_EXISTS)) {
		g_set_error (&error, HY_ERROR, HY_ERROR_CONFLICT, _ ("%s: the file already exists"),
			     options.db);
		return hy_admin_fail (error);
	}
	password =
		hy_admin_read_secret ("HUIYUAN_PASSWORD", _ ("New admin password: "), TRUE, &error);
	if (password == NULL)
		return hy_admin_fail (error);

	db = hy_admin_create_store (options.db, code, name, is_hq, password, &error);
	memset (password, 0, strlen (password));
	if (db == NULL)
		return hy_admin_fail (error);
	store = hy_store_get_local (db, &error);
	if (store == NULL)
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "db", options.db);
		json_object_set_object_member (object, "store", hy_admin_store_to_json (store));
		json_object_set_string_member (object, "admin", "admin");
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Created store %s (%s), number %03d%s, in %s.\n"), store->code,
			 store->name, store->number, store->is_hq ? _ (", headquarters") : "",
			 options.db);
		g_print (_ ("Sign in as operator “admin” with the password you chose.\n"));
	}
	return HY_ADMIN_EXIT_OK;
}

gint
hy_admin_cmd_demo (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *members_text = NULL;
	g_autofree gchar *seed_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autofree gchar *sample_phone = NULL;
	const gchar *password = g_getenv ("HUIYUAN_PASSWORD");
	gboolean default_password = password == NULL;
	gboolean created = FALSE;
	guint64 n_members = 0;
	guint64 seed = 1;
	const GOptionEntry entries[] = {
		{"members", 0, 0, G_OPTION_ARG_STRING, &members_text,
		 N_ ("How many members to generate (required)"), N_ ("N")},
		{"seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
		 N_ ("Random seed: the same seed gives the same data (default 1)"), N_ ("S")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Adds deterministic demo data: levels, card kinds, items, custom "
				 "fields, a cashier and N members with cards and some history."),
			     N_ ("When the file does not exist it is created as store DEMO. The "
				 "admin password is HUIYUAN_PASSWORD, else “huiyuan”; with an "
				 "existing file, admin signs in with it."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (members_text == NULL ||
	    !g_ascii_string_to_unsigned (members_text, 10, 0, G_MAXUINT, &n_members, NULL)) {
		hy_admin_set_usage_error (&error, _ ("demo: --members N needs a whole number ≥ 0"));
		return hy_admin_fail (error);
	}
	if (seed_text != NULL &&
	    !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL)) {
		hy_admin_set_usage_error (&error, _ ("demo: --seed “%s” is not a whole number ≥ 0"),
					  seed_text);
		return hy_admin_fail (error);
	}
	if (default_password)
		password = HY_ADMIN_DEMO_PASSWORD;

	if (!g_file_test (options.db, G_FILE_TEST_EXISTS)) {
		db = hy_admin_create_store (options.db, "DEMO", _ ("Demo store"), FALSE, password,
					    &error);
		if (db == NULL)
			return hy_admin_fail (error);
		created = TRUE;
	} else {
		db = hy_admin_open_db (&options, FALSE, &error);
		if (db == NULL)
			return hy_admin_fail (error);
	}
	admin = hy_actor_login (db, "admin", password, &error);
	if (admin == NULL || !hy_demo_generate (db, admin, (guint) n_members, seed, &error)) {
		if (created) {
			g_clear_object (&db);
			hy_admin_remove_db_files (options.db);
		}
		return hy_admin_fail (error);
	}
	sample_phone = n_members > 0 ? hy_demo_phone (0, seed) : NULL;

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "db", options.db);
		json_object_set_boolean_member (object, "created", created);
		json_object_set_int_member (object, "members", (gint64) n_members);
		json_object_set_int_member (object, "seed", (gint64) seed);
		json_object_set_string_member (object, "admin", "admin");
		if (default_password)
			json_object_set_string_member (object, "admin_password",
						       HY_ADMIN_DEMO_PASSWORD);
		if (sample_phone != NULL)
			json_object_set_string_member (object, "sample_phone", sample_phone);
		hy_admin_print_json_object (object);
		return HY_ADMIN_EXIT_OK;
	}
	if (created)
		g_print (_ ("Created demo store DEMO in %s.\n"), options.db);
	g_print (_ ("Added %" PRIu64 " demo members (seed %" PRIu64 ").\n"), n_members, seed);
	if (default_password)
		g_print (_ ("Sign in as “admin” with the password “%s” "
			    "(set HUIYUAN_PASSWORD to choose another).\n"),
			 HY_ADMIN_DEMO_PASSWORD);
	else
		g_print (_ ("Sign in as “admin” with the password in HUIYUAN_PASSWORD.\n"));
	if (sample_phone != NULL)
		g_print (_ ("Try: huiyuan-admin member show --db %s --phone %s\n"), options.db,
			 sample_phone);
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_operator_add (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *login = NULL;
	g_autofree gchar *role = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *password = NULL;
	g_autofree gchar *id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	gboolean ok;
	const GOptionEntry entries[] = {
		{"login", 0, 0, G_OPTION_ARG_STRING, &login,
		 N_ ("The new operator’s login (required)"), N_ ("LOGIN")},
		{"role", 0, 0, G_OPTION_ARG_STRING, &role,
		 N_ ("cashier, store-manager, finance, hq-admin or auditor (required)"),
		 N_ ("ROLE")},
		{"name", 0, 0, G_OPTION_ARG_STRING, &name,
		 N_ ("The operator’s full name (default: the login)"), N_ ("NAME")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL, N_ ("Adds an operator."),
			     N_ ("The new operator’s password comes from HUIYUAN_NEW_PASSWORD, or "
				 "is asked twice on the terminal. You may only grant a role whose "
				 "permissions you hold yourself."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON,
			     0, 0, &error))
		return hy_admin_fail (error);
	if (login == NULL || role == NULL) {
		hy_admin_set_usage_error (
			&error, _ ("operator add: --login LOGIN and --role ROLE are required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	password = hy_admin_read_secret ("HUIYUAN_NEW_PASSWORD",
					 _ ("Password for the new operator: "), TRUE, &error);
	if (password == NULL)
		return hy_admin_fail (error);
	ok = hy_operator_add (db, actor, login, name != NULL ? name : login, role, password, &id,
			      &error);
	memset (password, 0, strlen (password));
	if (!ok)
		return hy_admin_fail (error);

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "id", id);
		json_object_set_string_member (object, "login", login);
		json_object_set_string_member (object, "name", name != NULL ? name : login);
		json_object_set_string_member (object, "role", role);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Added operator %s (%s).\n"), login, role);
	}
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_operator_passwd (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *login = NULL;
	g_autofree gchar *password = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	gboolean ok;
	const GOptionEntry entries[] = {{"login", 0, 0, G_OPTION_ARG_STRING, &login,
					 N_ ("The operator whose password to set (required)"),
					 N_ ("LOGIN")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL, N_ ("Sets an operator’s password."),
			     N_ ("The new password comes from HUIYUAN_NEW_PASSWORD, or is asked "
				 "twice on the terminal."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR, 0, 0, &error))
		return hy_admin_fail (error);
	if (login == NULL) {
		hy_admin_set_usage_error (&error, _ ("operator passwd: --login LOGIN is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	password =
		hy_admin_read_secret ("HUIYUAN_NEW_PASSWORD", _ ("New password: "), TRUE, &error);
	if (password == NULL)
		return hy_admin_fail (error);
	ok = hy_operator_set_password (db, actor, login, password, &error);
	memset (password, 0, strlen (password));
	if (!ok)
		return hy_admin_fail (error);
	g_print (_ ("Password of %s changed.\n"), login);
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_operator_set_active (gint argc, gchar **argv, gboolean active)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *login = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	const GOptionEntry entries[] = {{"login", 0, 0, G_OPTION_ARG_STRING, &login,
					 N_ ("The operator (required)"), N_ ("LOGIN")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     active ? N_ ("Lets a disabled operator sign in again.")
				    : N_ ("Stops an operator from signing in."),
			     NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR, 0, 0, &error))
		return hy_admin_fail (error);
	if (login == NULL) {
		hy_admin_set_usage_error (&error, _ ("--login LOGIN is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_operator_set_active (db, actor, login, active, &error))
		return hy_admin_fail (error);
	g_print (active ? _ ("Operator %s enabled.\n") : _ ("Operator %s disabled.\n"), login);
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_operator_enable (gint argc, gchar **argv)
{
	return hy_admin_operator_set_active (argc, argv, TRUE);
}

static gint
hy_admin_cmd_operator_disable (gint argc, gchar **argv)
{
	return hy_admin_operator_set_active (argc, argv, FALSE);
}

const HyAdminCommand hy_admin_operator_commands[] = {
	{"add", N_ ("Add an operator with a role"), hy_admin_cmd_operator_add, NULL},
	{"passwd", N_ ("Set an operator’s password"), hy_admin_cmd_operator_passwd, NULL},
	{"disable", N_ ("Stop an operator from signing in"), hy_admin_cmd_operator_disable, NULL},
	{"enable", N_ ("Let a disabled operator sign in again"), hy_admin_cmd_operator_enable,
	 NULL},
	{NULL}};
