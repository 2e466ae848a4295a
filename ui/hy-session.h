/* Huiyuan UI: one signed-in session on one store database.
 *
 * Threading: HyDb is not thread-safe (its statement cache and transaction depth are
 * plain fields), so the session owns ONE connection and runs every piece of database
 * work on a single worker thread, one job after another, in the order they were
 * started. The main thread never touches the HyDb, so the window never waits for
 * disk, argon2 or a long query; jobs never race each other, so a lookup can never see
 * half a sale. The operator (HyActor) and store are set once at sign-in and only read
 * afterwards. */
#pragma once

#include <gio/gio.h>

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_SESSION (hy_session_get_type ())
G_DECLARE_FINAL_TYPE (HySession, hy_session, HY, SESSION, GObject)

/* The admin password of a demo store created by --demo (as `huiyuan-admin demo`). */
#define HY_SESSION_DEMO_PASSWORD "huiyuan"
#define HY_SESSION_DEMO_MEMBERS	 200

/* Creates the demo store of --demo at `path` (which must not exist): store DEMO, admin
 * password HY_SESSION_DEMO_PASSWORD, `n_members` demo members (hy-demo) and rules that
 * switch on level, item and birthday discounts and points so the cashier page has
 * something to explain. */
gboolean
hy_session_create_demo_store (const gchar *path, guint n_members, GError **error);

/* `create_demo`: when `db_path` does not exist, create it as the demo store first. */
HySession *
hy_session_new (const gchar *db_path, gboolean create_demo);
const gchar *
hy_session_get_db_path (HySession *self);

/* Runs on the worker thread with the session's database; returns the result (or NULL
 * with `error` set). `data` is the job's input. */
typedef gpointer (*HySessionJob) (HySession *self, HyDb *db, gpointer data, GError **error);

void
hy_session_run_async (HySession *self,
		      HySessionJob job,
		      gpointer data,
		      GDestroyNotify data_free,
		      GDestroyNotify result_free,
		      GCancellable *cancellable,
		      GAsyncReadyCallback callback,
		      gpointer user_data);
gpointer
hy_session_run_finish (HySession *self, GAsyncResult *result, GError **error);

/* Opens (creating the demo store when asked) and reads the local store: for the
 * sign-in dialog. */
void
hy_session_open_async (HySession *self,
		       GCancellable *cancellable,
		       GAsyncReadyCallback callback,
		       gpointer user_data);
gboolean
hy_session_open_finish (HySession *self, GAsyncResult *result, GError **error);

/* Checks the operator's password (argon2id, slow on purpose: on the worker). */
void
hy_session_login_async (HySession *self,
			const gchar *login,
			const gchar *password,
			GCancellable *cancellable,
			GAsyncReadyCallback callback,
			gpointer user_data);
gboolean
hy_session_login_finish (HySession *self, GAsyncResult *result, GError **error);

/* NULL until signed in / opened. */
const HyActor *
hy_session_get_actor (HySession *self);
const HyStore *
hy_session_get_store (HySession *self);

G_END_DECLS
