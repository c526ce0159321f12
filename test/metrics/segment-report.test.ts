/**
 * The metrics engine and the segment report core on the hand-built branch of
 * segment-fixture.ts. Every expected figure is worked out here from the fixture's rows.
 * Money in fen; ADB = Σ daily balance ÷ days; f = D ÷ 365.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { importFiles } from '../../src/import/index.js';
import { balanceSums, customerTxns, dataDatesIn, resolveWindow } from '../../src/metrics/engine.js';
import { claimBalanceTasks, customerBounds, customerExtras, customerValue, customerValues, NOT_IN_TIERS_ONLY, recency, startWindowSeries, sumBalanceTasks, VALUE_COLUMNS, type BalanceTaskSums } from '../../src/metrics/customers.js';
import { directoryColumns } from '../../src/db/segment-queries.js';
import { positionsIn, positionsOf } from '../../src/db/positions.js';
import { idList, queryColumns, textValues } from '../../src/db/columns.js';
import { DEFAULT_PRICING } from '../../src/metrics/pricing.js';
import { DataError } from '../../src/errors.js';
import { detailRows, segmentDetail, segmentMigration, segmentSummary, tierCustomers, tierPopulation } from '../../src/segment/report.js';
import { rfmOverview, rfmReport } from '../../src/segment/rfm-report.js';
import { RFM_SEGMENTS } from '../../src/segment/rfm.js';
import { cleanupTmp, tmpDir } from '../helpers.js';
import { writeSegmentFixture } from './segment-fixture.js';

let db: Db;

beforeAll(async () => {
  const dir = tmpDir();
  db = openDb(join(dir, 'crm.db'), { create: true });
  const rejects: string[] = [];
  // await: works whether importFiles returns its result or a promise of it.
  const r = await importFiles(db, writeSegmentFixture(dir), { rejects: { write: (f, l, c, why) => { rejects.push(`${f}:${l}:${c}:${why}`); } } });
  expect(rejects).toEqual([]);
  expect(r.files.every((f) => f.status === 'ok')).toBe(true);
});
afterAll(() => { db.close(); cleanupTmp(); });

const AS_OF = '2026-03-10';
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6);

describe('engine: customerValues over 2026-03-01 … 2026-03-10 (D = 10)', () => {
  const values = () => {
    const w = resolveWindow(db, '2026-03-01', AS_OF);
    const t = customerValues(db, w, DEFAULT_PRICING);
    return new Map(Array.from({ length: t.ids.length }, (_, i) => i).flatMap((i) => (t.seen[i] ? [[t.ids.at(i), customerValue(t, i)]] : [])));
  };

  it('ADB carries balances forward through the snapshot gaps', () => {
    // A1: 03-01 50,000 (1 day); 03-02 150,000 carried over 03-03, 03-04 (3 days);
    // 03-05 120,000 carried to 03-09 (5 days); 03-10 10,000 (1 day).
    // Σ = 50,000 + 450,000 + 600,000 + 10,000 = 1,110,000 CNY-days; ÷ 10 = 111,000.00 CNY.
    // (Without carry-forward it would be (50,000 + 150,000 + 120,000 + 10,000) ÷ 10 = 33,000.)
    expect(values().get('P1')!.aum_adb).toBe(111_000_00);
    expect(values().get('P1')!.deposit_adb).toBe(111_000_00);
  });

  it('an account closed by a later full snapshot counts 0 from that date; a new one nothing before it appears', () => {
    // A7: 500 on 03-01 … 03-04 (absent from the 03-05 full snapshot): 4 × 500 ÷ 10 = 200.00.
    expect(values().get('P7')!.aum_adb).toBe(200_00);
    // A8: first seen on 03-10: 600,000 × 1 ÷ 10 = 60,000.00.
    expect(values().get('P8')!.aum_adb).toBe(60_000_00);
  });

  it('converts a USD account day by day at the latest rate on or before each day', () => {
    // 20,000.00 USD = 2,000,000 cents; × 7.1 = 14,200,000 fen on 03-01 … 03-05 (5 days),
    // × 7.2 = 14,400,000 fen on 03-06 … 03-10 (5 days): (71,000,000 + 72,000,000) ÷ 10 = 14,300,000 fen.
    expect(values().get('P6')!.aum_adb).toBe(143_000_00);
    // Its USD 100.00 transaction on 03-07: M = 100 × 7.2 = 720.00 CNY (see RFM below).
  });

  it('a customer with only loans: AUM 0, loan ADB, contribution = spread − risk cost', () => {
    const v = values().get('P5')!;
    expect(v.aum_adb).toBe(0);
    expect(v.deposit_adb).toBe(0);
    expect(v.loan_adb).toBe(200_000_00);
    // NII = 20,000,000 × 1.8% × 10/365 = 9,863.0137 fen; risk (normal 1%) = 20,000,000 × 1% × 10/365 = 5,479.4521.
    close(v.net_interest, (20_000_000 * 0.018 * 10) / 365);
    close(v.risk_cost, (20_000_000 * 0.01 * 10) / 365);
    close(v.contribution, (20_000_000 * 0.008 * 10) / 365); // 4,383.56 fen = 43.84 CNY
  });

  it('a negative contribution: small balance, three counter transactions', () => {
    const v = values().get('P4')!;
    // NII = 100,000 × 2% × 10/365 = 54.7945 fen; channel cost = 3 × 800 = 2,400 fen.
    expect(v.txn_counter).toBe(3);
    expect(v.channel_cost).toBe(2400);
    close(v.contribution, (100_000 * 0.02 * 10) / 365 - 2400); // −2,345.21 fen = −23.45 CNY
    expect(v.contribution).toBeLessThan(0);
  });

  it('fee income and channel costs of P1', () => {
    const v = values().get('P1')!;
    // T1 fee 5.00; two e_banking transactions at 0.35.
    expect(v.fee_income).toBe(500);
    expect(v.txn_count).toBe(2);
    // 11,100,000 × 2% × 10/365 + 500 − 70 = 6,082.1918 + 430 = 6,512.19 fen.
    close(v.contribution, (11_100_000 * 0.02 * 10) / 365 + 500 - 70);
  });

  it('a second window into the first one\'s table: the same figures as a fresh table; its directory reused only while the customers are as many', () => {
    const w1 = resolveWindow(db, '2026-03-01', '2026-03-05');
    const w2 = resolveWindow(db, '2026-03-06', AS_OF);
    const fresh = customerValues(db, w2, DEFAULT_PRICING, { want: {} });
    const first = customerValues(db, w1, DEFAULT_PRICING, { want: {} });
    const again = customerValues(db, w2, DEFAULT_PRICING, { want: {}, reuse: first });
    // Without names and owners the directory does not depend on the day: the same one, the same arrays.
    expect(again.ids).toBe(first.ids);
    expect(again.aum_adb).toBe(first.aum_adb);
    const all = (t: typeof fresh) => Array.from({ length: t.ids.length }, (_, i) => customerValue(t, i));
    expect(all(again)).toEqual(all(fresh));
    // A table read with names and owners (crm report's population) gives its ids, and drops the rest.
    const named = customerValues(db, w1, DEFAULT_PRICING);
    expect(named.names).not.toBeNull();
    expect(named.rms.length).toBeGreaterThan(1);
    const plain = customerValues(db, w2, DEFAULT_PRICING, { want: {}, reuse: named });
    expect(plain.ids).toBe(named.ids);
    expect([plain.names, plain.branches, plain.rms]).toEqual([null, [null], [null]]);
    expect(all(plain)).toEqual(all(fresh));
    // The table reused gives up its names (its caller may hold it a while yet).
    expect(named.names).toBeNull();
    // A customer added since: the directory is read again and holds it.
    const c = join(tmpDir(), 'added.db');
    db.exec(`VACUUM INTO '${c}'`);
    const other = openDb(c);
    const before = customerValues(other, w1, DEFAULT_PRICING, { want: {} });
    other.exec("INSERT INTO customers (customer_id, name, customer_type, branch, opened_on) VALUES ('P0', 'New', 'personal', 'B1', '2026-03-09')");
    const after = customerValues(other, w2, DEFAULT_PRICING, { want: {}, reuse: before });
    expect(after.ids.length).toBe(before.ids.length + 1);
    expect(after.ids.at(positionsIn(after.ids)('P0'))).toBe('P0');
    other.close();
  });

  it('a series of windows (a migration\'s two dates) gives each window\'s figures, asked for in its order only', () => {
    const w1 = resolveWindow(db, '2026-03-01', '2026-03-05');
    const w2 = resolveWindow(db, '2026-03-06', AS_OF);
    const all = (t: ReturnType<typeof customerValues>) => Array.from({ length: t.ids.length }, (_, i) => customerValue(t, i));
    const series = startWindowSeries(db, [w1, w2], DEFAULT_PRICING);
    // The fixture holds fewer customers than a thread is started for: each window's extras are computed here.
    expect(series.job.threaded).toBe(false);
    expect(all(customerValues(db, w1, DEFAULT_PRICING, { want: {}, series }))).toEqual(all(customerValues(db, w1, DEFAULT_PRICING, { want: {} })));
    expect(all(customerValues(db, w2, DEFAULT_PRICING, { want: {}, series }))).toEqual(all(customerValues(db, w2, DEFAULT_PRICING, { want: {} })));
    const other = startWindowSeries(db, [w1, w2], DEFAULT_PRICING);
    expect(() => customerValues(db, w2, DEFAULT_PRICING, { want: {}, series: other })).toThrow(`customerValues: window 2026-03-06…${AS_OF} is not the series' next`);
  });

  it('a tiers-only table (a migration\'s population): the columns it keeps are the full table\'s, the others empty', () => {
    const w = resolveWindow(db, '2026-03-01', AS_OF);
    const full = customerValues(db, w, DEFAULT_PRICING, { want: {} });
    const tiers = customerValues(db, w, DEFAULT_PRICING, { want: {}, tiersOnly: true });
    for (const c of NOT_IN_TIERS_ONLY) expect(tiers[c].length, c).toBe(0);
    // Counts are whole numbers in 32 bits (4 bytes a customer, not 8); money is Float64.
    expect([full.txn_count, full.txn_counter, full.aum_adb].map((a) => a.constructor.name)).toEqual(['Int32Array', 'Int32Array', 'Float64Array']);
    // A full table reused as a tiers-only one gives up the columns the tiers-only one leaves empty.
    const reused = customerValues(db, w, DEFAULT_PRICING, { want: {} });
    const again = customerValues(db, w, DEFAULT_PRICING, { want: {}, tiersOnly: true, reuse: reused });
    for (const c of NOT_IN_TIERS_ONLY) expect([reused[c].length, again[c].length], c).toEqual([0, 0]);
    expect(again.aum_adb).toBe(reused.aum_adb);
    expect(Array.from(again.contribution)).toEqual(Array.from(full.contribution));
    const kept = VALUE_COLUMNS.filter((c) => !(NOT_IN_TIERS_ONLY as readonly string[]).includes(c));
    expect(kept).toEqual(['aum_adb', 'deposit_adb', 'net_interest', 'risk_cost', 'contribution', 'txn_count']);
    for (const c of kept) expect(Array.from(tiers[c]), c).toEqual(Array.from(full[c]));
    expect(Array.from(tiers.seen)).toEqual(Array.from(full.seen));
    // Not all zero: the comparison means something (AUM, contribution and fees of the fixture's window).
    for (const c of ['aum_adb', 'contribution', 'fee_income', 'channel_cost', 'txn_count'] as const) expect(full[c].some((v) => v !== 0), c).toBe(true);
    expect(() => customerValues(db, w, DEFAULT_PRICING, { activityFrom: '2025-03-06', tiersOnly: true })).toThrow('customerValues: a tiers-only table has no last posting days');
  });

  it('the balance sums shared range by range with the report thread: the same sums whoever takes which task', () => {
    // 03-02 … 03-05 lies inside the data: some customers come from customer_spans (A2: one row
    // since 03-01), the others account by account (A1, A9 change on 03-05, A8 appears on 03-10).
    const w = resolveWindow(db, '2026-03-02', '2026-03-05');
    const plain = balanceSums(w, DEFAULT_PRICING);
    const rows = (sql: string) => queryColumns<{ customer_id: string[]; aum_fd: number[]; deposit_fd: number[]; loan_fd: number[]; spread_fd: number[]; risk_fd: number[] }>(db, sql, plain.bind);
    const whole = rows(plain.sql);
    const expected = new Map(whole.customer_id.map((id, r) => [id, [whole.aum_fd[r], whole.deposit_fd[r], whole.loan_fd[r], whole.spread_fd[r], whole.risk_fd[r]]]));
    expect(plain.covered.map((sql) => rows(sql).customer_id.length).reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(rows(plain.uncovered).customer_id).toEqual(expect.arrayContaining(['P1', 'P9']));
    // 13 customers, rowids 1 … 13 in import order (P1 … P9, K1 … K4): 8 ranges cut at rowids
    // ⌊13k/8⌋ + 1 = 2, 4, 5, 7, 9, 10, 12 (P2, P4, P5, P7, P9, K1, K3), in SQLite's order.
    const bounds = customerBounds(db, 8);
    expect(bounds).toEqual(['K1', 'K3', 'P2', 'P4', 'P5', 'P7', 'P9']);
    const ids = directoryColumns(db, w.to).ids;
    const tasks = () => ({ pricing: DEFAULT_PRICING, bounds, claims: new SharedArrayBuffer(4) });
    const sumsOf = (t: ReturnType<typeof tasks>, handedOver: (k: number) => BalanceTaskSums | undefined) => {
      const got = new Map<string, number[]>();
      sumBalanceTasks(db, w, t, ids, (i, ...v) => {
        expect(got.has(ids.at(i)), `${ids.at(i)} summed twice`).toBe(false);
        got.set(ids.at(i), v);
      }, handedOver);
      return got;
    };
    // This thread alone: it claims every task, nothing is handed over.
    expect(sumsOf(tasks(), () => expect.fail('nothing to hand over'))).toEqual(expected);
    // The report thread claimed every task first: the 8 ranges of the customers summed account by
    // account, each of them in one (those from customer_spans are this thread's own).
    const first = tasks();
    const shared = new Map<number, BalanceTaskSums>();
    claimBalanceTasks(db, w, first, (task, v) => shared.set(task, v));
    expect([...shared.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...shared.values()].flatMap((x) => textValues(x.ids)).sort()).toEqual([...rows(plain.uncovered).customer_id].sort());
    // Range 7 (from P9 on): P9 is summed account by account in this window (its A9 changes on 03-05).
    expect(textValues(shared.get(7)!.ids)).toEqual(['P9']);
    expect(sumsOf(first, (k) => shared.get(k))).toEqual(expected);
    // Tasks the report thread claimed but never handed over (it failed) are summed here.
    expect(sumsOf(first, (k) => (k % 2 ? undefined : shared.get(k)))).toEqual(expected);
  });

  it('the RM of a reassigned customer is the one in effect on the window\'s last day', () => {
    expect(values().get('P1')!.rm_id).toBe('R2');
    const w = resolveWindow(db, '2026-03-01', '2026-03-05');
    const t = customerValues(db, w, DEFAULT_PRICING);
    expect(customerValue(t, positionsIn(t.ids)('P1')).rm_id).toBe('R1');
  });

  it('recency: last day, count and Σ|amount| per customer, FX converted', () => {
    const ids = db.prepare('SELECT customer_id FROM customers ORDER BY customer_id').pluck().all() as string[];
    const r = recency(db, '2025-03-11', AS_OF, idList(ids));
    const at = (id: string) => {
      const i = ids.indexOf(id);
      return { present: r.present[i], last_day: r.last_day[i], count: r.count[i], abs_amount_fen: r.abs_amount_fen[i] };
    };
    // Day numbers since 1970-01-01: 2026-03-08 is 56 years (14 of them leap) and 66 days on: 56·365 + 14 + 66 = 20,520.
    expect(at('P1')).toEqual({ present: 1, last_day: 20_520, count: 2, abs_amount_fen: 150_000 });
    expect(at('P6')).toEqual({ present: 1, last_day: 20_519, count: 1, abs_amount_fen: 72_000 });
    expect(at('P5')).toEqual({ present: 0, last_day: -1, count: 0, abs_amount_fen: 0 });
  });
});

describe('tiers and summary (window 10 days ending 2026-03-10)', () => {
  const params = { asOf: AS_OF, windowDays: 10 };

  it('assigns tiers: 100,000.00 exactly is VIP, 99,999.99 is Mass', () => {
    const pop = tierPopulation(db, params);
    const tier = new Map([...tierCustomers(pop)].map((c) => [c.customer_id, c.tier]));
    expect(pop.period.window).toMatchObject({ from: '2026-03-01', to: AS_OF, days: 10, clipped: false });
    // The window's transactions, added up from the customers' counts: T1 … T8 (03-02 … 03-09), as the roll-ups count them.
    expect(pop.period.data.transactions).toEqual({ first: '2026-03-02', last: '2026-03-09', count: 8 });
    expect(dataDatesIn(db, '2026-03-01', AS_OF).transactions).toEqual(pop.period.data.transactions);
    expect(tierPopulation(db, { ...params, asOf: '2026-03-05', windowDays: 3 }).period.data.transactions.count).toBe(3); // T4 (03-03), T6 and T7 (03-05)
    // P1 111,000 VIP; P2 100,000.00 VIP (bound inclusive); P3 99,999.99 Mass; P4 1,000 Mass; P5 0 Mass;
    // P6 143,000 VIP; P7 200 Mass; P8 60,000 Mass; P9 wealth (4 × 50,000 + 6 × 150,000) ÷ 10 = 110,000 VIP.
    expect(Object.fromEntries(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'].map((p) => [p, tier.get(p)]))).toEqual({
      P1: 'vip', P2: 'vip', P3: 'mass', P4: 'mass', P5: 'mass', P6: 'vip', P7: 'mass', P8: 'mass', P9: 'vip',
    });
    // Corporate by contribution, quantiles, n = 4: Key ceil(0.8) = 1, Core ceil(1.2) = 2, Standard the rest.
    // Contribution ∝ deposit: K1 1,000,000 > K2 = K3 500,000 (tie: by customer_id) > K4 100,000.
    expect([tier.get('K1'), tier.get('K2'), tier.get('K3'), tier.get('K4')]).toEqual(['key', 'core', 'core', 'standard']);
  });

  it('summary per tier, dormant count, Pareto and Gini', () => {
    const rep = segmentSummary(db, { ...params, types: ['personal'] });
    const g = rep.sections[0].groups[0];
    const [mass, vip] = g.rows;
    expect(g.rows.map((r) => r.tier)).toEqual(['mass', 'vip', 'affluent', 'wealth', 'private']);
    // VIP: P1 111,000 + P2 100,000 + P6 143,000 + P9 110,000 = 464,000.00
    expect(vip.customers).toBe(4);
    expect(vip.aum_adb).toBe(464_000_00);
    expect(vip.aum_avg).toBe(116_000_00);
    // Mass: P3 99,999.99 + P4 1,000 + P5 0 + P7 200 + P8 60,000 = 161,199.99; loan ADB 200,000 (P5)
    expect(mass.customers).toBe(5);
    expect(mass.aum_adb).toBe(161_199_99);
    expect(mass.loan_adb).toBe(200_000_00);
    // Dormant (no transaction in 365 days and AUM ADB < 1,000.00): P5 (0) and P7 (200). P8, P9: no
    // transaction but AUM above the floor.
    expect(mass.dormant).toBe(2);
    expect(vip.dormant).toBe(0);
    expect(g.total.customers).toBe(9);
    expect(g.total.aum_adb).toBe(625_199_99);
    close(vip.aum_share as number, 464_000_00 / 625_199_99);
    expect(vip.customer_share).toBeCloseTo(4 / 9, 12);
    // Channels: counter 3 (P4), self_service 1 (P3), e_banking 2 (P1) + 1 (P2) + 1 (P6) = 4 (P2, P6 are VIP too).
    expect([g.total.txn_counter, g.total.txn_self_service, g.total.txn_e_banking]).toEqual([3, 1, 4]);
    expect([vip.txn_e_banking, mass.txn_e_banking, mass.txn_counter]).toEqual([4, 0, 3]);
    // Pareto of AUM: ascending 0, 20,000, 100,000, 6,000,000, 9,999,999, 10,000,000, 11,000,000, 11,100,000, 14,300,000 fen.
    // Σ = 62,519,999; top ceil(0.2 × 9) = 2: 14,300,000 + 11,100,000 = 25,400,000.
    const c = g.concentration[0];
    expect(c.measure).toBe('aum_adb');
    expect(c.top_n).toBe(2);
    close(c.pareto as number, 25_400_000 / 62_519_999);
    // Gini: Σ i·x = 1·0 + 2·20,000 + 3·100,000 + 4·6,000,000 + 5·9,999,999 + 6·10,000,000 + 7·11,000,000 + 8·11,100,000 + 9·14,300,000
    //            = 40,000 + 300,000 + 24,000,000 + 49,999,995 + 60,000,000 + 77,000,000 + 88,800,000 + 128,700,000 = 428,839,995
    close(c.gini as number, (2 * 428_839_995) / (9 * 62_519_999) - 10 / 9);
  });

  it('groups by RM on the window\'s last day: the reassigned P1 is under R2', () => {
    const rep = segmentSummary(db, { ...params, types: ['personal'] }, 'rm');
    const groups = rep.sections[0].groups.map((g) => [g.group, g.total.customers]);
    expect(groups).toEqual([['R1', 8], ['R2', 1]]);
  });

  it('clips the window to the data and says so', () => {
    const pop = tierPopulation(db, { asOf: AS_OF, windowDays: 30 });
    // Requested 2026-02-09 … 2026-03-10 (30 days); the data starts on 2026-03-01: 10 days used.
    expect(pop.period.window).toMatchObject({ from: '2026-03-01', to: AS_OF, days: 10, requestedFrom: '2026-02-09', clipped: true });
  });

  it('detail rows, filtered by tier', () => {
    const rep = segmentDetail(db, params, new Set(['vip']));
    const rows = [...detailRows(rep)];
    expect(rows.map((c) => c.customer_id)).toEqual(['P1', 'P2', 'P6', 'P9']);
    expect(rep.customers).toBe(4);
    expect(rows[0]).toMatchObject({ rm_id: 'R2', branch: '东区支行', aum_adb: 111_000_00, fee_income: 500, txn_count: 2, dormant: false });
  });
});

describe('migration: windows of 5 days ending 2026-03-05 and 2026-03-10', () => {
  it('counts, AUM, upgrades, downgrades, new and gone', () => {
    const rep = segmentMigration(db, { asOf: AS_OF, windowDays: 5, types: ['personal'] }, '2026-03-05');
    expect(rep.before.window).toMatchObject({ from: '2026-03-01', to: '2026-03-05', days: 5 });
    expect(rep.after.window).toMatchObject({ from: '2026-03-06', to: AS_OF, days: 5 });
    const r = rep.sections[0].result;
    // Date 1 (03-01 … 03-05): P1 (50,000 + 3 × 150,000 + 120,000) ÷ 5 = 124,000 VIP; P7 (4 × 500) ÷ 5 = 400 Mass;
    //   P9 (4 × 50,000 + 150,000) ÷ 5 = 70,000 Mass; P8 absent (new).
    // Date 2 (03-06 … 03-10): P1 (4 × 120,000 + 10,000) ÷ 5 = 98,000 Mass (downgrade); P9 150,000 VIP (upgrade);
    //   P8 600,000 ÷ 5 = 120,000 VIP; P7 closed on 03-05: gone. P2, P3, P4, P5, P6 unchanged.
    expect([r.upgrades, r.downgrades, r.unchanged, r.new_customers, r.gone_customers, r.customers]).toEqual([1, 1, 5, 1, 1, 9]);
    const cell = (from: string, to: string) => r.cells.find((c) => c.from === from && c.to === to);
    expect(cell('new', 'vip')).toEqual({ from: 'new', to: 'vip', customers: 1, aum_fen: 120_000_00 });
    expect(cell('vip', 'mass')).toEqual({ from: 'vip', to: 'mass', customers: 1, aum_fen: 98_000_00 });
    expect(cell('mass', 'vip')).toEqual({ from: 'mass', to: 'vip', customers: 1, aum_fen: 150_000_00 });
    // mass → mass: P3 99,999.99 + P4 1,000 + P5 0 (AUM at date 2)
    expect(cell('mass', 'mass')).toEqual({ from: 'mass', to: 'mass', customers: 3, aum_fen: 100_999_99 });
    // vip → vip: P2 100,000 + P6 (5 × 14,400,000 ÷ 5 fen) 144,000
    expect(cell('vip', 'vip')).toEqual({ from: 'vip', to: 'vip', customers: 2, aum_fen: 244_000_00 });
    // gone: AUM at date 1, P7 400.00
    expect(cell('mass', 'gone')).toEqual({ from: 'mass', to: 'gone', customers: 1, aum_fen: 400_00 });
  });
});

describe('RFM over the 365 days ending 2026-03-10', () => {
  it('scores with quintile ties, segments and cut points', () => {
    const rep = rfmReport(db, { asOf: AS_OF, types: ['personal'] });
    expect(rep.window).toEqual({ from: '2025-03-11', to: AS_OF, days: 365 });
    const s = rep.sections[0];
    // Population: accounts open on 03-10 (P1 … P6, P8, P9; P7's account closed on 03-05) = 8; with a transaction: 5.
    const customers = [...rep.eachCustomer(s)];
    expect(customers.map((c) => c.customer_id)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P8', 'P9']);
    // Positions in the directory of every customer, customer_id order: K1 … K4 are 0 … 3, P1 … P9 are 4 … 12;
    // P7 (10) is left out.
    expect([...s.customers.position]).toEqual([4, 5, 6, 7, 8, 9, 11, 12]);
    expect(s.active_customers).toBe(5);
    // F: P1 2, P2 1, P3 1, P4 3, P6 1 → ascending 1,1,1,2,3; c_k = value at rank ceil(k·5/5) = k → 1,1,1,2.
    // The three customers with F = 1 tie and all score 1; F 2 → 4; F 3 → 5.
    expect(s.cuts.frequency).toEqual([1, 1, 1, 2]);
    // R (days to 03-10): P1 03-08 → 2, P2 03-09 → 1, P3 03-03 → 7, P4 03-05 → 5, P6 03-07 → 3; cuts 1,2,3,5.
    expect(s.cuts.recency).toEqual([1, 2, 3, 5]);
    // M: P1 1,000 + 500 = 1,500.00; P2 200.00; P3 50.00; P4 300.00; P6 USD 100 × 7.2 = 720.00.
    expect(s.cuts.monetary).toEqual([5_000, 20_000, 30_000, 72_000]);
    const by = new Map(customers.map((c) => [c.customer_id, `${c.r}${c.f}${c.m} ${c.segment}`]));
    expect(Object.fromEntries(by)).toEqual({
      P1: '445 champions', // R 2 ≤ c2 → 4; F 2 → 4; M 150,000 > c4 → 5
      P2: '512 new', // R 1 → 5; F 1 → 1; M 20,000 ≤ c2 → 2: R = 5, F = 1
      P3: '111 lost', // R 7 > c4 → 1
      P4: '253 at_risk', // R 5 ≤ c4 → 2; F 3 → 5; M 30,000 → 3: R ≤ 2 and F ≥ 3
      P5: '111 inactive',
      P6: '314 need_attention', // R 3 → 3; F 1; M 72,000 ≤ c4 → 4: R = 3, F ≤ 3
      P8: '111 inactive',
      P9: '111 inactive',
    });
    const seg = new Map(s.segments.map((g) => [g.segment, g]));
    expect(seg.get('inactive')!.customers).toBe(3);
    expect(seg.get('champions')).toMatchObject({ customers: 1, avg_recency_days: 2, avg_frequency: 2, monetary_fen: 150_000 });
    expect(s.segments.reduce((a, g) => a + g.customers, 0)).toBe(8);
    // The overview (crm report's): the same summaries, and per R × F cell its customers by
    // segment, the inactive in no cell: P1 R4 F4 champions, P2 R5 F1 new, P3 R1 F1 lost, P4 R2
    // F5 at_risk, P6 R3 F1 need_attention.
    const overview = rfmOverview(rep).sections[0];
    expect(overview).not.toHaveProperty('customers');
    expect(overview.segments).toEqual(s.segments);
    const cells: string[] = [];
    overview.grid.forEach((row, r) => row.forEach((bySegment, f) => bySegment.forEach((n, g) => {
      if (n) cells.push(`R${r + 1} F${f + 1} ${RFM_SEGMENTS[g].code} ${n}`);
    })));
    expect(cells.sort()).toEqual(['R1 F1 lost 1', 'R2 F5 at_risk 1', 'R3 F1 need_attention 1', 'R4 F4 champions 1', 'R5 F1 new 1']);
  });
});

describe('customerExtras: transaction sums by directory position (what the report thread sends)', () => {
  it('positions point at the customers in customer_id order; sums and last days match customerTxns', () => {
    const dayNumOf = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86400000);
    const w = resolveWindow(db, '2026-03-01', AS_OF);
    const ids = db.prepare('SELECT customer_id FROM customers ORDER BY customer_id').pluck().all() as string[];
    const byPos = customerExtras(db, w, '2025-03-11').txns;
    const direct = customerTxns(db, w.from, w.to, '2025-03-11');
    expect(textValues(byPos.ids)).toEqual(direct.customer_id);
    const pos = positionsOf(idList(ids), byPos.ids);
    expect([...pos].map((p) => ids[p])).toEqual(direct.customer_id);
    expect([...byPos.count]).toEqual(direct.count);
    expect([...byPos.fee_fen]).toEqual(direct.fee_fen);
    expect([...byPos.last_active]).toEqual(direct.last_active_day.map((d) => (d === null ? -1 : dayNumOf(d))));
    expect(pos.length).toBeGreaterThan(0);
  });
});

describe('customerValues: sums it refuses (an unknown customer, a count past 2^31 − 1)', () => {
  // A copy of the branch where one customer's summed rows name an unknown customer: P2's
  // customer_spans row (balances) or P4's txn_totals rows (transactions) copied under a new id.
  const copyWith = (sql: string): Db => {
    const path = join(tmpDir(), 'orphan.db');
    db.exec(`VACUUM INTO '${path}'`);
    const c = openDb(path);
    c.pragma('foreign_keys = OFF');
    c.exec(sql);
    return c;
  };

  it('a balance row: DataError naming the customer (read through the per-row function)', () => {
    const c = copyWith(`CREATE TEMP TABLE x AS SELECT * FROM customer_spans WHERE customer_id = 'P2';
      UPDATE x SET customer_id = 'P2x'; INSERT INTO customer_spans SELECT * FROM x;`);
    const w = resolveWindow(c, '2026-03-01', AS_OF);
    expect(() => customerValues(c, w, DEFAULT_PRICING)).toThrow(DataError);
    expect(() => customerValues(c, w, DEFAULT_PRICING)).toThrow('customer P2x holds accounts but is not in the customers table');
    c.close();
  });

  it('a count past 2^31 − 1 is an error, not a wrapped number', () => {
    // 3,000,000,000 > 2,147,483,647 (the largest count the transaction columns hold).
    const c = copyWith("UPDATE txn_totals SET n = 3000000000 WHERE customer_id = 'P4'");
    const w = resolveWindow(c, '2026-03-01', AS_OF);
    expect(() => customerValues(c, w, DEFAULT_PRICING)).toThrow('customer P4: 3000000000 transactions in the window, more than a report counts (2147483647)');
    c.close();
  });

  it('a transaction roll-up: the same error', () => {
    const c = copyWith(`CREATE TEMP TABLE x AS SELECT * FROM txn_totals WHERE customer_id = 'P4';
      UPDATE x SET customer_id = 'P4x'; INSERT INTO txn_totals SELECT * FROM x;`);
    const w = resolveWindow(c, '2026-03-01', AS_OF);
    expect(() => customerValues(c, w, DEFAULT_PRICING)).toThrow('customer P4x holds accounts but is not in the customers table');
    c.close();
  });
});
