/* Huiyuan UI: the dialogs of a card's less frequent operations: merge another card into
 * this one, extend the expiry, recycle (refunding the stored value shown), change or
 * reset the password, set or change the spending PIN. The rules and permissions are
 * hy-card's; the dialog runs the call on the session's worker and stays open with the
 * reason in its info bar when the core refuses. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"
#include "hy-till.h"

G_BEGIN_DECLS

typedef enum {
	HY_CARD_DIALOG_MERGE,
	HY_CARD_DIALOG_EXTEND,
	HY_CARD_DIALOG_RECYCLE,
	HY_CARD_DIALOG_PASSWORD,
	HY_CARD_DIALOG_PASSWORD_RESET,
	HY_CARD_DIALOG_PIN,
} HyCardDialogOp;

#define HY_TYPE_CARD_DIALOG (hy_card_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyCardDialog, hy_card_dialog, HY, CARD_DIALOG, GtkDialog)

/* Signal "done" (gchar *summary): the operation went through; the caller reloads the
 * member and closes the dialog. GTK_RESPONSE_OK runs the operation. `view` gives the
 * card, its expiry, whether it has a PIN, and the stored value a recycle refunds. */
HyCardDialog *
hy_card_dialog_new (GtkWindow *parent,
		    HySession *session,
		    HyCardDialogOp op,
		    const HyMemberView *view);
HyCardDialogOp
hy_card_dialog_get_op (HyCardDialog *self);
guint
hy_card_dialog_get_busy (HyCardDialog *self);
/* The reason of the last refusal, or NULL. */
const gchar *
hy_card_dialog_get_error (HyCardDialog *self);
/* For tests: "other_entry", "date_entry", "old_entry", "new_entry", "confirm_entry",
 * "hint_label"; NULL when the operation has no such field. */
GtkWidget *
hy_card_dialog_get_field (HyCardDialog *self, const gchar *name);

G_END_DECLS
