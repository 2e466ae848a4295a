#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-audit.h"
#include "hy-card-stock.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-hlc.h"
#include "hy-id.h"
#include "hy-outbox.h"

#define HY_CARD_STOCK_MAX_SERIAL G_GINT64_CONSTANT (999999999)

void
hy_card_stock_free (HyCardStock *stock)
{
	g_free (stock->id);
	g_free (stock);
}

GPtrArray *
hy_card_stock_list (HyDb *db, const gchar *store_id, GError **error)
{
	g_autoptr (GPtrArray) ranges =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_card_stock_free);
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"SELECT s.id, s.first_serial, s.last_serial, coalesce (c.next_serial, "
		"s.first_serial) "
		"FROM card_stock s LEFT JOIN card_stock_cursor c ON c.stock_id = s.id "
		"WHERE s.store_id = ? ORDER BY s.first_serial",
		error);
	gboolean has_row = FALSE;
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
	while (TRUE) {
		HyCardStock *stock;
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		stock = g_new0 (HyCardStock, 1);
		stock->id = hy_stmt_dup_text (stmt, 0);
		stock->first = sqlite3_column_int64 (stmt, 1);
		stock->last = sqlite3_column_int64 (stmt, 2);
		stock->next = MAX (sqlite3_column_int64 (stmt, 3), stock->first);
		g_ptr_array_add (ranges, stock);
	}
	return g_steal_pointer (&ranges);
}

static gchar *
hy_card_stock_describe (GPtrArray *ranges)
{
	g_autoptr (GString) str = g_string_new (NULL);
	for (guint i = 0; i < ranges->len; i++) {
		HyCardStock *stock = g_ptr_array_index (ranges, i);
		g_string_append_printf (str, "%s%09" PRId64 "–%09" PRId64, i > 0 ? ", " : "",
					stock->first, stock->last);
	}
	return g_string_free (g_steal_pointer (&str), FALSE);
}

static gboolean
hy_card_stock_advance (HyDb *db, const gchar *stock_id, gint64 next, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db,
		"INSERT INTO card_stock_cursor (stock_id, next_serial) VALUES (?, ?) "
		"ON CONFLICT (stock_id) DO UPDATE SET next_serial = excluded.next_serial",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, stock_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 2, next);
	return hy_db_step_done (db, stmt, error);
}

/* The next unused number of this store's stock; numbers issued explicitly ahead of the
 * cursor are skipped. */
gboolean
hy_card_stock_next_number (HyDb *db, const gchar *store_id, gchar **number, GError **error)
{
	g_autoptr (GPtrArray) ranges = hy_card_stock_list (db, store_id, error);
	g_autofree gchar *described = NULL;
	if (ranges == NULL)
		return FALSE;
	for (guint i = 0; i < ranges->len; i++) {
		HyCardStock *stock = g_ptr_array_index (ranges, i);
		for (gint64 serial = stock->next; serial <= stock->last; serial++) {
			g_autofree gchar *candidate = hy_card_number_format (serial);
			gboolean taken = FALSE;
			if (!hy_card_number_taken (db, candidate, &taken, error))
				return FALSE;
			if (taken)
				continue;
			if (!hy_card_stock_advance (db, stock->id, serial + 1, error))
				return FALSE;
			*number = g_steal_pointer (&candidate);
			return TRUE;
		}
		/* remember that this range is used up, so it is not scanned again */
		if (stock->next <= stock->last &&
		    !hy_card_stock_advance (db, stock->id, stock->last + 1, error))
			return FALSE;
	}
	if (ranges->len == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("this store has no card stock; ask HQ to assign a range"));
		return FALSE;
	}
	described = hy_card_stock_describe (ranges);
	g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
		     _ ("this store's card stock (serials %s) is used up; ask HQ for a new range"),
		     described);
	return FALSE;
}

