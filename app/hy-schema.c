#include "config.h"

#include "hy-schema.h"

/* Replicated tables carry hlc (hybrid logical clock) and origin_store; ledger tables
 * also carry origin_seq and a hash chain per origin store. Table kinds are listed in
 * hy-table-kind.c. Nothing here may be edited once released: add a new version. */
static const gchar *migration_v1 =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

	/* HQ-owned */
	"CREATE TABLE stores ("
	"  id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 0 AND 999),"
	"  is_hq INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE terminals ("
	"  id TEXT PRIMARY KEY, store_id TEXT NOT NULL, name TEXT NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE roles ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, permissions TEXT NOT NULL,"
	"  builtin INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE levels ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, rank INTEGER NOT NULL DEFAULT 0,"
	"  points_bp INTEGER NOT NULL DEFAULT 10000, discount_bp INTEGER NOT NULL DEFAULT 10000,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE card_kinds ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  stored_value INTEGER NOT NULL DEFAULT 1, points INTEGER NOT NULL DEFAULT 1,"
	"  counts INTEGER NOT NULL DEFAULT 1, time INTEGER NOT NULL DEFAULT 1,"
	"  validity_days INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE card_stock ("
	"  id TEXT PRIMARY KEY, store_id TEXT NOT NULL,"
	"  first_serial INTEGER NOT NULL, last_serial INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  CHECK (first_serial BETWEEN 0 AND last_serial AND last_serial < 1000000000));"
	"CREATE TABLE items ("
	"  id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  barcode TEXT UNIQUE, price INTEGER NOT NULL CHECK (price >= 0),"
	"  member_price INTEGER, special_price INTEGER,"
	"  points_bp INTEGER, discount_bp INTEGER,"
	"  category TEXT, brand TEXT, active INTEGER NOT NULL DEFAULT 1,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	/* the rest of the rules document (categories, brands, per-store rules); levels
	 * and items live in their own tables. The newest version applies. */
	"CREATE TABLE rules ("
	"  id TEXT PRIMARY KEY, version INTEGER NOT NULL UNIQUE, document TEXT NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE field_defs ("
	"  id TEXT PRIMARY KEY,"
	"  entity TEXT NOT NULL CHECK (entity IN ('member', 'employee', 'item', 'gift')),"
	"  key TEXT NOT NULL, label TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('text', 'choice', 'date', 'number')),"
	"  required INTEGER NOT NULL DEFAULT 0, max_length INTEGER NOT NULL DEFAULT 0,"
	"  default_value TEXT, choices TEXT, searchable INTEGER NOT NULL DEFAULT 0,"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  UNIQUE (entity, key));"

	/* shared mutable */
	"CREATE TABLE operators ("
	"  id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  role_id TEXT NOT NULL, store_id TEXT NOT NULL, password_hash TEXT NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE members ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  name_pinyin TEXT NOT NULL, name_initials TEXT NOT NULL,"
	/* pinyin without spaces, so "zhangsan" and "zhangs" find "zhang san" by prefix */
	"  name_pinyin_flat TEXT NOT NULL DEFAULT '',"
	"  gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'male', 'female')),"
	"  birthday TEXT, id_number TEXT, phone TEXT,"
	"  province TEXT, city TEXT, district TEXT, address TEXT, zip TEXT, email TEXT, note TEXT,"
	"  level_id TEXT NOT NULL, home_store TEXT NOT NULL, created_at INTEGER NOT NULL,"
	"  deleted INTEGER NOT NULL DEFAULT 0,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	/* phone is not UNIQUE: two stores offline may register one number; the relay
	 * queues such pairs for a merge */
	"CREATE INDEX members_phone ON members (phone);"
	"CREATE INDEX members_id_number ON members (id_number);"
	"CREATE INDEX members_initials ON members (name_initials);"
	"CREATE INDEX members_pinyin ON members (name_pinyin);"
	"CREATE INDEX members_pinyin_flat ON members (name_pinyin_flat);"
	"CREATE TABLE cards ("
	"  id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, member_id TEXT NOT NULL,"
	"  kind_id TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'lost', 'retired')),"
	"  retired_reason TEXT CHECK (retired_reason IN ('merged', 'replaced', 'recycled')),"
	"  successor_id TEXT,"
	"  issued_at INTEGER NOT NULL, expires_on TEXT, password_hash TEXT, pin_hash TEXT,"
	"  store_id TEXT NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE INDEX cards_member ON cards (member_id);"
	"CREATE TABLE field_values ("
	"  id TEXT PRIMARY KEY, entity_id TEXT NOT NULL, field_id TEXT NOT NULL,"
	"  value TEXT NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  UNIQUE (entity_id, field_id));"
	"CREATE INDEX field_values_search ON field_values (field_id, value);"

	/* ledger: insert-only. Rows are keyed by their time-ordered id; each store's hash
	 * chain is ordered by origin_seq, whose head is kept in meta (hy-chain.c), so no
	 * index on it is paid for by every write */
	"CREATE TABLE account_entries ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, member_id TEXT NOT NULL,"
	"  account TEXT NOT NULL CHECK (account IN ('money', 'points', 'count', 'time')),"
	"  item TEXT NOT NULL DEFAULT '', delta INTEGER NOT NULL,"
	"  op TEXT NOT NULL, op_id TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',"
	"  store_id TEXT NOT NULL, terminal_id TEXT NOT NULL, operator_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  origin_seq INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX account_entries_card ON account_entries (card_id, account, item);"
	"CREATE TABLE audit ("
	"  id TEXT PRIMARY KEY, at INTEGER NOT NULL,"
	"  operator_id TEXT NOT NULL, terminal_id TEXT NOT NULL,"
	"  action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  origin_seq INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TABLE sales ("
	"  id TEXT PRIMARY KEY, store_id TEXT NOT NULL, terminal_id TEXT NOT NULL,"
	"  operator_id TEXT NOT NULL, card_id TEXT, member_id TEXT,"
	"  slip_no TEXT, salesperson TEXT, note TEXT,"
	"  subtotal INTEGER NOT NULL, discount INTEGER NOT NULL, rounding INTEGER NOT NULL,"
	"  total INTEGER NOT NULL, points INTEGER NOT NULL, change INTEGER NOT NULL,"
	"  money_after INTEGER, points_after INTEGER,"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX sales_member ON sales (member_id, at);"
	"CREATE TABLE sale_lines ("
	"  id TEXT PRIMARY KEY, sale_id TEXT NOT NULL, line_no INTEGER NOT NULL, item TEXT,"
	"  qty INTEGER NOT NULL, unit_price INTEGER NOT NULL, price_source TEXT NOT NULL,"
	"  list_amount INTEGER NOT NULL, amount INTEGER NOT NULL, points INTEGER NOT NULL,"
	"  discount_bp INTEGER NOT NULL, points_bp INTEGER NOT NULL, factors TEXT NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sale_lines_sale ON sale_lines (sale_id, line_no);"
	"CREATE TABLE payments ("
	"  id TEXT PRIMARY KEY, sale_id TEXT NOT NULL, method TEXT NOT NULL,"
	"  amount INTEGER NOT NULL, reference TEXT,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX payments_sale ON payments (sale_id);"
	"CREATE TABLE refunds ("
	"  id TEXT PRIMARY KEY, sale_id TEXT NOT NULL, store_id TEXT NOT NULL,"
	"  terminal_id TEXT NOT NULL, operator_id TEXT NOT NULL, card_id TEXT,"
	"  amount INTEGER NOT NULL, points INTEGER NOT NULL,"
	"  to_balance INTEGER NOT NULL, to_cash INTEGER NOT NULL, reason TEXT,"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX refunds_sale ON refunds (sale_id);"
	"CREATE TABLE refund_lines ("
	"  id TEXT PRIMARY KEY, refund_id TEXT NOT NULL, sale_line_id TEXT NOT NULL,"
	"  qty INTEGER NOT NULL, amount INTEGER NOT NULL, points INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX refund_lines_sale_line ON refund_lines (sale_line_id);"
	/* count cards (计次): each purchase is a lot with its own expiry; uses draw on
	 * the lots that expire first */
	"CREATE TABLE count_lots ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, item TEXT NOT NULL,"
	"  qty INTEGER NOT NULL CHECK (qty > 0), expires_on TEXT, op_id TEXT NOT NULL,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX count_lots_card ON count_lots (card_id, item);"
	"CREATE TABLE count_uses ("
	"  id TEXT PRIMARY KEY, lot_id TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0),"
	"  op_id TEXT NOT NULL, store_id TEXT NOT NULL, operator_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX count_uses_lot ON count_uses (lot_id);"
	"CREATE TRIGGER account_entries_no_update BEFORE UPDATE ON account_entries"
	"  BEGIN SELECT RAISE (ABORT, 'account entries are insert-only'); END;"
	"CREATE TRIGGER account_entries_no_delete BEFORE DELETE ON account_entries"
	"  BEGIN SELECT RAISE (ABORT, 'account entries are insert-only'); END;"
	"CREATE TRIGGER sales_no_change BEFORE UPDATE ON sales"
	"  BEGIN SELECT RAISE (ABORT, 'sales are insert-only'); END;"
	"CREATE TRIGGER sale_lines_no_change BEFORE UPDATE ON sale_lines"
	"  BEGIN SELECT RAISE (ABORT, 'sale lines are insert-only'); END;"
	"CREATE TRIGGER payments_no_change BEFORE UPDATE ON payments"
	"  BEGIN SELECT RAISE (ABORT, 'payments are insert-only'); END;"
	"CREATE TRIGGER refunds_no_change BEFORE UPDATE ON refunds"
	"  BEGIN SELECT RAISE (ABORT, 'refunds are insert-only'); END;"
	"CREATE TRIGGER refund_lines_no_change BEFORE UPDATE ON refund_lines"
	"  BEGIN SELECT RAISE (ABORT, 'refund lines are insert-only'); END;"
	"CREATE TRIGGER count_lots_no_change BEFORE UPDATE ON count_lots"
	"  BEGIN SELECT RAISE (ABORT, 'count lots are insert-only'); END;"
	"CREATE TRIGGER count_uses_no_change BEFORE UPDATE ON count_uses"
	"  BEGIN SELECT RAISE (ABORT, 'count uses are insert-only'); END;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"

	/* derived: never replicated, rebuilt from the ledger */
	"CREATE TABLE balances ("
	"  card_id TEXT NOT NULL, account TEXT NOT NULL, item TEXT NOT NULL DEFAULT '',"
	"  amount INTEGER NOT NULL,"
	"  PRIMARY KEY (card_id, account, item)) WITHOUT ROWID;"
	"CREATE TABLE member_name_grams ("
	"  gram TEXT NOT NULL, member_id TEXT NOT NULL,"
	"  PRIMARY KEY (gram, member_id)) WITHOUT ROWID;"

	/* local only; outbox.seq continues after meta "outbox_trimmed" (hy-outbox.c), so
	 * it never repeats once shipped rows are trimmed */
	"CREATE TABLE outbox ("
	"  seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, kind TEXT NOT NULL,"
	"  op TEXT NOT NULL, row_id TEXT NOT NULL, hlc INTEGER NOT NULL);"
	/* wrong spending PINs per card at this store, and until when the PIN is locked */
	"CREATE TABLE pin_failures ("
	"  card_id TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE card_stock_cursor ("
	"  stock_id TEXT PRIMARY KEY, next_serial INTEGER NOT NULL);";

