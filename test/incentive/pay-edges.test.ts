/**
 * The edges of the pay rules and the statement text an RM reads: every rule text below is
 * written out by hand from the plan and the inputs, with the arithmetic beside it.
 */
import { describe, expect, it } from 'vitest';
import { dataError } from '../helpers.js';
import { parsePlan } from '../../src/incentive/plan.js';
import { computePay as computePayOf, curveValue, fmtFen, type PayResult, type RmPayInput } from '../../src/incentive/pay.js';

/**
 * What the RM reads under --lang zh: every rule text this file computes, with its Chinese twin
 * written out (the same numbers, the ZH word set of pay.ts). computePay below checks each line.
 */
const RULE_ZH: Record<string, string> = {
  'base salary 0.00 CNY/month × 3 months, rounded to fen':
    '基本工资 0.00 元/月 × 3 个月，四舍五入到分',
  'base salary 1,000.00 CNY/month × 1.2345 months, rounded to fen':
    '基本工资 1,000.00 元/月 × 1.2345 个月，四舍五入到分',
  '0.05 on 0.00–10,000.00 (marginal) of 10,000.00 = 500.00 CNY, rounded to fen':
    '10,000.00 按 0.00–10,000.00 部分 × 0.05（分段累进） = 500.00 元，四舍五入到分',
  '0.05 on 0.00–10,000.00 + 0.07 on 10,000.00–25,000.00 + 0.1 on 25,000.00+ (marginal) of 30,000.00 = 2,050.00 CNY, rounded to fen':
    '30,000.00 按 0.00–10,000.00 部分 × 0.05 + 10,000.00–25,000.00 部分 × 0.07 + 25,000.00+ 部分 × 0.1（分段累进） = 2,050.00 元，四舍五入到分',
  '30,000.00 in band 25,000.00+ at 0.1 (flat) = 3,000.00 CNY, rounded to fen':
    '30,000.00 在 25,000.00+ 档，× 0.1（全额） = 3,000.00 元，四舍五入到分',
  'Fee income 0.00 ≤ 0 pays 0 = 0.00 CNY, rounded to fen':
    '中间业务收入 0.00 ≤ 0，计 0 = 0.00 元，四舍五入到分',
  'Fee income -100.00 ≤ 0 pays 0 = 0.00 CNY, rounded to fen':
    '中间业务收入 -100.00 ≤ 0，计 0 = 0.00 元，四舍五入到分',
  '12 in band 10+ at 150 CNY per unit (flat) = 1,800.00 CNY, rounded to fen':
    '12 在 10+ 档，× 150 元/单位（全额） = 1,800.00 元，四舍五入到分',
  '100 CNY per unit on 0–10 + 150 CNY per unit on 10+ (marginal) of 12 = 1,300.00 CNY, rounded to fen':
    '12 按 0–10 部分 × 100 元/单位 + 10+ 部分 × 150 元/单位（分段累进） = 1,300.00 元，四舍五入到分',
  '35.00 CNY per 10,000 per year of Deposit ADB above floor 1,000,000.00 (3,500,000.00 − 1,000,000.00 = 2,500,000.00): 250 units × 3/12 = 2,187.50 CNY, rounded to fen':
    '存款日均每 10,000 每年 35.00 元，超过起点 1,000,000.00 的部分（3,500,000.00 − 1,000,000.00 = 2,500,000.00）：250 单位 × 3/12 = 2,187.50 元，四舍五入到分',
  'base salary 0.00 CNY/month × 1 months, rounded to fen':
    '基本工资 0.00 元/月 × 1 个月，四舍五入到分',
  '35.00 CNY per 10,000 per quarter of Deposit ADB (3,500,000.00): 350 units × 1/3 = 4,083.33 CNY, rounded to fen':
    '存款日均每 10,000 每季 35.00 元 (3,500,000.00)：350 单位 × 1/3 = 4,083.33 元，四舍五入到分',
  'base salary 0.00 CNY/month × 5 months, rounded to fen':
    '基本工资 0.00 元/月 × 5 个月，四舍五入到分',
  '200.00 CNY per 1 of New customers above floor 2 (7 − 2 = 5): 5 units (per period) = 1,000.00 CNY, rounded to fen':
    '新增客户每 1 200.00 元，超过起点 2 的部分（7 − 2 = 5）：5 单位（每期） = 1,000.00 元，四舍五入到分',
  '200.00 CNY per 1 of New customers (0): 0 units (per period) = 0.00 CNY, rounded to fen':
    '新增客户每 1 200.00 元 (0)：0 单位（每期） = 0.00 元，四舍五入到分',
  '200.00 CNY per 1 of New customers (3): 3 units (per period) = 600.00 CNY, rounded to fen':
    '新增客户每 1 200.00 元 (3)：3 单位（每期） = 600.00 元，四舍五入到分',
  'target 0 is not above 0: pays 0':
    '目标 0 不大于 0：计 0',
  'target -10 is not above 0: pays 0':
    '目标 -10 不大于 0：计 0',
  'target NaN is not above 0: pays 0':
    '目标 NaN 不大于 0：计 0',
  'no target: pays 0':
    '无目标：计 0',
  'attainment 100.00%; band 0%+ at 1× (marginal) → factor 1.0000 × weight 100% × target bonus 6,000.00 CNY/half × 3/6 = 3,000.00 CNY, rounded to fen':
    '达成率 100.00%；0%+ 档 1×（分段累进） → 系数 1.0000 × 权重 100% × 目标奖金 6,000.00 元/半年 × 3/6 = 3,000.00 元，四舍五入到分',
  'attainment 100.00%; band 0%+ at 1× (marginal) → factor 1.0000 × weight 100% × target bonus 1,000.00 CNY/month × 3/1 = 3,000.00 CNY, rounded to fen':
    '达成率 100.00%；0%+ 档 1×（分段累进） → 系数 1.0000 × 权重 100% × 目标奖金 1,000.00 元/月 × 3/1 = 3,000.00 元，四舍五入到分',
  'attainment 110.00%; band 0%+ at 1× (marginal) → factor 1.1000 × weight 100% × target bonus 10,000.00 CNY per period = 11,000.00 CNY, rounded to fen':
    '达成率 110.00%；0%+ 档 1×（分段累进） → 系数 1.1000 × 权重 100% × 目标奖金 10,000.00 元/期 = 11,000.00 元，四舍五入到分',
  'attainment 200.00%, capped at 150%; band 0%–100% at 1× + band 100%+ at 1.5× (marginal) → factor 1.7500 × weight 100% × target bonus 9,000.00 CNY/quarter × 1/3 = 5,250.00 CNY, rounded to fen':
    '达成率 200.00%，封顶 150%；0%–100% 档 1× + 100%+ 档 1.5×（分段累进） → 系数 1.7500 × 权重 100% × 目标奖金 9,000.00 元/季 × 1/3 = 5,250.00 元，四舍五入到分',
  'attainment 150.00%; band 0%+ at 1× (marginal) → factor 1.5000 × weight 100% × target bonus 10,000.00 CNY per period = 15,000.00 CNY, rounded to fen':
    '达成率 150.00%；0%+ 档 1×（分段累进） → 系数 1.5000 × 权重 100% × 目标奖金 10,000.00 元/期 = 15,000.00 元，四舍五入到分',
  'base salary 0.00 CNY/month × 6 months, rounded to fen':
    '基本工资 0.00 元/月 × 6 个月，四舍五入到分',
  'attainment 110.00%; 110.00% × 1.2× (band 100%+, flat) → factor 1.3200 × weight 25% × target bonus 120,000.00 CNY/year × 6/12 = 19,800.00 CNY, rounded to fen':
    '达成率 110.00%；110.00% × 1.2×（100%+ 档，全额） → 系数 1.3200 × 权重 25% × 目标奖金 120,000.00 元/年 × 6/12 = 19,800.00 元，四舍五入到分',
  'attainment 0.00%; no band reached → factor 0.0000 × weight 75% × target bonus 120,000.00 CNY/year × 6/12 = 0.00 CNY, rounded to fen':
    '达成率 0.00%；未达任何档 → 系数 0.0000 × 权重 75% × 目标奖金 120,000.00 元/年 × 6/12 = 0.00 元，四舍五入到分',
  'attainment 50.00%: gate 60% not reached; pays 0':
    '达成率 50.00%：未达门槛 60%，计 0',
  'attainment 125.00% (target ÷ actual); band 0%+ at 1× (marginal) → factor 1.2500 × weight 100% × target bonus 10,000.00 CNY per period = 12,500.00 CNY, rounded to fen':
    '达成率 125.00%（目标 ÷ 实际）；0%+ 档 1×（分段累进） → 系数 1.2500 × 权重 100% × 目标奖金 10,000.00 元/期 = 12,500.00 元，四舍五入到分',
  'attainment 150.00% (target ÷ actual); band 0%+ at 1× (marginal) → factor 1.5000 × weight 100% × target bonus 10,000.00 CNY per period = 15,000.00 CNY, rounded to fen':
    '达成率 150.00%（目标 ÷ 实际）；0%+ 档 1×（分段累进） → 系数 1.5000 × 权重 100% × 目标奖金 10,000.00 元/期 = 15,000.00 元，四舍五入到分',
  'attainment 100.00%; band 0%+ at 1× (marginal) → factor 1.0000 × weight 100% × target bonus 10,000.00 CNY per period = 10,000.00 CNY, rounded to fen':
    '达成率 100.00%；0%+ 档 1×（分段累进） → 系数 1.0000 × 权重 100% × 目标奖金 10,000.00 元/期 = 10,000.00 元，四舍五入到分',
  'NPL ratio 1.20% (band 1%–2%) → 5% off variable pay (5% × 10,000.00 CNY), rounded to fen':
    '不良率 1.20%（档位 1%–2%）→ 绩效薪酬扣减 5%（5% × 10,000.00 元），四舍五入到分',
  'NPL ratio 2.50% (band above 2%) → 15% off variable pay (15% × 10,000.00 CNY), rounded to fen':
    '不良率 2.50%（档位 2% 以上）→ 绩效薪酬扣减 15%（15% × 10,000.00 元），四舍五入到分',
  'NPL ratio 1.50% (band 1%–2%) → 5% off variable pay (no positive variable pay to deduct from)':
    '不良率 1.50%（档位 1%–2%）→ 绩效薪酬扣减 5%（无正的绩效薪酬可扣）',
  '1 × -2,000.00 CNY per compliance_breach, rounded to fen':
    '1 × 每次compliance_breach -2,000.00 元，四舍五入到分',
  '2.5 × 1,000.00 CNY per award, rounded to fen':
    '2.5 × 每次award 1,000.00 元，四舍五入到分',
  '5 × -2,000.00 CNY per compliance_breach, rounded to fen':
    '5 × 每次compliance_breach -2,000.00 元，四舍五入到分',
  '6 × -2,000.00 CNY per compliance_breach, rounded to fen':
    '6 × 每次compliance_breach -2,000.00 元，四舍五入到分',
  'variable pay -2,000.00 CNY floored at 0':
    '绩效薪酬 -2,000.00 元，保底为 0',
  'base salary 100.00 CNY/month × 2 months, rounded to fen':
    '基本工资 100.00 元/月 × 2 个月，四舍五入到分',
};

