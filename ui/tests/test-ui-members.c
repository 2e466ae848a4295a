/* The members page through its widgets: registration with seed and custom fields, a
 * refused registration, editing a member (every field type), and a card's loss,
 * unfreeze and replacement. */
#include "config.h"

#include <string.h>

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-demo.h"
#include "hy-field.h"
#include "hy-format.h"
#include "hy-member-filter.h"
#include "hy-members-page.h"
#include "hy-operator.h"
#include "hy-ui-test.h"

static HyMembersPage *
members_of (HyUiTest *test)
{
	return hy_window_get_members_page (test->window);
}

static void
set_input (HyMembersPage *page, const gchar *key, const gchar *value)
{
	GtkWidget *input = hy_members_page_get_form_widget (page, key);
	g_assert_nonnull (input);
	if (GTK_IS_COMBO_BOX (input))
		g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), value));
	else
		gtk_entry_set_text (GTK_ENTRY (input), value);
}

static gchar *
card_status (HyUiTest *test, const gchar *number)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (db, number, &error);
	g_assert_no_error (error);
	return g_strdup (hy_card_status_to_string (card->status));
}

static void
test_members_register (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyMembersPage *page = members_of (test);
	g_autoptr (HyDb) db = NULL;
	GtkWidget *save = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "save_button");

	hy_window_show_page (test->window, "members");
	hy_members_page_start_registration (page);
	hy_ui_test_settle (test);

	/* a bad ID number: refused with the reason, nothing written */
	set_input (page, "name", "欧阳娜娜");
	set_input (page, "phone", "13912345678");
	set_input (page, "id_number", "110105194912310021");
	gtk_button_clicked (GTK_BUTTON (save));
	hy_ui_test_settle (test);
	g_assert_nonnull (hy_window_get_error (test->window));
	db = hy_ui_test_open_db (test);
	g_assert_cmpint (hy_ui_test_query_int (
				 db, "SELECT count(*) FROM members WHERE phone = '13912345678'"),
			 ==, 0);

	/* corrected, with a gender, a level and the custom fields (a choice and a text) */
	set_input (page, "id_number", "11010519491231002X");
	set_input (page, "gender", "female");
	set_input (page, "level", "钻石会员");
	set_input (page, "occupation", "医生");
	set_input (page, "wechat", "nana_oy");
	gtk_button_clicked (GTK_BUTTON (save));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_nonnull (hy_members_page_get_card_number (page));
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (
				 hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "name_label"))),
			 ==, "欧阳娜娜");
	g_assert_cmpint (hy_ui_test_query_int (
				 db, "SELECT count(*) FROM members WHERE phone = '13912345678' "
				     "AND birthday = '1949-12-31' AND gender = 'female'"),
			 ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM members m JOIN levels l "
						   "ON l.id = m.level_id WHERE m.phone = "
						   "'13912345678' AND l.name = '钻石会员'"),
			 ==, 1);
	g_assert_cmpint (hy_ui_test_query_int (db, "SELECT count(*) FROM field_values "
						   "WHERE value IN ('医生', 'nana_oy')"),
			 >=, 2);
}

static const gchar *
input_text (HyMembersPage *page, const gchar *key)
{
	GtkWidget *input = hy_members_page_get_form_widget (page, key);
	g_assert_nonnull (input);
	if (GTK_IS_COMBO_BOX (input))
		return gtk_combo_box_get_active_id (GTK_COMBO_BOX (input));
	return gtk_entry_get_text (GTK_ENTRY (input));
}

static gchar *
query_text (HyDb *db, const gchar *sql)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, sql, &error);
	gboolean has_row = FALSE;
	g_assert_no_error (error);
	g_assert_true (hy_db_step_row (db, stmt, &has_row, &error));
	g_assert_no_error (error);
	return has_row ? hy_stmt_dup_text (stmt, 0) : NULL;
}

/* The registration form in edit mode: every field filled from the store, the custom
 * fields by type (choice, text, date, number), no card row; a bad date is refused with
 * its reason and changes nothing; the saved changes are in the database. */
