#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hy-cashier-page.h"
#include "hy-error.h"
#include "hy-format.h"
#include "hy-item-lookup.h"
#include "hy-recharge-dialog.h"
#include "hy-recharge.h"
#include "hy-sync-escrow.h"
#include "hy-refund.h"
#include "hy-money.h"
#include "hy-pay-dialog.h"
#include "hy-receipt-dialog.h"
#include "hy-refund-dialog.h"
#include "hy-deduct-dialog.h"
#include "hy-till.h"
#include "hy-time-panel.h"
#include "hy-ui.h"

/* Largest quantity typed as CODE*N: a typo guard, not a business rule. */
#define HY_CASHIER_MAX_QTY 9999

typedef struct {
	gchar *code; /* NULL: a quick sale by amount (快速消费) */
	gchar *name;
	gint64 qty;
	gint64 amount; /* fen, for an amount line */
} HyCartLine;

static void
hy_cart_line_free (HyCartLine *line)
{
	g_free (line->code);
	g_free (line->name);
	g_free (line);
}

struct _HyCashierPage {
	GtkBox parent_instance;

	GtkWidget *lookup_entry;
	GtkWidget *results_scroll;
	GtkWidget *results_list;
	GtkWidget *member_stack;
	GtkWidget *name_label;
	GtkWidget *level_label;
	GtkWidget *birthday_label;
	GtkWidget *card_label;
	GtkWidget *status_label;
	GtkWidget *phone_label;
	GtkWidget *money_label;
	GtkWidget *points_label;
	GtkWidget *counts_list;
	GtkWidget *recharge_entry;
	GtkWidget *recharge_title;
	GtkWidget *recharge_box;
	GtkWidget *recharge_preview;
	GtkWidget *time_panel; /* HyTimePanel, after the count cards */
	GtkWidget *item_entry;
	GtkWidget *cart_list;
	GtkWidget *subtotal_label;
	GtkWidget *discount_label;
	GtkWidget *points_earned_label;
	GtkWidget *total_label;
	GtkWidget *spinner;
	GtkWidget *pay_button;

	HySession *session;
	GCancellable *cancellable;
	HyMemberView *view;
	GPtrArray *cart;	/* HyCartLine */
	HyPricedBasket *basket; /* priced cart, NULL while (re)pricing */
	guint price_serial;
	guint busy;
	GtkDialog *pay_dialog;
	GtkDialog *receipt_dialog;
	GtkDialog *deduct_dialog;
	GtkDialog *refund_dialog; /* any sale, by its number (hy-refund-dialog) */
	gchar *last_receipt;	  /* for a reprint */
	gchar *last_sale_id;	  /* for a refund from the receipt */
	GtkWidget *item_popover;  /* items matching typed pinyin, to choose from */
	GtkWidget *item_choices;
	guint recharge_serial; /* of the amount typed: older previews are dropped */
};

enum { SIGNAL_SHOW_ERROR, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyCashierPage, hy_cashier_page, GTK_TYPE_BOX)

static void
hy_cashier_page_reprice (HyCashierPage *self);

static const gchar *
hy_cashier_page_store_code (HyCashierPage *self)
{
	const HyStore *store = hy_session_get_store (self->session);
	return store != NULL ? store->code : "";
}

static void
hy_cashier_page_error (HyCashierPage *self, const GError *error)
{
	g_autofree gchar *text = NULL;
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	text = hy_ui_error_text (error);
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, text);
}

static void
hy_cashier_page_clear_error (HyCashierPage *self)
{
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, NULL);
}

static void
hy_cashier_page_busy_inc (HyCashierPage *self)
{
	if (self->busy++ == 0)
		gtk_spinner_start (GTK_SPINNER (self->spinner));
}

static void
hy_cashier_page_busy_dec (HyCashierPage *self)
{
	g_return_if_fail (self->busy > 0);
	if (--self->busy == 0)
		gtk_spinner_stop (GTK_SPINNER (self->spinner));
}

static void
hy_cashier_page_clear_box (GtkWidget *container)
{
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (container));
	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy (GTK_WIDGET (l->data));
}

/* ---- the member panel ---- */

static void
hy_cashier_page_use_count_cb (GtkButton *button, HyCashierPage *self);

static GtkWidget *
hy_cashier_page_count_row (HyCashierPage *self, HyCountLot *lot, const gchar *item_name)
{
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *name = gtk_label_new (item_name);
	g_autofree gchar *left_text = g_strdup_printf (_ ("%" PRId64 " left"), lot->remaining);
	GtkWidget *left = gtk_label_new (left_text);
	g_autofree gchar *until = lot->expires_on != NULL
					  ? g_strdup_printf (_ ("until %s"), lot->expires_on)
					  : g_strdup (_ ("never expires"));
	GtkWidget *expiry = gtk_label_new (until);

	gtk_label_set_xalign (GTK_LABEL (name), 0);
	gtk_widget_set_hexpand (name, TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (left), "hy-number");
	gtk_style_context_add_class (gtk_widget_get_style_context (expiry), "dim-label");
	gtk_container_add (GTK_CONTAINER (box), name);
	gtk_container_add (GTK_CONTAINER (box), left);
	gtk_container_add (GTK_CONTAINER (box), expiry);
	{
		GtkWidget *use = gtk_button_new_with_label (_ ("Use 1"));
		gtk_widget_set_tooltip_text (use, _ ("Deduct one use from this count card"));
		g_object_set_data_full (G_OBJECT (use), "hy-item", g_strdup (lot->item), g_free);
		g_signal_connect (use, "clicked", G_CALLBACK (hy_cashier_page_use_count_cb), self);
		gtk_container_add (GTK_CONTAINER (box), use);
	}
	gtk_widget_show_all (box);
	return box;
}

static void
hy_cashier_page_show_member (HyCashierPage *self, HyMemberView *view)
{
	g_autofree gchar *money = NULL;
	g_autofree gchar *points = NULL;
	g_autofree gchar *card = NULL;
	HyMember *member;

	g_clear_pointer (&self->view, hy_member_view_free);
	self->view = view;
	/* a preview was for the card shown before */
	self->recharge_serial++;
	gtk_widget_set_visible (self->recharge_preview, FALSE);
	hy_cashier_page_clear_box (self->counts_list);
	hy_time_panel_set_card (HY_TIME_PANEL (self->time_panel),
				view != NULL ? view->card->number : NULL);
	if (view == NULL) {
		gtk_stack_set_visible_child_name (GTK_STACK (self->member_stack), "empty");
		return;
	}
	member = view->member;
	gtk_label_set_text (GTK_LABEL (self->name_label), member->name);
	gtk_label_set_text (GTK_LABEL (self->level_label),
			    member->level_name != NULL ? member->level_name : "");
	gtk_widget_set_visible (self->level_label, member->level_name != NULL);
	gtk_widget_set_visible (self->birthday_label, view->is_birthday);
	card = g_strdup_printf (_ ("Card %s"), view->card->number);
	gtk_label_set_text (GTK_LABEL (self->card_label), card);
	if (view->card->status == HY_CARD_STATUS_LOST) {
		gtk_label_set_text (GTK_LABEL (self->status_label), _ ("Reported lost"));
		gtk_widget_show (self->status_label);
	} else if (hy_card_is_expired (view->card)) {
		gtk_label_set_text (GTK_LABEL (self->status_label), _ ("Expired"));
		gtk_widget_show (self->status_label);
	} else {
		gtk_widget_hide (self->status_label);
	}
	{
		/* the phone, then how often and when the member came */
		g_autofree gchar *visits = NULL;
		g_autofree gchar *line = NULL;
		if (view->visits == 0) {
			visits = g_strdup (_ ("no visits here yet"));
		} else {
			g_autoptr (GDateTime) last =
				g_date_time_new_from_unix_local (view->last_visit / 1000);
			g_autofree gchar *day = g_date_time_format (last, "%Y-%m-%d");
			visits = g_strdup_printf (_ ("visits here: %" PRId64 ", last on %s"),
						  view->visits, day);
		}
		line = member->phone != NULL && member->phone[0] != '\0'
			       ? g_strdup_printf ("%s · %s", member->phone, visits)
			       : g_strdup (visits);
		gtk_label_set_text (GTK_LABEL (self->phone_label), line);
	}
	money = hy_format_money (view->money);
	points = hy_format_points (view->points);
	gtk_label_set_text (GTK_LABEL (self->money_label), money);
	gtk_label_set_text (GTK_LABEL (self->points_label), points);
	for (guint i = 0; i < view->lots->len; i++)
		gtk_container_add (
			GTK_CONTAINER (self->counts_list),
			hy_cashier_page_count_row (self, g_ptr_array_index (view->lots, i),
						   g_ptr_array_index (view->lot_names, i)));
	gtk_stack_set_visible_child_name (GTK_STACK (self->member_stack), "member");
}

