#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "hy-apply.h"
#include "hy-enrol.h"
#include "hy-error.h"
#include "hy-escrow.h"
#include "hy-gzip.h"
#include "hy-id.h"
#include "hy-outbox.h"
#include "hy-relay-log.h"
#include "hy-relay-server.h"

/* HQ's own writes (huiyuan-admin on the HQ database) reach the log this often. */
#define HY_RELAY_DRAIN_MS 500
#define HY_RELAY_MAX_WAIT 30
/* Answers longer than this are gzipped when the client accepts it. */
#define HY_RELAY_GZIP_FROM 1024
/* The most pushes one transaction takes. */
#define HY_RELAY_GROUP_MAX 64
/* Connections waiting to be accepted (the kernel caps it at net.core.somaxconn). */
#define HY_RELAY_LISTEN_BACKLOG 1024

struct _HyRelayServer {
	GObject parent_instance;
	HyDb *db;
	SoupServer *server;
	gchar *epoch;
	GList *waiting; /* HyRelayWait: long-polls with nothing to return yet */
	guint drain_id;
	GPtrArray *pushes; /* HyRelayPush: checked, waiting for their group's commit */
	guint group_id;
};

G_DEFINE_TYPE (HyRelayServer, hy_relay_server, G_TYPE_OBJECT)

typedef struct {
	HyRelayServer *server;
	SoupServerMessage *msg;
	gchar *store_id;
	gint64 since;
	guint limit;
	guint timeout_id;
	gulong finished_id;
} HyRelayWait;

/* ---- answers --------------------------------------------------------------------------- */

/* gzip of `text`, or NULL when it cannot be made. */
static GBytes *
hy_relay_gzip (const gchar *text, gsize length)
{
	g_autoptr (GZlibCompressor) compressor =
		g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
	g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();
	g_autoptr (GOutputStream) out =
		g_converter_output_stream_new (memory, G_CONVERTER (compressor));
	if (!g_output_stream_write_all (out, text, length, NULL, NULL, NULL) ||
	    !g_output_stream_close (out, NULL, NULL))
		return NULL;
	return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
hy_relay_reply (SoupServerMessage *msg, guint status, JsonObject *object)
{
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	const gchar *accept = soup_message_headers_get_list (
		soup_server_message_get_request_headers (msg), "Accept-Encoding");
	gchar *text;
	gsize length;

	json_node_set_object (node, object);
	text = json_to_string (node, FALSE);
	length = strlen (text);
	soup_server_message_set_status (msg, status, NULL);
	/* pulls and snapshots are repetitive JSON: gzip them for clients that take it */
	if (length > HY_RELAY_GZIP_FROM && accept != NULL &&
	    soup_header_contains (accept, "gzip")) {
		g_autoptr (GBytes) packed = hy_relay_gzip (text, length);
		if (packed != NULL) {
			gsize packed_length = 0;
			gconstpointer data = g_bytes_get_data (packed, &packed_length);
			soup_message_headers_replace (
				soup_server_message_get_response_headers (msg), "Content-Encoding",
				"gzip");
			soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
							  data, packed_length);
			g_free (text);
			return;
		}
	}
	soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
hy_relay_reply_error (SoupServerMessage *msg, guint status, const gchar *message)
{
	g_autoptr (JsonObject) object = json_object_new ();
	json_object_set_string_member (object, "error", message);
	hy_relay_reply (msg, status, object);
}

static guint
hy_relay_error_status (const GError *error)
{
	if (error->domain != HY_ERROR)
		return SOUP_STATUS_INTERNAL_SERVER_ERROR;
	switch (error->code) {
	case HY_ERROR_INVALID_INPUT:
		return SOUP_STATUS_BAD_REQUEST;
	case HY_ERROR_AUTH_FAILED:
		return SOUP_STATUS_UNAUTHORIZED;
	case HY_ERROR_PERMISSION_DENIED:
		return SOUP_STATUS_FORBIDDEN;
	case HY_ERROR_NOT_FOUND:
		return SOUP_STATUS_NOT_FOUND;
	case HY_ERROR_CONFLICT:
	case HY_ERROR_INSUFFICIENT:
	case HY_ERROR_ESCROW:
		return SOUP_STATUS_CONFLICT;
	default:
		return SOUP_STATUS_INTERNAL_SERVER_ERROR;
	}
}

static void
hy_relay_reply_gerror (SoupServerMessage *msg, const GError *error)
{
	guint status = hy_relay_error_status (error);
	if (status >= 500)
		g_warning ("%s %s: %s", soup_server_message_get_method (msg),
			   g_uri_get_path (soup_server_message_get_uri (msg)), error->message);
	hy_relay_reply_error (msg, status, error->message);
}

/* ---- requests ----------------------------------------------------------------------------- */

/* The request body as a JSON object; replies 4xx and returns NULL otherwise. */
static JsonObject *
hy_relay_read_body (SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	const gchar *encoding = soup_message_headers_get_one (
		soup_server_message_get_request_headers (msg), "Content-Encoding");
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) inflated = NULL;
	const gchar *data = body->data;
	gsize length = (gsize) body->length;
	JsonNode *root;

	if (body->length > HY_RELAY_MAX_BODY) {
		g_autofree gchar *text = g_strdup_printf (
			_ ("the request body is %" PRId64 " bytes; at most %d are accepted"),
			(gint64) body->length, HY_RELAY_MAX_BODY);
		hy_relay_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, text);
		return NULL;
	}
	/* a gzipped body is inflated under the same cap, so it cannot grow past it */
	if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") == 0) {
		inflated = hy_gzip_decompress (data, length, HY_RELAY_MAX_BODY, &error);
		if (inflated == NULL) {
			gboolean large =
				g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
			hy_relay_reply_error (msg,
					      large ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE
						    : SOUP_STATUS_BAD_REQUEST,
					      error->message);
			return NULL;
		}
		data = g_bytes_get_data (inflated, &length);
		g_clear_error (&error);
	} else if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0) {
		g_autofree gchar *text = g_strdup_printf (
			_ ("the request body is encoded as “%s”; send it as gzip or plain"),
			encoding);
		hy_relay_reply_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, text);
		return NULL;
	}
	if (length == 0 || !json_parser_load_from_data (parser, data, (gssize) length, &error)) {
		g_autofree gchar *text =
			g_strdup_printf (_ ("the request body is not valid JSON: %s"),
					 error != NULL ? error->message : _ ("it is empty"));
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST, text);
		return NULL;
	}
	root = json_parser_get_root (parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
				      _ ("the request body must be a JSON object"));
		return NULL;
	}
	return json_object_ref (json_node_get_object (root));
}

