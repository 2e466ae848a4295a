/* huiyuan-bench: Huiyuan's performance, as ratios to the raw SQLite floor in the same run.
 *
 *   huiyuan-bench lookup   [--members N] [--queries Q] [--db PATH] [--seed S]
 *   huiyuan-bench recharge [--count N] [--db PATH]
 *   huiyuan-bench checkout [--members N] [--history-lines N] [--past-sales N] [--count N]
 *                          [--db PATH]
 *   huiyuan-bench sync     [--count N]
 *   huiyuan-bench relay    [--stores N] [--pushes N] [--batch N] [--interval MS]
 *                          [--relay PATH]
 *
 * Prints one JSON object. Times are wall-clock on this machine; read the ratios. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <time.h>

#include "hy-actor.h"
#include "hy-bench-sync.h"
#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-db.h"
#include "hy-demo.h"
#include "hy-ledger.h"
#include "hy-member-search.h"
#include "hy-member.h"
#include "hy-rules-store.h"
#include "hy-store.h"

#define BENCH_PASSWORD "bench-admin"

static gint64
now_ns (void)
{
	struct timespec ts;
	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gint
cmp_gint64 (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
	return x < y ? -1 : x > y;
}

/* The q-th quantile (0..1) in microseconds, with two decimals. */
static gdouble
quantile_us (GArray *samples_ns, gdouble q)
{
	guint i;
	if (samples_ns->len == 0)
		return 0;
	g_array_sort (samples_ns, cmp_gint64);
	i = (guint) (q * (samples_ns->len - 1) + 0.5);
	return g_array_index (samples_ns, gint64, i) / 1000.0;
}

static void
die (const gchar *what, GError *error)
{
	g_printerr ("huiyuan-bench: %s: %s\n", what, error != NULL ? error->message : "failed");
	exit (2);
}

/* Parses the options; without --db the store goes in a temporary directory `dir`. */
static void
bench_parse (GOptionContext *ctx,
	     const GOptionEntry *entries,
	     gint *argc,
	     gchar ***argv,
	     gchar **path,
	     gchar **dir)
{
	g_autoptr (GError) error = NULL;
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &error))
		die ("options", error);
	if (*path != NULL)
		return;
	*dir = g_dir_make_tmp ("huiyuan-bench-XXXXXX", &error);
	if (*dir == NULL)
		die ("temporary directory", error);
	*path = g_build_filename (*dir, "bench.db", NULL);
}

/* Removes a database the benchmark made in its own temporary directory. */
static void
bench_remove_scratch (const gchar *dir, const gchar *path)
{
	if (dir == NULL)
		return;
	for (const gchar *const *s = (const gchar *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		g_autofree gchar *p = g_strconcat (path, *s, NULL);
		g_unlink (p);
	}
	g_rmdir (dir);
}

static void
print_json (JsonBuilder *b)
{
	g_autoptr (JsonNode) root = json_builder_get_root (b);
	g_autofree gchar *text = json_to_string (root, TRUE);
	g_print ("%s\n", text);
}

static gint64
count_rows (HyDb *db, const gchar *sql)
{
	sqlite3_stmt *stmt = NULL;
	gint64 n = 0;
	if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step (stmt) == SQLITE_ROW)
		n = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return n;
}

/* Opens PATH (creating a store there if needed) and tops it up to `members` demo
 * members, so a large database can be generated once and reused. */
static HyDb *
bench_store (const gchar *path, guint members, guint64 seed, gdouble *generate_s)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	gint64 have, t0;

	*generate_s = 0;
	if (g_file_test (path, G_FILE_TEST_EXISTS)) {
		db = hy_db_open (path, HY_DB_OPEN_EXISTING, &error);
		if (db == NULL)
			die (path, error);
	} else {
		db = hy_db_open (path, HY_DB_OPEN_CREATE, &error);
		if (db == NULL ||
		    !hy_store_init (db, "BENCH", "Benchmark store", FALSE, BENCH_PASSWORD, &error))
			die ("creating the store", error);
	}
	have = count_rows (db, "SELECT count(*) FROM members");
	if (have >= members)
		return g_steal_pointer (&db);
	admin = hy_actor_login (db, "admin", BENCH_PASSWORD, &error);
	if (admin == NULL)
		die ("login", error);
	t0 = now_ns ();
	if (!hy_demo_generate (db, admin, (guint) (members - have), seed, &error))
		die ("generating members", error);
	*generate_s = (now_ns () - t0) / 1e9;
	return g_steal_pointer (&db);
}

