#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-error.h"
#include "hy-format.h"
#include "hy-recharge-dialog.h"
#include "hy-ui.h"

struct _HyRechargeDialog {
	GtkDialog parent_instance;
	GtkWidget *info_bar;
	GtkWidget *error_label;
	GtkWidget *amount_entry;
	GtkWidget *preview_label;

	HySession *session;
	GCancellable *cancellable;
	gchar *card;
	gchar *error;
	guint busy;
	gboolean recharging;
	guint generation; /* of the amount typed: older previews are dropped */
};

enum { SIGNAL_DONE, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyRechargeDialog, hy_recharge_dialog, GTK_TYPE_DIALOG)

/* "¥10.00 and 5 points", leaving out a part that is zero. */
static gchar *
hy_recharge_money_and_points (gint64 fen, gint64 points)
{
	g_autofree gchar *money = hy_format_money (fen);
	g_autofree gchar *pts = hy_format_points (points);
	if (fen > 0 && points > 0)
		return g_strdup_printf (_ ("%s and %s points"), money, pts);
	if (points > 0)
		return g_strdup_printf (_ ("%s points"), pts);
	return g_steal_pointer (&money);
}

gchar *
hy_recharge_plan_describe (const HyRechargePlan *plan, gint64 amount)
{
	g_autoptr (GString) text = g_string_new (NULL);
	g_autofree gchar *yuan = hy_format_money (amount);
	g_autofree gchar *min = plan->rule_min >= 0 ? hy_format_money (plan->rule_min) : NULL;

	if (plan->rule_min < 0)
		g_string_append_printf (text, _ ("No recharge rule applies to %s."), yuan);
	else
		g_string_append_printf (text, _ ("The rule for %s and more applies."), min);
	if (plan->bonus_money > 0 || plan->bonus_points > 0) {
		g_autofree gchar *bonus =
			hy_recharge_money_and_points (plan->bonus_money, plan->bonus_points);
		g_string_append_c (text, '\n');
		g_string_append_printf (text, _ ("Bonus now: %s"), bonus);
		if (plan->bonus_first_only)
			g_string_append_printf (text, " %s", _ ("(first recharge of the card)"));
	} else if (plan->bonus_first_only) {
		g_string_append_c (text, '\n');
		g_string_append (text, _ ("No bonus: the card was recharged before, and this "
					  "rule's bonus is for a first recharge only"));
	}
	if (plan->times > 0) {
		g_autofree gchar *each = hy_recharge_money_and_points (plan->instalment_money,
								       plan->instalment_points);
		g_string_append_c (text, '\n');
		g_string_append_printf (text, _ ("Then %s every %d days, %d times"), each,
					plan->every_days, plan->times);
	}
	if (plan->earned_points > 0) {
		g_autofree gchar *points = hy_format_points (plan->earned_points);
		g_string_append_c (text, '\n');
		g_string_append_printf (text, _ ("Earns %s points"), points);
	}
	return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
hy_recharge_dialog_show_error (HyRechargeDialog *self, const GError *error)
{
	g_free (self->error);
	self->error = hy_ui_error_text (error);
	gtk_label_set_text (GTK_LABEL (self->error_label), self->error);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
}

static void
hy_recharge_dialog_clear_error (HyRechargeDialog *self)
{
	g_clear_pointer (&self->error, g_free);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
}

typedef struct {
	gchar *card;
	gint64 amount;
} HyRechargeJob;

static void
hy_recharge_job_free (HyRechargeJob *job)
{
	g_free (job->card);
	g_free (job);
}

/* the preview */

static gpointer
hy_recharge_dialog_preview_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyRechargeJob *job = data;
	HyRechargePlan plan;
	if (!hy_recharge_preview (db, job->card, job->amount, &plan, error))
		return NULL;
	return hy_recharge_plan_describe (&plan, job->amount);
}

typedef struct {
	HyRechargeDialog *self;
	guint generation;
} HyRechargePreviewCall;

static void
hy_recharge_dialog_preview_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree HyRechargePreviewCall *call = user_data;
	g_autoptr (HyRechargeDialog) self = call->self;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *text = hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	/* typed on since: a newer preview is coming */
	if (call->generation != self->generation)
		return;
	if (text == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_recharge_dialog_show_error (self, error);
		gtk_label_set_text (GTK_LABEL (self->preview_label), "");
		return;
	}
	hy_recharge_dialog_clear_error (self);
	gtk_label_set_text (GTK_LABEL (self->preview_label), text);
}

