/**
 * The edges of the plan file: values exactly at a limit are accepted, every check runs, and each
 * error message names the file, the field and the value as the analyst wrote it.
 */
import { describe, expect, it } from 'vitest';
import { fmtP, parsePlan, planKpis, type RmPlan } from '../../src/incentive/plan.js';
import { UsageError } from '../../src/errors.js';

function errorOf(text: string, file = 'plan.yaml'): string {
  try {
    parsePlan(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as UsageError).message;
  }
  throw new Error('expected parsePlan to throw');
}
const personal = (text: string): RmPlan => parsePlan(text, 'plan.yaml').plans.personal!;
/** A personal plan with one KPI; `kpi` is extra KPI fields, `rm` extra rm-level lines. */
const oneKpi = (kpi = '', rm = '') => `personal:
  target_bonus: { amount: 100, per: month }
${rm}
  kpis: [ { metric: deposit_adb, weight: 100${kpi} } ]
`;
const curve = (bands: string) => oneKpi(`, curve: { method: marginal, bands: ${bands} }`);
const commission = (bands: string) => `personal:\n  commissions: [ { metric: fee_income, curve: { method: flat, bands: ${bands} } } ]\n`;

describe('limits that are allowed', () => {
  it('a gate equal to the cap, at the rm level and at the KPI level', () => {
    expect(personal(oneKpi('', '  gate: 120\n  cap: 120')).kpis[0]).toMatchObject({ gate: 1.2, cap: 1.2 });
    expect(personal(oneKpi(', gate: 80, cap: 80')).kpis[0]).toMatchObject({ gate: 0.8, cap: 0.8 });
  });

  it('an NPL deduction of exactly 100%', () => {
    expect(personal('personal:\n  npl_deduction: [ { to: 5, off: 0 }, { off: 100 } ]\n').npl_deduction)
      .toEqual([{ from: 0, to: 0.05, off: 0 }, { from: 0.05, to: null, off: 1 }]);
  });

  it('percent strings with decimals and spaces; rates as percent strings', () => {
    // "12.25%" = 0.1225; " 87.75 % " = 0.8775: together 100%
    const kpis = personal(`personal:
  target_bonus: { amount: 100, per: month }
  kpis: [ { metric: deposit_adb, weight: "12.25%" }, { metric: fee_income, weight: " 87.75 % " } ]
`).kpis;
    expect(kpis.map((k) => k.weight)).toEqual([0.1225, 0.8775]);
    expect(personal(curve('[ { rate: "2.5%" } ]')).kpis[0].curve.bands).toEqual([{ from: 0, to: null, rate: 0.025 }]);
    expect(personal(curve('[ { rate: " 150 % " } ]')).kpis[0].curve.bands[0].rate).toBe(1.5);
    // "12.25%" = 12.25 / 100 = 0.1225
    expect(personal(curve('[ { rate: "12.25%" } ]')).kpis[0].curve.bands[0].rate).toBe(0.1225);
  });

  it('an empty KPI list needs no target bonus; defaults fill pricing', () => {
    const rp = personal('personal:\n  kpis: []\n  pricing: [ { metric: new_customers, price: 0, per: month } ]\n');
    expect(rp).toEqual({
      target_bonus: null, kpis: [], commissions: [], npl_deduction: null, events: [],
      pricing: [{ metric: 'new_customers', price: 0, per_units: 1, per: 'month', floor: 0 }],
    });
  });

  it('a lower_is_better KPI with a cap; the rm-level curve is the default', () => {
    const rp = personal(oneKpi(', direction: lower_is_better, cap: 150', '  curve: { method: flat, bands: [ { rate: 2 } ] }'));
    expect(rp.kpis[0]).toEqual({
      metric: 'deposit_adb', weight: 1, gate: 0, cap: 1.5, direction: 'lower_is_better',
      curve: { method: 'flat', bands: [{ from: 0, to: null, rate: 2 }] },
    });
  });

  it('band bounds within 1e-9 of each other join up; commission bounds stay in units', () => {
    expect(personal(commission('[ { to: 10000, rate: 1 }, { from: 10000, to: 20000, rate: 2 }, { rate: 3 } ]')).commissions[0].curve.bands)
      .toEqual([{ from: 0, to: 10000, rate: 1 }, { from: 10000, to: 20000, rate: 2 }, { from: 20000, to: null, rate: 3 }]);
  });

  it('name and description; a file may hold both RM types', () => {
    const p = parsePlan('name: 2026 plan\ndescription: quarterly\ncorporate:\n  events: { a: 1 }\npersonal:\n  events: { b: -1.5 }\n', 'p.yml');
    expect(p.name).toBe('2026 plan');
    expect(p.file).toBe('p.yml');
    expect(p.plans.corporate!.events).toEqual([{ event: 'a', amount: 1 }]);
    expect(p.plans.personal!.events).toEqual([{ event: 'b', amount: -1.5 }]);
    expect(parsePlan('name: null\npersonal:\n  events: {}\n', 'p.yaml').name).toBeNull();
    expect(parsePlan('description: ~\npersonal:\n  events: {}\n', 'p.yaml').name).toBeNull();
  });

  it('upper-case extensions are recognised; other names try JSON then YAML', () => {
    expect(parsePlan('personal:\n  events: { a: 1 }\n', 'PLAN.YAML').plans.personal!.events).toHaveLength(1);
    expect(parsePlan('{"personal": {"events": {"a": 1}}}', 'PLAN.JSON').plans.personal!.events).toHaveLength(1);
    // JSON with a repeated key: JSON.parse keeps the last one; YAML rejects it. Names other than
    // *.yaml / *.yml are read as JSON first, so only those accept it.
    const dup = '{"personal": {"events": {"a": 1}}, "personal": {"events": {"b": 2}}}';
    expect(parsePlan(dup, 'plan.txt').plans.personal!.events).toEqual([{ event: 'b', amount: 2 }]);
    expect(parsePlan(dup, 'plan.json').plans.personal!.events).toEqual([{ event: 'b', amount: 2 }]);
    expect(errorOf(dup, 'plan.yaml')).toMatch(/^plan\.yaml: not valid YAML: Map keys must be unique/);
    expect(errorOf(dup, 'plan.yml')).toMatch(/^plan\.yml: not valid YAML: Map keys must be unique/);
    // YAML-only text under .json is a JSON error, not read as YAML
    expect(errorOf('personal:\n  events: { a: 1 }\n', 'plan.json')).toMatch(/^plan\.json: not valid JSON: /);
  });

  it('planKpis without a type lists the KPIs of both types once each', () => {
    const p = parsePlan(`corporate:
  target_bonus: { amount: 1, per: year }
  kpis: [ { metric: loan_adb, weight: 50 }, { metric: fee_income, weight: 50 } ]
personal:
  target_bonus: { amount: 1, per: year }
  kpis: [ { metric: fee_income, weight: 50 }, { metric: aum_adb, weight: 50 } ]
`, 'p.yaml');
    // corporate's two, then personal's aum_adb (fee_income is already listed)
    expect(planKpis(p)).toEqual(['loan_adb', 'fee_income', 'aum_adb']);
    expect(planKpis(p, 'personal')).toEqual(['fee_income', 'aum_adb']);
  });

  it('fmtP: a fraction as a percent, up to 4 decimals', () => {
    // 0.6 × 100 = 60; 0.0125 × 100 = 1.25; 0.12345678 × 100 = 12.345678 → 12.3457
    expect([fmtP(0.6), fmtP(0.0125), fmtP(0.12345678), fmtP(0)]).toEqual(['60%', '1.25%', '12.3457%', '0%']);
  });
});