/* v2: loyalty: recharge bonus rules and instalments, points batches, gifts */
static const gchar *migration_v2 =
	/* a level's upgrade and recharge rules, as the rules document's JSON */
	"ALTER TABLE levels ADD COLUMN loyalty TEXT;"
	/* the gift catalogue (HQ-owned); stock is the sum of its moves, a ledger, so
	 * that stores redeeming offline never overwrite each other's counts */
	"CREATE TABLE gifts ("
	"  id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  points INTEGER NOT NULL CHECK (points > 0), active INTEGER NOT NULL DEFAULT 1,"
	"  version INTEGER NOT NULL DEFAULT 1, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL);"
	"CREATE TABLE gift_moves ("
	"  id TEXT PRIMARY KEY, gift_id TEXT NOT NULL, delta INTEGER NOT NULL,"
	"  op TEXT NOT NULL, op_id TEXT NOT NULL, card_id TEXT,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX gift_moves_gift ON gift_moves (gift_id);"
	/* points earned in batches, each with its own expiry; spending draws on the
	 * oldest first (points_uses). Points of the balance not in any batch (from before
	 * v2) count as older than every batch */
	"CREATE TABLE points_batches ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, member_id TEXT NOT NULL,"
	"  points INTEGER NOT NULL CHECK (points > 0), earned_on TEXT NOT NULL,"
	"  expires_on TEXT, op TEXT NOT NULL, op_id TEXT NOT NULL,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX points_batches_card ON points_batches (card_id, earned_on);"
	"CREATE INDEX points_batches_member ON points_batches (member_id);"
	"CREATE INDEX points_batches_expiry ON points_batches (expires_on);"
	"CREATE TABLE points_uses ("
	"  id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, points INTEGER NOT NULL CHECK (points > 0),"
	"  op TEXT NOT NULL, op_id TEXT NOT NULL,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX points_uses_batch ON points_uses (batch_id);"
	/* recharge bonus instalments: one schedule per recharge that has them, one payout
	 * row per instalment paid (the unique pair makes the due-job idempotent) */
	"CREATE TABLE recharge_schedules ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, member_id TEXT NOT NULL,"
	"  recharge_op_id TEXT NOT NULL, starts_on TEXT NOT NULL,"
	"  every_days INTEGER NOT NULL CHECK (every_days > 0),"
	"  times INTEGER NOT NULL CHECK (times > 0),"
	"  money INTEGER NOT NULL, points INTEGER NOT NULL,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE recharge_payouts ("
	"  id TEXT PRIMARY KEY, schedule_id TEXT NOT NULL, instalment INTEGER NOT NULL,"
	"  due_on TEXT NOT NULL, op_id TEXT NOT NULL,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  UNIQUE (schedule_id, instalment)) WITHOUT ROWID;"
	"CREATE TRIGGER gift_moves_no_change BEFORE UPDATE ON gift_moves"
	"  BEGIN SELECT RAISE (ABORT, 'gift moves are insert-only'); END;"
	"CREATE TRIGGER points_batches_no_change BEFORE UPDATE ON points_batches"
	"  BEGIN SELECT RAISE (ABORT, 'points batches are insert-only'); END;"
	"CREATE TRIGGER points_uses_no_change BEFORE UPDATE ON points_uses"
	"  BEGIN SELECT RAISE (ABORT, 'points uses are insert-only'); END;"
	"CREATE TRIGGER recharge_schedules_no_change BEFORE UPDATE ON recharge_schedules"
	"  BEGIN SELECT RAISE (ABORT, 'recharge schedules are insert-only'); END;"
	"CREATE TRIGGER recharge_payouts_no_change BEFORE UPDATE ON recharge_payouts"
	"  BEGIN SELECT RAISE (ABORT, 'recharge payouts are insert-only'); END;"
	/* built-in roles of an existing database get the new permissions their defaults
	 * now have (hy-permission.c); new databases are created with them */
	"UPDATE roles SET permissions = trim (permissions || ' points.redeem')"
	"  WHERE builtin = 1 AND name IN ('cashier', 'store-manager', 'hq-admin');"
	"UPDATE roles SET permissions = trim (permissions || ' loyalty.due')"
	"  WHERE builtin = 1 AND name IN ('store-manager', 'hq-admin');";

