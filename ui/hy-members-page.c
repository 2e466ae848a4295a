#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "hy-card-dialog.h"
#include "hy-card.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-format.h"
#include "hy-level.h"
#include "hy-member-filter.h"
#include "hy-member-history.h"
#include "hy-member-search.h"
#include "hy-members-page.h"
#include "hy-sync-escrow.h"
#include "hy-recharge-dialog.h"
#include "hy-refund-dialog.h"
#include "hy-settings.h"
#include "hy-till.h"
#include "hy-ui.h"

/* Custom field keys share the form with the registration fields: keep them apart. */
#define HY_FORM_CUSTOM_PREFIX "custom:"

struct _HyMembersPage {
	GtkBox parent_instance;

	GtkWidget *search_entry;
	GtkWidget *results_list;
	GtkWidget *detail_stack;
	GtkWidget *name_label;
	GtkWidget *level_label;
	GtkWidget *card_label;
	GtkWidget *status_label;
	GtkWidget *fields_grid;
	GtkWidget *lose_button;
	GtkWidget *unfreeze_button;
	GtkWidget *replace_entry;
	GtkWidget *replace_button;
	GtkWidget *form_grid;
	GtkWidget *save_button;
	GtkWidget *register_button;
	GtkWidget *edit_button;
	GtkWidget *form_title;
	GtkWidget *empty_label;
	GtkWidget *merge_button;
	GtkWidget *extend_button;
	GtkWidget *recycle_button;
	GtkWidget *password_button;
	GtkWidget *reset_password_button;
	GtkWidget *pin_button;
	GtkWidget *history_notebook;
	GtkWidget *recharge_button;
	GtkWidget *filter_expander;
	GtkWidget *filter_grid;
	GHashTable *filter_inputs; /* "level", "points-min"… "save-name", "apply"… -> widget */
	GSettings *settings;	   /* NULL without the installed schema: no saved searches */
	GtkListStore *sales_store; /* the history's rows, shown by the tabs' lists */
	GtkListStore *entries_store;
	GtkListStore *batches_store;

	HySession *session;
	GCancellable *cancellable;
	guint busy;
	HyMemberView *view;
	GPtrArray *levels;     /* HyLevel, lowest first */
	GPtrArray *field_defs; /* HyFieldDef of members, in display order */
	GHashTable *form;      /* key -> input widget */
	gchar *editing_id;     /* the member the form edits; NULL: a registration */
	GtkWidget *card_dialog;
	GPtrArray *sale_ids;	  /* of the sales tab's rows, for a refund */
	GtkWidget *refund_dialog; /* a sale of the history refunded (hy-refund-dialog) */
};

enum { SIGNAL_SHOW_ERROR, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

G_DEFINE_TYPE (HyMembersPage, hy_members_page, GTK_TYPE_BOX)

static void
hy_members_page_error (HyMembersPage *self, const GError *error)
{
	g_autofree gchar *text = NULL;
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	text = hy_ui_error_text (error);
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, text);
}

static void
hy_members_page_clear_error (HyMembersPage *self)
{
	g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, NULL);
}

static void
hy_members_page_clear_container (GtkWidget *container)
{
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (container));
	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy (GTK_WIDGET (l->data));
}

static const gchar *
hy_members_page_field_label (const gchar *field)
{
	static const struct {
		const gchar *field;
		const gchar *label;
	} labels[] = {
		{"name", N_ ("Name")},		 {"phone", N_ ("Phone")},
		{"gender", N_ ("Gender")},	 {"birthday", N_ ("Birthday")},
		{"id_number", N_ ("ID number")}, {"province", N_ ("Province")},
		{"city", N_ ("City")},		 {"district", N_ ("District")},
		{"address", N_ ("Address")},	 {"zip", N_ ("Postcode")},
		{"email", N_ ("Email")},	 {"note", N_ ("Note")},
	};
	for (guint i = 0; i < G_N_ELEMENTS (labels); i++) {
		if (g_str_equal (labels[i].field, field))
			return _ (labels[i].label);
	}
	return field;
}

static const gchar *
hy_members_page_gender_label (const gchar *gender)
{
	if (g_strcmp0 (gender, "male") == 0)
		return _ ("Male");
	if (g_strcmp0 (gender, "female") == 0)
		return _ ("Female");
	return gender;
}

static gboolean
hy_members_page_may (HyMembersPage *self, HyPermission permission)
{
	const HyActor *actor = self->session != NULL ? hy_session_get_actor (self->session) : NULL;
	return actor != NULL && hy_actor_has (actor, permission);
}

/* ---- the member shown ---- */

static void
hy_members_page_add_fact (HyMembersPage *self, gint row, const gchar *label, const gchar *value)
{
	GtkWidget *l = gtk_label_new (label);
	GtkWidget *v = gtk_label_new (value);
	gtk_label_set_xalign (GTK_LABEL (l), 1);
	gtk_label_set_xalign (GTK_LABEL (v), 0);
	gtk_label_set_selectable (GTK_LABEL (v), TRUE);
	gtk_label_set_line_wrap (GTK_LABEL (v), TRUE);
	gtk_style_context_add_class (gtk_widget_get_style_context (l), "dim-label");
	/* two columns of facts, as the form: the history tabs fit below them */
	gtk_widget_set_hexpand (v, TRUE);
	if (row % 2 == 1)
		gtk_widget_set_margin_start (l, 12);
	gtk_grid_attach (GTK_GRID (self->fields_grid), l, (row % 2) * 2, row / 2, 1, 1);
	gtk_grid_attach (GTK_GRID (self->fields_grid), v, (row % 2) * 2 + 1, row / 2, 1, 1);
	gtk_widget_show (l);
	gtk_widget_show (v);
}

static void
hy_members_page_load_history (HyMembersPage *self);
static void
hy_members_page_render_history (GtkListStore *store);

static void
hy_members_page_show_member (HyMembersPage *self, HyMemberView *view)
{
	const gchar *const *names = hy_member_field_names ();
	g_autofree gchar *card = NULL;
	HyMember *member;
	gint row = 0;

	g_clear_pointer (&self->view, hy_member_view_free);
	self->view = view;
	hy_members_page_clear_container (self->fields_grid);
	gtk_label_set_text (GTK_LABEL (self->empty_label),
			    _ ("Search for a member, or register a new one."));
	gtk_list_store_clear (self->sales_store);
	gtk_list_store_clear (self->entries_store);
	gtk_list_store_clear (self->batches_store);
	hy_members_page_render_history (self->sales_store);
	hy_members_page_render_history (self->entries_store);
	hy_members_page_render_history (self->batches_store);
	if (view == NULL) {
		gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "empty");
		return;
	}
	member = view->member;
	gtk_label_set_text (GTK_LABEL (self->name_label), member->name);
	gtk_label_set_text (GTK_LABEL (self->level_label),
			    member->level_name != NULL ? member->level_name : "");
	card = g_strdup_printf (_ ("Card %s"), view->card->number);
	gtk_label_set_text (GTK_LABEL (self->card_label), card);
	gtk_widget_set_visible (self->status_label, view->card->status == HY_CARD_STATUS_LOST);
	gtk_label_set_text (GTK_LABEL (self->status_label), _ ("Reported lost"));
	/* offer what the card's state and the operator allow; the core checks both again */
	gtk_widget_set_sensitive (self->lose_button,
				  view->card->status == HY_CARD_STATUS_ACTIVE &&
					  hy_members_page_may (self, HY_PERMISSION_CARD_LOSE));
	gtk_widget_set_sensitive (self->unfreeze_button,
				  view->card->status == HY_CARD_STATUS_LOST &&
					  hy_members_page_may (self, HY_PERMISSION_CARD_UNFREEZE));
	gtk_widget_set_sensitive (self->replace_button,
				  hy_members_page_may (self, HY_PERMISSION_CARD_REPLACE));
	gtk_widget_set_sensitive (self->replace_entry,
				  hy_members_page_may (self, HY_PERMISSION_CARD_REPLACE));
	gtk_widget_set_sensitive (self->recharge_button,
				  view->card->status == HY_CARD_STATUS_ACTIVE &&
					  hy_members_page_may (self, HY_PERMISSION_MONEY_RECHARGE));
	gtk_widget_set_sensitive (self->edit_button,
				  hy_members_page_may (self, HY_PERMISSION_MEMBER_EDIT));
	gtk_widget_set_sensitive (self->merge_button,
				  hy_members_page_may (self, HY_PERMISSION_CARD_MERGE));
	gtk_widget_set_sensitive (self->extend_button,
				  view->card->expires_on != NULL &&
					  hy_members_page_may (self, HY_PERMISSION_CARD_EXTEND));
	gtk_widget_set_sensitive (self->recycle_button,
				  view->card->status == HY_CARD_STATUS_ACTIVE &&
					  hy_members_page_may (self, HY_PERMISSION_CARD_RECYCLE));
	gtk_widget_set_sensitive (self->password_button,
				  view->card->has_password &&
					  hy_members_page_may (self, HY_PERMISSION_CARD_PASSWORD));
	gtk_widget_set_sensitive (self->reset_password_button,
				  hy_members_page_may (self, HY_PERMISSION_CARD_PASSWORD_RESET));
	/* a first PIN is set as a reset; changing one needs the old PIN */
	gtk_widget_set_sensitive (
		self->pin_button,
		hy_members_page_may (self, view->card->has_pin
						   ? HY_PERMISSION_CARD_PASSWORD
						   : HY_PERMISSION_CARD_PASSWORD_RESET));

	for (guint i = 0; names[i] != NULL; i++) {
		const gchar *value = hy_member_get_field (member, names[i]);
		if (g_str_equal (names[i], "name") || value == NULL || value[0] == '\0')
			continue;
		if (g_str_equal (names[i], "gender"))
			value = hy_members_page_gender_label (value);
		hy_members_page_add_fact (self, row++, hy_members_page_field_label (names[i]),
					  value);
	}
	for (guint i = 0; self->field_defs != NULL && i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		const gchar *value = member->fields != NULL
					     ? g_hash_table_lookup (member->fields, def->key)
					     : NULL;
		if (value != NULL && value[0] != '\0')
			hy_members_page_add_fact (self, row++, def->label, value);
	}
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "member");
	hy_members_page_load_history (self);
}