gboolean
hy_card_stock_check (HyDb *db, const gchar *store_id, const gchar *number, GError **error)
{
	g_autoptr (GPtrArray) ranges = hy_card_stock_list (db, store_id, error);
	g_autofree gchar *described = NULL;
	gint64 serial;
	if (ranges == NULL)
		return FALSE;
	serial = hy_card_number_serial (number);
	for (guint i = 0; i < ranges->len; i++) {
		HyCardStock *stock = g_ptr_array_index (ranges, i);
		if (serial >= stock->first && serial <= stock->last)
			return TRUE;
	}
	described = hy_card_stock_describe (ranges);
	g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
		     _ ("card serial %09" PRId64 " is not in this store's card stock (%s)"), serial,
		     ranges->len > 0 ? described : _ ("none assigned"));
	return FALSE;
}

gboolean
hy_card_stock_count_free (HyDb *db, const gchar *store_id, gint64 *count, GError **error)
{
	g_autoptr (GPtrArray) ranges = hy_card_stock_list (db, store_id, error);
	if (ranges == NULL)
		return FALSE;
	*count = 0;
	for (guint i = 0; i < ranges->len; i++) {
		HyCardStock *stock = g_ptr_array_index (ranges, i);
		if (stock->next <= stock->last)
			*count += stock->last - stock->next + 1;
	}
	return TRUE;
}

gboolean
hy_card_stock_next_free_serial (HyDb *db, gint64 *serial, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt = hy_db_prepare (
		db, "SELECT coalesce (max (last_serial), -1) FROM card_stock", error);
	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, error))
		return FALSE;
	*serial = sqlite3_column_int64 (stmt, 0) + 1;
	return TRUE;
}

gboolean
hy_card_stock_add (HyDb *db,
		   const HyActor *actor,
		   const gchar *store_id,
		   gint64 first,
		   gint64 last,
		   GError **error)
{
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (HyStmt) overlap = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autoptr (JsonObject) detail = json_object_new ();
	g_autofree gchar *id = hy_id_new ();
	gboolean has_row = FALSE;
	gint64 hlc = 0;

	if (!hy_actor_require (actor, HY_PERMISSION_CARD_STOCK_MANAGE, error))
		return FALSE;
	if (first < 0 || last < first || last > HY_CARD_STOCK_MAX_SERIAL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("card serials %" PRId64 "–%" PRId64
				" are not a range within 0–999999999"),
			     first, last);
		return FALSE;
	}
	txn = hy_db_begin (db, error);
	if (txn == NULL)
		return FALSE;
	overlap = hy_db_prepare (db,
				 "SELECT first_serial, last_serial FROM card_stock "
				 "WHERE first_serial <= ? AND last_serial >= ? LIMIT 1",
				 error);
	if (overlap == NULL)
		return FALSE;
	sqlite3_bind_int64 (overlap, 1, last);
	sqlite3_bind_int64 (overlap, 2, first);
	if (!hy_db_step_row (db, overlap, &has_row, error))
		return FALSE;
	if (has_row) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("card serials %09" PRId64 "–%09" PRId64
				" overlap the assigned range %09" PRId64 "–%09" PRId64),
			     first, last, (gint64) sqlite3_column_int64 (overlap, 0),
			     (gint64) sqlite3_column_int64 (overlap, 1));
		return FALSE;
	}
	if (!hy_hlc_tick (db, &hlc, error))
		return FALSE;
	stmt = hy_db_prepare (db,
			      "INSERT INTO card_stock (id, store_id, first_serial, last_serial, "
			      "hlc, origin_store) VALUES (?, ?, ?, ?, ?, ?)",
			      error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 2, store_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, first);
	sqlite3_bind_int64 (stmt, 4, last);
	sqlite3_bind_int64 (stmt, 5, hlc);
	sqlite3_bind_text (stmt, 6, hy_actor_get_store_id (actor), -1, SQLITE_TRANSIENT);
	if (!hy_db_step_done (db, stmt, error))
		return FALSE;
	if (!hy_outbox_capture (db, "card_stock", id, HY_CHANGE_INSERT, hlc, error))
		return FALSE;
	json_object_set_string_member (detail, "store_id", store_id);
	json_object_set_int_member (detail, "first", first);
	json_object_set_int_member (detail, "last", last);
	if (!hy_audit_append (db, actor, "card-stock.add", id, detail, error))
		return FALSE;
	return hy_txn_commit (txn, error);
}
