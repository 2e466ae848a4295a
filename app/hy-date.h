/* Huiyuan: calendar dates as stored in the database (YYYY-MM-DD text). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE if `text` is exactly YYYY-MM-DD and names a day that exists (no 1990-02-30);
 * `out` (may be NULL) gets the date. */
gboolean
hy_date_parse (const gchar *text, GDate *out);
/* TRUE if the date lies after today (local time). */
gboolean
hy_date_is_future (const GDate *date);

G_END_DECLS