/* ---- jobs ---- */

typedef struct {
	HyMembersPage *self;
	void (*done) (HyMembersPage *self, gpointer result);
} HyMembersCall;

static void
hy_members_page_job_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree HyMembersCall *call = user_data;
	g_autoptr (HyMembersPage) self = call->self;
	g_autoptr (GError) error = NULL;
	gpointer out = hy_session_run_finish (HY_SESSION (source), result, &error);

	self->busy--;
	if (out == NULL) {
		hy_members_page_error (self, error);
		return;
	}
	call->done (self, out);
}

static void
hy_members_page_run (HyMembersPage *self,
		     HySessionJob job,
		     gpointer data,
		     GDestroyNotify data_free,
		     void (*done) (HyMembersPage *self, gpointer result))
{
	HyMembersCall *call = g_new0 (HyMembersCall, 1);
	call->self = g_object_ref (self);
	call->done = done;
	self->busy++;
	hy_members_page_clear_error (self);
	/* each `done` takes ownership of its result */
	hy_session_run_async (self->session, job, data, data_free, NULL, self->cancellable,
			      hy_members_page_job_cb, call);
}

static const gchar *
hy_members_page_store_code (HyMembersPage *self)
{
	const HyStore *store = hy_session_get_store (self->session);
	return store != NULL ? store->code : "";
}

/* setup: levels and custom fields */

typedef struct {
	GPtrArray *levels;
	GPtrArray *defs;
} HyMembersSetup;

static gpointer
hy_members_page_setup_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersSetup *setup = g_new0 (HyMembersSetup, 1);
	setup->levels = hy_level_list (db, error);
	if (setup->levels != NULL)
		setup->defs = hy_field_list (db, HY_FIELD_ENTITY_MEMBER, error);
	if (setup->defs == NULL) {
		g_clear_pointer (&setup->levels, g_ptr_array_unref);
		g_free (setup);
		return NULL;
	}
	return setup;
}

/* Two columns of label and input: the whole form fits a till's screen without scrolling. */
static void
hy_members_page_form_add (
	HyMembersPage *self, gint index, const gchar *label, const gchar *key, GtkWidget *input)
{
	GtkWidget *l = gtk_label_new (label);
	gint row = index / 2;
	gint column = (index % 2) * 2;
	gtk_label_set_xalign (GTK_LABEL (l), 1);
	gtk_label_set_mnemonic_widget (GTK_LABEL (l), input);
	gtk_widget_set_hexpand (input, TRUE);
	if (column > 0)
		gtk_widget_set_margin_start (l, 12);
	gtk_grid_attach (GTK_GRID (self->form_grid), l, column, row, 1, 1);
	gtk_grid_attach (GTK_GRID (self->form_grid), input, column + 1, row, 1, 1);
	gtk_widget_show (l);
	gtk_widget_show (input);
	g_hash_table_insert (self->form, g_strdup (key), input);
}

static GtkWidget *
hy_members_page_entry (const gchar *placeholder, gint max_length)
{
	GtkWidget *entry = gtk_entry_new ();
	if (placeholder != NULL)
		gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
	if (max_length > 0)
		gtk_entry_set_max_length (GTK_ENTRY (entry), max_length);
	gtk_entry_set_activates_default (GTK_ENTRY (entry), FALSE);
	return entry;
}

/* One input per field, by the field's type. */
static GtkWidget *
hy_members_page_custom_input (const HyFieldDef *def)
{
	GtkWidget *input;
	switch (def->type) {
	case HY_FIELD_TYPE_CHOICE:
		input = gtk_combo_box_text_new ();
		gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), "", "—");
		for (guint i = 0; def->choices != NULL && def->choices[i] != NULL; i++)
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), def->choices[i],
						   def->choices[i]);
		gtk_combo_box_set_active_id (GTK_COMBO_BOX (input),
					     def->default_value != NULL ? def->default_value : "");
		return input;
	case HY_FIELD_TYPE_DATE:
		input = hy_members_page_entry (_ ("YYYY-MM-DD"), 10);
		break;
	case HY_FIELD_TYPE_NUMBER:
		input = hy_members_page_entry (_ ("A number, e.g. 12.5"), def->max_length);
		gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_NUMBER);
		break;
	case HY_FIELD_TYPE_TEXT:
	default:
		input = hy_members_page_entry (NULL, def->max_length);
		break;
	}
	if (def->default_value != NULL)
		gtk_entry_set_text (GTK_ENTRY (input), def->default_value);
	return input;
}

static void
hy_members_page_build_form (HyMembersPage *self)
{
	const gchar *const *names = hy_member_field_names ();
	GtkWidget *input;
	gint row = 0;

	hy_members_page_clear_container (self->form_grid);
	g_hash_table_remove_all (self->form);
	for (guint i = 0; names[i] != NULL; i++) {
		const gchar *name = names[i];
		if (g_str_equal (name, "gender")) {
			input = gtk_combo_box_text_new ();
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), "", "—");
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), "male", _ ("Male"));
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), "female",
						   _ ("Female"));
			gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), "");
		} else if (g_str_equal (name, "birthday")) {
			input = hy_members_page_entry (_ ("YYYY-MM-DD, or from the ID number"), 10);
		} else if (g_str_equal (name, "id_number")) {
			input = hy_members_page_entry (_ ("18 characters"), 18);
		} else {
			input = hy_members_page_entry (NULL, 0);
		}
		hy_members_page_form_add (self, row++, hy_members_page_field_label (name), name,
					  input);
	}
	input = gtk_combo_box_text_new ();
	for (guint i = 0; i < self->levels->len; i++) {
		HyLevel *level = g_ptr_array_index (self->levels, i);
		gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), level->name, level->name);
	}
	gtk_combo_box_set_active (GTK_COMBO_BOX (input), 0);
	hy_members_page_form_add (self, row++, _ ("Level"), "level", input);
	if (self->editing_id == NULL)
		hy_members_page_form_add (
			self, row++, _ ("Card number"), "card",
			hy_members_page_entry (_ ("Empty: the next card from stock"), 10));
	for (guint i = 0; i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		g_autofree gchar *key = g_strconcat (HY_FORM_CUSTOM_PREFIX, def->key, NULL);
		g_autofree gchar *label =
			def->required ? g_strdup_printf (_ ("%s (required)"), def->label)
				      : g_strdup (def->label);
		hy_members_page_form_add (self, row++, label, key,
					  hy_members_page_custom_input (def));
	}
}

static void
hy_members_page_fill_filter_choices (HyMembersPage *self);

static void
hy_members_page_setup_done (HyMembersPage *self, gpointer result)
{
	HyMembersSetup *setup = result;
	g_clear_pointer (&self->levels, g_ptr_array_unref);
	g_clear_pointer (&self->field_defs, g_ptr_array_unref);
	self->levels = setup->levels;
	self->field_defs = setup->defs;
	g_free (setup);
	hy_members_page_build_form (self);
	hy_members_page_fill_filter_choices (self);
	gtk_widget_set_sensitive (self->save_button, TRUE);
}

/* search */

typedef struct {
	gchar *store_code;
	gchar *query; /* the search, or a member id */
} HyMembersQuery;

static void
hy_members_query_free (HyMembersQuery *q)
{
	g_free (q->store_code);
	g_free (q->query);
	g_free (q);
}

static gpointer
hy_members_page_search_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersQuery *q = data;
	return hy_member_search (db, q->query, 50, error);
}

