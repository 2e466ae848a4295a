#include "config.h"

#include <unicode/utrans.h>

#include "hy-pinyin.h"

/* Transliterators are not thread-safe and expensive to open: one of each, opened on
 * first use, used under one lock together with the cache. */
typedef enum {
	HY_PINYIN_SURNAME, /* Han-Latin/Names: surname readings (单 → shan, 曾 → zeng) */
	HY_PINYIN_HAN,	   /* Han-Latin: the common reading */
	HY_PINYIN_OTHER,   /* any other script: ASCII letters */
	HY_PINYIN_N_MODES,
} HyPinyinMode;

static const gchar *const hy_pinyin_ids[HY_PINYIN_N_MODES] = {
	"Han-Latin/Names; Latin-ASCII; Lower",
	"Han-Latin; Latin-ASCII; Lower",
	"Any-Latin; Latin-ASCII; Lower",
};

/* Keys are one or two characters (or a short run of another script), so the cache stays
 * small for real names; a run of odd input cannot grow it without bound. */
#define HY_PINYIN_CACHE_MAX 65536

static GMutex hy_pinyin_lock;
static UTransliterator *hy_pinyin_trans[HY_PINYIN_N_MODES];
static gboolean hy_pinyin_failed[HY_PINYIN_N_MODES];
static GHashTable *hy_pinyin_cache[HY_PINYIN_N_MODES];

