#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hy-card-dialog.h"
#include "hy-sync-escrow.h"
#include "hy-card.h"
#include "hy-date.h"
#include "hy-error.h"
#include "hy-format.h"
#include "hy-ui.h"

struct _HyCardDialog {
	GtkDialog parent_instance;
	GtkWidget *info_bar;
	GtkWidget *error_label;
	GtkWidget *hint_label;
	GtkWidget *grid;
	GtkWidget *other_entry;
	GtkWidget *date_entry;
	GtkWidget *old_entry;
	GtkWidget *new_entry;
	GtkWidget *confirm_entry;

	HyCardDialogOp op;
	HySession *session;
	GCancellable *cancellable;
	gchar *card;
	gchar *error;
	guint busy;
	gint rows;
};

enum { SIGNAL_DONE, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyCardDialog, hy_card_dialog, GTK_TYPE_DIALOG)

typedef struct {
	HyCardDialogOp op;
	gchar *card;
	gchar *other;
	gchar *date;
	gchar *old_secret;
	gchar *new_secret;
} HyCardDialogJob;

static void
hy_card_dialog_wipe (gchar *secret)
{
	if (secret == NULL)
		return;
	memset (secret, 0, strlen (secret));
	g_free (secret);
}

static void
hy_card_dialog_job_free (HyCardDialogJob *job)
{
	g_free (job->card);
	g_free (job->other);
	g_free (job->date);
	hy_card_dialog_wipe (job->old_secret);
	hy_card_dialog_wipe (job->new_secret);
	g_free (job);
}

/* Runs on the worker; returns the summary shown to the cashier. */
static gpointer
hy_card_dialog_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyCardDialogJob *job = data;
	const HyActor *actor = hy_session_get_actor (session);
	g_autofree gchar *amount = NULL;
	gint64 refunded = 0;

	switch (job->op) {
	case HY_CARD_DIALOG_MERGE:
		/* in a chain, what this store may not move offline is asked of the relay */
		if (!HY_SYNC_COVERED (db, error,
				      hy_card_merge (db, actor, job->other, job->card, error)))
			return NULL;
		return g_strdup_printf (_ ("Card %s merged into card %s"), job->other, job->card);
	case HY_CARD_DIALOG_EXTEND:
		if (!hy_card_extend (db, actor, job->card, job->date, error))
			return NULL;
		return g_strdup_printf (_ ("Card %s now runs until %s"), job->card, job->date);
	case HY_CARD_DIALOG_RECYCLE:
		if (!HY_SYNC_COVERED (db, error,
				      hy_card_recycle (db, actor, job->card, &refunded, error)))
			return NULL;
		amount = hy_format_money (refunded);
		return g_strdup_printf (_ ("Card %s recycled: %s refunded"), job->card, amount);
	case HY_CARD_DIALOG_PASSWORD:
	case HY_CARD_DIALOG_PASSWORD_RESET:
		if (!hy_card_set_password (db, actor, job->card, job->old_secret, job->new_secret,
					   error))
			return NULL;
		return g_strdup (_ ("Card password changed"));
	case HY_CARD_DIALOG_PIN:
		if (!hy_card_set_pin (db, actor, job->card, job->old_secret, job->new_secret,
				      error))
			return NULL;
		return g_strdup (_ ("Spending PIN set"));
	default:
		g_assert_not_reached ();
	}
}

static void
hy_card_dialog_show_error (HyCardDialog *self, const GError *error)
{
	g_free (self->error);
	self->error = hy_ui_error_text (error);
	gtk_label_set_text (GTK_LABEL (self->error_label), self->error);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
}

static void
hy_card_dialog_clear_secrets (HyCardDialog *self)
{
	GtkWidget *secrets[] = {self->old_entry, self->new_entry, self->confirm_entry};
	for (guint i = 0; i < G_N_ELEMENTS (secrets); i++) {
		if (secrets[i] != NULL)
			gtk_entry_set_text (GTK_ENTRY (secrets[i]), "");
	}
}

