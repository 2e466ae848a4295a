/* Huiyuan: finding members by what they are and do rather than by name: level, points,
 * last visit, number of visits, birthday month and a searchable custom field's value.
 * A visit is a sale to the member; points are those on the member's cards in use. Each
 * criterion is optional; the ones given must all hold. Also the filter's GVariant form,
 * in which the till saves named searches. */
#pragma once

#include "hy-db.h"
#include "hy-member.h"

G_BEGIN_DECLS

/* An integer bound that is not set. */
#define HY_MEMBER_FILTER_ANY (-1)

typedef struct {
	gchar *level;	     /* level name; NULL: any */
	gint64 points_min;   /* hundredths, inclusive; HY_MEMBER_FILTER_ANY: none */
	gint64 points_max;   /* hundredths, inclusive */
	gchar *visited_from; /* last visit on or after this day (YYYY-MM-DD, local) */
	gchar *visited_to;   /* last visit on or before this day */
	gint64 visits_min;   /* number of sales, inclusive */
	gint64 visits_max;   /* inclusive; 0 finds members who never bought */
	gint birthday_month; /* 1–12; 0: any */
	gchar *field_key;    /* a searchable custom field of members… */
	gchar *field_value;  /* …and its exact value */
} HyMemberFilter;

HyMemberFilter *
hy_member_filter_new (void);
void
hy_member_filter_free (HyMemberFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyMemberFilter, hy_member_filter_free)
/* TRUE when no criterion is set. */
gboolean
hy_member_filter_is_empty (const HyMemberFilter *filter);

/* Checks the criteria against each other and the store (the level and the field
 * exist, the field is searchable); the message names the criterion. */
gboolean
hy_member_filter_check (HyDb *db, const HyMemberFilter *filter, GError **error);

/* Members (HyMember *, custom fields not loaded) matching every criterion set, newest
 * first, at most `limit` (0: 100); deleted members are left out. One parameterised
 * statement per combination of criteria. */
GPtrArray *
hy_member_filter_run (HyDb *db, const HyMemberFilter *filter, guint limit, GError **error);

/* a{sv} with a key per criterion set ("level", "points-min", "points-max",
 * "visited-from", "visited-to", "visits-min", "visits-max", "birthday-month",
 * "field-key", "field-value"); the reverse ignores unknown keys and refuses a value of
 * the wrong type. */
GVariant *
hy_member_filter_to_variant (const HyMemberFilter *filter);
HyMemberFilter *
hy_member_filter_from_variant (GVariant *variant, GError **error);

G_END_DECLS
