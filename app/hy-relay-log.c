#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>

#include "hy-apply.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-outbox.h"
#include "hy-relay-log.h"

static gchar *
hy_relay_random_hex (gsize n_bytes)
{
	g_autoptr (GString) out = g_string_sized_new (n_bytes * 2);
	for (gsize i = 0; i < n_bytes; i += 4) {
		guint32 r = g_random_int ();
		g_string_append_printf (out, "%08x", r);
	}
	g_string_truncate (out, n_bytes * 2);
	return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
hy_relay_get_epoch (HyDb *db, GError **error)
{
	gchar *epoch = hy_db_meta_get (db, "relay_epoch");
	if (epoch != NULL)
		return epoch;
	if (!hy_relay_new_epoch (db, error))
		return NULL;
	return hy_db_meta_get (db, "relay_epoch");
}

gboolean
hy_relay_new_epoch (HyDb *db, GError **error)
{
	g_autofree gchar *epoch = hy_relay_random_hex (16);
	return hy_db_meta_set (db, "relay_epoch", epoch, error);
}

gboolean
hy_relay_table_is_store_private (const gchar *table)
{
	/* DESIGN.md, Scope: stores get every member, card and account entry, and only
	 * their own sales detail */
	static const gchar *const private_tables[] = {
		"sales", "sale_lines", "payments", "refunds", "refund_lines", "audit",
	};
	for (guint i = 0; i < G_N_ELEMENTS (private_tables); i++) {
		if (g_strcmp0 (private_tables[i], table) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
hy_relay_append (HyDb *db,
		 const gchar *origin,
		 gint64 store_seq,
		 const gchar *table,
		 HyChangeOp op,
		 const gchar *row_id,
		 gint64 hlc,
		 const gchar *payload,
		 GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "INSERT INTO relay_log (origin_store, store_seq, tbl, op, row_id, "
			       "hlc, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, store_seq);
	sqlite3_bind_text (stmt, 3, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, hy_change_op_to_string (op), -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 5, row_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 6, hlc);
	sqlite3_bind_text (stmt, 7, payload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, g_get_real_time () / 1000);
	return hy_db_step_done (db, stmt, error);
}

/* A JSON string, escaped as JSON requires: runs of plain bytes are copied whole. */
static void
hy_relay_json_string (GString *out, const gchar *text)
{
	const gchar *run = text;
	const gchar *p;

	g_string_append_c (out, '"');
	for (p = text; *p != '\0'; p++) {
		guchar c = (guchar) *p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		g_string_append_len (out, run, p - run);
		if (c == '"' || c == '\\') {
			g_string_append_c (out, '\\');
			g_string_append_c (out, (gchar) c);
		} else if (c == '\n') {
			g_string_append_len (out, "\\n", 2);
		} else if (c == '\t') {
			g_string_append_len (out, "\\t", 2);
		} else {
			g_string_append_printf (out, "\\u%04x", c);
		}
		run = p + 1;
	}
	g_string_append_len (out, run, p - run);
	g_string_append_c (out, '"');
}

/* The payload as the store sent it, as JSON text: written here rather than by
 * json-glib's generator, which costs more than applying the change (the relay logs
 * every change it applies). NULL for a payload holding more than scalars. */
static gchar *
hy_relay_payload_text (JsonObject *payload)
{
	g_autoptr (GString) out = g_string_sized_new (512);
	JsonObjectIter iter;
	const gchar *name;
	JsonNode *node;
	gboolean first = TRUE;

	g_string_append_c (out, '{');
	json_object_iter_init_ordered (&iter, payload);
	while (json_object_iter_next_ordered (&iter, &name, &node)) {
		if (!first)
			g_string_append_c (out, ',');
		first = FALSE;
		hy_relay_json_string (out, name);
		g_string_append_c (out, ':');
		if (JSON_NODE_HOLDS_NULL (node)) {
			g_string_append_len (out, "null", 4);
			continue;
		}
		if (!JSON_NODE_HOLDS_VALUE (node))
			return NULL;
		switch (json_node_get_value_type (node)) {
		case G_TYPE_STRING:
			hy_relay_json_string (out, json_node_get_string (node));
			break;
		case G_TYPE_INT64: {
			gint64 value = json_node_get_int (node);
			guint64 digits = value < 0 ? -(guint64) value : (guint64) value;
			gchar buf[24];
			gchar *q = buf + sizeof buf;
			do {
				*--q = (gchar) ('0' + digits % 10);
				digits /= 10;
			} while (digits > 0);
			if (value < 0)
				*--q = '-';
			g_string_append_len (out, q, buf + sizeof buf - q);
			break;
		}
		case G_TYPE_DOUBLE: {
			gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
			gdouble value = json_node_get_double (node);
			if (!isfinite (value))
				return NULL;
			g_ascii_dtostr (buf, sizeof buf, value);
			g_string_append (out, buf);
			/* still a double when read back */
			if (strpbrk (buf, ".eE") == NULL)
				g_string_append_len (out, ".0", 2);
			break;
		}
		case G_TYPE_BOOLEAN:
			g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
			break;
		default:
			return NULL;
		}
	}
	g_string_append_c (out, '}');
	return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Logs a change just applied, its payload as the store sent it. */
static gboolean
hy_relay_append_change (HyDb *db, const gchar *origin, const HyChange *change, GError **error)
{
	g_autofree gchar *payload = hy_relay_payload_text (change->payload);

	if (payload == NULL) {
		g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
		json_node_set_object (node, change->payload);
		payload = json_to_string (node, FALSE);
	}
	return hy_relay_append (db, origin, change->seq, change->table, change->op, change->id,
				change->hlc, payload, error);
}

GPtrArray *
hy_relay_parse_changes (JsonNode *list, const gchar *sender, GError **error)
{
	g_autoptr (GPtrArray) changes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_change_free);
	JsonArray *array;

	if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“changes” must be an array of changes"));
		return NULL;
	}
	array = json_node_get_array (list);
	for (guint i = 0; i < json_array_get_length (array); i++) {
		HyChange *change = hy_change_from_json (json_array_get_element (array, i), error);
		if (change == NULL) {
			g_prefix_error (error, _ ("change %u: "), i + 1);
			return NULL;
		}
		g_ptr_array_add (changes, change);
		if (change->origin != NULL && g_strcmp0 (change->origin, sender) != 0) {
			g_set_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED,
				     _ ("change %u claims origin store %s, but store %s sent it"),
				     i + 1, change->origin, sender);
			return NULL;
		}
		if (i > 0 && change->seq <= ((HyChange *) changes->pdata[i - 1])->seq) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("change %u: changes must come in ascending seq"), i + 1);
			return NULL;
		}
	}
	return g_steal_pointer (&changes);
}

