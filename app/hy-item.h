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

/* An active catalogue item, for the till's item lookup. */
typedef struct {
	gchar *id;
	gchar *code;
	gchar *name;
	gchar *barcode; /* or NULL */
	gint64 price;	/* HQ list price, fen */
} HyItem;

void
hy_item_free (HyItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyItem, hy_item_free)

/* Finds an active item by its code (any letter case) or its barcode; HY_ERROR_NOT_FOUND
 * when there is none. */
HyItem *
hy_item_find (HyDb *db, const gchar *code_or_barcode, GError **error);

G_END_DECLS
