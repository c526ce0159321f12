/**
 * Mapping files: how another export layout maps onto the data contract. One file may
 * describe a whole source system (several files, recognised by name or header).
 *
 *   delimiter: ";"            encoding: utf-8        date_format: YYMMDD    year_pivot: 50
 *   files:
 *     - name: "trans*.asc"    # glob on the base name (or a list); or header: [cols...]
 *       kind: transactions
 *       columns:   { txn_id: trans_id, posted_at: date }     # contract column <- source column
 *                  { txn_type: [k_symbol, operation] }       # or a list: the first non-blank one
 *       templates: { account_id: "L{loan_id}" }              # text built from source columns
 *       constants: { currency: CZK }
 *       values:    { direction: { PRIJEM: credit, VYDAJ: debit } }
 *       lookups:   { customer_id: { file: disp.asc, from: account_id, key: account_id, value: client_id, where: { type: OWNER } } }
 *       snapshot:  full | partial | none                       # accounts only
 *     - name: [disp.asc, district.asc]
 *       ignore: true
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';
import { UsageError, DataError } from '../errors.js';
import { KINDS, normaliseHeader, parseKind, type Kind } from './kinds.js';
import { parseCsvText } from './csv.js';
import { normaliseEncoding } from './reader.js';

export interface LookupSpec {
  file: string;
  /** Source column of this file whose value is looked up (default: key). */
  from?: string;
  key: string;
  value: string;
  where?: Record<string, string>;
}

export interface FileSpec {
  name?: string[];
  header?: string[];
  kind?: Kind;
  ignore?: boolean;
  delimiter?: string;
  encoding?: string;
  date_format?: string;
  year_pivot?: number;
  /** Contract column <- source column, or a list of source columns (the first non-blank value wins). */
  columns: Record<string, string | string[]>;
  templates: Record<string, string>;
  constants: Record<string, string>;
  values: Record<string, Record<string, string>>;
  lookups: Record<string, LookupSpec>;
  snapshot?: 'full' | 'partial' | 'none';
}

export interface Mapping {
  path: string;
  files: FileSpec[];
}

const FILE_KEYS = ['name', 'header', 'kind', 'ignore', 'delimiter', 'encoding', 'date_format', 'year_pivot', 'columns', 'templates', 'constants', 'values', 'lookups', 'snapshot'];
const TOP_KEYS = [...FILE_KEYS, 'files', 'source', 'description'];

