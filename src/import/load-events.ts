/**
 * Loader of the events kind (rm_id, date, event, count): event counts per RM and day, for a
 * plan's `events:` amounts. A row for a known (rm_id, date, event) replaces its count.
 */
import type { Db } from '../db/connection.js';
import { KINDS } from './kinds.js';
import { unknownProblem, type RowProblem, type Value } from './rows.js';

const at = (name: string) => KINDS.events.columns.findIndex((c) => c.name === name);
const RM = at('rm_id');
const DATE = at('date');
const EVENT = at('event');
const COUNT = at('count');

/** Event names: letters (any script), digits and underscores, as a plan's events: keys are written. */
const EVENT_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function eventsLoader(ctx: { db: Db; importId: number; knownEvents?: { plan: string; names: ReadonlySet<string> } }): {
  row(rec: Value[]): 'loaded' | 'updated' | 'skipped' | RowProblem;
  finish(): { updated: number; notes: string[] };
} {
  const rmKnown = ctx.db.prepare('SELECT 1 FROM rms WHERE rm_id = ?').pluck();
  const get = ctx.db.prepare('SELECT count FROM events WHERE rm_id = ? AND day = ? AND event = ?').pluck();
  const put = ctx.db.prepare(`INSERT INTO events (rm_id, day, event, count, import_id) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (rm_id, day, event) DO UPDATE SET count = excluded.count, import_id = excluded.import_id`);
  const seen = new Set<string>();
  return {
    row(rec) {
      const rm = rec[RM] as string;
      const day = rec[DATE] as string;
      const event = (rec[EVENT] as string).trim();
      const count = rec[COUNT] as number;
      if (!rmKnown.get(rm)) return unknownProblem('rm_id', rm, 'rms');
      if (!EVENT_NAME.test(event)) return { column: 'event', reason: `"${event}" is no event name (letters, digits and _, as in a plan's events:)` };
      const known = ctx.knownEvents;
      if (known && !known.names.has(event)) {
        return { column: 'event', reason: `unknown event "${event}": the plan ${known.plan} defines ${known.names.size ? [...known.names].sort().join(', ') : 'no events'}` };
      }
      const key = `${rm}\u0001${day}\u0001${event}`;
      if (seen.has(key)) return { column: 'rm_id+date+event', reason: `duplicate rm_id+date+event "${rm}, ${day}, ${event}" in this file` };
      seen.add(key);
      const old = get.get(rm, day, event) as number | undefined;
      if (old === count) return 'skipped';
      put.run(rm, day, event, count, ctx.importId);
      return old === undefined ? 'loaded' : 'updated';
    },
    finish: () => ({ updated: 0, notes: [] }),
  };
}
