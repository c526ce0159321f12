/**
 * Budget scaling (plan `budget:`): every RM's variable pay times one factor, so that the
 * variable pay of all RMs adds up to the budget exactly. Pure.
 *
 * Largest remainder: RM i gets floor(v_i × B ÷ V) fen; the fen left over (fewer than the
 * number of RMs) go one each to the largest remainders (ties: RM id order). Integer arithmetic
 * in BigInt, so no product of two fen amounts loses a digit.
 */
import { fmtFen, proRate, roundHalfAway, type PayResult, type StatementLine } from '../incentive/pay.js';
import type { BudgetSpec } from '../incentive/plan.js';

/** The budget of a period of `months` months, in fen (rounded half away once). */
export function budgetFen(b: BudgetSpec, months: number): number {
  return roundHalfAway(b.variable * 100 * proRate(b.per, months).factor);
}

/** Largest-remainder split of `total` fen in proportion to `weights` (fen, ≥ 0, not all 0). */
export function largestRemainder(weights: { id: string; fen: number }[], total: number): Map<string, number> {
  const sum = weights.reduce((s, w) => s + BigInt(w.fen), 0n);
  const parts = weights.map((w) => {
    const num = BigInt(w.fen) * BigInt(total);
    return { id: w.id, floor: num / sum, rem: num % sum };
  });
  let left = BigInt(total) - parts.reduce((s, p) => s + p.floor, 0n);
  const order = [...parts].sort((a, b) => (a.rem === b.rem ? a.id.localeCompare(b.id) : a.rem > b.rem ? -1 : 1));
  const extra = new Set<string>();
  for (const p of order) {
    if (left <= 0n) break;
    extra.add(p.id);
    left--;
  }
  return new Map(parts.map((p) => [p.id, Number(p.floor) + (extra.has(p.id) ? 1 : 0)]));
}

export interface BudgetOutcome {
  budget_fen: number;
  /** Σ variable pay before scaling. */
  before_fen: number;
  /** budget ÷ before; null when nothing was scaled (no variable pay to scale). */
  factor: number | null;
}

/**
 * Scales the pay results in place: each RM with variable pay gets a `budget` line (scaled −
 * unscaled), so its lines still add up to its total.
 */
export function scaleToBudget(pays: PayResult[], b: BudgetSpec, months: number): BudgetOutcome {
  const target = budgetFen(b, months);
  const before = pays.reduce((s, p) => s + p.variable_fen, 0);
  if (before <= 0) return { budget_fen: target, before_fen: before, factor: null };
  const factor = target / before;
  const scaled = largestRemainder(pays.map((p) => ({ id: p.rm_id, fen: p.variable_fen })), target);
  for (const p of pays) {
    const now = scaled.get(p.rm_id) as number;
    const line: StatementLine = {
      kind: 'budget', metric: 'variable_pay', actual: null, target: null, attainment: null, amount_fen: now - p.variable_fen,
      rule: `budget ${fmtFen(target)} CNY ÷ variable pay of all RMs ${fmtFen(before)} CNY = factor ${factor.toFixed(6)}; `
        + `${fmtFen(p.variable_fen)} × factor = ${fmtFen(now)} CNY (largest remainder to the fen)`,
      rule_zh: `预算 ${fmtFen(target)} 元 ÷ 全体客户经理绩效薪酬 ${fmtFen(before)} 元 = 系数 ${factor.toFixed(6)}；`
        + `${fmtFen(p.variable_fen)} × 系数 = ${fmtFen(now)} 元（最大余数法分配到分）`,
    };
    if (p.variable_fen !== 0 || now !== 0) p.lines.push(line);
    p.variable_fen = now;
    p.total_fen = p.base_fen + now;
  }
  return { budget_fen: target, before_fen: before, factor };
}
