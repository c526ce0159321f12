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
 * same order (what a report over 100k customers uses: no Map, no record objects).
 */
export function tierOf(ids: readonly string[], values: readonly number[], ladder: Ladder): string[] {
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new DataError(`tier measure for customer ${ids[i]} is not a number`);
  }
  const tiers = ladder.tiers;
  const out: string[] = new Array(n);
  if (ladder.method === 'thresholds') {
    for (let i = 0; i < n; i++) {
      let code = tiers[0].code;
      for (const t of tiers) if (t.min_fen !== undefined && values[i] >= t.min_fen) code = t.code;
      out[i] = code;
    }
    return out;
  }
  // Ids already ascending (the usual input, in customer_id order) break ties by position.
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) ascending = ids[i - 1] < ids[i];
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort(ascending
    ? (a, b) => values[b] - values[a] || a - b
    : (a, b) => values[b] - values[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  let pos = 0;
  for (let ti = tiers.length - 1; ti >= 1; ti--) {
    const take = Math.min(ceilShare(tiers[ti].share ?? 0, n), n - pos);
    for (let k = 0; k < take; k++) out[order[pos + k]] = tiers[ti].code;
    pos += take;
  }
  for (; pos < n; pos++) out[order[pos]] = tiers[0].code;
  return out;
}

/** Tier codes of a ladder, low → high. */
export function tierCodes(ladder: Ladder): string[] {
  return ladder.tiers.map((t) => t.code);
}
