#include "config.h"

#include "hy-wedge.h"

struct _HyWedge {
	GObject parent_instance;
	guint max_gap_ms;
	guint min_length;
	GString *burst;
	guint32 last_ms;
	gchar *device;	 /* the reader's input device, or NULL: timing only */
	GString *reader; /* what the reader's device typed since its last Enter */
};

G_DEFINE_TYPE (HyWedge, hy_wedge, G_TYPE_OBJECT)

static void
hy_wedge_finalize (GObject *object)
{
	HyWedge *self = HY_WEDGE (object);
	g_string_free (self->burst, TRUE);
	g_string_free (self->reader, TRUE);
	g_free (self->device);
	G_OBJECT_CLASS (hy_wedge_parent_class)->finalize (object);
}

static void
hy_wedge_class_init (HyWedgeClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = hy_wedge_finalize;
}

static void
hy_wedge_init (HyWedge *self)
{
	self->burst = g_string_new (NULL);
	self->reader = g_string_new (NULL);
	self->max_gap_ms = HY_WEDGE_DEFAULT_MAX_GAP_MS;
	self->min_length = HY_WEDGE_DEFAULT_MIN_LENGTH;
}

HyWedge *
hy_wedge_new (guint max_gap_ms, guint min_length)
{
	HyWedge *self = g_object_new (HY_TYPE_WEDGE, NULL);
	self->max_gap_ms = max_gap_ms;
	self->min_length = MAX (min_length, 1);
	return self;
}

/* Event times are 32-bit milliseconds that wrap; unsigned subtraction handles it. */
static gboolean
hy_wedge_is_close (HyWedge *self, guint32 time_ms)
{
	return (guint32) (time_ms - self->last_ms) < self->max_gap_ms;
}

void
hy_wedge_feed_char (HyWedge *self, gunichar ch, guint32 time_ms)
{
	g_return_if_fail (HY_IS_WEDGE (self));
	/* a slow key starts a new candidate burst: a person's typing followed by a swipe
	 * still finds the swipe */
	if (self->burst->len > 0 && !hy_wedge_is_close (self, time_ms))
		g_string_truncate (self->burst, 0);
	g_string_append_unichar (self->burst, ch);
	self->last_ms = time_ms;
}

gchar *
hy_wedge_feed_end (HyWedge *self, guint32 time_ms)
{
	gchar *code = NULL;
	g_return_val_if_fail (HY_IS_WEDGE (self), NULL);
	if (g_utf8_strlen (self->burst->str, -1) >= (glong) self->min_length &&
	    hy_wedge_is_close (self, time_ms))
		code = g_strdup (self->burst->str);
	g_string_truncate (self->burst, 0);
	return code;
}

void
hy_wedge_reset (HyWedge *self)
{
	g_return_if_fail (HY_IS_WEDGE (self));
	g_string_truncate (self->burst, 0);
}

guint
hy_wedge_get_pending (HyWedge *self)
{
	g_return_val_if_fail (HY_IS_WEDGE (self), 0);
	return (guint) g_utf8_strlen (self->burst->str, -1);
}

void
hy_wedge_set_device (HyWedge *self, const gchar *name)
{
	g_return_if_fail (HY_IS_WEDGE (self));
	g_free (self->device);
	self->device = name != NULL && name[0] != '\0' ? g_strdup (name) : NULL;
	g_string_truncate (self->reader, 0);
}

const gchar *
hy_wedge_get_device (HyWedge *self)
{
	g_return_val_if_fail (HY_IS_WEDGE (self), NULL);
	return self->device;
}

gboolean
hy_wedge_is_reader (HyWedge *self, const gchar *device)
{
	g_return_val_if_fail (HY_IS_WEDGE (self), FALSE);
	return self->device != NULL && g_strcmp0 (self->device, device) == 0;
}

void
hy_wedge_feed_reader_char (HyWedge *self, gunichar ch)
{
	g_return_if_fail (HY_IS_WEDGE (self));
	g_string_append_unichar (self->reader, ch);
}

gchar *
hy_wedge_feed_reader_end (HyWedge *self)
{
	gchar *code = NULL;
	g_return_val_if_fail (HY_IS_WEDGE (self), NULL);
	if (self->reader->len > 0)
		code = g_strdup (self->reader->str);
	g_string_truncate (self->reader, 0);
	return code;
}