static void
hy_members_page_search_done (HyMembersPage *self, gpointer result)
{
	g_autoptr (GPtrArray) matches = result;
	hy_members_page_clear_container (self->results_list);
	for (guint i = 0; i < matches->len; i++) {
		HyMember *member = g_ptr_array_index (matches, i);
		GtkWidget *row = gtk_list_box_row_new ();
		g_autofree gchar *text = g_strdup_printf (
			"%s   %s", member->name, member->phone != NULL ? member->phone : "");
		GtkWidget *label = gtk_label_new (text);
		gtk_label_set_xalign (GTK_LABEL (label), 0);
		g_object_set (label, "margin", 8, NULL);
		g_object_set_data_full (G_OBJECT (row), "hy-member-id", g_strdup (member->id),
					g_free);
		gtk_container_add (GTK_CONTAINER (row), label);
		gtk_widget_show_all (row);
		gtk_container_add (GTK_CONTAINER (self->results_list), row);
	}
	if (matches->len == 0) {
		g_autoptr (GError) error =
			g_error_new_literal (HY_ERROR, HY_ERROR_NOT_FOUND, _ ("no member matches"));
		hy_members_page_error (self, error);
	}
}

static void
hy_members_page_search_activate_cb (HyMembersPage *self)
{
	HyMembersQuery *q = g_new0 (HyMembersQuery, 1);
	q->query = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->search_entry)));
	hy_members_page_run (self, hy_members_page_search_job, q,
			     (GDestroyNotify) hy_members_query_free, hy_members_page_search_done);
}

static gpointer
hy_members_page_load_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersQuery *q = data;
	return hy_till_load_member (db, q->store_code, q->query, error);
}

static void
hy_members_page_load_done (HyMembersPage *self, gpointer result)
{
	hy_members_page_show_member (self, result);
}

static void
hy_members_page_load (HyMembersPage *self, const gchar *member_id)
{
	HyMembersQuery *q = g_new0 (HyMembersQuery, 1);
	q->store_code = g_strdup (hy_members_page_store_code (self));
	q->query = g_strdup (member_id);
	hy_members_page_run (self, hy_members_page_load_job, q,
			     (GDestroyNotify) hy_members_query_free, hy_members_page_load_done);
}

static void
hy_members_page_result_activated_cb (HyMembersPage *self, GtkListBoxRow *row)
{
	hy_members_page_load (self, g_object_get_data (G_OBJECT (row), "hy-member-id"));
}

/* filters and saved searches */

static gpointer
hy_members_page_filter_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	return hy_member_filter_run (db, data, 100, error);
}

static GtkWidget *
hy_members_page_filter_input (HyMembersPage *self, const gchar *key)
{
	return g_hash_table_lookup (self->filter_inputs, key);
}

static gchar *
hy_members_page_filter_text (HyMembersPage *self, const gchar *key)
{
	GtkWidget *input = hy_members_page_filter_input (self, key);
	const gchar *text = GTK_IS_COMBO_BOX (input)
				    ? gtk_combo_box_get_active_id (GTK_COMBO_BOX (input))
				    : gtk_entry_get_text (GTK_ENTRY (input));
	g_autofree gchar *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
	return copy[0] != '\0' ? g_steal_pointer (&copy) : NULL;
}

/* Points typed as points with up to two decimals ("150", "12.5"), kept in hundredths. */
static gboolean
hy_members_page_filter_points (
	HyMembersPage *self, const gchar *key, const gchar *what, gint64 *out, GError **error)
{
	g_autofree gchar *text = hy_members_page_filter_text (self, key);
	if (text == NULL)
		return TRUE;
	if (!hy_parse_money (text, out) || *out < 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: “%s” is not a number of points"), what, text);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_members_page_filter_count (
	HyMembersPage *self, const gchar *key, const gchar *what, gint64 *out, GError **error)
{
	g_autofree gchar *text = hy_members_page_filter_text (self, key);
	guint64 n = 0;
	if (text == NULL)
		return TRUE;
	if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &n, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: “%s” is not a number of visits"), what, text);
		return FALSE;
	}
	*out = (gint64) n;
	return TRUE;
}

/* The filter typed; what the criteria mean together is the core's to check. */
static HyMemberFilter *
hy_members_page_read_filter (HyMembersPage *self, GError **error)
{
	g_autoptr (HyMemberFilter) f = hy_member_filter_new ();
	g_autofree gchar *month = hy_members_page_filter_text (self, "birthday-month");

	if (!hy_members_page_filter_points (self, "points-min", _ ("points from"), &f->points_min,
					    error) ||
	    !hy_members_page_filter_points (self, "points-max", _ ("points to"), &f->points_max,
					    error) ||
	    !hy_members_page_filter_count (self, "visits-min", _ ("visits from"), &f->visits_min,
					   error) ||
	    !hy_members_page_filter_count (self, "visits-max", _ ("visits to"), &f->visits_max,
					   error))
		return NULL;
	f->level = hy_members_page_filter_text (self, "level");
	f->visited_from = hy_members_page_filter_text (self, "visited-from");
	f->visited_to = hy_members_page_filter_text (self, "visited-to");
	f->birthday_month = month != NULL ? atoi (month) : 0;
	f->field_value = hy_members_page_filter_text (self, "field-value");
	if (f->field_value != NULL)
		f->field_key = hy_members_page_filter_text (self, "field-key");
	return g_steal_pointer (&f);
}

static void
hy_members_page_filter_set_text (HyMembersPage *self, const gchar *key, const gchar *text)
{
	GtkWidget *input = hy_members_page_filter_input (self, key);
	if (GTK_IS_COMBO_BOX (input)) {
		if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), text != NULL ? text : ""))
			gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), "");
		return;
	}
	gtk_entry_set_text (GTK_ENTRY (input), text != NULL ? text : "");
}

static void
hy_members_page_filter_set_points (HyMembersPage *self, const gchar *key, gint64 hundredths)
{
	g_autofree gchar *text = NULL;
	if (hundredths >= 0)
		text = hundredths % 100 == 0 ? g_strdup_printf ("%" PRId64, hundredths / 100)
					     : g_strdup_printf ("%" PRId64 ".%02" PRId64,
								hundredths / 100, hundredths % 100);
	hy_members_page_filter_set_text (self, key, text);
}

static void
hy_members_page_filter_set_count (HyMembersPage *self, const gchar *key, gint64 n)
{
	g_autofree gchar *text = n >= 0 ? g_strdup_printf ("%" PRId64, n) : NULL;
	hy_members_page_filter_set_text (self, key, text);
}

static void
hy_members_page_show_filter (HyMembersPage *self, const HyMemberFilter *f)
{
	g_autofree gchar *month =
		f->birthday_month > 0 ? g_strdup_printf ("%d", f->birthday_month) : NULL;
	hy_members_page_filter_set_text (self, "level", f->level);
	hy_members_page_filter_set_points (self, "points-min", f->points_min);
	hy_members_page_filter_set_points (self, "points-max", f->points_max);
	hy_members_page_filter_set_text (self, "visited-from", f->visited_from);
	hy_members_page_filter_set_text (self, "visited-to", f->visited_to);
	hy_members_page_filter_set_count (self, "visits-min", f->visits_min);
	hy_members_page_filter_set_count (self, "visits-max", f->visits_max);
	hy_members_page_filter_set_text (self, "birthday-month", month);
	hy_members_page_filter_set_text (self, "field-key", f->field_key);
	hy_members_page_filter_set_text (self, "field-value", f->field_value);
}

static void
hy_members_page_apply_filter_cb (HyMembersPage *self)
{
	g_autoptr (GError) error = NULL;
	HyMemberFilter *f = hy_members_page_read_filter (self, &error);
	if (f == NULL) {
		hy_members_page_error (self, error);
		return;
	}
	hy_members_page_run (self, hy_members_page_filter_job, f,
			     (GDestroyNotify) hy_member_filter_free, hy_members_page_search_done);
}

static void
hy_members_page_clear_filter_cb (HyMembersPage *self)
{
	g_autoptr (HyMemberFilter) none = hy_member_filter_new ();
	hy_members_page_show_filter (self, none);
	gtk_combo_box_set_active_id (GTK_COMBO_BOX (hy_members_page_filter_input (self, "saved")),
				     "");
	hy_members_page_clear_container (self->results_list);
}

/* saved searches: name -> the filter's a{sv}, in GSettings */

static void
hy_members_page_fill_saved (HyMembersPage *self, const gchar *select)
{
	GtkWidget *combo = hy_members_page_filter_input (self, "saved");
	g_autoptr (GVariant) saved = NULL;
	g_autofree const gchar **names = NULL;
	GVariantIter iter;
	const gchar *name;
	guint n = 0;

	gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (combo));
	gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), "", _ ("Saved searches…"));
	if (self->settings != NULL) {
		saved = g_settings_get_value (self->settings, HY_SETTINGS_SAVED_SEARCHES);
		names = g_new0 (const gchar *, g_variant_n_children (saved) + 1);
		g_variant_iter_init (&iter, saved);
		while (g_variant_iter_next (&iter, "{&s@a{sv}}", &name, NULL))
			names[n++] = name;
		for (guint i = 0; i < n; i++)
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), names[i], names[i]);
	}
	if (select == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), select))
		gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), "");
}

