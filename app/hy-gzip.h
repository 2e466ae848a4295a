/* Huiyuan: gzip for replication bodies. Pushes are gzipped by the store when they are
 * large, and the relay inflates them with a cap, so a small body cannot expand into a
 * huge one (a "zip bomb"). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bodies at least this long are worth gzipping. */
#define HY_GZIP_FROM 1024

/* `data` as one gzip stream; NULL (with a warning) if zlib fails, when the caller
 * sends it as it is. */
GBytes *
hy_gzip_compress (gconstpointer data, gsize length);

/* Whether `data` starts like a gzip stream (its magic bytes). */
gboolean
hy_gzip_is_gzip (gconstpointer data, gsize length);

/* The content of the single gzip stream `data`, at most `max` bytes. A stream that is
 * not gzip, fails its check, is cut short or is followed by more data is
 * HY_ERROR_INVALID_INPUT; one that inflates past `max` is G_IO_ERROR_MESSAGE_TOO_LARGE.
 * The result holds a NUL past its end, so JSON text can be parsed from it directly. */
GBytes *
hy_gzip_decompress (gconstpointer data, gsize length, gsize max, GError **error);

G_END_DECLS