/* v3: business modes: time-card sessions, direct deductions, count packages */
static const gchar *migration_v3 =
	/* an item sold as a package: its rules-document object, or NULL */
	"ALTER TABLE items ADD COLUMN package TEXT;"
	/* time-card sessions (计时): a check-in, and its check-out once the session is
	 * billed; both insert-only. A session without an end is open. */
	"CREATE TABLE time_sessions ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, item TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL, store_id TEXT NOT NULL, operator_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX time_sessions_card ON time_sessions (card_id, item);"
	"CREATE INDEX time_sessions_store ON time_sessions (store_id, started_at);"
	"CREATE TABLE time_session_ends ("
	"  id TEXT PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, ended_at INTEGER NOT NULL,"
	"  seconds INTEGER NOT NULL CHECK (seconds >= 0), units INTEGER NOT NULL,"
	"  billed_seconds INTEGER NOT NULL, time_deducted INTEGER NOT NULL,"
	"  money INTEGER NOT NULL, sale_id TEXT,"
	"  store_id TEXT NOT NULL, operator_id TEXT NOT NULL, at INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL, origin_store TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER time_sessions_no_change BEFORE UPDATE ON time_sessions"
	"  BEGIN SELECT RAISE (ABORT, 'time sessions are insert-only'); END;"
	"CREATE TRIGGER time_session_ends_no_change BEFORE UPDATE ON time_session_ends"
	"  BEGIN SELECT RAISE (ABORT, 'time session ends are insert-only'); END;"
	/* built-in roles of an existing database get the new permissions their defaults
	 * now have (hy-permission.c); new databases are created with them */
	"UPDATE roles SET permissions = trim (permissions || ' direct.deduct time.session')"
	"  WHERE builtin = 1 AND name IN ('cashier', 'store-manager', 'hq-admin');";

