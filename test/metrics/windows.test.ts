/**
 * AUM sums of several windows in one pass (src/metrics/windows.ts), on a hand-built branch whose
 * sums are worked out below, and against customerBalances (one window at a time) on a generated
 * branch; the walk that places the sums at the caller's positions (src/db/positions.ts).
 *
 * Hand-built branch, full snapshots on 03-01, 03-04, 03-08 and 03-10 (data 2026-03-01 … 03-10):
 *   C1  A1 demand deposit CNY 1,000.00 → 3,000.00 (03-04) → 2,000.00 (03-08, 03-10); L1 loan 5,000.00 (not AUM)
 *   C2  U1 wealth USD 100.00 throughout; USD rate 7.00 from 03-01, 7.10 from 03-06
 *   C3  T1 time deposit CNY 500.00, 800.00 from 03-10 (its last row starts on the last data day)
 *   C4  no account
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { addDays, customerBalances, resolveWindow } from '../../src/metrics/engine.js';
import { DEFAULT_PRICING, type Pricing } from '../../src/metrics/pricing.js';
import { idList } from '../../src/db/columns.js';
import { positionsIn } from '../../src/db/positions.js';
import { customerValues } from '../../src/metrics/customers.js';
import { aumWindowSums, type AumSums } from '../../src/metrics/windows.js';
import { generate } from '../../src/samples/generate.js';
import { cleanupTmp, tmpDir, writeFiles } from '../helpers.js';

const noRejects: RejectsSink = { write: (f, l, c, r) => { throw new Error(`unexpected reject ${f}:${l} ${c} ${r}`); } };

const SNAPSHOTS: Record<string, [string, string, string, string, string][]> = {
  // account, customer, product, currency, balance
  '2026-03-01': [['A1', 'C1', 'demand_deposit', 'CNY', '1000.00'], ['L1', 'C1', 'loan', 'CNY', '5000.00'], ['U1', 'C2', 'wealth', 'USD', '100.00'], ['T1', 'C3', 'time_deposit', 'CNY', '500.00']],
  '2026-03-04': [['A1', 'C1', 'demand_deposit', 'CNY', '3000.00'], ['L1', 'C1', 'loan', 'CNY', '5000.00'], ['U1', 'C2', 'wealth', 'USD', '100.00'], ['T1', 'C3', 'time_deposit', 'CNY', '500.00']],
  '2026-03-08': [['A1', 'C1', 'demand_deposit', 'CNY', '2000.00'], ['L1', 'C1', 'loan', 'CNY', '5000.00'], ['U1', 'C2', 'wealth', 'USD', '100.00'], ['T1', 'C3', 'time_deposit', 'CNY', '500.00']],
  '2026-03-10': [['A1', 'C1', 'demand_deposit', 'CNY', '2000.00'], ['L1', 'C1', 'loan', 'CNY', '5000.00'], ['U1', 'C2', 'wealth', 'USD', '100.00'], ['T1', 'C3', 'time_deposit', 'CNY', '800.00']],
};

/** Imports a branch of these snapshots and rates into a fresh database. */
async function branch(snapshots: typeof SNAPSHOTS, rates: string): Promise<Db> {
  const dir = tmpDir();
  const files: Record<string, string> = {
    'rms.csv': 'rm_id,name,rm_type,branch\nR1,Wang Fang,personal,B1\n',
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch\n' + ['C1', 'C2', 'C3', 'C4'].map((c) => `${c},${c} name,personal,R1,B1`).join('\n') + '\n',
    'fx_rates.csv': `date,currency,cny_per_unit\n${rates}`,
  };
  for (const [d, rows] of Object.entries(snapshots)) {
    files[`accounts_${d}.csv`] = 'as_of,account_id,customer_id,product_type,currency,balance\n' + rows.map((r) => [d, ...r].join(',')).join('\n') + '\n';
  }
  const paths = writeFiles(dir, files);
  const db = openDb(join(dir, 'crm.db'), { create: true });
  await importFiles(db, paths, { rejects: noRejects });
  return db;
}

let db: Db;
beforeAll(async () => {
  db = await branch(SNAPSHOTS, '2026-03-01,USD,7.00\n2026-03-06,USD,7.10\n');
});
afterAll(() => {
  db?.close();
  cleanupTmp();
});

