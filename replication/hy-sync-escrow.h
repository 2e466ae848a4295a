/* Huiyuan: covering a debit that escrow refused (hy-escrow.h) by asking the relay. */
#pragma once

#include "hy-db.h"

G_BEGIN_DECLS

/* After a debit on `db` failed with HY_ERROR_ESCROW: when `db` is a store enrolled with
 * a relay, asks the relay to authorise what was missing, waiting for the answer (any
 * thread: it runs its own main context). TRUE, with `error` cleared, when the relay
 * granted it and the debit should be tried again; FALSE with `error` kept, and the
 * relay's reason added, otherwise. `attempt` counts the tries, which are bounded: one
 * debit may lack more than one account (money and points). */
gboolean
hy_sync_authorize_shortfall (HyDb *db, guint attempt, GError **error);

/* Evaluates `call`, a debit returning gboolean that sets `error`, and when escrow
 * refused it and the relay authorised what was missing, evaluates it again. The value
 * is the debit's. (A GNU statement expression: the project builds as gnu11.) */
#define HY_SYNC_COVERED(db, error, call)                                                           \
	({                                                                                         \
		gboolean hy_covered_ok_ = FALSE;                                                   \
		for (guint hy_attempt_ = 0;; hy_attempt_++) {                                      \
			hy_covered_ok_ = (call);                                                   \
			if (hy_covered_ok_ ||                                                      \
			    !hy_sync_authorize_shortfall ((db), hy_attempt_, (error)))             \
				break;                                                             \
		}                                                                                  \
		hy_covered_ok_;                                                                    \
	})

G_END_DECLS
