/* Huiyuan: password and PIN hashing (argon2id, libsodium). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An encoded argon2id string with its own salt and cost; NULL only if out of memory. */
gchar *
hy_password_hash (const gchar *password);
gboolean
hy_password_verify (const gchar *hash, const gchar *password);

G_END_DECLS
