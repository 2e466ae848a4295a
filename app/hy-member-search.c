#include "config.h"

#include "hy-error.h"
#include "hy-id-number.h"
#include "hy-member-private.h"
#include "hy-member-search.h"

/* Parameters: ?1 the key, ?2 an upper bound for ranges, ?3 the limit. */
#define HY_SEARCH_CARD "SELECT member_id FROM cards WHERE number = ?1 LIMIT ?3"
#define HY_SEARCH_PHONE                                                                            \
	"SELECT id FROM members WHERE phone = ?1 AND deleted = 0 ORDER BY rowid DESC LIMIT ?3"
#define HY_SEARCH_ID_NUMBER                                                                        \
	"SELECT id FROM members WHERE id_number = ?1 AND deleted = 0 ORDER BY rowid DESC LIMIT ?3"
/* exact matches newest first (index order), then the rest of the prefix range */
#define HY_SEARCH_INITIALS                                                                         \
	"SELECT id FROM members WHERE name_initials = ?1 AND deleted = 0 "                         \
	"ORDER BY rowid DESC LIMIT ?3"
#define HY_SEARCH_INITIALS_PREFIX                                                                  \
	"SELECT id FROM members WHERE name_initials > ?1 AND name_initials < ?2 "                  \
	"AND deleted = 0 LIMIT ?3"
#define HY_SEARCH_PINYIN                                                                           \
	"SELECT id FROM members WHERE name_pinyin_flat = ?1 AND deleted = 0 "                      \
	"ORDER BY rowid DESC LIMIT ?3"
#define HY_SEARCH_PINYIN_PREFIX                                                                    \
	"SELECT id FROM members WHERE name_pinyin_flat > ?1 AND name_pinyin_flat < ?2 "            \
	"AND deleted = 0 LIMIT ?3"
/* ?2 is the whole lowercased query; lower() only folds ASCII, as the grams are
 * lowercased for ASCII the same way in practice (names are Han or Latin) */
#define HY_SEARCH_NAME                                                                             \
	"SELECT g.member_id FROM member_name_grams g JOIN members m ON m.id = g.member_id "        \
	"WHERE g.gram = ?1 AND m.deleted = 0 AND instr(lower(m.name), ?2) > 0 "                    \
	"ORDER BY g.member_id DESC LIMIT ?3"
#define HY_SEARCH_FIELDS                                                                           \
	"SELECT v.entity_id FROM field_defs d JOIN field_values v ON v.field_id = d.id "           \
	"WHERE d.entity = 'member' AND d.searchable = 1 AND v.value = ?1 "                         \
	"ORDER BY v.entity_id DESC LIMIT ?3"
#define HY_SEARCH_LOAD                                                                             \
	"SELECT " HY_MEMBER_COLUMNS " FROM " HY_MEMBER_FROM " WHERE m.id = ?1 AND m.deleted = 0"

static const gchar *const hy_search_statements[] = {
	HY_SEARCH_CARD,
	HY_SEARCH_PHONE,
	HY_SEARCH_ID_NUMBER,
	HY_SEARCH_INITIALS,
	HY_SEARCH_INITIALS_PREFIX,
	HY_SEARCH_PINYIN,
	HY_SEARCH_PINYIN_PREFIX,
	HY_SEARCH_NAME,
	HY_SEARCH_FIELDS,
	HY_SEARCH_LOAD,
	NULL,
};

const gchar *const *
hy_member_search_statements (void)
{
	return hy_search_statements;
}

typedef struct {
	HyDb *db;
	guint limit;
	GHashTable *seen; /* ids */
	GPtrArray *ids;
} HySearch;

