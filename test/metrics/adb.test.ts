/**
 * ADB sums are exact: each ADB is added as its fen-days and the sum divided once. The case: five
 * ADBs over 10 days whose fen-days add up to 10,356,702,371,545, so the sum is exactly
 * 1,035,670,237,154.5 fen (shown 10,356,702,371.55 CNY, half away from zero); the ADBs themselves,
 * added in this order, come to 1,035,670,237,154.4999 and would be shown a fen short.
 */
import { describe, expect, it } from 'vitest';
import { adbDifference, adbSum, FenDaysSums, fenDaysOf } from '../../src/metrics/adb.js';
import { adbByKey } from '../../src/metrics/rm.js';
import { summarizeColumns } from '../../src/segment/summary.js';
import { migrateByPosition } from '../../src/segment/migration.js';
import { coverage } from '../../src/watch/coverage.js';
import { DEFAULT_TIERS } from '../../src/segment/tiers.js';
import { defaultRules } from '../../src/watch/rules.js';
import { formatMoney } from '../../src/output/format.js';
import { totalRow } from '../../src/rm/report.js';

const DAYS = 10;
const FEN_DAYS = [30746636062, 63809999862, 271225934438, 9782585460121, 208334341062];
// 30,746,636,062 + 63,809,999,862 + 271,225,934,438 + 9,782,585,460,121 + 208,334,341,062 = 10,356,702,371,545
const EXACT = 10356702371545 / DAYS; // 1,035,670,237,154.5 fen
const ADBS = FEN_DAYS.map((fd) => fd / DAYS);

