#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-error.h"
#include "hy-format.h"
#include "hy-time-panel.h"
#include "hy-sync-escrow.h"
#include "hy-time.h"
#include "hy-ui.h"

struct _HyTimePanel {
	GtkBox parent_instance;

	GtkWidget *sessions_list;
	GtkWidget *item_entry;
	GtkWidget *pin_box;
	GtkWidget *pin_entry;
	GtkWidget *bill_label;

	HySession *session;
	GCancellable *cancellable;
	gchar *card;	    /* number, NULL: no member */
	gchar *pin_session; /* the check-out waiting for the PIN */
	guint serial;	    /* a newer card makes older answers stale */
	guint busy;
};

enum { SIGNAL_SHOW_ERROR, SIGNAL_BILLED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyTimePanel, hy_time_panel, GTK_TYPE_BOX)

typedef enum { HY_TIME_JOB_LIST, HY_TIME_JOB_START, HY_TIME_JOB_STOP } HyTimeJobKind;

typedef struct {
	HyTimeJobKind kind;
	gchar *card;
	gchar *item;	/* check-in */
	gchar *session; /* check-out */
	gchar *pin;
	guint serial;
} HyTimeJob;

static void
hy_time_job_free (HyTimeJob *job)
{
	g_free (job->card);
	g_free (job->item);
	g_free (job->session);
	if (job->pin != NULL) {
		memset (job->pin, 0, strlen (job->pin));
		g_free (job->pin);
	}
	g_free (job);
}

typedef struct {
	GPtrArray *sessions; /* HyTimeSession of the card */
	HyTimeBill *bill;    /* a check-out's, or NULL */
} HyTimeResult;

static void
hy_time_result_free (HyTimeResult *result)
{
	g_clear_pointer (&result->sessions, g_ptr_array_unref);
	g_clear_pointer (&result->bill, hy_time_bill_free);
	g_free (result);
}

static gpointer
hy_time_panel_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyTimeJob *job = data;
	const HyActor *actor = hy_session_get_actor (session);
	g_autoptr (GPtrArray) open = NULL;
	HyTimeResult *result = g_new0 (HyTimeResult, 1);

	if (job->kind == HY_TIME_JOB_START &&
	    !hy_time_start (db, actor, job->card, job->item, NULL, NULL, error)) {
		hy_time_result_free (result);
		return NULL;
	}
	if (job->kind == HY_TIME_JOB_STOP) {
		/* in a chain, what this store may not bill offline is asked of the relay */
		if (!HY_SYNC_COVERED (db, error,
				      (result->bill = hy_time_stop (db, actor, job->session, NULL,
								    job->pin, error)) != NULL)) {
			hy_time_result_free (result);
			return NULL;
		}
	}
	open = hy_time_list_open (db, error);
	if (open == NULL) {
		hy_time_result_free (result);
		return NULL;
	}
	result->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_time_session_free);
	for (guint i = 0; i < open->len; i++) {
		HyTimeSession *s = g_ptr_array_index (open, i);
		if (g_strcmp0 (s->card, job->card) == 0)
			g_ptr_array_add (result->sessions, g_ptr_array_steal_index (open, i--));
	}
	return result;
}

static void
hy_time_panel_error (HyTimePanel *self, const GError *error)
{
	g_autofree gchar *text = NULL;
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	text = hy_ui_error_text (error);
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, text);
}

static void
hy_time_panel_clear_box (GtkWidget *container)
{
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (container));
	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy (GTK_WIDGET (l->data));
}

static void
hy_time_panel_check_out_cb (GtkButton *button, HyTimePanel *self);

