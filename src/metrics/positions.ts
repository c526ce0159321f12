/**
 * Finding report rows by customer (or RM) id without a Map. Query results keyed by id mostly
 * come in the same order as the directory they are matched against (both ORDER or GROUP BY the
 * key), so one forward walk finds every row; a Map of 100k fresh strings costs more than the
 * rest of the join. Rows out of order (or missing) switch to a Map once.
 */
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