/** computePay, checking that every line's Chinese rule is the one written out above. */
const computePay: typeof computePayOf = (p, rm) => {
  const r = computePayOf(p, rm);
  for (const l of r.lines) expect(l.rule_zh, l.rule).toBe(RULE_ZH[l.rule]);
  return r;
};

const plan = (yaml: string) => parsePlan(yaml, 'plan.yaml');
const CNY = (yuan: number) => Math.round(yuan * 100); // CNY → fen, for readable inputs

function input(over: Partial<RmPayInput>): RmPayInput {
  return { rm_id: 'R001', name: 'Zhang Wei', rm_type: 'personal', base_salary_fen: 0, months: 3, metrics: {}, targets: {}, ...over };
}
const lineOf = (r: PayResult, metric: string) => {
  const l = r.lines.find((x) => x.metric === metric && x.kind !== 'base');
  if (!l) throw new Error(`no line ${metric}`);
  return l;
};

describe('base salary and period length', () => {
  const empty = () => plan('personal:\n  events: { award: 1000 }\n');

  it('a negative base salary or a zero period is a DataError naming the RM', () => {
    expect(dataError(() => computePay(empty(), input({ name: '', base_salary_fen: -1 }))))
      .toBe('RM R001: base salary must be a number ≥ 0, got -1');
    expect(dataError(() => computePay(empty(), input({ months: 0 }))))
      .toBe('RM R001 (Zhang Wei): period length must be above 0 months, got 0');
    expect(dataError(() => computePay(empty(), input({ months: -1 }))))
      .toBe('RM R001 (Zhang Wei): period length must be above 0 months, got -1');
  });

  it('a base salary of 0 is allowed; the base line shows months to 4 decimals', () => {
    expect(computePay(empty(), input({ base_salary_fen: 0 })).total_fen).toBe(0);
    const r = computePay(empty(), input({ base_salary_fen: CNY(1000), months: 1.2345 }));
    // 1,000.00 CNY × 1.2345 months = 1,234.50 CNY = 123,450 fen
    // The Chinese text the RM reads under --lang zh says the same: salary × months, rounded to the fen.
    expect(r.lines[0]!.rule_zh).toBe('基本工资 1,000.00 元/月 × 1.2345 个月，四舍五入到分');
    expect(r.lines).toMatchObject([{
      kind: 'base', metric: 'base_salary', actual: null, target: null, attainment: null, amount_fen: 123_450,
      rule: 'base salary 1,000.00 CNY/month × 1.2345 months, rounded to fen',
    }]);
    expect(r.warnings).toEqual([]);
  });

  it('fmtFen shows two decimals with thousands separators', () => {
    // 2,000,000 fen = 20,000.00 CNY; 5 fen = 0.05 CNY
    expect(fmtFen(2_000_000)).toBe('20,000.00');
    expect(fmtFen(5)).toBe('0.05');
    expect(fmtFen(-400_000)).toBe('-4,000.00');
  });
});

