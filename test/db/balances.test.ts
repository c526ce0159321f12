/**
 * The change-based balance store, driven through the importer (snapshots, transactions) and
 * checked two ways: the stored change rows written out by hand, and the state on every day
 * against a day-by-day model of the contract computed here.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { BalanceStore, dayNum } from '../../src/db/balances.js';
import { importFiles } from '../../src/import/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/db/migrations.js';
import { balanceSummaryMismatches, cleanupTmp, count, runCrm, tmpDir } from '../helpers.js';
import { rng } from '../reliability/util.js';

afterAll(cleanupTmp);

type St = number | 'closed';
interface Txn { acc: string; at: string; bal: number; seq: number }

/** The contract, day by day: what each account's balance is on each day. */
class Model {
  snaps = new Map<string, { full: boolean; rows: Map<string, number> }>();
  txns: Txn[] = [];
  seq = 0;
  snapshot(date: string, rows: Record<string, number>, full: boolean) {
    const was = this.snaps.get(date);
    this.snaps.set(date, { full: full || !!was?.full, rows: new Map(Object.entries(rows)) });
  }
  txn(acc: string, at: string, bal: number) { this.txns.push({ acc, at, bal, seq: this.seq++ }); }
  days(): string[] {
    return [...new Set([...this.snaps.keys(), ...this.txns.map((t) => t.at.slice(0, 10))])].sort();
  }
  /** The state an import set on day D, if any. */
  explicit(acc: string, D: string): St | undefined {
    const s = this.snaps.get(D);
    if (s?.rows.has(acc)) return s.rows.get(acc)!;
    if (s?.full) {
      const before = this.stateOn(acc, prevDay(D));
      return before === undefined ? undefined : 'closed';
    }
    // balance_after: the last transaction of the day (latest posted_at, then the later row)
    return this.lastTxn().get(`${acc}|${D}`);
  }
  /** `${acc}|${day}` → that day's last balance_after, for the first `lastOfDayFor` transactions. */
  private lastOfDay = new Map<string, number>();
  private lastOfDayFor = 0;
  private lastTxn(): Map<string, number> {
    if (this.lastOfDayFor !== this.txns.length) {
      const sorted = [...this.txns].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
      this.lastOfDay = new Map(sorted.map((t) => [`${t.acc}|${t.at.slice(0, 10)}`, t.bal]));
      this.lastOfDayFor = this.txns.length;
    }
    return this.lastOfDay;
  }
  stateOn(acc: string, d: string): St | undefined {
    const ds = this.days().filter((x) => x <= d).reverse();
    for (const D of ds) {
      const e = this.explicit(acc, D);
      if (e !== undefined) return e;
    }
    return undefined;
  }
  /**
   * The minimal change rows: a row where the state differs from the previous known day, plus
   * a row on each day a partial snapshot listed the account (nothing else records that it did).
   */
  changes(acc: string): [string, St][] {
    const out: [string, St][] = [];
    let last: St | undefined;
    for (const D of this.days()) {
      const s = this.stateOn(acc, D);
      const snap = this.snaps.get(D);
      const partialRow = snap !== undefined && !snap.full && snap.rows.has(acc);
      if (s !== undefined && (s !== last || partialRow)) out.push([D, s]);
      last = s;
    }
    return out;
  }
}

