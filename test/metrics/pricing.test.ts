import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING, contribution, parsePricing } from '../../src/metrics/pricing.js';
import { usageError as usage } from '../helpers.js';


describe('DEFAULT_PRICING (metrics.md "Customer value")', () => {
  it('has the spec spreads, channel costs in fen, risk rates', () => {
    expect(DEFAULT_PRICING.spreads).toEqual({
      demand_deposit: 0.02, time_deposit: 0.01, wealth: 0.006, fund: 0.008,
      insurance: 0.01, bond: 0.003, loan: 0.018, credit_card: 0.08,
    });
    // 8.00 CNY = 800 fen, 1.70 CNY = 170 fen, 0.35 CNY = 35 fen
    expect(DEFAULT_PRICING.channel_cost_fen).toEqual({ counter: 800, self_service: 170, e_banking: 35 });
    expect(DEFAULT_PRICING.risk_rates).toEqual({
      normal: 0.01, special_mention: 0.02, substandard: 0.25, doubtful: 0.5, loss: 1,
    });
  });
});

describe('parsePricing', () => {
  it('a partial YAML file overrides only what it names', () => {
    const p = parsePricing('spreads:\n  loan: "2.5%"\n  wealth: 0.007\nchannel_cost:\n  counter: 10.5\n', 'p.yaml');
    expect(p.spreads.loan).toBeCloseTo(0.025, 12); // "2.5%" = 2.5 / 100
    expect(p.spreads.wealth).toBe(0.007);
    expect(p.spreads.demand_deposit).toBe(0.02); // default kept
    expect(p.channel_cost_fen.counter).toBe(1050); // 10.50 CNY × 100
    expect(p.channel_cost_fen.e_banking).toBe(35); // default kept
    expect(p.risk_rates).toEqual(DEFAULT_PRICING.risk_rates);
  });

  it('reads JSON by file extension', () => {
    const p = parsePricing('{"risk_rates": {"substandard": 0.3}}', 'p.json');
    expect(p.risk_rates.substandard).toBe(0.3);
    expect(p.risk_rates.normal).toBe(0.01);
  });

  it('does not mutate the defaults', () => {
    parsePricing('spreads: {loan: 0.5}', 'p.yaml');
    expect(DEFAULT_PRICING.spreads.loan).toBe(0.018);
  });

  it.each([
    ['spreads: {loan: 2}', 'spreads.loan', 'between -1 and 1'], // 2 would mean 200%
    ['spreads: {loan: abc}', 'spreads.loan', 'fraction'],
    ['spreads: {mortgage: 0.01}', 'spreads.mortgage', 'unknown key'],
    ['spreads: [1, 2]', 'spreads', 'mapping'],
    ['channel_cost: {counter: -1}', 'channel_cost.counter', 'negative'],
    ['channel_cost: {counter: 1.234}', 'channel_cost.counter', '2 decimals'],
    ['channel_cost: {atm: 1}', 'channel_cost.atm', 'unknown key'],
    ['risk_rates: {loss: 1.5}', 'risk_rates.loss', 'between 0 and 1'],
    ['risk_rates: {normal: -0.01}', 'risk_rates.normal', 'between 0 and 1'],
    ['risk_rate: {normal: 0.01}', 'risk_rate', 'unknown key'],
  ])('rejects %s naming file and field %s', (text, field, problem) => {
    const e = usage(() => parsePricing(text, 'pricing.yaml'));
    expect(e.message).toContain('pricing.yaml');
    expect(e.message).toContain(`field ${field}:`);
    expect(e.message).toContain(problem);
    expect(e.exitCode).toBe(2);
  });

  it('rejects unparsable, empty and non-mapping files', () => {
    expect(usage(() => parsePricing('{bad', 'x.json')).message).toMatch(/^x\.json: cannot parse/);
    expect(usage(() => parsePricing('spreads: [\n', 'x.yaml')).message).toMatch(/^x\.yaml: cannot parse/);
    expect(usage(() => parsePricing('', 'x.yaml')).message).toBe('x.yaml: file is empty');
    expect(usage(() => parsePricing('- 1\n', 'x.yaml')).message).toMatch(/^x\.yaml: top level must be a mapping/);
  });
});

describe('contribution', () => {
  it('computes NII + fee − channel − risk for a 73-day window (f = 73/365 = 0.2)', () => {
    const parts = contribution({
      days: 73,
      accounts: [
        { product_type: 'demand_deposit', adb_fen: 1_000_000 }, // 1,000,000 × 0.02 × 0.2 = 4,000
        { product_type: 'loan', adb_fen: 5_000_000, loan_class: 'substandard' }, // NII 5,000,000 × 0.018 × 0.2 = 18,000; risk × 0.25 × 0.2 = 250,000
        { product_type: 'credit_card', adb_fen: 100_000 }, // NII 100,000 × 0.08 × 0.2 = 1,600; risk (normal) × 0.01 × 0.2 = 200
      ],
      fee_fen: 3_000,
      txn: { counter: 2, e_banking: 10 }, // 2 × 800 + 10 × 35 = 1,950
    });
    expect(parts.net_interest_fen).toBeCloseTo(4_000 + 18_000 + 1_600, 6); // 23,600
    expect(parts.risk_cost_fen).toBeCloseTo(250_000 + 200, 6); // 250,200
    expect(parts.channel_cost_fen).toBe(1_950);
    // 23,600 + 3,000 − 1,950 − 250,200 = −225,550
    expect(parts.contribution_fen).toBeCloseTo(-225_550, 6);
  });
});

describe('samples/pricing.yaml', () => {
  it('holds exactly the defaults', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../samples/pricing.yaml', import.meta.url), 'utf8');
    expect(parsePricing(text, 'samples/pricing.yaml')).toEqual(DEFAULT_PRICING);
  });
});
