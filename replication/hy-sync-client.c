#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-gzip.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-replica.h"
#include "hy-sync-client.h"

struct _HySyncClient {
	GObject parent_instance;
	HyDb *db;
	SoupSession *session;
	HyReplicaState *state;
};

G_DEFINE_TYPE (HySyncClient, hy_sync_client, G_TYPE_OBJECT)

static SoupSession *
hy_sync_session_new (void)
{
	/* a proxy only when the environment names one: the desktop's proxy settings
	 * need GSettings, which a headless store or service may lack */
	const gchar *proxy = g_getenv ("https_proxy");
	g_autoptr (GProxyResolver) resolver = NULL;
	if (proxy == NULL)
		proxy = g_getenv ("http_proxy");
	if (proxy != NULL && proxy[0] != '\0')
		resolver = g_simple_proxy_resolver_new (proxy, NULL);
	/* the I/O timeout leaves room for a long-poll */
	return soup_session_new_with_options ("timeout", HY_SYNC_MAX_WAIT + 30, "user-agent",
					      "huiyuan-sync/" PACKAGE_VERSION, "proxy-resolver",
					      resolver, NULL);
}

/* ---- one request: JSON in, JSON object out, the relay's 4xx message as the error ---- */

typedef struct {
	SoupMessage *message;
	gchar *epoch; /* the relay's epoch, from any answer that names it */
} HySyncRequest;

static void
hy_sync_request_free (HySyncRequest *request)
{
	g_clear_object (&request->message);
	g_free (request->epoch);
	g_free (request);
}

static gint
hy_sync_status_to_code (guint status)
{
	switch (status) {
	case SOUP_STATUS_UNAUTHORIZED:
		return HY_ERROR_AUTH_FAILED;
	case SOUP_STATUS_FORBIDDEN:
		return HY_ERROR_PERMISSION_DENIED;
	case SOUP_STATUS_NOT_FOUND:
		return HY_ERROR_NOT_FOUND;
	case SOUP_STATUS_CONFLICT:
		return HY_ERROR_CONFLICT;
	default:
		return status >= 400 && status < 500 ? HY_ERROR_INVALID_INPUT : HY_ERROR_FAILED;
	}
}

static void
hy_sync_request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncRequest *request = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonNode *root;
	guint status;

	bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	if (bytes == NULL) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("cannot reach the relay: %s"), error->message);
		return;
	}
	status = soup_message_get_status (request->message);
	if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
					 (gssize) g_bytes_get_size (bytes), NULL) ||
	    (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("the relay answered HTTP %u without a JSON object"),
					 status);
		return;
	}
	request->epoch = g_strdup (json_object_get_string_member_with_default (
		json_node_get_object (root), "epoch", NULL));
	if (status != SOUP_STATUS_OK) {
		const gchar *message = json_object_get_string_member_with_default (
			json_node_get_object (root), "error", _ ("no reason given"));
		g_task_return_new_error (task, HY_ERROR, hy_sync_status_to_code (status),
					 _ ("the relay refused (HTTP %u): %s"), status, message);
		return;
	}
	g_task_return_pointer (task, json_node_copy (root), (GDestroyNotify) json_node_unref);
}

