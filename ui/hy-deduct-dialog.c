#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-deduct.h"
#include "hy-deduct-dialog.h"
#include "hy-sync-escrow.h"
#include "hy-error.h"
#include "hy-format.h"
#include "hy-ui.h"

/* A typo guard on the uses typed, not a business rule. */
#define HY_DEDUCT_MAX_USES 9999

struct _HyDeductDialog {
	GtkDialog parent_instance;
	GtkWidget *info_bar;
	GtkWidget *error_label;
	GtkWidget *amount_entry;
	GtkWidget *item_entry;
	GtkWidget *uses_entry;
	GtkWidget *note_entry;
	GtkWidget *pin_entry;

	HySession *session;
	GCancellable *cancellable;
	gchar *card;
	gchar *error;
	guint busy;
};

enum { SIGNAL_DEDUCTED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyDeductDialog, hy_deduct_dialog, GTK_TYPE_DIALOG)

typedef struct {
	gchar *card;
	gint64 amount; /* fen, or 0 for a count deduction */
	gchar *item;
	gint64 uses;
	gchar *note;
	gchar *pin;
} HyDeductJob;

static void
hy_deduct_job_free (HyDeductJob *job)
{
	g_free (job->card);
	g_free (job->item);
	g_free (job->note);
	if (job->pin != NULL) {
		memset (job->pin, 0, strlen (job->pin));
		g_free (job->pin);
	}
	g_free (job);
}

/* The summary shown to the cashier. */
static gpointer
hy_deduct_dialog_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyDeductJob *job = data;
	const HyActor *actor = hy_session_get_actor (session);
	g_autofree gchar *op = NULL;
	gint64 left = 0;

	if (job->amount > 0) {
		g_autofree gchar *amount = NULL;
		g_autofree gchar *balance = NULL;
		/* in a chain, what this store may not spend offline is asked of the relay */
		if (!HY_SYNC_COVERED (db, error,
				      hy_deduct_money (db, actor, job->card, job->amount, job->pin,
						       job->note, &op, &left, error)))
			return NULL;
		amount = hy_format_money (job->amount);
		balance = hy_format_money (left);
		return g_strdup_printf (_ ("%s deducted from stored value, %s left"), amount,
					balance);
	}
	if (!HY_SYNC_COVERED (db, error,
			      hy_deduct_count (db, actor, job->card, job->item, job->uses,
					       job->note, &op, &left, error)))
		return NULL;
	return g_strdup_printf (_ ("%" PRId64 " uses of %s deducted, %" PRId64 " left"), job->uses,
				job->item, left);
}

static void
hy_deduct_dialog_show_error (HyDeductDialog *self, const GError *error)
{
	g_free (self->error);
	self->error = hy_ui_error_text (error);
	gtk_label_set_text (GTK_LABEL (self->error_label), self->error);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
}

static void
hy_deduct_dialog_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyDeductDialog) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *summary = hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, TRUE);
	if (summary == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_deduct_dialog_show_error (self, error);
		gtk_entry_set_text (GTK_ENTRY (self->pin_entry), "");
		return;
	}
	g_signal_emit (self, signals[SIGNAL_DEDUCTED], 0, summary);
}

static gboolean
hy_deduct_dialog_read (HyDeductDialog *self, HyDeductJob *job, GError **error)
{
	const gchar *amount = gtk_entry_get_text (GTK_ENTRY (self->amount_entry));
	g_autofree gchar *item =
		g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->item_entry))));
	const gchar *uses = gtk_entry_get_text (GTK_ENTRY (self->uses_entry));
	const gchar *pin = gtk_entry_get_text (GTK_ENTRY (self->pin_entry));
	guint64 n = 0;

	if (amount[0] != '\0' && item[0] != '\0') {
		g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("deduct either an amount or uses of an item, not both"));
		return FALSE;
	}
	if (amount[0] != '\0') {
		if (!hy_parse_money (amount, &job->amount) || job->amount <= 0) {
			g_set_error (
				error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				_ ("amount: “%s” is not an amount of yuan (for example 12.50)"),
				amount);
			return FALSE;
		}
	} else if (item[0] != '\0') {
		if (!g_ascii_string_to_unsigned (uses, 10, 1, HY_DEDUCT_MAX_USES, &n, NULL)) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("uses: “%s” is not a number of uses from 1 to %d"), uses,
				     HY_DEDUCT_MAX_USES);
			return FALSE;
		}
		job->item = g_ascii_strup (item, -1);
		job->uses = (gint64) n;
	} else {
		g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("type an amount in yuan or the code of a count item"));
		return FALSE;
	}
	job->note = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->note_entry)));
	job->pin = pin[0] != '\0' ? g_strdup (pin) : NULL;
	return TRUE;
}

