/* huiyuan-admin settlement: what the stores owe each other for stored value taken in at
 * one and spent at another (hy-settlement.h), as a table or JSON. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "hy-admin-common.h"
#include "hy-settlement.h"

enum {
	HY_ADMIN_SETTLE_STORE,
	HY_ADMIN_SETTLE_NAME,
	HY_ADMIN_SETTLE_TAKEN_IN,
	HY_ADMIN_SETTLE_GRANTED,
	HY_ADMIN_SETTLE_SPENT,
	HY_ADMIN_SETTLE_OWN,
	HY_ADMIN_SETTLE_OTHERS,
	HY_ADMIN_SETTLE_ELSEWHERE,
	HY_ADMIN_SETTLE_NET,
	HY_ADMIN_SETTLE_N_COLS
};

/* Every figure in fen; owed holds only the cells that are not zero, payer first. The
 * same ledger gives the same bytes at every replica. */
static JsonObject *
hy_admin_settlement_to_json (const HySettlement *settlement)
{
	JsonObject *object = json_object_new ();
	JsonArray *stores = json_array_new ();
	JsonObject *owed = json_object_new ();
	JsonObject *totals = json_object_new ();
	guint n = settlement->stores->len;
	gint64 taken_in = 0, granted = 0, spent = 0, across = 0;

	json_object_set_string_member (object, "from", settlement->from);
	json_object_set_string_member (object, "to", settlement->to);
	for (guint i = 0; i < n; i++) {
		const HySettlementStore *s = g_ptr_array_index (settlement->stores, i);
		JsonObject *row = json_object_new ();
		JsonObject *payees = NULL;
		json_object_set_string_member (row, "code", s->code);
		json_object_set_string_member (row, "name", s->name);
		json_object_set_string_member (row, "id", s->store_id);
		json_object_set_int_member (row, "taken_in", s->taken_in);
		json_object_set_int_member (row, "granted", s->granted);
		json_object_set_int_member (row, "spent", s->spent);
		json_object_set_int_member (row, "spent_own", s->spent_own);
		json_object_set_int_member (row, "spent_others", s->spent_others);
		json_object_set_int_member (row, "lots_spent_elsewhere", s->spent_elsewhere);
		json_object_set_int_member (row, "net", HY_SETTLEMENT_NET (s));
		json_array_add_object_element (stores, row);
		taken_in += s->taken_in;
		granted += s->granted;
		spent += s->spent;
		across += s->spent_others;
		for (guint j = 0; j < n; j++) {
			const HySettlementStore *payee = g_ptr_array_index (settlement->stores, j);
			gint64 fen = hy_settlement_owed (settlement, i, j);
			if (fen == 0)
				continue;
			if (payees == NULL) {
				payees = json_object_new ();
				json_object_set_object_member (owed, s->code, payees);
			}
			json_object_set_int_member (payees, payee->code, fen);
		}
	}
	json_object_set_array_member (object, "stores", stores);
	json_object_set_object_member (object, "owed", owed);
	json_object_set_int_member (totals, "taken_in", taken_in);
	json_object_set_int_member (totals, "granted", granted);
	json_object_set_int_member (totals, "spent", spent);
	json_object_set_int_member (totals, "spent_across", across);
	json_object_set_object_member (object, "totals", totals);
	json_object_set_int_member (object, "unmatched", settlement->unmatched);
	return object;
}

