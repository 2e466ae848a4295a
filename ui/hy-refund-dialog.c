#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-error.h"
#include "hy-format.h"
#include "hy-item.h"
#include "hy-refund.h"
#include "hy-refund-dialog.h"
#include "hy-sync-escrow.h"
#include "hy-ui.h"

struct _HyRefundDialog {
	GtkDialog parent_instance;
	GtkWidget *info_bar;
	GtkWidget *error_label;
	GtkWidget *sale_entry;
	GtkWidget *sale_label;
	GtkWidget *lines_grid;
	GtkWidget *all_button;
	GtkWidget *reason_entry;
	GtkWidget *result_label;

	HySession *session;
	GCancellable *cancellable;
	HyRefundable *sale; /* the sale shown, or NULL */
	GPtrArray *spins;   /* GtkSpinButton, one per line of `sale` */
	gchar *error;
	gchar *result;
	guint busy;
};

enum { SIGNAL_REFUNDED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyRefundDialog, hy_refund_dialog, GTK_TYPE_DIALOG)

/* ---- jobs ---- */

/* A sale found, with the catalogue name of each line's item. */
typedef struct {
	HyRefundable *sale;
	GPtrArray *names; /* gchar *, one per line */
	gchar *summary;	  /* after a refund: what went back */
} HyRefundFound;

static void
hy_refund_found_free (HyRefundFound *found)
{
	hy_refundable_free (found->sale);
	g_clear_pointer (&found->names, g_ptr_array_unref);
	g_free (found->summary);
	g_free (found);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyRefundFound, hy_refund_found_free)

static HyRefundFound *
hy_refund_dialog_load (HyDb *db, const gchar *sale, GError **error)
{
	g_autoptr (HyRefundFound) found = g_new0 (HyRefundFound, 1);
	found->sale = hy_refund_find_sale (db, sale, error);
	if (found->sale == NULL)
		return NULL;
	found->names = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < found->sale->lines->len; i++) {
		HyRefundableLine *line = g_ptr_array_index (found->sale->lines, i);
		/* an item since retired keeps its code */
		g_autoptr (HyItem) item =
			line->item != NULL ? hy_item_find (db, line->item, NULL) : NULL;
		g_ptr_array_add (found->names, g_strdup (item != NULL	      ? item->name
							 : line->item != NULL ? line->item
									      : _ ("Amount")));
	}
	return g_steal_pointer (&found);
}

static gpointer
hy_refund_dialog_find_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	return hy_refund_dialog_load (db, data, error);
}

typedef struct {
	gchar *sale_id;
	GArray *lines; /* HyRefundLine */
	gchar *reason;
} HyRefundJob;

static void
hy_refund_job_free (HyRefundJob *job)
{
	g_free (job->sale_id);
	g_array_unref (job->lines);
	g_free (job->reason);
	g_free (job);
}

static gpointer
hy_refund_dialog_refund_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyRefundJob *job = data;
	g_autoptr (JsonNode) result = NULL;
	g_autofree gchar *amount = NULL;
	g_autofree gchar *to_balance = NULL;
	g_autofree gchar *to_cash = NULL;
	g_autofree gchar *points = NULL;
	HyRefundFound *found;
	JsonObject *o;

	/* taking back points earned may need the relay, as any debit in a chain */
	if (!HY_SYNC_COVERED (db, error,
			      hy_refund_sale (db, hy_session_get_actor (session), job->sale_id,
					      (const HyRefundLine *) (gpointer) job->lines->data,
					      job->lines->len, job->reason, NULL, &result, error)))
		return NULL;
	o = json_node_get_object (result);
	amount = hy_format_money (json_object_get_int_member (o, "amount"));
	to_balance = hy_format_money (json_object_get_int_member (o, "to_balance"));
	to_cash = hy_format_money (json_object_get_int_member (o, "to_cash"));
	points = hy_format_points (json_object_get_int_member (o, "points"));
	/* the sale as it is now: what is left of each line */
	found = hy_refund_dialog_load (db, job->sale_id, error);
	if (found == NULL)
		return NULL;
	found->summary = g_strdup_printf (_ ("Refunded %s: %s back to stored value, %s in cash; "
					     "%s points taken back."),
					  amount, to_balance, to_cash, points);
	return found;
}