static void
hy_cashier_page_hide_results (HyCashierPage *self)
{
	hy_cashier_page_clear_box (self->results_list);
	gtk_widget_hide (self->results_scroll);
}

static GtkWidget *
hy_cashier_page_result_row (HyMember *member)
{
	GtkWidget *row = gtk_list_box_row_new ();
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *name = gtk_label_new (member->name);
	GtkWidget *phone = gtk_label_new (member->phone != NULL ? member->phone : "");
	GtkWidget *level = gtk_label_new (member->level_name != NULL ? member->level_name : "");

	g_object_set_data_full (G_OBJECT (row), "hy-member-id", g_strdup (member->id), g_free);
	gtk_label_set_xalign (GTK_LABEL (name), 0);
	gtk_widget_set_hexpand (name, TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (phone), "dim-label");
	gtk_style_context_add_class (gtk_widget_get_style_context (level), "dim-label");
	g_object_set (box, "margin", 8, NULL);
	gtk_container_add (GTK_CONTAINER (box), name);
	gtk_container_add (GTK_CONTAINER (box), level);
	gtk_container_add (GTK_CONTAINER (box), phone);
	gtk_container_add (GTK_CONTAINER (row), box);
	gtk_widget_show_all (row);
	return row;
}

/* ---- jobs ---- */

typedef struct {
	gchar *store_code;
	gchar *query;
	gboolean by_member_id;
} HyLookupJob;

static void
hy_lookup_job_free (HyLookupJob *job)
{
	g_free (job->store_code);
	g_free (job->query);
	g_free (job);
}

static gpointer
hy_cashier_page_lookup_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyLookupJob *job = data;
	HyLookup *lookup;
	if (!job->by_member_id)
		return hy_till_lookup (db, job->store_code, job->query, error);
	lookup = g_new0 (HyLookup, 1);
	lookup->view = hy_till_load_member (db, job->store_code, job->query, error);
	if (lookup->view == NULL) {
		hy_lookup_free (lookup);
		return NULL;
	}
	return lookup;
}

static void
hy_cashier_page_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyCashierPage) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyLookup) lookup = hy_session_run_finish (HY_SESSION (source), result, &error);

	hy_cashier_page_busy_dec (self);
	if (lookup == NULL) {
		hy_cashier_page_error (self, error);
		gtk_widget_grab_focus (self->lookup_entry);
		return;
	}
	hy_cashier_page_hide_results (self);
	if (lookup->view != NULL) {
		hy_cashier_page_show_member (self, g_steal_pointer (&lookup->view));
		/* member prices and points depend on who it is */
		hy_cashier_page_reprice (self);
		gtk_widget_grab_focus (self->item_entry);
		return;
	}
	for (guint i = 0; i < lookup->matches->len; i++)
		gtk_container_add (
			GTK_CONTAINER (self->results_list),
			hy_cashier_page_result_row (g_ptr_array_index (lookup->matches, i)));
	gtk_widget_show (self->results_scroll);
	gtk_widget_grab_focus (
		GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->results_list), 0)));
}

static void
hy_cashier_page_start_lookup (HyCashierPage *self, const gchar *query, gboolean by_member_id)
{
	HyLookupJob *job = g_new0 (HyLookupJob, 1);
	job->store_code = g_strdup (hy_cashier_page_store_code (self));
	job->query = g_strdup (query);
	job->by_member_id = by_member_id;
	hy_cashier_page_clear_error (self);
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_lookup_job, job,
			      (GDestroyNotify) hy_lookup_job_free, (GDestroyNotify) hy_lookup_free,
			      self->cancellable, hy_cashier_page_lookup_cb, g_object_ref (self));
}

void
hy_cashier_page_lookup (HyCashierPage *self, const gchar *query)
{
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	gtk_entry_set_text (GTK_ENTRY (self->lookup_entry), query);
	hy_cashier_page_start_lookup (self, query, FALSE);
}

/* The reader typed into whatever had focus: take its code back out of that field. */
static void
hy_cashier_page_unwind_burst (GtkWidget *focus, const gchar *code)
{
	GtkEditable *editable;
	g_autofree gchar *text = NULL;
	gint end;
	glong n_chars = g_utf8_strlen (code, -1);

	if (focus == NULL || !GTK_IS_EDITABLE (focus))
		return;
	editable = GTK_EDITABLE (focus);
	end = gtk_editable_get_position (editable);
	if (end < n_chars)
		return;
	text = gtk_editable_get_chars (editable, end - (gint) n_chars, end);
	if (g_strcmp0 (text, code) == 0)
		gtk_editable_delete_text (editable, end - (gint) n_chars, end);
}

gboolean
hy_cashier_page_route_burst (HyCashierPage *self, GtkWidget *focus, const gchar *code)
{
	g_return_val_if_fail (HY_IS_CASHIER_PAGE (self), FALSE);
	/* item barcodes (EAN-13…) never carry a card number's check digit */
	if (focus == self->item_entry && !hy_card_number_is_valid (code))
		return FALSE;
	if (focus != self->lookup_entry)
		hy_cashier_page_unwind_burst (focus, code);
	hy_cashier_page_lookup (self, code);
	return TRUE;
}

static void
hy_cashier_page_lookup_activate_cb (HyCashierPage *self)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->lookup_entry));
	/* Enter on an empty lookup moves on to the items: a sale without a member */
	if (text[0] == '\0') {
		gtk_widget_grab_focus (self->item_entry);
		return;
	}
	hy_cashier_page_start_lookup (self, text, FALSE);
}

static void
hy_cashier_page_result_activated_cb (HyCashierPage *self, GtkListBoxRow *row)
{
	const gchar *id = g_object_get_data (G_OBJECT (row), "hy-member-id");
	hy_cashier_page_start_lookup (self, id, TRUE);
}

/* ---- count uses and recharges on the member's card ---- */

typedef struct {
	gchar *store_code;
	gchar *card;
	gchar *item;   /* a count use of this item, or NULL */
	gint64 amount; /* a recharge, fen */
} HyCardJob;

static void
hy_card_job_free (HyCardJob *job)
{
	g_free (job->store_code);
	g_free (job->card);
	g_free (job->item);
	g_free (job);
}

static gpointer
hy_cashier_page_card_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyCardJob *job = data;
	const HyActor *actor = hy_session_get_actor (session);
	g_autoptr (HyRechargeResult) recharge = NULL;
	/* a recharge goes through the level's recharge rules (bonus, instalments); neither
	 * use nor amount only reloads the card */
	gboolean ok = job->item != NULL
			      ? HY_SYNC_COVERED (db, error,
						 hy_count_use (db, actor, job->card, job->item, 1,
							       NULL, NULL, error))
		      : job->amount > 0 ? hy_recharge (db, actor, job->card, job->amount, NULL,
						       NULL, &recharge, error)
					: TRUE;
	if (!ok)
		return NULL;
	return hy_till_load_card (db, job->store_code, job->card, error);
}

static void
hy_cashier_page_card_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyCashierPage) self = user_data;
	g_autoptr (GError) error = NULL;
	HyMemberView *view = hy_session_run_finish (HY_SESSION (source), result, &error);
	hy_cashier_page_busy_dec (self);
	if (view == NULL) {
		hy_cashier_page_error (self, error);
		return;
	}
	gtk_entry_set_text (GTK_ENTRY (self->recharge_entry), "");
	hy_cashier_page_show_member (self, view);
}

