/** Plan sections deferral, clawback and budget (docs/plan-format.md): parsed values and every refusal. */
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/incentive/plan.js';

const BASE = 'personal:\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]\ncorporate:\n  pricing: [{ metric: loan_adb, price: 1, per: month }]\n';
const parse = (extra: string) => parsePlan(`${extra}\n${BASE}`, 'p.yaml');
const fails = (extra: string, message: string) => expect(() => parse(extra)).toThrow(message);

describe('plan pay rules', () => {
  it('deferral: top level with applies_to, percents as fractions', () => {
    const p = parse('deferral: { share: 40%, years: 3, applies_to: [corporate] }');
    expect(p.deferral).toEqual({ corporate: { share: 0.4, years: 3 } });
    expect(parse('deferral: { share: 50, years: 2 }').deferral).toEqual({ corporate: { share: 0.5, years: 2 }, personal: { share: 0.5, years: 2 } });
  });

  it('deferral per RM type', () => {
    const p = parsePlan(`personal:\n  deferral: { share: 30%, years: 4 }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml');
    expect(p.deferral).toEqual({ personal: { share: 0.3, years: 4 } });
  });

  it('clawback and budget', () => {
    const p = parse('clawback: { classes: [substandard, doubtful, loss], within_months: 36, rate: 2% }\nbudget: { variable: 1200000, per: quarter }');
    expect(p.clawback).toEqual({ classes: ['substandard', 'doubtful', 'loss'], within_months: 36, rate: 0.02 });
    expect(p.budget).toEqual({ variable: 1200000, per: 'quarter' });
  });

  it('refusals name the field', () => {
    fails('deferral: { share: 0, years: 3 }', 'p.yaml: deferral.share: must be above 0% and at most 100%, got 0');
    fails('deferral: { share: 140%, years: 3 }', 'deferral.share: must be above 0% and at most 100%');
    fails('deferral: { share: 40%, years: 2.5 }', 'deferral.years: must be a whole number of years from 1 to 10, got 2.5');
    fails('deferral: { share: 40%, years: 3, applies_to: [retail] }', 'deferral.applies_to[0]: must be one of corporate, personal, got "retail"');
    fails('deferral: { share: 40% }', 'deferral.years: missing required field');
    fails('clawback: { classes: [bad], within_months: 36, rate: 1% }', 'clawback.classes[0]: must be one of normal, special_mention, substandard, doubtful, loss, got "bad"');
    fails('clawback: { classes: [], within_months: 36, rate: 1% }', 'clawback.classes: needs at least one loan class');
    fails('clawback: { classes: [loss], within_months: 0, rate: 1% }', 'clawback.within_months: must be a whole number of months ≥ 1, got 0');
    fails('clawback: { classes: [loss], within_months: 12, rate: 0 }', 'clawback.rate: must be above 0% and at most 100%, got 0');
    fails('budget: { variable: -5, per: month }', 'budget.variable: must not be negative, got -5');
    fails('budget: { variable: 5, per: week }', 'budget.per: must be one of year, half, quarter, month, period, got "week"');
    fails('budget: { amount: 5, per: month }', 'budget.amount: unknown key (allowed: variable, per)');
    expect(() => parsePlan(`deferral: { share: 40%, years: 3 }\npersonal:\n  deferral: { share: 30%, years: 4 }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml'))
      .toThrow('personal.deferral: the top-level deferral already applies to this RM type');
  });

  it('the limits themselves are allowed: a share of 100%, 1 and 10 years, a clawback within 1 month at 100%', () => {
    expect(parse('deferral: { share: 100%, years: 10 }').deferral).toEqual({ corporate: { share: 1, years: 10 }, personal: { share: 1, years: 10 } });
    expect(parse('deferral: { share: 1%, years: 1 }').deferral).toEqual({ corporate: { share: 0.01, years: 1 }, personal: { share: 0.01, years: 1 } });
    expect(parse('clawback: { classes: [loss], within_months: 1, rate: 100% }').clawback).toEqual({ classes: ['loss'], within_months: 1, rate: 1 });
    // A top-level deferral for corporate RMs only leaves personal RMs free to have their own.
    const p = parsePlan(`deferral: { share: 40%, years: 3, applies_to: [corporate] }\npersonal:\n  deferral: { share: 30%, years: 4 }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml');
    expect(p.deferral).toEqual({ corporate: { share: 0.4, years: 3 }, personal: { share: 0.3, years: 4 } });
  });

  it('just past the limits is refused, each message naming its field', () => {
    fails('deferral: { share: 40%, years: 11 }', 'p.yaml: deferral.years: must be a whole number of years from 1 to 10, got 11');
    fails('deferral: { share: 40%, years: 0 }', 'p.yaml: deferral.years: must be a whole number of years from 1 to 10, got 0');
    fails('deferral: { share: 100.01%, years: 3 }', 'p.yaml: deferral.share: must be above 0% and at most 100%');
    fails('deferral: { share: x, years: 3 }', 'p.yaml: deferral.share:');
    fails('deferral: { share: 40%, years: x }', 'p.yaml: deferral.years:');
    fails('clawback: { classes: [loss], within_months: 12, rate: 100.01% }', 'p.yaml: clawback.rate: must be above 0% and at most 100%');
    fails('clawback: { classes: [loss], within_months: 12, rate: x }', 'p.yaml: clawback.rate:');
    fails('clawback: { classes: [loss], within_months: x, rate: 1% }', 'p.yaml: clawback.within_months:');
    fails('clawback: { classes: loss, within_months: 12, rate: 1% }', 'p.yaml: clawback.classes:');
    fails('clawback: { within_months: 12, rate: 1% }', 'p.yaml: clawback.classes: missing required field');
    fails('clawback: { classes: [loss], within_months: 12, rate: 1%, extra: 1 }', 'p.yaml: clawback.extra: unknown key (allowed: classes, within_months, rate)');
    fails('budget: { variable: 5 }', 'p.yaml: budget.per: missing required field');
    fails('deferral: { share: 40%, years: 3, applies_to: corporate }', 'p.yaml: deferral.applies_to:');
    expect(() => parsePlan(`personal:\n  deferral: { share: 30%, years: 4, applies_to: [personal] }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml'))
      .toThrow('p.yaml: personal.deferral.applies_to: unknown key (allowed: share, years)');
    expect(() => parsePlan(`personal:\n  deferral: { share: 30% }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml'))
      .toThrow('p.yaml: personal.deferral.years: missing required field');
    expect(() => parsePlan(`personal:\n  deferral: { share: 0, years: 4 }\n  pricing: [{ metric: deposit_adb, price: 1, per: month }]`, 'p.yaml'))
      .toThrow('p.yaml: personal.deferral.share: must be above 0% and at most 100%, got 0');
  });
});