function prevDay(d: string): string {
  const t = new Date(d + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}
function nextDay(d: string): string {
  const t = new Date(d + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

let dir: string;
let db: Db;
let model: Model;
let fileNo = 0;
const rejects: string[] = [];
const sink = { write: (f: string, line: number, col: string, reason: string) => { rejects.push(`${line}:${col}:${reason}`); } };

beforeEach(async () => {
  dir = tmpDir();
  db = openDb(join(dir, 'crm.db'), { create: true });
  model = new Model();
  rejects.length = 0;
  await load('customers.csv', 'customer_id,name,customer_type\nC1,One,personal\n');
});
afterEach(() => db.close());

async function load(name: string, text: string, partial = false) {
  const p = join(dir, `${fileNo++}_${name}`);
  writeFileSync(p, text);
  const r = await importFiles(db, [p], { rejects: sink, partial });
  expect(rejects).toEqual([]);
  expect(r.files.map((f) => f.message ?? f.status)).toEqual(r.files.map(() => "ok"));
  return r;
}

/** A snapshot file for one date; full unless partial. Balances in yuan (whole), stored in fen. */
async function snap(date: string, rows: Record<string, number>, partial = false) {
  const lines = Object.entries(rows).map(([a, y]) => `${date},${a},C1,demand_deposit,${y}`);
  await load(`accounts_${date}.csv`, `as_of,account_id,customer_id,product_type,balance\n${lines.join('\n')}\n`, partial);
  model.snapshot(date, Object.fromEntries(Object.entries(rows).map(([a, y]) => [a, y * 100])), !partial);
}

async function txns(list: [string, string, string, number][]) {
  const lines = list.map(([id, acc, at, y]) => `${id},${acc},${at},1.00,${y}`);
  await load('transactions.csv', `txn_id,account_id,posted_at,amount,balance_after\n${lines.join('\n')}\n`);
  for (const [, acc, at, y] of list) model.txn(acc, at.length === 10 ? at : at.replace('T', ' '), y * 100);
}

function stored(acc: string): [string, St][] {
  return (db.prepare('SELECT as_of, balance, source FROM balances WHERE account_id = ? ORDER BY as_of').raw().all(acc) as [string, number, string][])
    .map(([d, b, s]) => [d, s === 'C' ? 'closed' : b]);
}

/** Stored rows equal the model's change rows, and the state matches on every calendar day around them. */
function checkAgainstModel(acc: string) {
  expect(stored(acc), `${acc} rows vs model`).toEqual(model.changes(acc));
  expect(balanceSummaryMismatches(db), 'end_num, cum and spans').toEqual([]);
  const days = model.days();
  const store = new BalanceStore(db);
  for (let d = prevDay(days[0]); d <= nextDay(days[days.length - 1]); d = nextDay(d)) {
    const s = store.stateOn(acc, d);
    const got: St | undefined = s === undefined ? undefined : s.source === 'C' ? 'closed' : s.balance;
    expect(got, `${acc} on ${d}`).toEqual(model.stateOn(acc, d));
  }
}

describe('balance store: snapshots', () => {
  it('in order, repeated states add no row', async () => {
    await snap('2026-11-01', { A: 100, B: 50 });
    await snap('2026-11-02', { A: 100, B: 60 });
    await snap('2026-11-03', { A: 100, B: 60 });
    await snap('2026-11-04', { A: 120, B: 60 });
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-04', 12000]]);
    expect(stored('B')).toEqual([['2026-11-01', 5000], ['2026-11-02', 6000]]);
    checkAgainstModel('A');
    checkAgainstModel('B');
    // the same file again changes nothing
    await snap('2026-11-04', { A: 120, B: 60 });
    expect(count(db, 'balances')).toBe(4);
  });

  it('a date imported late (earlier than existing ones)', async () => {
    await snap('2026-11-01', { A: 100 });
    await snap('2026-11-03', { A: 300 });
    await snap('2026-11-02', { A: 200 });
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 20000], ['2026-11-03', 30000]]);
    checkAgainstModel('A');
  });

  it('a late date between two equal states pins the later (implicit) full date', async () => {
    await snap('2026-11-01', { A: 100 });
    await snap('2026-11-03', { A: 100 });
    expect(stored('A')).toEqual([['2026-11-01', 10000]]);
    await snap('2026-11-02', { A: 200 });
    // 11-03 was implicit (100 carried): it must keep 100, not inherit 200
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 20000], ['2026-11-03', 10000]]);
    checkAgainstModel('A');
  });

  it('a date re-imported with corrections; a later implicit day keeps its old state', async () => {
    await snap('2026-11-01', { A: 100 });
    await snap('2026-11-02', { A: 100 });
    await snap('2026-11-03', { A: 200 });
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-03', 20000]]);
    await snap('2026-11-01', { A: 150 });
    expect(stored('A')).toEqual([['2026-11-01', 15000], ['2026-11-02', 10000], ['2026-11-03', 20000]]);
    checkAgainstModel('A');
    // correcting 11-02 to 200 makes the 11-03 row redundant
    await snap('2026-11-02', { A: 200 });
    expect(stored('A')).toEqual([['2026-11-01', 15000], ['2026-11-02', 20000]]);
    checkAgainstModel('A');
  });

  it('an account absent from a later full snapshot is closed (balance 0) from that date; it can reopen', async () => {
    await snap('2026-11-01', { A: 100, B: 50 });
    await snap('2026-11-02', { A: 110 });
    expect(stored('B')).toEqual([['2026-11-01', 5000], ['2026-11-02', 'closed']]);
    const s = new BalanceStore(db).stateOn('B', '2026-11-05')!;
    expect([s.balance, s.source]).toEqual([0, 'C']);
    await snap('2026-11-03', { A: 110 });
    expect(stored('B')).toEqual([['2026-11-01', 5000], ['2026-11-02', 'closed']]);
    await snap('2026-11-04', { A: 110, B: 70 });
    expect(stored('B')).toEqual([['2026-11-01', 5000], ['2026-11-02', 'closed'], ['2026-11-04', 7000]]);
    checkAgainstModel('A');
    checkAgainstModel('B');
  });

  it('a partial snapshot closes nothing', async () => {
    await snap('2026-11-01', { A: 100, B: 50 });
    await snap('2026-11-02', { A: 110 }, true);
    expect(stored('B')).toEqual([['2026-11-01', 5000]]);
    checkAgainstModel('B');
  });

  it('an account first seen on an earlier date imported after a later full snapshot is closed at that later date', async () => {
    await snap('2026-11-03', { A: 100 });
    await snap('2026-11-01', { A: 90, C: 40 });
    expect(stored('C')).toEqual([['2026-11-01', 4000], ['2026-11-03', 'closed']]);
    expect(stored('A')).toEqual([['2026-11-01', 9000], ['2026-11-03', 10000]]);
    checkAgainstModel('A');
    checkAgainstModel('C');
  });
});

