/* Escrow (hy-escrow.h) in a chain held in one process: an HQ database serving as the
 * relay's storage and store databases enrolled from its snapshot, exchanging pushes and
 * pulls through the same core calls the relay and the sync client make (no HTTP: the
 * protocol itself is tested by test-replication). Then a deterministic simulator: many
 * seeded random schedules of recharges and debits at every store under partitions,
 * duplicated and lost deliveries, restarts and a relay that crashes mid-ingest, checking
 * DESIGN.md's invariants after every step and convergence at the end.
 * HY_SIM_SEED=N replays one schedule; HY_SIM_SCHEDULES=N runs N (default 1000). */
#include "config.h"

#include <glib/gstdio.h>

#include "hy-card.h"
#include "hy-enrol.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-id.h"
#include "hy-member.h"
#include "hy-relay-log.h"
#include "hy-replica.h"
#include "hy-store.h"
#include "hy-test-common.h"

#define N_STORES 3
#define N_CARDS	 4

typedef struct {
	gchar *path;
	HyDb *db;
	HyActor *actor;
	gchar *store_id;
	gboolean online;
	GPtrArray *last_push; /* HyChange: delivered again late, out of order */
} Node;

typedef struct {
	gchar *dir;
	Node hq;
	Node stores[N_STORES];
	gchar *cards[N_CARDS];	  /* numbers */
	gchar *card_ids[N_CARDS]; /* ids */
	guint released_on_request;
} Chain;

static void
node_close (Node *node)
{
	g_clear_object (&node->db);
	g_clear_pointer (&node->last_push, g_ptr_array_unref);
}

static void
node_open (Node *node)
{
	g_autoptr (GError) error = NULL;
	node->db = hy_db_open (node->path, 0, &error);
	g_assert_no_error (error);
	/* durability is not what is tested here: a crash is a rolled-back transaction */
	g_assert_true (hy_db_exec (node->db, "PRAGMA synchronous = OFF", &error));
	g_assert_no_error (error);
}

static void
chain_free (Chain *chain)
{
	node_close (&chain->hq);
	g_free (chain->hq.path);
	g_free (chain->hq.store_id);
	g_clear_pointer (&chain->hq.actor, hy_actor_free);
	for (guint i = 0; i < N_STORES; i++) {
		node_close (&chain->stores[i]);
		g_free (chain->stores[i].path);
		g_free (chain->stores[i].store_id);
		g_clear_pointer (&chain->stores[i].actor, hy_actor_free);
	}
	for (guint i = 0; i < N_CARDS; i++) {
		g_free (chain->cards[i]);
		g_free (chain->card_ids[i]);
	}
	if (chain->dir != NULL)
		hy_test_remove_tree (chain->dir);
	g_free (chain->dir);
	g_free (chain);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chain, chain_free)

/* ---- the protocol's steps, through the core calls behind the relay and the client ---- */

/* Pushes up to `limit` outbox rows of `store`; with `lose_ack` the relay commits but the
 * answer never arrives, so the store pushes them again later. */
static void
push (Chain *chain, Node *store, guint limit, gboolean lose_ack)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) batch = NULL;
	g_autoptr (JsonNode) node = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	gint64 last = 0, acked = 0;

	batch = hy_replica_outbox_batch (store->db, limit, &last, &error);
	g_assert_no_error (error);
	if (json_array_get_length (batch) == 0)
		return;
	node = json_node_init_array (json_node_alloc (), batch);
	changes = hy_relay_parse_changes (node, store->store_id, &error);
	g_assert_no_error (error);
	g_assert_true (hy_relay_ingest (chain->hq.db, store->store_id, changes, FALSE, &acked, NULL,
					&error));
	g_assert_no_error (error);
	g_clear_pointer (&store->last_push, g_ptr_array_unref);
	store->last_push = g_ptr_array_ref (changes);
	if (!lose_ack) {
		g_assert_true (hy_replica_acked (store->db, acked, &error));
		g_assert_no_error (error);
	}
}

