#include "config.h"

#include <glib/gi18n.h>

#include "hy-card.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-level.h"
#include "hy-member-search.h"
#include "hy-members-page.h"
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

	HySession *session;
	GCancellable *cancellable;
	guint busy;
	HyMemberView *view;
	GPtrArray *levels;     /* HyLevel, lowest first */
	GPtrArray *field_defs; /* HyFieldDef of members, in display order */
	GHashTable *form;      /* key -> input widget */
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
	gtk_grid_attach (GTK_GRID (self->fields_grid), l, 0, row, 1, 1);
	gtk_grid_attach (GTK_GRID (self->fields_grid), v, 1, row, 1, 1);
	gtk_widget_show (l);
	gtk_widget_show (v);
}

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
hy_members_page_setup_done (HyMembersPage *self, gpointer result)
{
	HyMembersSetup *setup = result;
	g_clear_pointer (&self->levels, g_ptr_array_unref);
	g_clear_pointer (&self->field_defs, g_ptr_array_unref);
	self->levels = setup->levels;
	self->field_defs = setup->defs;
	g_free (setup);
	hy_members_page_build_form (self);
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

static gpointer
hy_members_page_register_job (HySession *session, HyDb *db, gpointer data, GError **error)
{
	HyMembersRegister *r = data;
	g_autofree gchar *member_id = NULL;
	if (!hy_member_register (db, hy_session_get_actor (session), r->member, r->level, r->card,
				 NULL, &member_id, NULL, error))
		return NULL;
	return hy_till_load_member (db, r->store_code, member_id, error);
}

static void
hy_members_page_register_done (HyMembersPage *self, gpointer result)
{
	hy_members_page_show_member (self, result);
	hy_members_page_build_form (self);
}

static gchar *
hy_members_page_form_value (GtkWidget *input)
{
	const gchar *text;
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
	if (r->card[0] == '\0')
		g_clear_pointer (&r->card, g_free);
	if (r->level[0] == '\0')
		g_clear_pointer (&r->level, g_free);
	for (guint i = 0; i < self->field_defs->len; i++) {
		HyFieldDef *def = g_ptr_array_index (self->field_defs, i);
		g_autofree gchar *key = g_strconcat (HY_FORM_CUSTOM_PREFIX, def->key, NULL);
		gchar *value = hy_members_page_form_value (g_hash_table_lookup (self->form, key));
		if (value[0] == '\0') {
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
		ok = hy_card_replace (db, actor, c->card, c->new_card, NULL, error);
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

static void
hy_members_page_register_clicked_cb (HyMembersPage *self)
{
	hy_members_page_start_registration (self);
}

static void
hy_members_page_cancel_clicked_cb (HyMembersPage *self)
{
	if (self->field_defs != NULL)
		hy_members_page_build_form (self);
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack),
					  self->view != NULL ? "member" : "empty");
}

/* ---- public ---- */

void
hy_members_page_start_registration (HyMembersPage *self)
{
	GtkWidget *name = g_hash_table_lookup (self->form, "name");
	gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "register");
	if (name != NULL)
		gtk_widget_grab_focus (name);
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
	return self->busy;
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
	g_clear_object (&self->session);
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
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_search_activate_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_result_activated_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_register_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_lose_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_unfreeze_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_replace_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_save_clicked_cb);
	gtk_widget_class_bind_template_callback (widget_class, hy_members_page_cancel_clicked_cb);
}

static void
hy_members_page_init (HyMembersPage *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	self->cancellable = g_cancellable_new ();
	self->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	gtk_widget_set_sensitive (self->save_button, FALSE);
}
