/* Huiyuan: the database schema, one SQL script per version. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Versions:
 *  1  stores, terminals, roles, operators, levels, card kinds, card stock, items, rules,
 *     custom
 *     fields, members, cards, account entries and balances, sales, sale lines,
 *     payments, refunds, count lots and uses, audit, outbox
 */
#define HY_SCHEMA_LATEST 5

/* The script that brings version - 1 to version. */
const gchar *
hy_schema_migration (gint version);

G_END_DECLS