/* A push that was delayed in the network arrives again after later ones. */
static void
push_stale (Chain *chain, Node *store)
{
	g_autoptr (GError) error = NULL;
	gint64 acked = 0;
	if (store->last_push == NULL)
		return;
	g_assert_true (hy_relay_ingest (chain->hq.db, store->store_id, store->last_push, FALSE,
					&acked, NULL, &error));
	g_assert_no_error (error);
}

/* The relay dies mid-ingest: the push is rolled back whole and never answered. */
static void
push_crashing (Chain *chain, Node *store)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) batch = NULL;
	g_autoptr (JsonNode) node = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (HyTxn) crash = NULL;
	gint64 last = 0, acked = 0;

	batch = hy_replica_outbox_batch (store->db, 50, &last, &error);
	g_assert_no_error (error);
	if (json_array_get_length (batch) == 0)
		return;
	node = json_node_init_array (json_node_alloc (), batch);
	changes = hy_relay_parse_changes (node, store->store_id, &error);
	g_assert_no_error (error);
	crash = hy_db_begin (chain->hq.db, &error);
	g_assert_no_error (error);
	g_assert_true (hy_relay_ingest (chain->hq.db, store->store_id, changes, FALSE, &acked, NULL,
					&error));
	g_assert_no_error (error);
	/* no commit: freeing the transaction rolls it back */
}

static void
drain_hq (Chain *chain)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (hy_relay_drain_local (chain->hq.db, NULL, &error));
	g_assert_no_error (error);
}

/* Pulls up to `limit` log rows for `store`; with `twice` the answer is applied again
 * (a retried request delivered twice). */
static void
pull (Chain *chain, Node *store, guint limit, gboolean twice)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyReplicaState) state = hy_replica_get_state (store->db, &error);
	g_autoptr (JsonArray) changes = NULL;
	gint64 next = 0;

	g_assert_no_error (error);
	changes = hy_relay_pull (chain->hq.db, store->store_id, state->pull_cursor, limit, &next,
				 &error);
	g_assert_no_error (error);
	for (guint i = 0; i < (twice ? 2u : 1u); i++) {
		g_assert_true (hy_replica_apply_pulled (store->db, changes, next, NULL, &error));
		g_assert_no_error (error);
	}
	/* the pull answer also carries the relay's release requests */
	{
		g_autoptr (JsonArray) requests =
			hy_escrow_requests (chain->hq.db, store->store_id, &error);
		g_assert_no_error (error);
		if (json_array_get_length (requests) > 0) {
			guint released = 0;
			g_assert_true (
				hy_escrow_requests_told (chain->hq.db, store->store_id, &error));
			g_assert_true (hy_escrow_release_requested (store->db, requests, &released,
								    &error));
			g_assert_no_error (error);
			chain->released_on_request += released;
		}
	}
}

/* Everything online, every store pushed and pulled until nothing moves. */
static void
heal (Chain *chain)
{
	for (guint round = 0; round < 3; round++) {
		drain_hq (chain);
		for (guint i = 0; i < N_STORES; i++)
			push (chain, &chain->stores[i], 1000, FALSE);
		drain_hq (chain);
		for (guint i = 0; i < N_STORES; i++)
			pull (chain, &chain->stores[i], 100000, FALSE);
	}
}

/* What the sync client does when a debit is refused for escrow: the relay grants the
 * shortfall (delivered with the store's next pull). FALSE when the relay refuses. */
static gboolean
authorize (Chain *chain, Node *store, GError **refusal)
{
	g_autoptr (HyEscrowShortfall) shortfall = hy_escrow_take_shortfall (store->db);
	g_autofree gchar *grant_id = hy_id_new ();
	gint64 granted = 0;

	g_assert_nonnull (shortfall);
	if (!hy_escrow_authorize (chain->hq.db, store->store_id, grant_id, shortfall->card_id,
				  shortfall->account, shortfall->item, shortfall->amount, &granted,
				  refusal))
		return FALSE;
	g_assert_cmpint (granted, >=, shortfall->amount);
	drain_hq (chain);
	pull (chain, store, 100000, FALSE);
	return TRUE;
}

/* ---- setting a chain up --------------------------------------------------------------- */