/* A member row from a store whose phone another member already has: both go to the
 * duplicates queue, whichever arrived first. */
static gboolean
hy_relay_check_duplicate (HyDb *db, const gchar *member_id, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT OR IGNORE INTO member_duplicates (member_id, other_id, phone, "
		"detected_at) SELECT min (m.id, o.id), max (m.id, o.id), m.phone, ?2 "
		"FROM members m JOIN members o ON o.phone = m.phone AND o.id != m.id "
		"WHERE m.id = ?1 AND m.phone IS NOT NULL AND m.phone != '' "
		"AND m.deleted = 0 AND o.deleted = 0",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, member_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, g_get_real_time () / 1000);
	return hy_db_step_done (db, stmt, error);
}

/* A member written with no phone cannot be a duplicate by phone; one whose payload
 * leaves the phone out is checked with the phone it has. */
static gboolean
hy_relay_may_duplicate (const HyChange *change)
{
	JsonNode *phone = json_object_get_member (change->payload, "phone");
	if (change->op == HY_CHANGE_DELETE)
		return FALSE;
	if (phone == NULL)
		return TRUE;
	return JSON_NODE_HOLDS_VALUE (phone) && json_node_get_value_type (phone) == G_TYPE_STRING &&
	       json_node_get_string (phone)[0] != '\0';
}

static gboolean
hy_relay_peer_acked (HyDb *db, const gchar *store_id, gint64 *acked, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT acked_seq FROM relay_peers WHERE store_id = ?", error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*acked = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
	return TRUE;
}

