/* Huiyuan: importing members from a CSV file (the brochure's 会员导入). */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* Imports every row of a CSV file with a header row, UTF-8 (with or without a BOM) or
 * GB18030, in one transaction: all rows or none. Columns are found by header name:
 * name (required), phone, card, level, gender, birthday, id_number, province, city,
 * district, address, zip, email, note, password (card password), balance (opening
 * stored value in fen), points (opening points in hundredths), and the key of any
 * member custom field; an unknown header is an error. An empty card takes the next
 * number from this store's stock. Needs member.import, plus money.recharge for a
 * balance and points.adjust for points. Every error is HY_ERROR_INVALID_INPUT (or the
 * permission error) naming the file, line, column and reason:
 *   members.csv:7: column "birthday": "1990-02-30" is not a date */
gboolean
hy_member_import_csv (
	HyDb *db, const HyActor *actor, const gchar *path, guint *count_out, GError **error);
/* The same from bytes in memory; `name` stands for the file in messages. */
gboolean
hy_member_import_data (HyDb *db,
		       const HyActor *actor,
		       const gchar *name,
		       const gchar *data,
		       gsize length,
		       guint *count_out,
		       GError **error);

/* The standard column names, in the order the export writes them. */
const gchar *const *
hy_member_import_columns (void);

G_END_DECLS
