/**
 * Finding query results by customer id in a caller's list made of a few ascending runs (the tier
 * population: personal customers by customer_id, then corporate ones), by comparison: one
 * forward walk per run, however many ids the results hold that the list does not. A Map of a
 * million ids costs seconds to build; the walk, tens of milliseconds.
 *
 * The order is JavaScript's (UTF-16 code units; SQLite's is UTF-8 bytes: the same except for
 * characters beyond U+FFFF), and it is checked, not assumed: the runs are the list's ascending
 * stretches, and a list of many runs or ids asked out of order fall back to a Map.
 */

/** More runs than this: a walk per run costs more than the Map. */
const MAX_RUNS = 8;

export interface SortedRuns {
  /** A fresh walk: the position of each id in the list (-1: not in it), for ids asked in ascending order (repeats allowed). */
  walk(): (id: string) => number;
}

export function sortedRuns(ids: readonly string[]): SortedRuns {
  // starts[r] … starts[r + 1] - 1: run r.
  const starts = [0];
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) starts.push(i);
  starts.push(ids.length);
  const runs = starts.length - 1;
  let map: Map<string, number> | undefined;
  const byMap = (id: string) => {
    if (!map) {
      map = new Map();
      for (let i = ids.length - 1; i >= 0; i--) map.set(ids[i], i);
    }
    return map.get(id) ?? -1;
  };
  return {
    walk() {
      const at = starts.slice(0, runs);
      let prev: string | null = null;
      let mapped = runs > MAX_RUNS;
      return (id: string): number => {
        if (prev !== null && id < prev) mapped = true;
        prev = id;
        if (mapped) return byMap(id);
        for (let r = 0; r < runs; r++) {
          const end = starts[r + 1];
          let j = at[r];
          while (j < end && ids[j] < id) j++;
          at[r] = j;
          if (j < end && ids[j] === id) return j;
        }
        return -1;
      };
    },
  };
}