gboolean
hy_relay_ingest (HyDb *db,
		 const gchar *store_id,
		 GPtrArray *changes,
		 gboolean rebase,
		 gint64 *acked_out,
		 guint *n_logged,
		 GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) peer = NULL;
	gint64 acked = 0;
	gint64 newest = 0;
	guint logged = 0;

	if (txn == NULL)
		return FALSE;
	if (!hy_relay_peer_acked (db, store_id, &acked, error))
		return FALSE;
	/* the store put everything it has back into its outbox: what was acknowledged
	 * before (by this relay's backup, or of the store's own backup) no longer counts */
	if (rebase && changes->len > 0)
		acked = ((HyChange *) changes->pdata[0])->seq - 1;
	for (guint i = 0; i < changes->len; i++) {
		const HyChange *change = changes->pdata[i];
		HyApplyResult result = HY_APPLY_SKIPPED;
		if (change->seq <= acked)
			continue; /* delivered before: idempotent by (store, seq) */
		if (change->seq != acked + 1)
			break; /* a gap: acknowledge what is contiguous */
		if (!hy_apply_change (db, change, store_id, HY_APPLY_FROM_STORE, &result, error)) {
			g_prefix_error (error, _ ("change seq %" PRId64 ": "), change->seq);
			return FALSE;
		}
		if (result == HY_APPLY_CHANGED && g_strcmp0 (change->table, "members") == 0 &&
		    hy_relay_may_duplicate (change) &&
		    !hy_relay_check_duplicate (db, change->id, error))
			return FALSE;
		if (result == HY_APPLY_CHANGED) {
			if (!hy_relay_append_change (db, store_id, change, error))
				return FALSE;
			logged++;
			newest = MAX (newest, hy_change_row_hlc (change));
		}
		acked = change->seq;
	}
	/* later writes at HQ order after what was seen */
	if (newest > 0 && !hy_hlc_observe (db, newest, error))
		return FALSE;
	peer = hy_db_prepare (db,
			      "INSERT INTO relay_peers (store_id, acked_seq, last_seen) "
			      "VALUES (?1, ?2, ?3) ON CONFLICT (store_id) DO UPDATE SET "
			      "acked_seq = ?2, last_seen = ?3",
			      error);
	if (peer == NULL)
		return FALSE;
	sqlite3_bind_text (peer, 1, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (peer, 2, acked);
	sqlite3_bind_int64 (peer, 3, g_get_real_time () / 1000);
	if (!hy_db_step_done (db, peer, error))
		return FALSE;
	/* acknowledged only once committed */
	if (!hy_txn_commit (txn, error))
		return FALSE;
	*acked_out = acked;
	if (n_logged != NULL)
		*n_logged = logged;
	return TRUE;
}

gboolean
hy_relay_drain_local (HyDb *db, guint *n_logged, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *origin = NULL;
	gint64 last = 0;
	guint logged = 0;

	if (txn == NULL)
		return FALSE;
	origin = hy_db_meta_get (db, "store_id");
	if (origin == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
			     _ ("%s is not set up for a store yet"), hy_db_get_path (db));
		return FALSE;
	}
	stmt = hy_db_prepare (
		db, "SELECT seq, tbl, op, row_id, hlc FROM outbox ORDER BY seq LIMIT ?", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int (stmt, 1, HY_RELAY_MAX_BATCH);
	for (;;) {
		g_autofree gchar *payload = NULL;
		gboolean has_row = FALSE;
		HyChangeOp op = HY_CHANGE_INSERT;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		last = sqlite3_column_int64 (stmt, 0);
		hy_change_op_from_string (hy_stmt_text (stmt, 2), &op);
		payload = hy_outbox_payload (db, hy_stmt_text (stmt, 1), hy_stmt_text (stmt, 3),
					     error);
		if (payload == NULL)
			return FALSE;
		if (!hy_relay_append (db, origin, last, hy_stmt_text (stmt, 1), op,
				      hy_stmt_text (stmt, 3), sqlite3_column_int64 (stmt, 4),
				      payload, error))
			return FALSE;
		logged++;
	}
	if (logged > 0 && !hy_outbox_trim (db, last, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (n_logged != NULL)
		*n_logged = logged;
	return TRUE;
}

static JsonNode *
hy_relay_change_node (gint64 seq,
		      const gchar *origin,
		      const gchar *table,
		      HyChangeOp op,
		      const gchar *row_id,
		      gint64 hlc,
		      const gchar *payload,
		      GError **error)
{
	g_autoptr (JsonNode) parsed = json_from_string (payload, error);
	HyChange change = {0};
	if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed)) {
		if (error != NULL && *error == NULL)
			g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
				     "relay log row %" PRId64 " holds no JSON object", seq);
		return NULL;
	}
	change.seq = seq;
	change.origin = (gchar *) origin;
	change.id = (gchar *) row_id;
	change.table = (gchar *) table;
	change.op = op;
	change.hlc = hlc;
	change.payload = json_node_get_object (parsed);
	return hy_change_to_json (&change);
}

