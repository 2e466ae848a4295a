/* Huiyuan UI: the keys of the cn.huiyuan.Cashier GSettings schema
 * (data/cn.huiyuan.Cashier.gschema.xml). */
#pragma once

#define HY_SETTINGS_DATABASE	     "database"
#define HY_SETTINGS_LAST_OPERATOR    "last-operator"
#define HY_SETTINGS_WINDOW_WIDTH     "window-width"
#define HY_SETTINGS_WINDOW_HEIGHT    "window-height"
#define HY_SETTINGS_WINDOW_MAXIMIZED "window-maximized"
#define HY_SETTINGS_WEDGE_MAX_GAP_MS "wedge-max-gap-ms"
#define HY_SETTINGS_READER_DEVICE    "reader-device"
#define HY_SETTINGS_SAVED_SEARCHES   "saved-searches"