static void
test_members_edit (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) check = NULL;
	g_autoptr (HyMember) before = NULL;
	g_autofree gchar *member_id = NULL;
	g_autofree gchar *sql = NULL;
	g_autofree gchar *name = NULL;
	HyMembersPage *page;
	GtkWidget *search;
	GtkWidget *results;
	{
		/* a date and a number field, and values to edit, before the window starts */
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		g_autoptr (HyCard) card = hy_card_lookup (db, test->card, &error);
		g_autoptr (HyMember) member = NULL;
		g_assert_no_error (error);
		g_assert_true (hy_field_add (db, admin, HY_FIELD_ENTITY_MEMBER, "joined",
					     "入会日期", HY_FIELD_TYPE_DATE, FALSE, 0, NULL, NULL,
					     FALSE, &error));
		g_assert_true (hy_field_add (db, admin, HY_FIELD_ENTITY_MEMBER, "height", "身高",
					     HY_FIELD_TYPE_NUMBER, FALSE, 8, NULL, NULL, FALSE,
					     &error));
		g_assert_no_error (error);
		member = hy_member_get (db, card->member_id, &error);
		g_assert_no_error (error);
		hy_member_set_field (member, "note", "老顾客");
		g_hash_table_insert (member->fields, g_strdup ("wechat"), g_strdup ("old_wx"));
		g_hash_table_insert (member->fields, g_strdup ("joined"), g_strdup ("2020-05-01"));
		g_assert_true (hy_member_update (db, admin, member, NULL, &error));
		g_assert_no_error (error);
		member_id = g_strdup (member->id);
	}
	/* a window that knows the new fields */
	gtk_widget_destroy (GTK_WIDGET (test->window));
	test->window = hy_window_new (test->app, test->session);
	gtk_window_set_default_size (GTK_WINDOW (test->window), 1280, 800);
	gtk_widget_show (GTK_WIDGET (test->window));
	hy_ui_test_settle (test);
	page = members_of (test);
	search = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "search_entry");
	results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	hy_window_show_page (test->window, "members");
	gtk_entry_set_text (GTK_ENTRY (search), test->phone);
	gtk_widget_activate (search);
	hy_ui_test_settle (test);
	g_signal_emit_by_name (results, "row-activated",
			       gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0));
	hy_ui_test_settle (test);
	g_assert_cmpstr (hy_members_page_get_card_number (page), ==, test->card);

	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "edit_button")));
	hy_ui_test_settle (test);
	check = hy_ui_test_open_db (test);
	before = hy_member_get (check, member_id, &error);
	g_assert_no_error (error);
	/* filled from the store: seed fields, level, and each custom field by its type */
	g_assert_cmpstr (input_text (page, "name"), ==, before->name);
	g_assert_cmpstr (input_text (page, "phone"), ==, test->phone);
	g_assert_cmpstr (input_text (page, "gender"), ==, before->gender);
	g_assert_cmpstr (input_text (page, "birthday"), ==, before->birthday);
	g_assert_cmpstr (input_text (page, "city"), ==, before->city);
	g_assert_cmpstr (input_text (page, "note"), ==, "老顾客");
	g_assert_cmpstr (input_text (page, "level"), ==, "金卡会员");
	g_assert_cmpstr (input_text (page, "occupation"), ==,
			 g_hash_table_lookup (before->fields, "occupation"));
	g_assert_true (GTK_IS_COMBO_BOX (hy_members_page_get_form_widget (page, "occupation")));
	g_assert_cmpstr (input_text (page, "wechat"), ==, "old_wx");
	g_assert_cmpstr (input_text (page, "joined"), ==, "2020-05-01");
	g_assert_cmpstr (input_text (page, "height"), ==, "");
	g_assert_cmpint (gtk_entry_get_input_purpose (
				 GTK_ENTRY (hy_members_page_get_form_widget (page, "height"))),
			 ==, GTK_INPUT_PURPOSE_NUMBER);
	/* a member's card is not edited here */
	g_assert_null (hy_members_page_get_form_widget (page, "card"));
	g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (
				 hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "save_button"))),
			 ==, "_Save");

	/* a date that is not one: refused with the reason, nothing changed */
	set_input (page, "name", "王改名");
	set_input (page, "joined", "2020-13-01");
	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "save_button")));
	hy_ui_test_settle (test);
	g_assert_nonnull (hy_window_get_error (test->window));
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "2020-13-01"));
	sql = g_strdup_printf ("SELECT name FROM members WHERE id = '%s'", member_id);
	name = query_text (check, sql);
	g_assert_cmpstr (name, ==, before->name);

	/* corrected; a level up, a choice, a number, an emptied text field */
	set_input (page, "joined", "2021-02-28");
	set_input (page, "level", "钻石会员");
	set_input (page, "occupation", "工程师");
	set_input (page, "height", "172.5");
	set_input (page, "wechat", "");
	set_input (page, "note", "");
	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "save_button")));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (
				 hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "name_label"))),
			 ==, "王改名");
	{
		g_autoptr (HyMember) after = hy_member_get (check, member_id, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (after->name, ==, "王改名");
		g_assert_cmpstr (after->name_initials, ==, "wgm");
		g_assert_cmpstr (after->phone, ==, test->phone);
		g_assert_cmpstr (after->birthday, ==, before->birthday);
		g_assert_null (after->note);
		g_assert_cmpstr (after->level_name, ==, "钻石会员");
		g_assert_cmpstr (g_hash_table_lookup (after->fields, "joined"), ==, "2021-02-28");
		g_assert_cmpstr (g_hash_table_lookup (after->fields, "height"), ==, "172.5");
		g_assert_cmpstr (g_hash_table_lookup (after->fields, "occupation"), ==, "工程师");
		g_assert_false (g_hash_table_contains (after->fields, "wechat"));
	}
	/* the card stayed, and the next registration is a registration again */
	g_assert_cmpstr (hy_members_page_get_card_number (page), ==, test->card);
	hy_members_page_start_registration (page);
	g_assert_nonnull (hy_members_page_get_form_widget (page, "card"));
	g_assert_cmpstr (input_text (page, "name"), ==, "");
}

