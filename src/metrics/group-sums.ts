/**
 * GROUP BY with few groups over many rows, without SQLite's sorter.
 *
 * SQLite groups by sorting every input row (keys and aggregated columns): for a million
 * customers credited to a few hundred RMs that sort costs more than the scan and the joins.
 * Here each row is handed to a JavaScript function that adds it into its group (a hash
 * lookup), and the groups come back in the order SQLite's GROUP BY gives them (by key: NULL,
 * then numbers, then text in code point order, like the BINARY collation of UTF-8).
 *
 * Exactness: sums are kept only while every value and every partial sum is a safe integer
 * (then any order of addition gives SQLite's integer sum exactly); otherwise the same query
 * runs again with SQLite's own GROUP BY.
 */
import type { Db } from '../db/connection.js';

export type Aggregate = 'sum' | 'max';

export interface GroupQuery {
  /** Everything of the query before SELECT (a WITH clause), or ''. */
  with?: string;
  /** FROM … WHERE … of the rows. */
  from: string;
  /** The grouping expressions, in GROUP BY order. */
  keys: string[];
  /** Aggregated expressions and how: sum (integers) or max. */
  values: { expr: string; agg: Aggregate }[];
}

type Value = string | number | null;

/** One group: its key values and its aggregates so far. */
interface Group { keys: Value[]; acc: Value[] }

/** The accumulator of the statement running now (one per connection; statements do not nest). */
interface Running { nKeys: number; aggs: Aggregate[]; top: Map<Value, unknown>; groups: Group[]; exact: boolean }

const running = new WeakMap<Db, { current: Running | null }>();
const FUNCTION = 'crm_group_row';

function accumulatorOf(db: Db): { current: Running | null } {
  let slot = running.get(db);
  if (!slot) {
    const s: { current: Running | null } = { current: null };
    db.function(FUNCTION, { varargs: true, deterministic: false }, (...row: Value[]) => {
      addRow(s.current as Running, row);
      return null;
    });
    running.set(db, s);
    slot = s;
  }
  return slot;
}

/** Adds one row (key values, then aggregated values) into its group. */
function addRow(r: Running, row: Value[]): void {
  // Nested maps, one level per key: no composite key string per row.
  let level: Map<Value, unknown> = r.top;
  for (let i = 0; i < r.nKeys - 1; i++) {
    let next = level.get(row[i]) as Map<Value, unknown> | undefined;
    if (!next) level.set(row[i], (next = new Map()));
    level = next;
  }
  const last = row[r.nKeys - 1];
  let g = level.get(last) as Group | undefined;
  if (!g) {
    g = { keys: row.slice(0, r.nKeys), acc: r.aggs.map(() => null) };
    level.set(last, g);
    r.groups.push(g);
  }
  for (let j = 0; j < r.aggs.length; j++) {
    const v = row[r.nKeys + j];
    if (v === null) continue;
    const a = g.acc[j];
    if (r.aggs[j] === 'sum') {
      const s = (a as number | null ?? 0) + (v as number);
      if (!Number.isSafeInteger(v) || !Number.isSafeInteger(s)) r.exact = false;
      g.acc[j] = s;
    } else if (a === null || compareValues(v, a) > 0) {
      g.acc[j] = v;
    }
  }
}

/** SQLite's order of values under BINARY: NULL, numbers, text (code point order = UTF-8 byte order). */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' || typeof b === 'number') {
    if (typeof a !== 'number') return 1;
    if (typeof b !== 'number') return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The SQL of the same grouping done by SQLite (the exact fallback, and what the result equals). */
export function groupBySql(q: GroupQuery): string {
  const sel = [...q.keys, ...q.values.map((v) => `${v.agg}(${v.expr})`)].join(', ');
  return `${q.with ?? ''} SELECT ${sel} ${q.from} GROUP BY ${q.keys.map((_, i) => i + 1).join(', ')}`;
}

/**
 * The rows of groupBySql(q) (keys, then aggregates, as `.raw().all()` gives them), in the same
 * order, computed with one function call per input row instead of a sort.
 */
export function groupRows(db: Db, q: GroupQuery, params: object): Value[][] {
  const slot = accumulatorOf(db);
  const r: Running = { nKeys: q.keys.length, aggs: q.values.map((v) => v.agg), top: new Map(), groups: [], exact: true };
  const args = [...q.keys, ...q.values.map((v) => v.expr)].join(', ');
  slot.current = r;
  try {
    db.prepare(`${q.with ?? ''} SELECT count(${FUNCTION}(${args})) ${q.from}`).pluck().get(params);
  } finally {
    slot.current = null;
  }
  if (!r.exact) return db.prepare(groupBySql(q)).raw().all(params) as Value[][];
  r.groups.sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return r.groups.map((g) => [...g.keys, ...g.acc]);
}
