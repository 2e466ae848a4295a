/* Huiyuan: one error domain for the core library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HY_ERROR hy_error_quark ()

/* Front ends map these onto their own reporting; huiyuan-admin maps them onto exit codes. */
typedef enum {
	HY_ERROR_FAILED,	    /* an internal failure: storage, I/O */
	HY_ERROR_INVALID_INPUT,	    /* the caller's data is wrong; the message names what */
	HY_ERROR_NOT_FOUND,	    /* no such member, card, operator, … */
	HY_ERROR_PERMISSION_DENIED, /* the acting operator lacks the permission */
	HY_ERROR_AUTH_FAILED,	    /* wrong login, password or PIN */
	HY_ERROR_CONFLICT,	/* a unique business key is taken, or a state forbids the change */
	HY_ERROR_INSUFFICIENT,	/* not enough stored value, points or counts */
	HY_ERROR_SCHEMA,	/* the database file is not one this version can open */
	HY_ERROR_VERIFY_FAILED, /* an integrity check found a mismatch */
	HY_ERROR_ESCROW,	/* the balance is there, but not spendable here now (hy-escrow.h) */
} HyErrorCode;

GQuark
hy_error_quark (void);

G_END_DECLS