static void
hy_cashier_page_start_card_job (HyCashierPage *self, const gchar *item, gint64 amount)
{
	HyCardJob *job;
	if (self->view == NULL)
		return;
	job = g_new0 (HyCardJob, 1);
	job->store_code = g_strdup (hy_cashier_page_store_code (self));
	job->card = g_strdup (self->view->card->number);
	job->item = g_strdup (item);
	job->amount = amount;
	hy_cashier_page_clear_error (self);
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_card_job, job,
			      (GDestroyNotify) hy_card_job_free,
			      (GDestroyNotify) hy_member_view_free, self->cancellable,
			      hy_cashier_page_card_cb, g_object_ref (self));
}

static void
hy_cashier_page_use_count_cb (GtkButton *button, HyCashierPage *self)
{
	hy_cashier_page_start_card_job (self, g_object_get_data (G_OBJECT (button), "hy-item"), 0);
}

static void
hy_cashier_page_recharge_cb (HyCashierPage *self)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->recharge_entry));
	gint64 amount = 0;
	if (!hy_parse_money (text, &amount) || amount <= 0) {
		g_autoptr (GError) error = g_error_new (
			HY_ERROR, HY_ERROR_INVALID_INPUT,
			_ ("recharge: “%s” is not an amount of yuan (for example 200)"), text);
		hy_cashier_page_error (self, error);
		return;
	}
	hy_cashier_page_start_card_job (self, NULL, amount);
}

/* what the level's recharge rules give for the amount typed, as it is typed */

typedef struct {
	gchar *card;
	gint64 amount;
} HyRechargePreviewJob;

static void
hy_recharge_preview_job_free (HyRechargePreviewJob *job)
{
	g_free (job->card);
	g_free (job);
}

typedef struct {
	HyCashierPage *self;
	guint serial;
} HyRechargePreviewCall;

static gpointer
hy_cashier_page_recharge_preview_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyRechargePreviewJob *job = data;
	HyRechargePlan plan;
	if (!hy_recharge_preview (db, job->card, job->amount, &plan, error))
		return NULL;
	return hy_recharge_plan_describe (&plan, job->amount);
}

static void
hy_cashier_page_recharge_preview_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree HyRechargePreviewCall *call = user_data;
	g_autoptr (HyCashierPage) self = call->self;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *text = hy_session_run_finish (HY_SESSION (source), result, &error);

	hy_cashier_page_busy_dec (self);
	if (call->serial != self->recharge_serial)
		return;
	/* the recharge itself says why it is refused; the preview only stays quiet */
	gtk_label_set_text (GTK_LABEL (self->recharge_preview), text != NULL ? text : "");
	gtk_widget_set_visible (self->recharge_preview, text != NULL);
}

static void
hy_cashier_page_recharge_changed_cb (HyCashierPage *self)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->recharge_entry));
	HyRechargePreviewCall *call;
	HyRechargePreviewJob *job;
	gint64 amount = 0;

	self->recharge_serial++;
	if (self->view == NULL || !hy_parse_money (text, &amount) || amount <= 0) {
		gtk_widget_set_visible (self->recharge_preview, FALSE);
		return;
	}
	job = g_new0 (HyRechargePreviewJob, 1);
	job->card = g_strdup (self->view->card->number);
	job->amount = amount;
	call = g_new0 (HyRechargePreviewCall, 1);
	call->self = g_object_ref (self);
	call->serial = self->recharge_serial;
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_recharge_preview_job, job,
			      (GDestroyNotify) hy_recharge_preview_job_free, g_free,
			      self->cancellable, hy_cashier_page_recharge_preview_cb, call);
}

/* ---- the cart ---- */

static const gchar *
hy_cashier_page_factor_label (HyFactorKind kind)
{
	switch (kind) {
	case HY_FACTOR_LEVEL:
		return _ ("Level");
	case HY_FACTOR_ITEM:
		return _ ("Item");
	case HY_FACTOR_BIRTHDAY:
		return _ ("Birthday");
	case HY_FACTOR_STORE:
		return _ ("Store");
	case HY_FACTOR_PERIOD:
		return _ ("Period");
	case HY_FACTOR_ORDER:
		return _ ("Order total");
	case HY_FACTOR_N:
	default:
		return "";
	}
}

/* One line's "why": every factor that changed its price or points, from hy-pricing. */
static gchar *
hy_cashier_page_explain (const HyPricedLine *line, gboolean member)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree gchar *unit = hy_format_money (line->unit_price);

	if (g_strcmp0 (line->price_source, "amount") == 0)
		g_string_append (out, _ ("quick sale by amount"));
	else
		g_string_append_printf (out, _ ("%s each"), unit);
	if (g_strcmp0 (line->price_source, "member") == 0)
		g_string_append_printf (out, " · %s", _ ("member price"));
	else if (g_strcmp0 (line->price_source, "special") == 0)
		g_string_append_printf (out, " · %s", _ ("special price"));
	else if (g_strcmp0 (line->price_source, "store") == 0)
		g_string_append_printf (out, " · %s", _ ("store price"));
	for (guint k = 0; k < HY_FACTOR_N; k++) {
		const HyFactorUse *use = &line->factors[k];
		const gchar *label = hy_cashier_page_factor_label ((HyFactorKind) k);
		if (use->source == NULL || g_str_equal (use->source, "none") ||
		    g_str_equal (use->source, "off"))
			continue;
		if (use->factor.discount_bp == HY_BP_ONE && use->factor.points_bp == HY_BP_ONE)
			continue;
		g_string_append (out, " · ");
		g_string_append (out, label);
		if (use->name != NULL)
			g_string_append_printf (out, " %s", use->name);
		if (use->factor.discount_bp != HY_BP_ONE) {
			g_autofree gchar *bp = hy_format_bp (use->factor.discount_bp);
			g_string_append_printf (out, _ (" price %s"), bp);
		}
		if (use->factor.points_bp != HY_BP_ONE) {
			g_autofree gchar *bp = hy_format_bp (use->factor.points_bp);
			g_string_append_printf (out, _ (" points %s"), bp);
		}
	}
	if (member) {
		g_autofree gchar *pts = hy_format_points (line->points);
		g_string_append_printf (out, " · ");
		g_string_append_printf (out, _ ("+%s points"), pts);
	}
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
hy_cashier_page_remove_line_cb (GtkButton *button, HyCashierPage *self)
{
	guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hy-line"));
	if (index < self->cart->len)
		g_ptr_array_remove_index (self->cart, index);
	hy_cashier_page_reprice (self);
}

