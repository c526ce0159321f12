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

/** Rows per type, tier (in `order`) and month; moves per type and tier. */
export function channelMix(customers: readonly ChannelCustomer[], months: readonly string[], order: Record<CustomerType, string[]>, unit: UnitCosts): { rows: ChannelRow[]; moves: ChannelMove[] } {
  const rows: ChannelRow[] = [];
  const moves: ChannelMove[] = [];
  for (const type of ['personal', 'corporate'] as CustomerType[]) {
    for (const tier of order[type]) {
      const mine = customers.filter((c) => c.customer_type === type && c.tier === tier);
      months.forEach((month, k) => {
        const sum: ChannelCounts = { counter: 0, self_service: 0, e_banking: 0 };
        let active = 0;
        for (const c of mine) {
          const m = c.months[k];
          if (!m || countOf(m) === 0) continue;
          active++;
          sum.counter += m.counter;
          sum.self_service += m.self_service;
          sum.e_banking += m.e_banking;
        }
        const n = countOf(sum);
        const cost = costOf(sum, unit);
        rows.push({ customer_type: type, tier, month, customers: mine.length, active, ...sum, e_banking_share: n ? sum.e_banking / n : null, channel_cost: cost, cost_per_customer: mine.length ? cost / mine.length : null });
      });
      const move: ChannelMove = { customer_type: type, tier, moved: 0, transactions: 0, saved: 0 };
      if (months.length >= 2) {
        for (const c of mine) {
          const first = c.months[0];
          const last = c.months[months.length - 1];
          if (mainChannel(first) !== 'counter' || mainChannel(last) !== 'e_banking') continue;
          const n = countOf(last!);
          move.moved++;
          move.transactions += n;
          move.saved += n * (costOf(first!, unit) / countOf(first!)) - costOf(last!, unit);
        }
      }
      moves.push(move);
    }
  }
  return { rows, moves };
}
