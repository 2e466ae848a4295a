#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hy-demo.h"
#include "hy-error.h"
#include "hy-rules-store.h"
#include "hy-session.h"

struct _HySession {
	GObject parent_instance;
	gchar *db_path;
	gboolean create_demo;
	GThreadPool *worker; /* one thread: the only user of `db` */
	HyDb *db;	     /* opened by the first job */
	HyActor *actor;
	HyStore *store;
};

G_DEFINE_TYPE (HySession, hy_session, G_TYPE_OBJECT)

typedef struct {
	HySessionJob job;
	gpointer data;
	GDestroyNotify data_free;
	GDestroyNotify result_free;
} HySessionCall;

static void
hy_session_call_free (HySessionCall *call)
{
	if (call->data_free != NULL && call->data != NULL)
		call->data_free (call->data);
	g_free (call);
}

/* What the demo store's till applies: hy-demo's levels with their coefficients, a
 * household-goods category discount and a birthday-month bonus. */
static const gchar hy_session_demo_rules[] =
	"{\"categories\": [{\"name\": \"日化\", \"points_bp\": 10000, \"discount_bp\": 9000}],"
	" \"stores\": {\"DEMO\": {\"use_level_points\": true, \"use_level_discount\": true,"
	" \"use_item_points\": true, \"use_item_discount\": true,"
	" \"birthday\": {\"mode\": \"month\", \"points_bp\": 20000, \"discount_bp\": 9500}}}}";