static GtkWidget *
hy_cashier_page_cart_row (HyCashierPage *self, guint index)
{
	HyCartLine *cart_line = g_ptr_array_index (self->cart, index);
	const HyPricedLine *line = self->basket != NULL && index < self->basket->lines->len
					   ? g_ptr_array_index (self->basket->lines, index)
					   : NULL;
	GtkWidget *row = gtk_list_box_row_new ();
	GtkWidget *grid = gtk_grid_new ();
	GtkWidget *name = gtk_label_new (cart_line->name);
	g_autofree gchar *qty_text = g_strdup_printf ("× %" PRId64, cart_line->qty);
	GtkWidget *qty = gtk_label_new (qty_text);
	g_autofree gchar *amount_text =
		line != NULL ? hy_format_money (line->amount) : g_strdup ("…");
	GtkWidget *amount = gtk_label_new (amount_text);
	GtkWidget *remove =
		gtk_button_new_from_icon_name ("edit-delete-symbolic", GTK_ICON_SIZE_BUTTON);

	gtk_grid_set_column_spacing (GTK_GRID (grid), 16);
	gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
	gtk_label_set_xalign (GTK_LABEL (name), 0);
	gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
	gtk_widget_set_hexpand (name, TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (name), "hy-cart-name");
	gtk_style_context_add_class (gtk_widget_get_style_context (qty), "hy-number");
	gtk_label_set_xalign (GTK_LABEL (amount), 1);
	gtk_label_set_width_chars (GTK_LABEL (amount), 10);
	gtk_style_context_add_class (gtk_widget_get_style_context (amount), "hy-cart-amount");
	gtk_widget_set_tooltip_text (remove, _ ("Remove this line (Delete)"));
	gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
	gtk_widget_set_can_focus (remove, FALSE);
	gtk_button_set_relief (GTK_BUTTON (remove), GTK_RELIEF_NONE);
	g_object_set_data (G_OBJECT (remove), "hy-line", GUINT_TO_POINTER (index));
	g_signal_connect (remove, "clicked", G_CALLBACK (hy_cashier_page_remove_line_cb), self);
	gtk_grid_attach (GTK_GRID (grid), name, 0, 0, 1, 1);
	gtk_grid_attach (GTK_GRID (grid), qty, 1, 0, 1, 1);
	gtk_grid_attach (GTK_GRID (grid), amount, 2, 0, 1, 1);
	gtk_grid_attach (GTK_GRID (grid), remove, 3, 0, 1, 2);
	if (line != NULL) {
		g_autofree gchar *why = hy_cashier_page_explain (line, self->view != NULL);
		GtkWidget *explain = gtk_label_new (why);
		gtk_label_set_xalign (GTK_LABEL (explain), 0);
		gtk_label_set_line_wrap (GTK_LABEL (explain), TRUE);
		gtk_style_context_add_class (gtk_widget_get_style_context (explain),
					     "hy-cart-explain");
		gtk_grid_attach (GTK_GRID (grid), explain, 0, 1, 2, 1);
		/* the list amount struck through when the rules took something off */
		if (line->amount != line->list_amount) {
			g_autofree gchar *list = hy_format_money (line->list_amount);
			g_autofree gchar *markup = g_markup_printf_escaped ("<s>%s</s>", list);
			GtkWidget *was = gtk_label_new (NULL);
			gtk_label_set_markup (GTK_LABEL (was), markup);
			gtk_label_set_xalign (GTK_LABEL (was), 1);
			gtk_style_context_add_class (gtk_widget_get_style_context (was),
						     "hy-cart-explain");
			gtk_grid_attach (GTK_GRID (grid), was, 2, 1, 1, 1);
		}
	}
	g_object_set_data (G_OBJECT (row), "hy-line", GUINT_TO_POINTER (index));
	gtk_container_add (GTK_CONTAINER (row), grid);
	gtk_widget_show_all (row);
	return row;
}

static void
hy_cashier_page_set_money (GtkWidget *label, gint64 fen)
{
	g_autofree gchar *text = hy_format_money (fen);
	gtk_label_set_text (GTK_LABEL (label), text);
}

static void
hy_cashier_page_update_cart (HyCashierPage *self)
{
	g_autofree gchar *points = NULL;
	hy_cashier_page_clear_box (self->cart_list);
	for (guint i = 0; i < self->cart->len; i++)
		gtk_container_add (GTK_CONTAINER (self->cart_list),
				   hy_cashier_page_cart_row (self, i));
	hy_cashier_page_set_money (self->subtotal_label,
				   self->basket != NULL ? self->basket->subtotal : 0);
	hy_cashier_page_set_money (self->discount_label,
				   self->basket != NULL ? -self->basket->discount : 0);
	hy_cashier_page_set_money (self->total_label,
				   self->basket != NULL ? self->basket->total : 0);
	points = hy_format_points (self->basket != NULL && self->view != NULL ? self->basket->points
									      : 0);
	gtk_label_set_text (GTK_LABEL (self->points_earned_label), points);
	gtk_widget_set_sensitive (self->pay_button, self->basket != NULL && self->cart->len > 0);
}

typedef struct {
	gchar *store_code;
	HyMember *member; /* a copy of what pricing reads, or NULL */
	GArray *lines;	  /* HyBasketLine, items borrowed from `codes` */
	GPtrArray *codes;
} HyPriceJob;

static void
hy_price_job_free (HyPriceJob *job)
{
	g_free (job->store_code);
	g_clear_pointer (&job->member, hy_member_free);
	g_array_unref (job->lines);
	g_ptr_array_unref (job->codes);
	g_free (job);
}

static HyPriceJob *
hy_cashier_page_price_job_new (HyCashierPage *self)
{
	HyPriceJob *job = g_new0 (HyPriceJob, 1);
	job->store_code = g_strdup (hy_cashier_page_store_code (self));
	job->lines = g_array_new (FALSE, TRUE, sizeof (HyBasketLine));
	job->codes = g_ptr_array_new_with_free_func (g_free);
	if (self->view != NULL) {
		job->member = hy_member_new ();
		job->member->level_name = g_strdup (self->view->member->level_name);
		job->member->birthday = g_strdup (self->view->member->birthday);
	}
	for (guint i = 0; i < self->cart->len; i++) {
		HyCartLine *cart_line = g_ptr_array_index (self->cart, i);
		HyBasketLine line = {NULL, cart_line->qty, cart_line->amount};
		gchar *code = g_strdup (cart_line->code);
		if (code != NULL)
			g_ptr_array_add (job->codes, code);
		line.item = code;
		g_array_append_val (job->lines, line);
	}
	return job;
}

static gpointer
hy_cashier_page_price_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyPriceJob *job = data;
	return hy_till_price (db, job->store_code, job->member,
			      (const HyBasketLine *) (gpointer) job->lines->data, job->lines->len,
			      error);
}

typedef struct {
	HyCashierPage *self;
	guint serial;
} HyPriceCall;

static void
hy_cashier_page_price_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree HyPriceCall *call = user_data;
	g_autoptr (HyCashierPage) self = call->self;
	g_autoptr (GError) error = NULL;
	HyPricedBasket *basket = hy_session_run_finish (HY_SESSION (source), result, &error);
	guint serial = call->serial;

	hy_cashier_page_busy_dec (self);
	/* a newer cart is being priced: this answer is stale */
	if (serial != self->price_serial) {
		g_clear_pointer (&basket, hy_priced_basket_free);
		return;
	}
	if (basket == NULL)
		hy_cashier_page_error (self, error);
	g_clear_pointer (&self->basket, hy_priced_basket_free);
	self->basket = basket;
	hy_cashier_page_update_cart (self);
}

static void
hy_cashier_page_reprice (HyCashierPage *self)
{
	HyPriceCall *call;
	g_clear_pointer (&self->basket, hy_priced_basket_free);
	self->price_serial++;
	hy_cashier_page_update_cart (self);
	if (self->cart->len == 0 || self->session == NULL)
		return;
	call = g_new0 (HyPriceCall, 1);
	call->self = g_object_ref (self);
	call->serial = self->price_serial;
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (
		self->session, hy_cashier_page_price_job, hy_cashier_page_price_job_new (self),
		(GDestroyNotify) hy_price_job_free, (GDestroyNotify) hy_priced_basket_free,
		self->cancellable, hy_cashier_page_price_cb, call);
}

/* "TEA", "TEA*2", "2*TEA": a code or barcode and a quantity. */
static gboolean
hy_cashier_page_parse_item (const gchar *text, gchar **code_out, gint64 *qty_out, GError **error)
{
	g_autofree gchar *copy = g_strstrip (g_strdup (text));
	g_auto (GStrv) parts = g_strsplit_set (copy, "*×xX", 2);
	const gchar *code = copy;
	const gchar *qty_text = NULL;
	guint64 qty = 1;

	/* a barcode or code holds no '*'; "X" splits only between a number and a code */
	if (g_strv_length (parts) == 2 && strchr (copy, '*') != NULL) {
		g_strstrip (parts[0]);
		g_strstrip (parts[1]);
		if (g_ascii_string_to_unsigned (parts[0], 10, 1, HY_CASHIER_MAX_QTY, NULL, NULL)) {
			qty_text = parts[0];
			code = parts[1];
		} else {
			code = parts[0];
			qty_text = parts[1];
		}
	}
	if (qty_text != NULL &&
	    !g_ascii_string_to_unsigned (qty_text, 10, 1, HY_CASHIER_MAX_QTY, &qty, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("“%s” is not a quantity from 1 to %d"), qty_text,
			     HY_CASHIER_MAX_QTY);
		return FALSE;
	}
	if (code[0] == '\0') {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("type an item code or scan its barcode"));
		return FALSE;
	}
	*code_out = g_strdup (code);
	*qty_out = (gint64) qty;
	return TRUE;
}

typedef struct {
	HyCashierPage *self;
	gint64 qty;
} HyItemCall;

/* What the item field found: one item, or several by pinyin to choose from. */
typedef struct {
	HyItem *item;
	GPtrArray *matches; /* HyItem */
} HyItemFound;