static void
hy_recharge_dialog_changed_cb (HyRechargeDialog *self)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->amount_entry));
	HyRechargePreviewCall *call;
	HyRechargeJob *job;
	gint64 amount = 0;

	self->generation++;
	if (!hy_parse_money (text, &amount) || amount <= 0) {
		gtk_label_set_text (GTK_LABEL (self->preview_label),
				    _ ("Type an amount in yuan to see the bonus it gets."));
		return;
	}
	job = g_new0 (HyRechargeJob, 1);
	job->card = g_strdup (self->card);
	job->amount = amount;
	call = g_new0 (HyRechargePreviewCall, 1);
	call->self = g_object_ref (self);
	call->generation = self->generation;
	self->busy++;
	hy_session_run_async (self->session, hy_recharge_dialog_preview_job, job,
			      (GDestroyNotify) hy_recharge_job_free, g_free, self->cancellable,
			      hy_recharge_dialog_preview_cb, call);
}

/* the recharge */

static gpointer
hy_recharge_dialog_recharge_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyRechargeJob *job = data;
	g_autoptr (HyRechargeResult) r = NULL;
	g_autofree gchar *amount = NULL;
	g_autofree gchar *balance = NULL;
	if (!hy_recharge (db, hy_session_get_actor (session), job->card, job->amount, NULL, NULL,
			  &r, error))
		return NULL;
	amount = hy_format_money (job->amount);
	balance = hy_format_money (r->balance);
	return g_strdup_printf (_ ("%s recharged, balance %s"), amount, balance);
}

static void
hy_recharge_dialog_recharge_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyRechargeDialog) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *summary = hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	self->recharging = FALSE;
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, TRUE);
	if (summary == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_recharge_dialog_show_error (self, error);
		return;
	}
	g_signal_emit (self, signals[SIGNAL_DONE], 0, summary);
}

static void
hy_recharge_dialog_response (GtkDialog *dialog, gint response)
{
	HyRechargeDialog *self = HY_RECHARGE_DIALOG (dialog);
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->amount_entry));
	HyRechargeJob *job;
	gint64 amount = 0;

	/* a preview still on its way does not hold the recharge up */
	if (response != GTK_RESPONSE_OK || self->recharging)
		return;
	if (!hy_parse_money (text, &amount) || amount <= 0) {
		g_autoptr (GError) error = g_error_new (
			HY_ERROR, HY_ERROR_INVALID_INPUT,
			_ ("recharge: “%s” is not an amount of yuan (for example 200)"), text);
		hy_recharge_dialog_show_error (self, error);
		return;
	}
	job = g_new0 (HyRechargeJob, 1);
	job->card = g_strdup (self->card);
	job->amount = amount;
	hy_recharge_dialog_clear_error (self);
	gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, FALSE);
	self->recharging = TRUE;
	self->busy++;
	hy_session_run_async (self->session, hy_recharge_dialog_recharge_job, job,
			      (GDestroyNotify) hy_recharge_job_free, g_free, self->cancellable,
			      hy_recharge_dialog_recharge_cb, g_object_ref (self));
}

static void
hy_recharge_dialog_activate_cb (GtkDialog *dialog)
{
	gtk_dialog_response (dialog, GTK_RESPONSE_OK);
}

HyRechargeDialog *
hy_recharge_dialog_new (GtkWindow *parent, HySession *session, const gchar *card_number)
{
	HyRechargeDialog *self = g_object_new (
		HY_TYPE_RECHARGE_DIALOG, "transient-for", parent, "modal", TRUE,
		"destroy-with-parent", TRUE, "use-header-bar", TRUE, "title", _ ("Recharge"), NULL);
	g_autofree gchar *subtitle = g_strdup_printf (_ ("Card %s"), card_number);
	GtkWidget *header = gtk_dialog_get_header_bar (GTK_DIALOG (self));
	self->session = g_object_ref (session);
	self->card = g_strdup (card_number);
	if (header != NULL)
		gtk_header_bar_set_subtitle (GTK_HEADER_BAR (header), subtitle);
	return self;
}

guint
hy_recharge_dialog_get_busy (HyRechargeDialog *self)
{
	return self->busy;
}

