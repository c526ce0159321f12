/**
 * Incentive pay for one RM and one period (metrics.md, "Incentive pay"; docs/plan-format.md).
 * Pure. Every line amount is an integer number of fen, rounded half away from zero once per
 * line; the lines add up exactly to total_fen.
 */
import { DataError } from '../errors.js';
import { MONEY_METRICS, metricName, type RmType } from '../types.js';
import { PER_MONTHS, fmtP, type Band, type Curve, type CommissionSpec, type IncentivePlan, type KpiSpec, type PayPer, type PricingSpec, type RmPlan } from './plan.js';

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
  /** How the amount was worked out, in English and in Chinese. */
  rule: string;
  rule_zh: string;
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

const PER_ZH: Record<PayPer, string> = { year: '年', half: '半年', quarter: '季', month: '月', period: '期' };

/** The words of the rule texts: one set per language, the numbers formatted the same in both. */
interface RuleWords {
  base(salary: string, months: string): string;
  rounded(text: string): string;
  noTarget: string;
  targetNotPositive(t: number): string;
  pays0(why: string): string;
  attainment(att: string, inverse: boolean): string;
  gate(attText: string, gate: string): string;
  capped(cap: string): string;
  noBand: string;
  bandAt(band: string, rate: string): string;
  marginal(parts: string[]): string;
  flat(capped: string, rate: string, band: string): string;
  perPeriod: string;
  bonusPerPeriod: string;
  per(per: PayPer, pr: string): string;
  targetBonus(amount: string, perText: string): string;
  kpi(attText: string, capText: string, curve: string, factor: string, weight: string, tb: string, fen: string): string;
  notPositive(metric: string, v: string): string;
  perUnit: string;
  commissionMarginal(parts: string[], v: string): string;
  onBand(rate: string, unit: string, band: string): string;
  commissionFlat(v: string, band: string, rate: string, unit: string): string;
  equals(how: string, fen: string): string;
  pricing(price: string, per: string, perUnit: string | null, metric: string, floorText: string, units: string, pr: string, fen: string): string;
  aboveFloor(floor: string, actual: string, paid: string): string;
  npl(ratio: string, band: string, off: string, tail: string): string;
  nplAbove(from: string): string;
  nplOf(off: string, gross: string): string;
  nplNothing: string;
  event(count: string, amount: string, event: string): string;
  floor(v: string): string;
}

const EN: RuleWords = {
  base: (salary, months) => `base salary ${salary} CNY/month × ${months} months`,
  rounded: (t) => `${t}, rounded to fen`,
  noTarget: 'no target',
  targetNotPositive: (t) => `target ${t} is not above 0`,
  pays0: (why) => `${why}: pays 0`,
  attainment: (att, inverse) => `attainment ${att}${inverse ? ' (target ÷ actual)' : ''}`,
  gate: (a, g) => `${a}: gate ${g} not reached; pays 0`,
  capped: (c) => `, capped at ${c}`,
  noBand: 'no band reached',
  bandAt: (b, r) => `band ${b} at ${r}`,
  marginal: (parts) => `${parts.join(' + ')} (marginal)`,
  flat: (c, r, b) => `${c} × ${r} (band ${b}, flat)`,
  perPeriod: ' (per period)',
  bonusPerPeriod: ' per period',
  per: (per, pr) => `/${per}${pr}`,
  targetBonus: (a, p) => `target bonus ${a} CNY${p}`,
  kpi: (a, c, curve, f, w, tb, fen) => `${a}${c}; ${curve} → factor ${f} × weight ${w} × ${tb} = ${fen} CNY`,
  notPositive: (m, v) => `${metricName(m, 'en')} ${v} ≤ 0 pays 0`,
  perUnit: ' CNY per unit',
  commissionMarginal: (parts, v) => `${parts.join(' + ')} (marginal) of ${v}`,
  onBand: (r, u, b) => `${r}${u} on ${b}`,
  commissionFlat: (v, b, r, u) => `${v} in band ${b} at ${r}${u} (flat)`,
  equals: (how, fen) => `${how} = ${fen} CNY`,
  pricing: (price, per, perUnit, m, fl, units, pr, fen) => `${price} CNY per ${per}${perUnit === null ? '' : ` per ${perUnit}`} of ${metricName(m, 'en')}${fl}: ${units} units${pr} = ${fen} CNY`,
  aboveFloor: (f, a, p) => ` above floor ${f} (${a} − ${f} = ${p})`,
  npl: (r, b, off, tail) => `NPL ratio ${r} (band ${b}) → ${off} off variable pay${tail}`,
  nplAbove: (f) => `above ${f}`,
  nplOf: (off, g) => ` (${off} × ${g} CNY)`,
  nplNothing: ' (no positive variable pay to deduct from)',
  event: (n, a, e) => `${n} × ${a} CNY per ${e}`,
  floor: (v) => `variable pay ${v} CNY floored at 0`,
};

