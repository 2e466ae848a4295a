#include "config.h"

#include <sodium.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card-stock.h"
#include "hy-enrol.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-store.h"

#define HY_ENROL_SECRET_BYTES 32
#define HY_ENROL_CARD_SERIALS 1000000

/* A random secret as hex, from the kernel's generator. */
static gchar *
hy_enrol_random (void)
{
	guchar bytes[HY_ENROL_SECRET_BYTES];
	gchar hex[HY_ENROL_SECRET_BYTES * 2 + 1];
	if (sodium_init () < 0)
		g_error ("libsodium cannot initialise");
	randombytes_buf (bytes, sizeof bytes);
	sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
	sodium_memzero (bytes, sizeof bytes);
	return g_strdup (hex);
}

/* Tokens and secrets are 256 random bits: a plain SHA-256 is enough to keep them
 * useless to whoever reads the database. */
static gchar *
hy_enrol_hash (const gchar *secret)
{
	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

static gboolean
hy_enrol_insert (HyDb *db,
		 const gchar *table,
		 const gchar *sql,
		 const gchar *const *texts,
		 guint n_texts,
		 gint64 hlc,
		 const gchar *origin,
		 GError **error)
{
	/* binds: texts… (the first is the id), hlc, origin */
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);
	guint col = 1;
	if (stmt == NULL)
		return FALSE;
	for (guint i = 0; i < n_texts; i++)
		sqlite3_bind_text (stmt, col++, texts[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, col++, hlc);
	sqlite3_bind_text (stmt, col++, origin, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, table, texts[0], HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_enrol_add_store (HyDb *db,
		    const HyActor *actor,
		    const gchar *code,
		    const gchar *name,
		    HyStore **store_out,
		    gchar **token_out,
		    GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStore) local = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *store_id = hy_id_new ();
	g_autofree gchar *terminal_id = hy_id_new ();
	g_autofree gchar *terminal_name = NULL;
	g_autofree gchar *number_text = NULL;
	g_autofree gchar *token = NULL;
	g_autofree gchar *token_hash = NULL;
	g_autofree gchar *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
	gboolean has_row = FALSE;
	gint64 now = g_get_real_time () / 1000;
	gint64 hlc = 0;
	gint number;

	if (!hy_actor_require (actor, HY_PERMISSION_STORE_MANAGE, error))
		return FALSE;
	if (!hy_store_check_code (code, error))
		return FALSE;
	if (trimmed[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("a store needs a name"));
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	local = hy_store_get_local (db, error);
	if (local == NULL)
		return FALSE;
	if (!local->is_hq) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("stores are added on the HQ database, and %s is store %s"),
			     hy_db_get_path (db), local->code);
		return FALSE;
	}
	/* from its first store on, HQ keeps the chain's escrow */
	if (!hy_escrow_is_active (db) && !hy_escrow_enable (db, local->id, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "SELECT (SELECT count(*) FROM stores WHERE code = ?), "
			      "coalesce (max (number), 0) + 1 FROM stores",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	if (sqlite3_column_int (stmt, 0) > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT, _ ("store code “%s” is taken"),
			     code);
		return FALSE;
	}
	number = sqlite3_column_int (stmt, 1);
	if (number > 999) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("all store numbers up to 999 are taken"));
		return FALSE;
	}
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	number_text = g_strdup_printf ("%d", number);
	{
		const gchar *v[] = {store_id, code, name, number_text};
		if (!hy_enrol_insert (db, "stores",
				      "INSERT INTO stores (id, code, name, number, is_hq, hlc, "
				      "origin_store) VALUES (?, ?, ?, ?, 0, ?, ?)",
				      v, G_N_ELEMENTS (v), hlc, local->id, error))
			return FALSE;
	}
	terminal_name = g_strdup_printf ("%s-T1", code);
	{
		const gchar *v[] = {terminal_id, store_id, terminal_name};
		if (!hy_enrol_insert (db, "terminals",
				      "INSERT INTO terminals (id, store_id, name, hlc, "
				      "origin_store) VALUES (?, ?, ?, ?, ?)",
				      v, G_N_ELEMENTS (v), hlc, local->id, error))
			return FALSE;
	}
	if (!hy_card_stock_add (db, actor, store_id, (gint64) number * HY_ENROL_CARD_SERIALS,
				(gint64) number * HY_ENROL_CARD_SERIALS + HY_ENROL_CARD_SERIALS - 1,
				error))
		return FALSE;

	token = hy_enrol_random ();
	token_hash = hy_enrol_hash (token);
	g_clear_pointer (&stmt, hy_stmt_release);
	stmt = hy_db_prepare (db,
			      "INSERT INTO relay_enrolments (token_hash, store_id, terminal_id, "
			      "created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, terminal_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 4, now);
	sqlite3_bind_int64 (stmt, 5, now + (gint64) HY_ENROL_TOKEN_DAYS * 24 * 3600 * 1000);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;

	json_object_set_string_member (detail, "code", code);
	json_object_set_int_member (detail, "number", number);
	json_object_set_string_member (detail, "terminal_id", terminal_id);
	if (!hy_audit_append (db, actor, "store.add", store_id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (store_out != NULL)
		*store_out = hy_store_get_by_id (db, store_id, NULL);
	if (token_out != NULL)
		*token_out = g_steal_pointer (&token);
	return TRUE;
}

gboolean
hy_enrol_redeem (HyDb *db,
		 const gchar *token,
		 gchar **store_id,
		 gchar **terminal_id,
		 gchar **secret,
		 GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) find = NULL;
	g_autoptr (HyStmt) use = NULL;
	g_autoptr (HyStmt) cred = NULL;
	g_autofree gchar *hash = NULL;
	g_autofree gchar *new_secret = NULL;
	g_autofree gchar *secret_hash = NULL;
	g_autofree gchar *store = NULL;
	g_autofree gchar *terminal = NULL;
	gboolean has_row = FALSE;
	gint64 now = g_get_real_time () / 1000;

	if (token == NULL || strlen (token) != HY_ENROL_SECRET_BYTES * 2) {
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("that is not an enrolment token"));
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	hash = hy_enrol_hash (token);
	find = hy_db_prepare (db,
			      "SELECT store_id, terminal_id FROM relay_enrolments "
			      "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
			      error);
	if (find == NULL)
		return FALSE;
	sqlite3_bind_text (find, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (find, 2, now);
	if (!hy_db_step_row (db, find, &has_row, error))
		return FALSE;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("unknown, used or expired enrolment token"));
		return FALSE;
	}
	store = hy_stmt_dup_text (find, 0);
	terminal = hy_stmt_dup_text (find, 1);
	use = hy_db_prepare (db, "UPDATE relay_enrolments SET used_at = ? WHERE token_hash = ?",
			     error);
	if (use == NULL)
		return FALSE;
	sqlite3_bind_int64 (use, 1, now);
	sqlite3_bind_text (use, 2, hash, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, use, error))
		return FALSE;
	new_secret = hy_enrol_random ();
	secret_hash = hy_enrol_hash (new_secret);
	cred = hy_db_prepare (db,
			      "INSERT OR REPLACE INTO relay_credentials (terminal_id, store_id, "
			      "secret_hash, created_at) VALUES (?, ?, ?, ?)",
			      error);
	if (cred == NULL)
		return FALSE;
	sqlite3_bind_text (cred, 1, terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (cred, 2, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (cred, 3, secret_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (cred, 4, now);
	if (!hy_db_step_done (db, cred, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	*store_id = g_steal_pointer (&store);
	*terminal_id = g_steal_pointer (&terminal);
	*secret = g_steal_pointer (&new_secret);
	return TRUE;
}

gboolean
hy_enrol_authenticate (
	HyDb *db, const gchar *credential, gchar **store_id, gchar **terminal_id, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *terminal = NULL;
	g_autofree gchar *hash = NULL;
	const gchar *dot = credential != NULL ? strchr (credential, '.') : NULL;
	const gchar *held;
	gboolean has_row = FALSE;

	if (dot == NULL || dot == credential || dot - credential > 64 ||
	    strlen (dot + 1) != HY_ENROL_SECRET_BYTES * 2) {
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("the credential is not “<terminal>.<secret>”"));
		return FALSE;
	}
	terminal = g_strndup (credential, dot - credential);
	hash = hy_enrol_hash (dot + 1);
	stmt = hy_db_prepare (db,
			      "SELECT c.store_id, c.secret_hash FROM relay_credentials c "
			      "JOIN terminals t ON t.id = c.terminal_id "
			      "JOIN stores s ON s.id = c.store_id "
			      "WHERE c.terminal_id = ? AND c.revoked_at IS NULL "
			      "AND t.active = 1 AND s.active = 1 AND t.store_id = c.store_id",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, terminal, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	held = has_row ? hy_stmt_text (stmt, 1) : NULL;
	if (held == NULL || strlen (held) != strlen (hash) ||
	    sodium_memcmp (held, hash, strlen (hash)) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_AUTH_FAILED,
			     _ ("unknown or revoked terminal, or a wrong secret"));
		return FALSE;
	}
	*store_id = hy_stmt_dup_text (stmt, 0);
	*terminal_id = g_steal_pointer (&terminal);
	return TRUE;
}

gboolean
hy_enrol_revoke (HyDb *db, const HyActor *actor, const gchar *terminal_id, GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;

	if (!hy_actor_require (actor, HY_PERMISSION_STORE_MANAGE, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	stmt = hy_db_prepare (db,
			      "UPDATE relay_credentials SET revoked_at = ? "
			      "WHERE terminal_id = ? AND revoked_at IS NULL",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
	sqlite3_bind_text (stmt, 2, terminal_id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (sqlite3_changes (hy_db_get_handle (db)) != 1) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("terminal %s holds no credential"), terminal_id);
		return FALSE;
	}
	if (!hy_audit_append (db, actor, "terminal.revoke", terminal_id, NULL, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}
