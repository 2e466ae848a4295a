#include "config.h"

#include "hy-resources.h"
#include "hy-ui.h"

void
hy_ui_ensure_resources (void)
{
	static gsize once = 0;
	if (g_once_init_enter (&once)) {
		hy_ui_register_resource ();
		g_once_init_leave (&once, 1);
	}
}

gchar *
hy_ui_error_text (const GError *error)
{
	const gchar *message = error != NULL ? error->message : "";
	gunichar first = g_utf8_get_char (message);
	gchar buf[8] = {0};
	if (first == 0)
		return g_strdup (message);
	g_unichar_to_utf8 (g_unichar_totitle (first), buf);
	return g_strconcat (buf, g_utf8_next_char (message), NULL);
}
