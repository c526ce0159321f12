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

export type Source = 'S' | 'T' | 'C';

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

export class BalanceStore {
  private prev;
  private cur;
  private next;
  private upsert;
  private del;
  private nextFull;
  private nextTxnDay;
  private lastTxnOfDay;
  private nextFullCache = new Map<string, string | null>();

  constructor(private db: Db) {
    const cols = 'as_of, balance, rm_id, loan_class, source';
    this.prev = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1`);
    this.cur = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of = ?`);
    this.next = db.prepare(`SELECT ${cols} FROM balances WHERE account_id = ? AND as_of > ? ORDER BY as_of LIMIT 1`);
    this.upsert = db.prepare(`INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (account_id, as_of) DO UPDATE SET balance = excluded.balance, rm_id = excluded.rm_id, loan_class = excluded.loan_class, source = excluded.source`);
    this.del = db.prepare('DELETE FROM balances WHERE account_id = ? AND as_of = ?');
    this.nextFull = db.prepare('SELECT as_of FROM snapshot_dates WHERE full = 1 AND as_of > ? ORDER BY as_of LIMIT 1').pluck();
    this.nextTxnDay = db.prepare('SELECT min(day) FROM txn_daily WHERE account_id = ? AND day > ? AND last_at IS NOT NULL').pluck();
    this.lastTxnOfDay = db.prepare(`SELECT last_balance FROM txn_daily WHERE account_id = ? AND day = ? AND last_at IS NOT NULL
      ORDER BY last_at DESC, last_seq DESC LIMIT 1`).pluck();
  }

  /** Call after snapshot_dates changes. */
  resetCache(): void {
    this.nextFullCache.clear();
  }

  private nextFullAfter(d: string): string | null {
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
    const prev = this.prev.get(account, d) as Row | undefined;
    const cur = this.cur.get(account, d) as Row | undefined;
    const old = cur ?? prev;
    if (old && sameState(old, s)) {
      // Same state; a snapshot confirming a transaction-derived day takes precedence.
      if (cur && cur.source === 'T' && s.source === 'S') this.upsert.run(account, d, s.balance, s.rm_id, s.loan_class, 'S');
      return 'same';
    }
    let next = this.next.get(account, d) as Row | undefined;
    const n = this.nextFullAfter(d);
    // A later day whose balance came from its last transaction's balance_after is pinned too
    // (unless a full snapshot comes first or on the same day: the snapshot wins).
    const t = (this.nextTxnDay.get(account, d) as string | null) ?? undefined;
    if (n !== null && (!next || n < next.as_of) && (!t || n <= t)) {
      const pinned = old && old.source !== 'C' ? old : CLOSED;
      this.upsert.run(account, n, pinned.balance, pinned.rm_id, pinned.loan_class, pinned.source === 'T' ? 'S' : pinned.source);
      next = { ...pinned, as_of: n };
    } else if (t && (!next || t < next.as_of)) {
      const balance = this.lastTxnOfDay.get(account, t) as number;
      const pinned: BalanceState = { balance, rm_id: old?.rm_id ?? null, loan_class: old?.loan_class ?? null, source: 'T' };
      this.upsert.run(account, t, pinned.balance, pinned.rm_id, pinned.loan_class, 'T');
      next = { ...pinned, as_of: t };
    }
    if (prev && sameState(prev, s)) {
      if (cur) this.del.run(account, d);
    } else {
      this.upsert.run(account, d, s.balance, s.rm_id, s.loan_class, s.source);
    }
    if (next && sameState(next, s)) this.del.run(account, next.as_of);
    return old && old.source !== 'C' ? 'changed' : 'new';
  }

  /** Accounts open on day d (latest row <= d is not a closure). */
  openAccountsOn(d: string): string[] {
    return this.db
      .prepare(`SELECT account_id FROM (SELECT account_id, source, max(as_of) FROM balances WHERE as_of <= ? GROUP BY account_id) WHERE source != 'C'`)
      .pluck()
      .all(d) as string[];
  }
}
