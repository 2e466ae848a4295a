#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-date.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-member-filter.h"
#include "hy-member-private.h"

#define HY_MEMBER_FILTER_DEFAULT_LIMIT 100

HyMemberFilter *
hy_member_filter_new (void)
{
	HyMemberFilter *filter = g_new0 (HyMemberFilter, 1);
	filter->points_min = HY_MEMBER_FILTER_ANY;
	filter->points_max = HY_MEMBER_FILTER_ANY;
	filter->visits_min = HY_MEMBER_FILTER_ANY;
	filter->visits_max = HY_MEMBER_FILTER_ANY;
	return filter;
}

void
hy_member_filter_free (HyMemberFilter *filter)
{
	if (filter == NULL)
		return;
	g_free (filter->level);
	g_free (filter->visited_from);
	g_free (filter->visited_to);
	g_free (filter->field_key);
	g_free (filter->field_value);
	g_free (filter);
}

gboolean
hy_member_filter_is_empty (const HyMemberFilter *f)
{
	return f->level == NULL && f->points_min < 0 && f->points_max < 0 &&
	       f->visited_from == NULL && f->visited_to == NULL && f->visits_min < 0 &&
	       f->visits_max < 0 && f->birthday_month == 0 && f->field_key == NULL;
}

static gboolean
hy_member_filter_check_range (const gchar *what, gint64 min, gint64 max, GError **error)
{
	if (min < HY_MEMBER_FILTER_ANY || max < HY_MEMBER_FILTER_ANY) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: a bound may not be negative"), what);
		return FALSE;
	}
	if (min >= 0 && max >= 0 && min > max) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: the lower bound is above the upper one"), what);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hy_member_filter_check_day (const gchar *what, const gchar *day, GError **error)
{
	if (day != NULL && !hy_date_parse (day, NULL)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("%s: “%s” is not a date (YYYY-MM-DD)"), what, day);
		return FALSE;
	}
	return TRUE;
}

/* The searchable field `key`, or an error naming it. */
static HyFieldDef *
hy_member_filter_field (HyDb *db, const gchar *key, GError **error)
{
	g_autoptr (HyFieldDef) def = hy_field_find (db, HY_FIELD_ENTITY_MEMBER, key, error);
	if (def == NULL)
		return NULL;
	if (!def->searchable) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("custom field: “%s” is not searchable"), key);
		return NULL;
	}
	return g_steal_pointer (&def);
}

gboolean
hy_member_filter_check (HyDb *db, const HyMemberFilter *f, GError **error)
{
	if (!hy_member_filter_check_range (_ ("points"), f->points_min, f->points_max, error) ||
	    !hy_member_filter_check_range (_ ("visits"), f->visits_min, f->visits_max, error) ||
	    !hy_member_filter_check_day (_ ("last visit from"), f->visited_from, error) ||
	    !hy_member_filter_check_day (_ ("last visit to"), f->visited_to, error))
		return FALSE;
	if (f->visited_from != NULL && f->visited_to != NULL &&
	    g_strcmp0 (f->visited_from, f->visited_to) > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("last visit: %s is after %s"), f->visited_from, f->visited_to);
		return FALSE;
	}
	if (f->birthday_month < 0 || f->birthday_month > 12) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("birthday month: %d is not a month (1 to 12)"), f->birthday_month);
		return FALSE;
	}
	if ((f->field_key == NULL) != (f->field_value == NULL)) {
		g_set_error_literal (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("custom field: give both the field and its value"));
		return FALSE;
	}
	if (f->field_key != NULL) {
		g_autoptr (HyFieldDef) def = hy_member_filter_field (db, f->field_key, error);
		if (def == NULL)
			return FALSE;
	}
	if (f->level != NULL) {
		g_autoptr (HyStmt) stmt =
			hy_db_prepare (db, "SELECT 1 FROM levels WHERE name = ?", error);
		gboolean has_row = FALSE;
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, f->level, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row) {
			g_set_error (error, HY_ERROR, HY_ERROR_NOT_FOUND,
				     _ ("level: no level “%s”"), f->level);
			return FALSE;
		}
	}
	return TRUE;
}

/* ms since the epoch at the start of local day `day`, plus `days` days. */
static gint64
hy_member_filter_day_ms (const gchar *day, gint days)
{
	GDate date;
	g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
	g_autoptr (GDateTime) start = NULL;
	g_autoptr (GDateTime) shifted = NULL;
	hy_date_parse (day, &date);
	start = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
				 g_date_get_day (&date), 0, 0, 0);
	shifted = g_date_time_add_days (start, days);
	return g_date_time_to_unix (shifted) * 1000;
}

