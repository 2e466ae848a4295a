/* Huiyuan UI: telling a keyboard-wedge card or barcode reader from a person by timing.
 *
 * A reader types its whole code in a burst, every key within a few milliseconds of the
 * last, then Enter (or Tab); a person is far slower (../shared/DEVICES.md). Fed every key
 * with its event time, the detector says when a burst ends and what it typed. It is a
 * pure object over (character, time): the window feeds it GDK key events. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HY_WEDGE_DEFAULT_MAX_GAP_MS 30
#define HY_WEDGE_DEFAULT_MIN_LENGTH 4

#define HY_TYPE_WEDGE (hy_wedge_get_type ())
G_DECLARE_FINAL_TYPE (HyWedge, hy_wedge, HY, WEDGE, GObject)

HyWedge *
hy_wedge_new (guint max_gap_ms, guint min_length);

/* A printable character typed at `time_ms`. */
void
hy_wedge_feed_char (HyWedge *self, gunichar ch, guint32 time_ms);
/* Enter or Tab at `time_ms`: returns the code (free it) when it ends a reader's burst,
 * else NULL. Either way the detector starts afresh. */
gchar *
hy_wedge_feed_end (HyWedge *self, guint32 time_ms);
/* Any other key (arrows, Backspace…) is a person at work: forget the burst. */
void
hy_wedge_reset (HyWedge *self);
/* Characters of the current burst so far. */
guint
hy_wedge_get_pending (HyWedge *self);

G_END_DECLS
