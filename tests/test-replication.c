/* Replication with real processes on loopback: an HQ database served by huiyuan-relay
 * and three store databases enrolled with huiyuan-admin, selling, registering and
 * recharging at every store, the relay killed and restarted, and forged, malformed,
 * truncated, oversized and duplicated requests sent straight to the relay. */
#include "config.h"

#include <signal.h>

#include <libsoup/soup.h>

#include "hy-gzip.h"
#include "hy-replica.h"
#include "hy-test-admin.h"

#define N_STORES 3

typedef struct {
	gchar *dir;
	gchar *hq;
	gchar *stores[N_STORES];
	gchar *cards[N_STORES];
	gchar *store_ids[N_STORES];
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
	for (guint i = 0; i < N_STORES; i++) {
		g_free (chain->stores[i]);
		g_free (chain->cards[i]);
		g_free (chain->store_ids[i]);
	}
	hy_test_remove_tree (chain->dir);
	g_free (chain->dir);
	g_free (chain->hq);
	g_free (chain->url);
	g_free (chain);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chain, chain_free)

/* Starts huiyuan-relay on the HQ database: at a free loopback port the first time; at
 * the same one after a restart, where the stores expect it. */
static void
relay_start (Chain *chain)
{
	g_autofree gchar *listen = chain->url != NULL ? g_strdup (chain->url + strlen ("http://"))
						      : g_strdup ("127.0.0.1:0");
	g_assert_null (chain->relay);
	g_clear_pointer (&chain->url, g_free);
	chain->relay = hy_test_relay_spawn (chain->hq, listen, &chain->url);
	g_test_message ("relay at %s", chain->url);
}

static void
relay_stop (Chain *chain, gint sig)
{
	g_autoptr (GError) error = NULL;
	g_subprocess_send_signal (chain->relay, sig);
	g_subprocess_wait (chain->relay, NULL, &error);
	g_assert_no_error (error);
	if (sig == SIGTERM)
		g_assert_true (g_subprocess_get_if_exited (chain->relay) &&
			       g_subprocess_get_exit_status (chain->relay) == 0);
	g_clear_object (&chain->relay);
}

static void
sync_ok (const gchar *db)
{
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("sync", "--db", db, "--once", "--json");
	hy_test_assert_status (run, 0);
	g_assert_cmpint (hy_test_int_member (hy_test_run_object (run), "pending"), ==, 0);
}