static void
hy_item_found_free (HyItemFound *found)
{
	g_clear_pointer (&found->item, hy_item_free);
	g_clear_pointer (&found->matches, g_ptr_array_unref);
	g_free (found);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyItemFound, hy_item_found_free)

#define HY_CASHIER_ITEM_CHOICES 8

/* A code or barcode first; typed letters that are neither are the pinyin of a name. */
static gpointer
hy_cashier_page_item_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	const gchar *text = data;
	g_autoptr (HyItemFound) found = g_new0 (HyItemFound, 1);
	g_autoptr (GError) not_found = NULL;
	gboolean letters = FALSE;

	found->item = hy_item_find (db, text, &not_found);
	if (found->item != NULL)
		return g_steal_pointer (&found);
	for (const gchar *p = text; *p != '\0'; p++)
		letters |= g_ascii_isalpha (*p);
	if (!letters || !g_error_matches (not_found, HY_ERROR, HY_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&not_found));
		return NULL;
	}
	found->matches = hy_item_lookup_pinyin (db, text, HY_CASHIER_ITEM_CHOICES, NULL);
	if (found->matches == NULL || found->matches->len == 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
			     _ ("no item has the code, barcode or pinyin “%s”"), text);
		return NULL;
	}
	if (found->matches->len == 1) {
		found->item = g_ptr_array_steal_index (found->matches, 0);
		g_clear_pointer (&found->matches, g_ptr_array_unref);
	}
	return g_steal_pointer (&found);
}

static void
hy_cashier_page_add_item (HyCashierPage *self, const HyItem *item, gint64 qty);

static void
hy_cashier_page_item_chosen_cb (HyCashierPage *self, GtkListBoxRow *row)
{
	HyItem *item = g_object_get_data (G_OBJECT (row), "hy-item");
	gint64 qty = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "hy-qty"));
	gtk_popover_popdown (GTK_POPOVER (self->item_popover));
	hy_cashier_page_add_item (self, item, qty);
	gtk_widget_grab_focus (self->item_entry);
}

/* Several items match the pinyin typed: a list under the field, first one selected,
 * arrows and Enter to choose (Escape closes it). */
static void
hy_cashier_page_offer_items (HyCashierPage *self, GPtrArray *matches, gint64 qty)
{
	GtkListBoxRow *first;
	if (self->item_popover == NULL) {
		self->item_popover = gtk_popover_new (self->item_entry);
		gtk_popover_set_position (GTK_POPOVER (self->item_popover), GTK_POS_BOTTOM);
		self->item_choices = gtk_list_box_new ();
		gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->item_choices), TRUE);
		g_signal_connect_swapped (self->item_choices, "row-activated",
					  G_CALLBACK (hy_cashier_page_item_chosen_cb), self);
		gtk_container_add (GTK_CONTAINER (self->item_popover), self->item_choices);
	}
	hy_cashier_page_clear_box (self->item_choices);
	while (matches->len > 0) {
		HyItem *item = g_ptr_array_steal_index (matches, 0);
		GtkWidget *row = gtk_list_box_row_new ();
		GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
		GtkWidget *name = gtk_label_new (item->name);
		g_autofree gchar *price = hy_format_money (item->price);
		GtkWidget *code = gtk_label_new (item->code);
		GtkWidget *amount = gtk_label_new (price);
		gtk_label_set_xalign (GTK_LABEL (name), 0);
		gtk_widget_set_hexpand (name, TRUE);
		gtk_style_context_add_class (gtk_widget_get_style_context (code), "dim-label");
		g_object_set (box, "margin", 8, NULL);
		gtk_box_pack_start (GTK_BOX (box), name, TRUE, TRUE, 0);
		gtk_box_pack_start (GTK_BOX (box), code, FALSE, FALSE, 0);
		gtk_box_pack_start (GTK_BOX (box), amount, FALSE, FALSE, 0);
		gtk_container_add (GTK_CONTAINER (row), box);
		g_object_set_data_full (G_OBJECT (row), "hy-item", item,
					(GDestroyNotify) hy_item_free);
		g_object_set_data (G_OBJECT (row), "hy-qty", GSIZE_TO_POINTER ((gsize) qty));
		gtk_widget_show_all (row);
		gtk_container_add (GTK_CONTAINER (self->item_choices), row);
	}
	gtk_widget_show (self->item_choices);
	gtk_popover_popup (GTK_POPOVER (self->item_popover));
	first = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->item_choices), 0);
	gtk_list_box_select_row (GTK_LIST_BOX (self->item_choices), first);
	gtk_widget_grab_focus (GTK_WIDGET (first));
}

static void
hy_cashier_page_item_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree HyItemCall *call = user_data;
	g_autoptr (HyCashierPage) self = call->self;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyItemFound) found = hy_session_run_finish (HY_SESSION (source), result, &error);

	hy_cashier_page_busy_dec (self);
	if (found == NULL) {
		hy_cashier_page_error (self, error);
		gtk_editable_select_region (GTK_EDITABLE (self->item_entry), 0, -1);
		return;
	}
	if (found->item == NULL) {
		hy_cashier_page_offer_items (self, found->matches, call->qty);
		return;
	}
	hy_cashier_page_add_item (self, found->item, call->qty);
}

static void
hy_cashier_page_add_item (HyCashierPage *self, const HyItem *item, gint64 qty)
{
	HyCartLine *line = NULL;

	for (guint i = 0; i < self->cart->len; i++) {
		HyCartLine *l = g_ptr_array_index (self->cart, i);
		if (g_strcmp0 (l->code, item->code) == 0)
			line = l;
	}
	if (line != NULL) {
		line->qty += qty;
	} else {
		line = g_new0 (HyCartLine, 1);
		line->code = g_strdup (item->code);
		line->name = g_strdup (item->name);
		line->qty = qty;
		g_ptr_array_add (self->cart, line);
	}
	gtk_entry_set_text (GTK_ENTRY (self->item_entry), "");
	hy_cashier_page_reprice (self);
}

static void
hy_cashier_page_item_activate_cb (HyCashierPage *self)
{
	const gchar *text = gtk_entry_get_text (GTK_ENTRY (self->item_entry));
	g_autoptr (GError) error = NULL;
	g_autofree gchar *code = NULL;
	HyItemCall *call;
	gint64 qty = 1;

	g_autofree gchar *trimmed = g_strstrip (g_strdup (text));

	/* Enter on an empty item field moves on to the payment */
	if (trimmed[0] == '\0') {
		hy_cashier_page_pay (self);
		return;
	}
	/* "¥25" or "=25": a quick sale by amount, priced by the rules like any line */
	if (g_str_has_prefix (trimmed, "¥") || g_str_has_prefix (trimmed, "￥") ||
	    trimmed[0] == '=') {
		HyCartLine *line;
		gint64 amount = 0;
		if (!hy_parse_money (trimmed[0] == '=' ? trimmed + 1 : trimmed, &amount) ||
		    amount <= 0) {
			g_set_error (&error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("“%s” is not an amount of yuan (for example ¥25 or =25)"),
				     trimmed);
			hy_cashier_page_error (self, error);
			return;
		}
		line = g_new0 (HyCartLine, 1);
		line->name = g_strdup (_ ("Amount"));
		line->qty = 1;
		line->amount = amount;
		g_ptr_array_add (self->cart, line);
		hy_cashier_page_clear_error (self);
		gtk_entry_set_text (GTK_ENTRY (self->item_entry), "");
		hy_cashier_page_reprice (self);
		return;
	}
	if (!hy_cashier_page_parse_item (text, &code, &qty, &error)) {
		hy_cashier_page_error (self, error);
		return;
	}
	hy_cashier_page_clear_error (self);
	call = g_new0 (HyItemCall, 1);
	call->self = g_object_ref (self);
	call->qty = qty;
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_item_job, g_steal_pointer (&code),
			      g_free, (GDestroyNotify) hy_item_found_free, self->cancellable,
			      hy_cashier_page_item_cb, call);
}