static void
open_member (HyUiTest *test, const gchar *phone)
{
	HyMembersPage *page = members_of (test);
	GtkWidget *search = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "search_entry");
	GtkWidget *results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	hy_window_show_page (test->window, "members");
	gtk_entry_set_text (GTK_ENTRY (search), phone);
	gtk_widget_activate (search);
	hy_ui_test_settle (test);
	g_signal_emit_by_name (results, "row-activated",
			       gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0));
	hy_ui_test_settle (test);
}

typedef enum { HISTORY_SALES, HISTORY_ENTRIES, HISTORY_BATCHES } History;

/* The rows of a member's history in the store, counted directly. */
static gint64
history_count (HyUiTest *test, History what, const gchar *phone)
{
	g_autoptr (HyDb) db = hy_ui_test_open_db (test);
	g_autoptr (GError) error = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (db, phone, &error);
	g_autofree gchar *sql = NULL;
	g_assert_no_error (error);
	switch (what) {
	case HISTORY_SALES:
		sql = g_strdup_printf ("SELECT count (*) FROM sales WHERE member_id = '%s'",
				       card->member_id);
		break;
	case HISTORY_ENTRIES:
		sql = g_strdup_printf ("SELECT count (*) FROM account_entries e JOIN cards c "
				       "ON c.id = e.card_id WHERE c.member_id = '%s'",
				       card->member_id);
		break;
	case HISTORY_BATCHES:
	default:
		sql = g_strdup_printf (
			"SELECT count (*) FROM points_batches WHERE member_id = '%s'",
			card->member_id);
		break;
	}
	return hy_ui_test_query_int (db, sql);
}

static gchar *
cell (GtkTreeModel *model, gint row, gint column)
{
	GtkTreeIter iter;
	gchar *text = NULL;
	g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, row));
	gtk_tree_model_get (model, &iter, column, &text, -1);
	return text;
}

/* The history tabs fill from the store for the member shown, and follow when another
 * member is chosen. */
