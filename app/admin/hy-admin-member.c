/* huiyuan-admin member …: register, find, show, import and export members. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "hy-admin-common.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-ledger.h"
#include "hy-member-export.h"
#include "hy-member-import.h"
#include "hy-member-search.h"

/* ---- JSON and text shapes ------------------------------------------------------------ */

static void
hy_admin_json_set_text (JsonObject *object, const gchar *name, const gchar *value)
{
	if (value != NULL)
		json_object_set_string_member (object, name, value);
	else
		json_object_set_null_member (object, name);
}

/* Count and time balances, per item. */
static gboolean
hy_admin_card_item_balances (
	HyDb *db, const gchar *card_id, JsonObject *counts, JsonObject *time, GError **error)
{
	g_autoptr (GPtrArray) balances = hy_ledger_list_balances (db, card_id, error);
	if (balances == NULL)
		return FALSE;
	for (guint i = 0; i < balances->len; i++) {
		const HyBalance *balance = g_ptr_array_index (balances, i);
		if (balance->account == HY_ACCOUNT_COUNT)
			json_object_set_int_member (counts, balance->item, balance->amount);
		else if (balance->account == HY_ACCOUNT_TIME)
			json_object_set_int_member (time, balance->item, balance->amount);
	}
	return TRUE;
}

JsonObject *
hy_admin_card_to_json (HyDb *db, const HyCard *card, GError **error)
{
	g_autoptr (JsonObject) object = json_object_new ();
	JsonObject *balances = json_object_new ();
	JsonObject *counts = json_object_new ();
	JsonObject *time = json_object_new ();
	gint64 money = 0, points = 0;

	json_object_set_string_member (object, "number", card->number);
	json_object_set_string_member (object, "status", hy_card_status_to_string (card->status));
	hy_admin_json_set_text (object, "retired_reason", card->retired_reason);
	if (card->successor_id != NULL) {
		g_autoptr (HyCard) successor = hy_card_get (db, card->successor_id, NULL);
		hy_admin_json_set_text (object, "successor",
					successor != NULL ? successor->number : NULL);
	} else {
		json_object_set_null_member (object, "successor");
	}
	hy_admin_json_set_text (object, "expires_on", card->expires_on);
	json_object_set_int_member (object, "issued_at", card->issued_at);
	json_object_set_boolean_member (object, "has_password", card->has_password);
	json_object_set_boolean_member (object, "has_pin", card->has_pin);
	json_object_set_object_member (object, "balances", balances);

	if (!hy_ledger_balance (db, card->id, HY_ACCOUNT_MONEY, "", &money, error) ||
	    !hy_ledger_balance (db, card->id, HY_ACCOUNT_POINTS, "", &points, error) ||
	    !hy_admin_card_item_balances (db, card->id, counts, time, error)) {
		json_object_unref (counts);
		json_object_unref (time);
		return NULL;
	}
	json_object_set_int_member (balances, "money", money);
	json_object_set_int_member (balances, "points", points);
	json_object_set_object_member (balances, "counts", counts);
	json_object_set_object_member (balances, "time", time);
	return g_steal_pointer (&object);
}