/* v4: replication: relay cursors, enrolment, terminals' credentials */
static const gchar *migration_v4 =
	/* relay side (the HQ database the relay serves): every change accepted, in the
	 * order the relay committed it; stores pull by relay_seq */
	"CREATE TABLE relay_log ("
	"  relay_seq INTEGER PRIMARY KEY, origin_store TEXT NOT NULL,"
	"  store_seq INTEGER NOT NULL, tbl TEXT NOT NULL, op TEXT NOT NULL,"
	"  row_id TEXT NOT NULL, hlc INTEGER NOT NULL, payload TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL);"
	/* per store: the highest contiguous outbox seq applied (push cursor) and the
	 * newest relay_seq it asked for (pull cursor, for monitoring and escrow) */
	"CREATE TABLE relay_peers ("
	"  store_id TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL DEFAULT 0,"
	"  pulled_seq INTEGER NOT NULL DEFAULT 0, last_seen INTEGER NOT NULL DEFAULT 0)"
	"  WITHOUT ROWID;"
	/* one-time enrolment tokens and terminal secrets: only their SHA-256 is kept */
	"CREATE TABLE relay_enrolments ("
	"  token_hash TEXT PRIMARY KEY, store_id TEXT NOT NULL, terminal_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)"
	"  WITHOUT ROWID;"
	"CREATE TABLE relay_credentials ("
	"  terminal_id TEXT PRIMARY KEY, store_id TEXT NOT NULL, secret_hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, revoked_at INTEGER) WITHOUT ROWID;"
	/* members registered with one phone at two stores (offline, so neither saw the
	 * other), queued at the relay for the card-merge operation */
	"CREATE TABLE member_duplicates ("
	"  member_id TEXT NOT NULL, other_id TEXT NOT NULL, phone TEXT NOT NULL,"
	"  detected_at INTEGER NOT NULL, resolved_at INTEGER,"
	"  PRIMARY KEY (member_id, other_id), CHECK (member_id < other_id)) WITHOUT ROWID;"
	/* ledger rows that arrived with content different from the copy held */
	"CREATE TABLE replication_alarms ("
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, origin_store TEXT NOT NULL,"
	"  tbl TEXT NOT NULL, row_id TEXT NOT NULL, message TEXT NOT NULL);"
	/* both sides: the newest link of other stores' hash chains, so a remote ledger or
	 * audit row is checked against its predecessor without an index on origin_seq */
	"CREATE TABLE chain_heads ("
	"  tbl TEXT NOT NULL, origin_store TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  hash TEXT NOT NULL, PRIMARY KEY (tbl, origin_store)) WITHOUT ROWID;"
	/* deleted shared rows, so an older write cannot bring them back */
	"CREATE TABLE tombstones ("
	"  tbl TEXT NOT NULL, row_id TEXT NOT NULL, hlc INTEGER NOT NULL,"
	"  origin_store TEXT NOT NULL, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID;"
	/* store side: the relay it follows, its terminal's secret, the relay's epoch and
	 * the cursors; one row */
	"CREATE TABLE sync_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), relay_url TEXT NOT NULL,"
	"  terminal_id TEXT NOT NULL, secret TEXT NOT NULL, relay_epoch TEXT NOT NULL,"
	"  pull_cursor INTEGER NOT NULL DEFAULT 0, acked_seq INTEGER NOT NULL DEFAULT 0);";

