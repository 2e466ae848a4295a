#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "hy-format.h"

gchar *
hy_format_money (gint64 fen)
{
	g_autoptr (GString) digits = NULL;
	guint64 abs = fen < 0 ? (guint64) (-(fen + 1)) + 1 : (guint64) fen;
	g_autofree gchar *yuan = g_strdup_printf ("%" G_GUINT64_FORMAT, abs / 100);
	gsize len = strlen (yuan);

	/* thousands separators: cashiers read ¥12,800.00 faster than ¥12800.00 */
	digits = g_string_new (NULL);
	for (gsize i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			g_string_append_c (digits, ',');
		g_string_append_c (digits, yuan[i]);
	}
	return g_strdup_printf ("%s¥%s.%02u", fen < 0 ? "-" : "", digits->str, (guint) (abs % 100));
}

gchar *
hy_format_points (gint64 hundredths)
{
	guint64 abs = hundredths < 0 ? (guint64) (-(hundredths + 1)) + 1 : (guint64) hundredths;
	const gchar *sign = hundredths < 0 ? "-" : "";
	if (abs % 100 == 0)
		return g_strdup_printf ("%s%" G_GUINT64_FORMAT, sign, abs / 100);
	if (abs % 10 == 0)
		return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%u", sign, abs / 100,
					(guint) (abs % 100 / 10));
	return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", sign, abs / 100,
				(guint) (abs % 100));
}

gchar *
hy_format_bp (gint bp)
{
	if (bp % 100 == 0)
		return g_strdup_printf ("%d%%", bp / 100);
	if (bp % 10 == 0)
		return g_strdup_printf ("%d.%d%%", bp / 100, bp % 100 / 10);
	return g_strdup_printf ("%d.%02d%%", bp / 100, bp % 100);
}

gboolean
hy_parse_money (const gchar *text, gint64 *fen_out)
{
	g_autofree gchar *copy = g_strdup (text != NULL ? text : "");
	const gchar *p;
	gint64 yuan = 0;
	gint64 cents = 0;
	guint n_digits = 0;
	guint n_decimals = 0;
	gboolean seen_point = FALSE;

	g_strstrip (copy);
	p = copy;
	if (g_str_has_prefix (p, "¥"))
		p += strlen ("¥");
	else if (g_str_has_prefix (p, "￥"))
		p += strlen ("￥");
	if (*p == '\0') {
		*fen_out = 0;
		return TRUE;
	}
	for (; *p != '\0'; p++) {
		if (*p == ',' && !seen_point && n_digits > 0)
			continue;
		if (*p == '.' && !seen_point) {
			seen_point = TRUE;
			continue;
		}
		if (!g_ascii_isdigit (*p))
			return FALSE;
		if (seen_point) {
			if (++n_decimals > 2)
				return FALSE;
			cents = cents * 10 + (*p - '0');
		} else {
			/* ten billion yuan is far beyond any till */
			if (++n_digits > 10)
				return FALSE;
			yuan = yuan * 10 + (*p - '0');
		}
	}
	if (n_digits == 0 && n_decimals == 0)
		return FALSE;
	if (n_decimals == 1)
		cents *= 10;
	*fen_out = yuan * 100 + cents;
	return TRUE;
}
