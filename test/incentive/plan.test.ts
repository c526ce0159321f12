import { describe, expect, it } from 'vitest';
import { parsePlan, planKpis } from '../../src/incentive/plan.js';
import { UsageError } from '../../src/errors.js';

/** Minimal valid personal plan; `kpis` and extra rm-level YAML can be swapped in. */
function yamlPlan(kpis: string, extra = '', top = ''): string {
  return `${top}
personal:
  target_bonus: { amount: 18000, per: quarter }
${extra}
  kpis:
${kpis}
`;
}
const TWO_KPIS = `    - { metric: deposit_adb, weight: 60 }
    - { metric: fee_income, weight: 40 }`;

function errorOf(text: string, file = 'plan.yaml'): UsageError {
  try {
    parsePlan(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return e as UsageError;
  }
  throw new Error('expected parsePlan to throw');
}

describe('parsePlan: valid plans', () => {
  it('parses YAML with defaults and converts percents to fractions', () => {
    const p = parsePlan(yamlPlan(TWO_KPIS), 'plan.yaml');
    const rp = p.plans.personal!;
    expect(p.plans.corporate).toBeUndefined();
    expect(rp.target_bonus).toEqual({ amount: 18000, per: 'quarter' });
    expect(rp.kpis.map((k) => [k.metric, k.weight])).toEqual([['deposit_adb', 0.6], ['fee_income', 0.4]]);
    // defaults: gate 0, no cap, higher is better, linear 1.0× curve
    expect(rp.kpis[0]).toMatchObject({ gate: 0, cap: null, direction: 'higher_is_better', curve: { method: 'marginal', bands: [{ from: 0, to: null, rate: 1 }] } });
    expect(planKpis(p, 'personal')).toEqual(['deposit_adb', 'fee_income']);
    expect(planKpis(p, 'corporate')).toEqual([]);
  });

  it('applies rm-level gate, cap and curve to every KPI; a KPI may override them; "60%" strings work', () => {
    const p = parsePlan(yamlPlan(`    - { metric: deposit_adb, weight: "60%" }
    - { metric: fee_income, weight: 40, gate: 80, cap: 120, curve: { method: flat, bands: [ { to: 100, rate: 1 }, { rate: "120%" } ] } }`,
    `  gate: 60%
  cap: 150
  curve: { method: marginal, bands: [ { from: 0, to: 100, rate: 1.0 }, { from: 100, rate: 1.5 } ] }`), 'plan.yml');
    const [a, b] = p.plans.personal!.kpis;
    expect(a).toMatchObject({ weight: 0.6, gate: 0.6, cap: 1.5, curve: { method: 'marginal', bands: [{ from: 0, to: 1, rate: 1 }, { from: 1, to: null, rate: 1.5 }] } });
    // omitted `from` = previous band's `to`; "120%" rate = 1.2
    expect(b).toMatchObject({ weight: 0.4, gate: 0.8, cap: 1.2, curve: { method: 'flat', bands: [{ from: 0, to: 1, rate: 1 }, { from: 1, to: null, rate: 1.2 }] } });
  });

  it('parses JSON by extension, and falls back to JSON then YAML for other names', () => {
    const json = JSON.stringify({ corporate: { pricing: [{ metric: 'deposit_adb', price: 35, per_units: 10000, per: 'year' }] } });
    expect(parsePlan(json, 'plan.json').plans.corporate!.pricing[0]).toEqual({ metric: 'deposit_adb', price: 35, per_units: 10000, per: 'year', floor: 0 });
    expect(parsePlan(json, 'plan.txt').plans.corporate!.pricing).toHaveLength(1);
    expect(parsePlan(yamlPlan(TWO_KPIS), 'plan.conf').plans.personal!.kpis).toHaveLength(2);
  });

  it('parses npl_deduction, events and commissions', () => {
    const p = parsePlan(`corporate:
  npl_deduction: [ { from: 0, to: 1, off: 0 }, { from: 1, off: 5 } ]
  events: { complaint: -500, award: 1000 }
  commissions:
    - metric: fee_income
      curve: { method: marginal, bands: [ { from: 0, to: 10000, rate: 5% }, { from: 10000, rate: 0.07 } ] }
`, 'p.yaml');
    const rp = p.plans.corporate!;
    expect(rp.npl_deduction).toEqual([{ from: 0, to: 0.01, off: 0 }, { from: 0.01, to: null, off: 0.05 }]);
    expect(rp.events).toEqual([{ event: 'complaint', amount: -500 }, { event: 'award', amount: 1000 }]);
    // commission band bounds stay in metric units (CNY)
    expect(rp.commissions[0].curve.bands).toEqual([{ from: 0, to: 10000, rate: 0.05 }, { from: 10000, to: null, rate: 0.07 }]);
  });

  it('accepts the shipped sample plan', async () => {
    const { readFileSync } = await import('node:fs');
    const p = parsePlan(readFileSync(new URL('../../samples/plan.yaml', import.meta.url), 'utf8'), 'plan.yaml');
    expect(planKpis(p, 'personal')).toEqual(['deposit_adb', 'aum_adb', 'fee_income', 'new_customers']);
    expect(planKpis(p, 'corporate')).toEqual(['deposit_adb', 'loan_adb', 'fee_income', 'contribution']);
    expect(p.plans.personal!.kpis.map((k) => k.weight * 100)).toEqual([40, 30, 20, 10]);
    expect(p.plans.corporate!.kpis.map((k) => k.weight * 100)).toEqual([35, 25, 25, 15]);
  });
});

describe('parsePlan: validation errors name the file and the field', () => {
  it('weights not adding to 100%', () => {
    const e = errorOf(yamlPlan(`    - { metric: deposit_adb, weight: 60 }
    - { metric: fee_income, weight: 30 }`));
    expect(e.message).toBe('plan.yaml: personal.kpis[1].weight: weights add to 90%, must add to 100%');
  });

  it('unknown metric', () => {
    const e = errorOf(yamlPlan(`    - { metric: deposits, weight: 100 }`));
    expect(e.message).toMatch(/^plan\.yaml: personal\.kpis\[0\]\.metric: "deposits" is a KPI that no metric provides/);
  });

  it('unknown metric in pricing and commissions', () => {
    expect(errorOf(`personal:\n  pricing: [ { metric: dep, price: 1, per: year } ]`).message).toMatch(/^plan\.yaml: personal\.pricing\[0\]\.metric: "dep" is a KPI that no metric provides/);
    expect(errorOf(`personal:\n  commissions: [ { metric: fees, curve: { method: flat, bands: [ { rate: 1 } ] } } ]`).message)
      .toMatch(/^plan\.yaml: personal\.commissions\[0\]\.metric: "fees"/);
  });

  it('duplicate KPI', () => {
    const e = errorOf(yamlPlan(`    - { metric: fee_income, weight: 50 }
    - { metric: fee_income, weight: 50 }`));
    expect(e.message).toBe('plan.yaml: personal.kpis[1].metric: fee_income is already a KPI (kpis[0])');
  });

  it('overlapping bands', () => {
    const e = errorOf(yamlPlan(TWO_KPIS, '  curve: { method: marginal, bands: [ { from: 0, to: 100, rate: 1 }, { from: 90, rate: 1.2 } ] }'));
    expect(e.message).toBe('plan.yaml: personal.curve.bands[1].from: overlaps personal.curve.bands[0], which ends at 100%');
  });

  it('gapped bands', () => {
    const e = errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0, to: 100, rate: 1 }, { from: 110, rate: 1.2 } ] }'));
    expect(e.message).toBe('plan.yaml: personal.curve.bands[1].from: gap between 100% (end of personal.curve.bands[0]) and 110%');
  });

  it('first band not starting at 0', () => {
    const e = errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 50, rate: 1 } ] }'));
    expect(e.message).toMatch(/^plan\.yaml: personal\.curve\.bands\[0\]\.from: the first band must start at 0/);
  });

  it('last band closed, or an inner band open-ended', () => {
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0, to: 150, rate: 1 } ] }')).message)
      .toBe('plan.yaml: personal.curve.bands[0].to: the last band must be open-ended (omit `to`)');
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0, rate: 1 }, { from: 100, rate: 1 } ] }')).message)
      .toBe('plan.yaml: personal.curve.bands[0].to: missing required field (only the last band may be open-ended)');
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0, to: 0, rate: 1 }, { rate: 1 } ] }')).message)
      .toMatch(/^plan\.yaml: personal\.curve\.bands\[0\]\.to: must be above from/);
  });

  it('negative rate, price, and NPL off above 100%', () => {
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, weight: 100, curve: { method: marginal, bands: [ { rate: -1 } ] } }`)).message)
      .toBe('plan.yaml: personal.kpis[0].curve.bands[0].rate: negative rate -1: rates must be ≥ 0');
    expect(errorOf(`personal:\n  pricing: [ { metric: deposit_adb, price: -35, per_units: 10000, per: year } ]`).message)
      .toBe('plan.yaml: personal.pricing[0].price: negative price: rates must be ≥ 0, got -35');
    expect(errorOf(`corporate:\n  npl_deduction: [ { off: 120 } ]`).message)
      .toBe('plan.yaml: corporate.npl_deduction[0].off: cannot take more than 100% off, got 120%');
    expect(errorOf(`corporate:\n  npl_deduction: [ { off: -5 } ]`).message)
      .toBe('plan.yaml: corporate.npl_deduction[0].off: must not be negative, got -5');
  });

  it('gate above cap (rm level and KPI level)', () => {
    expect(errorOf(yamlPlan(TWO_KPIS, '  gate: 80\n  cap: 70')).message).toBe('plan.yaml: personal.gate: gate 80% is above the cap 70%');
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, weight: 100, gate: 160, cap: 150 }`)).message)
      .toBe('plan.yaml: personal.kpis[0].gate: gate 160% is above the cap 150%');
    // KPI gate inherited, KPI cap set below it: the cap is blamed
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, weight: 100, cap: 50 }`, '  gate: 60')).message)
      .toBe('plan.yaml: personal.kpis[0].cap: gate 60% is above the cap 50%');
  });

  it('unknown keys at every level', () => {
    expect(errorOf(yamlPlan(TWO_KPIS, '', 'retail: {}')).message).toMatch(/^plan\.yaml: retail: unknown key \(allowed: name, description, corporate, personal, deferral, clawback, budget\)/);
    expect(errorOf(yamlPlan(TWO_KPIS, '  bonus: 5')).message).toMatch(/^plan\.yaml: personal\.bonus: unknown key/);
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, wieght: 100 }`)).message).toMatch(/^plan\.yaml: personal\.kpis\[0\]\.wieght: unknown key/);
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0, rate: 1, note: x } ] }')).message)
      .toMatch(/^plan\.yaml: personal\.curve\.bands\[0\]\.note: unknown key/);
  });

  it('missing required fields', () => {
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb }`)).message).toBe('plan.yaml: personal.kpis[0].weight: missing required field');
    expect(errorOf(`personal:\n  kpis: [ { metric: deposit_adb, weight: 100 } ]`).message)
      .toBe('plan.yaml: personal.target_bonus: missing required field (the plan has KPIs)');
    expect(errorOf(`personal:\n  target_bonus: { amount: 100 }\n  kpis: [ { metric: deposit_adb, weight: 100 } ]`).message)
      .toBe('plan.yaml: personal.target_bonus.per: missing required field');
    expect(errorOf(`personal:\n  pricing: [ { metric: deposit_adb, price: 35 } ]`).message).toBe('plan.yaml: personal.pricing[0].per: missing required field');
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { bands: [ { rate: 1 } ] }')).message).toBe('plan.yaml: personal.curve.method: missing required field');
    expect(errorOf(yamlPlan(TWO_KPIS, '  curve: { method: flat, bands: [ { from: 0 } ] }')).message).toBe('plan.yaml: personal.curve.bands[0].rate: missing required field');
  });

  it('bad values: enum, percent, number, list, lower_is_better without cap, zero per_units', () => {
    expect(errorOf(`personal:\n  target_bonus: { amount: 100, per: week }`).message).toBe('plan.yaml: personal.target_bonus.per: must be one of year, half, quarter, month, period, got "week"');
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, weight: lots }`)).message).toBe('plan.yaml: personal.kpis[0].weight: must be a percent (60 or "60%"), got "lots"');
    expect(errorOf(yamlPlan(`    - { metric: deposit_adb, weight: 0 }\n    - { metric: fee_income, weight: 100 }`)).message).toBe('plan.yaml: personal.kpis[0].weight: must be above 0%, got 0');
    expect(errorOf(`personal:\n  kpis: { metric: deposit_adb }`).message).toBe('plan.yaml: personal.kpis: must be a list, got {"metric":"deposit_adb"}');
    expect(errorOf(yamlPlan(`    - { metric: npl_ratio, weight: 100, direction: lower_is_better }`)).message)
      .toMatch(/^plan\.yaml: personal\.kpis\[0\]\.cap: a lower_is_better KPI needs a cap/);
    expect(errorOf(yamlPlan(`    - { metric: npl_ratio, weight: 100, direction: down, cap: 150 }`)).message)
      .toBe('plan.yaml: personal.kpis[0].direction: must be one of higher_is_better, lower_is_better, got "down"');
    expect(errorOf(`personal:\n  pricing: [ { metric: deposit_adb, price: 35, per_units: 0, per: year } ]`).message).toBe('plan.yaml: personal.pricing[0].per_units: must be above 0, got 0');
    expect(errorOf(`personal:\n  events: { complaint: "-500 CNY" }`).message).toBe('plan.yaml: personal.events.complaint: must be a number, got "-500 CNY"');
  });

  it('unparseable, empty, or empty-of-plans files', () => {
    expect(errorOf('{ "personal": ', 'plan.json').message).toMatch(/^plan\.json: not valid JSON: /);
    expect(errorOf('personal: [unclosed', 'plan.yaml').message).toMatch(/^plan\.yaml: not valid YAML: /);
    expect(errorOf('', 'plan.yaml').message).toBe('plan.yaml: the plan file is empty');
    expect(errorOf('name: x\n', 'plan.yaml').message).toBe('plan.yaml: the plan defines neither `corporate` nor `personal`');
    expect(errorOf('- 1\n- 2\n', 'plan.yaml').message).toMatch(/^plan\.yaml: must be a mapping/);
  });
});
