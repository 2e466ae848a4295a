/* huiyuan-admin store add|revoke, enroll and sync: stores joining the chain through
 * the HQ relay, and a store's replication. */
#include "config.h"

#include <inttypes.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hy-admin-common.h"
#include "hy-enrol.h"
#include "hy-error.h"
#include "hy-sync-client.h"

/* The longest pause between retries of `sync --follow` while the relay is away. */
#define HY_ADMIN_SYNC_MAX_BACKOFF 30

static gint
hy_admin_cmd_store_add (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *code = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *token = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyStore) store = NULL;
	const GOptionEntry entries[] = {{"code", 0, 0, G_OPTION_ARG_STRING, &code,
					 N_ ("The new store’s code (required)"), N_ ("CODE")},
					{"name", 0, 0, G_OPTION_ARG_STRING, &name,
					 N_ ("The new store’s name (required)"), N_ ("NAME")},
					{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Adds a store on the HQ database: the next store number, its terminal "
			"and card-stock range, and a one-time enrolment token for "
			"“huiyuan-admin enroll” at the store."),
		    N_ ("The token is printed once and is valid for 7 days; the relay keeps only "
			"its hash."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
		    &error))
		return hy_admin_fail (error);
	if (code == NULL || name == NULL) {
		hy_admin_set_usage_error (
			&error, _ ("store add: --code CODE and --name NAME are required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_enrol_add_store (db, actor, code, name, &store, &token, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "id", store->id);
		json_object_set_string_member (object, "code", store->code);
		json_object_set_string_member (object, "name", store->name);
		json_object_set_int_member (object, "number", store->number);
		json_object_set_string_member (object, "token", token);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Added store %s (%s), number %03d.\n"), store->code, store->name,
			 store->number);
		g_print (_ ("Enrolment token (shown once, valid %d days): %s\n"),
			 HY_ENROL_TOKEN_DAYS, token);
	}
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_store_revoke (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *terminal = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	const GOptionEntry entries[] = {{"terminal", 0, 0, G_OPTION_ARG_STRING, &terminal,
					 N_ ("The terminal’s id (required)"), N_ ("ID")},
					{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Revokes a terminal’s relay credential: the relay refuses it "
				 "from now on."),
			     NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR, 0, 0, &error))
		return hy_admin_fail (error);
	if (terminal == NULL) {
		hy_admin_set_usage_error (&error, _ ("store revoke: --terminal ID is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_enrol_revoke (db, actor, terminal, &error))
		return hy_admin_fail (error);
	g_print (_ ("Revoked terminal %s.\n"), terminal);
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_store_commands[] = {
	{"add", N_ ("Add a store and print its one-time enrolment token (HQ)"),
	 hy_admin_cmd_store_add, NULL},
	{"revoke", N_ ("Revoke a terminal’s relay credential (HQ)"), hy_admin_cmd_store_revoke,
	 NULL},
	{NULL}};

/* ---- enroll --------------------------------------------------------------------------- */

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
} HyAdminWait;

static void
hy_admin_wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
	HyAdminWait *wait = user_data;
	wait->result = g_object_ref (result);
	g_main_loop_quit (wait->loop);
}

static void
hy_admin_remove_db (const gchar *path)
{
	for (const gchar *const *s = (const gchar *const[]){"", "-wal", "-shm", "-journal", NULL};
	     *s != NULL; s++) {
		g_autofree gchar *file = g_strconcat (path, *s, NULL);
		g_unlink (file);
	}
}

gint
hy_admin_cmd_enroll (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *relay = NULL;
	g_autofree gchar *token = NULL;
	g_autofree gchar *store_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	g_autoptr (HyStore) store = NULL;
	HyAdminWait wait = {0};
	gboolean ok;
	const GOptionEntry entries[] = {
		{"relay", 0, 0, G_OPTION_ARG_STRING, &relay,
		 N_ ("The relay’s URL, e.g. https://hq.example.com:8443 (required)"), N_ ("URL")},
		{"token", 0, 0, G_OPTION_ARG_STRING, &token,
		 N_ ("The enrolment token from “store add” (required)"), N_ ("TOKEN")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Creates a store database as a replica of the chain: trades the "
				 "enrolment token for the terminal’s credential, copies HQ’s "
				 "snapshot, then follows the relay’s log (“huiyuan-admin sync”)."),
			     N_ ("The database file must not exist yet."), entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (relay == NULL || token == NULL) {
		hy_admin_set_usage_error (&error,
					  _ ("enroll: --relay URL and --token TOKEN are required"));
		return hy_admin_fail (error);
	}
	if (g_file_test (options.db, G_FILE_TEST_EXISTS)) {
		g_set_error (&error, HY_ERROR, HY_ERROR_CONFLICT, _ ("%s: the file already exists"),
			     options.db);
		return hy_admin_fail (error);
	}
	db = hy_db_open (options.db, HY_DB_OPEN_CREATE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	loop = g_main_loop_new (NULL, FALSE);
	wait.loop = loop;
	hy_sync_enrol_async (db, relay, token, NULL, hy_admin_wait_done, &wait);
	g_main_loop_run (loop);
	ok = hy_sync_enrol_finish (wait.result, &store_id, &error);
	g_clear_object (&wait.result);
	if (ok)
		store = hy_store_get_local (db, &error);
	if (!ok || store == NULL) {
		/* no half-made replica is left behind */
		g_clear_object (&db);
		hy_admin_remove_db (options.db);
		return hy_admin_fail (error);
	}
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "db", options.db);
		json_object_set_string_member (object, "store_id", store->id);
		json_object_set_string_member (object, "code", store->code);
		json_object_set_int_member (object, "number", store->number);
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Enrolled %s as store %s (%s), number %03d.\n"), options.db,
			 store->code, store->name, store->number);
	}
	return HY_ADMIN_EXIT_OK;
}

/* ---- sync ------------------------------------------------------------------------------ */

static gboolean
hy_admin_sync_stop (gpointer user_data)
{
	g_cancellable_cancel (user_data);
	return G_SOURCE_REMOVE;
}

static gboolean
hy_admin_sync_sleep_done (gpointer user_data)
{
	g_main_loop_quit (user_data);
	return G_SOURCE_REMOVE;
}

static void
hy_admin_sync_sleep_cancelled (GCancellable *cancellable, gpointer user_data)
{
	g_main_loop_quit (user_data);
}

gint
hy_admin_cmd_sync (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	gboolean once = FALSE;
	gboolean follow = FALSE;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HySyncClient) client = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	g_autoptr (GCancellable) cancellable = g_cancellable_new ();
	HySyncStats total = {0};
	guint backoff = 0;
	const GOptionEntry entries[] = {
		{"once", 0, 0, G_OPTION_ARG_NONE, &once,
		 N_ ("Push and pull everything once, then exit (the default)"), NULL},
		{"follow", 0, 0, G_OPTION_ARG_NONE, &follow,
		 N_ ("Keep following the relay until SIGTERM, retrying with back-off"), NULL},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Pushes this store’s changes to the relay and applies what the "
				 "other stores and HQ wrote."),
			     N_ ("The database must have been enrolled (“huiyuan-admin enroll”)."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (once && follow) {
		hy_admin_set_usage_error (&error,
					  _ ("sync: --once and --follow exclude each other"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	client = hy_sync_client_new (db, &error);
	if (client == NULL)
		return hy_admin_fail (error);
	loop = g_main_loop_new (NULL, FALSE);
	g_unix_signal_add (SIGTERM, hy_admin_sync_stop, cancellable);
	g_unix_signal_add (SIGINT, hy_admin_sync_stop, cancellable);

	for (;;) {
		HyAdminWait wait = {loop, NULL};
		HySyncStats stats = {0};
		gboolean ok;

		hy_sync_client_sync_async (client, follow ? 5 : 0, cancellable, hy_admin_wait_done,
					   &wait);
		g_main_loop_run (loop);
		ok = hy_sync_client_sync_finish (client, wait.result, &stats, &error);
		g_clear_object (&wait.result);
		total.pushed += stats.pushed;
		total.pulled += stats.pulled;
		total.applied += stats.applied;
		total.cursor = stats.cursor;
		total.pending = stats.pending;
		if (!follow) {
			if (!ok)
				return hy_admin_fail (error);
			break;
		}
		if (g_cancellable_is_cancelled (cancellable))
			break;
		if (ok) {
			backoff = 0;
			if (stats.pushed + stats.applied > 0)
				g_print (_ ("pushed %u, applied %u of %u pulled\n"), stats.pushed,
					 stats.applied, stats.pulled);
			continue;
		}
		/* the relay is away or refused: wait, longer each time, then retry */
		backoff = backoff == 0 ? 1 : MIN (backoff * 2, HY_ADMIN_SYNC_MAX_BACKOFF);
		g_printerr ("%s: %s (retrying in %u s)\n", HY_ADMIN_PROGRAM, error->message,
			    backoff);
		g_clear_error (&error);
		{
			guint timer =
				g_timeout_add_seconds (backoff, hy_admin_sync_sleep_done, loop);
			gulong handler = g_cancellable_connect (
				cancellable, G_CALLBACK (hy_admin_sync_sleep_cancelled), loop,
				NULL);
			g_main_loop_run (loop);
			g_cancellable_disconnect (cancellable, handler);
			if (g_cancellable_is_cancelled (cancellable)) {
				g_source_remove (timer);
				break;
			}
		}
	}

	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_int_member (object, "pushed", total.pushed);
		json_object_set_int_member (object, "pulled", total.pulled);
		json_object_set_int_member (object, "applied", total.applied);
		json_object_set_int_member (object, "cursor", total.cursor);
		json_object_set_int_member (object, "pending", total.pending);
		hy_admin_print_json_object (object);
	} else if (!follow) {
		g_print (_ ("Pushed %u changes; applied %u of %u pulled; relay log at %" PRId64
			    ".\n"),
			 total.pushed, total.applied, total.pulled, total.cursor);
	}
	return HY_ADMIN_EXIT_OK;
}
