/* Huiyuan: the relay's side of replication, kept in the HQ database: changes pushed
 * by stores are applied and appended to the relay log; stores pull the log by
 * relay_seq, or bootstrap from a snapshot. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-db.h"

G_BEGIN_DECLS

/* The most changes one push or one pull carries. */
#define HY_RELAY_MAX_BATCH 1000

/* The relay's epoch, made on first use: a relay restored from a backup gets a new one
 * (hy_relay_new_epoch), so stores notice that it may lack what they pushed. */
gchar *
hy_relay_get_epoch (HyDb *db, GError **error);
gboolean
hy_relay_new_epoch (HyDb *db, GError **error);

/* Whether `table` carries one store's detail (sales, payments, audit …) that other
 * stores do not receive; HQ receives everything. */
gboolean
hy_relay_table_is_store_private (const gchar *table);

/* The "changes" of a push body as HyChange, checked for shape, ascending seq and no
 * origin but `sender`'s: HY_ERROR_INVALID_INPUT (or PERMISSION_DENIED for another
 * origin) naming the change otherwise. The relay's request parser, fuzzed by
 * tests/fuzz. */
GPtrArray *
hy_relay_parse_changes (JsonNode *list, const gchar *sender, GError **error);

/* Applies a store's pushed changes (HyChange, ascending seq) in one transaction (a
 * savepoint when the caller has one open, as the relay does to commit the pushes that
 * arrive together at once; then nothing is durable before the caller commits):
 * changes at or below the store's acknowledged seq are skipped, a gap ends the batch,
 * each change is checked and applied as coming from `store_id` and, when it changed
 * something, appended to the log. `acked_out` is the highest contiguous seq applied.
 * Any refused change rolls the whole batch back. With `rebase` (the store put all its
 * rows back into its outbox for a relay at a new epoch) the batch may start past the
 * acknowledged seq. */
gboolean
hy_relay_ingest (HyDb *db,
		 const gchar *store_id,
		 GPtrArray *changes,
		 gboolean rebase,
		 gint64 *acked_out,
		 guint *n_logged,
		 GError **error);

/* Moves HQ's own outbox (writes made on the HQ database by huiyuan-admin or the app)
 * into the log, in one transaction. */
gboolean
hy_relay_drain_local (HyDb *db, guint *n_logged, GError **error);

/* Log rows after `since` that `store_id` receives (not its own, not other stores'
 * private detail), at most `limit` rows scanned; `next` is the cursor to ask from
 * next time. Each element is a change (hy_change_to_json) with its origin. */
JsonArray *
hy_relay_pull (
	HyDb *db, const gchar *store_id, gint64 since, guint limit, gint64 *next, GError **error);
/* Notes that `store_id` was seen and has applied the log up to `pulled`. */
gboolean
hy_relay_touch_peer (HyDb *db, const gchar *store_id, gint64 pulled, GError **error);
/* The newest relay_seq (0 when the log is empty). */
gint64
hy_relay_head (HyDb *db);

/* Every row a new store receives, as changes, and the log position it reflects. */
JsonArray *
hy_relay_snapshot (HyDb *db, const gchar *store_id, gint64 *mark, GError **error);

/* Records, in its own transaction, a change refused for a reason HQ must look at (a
 * ledger row arriving with different content). */
void
hy_relay_alarm (HyDb *db,
		const gchar *origin,
		const gchar *table,
		const gchar *row_id,
		const gchar *message);

G_END_DECLS