describe('commission lines', () => {
  const fee = (method: string) => plan(`personal:
  commissions:
    - metric: fee_income
      curve: { method: ${method}, bands: [ { to: 10000, rate: 5% }, { to: 25000, rate: 7% }, { rate: 10% } ] }
`);
  const count = (method: string) => plan(`personal:
  commissions:
    - metric: new_customers
      curve: { method: ${method}, bands: [ { to: 10, rate: 100 }, { rate: 150 } ] }
`);
  const commission = (p: ReturnType<typeof plan>, metrics: Record<string, number>) => lineOf(computePay(p, input({ metrics })), Object.keys(metrics)[0]);

  it('marginal at exactly a band edge stops at that band (no empty next band)', () => {
    // 10,000 × 5% = 500 CNY; the 10,000–25,000 band has no overlap and is not shown
    expect(commission(fee('marginal'), { fee_income: CNY(10_000) })).toMatchObject({
      kind: 'commission', metric: 'fee_income', actual: 10_000, target: null, attainment: null, amount_fen: 50_000,
      rule: '0.05 on 0.00–10,000.00 (marginal) of 10,000.00 = 500.00 CNY, rounded to fen',
    });
  });

  it('marginal over three bands lists each band', () => {
    // 10,000 × 5% + 15,000 × 7% + 5,000 × 10% = 500 + 1,050 + 500 = 2,050 CNY
    expect(commission(fee('marginal'), { fee_income: CNY(30_000) }).rule)
      .toBe('0.05 on 0.00–10,000.00 + 0.07 on 10,000.00–25,000.00 + 0.1 on 25,000.00+ (marginal) of 30,000.00 = 2,050.00 CNY, rounded to fen');
  });

  it('flat names the one band reached', () => {
    // 30,000 × 10% = 3,000 CNY
    expect(commission(fee('flat'), { fee_income: CNY(30_000) })).toMatchObject({
      amount_fen: 300_000, rule: '30,000.00 in band 25,000.00+ at 0.1 (flat) = 3,000.00 CNY, rounded to fen',
    });
  });

  it('flat with an actual of 0 or below pays 0 and says so', () => {
    for (const method of ['flat', 'marginal']) {
      expect(commission(fee(method), { fee_income: 0 })).toMatchObject({
        amount_fen: 0, actual: 0, rule: 'Fee income 0.00 ≤ 0 pays 0 = 0.00 CNY, rounded to fen',
      });
      // −100 CNY is below every band: 0
      expect(commission(fee(method), { fee_income: CNY(-100) })).toMatchObject({
        amount_fen: 0, actual: -100, rule: 'Fee income -100.00 ≤ 0 pays 0 = 0.00 CNY, rounded to fen',
      });
    }
  });

  it('a count metric is shown plainly, priced in CNY per unit', () => {
    // flat: 12 is in 10+: 12 × 150 = 1,800 CNY
    expect(commission(count('flat'), { new_customers: 12 })).toMatchObject({
      kind: 'commission', metric: 'new_customers', actual: 12, target: null, attainment: null, amount_fen: 180_000,
      rule: '12 in band 10+ at 150 CNY per unit (flat) = 1,800.00 CNY, rounded to fen',
    });
    // marginal: 10 × 100 + 2 × 150 = 1,300 CNY
    expect(commission(count('marginal'), { new_customers: 12 })).toMatchObject({
      amount_fen: 130_000, rule: '100 CNY per unit on 0–10 + 150 CNY per unit on 10+ (marginal) of 12 = 1,300.00 CNY, rounded to fen',
    });
  });

  it('curveValue: a flat curve at x ≤ 0 has no part; at a band start the band is the one starting there', () => {
    const flat = { method: 'flat' as const, bands: [{ from: 0, to: 10, rate: 1 }, { from: 10, to: null, rate: 2 }] };
    expect(curveValue(flat, 0)).toEqual({ value: 0, parts: [] });
    expect(curveValue(flat, -5)).toEqual({ value: 0, parts: [] });
    // 10 × 2 = 20, the whole 10 in the band 10+
    expect(curveValue(flat, 10)).toEqual({ value: 20, parts: [{ band: flat.bands[1], amount: 10 }] });
  });
});

