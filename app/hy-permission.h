/* Huiyuan: what an operator may do. Checked in the core, not only by hiding buttons. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	HY_PERMISSION_NONE = 0,
	HY_PERMISSION_MEMBER_CREATE = 1 << 0,
	HY_PERMISSION_MEMBER_EDIT = 1 << 1,
	HY_PERMISSION_MEMBER_IMPORT = 1 << 2,
	HY_PERMISSION_FIELD_MANAGE = 1 << 3,
	HY_PERMISSION_CARD_ISSUE = 1 << 4,
	HY_PERMISSION_CARD_LOSE = 1 << 5,
	HY_PERMISSION_CARD_UNFREEZE = 1 << 6,
	HY_PERMISSION_CARD_MERGE = 1 << 7,
	HY_PERMISSION_CARD_REPLACE = 1 << 8,
	HY_PERMISSION_CARD_EXTEND = 1 << 9,
	HY_PERMISSION_CARD_RECYCLE = 1 << 10,
	HY_PERMISSION_CARD_PASSWORD = 1 << 11,	     /* change, knowing the old one */
	HY_PERMISSION_CARD_PASSWORD_RESET = 1 << 12, /* set without the old one */
	HY_PERMISSION_MONEY_RECHARGE = 1 << 13,
	HY_PERMISSION_MONEY_WITHDRAW = 1 << 14,
	HY_PERMISSION_POINTS_ADJUST = 1 << 15,
	HY_PERMISSION_OPERATOR_MANAGE = 1 << 16,
	HY_PERMISSION_STORE_MANAGE = 1 << 17,
	HY_PERMISSION_LEVEL_MANAGE = 1 << 18,
	HY_PERMISSION_CARD_STOCK_MANAGE = 1 << 19,
	HY_PERMISSION_ITEM_MANAGE = 1 << 20,
	HY_PERMISSION_RULES_MANAGE = 1 << 21,
	HY_PERMISSION_SALE_MAKE = 1 << 22,
	HY_PERMISSION_SALE_ROUND = 1 << 23, /* 抹零 */
	HY_PERMISSION_SALE_REFUND = 1 << 24,
	HY_PERMISSION_POINTS_REDEEM = 1 << 25, /* gifts, points to cash */
	HY_PERMISSION_LOYALTY_DUE = 1 << 26,   /* pay instalments, expire points */
	HY_PERMISSION_DIRECT_DEDUCT = 1 << 27, /* 直接扣费: money or uses, no pricing */
	HY_PERMISSION_TIME_SESSION = 1 << 28,  /* 计时: check in and out */
} HyPermission;

#define HY_PERMISSION_LAST HY_PERMISSION_TIME_SESSION
#define HY_PERMISSION_ALL  ((HY_PERMISSION_LAST << 1) - 1)

typedef guint64 HyPermissions;

const gchar *
hy_permission_to_string (HyPermission permission);
HyPermission
hy_permission_from_string (const gchar *name);
/* Space-separated names <-> flags; unknown names are an error naming the word. */
gchar *
hy_permissions_to_string (HyPermissions permissions);
gboolean
hy_permissions_from_string (const gchar *text, HyPermissions *out, GError **error);

/* The built-in roles every database starts with. */
const gchar *const *
hy_permission_default_roles (void);
HyPermissions
hy_permission_default_role (const gchar *role);

G_END_DECLS