static void
hy_sync_request_async (SoupSession *session,
		       const gchar *method,
		       const gchar *url,
		       const gchar *credential,
		       JsonNode *body,
		       GCancellable *cancellable,
		       GAsyncReadyCallback callback,
		       gpointer user_data)
{
	g_autoptr (GTask) task = g_task_new (session, cancellable, callback, user_data);
	HySyncRequest *request = g_new0 (HySyncRequest, 1);

	g_task_set_source_tag (task, hy_sync_request_async);
	g_task_set_task_data (task, request, (GDestroyNotify) hy_sync_request_free);
	request->message = soup_message_new (method, url);
	if (request->message == NULL) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_INVALID_INPUT,
					 _ ("“%s” is not a relay URL"), url);
		return;
	}
	if (credential != NULL) {
		g_autofree gchar *header = g_strdup_printf ("Bearer %s", credential);
		soup_message_headers_replace (soup_message_get_request_headers (request->message),
					      "Authorization", header);
	}
	if (body != NULL) {
		gsize length = 0;
		gchar *text = json_to_string (body, FALSE);
		g_autoptr (GBytes) bytes = NULL;
		g_autoptr (GBytes) packed = NULL;
		length = strlen (text);
		bytes = g_bytes_new_take (text, length);
		/* a batch of changes is repetitive JSON: a fifth of it or less on the wire */
		if (length >= HY_GZIP_FROM)
			packed = hy_gzip_compress (g_bytes_get_data (bytes, NULL), length);
		if (packed != NULL)
			soup_message_headers_replace (
				soup_message_get_request_headers (request->message),
				"Content-Encoding", "gzip");
		soup_message_set_request_body_from_bytes (request->message, "application/json",
							  packed != NULL ? packed : bytes);
	}
	soup_session_send_and_read_async (session, request->message, G_PRIORITY_DEFAULT,
					  cancellable, hy_sync_request_done,
					  g_steal_pointer (&task));
}

static JsonObject *
hy_sync_request_finish (GAsyncResult *result, GError **error)
{
	g_autoptr (JsonNode) node = g_task_propagate_pointer (G_TASK (result), error);
	if (node == NULL)
		return NULL;
	return json_object_ref (json_node_get_object (node));
}

/* The epoch the relay named in its answer, refusals included; NULL when none. */
static const gchar *
hy_sync_request_epoch (GAsyncResult *result)
{
	HySyncRequest *request = g_task_get_task_data (G_TASK (result));
	return request->epoch;
}

/* A 64-bit number the relay sent as a string. */
static gboolean
hy_sync_get_seq (JsonObject *object, const gchar *name, gint64 *out, GError **error)
{
	const gchar *text = json_object_get_string_member_with_default (object, name, NULL);
	guint64 value = 0;
	if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED,
			     _ ("the relay’s answer has no valid “%s”"), name);
		return FALSE;
	}
	*out = (gint64) value;
	return TRUE;
}

static gchar *
hy_sync_url (const gchar *base, const gchar *path)
{
	g_autofree gchar *trimmed = g_strdup (base);
	gsize len = strlen (trimmed);
	while (len > 0 && trimmed[len - 1] == '/')
		trimmed[--len] = '\0';
	return g_strconcat (trimmed, path, NULL);
}

/* ---- the client -------------------------------------------------------------------------- */

static void
hy_sync_client_finalize (GObject *object)
{
	HySyncClient *self = HY_SYNC_CLIENT (object);
	g_clear_object (&self->db);
	g_clear_object (&self->session);
	g_clear_pointer (&self->state, hy_replica_state_free);
	G_OBJECT_CLASS (hy_sync_client_parent_class)->finalize (object);
}

static void
hy_sync_client_class_init (HySyncClientClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = hy_sync_client_finalize;
}

static void
hy_sync_client_init (HySyncClient *self)
{
}

HySyncClient *
hy_sync_client_new (HyDb *db, GError **error)
{
	g_autoptr (HySyncClient) self = NULL;
	HyReplicaState *state = hy_replica_get_state (db, error);
	if (state == NULL)
		return NULL;
	self = g_object_new (HY_TYPE_SYNC_CLIENT, NULL);
	self->db = g_object_ref (db);
	self->state = state;
	self->session = hy_sync_session_new ();
	return g_steal_pointer (&self);
}

typedef struct {
	HySyncStats stats;
	guint wait;
	gint64 batch_first;
	gint64 batch_last;
	gboolean rebase;   /* the next push starts the outbox over for a new epoch */
	gboolean rebased;  /* once per round */
	gboolean released; /* escrow above the allowance given back, once per round */
	guint requested;   /* slices given back because the relay asked */
} HySyncRound;

static void
hy_sync_push_next (GTask *task);
static void
hy_sync_pull_next (GTask *task);

