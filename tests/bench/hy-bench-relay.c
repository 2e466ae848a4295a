/* huiyuan-bench relay: many stores at once pushing small batches to a real huiyuan-relay
 * process on loopback, each from its own SoupSession (its own connection) on one main
 * loop: push latency (p50, p99) and pushes per second the relay sustains. Each store
 * pushes every --interval ms, as a till does while selling; --interval 0 pushes again
 * as soon as the answer comes, which measures the relay's ceiling instead. */
#include "config.h"

#include <glib/gstdio.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>

#include "hy-actor.h"
#include "hy-bench-sync.h"
#include "hy-db.h"
#include "hy-enrol.h"
#include "hy-relay-log.h"
#include "hy-store.h"

#define BENCH_RELAY_PASSWORD "bench-admin"

typedef struct _BenchRelay BenchRelay;

typedef struct {
	BenchRelay *bench;
	SoupSession *session;
	gchar *authorization; /* "Bearer <terminal>.<secret>" */
	GPtrArray *bodies;    /* GBytes: each push's JSON, made before the clock starts */
	guint next;	      /* the next body to push */
	gint64 due_us;	      /* when the next push is due (monotonic) */
	gint64 sent_us;
	guint timer;
} BenchStore;

struct _BenchRelay {
	gchar *url;
	GMainLoop *loop;
	GArray *latencies_us; /* gint64, one per push */
	guint interval_ms;
	guint busy;	/* stores still pushing (or warming up) */
	guint failures; /* pushes not answered 200 */
	gchar *failure; /* the first one's reason */
};

static void
bench_relay_die (const gchar *what, const GError *error)
{
	g_printerr ("huiyuan-bench: %s: %s\n", what, error != NULL ? error->message : "failed");
	exit (2);
}

static void
bench_relay_store_free (BenchStore *store)
{
	if (store->timer != 0)
		g_source_remove (store->timer);
	g_clear_object (&store->session);
	g_free (store->authorization);
	g_ptr_array_unref (store->bodies);
	g_free (store);
}

static void
bench_relay_die_with_parent (gpointer user_data)
{
	prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The relay binary: --relay, else $HUIYUAN_RELAY (set by meson test), else the one
 * built beside this benchmark. */
static gchar *
bench_relay_binary (const gchar *option)
{
	g_autofree gchar *self = NULL;
	g_autofree gchar *dir = NULL;

	if (option != NULL)
		return g_strdup (option);
	if (g_getenv ("HUIYUAN_RELAY") != NULL)
		return g_strdup (g_getenv ("HUIYUAN_RELAY"));
	self = g_file_read_link ("/proc/self/exe", NULL);
	if (self == NULL)
		return g_strdup ("huiyuan-relay");
	dir = g_path_get_dirname (self);
	return g_build_filename (dir, "..", "..", "replication", "huiyuan-relay", NULL);
}

/* Starts the relay on a free loopback port; the URL it prints. */
static GSubprocess *
bench_relay_start (const gchar *binary, const gchar *db, gchar **url)
{
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	g_autoptr (GSubprocess) relay = NULL;
	g_autoptr (GDataInputStream) out = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *line = NULL;

	g_subprocess_launcher_set_child_setup (launcher, bench_relay_die_with_parent, NULL, NULL);
	relay = g_subprocess_launcher_spawn (launcher, &error, binary, "--db", db, "--listen",
					     "127.0.0.1:0", NULL);
	if (relay == NULL)
		bench_relay_die (binary, error);
	out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
	line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
	if (line == NULL || !g_str_has_prefix (line, "listening on "))
		bench_relay_die ("the relay did not start", error);
	*url = g_strdup (line + strlen ("listening on "));
	return g_steal_pointer (&relay);
}

/* {"epoch": …, "changes": [changes from, from + n)} */
static GBytes *
bench_relay_body (const gchar *epoch, GPtrArray *changes, guint from, guint n)
{
	g_autoptr (JsonObject) body = json_object_new ();
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	JsonArray *array = json_array_new ();
	gchar *text;

	for (guint i = from; i < from + n; i++)
		json_array_add_element (array, hy_change_to_json (changes->pdata[i]));
	json_object_set_string_member (body, "epoch", epoch);
	json_object_set_array_member (body, "changes", array);
	json_node_set_object (node, body);
	text = json_to_string (node, FALSE);
	return g_bytes_new_take (text, strlen (text));
}

static void
bench_relay_push (BenchStore *store);

static gboolean
bench_relay_due (gpointer user_data)
{
	BenchStore *store = user_data;
	store->timer = 0;
	bench_relay_push (store);
	return G_SOURCE_REMOVE;
}

/* The next push at its time (a fixed rate, not drifting with the answers), or at once. */
static void
bench_relay_schedule (BenchStore *store)
{
	gint64 wait_us;

	if (store->next >= store->bodies->len) {
		if (--store->bench->busy == 0)
			g_main_loop_quit (store->bench->loop);
		return;
	}
	wait_us = store->due_us - g_get_monotonic_time ();
	if (wait_us <= 0)
		bench_relay_push (store);
	else
		store->timer =
			g_timeout_add ((guint) ((wait_us + 999) / 1000), bench_relay_due, store);
}

static void
bench_relay_pushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	BenchStore *store = user_data;
	SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) answer =
		soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	gint64 latency = g_get_monotonic_time () - store->sent_us;

	g_array_append_val (store->bench->latencies_us, latency);
	if (answer == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK) {
		store->bench->failures++;
		if (store->bench->failure == NULL)
			store->bench->failure =
				answer == NULL
					? g_strdup (error->message)
					: g_strdup_printf (
						  "HTTP %u: %.*s", soup_message_get_status (msg),
						  (gint) g_bytes_get_size (answer),
						  (const gchar *) g_bytes_get_data (answer, NULL));
	}
	g_object_unref (msg);
	store->next++;
	store->due_us += (gint64) store->bench->interval_ms * 1000;
	bench_relay_schedule (store);
}

