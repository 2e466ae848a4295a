#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hy-admin-common.h"
#include "hy-date.h"
#include "hy-error.h"

void
hy_admin_options_clear (HyAdminOptions *options)
{
	g_clear_pointer (&options->db, g_free);
	g_clear_pointer (&options->operator_login, g_free);
	g_clear_pointer (&options->args, g_strfreev);
	g_clear_pointer (&options->context, g_option_context_free);
}

void
hy_admin_set_usage_error (GError **error, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *message = NULL;
	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
}

gboolean
hy_admin_parse (HyAdminOptions *options,
		gint argc,
		gchar **argv,
		const gchar *parameter_string,
		const gchar *summary,
		const gchar *description,
		const GOptionEntry *entries,
		HyAdminOptFlags flags,
		guint min_args,
		guint max_args,
		GError **error)
{
	const GOptionEntry db_entries[] = {{"db", 0, 0, G_OPTION_ARG_FILENAME, &options->db,
					    N_ ("The store database file (required)"), N_ ("PATH")},
					   {NULL}};
	const GOptionEntry operator_entries[] = {{"operator", 0, 0, G_OPTION_ARG_STRING,
						  &options->operator_login,
						  N_ ("Sign in as this operator (required); the "
						      "password comes from HUIYUAN_PASSWORD "
						      "or is asked on the terminal"),
						  N_ ("LOGIN")},
						 {NULL}};
	const GOptionEntry json_entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &options->json,
		 N_ ("Print JSON (money in fen, points in hundredths)"), NULL},
		{NULL}};
	const GOptionEntry verbose_entries[] = {{"verbose", 'v', 0, G_OPTION_ARG_NONE,
						 &options->verbose, N_ ("Print debug messages"),
						 NULL},
						{NULL}};
	g_auto (GStrv) strv = NULL;
	const gchar *command = argv[0];
	gboolean ok;
	guint n_args;

	options->flags = flags;
	options->context = g_option_context_new (parameter_string);
	g_option_context_set_translation_domain (options->context, GETTEXT_PACKAGE);
	if (summary != NULL)
		g_option_context_set_summary (options->context, _ (summary));
	if (description != NULL)
		g_option_context_set_description (options->context, _ (description));
	if (entries != NULL)
		g_option_context_add_main_entries (options->context, entries, GETTEXT_PACKAGE);
	if (flags & HY_ADMIN_OPT_DB)
		g_option_context_add_main_entries (options->context, db_entries, GETTEXT_PACKAGE);
	if (flags & HY_ADMIN_OPT_OPERATOR)
		g_option_context_add_main_entries (options->context, operator_entries,
						   GETTEXT_PACKAGE);
	if (flags & HY_ADMIN_OPT_JSON)
		g_option_context_add_main_entries (options->context, json_entries, GETTEXT_PACKAGE);
	g_option_context_add_main_entries (options->context, verbose_entries, GETTEXT_PACKAGE);

	/* the usage line names the whole command: "huiyuan-admin card lose" */
	g_set_prgname (argv[0]);
	strv = g_new0 (gchar *, argc + 1);
	for (gint i = 0; i < argc; i++)
		strv[i] = g_strdup (argv[i]);
	ok = g_option_context_parse_strv (options->context, &strv, error);
	g_set_prgname (HY_ADMIN_PROGRAM);
	/* errors name the subcommand without the program: "card lose: …" */
	if (g_str_has_prefix (command, HY_ADMIN_PROGRAM " "))
		command += strlen (HY_ADMIN_PROGRAM " ");
	if (!ok) {
		g_prefix_error (error, "%s: ", command);
		return FALSE;
	}

	if (options->verbose)
		g_log_set_debug_enabled (TRUE);

	n_args = g_strv_length (strv) - 1;
	options->args = g_new0 (gchar *, n_args + 1);
	for (guint i = 0; i < n_args; i++)
		options->args[i] = g_strdup (strv[i + 1]);

	if ((flags & HY_ADMIN_OPT_DB) && (options->db == NULL || options->db[0] == '\0')) {
		hy_admin_set_usage_error (error, _ ("%s: --db PATH is required"), command);
		return FALSE;
	}
	if ((flags & HY_ADMIN_OPT_OPERATOR) &&
	    (options->operator_login == NULL || options->operator_login[0] == '\0')) {
		hy_admin_set_usage_error (error, _ ("%s: --operator LOGIN is required"), command);
		return FALSE;
	}
	if (n_args < min_args) {
		hy_admin_set_usage_error (error, _ ("%s: missing argument %s"), command,
					  parameter_string != NULL ? parameter_string : "");
		return FALSE;
	}
	if (n_args > max_args) {
		hy_admin_set_usage_error (error, _ ("%s: unexpected argument “%s”"), command,
					  options->args[max_args]);
		return FALSE;
	}
	return TRUE;
}

