#include "config.h"

#include <sys/random.h>

#include "hy-id.h"

static GMutex hy_id_lock;
static guint64 hy_id_last_ms;
static guint16 hy_id_counter;

static void
hy_id_random (guint8 *buf, gsize len)
{
	gsize done = 0;
	while (done < len) {
		gssize n = getrandom (buf + done, len - done, 0);
		if (n > 0)
			done += (gsize) n;
	}
}

gchar *
hy_id_new (void)
{
	guint8 b[16];
	guint64 ms = (guint64) (g_get_real_time () / 1000);
	guint16 counter;

	hy_id_random (b, sizeof (b));
	g_mutex_lock (&hy_id_lock);
	/* monotonic even if the wall clock steps back, and ordered within one ms */
	if (ms <= hy_id_last_ms) {
		ms = hy_id_last_ms;
		if (++hy_id_counter > 0x0fff) {
			ms++;
			hy_id_counter = 0;
		}
	} else {
		/* start the counter low but random so it has room to count up */
		hy_id_counter = b[6] & 0x07;
	}
	hy_id_last_ms = ms;
	counter = hy_id_counter;
	g_mutex_unlock (&hy_id_lock);

	b[0] = (ms >> 40) & 0xff;
	b[1] = (ms >> 32) & 0xff;
	b[2] = (ms >> 24) & 0xff;
	b[3] = (ms >> 16) & 0xff;
	b[4] = (ms >> 8) & 0xff;
	b[5] = ms & 0xff;
	b[6] = 0x70 | ((counter >> 8) & 0x0f);
	b[7] = counter & 0xff;
	b[8] = 0x80 | (b[8] & 0x3f);
	return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				"%02x%02x%02x%02x%02x%02x",
				b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
				b[11], b[12], b[13], b[14], b[15]);
}

gboolean
hy_id_is_valid (const gchar *id)
{
	if (id == NULL || strlen (id) != 36)
		return FALSE;
	for (guint i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (id[i] != '-')
				return FALSE;
		} else if (!g_ascii_isxdigit (id[i]) || g_ascii_isupper (id[i])) {
			return FALSE;
		}
	}
	return id[14] == '7';
}

gint64
hy_id_get_time_ms (const gchar *id)
{
	gchar hex[13];
	if (!hy_id_is_valid (id))
		return -1;
	memcpy (hex, id, 8);
	memcpy (hex + 8, id + 9, 4);
	hex[12] = '\0';
	return (gint64) g_ascii_strtoull (hex, NULL, 16);
}
