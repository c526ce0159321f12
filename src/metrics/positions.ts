/**
 * Finding report rows by customer (or RM) id without a Map. Query results keyed by id mostly
 * come in the same order as the directory they are matched against (both ORDER or GROUP BY the
 * key), so one forward walk finds every row; a Map of 100k fresh strings costs more than the
 * rest of the join. Rows out of order (or missing) switch to a Map once.
 */
import { TEXT_SEPARATOR, type TextColumn } from '../db/columns.js';

export function positionsIn(ids: readonly string[]): (id: string) => number {
  let next = 0;
  let map: Map<string, number> | undefined;
  return (id: string): number => {
    if (!map) {
      for (let j = next; j < ids.length; j++) {
        if (ids[j] === id) {
          next = j + 1;
          return j;
        }
      }
      map = new Map();
      for (let j = 0; j < ids.length; j++) map.set(ids[j], j);
    }
    return map.get(id) ?? -1;
  };
}

/** joined[p, end) compared with id, by UTF-16 code units (negative: before it). */
function compareAt(joined: string, p: number, end: number, id: string): number {
  const len = end - p;
  const m = len < id.length ? len : id.length;
  for (let x = 0; x < m; x++) {
    const d = joined.charCodeAt(p + x) - id.charCodeAt(x);
    if (d !== 0) return d;
  }
  return len - id.length;
}

/**
 * The position in `ids` (sorted) of each value of a text column, -1 for one `ids` does not hold,
 * without making a string per value: the next id is tried first (a column in the same order,
 * both ORDER or GROUP BY the key), then a few after it, then a binary search. A value none of
 * these finds (not in `ids`, or an order JavaScript does not share with SQLite) is looked up
 * in a Map.
 */
export function positionsOf(ids: readonly string[], column: TextColumn): Int32Array {
  if (Array.isArray(column)) return Int32Array.from(column, positionsIn(ids));
  const { joined, count } = column;
  const n = ids.length;
  const out = new Int32Array(count);
  let map: Map<string, number> | undefined;
  const search = (p: number, end: number, lo: number, hi: number): number => {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareAt(joined, p, end, ids[mid]);
      if (c === 0) return mid;
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  };
  let next = 0;
  for (let k = 0, p = 0; k < count; k++) {
    let end = joined.indexOf(TEXT_SEPARATOR, p);
    if (end < 0) end = joined.length;
    let at = -1;
    const c = next < n ? compareAt(joined, p, end, ids[next]) : -1;
    if (c === 0) at = next;
    else if (c > 0) {
      for (let j = next + 1; j < n && j <= next + 8 && at < 0; j++) if (compareAt(joined, p, end, ids[j]) === 0) at = j;
      if (at < 0) at = search(p, end, next + 1, n);
    } else at = search(p, end, 0, next);
    if (at < 0) {
      map ??= new Map(ids.map((id, i) => [id, i]));
      at = map.get(joined.slice(p, end)) ?? -1;
    }
    out[k] = at;
    if (at >= 0) next = at + 1;
    p = end + 1;
  }
  return out;
}
