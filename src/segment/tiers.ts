/**
 * Customer tiers (客户分层), metrics.md "Tiers". One ladder per customer type.
 * Pure: parseTiers receives the file's text and name.
 */
import type { CustomerType } from '../types.js';
import { DataError } from '../errors.js';
import { FieldReader, ceilShare, parseConfigText } from './config-file.js';

export type TierMeasure = 'aum_adb' | 'deposit_adb' | 'contribution';
export const TIER_MEASURES: readonly TierMeasure[] = ['aum_adb', 'deposit_adb', 'contribution'];
export type TierMethod = 'thresholds' | 'quantiles';
/** Codes reserved for the migration matrix. */
export const RESERVED_TIER_CODES: readonly string[] = ['new', 'gone', 'total'];

export interface TierDef {
  code: string;
  name_zh: string;
  name_en: string;
  /** thresholds: inclusive lower bound in fen (the lowest tier has none: it takes everything below the next bound). */
  min_fen?: number;
  /** quantiles: share of customers (0 < share ≤ 1); the lowest tier has none: it takes the rest. */
  share?: number;
}

export interface Ladder {
  measure: TierMeasure;
  method: TierMethod;
  /** Ordered low → high (reporting order). */
  tiers: TierDef[];
}

export type TiersConfig = Record<CustomerType, Ladder>;
export const CUSTOMER_TYPES: readonly CustomerType[] = ['personal', 'corporate'];

export const DEFAULT_TIERS: Readonly<TiersConfig> = {
  personal: {
    measure: 'aum_adb',
    method: 'thresholds',
    tiers: [
      { code: 'mass', name_zh: '大众', name_en: 'Mass' },
      { code: 'vip', name_zh: '贵宾', name_en: 'VIP', min_fen: 100_000_00 },
      { code: 'affluent', name_zh: '理财', name_en: 'Affluent', min_fen: 500_000_00 },
      { code: 'wealth', name_zh: '财富', name_en: 'Wealth', min_fen: 2_000_000_00 },
      { code: 'private', name_zh: '私人银行', name_en: 'Private', min_fen: 8_000_000_00 },
    ],
  },
  corporate: {
    measure: 'contribution',
    method: 'quantiles',
    tiers: [
      { code: 'standard', name_zh: '一般', name_en: 'Standard' },
      { code: 'core', name_zh: '核心', name_en: 'Core', share: 0.3 },
      { code: 'key', name_zh: '重点', name_en: 'Key', share: 0.2 },
    ],
  },
};

/** A deep copy of the defaults (callers may mutate it). */
export function defaultTiers(): TiersConfig {
  return JSON.parse(JSON.stringify(DEFAULT_TIERS)) as TiersConfig;
}

/**
 * Parse a tiers file (YAML or JSON). Top-level keys `personal` and/or `corporate`; a ladder
 * left out keeps its default. Each ladder:
 *   measure: aum_adb | deposit_adb | contribution
 *   method:  thresholds | quantiles
 *   tiers:   list, low → high, of { code, name_zh, name_en, min (CNY, thresholds) | share (quantiles) }
 * Tier codes must be unique across the whole file and may not be `new`, `gone` or `total`.
 * A `watch:` section (the call-list rules, src/watch/rules.ts) may stand beside them: read there.
 */
export function parseTiers(text: string, fileName: string): TiersConfig {
  const data = parseConfigText(text, fileName);
  const r = new FieldReader(fileName);
  r.keys(data, null, [...CUSTOMER_TYPES, 'watch']);
  if (Object.keys(data).length === 0) r.fail('personal', 'the file defines no ladder (expected personal and/or corporate)');
  const cfg = defaultTiers();
  for (const ct of CUSTOMER_TYPES) {
    if (data[ct] !== undefined) cfg[ct] = parseLadder(data[ct], ct, r);
  }
  // Ladders kept from the defaults first, so that a clash is reported on the file's own ladder.
  const order = [...CUSTOMER_TYPES].sort((a, b) => Number(data[a] !== undefined) - Number(data[b] !== undefined));
  const seen = new Map<string, string>();
  for (const ct of order) {
    const where = data[ct] === undefined ? ' (default ladder)' : '';
    cfg[ct].tiers.forEach((t, i) => {
      const other = seen.get(t.code);
      if (other) r.fail(`${ct}.tiers[${i}].code`, `code "${t.code}" is already used by ${other}`);
      seen.set(t.code, `${ct}.tiers[${i}]${where}`);
    });
  }
  return cfg;
}

