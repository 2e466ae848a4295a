#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-apply.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-hlc.h"
#include "hy-outbox.h"
#include "hy-replica.h"

void
hy_replica_state_free (HyReplicaState *state)
{
	g_free (state->relay_url);
	g_free (state->terminal_id);
	g_free (state->secret);
	g_free (state->epoch);
	g_free (state);
}

HyReplicaState *
hy_replica_get_state (HyDb *db, GError **error)
{
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT relay_url, terminal_id, secret, relay_epoch, "
			       "pull_cursor, acked_seq FROM sync_state WHERE id = 1",
			       error);
	HyReplicaState *state;
	gboolean has_row = FALSE;

	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("%s follows no relay (enrol it with “huiyuan-admin enroll”)"),
			     hy_db_get_path (db));
		return NULL;
	}
	state = g_new0 (HyReplicaState, 1);
	state->relay_url = hy_stmt_dup_text (stmt, 0);
	state->terminal_id = hy_stmt_dup_text (stmt, 1);
	state->secret = hy_stmt_dup_text (stmt, 2);
	state->epoch = hy_stmt_dup_text (stmt, 3);
	state->pull_cursor = sqlite3_column_int64 (stmt, 4);
	state->acked_seq = sqlite3_column_int64 (stmt, 5);
	return state;
}

gchar *
hy_replica_state_credential (const HyReplicaState *state)
{
	return g_strdup_printf ("%s.%s", state->terminal_id, state->secret);
}

/* Applies trusted changes from the relay; a change without an origin is refused. */
static gboolean
hy_replica_apply_all (HyDb *db, JsonArray *changes, guint *n_changed, GError **error)
{
	guint changed = 0;
	gint64 newest = 0;
	for (guint i = 0; i < json_array_get_length (changes); i++) {
		g_autoptr (HyChange) change =
			hy_change_from_json (json_array_get_element (changes, i), error);
		HyApplyResult result = HY_APPLY_SKIPPED;
		if (change == NULL || change->origin == NULL) {
			if (change != NULL)
				g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("a change from the relay names no origin"));
			g_prefix_error (error, _ ("change %u from the relay: "), i + 1);
			return FALSE;
		}
		/* a newer relay may carry tables and columns this build lacks */
		if (!hy_apply_change (db, change, change->origin, HY_APPLY_LENIENT, &result,
				      error)) {
			g_prefix_error (error, _ ("change %u from the relay: "), i + 1);
			return FALSE;
		}
		if (result == HY_APPLY_CHANGED) {
			changed++;
			newest = MAX (newest, hy_change_row_hlc (change));
		}
	}
	/* later local writes order after what was seen */
	if (newest > 0 && !hy_hlc_observe (db, newest, error))
		return FALSE;
	if (n_changed != NULL)
		*n_changed = changed;
	return TRUE;
}

static gboolean
hy_replica_enable_escrow (HyDb *db, GError **error)
{
	g_autofree gchar *hq = NULL;
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT id FROM stores WHERE is_hq = 1 LIMIT 1", error);
	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the relay’s snapshot names no HQ store"));
		return FALSE;
	}
	hq = hy_stmt_dup_text (stmt, 0);
	g_clear_pointer (&stmt, hy_stmt_release);
	return hy_escrow_enable (db, hq, error);
}

