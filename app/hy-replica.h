/* Huiyuan: a store database's side of replication: which relay it follows with which
 * credential, what it has pushed and pulled, and applying what it pulls. The network
 * lives in replication/; this is only storage, so every step is one transaction. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *relay_url;
	gchar *terminal_id;
	gchar *secret;
	gchar *epoch;
	gint64 pull_cursor; /* the relay_seq applied up to */
	gint64 acked_seq;   /* the outbox seq the relay acknowledged */
} HyReplicaState;

void
hy_replica_state_free (HyReplicaState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyReplicaState, hy_replica_state_free)

/* HY_ERROR_NOT_FOUND when the database follows no relay. */
HyReplicaState *
hy_replica_get_state (HyDb *db, GError **error);
/* "<terminal id>.<secret>", the bearer credential of every request. */
gchar *
hy_replica_state_credential (const HyReplicaState *state);

/* Turns a new, empty database into a replica of store `store_id` in one transaction:
 * its identity, the relay it follows, every row of the snapshot, and the pull cursor
 * at `mark`. */
gboolean
hy_replica_enrol (HyDb *db,
		  const gchar *relay_url,
		  const gchar *store_id,
		  const gchar *terminal_id,
		  const gchar *secret,
		  const gchar *epoch,
		  JsonArray *snapshot,
		  gint64 mark,
		  GError **error);

/* The oldest outbox rows, at most `limit`, as changes with their payloads; `last_seq`
 * is the seq of the last one (0 when the outbox is empty). */
JsonArray *
hy_replica_outbox_batch (HyDb *db, guint limit, gint64 *last_seq, GError **error);
/* The relay acknowledged the outbox through `acked`: trims it. */
gboolean
hy_replica_acked (HyDb *db, gint64 acked, GError **error);

/* The relay came back at another epoch (restored from a backup): puts every row this
 * store holds that it may have written back into the outbox (its own ledger rows in
 * chain order, every shared row), and starts pulling the log again from the start, at
 * `epoch`, in one transaction. HQ-owned rows are HQ's to restore. */
gboolean
hy_replica_rebase (HyDb *db, const gchar *epoch, GError **error);

/* Applies one change the relay sent outside a pull (an escrow grant), in its own
 * transaction, without moving the cursor: the pull brings it again as a no-op. */
gboolean
hy_replica_apply_change (HyDb *db, JsonNode *change, GError **error);

/* Applies pulled changes (each with its origin) and moves the pull cursor to `next`,
 * in one transaction. */
gboolean
hy_replica_apply_pulled (
	HyDb *db, JsonArray *changes, gint64 next, guint *n_changed, GError **error);

G_END_DECLS
