/* huiyuan-admin: what every subcommand shares — options, opening the database, signing
 * in, reading secrets, printing JSON and turning a GError into an exit code. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-card.h"
#include "hy-db.h"
#include "hy-member.h"

G_BEGIN_DECLS

#define HY_ADMIN_PROGRAM "huiyuan-admin"

/* The exit codes, documented in `huiyuan-admin --help`. */
typedef enum {
	HY_ADMIN_EXIT_OK = 0,
	HY_ADMIN_EXIT_VERIFY_FAILED = 1, /* verify found problems */
	HY_ADMIN_EXIT_USAGE = 2,	 /* bad option or input, not found, conflict, auth, … */
	HY_ADMIN_EXIT_DENIED = 3,	 /* the operator lacks the permission */
} HyAdminExit;

/* A subcommand: `run` gets argv[0] set to the full command name ("huiyuan-admin card
 * lose") and returns the exit code. A group has `children` instead of `run`. */
typedef struct _HyAdminCommand HyAdminCommand;
struct _HyAdminCommand {
	const gchar *name;
	const gchar *summary; /* untranslated; shown through _() */
	gint (*run) (gint argc, gchar **argv);
	const HyAdminCommand *children; /* terminated by an entry with name NULL */
};

/* Options every subcommand may take; which ones is chosen by the flags. */
typedef enum {
	HY_ADMIN_OPT_DB = 1 << 0,	/* --db PATH (required) */
	HY_ADMIN_OPT_OPERATOR = 1 << 1, /* --operator LOGIN (required) */
	HY_ADMIN_OPT_JSON = 1 << 2,	/* --json */
} HyAdminOptFlags;

typedef struct {
	gchar *db;
	gchar *operator_login;
	gboolean json;
	gboolean verbose;
	gchar **args; /* positional arguments left after parsing */
	HyAdminOptFlags flags;
	GOptionContext *context;
} HyAdminOptions;

void
hy_admin_options_clear (HyAdminOptions *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyAdminOptions, hy_admin_options_clear)

/* Parses argv with `entries` plus the common options selected by `flags`; `--help`
 * prints the help and exits 0. Checks that required common options are present and that
 * the number of positional arguments lies in [min_args, max_args]. A failure is
 * G_OPTION_ERROR (exit code 2). */
gboolean
hy_admin_parse (HyAdminOptions *options,
		gint argc,
		gchar **argv,
		const gchar *parameter_string,
		const gchar *summary,
		const gchar *description,
		const GOptionEntry *entries,
		HyAdminOptFlags flags,
		guint min_args,
		guint max_args,
		GError **error);

