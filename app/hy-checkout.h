/* Huiyuan: checkout. A sale (quick sale by amount, product sale, or both on one basket)
 * is priced by the rules in force and paid with one or more tenders, in one SQLite
 * transaction: the sale, its lines and payments, the stored-value and points entries,
 * the outbox rows and the audit record commit together or not at all. */
#pragma once

#include <json-glib/json-glib.h>

#include "hy-actor.h"
#include "hy-db.h"
#include "hy-pricing.h"

G_BEGIN_DECLS

/* How a sale is paid. Only cash may exceed what is due (the rest is change); stored
 * value ("balance") needs the card's spending PIN when the card has one. */
typedef enum {
	HY_TENDER_CASH,
	HY_TENDER_BANK_CARD,
	HY_TENDER_CHEQUE,
	HY_TENDER_BALANCE, /* the member card's stored value */
	HY_TENDER_VOUCHER,
	HY_TENDER_COUPON,
	HY_TENDER_POINTS, /* the card's points at the rules' cash value; earns no points */
} HyTenderMethod;

const gchar *
hy_tender_method_to_string (HyTenderMethod method);
gboolean
hy_tender_method_from_string (const gchar *text, HyTenderMethod *out);

typedef struct {
	HyTenderMethod method;
	gint64 amount;		/* fen */
	const gchar *reference; /* voucher or cheque number, bank slip; may be NULL */
} HyTender;

/* 抹零: the total rounded down to the jiao or the yuan; needs sale.round, and may not
 * round a sale down to nothing. Points are earned on the total before 抹零: it is a
 * courtesy to the customer, not a discount of the rules. */
typedef enum {
	HY_ROUNDING_NONE,
	HY_ROUNDING_JIAO,
	HY_ROUNDING_YUAN,
} HyRounding;

typedef struct {
	const gchar *card; /* card number or bound phone; NULL: not a member */
	const HyBasketLine *lines;
	guint n_lines;
	const HyTender *tenders;
	guint n_tenders;
	const gchar *pin;	  /* the spending PIN, when paying from stored value */
	const gchar *slip_no;	  /* manual slip number; may be NULL */
	const gchar *salesperson; /* may be NULL */
	const gchar *note;	  /* may be NULL */
	HyRounding rounding;
	GDateTime *at; /* NULL: now */
} HySaleRequest;

/* Rings up a sale (sale.make). On success `sale_id_out` gets the sale's id and
 * `receipt_out` the structured receipt (see hy_checkout_receipt). Refused, with
 * nothing written, when the card is lost, retired or expired, the PIN is wrong, the
 * tenders do not cover the total, a non-cash tender overpays, or stored value runs
 * short. */
gboolean
hy_checkout_sell (HyDb *db,
		  const HyActor *actor,
		  const HySaleRequest *request,
		  gchar **sale_id_out,
		  JsonNode **receipt_out,
		  GError **error);

/* The receipt of a sale, for printing and reprinting:
 * {"sale", "at", "store", "slip_no", "salesperson", "note", "card", "member",
 *  "lines": [... as `huiyuan-admin price`, with "line"],
 *  "subtotal", "discount", "rounding", "total", "points",
 *  "payments": [{"method", "amount", "reference"}], "change",
 *  "balances": {"money", "points"} (after the sale; members only)} */
JsonNode *
hy_checkout_receipt (HyDb *db, const gchar *sale_id, GError **error);

G_END_DECLS