/* Every answer names the relay's epoch. Another one means the relay (or this store)
 * was restored from a backup and may lack what was acknowledged: the store puts
 * everything it has back into its outbox and starts over at the new epoch. Returns
 * TRUE when it did, so the caller starts the round over. */
static gboolean
hy_sync_rebase_if_needed (GTask *task, const gchar *epoch, GError **error)
{
	HySyncClient *self = g_task_get_source_object (task);
	HySyncRound *round = g_task_get_task_data (task);
	HyReplicaState *state;

	if (epoch == NULL || g_strcmp0 (epoch, self->state->epoch) == 0)
		return FALSE;
	if (round->rebased) {
		g_set_error (error, HY_ERROR, HY_ERROR_CONFLICT,
			     _ ("the relay’s epoch keeps changing (now %s)"), epoch);
		return FALSE;
	}
	g_message ("the relay is at epoch %s, not %s: pushing everything again", epoch,
		   self->state->epoch);
	if (!hy_replica_rebase (self->db, epoch, error))
		return FALSE;
	state = hy_replica_get_state (self->db, error);
	if (state == NULL)
		return FALSE;
	g_clear_pointer (&self->state, hy_replica_state_free);
	self->state = state;
	round->rebase = TRUE;
	round->rebased = TRUE;
	return TRUE;
}

