/**
 * Pricing used for customer value (contribution, 风险调整后利润), metrics.md "Customer value".
 * A pricing file (YAML or JSON) may override any subset of the defaults.
 */
import { CHANNELS, isLoan, LOAN_CLASSES, PRODUCT_TYPES, type Channel, type LoanClass, type ProductType } from '../types.js';
import { FieldReader, parseConfigText } from '../segment/config-file.js';

export interface Pricing {
  /** Annual net interest spread per product type, as a fraction (0.02 = 2%). */
  spreads: Record<ProductType, number>;
  /** Cost per transaction per channel, in fen. */
  channel_cost_fen: Record<Channel, number>;
  /** Annual risk cost rate per loan class, as a fraction; a missing class counts as `normal`. */
  risk_rates: Record<LoanClass, number>;
}


export const DEFAULT_PRICING: Readonly<Pricing> = Object.freeze({
  spreads: Object.freeze({
    demand_deposit: 0.02,
    time_deposit: 0.01,
    wealth: 0.006,
    fund: 0.008,
    insurance: 0.01,
    bond: 0.003,
    loan: 0.018,
    credit_card: 0.08,
  }),
  channel_cost_fen: Object.freeze({ counter: 800, self_service: 170, e_banking: 35 }),
  risk_rates: Object.freeze({ normal: 0.01, special_mention: 0.02, substandard: 0.25, doubtful: 0.5, loss: 1 }),
}) as Readonly<Pricing>;

/** A fresh, mutable copy of the defaults. */
export function defaultPricing(): Pricing {
  return {
    spreads: { ...DEFAULT_PRICING.spreads },
    channel_cost_fen: { ...DEFAULT_PRICING.channel_cost_fen },
    risk_rates: { ...DEFAULT_PRICING.risk_rates },
  };
}

/**
 * Parse a pricing file. Keys (all optional; whatever is omitted keeps its default):
 *   spreads:      { <product_type>: fraction | "n%" }   annual, between -1 and 1
 *   channel_cost: { <channel>: CNY per transaction }    >= 0, at most 2 decimals
 *   risk_rates:   { <loan_class>: fraction | "n%" }     annual, between 0 and 1
 */
export function parsePricing(text: string, fileName: string): Pricing {
  const data = parseConfigText(text, fileName);
  const r = new FieldReader(fileName);
  r.keys(data, null, ['spreads', 'channel_cost', 'risk_rates']);
  const p = defaultPricing();

  if (data.spreads !== undefined) {
    const o = r.obj(data.spreads, 'spreads');
    r.keys(o, 'spreads', PRODUCT_TYPES);
    for (const k of PRODUCT_TYPES) {
      if (o[k] !== undefined) p.spreads[k] = r.rate(o[k], `spreads.${k}`, -1, 1);
    }
  }
  if (data.channel_cost !== undefined) {
    const o = r.obj(data.channel_cost, 'channel_cost');
    r.keys(o, 'channel_cost', CHANNELS);
    for (const k of CHANNELS) {
      if (o[k] === undefined) continue;
      const fen = r.cnyToFen(o[k], `channel_cost.${k}`);
      if (fen < 0) r.fail(`channel_cost.${k}`, `must not be negative, got ${String(o[k])}`);
      p.channel_cost_fen[k] = fen;
    }
  }
  if (data.risk_rates !== undefined) {
    const o = r.obj(data.risk_rates, 'risk_rates');
    r.keys(o, 'risk_rates', LOAN_CLASSES);
    for (const k of LOAN_CLASSES) {
      if (o[k] !== undefined) p.risk_rates[k] = r.rate(o[k], `risk_rates.${k}`, 0, 1);
    }
  }
  return p;
}

/** Per-customer inputs for a contribution computed in code (the SQL path may compute it itself). */
export interface ContributionInput {
  /** Window length in days (D); f = D ÷ 365. */
  days: number;
  /** ADB in fen per account: product type and, for loans/cards, the loan class on the window's last day. */
  accounts: { product_type: ProductType; adb_fen: number; loan_class?: LoanClass | null }[];
  /** Σ fee of the customer's transactions posted in the window, fen. */
  fee_fen: number;
  /** Number of transactions in the window per channel. */
  txn: Partial<Record<Channel, number>>;
}

export interface ContributionParts {
  net_interest_fen: number;
  fee_fen: number;
  channel_cost_fen: number;
  risk_cost_fen: number;
  contribution_fen: number;
}

/** Contribution = NII + fee − channel cost − risk cost (fen, unrounded). */
export function contribution(input: ContributionInput, pricing: Pricing = DEFAULT_PRICING): ContributionParts {
  const f = input.days / 365;
  let nii = 0;
  let risk = 0;
  for (const a of input.accounts) {
    nii += a.adb_fen * pricing.spreads[a.product_type] * f;
    if (isLoan(a.product_type)) {
      risk += a.adb_fen * pricing.risk_rates[a.loan_class ?? 'normal'] * f;
    }
  }
  let channel = 0;
  for (const c of CHANNELS) channel += (input.txn[c] ?? 0) * pricing.channel_cost_fen[c];
  return {
    net_interest_fen: nii,
    fee_fen: input.fee_fen,
    channel_cost_fen: channel,
    risk_cost_fen: risk,
    contribution_fen: nii + input.fee_fen - channel - risk,
  };
}