static void
test_members_history (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autofree gchar *other_phone = hy_demo_phone (1, 1);
	g_autofree gchar *lines = NULL;
	g_autofree gchar *total = NULL;
	g_autofree gchar *expected_total = NULL;
	g_autofree gchar *change = NULL;
	HyMembersPage *page = members_of (test);
	GtkTreeModel *sales = hy_members_page_get_history (page, "sales");
	GtkTreeModel *entries = hy_members_page_get_history (page, "entries");
	GtkTreeModel *batches = hy_members_page_get_history (page, "batches");
	{
		/* a car wash paid in cash: a sale, with points */
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		const HyBasketLine basket[] = {{"WASH", 1, 0}};
		const HyTender pay[] = {{HY_TENDER_CASH, 5000, NULL}};
		HySaleRequest req = {.card = test->card,
				     .lines = basket,
				     .n_lines = 1,
				     .tenders = pay,
				     .n_tenders = 1};
		g_assert_no_error (error);
		g_assert_true (hy_checkout_sell (db, admin, &req, NULL, NULL, &error));
		g_assert_no_error (error);
		expected_total = hy_format_money (hy_ui_test_query_int (
			db, "SELECT total FROM sales ORDER BY at DESC LIMIT 1"));
	}

	open_member (test, test->phone);
	g_assert_cmpint (gtk_tree_model_iter_n_children (sales, NULL), ==,
			 history_count (test, HISTORY_SALES, test->phone));
	g_assert_cmpint (gtk_tree_model_iter_n_children (sales, NULL), >=, 1);
	lines = cell (sales, 0, 1);
	total = cell (sales, 0, 2);
	g_assert_cmpstr (lines, ==, "1");
	g_assert_cmpstr (total, ==, expected_total);
	g_assert_cmpint (gtk_tree_model_iter_n_children (entries, NULL), ==,
			 history_count (test, HISTORY_ENTRIES, test->phone));
	/* the newest entry first: the sale's points */
	change = cell (entries, 0, 1);
	g_assert_true (g_str_has_prefix (change, "+"));
	g_assert_cmpint (gtk_tree_model_iter_n_children (batches, NULL), ==,
			 history_count (test, HISTORY_BATCHES, test->phone));
	g_assert_cmpint (gtk_tree_model_iter_n_children (batches, NULL), >=, 1);

	/* another member: their own history, nothing left of the first */
	open_member (test, other_phone);
	g_assert_cmpint (gtk_tree_model_iter_n_children (sales, NULL), ==,
			 history_count (test, HISTORY_SALES, other_phone));
	g_assert_cmpint (gtk_tree_model_iter_n_children (entries, NULL), ==,
			 history_count (test, HISTORY_ENTRIES, other_phone));
	g_assert_cmpint (gtk_tree_model_iter_n_children (batches, NULL), ==,
			 history_count (test, HISTORY_BATCHES, other_phone));
}

static GtkWidget *
filter_input (HyMembersPage *page, const gchar *key)
{
	GtkWidget *w = hy_members_page_get_filter_widget (page, key);
	g_assert_nonnull (w);
	return w;
}

static void
set_filter (HyMembersPage *page, const gchar *key, const gchar *value)
{
	GtkWidget *input = filter_input (page, key);
	if (GTK_IS_COMBO_BOX (input))
		g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), value));
	else
		gtk_entry_set_text (GTK_ENTRY (input), value);
}

static guint
result_ids (HyMembersPage *page, GPtrArray *ids)
{
	GtkWidget *results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (results));
	for (GList *l = rows; l != NULL && ids != NULL; l = l->next)
		g_ptr_array_add (ids, g_strdup (g_object_get_data (l->data, "hy-member-id")));
	return g_list_length (rows);
}

/* The filters through their inputs find what the core's filter finds; a bad criterion
 * is refused in the info bar; a search saved by name comes back from the settings with
 * its criteria and results, and can be deleted. */