static GPtrArray *
sample_column (HyDb *db, const gchar *sql, guint n)
{
	GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
		g_error ("%s", sqlite3_errmsg (hy_db_get_handle (db)));
	sqlite3_bind_int (stmt, 1, (gint) n);
	while (sqlite3_step (stmt) == SQLITE_ROW)
		g_ptr_array_add (values, g_strdup ((const gchar *) sqlite3_column_text (stmt, 0)));
	sqlite3_finalize (stmt);
	return values;
}

/* The raw floor: the one indexed SELECT a lookup of that kind cannot avoid. */
static gint64
raw_lookup_ns (sqlite3_stmt *stmt, const gchar *query, gboolean prefix)
{
	gint64 t0 = now_ns ();
	guint rows = 0;
	sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
	if (prefix) {
		g_autofree gchar *upper = g_strconcat (query, "\xff", NULL);
		sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_TRANSIENT);
	}
	while (sqlite3_step (stmt) == SQLITE_ROW)
		rows++;
	sqlite3_reset (stmt);
	return now_ns () - t0;
}

static JsonNode *
bench_lookup_kind (
	HyDb *db, const gchar *kind, GPtrArray *queries, const gchar *raw_sql, gboolean prefix)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (GArray) core = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (GArray) raw = g_array_new (FALSE, FALSE, sizeof (gint64));
	sqlite3_stmt *stmt = NULL;
	guint found = 0;
	gdouble core_p99, raw_p99;

	if (sqlite3_prepare_v2 (hy_db_get_handle (db), raw_sql, -1, &stmt, NULL) != SQLITE_OK)
		g_error ("%s", sqlite3_errmsg (hy_db_get_handle (db)));
	for (guint i = 0; i < queries->len; i++) {
		const gchar *q = g_ptr_array_index (queries, i);
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) members = NULL;
		gint64 t0, dt;

		dt = raw_lookup_ns (stmt, q, prefix);
		g_array_append_val (raw, dt);
		t0 = now_ns ();
		members = hy_member_search (db, q, 20, &error);
		dt = now_ns () - t0;
		if (members == NULL)
			die (kind, error);
		found += members->len > 0;
		g_array_append_val (core, dt);
	}
	sqlite3_finalize (stmt);
	/* every query was taken from an existing member: a miss is a bug, not a figure */
	if (found != queries->len) {
		g_printerr ("huiyuan-bench: %s: %u of %u lookups found nobody\n", kind,
			    queries->len - found, queries->len);
		exit (1);
	}
	core_p99 = quantile_us (core, 0.99);
	raw_p99 = quantile_us (raw, 0.99);

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "queries");
	json_builder_add_int_value (b, queries->len);
	json_builder_set_member_name (b, "found");
	json_builder_add_int_value (b, found);
	json_builder_set_member_name (b, "core_p50_us");
	json_builder_add_double_value (b, quantile_us (core, 0.5));
	json_builder_set_member_name (b, "core_p99_us");
	json_builder_add_double_value (b, core_p99);
	json_builder_set_member_name (b, "raw_p50_us");
	json_builder_add_double_value (b, quantile_us (raw, 0.5));
	json_builder_set_member_name (b, "raw_p99_us");
	json_builder_add_double_value (b, raw_p99);
	json_builder_set_member_name (b, "p99_ratio_core_to_raw");
	json_builder_add_double_value (b, raw_p99 > 0 ? core_p99 / raw_p99 : 0);
	json_builder_end_object (b);
	return json_builder_get_root (b);
}