JsonObject *
hy_admin_member_to_json (HyDb *db, const HyMember *member, GError **error)
{
	g_autoptr (JsonObject) object = json_object_new ();
	g_autoptr (GPtrArray) cards = NULL;
	g_autoptr (GHashTable) values = NULL;
	g_autoptr (GList) keys = NULL;
	JsonObject *fields = json_object_new ();
	JsonArray *card_array = json_array_new ();
	JsonObject *totals = json_object_new ();
	gint64 money = 0, points = 0;

	json_object_set_string_member (object, "id", member->id);
	json_object_set_string_member (object, "name", member->name);
	hy_admin_json_set_text (object, "pinyin", member->name_pinyin);
	hy_admin_json_set_text (object, "initials", member->name_initials);
	hy_admin_json_set_text (object, "phone", member->phone);
	hy_admin_json_set_text (object, "level", member->level_name);
	json_object_set_string_member (object, "gender",
				       member->gender != NULL ? member->gender : "");
	hy_admin_json_set_text (object, "birthday", member->birthday);
	hy_admin_json_set_text (object, "id_number", member->id_number);
	hy_admin_json_set_text (object, "province", member->province);
	hy_admin_json_set_text (object, "city", member->city);
	hy_admin_json_set_text (object, "district", member->district);
	hy_admin_json_set_text (object, "address", member->address);
	hy_admin_json_set_text (object, "zip", member->zip);
	hy_admin_json_set_text (object, "email", member->email);
	hy_admin_json_set_text (object, "note", member->note);
	hy_admin_json_set_text (object, "home_store", member->home_store);
	json_object_set_int_member (object, "created_at", member->created_at);
	json_object_set_object_member (object, "fields", fields);
	json_object_set_array_member (object, "cards", card_array);
	json_object_set_object_member (object, "balances", totals);

	values = member->fields != NULL ? g_hash_table_ref (member->fields)
					: hy_field_get_values (db, member->id, error);
	if (values == NULL)
		return NULL;
	keys = g_hash_table_get_keys (values);
	keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
	for (GList *l = keys; l != NULL; l = l->next)
		json_object_set_string_member (fields, l->data,
					       g_hash_table_lookup (values, l->data));

	cards = hy_card_list_for_member (db, member->id, error);
	if (cards == NULL)
		return NULL;
	for (guint i = 0; i < cards->len; i++) {
		const HyCard *card = g_ptr_array_index (cards, i);
		JsonObject *card_json = hy_admin_card_to_json (db, card, error);
		JsonObject *balances;
		if (card_json == NULL)
			return NULL;
		json_array_add_object_element (card_array, card_json);
		if (card->status == HY_CARD_STATUS_RETIRED)
			continue;
		balances = json_object_get_object_member (card_json, "balances");
		money += json_object_get_int_member (balances, "money");
		points += json_object_get_int_member (balances, "points");
	}
	json_object_set_int_member (totals, "money", money);
	json_object_set_int_member (totals, "points", points);
	return g_steal_pointer (&object);
}

static const gchar *
hy_admin_json_text (JsonObject *object, const gchar *name)
{
	if (!json_object_has_member (object, name) ||
	    JSON_NODE_HOLDS_NULL (json_object_get_member (object, name)))
		return NULL;
	return json_object_get_string_member (object, name);
}

void
hy_admin_print_card_text (JsonObject *card)
{
	JsonObject *balances = json_object_get_object_member (card, "balances");
	g_autofree gchar *money =
		hy_admin_format_hundredths (json_object_get_int_member (balances, "money"));
	g_autofree gchar *points =
		hy_admin_format_hundredths (json_object_get_int_member (balances, "points"));
	const gchar *expires = hy_admin_json_text (card, "expires_on");
	const gchar *reason = hy_admin_json_text (card, "retired_reason");
	const gchar *successor = hy_admin_json_text (card, "successor");
	g_autoptr (GString) line = g_string_new ("  ");

	g_string_append_printf (line, _ ("card %s  %s"),
				json_object_get_string_member (card, "number"),
				json_object_get_string_member (card, "status"));
	if (reason != NULL)
		g_string_append_printf (line, " (%s%s%s)", reason, successor != NULL ? " → " : "",
					successor != NULL ? successor : "");
	g_string_append_printf (line, _ ("  expires %s  money ¥%s  points %s"),
				expires != NULL ? expires : _ ("never"), money, points);
	for (guint k = 0; k < 2; k++) {
		JsonObject *items =
			json_object_get_object_member (balances, k == 0 ? "counts" : "time");
		g_autoptr (GList) names = json_object_get_members (items);
		for (GList *l = names; l != NULL; l = l->next) {
			gint64 n = json_object_get_int_member (items, l->data);
			if (k == 0)
				g_string_append_printf (line, _ ("  %s ×%" PRId64),
							(const gchar *) l->data, n);
			else
				g_string_append_printf (line, _ ("  %s %" PRId64 " min"),
							(const gchar *) l->data, n / 60);
		}
	}
	g_print ("%s\n", line->str);
}