static void
test_members_filters (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (60);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) again = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) expected = NULL;
	g_autoptr (HyMemberFilter) f = hy_member_filter_new ();
	g_autoptr (GSettings) settings = g_settings_new ("cn.huiyuan.Cashier");
	g_autoptr (GVariant) saved = NULL;
	g_autoptr (GVariant) none = NULL;
	HyMembersPage *page = members_of (test);

	hy_window_show_page (test->window, "members");
	gtk_expander_set_expanded (
		GTK_EXPANDER (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "filter_expander")),
		TRUE);
	/* gold members with at most 5000 points */
	set_filter (page, "level", "金卡会员");
	set_filter (page, "points-max", "5000");
	gtk_button_clicked (GTK_BUTTON (filter_input (page, "apply")));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	f->level = g_strdup ("金卡会员");
	f->points_max = 500000;
	{
		g_autoptr (HyDb) db = hy_ui_test_open_db (test);
		expected = hy_member_filter_run (db, f, 100, &error);
		g_assert_no_error (error);
	}
	g_assert_cmpuint (expected->len, >, 0);
	g_assert_cmpuint (result_ids (page, shown), ==, expected->len);
	for (guint i = 0; i < expected->len; i++)
		g_assert_cmpstr (g_ptr_array_index (shown, i), ==,
				 ((HyMember *) g_ptr_array_index (expected, i))->id);

	/* not a number, then bounds the wrong way round: the reasons, in the info bar */
	set_filter (page, "visits-min", "many");
	gtk_button_clicked (GTK_BUTTON (filter_input (page, "apply")));
	hy_ui_test_settle (test);
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "many"));
	set_filter (page, "visits-min", "5");
	set_filter (page, "visits-max", "2");
	gtk_button_clicked (GTK_BUTTON (filter_input (page, "apply")));
	hy_ui_test_settle (test);
	g_assert_nonnull (strstr (hy_window_get_error (test->window), "lower bound"));
	set_filter (page, "visits-min", "");
	set_filter (page, "visits-max", "");

	/* saved by name, in the settings */
	set_filter (page, "save-name", "金卡有积分");
	gtk_button_clicked (GTK_BUTTON (filter_input (page, "save")));
	/* saving chooses the search, which runs it: wait for its results before clearing */
	hy_ui_test_settle (test);
	saved = g_settings_get_value (settings, "saved-searches");
	g_assert_true (g_variant_lookup (saved, "金卡有积分", "@a{sv}", NULL));
	/* cleared, then chosen again: the criteria and the same members come back */
	gtk_button_clicked (GTK_BUTTON (filter_input (page, "clear")));
	hy_ui_test_settle (test);
	g_assert_cmpuint (result_ids (page, NULL), ==, 0);
	g_assert_cmpstr (gtk_combo_box_get_active_id (GTK_COMBO_BOX (filter_input (page, "level"))),
			 ==, "");
	set_filter (page, "saved", "金卡有积分");
	hy_ui_test_settle (test);
	g_assert_cmpstr (gtk_combo_box_get_active_id (GTK_COMBO_BOX (filter_input (page, "level"))),
			 ==, "金卡会员");
	g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (filter_input (page, "points-max"))), ==,
			 "5000");
	g_assert_cmpuint (result_ids (page, again), ==, expected->len);
	g_assert_cmpstr (g_ptr_array_index (again, 0), ==, g_ptr_array_index (shown, 0));

	gtk_button_clicked (GTK_BUTTON (filter_input (page, "delete")));
	hy_ui_test_iterate ();
	none = g_settings_get_value (settings, "saved-searches");
	g_assert_cmpuint (g_variant_n_children (none), ==, 0);
	g_assert_false (gtk_combo_box_set_active_id (GTK_COMBO_BOX (filter_input (page, "saved")),
						     "金卡有积分"));
}

