/**
 * RFM scoring (metrics.md "RFM") and named segments.
 *
 * Scores use quintile cut points over the customers with at least one transaction in the window
 * (frequency > 0), nearest rank: values sorted ascending, c_k = value at rank ceil(k·n/5), k = 1..4.
 *   F, M: v ≤ c1 → 1, ≤ c2 → 2, ≤ c3 → 3, ≤ c4 → 4, else 5.
 *   R (days since last transaction, lower is better): d ≤ c1 → 5, ≤ c2 → 4, ≤ c3 → 3, ≤ c4 → 2, else 1.
 * Equal values get equal scores (the score depends only on the value). Customers with no
 * transaction in the window: R = F = M = 1, segment `inactive`.
 */
import { DataError } from '../errors.js';

export interface RfmInput {
  customer_id: string;
  /** Days from the last transaction to as-of; ignored when frequency = 0. */
  days_since_last: number | null;
  /** Number of transactions in the window. */
  frequency: number;
  /** Σ |amount| of those transactions, fen. */
  monetary_fen: number;
}

export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmScore {
  customer_id: string;
  active: boolean;
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegmentCode;
}

/** Cut points c1..c4 (null when no customer has a transaction). */
export interface RfmCuts {
  recency: [number, number, number, number] | null;
  frequency: [number, number, number, number] | null;
  monetary: [number, number, number, number] | null;
}

export interface RfmResult {
  /** Customers with at least one transaction: the population the cut points come from. */
  active_customers: number;
  cuts: RfmCuts;
  scores: RfmScore[];
  /** Customers per segment, in RFM_SEGMENTS order (every segment listed, zeros included). */
  segment_counts: { code: RfmSegmentCode; customers: number }[];
}

export type RfmSegmentCode =
  | 'inactive' | 'champions' | 'loyal' | 'cant_lose' | 'at_risk' | 'potential_loyalist'
  | 'new' | 'promising' | 'need_attention' | 'hibernating' | 'lost';

export interface RfmSegmentRule {
  code: RfmSegmentCode;
  name_zh: string;
  name_en: string;
  /** The rule in words (printed in docs and reports), in English and Chinese. */
  rule: string;
  rule_zh: string;
  test: (s: { active: boolean; r: Score; f: Score; m: Score }) => boolean;
}

/** Ordered first-match rule table; the last rule matches everything, so every customer lands in exactly one. */
export const RFM_SEGMENTS: readonly RfmSegmentRule[] = [
  { code: 'inactive', name_zh: '无交易', name_en: 'Inactive', rule: 'no transaction in the window', rule_zh: '统计期内无交易',
    test: (s) => !s.active },
  { code: 'champions', name_zh: '冠军客户', name_en: 'Champions', rule: 'R ≥ 4, F ≥ 4, M ≥ 4', rule_zh: 'R ≥ 4，F ≥ 4，M ≥ 4',
    test: (s) => s.r >= 4 && s.f >= 4 && s.m >= 4 },
  { code: 'loyal', name_zh: '忠诚客户', name_en: 'Loyal', rule: 'R ≥ 3, F ≥ 4', rule_zh: 'R ≥ 3，F ≥ 4',
    test: (s) => s.r >= 3 && s.f >= 4 },
  { code: 'cant_lose', name_zh: '不能流失', name_en: "Can't lose", rule: 'R ≤ 2, F ≥ 4, M ≥ 4', rule_zh: 'R ≤ 2，F ≥ 4，M ≥ 4',
    test: (s) => s.r <= 2 && s.f >= 4 && s.m >= 4 },
  { code: 'at_risk', name_zh: '流失风险', name_en: 'At risk', rule: 'R ≤ 2, F ≥ 3 or M ≥ 3', rule_zh: 'R ≤ 2，F ≥ 3 或 M ≥ 3',
    test: (s) => s.r <= 2 && (s.f >= 3 || s.m >= 3) },
  { code: 'potential_loyalist', name_zh: '潜力客户', name_en: 'Potential loyalist', rule: 'R ≥ 4, F = 2 or 3', rule_zh: 'R ≥ 4，F = 2 或 3',
    test: (s) => s.r >= 4 && (s.f === 2 || s.f === 3) },
  { code: 'new', name_zh: '新近客户', name_en: 'New', rule: 'R = 5, F = 1', rule_zh: 'R = 5，F = 1',
    test: (s) => s.r === 5 && s.f === 1 },
  { code: 'promising', name_zh: '有望客户', name_en: 'Promising', rule: 'R = 4, F = 1', rule_zh: 'R = 4，F = 1',
    test: (s) => s.r === 4 && s.f === 1 },
  { code: 'need_attention', name_zh: '需关注', name_en: 'Need attention', rule: 'R = 3, F ≤ 3', rule_zh: 'R = 3，F ≤ 3',
    test: (s) => s.r === 3 && s.f <= 3 },
  { code: 'hibernating', name_zh: '休眠倾向', name_en: 'Hibernating', rule: 'R = 2 (F ≤ 2 and M ≤ 2 after the rules above)', rule_zh: 'R = 2（经以上规则后 F ≤ 2 且 M ≤ 2）',
    test: (s) => s.r === 2 },
  { code: 'lost', name_zh: '流失客户', name_en: 'Lost', rule: 'everything else (R = 1, F ≤ 2, M ≤ 2)', rule_zh: '其余（R = 1，F ≤ 2，M ≤ 2）',
    test: () => true },
];