gint
hy_admin_error_to_exit (const GError *error)
{
	if (error == NULL)
		return HY_ADMIN_EXIT_OK;
	if (error->domain == HY_ERROR) {
		switch ((HyErrorCode) error->code) {
		case HY_ERROR_PERMISSION_DENIED:
			return HY_ADMIN_EXIT_DENIED;
		case HY_ERROR_VERIFY_FAILED:
			return HY_ADMIN_EXIT_VERIFY_FAILED;
		case HY_ERROR_FAILED:
		case HY_ERROR_INVALID_INPUT:
		case HY_ERROR_NOT_FOUND:
		case HY_ERROR_AUTH_FAILED:
		case HY_ERROR_CONFLICT:
		case HY_ERROR_INSUFFICIENT:
		case HY_ERROR_SCHEMA:
		default:
			return HY_ADMIN_EXIT_USAGE;
		}
	}
	/* option errors, files that cannot be read or written */
	return HY_ADMIN_EXIT_USAGE;
}

gint
hy_admin_fail (const GError *error)
{
	g_autofree gchar *line = NULL;
	if (error == NULL) {
		g_printerr ("%s: %s\n", HY_ADMIN_PROGRAM, _ ("unknown error"));
		return HY_ADMIN_EXIT_USAGE;
	}
	/* exactly one line */
	line = g_strdup (error->message);
	g_strdelimit (line, "\r\n", ' ');
	g_printerr ("%s: %s\n", HY_ADMIN_PROGRAM, line);
	return hy_admin_error_to_exit (error);
}

HyDb *
hy_admin_open_db (const HyAdminOptions *options, gboolean readonly, GError **error)
{
	HyDb *db;
	g_debug ("opening the database%s", readonly ? " read-only" : "");
	db = hy_db_open (options->db, readonly ? HY_DB_OPEN_READONLY : HY_DB_OPEN_EXISTING, error);
	if (db == NULL)
		g_prefix_error (error, "%s: ", options->db);
	return db;
}

static gchar *
hy_admin_read_tty_line (gint fd, const gchar *prompt, GError **error)
{
	struct termios saved, quiet;
	g_autoptr (GString) line = g_string_new (NULL);
	gboolean have_termios = tcgetattr (fd, &saved) == 0;

	if (write (fd, prompt, strlen (prompt)) < 0) {
		/* nothing to do: the read below still works */
	}
	if (have_termios) {
		quiet = saved;
		quiet.c_lflag &= ~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr (fd, TCSAFLUSH, &quiet);
	}
	for (;;) {
		gchar c;
		gssize n = read (fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		g_string_append_c (line, c);
	}
	if (have_termios)
		tcsetattr (fd, TCSAFLUSH, &saved);
	if (write (fd, "\n", 1) < 0) {
		/* the secret was read; the newline is cosmetic */
	}
	if (!g_utf8_validate (line->str, -1, NULL)) {
		memset (line->str, 0, line->len);
		g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				     _ ("the text typed is not valid UTF-8"));
		return NULL;
	}
	return g_string_free (g_steal_pointer (&line), FALSE);
}