describe('balance store: transaction balance_after vs snapshots', () => {
  it('the last transaction of a day gives its balance; a snapshot on the same day wins', async () => {
    await snap('2026-11-01', { A: 100 });
    await txns([
      ['t1', 'A', '2026-11-02 10:00', 150],
      ['t2', 'A', '2026-11-02 09:00', 120], // later row but earlier time: 150 stands
      ['t3', 'A', '2026-11-03 12:00', 130],
      ['t4', 'A', '2026-11-03 18:00', 135],
      ['t5', 'A', '2026-11-03 18:00', 140], // same time, later row: 140
      ['t6', 'A', '2026-11-01 08:00', 999], // a full snapshot day: the snapshot (100) wins
    ]);
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 15000], ['2026-11-03', 14000]]);
    checkAgainstModel('A');
    // a snapshot of 11-03 imported afterwards replaces the transaction-derived balance
    await snap('2026-11-03', { A: 135 });
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 15000], ['2026-11-03', 13500]]);
    expect(db.prepare("SELECT source FROM balances WHERE account_id = 'A' AND as_of = '2026-11-03'").pluck().get()).toBe('S');
    checkAgainstModel('A');
  });

  it('a day with transactions in two currencies takes the balance of its last transaction of either', async () => {
    await snap('2026-11-01', { A: 100 });
    // USD first in the file but later in the day on 11-02; the other way round on 11-03.
    await load('transactions.csv', 'txn_id,account_id,posted_at,amount,currency,balance_after\n' +
      'u1,A,2026-11-02 15:00,1.00,USD,160\nc1,A,2026-11-02 09:00,1.00,CNY,150\n' +
      'c2,A,2026-11-03 16:00,1.00,CNY,170\nu2,A,2026-11-03 08:00,1.00,USD,180\n');
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 16000], ['2026-11-03', 17000]]);
  });

  it('3,000 accounts of three customers in two currencies: each keeps its own customer, currency and balances', async () => {
    // More accounts than the loader's first per-account columns hold (1,024): they grow twice.
    const n = 3000;
    const acc = (i: number) => `N${i}`;
    await load('customers.csv', 'customer_id,name,customer_type\nC2,Two,personal\nC3,Three,corporate\n');
    const cust = (i: number) => `C${(i % 3) + 1}`;
    const cur = (i: number) => (i % 2 === 0 ? 'CNY' : 'USD');
    await load('accounts_2026-11-01.csv', 'as_of,account_id,customer_id,product_type,currency,balance\n' +
      Array.from({ length: n }, (_, i) => `2026-11-01,${acc(i)},${cust(i)},demand_deposit,${cur(i)},100`).join('\n') + '\n');
    // Every account posts twice on 11-02 (balance 150 + i yuan last) and, in reverse order, once on 11-03 (200 + i).
    const rows = [
      ...Array.from({ length: n }, (_, i) => `a${i},${acc(i)},2026-11-02 09:00,1.00,${150 + i - 1}`),
      ...Array.from({ length: n }, (_, i) => `b${i},${acc(i)},2026-11-02 10:00,1.00,${150 + i}`),
      ...Array.from({ length: n }, (_, i) => `c${n - 1 - i},${acc(n - 1 - i)},2026-11-03 09:00,1.00,${200 + n - 1 - i}`),
    ];
    await load('transactions.csv', `txn_id,account_id,posted_at,amount,balance_after\n${rows.join('\n')}\n`);
    const totals = db.prepare('SELECT account_id, customer_id, currency, n FROM txn_totals').raw().all() as [string, string, string, number][];
    expect(totals.length).toBe(n);
    for (const [a, c, k, count] of totals) {
      const i = Number(a.slice(1));
      expect([c, k, count], a).toEqual([cust(i), cur(i), 3]);
    }
    for (const i of [0, 1, 1023, 1024, 2047, 2048, 2999]) expect(stored(acc(i)), acc(i)).toEqual([['2026-11-01', 10000], ['2026-11-02', (150 + i) * 100], ['2026-11-03', (200 + i) * 100]]);
  });

  it('day sums: an account\'s days are found again in any order and currency, by a scan (few days) or an index (many)', async () => {
    await snap('2026-11-01', { A: 100, B: 100 });
    // A posts on 12 days (past DAYS_SCANNED = 8 an account's days are found through a map), B on
    // 3 (found by a scan). Each day in CNY and USD, visited three times: forward, backward,
    // forward; the k-th visit posts k yuan in CNY and 10k in USD.
    const lines: string[] = [];
    const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}`;
    for (const [acc, days] of [['A', 12], ['B', 3]] as const) {
      const forward = Array.from({ length: days }, (_, i) => i + 2);
      for (const k of [1, 2, 3]) {
        for (const d of k === 2 ? [...forward].reverse() : forward) {
          for (const cur of k === 2 ? ['USD', 'CNY'] : ['CNY', 'USD']) lines.push(`${acc}${d}${cur}${k},${acc},${day(d)} 10:0${k},${cur === 'CNY' ? k : 10 * k}.00,${cur}`);
        }
      }
    }
    await load('transactions.csv', `txn_id,account_id,posted_at,amount,currency\n${lines.join('\n')}\n`);
    // Every account-day-currency: 3 transactions, CNY (1 + 2 + 3) yuan = 600 fen, USD (10 + 20 + 30) yuan = 6000 fen.
    const want = (acc: string, days: number) => Array.from({ length: days }, (_, i) => day(i + 2))
      .flatMap((d) => [[acc, d, 'CNY', 3, 600], [acc, d, 'USD', 3, 6000]]);
    expect(db.prepare('SELECT account_id, day, currency, n, abs_amount FROM txn_daily ORDER BY 1, 2, 3').raw().all())
      .toEqual([...want('A', 12), ...want('B', 3)]);
  });

  // KNOWN BUG (not fixed: needs a schema change). A partial snapshot that confirms the carried
  // balance stores no row, so nothing records that the account was in that day's snapshot and a
  // later balance_after for the day overrides it. Flip to it() once per-(account, date) snapshot
  // presence is recorded.
  it('a partial snapshot that confirms the carried balance still wins over balance_after that day', async () => {
    await snap('2026-11-01', { A: 100 });
    await snap('2026-11-02', { A: 100 }, true); // same as carried: kept as an explicit (P) row
    await txns([['t1', 'A', '2026-11-02 10:00', 160]]);
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-02', 10000]]);
    checkAgainstModel('A');
  });

  it('a correction of an earlier day does not leak into a day a partial snapshot confirmed', async () => {
    await snap('2026-11-01', { A: 100 });
    await snap('2026-11-02', { A: 100 }, true);
    await snap('2026-11-01', { A: 80 }); // corrected: 11-02 still holds 100 as the partial snapshot said
    expect(stored('A')).toEqual([['2026-11-01', 8000], ['2026-11-02', 10000]]);
    checkAgainstModel('A');
  });

  // Days after every stored row are appended set-based (no row above them to disturb); an account
  // with a day at or before its last row, before a full snapshot date, or before a day an earlier
  // import recorded goes through set() (its later days appended after). All must give the model's
  // rows. Sparse (about two transactions per account-day, four distinct balances): a file misses
  // many days another one holds, and many days repeat the state before them (no row).
  it('many files, out of order, around full snapshots: the model\'s rows for every account', async () => {
    const random = rng(20261128);
    const accounts = Array.from({ length: 150 }, (_, i) => `A${i + 1}`);
    const day = (n: number) => `2026-10-${String(n).padStart(2, '0')}`;
    const balance = () => 100 + Math.floor(random() * 4);
    await snap(day(1), Object.fromEntries(accounts.map((a) => [a, balance()])));
    // A full snapshot on day 14 before any transaction: one account in three keeps its day-1
    // balance (no row: implicit), A3 is absent (closed that day; it reopens with a transaction).
    const day1 = new Map(stored('A1').length ? accounts.map((a) => [a, stored(a)[0][1] as number]) : []);
    await snap(day(14), Object.fromEntries(accounts.filter((a) => a !== 'A3').map((a, i) => [a, i % 3 === 0 ? day1.get(a)! / 100 : balance()])));
    const rows = (from: number, to: number, n: number) => Array.from({ length: n }, () => {
      const d = from + Math.floor(random() * (to - from + 1));
      const t = `${String(8 + Math.floor(random() * 10)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
      return [accounts[Math.floor(random() * accounts.length)], `${day(d)} ${t}`, balance()] as const;
    });
    let id = 0;
    const file = (list: ReturnType<typeof rows>) => txns(list.map(([a, at, y]) => [`t${++id}`, a, at, y]));
    await file(rows(2, 12, 3000)); // before the day-14 snapshot: set()
    await file(rows(16, 25, 3000)); // after every stored day: appended, A3 after its closure
    await file(rows(10, 18, 2500)); // earlier days again, around the snapshot: set()
    await file(rows(26, 28, 1200)); // appended again
    await file(rows(27, 31, 1500)); // up to the last stored day (set()) and after it, in one account
    expect(db.prepare("SELECT count(*) FROM balances WHERE source = 'T'").pluck().get()).toBeGreaterThan(1000);
    for (const a of accounts) checkAgainstModel(a);
  }, 120_000);

  it('a later file\'s earlier day, after the account\'s last row, stops before a stored day that kept the carried balance', async () => {
    await snap('2026-11-01', { A: 100 });
    await txns([['t1', 'A', '2026-11-03 10:00', 150]]);
    await txns([['t2', 'A', '2026-11-05 10:00', 150]]); // the carried balance: no row, the last row stays 11-03
    await txns([['t3', 'A', '2026-11-04 10:00', 170]]); // after the last row, but 11-05 ended at 150
    expect(stored('A')).toEqual([['2026-11-01', 10000], ['2026-11-03', 15000], ['2026-11-04', 17000], ['2026-11-05', 15000]]);
    checkAgainstModel('A');
  });

  it('a correction of an earlier snapshot does not leak into a later transaction-derived day', async () => {
    await snap('2026-11-01', { A: 100 });
    await txns([['t1', 'A', '2026-11-02 10:00', 100]]); // same as carried: no row
    await snap('2026-11-01', { A: 80 });
    // 11-02 ended at 100 by its last transaction
    expect(stored('A')).toEqual([['2026-11-01', 8000], ['2026-11-02', 10000]]);
    checkAgainstModel('A');
  });
});