/* The saved searches with `name` set to `filter` (NULL: removed). */
static void
hy_members_page_store_saved (HyMembersPage *self, const gchar *name, GVariant *filter)
{
	g_autoptr (GVariant) saved = NULL;
	GVariantBuilder b;
	GVariantIter iter;
	const gchar *key;
	GVariant *value;

	if (self->settings == NULL) {
		if (filter != NULL)
			g_variant_unref (g_variant_ref_sink (filter));
		return;
	}
	saved = g_settings_get_value (self->settings, HY_SETTINGS_SAVED_SEARCHES);
	g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sa{sv}}"));
	g_variant_iter_init (&iter, saved);
	while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &key, &value)) {
		if (!g_str_equal (key, name))
			g_variant_builder_add (&b, "{s@a{sv}}", key, value);
	}
	if (filter != NULL)
		g_variant_builder_add (&b, "{s@a{sv}}", name, filter);
	g_settings_set_value (self->settings, HY_SETTINGS_SAVED_SEARCHES,
			      g_variant_builder_end (&b));
}

static void
hy_members_page_save_search_cb (HyMembersPage *self)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMemberFilter) f = hy_members_page_read_filter (self, &error);
	g_autofree gchar *name = hy_members_page_filter_text (self, "save-name");

	if (f == NULL) {
		hy_members_page_error (self, error);
		return;
	}
	if (name == NULL || hy_member_filter_is_empty (f)) {
		g_set_error_literal (
			&error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			_ ("saved search: set some criteria and type a name for them"));
		hy_members_page_error (self, error);
		return;
	}
	hy_members_page_clear_error (self);
	hy_members_page_store_saved (self, name, hy_member_filter_to_variant (f));
	gtk_entry_set_text (GTK_ENTRY (hy_members_page_filter_input (self, "save-name")), "");
	hy_members_page_fill_saved (self, name);
}

static void
hy_members_page_delete_search_cb (HyMembersPage *self)
{
	g_autofree gchar *name = hy_members_page_filter_text (self, "saved");
	if (name == NULL)
		return;
	hy_members_page_store_saved (self, name, NULL);
	hy_members_page_fill_saved (self, NULL);
}

static void
hy_members_page_saved_changed_cb (HyMembersPage *self)
{
	g_autofree gchar *name = hy_members_page_filter_text (self, "saved");
	g_autoptr (GVariant) saved = NULL;
	g_autoptr (GVariant) value = NULL;
	g_autoptr (HyMemberFilter) f = NULL;
	g_autoptr (GError) error = NULL;

	gtk_widget_set_sensitive (hy_members_page_filter_input (self, "delete"), name != NULL);
	if (name == NULL || self->settings == NULL)
		return;
	saved = g_settings_get_value (self->settings, HY_SETTINGS_SAVED_SEARCHES);
	value = g_variant_lookup_value (saved, name, G_VARIANT_TYPE_VARDICT);
	if (value == NULL)
		return;
	f = hy_member_filter_from_variant (value, &error);
	if (f == NULL) {
		hy_members_page_error (self, error);
		return;
	}
	hy_members_page_show_filter (self, f);
	hy_members_page_apply_filter_cb (self);
}

/* the inputs: built once; the level and field choices come with the store's setup */

static void
hy_members_page_filter_row (HyMembersPage *self,
			    gint row,
			    const gchar *title,
			    const gchar *key_a,
			    GtkWidget *a,
			    const gchar *key_b,
			    GtkWidget *b)
{
	GtkGrid *grid = GTK_GRID (self->filter_grid);
	/* no mnemonics here: the member's buttons beside the filters have them */
	GtkWidget *label = gtk_label_new (title);
	gtk_label_set_xalign (GTK_LABEL (label), 1);
	gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
	gtk_label_set_mnemonic_widget (GTK_LABEL (label), a);
	gtk_grid_attach (grid, label, 0, row, 1, 1);
	gtk_widget_set_hexpand (a, TRUE);
	g_hash_table_insert (self->filter_inputs, g_strdup (key_a), a);
	if (b == NULL) {
		gtk_grid_attach (grid, a, 1, row, 3, 1);
		return;
	}
	gtk_widget_set_hexpand (b, TRUE);
	g_hash_table_insert (self->filter_inputs, g_strdup (key_b), b);
	gtk_grid_attach (grid, a, 1, row, 1, 1);
	/* a range has its dash; a field and its value sit side by side */
	if (g_str_has_suffix (key_b, "-max") || g_str_has_suffix (key_b, "-to")) {
		gtk_grid_attach (grid, gtk_label_new ("–"), 2, row, 1, 1);
		gtk_grid_attach (grid, b, 3, row, 1, 1);
	} else {
		gtk_grid_attach (grid, b, 2, row, 2, 1);
	}
}

static GtkWidget *
hy_members_page_filter_entry (HyMembersPage *self, const gchar *placeholder)
{
	GtkWidget *entry = gtk_entry_new ();
	gtk_entry_set_width_chars (GTK_ENTRY (entry), 6);
	if (placeholder != NULL)
		gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
	/* Enter in any criterion applies the filter */
	g_signal_connect_swapped (entry, "activate", G_CALLBACK (hy_members_page_apply_filter_cb),
				  self);
	return entry;
}

static GtkWidget *
hy_members_page_filter_button (HyMembersPage *self,
			       const gchar *key,
			       const gchar *title,
			       GCallback callback)
{
	GtkWidget *button = gtk_button_new_with_label (title);
	g_signal_connect_swapped (button, "clicked", callback, self);
	g_hash_table_insert (self->filter_inputs, g_strdup (key), button);
	return button;
}

static void
hy_members_page_build_filters (HyMembersPage *self)
{
	GtkGrid *grid = GTK_GRID (self->filter_grid);
	GtkWidget *months = gtk_combo_box_text_new ();
	GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *saved_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *save_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *apply;
	GtkWidget *saved;
	GtkWidget *name;

	hy_members_page_filter_row (self, 0, _ ("Level"), "level", gtk_combo_box_text_new (), NULL,
				    NULL);
	hy_members_page_filter_row (self, 1, _ ("Points"), "points-min",
				    hy_members_page_filter_entry (self, _ ("from")), "points-max",
				    hy_members_page_filter_entry (self, _ ("to")));
	hy_members_page_filter_row (self, 2, _ ("Last visit"), "visited-from",
				    hy_members_page_filter_entry (self, _ ("YYYY-MM-DD")),
				    "visited-to",
				    hy_members_page_filter_entry (self, _ ("YYYY-MM-DD")));
	hy_members_page_filter_row (self, 3, _ ("Visits"), "visits-min",
				    hy_members_page_filter_entry (self, _ ("from")), "visits-max",
				    hy_members_page_filter_entry (self, _ ("to")));
	gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (months), "", _ ("Any month"));
	for (gint m = 1; m <= 12; m++) {
		g_autofree gchar *id = g_strdup_printf ("%d", m);
		gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (months), id, id);
	}
	gtk_combo_box_set_active_id (GTK_COMBO_BOX (months), "");
	hy_members_page_filter_row (self, 4, _ ("Birthday month"), "birthday-month", months, NULL,
				    NULL);
	hy_members_page_filter_row (self, 5, _ ("Field"), "field-key", gtk_combo_box_text_new (),
				    "field-value",
				    hy_members_page_filter_entry (self, _ ("value")));

	gtk_box_pack_end (
		GTK_BOX (buttons),
		apply = hy_members_page_filter_button (
			self, "apply", _ ("Apply"), G_CALLBACK (hy_members_page_apply_filter_cb)),
		FALSE, FALSE, 0);
	gtk_style_context_add_class (gtk_widget_get_style_context (apply), "suggested-action");
	gtk_box_pack_end (
		GTK_BOX (buttons),
		hy_members_page_filter_button (self, "clear", _ ("Clear"),
					       G_CALLBACK (hy_members_page_clear_filter_cb)),
		FALSE, FALSE, 0);
	gtk_grid_attach (grid, buttons, 0, 6, 4, 1);

	saved = gtk_combo_box_text_new ();
	gtk_widget_set_hexpand (saved, TRUE);
	g_hash_table_insert (self->filter_inputs, g_strdup ("saved"), saved);
	gtk_box_pack_start (GTK_BOX (saved_box), saved, TRUE, TRUE, 0);
	gtk_box_pack_start (
		GTK_BOX (saved_box),
		hy_members_page_filter_button (self, "delete", _ ("Delete"),
					       G_CALLBACK (hy_members_page_delete_search_cb)),
		FALSE, FALSE, 0);
	gtk_widget_set_margin_top (saved_box, 6);
	gtk_grid_attach (grid, saved_box, 0, 7, 4, 1);
	name = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (name), _ ("Name for these criteria"));
	gtk_widget_set_hexpand (name, TRUE);
	g_hash_table_insert (self->filter_inputs, g_strdup ("save-name"), name);
	g_signal_connect_swapped (name, "activate", G_CALLBACK (hy_members_page_save_search_cb),
				  self);
	gtk_box_pack_start (GTK_BOX (save_box), name, TRUE, TRUE, 0);
	gtk_box_pack_start (
		GTK_BOX (save_box),
		hy_members_page_filter_button (self, "save", _ ("Save"),
					       G_CALLBACK (hy_members_page_save_search_cb)),
		FALSE, FALSE, 0);
	gtk_grid_attach (grid, save_box, 0, 8, 4, 1);
	gtk_widget_show_all (self->filter_grid);
	/* saved searches live in the settings; without the schema there are none */
	gtk_widget_set_visible (saved_box, self->settings != NULL);
	gtk_widget_set_visible (save_box, self->settings != NULL);
	hy_members_page_fill_saved (self, NULL);
	g_signal_connect_swapped (saved, "changed", G_CALLBACK (hy_members_page_saved_changed_cb),
				  self);
	gtk_widget_set_sensitive (hy_members_page_filter_input (self, "delete"), FALSE);
}

