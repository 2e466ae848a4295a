/* Huiyuan: the HQ relay's HTTP front (libsoup 3 SoupServer): enrolment, push, pull
 * with long-poll, snapshot and health, every request but enrolment and health
 * authenticated per terminal. The work is done by the core (hy-relay-log, hy-enrol). */
#pragma once

#include <gio/gio.h>

#include "hy-db.h"

G_BEGIN_DECLS

/* The largest request body accepted. */
#define HY_RELAY_MAX_BODY (4 * 1024 * 1024)

#define HY_TYPE_RELAY_SERVER (hy_relay_server_get_type ())
G_DECLARE_FINAL_TYPE (HyRelayServer, hy_relay_server, HY, RELAY_SERVER, GObject)

/* A relay serving `db` (the HQ database); `tls` may be NULL for plain HTTP. */
HyRelayServer *
hy_relay_server_new (HyDb *db, GTlsCertificate *tls, GError **error);

/* Listens on `host` (an IP address or "localhost") and `port` (0: any free port).
 * Plain HTTP only on a loopback address. */
gboolean
hy_relay_server_listen (HyRelayServer *self, const gchar *host, guint port, GError **error);

/* The URL it listens on, e.g. "http://127.0.0.1:41234". */
gchar *
hy_relay_server_get_url (HyRelayServer *self);

G_END_DECLS