/** A segment's rule in words, in the report language. */
export function segmentRule(code: string, lang: 'en' | 'zh'): string {
  const s = RFM_SEGMENTS.find((x) => x.code === code);
  return s ? (lang === 'zh' ? s.rule_zh : s.rule) : '';
}

export function segmentOf(s: { active: boolean; r: Score; f: Score; m: Score }): RfmSegmentCode {
  for (const rule of RFM_SEGMENTS) if (rule.test(s)) return rule.code;
  /* c8 ignore next */
  throw new Error('unreachable: the last RFM rule matches everything');
}

/** Nearest-rank quintile cut points of the values: sorted ascending, c_k = sorted[ceil(k·n/5) − 1]. */
export function quintileCuts(values: ArrayLike<number>): [number, number, number, number] | null {
  return cutsOfSorted(Float64Array.from(values).sort());
}

function cutsOfSorted(s: Float64Array): [number, number, number, number] | null {
  const n = s.length;
  if (n === 0) return null;
  const at = (k: number) => s[Math.ceil((k * n) / 5) - 1];
  return [at(1), at(2), at(3), at(4)];
}

/** 1..5: the first cut point the value does not exceed (5 above c4). */
function scoreUp(v: number, c: readonly number[]): Score {
  for (let k = 0; k < 4; k++) if (v <= c[k]) return (k + 1) as Score;
  return 5;
}

/**
 * Segment (index into RFM_SEGMENTS) of an active customer, by (r − 1)·25 + (f − 1)·5 + (m − 1):
 * the rule table applied once per combination. Built per scoring (125 lookups, microseconds), not
 * once at load, so that the table always follows the rules in force.
 */
function activeSegments(): Uint8Array {
  const table = new Uint8Array(125);
  for (let i = 0; i < 125; i++) {
    const s = { active: true, r: (Math.floor(i / 25) + 1) as Score, f: ((Math.floor(i / 5) % 5) + 1) as Score, m: ((i % 5) + 1) as Score };
    table[i] = RFM_SEGMENTS.findIndex((x) => x.code === segmentOf(s));
  }
  return table;
}

/** RFM inputs of n customers, one column each: index i is one customer throughout. */
export interface RfmColumns {
  /** Days from the last transaction to as-of; ignored when frequency = 0. */
  days_since_last: ArrayLike<number | null>;
  /** Number of transactions in the window. */
  frequency: ArrayLike<number>;
  /** Σ |amount| of those transactions, fen. */
  monetary_fen: ArrayLike<number>;
}