static gint
bench_lookup (gint argc, gchar **argv)
{
	gint members = 1000000, queries = 2000;
	gint64 seed = 1;
	g_autofree gchar *path = NULL;
	g_autofree gchar *dir = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (GOptionContext) ctx = g_option_context_new ("lookup — member lookups at scale");
	gdouble generate_s = 0;
	const GOptionEntry entries[] = {
		{"members", 0, 0, G_OPTION_ARG_INT, &members, "Members to generate (1000000)", "N"},
		{"queries", 0, 0, G_OPTION_ARG_INT, &queries, "Lookups per kind (2000)", "Q"},
		{"db", 0, 0, G_OPTION_ARG_FILENAME, &path, "Reuse or create this database", "PATH"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Demo data seed (1)", "S"},
		{NULL}};
	struct {
		const gchar *kind;
		const gchar *sample_sql;
		const gchar *raw_sql;
		gboolean prefix;
	} kinds[] = {
		{"card", "SELECT number FROM cards ORDER BY random() LIMIT ?",
		 "SELECT member_id FROM cards WHERE number = ?", FALSE},
		{"phone", "SELECT phone FROM members ORDER BY random() LIMIT ?",
		 "SELECT id FROM members WHERE phone = ?", FALSE},
		/* what a cashier types: surname and the first given character */
		{"name", "SELECT substr(name, 1, 2) FROM members ORDER BY random() LIMIT ?",
		 "SELECT member_id FROM member_name_grams WHERE gram = ? LIMIT 20", FALSE},
		{"pinyin_initials", "SELECT name_initials FROM members ORDER BY random() LIMIT ?",
		 "SELECT id FROM members WHERE name_initials >= ? AND name_initials < ? LIMIT 20",
		 TRUE},
	};

	bench_parse (ctx, entries, &argc, &argv, &path, &dir);
	db = bench_store (path, (guint) members, (guint64) seed, &generate_s);

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "benchmark");
	json_builder_add_string_value (b, "lookup");
	json_builder_set_member_name (b, "members");
	json_builder_add_int_value (b, count_rows (db, "SELECT count(*) FROM members"));
	json_builder_set_member_name (b, "generate_seconds");
	json_builder_add_double_value (b, generate_s);
	for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
		g_autoptr (GPtrArray) sample =
			sample_column (db, kinds[k].sample_sql, (guint) queries);
		json_builder_set_member_name (b, kinds[k].kind);
		json_builder_add_value (b, bench_lookup_kind (db, kinds[k].kind, sample,
							      kinds[k].raw_sql, kinds[k].prefix));
	}
	json_builder_end_object (b);
	print_json (b);
	g_clear_object (&db);
	bench_remove_scratch (dir, path);
	return 0;
}

/* The core and the bare inserts are timed in alternating rounds of this many, so a burst
 * of other load on the machine falls on both sides alike rather than on one. */
#define BENCH_ROUND 50

/* The floor: one-row autocommit INSERTs on the same connection and settings, each
 * durable. Returns seconds; `samples_ns` (may be NULL) gets each insert's time. */
static gdouble
bench_bare_inserts (HyDb *db, gint count, GArray *samples_ns)
{
	g_autoptr (GError) error = NULL;
	sqlite3_stmt *stmt = NULL;
	gint64 t0 = 0;

	if (!hy_db_exec (
		    db, "CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER PRIMARY KEY, v INTEGER)",
		    &error))
		die ("bare table", error);
	sqlite3_prepare_v2 (hy_db_get_handle (db), "INSERT INTO bench_bare (v) VALUES (?)", -1,
			    &stmt, NULL);
	t0 = now_ns ();
	for (gint i = 0; i < count; i++) {
		gint64 t1 = now_ns (), dt;
		sqlite3_bind_int (stmt, 1, i);
		if (sqlite3_step (stmt) != SQLITE_DONE)
			g_error ("%s", sqlite3_errmsg (hy_db_get_handle (db)));
		sqlite3_reset (stmt);
		dt = now_ns () - t1;
		if (samples_ns != NULL)
			g_array_append_val (samples_ns, dt);
	}
	sqlite3_finalize (stmt);
	return (now_ns () - t0) / 1e9;
}