function parseLadder(v: unknown, path: string, r: FieldReader): Ladder {
  const o = r.obj(v, path);
  r.keys(o, path, ['measure', 'method', 'tiers']);
  const measure = r.str(o.measure, `${path}.measure`);
  if (!(TIER_MEASURES as readonly string[]).includes(measure)) {
    r.fail(`${path}.measure`, `must be one of ${TIER_MEASURES.join(', ')}, got "${measure}"`);
  }
  const method = r.str(o.method, `${path}.method`);
  if (method !== 'thresholds' && method !== 'quantiles') {
    r.fail(`${path}.method`, `must be thresholds or quantiles, got "${method}"`);
  }
  if (!Array.isArray(o.tiers) || o.tiers.length === 0) r.fail(`${path}.tiers`, 'must be a non-empty list (low → high)');
  const tiers: TierDef[] = [];
  let shareSum = 0;
  (o.tiers as unknown[]).forEach((tv, i) => {
    const tp = `${path}.tiers[${i}]`;
    const t = r.obj(tv, tp);
    r.keys(t, tp, ['code', 'name_zh', 'name_en', 'min', 'share']);
    const code = r.str(t.code, `${tp}.code`);
    if (!/^[a-z0-9_]+$/.test(code)) r.fail(`${tp}.code`, `must be lowercase letters, digits or _, got "${code}"`);
    if (RESERVED_TIER_CODES.includes(code)) r.fail(`${tp}.code`, `"${code}" is reserved (new, gone, total)`);
    const def: TierDef = { code, name_zh: r.str(t.name_zh, `${tp}.name_zh`), name_en: r.str(t.name_en, `${tp}.name_en`) };
    if (method === 'thresholds') {
      if (t.share !== undefined) r.fail(`${tp}.share`, 'share is only for method quantiles');
      if (i === 0) {
        if (t.min !== undefined) {
          r.fail(`${tp}.min`, 'the lowest tier has no min: it takes every value below the next tier\'s min');
        }
      } else {
        if (t.min === undefined) r.fail(`${tp}.min`, 'required (lower bound in CNY, inclusive)');
        def.min_fen = r.cnyToFen(t.min, `${tp}.min`);
        const prev = tiers[i - 1].min_fen;
        if (prev !== undefined && def.min_fen <= prev) {
          r.fail(`${tp}.min`, `must be greater than the previous tier's min (tiers are listed low → high)`);
        }
      }
    } else {
      if (t.min !== undefined) r.fail(`${tp}.min`, 'min is only for method thresholds');
      if (i === 0) {
        if (t.share !== undefined) r.fail(`${tp}.share`, 'the lowest tier has no share: it takes the rest');
      } else {
        if (t.share === undefined) r.fail(`${tp}.share`, 'required (fraction of customers, e.g. 0.2 or "20%")');
        const s = r.rate(t.share, `${tp}.share`, 0, 1);
        if (s <= 0) r.fail(`${tp}.share`, 'must be greater than 0');
        def.share = s;
        shareSum += s;
      }
    }
    tiers.push(def);
  });
  if (shareSum > 1 + 1e-9) r.fail(`${path}.tiers`, `shares add up to ${shareSum}, more than 1`);
  const seen = new Set<string>();
  tiers.forEach((t, i) => {
    if (seen.has(t.code)) r.fail(`${path}.tiers[${i}].code`, `duplicate code "${t.code}"`);
    seen.add(t.code);
  });
  return { measure: measure as TierMeasure, method, tiers };
}

export interface TierRecord {
  customer_id: string;
  /** The ladder's measure, in fen. */
  value: number;
}

