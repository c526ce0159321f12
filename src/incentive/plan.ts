/**
 * Incentive plan file (绩效薪酬方案): parse and validate.
 * Pure: the caller reads the file and passes its text and name. Format: docs/plan-format.md.
 *
 * Units after parsing (the file uses percents; the parsed plan uses fractions):
 * - attainment band bounds, gate, cap, weight: fractions (60% → 0.6)
 * - NPL band bounds: fractions of npl_ratio (0.5% → 0.005); `off`: fraction (5% → 0.05)
 * - commission band bounds, pricing `per_units` and `floor`: metric units (CNY for money metrics)
 * - money amounts in the plan (target bonus, price, event amounts): CNY, as written
 */
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { LOAN_CLASSES, RM_METRICS, type LoanClass, type RmType } from '../types.js';

export type PayPer = 'year' | 'half' | 'quarter' | 'month' | 'period';
/** Months in one `per` unit; `period` means "as written, whatever the period length". */
export const PER_MONTHS: Record<Exclude<PayPer, 'period'>, number> = { year: 12, half: 6, quarter: 3, month: 1 };
const PERS: readonly PayPer[] = ['year', 'half', 'quarter', 'month', 'period'];

export type CurveMethod = 'marginal' | 'flat';
/** A band [from, to); `to: null` = open-ended (only the last band). */
export interface Band { from: number; to: number | null; rate: number }
export interface Curve { method: CurveMethod; bands: Band[] }

export interface KpiSpec {
  metric: string;
  weight: number; // fraction of the target bonus
  gate: number; // fraction; attainment below it pays 0
  cap: number | null; // fraction; attainment above it counts as the cap
  direction: 'higher_is_better' | 'lower_is_better';
  curve: Curve; // bounds are attainment fractions, rate is a payout factor per unit of attainment
}
export interface CommissionSpec { metric: string; curve: Curve } // bounds in metric units, rate CNY per unit
export interface PricingSpec {
  metric: string;
  price: number; // CNY per `per_units` units per `per`
  per_units: number; // metric units (CNY for money metrics)
  per: PayPer;
  floor: number; // metric units; units below the floor are not paid
}
/** A band (from, to] of npl_ratio (the first band includes its `from`); `off` = fraction off variable pay. */
export interface NplBand { from: number; to: number | null; off: number }
export interface TargetBonus { amount: number; per: PayPer } // CNY
export interface RmPlan {
  target_bonus: TargetBonus | null;
  kpis: KpiSpec[];
  commissions: CommissionSpec[];
  pricing: PricingSpec[];
  npl_deduction: NplBand[] | null;
  events: { event: string; amount: number }[]; // CNY per event, may be negative
}
export interface IncentivePlan {
  file: string;
  name: string | null;
  plans: Partial<Record<RmType, RmPlan>>;
  /** Deferral of variable pay per RM type (docs/pay.md); absent type: nothing deferred. */
  deferral?: Partial<Record<RmType, DeferralSpec>>;
  clawback?: ClawbackSpec | null;
  budget?: BudgetSpec | null;
}
/** share: fraction of variable pay deferred; released in `years` equal yearly parts. */
export interface DeferralSpec { share: number; years: number }
/** A loan credited in a closed period that turns into one of `classes` within `within_months` of the period's end. */
export interface ClawbackSpec { classes: LoanClass[]; within_months: number; rate: number } // rate: fraction of the loan's credited balance
/** The variable pay of all RMs together, CNY per `per`. */
export interface BudgetSpec { variable: number; per: PayPer }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v));
const EPS = 1e-9;

