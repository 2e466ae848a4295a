#include "config.h"

#include "hy-date.h"

gboolean
hy_date_parse (const gchar *text, GDate *out)
{
	guint year, month, day;

	if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
		return FALSE;
	for (guint i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
			return FALSE;
	}
	year = (guint) g_ascii_strtoull (text, NULL, 10);
	month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
	day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
	if (year < 1 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
		return FALSE;
	if (out != NULL) {
		g_date_clear (out, 1);
		g_date_set_dmy (out, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
	}
	return TRUE;
}

gboolean
hy_date_is_future (const GDate *date)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	GDate today;

	g_date_clear (&today, 1);
	g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (now),
			(GDateMonth) g_date_time_get_month (now),
			(GDateYear) g_date_time_get_year (now));
	return g_date_compare (date, &today) > 0;
}
