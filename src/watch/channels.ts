/**
 * Channels per tier and month (docs/watch.md): transactions by channel, the e-banking share, the
 * channel cost per customer (metrics.md unit costs), and the customers whose main channel moved
 * from the counter to e-banking between the first and the last month, with the cost that saved.
 * Pure: money in fen, shares as fractions.
 */
import type { CustomerType } from '../types.js';

/** One customer's transactions by channel in one month. */
export interface ChannelCounts {
  counter: number;
  self_service: number;
  e_banking: number;
}

export interface ChannelCustomer {
  customer_id: string;
  customer_type: CustomerType;
  tier: string;
  /** Per month (the report's months, in order): the customer's counts, or undefined without a transaction. */
  months: (ChannelCounts | undefined)[];
}

export interface ChannelRow extends ChannelCounts {
  customer_type: CustomerType;
  tier: string;
  month: string;
  /** Customers of the tier, and those of them with a transaction in the month. */
  customers: number;
  active: number;
  /** e_banking ÷ all three channels; null without a transaction. */
  e_banking_share: number | null;
  channel_cost: number;
  /** channel_cost ÷ customers of the tier; null without customers. */
  cost_per_customer: number | null;
}

export interface ChannelMove {
  customer_type: CustomerType;
  tier: string;
  /** Customers whose main channel was the counter in the first month and e-banking in the last. */
  moved: number;
  /** Their transactions in the last month. */
  transactions: number;
  /** Σ their last-month transactions × (their first month's cost per transaction − their last month's), fen. */
  saved: number;
}

export interface UnitCosts {
  counter: number;
  self_service: number;
  e_banking: number;
}

const costOf = (c: ChannelCounts, u: UnitCosts) => c.counter * u.counter + c.self_service * u.self_service + c.e_banking * u.e_banking;
const countOf = (c: ChannelCounts) => c.counter + c.self_service + c.e_banking;

/** The channel with most transactions (ties: counter, then self-service); null without any. */
export function mainChannel(c: ChannelCounts | undefined): keyof ChannelCounts | null {
  if (!c || countOf(c) === 0) return null;
  if (c.counter >= c.self_service && c.counter >= c.e_banking) return 'counter';
  return c.self_service >= c.e_banking ? 'self_service' : 'e_banking';
}

/**
 * Rows per type, tier (in `order`) and month; moves per type and tier. One pass over the
 * customers (any iterable: a report's population yields them one at a time), each added to its
 * tier's sums in the order given.
 */
export function channelMix(customers: Iterable<ChannelCustomer>, months: readonly string[], order: Record<CustomerType, string[]>, unit: UnitCosts): { rows: ChannelRow[]; moves: ChannelMove[] } {
  const types: CustomerType[] = ['personal', 'corporate'];
  const groups = types.flatMap((type) => order[type].map((tier) => ({
    type, tier, customers: 0,
    months: months.map(() => ({ sum: { counter: 0, self_service: 0, e_banking: 0 } as ChannelCounts, active: 0 })),
    move: { customer_type: type, tier, moved: 0, transactions: 0, saved: 0 } as ChannelMove,
  })));
  const at = new Map(groups.map((g, i) => [`${g.type}\u0001${g.tier}`, i]));
  const last = months.length - 1;
  for (const c of customers) {
    const i = at.get(`${c.customer_type}\u0001${c.tier}`);
    if (i === undefined) continue;
    const g = groups[i];
    g.customers++;
    months.forEach((_, k) => {
      const m = c.months[k];
      if (!m || countOf(m) === 0) return;
      const x = g.months[k];
      x.active++;
      x.sum.counter += m.counter;
      x.sum.self_service += m.self_service;
      x.sum.e_banking += m.e_banking;
    });
    if (months.length < 2) continue;
    const first = c.months[0];
    const end = c.months[last];
    if (mainChannel(first) !== 'counter' || mainChannel(end) !== 'e_banking') continue;
    const n = countOf(end!);
    g.move.moved++;
    g.move.transactions += n;
    g.move.saved += n * (costOf(first!, unit) / countOf(first!)) - costOf(end!, unit);
  }
  const rows: ChannelRow[] = groups.flatMap((g) => months.map((month, k): ChannelRow => {
    const { sum, active } = g.months[k];
    const n = countOf(sum);
    const cost = costOf(sum, unit);
    return { customer_type: g.type, tier: g.tier, month, customers: g.customers, active, ...sum, e_banking_share: n ? sum.e_banking / n : null, channel_cost: cost, cost_per_customer: g.customers ? cost / g.customers : null };
  }));
  return { rows, moves: groups.map((g) => g.move) };
}