static void
hy_deduct_dialog_response (GtkDialog *dialog, gint response)
{
	HyDeductDialog *self = HY_DEDUCT_DIALOG (dialog);
	g_autoptr (GError) error = NULL;
	HyDeductJob *job;

	if (response != GTK_RESPONSE_OK || self->busy > 0)
		return;
	job = g_new0 (HyDeductJob, 1);
	if (!hy_deduct_dialog_read (self, job, &error)) {
		hy_deduct_job_free (job);
		hy_deduct_dialog_show_error (self, error);
		return;
	}
	job->card = g_strdup (self->card);
	g_clear_pointer (&self->error, g_free);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
	gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, FALSE);
	self->busy++;
	hy_session_run_async (self->session, hy_deduct_dialog_job, job,
			      (GDestroyNotify) hy_deduct_job_free, g_free, self->cancellable,
			      hy_deduct_dialog_done_cb, g_object_ref (self));
}

static void
hy_deduct_dialog_activate_cb (GtkDialog *dialog)
{
	gtk_dialog_response (dialog, GTK_RESPONSE_OK);
}

static GtkWidget *
hy_deduct_dialog_add_row (GtkGrid *grid, gint row, const gchar *mnemonic, GtkWidget *field)
{
	GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);
	gtk_label_set_xalign (GTK_LABEL (label), 1);
	gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
	gtk_widget_set_hexpand (field, TRUE);
	gtk_grid_attach (grid, label, 0, row, 1, 1);
	gtk_grid_attach (grid, field, 1, row, 1, 1);
	/* Enter in any field deducts */
	g_signal_connect_swapped (field, "activate", G_CALLBACK (hy_deduct_dialog_activate_cb),
				  gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_DIALOG));
	return label;
}

HyDeductDialog *
hy_deduct_dialog_new (GtkWindow *parent,
		      HySession *session,
		      const gchar *card_number,
		      gboolean needs_pin)
{
	HyDeductDialog *self =
		g_object_new (HY_TYPE_DEDUCT_DIALOG, "transient-for", parent, "modal", TRUE,
			      "destroy-with-parent", TRUE, "use-header-bar", TRUE, "title",
			      _ ("Direct Deduction"), NULL);
	g_autofree gchar *subtitle = g_strdup_printf (_ ("Card %s"), card_number);
	GtkWidget *header = gtk_dialog_get_header_bar (GTK_DIALOG (self));
	self->session = g_object_ref (session);
	self->card = g_strdup (card_number);
	if (header != NULL)
		gtk_header_bar_set_subtitle (GTK_HEADER_BAR (header), subtitle);
	gtk_widget_set_visible (self->pin_entry, needs_pin);
	gtk_widget_set_visible (
		gtk_grid_get_child_at (GTK_GRID (gtk_widget_get_parent (self->pin_entry)), 0, 5),
		needs_pin);
	return self;
}

guint
hy_deduct_dialog_get_busy (HyDeductDialog *self)
{
	return self->busy;
}

const gchar *
hy_deduct_dialog_get_error (HyDeductDialog *self)
{
	return self->error;
}

GtkWidget *
hy_deduct_dialog_get_field (HyDeductDialog *self, const gchar *name)
{
	if (g_str_equal (name, "amount_entry"))
		return self->amount_entry;
	if (g_str_equal (name, "item_entry"))
		return self->item_entry;
	if (g_str_equal (name, "uses_entry"))
		return self->uses_entry;
	if (g_str_equal (name, "note_entry"))
		return self->note_entry;
	if (g_str_equal (name, "pin_entry"))
		return self->pin_entry;
	g_return_val_if_reached (NULL);
}

static void
hy_deduct_dialog_dispose (GObject *object)
{
	HyDeductDialog *self = HY_DEDUCT_DIALOG (object);
	if (self->cancellable != NULL)
		g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_deduct_dialog_parent_class)->dispose (object);
}

