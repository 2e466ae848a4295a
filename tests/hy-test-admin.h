/* Huiyuan tests: running the real huiyuan-admin binary ($HUIYUAN_ADMIN) on a database
 * file in a temporary directory. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-test-common.h"

#define HY_TEST_CASHIER_PASSWORD "cashier-secret"
#define HY_TEST_PHONE		 "13900000001"
#define HY_TEST_PIN		 "2468"

/* One finished run of huiyuan-admin. */
typedef struct {
	gint status; /* exit status, or -1 when killed */
	gchar *out;
	gchar *err;
	JsonNode *json; /* stdout parsed when it is JSON */
} HyTestRun;

void
hy_test_run_free (HyTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestRun, hy_test_run_free)

/* Starts huiyuan-admin with `args`, in a session of its own (so a missing password or
 * PIN fails instead of prompting). The environment is the test's, without
 * HUIYUAN_NEW_PASSWORD, HUIYUAN_CARD_PASSWORD and HUIYUAN_CARD_PIN and with
 * HUIYUAN_PASSWORD=HY_TEST_ADMIN_PASSWORD; then `env` ("NAME=VALUE" to set, "NAME" to
 * unset) goes on top. */
GSubprocess *
hy_test_admin_spawnv (GSubprocessFlags flags,
		      const gchar *const *env,
		      const gchar *const *args,
		      GError **error);
/* Runs huiyuan-admin to completion as hy_test_admin_spawnv() does, and logs the command
 * and its exit status. */
HyTestRun *
hy_test_admin_runv (const gchar *const *env, const gchar *const *args);

#define HY_TEST_ADMIN(...) hy_test_admin_runv (NULL, (const gchar *const[]){__VA_ARGS__, NULL})
#define HY_TEST_ADMIN_ENV(env, ...)                                                                \
	hy_test_admin_runv ((env), (const gchar *const[]){__VA_ARGS__, NULL})

/* Asserts the exit status; on failure the output is in the test log. */
#define hy_test_assert_status(run, expected)                                                       \
	G_STMT_START                                                                               \
	{                                                                                          \
		if ((run)->status != (expected))                                                   \
			g_printerr ("stdout: %s\nstderr: %s\n", (run)->out, (run)->err);           \
		g_assert_cmpint ((run)->status, ==, (expected));                                   \
	}                                                                                          \
	G_STMT_END

/* An error is one line on stderr starting with the program name, holding `needle`
 * unless it is NULL. */
void
hy_test_assert_error_line (const HyTestRun *run, const gchar *needle);
/* The same, and nothing on stdout. */
void
hy_test_assert_error_only (const HyTestRun *run, const gchar *needle);

/* stdout as a JSON object or array, asserting it is one. */
JsonObject *
hy_test_run_object (const HyTestRun *run);
JsonArray *
hy_test_run_array (const HyTestRun *run);
/* The number of the first card in a member's JSON (`member add --json`). */
gchar *
hy_test_first_card (JsonObject *member);
/* An integer member, asserting it is there. */
gint64
hy_test_int_member (JsonObject *object, const gchar *name);

/* Asserts that `text` holds each of the NULL-terminated `words`. */
void
hy_test_assert_words (const gchar *text, const gchar *const *words);

/* The first column of the first row of `sql` on database file `db`, opened read-only;
 * `param`, unless NULL, is bound to the first parameter. */
gint64
hy_test_db_count (const gchar *db, const gchar *sql, const gchar *param);

/* A temporary directory with a database path (not yet created) in it. */
typedef struct {
	gchar *dir;
	gchar *db;   /* dir/store.db */
	gchar *card; /* a member's card, when the test's setup adds one */
} HyTestEnv;

/* `tmpl` is for g_dir_make_tmp(). */
HyTestEnv *
hy_test_env_new (const gchar *tmpl);
void
hy_test_env_free (HyTestEnv *env);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestEnv, hy_test_env_free)

/* `init` of store S01, "Test store". */
void
hy_test_env_init (HyTestEnv *env);
gchar *
hy_test_env_file (HyTestEnv *env, const gchar *name);
gchar *
hy_test_env_write_file (HyTestEnv *env, const gchar *name, const gchar *text);

/* Store S01 with `rules_json` imported, a 金卡 member (phone HY_TEST_PHONE, PIN
 * HY_TEST_PIN, card in env->card) with ¥100.00 of stored value, and a cashier "cashier"
 * (password HY_TEST_CASHIER_PASSWORD): the setup of the sell and refund tests. */
HyTestEnv *
hy_test_env_new_checkout (const gchar *tmpl, const gchar *rules_json);

/* Starts $HUIYUAN_RELAY on `hq_db` at `listen` ("127.0.0.1:0" picks a free port),
 * killed with the test even when an assertion aborts it; `url` gets the URL it
 * printed. */
GSubprocess *
hy_test_relay_spawn (const gchar *hq_db, const gchar *listen, gchar **url);

/* The money (fen) and points (hundredths) on env->card, as `member show` prints them. */
void
hy_test_env_balances (HyTestEnv *env, gint64 *money, gint64 *points);
#define hy_test_assert_balances(env, money, points)                                                \
	G_STMT_START                                                                               \
	{                                                                                          \
		gint64 m_ = -1, p_ = -1;                                                           \
		hy_test_env_balances ((env), &m_, &p_);                                            \
		g_assert_cmpint (m_, ==, (money));                                                 \
		g_assert_cmpint (p_, ==, (points));                                                \
	}                                                                                          \
	G_STMT_END
