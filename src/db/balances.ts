/**
 * Balance history stored by change (see migrations.ts). `BalanceStore.set` records an
 * account's state on one day and keeps the stored rows minimal and exact whatever order
 * dates arrive in: an earlier date imported late, a date re-imported with corrections.
 *
 * Invariant: the state on day d is the row with the latest as_of <= d; every row differs
 * from the one before it; a full snapshot date on which the account existed with the state
 * carried from before is implicit. When day D changes, the next full snapshot date N before
 * the account's next row gets an explicit row with the state it was imported with (or
 * "closed" when the account was absent from it), so that D's new state does not leak into N.
 */
import type { Db } from './connection.js';
import { CUSTOMER_SPANS_REFRESH, SPANS_TOUCHED_TABLE } from './customer-spans.js';
import { END_OF_TIME } from './migrations.js';

/** Days since 1970-01-01 of an ISO date. */
export function dayNum(iso: string): number {
  // Civil-from-days inverse (H. Hinnant); Date.UTC would read years 0-99 as 19xx.
  let y = +iso.slice(0, 4);
  const m = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * SQL: every account's stored state on day :dn (ISO :day), closed ones included (source 'C'),
 * accounts not yet seen left out. The state is the account's last row when that starts on or
 * before the day (read from the span on accounts), else the row holding the day (one seek;
 * CROSS JOIN keeps accounts the outer loop: SQLite would otherwise walk balances by date); on
 * or after the latest row's day every account's state is its last row, and the second part
 * is skipped without a scan of accounts. `where` filters accounts (alias a).
 */
export function statesOnDay(where = ''): string {
  return `SELECT a.account_id, a.customer_id, a.product_type, a.currency, a.bal_last_balance AS balance, a.bal_last_class AS loan_class,
        a.bal_last_rm AS rm_id, a.bal_last_source AS source
      FROM accounts a WHERE a.bal_last <= :dn ${where}
      UNION ALL
      SELECT a.account_id, a.customer_id, a.product_type, a.currency, b.balance, b.loan_class, b.rm_id, b.source
      FROM accounts a CROSS JOIN balances b ON b.account_id = a.account_id
        AND b.as_of = (SELECT max(x.as_of) FROM balances x WHERE x.account_id = a.account_id AND x.as_of <= :day)
      WHERE :day < (SELECT max(m.as_of) FROM balances m) AND a.bal_first <= :dn AND a.bal_last > :dn ${where}`;
}

/** S full snapshot, P partial snapshot (always stored: it must keep its day), T balance_after, C closed. */
export type Source = 'S' | 'P' | 'T' | 'C';

export interface BalanceState {
  balance: number;
  rm_id: string | null;
  loan_class: string | null;
  source: Source;
}

interface Row extends BalanceState { as_of: string }

export const CLOSED: BalanceState = { balance: 0, rm_id: null, loan_class: null, source: 'C' };

export function sameState(a: BalanceState, b: BalanceState): boolean {
  return a.balance === b.balance && a.rm_id === b.rm_id && a.loan_class === b.loan_class && (a.source === 'C') === (b.source === 'C');
}

export type SetResult = 'new' | 'changed' | 'same';

/** An account's last stored row as kept in its span on accounts (bal_last_*). */
export interface LastRow extends BalanceState {
  day_num: number;
  cum: number;
}

/**
 * The columns of an account's last row on accounts (its span, bal_last_*), in the order lastRowAt
 * reads them from a query read as an array (`.raw()`): day_num, balance, rm_id, loan_class,
 * source, cum.
 */
export const LAST_ROW_LIST = 'bal_last, bal_last_balance, bal_last_rm, bal_last_class, bal_last_source, bal_last_cum';

/** The LastRow in an array row whose LAST_ROW_LIST columns start at `i`; null when no rows yet. */
export function lastRowAt(row: unknown[], i: number): LastRow | null {
  if (row[i] === null) return null;
  return {
    day_num: row[i] as number, balance: row[i + 1] as number, rm_id: row[i + 2] as string | null,
    loan_class: row[i + 3] as string | null, source: row[i + 4] as Source, cum: row[i + 5] as number,
  };
}

/** The accounts columns that hold an account's balance span, in the order of firstRowSpan. */
export const SPAN_COLUMNS = `bal_first, ${LAST_ROW_LIST}`;

/** The span of an account whose first balance row is `s` on day `d` (written with a new account). */
export function firstRowSpan(d: string, s: BalanceState): (number | string | null)[] {
  const dn = dayNum(d);
  return [dn, dn, s.balance, s.rm_id, s.loan_class, s.source, 0];
}

/** Touched accounts held before their customers are stashed in temp.spans_touched. */
const TOUCHED_HELD = 10_000;

export class BalanceStore {
  private prev;
  private cur;
  private next;
  private upsert: { run(account: string, d: string, balance: number, rm: string | null, cls: string | null, source: string, cum?: number): unknown };
  private relinkStmt;
  private spanStmt;
  private appendSpan;
  private appendRow;
  private latestStmt;
  private maxTxnDay;
  private closeBefore;
  private del;
  private nextFull;
  private nextTxnDay;
  private nextFullCache = new Map<string, string | null>();
  /** Accounts whose span changed since the last stash into temp.spans_touched (their customers). */
  private touched: string[] = [];
  private stashAccounts;
  private stashCustomer;
  /** setRows stored a row although the state is the same (a partial snapshot's marker). */
  private wrote = false;

  constructor(private db: Db) {
    db.exec(SPANS_TOUCHED_TABLE);
    this.stashAccounts = db.prepare(`INSERT OR IGNORE INTO temp.spans_touched
      SELECT customer_id FROM accounts WHERE account_id IN (SELECT value FROM json_each(?))`);
    this.stashCustomer = db.prepare('INSERT OR IGNORE INTO temp.spans_touched VALUES (?)');
    const cols = 'as_of, balance, rm_id, loan_class, source';
    this.prev = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1`);
    this.cur = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of = ?`);
    this.next = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of > ? ORDER BY as_of LIMIT 1`);
    const upsert = db.prepare(`INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum) VALUES (?, ?, ?, ?, ?, ?, ?, ${END_OF_TIME}, ?)
      ON CONFLICT (account_id, as_of) DO UPDATE SET balance = excluded.balance, rm_id = excluded.rm_id, loan_class = excluded.loan_class, source = excluded.source`);
    // Every write goes through here; end_num and cum are set right by relink() once the
    // account's rows are final (the append path passes the exact cum itself).
    this.upsert = { run: (account: string, d: string, balance: number, rm: string | null, cls: string | null, source: string, cum = 0) => upsert.run(account, d, balance, rm, cls, source, dayNum(d), cum) };
    // end_num and the prefix sum of every row of one account, in one pass over its rows.
    this.relinkStmt = db.prepare(`UPDATE balances SET end_num = x.e, cum = x.c FROM (
        SELECT as_of, e, coalesce(sum(balance * (e - day_num + 1)) OVER (ORDER BY as_of ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS c
        FROM (SELECT as_of, balance, day_num, coalesce(lead(day_num) OVER (ORDER BY as_of) - 1, ${END_OF_TIME}) AS e FROM balances WHERE account_id = :a)) x
      WHERE balances.account_id = :a AND balances.as_of = x.as_of AND (balances.end_num != x.e OR balances.cum != x.c)`);
    this.spanStmt = db.prepare(`UPDATE accounts SET bal_first = (SELECT min(day_num) FROM balances WHERE account_id = :a),
        (bal_last, bal_last_balance, bal_last_cum, bal_last_rm, bal_last_class, bal_last_source) =
        (SELECT day_num, balance, cum, rm_id, loan_class, source FROM balances WHERE account_id = :a ORDER BY as_of DESC LIMIT 1)
      WHERE account_id = :a`);
    this.appendSpan = db.prepare(`UPDATE accounts SET bal_first = coalesce(bal_first, ?), bal_last = ?, bal_last_balance = ?,
        bal_last_cum = ?, bal_last_rm = ?, bal_last_class = ?, bal_last_source = ? WHERE account_id = ?`);
    // The append path's row is always new (its day is after every stored row): a plain INSERT,
    // which SQLite runs without the statement journal an upsert needs.
    this.appendRow = db.prepare('INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.latestStmt = db.prepare(`SELECT ${LAST_ROW_LIST} FROM accounts WHERE account_id = ?`).raw();
    this.maxTxnDay = db.prepare('SELECT max(day) FROM txn_daily WHERE last_at IS NOT NULL').pluck();
    // By the whole primary key (the day as as_of): SQLite then updates in one pass; by day_num it
    // collects the account's rows first (2.5 against 8 µs a row).
    this.closeBefore = db.prepare("UPDATE balances SET end_num = ? WHERE account_id = ? AND as_of = date(? * 86400, 'unixepoch')");
    this.del = db.prepare('DELETE FROM balances WHERE account_id = ? AND as_of = ?');
    this.nextFull = db.prepare('SELECT as_of FROM snapshot_dates WHERE full = 1 AND as_of > ? ORDER BY as_of LIMIT 1').pluck();
    this.nextTxnDay = db.prepare('SELECT min(day) FROM txn_daily WHERE account_id = ? AND day > ? AND last_at IS NOT NULL').pluck();
  }

  /** Call after snapshot_dates changes. */
  resetCache(): void {
    this.nextFullCache.clear();
  }

  /** The first full snapshot date after d, null when none. */
  nextFullAfter(d: string): string | null {
    let n = this.nextFullCache.get(d);
    if (n === undefined) {
      n = (this.nextFull.get(d) as string | undefined) ?? null;
      this.nextFullCache.set(d, n);
    }
    return n;
  }

  /** The stored state on day d (carry-forward), or undefined before the account's first row. */
  stateOn(account: string, d: string): BalanceState | undefined {
    return (this.cur.get(account, d) as Row | undefined) ?? (this.prev.get(account, d) as Row | undefined);
  }

  set(account: string, d: string, s: BalanceState): SetResult {
    this.wrote = false;
    const res = this.setRows(account, d, s);
    if (res !== 'same' || this.wrote) this.relink(account);
    return res;
  }

  /**
   * Recomputes end_num and cum of the account's rows (a handful: history is stored by change)
   * and its span on accounts.
   */
  private relink(account: string): void {
    this.relinkStmt.run({ a: account });
    this.spanStmt.run({ a: account });
    this.touch(account);
  }

  private touch(account: string): void {
    this.touched.push(account);
    if (this.touched.length === TOUCHED_HELD) this.stashTouched();
  }

  /** The touched accounts' customers into temp.spans_touched, a batch at a time (one statement, not one per account). */
  private stashTouched(): void {
    if (this.touched.length === 0) return;
    this.stashAccounts.run(JSON.stringify(this.touched));
    this.touched.length = 0;
  }

  /** Touches the customers a query lists (one column): their customer_spans rows are refreshed by flush(). */
  touchCustomersFrom(sql: string): void {
    this.db.exec(`INSERT OR IGNORE INTO temp.spans_touched ${sql}`);
  }

  /** An account's attributes (customer, product, currency) changed: refresh its old customer and it. */
  touchAccount(account: string, oldCustomer: string): void {
    this.touch(account);
    this.stashCustomer.run(oldCustomer);
  }

  /** Brings customer_spans up to date for the customers of every account touched since the last flush. Call at the end of each file. */
  flush(): void {
    this.stashTouched();
    const touched = this.db.prepare('SELECT count(*) FROM temp.spans_touched').pluck().get() as number;
    if (touched === 0) return;
    // customers is never deleted from: its largest rowid is its number of rows, read in one seek.
    const customers = this.db.prepare('SELECT max(rowid) FROM customers').pluck().get() as number;
    for (const sql of CUSTOMER_SPANS_REFRESH(touched * 3 > customers * 2)) this.db.prepare(sql).run();
  }

  private setRows(account: string, d: string, s: BalanceState): SetResult {
    const prev = this.prev.get(account, d) as Row | undefined;
    const cur = this.cur.get(account, d) as Row | undefined;
    const old = cur ?? prev;
    if (old && sameState(old, s)) {
      // Same state; a snapshot confirming a transaction-derived day takes precedence. A partial
      // snapshot keeps an explicit row: nothing else records that it listed this account that day.
      if (cur && cur.source === 'T' && (s.source === 'S' || s.source === 'P')) this.upsert.run(account, d, s.balance, s.rm_id, s.loan_class, s.source);
      else if (s.source === 'P' && !cur) {
        this.upsert.run(account, d, s.balance, s.rm_id, s.loan_class, 'P');
        this.wrote = true;
      }
      return 'same';
    }
    let next = this.next.get(account, d) as Row | undefined;
    // Until the next stored row, every later day carried `old`, including the days with a state
    // of their own: a full snapshot date (the state it was imported with) and a day with
    // balance_after (without a row, its last balance was the carried one; or it changed in the
    // file being loaded, whose set() for that day comes later; with no state before d, that set()
    // gives its first). The first such day keeps `old` as an explicit row, so d's new state stops
    // there. A snapshot date wins a tie.
    const n = this.nextFullAfter(d);
    const t = (this.nextTxnDay.get(account, d) as string | null) ?? undefined;
    const txnDay = t && (!next || t < next.as_of) && old ? t : undefined;
    const full = n !== null && (!next || n < next.as_of) && (!txnDay || n <= txnDay);
    if (full || txnDay) {
      const day = full ? n : txnDay!;
      const pinned = old && old.source !== 'C' ? old : CLOSED;
      const source = pinned.source === 'C' ? 'C' : full ? 'S' : 'T';
      this.upsert.run(account, day, pinned.balance, pinned.rm_id, pinned.loan_class, source);
      next = { ...pinned, source, as_of: day };
    }
    if (prev && sameState(prev, s) && s.source !== 'P') {
      if (cur) this.del.run(account, d);
    } else {
      this.upsert.run(account, d, s.balance, s.rm_id, s.loan_class, s.source);
    }
    if (next && sameState(next, s) && next.source !== 'P') this.del.run(account, next.as_of);
    return old && old.source !== 'C' ? 'changed' : 'new';
  }

  /**
   * Fast path for the common nightly case: day d is later than every stored balance row,
   * every transaction-derived day and every full snapshot. Then no later row can be
   * disturbed and set() reduces to "compare with the latest row, insert if different".
   * Returns null when d is not such a day (use set()).
   */
  appendContext(d: string): ((account: string, s: BalanceState, last?: LastRow | null, spanWritten?: boolean) => SetResult) | null {
    const db = this.db;
    const maxRow = db.prepare('SELECT max(as_of) FROM balances').pluck().get() as string | null;
    const maxTxn = this.lastTxnDay();
    if ((maxRow !== null && maxRow >= d) || (maxTxn !== null && maxTxn > d) || this.nextFullAfter(d) !== null) return null;
    // `last`: the caller's copy of the span when it has just read the accounts row (null: none).
    // `spanWritten`: a new account whose row the caller wrote with firstRowSpan(d, s).
    const one = [d];
    return (account, s, last, spanWritten = false) => {
      const old = last === undefined ? this.lastRow(account) : last;
      const same = old !== null && sameState(old, s);
      if (same && s.source !== 'P') return 'same';
      this.appendRun(account, old, one, [s], undefined, spanWritten);
      return same ? 'same' : old && old.source !== 'C' ? 'changed' : 'new';
    };
  }

  private writeRow(account: string, d: string, r: LastRow, end: number): void {
    this.appendRow.run(account, d, r.balance, r.rm_id, r.loan_class, r.source, r.day_num, end, r.cum);
  }

  /** The account's last stored row (its span on accounts), null when it has none. */
  lastRow(account: string): LastRow | null {
    const row = this.latestStmt.get(account) as unknown[] | undefined;
    return row ? lastRowAt(row, 0) : null;
  }

  /** The latest day a transaction's balance_after gave a balance for, null when none. */
  lastTxnDay(): string | null {
    return this.maxTxnDay.get() as string | null;
  }

  /**
   * Appends states on `days` (ascending, every one after the account's last row `old`, with no
   * full snapshot date or transaction-derived day after the first of them still to be pinned):
   * then no later row can be disturbed, and set() reduces to "compare with the row before, write
   * if different". A partial snapshot ('P') is written even when it repeats the state. Each row's
   * end_num is the day before the next one's (END_OF_TIME for the last), cum the prefix sum, and
   * the row before the first is closed once. Pushes each day's result to `results` when given;
   * returns the account's new last row.
   */
  appendRun(account: string, old: LastRow | null, days: readonly string[], states: readonly BalanceState[],
    results?: SetResult[], spanWritten = false): LastRow | null {
    let last = old;
    let pending: LastRow | null = null;
    let pendingDay = '';
    let firstDn = 0;
    for (let i = 0; i < days.length; i++) {
      const s = states[i];
      const same = last !== null && sameState(last, s);
      if (same && s.source !== 'P') {
        results?.push('same');
        continue;
      }
      results?.push(same ? 'same' : last && last.source !== 'C' ? 'changed' : 'new');
      const dn = dayNum(days[i]);
      // The new row's prefix sum: the row before it now ends the day before.
      const cum = last ? last.cum + last.balance * (dn - last.day_num) : 0;
      if (pending) this.writeRow(account, pendingDay, pending, dn - 1);
      else firstDn = dn;
      pending = last = { day_num: dn, balance: s.balance, rm_id: s.rm_id, loan_class: s.loan_class, source: s.source, cum };
      pendingDay = days[i];
    }
    if (!pending) return last;
    this.writeRow(account, pendingDay, pending, END_OF_TIME);
    if (old) this.closeBefore.run(firstDn - 1, account, old.day_num);
    if (!spanWritten) this.appendSpan.run(firstDn, pending.day_num, pending.balance, pending.cum, pending.rm_id, pending.loan_class, pending.source, account);
    this.touch(account);
    return last;
  }

  /**
   * The accounts open on day d (the state that day is not a closure) that `pick` keeps: read as
   * a stream, so that only the kept ones are held (a full snapshot's absent accounts, not all).
   */
  openAccountsOn(d: string, pick: (account: string) => boolean): string[] {
    const picked: string[] = [];
    const open = this.db.prepare(`SELECT account_id FROM (${statesOnDay()}) WHERE source != 'C'`).pluck();
    for (const acc of open.iterate({ dn: dayNum(d), day: d }) as IterableIterator<string>) if (pick(acc)) picked.push(acc);
    return picked;
  }
}