describe('ADB sums', () => {
  it('the case: added as they are, the ADBs fall short of the half fen; their fen-days do not', () => {
    expect(FEN_DAYS.reduce((s, x) => s + x, 0)).toBe(10356702371545);
    expect(EXACT).toBe(1035670237154.5);
    const naive = ADBS.reduce((s, x) => s + x, 0);
    expect(naive).toBeLessThan(EXACT);
    expect(formatMoney(naive)).toBe('10,356,702,371.54');
    expect(formatMoney(EXACT)).toBe('10,356,702,371.55');
    expect(ADBS.map((a) => fenDaysOf(a, DAYS))).toEqual(FEN_DAYS);
  });

  it('adbSum and adbDifference work in fen-days', () => {
    expect(adbSum(ADBS, DAYS)).toBe(EXACT);
    expect(adbSum([], DAYS)).toBe(0);
    // A growth: 3 fen-days − 1 fen-day over 10 days = 0.2 fen; 0.3 − 0.1 in floating point is 0.19999999999999998.
    expect(0.3 - 0.1).not.toBe(0.2);
    expect(adbDifference(0.3, 0.1, 10)).toBe(0.2);
    expect(adbDifference(0.1, 0.3, 10)).toBe(-0.2);
  });

  it('FenDaysSums stays exact past 2^53 fen-days (a city\'s total over a quarter)', () => {
    // 9,007,199,254,740,991 (2^53 − 1) + 2 + 57 = 9,007,199,254,741,050 fen-days; ÷ 100 days = 90,071,992,547,410.5 fen,
    // shown 900,719,925,474.11 CNY. Added as doubles the sum is 9,007,199,254,741,048 (2^53 + 2 + 57 rounds to an even
    // neighbour): 90,071,992,547,410.48 fen, shown a fen short.
    const terms = [2 ** 53 - 1, 2, 57];
    const naive = terms.reduce((s, x) => s + x, 0);
    expect(naive).toBe(9007199254741048);
    expect(formatMoney(naive / 100)).toBe('900,719,925,474.10');
    const sums = new FenDaysSums(2);
    for (const t of terms) sums.add(1, t);
    expect(sums.adb(1, 100)).toBe(90071992547410.5);
    expect(formatMoney(sums.adb(1, 100))).toBe('900,719,925,474.11');
    expect(sums.adb(0, 100)).toBe(0);
    // Negative fen-days (overdrafts) divide the same way: −15 ÷ 10 = −1.5.
    const neg = new FenDaysSums(1);
    neg.add(0, -20);
    neg.add(0, 5);
    expect(neg.adb(0, 10)).toBe(-1.5);
  });

  it('rm-report: an RM\'s loan ADB from its credit rows', () => {
    const rows = FEN_DAYS.map((fen_days) => ({ rm_id: 'RM1', branch: null, product_type: 'loan' as const, loan_class: 'normal', fen_days }));
    expect(adbByKey(rows, DAYS, (p) => p === 'loan').get('RM1')).toBe(EXACT);
    expect(adbByKey(rows, DAYS, (p) => p === 'wealth').get('RM1')).toBeUndefined();
  });

  it('rm-report: the total row\'s ADBs over the RMs\' rows', () => {
    const rows = ADBS.map((adb, i) => ({ rm_id: `RM${i}`, deposit_adb: adb, aum_adb: adb, loan_adb: adb, fee_income: 1 }));
    const total = totalRow({ period: { from: '2026-09-01', to: '2026-09-10' } } as Parameters<typeof totalRow>[0], null, rows, null, DAYS);
    expect([total.deposit_adb, total.aum_adb, total.loan_adb]).toEqual([EXACT, EXACT, EXACT]);
    expect(total.fee_income).toBe(5); // other columns as they are: 5 × 1 fen
  });

  it('segment summary: a tier\'s AUM, deposit and loan ADB, and its average', () => {
    const n = ADBS.length;
    const zeros = new Float64Array(n);
    const cols = { aum_adb: ADBS, deposit_adb: ADBS, loan_adb: ADBS, contribution: zeros, fee_income: zeros, txn_counter: zeros, txn_self_service: zeros, txn_e_banking: zeros, dormant: zeros };
    const [exact] = summarizeColumns([0, 1, 2, 3, 4], [0, 0, 0, 0, 0], { ...cols, days: DAYS }, ['mass']);
    expect([exact.total.aum_adb, exact.total.deposit_adb, exact.total.loan_adb]).toEqual([EXACT, EXACT, EXACT]);
    expect(exact.rows[0].aum_avg).toBe(EXACT / 5);
    // Without the window's days: the ADBs added as they are.
    const [plain] = summarizeColumns([0, 1, 2, 3, 4], [0, 0, 0, 0, 0], cols, ['mass']);
    expect(plain.total.aum_adb).toBeLessThan(EXACT);
  });

  it('coverage: an RM\'s AUM ADB, per tier and of its valuable customers', () => {
    const customers = ADBS.map((aum_adb, i) => ({ customer_id: `C${i}`, customer_type: 'personal' as const, branch: 'B', rm_id: 'P', tier: 'private', aum_adb }));
    const c = coverage(customers, [{ rm_id: 'P', name: 'p', rm_type: 'personal', branch: 'B' }], DEFAULT_TIERS, defaultRules(), DAYS);
    expect([c.rms[0].aum_adb, c.rms[0].valuable_aum_adb, c.rms[0].tiers.private.aum_adb]).toEqual([EXACT, EXACT, EXACT]);
  });

  it('migration: a cell\'s AUM, date 1\'s for the gone and date 2\'s for the others, each over its own days', () => {
    const five = [0, 1, 2, 3, 4];
    // Date 1 over 4 days: the customers gone by date 2 hold fen-days 4 + 6 = 10 → 2.5 fen.
    const r = migrateByPosition(['lo'], { pos: [5, 6], tier: [0, 0], aum: [1, 1.5], days: 4 }, { pos: five, tier: [0, 0, 0, 0, 0], aum: ADBS, days: DAYS });
    expect(r.aum_fen[0][0]).toBe(EXACT); // new at date 2, in tier lo
    expect(r.aum_fen[1][1]).toBe(2.5); // lo → gone
  });
});
