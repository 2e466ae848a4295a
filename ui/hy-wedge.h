/* Huiyuan UI: telling a keyboard-wedge card or barcode reader from a person by timing.
 *
 * A reader types its whole code in a burst, every key within a few milliseconds of the
 * last, then Enter (or Tab); a person is far slower (../shared/DEVICES.md). Fed every key
 * with its event time, the detector says when a burst ends and what it typed.
 *
 * Better than timing, when the reader's input device is known by name (GSettings
 * `reader-device`, as GDK names the event's source device): every key from that device
 * is the reader's whatever its timing, kept apart from the keyboard's. Timing stays the
 * fallback for other devices. It is a pure object over (character, time, device name):
 * the window feeds it GDK key events. */
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

/* The reader's input device by name; NULL or "" recognises the reader by timing only. */
void
hy_wedge_set_device (HyWedge *self, const gchar *name);
const gchar *
hy_wedge_get_device (HyWedge *self);
/* Whether a key whose source device is named `device` (may be NULL) is the reader's. */
gboolean
hy_wedge_is_reader (HyWedge *self, const gchar *device);
/* A printable character from the reader's device. */
void
hy_wedge_feed_reader_char (HyWedge *self, gunichar ch);
/* Enter or Tab from the reader's device: the code it typed (free it), or NULL when it
 * typed nothing. The reader's buffer starts afresh. */
gchar *
hy_wedge_feed_reader_end (HyWedge *self);

G_END_DECLS