/* ---- showing the sale ---- */

static void
hy_refund_dialog_show_error (HyRefundDialog *self, const GError *error)
{
	g_free (self->error);
	self->error = hy_ui_error_text (error);
	gtk_label_set_text (GTK_LABEL (self->error_label), self->error);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), TRUE);
}

static void
hy_refund_dialog_clear_error (HyRefundDialog *self)
{
	g_clear_pointer (&self->error, g_free);
	gtk_info_bar_set_revealed (GTK_INFO_BAR (self->info_bar), FALSE);
}

static GtkWidget *
hy_refund_dialog_cell (GtkGrid *grid, gint column, gint row, const gchar *text, gboolean numeric)
{
	GtkWidget *label = gtk_label_new (text);
	gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
	if (numeric)
		gtk_style_context_add_class (gtk_widget_get_style_context (label), "hy-number");
	if (row == 0)
		gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_grid_attach (grid, label, column, row, 1, 1);
	return label;
}

static void
hy_refund_dialog_activate_cb (GtkDialog *dialog)
{
	gtk_dialog_response (dialog, GTK_RESPONSE_OK);
}

/* Nothing shown: while another number is looked up, Refund must not act on the last. */
static void
hy_refund_dialog_clear_sale (HyRefundDialog *self)
{
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->lines_grid));
	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy (GTK_WIDGET (l->data));
	g_ptr_array_set_size (self->spins, 0);
	g_clear_pointer (&self->sale, hy_refundable_free);
	gtk_label_set_text (GTK_LABEL (self->sale_label), "");
	gtk_widget_set_sensitive (self->all_button, FALSE);
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, FALSE);
}

static void
hy_refund_dialog_show_sale (HyRefundDialog *self, HyRefundFound *found)
{
	GtkGrid *grid = GTK_GRID (self->lines_grid);
	g_autoptr (GDateTime) at = NULL;
	g_autofree gchar *date = NULL;
	g_autofree gchar *who = NULL;
	g_autofree gchar *total = NULL;
	g_autofree gchar *refunded = NULL;
	g_autofree gchar *header = NULL;
	gboolean any_left = FALSE;

	hy_refund_dialog_clear_sale (self);
	self->sale = g_steal_pointer (&found->sale);

	at = g_date_time_new_from_unix_local (self->sale->at / 1000);
	date = at != NULL ? g_date_time_format (at, "%Y-%m-%d %H:%M") : g_strdup ("");
	who = self->sale->card_number != NULL
		      ? g_strdup_printf ("%s (%s)",
					 self->sale->member_name != NULL ? self->sale->member_name
									 : "",
					 self->sale->card_number)
		      : g_strdup (_ ("not a member"));
	total = hy_format_money (self->sale->total);
	refunded = hy_format_money (self->sale->refunded);
	header = g_strdup_printf (_ ("Sale %s\n%s, %s: paid %s, %s refunded so far"),
				  self->sale->sale_id, date, who, total, refunded);
	gtk_label_set_text (GTK_LABEL (self->sale_label), header);
	gtk_entry_set_text (GTK_ENTRY (self->sale_entry), self->sale->sale_id);

	hy_refund_dialog_cell (grid, 0, 0, _ ("Item"), FALSE);
	hy_refund_dialog_cell (grid, 1, 0, _ ("Sold"), TRUE);
	hy_refund_dialog_cell (grid, 2, 0, _ ("Left"), TRUE);
	hy_refund_dialog_cell (grid, 3, 0, _ ("Amount"), TRUE);
	hy_refund_dialog_cell (grid, 4, 0, _ ("Return"), TRUE);
	for (guint i = 0; i < self->sale->lines->len; i++) {
		HyRefundableLine *line = g_ptr_array_index (self->sale->lines, i);
		g_autofree gchar *sold = g_strdup_printf ("%" PRId64, line->qty);
		g_autofree gchar *left = g_strdup_printf ("%" PRId64, line->left);
		g_autofree gchar *amount = hy_format_money (line->amount);
		GtkWidget *spin = gtk_spin_button_new_with_range (0, (gdouble) line->left, 1);
		GtkWidget *name = hy_refund_dialog_cell (
			grid, 0, (gint) i + 1, g_ptr_array_index (found->names, i), FALSE);
		gtk_widget_set_hexpand (name, TRUE);
		hy_refund_dialog_cell (grid, 1, (gint) i + 1, sold, TRUE);
		hy_refund_dialog_cell (grid, 2, (gint) i + 1, left, TRUE);
		hy_refund_dialog_cell (grid, 3, (gint) i + 1, amount, TRUE);
		gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
		gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
		/* keyboard first: the quantity typed, Enter refunds */
		g_signal_connect_swapped (spin, "activate",
					  G_CALLBACK (hy_refund_dialog_activate_cb), self);
		/* a line returned in full has nothing left to choose */
		gtk_widget_set_sensitive (spin, line->left > 0);
		gtk_grid_attach (grid, spin, 4, (gint) i + 1, 1, 1);
		g_ptr_array_add (self->spins, spin);
		any_left |= line->left > 0;
	}
	gtk_widget_show_all (self->lines_grid);
	gtk_widget_set_sensitive (self->all_button, any_left);
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, any_left);
}