/* The authenticated terminal's store; replies 401 and returns NULL otherwise. */
static gchar *
hy_relay_authenticate (HyRelayServer *self, SoupServerMessage *msg)
{
	const gchar *header = soup_message_headers_get_one (
		soup_server_message_get_request_headers (msg), "Authorization");
	g_autoptr (GError) error = NULL;
	g_autofree gchar *terminal_id = NULL;
	gchar *store_id = NULL;

	if (header == NULL || !g_str_has_prefix (header, "Bearer ")) {
		hy_relay_reply_error (msg, SOUP_STATUS_UNAUTHORIZED,
				      _ ("authenticate with “Authorization: Bearer "
					 "<terminal>.<secret>”"));
		return NULL;
	}
	if (!hy_enrol_authenticate (self->db, header + strlen ("Bearer "), &store_id, &terminal_id,
				    &error)) {
		g_message ("refused a request from %s: %s",
			   soup_server_message_get_remote_host (msg), error->message);
		hy_relay_reply_gerror (msg, error);
		return NULL;
	}
	return store_id;
}

static gboolean
hy_relay_query_int (GHashTable *query,
		    const gchar *name,
		    gint64 fallback,
		    gint64 max,
		    gint64 *out,
		    SoupServerMessage *msg)
{
	const gchar *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
	guint64 value = 0;
	if (text == NULL) {
		*out = fallback;
		return TRUE;
	}
	if (!g_ascii_string_to_unsigned (text, 10, 0, (guint64) max, &value, NULL)) {
		g_autofree gchar *message = g_strdup_printf (
			_ ("“%s” must be a whole number from 0 to %" PRId64), name, max);
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST, message);
		return FALSE;
	}
	*out = (gint64) value;
	return TRUE;
}

static void
hy_relay_drain (HyRelayServer *self);

/* ---- endpoints ---------------------------------------------------------------------------- */

static void
hy_relay_handle_health (HyRelayServer *self, SoupServerMessage *msg)
{
	g_autoptr (JsonObject) object = json_object_new ();
	json_object_set_string_member (object, "status", "ok");
	json_object_set_string_member (object, "epoch", self->epoch);
	hy_relay_reply (msg, SOUP_STATUS_OK, object);
}

