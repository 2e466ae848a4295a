/* huiyuan-admin settlement with real processes on loopback: an HQ database served by
 * huiyuan-relay and three stores enrolled with huiyuan-admin; a card recharged at three
 * stores and spent at two, a sale refunded, a card merged into another and that one
 * spent; after syncing, `settlement --json` prints the same bytes at every store and at
 * HQ, with the figures the lots give. */
#include "config.h"

#include <signal.h>
#include <time.h>

#include "hy-test-admin.h"

#define N_STORES 3

typedef struct {
	gchar *dir;
	gchar *hq;
	gchar *stores[N_STORES];
	GSubprocess *relay;
	gchar *url;
} Chain;

static void
chain_free (Chain *chain)
{
	if (chain->relay != NULL) {
		g_subprocess_send_signal (chain->relay, SIGKILL);
		g_subprocess_wait (chain->relay, NULL, NULL);
		g_object_unref (chain->relay);
	}
	for (guint i = 0; i < N_STORES; i++)
		g_free (chain->stores[i]);
	hy_test_remove_tree (chain->dir);
	g_free (chain->dir);
	g_free (chain->hq);
	g_free (chain->url);
	g_free (chain);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chain, chain_free)

static void
relay_start (Chain *chain)
{
	chain->relay = hy_test_relay_spawn (chain->hq, "127.0.0.1:0", &chain->url);
}

static void
sync_all (Chain *chain)
{
	/* twice: the first round carries each store's rows to the relay, the second
	 * brings the rows of the stores that synced after it */
	for (guint round = 0; round < 2; round++) {
		for (guint i = 0; i < N_STORES; i++) {
			g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("sync", "--db", chain->stores[i],
								   "--once", "--json");
			hy_test_assert_status (run, 0);
			g_assert_cmpint (hy_test_int_member (hy_test_run_object (run), "pending"),
					 ==, 0);
		}
	}
}

/* HQ and stores S01–S03 added on it and enrolled through a running relay. */
static Chain *
chain_new (void)
{
	Chain *chain = g_new0 (Chain, 1);
	g_autoptr (GError) error = NULL;
	gchar *tokens[N_STORES] = {NULL};

	chain->dir = g_dir_make_tmp ("hy-settlement-XXXXXX", &error);
	g_assert_no_error (error);
	chain->hq = g_build_filename (chain->dir, "hq.db", NULL);
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("init", "--db", chain->hq, "--store",
							   "HQ", "--name", "总部", "--hq");
		hy_test_assert_status (run, 0);
	}
	for (guint i = 0; i < N_STORES; i++) {
		g_autofree gchar *code = g_strdup_printf ("S%02u", i + 1);
		g_autofree gchar *name = g_strdup_printf ("分店%u", i + 1);
		g_autofree gchar *file = g_strdup_printf ("store%u.db", i + 1);
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("store", "add", "--db", chain->hq, "--operator", "admin",
				       "--code", code, "--name", name, "--json");
		hy_test_assert_status (run, 0);
		tokens[i] = g_strdup (
			json_object_get_string_member (hy_test_run_object (run), "token"));
		chain->stores[i] = g_build_filename (chain->dir, file, NULL);
	}
	relay_start (chain);
	for (guint i = 0; i < N_STORES; i++) {
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("enroll", "--db", chain->stores[i], "--relay", chain->url,
				       "--token", tokens[i], "--json");
		hy_test_assert_status (run, 0);
		g_free (tokens[i]);
	}
	return chain;
}

static void
recharge (const gchar *db, const gchar *card, const gchar *amount)
{
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("recharge", "--db", db, "--operator", "admin",
						   "--card", card, "--amount", amount, "--json");
	hy_test_assert_status (run, 0);
}

static gchar *
add_member (const gchar *db, const gchar *name, const gchar *phone)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("member", "add", "--db", db, "--operator", "admin", "--name", name,
			       "--phone", phone, "--json");
	hy_test_assert_status (run, 0);
	return hy_test_first_card (hy_test_run_object (run));
}

/* A quick sale paid from the card; returns its id. */
static gchar *
sell_from_balance (const gchar *db, const gchar *card, const gchar *amount)
{
	g_autofree gchar *pay = g_strdup_printf ("balance:%s", amount);
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("sell", "--db", db, "--operator", "admin", "--card", card,
			       "--amount", amount, "--pay", pay, "--json");
	hy_test_assert_status (run, 0);
	return g_strdup (json_object_get_string_member (hy_test_run_object (run), "sale"));
}

static JsonObject *
store_row (JsonObject *settlement, const gchar *code)
{
	JsonArray *stores = json_object_get_array_member (settlement, "stores");
	for (guint i = 0; i < json_array_get_length (stores); i++) {
		JsonObject *row = json_array_get_object_element (stores, i);
		if (g_strcmp0 (json_object_get_string_member (row, "code"), code) == 0)
			return row;
	}
	g_assert_not_reached ();
}