/* v5: escrow (hy-escrow.h): grants and releases of balance slices, the slices derived
 * from them and the ledger, and what each store may hold for offline use */
static const gchar *migration_v5 =
	"CREATE TABLE escrow_entries ("
	"  id TEXT PRIMARY KEY, card_id TEXT NOT NULL,"
	"  account TEXT NOT NULL CHECK (account IN ('money', 'points', 'count')),"
	"  item TEXT NOT NULL DEFAULT '', store_id TEXT NOT NULL, delta INTEGER NOT NULL,"
	"  op TEXT NOT NULL CHECK (op IN ('grant', 'release')),"
	"  at INTEGER NOT NULL, hlc INTEGER NOT NULL, origin_store TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TRIGGER escrow_entries_no_change BEFORE UPDATE ON escrow_entries"
	"  BEGIN SELECT RAISE (ABORT, 'escrow entries are insert-only'); END;"
	"CREATE TABLE escrow_slices ("
	"  card_id TEXT NOT NULL, account TEXT NOT NULL, item TEXT NOT NULL,"
	"  store_id TEXT NOT NULL, amount INTEGER NOT NULL,"
	"  PRIMARY KEY (card_id, account, item, store_id)) WITHOUT ROWID;"
	/* relay side, local: stores asked to give back their slices of a card's account
	 * because another store could not be authorised; told with their next pull */
	"CREATE TABLE escrow_requests ("
	"  store_id TEXT NOT NULL, card_id TEXT NOT NULL, account TEXT NOT NULL,"
	"  item TEXT NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (store_id, card_id, account, item)) WITHOUT ROWID;"
	/* money per card a store may hold for offline spending beyond what was recharged
	 * there, and in all (fen) */
	"ALTER TABLE stores ADD COLUMN offline_allowance INTEGER NOT NULL DEFAULT 50000;"
	"ALTER TABLE stores ADD COLUMN offline_cap INTEGER NOT NULL DEFAULT 10000000;"
	/* the chain's HQ store once escrow is on; empty for a store on its own */
	"INSERT INTO meta (key, value) VALUES ('escrow_hq', '');";

const gchar *
hy_schema_migration (gint version)
{
	switch (version) {
	case 1:
		return migration_v1;
	case 2:
		return migration_v2;
	case 3:
		return migration_v3;
	case 4:
		return migration_v4;
	case 5:
		return migration_v5;
	default:
		return NULL;
	}
}