void
hy_admin_print_member_text (JsonObject *member)
{
	static const struct {
		const gchar *key;
		const gchar *label;
	} rows[] = {
		{"name", N_ ("Name")},	       {"phone", N_ ("Phone")},
		{"level", N_ ("Level")},       {"gender", N_ ("Gender")},
		{"birthday", N_ ("Birthday")}, {"id_number", N_ ("ID number")},
		{"province", N_ ("Province")}, {"city", N_ ("City")},
		{"district", N_ ("District")}, {"address", N_ ("Address")},
		{"zip", N_ ("Post code")},     {"email", N_ ("Email")},
		{"note", N_ ("Note")},	       {"id", N_ ("Member id")},
	};
	JsonObject *fields = json_object_get_object_member (member, "fields");
	JsonObject *totals = json_object_get_object_member (member, "balances");
	JsonArray *cards = json_object_get_array_member (member, "cards");
	g_autoptr (GList) keys = json_object_get_members (fields);
	g_autofree gchar *money =
		hy_admin_format_hundredths (json_object_get_int_member (totals, "money"));
	g_autofree gchar *points =
		hy_admin_format_hundredths (json_object_get_int_member (totals, "points"));

	for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
		const gchar *value = hy_admin_json_text (member, rows[i].key);
		g_autoptr (GString) line = g_string_new (NULL);
		if (value == NULL || value[0] == '\0')
			continue;
		hy_admin_append_padded (line, _ (rows[i].label), 12);
		g_print ("%s %s\n", line->str, value);
	}
	for (GList *l = keys; l != NULL; l = l->next) {
		g_autoptr (GString) line = g_string_new (NULL);
		hy_admin_append_padded (line, l->data, 12);
		g_print ("%s %s\n", line->str, json_object_get_string_member (fields, l->data));
	}
	g_print (_ ("Balance      ¥%s, %s points\n"), money, points);
	for (guint i = 0; i < json_array_get_length (cards); i++)
		hy_admin_print_card_text (json_array_get_object_element (cards, i));
}

/* ---- member add ---------------------------------------------------------------------- */

