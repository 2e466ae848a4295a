#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-error.h"
#include "hy-permission.h"

static const struct {
	HyPermission permission;
	const gchar *name;
} hy_permission_names[] = {
	{HY_PERMISSION_MEMBER_CREATE, "member.create"},
	{HY_PERMISSION_MEMBER_EDIT, "member.edit"},
	{HY_PERMISSION_MEMBER_IMPORT, "member.import"},
	{HY_PERMISSION_FIELD_MANAGE, "field.manage"},
	{HY_PERMISSION_CARD_ISSUE, "card.issue"},
	{HY_PERMISSION_CARD_LOSE, "card.lose"},
	{HY_PERMISSION_CARD_UNFREEZE, "card.unfreeze"},
	{HY_PERMISSION_CARD_MERGE, "card.merge"},
	{HY_PERMISSION_CARD_REPLACE, "card.replace"},
	{HY_PERMISSION_CARD_EXTEND, "card.extend"},
	{HY_PERMISSION_CARD_RECYCLE, "card.recycle"},
	{HY_PERMISSION_CARD_PASSWORD, "card.password"},
	{HY_PERMISSION_CARD_PASSWORD_RESET, "card.password-reset"},
	{HY_PERMISSION_MONEY_RECHARGE, "money.recharge"},
	{HY_PERMISSION_MONEY_WITHDRAW, "money.withdraw"},
	{HY_PERMISSION_POINTS_ADJUST, "points.adjust"},
	{HY_PERMISSION_OPERATOR_MANAGE, "operator.manage"},
	{HY_PERMISSION_STORE_MANAGE, "store.manage"},
	{HY_PERMISSION_LEVEL_MANAGE, "level.manage"},
	{HY_PERMISSION_CARD_STOCK_MANAGE, "card-stock.manage"},
	{HY_PERMISSION_ITEM_MANAGE, "item.manage"},
	{HY_PERMISSION_RULES_MANAGE, "rules.manage"},
	{HY_PERMISSION_SALE_MAKE, "sale.make"},
	{HY_PERMISSION_SALE_ROUND, "sale.round"},
	{HY_PERMISSION_SALE_REFUND, "sale.refund"},
	{HY_PERMISSION_POINTS_REDEEM, "points.redeem"},
	{HY_PERMISSION_LOYALTY_DUE, "loyalty.due"},
	{HY_PERMISSION_DIRECT_DEDUCT, "direct.deduct"},
	{HY_PERMISSION_TIME_SESSION, "time.session"},
};

#define CASHIER                                                                                    \
	(HY_PERMISSION_MEMBER_CREATE | HY_PERMISSION_MEMBER_EDIT | HY_PERMISSION_CARD_ISSUE |      \
	 HY_PERMISSION_CARD_LOSE | HY_PERMISSION_CARD_PASSWORD | HY_PERMISSION_MONEY_RECHARGE |    \
	 HY_PERMISSION_SALE_MAKE | HY_PERMISSION_DIRECT_DEDUCT | HY_PERMISSION_TIME_SESSION |      \
	 HY_PERMISSION_POINTS_REDEEM)

static const struct {
	const gchar *role;
	HyPermissions permissions;
} hy_default_roles[] = {
	/* front desk: register, issue, recharge, report a lost card */
	{"cashier", CASHIER},
	/* the store's own affairs, but not HQ's: levels, fields, stores, card stock */
	{"store-manager", CASHIER | HY_PERMISSION_MEMBER_IMPORT | HY_PERMISSION_CARD_UNFREEZE |
				  HY_PERMISSION_CARD_MERGE | HY_PERMISSION_CARD_REPLACE |
				  HY_PERMISSION_CARD_EXTEND | HY_PERMISSION_CARD_RECYCLE |
				  HY_PERMISSION_CARD_PASSWORD_RESET | HY_PERMISSION_MONEY_WITHDRAW |
				  HY_PERMISSION_POINTS_ADJUST | HY_PERMISSION_OPERATOR_MANAGE |
				  HY_PERMISSION_SALE_ROUND | HY_PERMISSION_SALE_REFUND |
				  HY_PERMISSION_LOYALTY_DUE},
	/* money in and out, nothing about members' profiles */
	{"finance", HY_PERMISSION_MONEY_RECHARGE | HY_PERMISSION_MONEY_WITHDRAW |
			    HY_PERMISSION_CARD_RECYCLE | HY_PERMISSION_POINTS_ADJUST},
	{"hq-admin", HY_PERMISSION_ALL},
	/* reads everything, changes nothing */
	{"auditor", HY_PERMISSION_NONE},
};

const gchar *
hy_permission_to_string (HyPermission permission)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_permission_names); i++) {
		if (hy_permission_names[i].permission == permission)
			return hy_permission_names[i].name;
	}
	return NULL;
}

HyPermission
hy_permission_from_string (const gchar *name)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_permission_names); i++) {
		if (g_strcmp0 (hy_permission_names[i].name, name) == 0)
			return hy_permission_names[i].permission;
	}
	return HY_PERMISSION_NONE;
}

gchar *
hy_permissions_to_string (HyPermissions permissions)
{
	g_autoptr (GString) str = g_string_new (NULL);
	for (guint i = 0; i < G_N_ELEMENTS (hy_permission_names); i++) {
		if ((permissions & hy_permission_names[i].permission) == 0)
			continue;
		if (str->len > 0)
			g_string_append_c (str, ' ');
		g_string_append (str, hy_permission_names[i].name);
	}
	return g_string_free (g_steal_pointer (&str), FALSE);
}

gboolean
hy_permissions_from_string (const gchar *text, HyPermissions *out, GError **error)
{
	g_auto (GStrv) words = g_strsplit_set (text != NULL ? text : "", " ,", -1);
	HyPermissions permissions = HY_PERMISSION_NONE;
	for (guint i = 0; words[i] != NULL; i++) {
		HyPermission p;
		if (words[i][0] == '\0')
			continue;
		p = hy_permission_from_string (words[i]);
		if (p == HY_PERMISSION_NONE) {
			g_set_error (error, HY_ERROR, HY_ERROR_INVALID_INPUT,
				     _ ("unknown permission “%s”"), words[i]);
			return FALSE;
		}
		permissions |= p;
	}
	*out = permissions;
	return TRUE;
}

const gchar *const *
hy_permission_default_roles (void)
{
	static const gchar *const roles[] = {"cashier",	 "store-manager", "finance",
					     "hq-admin", "auditor",	  NULL};
	return roles;
}

HyPermissions
hy_permission_default_role (const gchar *role)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_default_roles); i++) {
		if (g_strcmp0 (hy_default_roles[i].role, role) == 0)
			return hy_default_roles[i].permissions;
	}
	return HY_PERMISSION_NONE;
}