export function loadMapping(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read mapping file: ${(e as Error).message}`);
  }
  return parseMapping(text, path);
}

export function parseMapping(text: string, path: string): Mapping {
  let doc: unknown;
  try {
    doc = /\.json$/i.test(path) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const where = (field: string) => `${basename(path)}: ${field}`;
  if (!isObject(doc)) throw new UsageError(where('the mapping must be an object'));
  checkKeys(doc, TOP_KEYS, '', where);
  const defaults = readSpec(doc, '', where);
  const list = doc.files === undefined ? [doc] : doc.files;
  if (!Array.isArray(list)) throw new UsageError(where('files: must be a list'));
  const files = list.map((f, i) => {
    const field = doc.files === undefined ? '' : `files[${i}].`;
    if (!isObject(f)) throw new UsageError(where(`${field}must be an object`));
    checkKeys(f, FILE_KEYS, field, where);
    const spec = readSpec(f, field, where);
    return {
      ...defaults, ...stripUndefined(spec),
      columns: { ...defaults.columns, ...spec.columns },
      templates: { ...defaults.templates, ...spec.templates },
      constants: { ...defaults.constants, ...spec.constants },
      values: { ...defaults.values, ...spec.values },
      lookups: { ...defaults.lookups, ...spec.lookups },
    } as FileSpec;
  });
  files.forEach((f, i) => {
    if (!f.ignore && !f.kind) throw new UsageError(where(`files[${i}].kind: required (one of ${Object.keys(KINDS).join(', ')}) unless ignore: true`));
    if (!f.name && !f.header && doc.files !== undefined && list.length > 1) throw new UsageError(where(`files[${i}]: needs name or header to recognise the file`));
    if (f.kind) {
      const known = new Set(KINDS[f.kind].columns.map((c) => c.name));
      for (const section of ['columns', 'templates', 'constants', 'values', 'lookups'] as const) {
        for (const k of Object.keys(f[section])) {
          if (!known.has(k)) throw new UsageError(where(`files[${i}].${section}.${k}: not a column of ${f.kind} (expected ${[...known].join(', ')})`));
        }
      }
    }
  });
  return { path, files };
}

function readSpec(o: Record<string, unknown>, field: string, where: (f: string) => string): Partial<FileSpec> & Pick<FileSpec, 'columns' | 'templates' | 'constants' | 'values' | 'lookups'> {
  const str = (k: string) => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'string' && typeof o[k] !== 'number') throw new UsageError(where(`${field}${k}: must be text`));
    return String(o[k]);
  };
  const strMap = (k: string): Record<string, string> => {
    if (o[k] === undefined) return {};
    if (!isObject(o[k])) throw new UsageError(where(`${field}${k}: must be a map`));
    const out: Record<string, string> = {};
    for (const [kk, vv] of Object.entries(o[k] as object)) {
      if (vv !== null && typeof vv === 'object') throw new UsageError(where(`${field}${k}.${kk}: must be text`));
      out[kk] = vv === null ? '' : String(vv);
    }
    return out;
  };
  const columnsMap = (): Record<string, string | string[]> => {
    if (o.columns === undefined) return {};
    if (!isObject(o.columns)) throw new UsageError(where(`${field}columns: must be a map`));
    const out: Record<string, string | string[]> = {};
    for (const [kk, vv] of Object.entries(o.columns)) {
      const list = Array.isArray(vv) ? vv : [vv];
      if (list.length === 0 || list.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
        throw new UsageError(where(`${field}columns.${kk}: must be a source column or a list of them`));
      }
      out[kk] = Array.isArray(vv) ? list.map(String) : String(vv);
    }
    return out;
  };
  const names = o.name === undefined ? undefined : Array.isArray(o.name) ? o.name.map(String) : [String(o.name)];
  const header = o.header === undefined ? undefined : Array.isArray(o.header) ? o.header.map(String) : undefined;
  if (o.header !== undefined && !header) throw new UsageError(where(`${field}header: must be a list of column names`));
  let kind: Kind | undefined;
  if (o.kind !== undefined) {
    try { kind = parseKind(String(o.kind)); } catch (e) { throw new UsageError(where(`${field}kind: ${(e as Error).message}`)); }
  }
  const encoding = str('encoding');
  if (encoding) {
    try { normaliseEncoding(encoding); } catch (e) { throw new UsageError(where(`${field}encoding: ${(e as Error).message}`)); }
  }
  const delimiter = str('delimiter');
  if (delimiter !== undefined && delimiter.replace('\\t', '\t').length !== 1) throw new UsageError(where(`${field}delimiter: must be one character`));
  const pivot = o.year_pivot;
  if (pivot !== undefined && (typeof pivot !== 'number' || pivot < 0 || pivot > 99)) throw new UsageError(where(`${field}year_pivot: must be a number 0-99`));
  const snapshot = str('snapshot');
  if (snapshot !== undefined && !['full', 'partial', 'none'].includes(snapshot)) throw new UsageError(where(`${field}snapshot: must be full, partial or none`));
  const values: Record<string, Record<string, string>> = {};
  if (o.values !== undefined) {
    if (!isObject(o.values)) throw new UsageError(where(`${field}values: must be a map of column -> {source value: contract value}`));
    for (const [c, m] of Object.entries(o.values as object)) {
      if (!isObject(m)) throw new UsageError(where(`${field}values.${c}: must be a map`));
      values[c] = Object.fromEntries(Object.entries(m).map(([a, b]) => [a, b === null ? '' : String(b)]));
    }
  }
  const lookups: Record<string, LookupSpec> = {};
  if (o.lookups !== undefined) {
    if (!isObject(o.lookups)) throw new UsageError(where(`${field}lookups: must be a map`));
    for (const [c, l] of Object.entries(o.lookups as object)) {
      if (!isObject(l) || typeof l.file !== 'string' || typeof l.key !== 'string' || typeof l.value !== 'string') {
        throw new UsageError(where(`${field}lookups.${c}: needs file, key and value`));
      }
      lookups[c] = { file: l.file, key: l.key, value: l.value, from: typeof l.from === 'string' ? l.from : undefined, where: isObject(l.where) ? Object.fromEntries(Object.entries(l.where).map(([a, b]) => [a, String(b)])) : undefined };
    }
  }
  return {
    name: names, header, kind, ignore: o.ignore === true ? true : undefined, delimiter: delimiter?.replace('\\t', '\t'), encoding,
    date_format: str('date_format'), year_pivot: pivot as number | undefined, snapshot: snapshot as FileSpec['snapshot'],
    columns: columnsMap(), templates: strMap('templates'), constants: strMap('constants'), values, lookups,
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkKeys(o: Record<string, unknown>, allowed: string[], field: string, where: (f: string) => string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new UsageError(where(`${field}${k}: unknown key (expected one of ${allowed.join(', ')})`));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

/** The spec for a file: first by name, then by header columns. */
export function specForName(m: Mapping, file: string): FileSpec | undefined {
  const base = basename(file);
  return m.files.find((f) => f.name?.some((g) => globToRegExp(g).test(base)));
}

export function specForHeader(m: Mapping, header: string[]): FileSpec | undefined {
  const names = new Set(header.map(normaliseHeader));
  const byHeader = m.files.find((f) => !f.name && f.header?.every((h) => names.has(normaliseHeader(h))));
  return byHeader ?? (m.files.length === 1 && !m.files[0].name && !m.files[0].header ? m.files[0] : undefined);
}

/** Loads a lookup table (small reference files such as Berka's disp.asc) beside the data file. */
export function loadLookup(spec: LookupSpec, dataFile: string, fileSpec: FileSpec): Map<string, string> {
  const path = join(dirname(dataFile), spec.file);
  let text: string;
  try {
    const bytes = readFileSync(path);
    text = new TextDecoder(fileSpec.encoding ? normaliseEncoding(fileSpec.encoding) === 'auto' ? 'utf-8' : normaliseEncoding(fileSpec.encoding) : 'utf-8').decode(bytes);
  } catch (e) {
    throw new DataError(`${dataFile}: lookup file ${path} cannot be read: ${(e as Error).message}`);
  }
  const { records } = parseCsvText(text, fileSpec.delimiter ?? ',');
  if (records.length === 0) throw new DataError(`${path}: lookup file is empty`);
  const head = records[0].fields.map(normaliseHeader);
  const idx = (c: string) => {
    const i = head.indexOf(normaliseHeader(c));
    if (i < 0) throw new DataError(`${path}: lookup column "${c}" not in header (${records[0].fields.join(', ')})`);
    return i;
  };
  const ki = idx(spec.key);
  const vi = idx(spec.value);
  const conds = Object.entries(spec.where ?? {}).map(([c, val]) => [idx(c), val] as const);
  const out = new Map<string, string>();
  for (const r of records.slice(1)) {
    if (conds.every(([i, val]) => (r.fields[i] ?? '').trim() === val)) out.set((r.fields[ki] ?? '').trim(), (r.fields[vi] ?? '').trim());
  }
  return out;
}