static gboolean
hy_cashier_page_cart_key_press_cb (HyCashierPage *self, GdkEventKey *event)
{
	GtkListBoxRow *row;
	guint index;
	if (event->keyval != GDK_KEY_Delete && event->keyval != GDK_KEY_KP_Delete)
		return GDK_EVENT_PROPAGATE;
	row = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->cart_list));
	if (row == NULL)
		return GDK_EVENT_PROPAGATE;
	index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "hy-line"));
	if (index < self->cart->len)
		g_ptr_array_remove_index (self->cart, index);
	hy_cashier_page_reprice (self);
	gtk_widget_grab_focus (self->item_entry);
	return GDK_EVENT_STOP;
}

static void
hy_cashier_page_clear_clicked_cb (HyCashierPage *self)
{
	g_ptr_array_set_size (self->cart, 0);
	hy_cashier_page_reprice (self);
	gtk_widget_grab_focus (self->item_entry);
}

/* ---- payment ---- */

typedef struct {
	gchar *card;
	gchar *store_code;
	GArray *lines; /* HyBasketLine, items borrowed from `codes` */
	GPtrArray *codes;
	GArray *tenders; /* HyTender */
	gchar *pin;
} HySellJob;

typedef struct {
	gchar *sale_id;
	JsonNode *receipt;
	HyMemberView *view; /* the member after the sale */
} HySellResult;

static void
hy_sell_job_free (HySellJob *job)
{
	g_free (job->card);
	g_free (job->store_code);
	g_array_unref (job->lines);
	g_ptr_array_unref (job->codes);
	g_array_unref (job->tenders);
	if (job->pin != NULL) {
		memset (job->pin, 0, strlen (job->pin));
		g_free (job->pin);
	}
	g_free (job);
}

static void
hy_sell_result_free (HySellResult *result)
{
	g_free (result->sale_id);
	g_clear_pointer (&result->receipt, json_node_unref);
	g_clear_pointer (&result->view, hy_member_view_free);
	g_free (result);
}

static gpointer
hy_cashier_page_sell_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HySellJob *job = data;
	HySellResult *result = g_new0 (HySellResult, 1);
	HySaleRequest request = {0};

	request.card = job->card;
	request.lines = (const HyBasketLine *) (gpointer) job->lines->data;
	request.n_lines = job->lines->len;
	request.tenders = (const HyTender *) (gpointer) job->tenders->data;
	request.n_tenders = job->tenders->len;
	request.pin = job->pin;
	/* in a chain, what this store may not spend offline is asked of the relay; offline,
	 * the refusal says what may be spent here and why */
	if (!HY_SYNC_COVERED (db, error,
			      hy_checkout_sell (db, hy_session_get_actor (session), &request,
						&result->sale_id, &result->receipt, error))) {
		hy_sell_result_free (result);
		return NULL;
	}
	/* the panel shows the balances after the sale; a failure here is not the sale's */
	if (job->card != NULL)
		result->view = hy_till_load_card (db, job->store_code, job->card, NULL);
	return result;
}

/* destroy-with-parent may take the dialogs down before the page */
static void
hy_cashier_page_dialog_destroy_cb (GtkWidget *dialog, HyCashierPage *self)
{
	if (dialog == GTK_WIDGET (self->pay_dialog))
		self->pay_dialog = NULL;
	if (dialog == GTK_WIDGET (self->receipt_dialog))
		self->receipt_dialog = NULL;
	if (dialog == GTK_WIDGET (self->deduct_dialog))
		self->deduct_dialog = NULL;
	if (dialog == GTK_WIDGET (self->refund_dialog))
		self->refund_dialog = NULL;
}

/* ---- refund of the last sale, from its receipt ---- */

#define HY_CASHIER_RESPONSE_REFUND 1

static gpointer
hy_cashier_page_refund_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	g_autoptr (JsonNode) result = NULL;
	JsonObject *o;
	g_autofree gchar *amount = NULL;
	g_autofree gchar *to_balance = NULL;
	g_autofree gchar *to_cash = NULL;
	g_autofree gchar *points = NULL;

	/* taking back points earned may need the relay, as any debit in a chain */
	if (!HY_SYNC_COVERED (db, error,
			      hy_refund_sale (db, hy_session_get_actor (session), data, NULL, 0,
					      _ ("refunded at the till"), NULL, &result, error)))
		return NULL;
	o = json_node_get_object (result);
	amount = hy_format_money (json_object_get_int_member (o, "amount"));
	to_balance = hy_format_money (json_object_get_int_member (o, "to_balance"));
	to_cash = hy_format_money (json_object_get_int_member (o, "to_cash"));
	points = hy_format_points (json_object_get_int_member (o, "points"));
	return g_strdup_printf (_ ("Refunded %s: %s back to stored value, %s in cash; %s points "
				   "taken back."),
				amount, to_balance, to_cash, points);
}

static void
hy_cashier_page_refund_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyCashierPage) self = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree gchar *summary = hy_session_run_finish (HY_SESSION (source), result, &error);

	hy_cashier_page_busy_dec (self);
	if (summary == NULL) {
		hy_cashier_page_error (self, error);
		return;
	}
	/* refunded once: the core would refuse a second time anyway */
	g_clear_pointer (&self->last_sale_id, g_free);
	if (self->receipt_dialog != NULL) {
		GtkWidget *button = gtk_dialog_get_widget_for_response (self->receipt_dialog,
									HY_CASHIER_RESPONSE_REFUND);
		if (button != NULL)
			gtk_widget_hide (button);
		hy_receipt_dialog_show_refund (HY_RECEIPT_DIALOG (self->receipt_dialog), summary);
	}
	/* a reprint during a sale: that member's balances have changed */
	if (self->view != NULL)
		hy_cashier_page_start_card_job (self, NULL, 0);
}

static void
hy_cashier_page_refund (HyCashierPage *self)
{
	if (self->last_sale_id == NULL)
		return;
	hy_cashier_page_clear_error (self);
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_refund_job,
			      g_strdup (self->last_sale_id), g_free, g_free, self->cancellable,
			      hy_cashier_page_refund_cb, g_object_ref (self));
}

static void
hy_cashier_page_receipt_response_cb (GtkDialog *dialog, gint response, HyCashierPage *self)
{
	gboolean reprint = hy_receipt_dialog_is_reprint (HY_RECEIPT_DIALOG (dialog));
	if (response == HY_CASHIER_RESPONSE_REFUND) {
		hy_cashier_page_refund (self);
		return;
	}
	gtk_widget_destroy (GTK_WIDGET (dialog));
	self->receipt_dialog = NULL;
	if (reprint)
		gtk_widget_grab_focus (self->item_entry);
	else
		hy_cashier_page_new_sale (self);
}

static void
hy_cashier_page_show_receipt (HyCashierPage *self, GtkWindow *parent, const gchar *text)
{
	const HyActor *actor = hy_session_get_actor (self->session);
	self->receipt_dialog = GTK_DIALOG (hy_receipt_dialog_new (parent, text));
	/* the whole sale back, for an operator allowed to; the core checks it again */
	if (self->last_sale_id != NULL && actor != NULL &&
	    hy_actor_has (actor, HY_PERMISSION_SALE_REFUND)) {
		GtkWidget *refund = gtk_dialog_add_button (self->receipt_dialog, _ ("_Refund Sale"),
							   HY_CASHIER_RESPONSE_REFUND);
		gtk_style_context_add_class (gtk_widget_get_style_context (refund),
					     "destructive-action");
		/* apart from Next Sale, which Enter presses */
		if (GTK_IS_BUTTON_BOX (gtk_widget_get_parent (refund)))
			gtk_button_box_set_child_secondary (
				GTK_BUTTON_BOX (gtk_widget_get_parent (refund)), refund, TRUE);
	}
	g_signal_connect (self->receipt_dialog, "response",
			  G_CALLBACK (hy_cashier_page_receipt_response_cb), self);
	g_signal_connect (self->receipt_dialog, "destroy",
			  G_CALLBACK (hy_cashier_page_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->receipt_dialog));
}

/* ---- direct deduction (hy-deduct-dialog) ---- */

static void
hy_cashier_page_deducted_cb (HyDeductDialog *dialog, const gchar *summary, HyCashierPage *self)
{
	gtk_widget_destroy (GTK_WIDGET (dialog));
	self->deduct_dialog = NULL;
	hy_cashier_page_start_card_job (self, NULL, 0);
}

