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
});