class Reader {
  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new UsageError(path ? `${this.file}: ${path}: ${problem}` : `${this.file}: ${problem}`);
  }

  /** A mapping with only `allowed` keys and all `required` keys present. */
  obj(v: unknown, path: string, allowed: readonly string[], required: readonly string[] = []): Obj {
    if (!isObj(v)) this.fail(path, `must be a mapping of keys to values, got ${show(v)}`);
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) this.fail(join(path, k), `unknown key (allowed: ${allowed.join(', ')})`);
    }
    for (const k of required) {
      if (v[k] === undefined || v[k] === null) this.fail(join(path, k), 'missing required field');
    }
    return v;
  }

  list(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `must be a list, got ${show(v)}`);
    return v;
  }

  num(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a number, got ${show(v)}`);
    return v;
  }

  nonNeg(v: unknown, path: string, what = 'must not be negative'): number {
    const n = this.num(v, path);
    if (n < 0) this.fail(path, `${what}, got ${show(v)}`);
    return n;
  }

  /** A percent: 60 or "60%" both mean 60%. Returned as a fraction (0.6). */
  pct(v: unknown, path: string): number {
    if (typeof v === 'string') {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
      if (!m) this.fail(path, `must be a percent (60 or "60%"), got ${show(v)}`);
      return Number(m[1]) / 100;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a percent (60 or "60%"), got ${show(v)}`);
    return v / 100;
  }

  /** A rate: a plain number (1.4, 0.05) or a percent string ("5%" = 0.05). Must be ≥ 0. */
  rate(v: unknown, path: string): number {
    let r: number;
    if (typeof v === 'string') {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
      if (!m) this.fail(path, `must be a number (1.4) or a percent string ("5%"), got ${show(v)}`);
      r = Number(m[1]) / 100;
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a number (1.4) or a percent string ("5%"), got ${show(v)}`);
      r = v;
    }
    if (r < 0) this.fail(path, `negative rate ${show(v)}: rates must be ≥ 0`);
    return r;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(path, `must be one of ${allowed.join(', ')}, got ${show(v)}`);
    return v as T;
  }

  metric(v: unknown, path: string): string {
    if (typeof v !== 'string' || !(RM_METRICS as readonly string[]).includes(v)) {
      this.fail(path, `${show(v)} is a KPI that no metric provides (known metrics: ${RM_METRICS.join(', ')})`);
    }
    return v;
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Parse the file text: JSON for *.json, YAML for *.yaml / *.yml, else JSON then YAML. */
function parseText(text: string, fileName: string): unknown {
  const lower = fileName.toLowerCase();
  const firstLine = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));
  if (lower.endsWith('.json')) {
    try { return JSON.parse(text); } catch (e) { throw new UsageError(`${fileName}: not valid JSON: ${firstLine(e)}`); }
  }
  if (!lower.endsWith('.yaml') && !lower.endsWith('.yml')) {
    try { return JSON.parse(text); } catch { /* try YAML next */ }
  }
  try { return parseYaml(text); } catch (e) { throw new UsageError(`${fileName}: not valid YAML: ${firstLine(e)}`); }
}

export function parsePlan(text: string, fileName: string): IncentivePlan {
  const r: Reader = new Reader(fileName);
  const data = parseText(text, fileName);
  if (data === null || data === undefined) r.fail('', 'the plan file is empty');
  const top = r.obj(data, '', ['name', 'description', 'corporate', 'personal', 'deferral', 'clawback', 'budget']);
  let name: string | null = null;
  if (top.name !== undefined && top.name !== null) {
    if (typeof top.name !== 'string') r.fail('name', `must be text, got ${show(top.name)}`);
    name = top.name;
  }
  if (top.description !== undefined && top.description !== null && typeof top.description !== 'string') {
    r.fail('description', `must be text, got ${show(top.description)}`);
  }
  const plans: Partial<Record<RmType, RmPlan>> = {};
  for (const t of ['corporate', 'personal'] as const) {
    if (top[t] !== undefined && top[t] !== null) plans[t] = parseRmPlan(r, top[t], t);
  }
  if (!plans.corporate && !plans.personal) r.fail('', 'the plan defines neither `corporate` nor `personal`');
  return { file: fileName, name, plans, ...parsePayRules(r, top) };
}

/** deferral (top level with applies_to, or per RM type), clawback, budget: docs/plan-format.md. */
function parsePayRules(r: Reader, top: Obj): Pick<IncentivePlan, 'deferral' | 'clawback' | 'budget'> {
  const deferral: Partial<Record<RmType, DeferralSpec>> = {};
  if (top.deferral != null) {
    const o = r.obj(top.deferral, 'deferral', ['share', 'years', 'applies_to'], ['share', 'years']);
    const spec = parseDeferral(r, o, 'deferral');
    const types = o.applies_to == null ? (['corporate', 'personal'] as const)
      : r.list(o.applies_to, 'deferral.applies_to').map((t, i) => r.oneOf(t, `deferral.applies_to[${i}]`, ['corporate', 'personal'] as const));
    for (const t of types) deferral[t] = spec;
  }
  for (const t of ['corporate', 'personal'] as const) {
    const sec = top[t];
    if (!isObj(sec) || sec.deferral == null) continue;
    if (top.deferral != null && deferral[t]) r.fail(`${t}.deferral`, 'the top-level deferral already applies to this RM type');
    deferral[t] = parseDeferral(r, r.obj(sec.deferral, `${t}.deferral`, ['share', 'years'], ['share', 'years']), `${t}.deferral`);
  }
  let clawback: ClawbackSpec | null = null;
  if (top.clawback != null) {
    const o = r.obj(top.clawback, 'clawback', ['classes', 'within_months', 'rate'], ['classes', 'within_months', 'rate']);
    const classes = r.list(o.classes, 'clawback.classes').map((c, i) => r.oneOf(c, `clawback.classes[${i}]`, LOAN_CLASSES));
    if (classes.length === 0) r.fail('clawback.classes', 'needs at least one loan class');
    const within = r.num(o.within_months, 'clawback.within_months');
    if (!Number.isInteger(within) || within < 1) r.fail('clawback.within_months', `must be a whole number of months ≥ 1, got ${show(o.within_months)}`);
    const rate = r.pct(o.rate, 'clawback.rate');
    if (rate <= 0 || rate > 1 + EPS) r.fail('clawback.rate', `must be above 0% and at most 100%, got ${show(o.rate)}`);
    clawback = { classes, within_months: within, rate };
  }
  let budget: BudgetSpec | null = null;
  if (top.budget != null) {
    const o = r.obj(top.budget, 'budget', ['variable', 'per'], ['variable', 'per']);
    budget = { variable: r.nonNeg(o.variable, 'budget.variable'), per: r.oneOf(o.per, 'budget.per', PERS) };
  }
  return { deferral, clawback, budget };
}

function parseDeferral(r: Reader, o: Obj, path: string): DeferralSpec {
  const share = r.pct(o.share, join(path, 'share'));
  if (share <= 0 || share > 1 + EPS) r.fail(join(path, 'share'), `must be above 0% and at most 100%, got ${show(o.share)}`);
  const years = r.num(o.years, join(path, 'years'));
  if (!Number.isInteger(years) || years < 1 || years > 10) r.fail(join(path, 'years'), `must be a whole number of years from 1 to 10, got ${show(o.years)}`);
  return { share, years };
}

const RM_KEYS = ['target_bonus', 'gate', 'cap', 'curve', 'kpis', 'commissions', 'pricing', 'npl_deduction', 'events', 'deferral'] as const;

function parseRmPlan(r: Reader, v: unknown, path: string): RmPlan {
  const o = r.obj(v, path, RM_KEYS);
  const target_bonus = o.target_bonus == null ? null : parseTargetBonus(r, o.target_bonus, join(path, 'target_bonus'));
  // Type-level defaults for every KPI.
  const defGate = o.gate == null ? 0 : r.pct(o.gate, join(path, 'gate'));
  const defCap = o.cap == null ? null : r.pct(o.cap, join(path, 'cap'));
  if (defGate < 0) r.fail(join(path, 'gate'), 'must not be negative');
  if (defCap !== null && defCap <= 0) r.fail(join(path, 'cap'), 'must be above 0%');
  if (defCap !== null && defGate > defCap + EPS) r.fail(join(path, 'gate'), `gate ${fmtP(defGate)} is above the cap ${fmtP(defCap)}`);
  const defCurve = o.curve == null ? null : parseCurve(r, o.curve, join(path, 'curve'), 'pct');

  const kpis: KpiSpec[] = [];
  if (o.kpis != null) {
    const list = r.list(o.kpis, join(path, 'kpis'));
    list.forEach((k, i) => kpis.push(parseKpi(r, k, join(join(path, 'kpis'), i), defGate, defCap, defCurve)));
    const seen = new Map<string, number>();
    kpis.forEach((k, i) => {
      const p = join(join(join(path, 'kpis'), i), 'metric');
      if (seen.has(k.metric)) r.fail(p, `${k.metric} is already a KPI (kpis[${seen.get(k.metric)}])`);
      seen.set(k.metric, i);
    });
    if (kpis.length > 0) {
      const sum = kpis.reduce((s, k) => s + k.weight, 0);
      if (Math.abs(sum - 1) > 1e-9) {
        r.fail(join(join(join(path, 'kpis'), kpis.length - 1), 'weight'), `weights add to ${fmtP(sum)}, must add to 100%`);
      }
      if (!target_bonus) r.fail(join(path, 'target_bonus'), 'missing required field (the plan has KPIs)');
    }
  }
  const commissions: CommissionSpec[] = [];
  if (o.commissions != null) {
    r.list(o.commissions, join(path, 'commissions')).forEach((c, i) => {
      const p = join(join(path, 'commissions'), i);
      const co = r.obj(c, p, ['metric', 'curve'], ['metric', 'curve']);
      commissions.push({ metric: r.metric(co.metric, join(p, 'metric')), curve: parseCurve(r, co.curve, join(p, 'curve'), 'units') });
    });
  }
  const pricing: PricingSpec[] = [];
  if (o.pricing != null) {
    r.list(o.pricing, join(path, 'pricing')).forEach((c, i) => {
      const p = join(join(path, 'pricing'), i);
      const po = r.obj(c, p, ['metric', 'price', 'per_units', 'per', 'floor'], ['metric', 'price', 'per']);
      const per_units = po.per_units == null ? 1 : r.num(po.per_units, join(p, 'per_units'));
      if (per_units <= 0) r.fail(join(p, 'per_units'), `must be above 0, got ${show(po.per_units)}`);
      pricing.push({
        metric: r.metric(po.metric, join(p, 'metric')),
        price: r.nonNeg(po.price, join(p, 'price'), 'negative price: rates must be ≥ 0'),
        per_units,
        per: r.oneOf(po.per, join(p, 'per'), PERS),
        floor: po.floor == null ? 0 : r.nonNeg(po.floor, join(p, 'floor')),
      });
    });
  }
  let npl_deduction: NplBand[] | null = null;
  if (o.npl_deduction != null) {
    const p = join(path, 'npl_deduction');
    const bands = parseBands(r, o.npl_deduction, p, 'pct', 'off');
    npl_deduction = bands.map((b, i) => {
      if (b.rate > 1 + EPS) r.fail(join(join(p, i), 'off'), `cannot take more than 100% off, got ${fmtP(b.rate)}`);
      return { from: b.from, to: b.to, off: b.rate };
    });
  }
  const events: { event: string; amount: number }[] = [];
  if (o.events != null) {
    const p = join(path, 'events');
    if (!isObj(o.events)) r.fail(p, `must be a mapping of event name to CNY per event, got ${show(o.events)}`);
    for (const [ev, amt] of Object.entries(o.events)) events.push({ event: ev, amount: r.num(amt, join(p, ev)) });
  }
  return { target_bonus, kpis, commissions, pricing, npl_deduction, events };
}

function parseTargetBonus(r: Reader, v: unknown, path: string): TargetBonus {
  const o = r.obj(v, path, ['amount', 'per'], ['amount', 'per']);
  return { amount: r.nonNeg(o.amount, join(path, 'amount')), per: r.oneOf(o.per, join(path, 'per'), PERS) };
}

function parseKpi(r: Reader, v: unknown, path: string, defGate: number, defCap: number | null, defCurve: Curve | null): KpiSpec {
  const o = r.obj(v, path, ['metric', 'weight', 'gate', 'cap', 'direction', 'curve'], ['metric', 'weight']);
  const metric = r.metric(o.metric, join(path, 'metric'));
  const weight = r.pct(o.weight, join(path, 'weight'));
  if (weight <= 0) r.fail(join(path, 'weight'), `must be above 0%, got ${show(o.weight)}`);
  const gate = o.gate == null ? defGate : r.pct(o.gate, join(path, 'gate'));
  if (gate < 0) r.fail(join(path, 'gate'), `must not be negative, got ${show(o.gate)}`);
  const cap = o.cap == null ? defCap : r.pct(o.cap, join(path, 'cap'));
  if (cap !== null && cap <= 0) r.fail(join(path, 'cap'), `must be above 0%, got ${show(o.cap)}`);
  if (cap !== null && gate > cap + EPS) {
    r.fail(join(path, o.gate == null ? 'cap' : 'gate'), `gate ${fmtP(gate)} is above the cap ${fmtP(cap)}`);
  }
  const direction = o.direction == null ? 'higher_is_better' : r.oneOf(o.direction, join(path, 'direction'), ['higher_is_better', 'lower_is_better'] as const);
  if (direction === 'lower_is_better' && cap === null) {
    r.fail(join(path, 'cap'), 'a lower_is_better KPI needs a cap (an actual of 0 counts as reaching the cap)');
  }
  const curve = o.curve == null ? (defCurve ?? { method: 'marginal' as const, bands: [{ from: 0, to: null, rate: 1 }] }) : parseCurve(r, o.curve, join(path, 'curve'), 'pct');
  return { metric, weight, gate, cap, direction, curve };
}

function parseCurve(r: Reader, v: unknown, path: string, bounds: 'pct' | 'units'): Curve {
  const o = r.obj(v, path, ['method', 'bands'], ['method', 'bands']);
  return { method: r.oneOf(o.method, join(path, 'method'), ['marginal', 'flat'] as const), bands: parseBands(r, o.bands, join(path, 'bands'), bounds, 'rate') };
}

/**
 * Bands must start at 0, follow each other without gap or overlap, and the last must be
 * open-ended (no `to`). `from` may be omitted: it defaults to the previous band's `to` (0 for the first).
 */
function parseBands(r: Reader, v: unknown, path: string, bounds: 'pct' | 'units', rateKey: 'rate' | 'off'): Band[] {
  const list = r.list(v, path);
  if (list.length === 0) r.fail(path, 'needs at least one band');
  const bound = (x: unknown, p: string) => {
    const n = bounds === 'pct' ? r.pct(x, p) : r.num(x, p);
    if (n < 0) r.fail(p, `must not be negative, got ${show(x)}`);
    return n;
  };
  const out: Band[] = [];
  list.forEach((b, i) => {
    const p = join(path, i);
    const o = r.obj(b, p, ['from', 'to', rateKey], [rateKey]);
    const prevTo = i === 0 ? 0 : out[i - 1].to;
    const from = o.from == null ? (prevTo as number) : bound(o.from, join(p, 'from'));
    if (i === 0 && Math.abs(from) > EPS) r.fail(join(p, 'from'), `the first band must start at 0 (gap from 0 to ${show(o.from)})`);
    if (i > 0 && prevTo !== null) {
      if (from < prevTo - EPS) r.fail(join(p, 'from'), `overlaps ${path}[${i - 1}], which ends at ${fmtBound(prevTo, bounds)}`);
      if (from > prevTo + EPS) r.fail(join(p, 'from'), `gap between ${fmtBound(prevTo, bounds)} (end of ${path}[${i - 1}]) and ${fmtBound(from, bounds)}`);
    }
    const last = i === list.length - 1;
    let to: number | null = null;
    if (o.to != null) {
      if (last) r.fail(join(p, 'to'), 'the last band must be open-ended (omit `to`)');
      to = bound(o.to, join(p, 'to'));
      if (to <= from + EPS) r.fail(join(p, 'to'), `must be above from (${fmtBound(from, bounds)}), got ${fmtBound(to, bounds)}`);
    } else if (!last) {
      r.fail(join(p, 'to'), 'missing required field (only the last band may be open-ended)');
    }
    // `rate`: a factor (1.4) or "5%"; `off`: a percent (5 or "5%").
    const rate = rateKey === 'rate' ? r.rate(o.rate, join(p, 'rate')) : r.pct(o.off, join(p, 'off'));
    if (rate < 0) r.fail(join(p, rateKey), `must not be negative, got ${show(o[rateKey])}`);
    out.push({ from: i === 0 ? 0 : (prevTo as number), to, rate });
  });
  return out;
}

/** Format a fraction as a percent: 0.6 → "60%", 0.0125 → "1.25%". */
export function fmtP(f: number): string {
  return `${Number((f * 100).toFixed(4))}%`;
}
function fmtBound(n: number, bounds: 'pct' | 'units'): string {
  return bounds === 'pct' ? fmtP(n) : String(n);
}

/** KPI names the plan defines for an RM type (all types when omitted): what targets.csv may name. */
export function planKpis(plan: IncentivePlan, rmType?: RmType): string[] {
  const types: RmType[] = rmType ? [rmType] : ['corporate', 'personal'];
  const out = new Set<string>();
  for (const t of types) for (const k of plan.plans[t]?.kpis ?? []) out.add(k.metric);
  return [...out];
}