static void
hy_card_dialog_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyCardDialog) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *summary = hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, TRUE);
	if (summary == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_card_dialog_show_error (self, error);
		hy_card_dialog_clear_secrets (self);
		return;
	}
	g_signal_emit (self, signals[SIGNAL_DONE], 0, summary);
}

static gchar *
hy_card_dialog_text (GtkWidget *entry)
{
	return g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));
}

/* What the form can tell before asking the core: something typed, and the new secret
 * typed the same twice. Every rule on the values themselves is the core's. */
static gboolean
hy_card_dialog_read (HyCardDialog *self, HyCardDialogJob *job, GError **error)
{
	switch (self->op) {
	case HY_CARD_DIALOG_MERGE:
		job->other = hy_card_dialog_text (self->other_entry);
		if (job->other[0] == '\0') {
			g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("type or swipe the card to merge into this one"));
			return FALSE;
		}
		return TRUE;
	case HY_CARD_DIALOG_EXTEND:
		job->date = hy_card_dialog_text (self->date_entry);
		return TRUE;
	case HY_CARD_DIALOG_RECYCLE:
		return TRUE;
	default:
		break;
	}
	if (self->old_entry != NULL)
		job->old_secret = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->old_entry)));
	job->new_secret = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->new_entry)));
	if (g_strcmp0 (job->new_secret, gtk_entry_get_text (GTK_ENTRY (self->confirm_entry))) !=
	    0) {
		g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     self->op == HY_CARD_DIALOG_PIN
					     ? _ ("the new PIN was not typed the same twice")
					     : _ ("the new password was not typed the same twice"));
		return FALSE;
	}
	return TRUE;
}

static void
hy_card_dialog_response (GtkDialog *dialog, gint response)
{
	HyCardDialog *self = HY_CARD_DIALOG (dialog);
	g_autoptr (GError) error = NULL;
	HyCardDialogJob *job;

	if (response != GTK_RESPONSE_OK || self->busy > 0)
		return;
	job = g_new0 (HyCardDialogJob, 1);
	job->op = self->op;
	if (!hy_card_dialog_read (self, job, &error)) {
		hy_card_dialog_job_free (job);
		hy_card_dialog_show_error (self, error);
		return;
	}
	job->card = g_strdup (self->card);
	g_clear_pointer (&self->error, g_free);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
	gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, FALSE);
	self->busy++;
	hy_session_run_async (self->session, hy_card_dialog_job, job,
			      (GDestroyNotify) hy_card_dialog_job_free, g_free, self->cancellable,
			      hy_card_dialog_done_cb, g_object_ref (self));
}

static void
hy_card_dialog_activate_cb (GtkDialog *dialog)
{
	gtk_dialog_response (dialog, GTK_RESPONSE_OK);
}

static GtkWidget *
hy_card_dialog_add_row (HyCardDialog *self, const gchar *mnemonic, const gchar *placeholder)
{
	GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);
	GtkWidget *entry = gtk_entry_new ();
	gint row = ++self->rows;
	gtk_label_set_xalign (GTK_LABEL (label), 1);
	gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
	gtk_widget_set_hexpand (entry, TRUE);
	gtk_entry_set_width_chars (GTK_ENTRY (entry), 24);
	if (placeholder != NULL)
		gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
	gtk_grid_attach (GTK_GRID (self->grid), label, 0, row, 1, 1);
	gtk_grid_attach (GTK_GRID (self->grid), entry, 1, row, 1, 1);
	/* Enter in the last field runs the operation */
	g_signal_connect_swapped (entry, "activate", G_CALLBACK (hy_card_dialog_activate_cb), self);
	return entry;
}

static GtkWidget *
hy_card_dialog_add_secret (HyCardDialog *self, const gchar *mnemonic, gboolean pin)
{
	GtkWidget *entry = hy_card_dialog_add_row (self, mnemonic, NULL);
	gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
	if (pin) {
		/* as the pay dialog's: digits, at most 6 */
		gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PIN);
		gtk_entry_set_max_length (GTK_ENTRY (entry), 6);
		gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("4 to 6 digits"));
	} else {
		gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
	}
	return entry;
}