static void
hy_members_page_fill_filter_choices (HyMembersPage *self)
{
	GtkWidget *level = hy_members_page_filter_input (self, "level");
	GtkWidget *field = hy_members_page_filter_input (self, "field-key");
	gboolean any_field = FALSE;

	gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (level));
	gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (level), "", _ ("Any level"));
	for (guint i = 0; i < self->levels->len; i++) {
		HyLevel *l = g_ptr_array_index (self->levels, i);
		gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (level), l->name, l->name);
	}
	gtk_combo_box_set_active_id (GTK_COMBO_BOX (level), "");
	/* only a searchable field can be looked up by its value */
	gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (field));
	for (guint i = 0; i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		if (!def->searchable)
			continue;
		gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (field), def->key, def->label);
		if (!any_field)
			gtk_combo_box_set_active_id (GTK_COMBO_BOX (field), def->key);
		any_field = TRUE;
	}
	gtk_widget_set_sensitive (field, any_field);
	gtk_widget_set_sensitive (hy_members_page_filter_input (self, "field-value"), any_field);
}

/* history: sales, ledger entries, points batches of the member shown */

#define HY_MEMBERS_HISTORY_LIMIT 100

typedef struct {
	gchar *member_id;
	GPtrArray *sales;
	GPtrArray *entries;
	GPtrArray *batches;
} HyMembersHistory;

static void
hy_members_history_free (HyMembersHistory *h)
{
	g_free (h->member_id);
	g_clear_pointer (&h->sales, g_ptr_array_unref);
	g_clear_pointer (&h->entries, g_ptr_array_unref);
	g_clear_pointer (&h->batches, g_ptr_array_unref);
	g_free (h);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyMembersHistory, hy_members_history_free)

static gpointer
hy_members_page_history_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersQuery *q = data;
	HyMembersHistory *h = g_new0 (HyMembersHistory, 1);
	h->member_id = g_strdup (q->query);
	h->sales = hy_member_history_sales (db, q->query, HY_MEMBERS_HISTORY_LIMIT, error);
	if (h->sales != NULL)
		h->entries =
			hy_member_history_entries (db, q->query, HY_MEMBERS_HISTORY_LIMIT, error);
	if (h->entries != NULL)
		h->batches =
			hy_member_history_batches (db, q->query, HY_MEMBERS_HISTORY_LIMIT, error);
	if (h->batches == NULL) {
		hy_members_history_free (h);
		return NULL;
	}
	return h;
}

static gchar *
hy_members_page_format_time (gint64 at_ms)
{
	g_autoptr (GDateTime) at = g_date_time_new_from_unix_local (at_ms / 1000);
	return g_date_time_format (at, "%Y-%m-%d %H:%M");
}

static const gchar *
hy_members_page_op_label (const gchar *op)
{
	static const struct {
		const gchar *op;
		const gchar *label;
	} labels[] = {
		{"sale", N_ ("Sale")},
		{"refund", N_ ("Refund")},
		{"recharge", N_ ("Recharge")},
		{"bonus", N_ ("Recharge bonus")},
		{"instalment", N_ ("Bonus instalment")},
		{"withdraw", N_ ("Withdrawal")},
		{"adjust", N_ ("Adjustment")},
		{"deduct", N_ ("Direct deduction")},
		{"merge", N_ ("Card merge")},
		{"replace", N_ ("Card replacement")},
		{"recycle", N_ ("Card recycled")},
		{"expire", N_ ("Expired")},
		{"redeem", N_ ("Redemption")},
		{"points_cash", N_ ("Points to cash")},
		{"upgrade", N_ ("Level upgrade")},
	};
	for (guint i = 0; i < G_N_ELEMENTS (labels); i++) {
		if (g_strcmp0 (labels[i].op, op) == 0)
			return _ (labels[i].label);
	}
	return op;
}

/* A signed change in the account's unit. */
static gchar *
hy_members_page_format_delta (const HyHistoryEntry *entry)
{
	g_autofree gchar *amount = NULL;
	const gchar *sign = entry->delta > 0 ? "+" : "";
	switch (entry->account) {
	case HY_ACCOUNT_MONEY:
		amount = hy_format_money (entry->delta);
		return g_strconcat (sign, amount, NULL);
	case HY_ACCOUNT_POINTS:
		amount = hy_format_points (entry->delta);
		return g_strdup_printf (_ ("%s%s points"), sign, amount);
	case HY_ACCOUNT_COUNT:
		return g_strdup_printf (_ ("%s%" PRId64 " × %s"), sign, entry->delta, entry->item);
	case HY_ACCOUNT_TIME:
	default:
		return g_strdup_printf (_ ("%s%" PRId64 " min of %s"), sign, entry->delta / 60,
					entry->item);
	}
}

static void
hy_members_page_history_done (HyMembersPage *self, gpointer result)
{
	g_autoptr (HyMembersHistory) h = result;
	GtkTreeIter iter;

	/* a member chosen since the job started has its own job coming */
	if (self->view == NULL || g_strcmp0 (self->view->member->id, h->member_id) != 0)
		return;
	gtk_list_store_clear (self->sales_store);
	gtk_list_store_clear (self->entries_store);
	gtk_list_store_clear (self->batches_store);
	for (guint i = 0; i < h->sales->len; i++) {
		HyHistorySale *sale = g_ptr_array_index (h->sales, i);
		g_autofree gchar *at = hy_members_page_format_time (sale->at);
		g_autofree gchar *total = hy_format_money (sale->total);
		g_autofree gchar *discount = hy_format_money (sale->discount);
		g_autofree gchar *points = hy_format_points (sale->points);
		g_autofree gchar *refunded =
			sale->refunded > 0 ? hy_format_money (sale->refunded) : g_strdup ("");
		g_autofree gchar *lines = g_strdup_printf ("%" PRId64, sale->lines);
		gtk_list_store_insert_with_values (self->sales_store, &iter, -1, 0, at, 1, lines, 2,
						   total, 3, discount, 4, points, 5, refunded, -1);
	}
	for (guint i = 0; i < h->entries->len; i++) {
		HyHistoryEntry *entry = g_ptr_array_index (h->entries, i);
		g_autofree gchar *at = hy_members_page_format_time (entry->at);
		g_autofree gchar *delta = hy_members_page_format_delta (entry);
		gtk_list_store_insert_with_values (self->entries_store, &iter, -1, 0, at, 1, delta,
						   2, hy_members_page_op_label (entry->op), 3,
						   entry->card_number, 4,
						   entry->note != NULL ? entry->note : "", -1);
	}
	for (guint i = 0; i < h->batches->len; i++) {
		HyHistoryBatch *batch = g_ptr_array_index (h->batches, i);
		g_autofree gchar *points = hy_format_points (batch->points);
		g_autofree gchar *left = hy_format_points (batch->remaining);
		gtk_list_store_insert_with_values (
			self->batches_store, &iter, -1, 0, batch->earned_on, 1,
			batch->expires_on != NULL ? batch->expires_on : _ ("never"), 2, points, 3,
			left, 4, hy_members_page_op_label (batch->op), 5, batch->card_number, -1);
	}
	hy_members_page_render_history (self->sales_store);
	g_ptr_array_set_size (self->sale_ids, 0);
	for (guint i = 0; i < h->sales->len; i++)
		g_ptr_array_add (
			self->sale_ids,
			g_strdup (((HyHistorySale *) g_ptr_array_index (h->sales, i))->id));
	hy_members_page_render_history (self->entries_store);
	hy_members_page_render_history (self->batches_store);
}

static void
hy_members_page_load_history (HyMembersPage *self)
{
	HyMembersQuery *q;
	if (self->view == NULL)
		return;
	q = g_new0 (HyMembersQuery, 1);
	q->query = g_strdup (self->view->member->id);
	hy_members_page_run (self, hy_members_page_history_job, q,
			     (GDestroyNotify) hy_members_query_free, hy_members_page_history_done);
}

/* One tab: a header and a list of rows with a column per field, numbers right-aligned,
 * the columns kept aligned by one size group each. A list box rather than a tree view:
 * rows of labels draw the same on screen and in the screenshots. */