/** A window's sums as [days, fen-days per customer of `ids`], or null. */
const shown = (s: AumSums | null) => (s === null ? null : [s.window.days, [...s.fenDays]]);

describe('aumWindowSums', () => {
  const ids = idList(['C1', 'C2', 'C3', 'C4']);

  it('sums each window per customer: balances changing within it, foreign currency at each day\'s rate, a loan left out', () => {
    const [inside, lastDay, all] = aumWindowSums(db, [
      { from: '2026-03-03', to: '2026-03-09' },
      { from: '2026-03-10', to: '2026-03-10', whole: true },
      { from: '2026-03-01', to: '2026-03-10' },
    ], ids);
    // 03-03 … 03-09 (7 days):
    //   C1: 1,000 × 1 (03-03) + 3,000 × 4 (03-04 … 03-07) + 2,000 × 2 (03-08, 03-09) = 17,000 CNY-days
    //   C2: 100 USD × 7.00 × 3 (03-03 … 03-05) + 100 × 7.10 × 4 (03-06 … 03-09) = 2,100 + 2,840 = 4,940
    //   C3: 500 × 7 = 3,500; C4: nothing
    expect(shown(inside)).toEqual([7, [17000_00, 4940_00, 3500_00, 0]]);
    // 03-10 alone: the balances on that day (C3's new 800.00 included).
    expect(shown(lastDay)).toEqual([1, [2000_00, 710_00, 800_00, 0]]);
    // 03-01 … 03-10: C1 1,000 × 3 + 3,000 × 4 + 2,000 × 3 = 21,000; C2 700 × 5 + 710 × 5 = 7,050; C3 500 × 9 + 800 = 5,300.
    expect(shown(all)).toEqual([10, [21000_00, 7050_00, 5300_00, 0]]);
  });

  it('clips a window to the data; one outside it, or (whole) only partly in it, is null; equal windows share one result', () => {
    const [early, before, partly, a, b] = aumWindowSums(db, [
      { from: '2026-02-20', to: '2026-03-05' },
      { from: '2026-02-01', to: '2026-02-28', whole: true },
      { from: '2026-03-09', to: '2026-03-15', whole: true },
      { from: '2026-03-03', to: '2026-03-09' },
      { from: '2026-03-03', to: '2026-03-09' },
    ], ids);
    // Clipped to 03-01 … 03-05 (5 days): C1 1,000 × 3 + 3,000 × 2 = 9,000; C2 700 × 5 = 3,500; C3 500 × 5 = 2,500.
    expect(early!.window).toMatchObject({ from: '2026-03-01', to: '2026-03-05', clipped: true });
    expect(shown(early)).toEqual([5, [9000_00, 3500_00, 2500_00, 0]]);
    expect([before, partly]).toEqual([null, null]);
    expect(a).toBe(b);
    // Not whole: the same window partly in the data is clipped to 03-09 … 03-10 (C1 2,000 × 2; C3 500 + 800).
    expect(shown(aumWindowSums(db, [{ from: '2026-03-09', to: '2026-03-15' }], ids)[0])).toEqual([2, [4000_00, 1420_00, 1300_00, 0]]);
  });

  it('places the sums at the caller\'s positions: a list not in id order, ids with no balance, ids of no customer', () => {
    const [all] = aumWindowSums(db, [{ from: '2026-03-01', to: '2026-03-10' }], idList(['C2', 'C4', 'C9', 'C1', 'C3']));
    expect(shown(all)).toEqual([10, [7050_00, 0, 0, 21000_00, 5300_00]]);
  });

  it('gives customerBalances\' AUM for each window', () => {
    const pricing = DEFAULT_PRICING as Pricing;
    const windows = [['2026-03-01', '2026-03-10'], ['2026-03-02', '2026-03-07'], ['2026-03-05', '2026-03-05'], ['2026-03-08', '2026-03-10']];
    const sums = aumWindowSums(db, windows.map(([from, to]) => ({ from, to })), ids);
    windows.forEach(([from, to], k) => {
      const b = customerBalances(db, resolveWindow(db, from, to), pricing);
      const expected = ['C1', 'C2', 'C3', 'C4'].map((id) => b.aum_fd[b.customer_id.indexOf(id)] ?? 0);
      expect([...sums[k]!.fenDays]).toEqual(expected);
    });
  });

  it('a foreign balance on a day with no rate before it is an error naming the currency and the day', async () => {
    const noRate = await branch({ '2026-03-01': [['U1', 'C2', 'wealth', 'USD', '100.00']], '2026-03-10': [['U1', 'C2', 'wealth', 'USD', '100.00']] }, '2026-03-05,USD,7.00\n');
    try {
      expect(aumWindowSums(noRate, [{ from: '2026-03-05', to: '2026-03-10' }], ids)[0]!.fenDays[1]).toBe(100 * 7 * 6 * 100);
      expect(() => aumWindowSums(noRate, [{ from: '2026-03-05', to: '2026-03-10' }, { from: '2026-03-01', to: '2026-03-10' }], ids))
        .toThrow('no exchange rate for USD on or before 2026-03-01 (first rate is on 2026-03-05)');
    } finally {
      noRate.close();
    }
  });
});

