/* huiyuan-relay: the HQ relay. Serves the HQ database to the stores: enrolment, push,
 * pull with long-poll, snapshot, health. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "hy-relay-server.h"

static gboolean
hy_relay_quit (gpointer user_data)
{
	g_main_loop_quit (user_data);
	return G_SOURCE_REMOVE;
}

/* "HOST:PORT", "[v6]:PORT" */
static gboolean
hy_relay_parse_listen (const gchar *text, gchar **host, guint *port, GError **error)
{
	const gchar *colon = text != NULL ? strrchr (text, ':') : NULL;
	guint64 value = 0;
	if (colon == NULL || colon == text ||
	    !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL)) {
		g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			     _ ("--listen must be HOST:PORT, not “%s”"), text != NULL ? text : "");
		return FALSE;
	}
	if (text[0] == '[' && colon[-1] == ']')
		*host = g_strndup (text + 1, colon - text - 2);
	else
		*host = g_strndup (text, colon - text);
	*port = (guint) value;
	return TRUE;
}

int
main (int argc, char **argv)
{
	g_autofree gchar *db_path = NULL;
	g_autofree gchar *listen = NULL;
	g_autofree gchar *cert = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *host = NULL;
	g_autofree gchar *url = NULL;
	gboolean verbose = FALSE;
	guint port = 0;
	g_autoptr (GError) error = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GTlsCertificate) tls = NULL;
	g_autoptr (HyDb) db = NULL;
	g_autoptr (HyRelayServer) server = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	const GOptionEntry entries[] = {
		{"db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_ ("The HQ database (required)"),
		 N_ ("PATH")},
		{"listen", 0, 0, G_OPTION_ARG_STRING, &listen,
		 N_ ("Address and port to listen on; port 0 picks a free one (required)"),
		 N_ ("HOST:PORT")},
		{"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_ ("TLS certificate (PEM)"),
		 N_ ("FILE")},
		{"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_ ("TLS private key (PEM)"),
		 N_ ("FILE")},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_ ("Log every request"), NULL},
		{NULL}};

	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	g_set_prgname ("huiyuan-relay");

	context = g_option_context_new (NULL);
	g_option_context_set_summary (
		context, _ ("The HQ relay: stores push their changes to it and pull each "
			    "other’s. It prints the URL it listens on, then serves until "
			    "SIGTERM or SIGINT. Plain HTTP only on a loopback address."));
	g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		goto fail;
	if (db_path == NULL || listen == NULL) {
		g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			     _ ("--db PATH and --listen HOST:PORT are required"));
		goto fail;
	}
	if ((cert == NULL) != (key == NULL)) {
		g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			     _ ("--tls-cert and --tls-key go together"));
		goto fail;
	}
	if (verbose)
		g_setenv ("G_MESSAGES_DEBUG", "HyRelay", FALSE);
	if (!hy_relay_parse_listen (listen, &host, &port, &error))
		goto fail;
	if (cert != NULL) {
		tls = g_tls_certificate_new_from_files (cert, key, &error);
		if (tls == NULL)
			goto fail;
	}
	db = hy_db_open (db_path, HY_DB_OPEN_EXISTING, &error);
	if (db == NULL)
		goto fail;
	server = hy_relay_server_new (db, tls, &error);
	if (server == NULL)
		goto fail;
	if (!hy_relay_server_listen (server, host, port, &error))
		goto fail;
	url = hy_relay_server_get_url (server);
	g_print ("listening on %s\n", url);
	fflush (stdout);

	loop = g_main_loop_new (NULL, FALSE);
	g_unix_signal_add (SIGTERM, hy_relay_quit, loop);
	g_unix_signal_add (SIGINT, hy_relay_quit, loop);
	g_main_loop_run (loop);
	return 0;

fail:
	g_printerr ("huiyuan-relay: %s\n", error->message);
	return 2;
}