static void
sync_all (Chain *chain)
{
	/* twice: the first round carries each store's rows to the relay, the second
	 * brings the rows of the stores that synced after it */
	for (guint round = 0; round < 2; round++) {
		for (guint i = 0; i < N_STORES; i++)
			sync_ok (chain->stores[i]);
	}
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

static void
recharge (const gchar *db, const gchar *card, const gchar *amount)
{
	g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("recharge", "--db", db, "--operator", "admin",
						   "--card", card, "--amount", amount, "--json");
	hy_test_assert_status (run, 0);
}

static void
sell (const gchar *db, const gchar *card, const gchar *amount, const gchar *pay)
{
	g_autoptr (HyTestRun) run =
		HY_TEST_ADMIN ("sell", "--db", db, "--operator", "admin", "--card", card,
			       "--amount", amount, "--pay", pay, "--json");
	hy_test_assert_status (run, 0);
}

/* Every row of a table, every column, in id order: what replicas must agree on. */
static void
dump_table (sqlite3 *handle, const gchar *table, const gchar *order, GString *out)
{
	g_autoptr (GString) sql = g_string_new ("SELECT ");
	g_autofree gchar *pragma = g_strdup_printf ("PRAGMA table_info(%s)", table);
	sqlite3_stmt *stmt = NULL;
	guint n = 0;

	g_assert_cmpint (sqlite3_prepare_v2 (handle, pragma, -1, &stmt, NULL), ==, SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW)
		g_string_append_printf (sql, "%squote(%s)", n++ > 0 ? " || '|' || " : "",
					(const gchar *) sqlite3_column_text (stmt, 1));
	sqlite3_finalize (stmt);
	g_assert_cmpuint (n, >, 0);
	g_string_append_printf (sql, " FROM %s ORDER BY %s", table, order);
	g_assert_cmpint (sqlite3_prepare_v2 (handle, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
	g_string_append_printf (out, "[%s]\n", table);
	while (sqlite3_step (stmt) == SQLITE_ROW)
		g_string_append_printf (out, "%s\n", (const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
}

/* The canonical dump of what every replica holds alike. */
static gchar *
dump (const gchar *db)
{
	g_autoptr (GString) out = g_string_new (NULL);
	sqlite3 *handle = NULL;
	g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	dump_table (handle, "account_entries", "id", out);
	dump_table (handle, "balances", "card_id, account, item", out);
	dump_table (handle, "members", "id", out);
	dump_table (handle, "cards", "id", out);
	dump_table (handle, "count_lots", "id", out);
	dump_table (handle, "stores", "id", out);
	dump_table (handle, "terminals", "id", out);
	dump_table (handle, "card_stock", "id", out);
	dump_table (handle, "operators", "id", out);
	dump_table (handle, "levels", "id", out);
	sqlite3_close (handle);
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_converged (Chain *chain)
{
	g_autofree gchar *reference = dump (chain->hq);
	for (guint i = 0; i < N_STORES; i++) {
		g_autofree gchar *replica = dump (chain->stores[i]);
		g_assert_cmpstr (replica, ==, reference);
	}
	{
		const gchar *all[N_STORES + 1] = {chain->hq};
		for (guint i = 0; i < N_STORES; i++)
			all[i + 1] = chain->stores[i];
		for (guint i = 0; i <= N_STORES; i++) {
			g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("verify", "--db", all[i]);
			hy_test_assert_status (run, 0);
		}
	}
}

static gint64
count (const gchar *db, const gchar *sql)
{
	return hy_test_db_count (db, sql, NULL);
}

/* HQ, three stores added on it and enrolled through a running relay; a member with a
 * card at each store. */
static Chain *
chain_new (void)
{
	Chain *chain = g_new0 (Chain, 1);
	g_autoptr (GError) error = NULL;
	gchar *tokens[N_STORES] = {NULL};

	chain->dir = g_dir_make_tmp ("hy-replication-XXXXXX", &error);
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
		JsonObject *object;
		hy_test_assert_status (run, 0);
		object = hy_test_run_object (run);
		g_assert_cmpint (hy_test_int_member (object, "number"), ==, i + 1);
		tokens[i] = g_strdup (json_object_get_string_member (object, "token"));
		chain->store_ids[i] = g_strdup (json_object_get_string_member (object, "id"));
		chain->stores[i] = g_build_filename (chain->dir, file, NULL);
	}
	/* a store code is unique */
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("store", "add", "--db", chain->hq, "--operator", "admin",
				       "--code", "S01", "--name", "again");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "taken");
	}
	relay_start (chain);
	for (guint i = 0; i < N_STORES; i++) {
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("enroll", "--db", chain->stores[i], "--relay", chain->url,
				       "--token", tokens[i], "--json");
		hy_test_assert_status (run, 0);
		g_assert_cmpstr (
			json_object_get_string_member (hy_test_run_object (run), "store_id"), ==,
			chain->store_ids[i]);
	}
	/* a token is good once; a failed enrolment leaves no database behind */
	{
		g_autofree gchar *again = g_build_filename (chain->dir, "again.db", NULL);
		g_autoptr (HyTestRun) run = HY_TEST_ADMIN ("enroll", "--db", again, "--relay",
							   chain->url, "--token", tokens[0]);
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "enrolment token");
		g_assert_false (g_file_test (again, G_FILE_TEST_EXISTS));
	}
	for (guint i = 0; i < N_STORES; i++) {
		g_autofree gchar *name = g_strdup_printf ("会员%u", i + 1);
		g_autofree gchar *phone = g_strdup_printf ("1390000000%u", i + 1);
		chain->cards[i] = add_member (chain->stores[i], name, phone);
		/* card numbers come from each store's own range */
		g_assert_true (g_str_has_prefix (chain->cards[i], i == 0   ? "001"
								  : i == 1 ? "002"
									   : "003"));
		g_free (tokens[i]);
	}
	return chain;
}

static void
test_replication_converge (void)
{
	g_autoptr (Chain) chain = chain_new ();

	/* recharges and sales at every store, on its own members' cards */
	for (guint i = 0; i < N_STORES; i++) {
		recharge (chain->stores[i], chain->cards[i], "10000");
		sell (chain->stores[i], chain->cards[i], "1234", "cash:2000");
		sell (chain->stores[i], chain->cards[i], "500", "balance:500");
	}
	sync_all (chain);
	assert_converged (chain);
	/* every store knows every card: each recharges and sells on the next store's */
	for (guint i = 0; i < N_STORES; i++) {
		const gchar *other = chain->cards[(i + 1) % N_STORES];
		recharge (chain->stores[i], other, "300");
		sell (chain->stores[i], other, "200", "balance:200");
	}
	/* and HQ writes too */
	recharge (chain->hq, chain->cards[0], "700");

	/* the relay dies; stores keep selling and cannot sync */
	relay_stop (chain, SIGKILL);
	recharge (chain->stores[0], chain->cards[2], "111");
	g_free (add_member (chain->stores[2], "离线会员", "13900000009"));
	/* one phone registered at two stores that cannot see each other */
	g_free (add_member (chain->stores[0], "重复甲", "13911112222"));
	g_free (add_member (chain->stores[1], "重复乙", "13911112222"));
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sync", "--db", chain->stores[0], "--once");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "cannot reach the relay");
		g_assert_cmpint (count (chain->stores[0], "SELECT count(*) FROM outbox"), >, 0);
	}
	relay_start (chain);
	sync_all (chain);
	assert_converged (chain);

	/* money: 10000 − 500 + 300 − 200 on each card; card 1 + 700 at HQ, card 3 + 111 */
	{
		const gchar *sql = "SELECT amount FROM balances b JOIN cards c ON c.id = b.card_id "
				   "WHERE c.number = ? AND b.account = 'money'";
		g_assert_cmpint (hy_test_db_count (chain->stores[1], sql, chain->cards[0]), ==,
				 10000 - 500 + 300 - 200 + 700);
		g_assert_cmpint (hy_test_db_count (chain->stores[1], sql, chain->cards[1]), ==,
				 10000 - 500 + 300 - 200);
		g_assert_cmpint (hy_test_db_count (chain->stores[1], sql, chain->cards[2]), ==,
				 10000 - 500 + 300 - 200 + 111);
	}
	/* both registrations are kept everywhere, and HQ queues the pair for a merge */
	g_assert_cmpint (hy_test_db_count (chain->stores[2],
					   "SELECT count(*) FROM members WHERE phone = ?",
					   "13911112222"),
			 ==, 2);
	g_assert_cmpint (hy_test_db_count (chain->hq,
					   "SELECT count(*) FROM member_duplicates WHERE phone = ? "
					   "AND resolved_at IS NULL",
					   "13911112222"),
			 ==, 1);
	g_assert_cmpint (count (chain->hq, "SELECT count(*) FROM member_duplicates"), ==, 1);
	/* HQ holds every store's sales; a store only its own */
	g_assert_cmpint (count (chain->hq, "SELECT count(*) FROM sales"), ==, 3 * N_STORES);
	g_assert_cmpint (count (chain->stores[0], "SELECT count(*) FROM sales"), ==, 3);
	for (guint i = 0; i < N_STORES; i++)
		g_assert_cmpint (count (chain->stores[i], "SELECT count(*) FROM outbox"), ==, 0);
	/* nothing was applied twice: one log row per relayed change at most */
	g_assert_cmpint (
		count (chain->hq,
		       "SELECT count(*) FROM (SELECT origin_store, store_seq FROM relay_log "
		       "GROUP BY origin_store, store_seq HAVING count(*) > 1)"),
		==, 0);
	relay_stop (chain, SIGTERM);
}

/* Waits until `sql` counts at least one row in `db` (polling the file); the
 * deadline is only a guard against hanging forever. */
static void
wait_for_row (const gchar *db, const gchar *sql)
{
	gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
	while (count (db, sql) == 0) {
		g_assert_cmpint (g_get_monotonic_time (), <, deadline);
		g_usleep (50 * 1000);
	}
}

/* `sync --follow` keeps a store current both ways while it runs, and stops on SIGTERM. */
static void
test_replication_follow (void)
{
	g_autoptr (Chain) chain = chain_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocess) follower = NULL;

	follower = hy_test_admin_spawnv (
		G_SUBPROCESS_FLAGS_STDOUT_SILENCE, NULL,
		(const gchar *const[]){"sync", "--db", chain->stores[1], "--follow", NULL}, &error);
	g_assert_no_error (error);
	/* another store's recharge reaches the follower through the long-poll */
	recharge (chain->stores[0], chain->cards[0], "4242");
	sync_ok (chain->stores[0]);
	wait_for_row (chain->stores[1], "SELECT count(*) FROM account_entries WHERE delta = 4242");
	/* and its own writes reach HQ */
	recharge (chain->stores[1], chain->cards[1], "2424");
	wait_for_row (chain->hq, "SELECT count(*) FROM account_entries WHERE delta = 2424");
	g_subprocess_send_signal (follower, SIGTERM);
	g_subprocess_wait (follower, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (g_subprocess_get_if_exited (follower));
	g_assert_cmpint (g_subprocess_get_exit_status (follower), ==, 0);
	sync_all (chain);
	assert_converged (chain);
	relay_stop (chain, SIGTERM);
}

/* The relay's database restored from an older backup: it gets a new epoch, the stores
 * notice and push again what they have, and every replica converges, HQ included. */
static void
test_replication_restore (void)
{
	g_autoptr (Chain) chain = chain_new ();
	g_autofree gchar *backup = g_build_filename (chain->dir, "hq-backup.db", NULL);
	const gchar *later = "SELECT count(*) FROM account_entries WHERE delta IN (3131, 3232)";
	gint64 epoch_before;

	for (guint i = 0; i < N_STORES; i++)
		recharge (chain->stores[i], chain->cards[i], "1000");
	sync_all (chain);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("backup", "--db", chain->hq, "--to", backup);
		hy_test_assert_status (run, 0);
	}
	/* after the backup: changes the relay takes and then loses */
	recharge (chain->stores[0], chain->cards[1], "3131");
	recharge (chain->stores[1], chain->cards[2], "3232");
	g_free (add_member (chain->stores[2], "备份之后", "13900000077"));
	sync_all (chain);
	g_assert_cmpint (count (chain->hq, later), ==, 2);

	relay_stop (chain, SIGTERM);
	epoch_before = count (chain->hq, "SELECT count(*) FROM meta WHERE key = 'relay_epoch'");
	g_assert_cmpint (epoch_before, ==, 1);
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("restore", "--db", chain->hq, "--from", backup);
		hy_test_assert_status (run, 0);
	}
	g_assert_cmpint (count (chain->hq, later), ==, 0);
	relay_start (chain);
	/* a store that made changes meanwhile, too */
	recharge (chain->stores[2], chain->cards[0], "3333");
	sync_all (chain);
	g_assert_cmpint (count (chain->hq, later), ==, 2);
	g_assert_cmpint (count (chain->hq, "SELECT count(*) FROM members WHERE phone = "
					   "'13900000077'"),
			 ==, 1);
	assert_converged (chain);
	relay_stop (chain, SIGTERM);
}

