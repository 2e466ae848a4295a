/* huiyuan-admin time start, stop and list: time-card sessions (计时). */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-sync-escrow.h"
#include "hy-time.h"

/* --at as a time, or NULL (now) when not given. */
static gboolean
hy_admin_time_at (const gchar *text, GDateTime **at, GError **error)
{
	g_autoptr (GTimeZone) local = NULL;
	if (text == NULL)
		return TRUE;
	local = g_time_zone_new_local ();
	*at = g_date_time_new_from_iso8601 (text, local);
	if (*at == NULL) {
		hy_admin_set_usage_error (
			error, _ ("--at: “%s” is not an ISO 8601 time (2026-11-21T12:00:00+08:00)"),
			text);
		return FALSE;
	}
	return TRUE;
}

/* Unix ms as local ISO 8601, to the second. */
static gchar *
hy_admin_time_format (gint64 ms)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
	g_autoptr (GDateTime) local = g_date_time_to_local (utc);
	return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
hy_admin_time_set_when (JsonObject *obj, const gchar *key, gint64 ms)
{
	g_autofree gchar *text = hy_admin_time_format (ms);
	json_object_set_string_member (obj, key, text);
}

static gint
hy_admin_cmd_time_start (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *card = NULL;
	g_autofree gchar *item = NULL;
	g_autofree gchar *at_text = NULL;
	g_autofree gchar *session = NULL;
	g_autoptr (GDateTime) at = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	const GOptionEntry entries[] = {
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("The card number, or the member’s bound phone (required)"), N_ ("NO")},
		{"item", 0, 0, G_OPTION_ARG_STRING, &item, N_ ("The item code (required)"),
		 N_ ("CODE")},
		{"at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_ ("The check-in time (default: now)"),
		 N_ ("ISO8601")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Checks a card in to a timed item (计时): opens a session that "
				 "`time stop` bills."),
			     NULL, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if (card == NULL || item == NULL) {
		hy_admin_set_usage_error (&error, _ ("--card NO and --item CODE are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_time_at (at_text, &at, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (!hy_time_start (db, actor, card, item, at, &session, &error))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) obj = json_object_new ();
		json_object_set_string_member (obj, "session", session);
		hy_admin_print_json_object (obj);
	} else {
		g_print (_ ("Session %s open.\n"), session);
	}
	return HY_ADMIN_EXIT_OK;
}

static JsonObject *
hy_admin_time_bill_json (const HyTimeBill *bill)
{
	JsonObject *obj = json_object_new ();
	json_object_set_string_member (obj, "session", bill->session);
	json_object_set_string_member (obj, "card", bill->card);
	json_object_set_string_member (obj, "item", bill->item);
	hy_admin_time_set_when (obj, "started_at", bill->started_at);
	hy_admin_time_set_when (obj, "ended_at", bill->ended_at);
	json_object_set_int_member (obj, "seconds", bill->seconds);
	json_object_set_int_member (obj, "unit_minutes", bill->unit_minutes);
	json_object_set_int_member (obj, "units", bill->units);
	json_object_set_int_member (obj, "minutes_billed", bill->billed_seconds / 60);
	json_object_set_int_member (obj, "time_deducted", bill->time_deducted);
	json_object_set_int_member (obj, "money", bill->money);
	if (bill->sale_id != NULL)
		json_object_set_string_member (obj, "sale", bill->sale_id);
	else
		json_object_set_null_member (obj, "sale");
	json_object_set_int_member (obj, "time_left", bill->time_left);
	json_object_set_int_member (obj, "money_left", bill->money_left);
	return obj;
}

static gint
hy_admin_cmd_time_stop (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *session = NULL;
	g_autofree gchar *card = NULL;
	g_autofree gchar *item = NULL;
	g_autofree gchar *at_text = NULL;
	g_autofree gchar *pin = NULL;
	g_autofree gchar *money = NULL;
	g_autofree gchar *money_left = NULL;
	g_autoptr (GDateTime) at = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyActor) actor = NULL;
	g_autoptr (HyTimeBill) bill = NULL;
	const GOptionEntry entries[] = {
		{"session", 0, 0, G_OPTION_ARG_STRING, &session, N_ ("The session"), N_ ("ID")},
		{"card", 0, 0, G_OPTION_ARG_STRING, &card,
		 N_ ("Or the card number (or bound phone) with --item"), N_ ("NO")},
		{"item", 0, 0, G_OPTION_ARG_STRING, &item, N_ ("The item code, with --card"),
		 N_ ("CODE")},
		{"at", 0, 0, G_OPTION_ARG_STRING, &at_text,
		 N_ ("The check-out time (default: now)"), N_ ("ISO8601")},
		{"pin", 0, 0, G_OPTION_ARG_STRING, &pin,
		 N_ ("The card’s spending PIN, when stored value is charged (or "
		     "HUIYUAN_CARD_PIN)"),
		 N_ ("PIN")},
		{NULL}};

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Checks a session out and bills it: whole units after the grace "
				 "minutes, from the card’s time balance of the item, and the rest "
				 "from stored value at the store’s price per unit."),
			     NULL, entries,
			     HY_ADMIN_OPT_DB | HY_ADMIN_OPT_OPERATOR | HY_ADMIN_OPT_JSON, 0, 0,
			     &error))
		return hy_admin_fail (error);
	if ((session != NULL) == (card != NULL || item != NULL) ||
	    (session == NULL && (card == NULL || item == NULL))) {
		hy_admin_set_usage_error (
			&error, _ ("give either --session ID or --card NO with --item CODE"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_time_at (at_text, &at, &error))
		return hy_admin_fail (error);
	if (pin == NULL && g_getenv ("HUIYUAN_CARD_PIN") != NULL)
		pin = g_strdup (g_getenv ("HUIYUAN_CARD_PIN"));
	db = hy_admin_open_db (&options, FALSE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	actor = hy_admin_login (db, &options, &error);
	if (actor == NULL)
		return hy_admin_fail (error);
	if (session == NULL) {
		session = hy_time_find_open (db, card, item, &error);
		if (session == NULL)
			return hy_admin_fail (error);
	}
	if (!HY_SYNC_COVERED (db, &error,
			      (bill = hy_time_stop (db, actor, session, at, pin, &error)) != NULL))
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) obj = hy_admin_time_bill_json (bill);
		hy_admin_print_json_object (obj);
		return HY_ADMIN_EXIT_OK;
	}
	money = hy_admin_format_hundredths (bill->money);
	money_left = hy_admin_format_hundredths (bill->money_left);
	g_print (_ ("Session %s: %" PRId64 " min played, %" PRId64 " × %d min billed (%" PRId64
		    " min).\n"),
		 bill->session, bill->seconds / 60, bill->units, bill->unit_minutes,
		 bill->billed_seconds / 60);
	g_print (_ ("Taken: %" PRId64 " min of time, ¥%s of stored value.\n"),
		 bill->time_deducted / 60, money);
	g_print (_ ("Left: %" PRId64 " min of %s, ¥%s of stored value.\n"), bill->time_left / 60,
		 bill->item, money_left);
	return HY_ADMIN_EXIT_OK;
}