static void
hy_relay_handle_enroll (HyRelayServer *self, SoupServerMessage *msg)
{
	g_autoptr (JsonObject) body = hy_relay_read_body (msg);
	g_autoptr (JsonObject) answer = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *store_id = NULL;
	g_autofree gchar *terminal_id = NULL;
	g_autofree gchar *secret = NULL;
	const gchar *token;

	if (body == NULL)
		return;
	token = json_object_get_string_member_with_default (body, "token", NULL);
	if (token == NULL) {
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
				      _ ("“token” must be the enrolment token, a string"));
		return;
	}
	if (!hy_enrol_redeem (self->db, token, &store_id, &terminal_id, &secret, &error)) {
		hy_relay_reply_gerror (msg, error);
		return;
	}
	g_message ("enrolled terminal %s of store %s", terminal_id, store_id);
	answer = json_object_new ();
	json_object_set_string_member (answer, "store_id", store_id);
	json_object_set_string_member (answer, "terminal_id", terminal_id);
	json_object_set_string_member (answer, "secret", secret);
	json_object_set_string_member (answer, "epoch", self->epoch);
	hy_relay_reply (msg, SOUP_STATUS_OK, answer);
}

static void
hy_relay_wake (HyRelayServer *self);

typedef struct _HyRelayPush HyRelayPush;

static void
hy_relay_push_queue (HyRelayServer *self,
		     SoupServerMessage *msg,
		     const gchar *store_id,
		     GPtrArray *changes,
		     gboolean rebase);

static void
hy_relay_handle_push (HyRelayServer *self, SoupServerMessage *msg)
{
	g_autofree gchar *store_id = hy_relay_authenticate (self, msg);
	g_autoptr (JsonObject) body = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (GError) error = NULL;
	JsonNode *list;
	const gchar *epoch;
	gboolean rebase;

	if (store_id == NULL)
		return;
	body = hy_relay_read_body (msg);
	if (body == NULL)
		return;
	epoch = json_object_get_string_member_with_default (body, "epoch", NULL);
	if (epoch == NULL || g_strcmp0 (epoch, self->epoch) != 0) {
		/* the store learns the epoch from the refusal and re-pushes what it has */
		g_autoptr (JsonObject) refusal = json_object_new ();
		g_autofree gchar *text = g_strdup_printf (
			_ ("the push names relay epoch %s but this relay is at epoch %s"),
			epoch != NULL ? epoch : "?", self->epoch);
		json_object_set_string_member (refusal, "error", text);
		json_object_set_string_member (refusal, "epoch", self->epoch);
		hy_relay_reply (msg, SOUP_STATUS_CONFLICT, refusal);
		return;
	}
	rebase = json_object_get_boolean_member_with_default (body, "rebase", FALSE);
	list = json_object_get_member (body, "changes");
	if (list != NULL && JSON_NODE_HOLDS_ARRAY (list) &&
	    json_array_get_length (json_node_get_array (list)) > HY_RELAY_MAX_BATCH) {
		g_autofree gchar *text = g_strdup_printf (_ ("a push carries at most %d changes"),
							  HY_RELAY_MAX_BATCH);
		hy_relay_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, text);
		return;
	}
	/* the whole batch is checked for shape before anything is written */
	changes = hy_relay_parse_changes (list, store_id, &error);
	if (changes == NULL) {
		hy_relay_reply_gerror (msg, error);
		return;
	}
	hy_relay_push_queue (self, msg, store_id, changes, rebase);
}

/* ---- group commit: pushes that arrive together share one transaction ------------------- */

struct _HyRelayPush {
	HyRelayServer *server;
	SoupServerMessage *msg;
	gulong finished_id;
	gboolean gone; /* the client went away: applied all the same, not answered */
	gchar *store_id;
	GPtrArray *changes;
	gboolean rebase;
	gint64 acked;
	guint logged;
	GError *error;
};

static void
hy_relay_push_free (HyRelayPush *push)
{
	if (push->finished_id != 0)
		g_signal_handler_disconnect (push->msg, push->finished_id);
	g_object_unref (push->msg);
	g_free (push->store_id);
	g_ptr_array_unref (push->changes);
	g_clear_error (&push->error);
	g_free (push);
}

static void
hy_relay_push_finished (SoupServerMessage *msg, gpointer user_data)
{
	HyRelayPush *push = user_data;
	push->gone = TRUE;
}

