#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-db.h"
#include "hy-outbox.h"
#include "hy-sync-client.h"
#include "hy-sync-status.h"

/* How long the relay holds a pull open, and the pause after a failed round. */
#define HY_SYNC_STATUS_WAIT  25
#define HY_SYNC_STATUS_RETRY 5

struct _HySyncStatus {
	GObject parent_instance;
	HyDb *db;
	HySyncClient *client;
	GtkLabel *label;
	GCancellable *cancellable;
	guint retry_id;
	guint wait; /* 0 until the relay first answered: the state shows at once */
};

G_DEFINE_TYPE (HySyncStatus, hy_sync_status, G_TYPE_OBJECT)

static void
hy_sync_status_round (HySyncStatus *self);

static gboolean
hy_sync_status_retry_cb (gpointer user_data)
{
	HySyncStatus *self = user_data;
	self->retry_id = 0;
	hy_sync_status_round (self);
	return G_SOURCE_REMOVE;
}

static void
hy_sync_status_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HySyncStatus) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *text = NULL;
	HySyncStats stats = {0};

	if (!hy_sync_client_sync_finish (HY_SYNC_CLIENT (source), result, &stats, &error)) {
		if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		/* the till keeps selling; what it wrote waits in the outbox */
		text = g_strdup_printf (_ ("Offline (%s) · %" PRId64 " to send"), error->message,
					hy_outbox_length (self->db));
		gtk_label_set_text (self->label, text);
		gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), error->message);
		self->wait = 0;
		self->retry_id =
			g_timeout_add_seconds (HY_SYNC_STATUS_RETRY, hy_sync_status_retry_cb, self);
		return;
	}
	self->wait = HY_SYNC_STATUS_WAIT;
	text = g_strdup_printf (_ ("Online · %" PRId64 " to send"), stats.pending);
	gtk_label_set_text (self->label, text);
	gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), NULL);
	hy_sync_status_round (self);
}

static void
hy_sync_status_round (HySyncStatus *self)
{
	hy_sync_client_sync_async (self->client, self->wait, self->cancellable,
				   hy_sync_status_done_cb, g_object_ref (self));
}

static void
hy_sync_status_dispose (GObject *object)
{
	HySyncStatus *self = HY_SYNC_STATUS (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_handle_id (&self->retry_id, g_source_remove);
	g_clear_object (&self->client);
	g_clear_object (&self->db);
	g_clear_object (&self->label);
	G_OBJECT_CLASS (hy_sync_status_parent_class)->dispose (object);
}

static void
hy_sync_status_finalize (GObject *object)
{
	HySyncStatus *self = HY_SYNC_STATUS (object);
	g_clear_object (&self->cancellable);
	G_OBJECT_CLASS (hy_sync_status_parent_class)->finalize (object);
}

static void
hy_sync_status_class_init (HySyncStatusClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = hy_sync_status_dispose;
	object_class->finalize = hy_sync_status_finalize;
}

static void
hy_sync_status_init (HySyncStatus *self)
{
	self->cancellable = g_cancellable_new ();
}

HySyncStatus *
hy_sync_status_new (const gchar *db_path, GtkLabel *label)
{
	g_autoptr (HySyncStatus) self = g_object_new (HY_TYPE_SYNC_STATUS, NULL);
	g_autoptr (GError) error = NULL;

	self->label = g_object_ref (label);
	self->db = hy_db_open (db_path, HY_DB_OPEN_EXISTING, &error);
	if (self->db != NULL)
		self->client = hy_sync_client_new (self->db, NULL);
	if (self->client == NULL) {
		gtk_label_set_text (label, _ ("Standalone store"));
		return g_steal_pointer (&self);
	}
	gtk_label_set_text (label, _ ("Connecting to the relay…"));
	hy_sync_status_round (self);
	return g_steal_pointer (&self);
}
