/* Huiyuan UI: the direct deduction dialog (直接扣费): an amount in yuan taken from
 * stored value behind the spending PIN, or uses of an item taken from a count card,
 * with a note. The rules are hy-deduct's; the dialog runs the job on the session's
 * worker and stays open with the reason when the core refuses. */
#pragma once

#include <gtk/gtk.h>

#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_DEDUCT_DIALOG (hy_deduct_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyDeductDialog, hy_deduct_dialog, HY, DEDUCT_DIALOG, GtkDialog)

/* Signal "deducted" (gchar *summary): done; the caller reloads the card and closes
 * the dialog. GTK_RESPONSE_OK runs the deduction. */
HyDeductDialog *
hy_deduct_dialog_new (GtkWindow *parent,
		      HySession *session,
		      const gchar *card_number,
		      gboolean needs_pin);
guint
hy_deduct_dialog_get_busy (HyDeductDialog *self);
/* The reason of the last refusal, or NULL. */
const gchar *
hy_deduct_dialog_get_error (HyDeductDialog *self);
/* For tests: "amount_entry", "item_entry", "uses_entry", "note_entry", "pin_entry". */
GtkWidget *
hy_deduct_dialog_get_field (HyDeductDialog *self, const gchar *name);

G_END_DECLS