const ZH: RuleWords = {
  base: (salary, months) => `基本工资 ${salary} 元/月 × ${months} 个月`,
  rounded: (t) => `${t}，四舍五入到分`,
  noTarget: '无目标',
  targetNotPositive: (t) => `目标 ${t} 不大于 0`,
  pays0: (why) => `${why}：计 0`,
  attainment: (att, inverse) => `达成率 ${att}${inverse ? '（目标 ÷ 实际）' : ''}`,
  gate: (a, g) => `${a}：未达门槛 ${g}，计 0`,
  capped: (c) => `，封顶 ${c}`,
  noBand: '未达任何档',
  bandAt: (b, r) => `${b} 档 ${r}`,
  marginal: (parts) => `${parts.join(' + ')}（分段累进）`,
  flat: (c, r, b) => `${c} × ${r}（${b} 档，全额）`,
  perPeriod: '（每期）',
  bonusPerPeriod: '/期',
  per: (per, pr) => `/${PER_ZH[per]}${pr}`,
  targetBonus: (a, p) => `目标奖金 ${a} 元${p}`,
  kpi: (a, c, curve, f, w, tb, fen) => `${a}${c}；${curve} → 系数 ${f} × 权重 ${w} × ${tb} = ${fen} 元`,
  notPositive: (m, v) => `${metricName(m, 'zh')} ${v} ≤ 0，计 0`,
  perUnit: ' 元/单位',
  commissionMarginal: (parts, v) => `${v} 按 ${parts.join(' + ')}（分段累进）`,
  onBand: (r, u, b) => `${b} 部分 × ${r}${u}`,
  commissionFlat: (v, b, r, u) => `${v} 在 ${b} 档，× ${r}${u}（全额）`,
  equals: (how, fen) => `${how} = ${fen} 元`,
  pricing: (price, per, perUnit, m, fl, units, pr, fen) => `${metricName(m, 'zh')}每 ${per}${perUnit === null ? '' : ` 每${PER_ZH[perUnit as PayPer]}`} ${price} 元${fl}：${units} 单位${pr} = ${fen} 元`,
  aboveFloor: (f, a, p) => `，超过起点 ${f} 的部分（${a} − ${f} = ${p}）`,
  npl: (r, b, off, tail) => `不良率 ${r}（档位 ${b}）→ 绩效薪酬扣减 ${off}${tail}`,
  nplAbove: (f) => `${f} 以上`,
  nplOf: (off, g) => `（${off} × ${g} 元）`,
  nplNothing: '（无正的绩效薪酬可扣）',
  event: (n, a, e) => `${n} × 每次${e} ${a} 元`,
  floor: (v) => `绩效薪酬 ${v} 元，保底为 0`,
};

/** Share of a `per` amount that falls in a period of `months` months, and its text (" × 3/12"). */
export function proRate(per: PayPer, months: number, w: RuleWords = EN): { factor: number; text: string } {
  if (per === 'period') return { factor: 1, text: w.perPeriod };
  const n = PER_MONTHS[per];
  return { factor: months / n, text: ` × ${fmtNum(months)}/${n}` };
}

