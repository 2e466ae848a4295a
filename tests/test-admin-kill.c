/* huiyuan-admin recharge killed with SIGKILL at random moments: every recharge is whole
 * or absent, and verify still finds the database clean. */
#include "config.h"

#include <signal.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-test-admin.h"

#define ADMIN_PASSWORD "kill-test-secret"
#define N_RUNS	       40
#define AMOUNT	       100

/* huiyuan-admin as the admin of this store (its own password). */
static const gchar *const admin_env[] = {"HUIYUAN_PASSWORD=" ADMIN_PASSWORD, NULL};

static GSubprocess *
spawn_adminv (GError **error, const gchar *first, va_list ap)
{
	g_autoptr (GPtrArray) args = g_ptr_array_new ();

	for (const gchar *a = first; a != NULL; a = va_arg (ap, const gchar *))
		g_ptr_array_add (args, (gpointer) a);
	g_ptr_array_add (args, NULL);
	return hy_test_admin_spawnv (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_PIPE,
				     admin_env, (const gchar *const *) args->pdata, error);
}

static GSubprocess *
spawn_admin (GError **error, const gchar *first, ...)
{
	GSubprocess *proc;
	va_list ap;

	va_start (ap, first);
	proc = spawn_adminv (error, first, ap);
	va_end (ap);
	return proc;
}

/* Runs to completion; returns the exit status and stdout. */
static gint
run_admin (gchar **out, const gchar *first, ...)
{
	g_autoptr (GSubprocess) proc = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *stdout_text = NULL;
	g_autofree gchar *stderr_text = NULL;
	va_list ap;

	va_start (ap, first);
	proc = spawn_adminv (&error, first, ap);
	va_end (ap);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
	g_assert_no_error (error);
	if (stderr_text != NULL && stderr_text[0] != '\0')
		g_test_message ("stderr: %s", stderr_text);
	if (out != NULL)
		*out = g_steal_pointer (&stdout_text);
	return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
test_admin_kill_recharge (void)
{
	g_autofree gchar *dir = g_dir_make_tmp ("huiyuan-kill-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename (dir, "store.db", NULL);
	g_autofree gchar *out = NULL;
	g_autoptr (JsonNode) member = NULL;
	g_autoptr (GRand) rand = NULL;
	g_autoptr (GError) error = NULL;
	const gchar *card;
	JsonArray *cards;
	guint32 seed = 20240601;
	gint64 full_run_us;
	gint64 start;
	guint n_killed = 0, n_finished = 0;
	gint64 audits, entries, balance, sum;

	if (g_getenv ("HUIYUAN_KILL_SEED") != NULL)
		seed = (guint32) g_ascii_strtoull (g_getenv ("HUIYUAN_KILL_SEED"), NULL, 10);
	g_test_message ("seed %u (set HUIYUAN_KILL_SEED to repeat another)", seed);
	rand = g_rand_new_with_seed (seed);

	g_assert_cmpint (run_admin (NULL, "init", "--db", path, "--store", "K01", "--name",
				    "Kill test", NULL),
			 ==, 0);
	g_assert_cmpint (run_admin (&out, "member", "add", "--db", path, "--operator", "admin",
				    "--name", "张三", "--phone", "13900001111", "--json", NULL),
			 ==, 0);
	member = json_from_string (out, &error);
	g_assert_no_error (error);
	cards = json_object_get_array_member (json_node_get_object (member), "cards");
	card = json_object_get_string_member (json_array_get_object_element (cards, 0), "number");

	/* how long a whole run takes, so that some kills land inside the transaction */
	start = g_get_monotonic_time ();
	g_assert_cmpint (run_admin (NULL, "recharge", "--db", path, "--operator", "admin", "--card",
				    card, "--amount", "100", NULL),
			 ==, 0);
	full_run_us = g_get_monotonic_time () - start;
	g_test_message ("a whole recharge takes %" G_GINT64_FORMAT " ms", full_run_us / 1000);

	for (guint i = 0; i < N_RUNS; i++) {
		g_autoptr (GSubprocess) proc = NULL;
		gint64 delay_us;
		/* half uniformly over 0–300 ms; half near the end of a run, where the
		 * transaction is (after the argon2id login) */
		if (i % 2 == 0)
			delay_us = g_rand_int_range (rand, 0, 300000);
		else
			delay_us = (gint64) (full_run_us * g_rand_double_range (rand, 0.55, 1.05));
		proc = spawn_admin (&error, "recharge", "--db", path, "--operator", "admin",
				    "--card", card, "--amount", "100", NULL);
		g_assert_no_error (error);
		g_usleep ((gulong) delay_us);
		g_subprocess_send_signal (proc, SIGKILL);
		g_subprocess_wait (proc, NULL, &error);
		g_assert_no_error (error);
		if (g_subprocess_get_if_signaled (proc)) {
			g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
			n_killed++;
		} else {
			g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
			n_finished++;
		}
	}
	g_test_message ("%u killed, %u finished", n_killed, n_finished);
	g_assert_cmpuint (n_killed, >, 0);

	g_clear_pointer (&out, g_free);
	g_assert_cmpint (run_admin (&out, "verify", "--db", path, NULL), ==, 0);
	g_assert_cmpstr (out, ==, "ok\n");

	audits = hy_test_db_count (
		path, "SELECT count(*) FROM audit WHERE action = 'money.recharge'", NULL);
	entries = hy_test_db_count (path,
				    "SELECT count(*) FROM account_entries "
				    "WHERE op = 'recharge' AND account = 'money'",
				    NULL);
	balance = hy_test_db_count (path,
				    "SELECT ifnull(sum(b.amount), 0) FROM balances b "
				    "JOIN cards c ON c.id = b.card_id "
				    "WHERE c.number = ? AND b.account = 'money' AND b.item = ''",
				    card);
	sum = hy_test_db_count (path,
				"SELECT ifnull(sum(e.delta), 0) FROM account_entries e "
				"JOIN cards c ON c.id = e.card_id "
				"WHERE c.number = ? AND e.account = 'money'",
				card);
	/* a kill after COMMIT but before exit leaves a whole recharge: that is fine too */
	g_test_message ("%" G_GINT64_FORMAT " recharges recorded, %" G_GINT64_FORMAT
			" of them by runs that were killed",
			audits, audits - 1 - n_finished);
	g_assert_cmpint (audits, >=, 1 + n_finished);
	g_assert_cmpint (audits, <=, 1 + N_RUNS);
	g_assert_cmpint (entries, ==, audits);
	g_assert_cmpint (balance, ==, AMOUNT * audits);
	g_assert_cmpint (sum, ==, balance);

	hy_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/admin/kill-recharge", test_admin_kill_recharge);
	return g_test_run ();
}
