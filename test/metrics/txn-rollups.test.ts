/**
 * Transaction sums from the roll-ups (txn_totals, txn_monthly, partial months from txn_daily)
 * must equal a direct computation from the transactions table, for windows that cover whole
 * months, cut months, hold every posting day, or none; and with an activity start before the
 * window (last posting day only); partial months read through the day index (a few days) or in
 * one scan of txn_daily (a sixth of the data or more). The data spans four calendar months, imported in two files,
 * the later half first, so the roll-ups are built by upserts from both. Every seventh transaction is made bank-generated
 * (txn_type interest, 利息, " Fee ", CHARGE), and every one of one customer's from 2026-03-25 on: the customer-initiated
 * sums (schema version 7) leave them out.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { activityParts, customerTxns, dataDatesIn, txnParts } from '../../src/metrics/engine.js';
import { generate } from '../../src/samples/generate.js';
import { cleanupTmp, tmpDir, undoDownTo } from '../helpers.js';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';

const noRejects: RejectsSink = { write: (f, l, c, r) => { throw new Error(`unexpected reject ${f}:${l} ${c} ${r}`); } };

let db: Db;

beforeAll(async () => {
  const dir = tmpDir();
  await generate({ out: dir, rms: 4, customers: 60, startDate: '2026-01-20', days: 75, txns: 4000, changeRate: 0.1, seed: 7, corporateShare: 0.25, snapshotEvery: 30 });
  const [head, ...generated] = readFileSync(join(dir, 'transactions.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  const [typeAt, accountAt, postedAt] = ['txn_type', 'account_id', 'posted_at'].map((c) => cols.indexOf(c));
  const bankTypes = ['interest', '利息', ' Fee ', 'CHARGE'];
  // One customer (the last transaction's) posts only bank-generated transactions from 2026-03-25 on: its last posting
  // day is later than its last customer-initiated one.
  const snapshot = readFileSync(join(dir, 'accounts', readdirSync(join(dir, 'accounts')).sort()[0]), 'utf8').trim().split('\n').map((l) => l.split(','));
  const [accAt, custAt] = ['account_id', 'customer_id'].map((c) => snapshot[0].indexOf(c));
  const quiet = snapshot.find((r) => r[accAt] === generated.at(-1)!.split(',')[accountAt])![custAt];
  const quietAccounts = new Set(snapshot.filter((r) => r[custAt] === quiet).map((r) => r[accAt]));
  const lines = generated.map((l, i) => {
    const f = l.split(',');
    if (quietAccounts.has(f[accountAt]) && f[postedAt] >= '2026-03-25') f[typeAt] = 'interest';
    else if (i % 7 === 3) f[typeAt] = bankTypes[i % 4];
    else return l;
    return f.join(',');
  });
  const half = Math.floor(lines.length / 2);
  writeFileSync(join(dir, 'late.csv'), [head, ...lines.slice(half)].join('\n') + '\n');
  writeFileSync(join(dir, 'early.csv'), [head, ...lines.slice(0, half)].join('\n') + '\n');
  db = openDb(join(dir, 'crm.db'), { create: true });
  const snaps = readdirSync(join(dir, 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, 'accounts', f));
  await importFiles(db, ['rms.csv', 'customers.csv', 'fx_rates.csv'].map((f) => join(dir, f)).concat(snaps), { rejects: noRejects });
  await importFiles(db, [join(dir, 'late.csv')], { rejects: noRejects });
  await importFiles(db, [join(dir, 'early.csv')], { rejects: noRejects });
}, 60_000);

afterAll(() => {
  db?.close();
  cleanupTmp();
});

/** SQL: transaction t is bank-generated (the list of docs/segment.md, written out here). */
const BANK = "lower(trim(t.txn_type)) IN ('interest', 'fee', 'charge', '利息', '结息', '手续费', '费用')";

/**
 * Straight from the transactions table: per account, day and currency converted at that day's rate, rounded; then per
 * customer. Customer-initiated Σ|amount| per day: round(all × rate) − round(bank-generated × rate).
 */