/** Scores of RfmColumns, indexed like them. */
export interface RfmScoreColumns {
  active_customers: number;
  cuts: RfmCuts;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into RFM_SEGMENTS. */
  segment: Uint8Array;
  /** Customers per segment, in RFM_SEGMENTS order. */
  counts: number[];
}

/** Cut points of one measure over the active customers (values already checked). */
function cutsOf(values: ArrayLike<number | null>, frequency: ArrayLike<number>, active: number): [number, number, number, number] | null {
  const v = new Float64Array(active);
  let k = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i] > 0) v[k++] = values[i] as number;
  return cutsOfSorted(v.sort());
}

/**
 * The scores of n customers given as columns (what a report of a million customers holds: no
 * object per customer). `idOf(i)` names customer i in an error.
 */
export function scoreRfmColumns(x: RfmColumns, idOf: (i: number) => string): RfmScoreColumns {
  const n = x.frequency.length;
  let active = 0;
  for (let i = 0; i < n; i++) {
    const f = x.frequency[i];
    const m = x.monetary_fen[i];
    const d = x.days_since_last[i];
    if (!Number.isInteger(f) || f < 0) throw new DataError(`RFM: customer ${idOf(i)}: frequency must be a whole number ≥ 0, got ${f}`);
    if (!Number.isFinite(m) || m < 0) throw new DataError(`RFM: customer ${idOf(i)}: monetary must be ≥ 0 (Σ |amount|), got ${m}`);
    if (f > 0 && (d === null || !Number.isFinite(d) || d < 0)) throw new DataError(`RFM: customer ${idOf(i)} has transactions but days since last is ${d}`);
    if (f > 0) active++;
  }
  const cuts: RfmCuts = {
    recency: cutsOf(x.days_since_last, x.frequency, active),
    frequency: cutsOf(x.frequency, x.frequency, active),
    monetary: cutsOf(x.monetary_fen, x.frequency, active),
  };
  const out: RfmScoreColumns = {
    active_customers: active, cuts,
    r: new Uint8Array(n).fill(1), f: new Uint8Array(n).fill(1), m: new Uint8Array(n).fill(1),
    segment: new Uint8Array(n).fill(RFM_SEGMENTS.findIndex((x) => x.code === 'inactive')), counts: RFM_SEGMENTS.map(() => 0),
  };
  const { recency: cr, frequency: cf, monetary: cm } = cuts;
  const segmentOfScores = activeSegments();
  for (let i = 0; i < n; i++) {
    if (x.frequency[i] > 0 && cr && cf && cm) {
      const r = 6 - scoreUp(x.days_since_last[i] as number, cr);
      const f = scoreUp(x.frequency[i], cf);
      const m = scoreUp(x.monetary_fen[i], cm);
      out.r[i] = r;
      out.f[i] = f;
      out.m[i] = m;
      out.segment[i] = segmentOfScores[(r - 1) * 25 + (f - 1) * 5 + (m - 1)];
    }
    out.counts[out.segment[i]]++;
  }
  return out;
}

/** The scores of customers given one object each (scoreRfmColumns, with the ids checked unique). */
export function scoreRfm(inputs: readonly RfmInput[]): RfmResult {
  const seen = new Set<string>();
  for (const x of inputs) {
    if (seen.has(x.customer_id)) throw new DataError(`RFM: customer ${x.customer_id} appears twice`);
    seen.add(x.customer_id);
  }
  const s = scoreRfmColumns({
    days_since_last: inputs.map((x) => x.days_since_last),
    frequency: inputs.map((x) => x.frequency),
    monetary_fen: inputs.map((x) => x.monetary_fen),
  }, (i) => inputs[i].customer_id);
  return {
    active_customers: s.active_customers,
    cuts: s.cuts,
    scores: inputs.map((x, i): RfmScore => ({
      customer_id: x.customer_id, active: x.frequency > 0, r: s.r[i] as Score, f: s.f[i] as Score, m: s.m[i] as Score, segment: RFM_SEGMENTS[s.segment[i]].code,
    })),
    segment_counts: RFM_SEGMENTS.map((g, k) => ({ code: g.code, customers: s.counts[k] })),
  };
}
