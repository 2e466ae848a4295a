#include "config.h"

#include "hy-error.h"
#include "hy-hlc.h"

gint64
hy_hlc_next (gint64 last, gint64 wall_ms, gint64 remote)
{
	gint64 last_ms = HY_HLC_MS (last);
	gint64 remote_ms = HY_HLC_MS (remote);
	gint64 ms = MAX (wall_ms, MAX (last_ms, remote_ms));
	gint64 counter = 0;

	if (ms == last_ms && ms == remote_ms)
		counter = MAX (HY_HLC_COUNTER (last), HY_HLC_COUNTER (remote)) + 1;
	else if (ms == last_ms)
		counter = HY_HLC_COUNTER (last) + 1;
	else if (ms == remote_ms)
		counter = HY_HLC_COUNTER (remote) + 1;
	if (counter > 0xffff) {
		/* counter exhausted: borrow the next millisecond */
		ms++;
		counter = 0;
	}
	return (ms << 16) | counter;
}

static gboolean
hy_hlc_advance (HyDb *db, gint64 remote, gint64 *out, GError **error)
{
	g_autofree gchar *stored = hy_db_meta_get (db, "hlc");
	gint64 last = stored != NULL ? g_ascii_strtoll (stored, NULL, 10) : 0;
	gint64 next = hy_hlc_next (last, g_get_real_time () / 1000, remote);
	g_autofree gchar *text = g_strdup_printf ("%" G_GINT64_FORMAT, next);

	if (hy_db_in_transaction (db))
		hy_db_meta_set_at_commit (db, "hlc", text);
	else if (!hy_db_meta_set (db, "hlc", text, error))
		return FALSE;
	if (out != NULL)
		*out = next;
	return TRUE;
}

gboolean
hy_hlc_tick (HyDb *db, gint64 *hlc, GError **error)
{
	return hy_hlc_advance (db, 0, hlc, error);
}

gboolean
hy_hlc_observe (HyDb *db, gint64 remote, GError **error)
{
	return hy_hlc_advance (db, remote, NULL, error);
}
