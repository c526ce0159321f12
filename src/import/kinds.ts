/**
 * The file kinds of the data contract: their columns, Chinese aliases, types and rules.
 * One table drives header matching, kind detection and row validation.
 */
import * as v from './values.js';
import { editDistance } from '../strings.js';

export type Kind = 'fx_rates' | 'rms' | 'customers' | 'accounts' | 'transactions' | 'targets' | 'events';
/** Dependency order: a file may refer only to kinds before it. */
export const KIND_ORDER: Kind[] = ['fx_rates', 'rms', 'customers', 'accounts', 'transactions', 'targets', 'events'];

export type ColumnType = 'text' | 'amount' | 'decimal' | 'date' | 'datetime' | 'enum' | 'currency' | 'period';

export interface ColumnDef {
  name: string;
  aliases: string[];
  type: ColumnType;
  required: boolean;
  /** For enums (after value maps). */
  parseEnum?: (raw: string) => string;
  /** Extra rule on the parsed value; returns a reason when broken. */
  check?: (value: number) => string | undefined;
  /** A text column whose values repeat from row to row (a reference to another file's id). */
  repeats?: boolean;
}

/**
 * Whether a column's values repeat across rows (codes, dates, references): the parse thread
 * then sends each distinct value once and a number for it after that (see worker.ts). Not
 * date-times: a day of transactions has up to 86,400 of them, and looking each one up in a
 * dictionary that large cost the 1M-row import more (~0.25 s) than sending it as text.
 */
export function repeatsAcrossRows(c: ColumnDef): boolean {
  return c.repeats === true || c.type === 'enum' || c.type === 'currency' || c.type === 'date' || c.type === 'period';
}

export interface KindDef {
  kind: Kind;
  columns: ColumnDef[];
  /** Columns whose presence in a header identifies this kind. */
  signature: string[];
}

const col = (name: string, aliases: string[], type: ColumnType, required = false, extra: Partial<ColumnDef> = {}): ColumnDef =>
  ({ name, aliases, type, required, ...extra });
const ref = { repeats: true };
const nonNegative = (n: number) => (n < 0 ? 'must not be negative' : undefined);
const positive = (n: number) => (n <= 0 ? 'must be greater than 0' : undefined);

export const KINDS: Record<Kind, KindDef> = {
  rms: {
    kind: 'rms',
    signature: ['rm_id', 'rm_type'],
    columns: [
      col('rm_id', ['客户经理编号', '客户经理号'], 'text', true),
      col('name', ['姓名', '客户经理姓名'], 'text', true),
      col('rm_type', ['客户经理类型'], 'enum', true, { parseEnum: v.parseRmType }),
      col('branch', ['机构', '所属机构'], 'text', false, ref),
      col('base_salary', ['基本工资'], 'amount', false, { check: nonNegative }),
    ],
  },
  customers: {
    kind: 'customers',
    signature: ['customer_id', 'customer_type'],
    columns: [
      col('customer_id', ['客户号', '客户编号'], 'text', true),
      col('name', ['客户名称', '客户姓名'], 'text', true),
      col('customer_type', ['客户类型'], 'enum', true, { parseEnum: v.parseCustomerType }),
      col('rm_id', ['客户经理编号', '客户经理号'], 'text', false, ref),
      col('branch', ['机构', '所属机构'], 'text', false, ref),
      col('opened_on', ['开户日期'], 'date'),
    ],
  },
  accounts: {
    kind: 'accounts',
    signature: ['as_of', 'account_id', 'balance'],
    columns: [
      col('as_of', ['数据日期'], 'date', true),
      col('account_id', ['账号'], 'text', true),
      col('customer_id', ['客户号', '客户编号'], 'text', true, ref),
      col('product_type', ['产品类型'], 'enum', true, { parseEnum: v.parseProductType }),
      col('currency', ['币种'], 'currency'),
      col('balance', ['余额'], 'amount', true),
      col('rm_id', ['客户经理编号', '客户经理号'], 'text', false, ref),
      col('loan_class', ['五级分类'], 'enum', false, { parseEnum: v.parseLoanClass }),
      col('interest_rate', ['利率'], 'decimal'),
      col('opened_on', ['开户日期'], 'date'),
      col('status', ['状态', '账户状态'], 'enum', false, { parseEnum: v.parseAccountStatus }),
    ],
  },
  transactions: {
    kind: 'transactions',
    signature: ['txn_id', 'account_id', 'amount'],
    columns: [
      col('txn_id', ['流水号', '交易流水号'], 'text', true),
      col('account_id', ['账号'], 'text', true, ref),
      col('posted_at', ['交易时间', '交易日期'], 'datetime', true),
      col('amount', ['金额', '交易金额'], 'amount', true),
      col('direction', ['借贷方向', '借贷标志'], 'enum', false, { parseEnum: v.parseDirection }),
      col('currency', ['币种'], 'currency'),
      col('channel', ['渠道', '交易渠道'], 'enum', false, { parseEnum: v.parseChannel }),
      col('txn_type', ['交易类型'], 'text', false, ref),
      col('fee', ['手续费'], 'amount', false, { check: nonNegative }),
      col('balance_after', ['交易后余额', '余额'], 'amount'),
    ],
  },
  targets: {
    kind: 'targets',
    signature: ['period', 'kpi', 'target'],
    columns: [
      col('period', ['考核期'], 'period', true),
      col('rm_id', ['客户经理编号', '客户经理号'], 'text', true, ref),
      col('kpi', ['指标'], 'text', true, ref),
      col('target', ['目标值'], 'decimal', true, { check: positive }),
    ],
  },
  events: {
    kind: 'events',
    signature: ['rm_id', 'event', 'count'],
    columns: [
      col('rm_id', ['客户经理编号', '客户经理号'], 'text', true, ref),
      col('date', ['日期', '发生日期'], 'date', true),
      col('event', ['事件', '事件类型'], 'text', true, ref),
      col('count', ['次数', '数量'], 'decimal', true, { check: (n) => (n < 0 || !Number.isInteger(n) ? 'must be a whole number ≥ 0' : undefined) }),
    ],
  },
  fx_rates: {
    kind: 'fx_rates',
    signature: ['date', 'currency', 'cny_per_unit'],
    columns: [
      col('date', ['日期'], 'date', true),
      col('currency', ['币种'], 'currency', true),
      col('cny_per_unit', ['折人民币'], 'decimal', true, { check: positive }),
    ],
  },
};