static void
assert_store (JsonObject *settlement,
	      const gchar *code,
	      gint64 taken_in,
	      gint64 spent,
	      gint64 spent_own,
	      gint64 spent_others,
	      gint64 elsewhere,
	      gint64 net)
{
	JsonObject *row = store_row (settlement, code);
	g_test_message ("checking %s", code);
	g_assert_cmpint (hy_test_int_member (row, "taken_in"), ==, taken_in);
	g_assert_cmpint (hy_test_int_member (row, "granted"), ==, 0);
	g_assert_cmpint (hy_test_int_member (row, "spent"), ==, spent);
	g_assert_cmpint (hy_test_int_member (row, "spent_own"), ==, spent_own);
	g_assert_cmpint (hy_test_int_member (row, "spent_others"), ==, spent_others);
	g_assert_cmpint (hy_test_int_member (row, "lots_spent_elsewhere"), ==, elsewhere);
	g_assert_cmpint (hy_test_int_member (row, "net"), ==, net);
}

static gint64
owed (JsonObject *settlement, const gchar *payer, const gchar *payee)
{
	JsonObject *matrix = json_object_get_object_member (settlement, "owed");
	JsonObject *row;
	if (!json_object_has_member (matrix, payer))
		return 0;
	row = json_object_get_object_member (matrix, payer);
	if (!json_object_has_member (row, payee))
		return 0;
	return json_object_get_int_member (row, payee);
}