HyCardDialog *
hy_card_dialog_new (GtkWindow *parent,
		    HySession *session,
		    HyCardDialogOp op,
		    const HyMemberView *view)
{
	const HyCard *card = view->card;
	const gchar *title = NULL;
	const gchar *action = NULL;
	g_autofree gchar *hint = NULL;
	g_autofree gchar *subtitle = NULL;
	g_autofree gchar *money = NULL;
	HyCardDialog *self;
	GtkWidget *header;
	GtkWidget *button;
	gboolean destructive = FALSE;
	gboolean pin = FALSE;

	switch (op) {
	case HY_CARD_DIALOG_MERGE:
		title = _ ("Merge a Card");
		action = _ ("_Merge");
		hint = g_strdup_printf (_ ("Moves stored value, points and counts of the card "
					   "typed below onto card "
					   "%s, and retires that card for good."),
					card->number);
		destructive = TRUE;
		break;
	case HY_CARD_DIALOG_EXTEND:
		title = _ ("Extend the Card");
		action = _ ("E_xtend");
		hint = card->expires_on != NULL
			       ? g_strdup_printf (_ ("The card runs until %s."), card->expires_on)
			       : g_strdup (_ ("The card never expires."));
		break;
	case HY_CARD_DIALOG_RECYCLE:
		title = _ ("Recycle the Card");
		money = hy_format_money (view->money);
		hint = g_strdup_printf (
			_ ("Takes the card back: %s of stored value is refunded to the member, "
			   "points and counts are cleared, and the card is retired for good."),
			money);
		action = _ ("_Recycle and Refund");
		destructive = TRUE;
		break;
	case HY_CARD_DIALOG_PASSWORD:
		title = _ ("Change the Card Password");
		action = _ ("_Change");
		hint = g_strdup (_ ("The member types the old password, then the new one twice."));
		break;
	case HY_CARD_DIALOG_PASSWORD_RESET:
		title = _ ("Reset the Card Password");
		action = _ ("_Reset");
		hint = g_strdup (_ ("Sets a new password without the old one: check the member's "
				    "identity first."));
		break;
	case HY_CARD_DIALOG_PIN:
		title = _ ("Spending PIN");
		action = _ ("_Set PIN");
		pin = TRUE;
		hint = g_strdup (
			card->has_pin ? _ ("The member types the old PIN, then the new one twice.")
				      : _ ("The card has no PIN yet: the member types a new one "
					   "twice."));
		break;
	default:
		g_return_val_if_reached (NULL);
	}

	self = g_object_new (HY_TYPE_CARD_DIALOG, "transient-for", parent, "modal", TRUE,
			     "destroy-with-parent", TRUE, "use-header-bar", TRUE, "title", title,
			     NULL);
	self->op = op;
	self->session = g_object_ref (session);
	self->card = g_strdup (card->number);
	subtitle = g_strdup_printf (_ ("Card %s"), card->number);
	header = gtk_dialog_get_header_bar (GTK_DIALOG (self));
	if (header != NULL)
		gtk_header_bar_set_subtitle (GTK_HEADER_BAR (header), subtitle);
	gtk_label_set_text (GTK_LABEL (self->hint_label), hint);

	switch (op) {
	case HY_CARD_DIALOG_MERGE:
		self->other_entry = hy_card_dialog_add_row (self, _ ("_Other card"),
							    _ ("Card number, or swipe it"));
		break;
	case HY_CARD_DIALOG_EXTEND:
		self->date_entry =
			hy_card_dialog_add_row (self, _ ("_New expiry"), _ ("YYYY-MM-DD"));
		gtk_entry_set_max_length (GTK_ENTRY (self->date_entry), 10);
		/* the usual extension, a year on, is offered; typing replaces it */
		if (card->expires_on != NULL) {
			GDate date;
			gchar next[16];
			if (hy_date_parse (card->expires_on, &date)) {
				g_date_add_years (&date, 1);
				g_date_strftime (next, sizeof next, "%Y-%m-%d", &date);
				gtk_entry_set_text (GTK_ENTRY (self->date_entry), next);
			}
		}
		break;
	case HY_CARD_DIALOG_RECYCLE:
		break;
	case HY_CARD_DIALOG_PASSWORD:
		self->old_entry = hy_card_dialog_add_secret (self, _ ("_Old password"), FALSE);
		/* fall through */
	case HY_CARD_DIALOG_PASSWORD_RESET:
		self->new_entry = hy_card_dialog_add_secret (self, _ ("_New password"), FALSE);
		self->confirm_entry = hy_card_dialog_add_secret (self, _ ("_Again"), FALSE);
		break;
	case HY_CARD_DIALOG_PIN:
		/* no PIN yet: setting the first one is a reset (the core's rule) */
		if (card->has_pin)
			self->old_entry = hy_card_dialog_add_secret (self, _ ("_Old PIN"), pin);
		self->new_entry = hy_card_dialog_add_secret (self, _ ("_New PIN"), pin);
		self->confirm_entry = hy_card_dialog_add_secret (self, _ ("_Again"), pin);
		break;
	default:
		break;
	}

	gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Cancel"), GTK_RESPONSE_CANCEL);
	button = gtk_dialog_add_button (GTK_DIALOG (self), action, GTK_RESPONSE_OK);
	gtk_style_context_add_class (gtk_widget_get_style_context (button),
				     destructive ? "destructive-action" : "suggested-action");
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
	gtk_widget_show_all (gtk_dialog_get_content_area (GTK_DIALOG (self)));
	return self;
}