/* The relay killed with SIGKILL while a store pushes, again and again, wherever the
 * kill lands: after a restart nothing is lost and nothing applied twice. */
static void
test_replication_kill (void)
{
	g_autoptr (Chain) chain = chain_new ();

	for (guint i = 0; i < 12; i++)
		recharge (chain->stores[0], chain->cards[0], "10");
	relay_stop (chain, SIGTERM);
	for (guint round = 0; round < 6; round++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GSubprocess) sync = NULL;

		relay_start (chain);
		recharge (chain->stores[1], chain->cards[1], "10");
		sync = hy_test_admin_spawnv (
			G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
			(const gchar *const[]){"sync", "--db", chain->stores[round % 2], "--once",
					       NULL},
			&error);
		g_assert_no_error (error);
		/* a different moment of the push each round: before, during or after it */
		g_usleep (round * 15 * 1000);
		relay_stop (chain, SIGKILL);
		g_subprocess_wait (sync, NULL, &error);
		g_assert_no_error (error);
	}
	relay_start (chain);
	sync_all (chain);
	assert_converged (chain);
	g_assert_cmpint (
		count (chain->stores[1], "SELECT count(*) FROM account_entries WHERE delta = 10"),
		==, 12 + 6);
	g_assert_cmpint (
		count (chain->hq,
		       "SELECT count(*) FROM (SELECT origin_store, store_seq FROM relay_log "
		       "GROUP BY origin_store, store_seq HAVING count(*) > 1)"),
		==, 0);
	relay_stop (chain, SIGTERM);
}