JsonArray *
hy_relay_pull (
	HyDb *db, const gchar *store_id, gint64 since, guint limit, gint64 *next, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin_read (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonArray) rows = json_array_new ();
	gint64 cursor = since;

	if (txn == NULL)
		return NULL;
	stmt = hy_db_prepare (db,
			      "SELECT relay_seq, origin_store, tbl, op, row_id, hlc, payload "
			      "FROM relay_log WHERE relay_seq > ? ORDER BY relay_seq LIMIT ?",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, since);
	sqlite3_bind_int (stmt, 2, (gint) MIN (limit, HY_RELAY_MAX_BATCH));
	for (;;) {
		gboolean has_row = FALSE;
		const gchar *origin;
		const gchar *table;
		HyChangeOp op = HY_CHANGE_INSERT;
		JsonNode *node;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		cursor = sqlite3_column_int64 (stmt, 0);
		origin = hy_stmt_text (stmt, 1);
		table = hy_stmt_text (stmt, 2);
		if (g_strcmp0 (origin, store_id) == 0 || hy_relay_table_is_store_private (table))
			continue;
		hy_change_op_from_string (hy_stmt_text (stmt, 3), &op);
		node = hy_relay_change_node (cursor, origin, table, op, hy_stmt_text (stmt, 4),
					     sqlite3_column_int64 (stmt, 5), hy_stmt_text (stmt, 6),
					     error);
		if (node == NULL)
			return NULL;
		json_array_add_element (rows, node);
	}
	*next = cursor;
	return g_steal_pointer (&rows);
}

gboolean
hy_relay_touch_peer (HyDb *db, const gchar *store_id, gint64 pulled, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "INSERT INTO relay_peers (store_id, pulled_seq, last_seen) "
			       "VALUES (?1, ?2, ?3) ON CONFLICT (store_id) DO UPDATE SET "
			       "pulled_seq = max (pulled_seq, ?2), last_seen = ?3",
			       error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, pulled);
	sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000);
	return hy_db_step_done (db, stmt, error);
}

gint64
hy_relay_head (HyDb *db)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT coalesce (max (relay_seq), 0) FROM relay_log", NULL);
	gboolean has_row = FALSE;
	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, NULL) || !has_row)
		return 0;
	return sqlite3_column_int64 (stmt, 0);
}

JsonArray *
hy_relay_snapshot (HyDb *db, const gchar *store_id, gint64 *mark, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin_read (db, error);
	g_autoptr (JsonArray) rows = json_array_new ();
	const gchar *table;
	HyTableKind kind;

	if (txn == NULL)
		return NULL;
	/* read in the same snapshot as the rows: what the log adds later is pulled */
	*mark = hy_relay_head (db);
	for (guint i = 0; (table = hy_table_nth (i, &kind)) != NULL; i++) {
		g_autofree gchar *select = NULL;
		g_autofree gchar *sql = NULL;
		sqlite3_stmt *stmt = NULL;
		gint rc;

		if (kind == HY_TABLE_KIND_LOCAL || kind == HY_TABLE_KIND_DERIVED ||
		    hy_relay_table_is_store_private (table))
			continue;
		select = hy_apply_select_json_sql (db, table, NULL);
		if (select == NULL)
			continue; /* registered by a newer build, not in this database */
		/* chained rows in chain order, so each links to the one before */
		sql = g_strdup_printf (
			"%s ORDER BY %s", select,
			hy_apply_table_is_chained (table) ? "origin_store, origin_seq" : "id");
		if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK) {
			hy_db_set_error (db, error, "snapshot");
			return NULL;
		}
		while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
			const gchar *payload = (const gchar *) sqlite3_column_text (stmt, 0);
			g_autoptr (JsonNode) parsed = json_from_string (payload, NULL);
			JsonObject *object;
			JsonNode *node;
			if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed))
				continue;
			object = json_node_get_object (parsed);
			node = hy_relay_change_node (
				0,
				json_object_get_string_member_with_default (object, "origin_store",
									    ""),
				table, HY_CHANGE_INSERT,
				json_object_get_string_member_with_default (object, "id", ""),
				json_object_get_int_member_with_default (object, "hlc", 0), payload,
				error);
			if (node == NULL) {
				sqlite3_finalize (stmt);
				return NULL;
			}
			json_array_add_element (rows, node);
		}
		sqlite3_finalize (stmt);
		if (rc != SQLITE_DONE) {
			hy_db_set_error (db, error, "snapshot");
			return NULL;
		}
	}
	return g_steal_pointer (&rows);
}

void
hy_relay_alarm (HyDb *db,
		const gchar *origin,
		const gchar *table,
		const gchar *row_id,
		const gchar *message)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyTxn) txn = hy_db_begin (db, &error);
	g_autoptr (HyStmt) stmt = NULL;

	if (txn != NULL)
		stmt = hy_db_prepare (db,
				      "INSERT INTO replication_alarms (at, origin_store, tbl, "
				      "row_id, message) VALUES (?, ?, ?, ?, ?)",
				      &error);
	if (stmt != NULL) {
		sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
		sqlite3_bind_text (stmt, 2, origin, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 3, table != NULL ? table : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 4, row_id != NULL ? row_id : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 5, message, -1, SQLITE_TRANSIENT);
		if (hy_db_step_done (db, stmt, &error))
			hy_txn_commit (txn, &error);
	}
	if (error != NULL)
		g_warning ("cannot record a replication alarm: %s", error->message);
}