/** The rule of a line in both languages. */
function both(make: (w: RuleWords) => string): { rule: string; rule_zh: string } {
  return { rule: make(EN), rule_zh: make(ZH) };
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
    ...both((w) => w.rounded(w.base(fmtFen(input.base_salary_fen), fmtNum(input.months)))),
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

  for (const c of rp.commissions) lines.push(commissionLine(c, actualOf(c.metric)));
  for (const p of rp.pricing) lines.push(pricingLine(p, actualOf(p.metric), input.months));

  const gross = lines.reduce((s, l) => (l.kind === 'base' ? s : s + l.amount_fen), 0);

  if (rp.npl_deduction) {
    const line = nplLine(rp.npl_deduction, input.metrics.npl_ratio, gross);
    if (line) lines.push(line);
    else warnings.push(`${who}: no npl_ratio; NPL deduction not applied`);
  }
  lines.push(...eventLines(rp, input, who, warnings));

  let variable_fen = lines.reduce((s, l) => (l.kind === 'base' ? s : s + l.amount_fen), 0);
  if (variable_fen < 0) {
    lines.push({
      kind: 'floor', metric: 'variable_pay', actual: null, target: null, attainment: null, amount_fen: -variable_fen,
      ...both((w) => w.floor(fmtFen(variable_fen))),
    });
    variable_fen = 0;
  }
  return { rm_id: input.rm_id, lines, base_fen, variable_fen, total_fen: base_fen + variable_fen, attainment, warnings };
}

/** A commission line: the curve's rate on the actual (marginal bands or one flat band). */
function commissionLine(c: CommissionSpec, actual: number): StatementLine {
  const money = MONEY_METRICS.has(c.metric);
  const fmtB = (n: number) => (money ? fmt2(n) : fmtNum(n));
  const { value, parts } = curveValue(c.curve, actual);
  const amount_fen = roundHalfAway(value * 100);
  const how = (w: RuleWords): string => {
    const unit = money ? '' : w.perUnit;
    return parts.length === 0
      ? w.notPositive(c.metric, fmtB(actual))
      : c.curve.method === 'marginal'
        ? w.commissionMarginal(parts.map((p) => w.onBand(fmtRate(p.band.rate).replace('×', ''), unit, bandText(p.band, fmtB))), fmtB(actual))
        : w.commissionFlat(fmtB(actual), bandText(parts[0].band, fmtB), fmtRate(parts[0].band.rate).replace('×', ''), unit);
  };
  return {
    kind: 'commission', metric: c.metric, actual, target: null, attainment: null, amount_fen,
    ...both((w) => w.rounded(w.equals(how(w), fmtFen(value * 100)))),
  };
}

/** A pricing line: a price per so many units above the floor, prorated to the period's months. */
function pricingLine(p: PricingSpec, actual: number, months: number): StatementLine {
  const money = MONEY_METRICS.has(p.metric);
  const paidValue = Math.max(0, actual - p.floor);
  const units = paidValue / p.per_units;
  const pr = proRate(p.per, months);
  const fen = p.price * 100 * units * pr.factor;
  const amount_fen = roundHalfAway(fen);
  const fmtV = (n: number) => (money ? fmt2(n) : fmtNum(n));
  const floorText = (w: RuleWords) => (p.floor > 0 ? w.aboveFloor(fmtV(p.floor), fmtV(actual), fmtV(paidValue)) : ` (${fmtV(actual)})`);
  return {
    kind: 'pricing', metric: p.metric, actual, target: null, attainment: null, amount_fen,
    ...both((w) => w.rounded(w.pricing(fmt2(p.price), fmtNum(p.per_units), p.per === 'period' ? null : p.per, p.metric, floorText(w), fmtNum(units), proRate(p.per, months, w).text, fmtFen(fen)))),
  };
}