static void
hy_relay_push_answer (HyRelayPush *push)
{
	HyRelayServer *self = push->server;
	g_autoptr (JsonObject) answer = NULL;
	g_autofree gchar *acked_text = NULL;

	if (push->gone)
		return;
	if (push->error != NULL) {
		hy_relay_reply_gerror (push->msg, push->error);
	} else {
		answer = json_object_new ();
		acked_text = g_strdup_printf ("%" PRId64, push->acked);
		json_object_set_string_member (answer, "epoch", self->epoch);
		json_object_set_string_member (answer, "acked_seq", acked_text);
		hy_relay_reply (push->msg, SOUP_STATUS_OK, answer);
	}
	soup_server_message_unpause (push->msg);
}

/* Applies the queued pushes, each in a savepoint of one transaction, so one commit (one
 * fsync) serves them all: a store's push is answered, acknowledged, only after it. A
 * refused push rolls back alone. */
static gboolean
hy_relay_push_group (gpointer user_data)
{
	HyRelayServer *self = user_data;
	g_autoptr (GPtrArray) pushes = g_steal_pointer (&self->pushes);
	g_autoptr (HyTxn) txn = NULL;
	g_autoptr (GError) error = NULL;
	guint logged = 0;

	self->pushes = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_relay_push_free);
	self->group_id = 0;
	txn = hy_db_begin (self->db, &error);
	for (guint i = 0; txn != NULL && i < pushes->len; i++) {
		HyRelayPush *push = pushes->pdata[i];
		if (hy_relay_ingest (self->db, push->store_id, push->changes, push->rebase,
				     &push->acked, &push->logged, &push->error)) {
			g_debug ("store %s pushed %u changes, %u logged, acked %" PRId64,
				 push->store_id, push->changes->len, push->logged, push->acked);
			logged += push->logged;
			continue;
		}
		g_message ("refused a push from store %s: %s", push->store_id,
			   push->error->message);
		if (g_error_matches (push->error, HY_ERROR, HY_ERROR_CONFLICT))
			hy_relay_alarm (self->db, push->store_id, NULL, NULL, push->error->message);
	}
	if (txn != NULL && !hy_txn_commit (txn, &error))
		g_clear_pointer (&txn, hy_txn_free);
	for (guint i = 0; i < pushes->len; i++) {
		HyRelayPush *push = pushes->pdata[i];
		/* nothing is acknowledged that was not committed */
		if (txn == NULL && push->error == NULL)
			push->error = g_error_copy (error);
		hy_relay_push_answer (push);
	}
	if (txn != NULL && logged > 0)
		hy_relay_wake (self);
	return G_SOURCE_REMOVE;
}

/* Holds a checked push for the group that runs once the requests at hand are read. */
static void
hy_relay_push_queue (HyRelayServer *self,
		     SoupServerMessage *msg,
		     const gchar *store_id,
		     GPtrArray *changes,
		     gboolean rebase)
{
	HyRelayPush *push = g_new0 (HyRelayPush, 1);

	push->server = self;
	push->msg = g_object_ref (msg);
	push->store_id = g_strdup (store_id);
	push->changes = g_ptr_array_ref (changes);
	push->rebase = rebase;
	push->finished_id =
		g_signal_connect (msg, "finished", G_CALLBACK (hy_relay_push_finished), push);
	soup_server_message_pause (msg);
	g_ptr_array_add (self->pushes, push);
	/* idle, so every request already readable joins the group; a full group goes now
	 * so a steady stream of requests cannot hold it back */
	if (self->pushes->len >= HY_RELAY_GROUP_MAX) {
		g_clear_handle_id (&self->group_id, g_source_remove);
		hy_relay_push_group (self);
	} else if (self->group_id == 0) {
		self->group_id = g_idle_add (hy_relay_push_group, self);
	}
}

/* Replies to a pull when there is something to send, or when `force`; FALSE when it
 * should keep waiting. */
