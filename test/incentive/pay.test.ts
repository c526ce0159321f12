import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/incentive/plan.js';
import { computePay, roundHalfAway, type PayResult, type RmPayInput } from '../../src/incentive/pay.js';
import { DataError } from '../../src/errors.js';

const plan = (yaml: string) => parsePlan(yaml, 'plan.yaml');
const CNY = (yuan: number) => Math.round(yuan * 100); // CNY → fen, for readable inputs

function input(over: Partial<RmPayInput>): RmPayInput {
  return { rm_id: 'R001', name: 'Zhang Wei', rm_type: 'personal', base_salary_fen: 0, months: 3, metrics: {}, targets: {}, ...over };
}

/** Every line is an integer fen amount and the lines add up exactly to the total. */
function checkSums(r: PayResult): void {
  for (const l of r.lines) expect(Number.isInteger(l.amount_fen), `${l.metric}: ${l.amount_fen}`).toBe(true);
  const sum = r.lines.reduce((s, l) => s + l.amount_fen, 0);
  expect(sum).toBe(r.total_fen);
  expect(r.base_fen + r.variable_fen).toBe(r.total_fen);
  expect(r.variable_fen).toBeGreaterThanOrEqual(0);
}
const line = (r: PayResult, metric: string, kind?: string) => {
  const l = r.lines.find((x) => x.metric === metric && (kind === undefined || x.kind === kind));
  if (!l) throw new Error(`no line ${metric}`);
  return l;
};

describe('public worked example 1: commission curve on the actual value', () => {
  const commission = (method: string) => plan(`personal:
  commissions:
    - metric: fee_income
      curve:
        method: ${method}
        bands:
          - { from: 0, to: 10000, rate: 5% }
          - { from: 10000, to: 25000, rate: 7% }
          - { from: 25000, rate: 10% }
`);
  const rm = input({ metrics: { fee_income: CNY(30000) } });

  it('marginal: 30,000 pays 2,050', () => {
    const r = computePay(commission('marginal'), rm);
    // 10,000×5% + 15,000×7% + 5,000×10% = 500 + 1,050 + 500 = 2,050 CNY
    expect(line(r, 'fee_income').amount_fen).toBe((10000 * 0.05 + 15000 * 0.07 + 5000 * 0.1) * 100);
    expect(line(r, 'fee_income').amount_fen).toBe(205_000);
    expect(r.total_fen).toBe(205_000);
    expect(line(r, 'fee_income').rule).toContain('(marginal)');
    expect(line(r, 'fee_income').rule).toContain('rounded to fen');
    checkSums(r);
  });

  it('flat: 30,000 pays 3,000', () => {
    const r = computePay(commission('flat'), rm);
    // 30,000 reaches the 25,000+ band: 30,000 × 10% = 3,000 CNY
    expect(line(r, 'fee_income').amount_fen).toBe(300_000);
    checkSums(r);
  });

  it('flat at a boundary belongs to the band that starts there; zero pays 0', () => {
    // 25,000 exactly is in 25,000+ (bands are [from, to)): 25,000 × 10% = 2,500 CNY
    expect(computePay(commission('flat'), input({ metrics: { fee_income: CNY(25000) } })).total_fen).toBe(250_000);
    // 9,999 in band 0–10,000: 9,999 × 5% = 499.95 CNY
    expect(computePay(commission('flat'), input({ metrics: { fee_income: CNY(9999) } })).total_fen).toBe(49_995);
    expect(computePay(commission('marginal'), input({ metrics: { fee_income: 0 } })).total_fen).toBe(0);
  });
});