const gchar *
hy_recharge_dialog_get_error (HyRechargeDialog *self)
{
	return self->error;
}

GtkWidget *
hy_recharge_dialog_get_amount_entry (HyRechargeDialog *self)
{
	return self->amount_entry;
}

const gchar *
hy_recharge_dialog_get_preview (HyRechargeDialog *self)
{
	return gtk_label_get_text (GTK_LABEL (self->preview_label));
}

static void
hy_recharge_dialog_dispose (GObject *object)
{
	HyRechargeDialog *self = HY_RECHARGE_DIALOG (object);
	if (self->cancellable != NULL)
		g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_recharge_dialog_parent_class)->dispose (object);
}

static void
hy_recharge_dialog_finalize (GObject *object)
{
	HyRechargeDialog *self = HY_RECHARGE_DIALOG (object);
	g_free (self->card);
	g_free (self->error);
	G_OBJECT_CLASS (hy_recharge_dialog_parent_class)->finalize (object);
}

static void
hy_recharge_dialog_class_init (HyRechargeDialogClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);
	object_class->dispose = hy_recharge_dialog_dispose;
	object_class->finalize = hy_recharge_dialog_finalize;
	dialog_class->response = hy_recharge_dialog_response;
	signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
					     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* Built in code, as the other small dialogs: info bar, amount, the preview below it. */
static void
hy_recharge_dialog_init (HyRechargeDialog *self)
{
	GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));
	GtkWidget *grid = gtk_grid_new ();
	GtkWidget *label = gtk_label_new_with_mnemonic (_ ("_Amount"));
	GtkWidget *button;

	self->cancellable = g_cancellable_new ();
	gtk_window_set_resizable (GTK_WINDOW (self), FALSE);
	gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Cancel"), GTK_RESPONSE_CANCEL);
	button = gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Recharge"), GTK_RESPONSE_OK);
	gtk_style_context_add_class (gtk_widget_get_style_context (button), "suggested-action");
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);

	self->info_bar = gtk_info_bar_new ();
	gtk_info_bar_set_message_type (GTK_INFO_BAR (self->info_bar), GTK_MESSAGE_ERROR);
	self->error_label = gtk_label_new ("");
	gtk_label_set_line_wrap (GTK_LABEL (self->error_label), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (self->error_label), 44);
	gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
	gtk_container_add (
		GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (self->info_bar))),
		self->error_label);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
	gtk_container_add (GTK_CONTAINER (content), self->info_bar);

	g_object_set (grid, "margin", 18, "row-spacing", 10, "column-spacing", 12, NULL);
	gtk_container_add (GTK_CONTAINER (content), grid);
	self->amount_entry = gtk_entry_new ();
	gtk_entry_set_input_purpose (GTK_ENTRY (self->amount_entry), GTK_INPUT_PURPOSE_NUMBER);
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->amount_entry),
					_ ("Amount in yuan, e.g. 200"));
	gtk_entry_set_width_chars (GTK_ENTRY (self->amount_entry), 24);
	gtk_widget_set_hexpand (self->amount_entry, TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (self->amount_entry),
				     "hy-lookup");
	gtk_label_set_xalign (GTK_LABEL (label), 1);
	gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->amount_entry);
	gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
	gtk_grid_attach (GTK_GRID (grid), self->amount_entry, 1, 0, 1, 1);
	g_signal_connect_swapped (self->amount_entry, "changed",
				  G_CALLBACK (hy_recharge_dialog_changed_cb), self);
	g_signal_connect_swapped (self->amount_entry, "activate",
				  G_CALLBACK (hy_recharge_dialog_activate_cb), self);

	self->preview_label =
		gtk_label_new (_ ("Type an amount in yuan to see the bonus it gets."));
	gtk_label_set_line_wrap (GTK_LABEL (self->preview_label), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (self->preview_label), 44);
	gtk_label_set_width_chars (GTK_LABEL (self->preview_label), 44);
	gtk_label_set_lines (GTK_LABEL (self->preview_label), 4);
	gtk_label_set_xalign (GTK_LABEL (self->preview_label), 0);
	gtk_label_set_yalign (GTK_LABEL (self->preview_label), 0);
	gtk_widget_set_size_request (self->preview_label, -1, 90);
	gtk_grid_attach (GTK_GRID (grid), self->preview_label, 1, 1, 1, 1);
	gtk_widget_show_all (content);
}