/* ---- requests sent straight to the relay ------------------------------------------------- */

typedef struct {
	guint status;
	JsonObject *answer;
	gchar *encoding; /* Content-Encoding of the answer */
} Reply;

static void
reply_clear (Reply *reply)
{
	g_clear_pointer (&reply->answer, json_object_unref);
	g_clear_pointer (&reply->encoding, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* A request with a body sent as `encoding` (its Content-Encoding; NULL for none). */
static void
request_encoded (Chain *chain,
		 const gchar *method,
		 const gchar *path,
		 const gchar *credential,
		 const gchar *body,
		 gsize body_len,
		 const gchar *encoding,
		 Reply *reply)
{
	g_autoptr (SoupSession) session =
		soup_session_new_with_options ("proxy-resolver", NULL, NULL);
	g_autofree gchar *url = g_strconcat (chain->url, path, NULL);
	g_autoptr (SoupMessage) msg = soup_message_new (method, url);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (JsonNode) node = NULL;

	if (credential != NULL) {
		g_autofree gchar *header = g_strdup_printf ("Bearer %s", credential);
		soup_message_headers_replace (soup_message_get_request_headers (msg),
					      "Authorization", header);
	}
	if (body != NULL) {
		g_autoptr (GBytes) in = g_bytes_new (body, body_len);
		soup_message_set_request_body_from_bytes (msg, "application/json", in);
	}
	if (encoding != NULL)
		soup_message_headers_replace (soup_message_get_request_headers (msg),
					      "Content-Encoding", encoding);
	bytes = soup_session_send_and_read (session, msg, NULL, &error);
	g_assert_no_error (error);
	reply->status = soup_message_get_status (msg);
	reply->encoding = g_strdup (soup_message_headers_get_one (
		soup_message_get_response_headers (msg), "Content-Encoding"));
	{
		/* the answer as sent, by its length: GBytes carry no NUL */
		g_autofree gchar *text =
			g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
		node = json_from_string (text, &error);
		if (error != NULL)
			g_test_message ("HTTP %u answered: %s", soup_message_get_status (msg),
					text);
	}
	g_assert_no_error (error);
	g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
	reply->answer = json_object_ref (json_node_get_object (node));
	if (reply->status != 200)
		g_test_message ("HTTP %u: %s", reply->status,
				json_object_get_string_member (reply->answer, "error"));
}

static void
request (Chain *chain,
	 const gchar *method,
	 const gchar *path,
	 const gchar *credential,
	 const gchar *body,
	 gsize body_len,
	 Reply *reply)
{
	request_encoded (chain, method, path, credential, body, body_len, NULL, reply);
}

/* A gzipped push body that the relay must refuse with `status`, naming `needle`. */
static void
assert_gzip_refused (Chain *chain,
		     const gchar *credential,
		     GBytes *body,
		     const gchar *encoding,
		     guint status,
		     const gchar *needle)
{
	g_auto (Reply) reply = {0};
	gsize len = 0;
	gconstpointer data = g_bytes_get_data (body, &len);
	request_encoded (chain, "POST", "/v1/push", credential, data, len, encoding, &reply);
	g_assert_cmpuint (reply.status, ==, status);
	g_assert_nonnull (strstr (json_object_get_string_member (reply.answer, "error"), needle));
}

static void
assert_refused (Chain *chain,
		const gchar *method,
		const gchar *path,
		const gchar *credential,
		const gchar *body,
		guint status,
		const gchar *needle)
{
	g_auto (Reply) reply = {0};
	request (chain, method, path, credential, body, body != NULL ? strlen (body) : 0, &reply);
	g_assert_cmpuint (reply.status, ==, status);
	g_assert_nonnull (strstr (json_object_get_string_member (reply.answer, "error"), needle));
}

static HyReplicaState *
store_state (const gchar *path)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (path, HY_DB_OPEN_EXISTING, &error);
	HyReplicaState *state;
	g_assert_no_error (error);
	state = hy_replica_get_state (db, &error);
	g_assert_no_error (error);
	return state;
}

/* {"epoch": …, "changes": [<outbox of `path`>]} with `edit` applied to the text. */
static gchar *
outbox_push (const gchar *path, const gchar *epoch)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (path, HY_DB_OPEN_EXISTING, &error);
	g_autoptr (JsonArray) changes = NULL;
	g_autoptr (JsonObject) body = json_object_new ();
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	gint64 last = 0;

	g_assert_no_error (error);
	changes = hy_replica_outbox_batch (db, 500, &last, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (json_array_get_length (changes), >, 0);
	json_object_set_string_member (body, "epoch", epoch);
	json_object_set_array_member (body, "changes", g_steal_pointer (&changes));
	json_node_set_object (node, body);
	return json_to_string (node, FALSE);
}

static gchar *
single_push (const gchar *epoch, const gchar *change)
{
	return g_strdup_printf ("{\"epoch\": \"%s\", \"changes\": [%s]}", epoch, change);
}

static void
test_replication_requests (void)
{
	g_autoptr (Chain) chain = chain_new ();
	g_autoptr (HyReplicaState) s1 = NULL;
	g_autoptr (HyReplicaState) s2 = NULL;
	g_autofree gchar *cred1 = NULL;
	g_autofree gchar *cred2 = NULL;
	g_autofree gchar *forged = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *push = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *big = NULL;
	g_autofree gchar *stolen = NULL;
	g_autofree gchar *change = NULL;
	gint64 log_rows;

	recharge (chain->stores[0], chain->cards[0], "5000");
	sync_ok (chain->stores[0]);
	s1 = store_state (chain->stores[0]);
	s2 = store_state (chain->stores[1]);
	cred1 = hy_replica_state_credential (s1);
	cred2 = hy_replica_state_credential (s2);
	before = dump (chain->hq);
	log_rows = count (chain->hq, "SELECT count(*) FROM relay_log");

	/* health needs no credential; everything else does */
	{
		g_auto (Reply) reply = {0};
		request (chain, "GET", "/v1/health", NULL, NULL, 0, &reply);
		g_assert_cmpuint (reply.status, ==, 200);
		g_assert_cmpstr (json_object_get_string_member (reply.answer, "epoch"), ==,
				 s2->epoch);
	}
	/* a snapshot is gzipped for a client that takes it (libsoup does) */
	{
		g_auto (Reply) reply = {0};
		request (chain, "GET", "/v1/snapshot", cred2, NULL, 0, &reply);
		g_assert_cmpuint (reply.status, ==, 200);
		g_assert_cmpstr (reply.encoding, ==, "gzip");
		g_assert_cmpuint (json_array_get_length (
					  json_object_get_array_member (reply.answer, "changes")),
				  >, 10);
	}
	assert_refused (chain, "GET", "/v1/pull?since=0", NULL, NULL, 401, "Bearer");
	forged = g_strdup_printf ("%s.%064d", s2->terminal_id, 0);
	assert_refused (chain, "GET", "/v1/pull?since=0", forged, NULL, 401, "wrong secret");
	assert_refused (chain, "GET", "/v1/snapshot", "no-such-terminal.x", NULL, 401,
			"credential");
	assert_refused (chain, "POST", "/v1/push", forged, "{}", 401, "wrong secret");
	assert_refused (chain, "GET", "/v1/pull?since=-1", cred2, NULL, 400, "since");
	assert_refused (chain, "GET", "/v1/nothing", cred2, NULL, 404, "endpoint");
	assert_refused (chain, "GET", "/v1/push", cred2, NULL, 405, "POST");
	assert_refused (chain, "POST", "/v1/enroll", NULL, "{\"token\": \"abc\"}", 401,
			"enrolment token");

	/* malformed, truncated, oversized */
	assert_refused (chain, "POST", "/v1/push", cred2, "{\"epoch\": ", 400, "not valid JSON");
	assert_refused (chain, "POST", "/v1/push", cred2, "[1, 2]", 400, "JSON object");
	push = outbox_push (chain->stores[1], s2->epoch);
	body = g_strndup (push, strlen (push) / 2);
	assert_refused (chain, "POST", "/v1/push", cred2, body, 400, "not valid JSON");
	g_clear_pointer (&body, g_free);
	body = single_push (s2->epoch, "{\"seq\": \"x\"}");
	assert_refused (chain, "POST", "/v1/push", cred2, body, 400, "seq");
	g_clear_pointer (&body, g_free);
	body = single_push ("another-epoch", "");
	assert_refused (chain, "POST", "/v1/push", cred2, body, 409, "epoch");
	{
		gsize n = 5 * 1024 * 1024;
		g_auto (Reply) reply = {0};
		big = g_malloc (n);
		memset (big, ' ', n);
		request (chain, "POST", "/v1/push", cred2, big, n, &reply);
		g_assert_cmpuint (reply.status, ==, 413);
	}

	/* rows a store may not write: unknown tables and columns, HQ's tables, derived
	 * tables, another store's origin */
	{
		g_autofree gchar *id = g_strdup ("0190a0a0-0000-7000-8000-000000000001");
		g_autofree gchar *unknown_table =
			g_strdup_printf ("{\"seq\": \"1\", \"id\": \"%s\", \"table\": \"secrets\", "
					 "\"op\": \"insert\", "
					 "\"hlc\": \"1\", \"payload\": {\"id\": \"%s\"}}",
					 id, id);
		g_autofree gchar *hq_table = g_strdup_printf (
			"{\"seq\": \"1\", \"id\": \"%s\", \"table\": \"items\", \"op\": "
			"\"insert\", "
			"\"hlc\": \"1\", \"payload\": {\"id\": \"%s\", \"code\": \"X\"}}",
			id, id);
		g_autofree gchar *derived =
			g_strdup_printf ("{\"seq\": \"1\", \"id\": \"%s\", \"table\": "
					 "\"balances\", \"op\": \"insert\", "
					 "\"hlc\": \"1\", \"payload\": {\"id\": \"%s\"}}",
					 id, id);
		g_autofree gchar *column = g_strdup_printf (
			"{\"seq\": \"1\", \"id\": \"%s\", \"table\": \"payments\", \"op\": "
			"\"insert\", "
			"\"hlc\": \"1\", \"payload\": {\"id\": \"%s\", \"evil\": 1}}",
			id, id);
		g_autofree gchar *b1 = single_push (s2->epoch, unknown_table);
		g_autofree gchar *b2 = single_push (s2->epoch, hq_table);
		g_autofree gchar *b3 = single_push (s2->epoch, derived);
		g_autofree gchar *b4 = single_push (s2->epoch, column);
		assert_refused (chain, "POST", "/v1/push", cred2, b1, 400, "unknown table");
		assert_refused (chain, "POST", "/v1/push", cred2, b2, 403, "only HQ");
		assert_refused (chain, "POST", "/v1/push", cred2, b3, 400, "derived");
		assert_refused (chain, "POST", "/v1/push", cred2, b4, 400, "no column");
	}
	/* store 2 replays store 1's ledger entry as its own push */
	stolen = g_strdup_printf ("SELECT payload FROM relay_log WHERE origin_store = '%s' AND "
				  "tbl = 'account_entries' LIMIT 1",
				  chain->store_ids[0]);
	{
		sqlite3 *handle = NULL;
		sqlite3_stmt *stmt = NULL;
		g_assert_cmpint (sqlite3_open_v2 (chain->hq, &handle, SQLITE_OPEN_READONLY, NULL),
				 ==, SQLITE_OK);
		g_assert_cmpint (sqlite3_prepare_v2 (handle, stolen, -1, &stmt, NULL), ==,
				 SQLITE_OK);
		g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
		{
			g_autoptr (JsonNode) payload = json_from_string (
				(const gchar *) sqlite3_column_text (stmt, 0), NULL);
			const gchar *id = json_object_get_string_member (
				json_node_get_object (payload), "id");
			g_autofree gchar *text = json_to_string (payload, FALSE);
			change = g_strdup_printf (
				"{\"seq\": \"1\", \"id\": \"%s\", \"table\": "
				"\"account_entries\", \"op\": \"insert\", \"hlc\": "
				"\"1\", \"payload\": %s}",
				id, text);
		}
		sqlite3_finalize (stmt);
		sqlite3_close (handle);
		g_clear_pointer (&body, g_free);
		body = single_push (s2->epoch, change);
		assert_refused (chain, "POST", "/v1/push", cred2, body, 403, "claims origin store");
	}

	/* store 2 promotes an operator of HQ's (or any other store's): the whole push is
	 * refused, naming the row */
	{
		sqlite3 *handle = NULL;
		sqlite3_stmt *stmt = NULL;
		g_autofree gchar *text = NULL;
		g_autofree gchar *promote = NULL;
		g_autofree gchar *needle = NULL;
		g_autofree gchar *b5 = NULL;
		g_autoptr (JsonNode) row = NULL;
		JsonObject *object;
		gint64 hlc = (g_get_real_time () / 1000) << 16;
		g_assert_cmpint (sqlite3_open_v2 (chain->hq, &handle, SQLITE_OPEN_READONLY, NULL),
				 ==, SQLITE_OK);
		g_assert_cmpint (
			sqlite3_prepare_v2 (handle,
					    "SELECT json_object('id', id, 'login', login, "
					    "'name', name, 'role_id', role_id, 'store_id', "
					    "store_id, 'password_hash', password_hash, "
					    "'active', active, 'hlc', hlc, 'origin_store', "
					    "origin_store) FROM operators WHERE login = 'admin'",
					    -1, &stmt, NULL),
			==, SQLITE_OK);
		g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
		row = json_from_string ((const gchar *) sqlite3_column_text (stmt, 0), NULL);
		sqlite3_finalize (stmt);
		sqlite3_close (handle);
		object = json_node_get_object (row);
		json_object_set_string_member (object, "role_id", "stolen-role");
		json_object_set_int_member (object, "hlc", hlc);
		text = json_to_string (row, FALSE);
		promote = g_strdup_printf (
			"{\"seq\": \"1\", \"id\": \"%s\", \"table\": "
			"\"operators\", \"op\": \"update\", \"hlc\": \"%" G_GINT64_FORMAT
			"\", \"payload\": %s}",
			json_object_get_string_member (object, "id"), hlc, text);
		b5 = single_push (s2->epoch, promote);
		needle = g_strdup_printf ("operators row %s belongs to store",
					  json_object_get_string_member (object, "id"));
		assert_refused (chain, "POST", "/v1/push", cred2, b5, 403, needle);
	}

	/* gzip bodies: cut short, forged, inflating past the cap, or another encoding */
	{
		g_autoptr (GBytes) packed = hy_gzip_compress (push, strlen (push));
		gsize len = g_bytes_get_size (packed);
		g_autoptr (GBytes) cut = g_bytes_new_from_bytes (packed, 0, len / 2);
		g_autoptr (GBytes) flipped = NULL;
		g_autoptr (GBytes) trailing = NULL;
		g_autoptr (GBytes) bomb = NULL;
		g_autoptr (GBytes) plain = g_bytes_new (push, strlen (push));
		g_autofree gchar *spaces = g_malloc (6 * 1024 * 1024);
		guint8 *bytes = g_memdup2 (g_bytes_get_data (packed, NULL), len);

		assert_gzip_refused (chain, cred2, cut, "gzip", 400, "cut short");
		/* the right header, then a flipped byte in the deflated data */
		bytes[len / 2] ^= 0xff;
		flipped = g_bytes_new_take (bytes, len);
		assert_gzip_refused (chain, cred2, flipped, "gzip", 400, "gzip");
		{
			GByteArray *more = g_byte_array_new ();
			g_byte_array_append (more, g_bytes_get_data (packed, NULL), (guint) len);
			g_byte_array_append (more, (const guint8 *) "{}", 2);
			trailing = g_byte_array_free_to_bytes (more);
		}
		assert_gzip_refused (chain, cred2, trailing, "gzip", 400, "after its gzip stream");
		assert_gzip_refused (chain, cred2, plain, "gzip", 400, "not a gzip stream");
		/* a few kilobytes that inflate to 6 MiB */
		memset (spaces, ' ', 6 * 1024 * 1024);
		bomb = hy_gzip_compress (spaces, 6 * 1024 * 1024);
		g_assert_cmpuint (g_bytes_get_size (bomb), <, 64 * 1024);
		assert_gzip_refused (chain, cred2, bomb, "gzip", 413, "inflates to more than");
		assert_gzip_refused (chain, cred2, plain, "br", 415, "br");
	}

	/* nothing above changed anything */
	after = dump (chain->hq);
	g_assert_cmpstr (after, ==, before);
	g_assert_cmpint (count (chain->hq, "SELECT count(*) FROM relay_log"), ==, log_rows);

	/* the same push three times is the same as once */
	{
		g_autofree gchar *acked = NULL;
		gint64 logged = 0;
		g_autoptr (GBytes) packed = hy_gzip_compress (push, strlen (push));
		for (guint i = 0; i < 3; i++) {
			g_auto (Reply) reply = {0};
			/* the second time gzipped, as the sync client sends large pushes */
			if (i == 1)
				request_encoded (chain, "POST", "/v1/push", cred2,
						 g_bytes_get_data (packed, NULL),
						 g_bytes_get_size (packed), "gzip", &reply);
			else
				request (chain, "POST", "/v1/push", cred2, push, strlen (push),
					 &reply);
			g_assert_cmpuint (reply.status, ==, 200);
			if (acked == NULL)
				acked = g_strdup (
					json_object_get_string_member (reply.answer, "acked_seq"));
			g_assert_cmpstr (json_object_get_string_member (reply.answer, "acked_seq"),
					 ==, acked);
			if (i == 0)
				logged = count (chain->hq, "SELECT count(*) FROM relay_log");
			else
				g_assert_cmpint (
					count (chain->hq, "SELECT count(*) FROM relay_log"), ==,
					logged);
		}
		g_assert_cmpint (logged, >, log_rows);
	}
	/* the store, not knowing its push went through, syncs again: still once */
	sync_all (chain);
	assert_converged (chain);

	/* a revoked terminal is refused */
	{
		g_autoptr (HyTestRun) revoke =
			HY_TEST_ADMIN ("store", "revoke", "--db", chain->hq, "--operator", "admin",
				       "--terminal", s1->terminal_id);
		g_autoptr (HyTestRun) run = NULL;
		hy_test_assert_status (revoke, 0);
		run = HY_TEST_ADMIN ("sync", "--db", chain->stores[0], "--once");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "401");
	}
	relay_stop (chain, SIGTERM);
}

