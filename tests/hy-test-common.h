/* Huiyuan tests: a fresh store database in a temporary directory. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-ledger.h"

#define HY_TEST_ADMIN_PASSWORD "admin-secret"

typedef struct {
	gchar *dir;
	gchar *path;
	HyDb *db;
	HyActor *admin;
} HyTestStore;

/* Creates and initialises store `code` (admin password HY_TEST_ADMIN_PASSWORD). */
HyTestStore *
hy_test_store_new (const gchar *code);
void
hy_test_store_free (HyTestStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestStore, hy_test_store_free)

/* An actor with a built-in role's permissions on this store, without a password. */
HyActor *
hy_test_store_actor (HyTestStore *store, const gchar *role);
/* Runs SQL directly, bypassing the core: for tampering tests. */
void
hy_test_store_raw_sql (HyTestStore *store, const gchar *sql);
gint64
hy_test_store_count (HyTestStore *store, const gchar *sql);
/* A card's cached balance (account, item "" for money and points), asserting success. */
gint64
hy_test_store_balance (HyTestStore *store,
		       const gchar *card_id,
		       HyAccount account,
		       const gchar *item);

/* Removes `dir` and everything in it. */
void
hy_test_remove_tree (const gchar *dir);
