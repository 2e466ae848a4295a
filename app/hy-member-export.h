/* Huiyuan: exporting members to CSV or Excel (the brochure's 会员导出). */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* Writes every member that is not deleted, one row each, oldest first: card (the
 * primary card: the newest active one, else the newest lost one), name, phone, level,
 * gender, birthday, id_number, province, city, district, address, zip, email, note,
 * the member custom fields by key, then balance (stored value in fen) and points (in
 * hundredths) of that card. The format follows the extension of `path`:
 *   .csv   UTF-8 with a BOM (so spreadsheet programs see the Chinese), RFC 4180,
 *          re-importable by hy_member_import_csv() into another store
 *   .xlsx  one sheet, bold header; balance and points as whole numbers (fen and
 *          hundredths, exact) so sums are right
 * Rows are streamed, so memory does not grow with the number of members. The file is
 * replaced only when the export succeeds. */
gboolean
hy_member_export (HyDb *db, const gchar *path, guint *count_out, GError **error);

G_END_DECLS