describe('customer_spans after a nightly snapshot', () => {
  it('only the customers touched are refreshed: the account that moved leaves its old customer, a changed balance moves its customer on', async () => {
    await load('customers.csv', `customer_id,name,customer_type\n${Array.from({ length: 8 }, (_, i) => `C${i + 2},N,personal`).join('\n')}\n`);
    const night = (date: string, rows: [string, string, number][]) =>
      load(`accounts_${date}.csv`, `as_of,account_id,customer_id,product_type,balance\n${rows.map(([a, c, y]) => `${date},${a},${c},demand_deposit,${y}`).join('\n')}\n`);
    const others: [string, string, number][] = Array.from({ length: 6 }, (_, i) => [`X${i}`, `C${i + 4}`, 5]);
    await night('2026-11-01', [['A', 'C1', 100], ['B', 'C2', 50], ['E', 'C3', 10], ...others]);
    // Night 2: A moves from C1 to C2 (same balance), E changes; 3 of 9 customers touched (C1, C2,
    // C3): refreshed one by one, not rebuilt.
    await night('2026-11-02', [['A', 'C2', 100], ['B', 'C2', 50], ['E', 'C3', 20], ...others]);
    const d1 = dayNum('2026-11-01');
    const d2 = dayNum('2026-11-02');
    const span = (c: string) => db.prepare('SELECT bal_first, bal_last, a_demand_deposit AS a, b_demand_deposit AS b FROM customer_spans WHERE customer_id = ?').get(c);
    // C1 holds no account now: no row.
    expect(span('C1')).toBeUndefined();
    // C2: A and B, each one row from 11-01 (cum 0): a = Σ 0 + balance × (1 − 11-01), b = 10,000 + 5,000 fen.
    expect(span('C2')).toEqual({ bal_first: d1, bal_last: d1, a: 15000 * (1 - d1), b: 15000 });
    // C3: E's last row 11-02 at 2,000 fen with cum = 1,000 fen × 1 day: a = 1,000 + 2,000 × (1 − 11-02).
    expect(span('C3')).toEqual({ bal_first: d1, bal_last: d2, a: 1000 + 2000 * (1 - d2), b: 2000 });
    expect(balanceSummaryMismatches(db)).toEqual([]);
  });
});