static gboolean
hy_relay_answer_pull (HyRelayServer *self,
		      SoupServerMessage *msg,
		      const gchar *store_id,
		      gint64 since,
		      guint limit,
		      gboolean force)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) rows = NULL;
	g_autoptr (JsonArray) requests = NULL;
	g_autoptr (JsonObject) answer = NULL;
	g_autofree gchar *next_text = NULL;
	gint64 next = since;

	rows = hy_relay_pull (self->db, store_id, since, limit, &next, &error);
	if (rows != NULL)
		requests = hy_escrow_requests (self->db, store_id, &error);
	if (rows == NULL || requests == NULL) {
		hy_relay_reply_gerror (msg, error);
		return TRUE;
	}
	/* nothing for this store, but the cursor moved past others' rows: say so */
	if (json_array_get_length (rows) == 0 && json_array_get_length (requests) == 0 &&
	    next == since && !force)
		return FALSE;
	/* slices other stores could not be authorised for: the store gives them back */
	if (json_array_get_length (requests) > 0 &&
	    !hy_escrow_requests_told (self->db, store_id, &error)) {
		hy_relay_reply_gerror (msg, error);
		return TRUE;
	}
	answer = json_object_new ();
	if (json_array_get_length (requests) > 0)
		json_object_set_array_member (answer, "release", g_steal_pointer (&requests));
	next_text = g_strdup_printf ("%" PRId64, next);
	json_object_set_string_member (answer, "epoch", self->epoch);
	json_object_set_string_member (answer, "next", next_text);
	json_object_set_array_member (answer, "changes", g_steal_pointer (&rows));
	hy_relay_reply (msg, SOUP_STATUS_OK, answer);
	return TRUE;
}

static void
hy_relay_wait_free (HyRelayWait *wait)
{
	if (wait->timeout_id != 0)
		g_source_remove (wait->timeout_id);
	if (wait->finished_id != 0)
		g_signal_handler_disconnect (wait->msg, wait->finished_id);
	g_object_unref (wait->msg);
	g_free (wait->store_id);
	g_free (wait);
}

static void
hy_relay_wait_end (HyRelayWait *wait, gboolean answer)
{
	HyRelayServer *self = wait->server;
	self->waiting = g_list_remove (self->waiting, wait);
	if (answer) {
		hy_relay_answer_pull (self, wait->msg, wait->store_id, wait->since, wait->limit,
				      TRUE);
		soup_server_message_unpause (wait->msg);
	}
	hy_relay_wait_free (wait);
}

static gboolean
hy_relay_wait_timeout (gpointer user_data)
{
	HyRelayWait *wait = user_data;
	wait->timeout_id = 0;
	hy_relay_wait_end (wait, TRUE);
	return G_SOURCE_REMOVE;
}

static void
hy_relay_wait_finished (SoupServerMessage *msg, gpointer user_data)
{
	/* the client went away */
	hy_relay_wait_end (user_data, FALSE);
}

static void
hy_relay_wake (HyRelayServer *self)
{
	GList *waiting = g_list_copy (self->waiting);
	for (GList *l = waiting; l != NULL; l = l->next) {
		HyRelayWait *wait = l->data;
		if (hy_relay_answer_pull (self, wait->msg, wait->store_id, wait->since, wait->limit,
					  FALSE)) {
			self->waiting = g_list_remove (self->waiting, wait);
			soup_server_message_unpause (wait->msg);
			hy_relay_wait_free (wait);
		}
	}
	g_list_free (waiting);
}

static void
hy_relay_handle_pull (HyRelayServer *self, SoupServerMessage *msg, GHashTable *query)
{
	g_autofree gchar *store_id = hy_relay_authenticate (self, msg);
	g_autoptr (GError) error = NULL;
	HyRelayWait *wait;
	gint64 since = 0;
	gint64 wait_s = 0;
	gint64 limit = 0;

	if (store_id == NULL)
		return;
	if (!hy_relay_query_int (query, "since", 0, G_MAXINT64, &since, msg) ||
	    !hy_relay_query_int (query, "wait", 0, HY_RELAY_MAX_WAIT, &wait_s, msg) ||
	    !hy_relay_query_int (query, "limit", HY_RELAY_MAX_BATCH, HY_RELAY_MAX_BATCH, &limit,
				 msg))
		return;
	hy_relay_drain (self);
	if (!hy_relay_touch_peer (self->db, store_id, since, &error)) {
		hy_relay_reply_gerror (msg, error);
		return;
	}
	if (hy_relay_answer_pull (self, msg, store_id, since, (guint) MAX (limit, 1), wait_s == 0))
		return;
	/* nothing yet: answer when a change arrives, or when the wait is over */
	wait = g_new0 (HyRelayWait, 1);
	wait->server = self;
	wait->msg = g_object_ref (msg);
	wait->store_id = g_steal_pointer (&store_id);
	wait->since = since;
	wait->limit = (guint) MAX (limit, 1);
	wait->timeout_id = g_timeout_add_seconds ((guint) wait_s, hy_relay_wait_timeout, wait);
	wait->finished_id =
		g_signal_connect (msg, "finished", G_CALLBACK (hy_relay_wait_finished), wait);
	self->waiting = g_list_prepend (self->waiting, wait);
	soup_server_message_pause (msg);
}

