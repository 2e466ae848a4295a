/* Huiyuan: the due-job (`huiyuan-admin due`), run daily or at any time: pays the recharge
 * bonus instalments due by a moment and expires the points batches past their expiry.
 * Idempotent: an instalment is paid once (a payout row per schedule and instalment
 * number, with op id "<schedule>:<n>"), a batch expires once (nothing is left of it).
 * Each store pays the schedules and expires the batches it created itself, so that
 * replicated copies are not paid or expired again elsewhere. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* Runs the job as of `at` (loyalty.due), in one transaction. `report_out` (may be NULL)
 * gets {"day", "instalments": [{"card", "schedule", "instalment", "due_on", "money",
 * "points"}], "expired": [{"card", "batch", "points"}], "upgrades": [{"card", "level"}]}. */
gboolean
hy_due_run (HyDb *db, const HyActor *actor, GDateTime *at, JsonObject **report_out, GError **error);

G_END_DECLS