describe('checks that must run, with their messages', () => {
  it('percents that are not percents, at each level', () => {
    const bad = (got: string) => `must be a percent (60 or "60%"), got ${got}`;
    expect(errorOf(oneKpi('', '  gate: x'))).toBe(`plan.yaml: personal.gate: ${bad('"x"')}`);
    expect(errorOf(oneKpi('', '  cap: x'))).toBe(`plan.yaml: personal.cap: ${bad('"x"')}`);
    expect(errorOf(oneKpi(', cap: x'))).toBe(`plan.yaml: personal.kpis[0].cap: ${bad('"x"')}`);
    expect(errorOf('personal:\n  npl_deduction: [ { off: x } ]\n')).toBe(`plan.yaml: personal.npl_deduction[0].off: ${bad('"x"')}`);
  });

  it('a negative gate, at the rm level and at the KPI level', () => {
    expect(errorOf(oneKpi('', '  gate: -5'))).toBe('plan.yaml: personal.gate: must not be negative');
    expect(errorOf(oneKpi(', gate: "-5%"'))).toBe('plan.yaml: personal.kpis[0].gate: must not be negative, got "-5%"');
  });

  it('a cap of 0 or below', () => {
    expect(errorOf(oneKpi('', '  cap: 0'))).toBe('plan.yaml: personal.cap: must be above 0%');
    expect(errorOf(oneKpi(', cap: -10'))).toBe('plan.yaml: personal.kpis[0].cap: must be above 0%, got -10');
    expect(errorOf(oneKpi(', cap: 0'))).toBe('plan.yaml: personal.kpis[0].cap: must be above 0%, got 0');
  });

  it('gate above the cap by a little', () => {
    expect(errorOf(oneKpi('', '  gate: 120.5\n  cap: 120'))).toBe('plan.yaml: personal.gate: gate 120.5% is above the cap 120%');
    expect(errorOf(oneKpi(', gate: 80.01, cap: 80'))).toBe('plan.yaml: personal.kpis[0].gate: gate 80.01% is above the cap 80%');
    // rm-level cap inherited, KPI gate above it: the gate is blamed
    expect(errorOf(oneKpi(', gate: 90', '  cap: 80'))).toBe('plan.yaml: personal.kpis[0].gate: gate 90% is above the cap 80%');
  });

  it('an NPL deduction just above 100%', () => {
    expect(errorOf('personal:\n  npl_deduction: [ { off: 100.01 } ]\n')).toBe('plan.yaml: personal.npl_deduction[0].off: cannot take more than 100% off, got 100.01%');
  });

  it('an empty band list', () => {
    expect(errorOf(curve('[]'))).toBe('plan.yaml: personal.kpis[0].curve.bands: needs at least one band');
    expect(errorOf('personal:\n  npl_deduction: []\n')).toBe('plan.yaml: personal.npl_deduction: needs at least one band');
  });

  it('a negative band bound', () => {
    expect(errorOf(curve('[ { from: -10, rate: 1 } ]'))).toBe('plan.yaml: personal.kpis[0].curve.bands[0].from: must not be negative, got -10');
    expect(errorOf(curve('[ { to: "-10%", rate: 1 }, { rate: 1 } ]'))).toBe('plan.yaml: personal.kpis[0].curve.bands[0].to: must not be negative, got "-10%"');
    expect(errorOf(commission('[ { to: -1, rate: 1 }, { rate: 1 } ]'))).toBe('plan.yaml: personal.commissions[0].curve.bands[0].to: must not be negative, got -1');
  });

  it('the first band must start at 0', () => {
    expect(errorOf(commission('[ { from: 0.5, rate: 1 } ]'))).toBe('plan.yaml: personal.commissions[0].curve.bands[0].from: the first band must start at 0 (gap from 0 to 0.5)');
  });

  it('overlap, gap and empty band in metric units', () => {
    expect(errorOf(commission('[ { to: 100, rate: 1 }, { from: 99.5, rate: 1 } ]')))
      .toBe('plan.yaml: personal.commissions[0].curve.bands[1].from: overlaps personal.commissions[0].curve.bands[0], which ends at 100');
    expect(errorOf(commission('[ { to: 100, rate: 1 }, { from: 100.5, rate: 1 } ]')))
      .toBe('plan.yaml: personal.commissions[0].curve.bands[1].from: gap between 100 (end of personal.commissions[0].curve.bands[0]) and 100.5');
    expect(errorOf(commission('[ { to: 100, rate: 1 }, { to: 100, rate: 1 }, { rate: 1 } ]')))
      .toBe('plan.yaml: personal.commissions[0].curve.bands[1].to: must be above from (100), got 100');
    expect(errorOf(curve('[ { to: 0, rate: 1 }, { rate: 1 } ]')))
      .toBe('plan.yaml: personal.kpis[0].curve.bands[0].to: must be above from (0%), got 0%');
  });

  it('an inner band without `to` after an open one', () => {
    expect(errorOf(commission('[ { to: 10, rate: 1 }, { rate: 1 }, { rate: 2 } ]')))
      .toBe('plan.yaml: personal.commissions[0].curve.bands[1].to: missing required field (only the last band may be open-ended)');
  });

  it('a KPI weight of 0 or below', () => {
    expect(errorOf(oneKpi('').replace('weight: 100', 'weight: "-10%"'))).toBe('plan.yaml: personal.kpis[0].weight: must be above 0%, got "-10%"');
  });

  it('negative amounts, floors and per_units', () => {
    expect(errorOf('personal:\n  target_bonus: { amount: -1, per: year }\n  events: {}\n')).toBe('plan.yaml: personal.target_bonus.amount: must not be negative, got -1');
    expect(errorOf('personal:\n  pricing: [ { metric: new_customers, price: 1, per: year, floor: -2 } ]\n')).toBe('plan.yaml: personal.pricing[0].floor: must not be negative, got -2');
    expect(errorOf('personal:\n  pricing: [ { metric: new_customers, price: 1, per: year, per_units: -5 } ]\n')).toBe('plan.yaml: personal.pricing[0].per_units: must be above 0, got -5');
    expect(errorOf('personal:\n  pricing: [ { metric: new_customers, price: 1, per: year, per_units: x } ]\n')).toBe('plan.yaml: personal.pricing[0].per_units: must be a number, got "x"');
  });
});

