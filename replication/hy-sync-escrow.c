#include "config.h"

#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-sync-client.h"
#include "hy-sync-escrow.h"

#define HY_SYNC_ESCROW_ATTEMPTS 4

static void
hy_sync_escrow_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
	GAsyncResult **out = user_data;
	*out = g_object_ref (result);
}

gboolean
hy_sync_authorize_shortfall (HyDb *db, guint attempt, GError **error)
{
	g_autoptr (HyEscrowShortfall) shortfall = hy_escrow_take_shortfall (db);
	g_autoptr (HySyncClient) client = NULL;
	g_autoptr (GMainContext) context = NULL;
	g_autoptr (GAsyncResult) result = NULL;
	g_autoptr (GError) local = NULL;
	gint64 granted = 0;

	if (error == NULL || *error == NULL ||
	    !g_error_matches (*error, HY_ERROR, HY_ERROR_ESCROW) || shortfall == NULL ||
	    attempt >= HY_SYNC_ESCROW_ATTEMPTS)
		return FALSE;
	/* a store on its own, or HQ itself, has no relay to ask */
	client = hy_sync_client_new (db, NULL);
	if (client == NULL)
		return FALSE;
	context = g_main_context_new ();
	g_main_context_push_thread_default (context);
	hy_sync_client_authorize_async (client, shortfall->card_id, shortfall->account,
					shortfall->item, shortfall->amount, NULL,
					hy_sync_escrow_done, &result);
	while (result == NULL)
		g_main_context_iteration (context, TRUE);
	g_main_context_pop_thread_default (context);
	if (!hy_sync_client_authorize_finish (client, result, &granted, &local)) {
		/* the cashier learns both what is missing and why the relay did not give it */
		g_prefix_error (error, "%s; ", local->message);
		return FALSE;
	}
	g_debug ("the relay granted %" G_GINT64_FORMAT " for a debit", granted);
	g_clear_error (error);
	return TRUE;
}
