/**
 * Incentive pay for one RM and one period (metrics.md, "Incentive pay"; docs/plan-format.md).
 * Pure. Every line amount is an integer number of fen, rounded half away from zero once per
 * line; the lines add up exactly to total_fen.
 */
import { DataError } from '../errors.js';
import { MONEY_METRICS, type RmType } from '../types.js';
import { PER_MONTHS, fmtP, type Band, type Curve, type IncentivePlan, type KpiSpec, type PayPer, type RmPlan } from './plan.js';

export interface RmPayInput {
  rm_id: string;
  name: string;
  rm_type: RmType;
  /** Monthly base salary in fen. */
  base_salary_fen: number;
  /** Period length in months, may be fractional. */
  months: number;
  /** Money metrics in fen, npl_ratio as a fraction, counts plain. */
  metrics: Record<string, number>;
  /** From targets.csv: money KPIs in CNY (yuan), counts plain, ratios as fractions. */
  targets: Record<string, number>;
  /** Event counts for the plan's `events` (absent = 0). */
  events?: Record<string, number>;
}

export type LineKind = 'base' | 'kpi' | 'commission' | 'pricing' | 'modifier' | 'floor' | 'budget';
export interface StatementLine {
  kind: LineKind;
  /** Metric, KPI or event name; `base_salary` for the base line, `variable_pay` for the floor line. */
  metric: string;
  /** Actual value in target units: CNY for money metrics, fraction for npl_ratio, counts plain. */
  actual: number | null;
  target: number | null;
  /** Uncapped attainment as a fraction (1.1 = 110%), null when not applicable or no target. */
  attainment: number | null;
  rule: string;
  amount_fen: number;
}
export interface PayResult {
  rm_id: string;
  lines: StatementLine[];
  base_fen: number;
  variable_fen: number;
  total_fen: number;
  /** Per KPI of the RM's plan: uncapped attainment (fraction), null with no target. */
  attainment: Record<string, number | null>;
  warnings: string[];
}

/** Drop floating-point noise beyond 15 significant digits. */
function snap(x: number): number {
  return Number(x.toPrecision(15));
}

/** Round half away from zero to an integer (applied to fen amounts). Never returns -0. */
export function roundHalfAway(x: number): number {
  const y = snap(x);
  const r = y < 0 ? -Math.round(-y) : Math.round(y);
  return r === 0 ? 0 : r;
}

// Made on first use: an Intl.NumberFormat costs ~15 ms to create, too much for every start-up.
let nf2: Intl.NumberFormat | undefined;
/** 20000 → "20,000.00". */
function fmt2(n: number): string {
  nf2 ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return nf2.format(n);
}
/** 2000000 fen → "20,000.00". */
export function fmtFen(fen: number): string {
  return fmt2(fen / 100);
}
function fmtNum(n: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 }).format(n);
}
const fmtAtt = (a: number) => `${(a * 100).toFixed(2)}%`;
const fmtRate = (r: number) => `${Number(r.toFixed(6))}×`;

/** Share of a `per` amount that falls in a period of `months` months, and its text (" × 3/12"). */
export function proRate(per: PayPer, months: number): { factor: number; text: string } {
  if (per === 'period') return { factor: 1, text: ' (per period)' };
  const n = PER_MONTHS[per];
  return { factor: months / n, text: ` × ${fmtNum(months)}/${n}` };
}

/** Value of a curve at x (x ≥ 0): marginal = Σ rate × overlap of [0, x] with each band; flat = x × rate of the band containing x. */
export function curveValue(curve: Curve, x: number): { value: number; parts: { band: Band; amount: number }[] } {
  if (!(x > 0)) return { value: 0, parts: [] };
  if (curve.method === 'flat') {
    const band = curve.bands.find((b) => x >= b.from && (b.to === null || x < b.to)) as Band;
    return { value: x * band.rate, parts: [{ band, amount: x }] };
  }
  const parts: { band: Band; amount: number }[] = [];
  let value = 0;
  for (const b of curve.bands) {
    const hi = b.to === null ? x : Math.min(x, b.to);
    const overlap = hi - b.from;
    if (overlap <= 0) break;
    parts.push({ band: b, amount: overlap });
    value += overlap * b.rate;
  }
  return { value, parts };
}

function bandText(b: Band, fmt: (n: number) => string): string {
  return b.to === null ? `${fmt(b.from)}+` : `${fmt(b.from)}–${fmt(b.to)}`;
}