export function normaliseHeader(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

/** Index of each header name/alias → column name for a kind. */
export function headerIndex(def: KindDef): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of def.columns) {
    m.set(c.name, c.name);
    for (const a of c.aliases) m.set(normaliseHeader(a), c.name);
  }
  return m;
}

/** The kind whose signature columns all appear in the header (most columns matched wins). */
export function detectKind(header: string[]): Kind | undefined {
  const names = header.map(normaliseHeader);
  let best: Kind | undefined;
  let bestScore = 0;
  for (const k of KIND_ORDER) {
    const idx = headerIndex(KINDS[k]);
    const present = new Set(names.map((n) => idx.get(n)).filter(Boolean));
    if (!KINDS[k].signature.every((s) => present.has(s))) continue;
    const score = present.size / KINDS[k].columns.length + KINDS[k].signature.length;
    if (score > bestScore) { best = k; bestScore = score; }
  }
  return best;
}

export function parseKind(name: string): Kind {
  const n = name.trim().toLowerCase().replace(/-/g, '_');
  const alias: Record<string, Kind> = { rm: 'rms', customer: 'customers', account: 'accounts', snapshot: 'accounts', snapshots: 'accounts', transaction: 'transactions', txns: 'transactions', target: 'targets', event: 'events', fx: 'fx_rates', fx_rate: 'fx_rates', rates: 'fx_rates' };
  const k = (KIND_ORDER as string[]).includes(n) ? (n as Kind) : alias[n];
  if (!k) throw new Error(`unknown kind "${name}" (expected ${KIND_ORDER.join(', ')})`);
  return k;
}

/** A column as people know it: "amount (金额)". */
export function columnLabel(c: ColumnDef): string {
  return c.aliases.length ? `${c.name} (${c.aliases[0]})` : c.name;
}

/**
 * The known column of a kind a header name is a near miss of: the fewest edits from its name or
 * one of its aliases, at most `max` (default: 1 for names up to 4 characters, else 2). Undefined
 * when the name is a column of the kind already, or nothing is that close.
 */
export function nearColumn(def: KindDef, name: string, max?: number): { column: ColumnDef; edits: number } | undefined {
  const n = normaliseHeader(name);
  if (n === '' || headerIndex(def).has(n)) return undefined;
  const limit = max ?? ([...n].length <= 4 ? 1 : 2);
  let best: { column: ColumnDef; edits: number } | undefined;
  for (const c of def.columns) {
    for (const known of [c.name, ...c.aliases.map(normaliseHeader)]) {
      const d = editDistance(n, known, limit);
      if (d <= limit && (!best || d < best.edits)) best = { column: c, edits: d };
    }
  }
  return best;
}

/**
 * Near misses in a header for a kind: each header name that is no column of the kind but close to
 * one the header lacks, with that column ("ammount" → amount).
 */
export function nearMisses(def: KindDef, header: string[], max?: number): { name: string; column: ColumnDef; edits: number }[] {
  const idx = headerIndex(def);
  const present = new Set(header.map((h) => idx.get(normaliseHeader(h))).filter(Boolean));
  const out: { name: string; column: ColumnDef; edits: number }[] = [];
  for (const h of header) {
    const near = nearColumn(def, h, max);
    if (near && !present.has(near.column.name)) out.push({ name: h.trim(), ...near });
  }
  return out;
}

/**
 * The kind a header was most likely meant to be when detectKind finds none: the kind whose
 * signature is complete once near misses count as their columns, with the most columns matched.
 */
export function guessKind(header: string[]): { kind: Kind; misses: { name: string; column: ColumnDef }[] } | undefined {
  let best: { kind: Kind; misses: { name: string; column: ColumnDef }[]; score: number } | undefined;
  for (const k of KIND_ORDER) {
    const def = KINDS[k];
    const idx = headerIndex(def);
    const misses = nearMisses(def, header);
    const present = new Set([...header.map((h) => idx.get(normaliseHeader(h))).filter(Boolean), ...misses.map((m) => m.column.name)]);
    if (!def.signature.every((c) => present.has(c))) continue;
    const score = present.size / def.columns.length + def.signature.length - misses.length * 0.01;
    if (!best || score > best.score) best = { kind: k, misses, score };
  }
  return best && { kind: best.kind, misses: best.misses };
}