static void
hy_cashier_page_deduct_response_cb (GtkDialog *dialog, gint response, HyCashierPage *self)
{
	/* OK runs the deduction in the dialog; it reports back with "deducted" */
	if (response != GTK_RESPONSE_OK) {
		gtk_widget_destroy (GTK_WIDGET (dialog));
		self->deduct_dialog = NULL;
	}
}

void
hy_cashier_page_deduct (HyCashierPage *self)
{
	GtkWidget *toplevel;
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	if (self->view == NULL) {
		g_autoptr (GError) error =
			g_error_new_literal (HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("direct deduction: find the member first"));
		hy_cashier_page_error (self, error);
		return;
	}
	if (self->deduct_dialog != NULL) {
		gtk_window_present (GTK_WINDOW (self->deduct_dialog));
		return;
	}
	toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
	self->deduct_dialog = GTK_DIALOG (hy_deduct_dialog_new (
		GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->session,
		self->view->card->number, self->view->card->has_pin));
	g_signal_connect (self->deduct_dialog, "deducted", G_CALLBACK (hy_cashier_page_deducted_cb),
			  self);
	g_signal_connect (self->deduct_dialog, "response",
			  G_CALLBACK (hy_cashier_page_deduct_response_cb), self);
	g_signal_connect (self->deduct_dialog, "destroy",
			  G_CALLBACK (hy_cashier_page_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->deduct_dialog));
}

/* ---- refund of any sale, by its number (hy-refund-dialog) ---- */

static void
hy_cashier_page_sale_refunded_cb (HyRefundDialog *dialog, const gchar *summary, HyCashierPage *self)
{
	/* the member shown may be the one refunded: their balances have changed */
	if (self->view != NULL)
		hy_cashier_page_start_card_job (self, NULL, 0);
}

static void
hy_cashier_page_refund_response_cb (GtkDialog *dialog, gint response, HyCashierPage *self)
{
	/* OK refunds in the dialog, which stays open to show what went back */
	if (response != GTK_RESPONSE_OK) {
		gtk_widget_destroy (GTK_WIDGET (dialog));
		self->refund_dialog = NULL;
	}
}

void
hy_cashier_page_refund_sale (HyCashierPage *self, const gchar *sale)
{
	GtkWidget *toplevel;
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	if (self->refund_dialog != NULL)
		gtk_widget_destroy (GTK_WIDGET (self->refund_dialog));
	toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
	self->refund_dialog = GTK_DIALOG (hy_refund_dialog_new (
		GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->session, sale));
	g_signal_connect (self->refund_dialog, "refunded",
			  G_CALLBACK (hy_cashier_page_sale_refunded_cb), self);
	g_signal_connect (self->refund_dialog, "response",
			  G_CALLBACK (hy_cashier_page_refund_response_cb), self);
	g_signal_connect (self->refund_dialog, "destroy",
			  G_CALLBACK (hy_cashier_page_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->refund_dialog));
}

GtkDialog *
hy_cashier_page_get_refund_dialog (HyCashierPage *self)
{
	return self->refund_dialog;
}

GtkWidget *
hy_cashier_page_get_item_choices (HyCashierPage *self)
{
	if (self->item_popover == NULL || !gtk_widget_get_visible (self->item_popover))
		return NULL;
	return self->item_choices;
}

GtkDialog *
hy_cashier_page_get_deduct_dialog (HyCashierPage *self)
{
	return self->deduct_dialog;
}

void
hy_cashier_page_reprint (HyCashierPage *self)
{
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	if (self->receipt_dialog != NULL || self->pay_dialog != NULL)
		return;
	if (self->last_receipt == NULL) {
		g_autoptr (GError) error = g_error_new_literal (
			HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no sale on this till since sign-in yet"));
		hy_cashier_page_error (self, error);
		return;
	}
	hy_cashier_page_show_receipt (
		self, GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))), self->last_receipt);
	hy_receipt_dialog_set_reprint (HY_RECEIPT_DIALOG (self->receipt_dialog));
}

static void
hy_cashier_page_sell_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (HyCashierPage) self = user_data;
	g_autoptr (GError) error = NULL;
	HySellResult *sale = hy_session_run_finish (HY_SESSION (source), result, &error);
	g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
	g_autofree gchar *text = NULL;
	GtkWindow *parent = GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self)));

	hy_cashier_page_busy_dec (self);
	if (sale == NULL) {
		g_autofree gchar *message = hy_ui_error_text (error);
		if (self->pay_dialog != NULL) {
			hy_pay_dialog_set_busy (HY_PAY_DIALOG (self->pay_dialog), FALSE);
			hy_pay_dialog_show_error (HY_PAY_DIALOG (self->pay_dialog), message);
		} else {
			hy_cashier_page_error (self, error);
		}
		return;
	}
	if (self->pay_dialog != NULL) {
		gtk_widget_destroy (GTK_WIDGET (self->pay_dialog));
		self->pay_dialog = NULL;
	}
	if (sale->view != NULL)
		hy_cashier_page_show_member (self, g_steal_pointer (&sale->view));
	for (guint i = 0; i < self->cart->len; i++) {
		HyCartLine *line = g_ptr_array_index (self->cart, i);
		if (line->code != NULL)
			g_hash_table_insert (names, line->code, line->name);
	}
	text = hy_till_receipt_text (sale->receipt, names);
	g_free (self->last_receipt);
	self->last_receipt = g_strdup (text);
	g_free (self->last_sale_id);
	self->last_sale_id = g_strdup (sale->sale_id);
	hy_cashier_page_show_receipt (self, parent, text);
	g_debug ("sale %s rung up", sale->sale_id);
	hy_sell_result_free (sale);
}

static void
hy_cashier_page_pay_response_cb (GtkDialog *dialog, gint response, HyCashierPage *self)
{
	HyPayDialog *pay = HY_PAY_DIALOG (dialog);
	g_autoptr (GError) error = NULL;
	HySellJob *job;
	HyPriceJob *lines;

	if (response != GTK_RESPONSE_OK) {
		gtk_widget_destroy (GTK_WIDGET (dialog));
		self->pay_dialog = NULL;
		gtk_widget_grab_focus (self->item_entry);
		return;
	}
	if (self->busy > 0)
		return;
	job = g_new0 (HySellJob, 1);
	job->tenders = g_array_new (FALSE, TRUE, sizeof (HyTender));
	if (!hy_pay_dialog_get_tenders (pay, job->tenders, &error)) {
		g_autofree gchar *message = hy_ui_error_text (error);
		hy_pay_dialog_show_error (pay, message);
		g_array_unref (job->tenders);
		g_free (job);
		return;
	}
	/* the basket as priced, handed over as plain lines */
	lines = hy_cashier_page_price_job_new (self);
	job->lines = g_array_ref (lines->lines);
	job->codes = g_ptr_array_ref (lines->codes);
	hy_price_job_free (lines);
	job->store_code = g_strdup (hy_cashier_page_store_code (self));
	job->card = self->view != NULL ? g_strdup (self->view->card->number) : NULL;
	job->pin = g_strdup (hy_pay_dialog_get_pin (pay));
	hy_pay_dialog_set_busy (pay, TRUE);
	hy_cashier_page_busy_inc (self);
	hy_session_run_async (self->session, hy_cashier_page_sell_job, job,
			      (GDestroyNotify) hy_sell_job_free,
			      (GDestroyNotify) hy_sell_result_free, NULL, hy_cashier_page_sell_cb,
			      g_object_ref (self));
}

void
hy_cashier_page_pay (HyCashierPage *self)
{
	GtkWindow *parent = GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self)));
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	if (self->pay_dialog != NULL || self->receipt_dialog != NULL)
		return;
	if (self->cart->len == 0) {
		g_autoptr (GError) error = g_error_new_literal (
			HY_ERROR, HY_ERROR_INVALID_INPUT, _ ("add an item before taking payment"));
		hy_cashier_page_error (self, error);
		gtk_widget_grab_focus (self->item_entry);
		return;
	}
	/* still pricing: the total on screen is not final yet */
	if (self->basket == NULL)
		return;
	hy_cashier_page_clear_error (self);
	self->pay_dialog = GTK_DIALOG (hy_pay_dialog_new (
		parent, self->basket->total, self->view != NULL ? self->view->money : -1,
		self->view != NULL && self->view->card->has_pin));
	g_signal_connect (self->pay_dialog, "response",
			  G_CALLBACK (hy_cashier_page_pay_response_cb), self);
	g_signal_connect (self->pay_dialog, "destroy",
			  G_CALLBACK (hy_cashier_page_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->pay_dialog));
}

