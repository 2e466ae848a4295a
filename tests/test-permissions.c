/* Permissions: every built-in role against every mutating core operation. An allowed
 * operation succeeds; a denied one fails with HY_ERROR_PERMISSION_DENIED and changes
 * nothing. Whether a role may is derived from hy_permission_default_role(), so each
 * operation's permission is stated once, in the table below. */
#include "config.h"

#include <glib/gstdio.h>

#include "hy-card-stock.h"
#include "hy-card.h"
#include "hy-checkout.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-item.h"
#include "hy-ledger.h"
#include "hy-level.h"
#include "hy-member-import.h"
#include "hy-member.h"
#include "hy-operator.h"
#include "hy-rules-store.h"
#include "hy-test-common.h"

#define CARD_PASSWORD "pass1234"
#define CARD_PIN      "2468"

/* One store for the whole run; every case gets its own member and cards. */
static HyTestStore *shared_store = NULL;
static guint case_counter = 0;

typedef struct {
	HyTestStore *store; /* borrowed */
	guint n;	    /* unique per case: logins, keys, phones */
	gchar *member_id;
	gchar *card;   /* active; money, points, password, PIN, an expiry date */
	gchar *card2;  /* active, same member: the merge target */
	gchar *lost;   /* reported lost: for unfreeze */
	gchar *expiry; /* card's expiry */
} Fixture;