function direct(from: string, to: string, activityFrom = from): Map<string, unknown[]> {
  const rows = db.prepare(`
    WITH d AS (SELECT t.account_id, substr(t.posted_at, 1, 10) AS day, t.currency, count(*) AS n,
        sum(t.channel = 'counter') AS counter, sum(t.channel = 'self_service') AS self_service, sum(t.channel = 'e_banking') AS e_banking,
        coalesce(sum(t.fee), 0) AS fee, sum(abs(t.amount)) AS abs_amount,
        sum(${BANK}) AS n_bank, sum(CASE WHEN ${BANK} THEN abs(t.amount) ELSE 0 END) AS abs_bank
      FROM transactions t WHERE substr(t.posted_at, 1, 10) BETWEEN :activityFrom AND :to GROUP BY 1, 2, 3),
    c AS (SELECT d.*, CASE WHEN d.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = d.currency AND f.date <= d.day ORDER BY f.date DESC LIMIT 1) END AS rate FROM d)
    SELECT a.customer_id, sum(CASE WHEN day >= :from THEN n ELSE 0 END), sum(CASE WHEN day >= :from THEN counter ELSE 0 END),
      sum(CASE WHEN day >= :from THEN self_service ELSE 0 END), sum(CASE WHEN day >= :from THEN e_banking ELSE 0 END),
      sum(CASE WHEN day >= :from THEN round(fee * rate) ELSE 0 END), sum(CASE WHEN day >= :from THEN round(abs_amount * rate) ELSE 0 END),
      max(CASE WHEN day >= :from THEN day END), max(CASE WHEN n > n_bank THEN day END),
      sum(CASE WHEN day >= :from THEN n - n_bank ELSE 0 END), sum(CASE WHEN day >= :from THEN round(abs_amount * rate) - round(abs_bank * rate) ELSE 0 END),
      max(CASE WHEN day >= :from AND n > n_bank THEN day END)
    FROM c JOIN accounts a ON a.account_id = c.account_id GROUP BY 1`).raw().all({ from, to, activityFrom }) as unknown[][];
  return new Map(rows.map(([id, ...v]) => [id as string, v]));
}

function fromRollups(from: string, to: string, activityFrom?: string): Map<string, unknown[]> {
  const t = customerTxns(db, from, to, activityFrom);
  return new Map(t.customer_id.map((c, i) => [c, [t.count[i], t.counter[i], t.self_service[i], t.e_banking[i], t.fee_fen[i], t.abs_amount_fen[i], t.last_day[i], t.last_active_day[i],
    t.cust_count[i], t.cust_abs_fen[i], t.cust_last_day[i]]]));
}

