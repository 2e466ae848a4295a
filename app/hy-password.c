#include "config.h"

#include <sodium.h>

#include "hy-password.h"

static void
hy_password_init_once (void)
{
	static gsize done = 0;
	if (g_once_init_enter (&done)) {
		if (sodium_init () < 0)
			g_error ("libsodium cannot initialise");
		g_once_init_leave (&done, 1);
	}
}

gchar *
hy_password_hash (const gchar *password)
{
	gchar out[crypto_pwhash_STRBYTES];
	hy_password_init_once ();
	if (crypto_pwhash_str_alg (
		    out, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return NULL;
	return g_strdup (out);
}

gboolean
hy_password_verify (const gchar *hash, const gchar *password)
{
	hy_password_init_once ();
	if (hash == NULL || password == NULL)
		return FALSE;
	return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}
