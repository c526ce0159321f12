/**
 * Closed pay periods in the database (schema version 8; docs/pay.md): closes, frozen
 * statements, ledger entries (adjustments, deferral parts, releases, clawbacks), credited loans.
 * Only the closes in force count (reopened_at IS NULL), and only their entries.
 */
import type { Db } from './connection.js';
import type { ClosedStatement } from '../pay/statement.js';
import type { StatementLine } from '../incentive/pay.js';
import type { OpenPart } from '../pay/clawback.js';
import type { RmType } from '../types.js';

export interface CloseRecord {
  close_id: number;
  period: string;
  period_from: string;
  period_to: string;
  plan_file: string;
  plan_text: string;
  plan_sha256: string;
  pricing_file: string | null;
  pricing_text: string | null;
  import_ids: number[];
  data_from: string;
  data_to: string;
  closed_by: string;
  closed_at: string;
  reopened_by: string | null;
  reopened_at: string | null;
  reopen_reason: string | null;
}

/** An RM's frozen figures of a close: who, the KPI values, the period's computed lines and the statement paid. */
export interface FrozenStatement extends ClosedStatement {
  rm_id: string;
  name: string;
  rm_type: RmType;
  branch: string | null;
  /** Metric values (money in fen, ratios as fractions) and attainment_<kpi> per KPI. */
  kpis: Record<string, number | null>;
  computed_lines: StatementLine[];
}

export type EntryKind = 'adjustment' | 'deferral' | 'release' | 'clawback';
export interface EntryInput {
  rm_id: string;
  kind: EntryKind;
  origin_close_id: number | null; // null: the close being recorded
  origin_period: string;
  item?: string | null;
  tranche_id?: number | null;
  part?: number | null;
  parts?: number | null;
  release_on?: string | null;
  amount_fen: number;
  detail?: string | null;
}
export interface Entry extends Omit<EntryInput, 'origin_close_id'> {
  entry_id: number;
  close_id: number;
  origin_close_id: number;
  period: string; // of the close that recorded it
  closed_at: string;
}
export interface CreditedLoan { account_id: string; rm_id: string; loan_class: string | null; balance_fen: number }

const CLOSE_COLS = 'close_id, period, period_from, period_to, plan_file, plan_text, plan_sha256, pricing_file, pricing_text, import_ids, data_from, data_to, closed_by, closed_at, reopened_by, reopened_at, reopen_reason';
const toClose = (r: Record<string, unknown>): CloseRecord => ({ ...(r as unknown as CloseRecord), import_ids: JSON.parse(r.import_ids as string) as number[] });

/** Closes in force, oldest period first. */
export function closesInForce(db: Db): CloseRecord[] {
  return (db.prepare(`SELECT ${CLOSE_COLS} FROM pay_closes WHERE reopened_at IS NULL ORDER BY period_to`).all() as Record<string, unknown>[]).map(toClose);
}

/** Every close, reopened ones too, in the order they were made. */
export function allCloses(db: Db): CloseRecord[] {
  return (db.prepare(`SELECT ${CLOSE_COLS} FROM pay_closes ORDER BY close_id`).all() as Record<string, unknown>[]).map(toClose);
}

export function closeInForce(db: Db, period: string): CloseRecord | undefined {
  const r = db.prepare(`SELECT ${CLOSE_COLS} FROM pay_closes WHERE reopened_at IS NULL AND period = ?`).get(period) as Record<string, unknown> | undefined;
  return r ? toClose(r) : undefined;
}

/** import_log ids of the finished imports (the data a close rests on). */
export function finishedImports(db: Db): number[] {
  return db.prepare("SELECT import_id FROM import_log WHERE status IN ('ok', 'rejects') ORDER BY import_id").pluck().all() as number[];
}

export function frozenStatements(db: Db, closeId: number): FrozenStatement[] {
  const rows = db.prepare('SELECT * FROM pay_statements WHERE close_id = ? ORDER BY rm_id').all(closeId) as Record<string, unknown>[];
  return rows.map((r) => ({
    ...(r as unknown as FrozenStatement),
    kpis: JSON.parse(r.kpis as string), computed_lines: JSON.parse(r.computed_lines as string), lines: JSON.parse(r.lines as string),
  }));
}

const ENTRY_SELECT = `SELECT e.entry_id, e.close_id, e.rm_id, e.kind, e.origin_close_id, e.origin_period, e.item, e.tranche_id, e.part, e.parts,
    e.release_on, e.amount_fen, e.detail, c.period, c.closed_at
  FROM pay_entries e JOIN pay_closes c ON c.close_id = e.close_id WHERE c.reopened_at IS NULL`;

/** Entries of the closes in force, in the order they were recorded. */
export function entriesInForce(db: Db, rm?: string): Entry[] {
  return db.prepare(`${ENTRY_SELECT} ${rm === undefined ? '' : 'AND e.rm_id = ?'} ORDER BY e.entry_id`).all(...(rm === undefined ? [] : [rm])) as Entry[];
}

/** Adjustments paid so far for a closed period, per RM and line item. */
export function adjustedSoFar(db: Db, originCloseId: number): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const e of entriesInForce(db).filter((x) => x.kind === 'adjustment' && x.origin_close_id === originCloseId)) {
    const m = out.get(e.rm_id) ?? new Map<string, number>();
    m.set(e.item as string, (m.get(e.item as string) ?? 0) + e.amount_fen);
    out.set(e.rm_id, m);
  }
  return out;
}