describe('pricing lines', () => {
  it('with a floor: what is above it, in units, pro-rated', () => {
    const p = plan('personal:\n  pricing: [ { metric: deposit_adb, price: 35, per_units: 10000, per: year, floor: 1000000 } ]\n');
    const r = computePay(p, input({ months: 3, metrics: { deposit_adb: CNY(3_500_000) } }));
    // (3,500,000 − 1,000,000) / 10,000 = 250 units × 35 CNY × 3/12 = 2,187.50 CNY
    expect(lineOf(r, 'deposit_adb')).toMatchObject({
      kind: 'pricing', metric: 'deposit_adb', actual: 3_500_000, target: null, attainment: null, amount_fen: 218_750,
      rule: '35.00 CNY per 10,000 per year of Deposit ADB above floor 1,000,000.00 (3,500,000.00 − 1,000,000.00 = 2,500,000.00): 250 units × 3/12 = 2,187.50 CNY, rounded to fen',
    });
  });

  it('without a floor: the actual alone', () => {
    const p = plan('personal:\n  pricing: [ { metric: deposit_adb, price: 35, per_units: 10000, per: quarter } ]\n');
    // 3,500,000 / 10,000 = 350 units × 35 CNY × 1/3 = 4,083.333… CNY → 408,333 fen
    expect(lineOf(computePay(p, input({ months: 1, metrics: { deposit_adb: CNY(3_500_000) } })), 'deposit_adb')).toMatchObject({
      amount_fen: 408_333, rule: '35.00 CNY per 10,000 per quarter of Deposit ADB (3,500,000.00): 350 units × 1/3 = 4,083.33 CNY, rounded to fen',
    });
  });

  it('per period: not pro-rated, and a count metric shown plainly', () => {
    const p = plan('personal:\n  pricing: [ { metric: new_customers, price: 200, per: period, floor: 2 } ]\n');
    // (7 − 2) = 5 units × 200 CNY = 1,000 CNY, whatever the months
    expect(lineOf(computePay(p, input({ months: 5, metrics: { new_customers: 7 } })), 'new_customers')).toMatchObject({
      amount_fen: 100_000, rule: '200.00 CNY per 1 of New customers above floor 2 (7 − 2 = 5): 5 units (per period) = 1,000.00 CNY, rounded to fen',
    });
  });
});