static gint
bench_recharge (gint argc, gchar **argv)
{
	gint count = 2000;
	g_autofree gchar *path = NULL;
	g_autofree gchar *dir = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (GPtrArray) cards = NULL;
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (GOptionContext) ctx =
		g_option_context_new ("recharge — durable recharges per second");
	gdouble generate_s = 0, core_s = 0, raw_s = 0;
	gint64 t0;
	const GOptionEntry entries[] = {
		{"count", 0, 0, G_OPTION_ARG_INT, &count, "Recharges, and bare inserts (2000)",
		 "N"},
		{"db", 0, 0, G_OPTION_ARG_FILENAME, &path, "Create the store here", "PATH"},
		{NULL}};

	bench_parse (ctx, entries, &argc, &argv, &path, &dir);
	db = bench_store (path, 200, 1, &generate_s);
	admin = hy_actor_login (db, "admin", BENCH_PASSWORD, &error);
	if (admin == NULL)
		die ("login", error);
	cards = sample_column (db, "SELECT number FROM cards WHERE status = 'active' LIMIT ?", 200);

	/* each recharge is its own durable transaction: entry, balance, outbox, audit;
	 * timed in rounds alternating with bare inserts (see BENCH_ROUND) */
	for (gint done = 0; done < count; done += BENCH_ROUND) {
		gint n = MIN (BENCH_ROUND, count - done);
		t0 = now_ns ();
		for (gint i = done; i < done + n; i++) {
			if (!hy_ledger_recharge (db, admin,
						 g_ptr_array_index (cards, i % cards->len), 100,
						 NULL, NULL, &error))
				die ("recharge", error);
		}
		core_s += (now_ns () - t0) / 1e9;
		raw_s += bench_bare_inserts (db, n, NULL);
	}

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "benchmark");
	json_builder_add_string_value (b, "recharge");
	json_builder_set_member_name (b, "count");
	json_builder_add_int_value (b, count);
	json_builder_set_member_name (b, "recharges_per_second");
	json_builder_add_double_value (b, count / core_s);
	json_builder_set_member_name (b, "bare_inserts_per_second");
	json_builder_add_double_value (b, count / raw_s);
	json_builder_set_member_name (b, "ratio_to_bare");
	json_builder_add_double_value (b, raw_s / core_s);
	json_builder_end_object (b);
	print_json (b);
	g_clear_object (&db);
	bench_remove_scratch (dir, path);
	return 0;
}

/* Every switch on, every kind of factor in play. */
static const gchar *bench_rules =
	"{\"levels\": [{\"name\": \"Standard\", \"points_bp\": 12000, \"discount_bp\": 9500}],"
	" \"items\": ["
	"  {\"code\": \"BENCH1\", \"name\": \"Tea\", \"price\": 350, \"category\": \"drinks\"},"
	"  {\"code\": \"BENCH2\", \"name\": \"Soap\", \"price\": 1990, \"brand\": \"clean\"},"
	"  {\"code\": \"BENCH3\", \"name\": \"Wash\", \"price\": 3000, \"points_bp\": 20000,"
	"   \"discount_bp\": 9000}],"
	" \"categories\": [{\"name\": \"drinks\", \"points_bp\": 11000, \"discount_bp\": 9800}],"
	" \"brands\": [{\"name\": \"clean\", \"points_bp\": 13000, \"discount_bp\": 9700}],"
	" \"stores\": {\"BENCH\": {\"use_level_points\": true, \"use_item_points\": true,"
	"   \"use_period\": true, \"use_level_discount\": true, \"use_item_discount\": true,"
	"   \"use_order_total\": true, \"points_bp\": 20000, \"discount_bp\": 9900,"
	"   \"birthday\": {\"mode\": \"month\", \"points_bp\": 20000, \"discount_bp\": 9500},"
	"   \"prices\": {\"BENCH1\": 330},"
	"   \"periods\": [{\"kind\": \"weekly\", \"days\": [6, 7], \"points_bp\": 15000},"
	"    {\"kind\": \"monthly\", \"days\": [8], \"points_bp\": 11000},"
	"    {\"kind\": \"yearly\", \"from\": \"12-20\", \"to\": \"01-05\", \"discount_bp\": 9000},"
	"    {\"kind\": \"date\", \"from\": \"2026-11-11\", \"to\": \"2026-11-11\","
	"     \"discount_bp\": 5000}],"
	"   \"order_total\": [{\"min\": 0, \"max\": 100000000, \"extra_discount_bp\": 200,"
	"    \"extra_points_bp\": 500}]}}}";

