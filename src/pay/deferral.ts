/**
 * Deferred pay (plan `deferral:`): a share of variable pay held back and released in equal
 * yearly parts on the anniversaries of the period's last day. Pure.
 */
import { roundHalfAway } from '../incentive/pay.js';
import type { DeferralSpec } from '../incentive/plan.js';

export interface DeferralPart {
  part: number; // 1-based
  parts: number;
  release_on: string;
  amount_fen: number;
}

/** The same day `months` months later; a day the month lacks becomes its last (01-31 + 1 → 02-28). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The deferred amount: share × variable pay, rounded half away to the fen once. */
export function deferredFen(variableFen: number, spec: DeferralSpec): number {
  return variableFen > 0 ? roundHalfAway(variableFen * spec.share) : 0;
}

/**
 * `amount` fen in `years` parts that add up exactly: each part is floor(amount ÷ years) and the
 * remainder (fewer fen than parts) goes one fen each to the first parts. Part k is released
 * k years after `periodEnd`.
 */
export function splitDeferral(amountFen: number, years: number, periodEnd: string): DeferralPart[] {
  const base = Math.floor(amountFen / years);
  const rem = amountFen - base * years;
  return Array.from({ length: years }, (_, i) => ({
    part: i + 1, parts: years, release_on: addMonths(periodEnd, 12 * (i + 1)), amount_fen: base + (i < rem ? 1 : 0),
  }));
}