describe('public worked example 2: two weighted KPIs with marginal bands', () => {
  const p = () => plan(`personal:
  target_bonus: { amount: 20000, per: period }
  kpis:
    - metric: deposit_adb
      weight: 60
      curve: { method: marginal, bands: [ { from: 0, to: 100, rate: 1.0 }, { from: 100, rate: 1.4 } ] }
    - metric: fee_income
      weight: 40
      curve: { method: marginal, bands: [ { from: 0, to: 95, rate: 0 }, { from: 95, to: 100, rate: 1.0 }, { from: 100, rate: 1.2 } ] }
`);
  const targets = { deposit_adb: 1_000_000, fee_income: 50_000 }; // CNY

  it('both at 110% pays 13,680 + 1,360 = 15,040', () => {
    const r = computePay(p(), input({
      base_salary_fen: CNY(8000),
      metrics: { deposit_adb: CNY(1_100_000), fee_income: CNY(55_000) }, // 110% each
      targets,
    }));
    const k1 = line(r, 'deposit_adb');
    const k2 = line(r, 'fee_income');
    // KPI 1: 20,000 × 60% = 12,000; factor 1.0×1.0 + 0.1×1.4 = 1.14 → 13,680 CNY
    expect(k1.amount_fen).toBe(1_368_000);
    // KPI 2: 20,000 × 40% = 8,000; factor 0.05×1.0 + 0.10×1.2 = 0.17 → 1,360 CNY
    expect(k2.amount_fen).toBe(136_000);
    expect(r.variable_fen).toBe(1_504_000); // 15,040 CNY
    // base: 8,000 × 3 months = 24,000 CNY
    expect(r.base_fen).toBe(2_400_000);
    expect(r.total_fen).toBe(2_400_000 + 1_504_000);
    expect(k1).toMatchObject({ kind: 'kpi', actual: 1_100_000, target: 1_000_000, attainment: 1.1 });
    expect(k1.rule).toContain('band 100%+ at 1.4× (marginal)');
    expect(k2.rule).toContain('band 95%–100% at 1×');
    expect(r.attainment).toEqual({ deposit_adb: 1.1, fee_income: 1.1 });
    expect(r.warnings).toEqual([]);
    checkSums(r);
  });

  it('with KPI 2 at 90% it pays nothing for KPI 2', () => {
    const r = computePay(p(), input({ metrics: { deposit_adb: CNY(1_100_000), fee_income: CNY(45_000) }, targets }));
    // KPI 2 at 90% is inside band 0–95% at 0× → 0
    expect(line(r, 'fee_income').amount_fen).toBe(0);
    expect(r.variable_fen).toBe(1_368_000); // 13,680 CNY from KPI 1 only
    checkSums(r);
  });
});

describe('gate, cap, flat curves, pro-rating, direction', () => {
  const single = (extra: string, bonus = '{ amount: 10000, per: period }') => plan(`personal:
  target_bonus: ${bonus}
${extra}
  kpis: [ { metric: deposit_adb, weight: 100 } ]
`);
  const at = (pct: number) => ({ metrics: { deposit_adb: CNY(10_000 * pct) }, targets: { deposit_adb: 1_000_000 } });

  it('gate: below it pays 0, at it pays', () => {
    const p = single('  gate: 60');
    const below = computePay(p, input(at(59))); // 590,000 / 1,000,000 = 59%
    expect(line(below, 'deposit_adb').amount_fen).toBe(0);
    expect(line(below, 'deposit_adb').rule).toContain('gate 60% not reached');
    expect(below.attainment.deposit_adb).toBe(0.59);
    // at 60% exactly: linear 1.0× curve → 10,000 × 100% × 0.60 = 6,000 CNY
    expect(computePay(p, input(at(60))).total_fen).toBe(600_000);
  });

  it('cap: attainment above the cap counts as the cap', () => {
    const p = single('  cap: 150\n  curve: { method: marginal, bands: [ { to: 100, rate: 1 }, { rate: 1.5 } ] }');
    const r = computePay(p, input(at(200)));
    // capped at 150%: 1.0×1.0 + 0.5×1.5 = 1.75 → 10,000 × 1.75 = 17,500 CNY
    expect(line(r, 'deposit_adb').amount_fen).toBe(1_750_000);
    expect(line(r, 'deposit_adb').rule).toContain('capped at 150%');
    expect(line(r, 'deposit_adb').attainment).toBe(2); // the line shows the uncapped attainment
  });

  it('flat attainment curve pays the whole attainment at the reached band rate', () => {
    const p = single('  curve: { method: flat, bands: [ { to: 100, rate: 1 }, { rate: 1.2 } ] }');
    // 110% × 1.2 = 1.32 → 10,000 × 1.32 = 13,200 CNY
    expect(computePay(p, input(at(110))).total_fen).toBe(1_320_000);
    // 90% × 1.0 = 0.9 → 9,000 CNY
    expect(computePay(p, input(at(90))).total_fen).toBe(900_000);
  });

  it('target bonus per year or per quarter is pro-rated by months', () => {
    // 120,000/year × 3/12 = 30,000 at 100%
    expect(computePay(single('', '{ amount: 120000, per: year }'), input({ ...at(100), months: 3 })).total_fen).toBe(3_000_000);
    // 18,000/quarter × 1/3 = 6,000 for one month
    expect(computePay(single('', '{ amount: 18000, per: quarter }'), input({ ...at(100), months: 1 })).total_fen).toBe(600_000);
    // 1,000/month × 2.5 months = 2,500
    expect(computePay(single('', '{ amount: 1000, per: month }'), input({ ...at(100), months: 2.5 })).total_fen).toBe(250_000);
  });

  it('lower_is_better: attainment = target ÷ actual; an actual of 0 reaches the cap', () => {
    const p = plan(`personal:
  target_bonus: { amount: 10000, per: period }
  kpis: [ { metric: npl_ratio, weight: 100, direction: lower_is_better, cap: 150 } ]
`);
    // 0.02 ÷ 0.016 = 125% → 10,000 × 1.25 = 12,500 CNY
    const r = computePay(p, input({ metrics: { npl_ratio: 0.016 }, targets: { npl_ratio: 0.02 } }));
    expect(r.attainment.npl_ratio).toBe(1.25);
    expect(r.total_fen).toBe(1_250_000);
    // actual 0 → attainment = cap 150% → 15,000 CNY
    expect(computePay(p, input({ metrics: { npl_ratio: 0 }, targets: { npl_ratio: 0.02 } })).total_fen).toBe(1_500_000);
  });

  it('negative actual (e.g. contribution) pays 0 on a curve without gate', () => {
    const p = plan(`personal:
  target_bonus: { amount: 10000, per: period }
  kpis: [ { metric: contribution, weight: 100 } ]
`);
    const r = computePay(p, input({ metrics: { contribution: CNY(-5000) }, targets: { contribution: 100_000 } }));
    expect(r.attainment.contribution).toBe(-0.05);
    expect(r.total_fen).toBe(0);
    checkSums(r);
  });
});