/* Prints "huiyuan-admin: <message>" on stderr and returns the exit code for the error. */
gint
hy_admin_fail (const GError *error);
gint
hy_admin_error_to_exit (const GError *error);
/* A usage or input error found by the CLI itself (G_OPTION_ERROR_BAD_VALUE). */
void
hy_admin_set_usage_error (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

/* Opens an existing database (--db) for reading and writing, or read-only. */
HyDb *
hy_admin_open_db (const HyAdminOptions *options, gboolean readonly, GError **error);
/* Signs in `options->operator_login` with the password from HUIYUAN_PASSWORD, else
 * asked on the terminal without echo. */
HyActor *
hy_admin_login (HyDb *db, const HyAdminOptions *options, GError **error);

/* A secret from the environment variable `env`, else read from the controlling
 * terminal without echo (asked twice when `confirm`). Fails when neither is available. */
gchar *
hy_admin_read_secret (const gchar *env, const gchar *prompt, gboolean confirm, GError **error);

/* Pretty JSON on stdout, followed by a newline. */
void
hy_admin_print_json (JsonNode *node);
void
hy_admin_print_json_object (JsonObject *object);

/* "123.45" for 12345 fen, "-0.05" for -5; the same for points in hundredths. */
gchar *
hy_admin_format_hundredths (gint64 value);

/* Strict parsing of a whole decimal integer ("12", "-3"), naming the option on error. */
gboolean
hy_admin_parse_int64 (const gchar *option, const gchar *text, gint64 *out, GError **error);
/* A YYYY-MM-DD date that exists in the calendar. */
gboolean
hy_admin_check_date (const gchar *option, const gchar *text, GError **error);

/* Display width in terminal columns (CJK characters count two) and padding to it. */
gint
hy_admin_text_width (const gchar *text);
void
hy_admin_append_padded (GString *out, const gchar *text, gint width);
void
hy_admin_append_right (GString *out, const gchar *text, gint width);

typedef enum {
	HY_ADMIN_ALIGN_LEFT,
	HY_ADMIN_ALIGN_RIGHT,
	HY_ADMIN_ALIGN_FREE, /* a last column of free text, not padded */
} HyAdminAlign;

/* A table: the header row, then `rows` (each a gchar *[n_cols]), columns two spaces
 * apart and as wide as their widest cell in terminal columns; no trailing blanks. */
void
hy_admin_append_table (GString *out,
		       const gchar *const *headers,
		       const HyAdminAlign *align,
		       guint n_cols,
		       GPtrArray *rows);

/* A card and a member as JSON, the shape `member find --json` prints (defined in
 * hy-admin-member.c): balances per card, and the member's totals over cards that are
 * not retired. */
JsonObject *
hy_admin_card_to_json (HyDb *db, const HyCard *card, GError **error);
JsonObject *
hy_admin_member_to_json (HyDb *db, const HyMember *member, GError **error);
void
hy_admin_print_card_text (JsonObject *card);
void
hy_admin_print_member_text (JsonObject *member);

/* Dispatches argv[1] to a child of `group`; `prefix` is the command so far. */
gint
hy_admin_dispatch (const HyAdminCommand *group,
		   const gchar *prefix,
		   const gchar *group_summary,
		   gint argc,
		   gchar **argv);

/* The subcommands, one file per group: hy-admin-store.c (init, demo, operator),
 * hy-admin-member.c, hy-admin-card.c, hy-admin-money.c (recharge, withdraw, points),
 * hy-admin-maintenance.c (verify, backup, restore). */
extern const HyAdminCommand hy_admin_operator_commands[];
extern const HyAdminCommand hy_admin_member_commands[];
extern const HyAdminCommand hy_admin_field_commands[]; /* hy-admin-field.c */
extern const HyAdminCommand hy_admin_card_commands[];
extern const HyAdminCommand hy_admin_points_commands[];
extern const HyAdminCommand hy_admin_count_commands[]; /* hy-admin-count.c */
extern const HyAdminCommand hy_admin_rules_commands[]; /* hy-admin-rules.c */
extern const HyAdminCommand hy_admin_store_commands[]; /* hy-admin-sync.c */
extern const HyAdminCommand hy_admin_time_commands[];  /* hy-admin-time.c */

gint
hy_admin_cmd_init (gint argc, gchar **argv);
gint
hy_admin_cmd_demo (gint argc, gchar **argv);
gint
hy_admin_cmd_recharge (gint argc, gchar **argv);
gint
hy_admin_cmd_withdraw (gint argc, gchar **argv);
gint
hy_admin_cmd_verify (gint argc, gchar **argv);
gint
hy_admin_cmd_backup (gint argc, gchar **argv);
gint
hy_admin_cmd_restore (gint argc, gchar **argv);
gint
hy_admin_cmd_price (gint argc, gchar **argv); /* hy-admin-rules.c */
gint
hy_admin_cmd_sell (gint argc, gchar **argv); /* hy-admin-sell.c */
gint
hy_admin_cmd_receipt (gint argc, gchar **argv); /* hy-admin-sell.c */
gint
hy_admin_cmd_refund (gint argc, gchar **argv); /* hy-admin-refund.c */
gint
hy_admin_cmd_enroll (gint argc, gchar **argv); /* hy-admin-sync.c */
gint
hy_admin_cmd_sync (gint argc, gchar **argv); /* hy-admin-sync.c */
gint
hy_admin_cmd_deduct (gint argc, gchar **argv); /* hy-admin-deduct.c */
gint
hy_admin_cmd_settlement (gint argc, gchar **argv); /* hy-admin-settlement.c */
gint
hy_admin_cmd_due (gint argc, gchar **argv); /* hy-admin-loyalty.c */
gint
hy_admin_cmd_redeem (gint argc, gchar **argv); /* hy-admin-loyalty.c */
gint
hy_admin_cmd_points_cash (gint argc, gchar **argv); /* hy-admin-loyalty.c */
gint
hy_admin_cmd_points_batches (gint argc, gchar **argv); /* hy-admin-loyalty.c */

G_END_DECLS
