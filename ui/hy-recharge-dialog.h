/* Huiyuan UI: the recharge dialog (充值): an amount in yuan and, as it is typed, what the
 * level's recharge rules give for it (hy_recharge_preview: the bonus money and points,
 * whether the bonus is for a first recharge only, the instalments, the points earned).
 * The recharge itself is hy_recharge's; refusals stay in the dialog with the reason. */
#pragma once

#include <gtk/gtk.h>

#include "hy-recharge.h"
#include "hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_RECHARGE_DIALOG (hy_recharge_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyRechargeDialog, hy_recharge_dialog, HY, RECHARGE_DIALOG, GtkDialog)

/* Signal "done" (gchar *summary): recharged; the caller reloads the member and closes
 * the dialog. GTK_RESPONSE_OK recharges. */
HyRechargeDialog *
hy_recharge_dialog_new (GtkWindow *parent, HySession *session, const gchar *card_number);
/* Jobs in flight (previews and the recharge). */
guint
hy_recharge_dialog_get_busy (HyRechargeDialog *self);
/* The reason of the last refusal, or NULL. */
const gchar *
hy_recharge_dialog_get_error (HyRechargeDialog *self);
GtkWidget *
hy_recharge_dialog_get_amount_entry (HyRechargeDialog *self);
/* The preview shown for the amount typed. */
const gchar *
hy_recharge_dialog_get_preview (HyRechargeDialog *self);

/* The plan in words, one line per part, for `amount` fen. */
gchar *
hy_recharge_plan_describe (const HyRechargePlan *plan, gint64 amount);

G_END_DECLS
