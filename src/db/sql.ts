/** Small pieces of SQL text shared by the queries. */

/** A list of string literals for IN (…), quotes doubled; NULL (matches nothing) when empty. */
export function sqlList(xs: readonly string[]): string {
  return xs.length ? xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ') : 'NULL';
}