static const HyBasketLine bench_basket[] = {{"BENCH1", 2, 0}, {"BENCH2", 1, 0}, {"BENCH3", 1, 0}};

/* What the member on `card` will owe for the basket: the benchmark pays exactly that
 * from stored value. Not timed. */
static gint64
bench_due (HyDb *db, const gchar *card_number)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (db, card_number, &error);
	g_autoptr (HyMember) member =
		card != NULL ? hy_member_get (db, card->member_id, &error) : NULL;
	g_autoptr (HyRules) rules = hy_rules_load (db, &error);
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (HyPricedBasket) basket = NULL;
	HyPricingMember pricing = {NULL, NULL};

	if (member == NULL || rules == NULL)
		die ("pricing", error);
	pricing.level = member->level_name;
	pricing.birthday = member->birthday;
	basket = hy_pricing_price (rules, "BENCH", &pricing, now, bench_basket,
				   G_N_ELEMENTS (bench_basket), &error);
	if (basket == NULL)
		die ("pricing", error);
	return basket->total;
}

static gboolean
bench_sell (HyDb *db, const HyActor *actor, const gchar *card, gint64 due, GError **error)
{
	const HyTender pay[] = {{HY_TENDER_BALANCE, due, NULL}};
	HySaleRequest req = {.card = card,
			     .lines = bench_basket,
			     .n_lines = G_N_ELEMENTS (bench_basket),
			     .tenders = pay,
			     .n_tenders = 1};
	return hy_checkout_sell (db, actor, &req, NULL, NULL, error);
}

/* Tops the store up to `wanted` past sale lines, written in bulk with raw SQL: three
 * lines a sale, its sale row and two ledger entries (money out, points in) on a member's
 * card. History for the indexes to carry, not sales to time: ringing up millions of
 * sales through the core would take hours. The rows are marked (origin_seq < 0) and
 * their hashes are not a chain, so `verify` on such a database reports them. */
