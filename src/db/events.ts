/** Event counts (import kind events) for a plan's `events:` amounts. */
import type { Db } from './connection.js';

/** Per RM, per event: the counts of the days from `from` to `to`, summed. */
export function eventCounts(db: Db, from: string, to: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const rows = db.prepare('SELECT rm_id, event, sum(count) AS n FROM events WHERE day >= ? AND day <= ? GROUP BY rm_id, event')
    .all(from, to) as { rm_id: string; event: string; n: number }[];
  for (const r of rows) {
    const m = out.get(r.rm_id) ?? {};
    m[r.event] = r.n;
    out.set(r.rm_id, m);
  }
  return out;
}
