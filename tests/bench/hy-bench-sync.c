/* huiyuan-bench sync: changes a store pushed, applied at the relay (checked, applied by
 * table kind, hash chains verified, logged; one transaction per batch of 500), next to
 * plain SQLite inserts of the same rows in transactions of the same size, the two timed
 * batch by batch in turn. */
#include "config.h"

#include <glib/gstdio.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <time.h>

#include "hy-apply.h"
#include "hy-bench-sync.h"
#include "hy-chain.h"
#include "hy-db.h"
#include "hy-id.h"
#include "hy-ledger.h"
#include "hy-relay-log.h"
#include "hy-store.h"

#define BENCH_SYNC_BATCH 500

static gint64
bench_sync_now_ns (void)
{
	struct timespec ts;
	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
bench_sync_die (const gchar *what, GError *error)
{
	g_printerr ("huiyuan-bench: %s: %s\n", what, error != NULL ? error->message : "failed");
	exit (2);
}

static HyDb *
bench_sync_hq (const gchar *path)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = hy_db_open (path, HY_DB_OPEN_CREATE, &error);
	if (db == NULL || !hy_store_init (db, "HQ", "HQ", TRUE, "bench-admin", &error))
		bench_sync_die ("HQ database", error);
	return g_steal_pointer (&db);
}

static HyChange *
bench_sync_change (gint64 seq, const gchar *table, JsonObject *payload)
{
	HyChange *change = g_new0 (HyChange, 1);
	change->seq = seq;
	change->id = g_strdup (json_object_get_string_member (payload, "id"));
	change->table = g_strdup (table);
	change->op = HY_CHANGE_INSERT;
	change->hlc = json_object_get_int_member (payload, "hlc");
	change->payload = json_object_ref (payload);
	return change;
}

GPtrArray *
bench_sync_changes (const gchar *store, guint phone_block, gint count)
{
	GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_change_free);
	g_autofree gchar *prev = g_strdup (HY_CHAIN_GENESIS);
	gint64 hlc = (g_get_real_time () / 1000 - 3600 * 1000) << 16;
	gint64 seq = 0;

	for (gint i = 0; i < count; i++) {
		g_autofree gchar *member = hy_id_new ();
		g_autofree gchar *card = hy_id_new ();
		g_autofree gchar *entry = hy_id_new ();
		g_autofree gchar *payment = hy_id_new ();
		g_autofree gchar *name = g_strdup_printf ("会员%d", i);
		g_autofree gchar *phone = g_strdup_printf ("1%03u%07d", phone_block % 1000, i);
		g_autoptr (JsonObject) m = json_object_new ();
		g_autoptr (JsonObject) e = json_object_new ();
		g_autoptr (JsonObject) p = json_object_new ();
		g_autofree gchar *canonical = NULL;
		g_autofree gchar *hash = NULL;

		hlc++;
		json_object_set_string_member (m, "id", member);
		json_object_set_string_member (m, "name", name);
		json_object_set_string_member (m, "name_pinyin", "hui yuan");
		json_object_set_string_member (m, "name_initials", "hy");
		json_object_set_string_member (m, "name_pinyin_flat", "huiyuan");
		json_object_set_string_member (m, "phone", phone);
		json_object_set_string_member (m, "level_id", "level");
		json_object_set_string_member (m, "home_store", store);
		json_object_set_int_member (m, "created_at", hlc >> 16);
		json_object_set_int_member (m, "hlc", hlc);
		json_object_set_string_member (m, "origin_store", store);
		g_ptr_array_add (changes, bench_sync_change (++seq, "members", m));

		hlc++;
		{
			g_autofree gchar *hlc_text = g_strdup_printf ("%" PRId64, hlc);
			g_autofree gchar *at_text = g_strdup_printf ("%" PRId64, hlc >> 16);
			g_autofree gchar *seq_text = g_strdup_printf ("%d", i + 1);
			const gchar *fields[HY_LEDGER_N_CHAINED_COLUMNS] = {
				entry,	    card,     member, "money",	"",   "1000",
				"recharge", entry,    "",     store,	"T1", "op",
				at_text,    hlc_text, store,  seq_text,
			};
			canonical = hy_chain_canonical (fields, G_N_ELEMENTS (fields));
		}
		hash = hy_chain_hash (prev, canonical);
		json_object_set_string_member (e, "id", entry);
		json_object_set_string_member (e, "card_id", card);
		json_object_set_string_member (e, "member_id", member);
		json_object_set_string_member (e, "account", "money");
		json_object_set_string_member (e, "item", "");
		json_object_set_int_member (e, "delta", 1000);
		json_object_set_string_member (e, "op", "recharge");
		json_object_set_string_member (e, "op_id", entry);
		json_object_set_string_member (e, "note", "");
		json_object_set_string_member (e, "store_id", store);
		json_object_set_string_member (e, "terminal_id", "T1");
		json_object_set_string_member (e, "operator_id", "op");
		json_object_set_int_member (e, "at", hlc >> 16);
		json_object_set_int_member (e, "hlc", hlc);
		json_object_set_string_member (e, "origin_store", store);
		json_object_set_int_member (e, "origin_seq", i + 1);
		json_object_set_string_member (e, "prev_hash", prev);
		json_object_set_string_member (e, "hash", hash);
		g_ptr_array_add (changes, bench_sync_change (++seq, "account_entries", e));
		g_free (prev);
		prev = g_steal_pointer (&hash);

		hlc++;
		json_object_set_string_member (p, "id", payment);
		json_object_set_string_member (p, "sale_id", entry);
		json_object_set_string_member (p, "method", "cash");
		json_object_set_int_member (p, "amount", 1000);
		json_object_set_int_member (p, "hlc", hlc);
		json_object_set_string_member (p, "origin_store", store);
		g_ptr_array_add (changes, bench_sync_change (++seq, "payments", p));
	}
	return changes;
}