gchar *
hy_admin_read_secret (const gchar *env, const gchar *prompt, gboolean confirm, GError **error)
{
	const gchar *value = env != NULL ? g_getenv (env) : NULL;
	g_autofree gchar *first = NULL;
	g_autofree gchar *second = NULL;
	gint fd;

	if (value != NULL)
		return g_strdup (value);

	fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		hy_admin_set_usage_error (error, _ ("no terminal to ask for the secret: set %s"),
					  env);
		return NULL;
	}
	first = hy_admin_read_tty_line (fd, prompt, error);
	if (first != NULL && confirm) {
		second = hy_admin_read_tty_line (fd, _ ("Again: "), error);
		if (second != NULL && g_strcmp0 (first, second) != 0) {
			hy_admin_set_usage_error (error, _ ("the two entries differ"));
			memset (first, 0, strlen (first));
			g_clear_pointer (&first, g_free);
		}
		if (second != NULL)
			memset (second, 0, strlen (second));
	}
	close (fd);
	return g_steal_pointer (&first);
}

HyActor *
hy_admin_login (HyDb *db, const HyAdminOptions *options, GError **error)
{
	g_autofree gchar *prompt =
		g_strdup_printf (_ ("Password for %s: "), options->operator_login);
	g_autofree gchar *password =
		hy_admin_read_secret ("HUIYUAN_PASSWORD", prompt, FALSE, error);
	HyActor *actor;

	if (password == NULL)
		return NULL;
	actor = hy_actor_login (db, options->operator_login, password, error);
	memset (password, 0, strlen (password));
	if (actor != NULL)
		g_debug ("signed in as %s (%s)", hy_actor_get_login (actor),
			 hy_actor_get_role (actor));
	return actor;
}

void
hy_admin_print_json (JsonNode *node)
{
	g_autoptr (JsonGenerator) generator = json_generator_new ();
	g_autofree gchar *text = NULL;
	json_generator_set_pretty (generator, TRUE);
	json_generator_set_indent (generator, 2);
	json_generator_set_root (generator, node);
	text = json_generator_to_data (generator, NULL);
	g_print ("%s\n", text);
}

void
hy_admin_print_json_object (JsonObject *object)
{
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	json_node_set_object (node, object);
	hy_admin_print_json (node);
}

gchar *
hy_admin_format_hundredths (gint64 value)
{
	guint64 magnitude = value < 0 ? (guint64) (-(value + 1)) + 1 : (guint64) value;
	return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", value < 0 ? "-" : "",
				magnitude / 100, (guint) (magnitude % 100));
}

gboolean
hy_admin_parse_int64 (const gchar *option, const gchar *text, gint64 *out, GError **error)
{
	g_autoptr (GError) local = NULL;
	if (text == NULL) {
		hy_admin_set_usage_error (error, _ ("%s is required"), option);
		return FALSE;
	}
	if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, &local)) {
		hy_admin_set_usage_error (error, _ ("%s: “%s” is not a whole number"), option,
					  text);
		return FALSE;
	}
	return TRUE;
}

gboolean
hy_admin_check_date (const gchar *option, const gchar *text, GError **error)
{
	if (text == NULL || !hy_date_parse (text, NULL)) {
		hy_admin_set_usage_error (error, _ ("%s: “%s” is not a date (YYYY-MM-DD)"), option,
					  text != NULL ? text : "");
		return FALSE;
	}
	return TRUE;
}

gint
hy_admin_text_width (const gchar *text)
{
	gint width = 0;
	for (const gchar *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_iszerowidth (c))
			continue;
		width += g_unichar_iswide (c) ? 2 : 1;
	}
	return width;
}

void
hy_admin_append_padded (GString *out, const gchar *text, gint width)
{
	gint used = hy_admin_text_width (text);
	g_string_append (out, text != NULL ? text : "");
	for (gint i = used; i < width; i++)
		g_string_append_c (out, ' ');
}

void
hy_admin_append_right (GString *out, const gchar *text, gint width)
{
	for (gint i = hy_admin_text_width (text); i < width; i++)
		g_string_append_c (out, ' ');
	g_string_append (out, text);
}