static void
hy_sync_pushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncClient *self = g_task_get_source_object (task);
	HySyncRound *round = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) answer = hy_sync_request_finish (result, &error);
	g_autoptr (GError) rebase_error = NULL;
	gint64 acked = 0;

	if (hy_sync_rebase_if_needed (task, hy_sync_request_epoch (result), &rebase_error)) {
		hy_sync_push_next (g_steal_pointer (&task));
		return;
	}
	if (rebase_error != NULL) {
		g_task_return_error (task, g_steal_pointer (&rebase_error));
		return;
	}
	if (answer == NULL || !hy_sync_get_seq (answer, "acked_seq", &acked, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	round->rebase = FALSE;
	if (acked < round->batch_first) {
		g_task_return_new_error (
			task, HY_ERROR, HY_ERROR_CONFLICT,
			_ ("the relay holds this store’s changes only through seq %" PRId64
			   " but the outbox starts at %" PRId64
			   "; it lacks changes already trimmed"),
			acked, round->batch_first);
		return;
	}
	if (!hy_replica_acked (self->db, acked, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	round->stats.pushed += (guint) (MIN (acked, round->batch_last) - round->batch_first + 1);
	g_debug ("pushed through seq %" PRId64, acked);
	hy_sync_push_next (g_steal_pointer (&task));
}

static void
hy_sync_push_next (GTask *task)
{
	HySyncClient *self = g_task_get_source_object (task);
	HySyncRound *round = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) changes = NULL;
	g_autoptr (JsonObject) body = NULL;
	g_autoptr (JsonNode) node = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *credential = NULL;
	gint64 last = 0;

	if (g_task_return_error_if_cancelled (task)) {
		g_object_unref (task);
		return;
	}
	changes = hy_replica_outbox_batch (self->db, HY_SYNC_PUSH_BATCH, &last, &error);
	if (changes == NULL) {
		g_task_return_error (task, g_steal_pointer (&error));
		g_object_unref (task);
		return;
	}
	if (json_array_get_length (changes) == 0) {
		hy_sync_pull_next (task);
		return;
	}
	round->batch_last = last;
	round->batch_first = last - json_array_get_length (changes) + 1;
	body = json_object_new ();
	json_object_set_string_member (body, "epoch", self->state->epoch);
	if (round->rebase)
		json_object_set_boolean_member (body, "rebase", TRUE);
	json_object_set_array_member (body, "changes", json_array_ref (changes));
	node = json_node_new (JSON_NODE_OBJECT);
	json_node_set_object (node, body);
	url = hy_sync_url (self->state->relay_url, "/v1/push");
	credential = hy_replica_state_credential (self->state);
	hy_sync_request_async (self->session, "POST", url, credential, node,
			       g_task_get_cancellable (task), hy_sync_pushed, task);
}

static void
hy_sync_pulled (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncClient *self = g_task_get_source_object (task);
	HySyncRound *round = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) answer = hy_sync_request_finish (result, &error);
	JsonNode *changes_node;
	JsonArray *changes;
	gint64 next = 0;
	guint applied = 0;
	guint released = 0;
	gint64 before = self->state->pull_cursor;
	g_autoptr (GError) rebase_error = NULL;

	if (hy_sync_rebase_if_needed (task, hy_sync_request_epoch (result), &rebase_error)) {
		hy_sync_push_next (g_steal_pointer (&task));
		return;
	}
	if (rebase_error != NULL) {
		g_task_return_error (task, g_steal_pointer (&rebase_error));
		return;
	}
	if (answer == NULL || !hy_sync_get_seq (answer, "next", &next, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	changes_node = json_object_get_member (answer, "changes");
	if (changes_node == NULL || !JSON_NODE_HOLDS_ARRAY (changes_node)) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("the relay’s answer has no “changes”"));
		return;
	}
	changes = json_node_get_array (changes_node);
	if (!hy_replica_apply_pulled (self->db, changes, next, &applied, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	/* another store could not be authorised: give back what this store holds of it */
	if (json_object_has_member (answer, "release")) {
		JsonNode *release = json_object_get_member (answer, "release");
		if (!JSON_NODE_HOLDS_ARRAY (release) ||
		    !hy_escrow_release_requested (self->db, json_node_get_array (release),
						  &released, &error)) {
			if (error == NULL)
				g_set_error (&error, HY_ERROR, HY_ERROR_FAILED,
					     _ ("the relay’s “release” is not a list"));
			g_task_return_error (task, g_steal_pointer (&error));
			return;
		}
		round->requested += released;
		released = 0;
	}
	round->stats.pulled += json_array_get_length (changes);
	round->stats.applied += applied;
	self->state->pull_cursor = MAX (self->state->pull_cursor, next);
	round->wait = 0;
	if (self->state->pull_cursor > before) {
		hy_sync_pull_next (g_steal_pointer (&task));
		return;
	}
	/* online now: money held here above the allowance goes back to the pool, so a
	 * recharge made here is soon spendable at every store; pushed at once, with what
	 * was given back on the relay's request */
	if (!round->released) {
		round->released = TRUE;
		if (!hy_escrow_release_excess (self->db, &released, &error)) {
			g_task_return_error (task, g_steal_pointer (&error));
			return;
		}
	}
	if (released + round->requested > 0) {
		g_debug ("released %u escrow slices above the allowance, %u on request", released,
			 round->requested);
		round->requested = 0;
		hy_sync_push_next (g_steal_pointer (&task));
		return;
	}
	round->stats.cursor = self->state->pull_cursor;
	round->stats.pending = hy_outbox_length (self->db);
	g_task_return_boolean (task, TRUE);
}

static void
hy_sync_pull_next (GTask *task)
{
	HySyncClient *self = g_task_get_source_object (task);
	HySyncRound *round = g_task_get_task_data (task);
	g_autofree gchar *path = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *credential = NULL;

	if (g_task_return_error_if_cancelled (task)) {
		g_object_unref (task);
		return;
	}
	path = g_strdup_printf ("/v1/pull?since=%" PRId64 "&wait=%u", self->state->pull_cursor,
				round->wait);
	url = hy_sync_url (self->state->relay_url, path);
	credential = hy_replica_state_credential (self->state);
	hy_sync_request_async (self->session, "GET", url, credential, NULL,
			       g_task_get_cancellable (task), hy_sync_pulled, task);
}

void
hy_sync_client_sync_async (HySyncClient *self,
			   guint wait_seconds,
			   GCancellable *cancellable,
			   GAsyncReadyCallback callback,
			   gpointer user_data)
{
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	HySyncRound *round = g_new0 (HySyncRound, 1);
	g_autoptr (GError) error = NULL;
	HyReplicaState *state;

	g_task_set_source_tag (task, hy_sync_client_sync_async);
	round->wait = MIN (wait_seconds, HY_SYNC_MAX_WAIT);
	g_task_set_task_data (task, round, g_free);
	/* the cursors may have moved under another process */
	state = hy_replica_get_state (self->db, &error);
	if (state == NULL) {
		g_task_return_error (task, g_steal_pointer (&error));
		g_object_unref (task);
		return;
	}
	g_clear_pointer (&self->state, hy_replica_state_free);
	self->state = state;
	hy_sync_push_next (task);
}

gboolean
hy_sync_client_sync_finish (HySyncClient *self,
			    GAsyncResult *result,
			    HySyncStats *stats,
			    GError **error)
{
	HySyncRound *round;
	g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
	round = g_task_get_task_data (G_TASK (result));
	if (stats != NULL)
		*stats = round->stats;
	return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- enrolment -------------------------------------------------------------------------- */

typedef struct {
	HyDb *db;
	SoupSession *session;
	gchar *relay_url;
	gchar *store_id;
	gchar *terminal_id;
	gchar *secret;
	gchar *epoch;
} HySyncEnrol;

static void
hy_sync_enrol_free (HySyncEnrol *enrol)
{
	g_clear_object (&enrol->db);
	g_clear_object (&enrol->session);
	g_free (enrol->relay_url);
	g_free (enrol->store_id);
	g_free (enrol->terminal_id);
	g_free (enrol->secret);
	g_free (enrol->epoch);
	g_free (enrol);
}

static void
hy_sync_enrol_snapshot (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncEnrol *enrol = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) answer = hy_sync_request_finish (result, &error);
	JsonNode *changes;
	gint64 mark = 0;

	if (answer == NULL || !hy_sync_get_seq (answer, "mark", &mark, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	changes = json_object_get_member (answer, "changes");
	if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes)) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("the relay’s snapshot has no “changes”"));
		return;
	}
	if (!hy_replica_enrol (enrol->db, enrol->relay_url, enrol->store_id, enrol->terminal_id,
			       enrol->secret, enrol->epoch, json_node_get_array (changes), mark,
			       &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	g_task_return_boolean (task, TRUE);
}

static void
hy_sync_enrolled (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncEnrol *enrol = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) answer = hy_sync_request_finish (result, &error);
	g_autofree gchar *url = NULL;
	g_autofree gchar *credential = NULL;
	GCancellable *cancellable;

	if (answer == NULL) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	enrol->store_id =
		g_strdup (json_object_get_string_member_with_default (answer, "store_id", NULL));
	enrol->terminal_id =
		g_strdup (json_object_get_string_member_with_default (answer, "terminal_id", NULL));
	enrol->secret =
		g_strdup (json_object_get_string_member_with_default (answer, "secret", NULL));
	enrol->epoch =
		g_strdup (json_object_get_string_member_with_default (answer, "epoch", NULL));
	if (enrol->store_id == NULL || enrol->terminal_id == NULL || enrol->secret == NULL ||
	    enrol->epoch == NULL) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("the relay’s enrolment answer is incomplete"));
		return;
	}
	url = hy_sync_url (enrol->relay_url, "/v1/snapshot");
	credential = g_strdup_printf ("%s.%s", enrol->terminal_id, enrol->secret);
	cancellable = g_task_get_cancellable (task);
	hy_sync_request_async (enrol->session, "GET", url, credential, NULL, cancellable,
			       hy_sync_enrol_snapshot, g_steal_pointer (&task));
}