static void
bench_sync_finalize (gpointer stmt)
{
	sqlite3_finalize (stmt);
}

/* The floor: rows [from, to) of the same changes by plain prepared INSERTs in one
 * transaction, as the relay takes a batch. Returns seconds. */
static gdouble
bench_sync_bare (HyDb *db, GHashTable *stmts, GPtrArray *changes, guint from, guint to)
{
	sqlite3 *handle = hy_db_get_handle (db);
	gint64 t0 = bench_sync_now_ns ();

	sqlite3_exec (handle, "BEGIN", NULL, NULL, NULL);
	for (guint i = from; i < to; i++) {
		const HyChange *change = changes->pdata[i];
		g_autoptr (GList) members = json_object_get_members (change->payload);
		sqlite3_stmt *stmt = g_hash_table_lookup (stmts, change->table);
		guint col = 1;
		if (stmt == NULL) {
			g_autoptr (GString) sql = g_string_new (NULL);
			g_string_printf (sql, "INSERT INTO %s (", change->table);
			for (GList *l = members; l != NULL; l = l->next)
				g_string_append_printf (sql, "%s%s", l == members ? "" : ", ",
							(const gchar *) l->data);
			g_string_append (sql, ") VALUES (");
			for (GList *l = members; l != NULL; l = l->next)
				g_string_append (sql, l == members ? "?" : ", ?");
			g_string_append (sql, ")");
			if (sqlite3_prepare_v2 (handle, sql->str, -1, &stmt, NULL) != SQLITE_OK)
				g_error ("%s", sqlite3_errmsg (handle));
			g_hash_table_insert (stmts, g_strdup (change->table), stmt);
		}
		for (GList *l = members; l != NULL; l = l->next, col++) {
			JsonNode *node = json_object_get_member (change->payload, l->data);
			if (json_node_get_value_type (node) == G_TYPE_STRING)
				sqlite3_bind_text (stmt, (gint) col, json_node_get_string (node),
						   -1, SQLITE_STATIC);
			else
				sqlite3_bind_int64 (stmt, (gint) col, json_node_get_int (node));
		}
		if (sqlite3_step (stmt) != SQLITE_DONE)
			g_error ("%s", sqlite3_errmsg (handle));
		sqlite3_reset (stmt);
	}
	sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL);
	return (bench_sync_now_ns () - t0) / 1e9;
}

