/* Huiyuan UI: how amounts, points and rates read on screen and how typed amounts parse. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "¥1,234.56"; negative amounts "-¥0.50". */
gchar *
hy_format_money (gint64 fen);
/* Hundredths of a point: "12", "12.5", "12.35". */
gchar *
hy_format_points (gint64 hundredths);
/* Basis points as a percentage: "90%", "92.5%". */
gchar *
hy_format_bp (gint bp);
/* A typed amount of yuan ("12", "12.5", "¥1,234.56", " 3.05 ") to fen; FALSE for
 * anything else, more than two decimals, or a negative amount. "" is 0. */
gboolean
hy_parse_money (const gchar *text, gint64 *fen_out);

G_END_DECLS
