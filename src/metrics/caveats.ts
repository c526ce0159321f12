/**
 * Caveats that travel with a report's numbers (JSON `notes`, `crm: warning:` on stderr): balances
 * carried forward long past the last data, a window or period the data covers only in part.
 */
import type { Db } from '../db/connection.js';
import { daysBetween, type Window } from './engine.js';

/** Beyond this many days after the last snapshot or balance_after date, a report warns. */
export const CARRY_FORWARD_WARN_DAYS = 7;

/**
 * The last date on which the data speaks for every account: the last full snapshot or
 * balance_after date. A partial snapshot speaks only for the accounts it lists (Berka's loans,
 * dated when granted, run years past its transactions), so it counts only when the database has
 * nothing else.
 */
export function lastBalanceDate(db: Db): string | null {
  return lastBalanceDateOf(db.prepare(`SELECT (SELECT max(as_of) FROM snapshot_dates WHERE full = 1) AS full_snapshot,
      (SELECT day FROM txn_daily WHERE last_at IS NOT NULL ORDER BY day DESC LIMIT 1) AS balance_after,
      (SELECT max(as_of) FROM snapshot_dates) AS any_snapshot`).get() as BalanceDates);
}

/** The last full snapshot, the last balance_after day and the last snapshot of any kind. */
export interface BalanceDates { full_snapshot: string | null; balance_after: string | null; any_snapshot: string | null }

/** lastBalanceDate from the three dates it weighs. */
export function lastBalanceDateOf(r: BalanceDates): string | null {
  const dates = [r.full_snapshot, r.balance_after].filter((d): d is string => d !== null);
  return dates.length ? dates.sort()[dates.length - 1] : r.any_snapshot;
}

/**
 * Balances on `asOf` carried forward from the last snapshot or balance_after date, when more than
 * CARRY_FORWARD_WARN_DAYS days: the note, else null.
 */
export function carriedForwardNote(db: Db, asOf: string): string | null {
  return carriedForwardAfter(lastBalanceDate(db), asOf);
}

/** carriedForwardNote given the last balance date. */
export function carriedForwardAfter(last: string | null, asOf: string): string | null {
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
  return windowNotesWith(w, carriedForwardNote(db, asOf));
}

/** windowNotes given the carried-forward note (or null). */
export function windowNotesWith(w: Window, stale: string | null): string[] {
  const notes: string[] = [];
  if (w.clipped) notes.push(`window clipped: requested ${w.requestedFrom} to ${w.requestedTo} (${daysBetween(w.requestedFrom, w.requestedTo)} days), but the data covers ${w.coverage.first} to ${w.coverage.last}`);
  if (stale) notes.push(stale);
  return notes;
}

/**
 * A caveat in the report's language: the notes above and the RFM window's, in Chinese under zh
 * (a note may start with the date it belongs to, "2026-11-13: …"); others as written.
 */
export function caveatText(note: string, lang: 'en' | 'zh'): string {
  if (lang !== 'zh') return note;
  const dated = /^(\d{4}-\d{2}-\d{2}): (.*)$/.exec(note);
  if (dated) return `${dated[1]}：${caveatText(dated[2], lang)}`;
  let m: RegExpExecArray | null;
  if ((m = /^window clipped: requested (\S+) to (\S+) \((\d+) days\), but the data covers (\S+) to (\S+)$/.exec(note))) {
    return `统计期已按数据裁剪：请求 ${m[1]} 至 ${m[2]}（${m[3]} 天），数据覆盖 ${m[4]} 至 ${m[5]}`;
  }
  if ((m = /^RFM window clipped: the database holds no transaction before (\S+): R, F and M only see (\S+) to (\S+)$/.exec(note))) {
    return `RFM 统计期已裁剪：数据库中 ${m[1]} 之前没有交易，R、F、M 只统计 ${m[2]} 至 ${m[3]}`;
  }
  return carriedForwardNoteZh(note) ?? note;
}
