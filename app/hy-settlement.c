#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hy-date.h"
#include "hy-error.h"
#include "hy-settlement.h"

/* A store's share of a card's stored value, named by the entry that credited it: the
 * lots of a card are kept in (hlc, id) order and drawn from the front. */
typedef struct {
	gint64 hlc;
	const gchar *id; /* in HySettle.strings */
	guint owner;	 /* index into the stores */
	gint64 amount;
} HyLot;

/* What a stored-value sale drew from one lot, kept so that a refund can give it back;
 * `lot.amount` is what is left to give back. */
typedef struct {
	guint64 seq; /* order of drawing, over all cards */
	HyLot lot;
	guint store; /* where it was spent */
} HyDraw;

typedef struct {
	GArray *lots;  /* of HyLot, by (hlc, id) */
	GArray *draws; /* of HyDraw, by seq */
} HyCardLots;

typedef struct {
	gint64 start_ms; /* the period, [start_ms, end_ms) */
	gint64 end_ms;
	GStringChunk *strings;
	GHashTable *cards;	  /* card id → HyCardLots */
	GHashTable *stores;	  /* store id → index + 1 */
	GHashTable *schedules;	  /* recharge schedule id → store id */
	GHashTable *predecessors; /* card id → GPtrArray of the card ids retired into it */
	GHashTable *transit;	  /* merge or replace op id → GArray of HyLot */
	guint64 seq;
	HySettlement *result;
} HySettle;

static void
hy_settlement_store_free (HySettlementStore *store)
{
	g_free (store->store_id);
	g_free (store->code);
	g_free (store->name);
	g_free (store);
}

void
hy_settlement_free (HySettlement *settlement)
{
	g_free (settlement->from);
	g_free (settlement->to);
	g_clear_pointer (&settlement->stores, g_ptr_array_unref);
	g_free (settlement->owed);
	g_free (settlement);
}

gint64
hy_settlement_owed (const HySettlement *settlement, guint payer, guint payee)
{
	guint n = settlement->stores->len;
	g_return_val_if_fail (payer < n && payee < n, 0);
	return settlement->owed[payer * n + payee];
}

static void
hy_card_lots_free (HyCardLots *card)
{
	g_array_unref (card->lots);
	g_array_unref (card->draws);
	g_free (card);
}

static void
hy_settle_clear (HySettle *s)
{
	g_clear_pointer (&s->cards, g_hash_table_unref);
	g_clear_pointer (&s->stores, g_hash_table_unref);
	g_clear_pointer (&s->schedules, g_hash_table_unref);
	g_clear_pointer (&s->predecessors, g_hash_table_unref);
	g_clear_pointer (&s->transit, g_hash_table_unref);
	g_clear_pointer (&s->strings, g_string_chunk_free);
	g_clear_pointer (&s->result, hy_settlement_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HySettle, hy_settle_clear)

/* Local midnight at the start of `day` plus `days`, in ms since the epoch. */
static gboolean
hy_settlement_day_start (
	const gchar *option, const gchar *day, guint days, gint64 *out, GError **error)
{
	GDate date;
	g_autoptr (GDateTime) start = NULL;

	if (day == NULL || !hy_date_parse (day, &date)) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("settlement: %s “%s” is not a date (YYYY-MM-DD)"), option,
			     day != NULL ? day : "");
		return FALSE;
	}
	g_date_add_days (&date, days);
	start = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
				       g_date_get_day (&date), 0, 0, 0);
	if (start == NULL) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("settlement: %s “%s” is out of range"), option, day);
		return FALSE;
	}
	*out = g_date_time_to_unix (start) * 1000;
	return TRUE;
}

static HySettlementStore *
hy_settle_add_store (HySettle *s, const gchar *id, const gchar *code, const gchar *name)
{
	HySettlementStore *store = g_new0 (HySettlementStore, 1);
	store->store_id = g_strdup (id);
	store->code = g_strdup (code != NULL ? code : id);
	store->name = g_strdup (name != NULL ? name : "");
	g_ptr_array_add (s->result->stores, store);
	g_hash_table_insert (s->stores, g_string_chunk_insert_const (s->strings, id),
			     GUINT_TO_POINTER (s->result->stores->len));
	return store;
}

