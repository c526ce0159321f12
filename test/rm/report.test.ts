/**
 * Per-RM credit (metrics.md "Relationship-manager credit") on the hand-made branch of fixture.ts.
 * Money here is in fen, as the report carries it before display.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { defaultPricing } from '../../src/metrics/pricing.js';
import { parsePlan } from '../../src/incentive/plan.js';
import { parsePeriod, rangePeriod } from '../../src/rm/period.js';
import { buildRmReport, UNASSIGNED } from '../../src/rm/report.js';
import { cleanupTmp } from '../helpers.js';
import { makeBranch, PLAN } from './fixture.js';
import { DataError } from '../../src/errors.js';

let db: Db;
beforeAll(() => { db = openDb(makeBranch().db, { readonly: true }); });
afterAll(() => { db.close(); cleanupTmp(); });

const yuan = (x: number) => Math.round(x * 100);
const rowOf = (r: ReturnType<typeof buildRmReport>, id: string) => {
  const row = r.rows.find((x) => x.rm_id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
};

describe('RM credit over 2026-09 (30 days)', () => {
  const report = () => buildRmReport(db, { period: parsePeriod('2026-09'), pricing: defaultPricing() });

  it('a reassignment on the 10th splits credit 9 / 21 days', () => {
    const r = report();
    // A1 30,000.00: R1 owns 09-01..09-09 (9 days), R2 09-10..09-30 (21 days).
    expect(rowOf(r, 'R1').deposit_adb).toBeCloseTo(yuan(30000) * 9 / 30, 6); // 9,000.00
    expect(rowOf(r, 'R2').deposit_adb).toBeCloseTo(yuan(30000) * 21 / 30, 6); // 21,000.00
    // customers on the last day: C1 is R2's now.
    expect(rowOf(r, 'R1').customers).toBe(0);
    expect(rowOf(r, 'R2').customers).toBe(1);
  });

  it('a snapshot rm_id overrides the customer RM', () => {
    const r = report();
    // A5 wealth 12,000.00 belongs to C1 (R1, then R2) but the snapshot credits R5 every day.
    expect(rowOf(r, 'R5').aum_adb).toBeCloseTo(yuan(12000), 6);
    expect(rowOf(r, 'R2').aum_adb).toBeCloseTo(yuan(21000), 6); // deposits only
    expect(rowOf(r, 'R5').customers).toBe(0);
  });

  it('fees go to the RM of the account on the posting day', () => {
    const r = report();
    expect(rowOf(r, 'R1').fee_income).toBe(500); // T1 09-05, before the move
    expect(rowOf(r, 'R2').fee_income).toBe(700); // T2 on 09-10, the day of the move
    expect(rowOf(r, 'R5').fee_income).toBe(300); // T3 on A5 (snapshot rm_id R5)
    expect(rowOf(r, UNASSIGNED).fee_income).toBe(200); // T4 on C2's account
  });

  it('contribution: NII and risk cost from credited days, fees and channel costs by posting day', () => {
    const r = report();
    // R1: 30,000 × 9 days × 2% / 365 + 5.00 fee − 8.00 counter
    expect(rowOf(r, 'R1').contribution).toBeCloseTo(yuan(30000) * 9 * 0.02 / 365 + 500 - 800, 6);
    // R2: 30,000 × 21 × 2% / 365 + 7.00 − 0.35 e_banking
    expect(rowOf(r, 'R2').contribution).toBeCloseTo(yuan(30000) * 21 * 0.02 / 365 + 700 - 35, 6);
    // R3: loans 150,000 × 30 × 1.8% / 365 − (100,000 × 25% + 50,000 × 100%) × 30 / 365
    expect(rowOf(r, 'R3').contribution).toBeCloseTo((yuan(150000) * 30 * 0.018 - (yuan(100000) * 0.25 + yuan(50000) * 1) * 30) / 365, 6);
    // R5: 12,000 × 30 × 0.6% / 365 + 3.00 − 1.70 self_service
    expect(rowOf(r, 'R5').contribution).toBeCloseTo(yuan(12000) * 30 * 0.006 / 365 + 300 - 170, 6);
  });

  it('an RM whose loans are all NPL has a 100% NPL ratio; no loans gives 0', () => {
    const r = report();
    expect(rowOf(r, 'R3')).toMatchObject({ loan_balance: yuan(150000), npl_balance: yuan(150000), npl_ratio: 1 });
    expect(rowOf(r, 'R3').loan_adb).toBeCloseTo(yuan(150000), 6);
    expect(rowOf(r, 'R2').npl_ratio).toBe(0);
  });

  it('an RM with no customers gets a row of zeros', () => {
    expect(rowOf(report(), 'R4')).toMatchObject({ customers: 0, new_customers: 0, deposit_adb: 0, aum_adb: 0, loan_adb: 0, fee_income: 0, contribution: 0, npl_ratio: 0 });
  });

  it('what no RM owns is the (unassigned) row, and the total adds every row', () => {
    const r = report();
    const u = rowOf(r, UNASSIGNED);
    expect(u).toMatchObject({ customers: 1, new_customers: 1 }); // C2, opened 2026-09-05
    expect(u.deposit_adb).toBeCloseTo(yuan(6000), 6);
    expect(r.rows[r.rows.length - 1].rm_id).toBe(UNASSIGNED);
    // deposits: 30,000 (A1) + 6,000 (A2); AUM adds 12,000 (A5)
    expect(r.total.deposit_adb).toBeCloseTo(yuan(36000), 6);
    expect(r.total.aum_adb).toBeCloseTo(yuan(48000), 6);
    expect(r.total.customers).toBe(3);
    expect(r.total.npl_ratio).toBe(1);
    // default sort: deposit ADB high to low, ties by rm_id, (unassigned) last
    expect(r.rows.map((x) => x.rm_id)).toEqual(['R2', 'R1', 'R3', 'R4', 'R5', UNASSIGNED]);
  });

  it('deposit ADB growth against the previous period of the same length; null when not covered', () => {
    expect(rowOf(report(), 'R2').deposit_adb_growth).toBeNull();
    const r = buildRmReport(db, { period: rangePeriod('2026-09-16', '2026-09-30'), pricing: defaultPricing() });
    expect(r.previous).toEqual({ from: '2026-09-01', to: '2026-09-15' });
    // R2: 30,000 every day of 09-16..30; before: 6 of 15 days (09-10..15) → 12,000; growth 18,000.
    expect(rowOf(r, 'R2').deposit_adb_growth).toBeCloseTo(yuan(30000) - yuan(30000) * 6 / 15, 6);
    // R1: 0 now; before 9 of 15 days → 18,000; growth −18,000.
    expect(rowOf(r, 'R1').deposit_adb_growth).toBeCloseTo(-yuan(30000) * 9 / 15, 6);
    // (unassigned): A2, a time deposit, 6,000 in both halves → 6,000 − 6,000 = 0. R5: its wealth
    // account (12,000 in both halves) is no deposit → 0 − 0 = 0.
    expect(rowOf(r, UNASSIGNED).deposit_adb).toBeCloseTo(yuan(6000), 6);
    expect(rowOf(r, UNASSIGNED).deposit_adb_growth).toBeCloseTo(0, 6);
    expect(rowOf(r, 'R5').deposit_adb_growth).toBeCloseTo(0, 6);
  });

  it('filters: --rm-type drops the (unassigned) row; --branch keeps its own RMs', () => {
    const p = buildRmReport(db, { period: parsePeriod('2026-09'), pricing: defaultPricing(), rmType: 'personal' });
    expect(p.rows.map((x) => x.rm_id)).toEqual(['R2', 'R1', 'R4']);
    const b = buildRmReport(db, { period: parsePeriod('2026-09'), pricing: defaultPricing(), branch: 'B2' });
    expect(b.rows.map((x) => x.rm_id)).toEqual(['R5']); // C2 (unassigned) is in B1
  });

  it('a period outside the data is a data error', () => {
    expect(() => buildRmReport(db, { period: parsePeriod('2026-12'), pricing: defaultPricing() })).toThrow(DataError);
    expect(() => buildRmReport(db, { period: parsePeriod('2026-12'), pricing: defaultPricing() })).toThrow(/outside the data, which covers 2026-09-01 to 2026-09-30/);
  });
});

describe('pay on the hand-made branch (plan in fixture.ts, one month)', () => {
  const r = () => buildRmReport(db, { period: parsePeriod('2026-09'), pricing: defaultPricing(), plan: parsePlan(PLAN, 'plan.yaml') });

  it('R2, worked by hand', () => {
    const pay = r().pay.get('R2')!;
    // deposit_adb 21,000 vs 20,000 → 105%: factor 1.0 × 1.00 + 2.0 × 0.05 = 1.10 → 3,000 × 1/1 × 60% × 1.10 = 1,980.00
    // fee_income 7.00 vs 10 → 70% (gate 60% passed): factor 0.70 → 3,000 × 40% × 0.70 = 840.00
    // pricing: 120 × (21,000 − 10,000) / 10,000 × 1/12 = 11.00
    // base 12,000.00 × 1 month; total 12,000 + 1,980 + 840 + 11 = 14,831.00
    expect(pay.lines.map((l) => [l.metric, l.amount_fen])).toEqual([
      ['base_salary', 1200000], ['deposit_adb', 198000], ['fee_income', 84000], ['deposit_adb', 1100],
    ]);
    expect(pay.total_fen).toBe(1483100);
    expect(pay.lines.reduce((s, l) => s + l.amount_fen, 0)).toBe(pay.total_fen);
    expect(rowOf(r(), 'R2').attainment_deposit_adb).toBeCloseTo(1.05, 12);
  });

  it('R3: loans all NPL take 50% off the variable pay', () => {
    // loan_adb 150,000 vs 100,000 → 150%, default curve factor 1.5 → 5,000 × 1.5 = 7,500.00
    // NPL ratio 100% (band above 1%) → −50% × 7,500 = −3,750.00; base 20,000.00; total 23,750.00
    const pay = r().pay.get('R3')!;
    expect(pay.variable_fen).toBe(375000);
    expect(pay.total_fen).toBe(2375000);
  });

  it('missing targets: the KPI pays 0 and a warning names the RM and the KPI', () => {
    const rep = r();
    expect(rep.pay.get('R1')!.total_fen).toBe(1000000); // base only: 10,000.00; 9,000 ADB is under the pricing floor
    expect(rep.warnings).toContain('RM R1 (Old): no target for KPI deposit_adb; it pays 0');
    expect(rep.warnings).toContain('RM R4 (Empty): no target for KPI fee_income; it pays 0');
    expect(rep.warnings.some((w) => w.startsWith('RM R2'))).toBe(false);
  });

  it('default sort with a plan: total pay', () => {
    expect(r().rows.map((x) => x.rm_id)).toEqual(['R3', 'R4', 'R2', 'R1', 'R5', UNASSIGNED]);
  });
});