/* Paying from a balance kept at HQ: authorised online by the relay (the real processes
 * end to end), refused when the rest is held by another store, and bounded by the slice
 * while the relay is down. */
static void
test_replication_escrow (void)
{
	g_autoptr (Chain) chain = chain_new ();
	const gchar *card = chain->cards[0];
	const gchar *sql = "SELECT b.amount FROM balances b JOIN cards c ON c.id = b.card_id "
			   "WHERE c.number = ? AND b.account = 'money'";

	sync_all (chain); /* the card, registered at S01, reaches HQ */
	recharge (chain->hq, card, "100000");
	g_usleep (G_USEC_PER_SEC); /* HQ's writes reach the log within HY_RELAY_DRAIN_MS */
	sync_all (chain);
	/* online: the relay grants each sale and tops the slice up to the allowance
	 * (¥500) from what is free: S02 holds 50,000 after its sale, S03 the rest */
	sell (chain->stores[1], card, "3000", "balance:3000");
	sell (chain->stores[2], card, "1000", "balance:1000");
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", chain->stores[0], "--operator", "admin",
				       "--card", card, "--amount", "1000", "--pay", "balance:1000");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "S02, S03");
	}
	/* offline: S02 spends what it holds, and not a fen more */
	relay_stop (chain, SIGTERM);
	sell (chain->stores[1], card, "50000", "balance:50000");
	{
		g_autoptr (HyTestRun) run =
			HY_TEST_ADMIN ("sell", "--db", chain->stores[1], "--operator", "admin",
				       "--card", card, "--amount", "1", "--pay", "balance:1");
		hy_test_assert_status (run, 2);
		hy_test_assert_error_only (run, "without the relay");
	}
	/* back online, the holders hear that S01 was refused and give their slices back:
	 * S01's second try is authorised */
	relay_start (chain);
	sync_all (chain);
	sell (chain->stores[0], card, "1000", "balance:1000");
	sync_all (chain);
	for (guint i = 0; i < N_STORES; i++)
		g_assert_cmpint (hy_test_db_count (chain->stores[i], sql, card), ==, 45000);
	g_assert_cmpint (hy_test_db_count (chain->hq, sql, card), ==, 45000);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func ("/replication/converge", test_replication_converge);
	g_test_add_func ("/replication/requests", test_replication_requests);
	g_test_add_func ("/replication/follow", test_replication_follow);
	g_test_add_func ("/replication/restore", test_replication_restore);
	g_test_add_func ("/replication/kill", test_replication_kill);
	g_test_add_func ("/replication/escrow", test_replication_escrow);
	return g_test_run ();
}
