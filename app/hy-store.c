#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-operator.h"
#include "hy-outbox.h"
#include "hy-password.h"
#include "hy-store.h"

/* Card serials per store: store number × 1,000,000 … + 999,999 (DESIGN.md: card
 * numbers are unique by construction because HQ hands out the ranges). */
#define HY_STORE_CARD_SERIALS 1000000

void
hy_store_free (HyStore *store)
{
	g_free (store->id);
	g_free (store->code);
	g_free (store->name);
	g_free (store);
}

gboolean
hy_store_check_code (const gchar *code, GError **error)
{
	gsize len = code != NULL ? strlen (code) : 0;
	if (len < 1 || len > 16) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("store code must be 1 to 16 characters"));
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum (code[i]) && code[i] != '-' && code[i] != '_') {
			g_set_error (
				error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				_ ("store code “%s” may only hold letters, digits, “-” and “_”"),
				code);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
hy_store_insert_row (HyDb *db,
		     const gchar *table,
		     const gchar *sql,
		     const gchar *id,
		     const gchar *const *texts,
		     guint n_texts,
		     gint64 hlc,
		     const gchar *origin,
		     GError **error)
{
	/* binds: id, texts…, hlc, origin */
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, error);
	guint col = 1;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, col++, id, -1, SQLITE_TRANSIENT);
	for (guint i = 0; i < n_texts; i++)
		sqlite3_bind_text (stmt, col++, texts[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, col++, hlc);
	sqlite3_bind_text (stmt, col++, origin, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	return hy_outbox_capture (db, table, id, HY_CHANGE_INSERT, hlc, error);
}

gboolean
hy_store_init (HyDb *db,
	       const gchar *code,
	       const gchar *name,
	       gboolean is_hq,
	       const gchar *admin_password,
	       GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *existing = hy_db_meta_get (db, "store_id");
	g_autofree gchar *store_id = hy_id_new ();
	g_autofree gchar *terminal_id = hy_id_new ();
	g_autofree gchar *operator_id = hy_id_new ();
	g_autofree gchar *level_id = hy_id_new ();
	g_autofree gchar *kind_id = hy_id_new ();
	g_autofree gchar *stock_id = hy_id_new ();
	g_autofree gchar *role_id = NULL;
	g_autofree gchar *hash = NULL;
	g_autofree gchar *terminal_name = NULL;
	g_autofree gchar *number = NULL;
	g_autofree gchar *first = NULL;
	g_autofree gchar *last = NULL;
	gint store_number = is_hq ? 0 : 1;
	gint64 hlc = 0;

	if (existing != NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("%s is already set up for a store"), hy_db_get_path (db));
		return FALSE;
	}
	if (!hy_store_check_code (code, error))
		return FALSE;
	if (name == NULL || name[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("a store needs a name"));
		return FALSE;
	}
	if (admin_password == NULL ||
	    g_utf8_strlen (admin_password, -1) < HY_OPERATOR_MIN_PASSWORD) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the admin password needs at least %d characters"),
			     HY_OPERATOR_MIN_PASSWORD);
		return FALSE;
	}

	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	number = g_strdup_printf ("%d", store_number);
	{
		const gchar *v[] = {code, name, number, is_hq ? "1" : "0"};
		if (!hy_store_insert_row (db, "stores",
					  "INSERT INTO stores (id, code, name, number, is_hq, hlc, "
					  "origin_store) VALUES (?, ?, ?, ?, ?, ?, ?)",
					  store_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	terminal_name = g_strdup_printf ("%s-T1", code);
	{
		const gchar *v[] = {store_id, terminal_name};
		if (!hy_store_insert_row (db, "terminals",
					  "INSERT INTO terminals (id, store_id, name, hlc, "
					  "origin_store) VALUES (?, ?, ?, ?, ?)",
					  terminal_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	if (!hy_role_create_defaults (db, store_id, hlc, error))
		return FALSE;
	if (!hy_role_get_id (db, "hq-admin", &role_id, NULL, error))
		return FALSE;
	hash = hy_password_hash (admin_password);
	{
		const gchar *v[] = {"admin", "Administrator", role_id, store_id, hash};
		if (!hy_store_insert_row (db, "operators",
					  "INSERT INTO operators (id, login, name, role_id, "
					  "store_id, password_hash, hlc, origin_store) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					  operator_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	{
		const gchar *v[] = {_ ("Standard")};
		if (!hy_store_insert_row (db, "levels",
					  "INSERT INTO levels (id, name, hlc, origin_store) "
					  "VALUES (?, ?, ?, ?)",
					  level_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	{
		const gchar *v[] = {_ ("Member card")};
		if (!hy_store_insert_row (db, "card_kinds",
					  "INSERT INTO card_kinds (id, name, hlc, origin_store) "
					  "VALUES (?, ?, ?, ?)",
					  kind_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	first = g_strdup_printf ("%d", store_number * HY_STORE_CARD_SERIALS);
	last = g_strdup_printf ("%d",
				store_number * HY_STORE_CARD_SERIALS + HY_STORE_CARD_SERIALS - 1);
	{
		const gchar *v[] = {store_id, first, last};
		if (!hy_store_insert_row (
			    db, "card_stock",
			    "INSERT INTO card_stock (id, store_id, first_serial, "
			    "last_serial, hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?)",
			    stock_id, v, G_N_ELEMENTS (v), hlc, store_id, error))
			return FALSE;
	}
	if (!hy_db_meta_set (db, "store_id", store_id, error) ||
	    !hy_db_meta_set (db, "terminal_id", terminal_id, error))
		return FALSE;

	admin = hy_actor_new (operator_id, "admin", "hq-admin", HY_PERMISSION_ALL, store_id,
			      terminal_id);
	json_object_set_string_member (detail, "code", code);
	json_object_set_boolean_member (detail, "hq", is_hq);
	if (!hy_audit_append (db, admin, "store.init", store_id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}

static HyStore *
hy_store_load (HyDb *db, const gchar *id, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT id, code, name, number, is_hq FROM stores WHERE id = ?", error);
	HyStore *store;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no store with id %s"), id);
		return NULL;
	}
	store = g_new0 (HyStore, 1);
	store->id = hy_stmt_dup_text (stmt, 0);
	store->code = hy_stmt_dup_text (stmt, 1);
	store->name = hy_stmt_dup_text (stmt, 2);
	store->number = sqlite3_column_int (stmt, 3);
	store->is_hq = sqlite3_column_int (stmt, 4) != 0;
	return store;
}

HyStore *
hy_store_get_by_id (HyDb *db, const gchar *id, GError **error)
{
	return hy_store_load (db, id, error);
}

HyStore *
hy_store_get_local (HyDb *db, GError **error)
{
	g_autofree gchar *id = hy_db_meta_get (db, "store_id");
	if (id == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_SCHEMA,
			     _ ("%s is not set up for a store yet (run “huiyuan-admin init”)"),
			     hy_db_get_path (db));
		return NULL;
	}
	return hy_store_load (db, id, error);
}