static void
bench_relay_push (BenchStore *store)
{
	g_autofree gchar *url = g_strconcat (store->bench->url, "/v1/push", NULL);
	SoupMessage *msg = soup_message_new ("POST", url);

	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
				      store->authorization);
	soup_message_set_request_body_from_bytes (msg, "application/json",
						  store->bodies->pdata[store->next]);
	store->sent_us = g_get_monotonic_time ();
	soup_session_send_and_read_async (store->session, msg, G_PRIORITY_DEFAULT, NULL,
					  bench_relay_pushed, store);
}

/* One health request a store before the clock starts, so connections are open. */
static void
bench_relay_warmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	BenchStore *store = user_data;
	SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) answer =
		soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	if (answer == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
		bench_relay_die ("warming up", error);
	g_object_unref (msg);
	if (--store->bench->busy == 0)
		g_main_loop_quit (store->bench->loop);
}

static gint64
bench_relay_quantile (GArray *sorted, gdouble q)
{
	guint i;
	if (sorted->len == 0)
		return 0;
	i = (guint) (q * (sorted->len - 1) + 0.5);
	return g_array_index (sorted, gint64, MIN (i, sorted->len - 1));
}

static gint
bench_relay_compare (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
	return x < y ? -1 : x > y;
}

gint
bench_relay (gint argc, gchar **argv)
{
	gint n_stores = 200;
	gint pushes = 20;
	gint batch = 5;
	gint interval_ms = 1000;
	g_autofree gchar *relay_option = NULL;
	g_autofree gchar *binary = NULL;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *epoch = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GOptionContext) ctx = g_option_context_new (
		"relay — many stores pushing small batches to huiyuan-relay at once");
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (GSubprocess) relay = NULL;
	g_autoptr (GPtrArray) stores =
		g_ptr_array_new_with_free_func ((GDestroyNotify) bench_relay_store_free);
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;
	g_autofree gchar *text = NULL;
	BenchRelay bench = {0};
	gint64 t0, elapsed_us, logged = 0;
	const GOptionEntry entries[] = {
		{"stores", 0, 0, G_OPTION_ARG_INT, &n_stores, "Stores pushing at once (200)", "N"},
		{"pushes", 0, 0, G_OPTION_ARG_INT, &pushes, "Pushes per store (20)", "N"},
		{"batch", 0, 0, G_OPTION_ARG_INT, &batch, "Changes per push (5)", "N"},
		{"interval", 0, 0, G_OPTION_ARG_INT, &interval_ms,
		 "Milliseconds between a store's pushes; 0: as fast as answered (1000)", "MS"},
		{"relay", 0, 0, G_OPTION_ARG_FILENAME, &relay_option,
		 "The huiyuan-relay binary (the one built beside this benchmark)", "PATH"},
		{NULL}};

	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error))
		bench_relay_die ("options", error);
	if (n_stores < 1 || n_stores > 900 || pushes < 1 || batch < 1 ||
	    batch > HY_RELAY_MAX_BATCH || interval_ms < 0) {
		g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				     "--stores takes 1 to 900, --batch 1 to 1000, --pushes and "
				     "--interval at least 1 and 0");
		bench_relay_die ("options", error);
	}
	binary = bench_relay_binary (relay_option);
	dir = g_dir_make_tmp ("huiyuan-bench-XXXXXX", &error);
	if (dir == NULL)
		bench_relay_die ("temporary directory", error);
	path = g_build_filename (dir, "hq.db", NULL);

	/* HQ with the stores added and their terminals enrolled, and every push's body made,
	 * before the relay starts */
	db = hy_db_open (path, HY_DB_OPEN_CREATE, &error);
	if (db == NULL || !hy_store_init (db, "HQ", "HQ", TRUE, BENCH_RELAY_PASSWORD, &error))
		bench_relay_die ("HQ database", error);
	admin = hy_actor_login (db, "admin", BENCH_RELAY_PASSWORD, &error);
	if (admin == NULL)
		bench_relay_die ("login", error);
	epoch = hy_relay_get_epoch (db, &error);
	if (epoch == NULL)
		bench_relay_die ("epoch", error);
	bench.latencies_us = g_array_new (FALSE, FALSE, sizeof (gint64));
	bench.interval_ms = (guint) interval_ms;
	for (gint i = 0; i < n_stores; i++) {
		g_autofree gchar *code = g_strdup_printf ("B%03d", i + 1);
		g_autofree gchar *name = g_strdup_printf ("Bench store %d", i + 1);
		g_autofree gchar *token = NULL;
		g_autofree gchar *store_id = NULL;
		g_autofree gchar *terminal_id = NULL;
		g_autofree gchar *secret = NULL;
		g_autoptr (HyStore) added = NULL;
		g_autoptr (GPtrArray) changes = NULL;
		BenchStore *store = g_new0 (BenchStore, 1);

		if (!hy_enrol_add_store (db, admin, code, name, &added, &token, &error) ||
		    !hy_enrol_redeem (db, token, &store_id, &terminal_id, &secret, &error))
			bench_relay_die ("enrolling a store", error);
		store->bench = &bench;
		store->authorization = g_strdup_printf ("Bearer %s.%s", terminal_id, secret);
		store->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
		changes = bench_sync_changes (store_id, (guint) i, (pushes * batch + 2) / 3);
		for (gint k = 0; k < pushes; k++)
			g_ptr_array_add (store->bodies,
					 bench_relay_body (epoch, changes, (guint) (k * batch),
							   (guint) batch));
		g_ptr_array_add (stores, store);
	}
	g_clear_pointer (&admin, hy_actor_free);
	g_clear_object (&db);

	relay = bench_relay_start (binary, path, &bench.url);
	bench.loop = g_main_loop_new (NULL, FALSE);

	/* each store on its own connection, opened before the clock starts */
	bench.busy = stores->len;
	for (guint i = 0; i < stores->len; i++) {
		BenchStore *store = stores->pdata[i];
		g_autofree gchar *url = g_strconcat (bench.url, "/v1/health", NULL);
		store->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
		soup_session_send_and_read_async (store->session, soup_message_new ("GET", url),
						  G_PRIORITY_DEFAULT, NULL, bench_relay_warmed,
						  store);
	}
	g_main_loop_run (bench.loop);

	/* the stores' first pushes spread over one interval, as tills do not sell in step */
	bench.busy = stores->len;
	t0 = g_get_monotonic_time ();
	for (guint i = 0; i < stores->len; i++) {
		BenchStore *store = stores->pdata[i];
		store->due_us = t0 + (gint64) interval_ms * 1000 * i / stores->len;
		bench_relay_schedule (store);
	}
	g_main_loop_run (bench.loop);
	elapsed_us = g_get_monotonic_time () - t0;
	g_clear_pointer (&bench.loop, g_main_loop_unref);
	g_ptr_array_set_size (stores, 0);

	g_subprocess_send_signal (relay, SIGTERM);
	if (!g_subprocess_wait (relay, NULL, &error))
		bench_relay_die ("stopping the relay", error);
	if (bench.failures > 0) {
		g_printerr ("huiyuan-bench: %u pushes failed; the first: %s\n", bench.failures,
			    bench.failure);
		return 1;
	}
	/* every change reached the log once */
	db = hy_db_open (path, HY_DB_OPEN_EXISTING, &error);
	if (db == NULL)
		bench_relay_die ("HQ database", error);
	{
		g_autoptr (HyStmt) stmt =
			hy_db_prepare (db,
				       "SELECT count(*) FROM relay_log WHERE origin_store != "
				       "(SELECT value FROM meta WHERE key = 'store_id')",
				       &error);
		gboolean has_row = FALSE;
		if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, &error))
			bench_relay_die ("counting the log", error);
		logged = sqlite3_column_int64 (stmt, 0);
	}
	g_clear_object (&db);
	if (logged < (gint64) n_stores * pushes * batch) {
		g_printerr ("huiyuan-bench: the relay logged %" PRId64 " changes of %d\n", logged,
			    n_stores * pushes * batch);
		return 1;
	}

	g_array_sort (bench.latencies_us, bench_relay_compare);
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "benchmark");
	json_builder_add_string_value (b, "relay");
	json_builder_set_member_name (b, "stores");
	json_builder_add_int_value (b, n_stores);
	json_builder_set_member_name (b, "changes_per_push");
	json_builder_add_int_value (b, batch);
	json_builder_set_member_name (b, "interval_ms");
	json_builder_add_int_value (b, interval_ms);
	json_builder_set_member_name (b, "pushes");
	json_builder_add_int_value (b, bench.latencies_us->len);
	json_builder_set_member_name (b, "pushes_per_second");
	json_builder_add_double_value (b, bench.latencies_us->len / (elapsed_us / 1e6));
	json_builder_set_member_name (b, "changes_per_second");
	json_builder_add_double_value (b, bench.latencies_us->len * batch / (elapsed_us / 1e6));
	json_builder_set_member_name (b, "push_p50_ms");
	json_builder_add_double_value (b, bench_relay_quantile (bench.latencies_us, 0.5) / 1e3);
	json_builder_set_member_name (b, "push_p90_ms");
	json_builder_add_double_value (b, bench_relay_quantile (bench.latencies_us, 0.9) / 1e3);
	json_builder_set_member_name (b, "push_p99_ms");
	json_builder_add_double_value (b, bench_relay_quantile (bench.latencies_us, 0.99) / 1e3);
	json_builder_set_member_name (b, "push_max_ms");
	json_builder_add_double_value (b, bench_relay_quantile (bench.latencies_us, 1.0) / 1e3);
	json_builder_end_object (b);
	root = json_builder_get_root (b);
	text = json_to_string (root, TRUE);
	g_print ("%s\n", text);

	g_array_unref (bench.latencies_us);
	g_free (bench.url);
	g_free (bench.failure);
	for (const gchar *const *f =
		     (const gchar *const[]){"hq.db", "hq.db-wal", "hq.db-shm", NULL};
	     *f != NULL; f++) {
		g_autofree gchar *p = g_build_filename (dir, *f, NULL);
		g_unlink (p);
	}
	g_rmdir (dir);
	return 0;
}
