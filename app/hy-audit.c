#include "config.h"

#include "hy-audit.h"
#include "hy-chain.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"

static gchar *
hy_audit_detail_to_string (JsonObject *detail)
{
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	if (detail == NULL)
		return g_strdup ("{}");
	json_node_set_object (node, detail);
	return json_to_string (node, FALSE);
}

gboolean
hy_audit_append (HyDb *db,
		 const HyActor *actor,
		 const gchar *action,
		 const gchar *target,
		 JsonObject *detail,
		 GError **error)
{
	g_autofree gchar *id = hy_id_new ();
	g_autofree gchar *detail_text = hy_audit_detail_to_string (detail);
	g_autofree gchar *prev_hash = NULL;
	g_autofree gchar *at_text = NULL;
	g_autofree gchar *hlc_text = NULL;
	g_autofree gchar *seq_text = NULL;
	g_autofree gchar *canonical = NULL;
	g_autofree gchar *hash = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	const gchar *origin = hy_actor_get_store_id (actor);
	gint64 at = g_get_real_time () / 1000;
	gint64 hlc = 0;
	gint64 seq = 0;

	g_return_val_if_fail (hy_db_in_transaction (db), FALSE);
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	if (!hy_chain_next (db, "audit", origin, &seq, &prev_hash, error))
		return FALSE;

	at_text = g_strdup_printf ("%" G_GINT64_FORMAT, at);
	hlc_text = g_strdup_printf ("%" G_GINT64_FORMAT, hlc);
	seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
	{
		const gchar *fields[HY_AUDIT_N_CHAINED_COLUMNS] = {
			id,
			at_text,
			hy_actor_get_operator_id (actor),
			hy_actor_get_terminal_id (actor),
			action,
			target,
			detail_text,
			hlc_text,
			origin,
			seq_text,
		};
		canonical = hy_chain_canonical (fields, G_N_ELEMENTS (fields));
	}
	hash = hy_chain_hash (prev_hash, canonical);

	stmt = hy_db_prepare (db,
			      "INSERT INTO audit (" HY_AUDIT_CHAINED_COLUMNS ", prev_hash, hash) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, at);
	sqlite3_bind_text (stmt, 3, hy_actor_get_operator_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, hy_actor_get_terminal_id (actor), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, target, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, detail_text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, hlc);
	sqlite3_bind_text (stmt, 9, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 10, seq);
	sqlite3_bind_text (stmt, 11, prev_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 12, hash, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_chain_advance (db, "audit", seq, hash, error))
		return FALSE;
	return hy_outbox_capture (db, "audit", id, HY_CHANGE_INSERT, hlc, error);
}