describe('pricing (计价)', () => {
  const pricing = (extra: string) => plan(`personal:\n  pricing: [ { metric: deposit_adb, price: 35, per_units: 10000, per: year${extra} } ]\n`);

  it('35 CNY per 10,000 per year, pro-rated by months/12, units below the floor not paid', () => {
    const r = computePay(pricing(', floor: 1000000'), input({ months: 3, metrics: { deposit_adb: CNY(3_500_000) } }));
    // (3,500,000 − 1,000,000) / 10,000 = 250 units × 35 = 8,750 per year × 3/12 = 2,187.50 CNY
    expect(line(r, 'deposit_adb', 'pricing').amount_fen).toBe(218_750);
    expect(line(r, 'deposit_adb', 'pricing').rule).toContain('35.00 CNY per 10,000 per year');
    expect(line(r, 'deposit_adb', 'pricing').rule).toContain('× 3/12');
    expect(line(r, 'deposit_adb', 'pricing').actual).toBe(3_500_000);
    checkSums(r);
  });

  it('without a floor every unit is paid; below the floor nothing is paid', () => {
    // 3,500,000 / 10,000 = 350 units × 35 × 3/12 = 3,062.50 CNY
    expect(computePay(pricing(''), input({ months: 3, metrics: { deposit_adb: CNY(3_500_000) } })).total_fen).toBe(306_250);
    expect(computePay(pricing(', floor: 1000000'), input({ months: 3, metrics: { deposit_adb: CNY(500_000) } })).total_fen).toBe(0);
  });

  it('fractional months, rounded half away from zero once per line', () => {
    // 250 units × 35 = 8,750 × 2.5/12 = 1,822.916666… CNY = 182,291.67 fen → 182,292
    expect(computePay(pricing(', floor: 1000000'), input({ months: 2.5, metrics: { deposit_adb: CNY(3_500_000) } })).total_fen).toBe(182_292);
    // per month: 10 CNY above the floor = 0.001 units × 35 CNY = 0.035 CNY = 3.5 fen → 4 (half away from zero)
    const pm = plan(`personal:\n  pricing: [ { metric: deposit_adb, price: 35, per_units: 10000, per: month, floor: 1000000 } ]\n`);
    expect(computePay(pm, input({ months: 1, metrics: { deposit_adb: CNY(1_000_010) } })).total_fen).toBe(4);
  });

  it('per: period is not pro-rated; count metrics are priced per unit', () => {
    const p = plan(`personal:\n  pricing: [ { metric: new_customers, price: 200, per: period } ]\n`);
    // 7 new customers × 200 CNY = 1,400 CNY, any period length
    expect(computePay(p, input({ months: 5, metrics: { new_customers: 7 } })).total_fen).toBe(140_000);
  });
});

