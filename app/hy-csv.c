#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-csv.h"
#include "hy-error.h"

struct _HyCsvReader {
	gchar *name;
	const gchar *text;
	const gchar *end;
	const gchar *pos;
	const gchar *line_start; /* for column numbers */
	guint line;		 /* of `pos` */
	guint record_line;	 /* where the last record started */
};

HyCsvReader *
hy_csv_reader_new (const gchar *name, const gchar *text, gsize length)
{
	HyCsvReader *reader = g_new0 (HyCsvReader, 1);
	reader->name = g_strdup (name);
	reader->text = text;
	reader->end = text + length;
	reader->pos = text;
	reader->line_start = text;
	reader->line = 1;
	return reader;
}

void
hy_csv_reader_free (HyCsvReader *reader)
{
	g_free (reader->name);
	g_free (reader);
}

guint
hy_csv_reader_get_line (HyCsvReader *reader)
{
	return reader->record_line;
}

static gboolean
hy_csv_fail (HyCsvReader *reader, const gchar *at, const gchar *reason, GError **error)
{
	/* columns count characters, as an editor shows them */
	glong column = g_utf8_pointer_to_offset (reader->line_start, at) + 1;
	g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT, "%s:%u:%ld: %s", reader->name,
		     reader->line, column, reason);
	return FALSE;
}

/* Consumes a line end at `pos` (CRLF, LF or a lone CR) and returns TRUE if there was one. */
static gboolean
hy_csv_eat_newline (HyCsvReader *reader)
{
	if (reader->pos < reader->end && (*reader->pos == '\r' || *reader->pos == '\n')) {
		if (*reader->pos == '\r' && reader->pos + 1 < reader->end && reader->pos[1] == '\n')
			reader->pos++;
		reader->pos++;
		reader->line++;
		reader->line_start = reader->pos;
		return TRUE;
	}
	return FALSE;
}

static gboolean
hy_csv_read_quoted (HyCsvReader *reader, GString *field, GError **error)
{
	const gchar *open = reader->pos;
	guint open_line = reader->line;
	const gchar *open_line_start = reader->line_start;

	reader->pos++; /* the opening quote */
	while (TRUE) {
		if (reader->pos >= reader->end) {
			/* point at the opening quote, where the mistake usually is */
			reader->line = open_line;
			reader->line_start = open_line_start;
			return hy_csv_fail (reader, open, _ ("quoted field is never closed"),
					    error);
		}
		if (*reader->pos == '"') {
			if (reader->pos + 1 < reader->end && reader->pos[1] == '"') {
				g_string_append_c (field, '"');
				reader->pos += 2;
				continue;
			}
			reader->pos++;
			break;
		}
		if (*reader->pos == '\r' || *reader->pos == '\n') {
			/* embedded line ends are kept as LF */
			hy_csv_eat_newline (reader);
			g_string_append_c (field, '\n');
			continue;
		}
		g_string_append_c (field, *reader->pos++);
	}
	if (reader->pos < reader->end && *reader->pos != ',' && *reader->pos != '\r' &&
	    *reader->pos != '\n')
		return hy_csv_fail (
			reader, reader->pos,
			_ ("unexpected text after a closing quote (write \"\" for a quote "
			   "inside a quoted field)"),
			error);
	return TRUE;
}

gchar **
hy_csv_reader_next (HyCsvReader *reader, GError **error)
{
	g_autoptr (GPtrArray) fields = NULL;

	/* skip empty lines */
	while (hy_csv_eat_newline (reader))
		;
	if (reader->pos >= reader->end)
		return NULL;

	reader->record_line = reader->line;
	fields = g_ptr_array_new_with_free_func (g_free);
	while (TRUE) {
		g_autoptr (GString) field = g_string_new (NULL);
		if (reader->pos < reader->end && *reader->pos == '"') {
			if (!hy_csv_read_quoted (reader, field, error))
				return NULL;
		} else {
			while (reader->pos < reader->end && *reader->pos != ',' &&
			       *reader->pos != '\r' && *reader->pos != '\n') {
				if (*reader->pos == '"') {
					hy_csv_fail (
						reader, reader->pos,
						_ ("a quote inside a field that does not start "
						   "with a quote"),
						error);
					return NULL;
				}
				g_string_append_c (field, *reader->pos++);
			}
		}
		g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
		if (reader->pos < reader->end && *reader->pos == ',') {
			reader->pos++;
			continue;
		}
		hy_csv_eat_newline (reader);
		break;
	}
	g_ptr_array_add (fields, NULL);
	return (gchar **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
}

void
hy_csv_append_field (GString *line, const gchar *value, gboolean first)
{
	if (!first)
		g_string_append_c (line, ',');
	if (value == NULL)
		return;
	if (strpbrk (value, ",\"\r\n") == NULL && value[0] != ' ' && value[0] != '\t') {
		g_string_append (line, value);
		return;
	}
	g_string_append_c (line, '"');
	for (const gchar *p = value; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c (line, '"');
		g_string_append_c (line, *p);
	}
	g_string_append_c (line, '"');
}
