/* Huiyuan: finding members the way a cashier types: card number, phone, ID number,
 * pinyin initials or full pinyin, part of the name, or a searchable custom field. */
#pragma once

#include "hy-db.h"
#include "hy-member.h"

G_BEGIN_DECLS

#define HY_MEMBER_SEARCH_DEFAULT_LIMIT 20

/* Members (HyMember *, custom fields not loaded: fields is NULL; hy_member_get has
 * them) matching `query`, newest first, each once,
 * at most `limit` (0 = HY_MEMBER_SEARCH_DEFAULT_LIMIT); deleted members are left out.
 * What is looked up depends on the query's shape:
 *   digits (optional leading +)  card number, phone, ID number — exact
 *   17 digits and X              ID number — exact
 *   ASCII letters and spaces     pinyin initials and full pinyin (spaces ignored) by
 *                                prefix, and Latin names by substring
 *   anything else                name substring (through member_name_grams)
 * and always the exact value of a searchable custom field. Every lookup is an index
 * search; a prefix matching more than `limit` members returns exact matches first. */
GPtrArray *
hy_member_search (HyDb *db, const gchar *query, guint limit, GError **error);

/* Every SQL statement the search runs, NULL-terminated: lets tests check the query
 * plans use indexes. */
const gchar *const *
hy_member_search_statements (void);

G_END_DECLS