static GtkWidget *
hy_time_panel_session_row (HyTimePanel *self, HyTimeSession *session)
{
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *item = gtk_label_new (session->item);
	g_autoptr (GDateTime) started =
		g_date_time_new_from_unix_local (session->started_at / 1000);
	g_autofree gchar *time = g_date_time_format (started, "%H:%M");
	g_autofree gchar *since_text = g_strdup_printf (_ ("since %s"), time);
	GtkWidget *since = gtk_label_new (since_text);
	GtkWidget *out = gtk_button_new_with_label (_ ("Check out"));

	gtk_label_set_xalign (GTK_LABEL (item), 0);
	gtk_widget_set_hexpand (item, TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (since), "dim-label");
	gtk_widget_set_tooltip_text (out, _ ("End this session and bill the time used"));
	g_object_set_data_full (G_OBJECT (out), "hy-session", g_strdup (session->id), g_free);
	g_signal_connect (out, "clicked", G_CALLBACK (hy_time_panel_check_out_cb), self);
	gtk_container_add (GTK_CONTAINER (box), item);
	gtk_container_add (GTK_CONTAINER (box), since);
	gtk_container_add (GTK_CONTAINER (box), out);
	gtk_widget_show_all (box);
	return box;
}

/* What a check-out took, in the cashier's words. */
static gchar *
hy_time_panel_bill_text (const HyTimeBill *bill)
{
	g_autofree gchar *money = hy_format_money (bill->money);
	g_autofree gchar *money_left = hy_format_money (bill->money_left);
	return g_strdup_printf (
		_ ("%s checked out after %" PRId64 " min: %" PRId64 " × %d min billed, %" PRId64
		   " min of time and %s of stored value taken (left: %" PRId64 " min, %s)"),
		bill->item, bill->seconds / 60, bill->units, bill->unit_minutes,
		bill->time_deducted / 60, money, bill->time_left / 60, money_left);
}

/* What the answer of a job is about, kept on the main thread. */
typedef struct {
	HyTimePanel *self; /* a reference */
	HyTimeJobKind kind;
	gchar *session;
	guint serial;
} HyTimeCall;

static void
hy_time_call_free (HyTimeCall *call)
{
	g_object_unref (call->self);
	g_free (call->session);
	g_free (call);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTimeCall, hy_time_call_free)

static void
hy_time_panel_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr (HyTimeCall) call = user_data;
	HyTimePanel *self = call->self;
	g_autoptr (GError) error = NULL;
	HyTimeResult *result = hy_session_run_finish (HY_SESSION (source), res, &error);

	self->busy--;
	if (call->serial != self->serial) {
		g_clear_pointer (&result, hy_time_result_free);
		return;
	}
	if (result == NULL) {
		/* stored value is charged and the card has a PIN: ask for it, then retry */
		if (call->kind == HY_TIME_JOB_STOP &&
		    g_error_matches (error, HY_ERROR, HY_ERROR_AUTH_FAILED)) {
			g_free (self->pin_session);
			self->pin_session = g_steal_pointer (&call->session);
			gtk_entry_set_text (GTK_ENTRY (self->pin_entry), "");
			gtk_widget_show (self->pin_box);
			gtk_widget_grab_focus (self->pin_entry);
		}
		hy_time_panel_error (self, error);
		return;
	}
	hy_time_panel_clear_box (self->sessions_list);
	for (guint i = 0; i < result->sessions->len; i++)
		gtk_container_add (
			GTK_CONTAINER (self->sessions_list),
			hy_time_panel_session_row (self, g_ptr_array_index (result->sessions, i)));
	if (call->kind == HY_TIME_JOB_START)
		gtk_entry_set_text (GTK_ENTRY (self->item_entry), "");
	if (result->bill != NULL) {
		g_autofree gchar *text = hy_time_panel_bill_text (result->bill);
		gtk_label_set_text (GTK_LABEL (self->bill_label), text);
		gtk_widget_show (self->bill_label);
		gtk_widget_hide (self->pin_box);
		g_clear_pointer (&self->pin_session, g_free);
		g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, NULL);
		g_signal_emit (self, signals[SIGNAL_BILLED], 0);
	}
	hy_time_result_free (result);
}

static void
hy_time_panel_run (HyTimePanel *self, HyTimeJob *job)
{
	HyTimeCall *call;
	if (self->session == NULL || self->card == NULL) {
		hy_time_job_free (job);
		return;
	}
	job->card = g_strdup (self->card);
	job->serial = self->serial;
	call = g_new0 (HyTimeCall, 1);
	call->self = g_object_ref (self);
	call->kind = job->kind;
	call->session = g_strdup (job->session);
	call->serial = self->serial;
	if (job->kind != HY_TIME_JOB_LIST)
		g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, NULL);
	self->busy++;
	hy_session_run_async (self->session, hy_time_panel_job, job,
			      (GDestroyNotify) hy_time_job_free,
			      (GDestroyNotify) hy_time_result_free, self->cancellable,
			      hy_time_panel_done_cb, call);
}