static gint
hy_admin_cmd_member_add (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *level = NULL;
	g_autofree gchar *card = NULL;
	g_autofree gchar *card_password = NULL;
	g_autofree gchar *member_id = NULL;
	g_autofree gchar *card_out = NULL;
	g_auto (GStrv) field_args = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyMember) saved = NULL;
	g_autoptr (JsonObject) object = NULL;
	gboolean ok;
	const GOptionEntry entries[] = {
		{"name", 0, 0, G_OPTION_ARG_STRING, &member->name, N_ ("Full name (required)"),
		 N_ ("NAME")},
		{"phone", 0, 0, G_OPTION_ARG_STRING, &member->phone,
		 N_ ("Mobile phone, bound to the card"), N_ ("PHONE")},
		{"gender", 0, 0, G_OPTION_ARG_STRING, &member->gender, N_ ("male or female"),
		 N_ ("GENDER")},
		{"birthday", 0, 0, G_OPTION_ARG_STRING, &member->birthday, N_ ("Birthday"),
		 N_ ("YYYY-MM-DD")},
		{"id-number", 0, 0, G_OPTION_ARG_STRING, &member->id_number,
		 N_ ("Resident ID card number (18 characters)"), N_ ("ID")},
		{"province", 0, 0, G_OPTION_ARG_STRING, &member->province, N_ ("Province"),
		 N_ ("TEXT")},
		{"city", 0, 0, G_OPTION_ARG_STRING, &member->city, N_ ("City"), N_ ("TEXT")},
		{"district", 0, 0, G_OPTION_ARG_STRING, &member->district, N_ ("District"),
		 N_ ("TEXT")},
		{"address", 0, 0, G_OPTION_ARG_STRING, &member->address, N_ ("Street address"),
		 N_ ("TEXT")},
		{"zip", 0, 0, G_OPTION_ARG_STRING, &member->zip, N_ ("Post code"), N_ ("CODE")},
		{"email", 0, 0, G_OPTION_ARG_STRING, &member->email, N_ ("Email address"),
		 N_ ("ADDRESS")},
		{"note", 0, 0, G_OPTION_ARG_STRING, &member->note, N_ ("Note"), N_ ("TEXT")},
		{"level", 0, 0, G_OPTION_ARG_STRING, &level,
		 N_ ("Member level (default: the lowest)"), N_ ("NAME")},
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("Card number (default: the next from this store’s card stock)"), N_ ("NO")},
		{"card-password", 0, 0, G_OPTION_ARG_STRING, &card_password,
		 N_ ("Card password (default: HUIYUAN_CARD_PASSWORD if set, else none)"),
		 N_ ("PASSWORD")},
		{"field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &field_args,
		 N_ ("A custom field value; repeat for several"), N_ ("KEY=VALUE")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Registers a member and issues their first card, in one "
				 "transaction."),
			     N_ ("Prints the member as “member show” does."), entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if (member->name == NULL) {
		hy_admin_set_usage_error (&error, _ ("member add: --name NAME is required"));
		return hy_admin_fail (error);
	}
	if (card_password == NULL && g_getenv ("HUIYUAN_CARD_PASSWORD") != NULL)
		card_password = g_strdup (g_getenv ("HUIYUAN_CARD_PASSWORD"));
	if (field_args != NULL) {
		member->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
		for (guint i = 0; field_args[i] != NULL; i++) {
			const gchar *eq = strchr (field_args[i], '=');
			if (eq == NULL || eq == field_args[i]) {
				hy_admin_set_usage_error (
					&error, _ ("member add: --field “%s” is not KEY=VALUE"),
					field_args[i]);
				return hy_admin_fail (error);
			}
			g_hash_table_replace (member->fields,
					      g_strndup (field_args[i], eq - field_args[i]),
					      g_strdup (eq + 1));
		}
	}

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	ok = hy_member_register (db, actor, member, level, card, card_password, &member_id,
				 &card_out, &error);
	if (card_password != NULL)
		memset (card_password, 0, strlen (card_password));
	if (!ok)
		return hy_admin_fail (error);
	g_debug ("registered member %s", member_id);

	saved = hy_member_get (db, member_id, &error);
	if (saved == NULL)
		return hy_admin_fail (error);
	object = hy_admin_member_to_json (db, saved, &error);
	if (object == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		hy_admin_print_json_object (object);
	} else {
		g_print (_ ("Registered %s with card %s.\n"), saved->name, card_out);
		hy_admin_print_member_text (object);
	}
	return HY_ADMIN_EXIT_OK;
}

/* ---- member find --------------------------------------------------------------------- */

static void
hy_admin_print_member_table (JsonArray *members)
{
	static const gint widths[] = {14, 13, 10, 22, 12};
	const gchar *headers[] = {_ ("Name"), _ ("Phone"), _ ("Level"), _ ("Cards"), _ ("Money")};
	g_autoptr (GString) head = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
		hy_admin_append_padded (head, headers[i], widths[i]);
	g_string_append (head, _ ("Points"));
	g_print ("%s\n", head->str);

	for (guint i = 0; i < json_array_get_length (members); i++) {
		JsonObject *m = json_array_get_object_element (members, i);
		JsonObject *totals = json_object_get_object_member (m, "balances");
		JsonArray *cards = json_object_get_array_member (m, "cards");
		g_autoptr (GString) line = g_string_new (NULL);
		g_autoptr (GString) numbers = g_string_new (NULL);
		g_autofree gchar *money =
			hy_admin_format_hundredths (json_object_get_int_member (totals, "money"));
		g_autofree gchar *points =
			hy_admin_format_hundredths (json_object_get_int_member (totals, "points"));
		const gchar *phone = hy_admin_json_text (m, "phone");
		const gchar *level = hy_admin_json_text (m, "level");

		for (guint c = 0; c < json_array_get_length (cards); c++) {
			JsonObject *card = json_array_get_object_element (cards, c);
			const gchar *status = json_object_get_string_member (card, "status");
			if (g_strcmp0 (status, "retired") == 0)
				continue;
			if (numbers->len > 0)
				g_string_append_c (numbers, ' ');
			g_string_append (numbers, json_object_get_string_member (card, "number"));
			if (g_strcmp0 (status, "active") != 0)
				g_string_append_printf (numbers, "(%s)", status);
		}
		hy_admin_append_padded (line, json_object_get_string_member (m, "name"), widths[0]);
		hy_admin_append_padded (line, phone != NULL ? phone : "-", widths[1]);
		hy_admin_append_padded (line, level != NULL ? level : "-", widths[2]);
		hy_admin_append_padded (line, numbers->len > 0 ? numbers->str : "-", widths[3]);
		hy_admin_append_padded (line, money, widths[4]);
		g_string_append (line, points);
		g_print ("%s\n", line->str);
	}
	g_print (ngettext ("%u member\n", "%u members\n", json_array_get_length (members)),
		 json_array_get_length (members));
}

