/**
 * From a CSV record to a typed row of one kind: header matching (or a mapping's
 * renames, templates, constants, lookups and value maps), then the contract's rules.
 */
import { DataError } from '../errors.js';
import { columnLabel, headerIndex, nearMisses, normaliseHeader, type ColumnDef, type KindDef } from './kinds.js';
import { loadLookup, type FileSpec } from './mapping.js';
import * as v from './values.js';

export type Value = string | number | null;

/** A key that an earlier row of the same file already had. */
export function dupProblem(column: string, key: string): RowProblem {
  return { column, reason: `duplicate ${column} "${key}" in this file` };
}

/** An id that its table (rms, customers, accounts) does not hold. */
export function unknownProblem(column: string, id: string, table: string): RowProblem {
  return { column, reason: `unknown ${column} "${id}" (not in ${table})` };
}

/** A loan's balance below zero (every loader of account snapshots rejects it). */
export const NEGATIVE_LOAN: Readonly<RowProblem> = Object.freeze({ column: 'balance', reason: 'a loan balance is the outstanding principal and must not be negative' });

export interface Extractor {
  /** Contract-column values aligned with def.columns; undefined = column absent. */
  extract(fields: string[]): (string | undefined)[];
  /** Header columns that nothing uses (listed once as a warning). */
  unknown: string[];
  width: number;
}

type Getter = (fields: string[]) => string | undefined;

export function buildExtractor(def: KindDef, header: string[], spec: FileSpec | undefined, file: string): Extractor {
  const names = header.map(normaliseHeader);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') return;
    if (seen.has(n)) throw new DataError(`${file}: line 1: duplicate column "${header[i].trim()}" (columns ${seen.get(n)! + 1} and ${i + 1})`);
    seen.set(n, i);
  });
  const used = new Set<number>();
  const src = (name: string, what: string): number => {
    const i = seen.get(normaliseHeader(name));
    if (i === undefined) throw new DataError(`${file}: line 1: mapping ${what} names source column "${name}", which the header lacks (header: ${header.join(', ')})`);
    used.add(i);
    return i;
  };
  const idx = headerIndex(def);
  const getters: (Getter | undefined)[] = def.columns.map((c) => {
    if (spec?.constants[c.name] !== undefined) { const k = spec.constants[c.name]; return () => k; }
    if (spec?.columns[c.name] !== undefined) {
      const m = spec.columns[c.name];
      if (typeof m === 'string') { const i = src(m, `columns.${c.name}`); return (f) => f[i]; }
      // A list of source columns: the first non-blank value.
      const is = m.map((name) => src(name, `columns.${c.name}`));
      return (f) => { for (const i of is) if ((f[i] ?? '').trim() !== '') return f[i]; return f[is[0]]; };
    }
    if (spec?.templates[c.name] !== undefined) {
      const parts = spec.templates[c.name].split(/(\{[^}]+\})/).map((p) => (p.startsWith('{') && p.endsWith('}') ? src(p.slice(1, -1), `templates.${c.name}`) : p));
      return (f) => parts.map((p) => (typeof p === 'number' ? (f[p] ?? '').trim() : p)).join('');
    }
    if (spec?.lookups[c.name] !== undefined) {
      const l = spec.lookups[c.name];
      const i = src(l.from ?? l.key, `lookups.${c.name}.from`);
      const table = loadLookup(l, file, spec);
      return (f) => table.get((f[i] ?? '').trim()) ?? '';
    }
    const i = names.findIndex((n) => idx.get(n) === c.name);
    if (i < 0) return undefined;
    used.add(i);
    return (f) => f[i];
  });
  const missing = def.columns.filter((c, i) => c.required && !getters[i]);
  if (missing.length) {
    const near = spec ? [] : nearMisses(def, header).filter((m) => missing.includes(m.column));
    const hint = near.map((m) => `; the header has "${m.name}": did you mean ${columnLabel(m.column)}?`).join('');
    throw new DataError(`${file}: line 1: missing required column${missing.length > 1 ? 's' : ''} ${missing.map(columnLabel).join(', ')} for ${def.kind}${hint}`);
  }
  const valueMaps = def.columns.map((c) => {
    const m = spec?.values[c.name];
    if (!m) return undefined;
    const exact = new Map(Object.entries(m));
    const loose = new Map(Object.entries(m).map(([a, b]) => [a.trim().toLowerCase(), b]));
    return (s: string) => exact.get(s) ?? loose.get(s.trim().toLowerCase()) ?? s;
  });
  const unknown = header.filter((h, i) => !used.has(i) && h.trim() !== '').map((h) => h.trim());
  const n = def.columns.length;
  return {
    unknown,
    width: header.length,
    extract(fields) {
      const out = new Array<string | undefined>(n);
      for (let i = 0; i < n; i++) {
        const g = getters[i];
        if (!g) continue;
        let s = g(fields);
        const vm = valueMaps[i];
        if (vm && s !== undefined) s = vm(s);
        out[i] = s;
      }
      return out;
    },
  };
}

export interface RowProblem {
  column: string;
  reason: string;
}

export interface DateContext extends v.DateOptions {}

/**
 * Parses contract-column strings into typed values, or names the column and the broken rule.
 * `clean`: the values are known to hold no NUL and no U+FFFD (the caller checked the record's
 * text once instead of each value twice).
 */
export function parseRow(def: KindDef, raw: (string | undefined)[], dates: DateContext, clean = false): Value[] | RowProblem {
  const cols = def.columns;
  const out = new Array<Value>(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    const s = raw[i];
    if (s === undefined || s.trim() === '') {
      if (c.required) return { column: c.name, reason: `${c.name} is required` };
      out[i] = null;
      continue;
    }
    if (!clean) {
      if (s.indexOf('\u0000') !== -1) return { column: c.name, reason: 'contains a NUL byte' };
      if (s.indexOf('\uFFFD') !== -1) return { column: c.name, reason: 'invalid byte sequence for the file encoding (wrong --encoding?)' };
    }
    try {
      out[i] = parseValue(c, s, dates);
    } catch (e) {
      if (e instanceof v.ValueError) return { column: c.name, reason: e.message };
      throw e;
    }
    if (c.check) {
      const why = c.check(out[i] as number);
      if (why) return { column: c.name, reason: `${c.name} ${why}` };
    }
  }
  return out;
}

function parseValue(c: ColumnDef, s: string, dates: DateContext): Value {
  switch (c.type) {
    case 'text': {
      const t = s.trim();
      if (t.length > 1000) throw new v.ValueError(`${c.name} longer than 1000 characters`);
      return t;
    }
    case 'amount': return v.parseAmount(s);
    case 'decimal': return v.parseDecimal(s);
    case 'date': return v.parseDate(s, dates);
    case 'datetime': return v.parseDateTime(s, dates);
    case 'enum': return c.parseEnum!(s);
    case 'currency': return v.parseCurrency(s);
    case 'period': return v.parsePeriod(s);
  }
}
