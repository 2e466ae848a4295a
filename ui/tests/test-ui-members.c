/* The members page through its widgets: registration with seed and custom fields, a
 * refused registration, and a card's loss, unfreeze and replacement. */
#include "config.h"

#include <string.h>

#include "hy-actor.h"
#include "hy-card.h"
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
	g_test_add_func ("/huiyuan/ui/members/card-loss-and-replace",
			 test_members_card_loss_and_replace);
	g_test_add_func ("/huiyuan/ui/members/permissions", test_members_permissions);
	return g_test_run ();
}
