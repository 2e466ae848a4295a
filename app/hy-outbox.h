/* Huiyuan: change capture. Every replicated write appends its row to the outbox in
 * the same transaction; the sync client ships it. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* The four kinds of replicated table (DESIGN.md, Replication), plus local-only. */
typedef enum {
	HY_TABLE_KIND_LOCAL,	/* never leaves the database */
	HY_TABLE_KIND_LEDGER,	/* insert-only; union by id */
	HY_TABLE_KIND_HQ_OWNED, /* only HQ writes; a higher version replaces */
	HY_TABLE_KIND_SHARED,	/* per-column last writer wins by (hlc, origin store) */
	HY_TABLE_KIND_DERIVED,	/* rebuilt from the ledger, never replicated */
} HyTableKind;

typedef enum {
	HY_CHANGE_INSERT,
	HY_CHANGE_UPDATE,
	HY_CHANGE_DELETE,
} HyChangeOp;

HyTableKind
hy_table_kind (const gchar *table);
const gchar *
hy_table_kind_to_string (HyTableKind kind);
/* The i-th registered table and its kind, NULL past the last: for code that walks
 * every replicated table (the relay's snapshot). */
const gchar *
hy_table_nth (guint i, HyTableKind *kind);
const gchar *
hy_change_op_to_string (HyChangeOp op);

/* Records, inside the caller's transaction, that row `id` of `table` changed. Refuses
 * tables that are not replicated, so a caller cannot silently ship derived or local
 * data. The row itself is read when it is shipped (hy_outbox_payload): ledger rows
 * never change, and a shared row ships its newest state with its own clock, which is
 * what last-writer-wins needs; the sale pays for no JSON. */
gboolean
hy_outbox_capture (
	HyDb *db, const gchar *table, const gchar *id, HyChangeOp op, gint64 hlc, GError **error);
gint64
hy_outbox_length (HyDb *db);
/* For a shared table, an SQL expression (over a row of `table`) that is the JSON
 * object {"_clocks": {column: "hlc:origin"}} of the columns whose last change is older
 * than the row's clock, or '{}' when there are none; NULL for other tables. Patched
 * into payloads so other replicas merge the row column by column. */
gchar *
hy_outbox_clocks_sql (const gchar *table);
/* The row as JSON, every column, for shipping; a row that is gone ships as its id. */
gchar *
hy_outbox_payload (HyDb *db, const gchar *table, const gchar *id, GError **error);
/* Drops rows the relay has acknowledged; later rows still number after them. */
gboolean
hy_outbox_trim (HyDb *db, gint64 through_seq, GError **error);

G_END_DECLS
