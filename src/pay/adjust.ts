/**
 * Prior-period adjustments: a closed period's statement lines recomputed on today's data,
 * against what was paid for them (the frozen lines plus the adjustments paid since). Pure.
 */
import type { StatementLine } from '../incentive/pay.js';

/** A line's identity across recomputations: its kind and metric (`kpi:deposit_adb`). */
export const lineItem = (l: Pick<StatementLine, 'kind' | 'metric'>): string => `${l.kind}:${l.metric}`;

function sumByItem(lines: Pick<StatementLine, 'kind' | 'metric' | 'amount_fen'>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(lineItem(l), (out.get(lineItem(l)) ?? 0) + l.amount_fen);
  return out;
}

/**
 * Per item: recomputed − frozen − already adjusted, where not 0. Items in item order, so a
 * statement lists them the same way every time.
 */
export function lineDifferences(
  frozen: Pick<StatementLine, 'kind' | 'metric' | 'amount_fen'>[],
  recomputed: Pick<StatementLine, 'kind' | 'metric' | 'amount_fen'>[],
  adjusted: Map<string, number> = new Map(),
): { item: string; frozen_fen: number; recomputed_fen: number; adjusted_fen: number; amount_fen: number }[] {
  const f = sumByItem(frozen);
  const r = sumByItem(recomputed);
  const items = [...new Set([...f.keys(), ...r.keys(), ...adjusted.keys()])].sort();
  const out = [];
  for (const item of items) {
    const frozen_fen = f.get(item) ?? 0;
    const recomputed_fen = r.get(item) ?? 0;
    const adjusted_fen = adjusted.get(item) ?? 0;
    const amount_fen = recomputed_fen - frozen_fen - adjusted_fen;
    if (amount_fen !== 0) out.push({ item, frozen_fen, recomputed_fen, adjusted_fen, amount_fen });
  }
  return out;
}