describe('missing or unusable metric values', () => {
  const p = () => plan('personal:\n  pricing: [ { metric: new_customers, price: 200, per: period } ]\n');

  it('null, NaN or absent count as 0 with a warning', () => {
    for (const v of [null, Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
      const metrics: Record<string, number> = v === undefined ? {} : { new_customers: v as number };
      const r = computePay(p(), input({ metrics }));
      expect(lineOf(r, 'new_customers')).toMatchObject({ actual: 0, amount_fen: 0 });
      expect(r.warnings).toEqual(['RM R001 (Zhang Wei): no value for metric new_customers; counted as 0']);
    }
  });

  it('a present value gives no warning', () => {
    // 3 × 200 = 600 CNY
    const r = computePay(p(), input({ metrics: { new_customers: 3 } }));
    expect(r.total_fen).toBe(60_000);
    expect(r.warnings).toEqual([]);
  });
});

describe('KPI lines', () => {
  const single = (extra = '', bonus = '{ amount: 10000, per: period }') => plan(`personal:
  target_bonus: ${bonus}
  kpis: [ { metric: deposit_adb, weight: 100${extra} } ]
`);
  const kpi = (p: ReturnType<typeof plan>, actualCny: number, target: number | null, months = 3) =>
    computePay(p, input({ months, metrics: { deposit_adb: CNY(actualCny) }, targets: target === null ? {} : { deposit_adb: target } }));

  it('a bonus per half-year or per month is pro-rated to the 3 months and named so in both languages', () => {
    // 6,000 per half × 3/6 = 3,000 CNY; 1,000 per month × 3/1 = 3,000 CNY; attainment 100% at 1× and weight 100%.
    expect(lineOf(kpi(single('', '{ amount: 6000, per: half }'), 10_000, 10_000), 'deposit_adb')).toMatchObject({ amount_fen: 300_000 });
    expect(lineOf(kpi(single('', '{ amount: 1000, per: month }'), 10_000, 10_000), 'deposit_adb')).toMatchObject({ amount_fen: 300_000 });
  });

  it('a target of exactly 0 pays 0 with a warning (not an infinite attainment)', () => {
    const r = kpi(single(), 5_000, 0);
    expect(lineOf(r, 'deposit_adb')).toMatchObject({
      kind: 'kpi', metric: 'deposit_adb', actual: 5_000, target: 0, attainment: null, amount_fen: 0,
      rule: 'target 0 is not above 0: pays 0',
    });
    expect(r.warnings).toEqual(['RM R001 (Zhang Wei): target 0 is not above 0 for KPI deposit_adb; it pays 0']);
    expect(r.attainment).toEqual({ deposit_adb: null });
    expect(r.total_fen).toBe(0);
  });

  it('a negative, NaN or null target pays 0 and is named', () => {
    expect(lineOf(kpi(single(), 5_000, -10), 'deposit_adb')).toMatchObject({ amount_fen: 0, rule: 'target -10 is not above 0: pays 0' });
    expect(lineOf(kpi(single(), 5_000, Number.NaN), 'deposit_adb')).toMatchObject({ amount_fen: 0, rule: 'target NaN is not above 0: pays 0' });
    const r = computePay(single(), input({ metrics: { deposit_adb: CNY(5_000) }, targets: { deposit_adb: null as unknown as number } }));
    expect(lineOf(r, 'deposit_adb')).toMatchObject({ amount_fen: 0, target: null, rule: 'no target: pays 0' });
    expect(r.warnings).toEqual(['RM R001 (Zhang Wei): no target for KPI deposit_adb; it pays 0']);
  });

  it('uncapped marginal line: attainment, factor, weight and bonus', () => {
    // 11,000 / 10,000 = 110%; linear 1.0× → factor 1.1; 10,000 × 100% × 1.1 = 11,000 CNY
    expect(lineOf(kpi(single(), 11_000, 10_000), 'deposit_adb')).toMatchObject({
      kind: 'kpi', metric: 'deposit_adb', actual: 11_000, target: 10_000, attainment: 1.1, amount_fen: 1_100_000,
      rule: 'attainment 110.00%; band 0%+ at 1× (marginal) → factor 1.1000 × weight 100% × target bonus 10,000.00 CNY per period = 11,000.00 CNY, rounded to fen',
    });
  });

  it('capped marginal line over two bands, bonus per quarter pro-rated', () => {
    const p = single(', cap: 150, curve: { method: marginal, bands: [ { to: 100, rate: 1 }, { rate: 1.5 } ] }', '{ amount: 9000, per: quarter }');
    // 20,000 / 10,000 = 200%, capped at 150%: 1.0 × 1 + 0.5 × 1.5 = 1.75;
    // bonus 9,000/quarter × 1/3 = 3,000; 3,000 × 100% × 1.75 = 5,250 CNY
    expect(lineOf(kpi(p, 20_000, 10_000, 1), 'deposit_adb')).toMatchObject({
      attainment: 2, amount_fen: 525_000,
      rule: 'attainment 200.00%, capped at 150%; band 0%–100% at 1× + band 100%+ at 1.5× (marginal) → factor 1.7500 × weight 100% × target bonus 9,000.00 CNY/quarter × 1/3 = 5,250.00 CNY, rounded to fen',
    });
  });

  it('attainment exactly at the cap is not shown as capped', () => {
    const p = single(', cap: 150');
    // 15,000 / 10,000 = 150% = the cap: factor 1.5 → 15,000 CNY
    expect(lineOf(kpi(p, 15_000, 10_000), 'deposit_adb')).toMatchObject({
      amount_fen: 1_500_000,
      rule: 'attainment 150.00%; band 0%+ at 1× (marginal) → factor 1.5000 × weight 100% × target bonus 10,000.00 CNY per period = 15,000.00 CNY, rounded to fen',
    });
  });

  it('flat line, with weight and bonus per year', () => {
    const p = plan(`personal:
  target_bonus: { amount: 120000, per: year }
  kpis:
    - { metric: deposit_adb, weight: 25, curve: { method: flat, bands: [ { to: 100, rate: 1 }, { rate: 1.2 } ] } }
    - { metric: fee_income, weight: 75 }
`);
    const r = computePay(p, input({ months: 6, metrics: { deposit_adb: CNY(11_000), fee_income: 0 }, targets: { deposit_adb: 10_000, fee_income: 100 } }));
    // 110% in band 100%+ at 1.2: factor 1.32; bonus 120,000 × 6/12 = 60,000; × 25% × 1.32 = 19,800 CNY
    expect(lineOf(r, 'deposit_adb')).toMatchObject({
      amount_fen: 1_980_000,
      rule: 'attainment 110.00%; 110.00% × 1.2× (band 100%+, flat) → factor 1.3200 × weight 25% × target bonus 120,000.00 CNY/year × 6/12 = 19,800.00 CNY, rounded to fen',
    });
    // fee_income 0 of 100: attainment 0, no band reached → 0
    expect(lineOf(r, 'fee_income')).toMatchObject({
      amount_fen: 0, attainment: 0,
      rule: 'attainment 0.00%; no band reached → factor 0.0000 × weight 75% × target bonus 120,000.00 CNY/year × 6/12 = 0.00 CNY, rounded to fen',
    });
  });

  it('below the gate: the line says so', () => {
    // 5,000 / 10,000 = 50% < gate 60% → 0
    expect(lineOf(kpi(single(', gate: 60'), 5_000, 10_000), 'deposit_adb')).toMatchObject({
      amount_fen: 0, attainment: 0.5, rule: 'attainment 50.00%: gate 60% not reached; pays 0',
    });
  });

  it('lower_is_better: target ÷ actual; an actual of exactly 0 counts as the cap', () => {
    const p = plan(`personal:
  target_bonus: { amount: 10000, per: period }
  kpis: [ { metric: npl_ratio, weight: 100, direction: lower_is_better, cap: 150 } ]
`);
    // 0.02 ÷ 0.016 = 125% → factor 1.25 → 12,500 CNY
    const r = computePay(p, input({ metrics: { npl_ratio: 0.016 }, targets: { npl_ratio: 0.02 } }));
    expect(lineOf(r, 'npl_ratio')).toMatchObject({
      amount_fen: 1_250_000, attainment: 1.25,
      rule: 'attainment 125.00% (target ÷ actual); band 0%+ at 1× (marginal) → factor 1.2500 × weight 100% × target bonus 10,000.00 CNY per period = 12,500.00 CNY, rounded to fen',
    });
    // actual 0: attainment = the cap, 150% (not infinite) → 15,000 CNY
    const z = computePay(p, input({ metrics: { npl_ratio: 0 }, targets: { npl_ratio: 0.02 } }));
    expect(z.attainment).toEqual({ npl_ratio: 1.5 });
    expect(lineOf(z, 'npl_ratio')).toMatchObject({ amount_fen: 1_500_000, attainment: 1.5 });
  });
});

describe('NPL deduction lines', () => {
  const corp = () => plan(`corporate:
  target_bonus: { amount: 10000, per: period }
  gate: 60
  kpis: [ { metric: deposit_adb, weight: 100 } ]
  npl_deduction: [ { to: 1, off: 0 }, { to: 2, off: 5 }, { off: 15 } ]
`);
  const rm = (npl: number, pct: number) => input({
    rm_type: 'corporate', metrics: { deposit_adb: CNY(100 * pct), npl_ratio: npl }, targets: { deposit_adb: 10_000 },
  });

  it('a closed band and the open last band', () => {
    // KPI at 100% pays 10,000; NPL 1.2% in 1%–2%: 5% × 10,000 = 500 off
    expect(lineOf(computePay(corp(), rm(0.012, 100)), 'npl_ratio')).toMatchObject({
      kind: 'modifier', metric: 'npl_ratio', actual: 0.012, target: null, attainment: null, amount_fen: -50_000,
      rule: 'NPL ratio 1.20% (band 1%–2%) → 5% off variable pay (5% × 10,000.00 CNY), rounded to fen',
    });
    // 2.5% is above 2%: 15% × 10,000 = 1,500 off
    expect(lineOf(computePay(corp(), rm(0.025, 100)), 'npl_ratio')).toMatchObject({
      amount_fen: -150_000, rule: 'NPL ratio 2.50% (band above 2%) → 15% off variable pay (15% × 10,000.00 CNY), rounded to fen',
    });
  });

  it('with no variable pay there is nothing to deduct from', () => {
    // KPI at 50% < gate 60% → 0; NPL 1.5% → 5% of 0
    const r = computePay(corp(), rm(0.015, 50));
    expect(lineOf(r, 'npl_ratio')).toMatchObject({
      amount_fen: 0, rule: 'NPL ratio 1.50% (band 1%–2%) → 5% off variable pay (no positive variable pay to deduct from)',
    });
    expect(r.variable_fen).toBe(0);
  });

  it('an NPL ratio that is not a number is not applied, with a warning', () => {
    for (const v of [Number.NaN, null]) {
      const r = computePay(corp(), rm(v as number, 100));
      expect(r.lines.map((l) => l.kind)).toEqual(['base', 'kpi']);
      expect(r.warnings).toEqual(['RM R001 (Zhang Wei): no npl_ratio; NPL deduction not applied']);
      expect(r.variable_fen).toBe(1_000_000);
    }
  });
});

describe('event lines and the floor', () => {
  const p = () => plan(`personal:
  target_bonus: { amount: 10000, per: period }
  gate: 60
  kpis: [ { metric: deposit_adb, weight: 100 } ]
  events: { compliance_breach: -2000, award: 1000 }
`);
  const rm = (pct: number, events: Record<string, number>) =>
    input({ metrics: { deposit_adb: CNY(100 * pct) }, targets: { deposit_adb: 10_000 }, events });

  it('known events make lines and no warning', () => {
    const r = computePay(p(), rm(100, { award: 2.5, compliance_breach: 1 }));
    // award 2.5 × 1,000 = 2,500 CNY; breach 1 × −2,000 = −2,000 CNY
    expect(r.warnings).toEqual([]);
    expect(lineOf(r, 'award')).toMatchObject({
      kind: 'modifier', metric: 'award', actual: 2.5, target: null, attainment: null, amount_fen: 250_000,
      rule: '2.5 × 1,000.00 CNY per award, rounded to fen',
    });
    expect(lineOf(r, 'compliance_breach').rule).toBe('1 × -2,000.00 CNY per compliance_breach, rounded to fen');
    // 10,000 − 2,000 + 2,500 = 10,500 CNY
    expect(r.variable_fen).toBe(1_050_000);
  });

  it('a count of 0 or null shows no line and is no error', () => {
    const r = computePay(p(), rm(100, { award: 0, compliance_breach: null as unknown as number }));
    expect(r.lines.map((l) => l.metric)).toEqual(['base_salary', 'deposit_adb']);
    expect(r.warnings).toEqual([]);
  });

  it('a negative or NaN count is a DataError naming the RM and the event', () => {
    expect(dataError(() => computePay(p(), rm(100, { award: -1 })))).toBe('RM R001 (Zhang Wei): event count for award must be a number ≥ 0, got -1');
    expect(dataError(() => computePay(p(), rm(100, { award: Number.NaN })))).toBe('RM R001 (Zhang Wei): event count for award must be a number ≥ 0, got NaN');
  });

  it('variable pay of exactly 0 gets no floor line; below 0 it does', () => {
    // KPI gated (50% < 60%) → 0 and no events: variable pay 0, no floor line
    expect(computePay(p(), rm(50, {})).lines.map((l) => l.kind)).toEqual(['base', 'kpi']);
    // KPI at 100% = 10,000; 5 breaches × −2,000 = −10,000: variable exactly 0, no floor line
    const zero = computePay(p(), rm(100, { compliance_breach: 5 }));
    expect(zero.lines.map((l) => l.kind)).toEqual(['base', 'kpi', 'modifier']);
    expect(zero.variable_fen).toBe(0);
    // 6 breaches: 10,000 − 12,000 = −2,000 → floor line +2,000
    const neg = computePay(p(), rm(100, { compliance_breach: 6 }));
    expect(lineOf(neg, 'variable_pay')).toMatchObject({
      kind: 'floor', metric: 'variable_pay', actual: null, target: null, attainment: null, amount_fen: 200_000,
      rule: 'variable pay -2,000.00 CNY floored at 0',
    });
    expect(neg.variable_fen).toBe(0);
  });
});

describe('an RM type the plan does not cover', () => {
  it('gets base pay only, with a warning naming the plan file', () => {
    const r = computePay(plan('personal:\n  events: { award: 1 }\n'), input({ name: '', rm_type: 'corporate', base_salary_fen: CNY(100), months: 2 }));
    // 100 CNY × 2 months = 200 CNY
    expect(r).toEqual({
      rm_id: 'R001', lines: [expect.objectContaining({ kind: 'base', amount_fen: 20_000 })], base_fen: 20_000, variable_fen: 0, total_fen: 20_000,
      attainment: {}, warnings: ['RM R001: the plan plan.yaml has no corporate section; base pay only'],
    });
  });
});
