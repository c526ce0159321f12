/** The edges of the pricing file: a cost of exactly 0, and the field each error names. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING, contribution, parsePricing } from '../../src/metrics/pricing.js';
import { usageError as usage } from '../helpers.js';

const message = (text: string) => usage(() => parsePricing(text, 'pricing.yaml')).message;

describe('parsePricing edges', () => {
  it('a channel cost of exactly 0 is allowed and costs nothing', () => {
    const p = parsePricing('channel_cost: { e_banking: 0 }\n', 'pricing.yaml');
    expect(p.channel_cost_fen).toEqual({ ...DEFAULT_PRICING.channel_cost_fen, e_banking: 0 });
    // 10 e-banking transactions × 0 fen + 1 counter × 800 fen = 800 fen
    expect(contribution({ days: 365, accounts: [], fee_fen: 0, txn: { e_banking: 10, counter: 1 } }, p).channel_cost_fen).toBe(800);
  });

  it('a negative channel cost names the field and the value', () => {
    expect(message('channel_cost: { e_banking: -0.01 }\n')).toBe('pricing.yaml: field channel_cost.e_banking: must not be negative, got -0.01');
  });

  it('a section that is not a mapping names the section', () => {
    expect(message('channel_cost: 5\n')).toBe('pricing.yaml: field channel_cost: must be a mapping');
    expect(message('risk_rates: [0.01]\n')).toBe('pricing.yaml: field risk_rates: must be a mapping');
    expect(message('spreads: x\n')).toBe('pricing.yaml: field spreads: must be a mapping');
  });

  it('an unknown key inside a section names the section', () => {
    expect(message('risk_rates: { bad: 0.5 }\n'))
      .toBe('pricing.yaml: field risk_rates.bad: unknown key (expected one of: normal, special_mention, substandard, doubtful, loss)');
    expect(message('channel_cost: { atm: 1 }\n')).toBe('pricing.yaml: field channel_cost.atm: unknown key (expected one of: counter, self_service, e_banking)');
  });
});
