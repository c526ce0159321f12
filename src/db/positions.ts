/**
 * Finding report rows by customer (or RM) id without a Map. Query results keyed by id mostly
 * come in the same order as the directory they are matched against (both ORDER or GROUP BY the
 * key), so a short look ahead finds most rows; the others by binary search (the directory is in
 * ascending order). A Map of a million fresh strings costs more than the rest of the join: it
 * is only built for a directory whose order JavaScript does not confirm (non-ASCII ids may sort
 * differently in SQLite).
 */
import { TEXT_SEPARATOR, type IdList, type TextColumn } from './columns.js';

/** Ids in ascending order by JavaScript's comparison (checked once per list). */
const ascending = new WeakMap<IdList, boolean>();
function isAscending(ids: IdList): boolean {
  let sorted = ascending.get(ids);
  if (sorted === undefined) {
    sorted = true;
    for (let j = 1; j < ids.length && sorted; j++) sorted = ids.compareAt(j - 1, j) < 0;
    ascending.set(ids, sorted);
  }
  return sorted;
}

/**
 * The position in `ids` of each value of `text`[p, end) asked for: the next position tried first,
 * then a few after it, then a binary search; a Map when `ids` is not in JavaScript's order.
 */
function finder(ids: IdList): (text: string, p: number, end: number) => number {
  const n = ids.length;
  let next = 0;
  let map: Map<string, number> | undefined;
  const search = (text: string, p: number, end: number, lo: number, hi: number): number => {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = ids.compareTo(mid, text, p, end);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  };
  return (text, p, end) => {
    let at = -1;
    const c = next < n ? ids.compareTo(next, text, p, end) : 1;
    if (c === 0) at = next;
    else if (c < 0) {
      for (let j = next + 1; j < n && j <= next + 8 && at < 0; j++) if (ids.compareTo(j, text, p, end) === 0) at = j;
      if (at < 0 && isAscending(ids)) at = search(text, p, end, next + 1, n);
    } else if (isAscending(ids)) at = search(text, p, end, 0, next);
    if (at < 0 && !isAscending(ids)) {
      if (!map) {
        map = new Map();
        for (let j = 0; j < n; j++) map.set(ids.at(j), j);
      }
      at = map.get(text.slice(p, end)) ?? -1;
    }
    if (at >= 0) next = at + 1;
    return at;
  };
}

/** The position of an id in `ids` (-1: not there); fastest for ids asked in the list's order. */
export function positionsIn(ids: IdList): (id: string) => number {
  const find = finder(ids);
  return (id) => find(id, 0, id.length);
}

/**
 * The position in `ids` of each value of a text column, -1 for one `ids` does not hold, without
 * making a string per value.
 */
export function positionsOf(ids: IdList, column: TextColumn): Int32Array {
  const find = finder(ids);
  if (Array.isArray(column)) return Int32Array.from(column, (id) => find(id, 0, id.length));
  const { joined, count } = column;
  const out = new Int32Array(count);
  for (let k = 0, p = 0; k < count; k++) {
    let end = joined.indexOf(TEXT_SEPARATOR, p);
    if (end < 0) end = joined.length;
    out[k] = find(joined, p, end);
    p = end + 1;
  }
  return out;
}