describe('transaction roll-ups', () => {
  const rollupsMatchDaily = () => {
    const bankSums = 'sum(d.n_bank), sum(d.abs_bank), max(CASE WHEN d.n > d.n_bank THEN d.day END)';
    const monthly = `SELECT a.customer_id, d.account_id, substr(d.day, 1, 7), d.currency, sum(d.n), sum(d.n_counter), sum(d.n_self_service), sum(d.n_e_banking), sum(d.fee), sum(d.abs_amount), min(d.day), max(d.day), ${bankSums}
      FROM txn_daily d JOIN accounts a ON a.account_id = d.account_id GROUP BY 2, 3, 4`;
    const cols = 'customer_id, account_id, month, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, first_day, last_day, n_bank, abs_bank, last_cust_day';
    expect(db.prepare(`SELECT ${cols} FROM txn_monthly ORDER BY 2, 3, 4`).raw().all()).toEqual(db.prepare(`${monthly} ORDER BY 2, 3, 4`).raw().all());
    const totals = `SELECT a.customer_id, d.account_id, d.currency, sum(d.n), sum(d.n_counter), sum(d.n_self_service), sum(d.n_e_banking), sum(d.fee), sum(d.abs_amount), min(d.day), max(d.day), ${bankSums}
      FROM txn_daily d JOIN accounts a ON a.account_id = d.account_id GROUP BY 2, 3`;
    expect(db.prepare(`SELECT ${cols.replace(' month,', '')} FROM txn_totals ORDER BY 2, 3`).raw().all()).toEqual(db.prepare(`${totals} ORDER BY 2, 3`).raw().all());
    cnyMatchesDaily();
    // txn_daily's bank-generated count and Σ|amount| equal the transactions' own.
    const bankDaily = `SELECT t.account_id, substr(t.posted_at, 1, 10), t.currency, sum(${BANK}), sum(CASE WHEN ${BANK} THEN abs(t.amount) ELSE 0 END)
      FROM transactions t GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    expect(db.prepare('SELECT account_id, day, currency, n_bank, abs_bank FROM txn_daily ORDER BY 1, 2, 3').raw().all()).toEqual(db.prepare(bankDaily).raw().all());
    expect(db.prepare('SELECT sum(n_bank) FROM txn_daily').pluck().get()).toBeGreaterThan(500);
  };

  /**
   * fee_cny / abs_cny, kept by the importer from day sums (also across flushes and files), equal
   * each day's sum converted at its rate and rounded, then added up; NULL for CNY rows.
   */
  const cnyMatchesDaily = () => {
    const perDay = (keys: string, where: string) => `SELECT ${keys}, sum(round(d.fee * r)), sum(round(d.abs_amount * r)), sum(round(d.abs_bank * r))
      FROM (SELECT d.*, (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = d.currency AND f.date <= d.day ORDER BY f.date DESC LIMIT 1) AS r FROM txn_daily d) d
      WHERE d.currency != 'CNY' ${where} GROUP BY ${keys} ORDER BY ${keys}`;
    const monthly = db.prepare(perDay('d.account_id, substr(d.day, 1, 7), d.currency', '')).raw().all();
    expect(monthly.length).toBeGreaterThan(0);
    expect(db.prepare("SELECT account_id, month, currency, fee_cny, abs_cny, abs_bank_cny FROM txn_monthly WHERE currency != 'CNY' ORDER BY 1, 2, 3").raw().all()).toEqual(monthly);
    expect(db.prepare("SELECT account_id, currency, fee_cny, abs_cny, abs_bank_cny FROM txn_totals WHERE currency != 'CNY' ORDER BY 1, 2").raw().all())
      .toEqual(db.prepare(perDay('d.account_id, d.currency', '')).raw().all());
    expect(db.prepare("SELECT count(*) FROM txn_totals WHERE currency = 'CNY' AND (fee_cny IS NOT NULL OR abs_cny IS NOT NULL)").pluck().get()).toBe(0);
  };

  it('txn_monthly and txn_totals equal txn_daily regrouped, keyed by the account\'s customer', () => {
    rollupsMatchDaily();
    // The data really spans four months (2026-01-20 to 2026-04-04) and USD.
    expect(db.prepare('SELECT count(DISTINCT month) FROM txn_monthly').pluck().get()).toBe(4);
    expect(db.prepare("SELECT count(*) FROM txn_totals WHERE currency = 'USD'").pluck().get()).toBeGreaterThan(0);
  });

  it('a version 5 database gets the bank-generated columns filled by migration 7, as the importer keeps them', () => {
    const cols = (t: string) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).raw().all();
    const kept = ['txn_daily', 'txn_monthly', 'txn_totals'].map(cols);
    const path = db.name;
    undoDownTo(db, 6);
    db.close();
    db = openDb(path);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(['txn_daily', 'txn_monthly', 'txn_totals'].map(cols)).toEqual(kept);
  });

  it('an account moved to another customer by an accounts import takes its roll-ups along', async () => {
    const [acc, from] = db.prepare("SELECT account_id, customer_id FROM txn_totals WHERE currency = 'CNY' ORDER BY n DESC LIMIT 1").raw().get() as [string, string];
    const to = db.prepare('SELECT customer_id FROM customers WHERE customer_id != ? ORDER BY customer_id LIMIT 1').pluck().get(from) as string;
    const before = fromRollups('2026-01-01', '2026-04-30');
    const moved = db.prepare("SELECT n FROM txn_totals WHERE account_id = ? AND currency = 'CNY'").pluck().get(acc) as number;
    const file = join(tmpDir(), 'accounts.csv');
    // A partial snapshot after the data that lists the account under another customer.
    const product = db.prepare('SELECT product_type FROM accounts WHERE account_id = ?').pluck().get(acc) as string;
    writeFileSync(file, `as_of,account_id,customer_id,product_type,balance\n2026-04-10,${acc},${to},${product},1.00\n`);
    const res = await importFiles(db, [file], { rejects: noRejects, partial: true });
    expect(res.failed).toBe(false);
    rollupsMatchDaily();
    const after = fromRollups('2026-01-01', '2026-04-30');
    // The account's transactions count for the new customer now, not the old one.
    expect(after.get(to)![0]).toBe(((before.get(to)?.[0] as number) ?? 0) + moved);
    expect(after.get(from)?.[0] ?? 0).toBe((before.get(from)![0] as number) - moved);
    expect(Object.fromEntries([...after].sort())).toEqual(Object.fromEntries([...direct('2026-01-01', '2026-04-30')].sort()));
  });

  // `parts`: where the window's sums come from; `activity`: where the last posting days before it come from (activityParts).
  for (const [label, from, to, act, parts, activity] of [
    ['every posting day (txn_totals)', '2026-01-01', '2026-04-30', undefined, { totals: true, whole: [], ranges: [], scanRanges: false }, undefined],
    // The window holds every posting day: none lies before it, and its own rows tell the last days.
    ['every posting day, activity from the year before', '2026-01-01', '2026-04-30', '2025-04-30', { totals: true, whole: [], ranges: [], scanRanges: false },
      { totals: false, whole: [], ranges: [], scanRanges: false }],
    ['whole February, cut January and March', '2026-01-25', '2026-03-10', undefined, { totals: false, whole: ['2026-02'], ranges: [['2026-01-25', '2026-01-31'], ['2026-03-01', '2026-03-10']], scanRanges: true }, undefined],
    ['whole months from the first posting day', '2026-01-01', '2026-02-28', undefined, { totals: false, whole: ['2026-01', '2026-02'], ranges: [], scanRanges: false }, undefined],
    ['one day', '2026-02-14', '2026-02-14', undefined, { totals: false, whole: [], ranges: [['2026-02-14', '2026-02-14']], scanRanges: false }, undefined],
    // The data runs from 2026-01-20: January is whole from there.
    ['March with activity from January', '2026-03-01', '2026-03-31', '2026-01-01', { totals: false, whole: ['2026-03'], ranges: [], scanRanges: false },
      { totals: false, whole: ['2026-01', '2026-02'], ranges: [], scanRanges: false }],
    // April's data (to 04-04) lies wholly in the window; March is cut by the window, February by the activity start.
    ['mid-March on, activity from mid-February', '2026-03-15', '2026-04-30', '2026-02-15', { totals: false, whole: ['2026-04'], ranges: [['2026-03-15', '2026-03-31']], scanRanges: true },
      { totals: false, whole: [], ranges: [['2026-02-15', '2026-02-28'], ['2026-03-01', '2026-03-14']], scanRanges: true }],
    // The activity and the window hold every posting day: the last days come from txn_totals, the window's sums from its months.
    ['April, activity from the new year', '2026-04-01', '2026-04-30', '2026-01-01', { totals: false, whole: ['2026-04'], ranges: [], scanRanges: false },
      { totals: true, whole: [], ranges: [], scanRanges: false }],
    // Activity from whole March (txn_monthly) and half of February (txn_daily, scanned: 14 days are a sixth of the data or more).
    ['April, activity from mid-February', '2026-04-01', '2026-04-30', '2026-02-15', { totals: false, whole: ['2026-04'], ranges: [], scanRanges: false },
      { totals: false, whole: ['2026-03'], ranges: [['2026-02-15', '2026-02-28']], scanRanges: true }],
    // The activity before the window from txn_daily alone: the last days of March that the one customer's bank postings fill.
    ['from March 30, activity from March 1', '2026-03-30', '2026-04-30', '2026-03-01', { totals: false, whole: ['2026-04'], ranges: [['2026-03-30', '2026-03-31']], scanRanges: false },
      { totals: false, whole: [], ranges: [['2026-03-01', '2026-03-29']], scanRanges: true }],
    // The window holds the last posting day alone: a customer whose posting that day is bank-generated was last active before it.
    ['the last posting day, activity from the new year', '2026-04-04', '2026-04-30', '2026-01-01', { totals: false, whole: [], ranges: [['2026-04-04', '2026-04-04']], scanRanges: false },
      { totals: true, whole: [], ranges: [], scanRanges: false }],
    ['before the data', '2025-12-01', '2025-12-31', undefined, { totals: false, whole: [], ranges: [], scanRanges: false }, undefined],
  ] as const) {
    it(`${label}: the parts read, and the sums`, () => {
      expect(txnParts(db, from, to)).toEqual(parts);
      if (act !== undefined) expect(activityParts(db, act, from, to)).toEqual(activity);
      const got = fromRollups(from, to, act);
      const want = direct(from, to, act ?? from);
      expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
      // The window's count agrees with the roll-ups too.
      const count = [...want.values()].reduce((s, v) => s + (v[0] as number), 0);
      expect(dataDatesIn(db, from, to).transactions.count).toBe(count);
    });
  }
});