void
hy_sync_enrol_async (HyDb *db,
		     const gchar *relay_url,
		     const gchar *token,
		     GCancellable *cancellable,
		     GAsyncReadyCallback callback,
		     gpointer user_data)
{
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	HySyncEnrol *enrol = g_new0 (HySyncEnrol, 1);
	g_autoptr (JsonObject) body = json_object_new ();
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	g_autofree gchar *url = NULL;

	g_task_set_source_tag (task, hy_sync_enrol_async);
	enrol->db = g_object_ref (db);
	enrol->session = hy_sync_session_new ();
	enrol->relay_url = g_strdup (relay_url);
	g_task_set_task_data (task, enrol, (GDestroyNotify) hy_sync_enrol_free);
	json_object_set_string_member (body, "token", token);
	json_node_set_object (node, body);
	url = hy_sync_url (relay_url, "/v1/enroll");
	hy_sync_request_async (enrol->session, "POST", url, NULL, node, cancellable,
			       hy_sync_enrolled, task);
}

gboolean
hy_sync_enrol_finish (GAsyncResult *result, gchar **store_id, GError **error)
{
	HySyncEnrol *enrol = g_task_get_task_data (G_TASK (result));
	if (!g_task_propagate_boolean (G_TASK (result), error))
		return FALSE;
	if (store_id != NULL)
		*store_id = g_strdup (enrol->store_id);
	return TRUE;
}

