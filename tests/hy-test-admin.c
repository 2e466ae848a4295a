/* Huiyuan tests: running the real huiyuan-admin binary. */
#include "config.h"

#include "hy-test-admin.h"

#include <sqlite3.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

void
hy_test_run_free (HyTestRun *run)
{
	g_free (run->out);
	g_free (run->err);
	if (run->json != NULL)
		json_node_unref (run->json);
	g_free (run);
}

static void
child_setup (gpointer user_data)
{
	/* no controlling terminal: a missing password or PIN fails instead of prompting */
	setsid ();
}

GSubprocess *
hy_test_admin_spawnv (GSubprocessFlags flags,
		      const gchar *const *env,
		      const gchar *const *args,
		      GError **error)
{
	static const gchar *const unset[] = {"HUIYUAN_NEW_PASSWORD", "HUIYUAN_CARD_PASSWORD",
					     "HUIYUAN_CARD_PIN", NULL};
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	const gchar *binary = g_getenv ("HUIYUAN_ADMIN");

	g_assert_nonnull (binary);
	for (guint i = 0; unset[i] != NULL; i++)
		g_subprocess_launcher_unsetenv (launcher, unset[i]);
	g_subprocess_launcher_setenv (launcher, "HUIYUAN_PASSWORD", HY_TEST_ADMIN_PASSWORD, TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		const gchar *eq = strchr (env[i], '=');
		if (eq == NULL) {
			g_subprocess_launcher_unsetenv (launcher, env[i]);
		} else {
			g_autofree gchar *name = g_strndup (env[i], eq - env[i]);
			g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
		}
	}
	g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
	g_ptr_array_add (argv, (gpointer) binary);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, (gpointer) args[i]);
	g_ptr_array_add (argv, NULL);
	return g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv->pdata, error);
}

HyTestRun *
hy_test_admin_runv (const gchar *const *env, const gchar *const *args)
{
	g_autoptr (GSubprocess) proc = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *joined = g_strjoinv (" ", (gchar **) args);
	HyTestRun *run = g_new0 (HyTestRun, 1);

	proc = hy_test_admin_spawnv (G_SUBPROCESS_FLAGS_STDIN_PIPE |
					     G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_PIPE,
				     env, args, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
	g_assert_no_error (error);
	run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
	g_test_message ("huiyuan-admin %s → %d", joined, run->status);
	if (run->out != NULL && (run->out[0] == '{' || run->out[0] == '['))
		run->json = json_from_string (run->out, NULL);
	return run;
}

void
hy_test_assert_error_line (const HyTestRun *run, const gchar *needle)
{
	g_assert_true (g_str_has_prefix (run->err, "huiyuan-admin: "));
	g_assert_nonnull (strchr (run->err, '\n'));
	g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
	if (needle != NULL && strstr (run->err, needle) == NULL)
		g_error ("“%s” not in stderr: %s", needle, run->err);
}

void
hy_test_assert_error_only (const HyTestRun *run, const gchar *needle)
{
	g_assert_cmpstr (run->out, ==, "");
	hy_test_assert_error_line (run, needle);
}

JsonObject *
hy_test_run_object (const HyTestRun *run)
{
	g_assert_nonnull (run->json);
	g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json));
	return json_node_get_object (run->json);
}

JsonArray *
hy_test_run_array (const HyTestRun *run)
{
	g_assert_nonnull (run->json);
	g_assert_true (JSON_NODE_HOLDS_ARRAY (run->json));
	return json_node_get_array (run->json);
}

gchar *
hy_test_first_card (JsonObject *member)
{
	JsonArray *cards = json_object_get_array_member (member, "cards");
	return g_strdup (
		json_object_get_string_member (json_array_get_object_element (cards, 0), "number"));
}

gint64
hy_test_int_member (JsonObject *object, const gchar *name)
{
	g_assert_true (json_object_has_member (object, name));
	return json_object_get_int_member (object, name);
}

void
hy_test_assert_words (const gchar *text, const gchar *const *words)
{
	for (guint i = 0; words[i] != NULL; i++) {
		if (strstr (text, words[i]) == NULL)
			g_error ("“%s” not in: %s", words[i], text);
	}
}

