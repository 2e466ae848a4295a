#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "hy-error.h"
#include "hy-gzip.h"

GBytes *
hy_gzip_compress (gconstpointer data, gsize length)
{
	g_autoptr (GZlibCompressor) compressor =
		g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
	g_autoptr (GByteArray) out = g_byte_array_sized_new (length / 4 + 64);
	const guint8 *in = data;
	gsize in_left = length;

	for (;;) {
		g_autoptr (GError) error = NULL;
		gsize read = 0, written = 0;
		guint used = out->len;
		GConverterResult result;

		g_byte_array_set_size (out, used + 16384);
		result = g_converter_convert (G_CONVERTER (compressor), in, in_left,
					      out->data + used, 16384, G_CONVERTER_INPUT_AT_END,
					      &read, &written, &error);
		g_byte_array_set_size (out, used + (guint) written);
		/* deflating memory into memory fails only for want of output room */
		if (result == G_CONVERTER_ERROR) {
			if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
				continue;
			g_warning ("cannot gzip %" G_GSIZE_FORMAT " bytes: %s", length,
				   error->message);
			return NULL;
		}
		in += read;
		in_left -= read;
		if (result == G_CONVERTER_FINISHED)
			break;
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
hy_gzip_is_gzip (gconstpointer data, gsize length)
{
	const guint8 *bytes = data;
	return length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

GBytes *
hy_gzip_decompress (gconstpointer data, gsize length, gsize max, GError **error)
{
	g_autoptr (GZlibDecompressor) decompressor =
		g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	g_autoptr (GByteArray) out = g_byte_array_sized_new (MIN (max, length * 4) + 1);
	const guint8 *in = data;
	gsize in_left = length;

	if (!hy_gzip_is_gzip (data, length)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the body is not a gzip stream"));
		return NULL;
	}
	for (;;) {
		g_autoptr (GError) local = NULL;
		gsize read = 0, written = 0;
		guint used = out->len;
		/* one byte of room past the cap tells a body at the cap from one over it */
		gsize room = MIN ((gsize) 65536, max + 1 - used);
		GConverterResult result;

		g_byte_array_set_size (out, used + (guint) room);
		result = g_converter_convert (G_CONVERTER (decompressor), in, in_left,
					      out->data + used, room, G_CONVERTER_INPUT_AT_END,
					      &read, &written, &local);
		g_byte_array_set_size (out, used + (guint) written);
		in += read;
		in_left -= read;
		if (out->len > max ||
		    (result == G_CONVERTER_ERROR &&
		     g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NO_SPACE) && out->len >= max)) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
				     _ ("the body inflates to more than %" PRIu64 " bytes"),
				     (guint64) max);
			return NULL;
		}
		if (result == G_CONVERTER_ERROR) {
			if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
				continue;
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("the body is not a valid gzip stream: %s"),
				     g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
					     ? _ ("it is cut short")
					     : local->message);
			return NULL;
		}
		if (result == G_CONVERTER_FINISHED)
			break;
		if (read == 0 && written == 0) {
			/* no progress with all input given: the stream never ends */
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("the body is not a valid gzip stream: %s"),
				     _ ("it is cut short"));
			return NULL;
		}
	}
	if (in_left > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("the body has data after its gzip stream"));
		return NULL;
	}
	/* a NUL past the end, not counted, for parsers of text */
	g_byte_array_append (out, (const guint8 *) "", 1);
	{
		GBytes *whole = g_byte_array_free_to_bytes (g_steal_pointer (&out));
		GBytes *text = g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) - 1);
		g_bytes_unref (whole);
		return text;
	}
}
