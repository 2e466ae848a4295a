/* The cashier app's pure pieces: amounts on screen, typed amounts, the reader detector,
 * the receipt text. */
#include "config.h"

#include <string.h>

#include "hy-format.h"
#include "hy-till.h"
#include "hy-wedge.h"

static void
test_format_money (void)
{
	const struct {
		gint64 fen;
		const gchar *text;
	} cases[] = {
		{0, "¥0.00"},
		{5, "¥0.05"},
		{1250, "¥12.50"},
		{100000, "¥1,000.00"},
		{123456789, "¥1,234,567.89"},
		{-50, "-¥0.50"},
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree gchar *text = hy_format_money (cases[i].fen);
		g_assert_cmpstr (text, ==, cases[i].text);
	}
}

static void
test_format_points_bp (void)
{
	g_autofree gchar *a = hy_format_points (1200);
	g_autofree gchar *b = hy_format_points (1250);
	g_autofree gchar *c = hy_format_points (1235);
	g_autofree gchar *d = hy_format_bp (9000);
	g_autofree gchar *e = hy_format_bp (9250);
	g_autofree gchar *f = hy_format_bp (15000);
	g_assert_cmpstr (a, ==, "12");
	g_assert_cmpstr (b, ==, "12.5");
	g_assert_cmpstr (c, ==, "12.35");
	g_assert_cmpstr (d, ==, "90%");
	g_assert_cmpstr (e, ==, "92.5%");
	g_assert_cmpstr (f, ==, "150%");
}

static void
test_parse_money (void)
{
	const struct {
		const gchar *text;
		gboolean ok;
		gint64 fen;
	} cases[] = {
		{"", TRUE, 0},
		{"12", TRUE, 1200},
		{"12.5", TRUE, 1250},
		{" 3.05 ", TRUE, 305},
		{"¥1,234.56", TRUE, 123456},
		{"￥8", TRUE, 800},
		{".5", TRUE, 50},
		{"1.234", FALSE, 0},
		{"-1", FALSE, 0},
		{"12a", FALSE, 0},
		{"1.2.3", FALSE, 0},
		{".", FALSE, 0},
		{"99999999999", FALSE, 0},
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		gint64 fen = -1;
		gboolean ok = hy_parse_money (cases[i].text, &fen);
		g_assert_cmpint (ok, ==, cases[i].ok);
		if (ok)
			g_assert_cmpint (fen, ==, cases[i].fen);
	}
}

static gchar *
feed (HyWedge *wedge, const gchar *text, guint32 start, guint32 gap, guint32 end_gap)
{
	guint32 t = start;
	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
		hy_wedge_feed_char (wedge, g_utf8_get_char (p), t);
		t += gap;
	}
	return hy_wedge_feed_end (wedge, t - gap + end_gap);
}

static void
test_wedge_burst (void)
{
	g_autoptr (HyWedge) wedge = hy_wedge_new (30, 4);
	g_autofree gchar *swipe = feed (wedge, "0010000008", 1000, 8, 8);
	g_autofree gchar *person = feed (wedge, "0010000008", 5000, 150, 150);
	g_autofree gchar *short_code = feed (wedge, "123", 9000, 5, 5);
	g_autofree gchar *slow_enter = feed (wedge, "0010000008", 12000, 5, 400);
	g_autofree gchar *edge = feed (wedge, "6921168509256", 20000, 29, 29);
	g_autofree gchar *too_slow = feed (wedge, "6921168509256", 30000, 30, 30);

	g_assert_cmpstr (swipe, ==, "0010000008");
	g_assert_null (person);
	g_assert_null (short_code);
	g_assert_null (slow_enter);
	g_assert_cmpstr (edge, ==, "6921168509256");
	g_assert_null (too_slow);
}

static void
test_wedge_after_typing (void)
{
	g_autoptr (HyWedge) wedge = hy_wedge_new (30, 4);
	g_autofree gchar *code = NULL;
	/* a person types "ab" slowly, then the reader bursts: only the burst counts */
	hy_wedge_feed_char (wedge, 'a', 100);
	hy_wedge_feed_char (wedge, 'b', 400);
	code = feed (wedge, "0010000008", 900, 6, 6);
	g_assert_cmpstr (code, ==, "0010000008");
	g_assert_cmpuint (hy_wedge_get_pending (wedge), ==, 0);
}