static void
enrol (Chain *chain, guint i)
{
	Node *store = &chain->stores[i];
	g_autoptr (GError) error = NULL;
	g_autoptr (HyStore) added = NULL;
	g_autoptr (JsonArray) snapshot = NULL;
	g_autofree gchar *code = g_strdup_printf ("S%02u", i + 2);
	g_autofree gchar *token = NULL;
	g_autofree gchar *terminal_id = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *epoch = NULL;
	gint64 mark = 0;

	g_assert_true (hy_enrol_add_store (chain->hq.db, chain->hq.actor, code, code, &added,
					   &token, &error));
	g_assert_no_error (error);
	g_assert_true (hy_enrol_redeem (chain->hq.db, token, &store->store_id, &terminal_id,
					&secret, &error));
	g_assert_no_error (error);
	drain_hq (chain);
	snapshot = hy_relay_snapshot (chain->hq.db, store->store_id, &mark, &error);
	g_assert_no_error (error);
	epoch = hy_relay_get_epoch (chain->hq.db, &error);
	g_assert_no_error (error);
	store->path = g_strdup_printf ("%s/%s.db", chain->dir, code);
	store->db = hy_db_open (store->path, HY_DB_OPEN_CREATE, &error);
	g_assert_no_error (error);
	g_assert_true (hy_replica_enrol (store->db, "http://127.0.0.1:9", store->store_id,
					 terminal_id, secret, epoch, snapshot, mark, &error));
	g_assert_no_error (error);
	/* HQ's admin works at every store; no password hash per schedule */
	store->actor = hy_actor_new (hy_actor_get_operator_id (chain->hq.actor), "admin",
				     "hq-admin", HY_PERMISSION_ALL, store->store_id, terminal_id);
	store->online = TRUE;
	g_assert_true (hy_escrow_is_active (store->db));
}

/* HQ, N_STORES stores and N_CARDS members whose cards were recharged at HQ (the pool). */
static Chain *
chain_new (void)
{
	g_autoptr (Chain) chain = g_new0 (Chain, 1);
	g_autoptr (GError) error = NULL;

	chain->dir = g_dir_make_tmp ("huiyuan-escrow-XXXXXX", &error);
	g_assert_no_error (error);
	chain->hq.path = g_build_filename (chain->dir, "hq.db", NULL);
	chain->hq.db = hy_db_open (chain->hq.path, HY_DB_OPEN_CREATE, &error);
	g_assert_no_error (error);
	g_assert_true (
		hy_store_init (chain->hq.db, "HQ", "总部", TRUE, HY_TEST_ADMIN_PASSWORD, &error));
	g_assert_no_error (error);
	chain->hq.actor = hy_actor_login (chain->hq.db, "admin", HY_TEST_ADMIN_PASSWORD, &error);
	g_assert_no_error (error);
	chain->hq.store_id = g_strdup (hy_actor_get_store_id (chain->hq.actor));
	chain->hq.online = TRUE;
	for (guint i = 0; i < N_CARDS; i++) {
		g_autoptr (HyMember) member = hy_member_new ();
		g_autofree gchar *member_id = NULL;
		g_autoptr (HyCard) card = NULL;
		member->name = g_strdup_printf ("会员%u", i);
		g_assert_true (hy_member_register (chain->hq.db, chain->hq.actor, member, NULL,
						   NULL, NULL, &member_id, &chain->cards[i],
						   &error));
		g_assert_no_error (error);
		g_assert_true (hy_ledger_recharge (chain->hq.db, chain->hq.actor, chain->cards[i],
						   100000, NULL, NULL, &error));
		g_assert_no_error (error);
		card = hy_card_lookup (chain->hq.db, chain->cards[i], &error);
		g_assert_no_error (error);
		chain->card_ids[i] = g_strdup (card->id);
	}
	for (guint i = 0; i < N_STORES; i++)
		enrol (chain, i);
	heal (chain);
	return g_steal_pointer (&chain);
}

