/* Huiyuan: the store's sync client. Pushes the outbox to the relay in batches and
 * trims what the relay acknowledged; pulls what other stores wrote and applies it,
 * moving the cursor in the same transaction. libsoup 3, GTask _async/_finish. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-db.h"
#include "hy-ledger.h"

G_BEGIN_DECLS

/* Changes per push request. */
#define HY_SYNC_PUSH_BATCH 500
/* The longest a pull waits at the relay for new changes. */
#define HY_SYNC_MAX_WAIT 25

#define HY_TYPE_SYNC_CLIENT (hy_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (HySyncClient, hy_sync_client, HY, SYNC_CLIENT, GObject)

typedef struct {
	guint pushed;	/* outbox rows the relay acknowledged */
	guint pulled;	/* changes received */
	guint applied;	/* of those, changes that changed a row here */
	gint64 cursor;	/* the relay_seq applied up to */
	gint64 pending; /* outbox rows still to push */
} HySyncStats;

/* A client for a database enrolled with a relay (hy_replica_enrol). */
HySyncClient *
hy_sync_client_new (HyDb *db, GError **error);

/* One round: pushes the whole outbox, then pulls until the relay has nothing more.
 * With `wait_seconds` > 0 the first pull waits that long at the relay for changes
 * (long-poll), so a follower sees other stores' writes as they happen. */
void
hy_sync_client_sync_async (HySyncClient *self,
			   guint wait_seconds,
			   GCancellable *cancellable,
			   GAsyncReadyCallback callback,
			   gpointer user_data);
gboolean
hy_sync_client_sync_finish (HySyncClient *self,
			    GAsyncResult *result,
			    HySyncStats *stats,
			    GError **error);

/* Turns `db`, new and empty, into a replica: trades the enrolment token for the
 * terminal's credential, fetches the snapshot and applies it. */
void
hy_sync_enrol_async (HyDb *db,
		     const gchar *relay_url,
		     const gchar *token,
		     GCancellable *cancellable,
		     GAsyncReadyCallback callback,
		     gpointer user_data);
gboolean
hy_sync_enrol_finish (GAsyncResult *result, gchar **store_id, GError **error);

/* Asks the relay to grant this store at least `amount` more of the card's account for
 * spending here (hy-escrow.h), and applies the grant; `granted` gets what the relay
 * gave (it may top money up beyond `amount`). Refused with the relay's reason when the
 * card's free balance cannot cover it. */
void
hy_sync_client_authorize_async (HySyncClient *self,
				const gchar *card_id,
				HyAccount account,
				const gchar *item,
				gint64 amount,
				GCancellable *cancellable,
				GAsyncReadyCallback callback,
				gpointer user_data);
gboolean
hy_sync_client_authorize_finish (HySyncClient *self,
				 GAsyncResult *result,
				 gint64 *granted,
				 GError **error);

G_END_DECLS