#define HY_HISTORY_MAX_COLUMNS 6

typedef struct {
	GtkWidget *list;
	GtkSizeGroup *groups[HY_HISTORY_MAX_COLUMNS];
	const gboolean *numeric;
	guint n_columns;
} HyHistoryTab;

static void
hy_history_tab_free (HyHistoryTab *tab)
{
	for (guint i = 0; i < tab->n_columns; i++)
		g_object_unref (tab->groups[i]);
	g_free (tab);
}

static GtkWidget *
hy_members_page_history_row (HyHistoryTab *tab, gchar **texts, gboolean header)
{
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
	g_object_set (box, "margin-start", 10, "margin-end", 10, "margin-top", 4, "margin-bottom",
		      4, NULL);
	for (guint i = 0; i < tab->n_columns; i++) {
		GtkWidget *label = gtk_label_new (texts[i] != NULL ? texts[i] : "");
		gtk_label_set_xalign (GTK_LABEL (label), tab->numeric[i] ? 1 : 0);
		gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
		if (header)
			gtk_style_context_add_class (gtk_widget_get_style_context (label),
						     "hy-subsection-title");
		gtk_size_group_add_widget (tab->groups[i], label);
		gtk_box_pack_start (GTK_BOX (box), label, i + 1 == tab->n_columns,
				    i + 1 == tab->n_columns, 0);
	}
	gtk_widget_show_all (box);
	return box;
}

/* Rebuilds a tab's rows from its store. */
static void
hy_members_page_render_history (GtkListStore *store)
{
	HyHistoryTab *tab = g_object_get_data (G_OBJECT (store), "hy-history-tab");
	GtkTreeModel *model = GTK_TREE_MODEL (store);
	GtkTreeIter iter;
	gboolean more;

	hy_members_page_clear_container (tab->list);
	for (more = gtk_tree_model_get_iter_first (model, &iter); more;
	     more = gtk_tree_model_iter_next (model, &iter)) {
		gchar *texts[HY_HISTORY_MAX_COLUMNS] = {NULL};
		for (guint i = 0; i < tab->n_columns; i++)
			gtk_tree_model_get (model, &iter, i, &texts[i], -1);
		gtk_container_add (GTK_CONTAINER (tab->list),
				   hy_members_page_history_row (tab, texts, FALSE));
		for (guint i = 0; i < tab->n_columns; i++)
			g_free (texts[i]);
	}
}

static GtkListStore *
hy_members_page_add_history_tab (HyMembersPage *self,
				 const gchar *title,
				 const gchar *const *columns,
				 const gboolean *numeric,
				 guint n_columns)
{
	g_autofree GType *types = g_new (GType, n_columns);
	HyHistoryTab *tab = g_new0 (HyHistoryTab, 1);
	gchar *titles[HY_HISTORY_MAX_COLUMNS] = {NULL};
	GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
	GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);
	GtkListStore *store;

	g_assert (n_columns <= HY_HISTORY_MAX_COLUMNS);
	for (guint i = 0; i < n_columns; i++) {
		types[i] = G_TYPE_STRING;
		tab->groups[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
		titles[i] = (gchar *) _ (columns[i]);
	}
	tab->numeric = numeric;
	tab->n_columns = n_columns;
	store = gtk_list_store_newv (n_columns, types);
	g_object_set_data_full (G_OBJECT (store), "hy-history-tab", tab,
				(GDestroyNotify) hy_history_tab_free);
	tab->list = gtk_list_box_new ();
	gtk_list_box_set_selection_mode (GTK_LIST_BOX (tab->list), GTK_SELECTION_NONE);
	gtk_box_pack_start (GTK_BOX (page), hy_members_page_history_row (tab, titles, TRUE), FALSE,
			    FALSE, 0);
	gtk_box_pack_start (GTK_BOX (page), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), FALSE,
			    FALSE, 0);
	gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
					GTK_POLICY_AUTOMATIC);
	gtk_widget_set_vexpand (scrolled, TRUE);
	gtk_container_add (GTK_CONTAINER (scrolled), tab->list);
	gtk_box_pack_start (GTK_BOX (page), scrolled, TRUE, TRUE, 0);
	gtk_widget_show_all (page);
	gtk_notebook_append_page (GTK_NOTEBOOK (self->history_notebook), page,
				  gtk_label_new (title));
	return store;
}

/* A sale of the history, activated, opens its refund: whole or by line. */

static void
hy_members_page_refunded_cb (HyRefundDialog *dialog, const gchar *summary, HyMembersPage *self)
{
	/* the dialog stays open with what went back; the balances and history change */
	if (self->view != NULL)
		hy_members_page_load (self, self->view->member->id);
}

static void
hy_members_page_refund_response_cb (GtkDialog *dialog, gint response, HyMembersPage *self)
{
	if (response != GTK_RESPONSE_OK)
		gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
hy_members_page_refund_destroy_cb (GtkWidget *dialog, HyMembersPage *self)
{
	if (self->refund_dialog == dialog)
		self->refund_dialog = NULL;
}

static void
hy_members_page_sale_activated_cb (GtkListBox *list, GtkListBoxRow *row, HyMembersPage *self)
{
	gint index = gtk_list_box_row_get_index (row);
	GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
	if (index < 0 || (guint) index >= self->sale_ids->len)
		return;
	if (self->refund_dialog != NULL)
		gtk_widget_destroy (self->refund_dialog);
	self->refund_dialog = GTK_WIDGET (
		hy_refund_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
				      self->session, g_ptr_array_index (self->sale_ids, index)));
	g_signal_connect (self->refund_dialog, "refunded", G_CALLBACK (hy_members_page_refunded_cb),
			  self);
	g_signal_connect (self->refund_dialog, "response",
			  G_CALLBACK (hy_members_page_refund_response_cb), self);
	g_signal_connect (self->refund_dialog, "destroy",
			  G_CALLBACK (hy_members_page_refund_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->refund_dialog));
}

static void
hy_members_page_connect_sales_refund (HyMembersPage *self)
{
	HyHistoryTab *tab = g_object_get_data (G_OBJECT (self->sales_store), "hy-history-tab");
	self->sale_ids = g_ptr_array_new_with_free_func (g_free);
	gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (tab->list), TRUE);
	gtk_widget_set_tooltip_text (tab->list, _ ("Click a sale to refund it, whole or by line"));
	g_signal_connect (tab->list, "row-activated",
			  G_CALLBACK (hy_members_page_sale_activated_cb), self);
}

static void
hy_members_page_build_history (HyMembersPage *self)
{
	static const gchar *const sales[] = {N_ ("Date"),     N_ ("Lines"),  N_ ("Total"),
					     N_ ("Discount"), N_ ("Points"), N_ ("Refunded")};
	static const gboolean sales_numeric[] = {FALSE, TRUE, TRUE, TRUE, TRUE, TRUE};
	static const gchar *const entries[] = {N_ ("Date"), N_ ("Balance change"), N_ ("Operation"),
					       N_ ("Card"), N_ ("Note")};
	static const gboolean entries_numeric[] = {FALSE, TRUE, FALSE, FALSE, FALSE};
	static const gchar *const batches[] = {N_ ("Earned"), N_ ("Expires"), N_ ("Points"),
					       N_ ("Left"),   N_ ("From"),    N_ ("Card")};
	static const gboolean batches_numeric[] = {FALSE, FALSE, TRUE, TRUE, FALSE, FALSE};
	self->sales_store = hy_members_page_add_history_tab (self, _ ("Sales"), sales,
							     sales_numeric, G_N_ELEMENTS (sales));
	hy_members_page_connect_sales_refund (self);
	self->entries_store = hy_members_page_add_history_tab (
		self, _ ("Ledger"), entries, entries_numeric, G_N_ELEMENTS (entries));
	self->batches_store = hy_members_page_add_history_tab (
		self, _ ("Points Batches"), batches, batches_numeric, G_N_ELEMENTS (batches));
}

/* registration */

typedef struct {
	gchar *store_code;
	HyMember *member;
	gchar *level;
	gchar *card;
} HyMembersRegister;

static void
hy_members_register_free (HyMembersRegister *r)
{
	g_free (r->store_code);
	hy_member_free (r->member);
	g_free (r->level);
	g_free (r->card);
	g_free (r);
}

/* A registration, or with member->id set the update of an existing member. */
static gpointer
hy_members_page_register_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersRegister *r = data;
	g_autofree gchar *member_id = NULL;
	if (r->member->id != NULL) {
		if (!hy_member_update (db, hy_session_get_actor (session), r->member, r->level,
				       error))
			return NULL;
		return hy_till_load_member (db, r->store_code, r->member->id, error);
	}
	if (!hy_member_register (db, hy_session_get_actor (session), r->member, r->level, r->card,
				 NULL, &member_id, NULL, error))
		return NULL;
	return hy_till_load_member (db, r->store_code, member_id, error);
}

/* The form registers, or edits the member `editing_id`: same fields, no card row. A
 * fresh form either way. */