/* ---- escrow authorisation ------------------------------------------------------------ */

typedef struct {
	gchar *grant_id;
	gint64 granted;
} HySyncAuthorize;

static void
hy_sync_authorize_free (HySyncAuthorize *authorize)
{
	g_free (authorize->grant_id);
	g_free (authorize);
}

static void
hy_sync_authorized (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	HySyncClient *self = g_task_get_source_object (task);
	HySyncAuthorize *authorize = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonObject) answer = hy_sync_request_finish (result, &error);
	JsonNode *change;

	if (answer == NULL || !hy_sync_get_seq (answer, "granted", &authorize->granted, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	/* the grant is applied here at once; the pull brings it again as a no-op */
	change = json_object_get_member (answer, "change");
	if (change == NULL || !JSON_NODE_HOLDS_OBJECT (change)) {
		g_task_return_new_error (task, HY_ERROR, HY_ERROR_FAILED,
					 _ ("the relay’s answer has no “change”"));
		return;
	}
	if (!hy_replica_apply_change (self->db, change, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	g_task_return_boolean (task, TRUE);
}

void
hy_sync_client_authorize_async (HySyncClient *self,
				const gchar *card_id,
				HyAccount account,
				const gchar *item,
				gint64 amount,
				GCancellable *cancellable,
				GAsyncReadyCallback callback,
				gpointer user_data)
{
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	HySyncAuthorize *authorize = g_new0 (HySyncAuthorize, 1);
	g_autoptr (JsonObject) body = json_object_new ();
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	g_autofree gchar *amount_text = g_strdup_printf ("%" PRId64, amount);
	g_autofree gchar *url = hy_sync_url (self->state->relay_url, "/v1/authorize");
	g_autofree gchar *credential = hy_replica_state_credential (self->state);

	g_task_set_source_tag (task, hy_sync_client_authorize_async);
	/* one id per authorisation: a retried request is granted once */
	authorize->grant_id = hy_id_new ();
	g_task_set_task_data (task, authorize, (GDestroyNotify) hy_sync_authorize_free);
	json_object_set_string_member (body, "id", authorize->grant_id);
	json_object_set_string_member (body, "card_id", card_id);
	json_object_set_string_member (body, "account", hy_account_to_string (account));
	json_object_set_string_member (body, "item", item != NULL ? item : "");
	json_object_set_string_member (body, "amount", amount_text);
	json_node_set_object (node, body);
	hy_sync_request_async (self->session, "POST", url, credential, node, cancellable,
			       hy_sync_authorized, task);
}

gboolean
hy_sync_client_authorize_finish (HySyncClient *self,
				 GAsyncResult *result,
				 gint64 *granted,
				 GError **error)
{
	HySyncAuthorize *authorize;
	g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
	authorize = g_task_get_task_data (G_TASK (result));
	if (granted != NULL)
		*granted = authorize->granted;
	return g_task_propagate_boolean (G_TASK (result), error);
}