static gint
hy_admin_cmd_time_list (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (GPtrArray) sessions = NULL;

	if (!hy_admin_parse (&options, argc, argv, NULL,
			     N_ ("Lists this store’s open time sessions, longest running first."),
			     NULL, NULL, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	sessions = hy_time_list_open (db, &error);
	if (sessions == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonArray) array = json_array_new ();
		g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
		for (guint i = 0; i < sessions->len; i++) {
			const HyTimeSession *s = g_ptr_array_index (sessions, i);
			JsonObject *obj = json_object_new ();
			json_object_set_string_member (obj, "session", s->id);
			json_object_set_string_member (obj, "card", s->card);
			json_object_set_string_member (obj, "item", s->item);
			hy_admin_time_set_when (obj, "started_at", s->started_at);
			json_array_add_object_element (array, obj);
		}
		json_node_set_array (node, array);
		hy_admin_print_json (node);
		return HY_ADMIN_EXIT_OK;
	}
	if (sessions->len == 0)
		g_print (_ ("No open sessions.\n"));
	for (guint i = 0; i < sessions->len; i++) {
		const HyTimeSession *s = g_ptr_array_index (sessions, i);
		g_autofree gchar *when = hy_admin_time_format (s->started_at);
		g_print ("%s  %s  %s  %s\n", s->id, s->card, s->item, when);
	}
	return HY_ADMIN_EXIT_OK;
}

const HyAdminCommand hy_admin_time_commands[] = {
	{"start", N_ ("Check a card in to a timed item"), hy_admin_cmd_time_start, NULL},
	{"stop", N_ ("Check a session out and bill it"), hy_admin_cmd_time_stop, NULL},
	{"list", N_ ("List this store’s open sessions"), hy_admin_cmd_time_list, NULL},
	{NULL}};