static void
hy_admin_settlement_print_text (const HySettlement *settlement)
{
	const gchar *headers[HY_ADMIN_SETTLE_N_COLS] = {
		_ ("Store"),
		_ ("Name"),
		_ ("Taken in ¥"),
		_ ("Granted ¥"),
		_ ("Spent ¥"),
		_ ("From own lots ¥"),
		_ ("From others' lots ¥"),
		_ ("Its lots spent elsewhere ¥"),
		_ ("Net ¥"),
	};
	const HyAdminAlign align[HY_ADMIN_SETTLE_N_COLS] = {
		HY_ADMIN_ALIGN_LEFT,  HY_ADMIN_ALIGN_LEFT,  HY_ADMIN_ALIGN_RIGHT,
		HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
		HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT, HY_ADMIN_ALIGN_RIGHT,
	};
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	g_autoptr (GString) out = g_string_new (NULL);
	guint n = settlement->stores->len;
	gboolean any = FALSE;

	g_string_append_printf (out, _ ("Settlement from %s to %s\n"), settlement->from,
				settlement->to);
	for (guint i = 0; i < n; i++) {
		const HySettlementStore *s = g_ptr_array_index (settlement->stores, i);
		gchar **row = g_new0 (gchar *, HY_ADMIN_SETTLE_N_COLS + 1);
		row[HY_ADMIN_SETTLE_STORE] = g_strdup (s->code);
		row[HY_ADMIN_SETTLE_NAME] = g_strdup (s->name);
		row[HY_ADMIN_SETTLE_TAKEN_IN] = hy_admin_format_hundredths (s->taken_in);
		row[HY_ADMIN_SETTLE_GRANTED] = hy_admin_format_hundredths (s->granted);
		row[HY_ADMIN_SETTLE_SPENT] = hy_admin_format_hundredths (s->spent);
		row[HY_ADMIN_SETTLE_OWN] = hy_admin_format_hundredths (s->spent_own);
		row[HY_ADMIN_SETTLE_OTHERS] = hy_admin_format_hundredths (s->spent_others);
		row[HY_ADMIN_SETTLE_ELSEWHERE] = hy_admin_format_hundredths (s->spent_elsewhere);
		row[HY_ADMIN_SETTLE_NET] = hy_admin_format_hundredths (HY_SETTLEMENT_NET (s));
		g_ptr_array_add (rows, row);
	}
	hy_admin_append_table (out, headers, align, HY_ADMIN_SETTLE_N_COLS, rows);
	g_string_append (out, _ ("Net: spent there from others' lots (owed to the store) less its "
				 "lots spent elsewhere (owed by it).\n"
				 "Owed between stores (payer → payee):\n"));
	for (guint i = 0; i < n; i++) {
		const HySettlementStore *payer = g_ptr_array_index (settlement->stores, i);
		for (guint j = 0; j < n; j++) {
			const HySettlementStore *payee = g_ptr_array_index (settlement->stores, j);
			gint64 fen = hy_settlement_owed (settlement, i, j);
			g_autofree gchar *amount = NULL;
			if (fen == 0)
				continue;
			amount = hy_admin_format_hundredths (fen);
			g_string_append_printf (out, "  %s → %s  %s\n", payer->code, payee->code,
						amount);
			any = TRUE;
		}
	}
	if (!any)
		g_string_append (out, _ ("  nothing\n"));
	if (settlement->unmatched != 0) {
		g_autofree gchar *amount = hy_admin_format_hundredths (settlement->unmatched);
		g_string_append_printf (out,
					_ ("¥%s of spending had no recharge behind it in this "
					   "ledger and counts as the spending store's own\n"),
					amount);
	}
	g_print ("%s", out->str);
}

gint
hy_admin_cmd_settlement (gint argc, gchar **argv)
{
	g_auto (HyAdminOptions) options = {0};
	g_autofree gchar *from = NULL;
	g_autofree gchar *to = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HySettlement) settlement = NULL;
	const GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from,
		 N_ ("The first day of the period (required)"), N_ ("YYYY-MM-DD")},
		{"to", 0, 0, G_OPTION_ARG_STRING, &to, N_ ("The last day of the period (required)"),
		 N_ ("YYYY-MM-DD")},
		{NULL}};

	if (!hy_admin_parse (
		    &options, argc, argv, NULL,
		    N_ ("Shows what the stores owe each other for stored value taken in at one "
			"store and spent at another, over the days from --from to --to."),
		    N_ ("Every recharge (and its bonus money) is a lot of the store that took "
			"it in; spending draws on the card's lots oldest first; the store whose "
			"lot is spent owes the store where it is spent. Computed from the "
			"replicated ledger alone, so every store and HQ print the same figures. "
			"Amounts in yuan (fen in --json). The database is opened read-only."),
		    entries, HY_ADMIN_OPT_DB | HY_ADMIN_OPT_JSON, 0, 0, &error))
		return hy_admin_fail (error);
	if (from == NULL || to == NULL) {
		hy_admin_set_usage_error (&error, _ ("settlement: --from and --to are required"));
		return hy_admin_fail (error);
	}
	if (!hy_admin_check_date ("--from", from, &error) ||
	    !hy_admin_check_date ("--to", to, &error))
		return hy_admin_fail (error);
	db = hy_admin_open_db (&options, TRUE, &error);
	if (db == NULL)
		return hy_admin_fail (error);
	settlement = hy_settlement_compute (db, from, to, &error);
	if (settlement == NULL)
		return hy_admin_fail (error);
	if (options.json) {
		g_autoptr (JsonObject) object = hy_admin_settlement_to_json (settlement);
		hy_admin_print_json_object (object);
	} else {
		hy_admin_settlement_print_text (settlement);
	}
	return HY_ADMIN_EXIT_OK;
}
