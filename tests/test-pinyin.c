/* Pinyin of member names: full readings, initials, surnames, Latin names, threads. */
#include "config.h"

#include "hy-pinyin.h"

static void
assert_pinyin (const gchar *name, const gchar *full, const gchar *initials)
{
	g_autofree gchar *f = hy_pinyin_full (name);
	g_autofree gchar *i = hy_pinyin_initials (name);
	g_assert_cmpstr (f, ==, full);
	g_assert_cmpstr (i, ==, initials);
}

static void
test_pinyin_han (void)
{
	assert_pinyin ("张三", "zhang san", "zs");
	assert_pinyin ("李小龙", "li xiao long", "lxl");
	assert_pinyin ("王芳", "wang fang", "wf");
	/* ü loses its dots: what a cashier types on a plain keyboard */
	assert_pinyin ("吕布", "lu bu", "lb");
}

static void
test_pinyin_surnames (void)
{
	/* surname readings from ICU's Han-Latin/Names, only in surname position */
	assert_pinyin ("单雄信", "shan xiong xin", "sxx");
	assert_pinyin ("单单", "shan dan", "sd");
	assert_pinyin ("曾国藩", "zeng guo fan", "zgf");
	assert_pinyin ("解晓东", "xie xiao dong", "xxd");
	/* a compound surname read as one */
	assert_pinyin ("万俟卨", "mo qi xie", "mqx");
	assert_pinyin ("欧阳修", "ou yang xiu", "oyx");
}

static void
test_pinyin_latin (void)
{
	assert_pinyin ("Li Lei", "li lei", "ll");
	assert_pinyin ("  Li   Lei ", "li lei", "ll");
	assert_pinyin ("李lei", "li lei", "ll");
	assert_pinyin ("José Müller", "jose muller", "jm");
	assert_pinyin ("阿卜杜·热合曼", "a bo du re he man", "abdrhm");
	assert_pinyin ("", "", "");
	assert_pinyin (NULL, "", "");
	assert_pinyin ("\xff\xfe", "", ""); /* not UTF-8 */
}

static void
test_pinyin_compute (void)
{
	g_autofree gchar *full = NULL;
	g_autofree gchar *initials = NULL;
	hy_pinyin_compute ("张三", &full, &initials);
	g_assert_cmpstr (full, ==, "zhang san");
	g_assert_cmpstr (initials, ==, "zs");
}

static gpointer
pinyin_thread (gpointer data)
{
	for (guint i = 0; i < 500; i++) {
		g_autofree gchar *a = hy_pinyin_full ("张三");
		g_autofree gchar *b = hy_pinyin_full ("单雄信");
		if (g_strcmp0 (a, "zhang san") != 0 || g_strcmp0 (b, "shan xiong xin") != 0)
			return GINT_TO_POINTER (FALSE);
	}
	return GINT_TO_POINTER (TRUE);
}

static void
test_pinyin_threads (void)
{
	GThread *threads[4];
	for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
		threads[i] = g_thread_new ("pinyin", pinyin_thread, NULL);
	for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
		g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/huiyuan/pinyin/han", test_pinyin_han);
	g_test_add_func ("/huiyuan/pinyin/surnames", test_pinyin_surnames);
	g_test_add_func ("/huiyuan/pinyin/latin", test_pinyin_latin);
	g_test_add_func ("/huiyuan/pinyin/compute", test_pinyin_compute);
	g_test_add_func ("/huiyuan/pinyin/threads", test_pinyin_threads);
	return g_test_run ();
}
