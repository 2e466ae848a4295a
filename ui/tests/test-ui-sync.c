/* The status bar's sync state (HySyncStatus) with a real huiyuan-relay process: a store
 * enrolled with it shows "Online" and what waits to be sent, "Offline" with the reason
 * when the relay is gone, and a store on its own says so. */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "hy-enrol.h"
#include "hy-relay-log.h"
#include "hy-replica.h"
#include "hy-store.h"
#include "hy-sync-status.h"
#include "hy-ui-test.h"

#define HQ_PASSWORD "hq-secret-1"

typedef struct {
	gchar *dir;
	gchar *hq;
	gchar *store;
	gchar *url;
	GSubprocess *relay;
} Chain;

static void
chain_free (Chain *chain)
{
	if (chain->relay != NULL) {
		g_subprocess_force_exit (chain->relay);
		g_subprocess_wait (chain->relay, NULL, NULL);
		g_object_unref (chain->relay);
	}
	for (const gchar *const *f =
		     (const gchar *const[]){"hq.db", "hq.db-wal", "hq.db-shm", "store.db",
					    "store.db-wal", "store.db-shm", NULL};
	     *f != NULL; f++) {
		g_autofree gchar *path = g_build_filename (chain->dir, *f, NULL);
		g_unlink (path);
	}
	g_rmdir (chain->dir);
	g_free (chain->dir);
	g_free (chain->hq);
	g_free (chain->store);
	g_free (chain->url);
	g_free (chain);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chain, chain_free)

static void
die_with_parent (gpointer user_data)
{
	prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
relay_start (Chain *chain)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	g_autoptr (GDataInputStream) out = NULL;
	g_autofree gchar *line = NULL;
	const gchar *binary = g_getenv ("HUIYUAN_RELAY");

	g_assert_nonnull (binary);
	/* the relay dies with the test, even when an assertion aborts it */
	g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
	chain->relay = g_subprocess_launcher_spawn (launcher, &error, binary, "--db", chain->hq,
						    "--listen", "127.0.0.1:0", NULL);
	g_assert_no_error (error);
	out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (chain->relay));
	line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (g_str_has_prefix (line, "listening on "));
	chain->url = g_strdup (line + strlen ("listening on "));
}

/* HQ with one store enrolled through the core calls behind the relay's endpoints, the
 * relay serving HQ's database. */
static Chain *
chain_new (void)
{
	g_autoptr (Chain) chain = g_new0 (Chain, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) hq = NULL;
	g_autoptr (HyDb) store = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (HyStore) added = NULL;
	g_autoptr (JsonArray) snapshot = NULL;
	g_autofree gchar *token = NULL, *store_id = NULL, *terminal_id = NULL, *secret = NULL;
	g_autofree gchar *epoch = NULL;
	gint64 mark = 0;

	chain->dir = g_dir_make_tmp ("hy-ui-sync-XXXXXX", &error);
	g_assert_no_error (error);
	chain->hq = g_build_filename (chain->dir, "hq.db", NULL);
	chain->store = g_build_filename (chain->dir, "store.db", NULL);
	hq = hy_db_open (chain->hq, HY_DB_OPEN_CREATE, &error);
	g_assert_no_error (error);
	g_assert_true (hy_store_init (hq, "HQ", "总部", TRUE, HQ_PASSWORD, &error));
	g_assert_no_error (error);
	admin = hy_actor_login (hq, "admin", HQ_PASSWORD, &error);
	g_assert_no_error (error);
	g_assert_true (hy_enrol_add_store (hq, admin, "S01", "一店", &added, &token, &error));
	g_assert_no_error (error);
	g_assert_true (hy_enrol_redeem (hq, token, &store_id, &terminal_id, &secret, &error));
	g_assert_no_error (error);
	g_assert_true (hy_relay_drain_local (hq, NULL, &error));
	snapshot = hy_relay_snapshot (hq, store_id, &mark, &error);
	g_assert_no_error (error);
	epoch = hy_relay_get_epoch (hq, &error);
	g_assert_no_error (error);
	relay_start (chain);
	store = hy_db_open (chain->store, HY_DB_OPEN_CREATE, &error);
	g_assert_no_error (error);
	g_assert_true (hy_replica_enrol (store, chain->url, store_id, terminal_id, secret, epoch,
					 snapshot, mark, &error));
	g_assert_no_error (error);
	return g_steal_pointer (&chain);
}

/* Runs the main loop until `label` starts with `prefix` (the relay answers within a
 * second; a long-poll holds the next round open). */
static void
wait_for_label (GtkLabel *label, const gchar *prefix)
{
	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
	while (!g_str_has_prefix (gtk_label_get_text (label), prefix)) {
		if (g_get_monotonic_time () > deadline)
			g_error ("the sync state reads “%s”, not “%s…”", gtk_label_get_text (label),
				 prefix);
		g_main_context_iteration (NULL, FALSE);
		g_usleep (10000);
	}
}

static void
test_sync_status_chain (void)
{
	g_autoptr (Chain) chain = chain_new ();
	GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
	g_autoptr (HySyncStatus) status = hy_sync_status_new (chain->store, GTK_LABEL (label));

	wait_for_label (GTK_LABEL (label), "Online · 0 to send");
	/* the relay goes away: the till keeps working and says why it is offline */
	g_subprocess_send_signal (chain->relay, SIGKILL);
	g_subprocess_wait (chain->relay, NULL, NULL);
	g_clear_object (&chain->relay);
	wait_for_label (GTK_LABEL (label), "Offline (cannot reach the relay");
	g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "· 0 to send"));
	g_clear_object (&status);
	g_object_unref (label);
}

static void
test_sync_status_standalone (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (1);
	GtkWidget *label = hy_ui_test_child (test->window, HY_TYPE_WINDOW, "sync_label");
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Standalone store");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/sync/chain", test_sync_status_chain);
	g_test_add_func ("/ui/sync/standalone", test_sync_status_standalone);
	return g_test_run ();
}