static void
hy_members_page_set_form_mode (HyMembersPage *self, const gchar *editing_id)
{
	gchar *id = g_strdup (editing_id);
	g_free (self->editing_id);
	self->editing_id = id;
	gtk_label_set_text (GTK_LABEL (self->form_title),
			    id != NULL ? _ ("Edit member") : _ ("New member"));
	gtk_button_set_label (GTK_BUTTON (self->save_button),
			      id != NULL ? _ ("_Save") : _ ("_Register"));
	if (self->field_defs != NULL)
		hy_members_page_build_form (self);
}

static void
hy_members_page_register_done (HyMembersPage *self, gpointer result)
{
	hy_members_page_show_member (self, result);
	hy_members_page_set_form_mode (self, NULL);
}

/* Shows a stored value in the form; a choice no longer offered is kept as it is. */
static void
hy_members_page_form_set (GtkWidget *input, const gchar *value)
{
	if (input == NULL)
		return;
	if (value == NULL)
		value = "";
	if (GTK_IS_COMBO_BOX_TEXT (input)) {
		if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), value)) {
			gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), value, value);
			gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), value);
		}
		return;
	}
	gtk_entry_set_text (GTK_ENTRY (input), value);
}

static gchar *
hy_members_page_form_value (GtkWidget *input)
{
	const gchar *text;
	if (input == NULL) /* the card row, when editing */
		return g_strdup ("");
	if (GTK_IS_COMBO_BOX (input))
		text = gtk_combo_box_get_active_id (GTK_COMBO_BOX (input));
	else
		text = gtk_entry_get_text (GTK_ENTRY (input));
	return text != NULL ? g_strstrip (g_strdup (text)) : g_strdup ("");
}

static void
hy_members_page_save_clicked_cb (HyMembersPage *self)
{
	const gchar *const *names = hy_member_field_names ();
	HyMembersRegister *r;

	if (self->field_defs == NULL)
		return;
	r = g_new0 (HyMembersRegister, 1);
	r->store_code = g_strdup (hy_members_page_store_code (self));
	r->member = hy_member_new ();
	r->member->id = g_strdup (self->editing_id);
	r->member->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; names[i] != NULL; i++) {
		g_autofree gchar *value =
			hy_members_page_form_value (g_hash_table_lookup (self->form, names[i]));
		/* empty optional fields are NULL, as the core expects */
		if (value[0] != '\0')
			hy_member_set_field (r->member, names[i], value);
	}
	r->level = hy_members_page_form_value (g_hash_table_lookup (self->form, "level"));
	r->card = hy_members_page_form_value (g_hash_table_lookup (self->form, "card"));
	if (r->card[0] == '\0' || self->editing_id != NULL)
		g_clear_pointer (&r->card, g_free);
	if (r->level[0] == '\0')
		g_clear_pointer (&r->level, g_free);
	for (guint i = 0; i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		g_autofree gchar *key = g_strconcat (HY_FORM_CUSTOM_PREFIX, def->key, NULL);
		gchar *value = hy_members_page_form_value (g_hash_table_lookup (self->form, key));
		/* an emptied field is cleared when editing; unset ones stay unset */
		if (value[0] == '\0' &&
		    !(self->editing_id != NULL && self->view != NULL &&
		      self->view->member->fields != NULL &&
		      g_hash_table_contains (self->view->member->fields, def->key))) {
			g_free (value);
			continue;
		}
		g_hash_table_insert (r->member->fields, g_strdup (def->key), value);
	}
	hy_members_page_run (self, hy_members_page_register_job, r,
			     (GDestroyNotify) hy_members_register_free,
			     hy_members_page_register_done);
}

/* card operations */

typedef enum { HY_CARD_OP_LOSE, HY_CARD_OP_UNFREEZE, HY_CARD_OP_REPLACE } HyCardOp;

typedef struct {
	HyCardOp op;
	gchar *store_code;
	gchar *member_id;
	gchar *card;
	gchar *new_card; /* replace: NULL = next from stock */
} HyMembersCardOp;

static void
hy_members_card_op_free (HyMembersCardOp *c)
{
	g_free (c->store_code);
	g_free (c->member_id);
	g_free (c->card);
	g_free (c->new_card);
	g_free (c);
}

static gpointer
hy_members_page_card_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersCardOp *c = data;
	const HyActor *actor = hy_session_get_actor (session);
	gboolean ok = FALSE;
	switch (c->op) {
	case HY_CARD_OP_LOSE:
		ok = hy_card_report_lost (db, actor, c->card, error);
		break;
	case HY_CARD_OP_UNFREEZE:
		ok = hy_card_unfreeze (db, actor, c->card, error);
		break;
	case HY_CARD_OP_REPLACE:
		ok = HY_SYNC_COVERED (
			db, error, hy_card_replace (db, actor, c->card, c->new_card, NULL, error));
		break;
	default:
		g_assert_not_reached ();
	}
	if (!ok)
		return NULL;
	return hy_till_load_member (db, c->store_code, c->member_id, error);
}

static void
hy_members_page_card_done (HyMembersPage *self, gpointer result)
{
	gtk_entry_set_text (GTK_ENTRY (self->replace_entry), "");
	hy_members_page_show_member (self, result);
}

static void
hy_members_page_card_op (HyMembersPage *self, HyCardOp op)
{
	HyMembersCardOp *c;
	g_autofree gchar *new_card = NULL;
	if (self->view == NULL)
		return;
	new_card = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->replace_entry))));
	c = g_new0 (HyMembersCardOp, 1);
	c->op = op;
	c->store_code = g_strdup (hy_members_page_store_code (self));
	c->member_id = g_strdup (self->view->member->id);
	c->card = g_strdup (self->view->card->number);
	if (op == HY_CARD_OP_REPLACE && new_card[0] != '\0')
		c->new_card = g_steal_pointer (&new_card);
	hy_members_page_run (self, hy_members_page_card_job, c,
			     (GDestroyNotify) hy_members_card_op_free, hy_members_page_card_done);
}

static void
hy_members_page_lose_clicked_cb (HyMembersPage *self)
{
	hy_members_page_card_op (self, HY_CARD_OP_LOSE);
}

static void
hy_members_page_unfreeze_clicked_cb (HyMembersPage *self)
{
	hy_members_page_card_op (self, HY_CARD_OP_UNFREEZE);
}

static void
hy_members_page_replace_clicked_cb (HyMembersPage *self)
{
	hy_members_page_card_op (self, HY_CARD_OP_REPLACE);
}

/* the other card operations, each in its dialog */

static void
hy_members_page_card_dialog_done_cb (GtkWidget *dialog, const gchar *summary, HyMembersPage *self)
{
	/* the recharge dialog reports the same way */
	gboolean recycled =
		HY_IS_CARD_DIALOG (dialog) &&
		hy_card_dialog_get_op (HY_CARD_DIALOG (dialog)) == HY_CARD_DIALOG_RECYCLE;
	g_autofree gchar *member_id = self->view != NULL ? g_strdup (self->view->member->id) : NULL;
	gtk_widget_destroy (dialog);
	/* a recycled card leaves the member without a card in use: say what happened */
	if (recycled) {
		hy_members_page_show_member (self, NULL);
		gtk_label_set_text (GTK_LABEL (self->empty_label), summary);
		return;
	}
	if (member_id != NULL)
		hy_members_page_load (self, member_id);
}

static void
hy_members_page_card_dialog_response_cb (GtkDialog *dialog, gint response, HyMembersPage *self)
{
	/* OK runs the operation in the dialog; it reports back with "done" */
	if (response != GTK_RESPONSE_OK)
		gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
hy_members_page_card_dialog_destroy_cb (GtkWidget *dialog, HyMembersPage *self)
{
	if (self->card_dialog == dialog)
		self->card_dialog = NULL;
}

GtkDialog *
hy_members_page_open_card_dialog (HyMembersPage *self, HyCardDialogOp op)
{
	GtkWidget *toplevel;
	if (self->view == NULL)
		return NULL;
	if (self->card_dialog != NULL)
		gtk_widget_destroy (self->card_dialog);
	toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
	self->card_dialog = GTK_WIDGET (
		hy_card_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
				    self->session, op, self->view));
	g_signal_connect (self->card_dialog, "done",
			  G_CALLBACK (hy_members_page_card_dialog_done_cb), self);
	g_signal_connect (self->card_dialog, "response",
			  G_CALLBACK (hy_members_page_card_dialog_response_cb), self);
	g_signal_connect (self->card_dialog, "destroy",
			  G_CALLBACK (hy_members_page_card_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->card_dialog));
	return GTK_DIALOG (self->card_dialog);
}

GtkDialog *
hy_members_page_get_card_dialog (HyMembersPage *self)
{
	return self->card_dialog != NULL ? GTK_DIALOG (self->card_dialog) : NULL;
}

