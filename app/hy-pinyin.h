/* Huiyuan: pinyin of member names and item names, for search by pinyin and by
 * initials. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "张三" → "zhang san": lowercase ASCII syllables separated by single spaces. The first
 * one or two Han characters are read as a surname ("单" → "shan"); Latin names pass
 * through lowercased ("Li Lei" → "li lei"). Never NULL; "" when nothing is readable. */
gchar *
hy_pinyin_full (const gchar *name);
/* "张三" → "zs", "Li Lei" → "ll". */
gchar *
hy_pinyin_initials (const gchar *name);
/* Both at once (one pass); either out pointer may be NULL. */
void
hy_pinyin_compute (const gchar *name, gchar **full_out, gchar **initials_out);
/* As hy_pinyin_compute for text that is not a person's name (an item's name): every Han
 * character by its common reading ("单车" → "dan che", "冰红茶" → "bhc"). */
void
hy_pinyin_compute_text (const gchar *text, gchar **full_out, gchar **initials_out);

G_END_DECLS