/* What a member's points, visits and last visit are: from the tables that hold them,
 * through their member indexes (cards_member, sales_member). */
#define HY_FILTER_POINTS                                                                           \
	"coalesce ((SELECT sum (b.amount) FROM cards c JOIN balances b ON b.card_id = c.id "       \
	"AND b.account = 'points' AND b.item = '' WHERE c.member_id = m.id "                       \
	"AND c.status != 'retired'), 0)"
#define HY_FILTER_VISITS     "(SELECT count (*) FROM sales s WHERE s.member_id = m.id)"
#define HY_FILTER_LAST_VISIT "(SELECT max (s.at) FROM sales s WHERE s.member_id = m.id)"

typedef enum { HY_BIND_TEXT, HY_BIND_INT } HyBindKind;

typedef struct {
	HyBindKind kind;
	const gchar *text;
	gint64 value;
} HyBind;

GPtrArray *
hy_member_filter_run (HyDb *db, const HyMemberFilter *f, guint limit, GError **error)
{
	g_autoptr (GString) sql = g_string_new ("SELECT " HY_MEMBER_COLUMNS " FROM " HY_MEMBER_FROM
						" WHERE m.deleted = 0");
	g_autoptr (GArray) binds = g_array_new (FALSE, TRUE, sizeof (HyBind));
	g_autoptr (GPtrArray) members =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_member_free);
	g_autoptr (HyFieldDef) def = NULL;
	g_autoptr (HyStmt) stmt = NULL;
	g_autofree gchar *month = NULL;
	gboolean has_row = FALSE;
	HyBind bind;

	if (!hy_member_filter_check (db, f, error))
		return NULL;
		/* only fixed fragments go into the SQL; every value is bound */
#define HY_ADD(fragment, k, t, v)                                                                  \
	G_STMT_START                                                                               \
	{                                                                                          \
		g_string_append (sql, fragment);                                                   \
		bind = (HyBind){k, t, v};                                                          \
		g_array_append_val (binds, bind);                                                  \
	}                                                                                          \
	G_STMT_END
	if (f->field_key != NULL) {
		def = hy_member_filter_field (db, f->field_key, error);
		if (def == NULL)
			return NULL;
		HY_ADD (" AND m.id IN (SELECT v.entity_id FROM field_values v WHERE v.field_id = ?",
			HY_BIND_TEXT, def->id, 0);
		HY_ADD (" AND v.value = ?)", HY_BIND_TEXT, f->field_value, 0);
	}
	if (f->level != NULL)
		HY_ADD (" AND m.level_id = (SELECT id FROM levels WHERE name = ?)", HY_BIND_TEXT,
			f->level, 0);
	if (f->birthday_month > 0) {
		month = g_strdup_printf ("%02d", f->birthday_month);
		HY_ADD (" AND substr (m.birthday, 6, 2) = ?", HY_BIND_TEXT, month, 0);
	}
	if (f->points_min >= 0)
		HY_ADD (" AND " HY_FILTER_POINTS " >= ?", HY_BIND_INT, NULL, f->points_min);
	if (f->points_max >= 0)
		HY_ADD (" AND " HY_FILTER_POINTS " <= ?", HY_BIND_INT, NULL, f->points_max);
	if (f->visits_min >= 0)
		HY_ADD (" AND " HY_FILTER_VISITS " >= ?", HY_BIND_INT, NULL, f->visits_min);
	if (f->visits_max >= 0)
		HY_ADD (" AND " HY_FILTER_VISITS " <= ?", HY_BIND_INT, NULL, f->visits_max);
	/* a member who never bought has no last visit: outside every range */
	if (f->visited_from != NULL)
		HY_ADD (" AND " HY_FILTER_LAST_VISIT " >= ?", HY_BIND_INT, NULL,
			hy_member_filter_day_ms (f->visited_from, 0));
	if (f->visited_to != NULL)
		HY_ADD (" AND " HY_FILTER_LAST_VISIT " < ?", HY_BIND_INT, NULL,
			hy_member_filter_day_ms (f->visited_to, 1));