gint64
hy_test_db_count (const gchar *db, const gchar *sql, const gchar *param)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;
	gint64 value;
	g_assert_cmpint (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	if (param != NULL)
		sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	value = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	sqlite3_close (raw);
	return value;
}

HyTestEnv *
hy_test_env_new (const gchar *tmpl)
{
	HyTestEnv *env = g_new0 (HyTestEnv, 1);
	env->dir = g_dir_make_tmp (tmpl, NULL);
	g_assert_nonnull (env->dir);
	env->db = g_build_filename (env->dir, "store.db", NULL);
	return env;
}

void
hy_test_env_free (HyTestEnv *env)
{
	hy_test_remove_tree (env->dir);
	g_free (env->dir);
	g_free (env->db);
	g_free (env->card);
	g_free (env);
}

void
hy_test_env_init (HyTestEnv *env)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("init", "--db", env->db, "--store", "S01", "--name", "Test store");
	hy_test_assert_status (run, 0);
}

gchar *
hy_test_env_file (HyTestEnv *env, const gchar *name)
{
	return g_build_filename (env->dir, name, NULL);
}

gchar *
hy_test_env_write_file (HyTestEnv *env, const gchar *name, const gchar *text)
{
	gchar *path = hy_test_env_file (env, name);
	g_assert_true (g_file_set_contents (path, text, -1, NULL));
	return path;
}

HyTestEnv *
hy_test_env_new_checkout (const gchar *tmpl, const gchar *rules_json)
{
	HyTestEnv *env = hy_test_env_new (tmpl);
	g_autofree gchar *rules = hy_test_env_write_file (env, "rules.json", rules_json);
	const gchar *new_cashier[] = {"HUIYUAN_NEW_PASSWORD=" HY_TEST_CASHIER_PASSWORD, NULL};

	hy_test_env_init (env);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("rules", "import", "--db", env->db,
							   "--operator", "admin", rules);
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN (
			"member", "add", "--db", env->db, "--operator", "admin", "--name", "张三",
			"--phone", HY_TEST_PHONE, "--level", "金卡", "--json");
		hy_test_assert_status (run, 0);
		env->card = hy_test_first_card (hy_test_run_object (run));
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "pin", "--db", env->db, "--operator", "admin",
				       "--card", env->card, "--new", HY_TEST_PIN);
		hy_test_assert_status (run, 0);
	}
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("recharge", "--db", env->db, "--operator", "admin", "--card",
				       env->card, "--amount", "10000", "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpint (hy_test_int_member (hy_test_run_object (run), "balance"), ==,
				 10000);
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN_ENV (
			new_cashier, "operator", "add", "--db", env->db, "--operator", "admin",
			"--login", "cashier", "--role", "cashier", "--name", "Cashier");
		hy_test_assert_status (run, 0);
	}
	return env;
}

void
hy_test_env_balances (HyTestEnv *env, gint64 *money, gint64 *points)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("member", "show", "--db", env->db, "--card", env->card, "--json");
	JsonArray *cards;
	hy_test_assert_status (run, 0);
	cards = json_object_get_array_member (hy_test_run_object (run), "cards");
	for (guint i = 0; i < json_array_get_length (cards); i++) {
		JsonObject *c = json_array_get_object_element (cards, i);
		if (g_strcmp0 (json_object_get_string_member (c, "number"), env->card) == 0) {
			JsonObject *b = json_object_get_object_member (c, "balances");
			*money = hy_test_int_member (b, "money");
			*points = hy_test_int_member (b, "points");
			return;
		}
	}
	g_assert_not_reached ();
}

static void
hy_test_die_with_parent (gpointer user_data)
{
	prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
hy_test_relay_spawn (const gchar *hq_db, const gchar *listen, gchar **url)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDataInputStream) out = NULL;
	g_autofree gchar *line = NULL;
	const gchar *binary = g_getenv ("HUIYUAN_RELAY");
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	GSubprocess *relay;

	g_assert_nonnull (binary);
	g_subprocess_launcher_set_child_setup (launcher, hy_test_die_with_parent, NULL, NULL);
	relay = g_subprocess_launcher_spawn (launcher, &error, binary, "--db", hq_db, "--listen",
					     listen, NULL);
	g_assert_no_error (error);
	out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
	line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (line);
	g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
	*url = g_strdup (line + strlen ("listening on "));
	return relay;
}
