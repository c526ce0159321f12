/**
 * Finding report rows by customer (or RM) id without a Map. Query results keyed by id mostly
 * come in the same order as the directory they are matched against (both ORDER or GROUP BY the
 * key), so a short look ahead finds most rows; the others by binary search (the directory is in
 * ascending order). A Map of a million fresh strings costs more than the rest of the join: it
 * is only built for a directory whose order JavaScript does not confirm (non-ASCII ids may sort
 * differently in SQLite).
 */
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
