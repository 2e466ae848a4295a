/* Huiyuan: citizen ID numbers (GB 11643-1999), as read from second-generation ID cards. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HY_ID_NUMBER_LENGTH 18

/* Checks the length, the digits, the embedded birth date (a real date, not in the
 * future) and the check character. On success `normalized_out` (may be NULL) gets the
 * number with a lowercase check "x" made "X". HY_ERROR_INVALID_INPUT says what is wrong. */
gboolean
hy_id_number_validate (const gchar *number, gchar **normalized_out, GError **error);
/* The check character ('0'–'9' or 'X') for the first 17 digits, or 0 if they are not
 * 17 digits. */
gchar
hy_id_number_check_char (const gchar *body);
/* The full 18-character number for a 17-digit body; NULL if the body is not 17 digits. */
gchar *
hy_id_number_complete (const gchar *body);
/* The birthday as YYYY-MM-DD, and "male"/"female" (odd 17th digit = male), of a number
 * that validates; NULL otherwise. */
gchar *
hy_id_number_birthday (const gchar *number);
const gchar *
hy_id_number_gender (const gchar *number);

G_END_DECLS