static void
hy_cashier_page_pay_clicked_cb (HyCashierPage *self)
{
	hy_cashier_page_pay (self);
}

void
hy_cashier_page_new_sale (HyCashierPage *self)
{
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	hy_cashier_page_show_member (self, NULL);
	hy_cashier_page_hide_results (self);
	g_ptr_array_set_size (self->cart, 0);
	gtk_entry_set_text (GTK_ENTRY (self->lookup_entry), "");
	gtk_entry_set_text (GTK_ENTRY (self->item_entry), "");
	hy_cashier_page_clear_error (self);
	hy_cashier_page_reprice (self);
	gtk_widget_grab_focus (self->lookup_entry);
}

/* ---- object ---- */

void
hy_cashier_page_set_session (HyCashierPage *self, HySession *session)
{
	const HyActor *actor;
	g_return_if_fail (HY_IS_CASHIER_PAGE (self));
	g_set_object (&self->session, session);
	hy_time_panel_set_session (HY_TIME_PANEL (self->time_panel), session);
	/* offer what the operator may do; the core checks it again */
	actor = hy_session_get_actor (session);
	if (actor != NULL) {
		gboolean recharge = hy_actor_has (actor, HY_PERMISSION_MONEY_RECHARGE);
		gtk_widget_set_visible (self->recharge_title, recharge);
		gtk_widget_set_visible (self->recharge_box, recharge);
		gtk_widget_set_visible (self->time_panel,
					hy_actor_has (actor, HY_PERMISSION_TIME_SESSION));
	}
}

void
hy_cashier_page_focus_lookup (HyCashierPage *self)
{
	gtk_widget_grab_focus (self->lookup_entry);
}

void
hy_cashier_page_focus_item (HyCashierPage *self)
{
	gtk_widget_grab_focus (self->item_entry);
}

guint
hy_cashier_page_get_busy (HyCashierPage *self)
{
	return self->busy + hy_time_panel_get_busy (HY_TIME_PANEL (self->time_panel)) +
	       (self->deduct_dialog != NULL
			? hy_deduct_dialog_get_busy (HY_DEDUCT_DIALOG (self->deduct_dialog))
			: 0) +
	       (self->refund_dialog != NULL
			? hy_refund_dialog_get_busy (HY_REFUND_DIALOG (self->refund_dialog))
			: 0);
}

GtkDialog *
hy_cashier_page_get_pay_dialog (HyCashierPage *self)
{
	return self->pay_dialog;
}

GtkDialog *
hy_cashier_page_get_receipt_dialog (HyCashierPage *self)
{
	return self->receipt_dialog;
}

const gchar *
hy_cashier_page_get_card_number (HyCashierPage *self)
{
	return self->view != NULL ? self->view->card->number : NULL;
}

guint
hy_cashier_page_get_n_cart_lines (HyCashierPage *self)
{
	return self->cart->len;
}

gint64
hy_cashier_page_get_total (HyCashierPage *self)
{
	return self->basket != NULL ? self->basket->total : -1;
}

static void
hy_cashier_page_dispose (GObject *object)
{
	HyCashierPage *self = HY_CASHIER_PAGE (object);
	g_cancellable_cancel (self->cancellable);
	if (self->item_popover != NULL) {
		gtk_widget_destroy (self->item_popover);
		self->item_popover = NULL;
	}
	if (self->pay_dialog != NULL) {
		gtk_widget_destroy (GTK_WIDGET (self->pay_dialog));
		self->pay_dialog = NULL;
	}
	if (self->receipt_dialog != NULL) {
		gtk_widget_destroy (GTK_WIDGET (self->receipt_dialog));
		self->receipt_dialog = NULL;
	}
	if (self->deduct_dialog != NULL) {
		gtk_widget_destroy (GTK_WIDGET (self->deduct_dialog));
		self->deduct_dialog = NULL;
	}
	if (self->refund_dialog != NULL) {
		gtk_widget_destroy (GTK_WIDGET (self->refund_dialog));
		self->refund_dialog = NULL;
	}
	g_clear_object (&self->session);
	G_OBJECT_CLASS (hy_cashier_page_parent_class)->dispose (object);
}

static void
hy_cashier_page_finalize (GObject *object)
{
	HyCashierPage *self = HY_CASHIER_PAGE (object);
	g_clear_object (&self->cancellable);
	g_clear_pointer (&self->view, hy_member_view_free);
	g_clear_pointer (&self->basket, hy_priced_basket_free);
	g_ptr_array_unref (self->cart);
	g_free (self->last_receipt);
	g_free (self->last_sale_id);
	G_OBJECT_CLASS (hy_cashier_page_parent_class)->finalize (object);
}

static void
hy_cashier_page_class_init (HyCashierPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

	object_class->dispose = hy_cashier_page_dispose;
	object_class->finalize = hy_cashier_page_finalize;

	/* an error's reason for the window's info bar; NULL hides it */
	signals[SIGNAL_SHOW_ERROR] =
		g_signal_new ("show-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-cashier-page.ui");
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, lookup_entry);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, results_scroll);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, results_list);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, member_stack);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, name_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, level_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, birthday_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, card_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, status_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, phone_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, money_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, points_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, counts_list);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, recharge_entry);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, recharge_title);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, recharge_box);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_recharge_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_recharge_changed_cb);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, recharge_preview);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, item_entry);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, cart_list);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, subtotal_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, discount_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, points_earned_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, total_label);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, spinner);
	gtk_widget_class_bind_template_child (widget_class, HyCashierPage, pay_button);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_lookup_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_result_activated_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_item_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_cart_key_press_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_clear_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_cashier_page_pay_clicked_cb);
}

static void
hy_cashier_page_time_error_cb (HyCashierPage *self, const gchar *message)
{
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, message);
}

/* A check-out may have taken time and stored value: show the card's balances again. */
static void
hy_cashier_page_time_billed_cb (HyCashierPage *self)
{
	if (self->view != NULL)
		hy_cashier_page_start_card_job (self, NULL, 0);
}

/* The time section goes right after the count cards in the member panel. */
static void
hy_cashier_page_add_time_panel (HyCashierPage *self)
{
	GtkWidget *box = gtk_widget_get_parent (self->counts_list);
	gint position = 0;
	self->time_panel = hy_time_panel_new ();
	gtk_container_child_get (GTK_CONTAINER (box), self->counts_list, "position", &position,
				 NULL);
	gtk_container_add (GTK_CONTAINER (box), self->time_panel);
	gtk_box_reorder_child (GTK_BOX (box), self->time_panel, position + 1);
	g_signal_connect_swapped (self->time_panel, "show-error",
				  G_CALLBACK (hy_cashier_page_time_error_cb), self);
	g_signal_connect_swapped (self->time_panel, "billed",
				  G_CALLBACK (hy_cashier_page_time_billed_cb), self);
}

static void
hy_cashier_page_init (HyCashierPage *self)
{
	GtkWidget *placeholder;
	gtk_widget_init_template (GTK_WIDGET (self));
	self->cancellable = g_cancellable_new ();
	self->cart = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cart_line_free);
	placeholder = gtk_label_new (_ ("The cart is empty. Scan a barcode or type an item code."));
	gtk_style_context_add_class (gtk_widget_get_style_context (placeholder), "hy-cart-empty");
	gtk_label_set_line_wrap (GTK_LABEL (placeholder), TRUE);
	gtk_widget_show (placeholder);
	gtk_list_box_set_placeholder (GTK_LIST_BOX (self->cart_list), placeholder);
	placeholder = gtk_label_new (_ ("None"));
	gtk_style_context_add_class (gtk_widget_get_style_context (placeholder), "dim-label");
	g_object_set (placeholder, "margin", 8, NULL);
	gtk_widget_show (placeholder);
	gtk_list_box_set_placeholder (GTK_LIST_BOX (self->counts_list), placeholder);
	hy_cashier_page_add_time_panel (self);
	hy_cashier_page_update_cart (self);
}