static void
bench_history (HyDb *db, gint64 wanted)
{
	const gint64 chunk = 300000; /* sales per transaction */
	g_autoptr (GError) error = NULL;
	gint64 have = count_rows (db, "SELECT count(*) FROM sale_lines");
	gint64 sales = (wanted - have + 2) / 3;
	gint64 first = count_rows (db, "SELECT count(*) FROM sales WHERE id LIKE 'past-%'");

	if (sales <= 0)
		return;
	if (!hy_db_exec (
		    db,
		    "CREATE TEMP TABLE IF NOT EXISTS bench_cards AS "
		    "SELECT c.id AS card_id, c.member_id FROM cards c WHERE c.status = 'active'",
		    &error))
		die ("history", error);
	for (gint64 from = first; from < first + sales; from += chunk) {
		gint64 to = MIN (first + sales, from + chunk) - 1;
		g_autofree gchar *sql = g_strdup_printf (
			"CREATE TEMP TABLE bench_past AS "
			"WITH RECURSIVE n (i) AS (SELECT %" G_GINT64_FORMAT " UNION ALL "
			"  SELECT i + 1 FROM n WHERE i < %" G_GINT64_FORMAT "), "
			"k (cnt) AS (SELECT count(*) FROM temp.bench_cards) "
			"SELECT i, printf ('past-%%012d', i) AS sale_id, c.card_id, c.member_id, "
			"  (SELECT value FROM meta WHERE key = 'store_id') AS store, "
			"  1700000000000 + i * 1000 AS at "
			"FROM n, k JOIN temp.bench_cards c ON c.rowid = 1 + (i * 7919) %% k.cnt;"
			"BEGIN;"
			"INSERT INTO sales (id, store_id, terminal_id, operator_id, card_id, "
			"member_id,"
			"  subtotal, discount, rounding, total, points, change, at, hlc, "
			"origin_store) "
			"SELECT sale_id, store, 'bench', 'bench', card_id, member_id, 3000, 300, "
			"0, 2700,"
			"  2700, 0, at, at << 16, store FROM bench_past;"
			"INSERT INTO sale_lines (id, sale_id, line_no, item, qty, unit_price, "
			"price_source,"
			"  list_amount, amount, points, discount_bp, points_bp, factors, hlc, "
			"origin_store) "
			"SELECT printf ('%%s-%%d', sale_id, l.n), sale_id, l.n, 'HIST', 1, 1000, "
			"'list',"
			"  1000, 900, 900, 9000, 10000, '{}', at << 16, store "
			"FROM bench_past, (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) l;"
			"INSERT INTO account_entries (id, card_id, member_id, account, item, "
			"delta, op,"
			"  op_id, store_id, terminal_id, operator_id, at, hlc, origin_store, "
			"origin_seq,"
			"  prev_hash, hash) "
			"SELECT printf ('%%s-%%s', sale_id, a.account), card_id, member_id, "
			"a.account, '',"
			"  a.delta, 'sale', sale_id, store, 'bench', 'bench', at, at << 16, store, "
			"-1 - i,"
			"  'past', 'past' "
			"FROM bench_past, (SELECT 'money' AS account, -2700 AS delta "
			"                  UNION ALL SELECT 'points', 270000) a;"
			"COMMIT;"
			"DROP TABLE temp.bench_past;",
			from, to);
		if (!hy_db_exec (db, sql, &error))
			die ("history", error);
	}
	if (!hy_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", &error))
		die ("history", error);
}

static gint
bench_checkout (gint argc, gchar **argv)
{
	gint members = 1000000, count = 1000, past = 0;
	gint64 history = 0;
	g_autofree gchar *path = NULL;
	g_autofree gchar *dir = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (GPtrArray) cards = NULL;
	g_autoptr (GArray) core = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (GArray) raw = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (GOptionContext) ctx = g_option_context_new (
		"checkout — durable 3-line sales paid from stored value, every rule switch on");
	gdouble generate_s = 0, core_s, raw_s = 0;
	gint64 core_ns = 0, lines = 0;
	const GOptionEntry entries[] = {
		{"members", 0, 0, G_OPTION_ARG_INT, &members, "Members in the store (1000000)",
		 "N"},
		{"past-sales", 0, 0, G_OPTION_ARG_INT, &past, "Sales to ring up first (0)", "N"},
		{"history-lines", 0, 0, G_OPTION_ARG_INT64, &history,
		 "Past sale lines the store holds, written in bulk (0)", "N"},
		{"count", 0, 0, G_OPTION_ARG_INT, &count, "Sales timed, and bare inserts (1000)",
		 "N"},
		{"db", 0, 0, G_OPTION_ARG_FILENAME, &path, "Reuse or create this database", "PATH"},
		{NULL}};

	bench_parse (ctx, entries, &argc, &argv, &path, &dir);
	db = bench_store (path, (guint) members, 1, &generate_s);
	admin = hy_actor_login (db, "admin", BENCH_PASSWORD, &error);
	if (admin == NULL)
		die ("login", error);
	if (!hy_rules_import (db, admin, bench_rules, -1, NULL, &error))
		die ("rules", error);
	/* cards without a PIN: a PIN check is an argon2id hash, measured on its own */
	cards = sample_column (db,
			       "SELECT c.number FROM cards c JOIN members m ON m.id = c.member_id "
			       "WHERE c.status = 'active' AND c.pin_hash IS NULL "
			       "AND c.expires_on IS NULL ORDER BY random () LIMIT ?",
			       200);
	for (guint i = 0; i < cards->len; i++) {
		if (!hy_ledger_recharge (db, admin, g_ptr_array_index (cards, i), 100000000, NULL,
					 NULL, &error))
			die ("recharge", error);
	}
	bench_history (db, history);
	for (gint i = 0; i < past; i += 500) {
		g_autoptr (HyTxn) txn = hy_db_begin (db, &error);
		for (gint k = i; k < MIN (past, i + 500); k++) {
			const gchar *card = g_ptr_array_index (cards, k % cards->len);
			if (!bench_sell (db, admin, card, bench_due (db, card), &error))
				die ("past sales", error);
		}
		if (!hy_txn_commit (txn, &error))
			die ("past sales", error);
	}

	for (gint i = 0; i < count; i++) {
		const gchar *card = g_ptr_array_index (cards, i % cards->len);
		gint64 due = bench_due (db, card);
		gint64 t1 = now_ns (), dt;
		if (!bench_sell (db, admin, card, due, &error))
			die ("sale", error);
		dt = now_ns () - t1;
		g_array_append_val (core, dt);
		core_ns += dt;
		/* rounds alternate with bare inserts (see BENCH_ROUND) */
		if ((i + 1) % BENCH_ROUND == 0 || i + 1 == count)
			raw_s += bench_bare_inserts (db, i % BENCH_ROUND + 1, raw);
	}
	core_s = core_ns / 1e9;
	{
		sqlite3_stmt *stmt = NULL;
		sqlite3_prepare_v2 (hy_db_get_handle (db), "SELECT count(*) FROM sale_lines", -1,
				    &stmt, NULL);
		if (sqlite3_step (stmt) == SQLITE_ROW)
			lines = sqlite3_column_int64 (stmt, 0);
		sqlite3_finalize (stmt);
	}

	json_builder_begin_object (b);
	json_builder_set_member_name (b, "benchmark");
	json_builder_add_string_value (b, "checkout");
	json_builder_set_member_name (b, "members");
	json_builder_add_int_value (b, count_rows (db, "SELECT count(*) FROM members"));
	json_builder_set_member_name (b, "sale_lines_in_store");
	json_builder_add_int_value (b, lines);
	json_builder_set_member_name (b, "count");
	json_builder_add_int_value (b, count);
	json_builder_set_member_name (b, "sales_per_second");
	json_builder_add_double_value (b, count / core_s);
	json_builder_set_member_name (b, "sale_p50_us");
	json_builder_add_double_value (b, quantile_us (core, 0.5));
	json_builder_set_member_name (b, "sale_p99_us");
	json_builder_add_double_value (b, quantile_us (core, 0.99));
	json_builder_set_member_name (b, "bare_inserts_per_second");
	json_builder_add_double_value (b, count / raw_s);
	json_builder_set_member_name (b, "bare_p50_us");
	json_builder_add_double_value (b, quantile_us (raw, 0.5));
	json_builder_set_member_name (b, "bare_p99_us");
	json_builder_add_double_value (b, quantile_us (raw, 0.99));
	json_builder_set_member_name (b, "ratio_to_bare");
	json_builder_add_double_value (b, raw_s / core_s);
	json_builder_end_object (b);
	print_json (b);
	g_clear_object (&db);
	bench_remove_scratch (dir, path);
	return 0;
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	if (argc < 2 || g_strcmp0 (argv[1], "--help") == 0) {
		g_print ("Usage: huiyuan-bench lookup|recharge|checkout|sync|relay [OPTIONS]  "
			 "(--help after the name)\n");
		return argc < 2 ? 2 : 0;
	}
	if (g_strcmp0 (argv[1], "lookup") == 0)
		return bench_lookup (argc - 1, argv + 1);
	if (g_strcmp0 (argv[1], "recharge") == 0)
		return bench_recharge (argc - 1, argv + 1);
	if (g_strcmp0 (argv[1], "checkout") == 0)
		return bench_checkout (argc - 1, argv + 1);
	if (g_strcmp0 (argv[1], "sync") == 0)
		return bench_sync (argc - 1, argv + 1); /* hy-bench-sync.c */
	if (g_strcmp0 (argv[1], "relay") == 0)
		return bench_relay (argc - 1, argv + 1); /* hy-bench-relay.c */
	g_printerr ("huiyuan-bench: unknown benchmark “%s”\n", argv[1]);
	return 2;
}
