#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-item.h"
#include "hy-outbox.h"
#include "hy-rules-store.h"

static gboolean
hy_item_validate (const gchar *code, const gchar *name, gint64 price, GError **error)
{
	gsize len = code != NULL ? strlen (code) : 0;
	if (len < 1 || len > 32) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an item code needs 1 to 32 characters"));
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum (code[i]) && code[i] != '-' && code[i] != '_') {
			g_set_error (
				error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				_ ("item code “%s” may only hold letters, digits, “-” and “_”"),
				code);
			return FALSE;
		}
	}
	if (name == NULL || name[0] == '\0' || g_utf8_strlen (name, -1) > 64) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("item “%s” needs a name of 1 to 64 characters"), code);
		return FALSE;
	}
	if (price < 0 || price > G_GINT64_CONSTANT (10000000000)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("item “%s”: price %" PRId64 " fen is out of range"), code, price);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_item_add (HyDb *db,
	     const HyActor *actor,
	     const gchar *code,
	     const gchar *name,
	     const gchar *barcode,
	     gint64 price,
	     const gchar *category,
	     const gchar *brand,
	     gchar **id_out,
	     GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_ITEM_MANAGE, error))
		return FALSE;
	if (!hy_item_validate (code, name, price, error))
		return FALSE;
	txn = hy_db_begin (db, error);
	if (txn == NULL || !hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO items (id, code, name, barcode, price, category, brand, "
			      "hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 4, barcode, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 5, price);
	sqlite3_bind_text (stmt, 6, category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 7, brand, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 8, hlc);
	sqlite3_bind_text (stmt, 9, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error)) {
		if (g_error_matches (*error, HY_ERROR, HY_ERROR_CONFLICT)) {
			g_clear_error (error);
			g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
				     _ ("item code “%s” or its barcode is taken"), code);
		}
		return FALSE;
	}
	if (!hy_outbox_capture (db, "items", id, HY_CHANGE_INSERT, hlc, error) ||
	    !hy_rules_store_touch (db, error))
		return FALSE;
	json_object_set_string_member (detail, "code", code);
	json_object_set_int_member (detail, "price", price);
	if (!hy_audit_append (db, actor, "item.add", id, detail, error))
		return FALSE;
	if (!hy_txn_commit (txn, error))
		return FALSE;
	if (id_out != NULL)
		*id_out = g_steal_pointer (&id);
	return TRUE;
}

void
hy_item_free (HyItem *item)
{
	if (item == NULL)
		return;
	g_free (item->id);
	g_free (item->code);
	g_free (item->name);
	g_free (item->barcode);
	g_free (item);
}

HyItem *
hy_item_find (HyDb *db, const gchar *code_or_barcode, GError **error)
{
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *code = NULL;
	gboolean has_row = FALSE;
	HyItem *item;

	if (code_or_barcode == NULL || code_or_barcode[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("give an item code or barcode"));
		return NULL;
	}
	/* codes are kept as HQ wrote them, usually upper case; a cashier types either */
	code = g_ascii_strup (code_or_barcode, -1);
	stmt = hy_db_prepare (db,
			      "SELECT id, code, name, barcode, price FROM items "
			      "WHERE active = 1 AND (code = ?1 OR code = ?2 OR barcode = ?1) "
			      "ORDER BY code = ?1 DESC LIMIT 1",
			      error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, code_or_barcode, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
	if (!hy_db_step_row (db, stmt, &has_row, error))
		return NULL;
	if (!has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("no item has the code or barcode “%s”"), code_or_barcode);
		return NULL;
	}
	item = g_new0 (HyItem, 1);
	item->id = hy_stmt_dup_text (stmt, 0);
	item->code = hy_stmt_dup_text (stmt, 1);
	item->name = hy_stmt_dup_text (stmt, 2);
	item->barcode = hy_stmt_dup_text (stmt, 3);
	item->price = sqlite3_column_int64 (stmt, 4);
	return item;
}