static gchar *
date_in_days (gint days)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autoptr (GDateTime) then = g_date_time_add_days (now, days);
	return g_date_time_format (then, "%Y-%m-%d");
}

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *first = NULL;

	if (shared_store == NULL)
		shared_store = hy_test_store_new ("S01");
	f->store = shared_store;
	f->n = ++case_counter;
	f->expiry = date_in_days (365);

	member->name = g_strdup ("张三");
	member->phone = g_strdup_printf ("139%08u", f->n);
	g_assert_true (hy_member_register (f->store->db, f->store->admin, member, NULL, NULL, NULL,
					   &f->member_id, &first, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_issue (f->store->db, f->store->admin, f->member_id, NULL, NULL,
				      f->expiry, CARD_PASSWORD, &f->card, &error));
	g_assert_no_error (error);
	g_assert_true (
		hy_card_set_pin (f->store->db, f->store->admin, f->card, NULL, CARD_PIN, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_recharge (f->store->db, f->store->admin, f->card, 10000, NULL,
					   NULL, &error));
	g_assert_no_error (error);
	g_assert_true (hy_ledger_adjust_points (f->store->db, f->store->admin, f->card, 5000,
						"welcome", NULL, &error));
	g_assert_no_error (error);
	f->card2 = g_steal_pointer (&first);
	g_assert_true (hy_card_issue (f->store->db, f->store->admin, f->member_id, NULL, NULL, NULL,
				      NULL, &f->lost, &error));
	g_assert_no_error (error);
	g_assert_true (hy_card_report_lost (f->store->db, f->store->admin, f->lost, &error));
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
	g_free (f->member_id);
	g_free (f->card);
	g_free (f->card2);
	g_free (f->lost);
	g_free (f->expiry);
}

/* ---- the operations ------------------------------------------------------------------ */

typedef gboolean (*OpFunc) (Fixture *f, const HyActor *actor, GError **error);

static gboolean
op_operator_add (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *login = g_strdup_printf ("staff%u", f->n);
	return hy_operator_add (f->store->db, actor, login, "New staff", "cashier", "secret-123",
				NULL, error);
}

static gboolean
op_member_register (Fixture *f, const HyActor *actor, GError **error)
{
	g_autoptr (HyMember) member = hy_member_new ();
	member->name = g_strdup ("李四");
	member->phone = g_strdup_printf ("138%08u", f->n);
	return hy_member_register (f->store->db, actor, member, NULL, NULL, NULL, NULL, NULL,
				   error);
}

static gboolean
op_member_update (Fixture *f, const HyActor *actor, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (HyMember) member = hy_member_get (f->store->db, f->member_id, &local);
	g_assert_no_error (local);
	g_free (member->note);
	member->note = g_strdup ("prefers mornings");
	return hy_member_update (f->store->db, actor, member, NULL, error);
}

static gboolean
op_member_import (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *path = g_build_filename (f->store->dir, "import.csv", NULL);
	g_autofree gchar *csv = g_strdup_printf ("name,phone\n王五,137%08u\n", f->n);
	g_assert_true (g_file_set_contents (path, csv, -1, NULL));
	return hy_member_import_csv (f->store->db, actor, path, NULL, error);
}

static gboolean
op_field_add (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *key = g_strdup_printf ("hobby%u", f->n);
	return hy_field_add (f->store->db, actor, HY_FIELD_ENTITY_MEMBER, key, "Hobby",
			     HY_FIELD_TYPE_TEXT, FALSE, 40, NULL, NULL, FALSE, error);
}

static gboolean
op_card_issue (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_issue (f->store->db, actor, f->member_id, NULL, NULL, NULL, NULL, NULL,
			      error);
}

static gboolean
op_card_lose (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_report_lost (f->store->db, actor, f->card, error);
}

static gboolean
op_card_unfreeze (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_unfreeze (f->store->db, actor, f->lost, error);
}

static gboolean
op_card_merge (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_merge (f->store->db, actor, f->card, f->card2, error);
}

static gboolean
op_card_replace (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_replace (f->store->db, actor, f->card, NULL, NULL, error);
}

static gboolean
op_card_extend (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *later = date_in_days (730);
	return hy_card_extend (f->store->db, actor, f->card, later, error);
}

static gboolean
op_card_recycle (Fixture *f, const HyActor *actor, GError **error)
{
	gint64 refunded = 0;
	if (!hy_card_recycle (f->store->db, actor, f->card, &refunded, error))
		return FALSE;
	g_assert_cmpint (refunded, ==, 10000);
	return TRUE;
}

static gboolean
op_card_password (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_set_password (f->store->db, actor, f->card, CARD_PASSWORD, "newpass99",
				     error);
}

static gboolean
op_card_password_reset (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_set_password (f->store->db, actor, f->card, NULL, "newpass99", error);
}

static gboolean
op_card_pin (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_set_pin (f->store->db, actor, f->card, CARD_PIN, "1357", error);
}

static gboolean
op_card_pin_reset (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_card_set_pin (f->store->db, actor, f->card, NULL, "1357", error);
}

static gboolean
op_recharge (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_ledger_recharge (f->store->db, actor, f->card, 500, NULL, NULL, error);
}

static gboolean
op_withdraw (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_ledger_withdraw (f->store->db, actor, f->card, 500, NULL, NULL, error);
}

static gboolean
op_points_adjust (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_ledger_adjust_points (f->store->db, actor, f->card, -1000, "correction", NULL,
					error);
}

static gboolean
op_operator_password (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_operator_set_password (f->store->db, actor, "admin", "another-secret", error);
}

static gboolean
op_operator_disable (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_operator_set_active (f->store->db, actor, "admin", FALSE, error);
}

static gboolean
op_level_add (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *name = g_strdup_printf ("level %u", f->n);
	return hy_level_add (f->store->db, actor, name, 5, 12000, 9500, NULL, error);
}

static gboolean
op_card_kind_add (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *name = g_strdup_printf ("kind %u", f->n);
	return hy_card_kind_add (f->store->db, actor, name, TRUE, TRUE, FALSE, FALSE, 365, NULL,
				 error);
}

static gboolean
op_item_add (Fixture *f, const HyActor *actor, GError **error)
{
	g_autofree gchar *code = g_strdup_printf ("ITEM%u", f->n);
	return hy_item_add (f->store->db, actor, code, "Item", NULL, 100, NULL, NULL, NULL, error);
}

static gboolean
op_card_stock_add (Fixture *f, const HyActor *actor, GError **error)
{
	gint64 first = 5000000 + (gint64) f->n * 1000;
	return hy_card_stock_add (f->store->db, actor, hy_actor_get_store_id (actor), first,
				  first + 999, error);
}

static gboolean
op_rules_import (Fixture *f, const HyActor *actor, GError **error)
{
	return hy_rules_import (f->store->db, actor,
				"{\"categories\": [{\"name\": \"饮料\", \"points_bp\": 11000}]}",
				-1, NULL, error);
}

static gboolean
op_sale (Fixture *f, const HyActor *actor, HyRounding rounding, GError **error)
{
	const HyBasketLine lines[] = {{NULL, 0, 1234}};
	const HyTender cash[] = {{HY_TENDER_CASH, 2000, NULL}};
	HySaleRequest req = {.card = f->card,
			     .lines = lines,
			     .n_lines = 1,
			     .tenders = cash,
			     .n_tenders = 1,
			     .rounding = rounding};
	return hy_checkout_sell (f->store->db, actor, &req, NULL, NULL, error);
}

static gboolean
op_sale_make (Fixture *f, const HyActor *actor, GError **error)
{
	return op_sale (f, actor, HY_ROUNDING_NONE, error);
}

static gboolean
op_sale_round (Fixture *f, const HyActor *actor, GError **error)
{
	return op_sale (f, actor, HY_ROUNDING_YUAN, error);
}

static const struct {
	const gchar *name;
	HyPermissions permissions; /* all of these are needed */
	OpFunc func;
} operations[] = {
	{"operator-add", HY_PERMISSION_OPERATOR_MANAGE, op_operator_add},
	{"member-register", HY_PERMISSION_MEMBER_CREATE, op_member_register},
	{"member-update", HY_PERMISSION_MEMBER_EDIT, op_member_update},
	{"member-import", HY_PERMISSION_MEMBER_IMPORT, op_member_import},
	{"field-add", HY_PERMISSION_FIELD_MANAGE, op_field_add},
	{"card-issue", HY_PERMISSION_CARD_ISSUE, op_card_issue},
	{"card-lose", HY_PERMISSION_CARD_LOSE, op_card_lose},
	{"card-unfreeze", HY_PERMISSION_CARD_UNFREEZE, op_card_unfreeze},
	{"card-merge", HY_PERMISSION_CARD_MERGE, op_card_merge},
	{"card-replace", HY_PERMISSION_CARD_REPLACE, op_card_replace},
	{"card-extend", HY_PERMISSION_CARD_EXTEND, op_card_extend},
	{"card-recycle", HY_PERMISSION_CARD_RECYCLE, op_card_recycle},
	{"card-password", HY_PERMISSION_CARD_PASSWORD, op_card_password},
	{"card-password-reset", HY_PERMISSION_CARD_PASSWORD_RESET, op_card_password_reset},
	{"card-pin", HY_PERMISSION_CARD_PASSWORD, op_card_pin},
	{"card-pin-reset", HY_PERMISSION_CARD_PASSWORD_RESET, op_card_pin_reset},
	{"money-recharge", HY_PERMISSION_MONEY_RECHARGE, op_recharge},
	{"money-withdraw", HY_PERMISSION_MONEY_WITHDRAW, op_withdraw},
	{"points-adjust", HY_PERMISSION_POINTS_ADJUST, op_points_adjust},
	{"operator-password", HY_PERMISSION_OPERATOR_MANAGE, op_operator_password},
	{"operator-disable", HY_PERMISSION_OPERATOR_MANAGE, op_operator_disable},
	{"level-add", HY_PERMISSION_LEVEL_MANAGE, op_level_add},
	{"card-kind-add", HY_PERMISSION_LEVEL_MANAGE, op_card_kind_add},
	{"item-add", HY_PERMISSION_ITEM_MANAGE, op_item_add},
	{"card-stock-add", HY_PERMISSION_CARD_STOCK_MANAGE, op_card_stock_add},
	{"rules-import", HY_PERMISSION_RULES_MANAGE, op_rules_import},
	{"sale-make", HY_PERMISSION_SALE_MAKE, op_sale_make},
	{"sale-round", HY_PERMISSION_SALE_MAKE | HY_PERMISSION_SALE_ROUND, op_sale_round},
};

/* ---- what "changes nothing" means ------------------------------------------------------ */

static gchar *
query_text (HyTestStore *store, const gchar *sql)
{
	sqlite3_stmt *stmt = NULL;
	gchar *text;
	g_assert_cmpint (sqlite3_prepare_v2 (hy_db_get_handle (store->db), sql, -1, &stmt, NULL),
			 ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	text = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return text;
}

/* Row counts of the ledger, audit and change log, and a digest of the mutable tables. */
static gchar *
snapshot (HyTestStore *store)
{
	static const gchar *const counts[] = {
		"SELECT count(*) FROM audit",	   "SELECT count(*) FROM account_entries",
		"SELECT count(*) FROM outbox",	   "SELECT count(*) FROM members",
		"SELECT count(*) FROM cards",	   "SELECT count(*) FROM operators",
		"SELECT count(*) FROM field_defs", "SELECT count(*) FROM field_values",
	};
	static const gchar *const digests[] = {
		"SELECT group_concat(x, '|') FROM (SELECT number || status || ifnull(expires_on, "
		"'') "
		"|| ifnull(password_hash, '') || ifnull(pin_hash, '') || hlc AS x FROM cards "
		"ORDER BY number)",
		"SELECT group_concat(x, '|') FROM (SELECT id || ifnull(note, '') || hlc AS x "
		"FROM members ORDER BY id)",
		"SELECT group_concat(x, '|') FROM (SELECT card_id || account || item || amount AS "
		"x "
		"FROM balances ORDER BY 1)",
	};
	GString *out = g_string_new (NULL);
	for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
		g_string_append_printf (out, "%" G_GINT64_FORMAT ";",
					hy_test_store_count (store, counts[i]));
	for (guint i = 0; i < G_N_ELEMENTS (digests); i++) {
		g_autofree gchar *digest = query_text (store, digests[i]);
		g_autofree gchar *sum = g_compute_checksum_for_string (
			G_CHECKSUM_SHA256, digest != NULL ? digest : "", -1);
		g_string_append_printf (out, "%s;", sum);
	}
	return g_string_free (out, FALSE);
}

typedef struct {
	const gchar *role;
	guint op;
} Case;

static void
test_permission_case (Fixture *f, gconstpointer user_data)
{
	const Case *c = user_data;
	g_autoptr (HyActor) actor = hy_test_store_actor (f->store, c->role);
	HyPermissions needed = operations[c->op].permissions;
	gboolean allowed = (hy_permission_default_role (c->role) & needed) == needed;
	g_autofree gchar *before = snapshot (f->store);
	g_autofree gchar *after = NULL;
	gint64 audit_before = hy_test_store_count (f->store, "SELECT count(*) FROM audit");
	g_autoptr (GError) error = NULL;
	gboolean ok;

	ok = operations[c->op].func (f, actor, &error);
	after = snapshot (f->store);
	if (allowed) {
		g_assert_no_error (error);
		g_assert_true (ok);
		/* every operation leaves an audit record */
		g_assert_cmpint (hy_test_store_count (f->store, "SELECT count(*) FROM audit"), >,
				 audit_before);
	} else {
		g_assert_error (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED);
		g_assert_false (ok);
		g_assert_cmpstr (after, ==, before);
	}
	g_assert_false (hy_db_in_transaction (f->store->db));
}

/* The table itself: the built-in roles are the ones this test knows. */
static void
test_permission_roles (void)
{
	const gchar *const *roles = hy_permission_default_roles ();
	g_assert_cmpuint (g_strv_length ((gchar **) roles), ==, 5);
	g_assert_cmpuint (hy_permission_default_role ("hq-admin"), ==, HY_PERMISSION_ALL);
	g_assert_cmpuint (hy_permission_default_role ("auditor"), ==, HY_PERMISSION_NONE);
}

int
main (int argc, char **argv)
{
	static const gchar *const roles[] = {"cashier", "store-manager", "finance", "hq-admin",
					     "auditor"};
	g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
	gint rc;

	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/permissions/roles", test_permission_roles);
	for (guint r = 0; r < G_N_ELEMENTS (roles); r++) {
		for (guint o = 0; o < G_N_ELEMENTS (operations); o++) {
			Case *c = g_new0 (Case, 1);
			gchar *path = g_strdup_printf ("/huiyuan/permissions/%s/%s", roles[r],
						       operations[o].name);
			c->role = roles[r];
			c->op = o;
			g_ptr_array_add (cases, c);
			g_ptr_array_add (paths, path);
			g_test_add (path, Fixture, c, fixture_set_up, test_permission_case,
				    fixture_tear_down);
		}
	}
	rc = g_test_run ();
	g_clear_pointer (&shared_store, hy_test_store_free);
	return rc;
}