static UTransliterator *
hy_pinyin_get_trans (HyPinyinMode mode)
{
	UChar id[64];
	UErrorCode status = U_ZERO_ERROR;

	if (hy_pinyin_trans[mode] != NULL || hy_pinyin_failed[mode])
		return hy_pinyin_trans[mode];
	u_uastrcpy (id, hy_pinyin_ids[mode]);
	hy_pinyin_trans[mode] = utrans_openU (id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
	if (U_FAILURE (status)) {
		/* ICU without its transliteration data: names still get their ASCII part */
		g_warning ("cannot open transliterator %s: %s", hy_pinyin_ids[mode],
			   u_errorName (status));
		hy_pinyin_trans[mode] = NULL;
		hy_pinyin_failed[mode] = TRUE;
	}
	return hy_pinyin_trans[mode];
}

/* Transliterates `text` and keeps only [a-z0-9] runs, separated by single spaces.
 * Called with the lock held. */
static gchar *
hy_pinyin_transliterate_locked (HyPinyinMode mode, const gchar *text)
{
	UTransliterator *trans = hy_pinyin_get_trans (mode);
	g_autofree gunichar2 *utf16 = NULL;
	g_autofree UChar *buf = NULL;
	g_autofree gchar *utf8 = NULL;
	g_autoptr (GString) out = NULL;
	glong n16 = 0;
	int32_t capacity, length, limit;
	UErrorCode status = U_ZERO_ERROR;
	gboolean in_word = FALSE;

	if (trans == NULL)
		return g_strdup ("");
	utf16 = g_utf8_to_utf16 (text, -1, NULL, &n16, NULL);
	if (utf16 == NULL)
		return g_strdup ("");
	/* a Han character becomes at most six letters and a space */
	capacity = (int32_t) n16 * 16 + 32;
	buf = g_new0 (UChar, capacity);
	memcpy (buf, utf16, n16 * sizeof (UChar));
	length = limit = (int32_t) n16;
	utrans_transUChars (trans, buf, &length, capacity, 0, &limit, &status);
	if (U_FAILURE (status) || length > capacity)
		return g_strdup ("");
	utf8 = g_utf16_to_utf8 ((const gunichar2 *) buf, length, NULL, NULL, NULL);
	if (utf8 == NULL)
		return g_strdup ("");

	out = g_string_new (NULL);
	for (const gchar *p = utf8; *p != '\0'; p++) {
		gchar c = g_ascii_tolower (*p);
		if (g_ascii_isalnum (c)) {
			if (!in_word && out->len > 0)
				g_string_append_c (out, ' ');
			g_string_append_c (out, c);
			in_word = TRUE;
		} else {
			in_word = FALSE;
		}
	}
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static gchar *
hy_pinyin_transliterate (HyPinyinMode mode, const gchar *text)
{
	gchar *result;

	g_mutex_lock (&hy_pinyin_lock);
	if (hy_pinyin_cache[mode] == NULL)
		hy_pinyin_cache[mode] =
			g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	result = g_strdup (g_hash_table_lookup (hy_pinyin_cache[mode], text));
	if (result == NULL) {
		result = hy_pinyin_transliterate_locked (mode, text);
		if (g_hash_table_size (hy_pinyin_cache[mode]) >= HY_PINYIN_CACHE_MAX)
			g_hash_table_remove_all (hy_pinyin_cache[mode]);
		g_hash_table_insert (hy_pinyin_cache[mode], g_strdup (text), g_strdup (result));
	}
	g_mutex_unlock (&hy_pinyin_lock);
	return result;
}

static void
hy_pinyin_add_words (GPtrArray *words, const gchar *text)
{
	g_auto (GStrv) split = g_strsplit (text, " ", -1);
	for (guint i = 0; split[i] != NULL; i++) {
		if (split[i][0] != '\0')
			g_ptr_array_add (words, g_strdup (split[i]));
	}
}

static gboolean
hy_pinyin_is_han (gunichar c)
{
	return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN && g_unichar_isalpha (c);
}

/* The Han characters starting at `p`: a name's first two are read together as a
 * surname (a compound surname like 万俟 → "mo qi" needs both); ICU sometimes glues two
 * syllables into one word, and then each is read alone. */
static const gchar *
hy_pinyin_add_surname (GPtrArray *words, const gchar *p)
{
	const gchar *second = g_utf8_next_char (p);
	const gchar *third = NULL;

	if (*second != '\0' && hy_pinyin_is_han (g_utf8_get_char (second))) {
		g_autofree gchar *pair = NULL;
		g_autofree gchar *read = NULL;
		g_auto (GStrv) split = NULL;

		third = g_utf8_next_char (second);
		pair = g_strndup (p, third - p);
		read = hy_pinyin_transliterate (HY_PINYIN_SURNAME, pair);
		split = g_strsplit (read, " ", -1);
		if (g_strv_length (split) == 2 && split[0][0] != '\0' && split[1][0] != '\0') {
			hy_pinyin_add_words (words, read);
			return third;
		}
	}
	{
		g_autofree gchar *one = g_strndup (p, second - p);
		g_autofree gchar *read = hy_pinyin_transliterate (HY_PINYIN_SURNAME, one);
		hy_pinyin_add_words (words, read);
	}
	if (third != NULL) {
		g_autofree gchar *one = g_strndup (second, third - second);
		g_autofree gchar *read = hy_pinyin_transliterate (HY_PINYIN_HAN, one);
		hy_pinyin_add_words (words, read);
		return third;
	}
	return second;
}

/* A run of letters and digits of other scripts ("Li", "José", "Иван"). */
static void
hy_pinyin_add_run (GPtrArray *words, GString *run, gboolean ascii)
{
	if (run->len == 0)
		return;
	if (ascii) {
		g_ptr_array_add (words, g_ascii_strdown (run->str, run->len));
	} else {
		g_autofree gchar *read = hy_pinyin_transliterate (HY_PINYIN_OTHER, run->str);
		hy_pinyin_add_words (words, read);
	}
	g_string_truncate (run, 0);
}

/* `as_name`: the first Han characters are read as a surname. */
static GPtrArray *
hy_pinyin_words (const gchar *name, gboolean as_name)
{
	GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GString) run = g_string_new (NULL);
	gboolean run_ascii = TRUE;
	const gchar *p = name;

	if (name == NULL || !g_utf8_validate (name, -1, NULL))
		return words;
	for (gunichar c = g_utf8_get_char (p); c != 0; c = g_utf8_get_char (p)) {
		if (hy_pinyin_is_han (c)) {
			g_autofree gchar *one = NULL;
			g_autofree gchar *read = NULL;
			hy_pinyin_add_run (words, run, run_ascii);
			if (as_name && words->len == 0) {
				p = hy_pinyin_add_surname (words, p);
				continue;
			}
			one = g_strndup (p, g_utf8_next_char (p) - p);
			read = hy_pinyin_transliterate (HY_PINYIN_HAN, one);
			hy_pinyin_add_words (words, read);
		} else if (g_unichar_isalnum (c)) {
			if (run->len == 0)
				run_ascii = TRUE;
			run_ascii = run_ascii && c < 0x80;
			g_string_append_unichar (run, c);
		} else {
			/* spaces, "·" and punctuation separate words */
			hy_pinyin_add_run (words, run, run_ascii);
		}
		p = g_utf8_next_char (p);
	}
	hy_pinyin_add_run (words, run, run_ascii);
	return words;
}

static void
hy_pinyin_compute_words (GPtrArray *words, gchar **full_out, gchar **initials_out)
{
	if (full_out != NULL) {
		g_ptr_array_add (words, NULL);
		*full_out = g_strjoinv (" ", (gchar **) words->pdata);
		g_ptr_array_remove_index (words, words->len - 1);
	}
	if (initials_out != NULL) {
		GString *initials = g_string_sized_new (words->len + 1);
		for (guint i = 0; i < words->len; i++)
			g_string_append_c (initials,
					   ((const gchar *) g_ptr_array_index (words, i))[0]);
		*initials_out = g_string_free (initials, FALSE);
	}
}

void
hy_pinyin_compute (const gchar *name, gchar **full_out, gchar **initials_out)
{
	g_autoptr (GPtrArray) words = hy_pinyin_words (name, TRUE);
	hy_pinyin_compute_words (words, full_out, initials_out);
}

void
hy_pinyin_compute_text (const gchar *text, gchar **full_out, gchar **initials_out)
{
	g_autoptr (GPtrArray) words = hy_pinyin_words (text, FALSE);
	hy_pinyin_compute_words (words, full_out, initials_out);
}

gchar *
hy_pinyin_full (const gchar *name)
{
	gchar *full = NULL;
	hy_pinyin_compute (name, &full, NULL);
	return full;
}

gchar *
hy_pinyin_initials (const gchar *name)
{
	gchar *initials = NULL;
	hy_pinyin_compute (name, NULL, &initials);
	return initials;
}
