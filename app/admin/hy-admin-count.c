/* huiyuan-admin count add, use and list: count cards (计次). */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-count.h"

/* A lot is good through the end of its expiry day. */
static gboolean
hy_admin_count_expired (const HyCountLot *lot)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree gchar *today = g_date_time_format (now, "%Y-%m-%d");
	return lot->expires_on != NULL && g_strcmp0 (lot->expires_on, today) < 0;
}

static JsonArray *
hy_admin_count_lots_json (GPtrArray *lots)
{
	JsonArray *array = json_array_new ();
	for (guint i = 0; i < lots->len; i++) {
		const HyCountLot *lot = g_ptr_array_index (lots, i);
		JsonObject *obj = json_object_new ();
		json_object_set_string_member (obj, "item", lot->item);
		json_object_set_int_member (obj, "qty", lot->qty);
		json_object_set_int_member (obj, "remaining", lot->remaining);
		if (lot->expires_on != NULL)
			json_object_set_string_member (obj, "expires_on", lot->expires_on);
		else
			json_object_set_null_member (obj, "expires_on");
		json_object_set_boolean_member (obj, "expired", hy_admin_count_expired (lot));
		json_array_add_object_element (array, obj);
	}
	return array;
}

/* The card's lots after an operation, as JSON or one line each. */
static gint
hy_admin_count_print (HyDb *db, const gchar *card, const gchar *op_id, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) lots = hy_count_list (db, card, &error);
	if (lots == NULL)
		return hy_admin_fail (error);
	if (json) {
		g_autoptr (JsonObject) object = json_object_new ();
		if (op_id != NULL)
			json_object_set_string_member (object, "op_id", op_id);
		json_object_set_array_member (object, "lots", hy_admin_count_lots_json (lots));
		hy_admin_print_json_object (object);
		return HY_ADMIN_EXIT_OK;
	}
	if (lots->len == 0)
		g_print (_ ("No uses left on this card.\n"));
	for (guint i = 0; i < lots->len; i++) {
		const HyCountLot *lot = g_ptr_array_index (lots, i);
		g_print (_ ("%s: %" PRId64 " of %" PRId64 " left, %s%s\n"), lot->item,
			 lot->remaining, lot->qty,
			 lot->expires_on != NULL ? lot->expires_on : _ ("never expires"),
			 hy_admin_count_expired (lot) ? _ (" (expired)") : "");
	}
	return HY_ADMIN_EXIT_OK;
}

typedef enum {
	HY_ADMIN_COUNT_ADD,
	HY_ADMIN_COUNT_USE,
} HyAdminCountOp;

static gint
hy_admin_count (gint argc, gchar **argv, HyAdminCountOp op)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *item = NULL;
	g_autofree gchar *qty_text = NULL;
	g_autofree gchar *date = NULL;
	g_autofree gchar *op_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	gint64 qty = 0;
	gboolean ok;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"item", 0, 0, G_OPTION_ARG_STRING, &item, N_ ("The item code (required)"),
		 N_ ("CODE")},
		{"qty", 0, 0, G_OPTION_ARG_STRING, &qty_text, N_ ("How many uses (required)"),
		 N_ ("N")},
		{op == HY_ADMIN_COUNT_ADD ? "expires" : "on", 0, 0, G_OPTION_ARG_STRING, &date,
		 op == HY_ADMIN_COUNT_ADD ? N_ ("The last day the uses are good (default: never)")
					  : N_ ("The day of the use (default: today)"),
		 N_ ("YYYY-MM-DD")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    op == HY_ADMIN_COUNT_ADD
			    ? N_ ("Adds uses of an item to a count card, as one lot with "
				  "its own expiry.")
			    : N_ ("Uses an item on a count card, from the lots that expire "
				  "first."),
		    NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0,
		    0, &error))
		return hy_admin_fail (error);
	if (card == NULL || item == NULL || qty_text == NULL) {
		hy_admin_set_usage_error (&error,
					  _ ("--card NO, --item CODE and --qty N are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_parse_int64 ("--qty", qty_text, &qty, &error))
		return hy_admin_fail (error);
	if (date != NULL &&
	    !hy_admin_check_date (op == HY_ADMIN_COUNT_ADD ? "--expires" : "--on", date, &error))
		return hy_admin_fail (error);

	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (op == HY_ADMIN_COUNT_ADD)
		ok = hy_count_add (db, actor, card, item, qty, date, &op_id, &error);
	else
		ok = HY_SYNC_COVERED (
			db, &error,
			hy_count_use (db, actor, card, item, qty, date, &op_id, &error));
	if (!ok)
		return hy_admin_fail (error);
	return hy_admin_count_print (db, card, op_id, options.json);
}

static gint
hy_admin_cmd_count_add (gint argc, gchar **argv)
{
	return hy_admin_count (argc, argv, HY_ADMIN_COUNT_ADD);
}

static gint
hy_admin_cmd_count_use (gint argc, gchar **argv)
{
	return hy_admin_count (argc, argv, HY_ADMIN_COUNT_USE);
}

static gint
hy_admin_cmd_count_list (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Lists a count card’s lots with uses left, soonest expiry first."),
			     NULL, entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (card == NULL) {
		hy_admin_set_usage_error (&error, _ ("--card NO is required"));
		return hy_admin_fail (error);
	}
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	return hy_admin_count_print (db, card, NULL, options.json);
}

const HyAdminCommand hy_admin_count_commands[] = {
	{"add", N_ ("Add uses of an item to a count card"), hy_admin_cmd_count_add, NULL},
	{"use", N_ ("Use an item on a count card, earliest expiry first"), hy_admin_cmd_count_use,
	 NULL},
	{"list", N_ ("List a count card's lots with uses left"), hy_admin_cmd_count_list, NULL},
	{NULL}};