static void
hy_time_panel_check_out (HyTimePanel *self, const gchar *session_id, const gchar *pin)
{
	HyTimeJob *job = g_new0 (HyTimeJob, 1);
	job->kind = HY_TIME_JOB_STOP;
	job->session = g_strdup (session_id);
	job->pin = g_strdup (pin);
	hy_time_panel_run (self, job);
}

static void
hy_time_panel_check_out_cb (GtkButton *button, HyTimePanel *self)
{
	hy_time_panel_check_out (self, g_object_get_data (G_OBJECT (button), "hy-session"), NULL);
}

static void
hy_time_panel_pin_activate_cb (HyTimePanel *self)
{
	if (self->pin_session != NULL)
		hy_time_panel_check_out (self, self->pin_session,
					 gtk_entry_get_text (GTK_ENTRY (self->pin_entry)));
}

static void
hy_time_panel_check_in_cb (HyTimePanel *self)
{
	g_autofree gchar *item =
		g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->item_entry))));
	HyTimeJob *job;
	if (item[0] == '\0') {
		g_autoptr (GError) error =
			g_error_new_literal (HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("check in: type the code of a time item"));
		hy_time_panel_error (self, error);
		return;
	}
	job = g_new0 (HyTimeJob, 1);
	job->kind = HY_TIME_JOB_START;
	job->item = g_ascii_strup (item, -1);
	hy_time_panel_run (self, job);
}

/* ---- public ---- */

GtkWidget *
hy_time_panel_new (void)
{
	return g_object_new (HY_TYPE_TIME_PANEL, NULL);
}

void
hy_time_panel_set_session (HyTimePanel *self, HySession *session)
{
	g_return_if_fail (HY_IS_TIME_PANEL (self));
	g_set_object (&self->session, session);
}

void
hy_time_panel_set_card (HyTimePanel *self, const gchar *card_number)
{
	HyTimeJob *job;
	g_return_if_fail (HY_IS_TIME_PANEL (self));
	self->serial++;
	g_free (self->card);
	self->card = g_strdup (card_number);
	g_clear_pointer (&self->pin_session, g_free);
	gtk_widget_hide (self->pin_box);
	hy_time_panel_clear_box (self->sessions_list);
	if (card_number == NULL) {
		gtk_label_set_text (GTK_LABEL (self->bill_label), "");
		gtk_widget_hide (self->bill_label);
		return;
	}
	job = g_new0 (HyTimeJob, 1);
	job->kind = HY_TIME_JOB_LIST;
	hy_time_panel_run (self, job);
}

guint
hy_time_panel_get_busy (HyTimePanel *self)
{
	return self->busy;
}

GtkWidget *
hy_time_panel_get_item_entry (HyTimePanel *self)
{
	return self->item_entry;
}

GtkWidget *
hy_time_panel_get_sessions_list (HyTimePanel *self)
{
	return self->sessions_list;
}

GtkWidget *
hy_time_panel_get_pin_entry (HyTimePanel *self)
{
	return self->pin_entry;
}

const gchar *
hy_time_panel_get_bill_text (HyTimePanel *self)
{
	return gtk_label_get_text (GTK_LABEL (self->bill_label));
}

/* ---- object ---- */

static void
hy_time_panel_dispose (GObject *object)
{
	HyTimePanel *self = HY_TIME_PANEL (object);
	if (self->cancellable != NULL)
		g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_time_panel_parent_class)->dispose (object);
}

static void
hy_time_panel_finalize (GObject *object)
{
	HyTimePanel *self = HY_TIME_PANEL (object);
	g_free (self->card);
	g_free (self->pin_session);
	G_OBJECT_CLASS (hy_time_panel_parent_class)->finalize (object);
}

