/**
 * Bulk hand-over of a large result from SQLite to JavaScript, one array per column.
 *
 * better-sqlite3 builds one JavaScript array or object per result row; for the 100k-row
 * per-customer results of a report that costs more than the query. Here SQLite aggregates
 * each column into one JSON array (json_group_array renders integers exactly and reals with 17
 * significant digits, so every value round-trips) and JSON.parse builds the arrays in bulk:
 * about half the time. Values are what the row-by-row API would give (numbers, strings, null).
 */
import type { Db } from './connection.js';

export type Columns = Record<string, (number | string | null)[]>;

/**
 * A text column of queryColumns' `texts`: the values joined by U+001F in one string (a million
 * ids as one string, not a million), or the values themselves when one holds U+001F or is NULL.
 */
export type TextColumn = { joined: string; count: number } | string[];

export const TEXT_SEPARATOR = '\u001f';

/** The values of a text column. */
export function textValues(c: TextColumn): string[] {
  if (Array.isArray(c)) return c;
  return c.count === 0 ? [] : c.joined.split(TEXT_SEPARATOR);
}

/**
 * Ids appended one by one into a TextColumn. Joined a batch at a time: appending each to one
 * string would hold every id and a rope node per append (~70 MB at a million) until the string
 * is flattened. Only when an id holds the separator (never in practice): the ids one by one.
 */
export class TextColumnBuilder {
  private readonly chunks: string[] = [];
  private readonly batch: string[] = [];
  private list: string[] | undefined;
  private count = 0;

  push(id: string): void {
    this.count++;
    if (this.list) this.list.push(id);
    else if (id.includes(TEXT_SEPARATOR)) this.list = [...(this.chunks.length ? this.chunks.join(TEXT_SEPARATOR).split(TEXT_SEPARATOR) : []), ...this.batch, id];
    else if (this.batch.push(id) === 8192) {
      this.chunks.push(this.batch.join(TEXT_SEPARATOR));
      this.batch.length = 0;
    }
  }

  done(): TextColumn {
    if (this.list) return this.list;
    if (this.batch.length) this.chunks.push(this.batch.join(TEXT_SEPARATOR));
    return { joined: this.chunks.join(TEXT_SEPARATOR), count: this.count };
  }
}

/**
 * `texts`: columns of short strings that should never be NULL (ids), returned as TextColumn:
 * JSON.parse of a million short strings costs about five times as much as splitting one string.
 */
export function queryColumns<T = Columns>(db: Db, sql: string, params: Record<string, unknown> = {}, texts: readonly string[] = []): T {
  const names = db.prepare(sql).columns().map((c) => c.name);
  const quoted = names.map((n) => `"${n.replace(/"/g, '""')}"`);
  const aggregates = names.map((n, i) => (texts.includes(n) ? `group_concat(${quoted[i]}, char(31)), sum(instr(${quoted[i]}, char(31)) > 0 OR ${quoted[i]} IS NULL)` : `json_group_array(${quoted[i]})`));
  const [rows, ...columns] = db.prepare(`SELECT count(*), ${aggregates.join(', ')} FROM (${sql})`).raw().get(params) as [number, ...(string | number | null)[]];
  const out: Record<string, unknown> = {};
  let k = 0;
  for (const name of names) {
    if (!texts.includes(name)) {
      out[name] = JSON.parse(columns[k] as string) as (number | string | null)[];
      // Each text may go once parsed (at a million rows they are tens of MB each).
      columns[k++] = '';
      continue;
    }
    const joined = (columns[k++] as string | null) ?? '';
    // A value holding the separator, or a NULL: then JSON for every column.
    if ((columns[k++] as number | null) ?? 0) return queryColumns(db, sql, params);
    out[name] = { joined, count: rows } satisfies TextColumn;
  }
  return out as T;
}

/**
 * Ids by position, held as one string and the offsets into it: a million customer ids as a
 * million strings cost some 60 MB and a split; here ~15 MB. An id is cut out when asked for.
 */
export class IdList {
  /** `start[i]` … `start[i + 1] - gap`: id i in `joined` (gap 1 when a separator follows each id). */
  constructor(private readonly joined: string, private readonly start: Int32Array, private readonly gap: 0 | 1) {}

  get length(): number {
    return this.start.length - 1;
  }

  at(i: number): string {
    return this.joined.slice(this.start[i], this.start[i + 1] - this.gap);
  }

  /** Id i compared with `text`[p, end) by UTF-16 code units (negative: id i sorts before it). */
  compareTo(i: number, text: string, p = 0, end = text.length): number {
    const a = this.start[i];
    const len = this.start[i + 1] - this.gap - a;
    const m = len < end - p ? len : end - p;
    for (let x = 0; x < m; x++) {
      const d = this.joined.charCodeAt(a + x) - text.charCodeAt(p + x);
      if (d !== 0) return d;
    }
    return len - (end - p);
  }

  /** Id i compared with id j of the same list. */
  compareAt(i: number, j: number): number {
    return this.compareTo(i, this.joined, this.start[j], this.start[j + 1] - this.gap);
  }
}

/** The ids of a text column (TextColumn) or of an array, as an IdList. */
export function idList(c: TextColumn | readonly string[]): IdList {
  if (Array.isArray(c)) {
    const start = new Int32Array(c.length + 1);
    for (let i = 0; i < c.length; i++) start[i + 1] = start[i] + c[i].length;
    return new IdList(c.join(''), start, 0);
  }
  const { joined, count } = c as { joined: string; count: number };
  const start = new Int32Array(count + 1);
  let k = 0;
  for (let at = joined.indexOf(TEXT_SEPARATOR); at >= 0 && k < count; at = joined.indexOf(TEXT_SEPARATOR, at + 1)) start[++k] = at + 1;
  start[count] = joined.length + 1;
  return new IdList(joined, start, 1);
}

const ROW_FUNCTION = 'crm_each_row';

/**
 * Runs `sql` and hands each row's `columns` to `visit`, through a SQL function called per row:
 * better-sqlite3 builds no row array (for a million rows that costs more than many queries).
 * An exception thrown by `visit` ends the statement and reaches the caller as it is.
 */
export function forEachRow(db: Db, sql: string, params: object, columns: readonly string[], visit: (...values: never[]) => void): void {
  // Called as it is (its undefined is SQL NULL): no wrapper, no arguments array per row.
  db.function(ROW_FUNCTION, { varargs: true, deterministic: false }, visit as (...values: unknown[]) => void);
  try {
    db.prepare(`SELECT count(${ROW_FUNCTION}(${columns.join(', ')})) FROM (${sql})`).pluck().get(params);
  } finally {
    // The connection keeps the function: let go of what `visit` holds.
    db.function(ROW_FUNCTION, { varargs: true }, () => null);
  }
}