gboolean
hy_replica_enrol (HyDb *db,
		  const gchar *relay_url,
		  const gchar *store_id,
		  const gchar *terminal_id,
		  const gchar *secret,
		  const gchar *epoch,
		  JsonArray *snapshot,
		  gint64 mark,
		  GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *existing = NULL;

	if (txn == NULL)
		return FALSE;
	existing = hy_db_meta_get (db, "store_id");
	if (existing != NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s is already set up for a store"), hy_db_get_path (db));
		return FALSE;
	}
	if (!hy_db_meta_set (db, "store_id", store_id, error) ||
	    !hy_db_meta_set (db, "terminal_id", terminal_id, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO sync_state (id, relay_url, terminal_id, secret, "
			      "relay_epoch, pull_cursor) VALUES (1, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, relay_url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, terminal_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, secret, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, epoch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 5, mark);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_replica_apply_all (db, snapshot, NULL, error))
		return FALSE;
	/* the snapshot brought the HQ store: from now on this store spends within its
	 * slices (hy-escrow.h) */
	if (!hy_replica_enable_escrow (db, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

JsonArray *
hy_replica_outbox_batch (HyDb *db, guint limit, gint64 *last_seq, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin_read (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonArray) changes = json_array_new ();
	gint64 last = 0;

	if (txn == NULL)
		return NULL;
	stmt = hy_db_prepare (
		db, "SELECT seq, tbl, op, row_id, hlc FROM outbox ORDER BY seq LIMIT ?", error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int (stmt, 1, (gint) limit);
	for (;;) {
		g_autofree gchar *payload = NULL;
		g_autoptr (JsonNode) parsed = NULL;
		gboolean has_row = FALSE;
		HyChange change = {0};
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		last = sqlite3_column_int64 (stmt, 0);
		payload = hy_outbox_payload (db, hy_stmt_text (stmt, 1), hy_stmt_text (stmt, 3),
					     error);
		if (payload == NULL)
			return NULL;
		parsed = json_from_string (payload, error);
		if (parsed == NULL)
			return NULL;
		change.seq = last;
		change.table = (gchar *) hy_stmt_text (stmt, 1);
		hy_change_op_from_string (hy_stmt_text (stmt, 2), &change.op);
		change.id = (gchar *) hy_stmt_text (stmt, 3);
		change.hlc = sqlite3_column_int64 (stmt, 4);
		change.payload = json_node_get_object (parsed);
		json_array_add_element (changes, hy_change_to_json (&change));
	}
	*last_seq = last;
	return g_steal_pointer (&changes);
}

gboolean
hy_replica_acked (HyDb *db, gint64 acked, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;

	if (txn == NULL)
		return FALSE;
	if (!hy_outbox_trim (db, acked, error))
		return FALSE;
	stmt = hy_db_prepare (
		db, "UPDATE sync_state SET acked_seq = max (acked_seq, ?) WHERE id = 1", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, acked);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_replica_apply_pulled (
	HyDb *db, JsonArray *changes, gint64 next, guint *n_changed, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;

	if (txn == NULL)
		return FALSE;
	if (!hy_replica_apply_all (db, changes, n_changed, error))
		return FALSE;
	/* the cursor moves with the rows it covers, never backwards */
	stmt = hy_db_prepare (
		db, "UPDATE sync_state SET pull_cursor = max (pull_cursor, ?) WHERE id = 1", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, next);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

gboolean
hy_replica_apply_change (HyDb *db, JsonNode *change, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (JsonArray) one = json_array_new ();
	if (txn == NULL)
		return FALSE;
	json_array_add_element (one, json_node_copy (change));
	return hy_replica_apply_all (db, one, NULL, error) && hy_txn_commit (txn, error);
}

/* Captures the rows of `table` again: own rows as inserts, other stores' rows (only
 * for shared tables, which any store may have changed) as updates. */
static gboolean
hy_replica_recapture (
	HyDb *db, const gchar *table, HyTableKind kind, const gchar *self, GError **error)
{
	g_autofree gchar *sql = NULL;
	sqlite3_stmt *stmt = NULL;
	gint rc;

	sql = g_strdup_printf ("SELECT id, hlc, origin_store FROM %s %s ORDER BY %s", table,
			       kind == HY_TABLE_KIND_LEDGER ? "WHERE origin_store = ?" : "",
			       hy_apply_table_is_chained (table) ? "origin_seq" : "id");
	if (sqlite3_prepare_v2 (hy_db_get_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK) {
		/* registered by a newer build, not in this database */
		return TRUE;
	}
	if (kind == HY_TABLE_KIND_LEDGER)
		sqlite3_bind_text (stmt, 1, self, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		const gchar *origin = (const gchar *) sqlite3_column_text (stmt, 2);
		HyChangeOp op = g_strcmp0 (origin, self) == 0 ? HY_CHANGE_INSERT : HY_CHANGE_UPDATE;
		if (!hy_outbox_capture (db, table, (const gchar *) sqlite3_column_text (stmt, 0),
					op, sqlite3_column_int64 (stmt, 1), error)) {
			sqlite3_finalize (stmt);
			return FALSE;
		}
	}
	sqlite3_finalize (stmt);
	if (rc != SQLITE_DONE)
		return hy_db_set_error (db, error, "re-capturing rows");
	return TRUE;
}

gboolean
hy_replica_rebase (HyDb *db, const gchar *epoch, GError **error)
{
	g_autoptr (HyTxn) txn = hy_db_begin (db, error);
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *self = NULL;
	const gchar *table;
	HyTableKind kind;

	if (txn == NULL)
		return FALSE;
	self = hy_db_meta_get (db, "store_id");
	/* what waits in the outbox is captured again below, in chain order: a row must not
	 * reach the relay before the older rows of its chain that the relay lost */
	{
		g_autoptr (HyStmt) last =
			hy_db_prepare (db, "SELECT coalesce (max (seq), 0) FROM outbox", error);
		gboolean has_row = FALSE;
		if (last == NULL || !hy_db_step_row (db, last, &has_row, error))
			return FALSE;
		if (sqlite3_column_int64 (last, 0) > 0 &&
		    !hy_outbox_trim (db, sqlite3_column_int64 (last, 0), error))
			return FALSE;
	}
	for (guint i = 0; (table = hy_table_nth (i, &kind)) != NULL; i++) {
		if (kind != HY_TABLE_KIND_LEDGER && kind != HY_TABLE_KIND_SHARED)
			continue;
		if (!hy_replica_recapture (db, table, kind, self, error))
			return FALSE;
	}
	stmt = hy_db_prepare (
		db, "UPDATE sync_state SET relay_epoch = ?, pull_cursor = 0 WHERE id = 1", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, epoch, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}
