#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-date.h"
#include "hy-error.h"
#include "hy-id-number.h"

/* GB 11643-1999: weights 2^(17-i) mod 11 for the 17 body digits; the weighted sum
 * mod 11 indexes the check characters. */
static const gint hy_id_number_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const gchar hy_id_number_checks[] = "10X98765432";

gchar
hy_id_number_check_char (const gchar *body)
{
	gint sum = 0;
	if (body == NULL)
		return 0;
	for (guint i = 0; i < 17; i++) {
		if (!g_ascii_isdigit (body[i]))
			return 0;
		sum += (body[i] - '0') * hy_id_number_weights[i];
	}
	return hy_id_number_checks[sum % 11];
}

gchar *
hy_id_number_complete (const gchar *body)
{
	gchar check;
	if (body == NULL || strlen (body) != 17)
		return NULL;
	check = hy_id_number_check_char (body);
	if (check == 0)
		return NULL;
	return g_strdup_printf ("%s%c", body, check);
}

/* Digits 7–14 are the birth date YYYYMMDD. */
static gchar *
hy_id_number_date_text (const gchar *number)
{
	return g_strdup_printf ("%.4s-%.2s-%.2s", number + 6, number + 10, number + 12);
}

gboolean
hy_id_number_validate (const gchar *number, gchar **normalized_out, GError **error)
{
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *birthday = NULL;
	glong length = number != NULL && g_utf8_validate (number, -1, NULL)
			       ? g_utf8_strlen (number, -1)
			       : -1;
	GDate date;
	gchar check;

	if (length != HY_ID_NUMBER_LENGTH) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an ID number has 18 characters, not %ld"), MAX (length, 0));
		return FALSE;
	}
	if (strlen (number) != HY_ID_NUMBER_LENGTH) {
		/* 18 characters, some of them not ASCII */
		glong at = 0;
		for (const gchar *p = number; (guchar) *p < 0x80; p++)
			at++;
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an ID number is 17 digits and a check digit or X; character %ld "
				"is not allowed"),
			     at + 1);
		return FALSE;
	}
	normalized = g_strdup (number);
	if (normalized[17] == 'x')
		normalized[17] = 'X';
	for (guint i = 0; i < HY_ID_NUMBER_LENGTH; i++) {
		if (g_ascii_isdigit (normalized[i]) || (i == 17 && normalized[i] == 'X'))
			continue;
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("an ID number is 17 digits and a check digit or X; character %u "
				"is not allowed"),
			     i + 1);
		return FALSE;
	}
	birthday = hy_id_number_date_text (normalized);
	if (!hy_date_parse (birthday, &date)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the birth date in the ID number (%s) is not a real date"),
			     birthday);
		return FALSE;
	}
	if (hy_date_is_future (&date)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the birth date in the ID number (%s) is in the future"), birthday);
		return FALSE;
	}
	check = hy_id_number_check_char (normalized);
	if (check != normalized[17]) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the ID number's check character is wrong: a typing mistake?"));
		return FALSE;
	}
	if (normalized_out != NULL)
		*normalized_out = g_steal_pointer (&normalized);
	return TRUE;
}

gchar *
hy_id_number_birthday (const gchar *number)
{
	g_autofree gchar *normalized = NULL;
	if (!hy_id_number_validate (number, &normalized, NULL))
		return NULL;
	return hy_id_number_date_text (normalized);
}

const gchar *
hy_id_number_gender (const gchar *number)
{
	if (!hy_id_number_validate (number, NULL, NULL))
		return NULL;
	return (number[16] - '0') % 2 == 1 ? "male" : "female";
}
