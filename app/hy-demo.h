/* Huiyuan: deterministic demo data for a store database (demos, screenshots, benchmarks). */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* Adds levels, card kinds, items, custom fields, a cashier, and `n_members` members
 * with realistic Chinese names, phones, birthdays, addresses, cards and some history
 * (recharges, withdrawals, points, a lost card, a replaced card). The same seed gives
 * the same names, phones, cards and amounts; row ids and times differ. */
gboolean
hy_demo_generate (HyDb *db, const HyActor *actor, guint n_members, guint64 seed, GError **error);

/* The phone number of demo member `index` (0-based) for a given seed: lets tests and
 * the benchmark find generated members without searching. */
gchar *
hy_demo_phone (guint index, guint64 seed);

G_END_DECLS