static void
hy_refund_dialog_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyRefundDialog) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRefundFound) found =
		hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	if (found == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_refund_dialog_show_error (self, error);
		return;
	}
	hy_refund_dialog_show_sale (self, found);
	if (self->spins->len > 0)
		gtk_widget_grab_focus (g_ptr_array_index (self->spins, 0));
}

void
hy_refund_dialog_find (HyRefundDialog *self)
{
	const gchar *typed = gtk_entry_get_text (GTK_ENTRY (self->sale_entry));
	g_return_if_fail (HY_IS_REFUND_DIALOG (self));
	if (self->busy > 0)
		return;
	hy_refund_dialog_clear_error (self);
	hy_refund_dialog_clear_sale (self);
	gtk_widget_set_visible (self->result_label, FALSE);
	self->busy++;
	hy_session_run_async (self->session, hy_refund_dialog_find_job, g_strdup (typed), g_free,
			      (GDestroyNotify) hy_refund_found_free, self->cancellable,
			      hy_refund_dialog_found_cb, g_object_ref (self));
}

/* ---- refunding ---- */

static void
hy_refund_dialog_refunded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyRefundDialog) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyRefundFound) found =
		hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	if (found == NULL) {
		/* the quantities stay as chosen: the reason says what to change */
		gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, TRUE);
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			hy_refund_dialog_show_error (self, error);
		return;
	}
	g_free (self->result);
	self->result = g_steal_pointer (&found->summary);
	hy_refund_dialog_show_sale (self, found);
	gtk_label_set_text (GTK_LABEL (self->result_label), self->result);
	gtk_widget_set_visible (self->result_label, TRUE);
	g_signal_emit (self, signals[SIGNAL_REFUNDED], 0, self->result);
}

static void
hy_refund_dialog_response (GtkDialog *dialog, gint response)
{
	HyRefundDialog *self = HY_REFUND_DIALOG (dialog);
	g_autoptr (GArray) lines = NULL;
	const gchar *reason;
	HyRefundJob *job;

	if (response != GTK_RESPONSE_OK || self->busy > 0 || self->sale == NULL)
		return;
	lines = g_array_new (FALSE, TRUE, sizeof (HyRefundLine));
	for (guint i = 0; i < self->spins->len; i++) {
		HyRefundableLine *line = g_ptr_array_index (self->sale->lines, i);
		HyRefundLine chosen = {line->line, 0};
		GtkSpinButton *spin = g_ptr_array_index (self->spins, i);
		/* Enter in a spin reaches us before the spin reads what was typed */
		gtk_spin_button_update (spin);
		chosen.qty = gtk_spin_button_get_value_as_int (spin);
		if (chosen.qty > 0)
			g_array_append_val (lines, chosen);
	}
	if (lines->len == 0) {
		g_autoptr (GError) error =
			g_error_new_literal (HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("choose how many of a line to return"));
		hy_refund_dialog_show_error (self, error);
		return;
	}
	reason = gtk_entry_get_text (GTK_ENTRY (self->reason_entry));
	job = g_new0 (HyRefundJob, 1);
	job->sale_id = g_strdup (self->sale->sale_id);
	job->lines = g_steal_pointer (&lines);
	job->reason = g_strdup (reason[0] != '\0' ? reason : _ ("refunded at the till"));
	hy_refund_dialog_clear_error (self);
	gtk_widget_set_visible (self->result_label, FALSE);
	gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, FALSE);
	self->busy++;
	hy_session_run_async (self->session, hy_refund_dialog_refund_job, job,
			      (GDestroyNotify) hy_refund_job_free,
			      (GDestroyNotify) hy_refund_found_free, self->cancellable,
			      hy_refund_dialog_refunded_cb, g_object_ref (self));
}