void
hy_admin_append_table (GString *out,
		       const gchar *const *headers,
		       const HyAdminAlign *align,
		       guint n_cols,
		       GPtrArray *rows)
{
	g_autofree gint *widths = g_new0 (gint, n_cols);
	for (guint c = 0; c < n_cols; c++) {
		widths[c] = hy_admin_text_width (headers[c]);
		for (guint i = 0; i < rows->len; i++) {
			const gchar *const *row = g_ptr_array_index (rows, i);
			widths[c] = MAX (widths[c], hy_admin_text_width (row[c]));
		}
	}
	for (guint i = 0; i <= rows->len; i++) {
		const gchar *const *row =
			i == 0 ? headers : (const gchar *const *) g_ptr_array_index (rows, i - 1);
		for (guint c = 0; c < n_cols; c++) {
			if (c > 0)
				g_string_append (out, "  ");
			if (align[c] == HY_ADMIN_ALIGN_RIGHT)
				hy_admin_append_right (out, row[c], widths[c]);
			else if (align[c] == HY_ADMIN_ALIGN_LEFT)
				hy_admin_append_padded (out, row[c], widths[c]);
			else
				g_string_append (out, row[c]);
		}
		while (out->len > 0 && out->str[out->len - 1] == ' ')
			g_string_truncate (out, out->len - 1);
		g_string_append_c (out, '\n');
	}
}

static void
hy_admin_print_group_help (const HyAdminCommand *group,
			   const gchar *prefix,
			   const gchar *group_summary)
{
	g_autoptr (GString) text = g_string_new (NULL);
	g_string_append_printf (text, _ ("Usage:\n  %s COMMAND [OPTION…]\n\n"), prefix);
	if (group_summary != NULL)
		g_string_append_printf (text, "%s\n\n", _ (group_summary));
	g_string_append (text, _ ("Commands:\n"));
	for (const HyAdminCommand *c = group; c->name != NULL; c++)
		g_string_append_printf (text, "  %-12s %s\n", c->name, _ (c->summary));
	g_string_append_printf (text, _ ("\nRun “%s COMMAND --help” for a command’s options.\n"),
				prefix);
	g_print ("%s", text->str);
}

gint
hy_admin_dispatch (const HyAdminCommand *group,
		   const gchar *prefix,
		   const gchar *group_summary,
		   gint argc,
		   gchar **argv)
{
	const gchar *name = argc > 1 ? argv[1] : NULL;

	if (name == NULL) {
		g_printerr (_ ("%s: no command given; see “%s --help”\n"), HY_ADMIN_PROGRAM,
			    prefix);
		return HY_ADMIN_EXIT_USAGE;
	}
	if (g_strcmp0 (name, "--help") == 0 || g_strcmp0 (name, "-h") == 0 ||
	    g_strcmp0 (name, "help") == 0) {
		hy_admin_print_group_help (group, prefix, group_summary);
		return HY_ADMIN_EXIT_OK;
	}
	for (const HyAdminCommand *c = group; c->name != NULL; c++) {
		g_autofree gchar *full = NULL;
		g_autofree gchar **sub_argv = NULL;
		if (g_strcmp0 (c->name, name) != 0)
			continue;
		full = g_strdup_printf ("%s %s", prefix, c->name);
		/* argv[0] of the child is the whole command so far; the array is shallow */
		sub_argv = g_new0 (gchar *, argc);
		sub_argv[0] = full;
		for (gint i = 2; i < argc; i++)
			sub_argv[i - 1] = argv[i];
		if (c->children != NULL)
			return hy_admin_dispatch (c->children, full, c->summary, argc - 1,
						  sub_argv);
		return c->run (argc - 1, sub_argv);
	}
	g_printerr (_ ("%s: unknown command “%s”; see “%s --help”\n"), HY_ADMIN_PROGRAM, name,
		    prefix);
	return HY_ADMIN_EXIT_USAGE;
}
