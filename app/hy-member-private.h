/* Huiyuan: member rows as read by the member, search and export code. Not installed. */
#pragma once

#include "hy-member.h"

G_BEGIN_DECLS

/* Columns read by hy_member_from_row(), from "members m LEFT JOIN levels l". */
#define HY_MEMBER_COLUMNS                                                                          \
	"m.id, m.name, m.name_pinyin, m.name_initials, m.gender, m.birthday, m.id_number, "        \
	"m.phone, m.province, m.city, m.district, m.address, m.zip, m.email, m.note, "             \
	"m.level_id, l.name, m.home_store, m.created_at"
#define HY_MEMBER_FROM "members m LEFT JOIN levels l ON l.id = m.level_id"

/* A member from a row of HY_MEMBER_COLUMNS; custom fields are not read. */
HyMember *
hy_member_from_row (HyStmt *stmt);
/* Moves the name-search grams of a member from `old_name` (NULL: none yet) to
 * `new_name`; also used when a replica applies a member row. */
gboolean
hy_member_write_grams (HyDb *db,
		       const gchar *member_id,
		       const gchar *old_name,
		       const gchar *new_name,
		       GError **error);

G_END_DECLS
