/* Huiyuan: a small RFC 4180 CSV reader and writer (quoted fields with embedded commas,
 * quotes and newlines; CRLF or LF line ends). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HyCsvReader HyCsvReader;

/* Reads records from UTF-8 `text` (not copied: it must outlive the reader). `name`
 * (usually the file's base name) prefixes error messages. */
HyCsvReader *
hy_csv_reader_new (const gchar *name, const gchar *text, gsize length);
void
hy_csv_reader_free (HyCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCsvReader, hy_csv_reader_free)

/* The next record as a NULL-terminated array of fields, NULL at the end of the text
 * (error unset) or on malformed input (HY_ERROR_INVALID_INPUT, "name:line:column:
 * reason"). Empty lines are skipped. */
gchar **
hy_csv_reader_next (HyCsvReader *reader, GError **error);
/* The line on which the last record returned started (1-based). */
guint
hy_csv_reader_get_line (HyCsvReader *reader);

/* Appends `value` to `line` as one field, quoted only when it must be, preceded by a
 * comma unless `first`. NULL is an empty field. */
void
hy_csv_append_field (GString *line, const gchar *value, gboolean first);

G_END_DECLS