static void
hy_relay_handle_snapshot (HyRelayServer *self, SoupServerMessage *msg)
{
	g_autofree gchar *store_id = hy_relay_authenticate (self, msg);
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonArray) rows = NULL;
	g_autoptr (JsonObject) answer = NULL;
	g_autofree gchar *mark_text = NULL;
	gint64 mark = 0;

	if (store_id == NULL)
		return;
	hy_relay_drain (self);
	rows = hy_relay_snapshot (self->db, store_id, &mark, &error);
	if (rows == NULL) {
		hy_relay_reply_gerror (msg, error);
		return;
	}
	g_message ("snapshot of %u rows for store %s at relay_seq %" PRId64,
		   json_array_get_length (rows), store_id, mark);
	answer = json_object_new ();
	mark_text = g_strdup_printf ("%" PRId64, mark);
	json_object_set_string_member (answer, "epoch", self->epoch);
	json_object_set_string_member (answer, "mark", mark_text);
	json_object_set_array_member (answer, "changes", g_steal_pointer (&rows));
	hy_relay_reply (msg, SOUP_STATUS_OK, answer);
}

/* A string member that must be there: replies 400 naming it and returns NULL. */
static const gchar *
hy_relay_require_string (JsonObject *body, const gchar *name, SoupServerMessage *msg)
{
	const gchar *text = json_object_get_string_member_with_default (body, name, NULL);
	if (text == NULL) {
		g_autofree gchar *message = g_strdup_printf (_ ("“%s” must be a string"), name);
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST, message);
	}
	return text;
}

/* The escrow row `id` as a change from HQ, for the store that asked for it. */
static HyChange *
hy_relay_grant_change (HyDb *db, const gchar *id, const gchar *payload, GError **error)
{
	g_autoptr (JsonNode) node = json_from_string (payload, error);
	g_autoptr (HyChange) change = g_new0 (HyChange, 1);
	JsonNode *hlc;

	if (node == NULL)
		return NULL;
	if (!JSON_NODE_HOLDS_OBJECT (node)) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("escrow row %s cannot be read"),
			     id);
		return NULL;
	}
	change->payload = json_object_ref (json_node_get_object (node));
	hlc = json_object_get_member (change->payload, "hlc");
	change->hlc = hlc == NULL ? 0
		      : json_node_get_value_type (hlc) == G_TYPE_STRING
			      ? g_ascii_strtoll (json_node_get_string (hlc), NULL, 10)
			      : json_node_get_int (hlc);
	change->origin = hy_db_meta_get (db, "store_id");
	change->id = g_strdup (id);
	change->table = g_strdup ("escrow_entries");
	change->op = HY_CHANGE_INSERT;
	return g_steal_pointer (&change);
}

/* Online authorisation of a debit (hy-escrow.h): grants the store's slice at least the
 * amount it lacks, and answers the grant as a change for it to apply at once. */
static void
hy_relay_handle_authorize (HyRelayServer *self, SoupServerMessage *msg)
{
	g_autofree gchar *store_id = hy_relay_authenticate (self, msg);
	g_autoptr (JsonObject) body = NULL;
	g_autoptr (JsonObject) answer = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyChange) change = NULL;
	g_autofree gchar *payload = NULL;
	g_autofree gchar *granted_text = NULL;
	const gchar *id, *card_id, *account_text, *item, *amount_text;
	HyAccount account = HY_ACCOUNT_MONEY;
	guint64 amount = 0;
	gint64 granted = 0;

	if (store_id == NULL)
		return;
	body = hy_relay_read_body (msg);
	if (body == NULL)
		return;
	if ((id = hy_relay_require_string (body, "id", msg)) == NULL ||
	    (card_id = hy_relay_require_string (body, "card_id", msg)) == NULL ||
	    (account_text = hy_relay_require_string (body, "account", msg)) == NULL ||
	    (item = hy_relay_require_string (body, "item", msg)) == NULL ||
	    (amount_text = hy_relay_require_string (body, "amount", msg)) == NULL)
		return;
	if (!hy_id_is_valid (id)) {
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST, _ ("“id” must be a UUID"));
		return;
	}
	if (!hy_account_from_string (account_text, &account) || account == HY_ACCOUNT_TIME) {
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
				      _ ("“account” must be money, points or count"));
		return;
	}
	if (!g_ascii_string_to_unsigned (amount_text, 10, 1, G_MAXINT64, &amount, NULL)) {
		hy_relay_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
				      _ ("“amount” must be a positive whole number in a string"));
		return;
	}
	if (!hy_escrow_authorize (self->db, store_id, id, card_id, account, item, (gint64) amount,
				  &granted, &error)) {
		g_message ("refused an authorisation for store %s: %s", store_id, error->message);
		hy_relay_reply_gerror (msg, error);
		/* the holders waiting in a long-poll hear of the release request now */
		hy_relay_wake (self);
		return;
	}
	payload = hy_outbox_payload (self->db, "escrow_entries", id, &error);
	change = payload != NULL ? hy_relay_grant_change (self->db, id, payload, &error) : NULL;
	if (change == NULL) {
		hy_relay_reply_gerror (msg, error);
		return;
	}
	/* into the log now, so every store learns of the grant with the next pull */
	hy_relay_drain (self);
	answer = json_object_new ();
	granted_text = g_strdup_printf ("%" PRId64, granted);
	json_object_set_string_member (answer, "epoch", self->epoch);
	json_object_set_string_member (answer, "granted", granted_text);
	json_object_set_member (answer, "change", hy_change_to_json (change));
	hy_relay_reply (msg, SOUP_STATUS_OK, answer);
}

