/**
 * Finding report rows by customer (or RM) id without a Map. Query results keyed by id mostly
 * come in the same order as the directory they are matched against (both ORDER or GROUP BY the
 * key), so a short look ahead finds most rows; the others by binary search (the directory is in
 * ascending order). A Map of a million fresh strings costs more than the rest of the join: it
 * is only built for a directory whose order JavaScript does not confirm (non-ASCII ids may sort
 * differently in SQLite).
 */
import { TEXT_SEPARATOR, type TextColumn } from '../db/columns.js';

export function positionsIn(ids: readonly string[]): (id: string) => number {
  let next = 0;
  let sorted: boolean | undefined;
  let map: Map<string, number> | undefined;
  const search = (id: string): number => {
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  return (id: string): number => {
    if (map) return map.get(id) ?? -1;
    for (let j = next, end = Math.min(ids.length, next + 8); j < end; j++) {
      if (ids[j] === id) {
        next = j + 1;
        return j;
      }
    }
    if (sorted === undefined) {
      sorted = true;
      for (let j = 1; j < ids.length && sorted; j++) sorted = ids[j - 1] < ids[j];
    }
    if (sorted) {
      const j = search(id);
      if (j >= 0) next = j + 1;
      return j;
    }
    map = new Map();
    for (let j = 0; j < ids.length; j++) map.set(ids[j], j);
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
