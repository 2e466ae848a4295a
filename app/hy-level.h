/* Huiyuan: member levels and card kinds, the HQ-owned settings the rules engine reads. */
#pragma once

#include "hy-actor.h"
#include "hy-db.h"

G_BEGIN_DECLS

typedef struct {
	gchar *id;
	gchar *name;
	gint rank;	  /* higher is better; upgrades go up the ranks */
	gint points_bp;	  /* level points coefficient, 10000 = 100% */
	gint discount_bp; /* level discount coefficient, 9000 = 9折 */
} HyLevel;

void
hy_level_free (HyLevel *level);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLevel, hy_level_free)

gboolean
hy_level_add (HyDb *db,
	      const HyActor *actor,
	      const gchar *name,
	      gint rank,
	      gint points_bp,
	      gint discount_bp,
	      gchar **id_out,
	      GError **error);
/* Levels by rank, lowest first. */
GPtrArray *
hy_level_list (HyDb *db, GError **error);
HyLevel *
hy_level_find (HyDb *db, const gchar *name, GError **error);

/* A card kind says which accounts a card carries and how long it is valid. */
gboolean
hy_card_kind_add (HyDb *db,
		  const HyActor *actor,
		  const gchar *name,
		  gboolean stored_value,
		  gboolean points,
		  gboolean counts,
		  gboolean time,
		  gint validity_days,
		  gchar **id_out,
		  GError **error);

G_END_DECLS