static void
hy_relay_handle (SoupServer *server,
		 SoupServerMessage *msg,
		 const char *path,
		 GHashTable *query,
		 gpointer user_data)
{
	HyRelayServer *self = user_data;
	const gchar *method = soup_server_message_get_method (msg);
	g_autofree gchar *epoch = hy_db_meta_get (self->db, "relay_epoch");
	static const struct {
		const gchar *path;
		const gchar *method;
	} routes[] = {
		{"/v1/health", "GET"}, {"/v1/enroll", "POST"},	{"/v1/push", "POST"},
		{"/v1/pull", "GET"},   {"/v1/snapshot", "GET"}, {"/v1/authorize", "POST"},
	};
	guint r;

	/* libsoup before 3.3 never closes a kept-alive connection that the client closed
	 * (its fix d20c6601), so a relay serving many stores would run out of descriptors:
	 * there every answer closes its connection */
	if (soup_get_major_version () == 3 && soup_get_minor_version () < 3)
		soup_message_headers_replace (soup_server_message_get_response_headers (msg),
					      "Connection", "close");

	/* a restore (huiyuan-admin restore) gives the database a new epoch under us */
	if (epoch != NULL && g_strcmp0 (epoch, self->epoch) != 0) {
		g_message ("the database is at relay epoch %s now", epoch);
		g_free (self->epoch);
		self->epoch = g_steal_pointer (&epoch);
	}
	for (r = 0; r < G_N_ELEMENTS (routes); r++) {
		if (g_strcmp0 (routes[r].path, path) == 0)
			break;
	}
	if (r == G_N_ELEMENTS (routes)) {
		hy_relay_reply_error (msg, SOUP_STATUS_NOT_FOUND, _ ("no such endpoint"));
		return;
	}
	if (g_strcmp0 (routes[r].method, method) != 0) {
		g_autofree gchar *text =
			g_strdup_printf (_ ("%s takes %s, not %s"), path, routes[r].method, method);
		soup_message_headers_replace (soup_server_message_get_response_headers (msg),
					      "Allow", routes[r].method);
		hy_relay_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, text);
		return;
	}
	switch (r) {
	case 0:
		hy_relay_handle_health (self, msg);
		break;
	case 1:
		hy_relay_handle_enroll (self, msg);
		break;
	case 2:
		hy_relay_handle_push (self, msg);
		break;
	case 3:
		hy_relay_handle_pull (self, msg, query);
		break;
	case 4:
		hy_relay_handle_snapshot (self, msg);
		break;
	default:
		hy_relay_handle_authorize (self, msg);
		break;
	}
}

/* ---- HQ's own writes ------------------------------------------------------------------------ */

static void
hy_relay_drain (HyRelayServer *self)
{
	g_autoptr (GError) error = NULL;
	guint logged = 0;
	if (!hy_relay_drain_local (self->db, &logged, &error)) {
		g_warning ("cannot move HQ’s changes to the relay log: %s", error->message);
		return;
	}
	if (logged > 0) {
		g_debug ("%u changes made at HQ logged", logged);
		hy_relay_wake (self);
	}
}

