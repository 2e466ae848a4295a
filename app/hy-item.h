/* Huiyuan: the HQ item catalogue (goods and services sold at the counter). */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

/* `code` is the item's business key; `barcode`, `category` and `brand` may be NULL.
 * `price` is the HQ list price in fen. */
gboolean
hy_item_add (HyDb *db,
	     const HyActor *actor,
	     const gchar *code,
	     const gchar *name,
	     const gchar *barcode,
	     gint64 price,
	     const gchar *category,
	     const gchar *brand,
	     gchar **id_out,
	     GError **error);

G_END_DECLS