describe('modifiers and the floor at 0', () => {
  const corp = () => plan(`corporate:
  target_bonus: { amount: 10000, per: quarter }
  gate: 60
  kpis: [ { metric: deposit_adb, weight: 100 } ]
  npl_deduction:
    - { from: 0, to: 1, off: 0 }
    - { from: 1, to: 2, off: 5 }
    - { from: 2, off: 15 }
  events: { compliance_breach: -2000, award: 0.015 }
`);
  const rm = (npl: number | undefined, pct: number, events?: Record<string, number>) => input({
    rm_type: 'corporate', base_salary_fen: CNY(9000), months: 3, events,
    metrics: { deposit_adb: CNY(20_000 * pct), ...(npl === undefined ? {} : { npl_ratio: npl }) },
    targets: { deposit_adb: 2_000_000 },
  });

  it('NPL ratio 1.20% takes 5% off the variable pay', () => {
    const r = computePay(corp(), rm(0.012, 100));
    // KPI: 10,000/quarter × 3/3 × 100% × 1.0 = 10,000 CNY; NPL 1.2% in (1%, 2%] → 5% × 10,000 = −500
    expect(line(r, 'deposit_adb').amount_fen).toBe(1_000_000);
    const m = line(r, 'npl_ratio');
    expect(m).toMatchObject({ kind: 'modifier', amount_fen: -50_000, actual: 0.012 });
    expect(m.rule).toContain('NPL ratio 1.20%');
    expect(m.rule).toContain('5% off variable pay');
    expect(r.variable_fen).toBe(950_000); // 10,000 − 500
    expect(r.total_fen).toBe(2_700_000 + 950_000); // base 9,000 × 3 = 27,000
    checkSums(r);
  });

  it('NPL band bounds are (from, to]: 1% exactly is in the 0–1% band, 2% in the 1–2% band', () => {
    expect(line(computePay(corp(), rm(0.01, 100)), 'npl_ratio').amount_fen).toBe(0);
    expect(line(computePay(corp(), rm(0.02, 100)), 'npl_ratio').amount_fen).toBe(-50_000); // 5% × 10,000
    expect(line(computePay(corp(), rm(0.025, 100)), 'npl_ratio').amount_fen).toBe(-150_000); // 15% × 10,000
    expect(line(computePay(corp(), rm(0, 100)), 'npl_ratio').amount_fen).toBe(0);
  });

  it('missing npl_ratio: warning, no deduction', () => {
    const r = computePay(corp(), rm(undefined, 100));
    expect(r.lines.some((l) => l.metric === 'npl_ratio')).toBe(false);
    expect(r.warnings.join('\n')).toContain('no npl_ratio');
    expect(r.variable_fen).toBe(1_000_000);
  });

  it('event amounts per event; negative halves round away from zero', () => {
    const r = computePay(corp(), rm(0.005, 100, { compliance_breach: 1, award: 100 }));
    // −2,000 × 1 = −2,000 CNY; award 0.015 × 100 = 1.50 CNY
    expect(line(r, 'compliance_breach').amount_fen).toBe(-200_000);
    expect(line(r, 'award').amount_fen).toBe(150);
    expect(r.variable_fen).toBe(1_000_000 - 200_000 + 150);
    checkSums(r);
    // 0.015 CNY = 1.5 fen → 2
    expect(line(computePay(corp(), rm(0.005, 100, { award: 1 })), 'award').amount_fen).toBe(2);
    expect(roundHalfAway(-1.5)).toBe(-2);
    expect(roundHalfAway(2.5)).toBe(3);
    expect(Object.is(roundHalfAway(-0.4), 0)).toBe(true);
  });

  it('negative variable pay is floored at 0 with a floor line', () => {
    // KPI gated (50% < 60%) → 0; 2 breaches × −2,000 = −4,000 → floor line +4,000
    const r = computePay(corp(), rm(0.005, 50, { compliance_breach: 2 }));
    expect(line(r, 'deposit_adb').amount_fen).toBe(0);
    expect(line(r, 'compliance_breach').amount_fen).toBe(-400_000);
    const f = line(r, 'variable_pay');
    expect(f).toMatchObject({ kind: 'floor', amount_fen: 400_000 });
    expect(f.rule).toBe('variable pay -4,000.00 CNY floored at 0');
    expect(r.variable_fen).toBe(0);
    expect(r.total_fen).toBe(2_700_000);
    checkSums(r);
  });

  it('unknown event names are warned about and ignored; absent counts add no line', () => {
    const r = computePay(corp(), rm(0.005, 100, { lunch: 3 }));
    expect(r.warnings).toEqual(['RM R001 (Zhang Wei): event lunch is not in the plan; ignored']);
    expect(r.lines.map((l) => l.kind)).toEqual(['base', 'kpi', 'modifier']); // the NPL line only
  });

  it('a negative event count is a DataError', () => {
    expect(() => computePay(corp(), rm(0.005, 100, { award: -1 }))).toThrow(DataError);
  });
});