describe('percent and rate strings', () => {
  it('a percent must be the whole string', () => {
    expect(errorOf(oneKpi(', gate: "60%junk"'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got "60%junk"');
    expect(errorOf(oneKpi(', gate: "junk60%"'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got "junk60%"');
    expect(errorOf(oneKpi(', gate: "60"'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got "60"');
    expect(errorOf(oneKpi(', gate: "6.%"'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got "6.%"');
    expect(errorOf(oneKpi(', gate: .inf'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got null');
    expect(errorOf(oneKpi(', gate: true'))).toBe('plan.yaml: personal.kpis[0].gate: must be a percent (60 or "60%"), got true');
  });

  it('a rate must be a number or a whole percent string, not negative', () => {
    const msg = (got: string) => `plan.yaml: personal.kpis[0].curve.bands[0].rate: must be a number (1.4) or a percent string ("5%"), got ${got}`;
    expect(errorOf(curve('[ { rate: "5%x" } ]'))).toBe(msg('"5%x"'));
    expect(errorOf(curve('[ { rate: "x5%" } ]'))).toBe(msg('"x5%"'));
    expect(errorOf(curve('[ { rate: "1.4" } ]'))).toBe(msg('"1.4"'));
    expect(errorOf(curve('[ { rate: .nan } ]'))).toBe(msg('null'));
    expect(errorOf(curve('[ { rate: [1] } ]'))).toBe(msg('[1]'));
    expect(errorOf(curve('[ { rate: "-5%" } ]'))).toBe('plan.yaml: personal.kpis[0].curve.bands[0].rate: negative rate "-5%": rates must be ≥ 0');
    // 0 is allowed: 0 ≥ 0
    expect(personal(curve('[ { rate: 0 } ]')).kpis[0].curve.bands[0].rate).toBe(0);
    expect(personal(curve('[ { rate: "0%" } ]')).kpis[0].curve.bands[0].rate).toBe(0);
  });
});

describe('shapes and names', () => {
  it('mappings, lists and text where they belong', () => {
    expect(errorOf('personal: 5\n')).toBe('plan.yaml: personal: must be a mapping of keys to values, got 5');
    expect(errorOf('personal: "x"\n')).toBe('plan.yaml: personal: must be a mapping of keys to values, got "x"');
    expect(errorOf('- 1\n- 2\n')).toBe('plan.yaml: must be a mapping of keys to values, got [1,2]');
    expect(errorOf('personal:\n  commissions: { metric: fee_income }\n')).toBe('plan.yaml: personal.commissions: must be a list, got {"metric":"fee_income"}');
    expect(errorOf('personal:\n  pricing: 3\n')).toBe('plan.yaml: personal.pricing: must be a list, got 3');
    expect(errorOf('personal:\n  events: [ a ]\n')).toBe('plan.yaml: personal.events: must be a mapping of event name to CNY per event, got ["a"]');
    expect(errorOf('name: 5\npersonal:\n  events: {}\n')).toBe('plan.yaml: name: must be text, got 5');
    expect(errorOf('description: [x]\npersonal:\n  events: {}\n')).toBe('plan.yaml: description: must be text, got ["x"]');
    expect(errorOf('personal:\n  npl_deduction: [ 5 ]\n')).toBe('plan.yaml: personal.npl_deduction[0]: must be a mapping of keys to values, got 5');
    expect(errorOf('personal:\n  npl_deduction: [ ~ ]\n')).toBe('plan.yaml: personal.npl_deduction[0]: must be a mapping of keys to values, got null');
    expect(errorOf('personal:\n  events: { a: .nan }\n')).toBe('plan.yaml: personal.events.a: must be a number, got null');
  });

  it('unknown keys list what is allowed', () => {
    expect(errorOf('personal:\n  bonus: 1\n')).toBe('plan.yaml: personal.bonus: unknown key (allowed: target_bonus, gate, cap, curve, kpis, commissions, pricing, npl_deduction, events, deferral)');
    expect(errorOf(oneKpi(', target: 5'))).toBe('plan.yaml: personal.kpis[0].target: unknown key (allowed: metric, weight, gate, cap, direction, curve)');
    expect(errorOf('personal:\n  npl_deduction: [ { rate: 5 } ]\n')).toBe('plan.yaml: personal.npl_deduction[0].rate: unknown key (allowed: from, to, off)');
    expect(errorOf('personal:\n  pricing: [ { metric: fee_income, price: 1, per: year, cap: 5 } ]\n'))
      .toBe('plan.yaml: personal.pricing[0].cap: unknown key (allowed: metric, price, per_units, per, floor)');
    expect(errorOf('personal:\n  target_bonus: { amount: 1, per: year, cap: 5 }\n')).toBe('plan.yaml: personal.target_bonus.cap: unknown key (allowed: amount, per)');
    expect(errorOf('personal:\n  commissions: [ { metric: fee_income, curve: { method: flat, bands: [ { rate: 1 } ] }, rate: 1 } ]\n'))
      .toBe('plan.yaml: personal.commissions[0].rate: unknown key (allowed: metric, curve)');
    expect(errorOf(curve('[ { rate: 1 } ], kind: x'))).toBe('plan.yaml: personal.kpis[0].curve.kind: unknown key (allowed: method, bands)');
  });

  it('missing required fields, including a null one', () => {
    expect(errorOf('personal:\n  commissions: [ { metric: fee_income } ]\n')).toBe('plan.yaml: personal.commissions[0].curve: missing required field');
    expect(errorOf('personal:\n  commissions: [ { curve: { method: flat, bands: [ { rate: 1 } ] } } ]\n')).toBe('plan.yaml: personal.commissions[0].metric: missing required field');
    expect(errorOf('personal:\n  pricing: [ { metric: fee_income, price: null, per: year } ]\n')).toBe('plan.yaml: personal.pricing[0].price: missing required field');
    expect(errorOf('personal:\n  target_bonus: { per: year }\n')).toBe('plan.yaml: personal.target_bonus.amount: missing required field');
    expect(errorOf(curve('[ { to: 100, rate: 1 }, { rate: 1 } ]').replace('method: marginal, ', ''))).toBe('plan.yaml: personal.kpis[0].curve.method: missing required field');
    expect(errorOf(curve('[ { rate: 1 } ]').replace(', bands: [ { rate: 1 } ]', ''))).toBe('plan.yaml: personal.kpis[0].curve.bands: missing required field');
  });

  it('enums and metric names', () => {
    expect(errorOf(curve('[ { rate: 1 } ]').replace('marginal', 'stepped'))).toBe('plan.yaml: personal.kpis[0].curve.method: must be one of marginal, flat, got "stepped"');
    expect(errorOf('personal:\n  pricing: [ { metric: fee_income, price: 1, per: 3 } ]\n')).toBe('plan.yaml: personal.pricing[0].per: must be one of year, half, quarter, month, period, got 3');
    expect(errorOf(oneKpi('').replace('deposit_adb', 'deposits'))).toBe('plan.yaml: personal.kpis[0].metric: "deposits" is a KPI that no metric provides (known metrics: '
      + 'deposit_adb, deposit_adb_growth, aum_adb, loan_adb, fee_income, customers, new_customers, loan_balance, npl_balance, npl_ratio, contribution)');
    expect(errorOf(oneKpi('').replace('deposit_adb', '5'))).toMatch(/^plan\.yaml: personal\.kpis\[0\]\.metric: 5 is a KPI that no metric provides/);
  });

  it('unparseable text: only the first line of the parser message', () => {
    // the YAML parser's message runs over several lines (it quotes the text); the first names the place
    const yaml = errorOf('personal: [unclosed\n  x: {', 'plan.yaml');
    expect(yaml).toBe('plan.yaml: not valid YAML: Implicit keys of flow sequence pairs need to be on a single line at line 1, column 12:');
    expect(errorOf('{ "personal": ', 'plan.json')).toBe('plan.json: not valid JSON: Unexpected end of JSON input');
    // neither JSON nor YAML under another name: the YAML message
    expect(errorOf('a: [\n', 'plan.txt')).toMatch(/^plan\.txt: not valid YAML: \S/);
    expect(errorOf('~\n', 'plan.yaml')).toBe('plan.yaml: the plan file is empty');
    expect(errorOf('personal: null\ncorporate: ~\n', 'plan.yaml')).toBe('plan.yaml: the plan defines neither `corporate` nor `personal`');
  });
});