/* `settlement --json` at HQ and every store: the same bytes everywhere, returned. */
static gchar *
settlement_everywhere (Chain *chain, const gchar *from, const gchar *to)
{
	g_autofree gchar *reference = NULL;
	const gchar *all[N_STORES + 1] = {chain->hq};

	for (guint i = 0; i < N_STORES; i++)
		all[i + 1] = chain->stores[i];
	for (guint i = 0; i <= N_STORES; i++) {
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("settlement", "--db", all[i], "--from",
							   from, "--to", to, "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (run->err, ==, "");
		if (reference == NULL)
			reference = g_strdup (run->out);
		else
			g_assert_cmpstr (run->out, ==, reference);
	}
	return g_steal_pointer (&reference);
}

/* Sales stay within what the selling store may spend offline (escrow: its own
 * recharges of the card), so the test needs no online authorisation; the lots still
 * cross stores, because they are drawn oldest first whoever holds the slice. */
static void
test_settlement_chain (void)
{
	g_autoptr (Chain) chain = chain_new ();
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) before = g_date_time_add_days (now, -1);
	g_autoptr (GDateTime) after = g_date_time_add_days (now, 1);
	g_autofree gchar *from = g_date_time_format (before, "%Y-%m-%d");
	g_autofree gchar *to = g_date_time_format (after, "%Y-%m-%d");
	g_autofree gchar *card = add_member (chain->stores[0], "跨店会员", "13900000001");
	g_autofree gchar *card2 = add_member (chain->stores[1], "二店会员", "13900000002");
	g_autofree gchar *card3 = add_member (chain->stores[2], "三店会员", "13900000003");
	g_autofree gchar *text = NULL;
	g_autoptr (JsonNode) node = NULL;
	g_autoptr (GError) error = NULL;
	JsonObject *settlement;

	/* the first card: recharged at S01, then S03, then S02 */
	recharge (chain->stores[0], card, "10000");
	sync_all (chain);
	recharge (chain->stores[2], card, "3001");
	sync_all (chain);
	recharge (chain->stores[1], card, "12000");
	sync_all (chain);
	/* S02 spends all of S01's lot and 1000 of S03's; S01 spends 499 of S03's */
	g_free (sell_from_balance (chain->stores[1], card, "11000"));
	sync_all (chain);
	g_free (sell_from_balance (chain->stores[0], card, "499"));
	/* and a sale at S02 refunded there gives S03's lot back */
	{
		g_autofree gchar *sale = sell_from_balance (chain->stores[1], card, "800");
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("refund", "--db", chain->stores[1],
							   "--operator", "admin", "--sale", sale);
		hy_test_assert_status (run, 0);
	}
	sync_all (chain);

	text = settlement_everywhere (chain, from, to);
	node = json_from_string (text, &error);
	g_assert_no_error (error);
	settlement = json_node_get_object (node);
	g_assert_cmpstr (json_object_get_string_member (settlement, "from"), ==, from);
	g_assert_cmpuint (
		json_array_get_length (json_object_get_array_member (settlement, "stores")), ==,
		N_STORES + 1);
	assert_store (settlement, "HQ", 0, 0, 0, 0, 0, 0);
	assert_store (settlement, "S01", 10000, 499, 0, 499, 10000, 499 - 10000);
	assert_store (settlement, "S02", 12000, 11000, 0, 11000, 0, 11000);
	assert_store (settlement, "S03", 3001, 0, 0, 0, 1499, -1499);
	g_assert_cmpint (owed (settlement, "S01", "S02"), ==, 10000);
	g_assert_cmpint (owed (settlement, "S03", "S02"), ==, 1000);
	g_assert_cmpint (owed (settlement, "S03", "S01"), ==, 499);
	g_assert_cmpint (owed (settlement, "S02", "S01"), ==, 0);
	g_assert_cmpint (json_object_get_int_member (settlement, "unmatched"), ==, 0);
	g_assert_cmpint (
		hy_test_int_member (json_object_get_object_member (settlement, "totals"), "spent"),
		==, 11499);

	/* the table says the same */
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("settlement", "--db", chain->stores[1],
							   "--from", from, "--to", to);
		hy_test_assert_status (run, 0);
		hy_test_assert_words (run->out,
				      (const gchar *const[]){"S01 → S02  100.00",
							     "S03 → S02  10.00", "S03 → S01  4.99",
							     "分店2", "110.00", NULL});
	}

	/* a merge carries lots in their old places: the third card, recharged at S03, is
	 * merged there into the second after S01 recharged that one; S01 then spends on
	 * the second card S03's older lot, not its own */
	recharge (chain->stores[2], card3, "700");
	sync_all (chain);
	recharge (chain->stores[0], card2, "600");
	sync_all (chain);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("card", "merge", "--db", chain->stores[2], "--operator",
				       "admin", "--from", card3, "--into", card2);
		hy_test_assert_status (run, 0);
	}
	sync_all (chain);
	g_free (sell_from_balance (chain->stores[0], card2, "600"));
	sync_all (chain);
	{
		g_autofree gchar *later = settlement_everywhere (chain, from, to);
		g_autoptr (JsonNode) later_node = json_from_string (later, &error);
		JsonObject *object;
		g_assert_no_error (error);
		object = json_node_get_object (later_node);
		assert_store (object, "S01", 10600, 1099, 0, 1099, 10000, 1099 - 10000);
		assert_store (object, "S02", 12000, 11000, 0, 11000, 0, 11000);
		assert_store (object, "S03", 3701, 0, 0, 0, 2099, -2099);
		g_assert_cmpint (owed (object, "S03", "S01"), ==, 499 + 600);
		g_assert_cmpint (owed (object, "S01", "S02"), ==, 10000);
		g_assert_cmpint (owed (object, "S03", "S02"), ==, 1000);
		g_assert_cmpint (json_object_get_int_member (object, "unmatched"), ==, 0);
	}
	/* a period without entries: zeros, the same everywhere */
	{
		g_autofree gchar *empty = settlement_everywhere (chain, "2020-01-01", "2020-01-31");
		g_autoptr (JsonNode) empty_node = json_from_string (empty, &error);
		JsonObject *object;
		g_assert_no_error (error);
		object = json_node_get_object (empty_node);
		assert_store (object, "S02", 0, 0, 0, 0, 0, 0);
		g_assert_cmpuint (
			json_object_get_size (json_object_get_object_member (object, "owed")), ==,
			0);
	}
}

/* Usage and input errors exit 2 and print one line. */
static void
test_settlement_usage (void)
{
	g_autoptr (HyTestEnv) env = hy_test_env_new ("hy-settlement-usage-XXXXXX");
	hy_test_env_init (env);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("settlement", "--db", env->db, "--from", "2026-11-01");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "--to");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("settlement", "--db", env->db, "--from",
							   "2026-02-30", "--to", "2026-03-01");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "2026-02-30");
	}
	{
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("settlement", "--db", env->db, "--from",
							   "2026-11-02", "--to", "2026-11-01");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "before");
	}
	{
		g_autofree gchar *missing = hy_test_env_file (env, "missing.db");
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("settlement", "--db", missing, "--from",
							   "2026-11-01", "--to", "2026-11-30");
		hy_test_assert_status (run, 2);
		g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
	}
	/* read-only: no operator, no password needed */
	{
		const gchar *const no_password[] = {"HUIYUAN_PASSWORD", NULL};
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN_ENV (no_password, "settlement", "--db", env->db, "--from",
					   "2026-11-01", "--to", "2026-11-30");
		hy_test_assert_status (run, 0);
		hy_test_assert_words (run->out, (const gchar *const[]){"S01", "nothing", NULL});
	}
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "CST-8", TRUE);
	tzset ();
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/admin-settlement/chain", test_settlement_chain);
	g_test_add_func ("/admin-settlement/usage", test_settlement_usage);
	return g_test_run ();
}