describe('missing data', () => {
  const p = () => plan(`personal:
  target_bonus: { amount: 10000, per: period }
  kpis: [ { metric: deposit_adb, weight: 50 }, { metric: fee_income, weight: 50 } ]
`);

  it('a KPI with no target pays 0 and warns naming the RM and the KPI', () => {
    const r = computePay(p(), input({ metrics: { deposit_adb: CNY(100), fee_income: CNY(100) }, targets: { deposit_adb: 100 } }));
    // deposit_adb 100%: 10,000 × 50% × 1.0 = 5,000; fee_income: no target → 0
    expect(line(r, 'fee_income')).toMatchObject({ amount_fen: 0, target: null, attainment: null });
    expect(r.warnings).toEqual(['RM R001 (Zhang Wei): no target for KPI fee_income; it pays 0']);
    expect(r.attainment).toEqual({ deposit_adb: 1, fee_income: null });
    expect(r.total_fen).toBe(500_000);
  });

  it('a missing metric counts as 0 with a warning', () => {
    const r = computePay(p(), input({ metrics: { deposit_adb: CNY(100) }, targets: { deposit_adb: 100, fee_income: 100 } }));
    expect(r.warnings).toEqual(['RM R001 (Zhang Wei): no value for metric fee_income; counted as 0']);
    expect(line(r, 'fee_income').amount_fen).toBe(0);
  });

  it('an RM type with no plan gets base pay only, with a warning', () => {
    const r = computePay(p(), input({ rm_type: 'corporate', base_salary_fen: 750_050, months: 3 }));
    // 7,500.50 × 3 = 22,501.50 CNY
    expect(r.lines).toHaveLength(1);
    expect(r.total_fen).toBe(2_250_150);
    expect(r.warnings[0]).toContain('no corporate section');
    expect(r.lines[0].rule).toBe('base salary 7,500.50 CNY/month × 3 months, rounded to fen');
  });

  it('bad base salary or period length is a DataError', () => {
    expect(() => computePay(p(), input({ months: 0 }))).toThrow(DataError);
    expect(() => computePay(p(), input({ base_salary_fen: Number.NaN }))).toThrow(DataError);
  });
});

describe('lines always add up exactly to the total', () => {
  it('over the sample plan with awkward fractional-fen metrics and months', async () => {
    const { readFileSync } = await import('node:fs');
    const sample = parsePlan(readFileSync(new URL('../../samples/plan.yaml', import.meta.url), 'utf8'), 'plan.yaml');
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 300; i++) {
      const t = i % 2 ? 'personal' : 'corporate';
      const r = computePay(sample, input({
        rm_type: t, months: 1 + rnd() * 11, base_salary_fen: Math.floor(rnd() * 2_000_000),
        metrics: {
          deposit_adb: rnd() * 1e9 / 3, aum_adb: rnd() * 2e9 / 7, loan_adb: rnd() * 1e9 / 3, fee_income: rnd() * 1e7 / 3,
          contribution: (rnd() - 0.2) * 1e7 / 3, new_customers: Math.floor(rnd() * 30), npl_ratio: rnd() * 0.05,
        },
        targets: { deposit_adb: 5_000_000, aum_adb: 8_000_000, loan_adb: 4_000_000, fee_income: 40_000, contribution: 30_000, new_customers: 12 },
        events: { compliance_breach: Math.floor(rnd() * 3) },
      }));
      checkSums(r);
    }
  });
});