describe('aumWindowSums on a generated branch', () => {
  it('equals customerBalances\' AUM window by window, for windows inside the data, at its ends and past them', async () => {
    const dir = tmpDir();
    await generate({ out: dir, rms: 4, customers: 60, startDate: '2026-05-01', days: 40, txns: 400, changeRate: 0.3, seed: 7, corporateShare: 0.25 });
    const g = openDb(join(dir, 'crm.db'), { create: true });
    try {
      await importFiles(g, ['rms.csv', 'customers.csv', 'fx_rates.csv', 'accounts', 'transactions.csv'].map((f) => join(dir, f)), { rejects: { write: () => undefined } });
      const ids = (g.prepare('SELECT customer_id FROM customers ORDER BY customer_id DESC').pluck().all() as string[]).reverse();
      // Months, single days (first, last, one inside), a window reaching past the last day, overlapping ones.
      const windows: [string, string][] = [['2026-05-01', '2026-05-31'], ['2026-06-01', '2026-06-30'], ['2026-05-01', '2026-05-01'], ['2026-06-09', '2026-06-09'],
        ['2026-05-20', '2026-05-20'], ['2026-05-11', '2026-06-09'], ['2026-05-25', '2026-06-20'], ['2026-06-05', '2026-06-30'], ['2026-04-15', '2026-05-14']];
      const sums = aumWindowSums(g, windows.map(([from, to]) => ({ from, to })), idList(ids));
      windows.forEach(([from, to], k) => {
        const w = resolveWindow(g, from, to);
        expect(sums[k]!.window).toEqual(w);
        const b = customerBalances(g, w, DEFAULT_PRICING as Pricing);
        const expected = new Map(b.customer_id.map((id, i) => [id, b.aum_fd[i]]));
        expect([...sums[k]!.fenDays], `${from} … ${to}`).toEqual(ids.map((id) => expected.get(id) ?? 0));
      });
      expect(addDays('2026-05-01', 39)).toBe('2026-06-09'); // the data's last day, as the windows above assume
    } finally {
      g.close();
    }
  }, 60_000);
});

describe('positionsIn over a list not in id order (the window sums\' walk)', () => {
  it('finds ids asked in any order through a Map; -1 for one the list does not hold', () => {
    const at = positionsIn(idList(['B', 'D', 'F', 'A', 'C']));
    expect(['A', 'B', 'B', 'C', 'E', 'F', 'G'].map(at)).toEqual([3, 0, 0, 4, -1, 2, -1]);
    const reversed = Array.from({ length: 20 }, (_, i) => `C${String(19 - i).padStart(2, '0')}`);
    expect(['C00', 'C05', 'C19'].map(positionsIn(idList(reversed)))).toEqual([19, 14, 0]);
  });
});

describe('AUM windows asked alongside a population (CustomerTable.aumAlongside)', () => {
  it('are handed over once: the table does not keep a million customers\' sums for as long as it lives', () => {
    const t = customerValues(db, resolveWindow(db, '2026-03-06', '2026-03-10'), DEFAULT_PRICING as Pricing, { aum: [{ from: '2026-03-01', to: '2026-03-10' }] });
    expect(typeof t.aumAlongside).toBe('function');
    // No report thread here (the sources run in-process): null, and the caller sums them itself.
    expect(t.aumAlongside!()).toBeNull();
    expect(t.aumAlongside).toBeUndefined();
    expect(customerValues(db, resolveWindow(db, '2026-03-06', '2026-03-10'), DEFAULT_PRICING as Pricing).aumAlongside).toBeUndefined();
  });
});