export function computePay(plan: IncentivePlan, input: RmPayInput): PayResult {
  const who = input.name ? `RM ${input.rm_id} (${input.name})` : `RM ${input.rm_id}`;
  if (!Number.isFinite(input.base_salary_fen) || input.base_salary_fen < 0) {
    throw new DataError(`${who}: base salary must be a number ≥ 0, got ${input.base_salary_fen}`);
  }
  if (!Number.isFinite(input.months) || input.months <= 0) {
    throw new DataError(`${who}: period length must be above 0 months, got ${input.months}`);
  }
  const lines: StatementLine[] = [];
  const warnings: string[] = [];
  const attainment: Record<string, number | null> = {};

  const base_fen = roundHalfAway(input.base_salary_fen * input.months);
  lines.push({
    kind: 'base', metric: 'base_salary', actual: null, target: null, attainment: null, amount_fen: base_fen,
    rule: `base salary ${fmtFen(input.base_salary_fen)} CNY/month × ${fmtNum(input.months)} months, rounded to fen`,
  });

  const rp = plan.plans[input.rm_type];
  if (!rp) {
    warnings.push(`${who}: the plan ${plan.file} has no ${input.rm_type} section; base pay only`);
    return { rm_id: input.rm_id, lines, base_fen, variable_fen: 0, total_fen: base_fen, attainment, warnings };
  }

  /** Actual in target units (CNY for money metrics); a missing metric counts as 0 with a warning. */
  const actualOf = (metric: string): number => {
    const v = input.metrics[metric];
    if (v === undefined || v === null || !Number.isFinite(v)) {
      warnings.push(`${who}: no value for metric ${metric}; counted as 0`);
      return 0;
    }
    return MONEY_METRICS.has(metric) ? v / 100 : v;
  };

  for (const k of rp.kpis) lines.push(kpiLine(rp, k, input, actualOf(k.metric), who, warnings, attainment));

  for (const c of rp.commissions) {
    const actual = actualOf(c.metric);
    const money = MONEY_METRICS.has(c.metric);
    const fmtB = (n: number) => (money ? fmt2(n) : fmtNum(n));
    const { value, parts } = curveValue(c.curve, actual);
    const amount_fen = roundHalfAway(value * 100);
    const unit = money ? '' : ' CNY per unit';
    const how = parts.length === 0
      ? `${c.metric} ${fmtB(actual)} ≤ 0 pays 0`
      : c.curve.method === 'marginal'
        ? `${parts.map((p) => `${fmtRate(p.band.rate).replace('×', '')}${unit} on ${bandText(p.band, fmtB)}`).join(' + ')} (marginal) of ${fmtB(actual)}`
        : `${fmtB(actual)} in band ${bandText(parts[0].band, fmtB)} at ${fmtRate(parts[0].band.rate).replace('×', '')}${unit} (flat)`;
    lines.push({
      kind: 'commission', metric: c.metric, actual, target: null, attainment: null, amount_fen,
      rule: `${how} = ${fmtFen(value * 100)} CNY, rounded to fen`,
    });
  }

  for (const p of rp.pricing) {
    const actual = actualOf(p.metric);
    const money = MONEY_METRICS.has(p.metric);
    const paidValue = Math.max(0, actual - p.floor);
    const units = paidValue / p.per_units;
    const pr = proRate(p.per, input.months);
    const fen = p.price * 100 * units * pr.factor;
    const amount_fen = roundHalfAway(fen);
    const fmtV = (n: number) => (money ? fmt2(n) : fmtNum(n));
    const floorText = p.floor > 0 ? ` above floor ${fmtV(p.floor)} (${fmtV(actual)} − ${fmtV(p.floor)} = ${fmtV(paidValue)})` : ` (${fmtV(actual)})`;
    lines.push({
      kind: 'pricing', metric: p.metric, actual, target: null, attainment: null, amount_fen,
      rule: `${fmt2(p.price)} CNY per ${fmtNum(p.per_units)}${p.per === 'period' ? '' : ` per ${p.per}`} of ${p.metric}${floorText}: ${fmtNum(units)} units${pr.text} = ${fmtFen(fen)} CNY, rounded to fen`,
    });
  }

  const gross = lines.reduce((s, l) => (l.kind === 'base' ? s : s + l.amount_fen), 0);

  if (rp.npl_deduction) {
    const raw = input.metrics.npl_ratio;
    if (raw === undefined || raw === null || !Number.isFinite(raw)) {
      warnings.push(`${who}: no npl_ratio; NPL deduction not applied`);
    } else {
      const ratio = snap(Math.max(0, raw));
      // Bands are (from, to]: a ratio equal to a band's `to` falls in that band; the first band includes 0.
      const band = rp.npl_deduction.find((b) => b.to === null || ratio <= b.to) as (typeof rp.npl_deduction)[number];
      const amount_fen = gross > 0 ? -roundHalfAway(gross * band.off) : 0;
      const bt = band.to === null ? `above ${fmtP(band.from)}` : `${fmtP(band.from)}–${fmtP(band.to)}`;
      lines.push({
        kind: 'modifier', metric: 'npl_ratio', actual: raw, target: null, attainment: null, amount_fen: amount_fen === 0 ? 0 : amount_fen,
        rule: `NPL ratio ${(raw * 100).toFixed(2)}% (band ${bt}) → ${fmtP(band.off)} off variable pay`
          + (gross > 0 ? ` (${fmtP(band.off)} × ${fmtFen(gross)} CNY), rounded to fen` : ' (no positive variable pay to deduct from)'),
      });
    }
  }

  const known = new Set(rp.events.map((e) => e.event));
  for (const name of Object.keys(input.events ?? {})) {
    if (!known.has(name)) warnings.push(`${who}: event ${name} is not in the plan; ignored`);
  }
  for (const e of rp.events) {
    const count = input.events?.[e.event];
    if (count === undefined || count === null || count === 0) continue;
    if (!Number.isFinite(count) || count < 0) throw new DataError(`${who}: event count for ${e.event} must be a number ≥ 0, got ${count}`);
    const amount_fen = roundHalfAway(e.amount * 100 * count);
    lines.push({
      kind: 'modifier', metric: e.event, actual: count, target: null, attainment: null, amount_fen,
      rule: `${fmtNum(count)} × ${fmtFen(e.amount * 100)} CNY per ${e.event}, rounded to fen`,
    });
  }

  let variable_fen = lines.reduce((s, l) => (l.kind === 'base' ? s : s + l.amount_fen), 0);
  if (variable_fen < 0) {
    lines.push({
      kind: 'floor', metric: 'variable_pay', actual: null, target: null, attainment: null, amount_fen: -variable_fen,
      rule: `variable pay ${fmtFen(variable_fen)} CNY floored at 0`,
    });
    variable_fen = 0;
  }
  return { rm_id: input.rm_id, lines, base_fen, variable_fen, total_fen: base_fen + variable_fen, attainment, warnings };
}