/**
 * Assign each record a tier code of the ladder.
 * thresholds: the highest tier whose min ≤ value (lower bound inclusive).
 * quantiles: sort by value high → low, ties by customer_id ascending; walking tiers from the
 * highest down, each gets ceil(share × n) customers, clipped to what remains; the lowest takes the rest.
 */
export function assignTiers(records: readonly TierRecord[], ladder: Ladder): Map<string, string> {
  const seen = new Set<string>();
  for (const rec of records) {
    if (seen.has(rec.customer_id)) throw new DataError(`customer ${rec.customer_id} appears twice in the tier input`);
    seen.add(rec.customer_id);
  }
  const codes = tierOf(records.map((r) => r.customer_id), records.map((r) => r.value), ladder);
  return new Map(records.map((r, i) => [r.customer_id, codes[i]]));
}

/**
 * assignTiers for parallel arrays of distinct ids and values: the tier code of each, in the
 * same order.
 */
export function tierOf(ids: readonly string[], values: readonly number[], ladder: Ladder): string[] {
  // tierIndexes breaks ties by position: give it the records in customer_id order.
  const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const byId = Float64Array.from(order, (i) => values[i]);
  const tiers = tierIndexes(byId, Int32Array.from(order.keys()), ladder, (k) => ids[order[k]]);
  const out: string[] = new Array(ids.length);
  order.forEach((i, k) => { out[i] = ladder.tiers[tiers[k]].code; });
  return out;
}

/**
 * The tiers of a population, columnar: `members` are positions into `values` (the ladder's
 * measure, fen) in ascending order, which is also the tie order of quantile ladders (customer_id
 * order when the positions are a customer directory's). Per member the index of its tier in
 * ladder.tiers (see assignTiers). A quantile ladder needs no sorted permutation: the k-th largest
 * value (a native sort of the values) cuts each tier, and of the values equal to a cut the first
 * ones by position are in.
 */
export function tierIndexes(values: ArrayLike<number>, members: ArrayLike<number>, ladder: Ladder, idOf: (k: number) => string): Uint8Array {
  const n = members.length;
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(values[members[k]])) throw new DataError(`tier measure for customer ${idOf(k)} is not a number`);
  }
  const tiers = ladder.tiers;
  const out = new Uint8Array(n);
  if (ladder.method === 'thresholds') {
    for (let k = 0; k < n; k++) {
      const v = values[members[k]];
      let ti = 0;
      for (let j = 1; j < tiers.length; j++) if (v >= (tiers[j].min_fen as number)) ti = j;
      out[k] = ti;
    }
    return out;
  }
  const asc = Float64Array.from({ length: n }, (_, k) => values[members[k]]).sort();
  // From the highest tier down, each takes ceil(share × n) of what remains; `top` customers are
  // then in this tier or a higher one: those above the cut value, and `quota` of those equal to it.
  let top = 0;
  const cuts: { tier: number; cut: number; quota: number }[] = [];
  for (let ti = tiers.length - 1; ti >= 1; ti--) {
    top += Math.min(ceilShare(tiers[ti].share ?? 0, n), n - top);
    if (top === 0) continue;
    const cut = asc[n - top];
    let above = 0;
    for (let k = 0; k < n; k++) if (values[members[k]] > cut) above++;
    cuts.push({ tier: ti, cut, quota: top - above });
  }
  const equalSeen = new Int32Array(cuts.length);
  for (let k = 0; k < n; k++) {
    const v = values[members[k]];
    // The nested sets, highest tier first: the first that holds the member gives its tier.
    let ti = 0;
    for (let j = 0; j < cuts.length; j++) {
      const c = cuts[j];
      if (v > c.cut || (v === c.cut && equalSeen[j]++ < c.quota)) {
        ti = c.tier;
        // Every lower cut's set holds it too: count it there among the ties.
        for (let l = j + 1; l < cuts.length; l++) if (v === cuts[l].cut) equalSeen[l]++;
        break;
      }
    }
    out[k] = ti;
  }
  return out;
}

/** Tier codes of a ladder, low → high. */
export function tierCodes(ladder: Ladder): string[] {
  return ladder.tiers.map((t) => t.code);
}