/** Deferral parts not yet released, with what clawbacks left of them (closes in force). */
export function openParts(db: Db): (OpenPart & { part: number; parts: number; amount_fen: number; origin_close_id: number })[] {
  const origin = new Map(entriesInForce(db).filter((e) => e.kind === 'deferral').map((e) => [e.entry_id, e.origin_close_id]));
  return deferralParts(db).filter((p) => p.released_in === null)
    .map((p) => ({ ...p, origin_close_id: origin.get(p.entry_id) as number }));
}

/** Loans already clawed back for, as `rm_id:account_id`. */
export function clawedLoans(db: Db): Set<string> {
  return new Set(entriesInForce(db).filter((e) => e.kind === 'clawback').map((e) => `${e.rm_id}:${e.item}`));
}

export function creditedLoans(db: Db, closeId: number): CreditedLoan[] {
  return db.prepare('SELECT account_id, rm_id, loan_class, balance_fen FROM pay_loans WHERE close_id = ? ORDER BY account_id').all(closeId) as CreditedLoan[];
}

/** The first day after `after`, up to `upTo`, on which the account's loan class is one of `classes`. */
export function firstDayInClass(db: Db, accountId: string, after: string, upTo: string, classes: readonly string[]): { as_of: string; loan_class: string } | undefined {
  return db.prepare(`SELECT as_of, loan_class FROM balances WHERE account_id = ? AND as_of > ? AND as_of <= ?
      AND loan_class IN (${classes.map(() => '?').join(', ')}) ORDER BY as_of LIMIT 1`).get(accountId, after, upTo, ...classes) as { as_of: string; loan_class: string } | undefined;
}

export interface NewClose {
  close: Omit<CloseRecord, 'close_id' | 'reopened_by' | 'reopened_at' | 'reopen_reason'>;
  statements: FrozenStatement[];
  loans: CreditedLoan[];
  /** Deferral parts first: releases and clawbacks name parts by entry_id. */
  entries: EntryInput[];
}

/** Stores a close in one transaction; returns its close_id. */
export function insertClose(db: Db, c: NewClose): number {
  return db.transaction(() => {
    const k = c.close;
    const closeId = Number(db.prepare(`INSERT INTO pay_closes (period, period_from, period_to, plan_file, plan_text, plan_sha256, pricing_file, pricing_text, import_ids,
      data_from, data_to, closed_by, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(k.period, k.period_from, k.period_to, k.plan_file, k.plan_text, k.plan_sha256,
      k.pricing_file, k.pricing_text, JSON.stringify(k.import_ids),
      k.data_from, k.data_to, k.closed_by, k.closed_at).lastInsertRowid);
    const st = db.prepare(`INSERT INTO pay_statements (close_id, rm_id, name, rm_type, branch, kpis, computed_lines, lines, base_fen, variable_fen,
      adjustments_fen, deferred_fen, released_fen, clawed_back_fen, paid_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const s of c.statements) {
      st.run(closeId, s.rm_id, s.name, s.rm_type, s.branch, JSON.stringify(s.kpis), JSON.stringify(s.computed_lines), JSON.stringify(s.lines),
        s.base_fen, s.variable_fen, s.adjustments_fen, s.deferred_fen, s.released_fen, s.clawed_back_fen, s.paid_fen);
    }
    const ln = db.prepare('INSERT INTO pay_loans (close_id, account_id, rm_id, loan_class, balance_fen) VALUES (?, ?, ?, ?, ?)');
    for (const l of c.loans) ln.run(closeId, l.account_id, l.rm_id, l.loan_class, l.balance_fen);
    const en = db.prepare(`INSERT INTO pay_entries (close_id, rm_id, kind, origin_close_id, origin_period, item, tranche_id, part, parts, release_on, amount_fen, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const e of c.entries) {
      en.run(closeId, e.rm_id, e.kind, e.origin_close_id ?? closeId, e.origin_period, e.item ?? null, e.tranche_id ?? null, e.part ?? null, e.parts ?? null,
        e.release_on ?? null, e.amount_fen, e.detail ?? null);
    }
    return closeId;
  }).immediate();
}

export function markReopened(db: Db, closeId: number, by: string, at: string, reason: string): void {
  db.prepare('UPDATE pay_closes SET reopened_by = ?, reopened_at = ?, reopen_reason = ? WHERE close_id = ?').run(by, at, reason, closeId);
}

export interface DeferralPartState {
  entry_id: number; rm_id: string; origin_period: string; part: number; parts: number; release_on: string;
  amount_fen: number; clawed_fen: number; remaining_fen: number; released_in: string | null;
}

/** Every deferral part of the closes in force, what clawbacks took from it and the period that released it. */
export function deferralParts(db: Db, rm?: string): DeferralPartState[] {
  const entries = entriesInForce(db, rm);
  const clawed = new Map<number, number>();
  const released = new Map<number, string>();
  for (const e of entries) {
    if (e.kind === 'clawback' && e.tranche_id !== null) clawed.set(e.tranche_id as number, (clawed.get(e.tranche_id as number) ?? 0) + e.amount_fen);
    if (e.kind === 'release') released.set(e.tranche_id as number, e.period);
  }
  return entries.filter((e) => e.kind === 'deferral').map((e) => {
    const c = clawed.get(e.entry_id) ?? 0;
    return {
      entry_id: e.entry_id, rm_id: e.rm_id, origin_period: e.origin_period, part: e.part as number, parts: e.parts as number, release_on: e.release_on as string,
      amount_fen: e.amount_fen, clawed_fen: c, remaining_fen: e.amount_fen - c, released_in: released.get(e.entry_id) ?? null,
    };
  });
}
