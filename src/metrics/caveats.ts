/**
 * Caveats that travel with a report's numbers (JSON `notes`, `crm: warning:` on stderr): balances
 * carried forward long past the last data, a window or period the data covers only in part.
 */
import type { Db } from '../db/connection.js';
import { dataCoverage } from '../db/status.js';
import { daysBetween, type Window } from './engine.js';

/** Beyond this many days after the last snapshot or balance_after date, a report warns. */
export const CARRY_FORWARD_WARN_DAYS = 7;

/**
 * Balances on `asOf` carried forward from the last snapshot or balance_after date, when more than
 * CARRY_FORWARD_WARN_DAYS days: the note, else null.
 */
export function carriedForwardNote(db: Db, asOf: string): string | null {
  const last = dataCoverage(db).last;
  if (last === null || asOf <= last) return null;
  const days = daysBetween(last, asOf) - 1;
  if (days <= CARRY_FORWARD_WARN_DAYS) return null;
  return `balances carried forward ${days} days: the last snapshot or balance_after date is ${last}, the report date ${asOf}`;
}

/** The Chinese text of carriedForwardNote's note (for tables and pages in --lang zh). */
export function carriedForwardNoteZh(note: string): string | null {
  const m = /^balances carried forward (\d+) days: the last snapshot or balance_after date is (\S+), the report date (\S+)$/.exec(note);
  return m ? `余额已按前值延续 ${m[1]} 天：最后的快照或交易余额日期为 ${m[2]}，报告日期为 ${m[3]}` : null;
}

/** The caveats of a report window ending on asOf: clipped to the data, balances carried forward long past it. */
export function windowNotes(db: Db, asOf: string, w: Window): string[] {
  const notes: string[] = [];
  if (w.clipped) notes.push(`window clipped: requested ${w.requestedFrom} to ${w.requestedTo} (${daysBetween(w.requestedFrom, w.requestedTo)} days), but the data covers ${w.coverage.first} to ${w.coverage.last}`);
  const stale = carriedForwardNote(db, asOf);
  if (stale) notes.push(stale);
  return notes;
}