static gint
hy_admin_cmd_member_find (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *limit_text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GPtrArray) found = NULL;
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
	JsonArray *array = json_array_new ();
	gint64 limit = 0;
	const GOptionEntry entries[] = {{"limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
					 N_ ("At most this many members (default 20)"), N_ ("N")},
					{NULL}};

	json_node_take_array (node, array);
	if (!hy_admin_parse (&options, argc, argv, N_ ("QUERY"),
			     N_ ("Finds members by card number, phone, ID number, pinyin initials "
				 "or full pinyin, part of the name, or a searchable custom field."),
			     N_ ("Prints a table, or with --json an array of members with their "
				 "cards and balances (money in fen, points in hundredths)."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 1, 1, &error))
		return hy_admin_fail (error);
	if (limit_text != NULL && (!hy_admin_parse_int64 ("--limit", limit_text, &limit, &error) ||
				   limit < 1 || limit > G_MAXUINT)) {
		if (error == NULL)
			hy_admin_set_usage_error (&error, _ ("--limit must be 1 or more"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	found = hy_member_search (db, options.args[0], (guint) limit, &error);
	if (found == NULL)
		return hy_admin_fail (error);
	for (guint i = 0; i < found->len; i++) {
		JsonObject *object =
			hy_admin_member_to_json (db, g_ptr_array_index (found, i), &error);
		if (object == NULL)
			return hy_admin_fail (error);
		json_array_add_object_element (array, object);
	}
	if (options.json)
		hy_admin_print_json (node);
	else
		hy_admin_print_member_table (array);
	return HY_ADMIN_EXIT_OK;
}

/* ---- member show --------------------------------------------------------------------- */

/* The member whose bound phone is `phone`: through the card lookup (their active card),
 * else the search, so that a member whose cards are all lost is still found. */
static gboolean
hy_admin_member_by_phone (HyDb *db, const gchar *phone, gchar **member_id, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (HyCard) card = hy_card_lookup (db, phone, &local);
	g_autoptr (GPtrArray) found = NULL;

	if (card != NULL) {
		*member_id = g_strdup (card->member_id);
		return TRUE;
	}
	if (!g_error_matches (local, HY_ERROR, HY_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	found = hy_member_search (db, phone, 0, error);
	if (found == NULL)
		return FALSE;
	for (guint i = 0; i < found->len; i++) {
		const HyMember *member = g_ptr_array_index (found, i);
		if (g_strcmp0 (member->phone, phone) == 0) {
			*member_id = g_strdup (member->id);
			return TRUE;
		}
	}
	g_propagate_error (error, g_steal_pointer (&local));
	return FALSE;
}

static gint
hy_admin_cmd_member_show (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card_number = NULL;
	g_autofree gchar *phone = NULL;
	g_autofree gchar *member_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyMember) member = NULL;
	g_autoptr (JsonObject) object = NULL;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card_number,
		 N_ ("A card number of the member"), N_ ("NO")},
		{"phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_ ("The member’s bound phone"),
		 N_ ("PHONE")},
		{"id", 0, 0, G_OPTION_ARG_STRING, &member_id, N_ ("The member’s id"), N_ ("ID")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Shows one member with their cards and balances."),
			     N_ ("Name the member with exactly one of --card, --phone or --id. "
				 "Exit status 2 when there is no such member."),
			     entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if ((card_number != NULL) + (phone != NULL) + (member_id != NULL) != 1) {
		hy_admin_set_usage_error (
			&error, _ ("member show: give exactly one of --card, --phone, --id"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	if (member_id == NULL && phone != NULL &&
	    !hy_admin_member_by_phone (db, phone, &member_id, &error))
		return hy_admin_fail (error);
	if (member_id == NULL) {
		g_autoptr (HyCard) card = hy_card_lookup (db, card_number, &error);
		if (card == NULL)
			return hy_admin_fail (error);
		member_id = g_strdup (card->member_id);
	}
	member = hy_member_get (db, member_id, &error);
	if (member == NULL)
		return hy_admin_fail (error);
	object = hy_admin_member_to_json (db, member, &error);
	if (object == NULL)
		return hy_admin_fail (error);
	if (options.json)
		hy_admin_print_json_object (object);
	else
		hy_admin_print_member_text (object);
	return HY_ADMIN_EXIT_OK;
}

/* ---- member import ------------------------------------------------------------------- */

static gint
hy_admin_cmd_member_import (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	guint count = 0;

	if (!hy_admin_parse (&options, argc, argv, N_ ("FILE.csv"),
			     N_ ("Imports members from a CSV file, all rows or none."),
			     N_ ("The first row names the columns: name (required), phone, card, "
				 "level, gender, birthday, id_number, province, city, district, "
				 "address, zip, email, note, password, balance (fen), points "
				 "(hundredths) and custom field keys. UTF-8 or GB18030. An error "
				 "names the file and line, and nothing is imported."),
			     NULL, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 1,
			     1, &error))
		return hy_admin_fail (error);
	if (!g_file_test (options.args[0], G_FILE_TEST_IS_REGULAR)) {
		hy_admin_set_usage_error (&error, _ ("%s: no such file"), options.args[0]);
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_member_import_csv (db, actor, options.args[0], &count, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "file", options.args[0]);
		json_object_set_int_member (object, "imported", count);
		hy_admin_print_json_object (object);
	} else {
		g_print (ngettext ("Imported %u member from %s.\n",
				   "Imported %u members from %s.\n", count),
			 count, options.args[0]);
	}
	return HY_ADMIN_EXIT_OK;
}

/* ---- member export ------------------------------------------------------------------- */

static gint
hy_admin_cmd_member_export (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	guint count = 0;

	if (!hy_admin_parse (
		    &options, argc, argv, N_ ("FILE.csv|FILE.xlsx"),
		    N_ ("Exports every member, one row each, to CSV or Excel."),
		    N_ ("The format follows the file’s extension. Columns: card, name, "
			"phone, level, gender, birthday, id_number, address fields, email, "
			"note, custom fields, balance (fen) and points (hundredths). The "
			"CSV is UTF-8 with a BOM and can be imported again. The file is "
			"replaced only when the export succeeds."),
		    NULL, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 1, 1, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	if (!hy_member_export (db, options.args[0], &count, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = json_object_new ();
		json_object_set_string_member (object, "file", options.args[0]);
		json_object_set_int_member (object, "exported", count);
		hy_admin_print_json_object (object);
	} else {
		g_print (ngettext ("Exported %u member to %s.\n", "Exported %u members to %s.\n",
				   count),
			 count, options.args[0]);
	}
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_member_commands[] = {
	{"add", N_ ("Register a member and issue a card"), hy_admin_cmd_member_add, NULL},
	{"find", N_ ("Find members by card, phone, ID number, name or pinyin"),
	 hy_admin_cmd_member_find, NULL},
	{"show", N_ ("Show one member by card, phone or id"), hy_admin_cmd_member_show, NULL},
	{"import", N_ ("Import members from a CSV file"), hy_admin_cmd_member_import, NULL},
	{"export", N_ ("Export members to CSV or Excel"), hy_admin_cmd_member_export, NULL},
	{NULL}};
