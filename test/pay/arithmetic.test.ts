/** The pure pay arithmetic of src/pay: budget scaling, deferral parts, clawback, adjustments, closed statements. */
import { describe, expect, it } from 'vitest';
import { computePay, type PayResult } from '../../src/incentive/pay.js';
import { parsePlan } from '../../src/incentive/plan.js';
import { lineDifferences } from '../../src/pay/adjust.js';
import { budgetFen, largestRemainder, scaleToBudget } from '../../src/pay/budget.js';
import { clawbackWanted, takeFromDeferred, type OpenPart } from '../../src/pay/clawback.js';
import { addMonths, deferredFen, splitDeferral } from '../../src/pay/deferral.js';
import { composeClosedStatement } from '../../src/pay/statement.js';

const pay = (rm_id: string, base: number, variable: number): PayResult => ({
  rm_id, base_fen: base, variable_fen: variable, total_fen: base + variable, attainment: {}, warnings: [],
  lines: [
    { kind: 'base', metric: 'base_salary', actual: null, target: null, attainment: null, rule: '', amount_fen: base },
    { kind: 'pricing', metric: 'deposit_adb', actual: null, target: null, attainment: null, rule: '', amount_fen: variable },
  ],
});
const sumLines = (p: { lines: { amount_fen: number }[] }) => p.lines.reduce((s, l) => s + l.amount_fen, 0);

describe('budget scaling', () => {
  it('three RMs scaled to a budget: largest remainder, lines add up to the fen', () => {
    // Variable pay 1,000.00 + 2,000.00 + 3,000.01 = 6,000.01 CNY = 600,001 fen; budget 5,000.00/month, a 1-month period.
    const pays = [pay('A', 100000, 100000), pay('B', 100000, 200000), pay('C', 100000, 300001)];
    const out = scaleToBudget(pays, { variable: 5000, per: 'month' }, 1);
    expect(out.budget_fen).toBe(500000);
    expect(out.before_fen).toBe(600001);
    expect(out.factor).toBeCloseTo(500000 / 600001, 12);
    // Exact shares: A 100000 × 500000 / 600001 = 83333.19… (floor 83333, rem .19…)
    //               B 200000 × 500000 / 600001 = 166666.38… (floor 166666, rem .38…)
    //               C 300001 × 500000 / 600001 = 250000.41… (floor 250000, rem .41…)
    // Floors add to 499999: the one fen left goes to the largest remainder, C.
    expect(pays.map((p) => p.variable_fen)).toEqual([83333, 166666, 250001]);
    expect(pays.reduce((s, p) => s + p.variable_fen, 0)).toBe(500000);
    for (const p of pays) {
      expect(sumLines(p)).toBe(p.total_fen);
      expect(p.lines.at(-1)!.kind).toBe('budget');
    }
    // A's budget line: 83,333 − 100,000 = −16,667 fen.
    expect(pays[0].lines.at(-1)!.amount_fen).toBe(-16667);
    expect(pays[0].lines.at(-1)!.rule).toContain('factor 0.833332');
  });

  it('a quarterly budget in a month: one third; ties go in RM id order', () => {
    expect(budgetFen({ variable: 1200000, per: 'quarter' }, 1)).toBe(40000000); // 1,200,000 × 1/3 = 400,000.00
    // 1 fen among three equal weights: floors 0, remainders equal, the first id gets it.
    expect([...largestRemainder([{ id: 'b', fen: 5 }, { id: 'a', fen: 5 }, { id: 'c', fen: 5 }], 1)]).toEqual([['b', 0], ['a', 1], ['c', 0]]);
  });

  it('no variable pay: nothing scaled, factor null', () => {
    const pays = [pay('A', 100000, 0)];
    expect(scaleToBudget(pays, { variable: 100, per: 'month' }, 1).factor).toBeNull();
    expect(pays[0].lines).toHaveLength(2);
  });

  it('plan with budget through computePay: every line still sums to the total', () => {
    const plan = parsePlan(`budget: { variable: 1000, per: month }
personal:
  pricing: [{ metric: deposit_adb, price: 1, per_units: 1, per: month }]`, 'p.yaml');
    const mk = (id: string, adb: number) => computePay(plan, { rm_id: id, name: id, rm_type: 'personal', base_salary_fen: 0, months: 1, metrics: { deposit_adb: adb }, targets: {} });
    // 1 CNY per CNY of ADB: 333.33 + 666.67 + 1.00 = 1,001.00 CNY → budget 1,000.00
    const pays = [mk('X', 33333), mk('Y', 66667), mk('Z', 100)];
    scaleToBudget(pays, plan.budget!, 1);
    // X 33333 × 100000 / 100100 = 33299.70… Y 66667 × 100000 / 100100 = 66600.39… Z 100 × 100000 / 100100 = 99.90…
    // floors 33299 + 66600 + 99 = 99998: two fen to the largest remainders, Z (.90) and X (.70).
    expect(pays.map((p) => p.variable_fen)).toEqual([33300, 66600, 100]);
    for (const p of pays) expect(sumLines(p)).toBe(p.total_fen);
  });
});