static void
test_wedge_wraps_and_resets (void)
{
	g_autoptr (HyWedge) wedge = hy_wedge_new (30, 4);
	g_autofree gchar *wrapped = feed (wedge, "12345678", G_MAXUINT32 - 20, 7, 7);
	g_autofree gchar *after_reset = NULL;
	g_assert_cmpstr (wrapped, ==, "12345678");
	hy_wedge_feed_char (wedge, '1', 10);
	hy_wedge_feed_char (wedge, '2', 12);
	hy_wedge_feed_char (wedge, '3', 14);
	hy_wedge_reset (wedge);
	hy_wedge_feed_char (wedge, '4', 16);
	after_reset = hy_wedge_feed_end (wedge, 18);
	g_assert_null (after_reset);
}

/* Keys from the reader's named device are the reader's at any speed, kept apart from a
 * person's typing on the keyboard; no name (the default) is timing only. */
static void
test_wedge_device (void)
{
	g_autoptr (HyWedge) wedge = hy_wedge_new (30, 4);
	g_autofree gchar *code = NULL;
	g_autofree gchar *nothing = NULL;
	g_autofree gchar *slow = NULL;

	g_assert_false (hy_wedge_is_reader (wedge, "Virtual core XTEST keyboard"));
	g_assert_false (hy_wedge_is_reader (wedge, NULL));
	hy_wedge_set_device (wedge, "Virtual core XTEST keyboard");
	g_assert_true (hy_wedge_is_reader (wedge, "Virtual core XTEST keyboard"));
	g_assert_false (hy_wedge_is_reader (wedge, "Virtual core keyboard"));
	g_assert_false (hy_wedge_is_reader (wedge, NULL));

	/* the reader's keys interleaved with a person's slow ones: each keeps its own */
	hy_wedge_feed_reader_char (wedge, '0');
	hy_wedge_feed_char (wedge, 'a', 100);
	hy_wedge_feed_reader_char (wedge, '1');
	hy_wedge_feed_char (wedge, 'b', 400);
	code = hy_wedge_feed_reader_end (wedge);
	g_assert_cmpstr (code, ==, "01");
	nothing = hy_wedge_feed_reader_end (wedge);
	g_assert_null (nothing);
	slow = hy_wedge_feed_end (wedge, 700);
	g_assert_null (slow);

	/* an empty name turns it off, and forgets what was pending */
	hy_wedge_feed_reader_char (wedge, '9');
	hy_wedge_set_device (wedge, "");
	g_assert_null (hy_wedge_get_device (wedge));
	g_assert_false (hy_wedge_is_reader (wedge, ""));
	g_clear_pointer (&nothing, g_free);
	nothing = hy_wedge_feed_reader_end (wedge);
	g_assert_null (nothing);
}

static void
test_receipt_text (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
	g_autofree gchar *text = NULL;
	const gchar *json =
		"{\"sale\":\"S1\",\"at\":1764396000000,\"store\":\"DEMO\",\"card\":\"0010000008\","
		"\"member\":\"张三\",\"lines\":[{\"line\":1,\"item\":\"TEA\",\"qty\":2,"
		"\"amount\":630}],\"subtotal\":700,\"discount\":70,\"rounding\":0,\"total\":630,"
		"\"points\":945,\"payments\":[{\"method\":\"cash\",\"amount\":1000},"
		"{\"method\":\"balance\",\"amount\":130}],\"change\":500,"
		"\"balances\":{\"money\":9870,\"points\":1945}}";
	g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
	g_assert_no_error (error);
	g_hash_table_insert (names, (gpointer) "TEA", (gpointer) "冰红茶 500ml");
	text = hy_till_receipt_text (json_parser_get_root (parser), names);
	g_assert_nonnull (strstr (text, "冰红茶 500ml"));
	g_assert_nonnull (strstr (text, "No. S1\n"));
	g_assert_nonnull (strstr (text, "×2"));
	g_assert_nonnull (strstr (text, "¥6.30"));
	g_assert_nonnull (strstr (text, "¥10.00"));
	g_assert_nonnull (strstr (text, "¥1.30"));
	g_assert_nonnull (strstr (text, "¥5.00"));
	g_assert_nonnull (strstr (text, "¥98.70"));
	g_assert_nonnull (strstr (text, "9.45"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/ui/format/money", test_format_money);
	g_test_add_func ("/huiyuan/ui/format/points-bp", test_format_points_bp);
	g_test_add_func ("/huiyuan/ui/format/parse-money", test_parse_money);
	g_test_add_func ("/huiyuan/ui/wedge/burst", test_wedge_burst);
	g_test_add_func ("/huiyuan/ui/wedge/after-typing", test_wedge_after_typing);
	g_test_add_func ("/huiyuan/ui/wedge/wraps-and-resets", test_wedge_wraps_and_resets);
	g_test_add_func ("/huiyuan/ui/wedge/device", test_wedge_device);
	g_test_add_func ("/huiyuan/ui/receipt/text", test_receipt_text);
	return g_test_run ();
}