describe('migrations', () => {
  it('are recorded in schema_migrations', async () => {
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').raw().all();
    expect(rows).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    // opening again applies nothing twice
    const db2 = openDb(join(dir, 'crm.db'));
    expect(count(db2, 'schema_migrations')).toBe(MIGRATIONS.length);
    db2.close();
  });

  it('version 1 → 2 fills the prefix sums and spans of existing balances in the same transaction', () => {
    const path = join(tmpDir(), 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0].sql);
    raw.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (1, 'initial schema', '2026-01-01')");
    raw.exec(`INSERT INTO customers (customer_id, name, customer_type) VALUES ('C1', 'x', 'personal');
      INSERT INTO accounts (account_id, customer_id, product_type) VALUES ('A', 'C1', 'demand_deposit'), ('B', 'C1', 'loan'), ('E', 'C1', 'fund');`);
    // A: 100.00 from day 20000 (3 days), 250.00 from 20003 (2 days), closed from 20005. B: one row.
    raw.exec(`INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num) VALUES
      ('A', '2024-10-04', 10000, NULL, NULL, 'S', 20000, 20002), ('A', '2024-10-07', 25000, NULL, NULL, 'S', 20003, 20004),
      ('A', '2024-10-09', 0, NULL, NULL, 'C', 20005, 99999999), ('B', '2024-10-05', 500, 'RM1', 'substandard', 'S', 20001, 99999999)`);
    raw.close();
    const db2 = openDb(path);
    expect(db2.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    // cum of A's rows: 0; 10000 × 3 = 30000; 30000 + 25000 × 2 = 80000.
    expect(db2.prepare("SELECT cum FROM balances WHERE account_id = 'A' ORDER BY as_of").pluck().all()).toEqual([0, 30000, 80000]);
    expect(db2.prepare("SELECT account_id, bal_first, bal_last, bal_last_balance, bal_last_cum, bal_last_rm, bal_last_class, bal_last_source FROM accounts ORDER BY account_id").raw().all())
      .toEqual([['A', 20000, 20005, 0, 80000, null, null, 'C'], ['B', 20001, 20001, 500, 0, 'RM1', 'substandard', 'S'], ['E', null, null, null, null, null, null, null]]);
    expect(balanceSummaryMismatches(db2)).toEqual([]);
    db2.close();
  });

  it('a database from a newer crm (schema version 99) is refused: exit 1, "newer"', async () => {
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01')").run();
    const r = runCrm(['--db', join(dir, 'crm.db'), 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^crm: error: .*crm\\.db: database schema version 99 is newer than this crm supports \\(${SCHEMA_VERSION}\\)`));
    expect(r.stdout).toBe('');
  });

  it('a file that is not SQLite: exit 1 with a clear message', async () => {
    const p = join(dir, 'notes.db');
    writeFileSync(p, 'this is a text file, not a database\n'.repeat(50));
    const r = runCrm(['--db', p, 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^crm: error: .*notes\.db: .*not a crm database \(file is not SQLite or is corrupt\)/);
  });

  it('a missing database for status: exit 1 naming it', async () => {
    const r = runCrm(['--db', join(dir, 'none.db'), 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/none\.db: no database here/);
  });
});
