/* Huiyuan UI tests: a real store on disk, a signed-in session, the real widgets. */
#pragma once

#include <gtk/gtk.h>

#include "hy-application.h"
#include "hy-db.h"
#include "hy-session.h"
#include "hy-window.h"

G_BEGIN_DECLS

#define HY_UI_TEST_PIN	   "2468"
#define HY_UI_TEST_BALANCE 10000 /* fen added to the test member's card */

typedef struct {
	gchar *dir;
	gchar *db_path;
	gchar *phone; /* demo member 0 */
	gchar *card;  /* their card, with PIN HY_UI_TEST_PIN */
	gchar *card_id;
	GtkApplication *app;
	HySession *session;
	HyWindow *window;
} HyUiTest;

/* gtk_init, locale and the app's CSS; call after g_test_init. */
void
hy_ui_test_init (int *argc, char ***argv);
/* A demo store with `n_members` members, the first with stored value and a PIN; the app
 * registered, the session signed in as admin, the main window shown. */
HyUiTest *
hy_ui_test_new (guint n_members);
void
hy_ui_test_free (HyUiTest *test);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyUiTest, hy_ui_test_free)

/* Runs the main loop until nothing is pending and the page has no job in flight. */
void
hy_ui_test_settle (HyUiTest *test);
void
hy_ui_test_iterate (void);
/* A template child bound by name. */
GtkWidget *
hy_ui_test_child (gpointer widget, GType type, const gchar *name);
/* A second connection for checking what the app wrote. */
HyDb *
hy_ui_test_open_db (HyUiTest *test);
gint64
hy_ui_test_query_int (HyDb *db, const gchar *sql);

G_END_DECLS