GtkDialog *
hy_members_page_open_recharge_dialog (HyMembersPage *self)
{
	GtkWidget *toplevel;
	if (self->view == NULL)
		return NULL;
	if (self->card_dialog != NULL)
		gtk_widget_destroy (self->card_dialog);
	toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
	self->card_dialog = GTK_WIDGET (
		hy_recharge_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
					self->session, self->view->card->number));
	g_signal_connect (self->card_dialog, "done",
			  G_CALLBACK (hy_members_page_card_dialog_done_cb), self);
	g_signal_connect (self->card_dialog, "response",
			  G_CALLBACK (hy_members_page_card_dialog_response_cb), self);
	g_signal_connect (self->card_dialog, "destroy",
			  G_CALLBACK (hy_members_page_card_dialog_destroy_cb), self);
	gtk_window_present (GTK_WINDOW (self->card_dialog));
	return GTK_DIALOG (self->card_dialog);
}

static void
hy_members_page_recharge_clicked_cb (HyMembersPage *self)
{
	hy_members_page_open_recharge_dialog (self);
}

static void
hy_members_page_card_dialog_clicked_cb (HyMembersPage *self, GtkWidget *button)
{
	const struct {
		GtkWidget *button;
		HyCardDialogOp op;
	} ops[] = {
		{self->merge_button, HY_CARD_DIALOG_MERGE},
		{self->extend_button, HY_CARD_DIALOG_EXTEND},
		{self->recycle_button, HY_CARD_DIALOG_RECYCLE},
		{self->password_button, HY_CARD_DIALOG_PASSWORD},
		{self->reset_password_button, HY_CARD_DIALOG_PASSWORD_RESET},
		{self->pin_button, HY_CARD_DIALOG_PIN},
	};
	for (guint i = 0; i < G_N_ELEMENTS (ops); i++) {
		if (ops[i].button == button)
			hy_members_page_open_card_dialog (self, ops[i].op);
	}
}

static void
hy_members_page_register_clicked_cb (HyMembersPage *self)
{
	hy_members_page_start_registration (self);
}

static void
hy_members_page_edit_clicked_cb (HyMembersPage *self)
{
	hy_members_page_start_edit (self);
}

static void
hy_members_page_cancel_clicked_cb (HyMembersPage *self)
{
	hy_members_page_set_form_mode (self, NULL);
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack),
					  self->view != NULL ? "member" : "empty");
}

/* ---- public ---- */

void
hy_members_page_start_registration (HyMembersPage *self)
{
	GtkWidget *name;
	/* a half-done edit is not a registration's starting point */
	if (self->editing_id != NULL)
		hy_members_page_set_form_mode (self, NULL);
	name = g_hash_table_lookup (self->form, "name");
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "register");
	if (name != NULL)
		gtk_widget_grab_focus (name);
}

void
hy_members_page_start_edit (HyMembersPage *self)
{
	const gchar *const *names = hy_member_field_names ();
	HyMember *member;

	if (self->view == NULL || self->field_defs == NULL)
		return;
	member = self->view->member;
	hy_members_page_set_form_mode (self, member->id);
	for (guint i = 0; names[i] != NULL; i++)
		hy_members_page_form_set (g_hash_table_lookup (self->form, names[i]),
					  hy_member_get_field (member, names[i]));
	hy_members_page_form_set (g_hash_table_lookup (self->form, "level"), member->level_name);
	for (guint i = 0; i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		g_autofree gchar *key = g_strconcat (HY_FORM_CUSTOM_PREFIX, def->key, NULL);
		const gchar *value = member->fields != NULL
					     ? g_hash_table_lookup (member->fields, def->key)
					     : NULL;
		hy_members_page_form_set (g_hash_table_lookup (self->form, key), value);
	}
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "register");
	gtk_widget_grab_focus (g_hash_table_lookup (self->form, "name"));
}

GtkWidget *
hy_members_page_get_form_widget (HyMembersPage *self, const gchar *key)
{
	GtkWidget *input = g_hash_table_lookup (self->form, key);
	if (input == NULL) {
		g_autofree gchar *custom = g_strconcat (HY_FORM_CUSTOM_PREFIX, key, NULL);
		input = g_hash_table_lookup (self->form, custom);
	}
	return input;
}

guint
hy_members_page_get_busy (HyMembersPage *self)
{
	return self->busy +
	       (self->refund_dialog != NULL
			? hy_refund_dialog_get_busy (HY_REFUND_DIALOG (self->refund_dialog))
			: 0);
}

GtkWidget *
hy_members_page_get_history_list (HyMembersPage *self, const gchar *tab)
{
	HyHistoryTab *history = g_object_get_data (
		G_OBJECT (hy_members_page_get_history (self, tab)), "hy-history-tab");
	return history->list;
}

GtkDialog *
hy_members_page_get_refund_dialog (HyMembersPage *self)
{
	return self->refund_dialog != NULL ? GTK_DIALOG (self->refund_dialog) : NULL;
}

GtkWidget *
hy_members_page_get_filter_widget (HyMembersPage *self, const gchar *key)
{
	return hy_members_page_filter_input (self, key);
}

GtkTreeModel *
hy_members_page_get_history (HyMembersPage *self, const gchar *tab)
{
	if (g_str_equal (tab, "sales"))
		return GTK_TREE_MODEL (self->sales_store);
	if (g_str_equal (tab, "entries"))
		return GTK_TREE_MODEL (self->entries_store);
	if (g_str_equal (tab, "batches"))
		return GTK_TREE_MODEL (self->batches_store);
	g_return_val_if_reached (NULL);
}

const gchar *
hy_members_page_get_card_number (HyMembersPage *self)
{
	return self->view != NULL ? self->view->card->number : NULL;
}

void
hy_members_page_set_session (HyMembersPage *self, HySession *session)
{
	g_set_object (&self->session, session);
	gtk_widget_set_sensitive (self->register_button,
				  hy_members_page_may (self, HY_PERMISSION_MEMBER_CREATE));
	hy_members_page_run (self, hy_members_page_setup_job, NULL, NULL,
			     hy_members_page_setup_done);
}

static void
hy_members_page_dispose (GObject *object)
{
	HyMembersPage *self = HY_MEMBERS_PAGE (object);
	g_cancellable_cancel (self->cancellable);
	if (self->card_dialog != NULL)
		gtk_widget_destroy (self->card_dialog);
	if (self->refund_dialog != NULL)
		gtk_widget_destroy (self->refund_dialog);
	g_clear_object (&self->session);
	g_clear_object (&self->settings);
	G_OBJECT_CLASS (hy_members_page_parent_class)->dispose (object);
}

static void
hy_members_page_finalize (GObject *object)
{
	HyMembersPage *self = HY_MEMBERS_PAGE (object);
	g_clear_object (&self->cancellable);
	g_clear_pointer (&self->view, hy_member_view_free);
	g_clear_pointer (&self->levels, g_ptr_array_unref);
	g_clear_pointer (&self->field_defs, g_ptr_array_unref);
	g_hash_table_unref (self->form);
	g_free (self->editing_id);
	g_clear_object (&self->sales_store);
	g_hash_table_unref (self->filter_inputs);
	g_clear_object (&self->entries_store);
	g_clear_object (&self->batches_store);
	g_clear_pointer (&self->sale_ids, g_ptr_array_unref);
	G_OBJECT_CLASS (hy_members_page_parent_class)->finalize (object);
}

static void
hy_members_page_class_init (HyMembersPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

	object_class->dispose = hy_members_page_dispose;
	object_class->finalize = hy_members_page_finalize;
	signals[SIGNAL_SHOW_ERROR] =
		g_signal_new ("show-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
			      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	hy_ui_ensure_resources ();
	gtk_widget_class_set_template_from_resource (widget_class,
						     "/cn/huiyuan/Cashier/ui/hy-members-page.ui");
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, search_entry);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, results_list);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, detail_stack);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, name_label);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, level_label);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, card_label);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, status_label);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, fields_grid);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, lose_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, unfreeze_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, replace_entry);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, replace_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, form_grid);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, save_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, register_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, edit_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, form_title);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, empty_label);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, merge_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, extend_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, recycle_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, password_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, reset_password_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, pin_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, history_notebook);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, recharge_button);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, filter_expander);
	gtk_widget_class_bind_template_child (widget_class, HyMembersPage, filter_grid);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_search_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_result_activated_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_register_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_lose_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_unfreeze_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_replace_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_save_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_cancel_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_edit_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_recharge_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class,
						 hy_members_page_card_dialog_clicked_cb);
}

static void
hy_members_page_init (HyMembersPage *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	self->cancellable = g_cancellable_new ();
	self->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	hy_members_page_build_history (self);
	self->filter_inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	{
		GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
		g_autoptr (GSettingsSchema) schema =
			source != NULL
				? g_settings_schema_source_lookup (source, HY_APPLICATION_ID, TRUE)
				: NULL;
		if (schema != NULL &&
		    g_settings_schema_has_key (schema, HY_SETTINGS_SAVED_SEARCHES))
			self->settings = g_settings_new (HY_APPLICATION_ID);
	}
	hy_members_page_build_filters (self);
	gtk_widget_set_sensitive (self->save_button, FALSE);
}