/* Runs one lookup and adds the ids it finds. */
static gboolean
hy_search_run (
	HySearch *search, const gchar *sql, const gchar *key, const gchar *upper, GError **error)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (search->db, sql, error);
	gboolean has_row = FALSE;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	if (upper != NULL)
		sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, search->limit);
	while (TRUE) {
		gchar *id;
		if (!hy_db_step_row (search->db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		/* not g_hash_table_add(): it would free the copy already in `ids` */
		id = (gchar *) hy_stmt_text (stmt, 0);
		if (id == NULL || g_hash_table_contains (search->seen, id))
			continue;
		id = g_strdup (id);
		g_hash_table_add (search->seen, id);
		g_ptr_array_add (search->ids, id);
	}
	return TRUE;
}

/* Exact matches, then the prefix range above them. The columns hold [a-z0-9 ] only, so
 * the first string after every "<key>…" is the key with its last byte raised. */
static gboolean
hy_search_prefix (HySearch *search,
		  const gchar *exact_sql,
		  const gchar *range_sql,
		  const gchar *key,
		  GError **error)
{
	g_autofree gchar *upper = g_strdup (key);
	guint before = search->ids->len;

	if (!hy_search_run (search, exact_sql, key, NULL, error))
		return FALSE;
	if (search->ids->len - before >= search->limit)
		return TRUE;
	upper[strlen (upper) - 1]++;
	return hy_search_run (search, range_sql, key, upper, error);
}

/* Name substring: the first gram of the query that the index holds (two characters
 * without whitespace, else one), checked against the whole query by instr(). */
static gboolean
hy_search_name (HySearch *search, const gchar *query, GError **error)
{
	g_autofree gchar *lower = g_utf8_strdown (query, -1);
	g_autofree gchar *gram = NULL;

	for (const gchar *p = lower; *p != '\0' && gram == NULL; p = g_utf8_next_char (p)) {
		const gchar *q = g_utf8_next_char (p);
		if (g_unichar_isspace (g_utf8_get_char (p)) || *q == '\0' ||
		    g_unichar_isspace (g_utf8_get_char (q)))
			continue;
		gram = g_strndup (p, g_utf8_next_char (q) - p);
	}
	for (const gchar *p = lower; *p != '\0' && gram == NULL; p = g_utf8_next_char (p)) {
		if (!g_unichar_isspace (g_utf8_get_char (p)))
			gram = g_strndup (p, g_utf8_next_char (p) - p);
	}
	if (gram == NULL)
		return TRUE;
	return hy_search_run (search, HY_SEARCH_NAME, gram, lower, error);
}

static gboolean
hy_search_is_digits (const gchar *q)
{
	const gchar *p = q[0] == '+' ? q + 1 : q;
	if (*p == '\0')
		return FALSE;
	for (; *p != '\0'; p++) {
		if (!g_ascii_isdigit (*p))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hy_search_is_id_number (const gchar *q)
{
	if (strlen (q) != HY_ID_NUMBER_LENGTH)
		return FALSE;
	for (guint i = 0; i < 17; i++) {
		if (!g_ascii_isdigit (q[i]))
			return FALSE;
	}
	return g_ascii_isdigit (q[17]) || q[17] == 'x' || q[17] == 'X';
}

/* Pinyin as typed: letters and spaces, maybe digits after a letter ("zs2"). */
static gboolean
hy_search_is_pinyin (const gchar *q)
{
	gboolean letter = FALSE;
	for (const gchar *p = q; *p != '\0'; p++) {
		if (g_ascii_isalpha (*p))
			letter = TRUE;
		else if (!(*p == ' ' || (g_ascii_isdigit (*p) && letter)))
			return FALSE;
	}
	return letter;
}

static gint
hy_search_newest_first (gconstpointer a, gconstpointer b)
{
	const HyMember *ma = *(HyMember *const *) a;
	const HyMember *mb = *(HyMember *const *) b;
	/* UUIDv7 ids sort by creation time */
	return -g_strcmp0 (ma->id, mb->id);
}

static HyMember *
hy_search_load (HyDb *db, const gchar *id, GError **error)
{
	g_autoptr (HyMember) member = NULL;
	gboolean has_row = FALSE;
	{
		g_autoptr (HyStmt) stmt = hy_db_prepare (db, HY_SEARCH_LOAD, error);
		if (stmt == NULL)
			return NULL;
		sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return NULL;
		if (!has_row)
			return hy_member_new (); /* deleted, or a card of a vanished member */
		member = hy_member_from_row (stmt);
	}
	/* custom fields stay unloaded: a result list does not show them, and loading
	 * them doubles the cost of a search (hy_member_get has them) */
	return g_steal_pointer (&member);
}

GPtrArray *
hy_member_search (HyDb *db, const gchar *query, guint limit, GError **error)
{
	g_autoptr (GPtrArray) members =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_member_free);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GPtrArray) ids = g_ptr_array_new ();
	g_autofree gchar *q = g_strstrip (g_strdup (query != NULL ? query : ""));
	HySearch search = {db, limit > 0 ? limit : HY_MEMBER_SEARCH_DEFAULT_LIMIT, seen, ids};
	g_autoptr (HyTxn) txn = NULL;

	if (q[0] == '\0' || !g_utf8_validate (q, -1, NULL))
		return g_steal_pointer (&members);
	txn = hy_db_begin_read (db, error);
	if (txn == NULL)
		return NULL;

	if (hy_search_is_digits (q)) {
		if (!hy_search_run (&search, HY_SEARCH_CARD, q, NULL, error) ||
		    !hy_search_run (&search, HY_SEARCH_PHONE, q, NULL, error))
			return NULL;
	}
	if (hy_search_is_id_number (q)) {
		g_autofree gchar *upper = g_ascii_strup (q, -1);
		if (!hy_search_run (&search, HY_SEARCH_ID_NUMBER, upper, NULL, error))
			return NULL;
	} else if (hy_search_is_pinyin (q)) {
		g_autofree gchar *lower = g_ascii_strdown (q, -1);
		g_auto (GStrv) words = g_strsplit (lower, " ", -1);
		g_autofree gchar *flat = g_strjoinv ("", words);
		if (strchr (lower, ' ') == NULL &&
		    !hy_search_prefix (&search, HY_SEARCH_INITIALS, HY_SEARCH_INITIALS_PREFIX, flat,
				       error))
			return NULL;
		if (!hy_search_prefix (&search, HY_SEARCH_PINYIN, HY_SEARCH_PINYIN_PREFIX, flat,
				       error))
			return NULL;
		if (!hy_search_name (&search, q, error))
			return NULL;
	} else if (!hy_search_is_digits (q)) {
		if (!hy_search_name (&search, q, error))
			return NULL;
	}
	if (!hy_search_run (&search, HY_SEARCH_FIELDS, q, NULL, error))
		return NULL;

	for (guint i = 0; i < ids->len; i++) {
		HyMember *member = hy_search_load (db, g_ptr_array_index (ids, i), error);
		if (member == NULL)
			return NULL;
		if (member->id == NULL)
			hy_member_free (member);
		else
			g_ptr_array_add (members, member);
	}
	g_ptr_array_sort (members, hy_search_newest_first);
	if (members->len > search.limit)
		g_ptr_array_set_size (members, search.limit);
	if (!hy_txn_commit (txn, error))
		return NULL;
	return g_steal_pointer (&members);
}
