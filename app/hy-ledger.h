/* Huiyuan: the insert-only ledger of account entries and the balances derived from it.
 *
 * Every change of stored value (fen), points (hundredths), counts or time (seconds)
 * is one entry; the balances table is maintained in the same transaction and can be
 * rebuilt and verified from the entries. Entries are hash-chained per origin store. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef enum {
	HY_ACCOUNT_MONEY,  /* fen */
	HY_ACCOUNT_POINTS, /* hundredths of a point */
	HY_ACCOUNT_COUNT,  /* uses of an item */
	HY_ACCOUNT_TIME,   /* seconds of an item */
} HyAccount;

const gchar *
hy_account_to_string (HyAccount account);
gboolean
hy_account_from_string (const gchar *text, HyAccount *out);

/* The columns covered by an entry's hash, in order (see hy-chain.h). */
#define HY_LEDGER_CHAINED_COLUMNS                                                                  \
	"id, card_id, member_id, account, item, delta, op, op_id, note, store_id, "                \
	"terminal_id, operator_id, at, hlc, origin_store, origin_seq"
#define HY_LEDGER_N_CHAINED_COLUMNS 16

/* Appends one entry inside the caller's transaction and moves the cached balance;
 * refuses a debit that would take a money, points or count balance below zero.
 * `item` is "" for money and points. Writes no audit record: the operation that
 * posts entries audits itself. Permission checks are the caller's. */
gboolean
hy_ledger_post (HyDb *db,
		const HyActor *actor,
		const gchar *card_id,
		HyAccount account,
		const gchar *item,
		gint64 delta,
		const gchar *op,
		const gchar *op_id,
		const gchar *note,
		GError **error);

/* hy_ledger_post for points, dating the batch a credit makes (`day`, YYYY-MM-DD; NULL:
 * today) or drawing a debit on one batch (`batch_id`; NULL: the oldest first). */
gboolean
hy_ledger_post_points (HyDb *db,
		       const HyActor *actor,
		       const gchar *card_id,
		       gint64 delta,
		       const gchar *op,
		       const gchar *op_id,
		       const gchar *note,
		       const gchar *day,
		       const gchar *batch_id,
		       GError **error);

/* The cached balance (0 when none). */
gboolean
hy_ledger_balance (HyDb *db,
		   const gchar *card_id,
		   HyAccount account,
		   const gchar *item,
		   gint64 *out,
		   GError **error);

/* Stored value in and out, for a card found by number (or bound phone). Each is one
 * transaction with its entries, outbox rows and audit record. */
gboolean
hy_ledger_recharge (HyDb *db,
		    const HyActor *actor,
		    const gchar *card_number,
		    gint64 amount_fen,
		    const gchar *note,
		    gchar **op_id_out,
		    GError **error);
gboolean
hy_ledger_withdraw (HyDb *db,
		    const HyActor *actor,
		    const gchar *card_number,
		    gint64 amount_fen,
		    const gchar *note,
		    gchar **op_id_out,
		    GError **error);
/* Manual points adjustment, positive or negative (hundredths), with a reason. */
gboolean
hy_ledger_adjust_points (HyDb *db,
			 const HyActor *actor,
			 const gchar *card_number,
			 gint64 delta_hundredths,
			 const gchar *reason,
			 gchar **op_id_out,
			 GError **error);

/* Every non-zero balance of a card, money and points first, then counts and time per
 * item. */
typedef struct {
	HyAccount account;
	gchar *item; /* "" for money and points */
	gint64 amount;
} HyBalance;

void
hy_balance_free (HyBalance *balance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyBalance, hy_balance_free)
GPtrArray *
hy_ledger_list_balances (HyDb *db, const gchar *card_id, GError **error);

/* Rebuilds the balances table from the entries (a derived table). */
gboolean
hy_ledger_rebuild_balances (HyDb *db, GError **error);

G_END_DECLS