static void
hy_refund_dialog_all_clicked_cb (HyRefundDialog *self)
{
	for (guint i = 0; i < self->spins->len; i++) {
		HyRefundableLine *line = g_ptr_array_index (self->sale->lines, i);
		gtk_spin_button_set_value (GTK_SPIN_BUTTON (g_ptr_array_index (self->spins, i)),
					   (gdouble) line->left);
	}
}

/* ---- the dialog ---- */

HyRefundDialog *
hy_refund_dialog_new (GtkWindow *parent, HySession *session, const gchar *sale)
{
	HyRefundDialog *self =
		g_object_new (HY_TYPE_REFUND_DIALOG, "transient-for", parent, "modal", TRUE,
			      "destroy-with-parent", TRUE, "use-header-bar", TRUE, "title",
			      _ ("Refund a Sale"), NULL);
	self->session = g_object_ref (session);
	if (sale != NULL) {
		gtk_entry_set_text (GTK_ENTRY (self->sale_entry), sale);
		hy_refund_dialog_find (self);
	}
	return self;
}

guint
hy_refund_dialog_get_busy (HyRefundDialog *self)
{
	return self->busy;
}

const gchar *
hy_refund_dialog_get_error (HyRefundDialog *self)
{
	return self->error;
}

const gchar *
hy_refund_dialog_get_result (HyRefundDialog *self)
{
	return self->result;
}

const gchar *
hy_refund_dialog_get_sale_id (HyRefundDialog *self)
{
	return self->sale != NULL ? self->sale->sale_id : NULL;
}

GtkWidget *
hy_refund_dialog_get_field (HyRefundDialog *self, const gchar *name)
{
	if (g_str_equal (name, "sale_entry"))
		return self->sale_entry;
	if (g_str_equal (name, "reason_entry"))
		return self->reason_entry;
	if (g_str_equal (name, "all_button"))
		return self->all_button;
	g_return_val_if_reached (NULL);
}

GtkWidget *
hy_refund_dialog_get_line_spin (HyRefundDialog *self, guint line)
{
	for (guint i = 0; self->sale != NULL && i < self->spins->len; i++)
		if (((HyRefundableLine *) g_ptr_array_index (self->sale->lines, i))->line == line)
			return g_ptr_array_index (self->spins, i);
	return NULL;
}

static void
hy_refund_dialog_dispose (GObject *object)
{
	HyRefundDialog *self = HY_REFUND_DIALOG (object);
	if (self->cancellable != NULL)
		g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_refund_dialog_parent_class)->dispose (object);
}

static void
hy_refund_dialog_finalize (GObject *object)
{
	HyRefundDialog *self = HY_REFUND_DIALOG (object);
	hy_refundable_free (self->sale);
	g_ptr_array_unref (self->spins);
	g_free (self->error);
	g_free (self->result);
	G_OBJECT_CLASS (hy_refund_dialog_parent_class)->finalize (object);
}

static void
hy_refund_dialog_class_init (HyRefundDialogClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);

	object_class->dispose = hy_refund_dialog_dispose;
	object_class->finalize = hy_refund_dialog_finalize;
	dialog_class->response = hy_refund_dialog_response;
	signals[SIGNAL_REFUNDED] =
		g_signal_new ("refunded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static GtkWidget *
hy_refund_dialog_labelled (GtkGrid *grid, gint row, const gchar *mnemonic, GtkWidget *field)
{
	GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);
	gtk_label_set_xalign (GTK_LABEL (label), 1);
	gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
	gtk_widget_set_hexpand (field, TRUE);
	gtk_grid_attach (grid, label, 0, row, 1, 1);
	gtk_grid_attach (grid, field, 1, row, 1, 1);
	return label;
}