/** The NPL deduction: the band of the NPL ratio takes its share off gross variable pay; null without a ratio. */
function nplLine(bands: NonNullable<RmPlan['npl_deduction']>, raw: number | undefined | null, gross: number): StatementLine | null {
  if (raw === undefined || raw === null || !Number.isFinite(raw)) return null;
  const ratio = snap(Math.max(0, raw));
  // Bands are (from, to]: a ratio equal to a band's `to` falls in that band; the first band includes 0.
  const band = bands.find((b) => b.to === null || ratio <= b.to) as (typeof bands)[number];
  const amount_fen = gross > 0 ? -roundHalfAway(gross * band.off) : 0;
  const bt = (w: RuleWords) => (band.to === null ? w.nplAbove(fmtP(band.from)) : `${fmtP(band.from)}–${fmtP(band.to)}`);
  return {
    kind: 'modifier', metric: 'npl_ratio', actual: raw, target: null, attainment: null, amount_fen: amount_fen === 0 ? 0 : amount_fen,
    ...both((w) => {
      const text = w.npl(`${(raw * 100).toFixed(2)}%`, bt(w), fmtP(band.off), gross > 0 ? w.nplOf(fmtP(band.off), fmtFen(gross)) : w.nplNothing);
      return gross > 0 ? w.rounded(text) : text;
    }),
  };
}

/** One line per plan event the RM has a count of; events the plan does not name are warned about. */
function eventLines(rp: RmPlan, input: RmPayInput, who: string, warnings: string[]): StatementLine[] {
  const lines: StatementLine[] = [];
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
      ...both((w) => w.rounded(w.event(fmtNum(count), fmtFen(e.amount * 100), e.event))),
    });
  }

  return lines;
}

function kpiLine(
  rp: RmPlan, k: KpiSpec, input: RmPayInput, actual: number, who: string, warnings: string[],
  attainment: Record<string, number | null>,
): StatementLine {
  const line = (att: number | null, target: number | null, amount_fen: number, rule: (w: RuleWords) => string): StatementLine =>
    ({ kind: 'kpi', metric: k.metric, actual, target, attainment: att, ...both(rule), amount_fen });
  const target = input.targets[k.metric];
  if (target === undefined || target === null || !Number.isFinite(target) || target <= 0) {
    const why = (w: RuleWords) => (target === undefined || target === null ? w.noTarget : w.targetNotPositive(target));
    warnings.push(`${who}: ${why(EN)} for KPI ${k.metric}; it pays 0`);
    attainment[k.metric] = null;
    return line(null, target ?? null, 0, (w) => w.pays0(why(w)));
  }
  let att: number;
  if (k.direction === 'lower_is_better') {
    att = actual <= 0 ? (k.cap as number) : snap(target / actual);
  } else {
    att = snap(actual / target);
  }
  attainment[k.metric] = att;
  const attText = (w: RuleWords) => w.attainment(fmtAtt(att), k.direction === 'lower_is_better');
  if (att < k.gate) return line(att, target, 0, (w) => w.gate(attText(w), fmtP(k.gate)));
  const capped = k.cap !== null && att > k.cap ? k.cap : att;
  const capText = (w: RuleWords) => (capped !== att ? w.capped(fmtP(k.cap as number)) : '');
  const { value: factor, parts } = curveValue(k.curve, capped);
  const tb = rp.target_bonus as NonNullable<RmPlan['target_bonus']>;
  const pr = proRate(tb.per, input.months);
  const bonusFen = tb.amount * 100 * pr.factor;
  const fen = bonusFen * k.weight * factor;
  const amount_fen = roundHalfAway(fen);
  const curveText = (w: RuleWords) => (parts.length === 0
    ? w.noBand
    : k.curve.method === 'marginal'
      ? w.marginal(parts.map((p) => w.bandAt(bandText(p.band, fmtP), fmtRate(p.band.rate))))
      : w.flat(fmtAtt(capped), fmtRate(parts[0].band.rate), bandText(parts[0].band, fmtP)));
  const tbText = (w: RuleWords) => w.targetBonus(fmt2(tb.amount), tb.per === 'period' ? w.bonusPerPeriod : w.per(tb.per, pr.text));
  return line(att, target, amount_fen,
    (w) => w.rounded(w.kpi(attText(w), capText(w), curveText(w), factor.toFixed(4), fmtP(k.weight), tbText(w), fmtFen(fen))));
}