describe('deferral', () => {
  it('40% of 2,500.00 over 3 years: 333.34 + 333.33 + 333.33, on the anniversaries', () => {
    const d = deferredFen(250000, { share: 0.4, years: 3 });
    expect(d).toBe(100000); // 2,500.00 × 40% = 1,000.00
    // 100000 / 3 = 33333 rem 1: the first part gets the remainder fen.
    expect(splitDeferral(d, 3, '2026-01-31')).toEqual([
      { part: 1, parts: 3, release_on: '2027-01-31', amount_fen: 33334 },
      { part: 2, parts: 3, release_on: '2028-01-31', amount_fen: 33333 },
      { part: 3, parts: 3, release_on: '2029-01-31', amount_fen: 33333 },
    ]);
    // 2 fen over 3 parts: 1, 1, 0.
    expect(splitDeferral(2, 3, '2026-12-31').map((p) => p.amount_fen)).toEqual([1, 1, 0]);
  });

  it('anniversaries of month ends stay in the month; leap days fall back', () => {
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 36)).toBe('2029-01-31');
    expect(addMonths('2026-11-30', 2)).toBe('2027-01-30');
  });
});

describe('clawback', () => {
  const parts = (): OpenPart[] => [
    { entry_id: 2, rm_id: 'R', origin_period: '2026-01', release_on: '2028-01-31', remaining_fen: 33333 },
    { entry_id: 3, rm_id: 'R', origin_period: '2026-01', release_on: '2029-01-31', remaining_fen: 33333 },
  ];
  it('takes the earliest release first', () => {
    const p = parts();
    // 1% × 500,000.00 would be 5,000.00; here 0.1% × 500,000.00 = 500.00 = 50,000 fen: 333.33 from part 2, 166.67 from part 3.
    const want = clawbackWanted(50000000, 0.001);
    expect(want).toBe(50000);
    expect(takeFromDeferred(want, p)).toEqual([{ entry_id: 2, amount_fen: 33333 }, { entry_id: 3, amount_fen: 16667 }]);
    expect(p.map((x) => x.remaining_fen)).toEqual([0, 16666]);
  });
  it('never below zero: more wanted than unreleased takes what is there', () => {
    const p = parts();
    const taken = takeFromDeferred(clawbackWanted(50000000, 0.01), p); // 5,000.00 wanted, 666.66 there
    expect(taken.reduce((s, t) => s + t.amount_fen, 0)).toBe(66666);
    expect(p.every((x) => x.remaining_fen === 0)).toBe(true);
  });
});

describe('prior-period adjustments', () => {
  it('recomputed − frozen − adjusted since, per line item; zero differences dropped', () => {
    const L = (kind: 'base' | 'pricing', metric: string, amount_fen: number) => ({ kind, metric, amount_fen });
    const frozen = [L('base', 'base_salary', 1000000), L('pricing', 'deposit_adb', 250000)];
    const now = [L('base', 'base_salary', 1000000), L('pricing', 'deposit_adb', 265000)];
    // 2,650.00 − 2,500.00 = +150.00
    expect(lineDifferences(frozen, now)).toEqual([{ item: 'pricing:deposit_adb', frozen_fen: 250000, recomputed_fen: 265000, adjusted_fen: 0, amount_fen: 15000 }]);
    // Once paid, the same difference is not paid again.
    expect(lineDifferences(frozen, now, new Map([['pricing:deposit_adb', 15000]]))).toEqual([]);
  });
});

describe('closed statement', () => {
  it('adjustment, deferral, release and clawback lines add up to paid now', () => {
    const s = composeClosedStatement({
      computed: pay('R', 1000000, 250000),
      adjustments: [{ origin_period: '2026-01', item: 'pricing:deposit_adb', frozen_fen: 250000, recomputed_fen: 265000, adjusted_fen: 0, amount_fen: 15000 }],
      releases: [{ origin_period: '2026-01', part: 1, parts: 3, release_on: '2027-01-31', deferred_fen: 33334, clawed_fen: 0, amount_fen: 33334 }],
      clawbacks: [{ origin_period: '2026-01', account_id: 'L1', found_on: '2027-03-10', loan_class: 'substandard', balance_fen: 50000000, rate: 0.01, wanted_fen: 500000, taken_fen: 66666, unreleased_fen: 66666 }],
      deferral: { spec: { share: 0.4, years: 3 }, amount_fen: 100000, parts: splitDeferral(100000, 3, '2027-03-31') },
    });
    // 10,000.00 + 2,500.00 + 150.00 − 1,000.00 + 333.34 = 11,983.34
    expect(s.paid_fen).toBe(1000000 + 250000 + 15000 - 100000 + 33334);
    expect(s.paid_fen).toBe(1198334);
    expect(sumLines(s)).toBe(s.paid_fen);
    expect(s).toMatchObject({ adjustments_fen: 15000, deferred_fen: 100000, released_fen: 33334, clawed_back_fen: 66666 });
    const claw = s.lines.find((l) => l.kind === 'clawback')!;
    expect(claw).toMatchObject({ metric: 'L1', origin: '2026-01', amount_fen: 0 });
    expect(claw.rule).toContain('666.66 CNY taken from unreleased deferred pay');
    expect(claw.rule).toContain('4,333.34 not recovered (never below zero)');
  });
});
