/* The relay's push parser (a request body to checked changes) under libFuzzer; built
 * with clang when the build uses it. Without libFuzzer, main() replays the corpus: each
 * file must be parsed or refused with HY_ERROR_INVALID_INPUT / PERMISSION_DENIED. A body
 * starting with the gzip magic is inflated first, as the relay does for
 * Content-Encoding: gzip. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "hy-apply.h"
#include "hy-error.h"
#include "hy-gzip.h"
#include "hy-relay-log.h"

/* The relay's cap on a request body, inflated or not (HY_RELAY_MAX_BODY). */
#define FUZZ_MAX_BODY (4 * 1024 * 1024)

int
LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data, gsize size)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) inflated = NULL;
	JsonNode *root;

	/* a gzipped body (Content-Encoding: gzip) is inflated first, under the relay's cap */
	if (hy_gzip_is_gzip (data, size)) {
		inflated = hy_gzip_decompress (data, size, FUZZ_MAX_BODY, &error);
		if (inflated == NULL) {
			g_assert_true (
				g_error_matches (error, HY_ERROR, HY_ERROR_INVALID_INPUT) ||
				g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE));
			return 0;
		}
		g_assert_cmpuint (g_bytes_get_size (inflated), <=, FUZZ_MAX_BODY);
		data = g_bytes_get_data (inflated, &size);
	}
	if (!json_parser_load_from_data (parser, (const gchar *) data, (gssize) size, NULL))
		return 0;
	root = json_parser_get_root (parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
		return 0;
	changes = hy_relay_parse_changes (
		json_object_get_member (json_node_get_object (root), "changes"),
		"01a2273d-c38a-7003-a4c1-2ac3866143ee", &error);
	if (changes == NULL) {
		g_assert_true (g_error_matches (error, HY_ERROR, HY_ERROR_INVALID_INPUT) ||
			       g_error_matches (error, HY_ERROR, HY_ERROR_PERMISSION_DENIED));
		return 0;
	}
	/* what was accepted goes back to JSON and parses again the same */
	for (guint i = 0; i < changes->len; i++) {
		const HyChange *change = changes->pdata[i];
		g_autoptr (JsonNode) node = hy_change_to_json (change);
		g_autoptr (HyChange) again = hy_change_from_json (node, &error);
		g_assert_no_error (error);
		g_assert_cmpint (again->seq, ==, change->seq);
		g_assert_cmpint (again->hlc, ==, change->hlc);
		g_assert_cmpstr (again->id, ==, change->id);
		g_assert_cmpstr (again->table, ==, change->table);
	}
	return 0;
}

#ifndef HY_FUZZ_LIBFUZZER
int
main (int argc, char **argv)
{
	for (gint i = 1; i < argc; i++) {
		g_autoptr (GError) error = NULL;
		g_autofree gchar *data = NULL;
		gsize size = 0;
		if (!g_file_get_contents (argv[i], &data, &size, &error)) {
			g_printerr ("%s\n", error->message);
			return 1;
		}
		LLVMFuzzerTestOneInput ((const guint8 *) data, size);
		g_print ("ok %d %s\n", i, argv[i]);
	}
	return 0;
}
#endif
