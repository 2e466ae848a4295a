/* Huiyuan: trust between the relay and store terminals. HQ adds a store and gets a
 * one-time enrolment token; the store's terminal trades the token for a secret of its
 * own, which authenticates every later request. The relay keeps only hashes. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-store.h"

G_BEGIN_DECLS

/* How long an enrolment token stays valid. */
#define HY_ENROL_TOKEN_DAYS 7

/* On the HQ database: a new store (the next free number, its terminal "<code>-T1" and
 * its card-stock range) and a one-time enrolment token for its terminal. */
gboolean
hy_enrol_add_store (HyDb *db,
		    const HyActor *actor,
		    const gchar *code,
		    const gchar *name,
		    HyStore **store_out,
		    gchar **token_out,
		    GError **error);

/* Trades an unused, unexpired token for the terminal's secret (replacing any earlier
 * one); HY_ERROR_AUTH_FAILED otherwise. */
gboolean
hy_enrol_redeem (HyDb *db,
		 const gchar *token,
		 gchar **store_id,
		 gchar **terminal_id,
		 gchar **secret,
		 GError **error);

/* Checks a terminal's credential "<terminal id>.<secret>": known, not revoked, its
 * terminal and store active. HY_ERROR_AUTH_FAILED otherwise. */
gboolean
hy_enrol_authenticate (
	HyDb *db, const gchar *credential, gchar **store_id, gchar **terminal_id, GError **error);

/* Refuses the terminal's credential from now on. */
gboolean
hy_enrol_revoke (HyDb *db, const HyActor *actor, const gchar *terminal_id, GError **error);

G_END_DECLS