#undef HY_ADD
	g_string_append (sql, " ORDER BY m.rowid DESC LIMIT ?");

	stmt = hy_db_prepare (db, sql->str, error);
	if (stmt == NULL)
		return NULL;
	for (guint i = 0; i < binds->len; i++) {
		HyBind *b = &g_array_index (binds, HyBind, i);
		if (b->kind == HY_BIND_TEXT)
			sqlite3_bind_text (stmt, i + 1, b->text, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64 (stmt, i + 1, b->value);
	}
	sqlite3_bind_int64 (stmt, binds->len + 1,
			    limit > 0 ? limit : HY_MEMBER_FILTER_DEFAULT_LIMIT);
	for (;;) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			break;
		g_ptr_array_add (members, hy_member_from_row (stmt));
	}
	return g_steal_pointer (&members);
}

GVariant *
hy_member_filter_to_variant (const HyMemberFilter *f)
{
	GVariantBuilder b;
	g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
	if (f->level != NULL)
		g_variant_builder_add (&b, "{sv}", "level", g_variant_new_string (f->level));
	if (f->points_min >= 0)
		g_variant_builder_add (&b, "{sv}", "points-min",
				       g_variant_new_int64 (f->points_min));
	if (f->points_max >= 0)
		g_variant_builder_add (&b, "{sv}", "points-max",
				       g_variant_new_int64 (f->points_max));
	if (f->visited_from != NULL)
		g_variant_builder_add (&b, "{sv}", "visited-from",
				       g_variant_new_string (f->visited_from));
	if (f->visited_to != NULL)
		g_variant_builder_add (&b, "{sv}", "visited-to",
				       g_variant_new_string (f->visited_to));
	if (f->visits_min >= 0)
		g_variant_builder_add (&b, "{sv}", "visits-min",
				       g_variant_new_int64 (f->visits_min));
	if (f->visits_max >= 0)
		g_variant_builder_add (&b, "{sv}", "visits-max",
				       g_variant_new_int64 (f->visits_max));
	if (f->birthday_month > 0)
		g_variant_builder_add (&b, "{sv}", "birthday-month",
				       g_variant_new_int32 (f->birthday_month));
	if (f->field_key != NULL) {
		g_variant_builder_add (&b, "{sv}", "field-key",
				       g_variant_new_string (f->field_key));
		g_variant_builder_add (&b, "{sv}", "field-value",
				       g_variant_new_string (f->field_value));
	}
	return g_variant_builder_end (&b);
}

HyMemberFilter *
hy_member_filter_from_variant (GVariant *variant, GError **error)
{
	g_autoptr (HyMemberFilter) f = hy_member_filter_new ();
	GVariantIter iter;
	const gchar *key;
	GVariant *value;

	if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("a saved search is a{sv}, not %s"),
			     g_variant_get_type_string (variant));
		return NULL;
	}
	g_variant_iter_init (&iter, variant);
	while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
		const struct {
			const gchar *key;
			const GVariantType *type;
			gchar **text;
			gint64 *number;
		} slots[] = {
			{"level", G_VARIANT_TYPE_STRING, &f->level, NULL},
			{"points-min", G_VARIANT_TYPE_INT64, NULL, &f->points_min},
			{"points-max", G_VARIANT_TYPE_INT64, NULL, &f->points_max},
			{"visited-from", G_VARIANT_TYPE_STRING, &f->visited_from, NULL},
			{"visited-to", G_VARIANT_TYPE_STRING, &f->visited_to, NULL},
			{"visits-min", G_VARIANT_TYPE_INT64, NULL, &f->visits_min},
			{"visits-max", G_VARIANT_TYPE_INT64, NULL, &f->visits_max},
			{"birthday-month", G_VARIANT_TYPE_INT32, NULL, NULL},
			{"field-key", G_VARIANT_TYPE_STRING, &f->field_key, NULL},
			{"field-value", G_VARIANT_TYPE_STRING, &f->field_value, NULL},
		};
		for (guint i = 0; i < G_N_ELEMENTS (slots); i++) {
			if (!g_str_equal (slots[i].key, key))
				continue;
			if (!g_variant_is_of_type (value, slots[i].type)) {
				g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
					     _ ("saved search: “%s” has the wrong type %s"), key,
					     g_variant_get_type_string (value));
				return NULL;
			}
			if (slots[i].text != NULL) {
				g_free (*slots[i].text);
				*slots[i].text = g_variant_dup_string (value, NULL);
			} else if (slots[i].number != NULL) {
				*slots[i].number = g_variant_get_int64 (value);
			} else {
				f->birthday_month = g_variant_get_int32 (value);
			}
		}
	}
	return g_steal_pointer (&f);
}
