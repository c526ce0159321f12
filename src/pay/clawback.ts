/**
 * Clawback (plan `clawback:`): when a loan credited in a closed period turns bad within the
 * window, rate × the loan's credited balance is taken from the RM's unreleased deferred pay,
 * the earliest release first, never below zero. Pure.
 */
import { roundHalfAway } from '../incentive/pay.js';

/** A deferral part not yet released, with what is left of it. */
export interface OpenPart {
  entry_id: number;
  rm_id: string;
  origin_period: string;
  release_on: string;
  remaining_fen: number;
}

export function clawbackWanted(balanceFen: number, rate: number): number {
  return balanceFen > 0 ? roundHalfAway(balanceFen * rate) : 0;
}

/**
 * Takes up to `wanted` fen from `parts` (reduced in place), earliest release first (then the
 * earlier entry). Returns what was taken from each part; the rest is a shortfall, not a debt.
 */
export function takeFromDeferred(wanted: number, parts: OpenPart[]): { entry_id: number; amount_fen: number }[] {
  const taken: { entry_id: number; amount_fen: number }[] = [];
  let left = wanted;
  const order = [...parts].sort((a, b) => a.release_on.localeCompare(b.release_on) || a.entry_id - b.entry_id);
  for (const p of order) {
    if (left <= 0) break;
    const amount = Math.min(left, p.remaining_fen);
    if (amount <= 0) continue;
    p.remaining_fen -= amount;
    left -= amount;
    taken.push({ entry_id: p.entry_id, amount_fen: amount });
  }
  return taken;
}