/* Built in code, as the deduction dialog: the number, the sale, its lines, a reason. */
static void
hy_refund_dialog_init (HyRefundDialog *self)
{
	GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));
	GtkWidget *grid = gtk_grid_new ();
	GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);
	GtkWidget *find = gtk_button_new_with_mnemonic (_ ("_Find"));
	GtkWidget *number = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *button;

	self->cancellable = g_cancellable_new ();
	self->spins = g_ptr_array_new ();
	gtk_window_set_default_size (GTK_WINDOW (self), 620, -1);
	gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Close"), GTK_RESPONSE_CANCEL);
	button = gtk_dialog_add_button (GTK_DIALOG (self), _ ("_Refund"), GTK_RESPONSE_OK);
	gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
	gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
	gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, FALSE);

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
	g_object_set (grid, "margin", 18, "row-spacing", 10, "column-spacing", 12, NULL);

	/* the number as the receipt prints it; Enter finds it */
	self->sale_entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->sale_entry),
					_ ("The number on the receipt, or its first characters"));
	g_signal_connect_swapped (self->sale_entry, "activate", G_CALLBACK (hy_refund_dialog_find),
				  self);
	g_signal_connect_swapped (find, "clicked", G_CALLBACK (hy_refund_dialog_find), self);
	gtk_widget_set_hexpand (self->sale_entry, TRUE);
	gtk_container_add (GTK_CONTAINER (number), self->sale_entry);
	gtk_container_add (GTK_CONTAINER (number), find);
	hy_refund_dialog_labelled (GTK_GRID (grid), 0, _ ("Sale _number"), number);
	gtk_label_set_mnemonic_widget (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 0, 0)),
				       self->sale_entry);

	self->sale_label = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->sale_label), 0);
	gtk_label_set_selectable (GTK_LABEL (self->sale_label), TRUE);
	gtk_label_set_line_wrap (GTK_LABEL (self->sale_label), TRUE);
	gtk_grid_attach (GTK_GRID (grid), self->sale_label, 0, 1, 2, 1);

	self->lines_grid = gtk_grid_new ();
	g_object_set (self->lines_grid, "row-spacing", 6, "column-spacing", 18, NULL);
	gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
					GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
	gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
	gtk_container_add (GTK_CONTAINER (scrolled), self->lines_grid);
	gtk_grid_attach (GTK_GRID (grid), scrolled, 0, 2, 2, 1);

	self->all_button = gtk_button_new_with_mnemonic (_ ("Return _everything left"));
	gtk_widget_set_halign (self->all_button, GTK_ALIGN_START);
	gtk_widget_set_sensitive (self->all_button, FALSE);
	g_signal_connect_swapped (self->all_button, "clicked",
				  G_CALLBACK (hy_refund_dialog_all_clicked_cb), self);
	gtk_grid_attach (GTK_GRID (grid), self->all_button, 1, 3, 1, 1);

	self->reason_entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->reason_entry), _ ("Why, for the records"));
	g_signal_connect_swapped (self->reason_entry, "activate",
				  G_CALLBACK (hy_refund_dialog_activate_cb), self);
	hy_refund_dialog_labelled (GTK_GRID (grid), 4, _ ("Rea_son"), self->reason_entry);

	self->result_label = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->result_label), 0);
	gtk_label_set_line_wrap (GTK_LABEL (self->result_label), TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (self->result_label),
				     "hy-subsection-title");
	gtk_grid_attach (GTK_GRID (grid), self->result_label, 0, 5, 2, 1);

	gtk_widget_show_all (content);
	/* no_show_all: what went back shows after a refund only */
	gtk_widget_hide (self->result_label);
	gtk_widget_set_no_show_all (self->result_label, TRUE);
	gtk_widget_grab_focus (self->sale_entry);
}