static gint64
balance_at (Node *node, const gchar *card_id)
{
	g_autoptr (GError) error = NULL;
	gint64 amount = 0;
	g_assert_true (
		hy_ledger_balance (node->db, card_id, HY_ACCOUNT_MONEY, "", &amount, &error));
	g_assert_no_error (error);
	return amount;
}

static gint64
slice_at (Node *node, const gchar *card_id, const gchar *store_id)
{
	g_autoptr (GError) error = NULL;
	gint64 amount = 0;
	g_assert_true (hy_escrow_slice (node->db, card_id, HY_ACCOUNT_MONEY, "", store_id, &amount,
					&error));
	g_assert_no_error (error);
	return amount;
}

/* ---- the rules, one at a time --------------------------------------------------------- */

static void
test_escrow_offline_slice (void)
{
	g_autoptr (Chain) chain = chain_new ();
	Node *s = &chain->stores[0];
	Node *t = &chain->stores[1];
	g_autoptr (GError) error = NULL;

	/* the balance recharged at HQ is in the pool: no store may spend it offline */
	g_assert_cmpint (balance_at (s, chain->card_ids[0]), ==, 100000);
	g_assert_cmpint (slice_at (s, chain->card_ids[0], s->store_id), ==, 0);
	g_assert_false (
		hy_ledger_withdraw (s->db, s->actor, chain->cards[0], 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_ESCROW);
	g_assert_nonnull (strstr (error->message, "¥0.00"));
	g_clear_error (&error);
	g_assert_cmpint (balance_at (s, chain->card_ids[0]), ==, 100000);

	/* a recharge here is spendable here at once, offline */
	g_assert_true (
		hy_ledger_recharge (s->db, s->actor, chain->cards[0], 3000, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (slice_at (s, chain->card_ids[0], s->store_id), ==, 3000);
	g_assert_true (
		hy_ledger_withdraw (s->db, s->actor, chain->cards[0], 2000, NULL, NULL, &error));
	g_assert_no_error (error);
	g_assert_false (
		hy_ledger_withdraw (s->db, s->actor, chain->cards[0], 1001, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_ESCROW);
	g_clear_error (&error);

	/* online: the relay grants the shortfall and tops money up to the allowance */
	g_assert_true (authorize (chain, s, &error));
	g_assert_no_error (error);
	g_assert_cmpint (slice_at (s, chain->card_ids[0], s->store_id), ==, 1000 + 1 + 50000);
	g_assert_true (
		hy_ledger_withdraw (s->db, s->actor, chain->cards[0], 1001, NULL, NULL, &error));
	g_assert_no_error (error);

	/* every replica agrees on the slices once synced; the pool shrank by the grant */
	heal (chain);
	g_assert_cmpint (slice_at (t, chain->card_ids[0], s->store_id), ==, 50000);
	g_assert_cmpint (slice_at (&chain->hq, chain->card_ids[0], s->store_id), ==, 50000);
	g_assert_cmpint (balance_at (t, chain->card_ids[0]), ==, 100000 + 3000 - 2000 - 1001);
}

static void
test_escrow_hq_pool (void)
{
	g_autoptr (Chain) chain = chain_new ();
	Node *s = &chain->stores[0];
	g_autoptr (GError) error = NULL;
	g_autofree gchar *grant_id = hy_id_new ();
	gint64 granted = 0, again = 0, pool = 0;

	/* a grant of 90,000 of 100,000 leaves HQ 10,000 to spend itself */
	g_assert_true (hy_escrow_authorize (chain->hq.db, s->store_id, grant_id, chain->card_ids[1],
					    HY_ACCOUNT_MONEY, "", 90000, &granted, &error));
	g_assert_no_error (error);
	g_assert_cmpint (granted, ==, 90000 + 10000); /* the top-up takes what is left */
	/* the same request again is the same grant, not another */
	g_assert_true (hy_escrow_authorize (chain->hq.db, s->store_id, grant_id, chain->card_ids[1],
					    HY_ACCOUNT_MONEY, "", 90000, &again, &error));
	g_assert_no_error (error);
	g_assert_cmpint (again, ==, granted);
	g_assert_true (hy_escrow_pool (chain->hq.db, chain->card_ids[1], HY_ACCOUNT_MONEY, "",
				       &pool, &error));
	g_assert_cmpint (pool, ==, 0);
	/* the id of a grant cannot be reused for another card */
	g_assert_false (hy_escrow_authorize (chain->hq.db, s->store_id, grant_id,
					     chain->card_ids[2], HY_ACCOUNT_MONEY, "", 10, &again,
					     &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);

	/* HQ spends only from the pool, and says who holds the rest */
	g_assert_false (hy_ledger_withdraw (chain->hq.db, chain->hq.actor, chain->cards[1], 1, NULL,
					    NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_ESCROW);
	g_assert_nonnull (strstr (error->message, "S02"));
	g_clear_error (&error);
	/* another store asking is told the same */
	{
		g_autofree gchar *other = hy_id_new ();
		g_assert_false (hy_escrow_authorize (chain->hq.db, chain->stores[1].store_id, other,
						     chain->card_ids[1], HY_ACCOUNT_MONEY, "", 500,
						     &again, &error));
		g_assert_error (error, HY_ERROR, HY_ERROR_ESCROW);
		g_assert_nonnull (strstr (error->message, "S02"));
		g_clear_error (&error);
	}
	/* … and the holder is asked to give its slice back, which it does when it syncs */
	{
		g_autoptr (JsonArray) requests =
			hy_escrow_requests (chain->hq.db, s->store_id, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (json_array_get_length (requests), ==, 1);
	}
	heal (chain);
	g_assert_cmpuint (chain->released_on_request, ==, 1);
	heal (chain);
	g_assert_cmpint (slice_at (&chain->hq, chain->card_ids[1], s->store_id), ==, 0);
	g_assert_true (hy_escrow_pool (chain->hq.db, chain->card_ids[1], HY_ACCOUNT_MONEY, "",
				       &pool, &error));
	g_assert_cmpint (pool, ==, 100000);

	/* a store gives back what is above its allowance after syncing */
	{
		g_autofree gchar *big = hy_id_new ();
		guint released = 0;
		g_assert_true (hy_escrow_authorize (chain->hq.db, s->store_id, big,
						    chain->card_ids[1], HY_ACCOUNT_MONEY, "", 80000,
						    &granted, &error));
		g_assert_no_error (error);
		heal (chain);
		g_assert_true (hy_escrow_release_excess (s->db, &released, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (released, ==, 1);
	}
	heal (chain);
	g_assert_cmpint (slice_at (&chain->hq, chain->card_ids[1], s->store_id), ==, 50000);
	g_assert_true (hy_ledger_withdraw (chain->hq.db, chain->hq.actor, chain->cards[1], 50000,
					   NULL, NULL, &error));
	g_assert_no_error (error);
}

static void
test_escrow_hot_list (void)
{
	g_autoptr (Chain) chain = chain_new ();
	Node *s = &chain->stores[0];
	Node *t = &chain->stores[1];
	g_autoptr (GError) error = NULL;
	g_autofree gchar *grant_id = hy_id_new ();
	gint64 granted = 0;

	/* lost at one store: after the sync no store is authorised to spend it */
	g_assert_true (hy_card_report_lost (s->db, s->actor, chain->cards[2], &error));
	g_assert_no_error (error);
	heal (chain);
	g_assert_false (hy_escrow_authorize (chain->hq.db, t->store_id, grant_id,
					     chain->card_ids[2], HY_ACCOUNT_MONEY, "", 100,
					     &granted, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
	g_clear_error (&error);
	g_assert_false (
		hy_ledger_recharge (t->db, t->actor, chain->cards[2], 100, NULL, NULL, &error));
	g_assert_error (error, HY_ERROR, HY_ERROR_CONFLICT);
}

/* ---- the simulator -------------------------------------------------------------------- */

typedef struct {
	Chain *chain;
	GRand *rand;
	guint seed;
	guint step;
	gint64 recharged[N_CARDS]; /* committed, whole chain */
	gint64 spent[N_CARDS];
	guint entries; /* account entries committed since the start */
	guint *counts; /* SimCount, over all schedules */
} Sim;

/* What the schedules did, so a run shows it exercised every path. */
typedef enum {
	SIM_DEBITS,
	SIM_REFUSED_OFFLINE,
	SIM_AUTHORISED,
	SIM_REFUSED_BY_RELAY,
	SIM_CRASHED_INGESTS,
	SIM_N_COUNTS,
} SimCount;

static gint64
count_rows (HyDb *db, const gchar *sql)
{
	sqlite3_stmt *stmt = NULL;
	gint64 n = -1;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL), ==,
			 SQLITE_OK);
	if (sqlite3_step (stmt) == SQLITE_ROW)
		n = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return n;
}

static gchar *
dump (HyDb *db, const gchar *sql)
{
	GString *out = g_string_new (NULL);
	sqlite3_stmt *stmt = NULL;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL), ==,
			 SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		for (gint c = 0; c < sqlite3_column_count (stmt); c++)
			g_string_append_printf (out, "%s|", sqlite3_column_text (stmt, c));
		g_string_append_c (out, '\n');
	}
	sqlite3_finalize (stmt);
	return g_string_free (out, FALSE);
}

static void
sim_fail (Sim *sim, const gchar *what, const gchar *where)
{
	g_printerr ("escrow simulator: seed %u failed at step %u: %s at %s\n"
		    "replay with HY_SIM_SEED=%u\n",
		    sim->seed, sim->step, what, where, sim->seed);
	g_assert_not_reached ();
}

/* DESIGN.md: no balance negative anywhere, no slice negative, slices never above the
 * balance they are cut from. */
static void
sim_check (Sim *sim, Node *node)
{
	if (count_rows (node->db, "SELECT count(*) FROM balances WHERE amount < 0 "
				  "AND account != 'time'") != 0)
		sim_fail (sim, "a negative balance", node->path);
	if (count_rows (node->db, "SELECT count(*) FROM escrow_slices WHERE amount < 0") != 0)
		sim_fail (sim, "a negative slice", node->path);
	if (count_rows (node->db,
			"SELECT count(*) FROM (SELECT card_id, account, item, sum (amount) AS held "
			"FROM escrow_slices GROUP BY 1, 2, 3) e LEFT JOIN balances b "
			"USING (card_id, account, item) WHERE e.held > coalesce (b.amount, 0)") !=
	    0)
		sim_fail (sim, "slices above the balance", node->path);
}

static Node *
sim_node (Sim *sim)
{
	guint i = (guint) g_rand_int_range (sim->rand, 0, N_STORES + 1);
	return i == N_STORES ? &sim->chain->hq : &sim->chain->stores[i];
}

/* A recharge or a debit at `node`; a debit refused for escrow asks the relay when the
 * store is online. */
static void
sim_money (Sim *sim, Node *node)
{
	g_autoptr (GError) error = NULL;
	guint c = (guint) g_rand_int_range (sim->rand, 0, N_CARDS);
	gint64 amount = g_rand_int_range (sim->rand, 1, 40000);
	gboolean ok;

	if (g_rand_int_range (sim->rand, 0, 3) == 0) {
		ok = hy_ledger_recharge (node->db, node->actor, sim->chain->cards[c], amount, NULL,
					 NULL, &error);
		g_assert_no_error (error);
		sim->recharged[c] += amount;
		sim->entries++;
		return;
	}
	for (guint attempt = 0; attempt < 3; attempt++) {
		g_clear_error (&error);
		ok = hy_ledger_withdraw (node->db, node->actor, sim->chain->cards[c], amount, NULL,
					 NULL, &error);
		if (ok) {
			sim->spent[c] += amount;
			sim->entries++;
			sim->counts[SIM_DEBITS]++;
			return;
		}
		if (g_error_matches (error, HY_ERROR, HY_ERROR_INSUFFICIENT))
			return;
		if (!g_error_matches (error, HY_ERROR, HY_ERROR_ESCROW))
			sim_fail (sim, error->message, node->path);
		if (node == &sim->chain->hq || !node->online) {
			sim->counts[SIM_REFUSED_OFFLINE]++;
			return;
		}
		g_clear_error (&error);
		if (!authorize (sim->chain, node, &error)) {
			if (!g_error_matches (error, HY_ERROR, HY_ERROR_ESCROW))
				sim_fail (sim, error->message, "the relay");
			sim->counts[SIM_REFUSED_BY_RELAY]++;
			return;
		}
		sim->counts[SIM_AUTHORISED]++;
	}
}

static void
sim_step (Sim *sim)
{
	Chain *chain = sim->chain;
	Node *node = sim_node (sim);
	Node *store = &chain->stores[g_rand_int_range (sim->rand, 0, N_STORES)];
	g_autoptr (GError) error = NULL;

	switch (g_rand_int_range (sim->rand, 0, 11)) {
	case 0:
	case 1:
	case 2:
	case 3:
		sim_money (sim, node);
		break;
	case 4: /* a partition starts or heals */
		store->online = !store->online;
		break;
	case 5:
		if (store->online)
			push (chain, store, (guint) g_rand_int_range (sim->rand, 1, 20),
			      g_rand_int_range (sim->rand, 0, 4) == 0);
		break;
	case 6:
		if (store->online) {
			drain_hq (chain);
			pull (chain, store, (guint) g_rand_int_range (sim->rand, 1, 30),
			      g_rand_int_range (sim->rand, 0, 4) == 0);
		}
		break;
	case 7:
		if (store->online) {
			push_crashing (chain, store);
			sim->counts[SIM_CRASHED_INGESTS]++;
		}
		break;
	case 8: /* the store's process restarts */
		node_close (store);
		node_open (store);
		break;
	case 9:
		if (store->online)
			push_stale (chain, store);
		break;
	default:
		if (store->online) {
			g_assert_true (hy_escrow_release_excess (store->db, NULL, &error));
			g_assert_no_error (error);
		}
		break;
	}
	sim_check (sim, &chain->hq);
	for (guint i = 0; i < N_STORES; i++)
		sim_check (sim, &chain->stores[i]);
}

/* After healing: the same ledger, escrow and balances everywhere, nothing lost or
 * duplicated, the derived slices rebuildable, what was spent within what was there. */
static void
sim_converge (Sim *sim, guint base_entries)
{
	Chain *chain = sim->chain;
	static const gchar *const sql[] = {
		"SELECT id, card_id, delta FROM account_entries ORDER BY id",
		"SELECT id, store_id, delta FROM escrow_entries ORDER BY id",
		"SELECT card_id, account, item, amount FROM balances WHERE amount != 0 ORDER BY 1, "
		"2, 3",
		"SELECT card_id, store_id, amount FROM escrow_slices WHERE amount != 0 "
		"ORDER BY 1, 2",
	};

	for (guint i = 0; i < N_STORES; i++)
		chain->stores[i].online = TRUE;
	heal (chain);
	for (guint q = 0; q < G_N_ELEMENTS (sql); q++) {
		g_autofree gchar *want = dump (chain->hq.db, sql[q]);
		for (guint i = 0; i < N_STORES; i++) {
			g_autofree gchar *have = dump (chain->stores[i].db, sql[q]);
			if (g_strcmp0 (want, have) != 0)
				sim_fail (sim, sql[q], chain->stores[i].path);
		}
	}
	if (count_rows (chain->hq.db, "SELECT count(*) FROM account_entries") !=
	    (gint64) (base_entries + sim->entries))
		sim_fail (sim, "ledger entries lost or duplicated", chain->hq.path);
	for (guint c = 0; c < N_CARDS; c++) {
		if (balance_at (&chain->hq, chain->card_ids[c]) !=
		    100000 + sim->recharged[c] - sim->spent[c])
			sim_fail (sim, "a balance that is not recharges less spending", "HQ");
	}
	{
		g_autoptr (GError) error = NULL;
		g_autofree gchar *before = dump (chain->hq.db, sql[3]);
		g_autofree gchar *after = NULL;
		g_autoptr (HyTxn) txn = hy_db_begin (chain->hq.db, &error);
		g_assert_true (hy_escrow_rebuild (chain->hq.db, &error));
		g_assert_no_error (error);
		after = dump (chain->hq.db, sql[3]);
		if (g_strcmp0 (before, after) != 0)
			sim_fail (sim, "slices that differ from their rebuild", "HQ");
	}
}

static void
sim_copy (const gchar *from, const gchar *to)
{
	g_autofree gchar *contents = NULL;
	gsize length = 0;
	g_autoptr (GError) error = NULL;
	g_assert_true (g_file_get_contents (from, &contents, &length, &error));
	g_assert_true (g_file_set_contents (to, contents, (gssize) length, &error));
	g_assert_no_error (error);
}

static void
test_escrow_simulator (void)
{
	g_autoptr (Chain) chain = chain_new ();
	const gchar *seed_env = g_getenv ("HY_SIM_SEED");
	const gchar *count_env = g_getenv ("HY_SIM_SCHEDULES");
	guint first = seed_env != NULL ? (guint) g_ascii_strtoull (seed_env, NULL, 10) : 1;
	guint n = seed_env != NULL    ? 1
		  : count_env != NULL ? (guint) g_ascii_strtoull (count_env, NULL, 10)
				      : 1000;
	g_autofree gchar *template_dir = g_build_filename (chain->dir, "template", NULL);
	Node *nodes[N_STORES + 1] = {&chain->hq};
	guint counts[SIM_N_COUNTS] = {0};
	guint base_entries;

	for (guint i = 0; i < N_STORES; i++)
		nodes[i + 1] = &chain->stores[i];
	/* each schedule starts from copies of the same healed chain */
	g_assert_cmpint (g_mkdir (template_dir, 0700), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS (nodes); i++) {
		g_autofree gchar *base = g_path_get_basename (nodes[i]->path);
		g_autofree gchar *copy = g_build_filename (template_dir, base, NULL);
		node_close (nodes[i]);
		sim_copy (nodes[i]->path, copy);
	}
	base_entries = N_CARDS;
	for (guint s = first; s < first + n; s++) {
		Sim sim = {.chain = chain, .seed = s, .counts = counts};
		g_autoptr (GRand) rand = g_rand_new_with_seed (s);
		sim.rand = rand;
		for (guint i = 0; i < G_N_ELEMENTS (nodes); i++) {
			g_autofree gchar *base = g_path_get_basename (nodes[i]->path);
			g_autofree gchar *copy = g_build_filename (template_dir, base, NULL);
			node_close (nodes[i]);
			for (const gchar *const *x = (const gchar *const[]){"-wal", "-shm", NULL};
			     *x != NULL; x++) {
				g_autofree gchar *side = g_strconcat (nodes[i]->path, *x, NULL);
				g_unlink (side);
			}
			sim_copy (copy, nodes[i]->path);
			node_open (nodes[i]);
			nodes[i]->online = TRUE;
		}
		for (sim.step = 0; sim.step < 40; sim.step++)
			sim_step (&sim);
		sim_converge (&sim, base_entries);
	}
	g_test_message ("%u schedules from seed %u held every invariant: %u debits, %u refused "
			"offline, %u authorised online, %u refused by the relay, %u ingests "
			"crashed, %u slices given back on request",
			n, first, counts[SIM_DEBITS], counts[SIM_REFUSED_OFFLINE],
			counts[SIM_AUTHORISED], counts[SIM_REFUSED_BY_RELAY],
			counts[SIM_CRASHED_INGESTS], chain->released_on_request);
	if (n >= 100)
		g_assert_cmpuint (chain->released_on_request, >, 0);
	/* a schedule generator that stopped reaching a path would prove nothing there */
	if (n >= 100) {
		for (guint i = 0; i < SIM_N_COUNTS; i++)
			g_assert_cmpuint (counts[i], >, 0);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/escrow/offline-slice", test_escrow_offline_slice);
	g_test_add_func ("/escrow/hq-pool", test_escrow_hq_pool);
	g_test_add_func ("/escrow/hot-list", test_escrow_hot_list);
	g_test_add_func ("/escrow/simulator", test_escrow_simulator);
	return g_test_run ();
}