static gboolean
hy_relay_drain_tick (gpointer user_data)
{
	hy_relay_drain (user_data);
	return G_SOURCE_CONTINUE;
}

/* ---- the object ---------------------------------------------------------------------------- */

static void
hy_relay_server_dispose (GObject *object)
{
	HyRelayServer *self = HY_RELAY_SERVER (object);
	while (self->waiting != NULL)
		hy_relay_wait_end (self->waiting->data, FALSE);
	if (self->drain_id != 0) {
		g_source_remove (self->drain_id);
		self->drain_id = 0;
	}
	/* pushes not yet committed were not acknowledged: their stores push them again */
	g_clear_handle_id (&self->group_id, g_source_remove);
	g_clear_pointer (&self->pushes, g_ptr_array_unref);
	if (self->server != NULL)
		soup_server_disconnect (self->server);
	g_clear_object (&self->server);
	g_clear_object (&self->db);
	G_OBJECT_CLASS (hy_relay_server_parent_class)->dispose (object);
}

static void
hy_relay_server_finalize (GObject *object)
{
	HyRelayServer *self = HY_RELAY_SERVER (object);
	g_free (self->epoch);
	G_OBJECT_CLASS (hy_relay_server_parent_class)->finalize (object);
}

static void
hy_relay_server_class_init (HyRelayServerClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = hy_relay_server_dispose;
	G_OBJECT_CLASS (klass)->finalize = hy_relay_server_finalize;
}

static void
hy_relay_server_init (HyRelayServer *self)
{
	self->pushes = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_relay_push_free);
}

HyRelayServer *
hy_relay_server_new (HyDb *db, GTlsCertificate *tls, GError **error)
{
	g_autoptr (HyRelayServer) self = g_object_new (HY_TYPE_RELAY_SERVER, NULL);
	g_autoptr (HyStore) local = NULL;

	self->db = g_object_ref (db);
	self->epoch = hy_relay_get_epoch (db, error);
	if (self->epoch == NULL)
		return NULL;
	self->server = soup_server_new ("server-header", "huiyuan-relay/" PACKAGE_VERSION " ",
					"tls-certificate", tls, NULL);
	soup_server_add_handler (self->server, "/v1", hy_relay_handle, self, NULL);
	hy_relay_drain (self);
	self->drain_id = g_timeout_add (HY_RELAY_DRAIN_MS, hy_relay_drain_tick, self);
	return g_steal_pointer (&self);
}

gboolean
hy_relay_server_listen (HyRelayServer *self, const gchar *host, guint port, GError **error)
{
	g_autoptr (GInetAddress) address = NULL;
	g_autoptr (GSocketAddress) socket_address = NULL;
	g_autoptr (GSocket) listener = NULL;
	gboolean tls = soup_server_get_tls_certificate (self->server) != NULL;

	if (g_strcmp0 (host, "localhost") == 0)
		address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	else
		address = g_inet_address_new_from_string (host);
	if (address == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“%s” is not an IP address to listen on"), host);
		return FALSE;
	}
	if (!tls && !g_inet_address_get_is_loopback (address)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("plain HTTP is allowed only on a loopback address; give "
				"--tls-cert and --tls-key to listen on %s"),
			     host);
		return FALSE;
	}
	socket_address = g_inet_socket_address_new (address, (guint16) port);
	/* our own socket for a longer accept queue than GSocket's 10: hundreds of stores
	 * connect at once (and reconnect, see hy_relay_handle), and a connection that finds
	 * the queue full waits a second or more for the SYN to be sent again */
	listener = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
				 G_SOCKET_PROTOCOL_TCP, error);
	if (listener == NULL)
		return FALSE;
	g_socket_set_listen_backlog (listener, HY_RELAY_LISTEN_BACKLOG);
	if (!g_socket_bind (listener, socket_address, TRUE, error) ||
	    !g_socket_listen (listener, error))
		return FALSE;
	return soup_server_listen_socket (self->server, listener,
					  tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

gchar *
hy_relay_server_get_url (HyRelayServer *self)
{
	GSList *uris = soup_server_get_uris (self->server);
	gchar *url = NULL;
	if (uris != NULL) {
		GUri *uri = uris->data;
		const gchar *host = g_uri_get_host (uri);
		gboolean v6 = strchr (host, ':') != NULL;
		url = g_strdup_printf ("%s://%s%s%s:%d", g_uri_get_scheme (uri), v6 ? "[" : "",
				       host, v6 ? "]" : "", g_uri_get_port (uri));
	}
	g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
	return url;
}