static void
test_members_card_loss_and_replace (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	HyMembersPage *page = members_of (test);
	GtkWidget *search = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "search_entry");
	GtkWidget *results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	g_autofree gchar *lost = NULL;
	g_autofree gchar *active = NULL;
	g_autofree gchar *retired = NULL;
	g_autofree gchar *replacement = NULL;
	g_autofree gchar *new_status = NULL;
	GtkListBoxRow *row;

	hy_window_show_page (test->window, "members");
	gtk_entry_set_text (GTK_ENTRY (search), test->phone);
	gtk_widget_activate (search);
	hy_ui_test_settle (test);
	row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0);
	g_assert_nonnull (row);
	g_signal_emit_by_name (results, "row-activated", row);
	hy_ui_test_settle (test);
	g_assert_cmpstr (hy_members_page_get_card_number (page), ==, test->card);

	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "lose_button")));
	hy_ui_test_settle (test);
	lost = card_status (test, test->card);
	g_assert_cmpstr (lost, ==, "lost");
	g_assert_true (gtk_widget_get_visible (
		hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "status_label")));

	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "unfreeze_button")));
	hy_ui_test_settle (test);
	active = card_status (test, test->card);
	g_assert_cmpstr (active, ==, "active");

	/* replaced with the next card from stock: balances move, the old card retires */
	gtk_button_clicked (
		GTK_BUTTON (hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "replace_button")));
	hy_ui_test_settle (test);
	g_assert_null (hy_window_get_error (test->window));
	replacement = g_strdup (hy_members_page_get_card_number (page));
	g_assert_nonnull (replacement);
	g_assert_cmpstr (replacement, !=, test->card);
	retired = card_status (test, test->card);
	g_assert_cmpstr (retired, ==, "retired");
	new_status = card_status (test, replacement);
	g_assert_cmpstr (new_status, ==, "active");
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	*(GAsyncResult **) user_data = g_object_ref (result);
}

/* A cashier may report a card lost but not unfreeze or replace it: the page offers
 * only that (the core refuses the rest anyway). */
static void
test_members_permissions (void)
{
	g_autoptr (HyUiTest) test = hy_ui_test_new (3);
	g_autoptr (GError) error = NULL;
	g_autoptr (HySession) session = NULL;
	g_autoptr (GAsyncResult) opened = NULL;
	g_autoptr (GAsyncResult) signed_in = NULL;
	HyWindow *window;
	HyMembersPage *page;
	GtkWidget *search;
	GtkWidget *results;
	{
		g_autoptr (HyDb) db = hy_db_open (test->db_path, HY_DB_OPEN_EXISTING, &error);
		g_autoptr (HyActor) admin = hy_actor_login (db, "admin", "huiyuan", &error);
		g_assert_no_error (error);
		g_assert_true (hy_operator_add (db, admin, "lily", "Lily", "cashier", "secret123",
						NULL, &error));
		g_assert_no_error (error);
	}
	session = hy_session_new (test->db_path, FALSE);
	hy_session_open_async (session, NULL, done_cb, &opened);
	while (opened == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (hy_session_open_finish (session, opened, &error));
	hy_session_login_async (session, "lily", "secret123", NULL, done_cb, &signed_in);
	while (signed_in == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_true (hy_session_login_finish (session, signed_in, &error));
	g_assert_no_error (error);

	window = hy_window_new (test->app, session);
	gtk_widget_show (GTK_WIDGET (window));
	page = hy_window_get_members_page (window);
	search = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "search_entry");
	results = hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "results_list");
	gtk_entry_set_text (GTK_ENTRY (search), test->phone);
	gtk_widget_activate (search);
	while (hy_members_page_get_busy (page) > 0)
		g_main_context_iteration (NULL, TRUE);
	g_signal_emit_by_name (results, "row-activated",
			       gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0));
	while (hy_members_page_get_busy (page) > 0)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpstr (hy_members_page_get_card_number (page), ==, test->card);
	g_assert_true (gtk_widget_get_sensitive (
		hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "lose_button")));
	g_assert_false (gtk_widget_get_sensitive (
		hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "replace_button")));
	g_assert_true (gtk_widget_get_sensitive (
		hy_ui_test_child (page, HY_TYPE_MEMBERS_PAGE, "register_button")));
	gtk_widget_destroy (GTK_WIDGET (window));
	hy_ui_test_iterate ();
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	hy_ui_test_init (&argc, &argv);
	g_test_add_func ("/huiyuan/ui/members/register", test_members_register);
	g_test_add_func ("/huiyuan/ui/members/edit", test_members_edit);
	g_test_add_func ("/huiyuan/ui/members/history", test_members_history);
	g_test_add_func ("/huiyuan/ui/members/filters", test_members_filters);
	g_test_add_func ("/huiyuan/ui/members/card-loss-and-replace",
			 test_members_card_loss_and_replace);
	g_test_add_func ("/huiyuan/ui/members/permissions", test_members_permissions);
	return g_test_run ();
}
