/**
 * The rules of `crm watch` and `crm coverage`: signal thresholds, which tiers are valuable, RM
 * capacity. Defaults as in docs/watch.md; overridable in a `watch:` section of the tiers file or
 * a rules file (YAML or JSON). Pure: the caller reads the file and passes its text and name.
 */
import { FieldReader, parseConfigText, type Obj } from '../segment/config-file.js';
import type { CustomerType } from '../types.js';

export const SIGNALS = ['attrition', 'upgrade', 'downgrade', 'dormant_valuable', 'unassigned', 'loan_downgrade'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface WatchRules {
  /** The lowest valuable tier code per customer type: that tier and the ones above it are valuable. */
  valuable: Record<CustomerType, string>;
  /** AUM ADB over the last `days` at least `drop` below the `days` before, when that was ≥ min_aum_fen; or a net outflow ≥ net_outflow_fen. */
  attrition: { days: number; drop: number; min_aum_fen: number; net_outflow_fen: number };
  /** The tier measure within `gap` below the next tier's threshold, and AUM ADB over the last `days` above the `days` before. */
  upgrade: { gap: number; days: number };
  /** Below the tier's threshold in each of the last `months` whole months. */
  downgrade: { months: number };
  /** AUM ADB ≥ min_aum_fen and no customer-initiated transaction in `days` days. */
  dormant_valuable: { days: number; min_aum_fen: number };
  /** A loan's class moved from normal to a worse one within the last `days`. */
  loan_downgrade: { days: number };
  /** Customers an RM can serve: personal RMs `personal_valuable` valuable or `personal_customers` in all; corporate RMs `corporate_valuable`. */
  capacity: { personal_valuable: number; personal_customers: number; corporate_valuable: number };
}

export const DEFAULT_RULES: Readonly<WatchRules> = {
  valuable: { personal: 'vip', corporate: 'core' },
  attrition: { days: 30, drop: 0.3, min_aum_fen: 50_000_00, net_outflow_fen: 100_000_00 },
  upgrade: { gap: 0.1, days: 30 },
  downgrade: { months: 3 },
  dormant_valuable: { days: 90, min_aum_fen: 100_000_00 },
  loan_downgrade: { days: 30 },
  capacity: { personal_valuable: 200, personal_customers: 2000, corporate_valuable: 60 },
};

export function defaultRules(): WatchRules {
  return JSON.parse(JSON.stringify(DEFAULT_RULES)) as WatchRules;
}

/** Per section: its keys, and each key's kind (days: whole number ≥ 1; rate: fraction or "30%"; cny: amount; count: whole number ≥ 1; tier: code). */
const SECTIONS: Record<string, Record<string, 'days' | 'rate' | 'cny' | 'count' | 'tier'>> = {
  valuable: { personal: 'tier', corporate: 'tier' },
  attrition: { days: 'days', drop: 'rate', min_aum: 'cny', net_outflow: 'cny' },
  upgrade: { gap: 'rate', days: 'days' },
  downgrade: { months: 'count' },
  dormant_valuable: { days: 'days', min_aum: 'cny' },
  loan_downgrade: { days: 'days' },
  capacity: { personal_valuable: 'count', personal_customers: 'count', corporate_valuable: 'count' },
};

/**
 * The rules of a file: its `watch:` section when it has one (a tiers file: `personal` and
 * `corporate` may stand beside it), else the whole file. Keys left out keep their defaults; an
 * unknown key is a usage error naming it.
 */
export function parseRules(text: string, fileName: string): WatchRules {
  return rulesOf(parseConfigText(text, fileName), fileName) ?? defaultRules();
}

/** The rules of a parsed tiers or rules file, or undefined when a tiers file has no `watch:` section. */
export function rulesOf(data: Obj, fileName: string): WatchRules | undefined {
  const r = new FieldReader(fileName);
  let section = data;
  let path = '';
  if ('watch' in data || 'personal' in data || 'corporate' in data) {
    r.keys(data, null, ['personal', 'corporate', 'watch']);
    if (data.watch === undefined) return undefined;
    section = r.obj(data.watch, 'watch');
    path = 'watch.';
  }
  r.keys(section, path ? 'watch' : null, Object.keys(SECTIONS));
  const out = defaultRules() as unknown as Record<string, Record<string, number | string>>;
  for (const [name, keys] of Object.entries(SECTIONS)) {
    if (section[name] === undefined) continue;
    const field = `${path}${name}`;
    const o = r.obj(section[name], field);
    r.keys(o, field, Object.keys(keys));
    for (const [key, kind] of Object.entries(keys)) {
      const v = o[key];
      if (v === undefined) continue;
      const f = `${field}.${key}`;
      if (kind === 'rate') out[name][key] = r.rate(v, f, 0, 1);
      else if (kind === 'cny') out[name][`${key}_fen`] = r.cnyToFen(v, f);
      else if (kind === 'tier') out[name][key] = r.str(v, f);
      else {
        const n = r.num(v, f);
        // The last customer-initiated transaction is looked for over 365 days (the RFM year).
        const max = name === 'dormant_valuable' ? 365 : 36600;
        if (!Number.isInteger(n) || n < 1 || n > max) r.fail(f, `must be a whole number from 1 to ${max}, got ${n}`);
        out[name][key] = n;
      }
    }
  }
  return out as unknown as WatchRules;
}