static void
hy_time_panel_class_init (HyTimePanelClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = hy_time_panel_dispose;
	object_class->finalize = hy_time_panel_finalize;
	signals[SIGNAL_SHOW_ERROR] =
		g_signal_new ("show-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	signals[SIGNAL_BILLED] =
		g_signal_new ("billed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			      NULL, G_TYPE_NONE, 0);
}

/* Built in code, as the count-card rows are: a title, the sessions, a check-in row, a
 * PIN row shown only when a check-out needs it, and the last bill. */
static void
hy_time_panel_init (HyTimePanel *self)
{
	GtkWidget *title = gtk_label_new (_ ("Time"));
	GtkWidget *placeholder = gtk_label_new (_ ("No open session"));
	GtkWidget *check_in_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *check_in = gtk_button_new_with_mnemonic (_ ("Check _in"));
	GtkWidget *pin_label = gtk_label_new_with_mnemonic (_ ("Spending _PIN"));

	self->cancellable = g_cancellable_new ();
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);

	gtk_label_set_xalign (GTK_LABEL (title), 0);
	g_object_set (title, "margin-top", 6, NULL);
	gtk_style_context_add_class (gtk_widget_get_style_context (title), "hy-subsection-title");
	gtk_container_add (GTK_CONTAINER (self), title);

	self->sessions_list = gtk_list_box_new ();
	gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->sessions_list), GTK_SELECTION_NONE);
	gtk_style_context_add_class (gtk_widget_get_style_context (self->sessions_list), "frame");
	gtk_style_context_add_class (gtk_widget_get_style_context (self->sessions_list),
				     "hy-counts");
	gtk_style_context_add_class (gtk_widget_get_style_context (placeholder), "dim-label");
	g_object_set (placeholder, "margin", 8, NULL);
	gtk_widget_show (placeholder);
	gtk_list_box_set_placeholder (GTK_LIST_BOX (self->sessions_list), placeholder);
	gtk_container_add (GTK_CONTAINER (self), self->sessions_list);

	self->item_entry = gtk_entry_new ();
	gtk_widget_set_hexpand (self->item_entry, TRUE);
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->item_entry),
					_ ("Time item code, e.g. POOL"));
	g_signal_connect_swapped (self->item_entry, "activate",
				  G_CALLBACK (hy_time_panel_check_in_cb), self);
	g_signal_connect_swapped (check_in, "clicked", G_CALLBACK (hy_time_panel_check_in_cb),
				  self);
	gtk_container_add (GTK_CONTAINER (check_in_box), self->item_entry);
	gtk_container_add (GTK_CONTAINER (check_in_box), check_in);
	gtk_container_add (GTK_CONTAINER (self), check_in_box);

	/* as the pay dialog's: hidden digits, at most 6 */
	self->pin_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
	self->pin_entry = gtk_entry_new ();
	gtk_entry_set_visibility (GTK_ENTRY (self->pin_entry), FALSE);
	gtk_entry_set_input_purpose (GTK_ENTRY (self->pin_entry), GTK_INPUT_PURPOSE_PIN);
	gtk_entry_set_max_length (GTK_ENTRY (self->pin_entry), 6);
	gtk_entry_set_placeholder_text (GTK_ENTRY (self->pin_entry), _ ("PIN"));
	gtk_widget_set_hexpand (self->pin_entry, TRUE);
	gtk_label_set_mnemonic_widget (GTK_LABEL (pin_label), self->pin_entry);
	g_signal_connect_swapped (self->pin_entry, "activate",
				  G_CALLBACK (hy_time_panel_pin_activate_cb), self);
	gtk_container_add (GTK_CONTAINER (self->pin_box), pin_label);
	gtk_container_add (GTK_CONTAINER (self->pin_box), self->pin_entry);
	gtk_container_add (GTK_CONTAINER (self), self->pin_box);

	self->bill_label = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->bill_label), 0);
	gtk_label_set_line_wrap (GTK_LABEL (self->bill_label), TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (self->bill_label), "dim-label");
	gtk_container_add (GTK_CONTAINER (self), self->bill_label);

	gtk_widget_show_all (GTK_WIDGET (self));
	gtk_widget_hide (self->pin_box);
	gtk_widget_hide (self->bill_label);
	gtk_widget_set_no_show_all (self->pin_box, TRUE);
	gtk_widget_set_no_show_all (self->bill_label, TRUE);
}
