/* Huiyuan: applying a change another store wrote, by the kind of its table
 * (DESIGN.md, Replication): ledger rows are a union by id, HQ-owned rows take the
 * higher version, shared rows the last writer by (hlc, origin store), derived tables
 * never travel. The same change applied twice is applied once. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-db.h"
#include "hy-outbox.h"

G_BEGIN_DECLS

/* One replicated change as it travels:
 * {"seq": "12", "origin": "…", "id": "…", "table": "members", "op": "update",
 *  "hlc": "…", "payload": {column: value, …}}; 64-bit numbers as strings. */
typedef struct {
	gint64 seq;	     /* the origin's outbox seq on push, the relay_seq on pull */
	gchar *origin;	     /* the store that wrote it; NULL on push (the sender) */
	gchar *id;	     /* the row's id */
	gchar *table;	     /* a registered replicated table */
	HyChangeOp op;	     /* insert, update or delete */
	gint64 hlc;	     /* the clock of the capture */
	JsonObject *payload; /* the row, every column; a deleted row is its id alone */
} HyChange;

void
hy_change_free (HyChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyChange, hy_change_free)

/* Checks the shape of a change (members, types, lengths), not the database: a bad one
 * is HY_ERROR_INVALID_INPUT naming what is wrong. */
HyChange *
hy_change_from_json (JsonNode *node, GError **error);
JsonNode *
hy_change_to_json (const HyChange *change);
gboolean
hy_change_op_from_string (const gchar *text, HyChangeOp *op);
/* The row's own clock (its "hlc" column), else the capture's. */
gint64
hy_change_row_hlc (const HyChange *change);

typedef enum {
	HY_APPLY_TRUSTED = 0,	      /* from the relay: HQ vouches for it */
	HY_APPLY_FROM_STORE = 1 << 0, /* pushed by a store: it may write only as itself, never
				       * HQ-owned tables, and not with a clock far ahead */
	HY_APPLY_LENIENT = 1 << 1,    /* from a newer peer: unknown tables and columns are
				       * skipped instead of refused */
} HyApplyFlags;

typedef enum {
	HY_APPLY_CHANGED,   /* the row changed here */
	HY_APPLY_UNCHANGED, /* the same row is here already, or a newer write of it */
	HY_APPLY_SKIPPED,   /* nothing to apply: a row deleted since it was captured, or an
			     * unknown table when lenient */
} HyApplyResult;

/* How far ahead of this clock a store's clock may run before its changes are refused. */
#define HY_APPLY_MAX_CLOCK_SKEW_MS (10 * 60 * 1000)

/* Applies one change inside the caller's transaction. `origin` is the store that
 * wrote it (the authenticated sender on push). A ledger row held with different
 * content, a forged or out-of-order hash chain link, or a refused write is an error;
 * the caller rolls back. Maintains derived tables (balances, name search); the caller
 * observes the newest clock of a batch (hy_change_row_hlc, hy_hlc_observe) once. */
gboolean
hy_apply_change (HyDb *db,
		 const HyChange *change,
		 const gchar *origin,
		 HyApplyFlags flags,
		 HyApplyResult *result,
		 GError **error);

/* Whether rows of `table` are hash-chained per origin store (ordered by origin_seq). */
gboolean
hy_apply_table_is_chained (const gchar *table);

/* "SELECT json_object(…) FROM <table>" over every column, for shipping whole tables
 * (a snapshot); NULL with an error for an unknown table. */
gchar *
hy_apply_select_json_sql (HyDb *db, const gchar *table, GError **error);

G_END_DECLS
