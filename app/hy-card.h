/* Huiyuan: member cards and their lifecycle (issue, loss, merge, replace, recycle…). */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef enum {
	HY_CARD_STATUS_ACTIVE,
	HY_CARD_STATUS_LOST,	/* reported lost: frozen until unfrozen */
	HY_CARD_STATUS_RETIRED, /* merged, replaced or recycled; never active again */
} HyCardStatus;

typedef struct {
	gchar *id;
	gchar *number;
	gchar *member_id;
	gchar *kind_id;
	HyCardStatus status;
	gchar *retired_reason; /* "merged", "replaced", "recycled" or NULL */
	gchar *successor_id;   /* the card that took over the balances */
	gint64 issued_at;      /* ms since the epoch */
	gchar *expires_on;     /* YYYY-MM-DD or NULL for never */
	gchar *store_id;       /* issuing store */
	gboolean has_password;
	gboolean has_pin;
} HyCard;

void
hy_card_free (HyCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCard, hy_card_free)
const gchar *
hy_card_status_to_string (HyCardStatus status);

/* Card numbers: 9 digits of serial (store number × 1,000,000 + n) and a Luhn digit. */
gchar *
hy_card_number_format (gint64 serial);
/* The 9-digit serial of a well-formed number. */
gint64
hy_card_number_serial (const gchar *number);
gboolean
hy_card_number_taken (HyDb *db, const gchar *number, gboolean *taken, GError **error);
gboolean
hy_card_number_is_valid (const gchar *number);

/* Finds a card by number; `query` may also be a bound phone number, which resolves
 * to that member's active card. */
HyCard *
hy_card_lookup (HyDb *db, const gchar *query, GError **error);
HyCard *
hy_card_get (HyDb *db, const gchar *id, GError **error);
/* All cards of a member, newest first. */
GPtrArray *
hy_card_list_for_member (HyDb *db, const gchar *member_id, GError **error);

/* Issues a card to a member: `number` NULL takes the next free number of this store's
 * card stock; a given number must carry a valid check digit and lie in a range
 * assigned to this store. `kind` NULL is the default card kind. */
gboolean
hy_card_issue (HyDb *db,
	       const HyActor *actor,
	       const gchar *member_id,
	       const gchar *number,
	       const gchar *kind,
	       const gchar *expires_on,
	       const gchar *password,
	       gchar **number_out,
	       GError **error);
gboolean
hy_card_report_lost (HyDb *db, const HyActor *actor, const gchar *number, GError **error);
gboolean
hy_card_unfreeze (HyDb *db, const HyActor *actor, const gchar *number, GError **error);
/* Moves every balance of `from` onto `into` and retires `from`. */
gboolean
hy_card_merge (
	HyDb *db, const HyActor *actor, const gchar *from, const gchar *into, GError **error);
/* Issues `new_number` (NULL = next from stock) to the same member, moves the
 * balances, password and PIN, and retires the old card. */
gboolean
hy_card_replace (HyDb *db,
		 const HyActor *actor,
		 const gchar *number,
		 const gchar *new_number,
		 gchar **number_out,
		 GError **error);
gboolean
hy_card_extend (HyDb *db,
		const HyActor *actor,
		const gchar *number,
		const gchar *expires_on,
		GError **error);
/* Refunds the remaining stored value (returned in refunded_fen), clears points and
 * counts, and retires the card. */
gboolean
hy_card_recycle (
	HyDb *db, const HyActor *actor, const gchar *number, gint64 *refunded_fen, GError **error);
/* Changes the card password; `old_password` NULL is a reset and needs
 * card.password-reset. Same shape for the spending PIN (4–6 digits). */
gboolean
hy_card_set_password (HyDb *db,
		      const HyActor *actor,
		      const gchar *number,
		      const gchar *old_password,
		      const gchar *new_password,
		      GError **error);
gboolean
hy_card_set_pin (HyDb *db,
		 const HyActor *actor,
		 const gchar *number,
		 const gchar *old_pin,
		 const gchar *new_pin,
		 GError **error);
/* After this many wrong PINs in a row the PIN is locked for a while. */
#define HY_CARD_PIN_ATTEMPTS 5
#define HY_CARD_PIN_LOCK_MS  (15 * 60 * 1000)

/* Checks the spending PIN. Called outside a transaction it counts wrong attempts and
 * refuses a locked PIN, so call it before a sale's transaction begins. */
gboolean
hy_card_check_pin (HyDb *db, const gchar *number, const gchar *pin, GError **error);

/* TRUE when the card's expiry date is before today (local time). */
gboolean
hy_card_is_expired (const HyCard *card);
/* Refuses (HY_ERROR_CONFLICT) a retired or lost card, and with `check_expiry` an expired
 * one; `what` names the refused operation for the message ("a recharge"). */
gboolean
hy_card_check_usable (const HyCard *card, const gchar *what, gboolean check_expiry, GError **error);

G_END_DECLS