gint
bench_sync (gint argc, gchar **argv)
{
	gint count = 5000;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *relay_path = NULL;
	g_autofree gchar *bare_path = NULL;
	g_autofree gchar *store = hy_id_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GOptionContext) ctx =
		g_option_context_new ("sync — changes applied at the relay per second");
	g_autoptr (HyDb) relay = NULL;
	g_autoptr (HyDb) bare = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;
	g_autofree gchar *text = NULL;
	g_autoptr (GHashTable) bare_stmts =
		g_hash_table_new_full (g_str_hash, g_str_equal, g_free, bench_sync_finalize);
	gdouble core_s = 0, raw_s = 0;
	gint64 t0;
	const GOptionEntry entries[] = {{"count", 0, 0, G_OPTION_ARG_INT, &count,
					 "Sales pushed, three changes each (5000)", "N"},
					{NULL}};

	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error))
		bench_sync_die ("options", error);
	dir = g_dir_make_tmp ("huiyuan-bench-XXXXXX", &error);
	if (dir == NULL)
		bench_sync_die ("temporary directory", error);
	relay_path = g_build_filename (dir, "relay.db", NULL);
	bare_path = g_build_filename (dir, "bare.db", NULL);
	relay = bench_sync_hq (relay_path);
	bare = bench_sync_hq (bare_path);
	changes = bench_sync_changes (store, 390, count);

	/* each batch through the relay, then the same rows bare: a burst of other load on
	 * the machine falls on both sides alike */
	for (guint i = 0; i < changes->len; i += BENCH_SYNC_BATCH) {
		g_autoptr (GPtrArray) batch = g_ptr_array_new ();
		guint end = MIN (changes->len, i + BENCH_SYNC_BATCH);
		gint64 acked = 0;
		for (guint j = i; j < end; j++)
			g_ptr_array_add (batch, changes->pdata[j]);
		t0 = bench_sync_now_ns ();
		if (!hy_relay_ingest (relay, store, batch, FALSE, &acked, NULL, &error))
			bench_sync_die ("ingest", error);
		core_s += (bench_sync_now_ns () - t0) / 1e9;
		if (acked != ((HyChange *) g_ptr_array_index (batch, batch->len - 1))->seq)
			bench_sync_die ("ingest acknowledged too little", NULL);
		raw_s += bench_sync_bare (bare, bare_stmts, changes, i, end);
	}

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "benchmark");
	json_builder_add_string_value (b, "sync");
	json_builder_set_member_name (b, "changes");
	json_builder_add_int_value (b, changes->len);
	json_builder_set_member_name (b, "applied_per_second");
	json_builder_add_double_value (b, changes->len / core_s);
	json_builder_set_member_name (b, "bare_inserts_per_second");
	json_builder_add_double_value (b, changes->len / raw_s);
	json_builder_set_member_name (b, "ratio_to_bare");
	json_builder_add_double_value (b, raw_s / core_s);
	json_builder_end_object (b);
	root = json_builder_get_root (b);
	text = json_to_string (root, TRUE);
	g_print ("%s\n", text);

	g_clear_object (&relay);
	g_clear_pointer (&bare_stmts, g_hash_table_unref);
	g_clear_object (&bare);
	for (const gchar *const *f =
		     (const gchar *const[]){"relay.db", "relay.db-wal", "relay.db-shm", "bare.db",
					    "bare.db-wal", "bare.db-shm", NULL};
	     *f != NULL; f++) {
		g_autofree gchar *p = g_build_filename (dir, *f, NULL);
		g_unlink (p);
	}
	g_rmdir (dir);
	return 0;
}