HyCardDialogOp
hy_card_dialog_get_op (HyCardDialog *self)
{
	return self->op;
}

guint
hy_card_dialog_get_busy (HyCardDialog *self)
{
	return self->busy;
}

const gchar *
hy_card_dialog_get_error (HyCardDialog *self)
{
	return self->error;
}

GtkWidget *
hy_card_dialog_get_field (HyCardDialog *self, const gchar *name)
{
	if (g_str_equal (name, "other_entry"))
		return self->other_entry;
	if (g_str_equal (name, "date_entry"))
		return self->date_entry;
	if (g_str_equal (name, "old_entry"))
		return self->old_entry;
	if (g_str_equal (name, "new_entry"))
		return self->new_entry;
	if (g_str_equal (name, "confirm_entry"))
		return self->confirm_entry;
	if (g_str_equal (name, "hint_label"))
		return self->hint_label;
	g_return_val_if_reached (NULL);
}

static void
hy_card_dialog_dispose (GObject *object)
{
	HyCardDialog *self = HY_CARD_DIALOG (object);
	if (self->cancellable != NULL)
		g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_card_dialog_parent_class)->dispose (object);
}

static void
hy_card_dialog_finalize (GObject *object)
{
	HyCardDialog *self = HY_CARD_DIALOG (object);
	g_free (self->card);
	g_free (self->error);
	G_OBJECT_CLASS (hy_card_dialog_parent_class)->finalize (object);
}

static void
hy_card_dialog_class_init (HyCardDialogClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);
	object_class->dispose = hy_card_dialog_dispose;
	object_class->finalize = hy_card_dialog_finalize;
	dialog_class->response = hy_card_dialog_response;
	signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
					     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* Built in code, as the deduction dialog: an info bar, a hint, then the fields of the
 * operation in a grid (added by hy_card_dialog_new). */
static void
hy_card_dialog_init (HyCardDialog *self)
{
	GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));

	self->cancellable = g_cancellable_new ();
	gtk_window_set_resizable (GTK_WINDOW (self), FALSE);

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

	self->grid = gtk_grid_new ();
	g_object_set (self->grid, "margin", 18, "row-spacing", 8, "column-spacing", 12, NULL);
	gtk_container_add (GTK_CONTAINER (content), self->grid);
	self->hint_label = gtk_label_new ("");
	gtk_label_set_line_wrap (GTK_LABEL (self->hint_label), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (self->hint_label), 44);
	gtk_label_set_xalign (GTK_LABEL (self->hint_label), 0);
	gtk_widget_set_margin_bottom (self->hint_label, 6);
	gtk_grid_attach (GTK_GRID (self->grid), self->hint_label, 0, 0, 2, 1);
}