static void
hy_deduct_dialog_finalize (GObject *object)
{
	HyDeductDialog *self = HY_DEDUCT_DIALOG (object);
	g_free (self->card);
	g_free (self->error);
	G_OBJECT_CLASS (hy_deduct_dialog_parent_class)->finalize (object);
}

static void
hy_deduct_dialog_class_init (HyDeductDialogClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);
	object_class->dispose = hy_deduct_dialog_dispose;
	object_class->finalize = hy_deduct_dialog_finalize;
	dialog_class->response = hy_deduct_dialog_response;
	signals[SIGNAL_DEDUCTED] =
		g_signal_new ("deducted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* Built in code: five fields in a grid, as the pay dialog lays out its own. */
static void
hy_deduct_dialog_init (HyDeductDialog *self)
{
	GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));
	GtkWidget *grid = gtk_grid_new ();
	GtkWidget *hint = gtk_label_new (
		_ ("Takes an amount from stored value, or uses from a count card, without "
		   "pricing: no discount, no points."));
	GtkWidget *button;

	self->cancellable = g_cancellable_new ();
	gtk_window_set_resizable (GTK_WINDOW (self), FALSE);
	gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Cancel"), GTK_RESPONSE_CANCEL);
	button = gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Deduct"), GTK_RESPONSE_OK);
	gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);

	self->info_bar = gtk_info_bar_new ();
	gtk_info_bar_set_message_type (GTK_INFO_BAR (self->info_bar), GTK_MESSAGE_ERROR);
	self->error_label = gtk_label_new ("");
	gtk_label_set_line_wrap (GTK_LABEL (self->error_label), TRUE);
	gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
	gtk_container_add (
		GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (self->info_bar))),
		self->error_label);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
	gtk_container_add (GTK_CONTAINER (content), self->info_bar);

	gtk_container_add (GTK_CONTAINER (content), grid);
	g_object_set (grid, "margin", 18, "row-spacing", 8, "column-spacing", 12, NULL);
	gtk_label_set_line_wrap (GTK_LABEL (hint), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (hint), 40);
	gtk_label_set_xalign (GTK_LABEL (hint), 0);
	gtk_style_context_add_class (gtk_widget_get_style_context (hint), "dim-label");
	gtk_grid_attach (GTK_GRID (grid), hint, 0, 0, 2, 1);

	self->amount_entry = gtk_entry_new ();
	gtk_entry_set_input_purpose (GTK_ENTRY (self->amount_entry), GTK_INPUT_PURPOSE_NUMBER);
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->amount_entry),
					_ ("Yuan from stored value, e.g. 12.50"));
	hy_deduct_dialog_add_row (GTK_GRID (grid), 1, _ ("_Amount"), self->amount_entry);
	self->item_entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->item_entry),
					_ ("Or a count item code, e.g. SWIM"));
	hy_deduct_dialog_add_row (GTK_GRID (grid), 2, _ ("_Item"), self->item_entry);
	self->uses_entry = gtk_entry_new ();
	gtk_entry_set_input_purpose (GTK_ENTRY (self->uses_entry), GTK_INPUT_PURPOSE_DIGITS);
	gtk_entry_set_text (GTK_ENTRY (self->uses_entry), "1");
	hy_deduct_dialog_add_row (GTK_GRID (grid), 3, _ ("_Uses"), self->uses_entry);
	self->note_entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->note_entry), _ ("Why, for the records"));
	hy_deduct_dialog_add_row (GTK_GRID (grid), 4, _ ("_Note"), self->note_entry);
	/* as the pay dialog's: hidden digits, at most 6 */
	self->pin_entry = gtk_entry_new ();
	gtk_entry_set_visibility (GTK_ENTRY (self->pin_entry), FALSE);
	gtk_entry_set_input_purpose (GTK_ENTRY (self->pin_entry), GTK_INPUT_PURPOSE_PIN);
	gtk_entry_set_max_length (GTK_ENTRY (self->pin_entry), 6);
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->pin_entry), _ ("PIN"));
	hy_deduct_dialog_add_row (GTK_GRID (grid), 5, _ ("Spending _PIN"), self->pin_entry);
	gtk_widget_show_all (content);
	/* no_show_all: the PIN row is only for a card with a PIN */
	gtk_widget_set_no_show_all (self->pin_entry, TRUE);
	gtk_widget_set_no_show_all (gtk_grid_get_child_at (GTK_GRID (grid), 0, 5), TRUE);
}
