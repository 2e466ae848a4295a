/* Huiyuan: finding catalogue items the way a cashier types them when there is no
 * barcode to scan: the pinyin initials of the name ("bhc" → 冰红茶), or the start of
 * its full pinyin ("binghong"). */
#pragma once

#include "hy-db.h"
#include "hy-item.h"

G_BEGIN_DECLS

/* Active items (HyItem *) whose name's pinyin initials start with `query`, or whose
 * pinyin without spaces does (letters and digits, any case; spaces ignored); items
 * whose initials are exactly the query first, then by code. At most `limit` (0: 20).
 * A query with anything but ASCII letters, digits and spaces is an error. The
 * catalogue is read whole: it is small (hundreds of items), and the items table has
 * no pinyin of its own. */
GPtrArray *
hy_item_lookup_pinyin (HyDb *db, const gchar *query, guint limit, GError **error);

G_END_DECLS