function kpiLine(
  rp: RmPlan, k: KpiSpec, input: RmPayInput, actual: number, who: string, warnings: string[],
  attainment: Record<string, number | null>,
): StatementLine {
  const line = (att: number | null, target: number | null, amount_fen: number, rule: string): StatementLine =>
    ({ kind: 'kpi', metric: k.metric, actual, target, attainment: att, rule, amount_fen });
  const target = input.targets[k.metric];
  if (target === undefined || target === null || !Number.isFinite(target) || target <= 0) {
    const why = target === undefined || target === null ? 'no target' : `target ${target} is not above 0`;
    warnings.push(`${who}: ${why} for KPI ${k.metric}; it pays 0`);
    attainment[k.metric] = null;
    return line(null, target ?? null, 0, `${why}: pays 0`);
  }
  let att: number;
  if (k.direction === 'lower_is_better') {
    att = actual <= 0 ? (k.cap as number) : snap(target / actual);
  } else {
    att = snap(actual / target);
  }
  attainment[k.metric] = att;
  const attText = `attainment ${fmtAtt(att)}${k.direction === 'lower_is_better' ? ' (target ÷ actual)' : ''}`;
  if (att < k.gate) return line(att, target, 0, `${attText}: gate ${fmtP(k.gate)} not reached; pays 0`);
  const capped = k.cap !== null && att > k.cap ? k.cap : att;
  const capText = capped !== att ? `, capped at ${fmtP(k.cap as number)}` : '';
  const { value: factor, parts } = curveValue(k.curve, capped);
  const tb = rp.target_bonus as NonNullable<RmPlan['target_bonus']>;
  const pr = proRate(tb.per, input.months);
  const bonusFen = tb.amount * 100 * pr.factor;
  const fen = bonusFen * k.weight * factor;
  const amount_fen = roundHalfAway(fen);
  const curveText = parts.length === 0
    ? 'no band reached'
    : k.curve.method === 'marginal'
      ? `${parts.map((p) => `band ${bandText(p.band, fmtP)} at ${fmtRate(p.band.rate)}`).join(' + ')} (marginal)`
      : `${fmtAtt(capped)} × ${fmtRate(parts[0].band.rate)} (band ${bandText(parts[0].band, fmtP)}, flat)`;
  const tbText = `target bonus ${fmt2(tb.amount)} CNY${tb.per === 'period' ? ' per period' : `/${tb.per}${pr.text}`}`;
  return line(att, target, amount_fen,
    `${attText}${capText}; ${curveText} → factor ${factor.toFixed(4)} × weight ${fmtP(k.weight)} × ${tbText} = ${fmtFen(fen)} CNY, rounded to fen`);
}