gboolean
hy_session_create_demo_store (const gchar *path, guint n_members, GError **error)
{
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) admin = NULL;
	g_autofree gchar *dir = g_path_get_dirname (path);
	g_autofree gchar *partial = g_strconcat (path, ".partial", NULL);

	if (g_mkdir_with_parents (dir, 0700) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot create folder %s: %s"),
			     dir, g_strerror (errno));
		return FALSE;
	}
	/* built under another name and renamed: a crash never leaves half a store */
	for (guint i = 0; i < 3; i++) {
		const gchar *suffixes[] = {"", "-wal", "-shm"};
		g_autofree gchar *stale = g_strconcat (partial, suffixes[i], NULL);
		g_unlink (stale);
	}
	db = hy_db_open (partial, HY_DB_OPEN_CREATE, error);
	if (db == NULL ||
	    !hy_store_init (db, "DEMO", _ ("Demo store"), FALSE, HY_SESSION_DEMO_PASSWORD, error))
		return FALSE;
	admin = hy_actor_login (db, "admin", HY_SESSION_DEMO_PASSWORD, error);
	if (admin == NULL || !hy_demo_generate (db, admin, n_members, 1, error) ||
	    !hy_rules_import (db, admin, hy_session_demo_rules, -1, NULL, error))
		return FALSE;
	if (!hy_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", error))
		return FALSE;
	g_clear_object (&db);
	if (g_rename (partial, path) != 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_FAILED, _ ("cannot rename %s: %s"), partial,
			     g_strerror (errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_session_ensure_db (HySession *self, GError **error)
{
	if (self->db != NULL)
		return TRUE;
	if (self->create_demo && !g_file_test (self->db_path, G_FILE_TEST_EXISTS)) {
		g_debug ("creating the demo store in %s", self->db_path);
		if (!hy_session_create_demo_store (self->db_path, HY_SESSION_DEMO_MEMBERS, error))
			return FALSE;
	}
	self->db = hy_db_open (self->db_path, HY_DB_OPEN_EXISTING, error);
	if (self->db == NULL) {
		g_prefix_error (error, "%s: ", self->db_path);
		return FALSE;
	}
	/* a till reads a few pages per lookup: the kernel's page cache serves them as
	 * fast, without every page ever touched counting in the app's resident memory */
	if (!hy_db_exec (self->db, "PRAGMA mmap_size = 0", error)) {
		g_clear_object (&self->db);
		return FALSE;
	}
	return TRUE;
}

static void
hy_session_worker_func (gpointer data, gpointer user_data)
{
	g_autoptr (GTask) task = data;
	HySession *self = g_task_get_source_object (task);
	HySessionCall *call = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	gpointer result;

	if (g_task_return_error_if_cancelled (task))
		return;
	if (!hy_session_ensure_db (self, &error)) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	result = call->job (self, self->db, call->data, &error);
	if (error != NULL) {
		if (result != NULL && call->result_free != NULL)
			call->result_free (result);
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	g_task_return_pointer (task, result, call->result_free);
}

void
hy_session_run_async (HySession *self,
		      HySessionJob job,
		      gpointer data,
		      GDestroyNotify data_free,
		      GDestroyNotify result_free,
		      GCancellable *cancellable,
		      GAsyncReadyCallback callback,
		      gpointer user_data)
{
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	HySessionCall *call = g_new0 (HySessionCall, 1);
	call->job = job;
	call->data = data;
	call->data_free = data_free;
	call->result_free = result_free;
	g_task_set_source_tag (task, hy_session_run_async);
	g_task_set_task_data (task, call, (GDestroyNotify) hy_session_call_free);
	g_thread_pool_push (self->worker, task, NULL);
}

gpointer
hy_session_run_finish (HySession *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, self), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- open ---- */

static gpointer
hy_session_open_job (HySession *self, HyDb *db, gpointer data, GError **error)
{
	return hy_store_get_local (db, error);
}

static void
hy_session_open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	HySession *self = HY_SESSION (source);
	g_autoptr (GTask) task = user_data;
	GError *error = NULL;
	HyStore *store = hy_session_run_finish (self, result, &error);
	if (store == NULL) {
		g_task_return_error (task, error);
		return;
	}
	g_clear_pointer (&self->store, hy_store_free);
	self->store = store;
	g_task_return_boolean (task, TRUE);
}

void
hy_session_open_async (HySession *self,
		       GCancellable *cancellable,
		       GAsyncReadyCallback callback,
		       gpointer user_data)
{
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	g_task_set_source_tag (task, hy_session_open_async);
	hy_session_run_async (self, hy_session_open_job, NULL, NULL, (GDestroyNotify) hy_store_free,
			      cancellable, hy_session_open_cb, task);
}

gboolean
hy_session_open_finish (HySession *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- login ---- */

typedef struct {
	gchar *login;
	gchar *password;
} HySessionLogin;

static void
hy_session_login_free (HySessionLogin *login)
{
	g_free (login->login);
	if (login->password != NULL) {
		memset (login->password, 0, strlen (login->password));
		g_free (login->password);
	}
	g_free (login);
}

static gpointer
hy_session_login_job (HySession *self, HyDb *db, gpointer data, GError **error)
{
	HySessionLogin *login = data;
	return hy_actor_login (db, login->login, login->password, error);
}

static void
hy_session_login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	HySession *self = HY_SESSION (source);
	g_autoptr (GTask) task = user_data;
	GError *error = NULL;
	HyActor *actor = hy_session_run_finish (self, result, &error);
	if (actor == NULL) {
		g_task_return_error (task, error);
		return;
	}
	/* set once, before any job that reads it is queued */
	g_clear_pointer (&self->actor, hy_actor_free);
	self->actor = actor;
	g_task_return_boolean (task, TRUE);
}

void
hy_session_login_async (HySession *self,
			const gchar *login,
			const gchar *password,
			GCancellable *cancellable,
			GAsyncReadyCallback callback,
			gpointer user_data)
{
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	HySessionLogin *data = g_new0 (HySessionLogin, 1);
	data->login = g_strdup (login);
	data->password = g_strdup (password);
	g_task_set_source_tag (task, hy_session_login_async);
	hy_session_run_async (
		self, hy_session_login_job, data, (GDestroyNotify) hy_session_login_free,
		(GDestroyNotify) hy_actor_free, cancellable, hy_session_login_cb, task);
}

gboolean
hy_session_login_finish (HySession *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- object ---- */

const gchar *
hy_session_get_db_path (HySession *self)
{
	return self->db_path;
}

const HyActor *
hy_session_get_actor (HySession *self)
{
	return self->actor;
}

const HyStore *
hy_session_get_store (HySession *self)
{
	return self->store;
}

static void
hy_session_finalize (GObject *object)
{
	HySession *self = HY_SESSION (object);
	/* waits for the job in progress: it holds no reference, the task does */
	g_thread_pool_free (self->worker, FALSE, TRUE);
	g_clear_object (&self->db);
	g_clear_pointer (&self->actor, hy_actor_free);
	g_clear_pointer (&self->store, hy_store_free);
	g_free (self->db_path);
	G_OBJECT_CLASS (hy_session_parent_class)->finalize (object);
}

static void
hy_session_class_init (HySessionClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = hy_session_finalize;
}

static void
hy_session_init (HySession *self)
{
	self->worker = g_thread_pool_new (hy_session_worker_func, self, 1, FALSE, NULL);
}

HySession *
hy_session_new (const gchar *db_path, gboolean create_demo)
{
	HySession *self = g_object_new (HY_TYPE_SESSION, NULL);
	self->db_path = g_strdup (db_path);
	self->create_demo = create_demo;
	return self;
}
