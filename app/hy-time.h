/* Huiyuan: time-card sessions (计时, a billiard table, a badminton court). A member
 * checks in to an item and later checks out; the elapsed time is billed in whole units
 * by the store's time rules (HyTimeRules: unit, grace, free minutes), taken from the
 * card's time balance of the item (seconds), and what the balance does not cover is
 * charged from stored value at the item's price per unit, pro rata. One open session
 * per card and item. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-rules.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gchar *card; /* number */
	gchar *item;
	gint64 started_at; /* Unix ms */
} HyTimeSession;

void
hy_time_session_free (HyTimeSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTimeSession, hy_time_session_free)

/* What a check-out billed. */
typedef struct {
	gchar *session;
	gchar *card; /* number */
	gchar *item;
	gint64 started_at; /* Unix ms */
	gint64 ended_at;
	gint64 seconds; /* elapsed, whole seconds */
	gint64 units;
	gint unit_minutes;
	gint64 billed_seconds; /* units × unit */
	gint64 time_deducted;  /* seconds taken from the time balance */
	gint64 money;	       /* fen taken from stored value for the rest */
	gchar *sale_id;	       /* the sale recording that money, or NULL */
	gint64 time_left;      /* seconds of the item on the card after */
	gint64 money_left;     /* fen of stored value after */
} HyTimeBill;

void
hy_time_bill_free (HyTimeBill *bill);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTimeBill, hy_time_bill_free)

/* The units billed for `seconds` under `rules`: none within the free minutes, else at
 * least one, and a unit more only once the grace past a whole unit is exceeded. */
gint64
hy_time_units (const HyTimeRules *rules, gint64 seconds);

/* Checks the card in to `item` at `at` (NULL: now) (time.session), in one transaction
 * with its outbox row and audit record. Refused (HY_ERROR_CONFLICT) when the card
 * already has an open session of the item. */
gboolean
hy_time_start (HyDb *db,
	       const HyActor *actor,
	       const gchar *card,
	       const gchar *item,
	       GDateTime *at,
	       gchar **session_id_out,
	       GError **error);

/* The open session of a card and item (HY_ERROR_NOT_FOUND when none). */
gchar *
hy_time_find_open (HyDb *db, const gchar *card, const gchar *item, GError **error);

/* Checks session `session_id` out at `at` (NULL: now) and bills it (time.session), in
 * one transaction with its ledger entries, the sale of any money, outbox rows and
 * audit record. `pin` is needed when stored value is charged and the card has a PIN.
 * Refused, with nothing written and the session still open, when the session is
 * unknown or closed, `at` is before the check-in, or neither the time balance nor
 * stored value at the store's price covers the bill. */
HyTimeBill *
hy_time_stop (HyDb *db,
	      const HyActor *actor,
	      const gchar *session_id,
	      GDateTime *at,
	      const gchar *pin,
	      GError **error);

/* This store's open sessions, longest running first (HyTimeSession). */
GPtrArray *
hy_time_list_open (HyDb *db, GError **error);

G_END_DECLS
