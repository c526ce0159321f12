/**
 * The statement of a closed period: the period's own lines (as rm-report computes them), then
 * prior-period adjustments, the deferral, releases of earlier deferrals and clawbacks. The
 * lines add up exactly to what is paid now. Pure.
 */
import { fmtFen, type LineKind, type PayResult, type StatementLine } from '../incentive/pay.js';
import { fmtP, type DeferralSpec } from '../incentive/plan.js';
import type { DeferralPart } from './deferral.js';
import { LOAN_CLASS_ZH, type LoanClass } from '../types.js';

export type ClosedLineKind = LineKind | 'adjustment' | 'deferral' | 'release' | 'clawback';
export interface ClosedLine extends Omit<StatementLine, 'kind'> {
  kind: ClosedLineKind;
  /** The period an adjustment, release or clawback comes from; null for the period's own lines. */
  origin: string | null;
}

export interface Adjustment { origin_period: string; item: string; frozen_fen: number; recomputed_fen: number; adjusted_fen: number; amount_fen: number }
export interface Clawback {
  origin_period: string; account_id: string; found_on: string; loan_class: string;
  balance_fen: number; rate: number; wanted_fen: number; taken_fen: number; unreleased_fen: number;
}
export interface Release { origin_period: string; part: number; parts: number; release_on: string; deferred_fen: number; clawed_fen: number; amount_fen: number }
export interface Deferral { spec: DeferralSpec; amount_fen: number; parts: DeferralPart[] }

export interface CloseInputs {
  computed: PayResult;
  adjustments: Adjustment[];
  clawbacks: Clawback[];
  releases: Release[];
  deferral: Deferral | null;
}

export interface ClosedStatement {
  lines: ClosedLine[];
  base_fen: number;
  /** The period's variable pay (after any budget scaling), before deferral. */
  variable_fen: number;
  adjustments_fen: number;
  deferred_fen: number;
  released_fen: number;
  /** Taken from unreleased deferred pay in this close (not from what is paid now). */
  clawed_back_fen: number;
  /** Paid now: base + variable + adjustments − deferred + released = the sum of the lines. */
  paid_fen: number;
}

const line = (kind: ClosedLineKind, metric: string, origin: string | null, amount_fen: number, rule: string, rule_zh: string): ClosedLine =>
  ({ kind, metric, origin, actual: null, target: null, attainment: null, amount_fen, rule, rule_zh });

export function composeClosedStatement(inp: CloseInputs): ClosedStatement {
  const c = inp.computed;
  const lines: ClosedLine[] = c.lines.map((l) => ({ ...l, origin: null }));
  for (const a of inp.adjustments) {
    const [, metric] = a.item.split(':');
    lines.push(line('adjustment', metric, a.origin_period, a.amount_fen,
      `${a.origin_period} ${a.item} recomputed on today's data ${fmtFen(a.recomputed_fen)} − paid ${fmtFen(a.frozen_fen)}`
      + (a.adjusted_fen !== 0 ? ` − adjusted since ${fmtFen(a.adjusted_fen)}` : '') + ` = ${fmtFen(a.amount_fen)} CNY`,
      `${a.origin_period} ${a.item} 按当前数据重算 ${fmtFen(a.recomputed_fen)} − 已发 ${fmtFen(a.frozen_fen)}`
      + (a.adjusted_fen !== 0 ? ` − 此前已调整 ${fmtFen(a.adjusted_fen)}` : '') + ` = ${fmtFen(a.amount_fen)} 元`));
  }
  const deferred = inp.deferral?.amount_fen ?? 0;
  if (inp.deferral && deferred > 0) {
    const d = inp.deferral;
    lines.push(line('deferral', 'variable_pay', null, -deferred,
      `${fmtP(d.spec.share)} of variable pay ${fmtFen(c.variable_fen)} = ${fmtFen(deferred)} CNY deferred, rounded to fen; released `
      + d.parts.map((p) => `${fmtFen(p.amount_fen)} on ${p.release_on}`).join(', ')
      + (d.parts.length > 1 ? ' (equal parts; the remainder fen go one each to the first parts)' : ''),
      `绩效薪酬 ${fmtFen(c.variable_fen)} 的 ${fmtP(d.spec.share)} = ${fmtFen(deferred)} 元递延（四舍五入到分）；`
      + d.parts.map((p) => `${p.release_on} 发放 ${fmtFen(p.amount_fen)}`).join('，')
      + (d.parts.length > 1 ? '（等额分期，余下的分逐一计入前几期）' : '')));
  }
  for (const r of inp.releases) {
    lines.push(line('release', 'deferred_pay', r.origin_period, r.amount_fen,
      `part ${r.part}/${r.parts} of the pay deferred in ${r.origin_period}, due ${r.release_on}: ${fmtFen(r.deferred_fen)}`
      + (r.clawed_fen > 0 ? ` − clawed back ${fmtFen(r.clawed_fen)}` : '') + ` = ${fmtFen(r.amount_fen)} CNY released`,
      `${r.origin_period} 递延薪酬第 ${r.part}/${r.parts} 期，${r.release_on} 到期：${fmtFen(r.deferred_fen)}`
      + (r.clawed_fen > 0 ? ` − 已追索扣回 ${fmtFen(r.clawed_fen)}` : '') + ` = 发放 ${fmtFen(r.amount_fen)} 元`));
  }
  for (const k of inp.clawbacks) {
    // Taken from deferred pay, not from this period's pay: the line's amount is 0 here.
    lines.push(line('clawback', k.account_id, k.origin_period, 0,
      `loan ${k.account_id} credited in ${k.origin_period} (${fmtFen(k.balance_fen)} CNY) is ${k.loan_class} from ${k.found_on}: `
      + `${fmtP(k.rate)} × ${fmtFen(k.balance_fen)} = ${fmtFen(k.wanted_fen)} CNY to claw back; `
      + `${fmtFen(k.taken_fen)} CNY taken from unreleased deferred pay (${fmtFen(k.unreleased_fen)} before)`
      + (k.taken_fen < k.wanted_fen ? `; ${fmtFen(k.wanted_fen - k.taken_fen)} not recovered (never below zero)` : ''),
      `贷款 ${k.account_id}（${k.origin_period} 计入业绩，${fmtFen(k.balance_fen)} 元）自 ${k.found_on} 起为${LOAN_CLASS_ZH[k.loan_class as LoanClass] ?? k.loan_class}：`
      + `${fmtP(k.rate)} × ${fmtFen(k.balance_fen)} = 应追索 ${fmtFen(k.wanted_fen)} 元；`
      + `从未发放的递延薪酬中扣回 ${fmtFen(k.taken_fen)} 元（扣回前 ${fmtFen(k.unreleased_fen)}）`
      + (k.taken_fen < k.wanted_fen ? `；${fmtFen(k.wanted_fen - k.taken_fen)} 未能追回（不低于零）` : '')));
  }
  const sum = (kind: ClosedLineKind) => lines.reduce((s, l) => (l.kind === kind ? s + l.amount_fen : s), 0);
  const paid_fen = lines.reduce((s, l) => s + l.amount_fen, 0);
  return {
    lines, base_fen: c.base_fen, variable_fen: c.variable_fen, adjustments_fen: sum('adjustment'), deferred_fen: deferred,
    released_fen: sum('release'), clawed_back_fen: inp.clawbacks.reduce((s, k) => s + k.taken_fen, 0), paid_fen,
  };
}
