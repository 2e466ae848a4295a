/* Huiyuan: the one place where amounts are rounded. Money is fen, points are hundredths
 * of a point, rates are basis points (10000 = 100%). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HY_BP_ONE 10000

/* Half-up to the nearest integer of numerator / denominator, for non-negative values:
 * the rounding every price, discount and points computation uses. */
static inline guint64
hy_round_half_up_u128 (unsigned __int128 numerator, unsigned __int128 denominator)
{
	return (guint64) ((numerator + denominator / 2) / denominator);
}

static inline gint64
hy_round_half_up (gint64 numerator, gint64 denominator)
{
	g_return_val_if_fail (numerator >= 0 && denominator > 0, 0);
	return (gint64) hy_round_half_up_u128 ((unsigned __int128) numerator,
					       (unsigned __int128) denominator);
}

G_END_DECLS