/* The stores by number, then ids that the ledger or a recharge schedule names but the
 * stores table lacks (none on a healthy replica), by id. */
static gboolean
hy_settle_load_stores (HySettle *s, HyDb *db, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db, "SELECT id, code, name FROM stores ORDER BY number, id", error);
	g_autoptr (HyStmt) unknown = NULL;

	if (stmt == NULL)
		return FALSE;
	for (;;) {
		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		hy_settle_add_store (s, hy_stmt_text (stmt, 0), hy_stmt_text (stmt, 1),
				     hy_stmt_text (stmt, 2));
	}
	unknown = hy_db_prepare (db,
				 "SELECT store_id FROM account_entries WHERE account = 'money' "
				 "UNION SELECT store_id FROM recharge_schedules "
				 "EXCEPT SELECT id FROM stores ORDER BY 1",
				 error);
	if (unknown == NULL)
		return FALSE;
	for (;;) {
		if (!hy_db_step_row (db, unknown, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		hy_settle_add_store (s, hy_stmt_text (unknown, 0), NULL, NULL);
	}
	return TRUE;
}

/* Which store made each recharge schedule, and which cards were merged or replaced
 * into which. */
static gboolean
hy_settle_load_links (HySettle *s, HyDb *db, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) schedules =
		hy_db_prepare (db, "SELECT id, store_id FROM recharge_schedules", error);
	g_autoptr (HyStmt) retired = NULL;

	if (schedules == NULL)
		return FALSE;
	for (;;) {
		if (!hy_db_step_row (db, schedules, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		g_hash_table_insert (
			s->schedules,
			g_string_chunk_insert_const (s->strings, hy_stmt_text (schedules, 0)),
			g_string_chunk_insert_const (s->strings, hy_stmt_text (schedules, 1)));
	}
	retired = hy_db_prepare (db,
				 "SELECT id, successor_id FROM cards "
				 "WHERE successor_id IS NOT NULL ORDER BY id",
				 error);
	if (retired == NULL)
		return FALSE;
	for (;;) {
		const gchar *successor;
		GPtrArray *list;
		if (!hy_db_step_row (db, retired, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		successor = g_string_chunk_insert_const (s->strings, hy_stmt_text (retired, 1));
		list = g_hash_table_lookup (s->predecessors, successor);
		if (list == NULL) {
			list = g_ptr_array_new ();
			g_hash_table_insert (s->predecessors, (gpointer) successor, list);
		}
		g_ptr_array_add (
			list, g_string_chunk_insert_const (s->strings, hy_stmt_text (retired, 0)));
	}
	return TRUE;
}

static guint
hy_settle_store (HySettle *s, const gchar *id)
{
	/* every id was loaded by hy_settle_load_stores */
	return GPOINTER_TO_UINT (g_hash_table_lookup (s->stores, id)) - 1;
}

static HySettlementStore *
hy_settle_row (HySettle *s, guint index)
{
	return g_ptr_array_index (s->result->stores, index);
}

static HyCardLots *
hy_settle_card (HySettle *s, const gchar *card_id)
{
	HyCardLots *card = g_hash_table_lookup (s->cards, card_id);
	if (card == NULL) {
		card = g_new0 (HyCardLots, 1);
		card->lots = g_array_new (FALSE, FALSE, sizeof (HyLot));
		card->draws = g_array_new (FALSE, FALSE, sizeof (HyDraw));
		g_hash_table_insert (s->cards, g_string_chunk_insert_const (s->strings, card_id),
				     card);
	}
	return card;
}

static gint
hy_lot_compare (const HyLot *a, gint64 hlc, const gchar *id)
{
	if (a->hlc != hlc)
		return a->hlc < hlc ? -1 : 1;
	return strcmp (a->id, id);
}

/* Puts stored value back into a card's lots, in its place by (hlc, id); a lot that is
 * still there grows. */
static void
hy_card_lots_put (HyCardLots *card, const HyLot *lot)
{
	guint lo = 0, hi = card->lots->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		gint cmp =
			hy_lot_compare (&g_array_index (card->lots, HyLot, mid), lot->hlc, lot->id);
		if (cmp == 0) {
			g_array_index (card->lots, HyLot, mid).amount += lot->amount;
			return;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	g_array_insert_val (card->lots, lo, *lot);
}

/* Takes `amount` from the front of a card's lots into `out` (pieces of HyLot, oldest
 * first); returns what the lots could not cover. */
static gint64
hy_card_lots_take (HyCardLots *card, gint64 amount, GArray *out)
{
	while (amount > 0 && card->lots->len > 0) {
		HyLot *front = &g_array_index (card->lots, HyLot, 0);
		HyLot piece = *front;
		piece.amount = MIN (amount, front->amount);
		front->amount -= piece.amount;
		amount -= piece.amount;
		g_array_append_val (out, piece);
		if (front->amount == 0)
			g_array_remove_index (card->lots, 0);
	}
	return amount;
}

/* Spending (sign 1) or its refund (sign -1) of `amount` of `owner`'s lots at `store`. */
static void
hy_settle_flow (HySettle *s, guint owner, guint store, gint64 amount, gint sign)
{
	HySettlementStore *row = hy_settle_row (s, store);
	guint n = s->result->stores->len;

	row->spent += sign * amount;
	if (owner == store) {
		row->spent_own += sign * amount;
	} else {
		row->spent_others += sign * amount;
		hy_settle_row (s, owner)->spent_elsewhere += sign * amount;
		s->result->owed[owner * n + store] += sign * amount;
	}
}

static const gchar *
hy_settle_lot_owner (HySettle *s, const gchar *op, const gchar *op_id, const gchar *store_id)
{
	/* an instalment's op id is "<schedule id>:<n>": the store whose recharge promised
	 * it pays for it */
	if (g_strcmp0 (op, "instalment") == 0) {
		const gchar *colon = strrchr (op_id, ':');
		g_autofree gchar *schedule =
			colon != NULL ? g_strndup (op_id, colon - op_id) : g_strdup (op_id);
		const gchar *owner = g_hash_table_lookup (s->schedules, schedule);
		if (owner != NULL)
			return owner;
	}
	return store_id;
}

static gint
hy_draw_compare_newest (gconstpointer a, gconstpointer b)
{
	const HyDraw *x = *(HyDraw *const *) a;
	const HyDraw *y = *(HyDraw *const *) b;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* The draws of `card_id` and of the cards merged or replaced into it, at `store`. */
static void
hy_settle_collect_draws (
	HySettle *s, const gchar *card_id, guint store, GHashTable *seen, GPtrArray *out)
{
	HyCardLots *card;
	GPtrArray *before;

	if (!g_hash_table_add (seen, (gpointer) card_id))
		return;
	card = g_hash_table_lookup (s->cards, card_id);
	for (guint i = 0; card != NULL && i < card->draws->len; i++) {
		HyDraw *draw = &g_array_index (card->draws, HyDraw, i);
		if (draw->store == store && draw->lot.amount > 0)
			g_ptr_array_add (out, draw);
	}
	before = g_hash_table_lookup (s->predecessors, card_id);
	for (guint i = 0; before != NULL && i < before->len; i++)
		hy_settle_collect_draws (s, g_ptr_array_index (before, i), store, seen, out);
}

static void
hy_settle_refund (HySettle *s,
		  HyCardLots *card,
		  const gchar *card_id,
		  gint64 amount,
		  guint store,
		  const HyLot *entry,
		  gboolean in_period)
{
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GPtrArray) draws = g_ptr_array_new ();

	hy_settle_collect_draws (s, card_id, store, seen, draws);
	g_ptr_array_sort (draws, hy_draw_compare_newest);
	for (guint i = 0; i < draws->len && amount > 0; i++) {
		HyDraw *draw = g_ptr_array_index (draws, i);
		HyLot back = draw->lot;
		back.amount = MIN (amount, draw->lot.amount);
		draw->lot.amount -= back.amount;
		amount -= back.amount;
		hy_card_lots_put (card, &back);
		if (in_period)
			hy_settle_flow (s, back.owner, store, back.amount, -1);
	}
	if (amount > 0) {
		/* more than its sales there drew: the refunding store's own, new lot */
		HyLot lot = *entry;
		lot.owner = store;
		lot.amount = amount;
		hy_card_lots_put (card, &lot);
		if (in_period)
			hy_settle_flow (s, store, store, amount, -1);
	}
}

static gboolean
hy_settle_is_move (const gchar *op)
{
	return g_strcmp0 (op, "merge") == 0 || g_strcmp0 (op, "replace") == 0;
}

static void
hy_settle_credit (HySettle *s,
		  HyCardLots *card,
		  const gchar *card_id,
		  const gchar *op,
		  const gchar *op_id,
		  const gchar *store_id,
		  HyLot *entry,
		  gboolean in_period)
{
	guint store = hy_settle_store (s, store_id);
	gint64 amount = entry->amount;

	if (hy_settle_is_move (op)) {
		/* the lots the other half of the move took off the old card */
		GArray *moving = g_hash_table_lookup (s->transit, op_id);
		for (guint i = 0; moving != NULL && i < moving->len && amount > 0; i++) {
			HyLot *piece = &g_array_index (moving, HyLot, i);
			HyLot put = *piece;
			put.amount = MIN (amount, piece->amount);
			piece->amount -= put.amount;
			amount -= put.amount;
			if (put.amount > 0)
				hy_card_lots_put (card, &put);
		}
		if (amount > 0) {
			HyLot lot = *entry;
			lot.owner = store;
			lot.amount = amount;
			hy_card_lots_put (card, &lot);
			s->result->unmatched += amount;
		}
		return;
	}
	if (g_strcmp0 (op, "refund") == 0) {
		hy_settle_refund (s, card, card_id, amount, store, entry, in_period);
		return;
	}
	/* recharge, recharge_bonus, instalment, points_cash, import; an op this code does
	 * not know yet is a lot of the store that wrote it, like a bonus */
	entry->owner = hy_settle_store (s, hy_settle_lot_owner (s, op, op_id, store_id));
	hy_card_lots_put (card, entry);
	if (!in_period)
		return;
	if (g_strcmp0 (op, "recharge") == 0)
		hy_settle_row (s, entry->owner)->taken_in += amount;
	else
		hy_settle_row (s, entry->owner)->granted += amount;
}

static void
hy_settle_debit (HySettle *s,
		 HyCardLots *card,
		 const gchar *op,
		 const gchar *op_id,
		 const gchar *store_id,
		 const HyLot *entry,
		 gboolean in_period)
{
	guint store = hy_settle_store (s, store_id);
	g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (HyLot));
	gint64 uncovered = hy_card_lots_take (card, entry->amount, pieces);
	/* sale (checkout, direct deduction), withdraw, recycle, and any debit this code
	 * does not know yet: spending at the store that wrote it */
	gboolean sale = g_strcmp0 (op, "sale") == 0;

	if (uncovered > 0) {
		/* a ledger missing a credit: counted as the spending store's own */
		HyLot lot = *entry;
		lot.owner = store;
		lot.amount = uncovered;
		g_array_append_val (pieces, lot);
		s->result->unmatched += uncovered;
	}
	if (hy_settle_is_move (op)) {
		GArray *moving = g_hash_table_lookup (s->transit, op_id);
		if (moving == NULL) {
			moving = g_array_new (FALSE, FALSE, sizeof (HyLot));
			g_hash_table_insert (s->transit,
					     g_string_chunk_insert_const (s->strings, op_id),
					     moving);
		}
		g_array_append_vals (moving, pieces->data, pieces->len);
		return;
	}
	for (guint i = 0; i < pieces->len; i++) {
		const HyLot *piece = &g_array_index (pieces, HyLot, i);
		if (in_period)
			hy_settle_flow (s, piece->owner, store, piece->amount, 1);
		/* only a sale can be refunded */
		if (sale) {
			HyDraw draw = {++s->seq, *piece, store};
			g_array_append_val (card->draws, draw);
		}
	}
}

static gboolean
hy_settle_entries (HySettle *s, HyDb *db, GError **error)
{
	gboolean has_row = FALSE;
	g_autoptr (HyStmt) stmt =
		hy_db_prepare (db,
			       "SELECT id, card_id, delta, op, op_id, store_id, at, hlc "
			       "FROM account_entries WHERE account = 'money' AND delta != 0 "
			       "ORDER BY hlc, id",
			       error);
	if (stmt == NULL)
		return FALSE;
	for (;;) {
		const gchar *card_id;
		HyCardLots *card;
		HyLot entry = {0};
		gint64 delta, at;
		gboolean in_period;

		if (!hy_db_step_row (db, stmt, &has_row, error))
			return FALSE;
		if (!has_row)
			break;
		card_id = g_string_chunk_insert_const (s->strings, hy_stmt_text (stmt, 1));
		card = hy_settle_card (s, card_id);
		delta = sqlite3_column_int64 (stmt, 2);
		at = sqlite3_column_int64 (stmt, 6);
		in_period = at >= s->start_ms && at < s->end_ms;
		entry.hlc = sqlite3_column_int64 (stmt, 7);
		entry.id = g_string_chunk_insert (s->strings, hy_stmt_text (stmt, 0));
		entry.amount = delta > 0 ? delta : -delta;
		if (delta > 0)
			hy_settle_credit (s, card, card_id, hy_stmt_text (stmt, 3),
					  hy_stmt_text (stmt, 4), hy_stmt_text (stmt, 5), &entry,
					  in_period);
		else
			hy_settle_debit (s, card, hy_stmt_text (stmt, 3), hy_stmt_text (stmt, 4),
					 hy_stmt_text (stmt, 5), &entry, in_period);
	}
	return TRUE;
}

HySettlement *
hy_settlement_compute (HyDb *db, const gchar *from, const gchar *to, GError **error)
{
	g_auto (HySettle) s = {0};
	g_autoptr (HyTxn) txn = NULL;
	guint n;

	if (!hy_settlement_day_start ("--from", from, 0, &s.start_ms, error) ||
	    !hy_settlement_day_start ("--to", to, 1, &s.end_ms, error))
		return NULL;
	if (strcmp (from, to) > 0) {
		g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
			     _ ("settlement: the period ends (%s) before it starts (%s)"), to,
			     from);
		return NULL;
	}
	s.strings = g_string_chunk_new (4096);
	s.cards = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					 (GDestroyNotify) hy_card_lots_free);
	s.stores = g_hash_table_new (g_str_hash, g_str_equal);
	s.schedules = g_hash_table_new (g_str_hash, g_str_equal);
	s.predecessors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
						(GDestroyNotify) g_ptr_array_unref);
	s.transit = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					   (GDestroyNotify) g_array_unref);
	s.result = g_new0 (HySettlement, 1);
	s.result->from = g_strdup (from);
	s.result->to = g_strdup (to);
	s.result->stores =
		g_ptr_array_new_with_free_func ((GDestroyNotify) hy_settlement_store_free);

	txn = hy_db_begin_read (db, error);
	if (txn == NULL || !hy_settle_load_stores (&s, db, error) ||
	    !hy_settle_load_links (&s, db, error))
		return NULL;
	n = s.result->stores->len;
	s.result->owed = g_new0 (gint64, MAX (n * n, 1));
	if (!hy_settle_entries (&s, db, error) || !hy_txn_commit (txn, error))
		return NULL;
	return g_steal_pointer (&s.result);
}
