/**
 * Closing pay periods (docs/pay.md): `crm pay close` computes every RM's pay exactly as
 * rm-report does, adds the prior-period adjustments, releases, clawbacks and this period's
 * deferral, and freezes it all. Composition only: SQL lives in db/pay-store.ts, arithmetic in
 * src/pay/.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.js';
import {
  adjustedSoFar, clawedLoans, closeInForce, closesInForce, creditedLoans, finishedImports, firstDayInClass, frozenStatements, insertClose,
  markReopened, openParts, type CloseRecord, type EntryInput, type FrozenStatement,
} from '../db/pay-store.js';
import { dataCoverage } from '../db/status.js';
import { DataError, UsageError } from '../errors.js';
import { fmtFen, type PayResult, type StatementLine } from '../incentive/pay.js';
import { fmtP, parsePlan, type IncentivePlan } from '../incentive/plan.js';
import { defaultPricing, parsePricing, type Pricing } from '../metrics/pricing.js';
import { creditedLoansOn } from '../metrics/rm.js';
import { lineDifferences } from '../pay/adjust.js';
import { clawbackWanted, takeFromDeferred } from '../pay/clawback.js';
import { addMonths, deferredFen, splitDeferral } from '../pay/deferral.js';
import { composeClosedStatement, type Adjustment, type Clawback, type Deferral, type Release } from '../pay/statement.js';
import type { Row } from '../output/index.js';
import { namedPeriod, type Period } from './period.js';
import { buildRmReport, KPI_VALUES, type RmReport } from './report.js';

export interface CloseOptions {
  period: Period;
  plan: IncentivePlan;
  planText: string;
  /** The pricing file given (null: the default pricing); kept so recomputations use the same. */
  pricingFile: string | null;
  pricingText: string | null;
  pricing: Pricing;
  by: string;
  /** ISO date-time of the close. */
  now: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Refusals before any work: closed twice, out of order, not covered to the last day. */
function checkClosable(db: Db, p: Period): CloseRecord[] {
  if (!p.name) throw new UsageError('--period: a close needs a named period (2026, 2026-H2, 2026-Q3 or 2026-09)');
  const twice = closeInForce(db, p.name);
  if (twice) {
    throw new DataError(`period ${p.name} is already closed (on ${twice.closed_at} by ${twice.closed_by}); to close it again, reopen it first: crm pay reopen --period ${p.name} --reason TEXT`);
  }
  const closes = closesInForce(db);
  const last = closes[closes.length - 1];
  if (last && p.from <= last.period_to) {
    throw new DataError(`period ${p.name} (${p.from} to ${p.to}) does not come after the last closed period ${last.period} (${last.period_from} to ${last.period_to}): periods close in order`);
  }
  const cov = dataCoverage(db);
  if (!cov.last || cov.last < p.to || (cov.first as string) > p.to) {
    throw new DataError(`period ${p.name} is not covered to its last day: the data ${cov.last ? `covers ${cov.first} to ${cov.last}` : 'holds no balances'}, the period ends ${p.to}; import the data up to ${p.to} first`);
  }
  return closes;
}

/** A closed period's pay recomputed on today's data under the plan and pricing it was closed with. */
export function recompute(db: Db, c: CloseRecord): RmReport {
  const plan = parsePlan(c.plan_text, c.plan_file);
  const pricing = c.pricing_text === null ? defaultPricing() : parsePricing(c.pricing_text, c.pricing_file ?? 'pricing');
  return buildRmReport(db, { period: namedPeriod(c.period) as Period, pricing, plan });
}

/**
 * The lines a recomputation may adjust: not base pay (rms.csv holds today's salary, not its
 * history: a raise is no correction of a closed period).
 */
const adjustable = (lines: StatementLine[]) => lines.filter((l) => l.kind !== 'base');

/**
 * Per RM: the lines of earlier closed periods that moved since they were paid. Only RMs the
 * close froze: an RM imported later was not paid for that period.
 */
function priorAdjustments(db: Db, closes: CloseRecord[]): Map<string, (Adjustment & { origin_close_id: number })[]> {
  const out = new Map<string, (Adjustment & { origin_close_id: number })[]>();
  for (const c of closes) {
    const now = recompute(db, c);
    const frozen = new Map(frozenStatements(db, c.close_id).map((s) => [s.rm_id, s]));
    const adjusted = adjustedSoFar(db, c.close_id);
    for (const [id, f] of frozen) {
      const diffs = lineDifferences(adjustable(f.computed_lines), adjustable(now.pay.get(id)?.lines ?? []), adjusted.get(id));
      if (diffs.length === 0) continue;
      const list = out.get(id) ?? [];
      list.push(...diffs.map((d) => ({ ...d, origin_period: c.period, origin_close_id: c.close_id })));
      out.set(id, list);
    }
  }
  return out;
}

/** Clawbacks found by `upTo` (the closing period's last day), taken from the open deferral parts (reduced in place). */
function findClawbacks(db: Db, closes: CloseRecord[], parts: ReturnType<typeof openParts>, upTo: string): { byRm: Map<string, Clawback[]>; entries: EntryInput[] } {
  const byRm = new Map<string, Clawback[]>();
  const entries: EntryInput[] = [];
  const done = clawedLoans(db);
  for (const c of closes) {
    const rule = parsePlan(c.plan_text, c.plan_file).clawback;
    if (!rule) continue;
    const until = [addMonths(c.period_to, rule.within_months), upTo].sort()[0];
    for (const loan of creditedLoans(db, c.close_id)) {
      // Once per RM and loan: the earliest closed period that credited it, within its window.
      if ((rule.classes as string[]).includes(loan.loan_class ?? '') || done.has(`${loan.rm_id}:${loan.account_id}`)) continue;
      const hit = firstDayInClass(db, loan.account_id, c.period_to, until, rule.classes);
      if (!hit) continue;
      const wanted = clawbackWanted(loan.balance_fen, rule.rate);
      const mine = parts.filter((p) => p.rm_id === loan.rm_id);
      const unreleased = mine.reduce((s, p) => s + p.remaining_fen, 0);
      const taken = takeFromDeferred(wanted, mine);
      const taken_fen = taken.reduce((s, t) => s + t.amount_fen, 0);
      const list = byRm.get(loan.rm_id) ?? [];
      list.push({ origin_period: c.period, account_id: loan.account_id, found_on: hit.as_of, loan_class: hit.loan_class, balance_fen: loan.balance_fen, rate: rule.rate, wanted_fen: wanted, taken_fen, unreleased_fen: unreleased });
      byRm.set(loan.rm_id, list);
      done.add(`${loan.rm_id}:${loan.account_id}`);
      const detail = `loan ${loan.account_id} ${hit.loan_class} from ${hit.as_of}: ${fmtP(rule.rate)} × ${fmtFen(loan.balance_fen)} = ${fmtFen(wanted)} CNY wanted, ${fmtFen(taken_fen)} taken`;
      for (const t of taken) {
        const part = mine.find((p) => p.entry_id === t.entry_id)!;
        entries.push({ rm_id: loan.rm_id, kind: 'clawback', origin_close_id: c.close_id, origin_period: c.period, item: loan.account_id, tranche_id: t.entry_id, amount_fen: t.amount_fen,
          part: part.part, parts: part.parts, release_on: part.release_on, detail: `${detail}; from part ${part.part}/${part.parts} deferred in ${part.origin_period}, due ${part.release_on}` });
      }
      // A loan found with nothing left to take is still recorded, so it is not clawed back twice.
      if (taken.length === 0) entries.push({ rm_id: loan.rm_id, kind: 'clawback', origin_close_id: c.close_id, origin_period: c.period, item: loan.account_id, tranche_id: null, amount_fen: 0, detail });
    }
  }
  return { byRm, entries };
}

/** The frozen KPI values of a report row: metric values and attainment per KPI. */
function kpiValues(row: Row | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (!row) return out;
  for (const [k, v] of Object.entries(row)) {
    if ((KPI_VALUES as readonly string[]).includes(k) || k.startsWith('attainment_')) out[k] = typeof v === 'number' ? v : null;
  }
  return out;
}

export interface CloseResult { close_id: number; report: RmReport; statements: FrozenStatement[] }

/**
 * Checks, computes and stores in one write transaction: no import or other close can come
 * between what the close read and what it writes.
 */
export function closePeriod(db: Db, o: CloseOptions): CloseResult {
  return db.transaction(() => closeInTransaction(db, o)).immediate();
}

function closeInTransaction(db: Db, o: CloseOptions): CloseResult {
  const p = o.period;
  const closes = checkClosable(db, p);
  const report = buildRmReport(db, { period: p, pricing: o.pricing, plan: o.plan });
  const adjustments = priorAdjustments(db, closes);
  const parts = openParts(db);
  const claw = findClawbacks(db, closes, parts, p.to);
  const entries: EntryInput[] = [...claw.entries];
  for (const [id, list] of adjustments) {
    for (const a of list) entries.push({ rm_id: id, kind: 'adjustment', origin_close_id: a.origin_close_id, origin_period: a.origin_period, item: a.item, amount_fen: a.amount_fen });
  }
  const releases = new Map<string, Release[]>();
  for (const part of parts.filter((x) => x.release_on <= p.to)) {
    const list = releases.get(part.rm_id) ?? [];
    list.push({ origin_period: part.origin_period, part: part.part, parts: part.parts, release_on: part.release_on, deferred_fen: part.amount_fen, clawed_fen: part.amount_fen - part.remaining_fen, amount_fen: part.remaining_fen });
    releases.set(part.rm_id, list);
    entries.push({ rm_id: part.rm_id, kind: 'release', origin_close_id: part.origin_close_id, origin_period: part.origin_period, tranche_id: part.entry_id, amount_fen: part.remaining_fen,
      part: part.part, parts: part.parts, release_on: part.release_on });
  }
  const rows = new Map(report.rows.map((r) => [String(r.rm_id), r]));
  const statements: FrozenStatement[] = [];
  for (const [id, pay] of [...report.pay].sort(([a], [b]) => a.localeCompare(b))) {
    const info = report.rms.get(id)!;
    const deferral = deferralOf(o.plan, info.rm_type, pay, p.to);
    for (const d of deferral?.parts ?? []) {
      entries.push({ rm_id: id, kind: 'deferral', origin_close_id: null, origin_period: p.name as string, part: d.part, parts: d.parts, release_on: d.release_on, amount_fen: d.amount_fen });
    }
    const s = composeClosedStatement({ computed: pay, adjustments: adjustments.get(id) ?? [], clawbacks: claw.byRm.get(id) ?? [], releases: releases.get(id) ?? [], deferral });
    statements.push({ rm_id: id, name: info.name, rm_type: info.rm_type, branch: info.branch, kpis: kpiValues(rows.get(id)), computed_lines: pay.lines, ...s });
  }
  const close_id = insertClose(db, {
    close: {
      period: p.name as string, period_from: p.from, period_to: p.to, plan_file: o.plan.file, plan_text: o.planText, plan_sha256: sha256(o.planText),
      pricing_file: o.pricingFile, pricing_text: o.pricingText,
      import_ids: finishedImports(db), data_from: report.window.coverage.first, data_to: report.window.coverage.last, closed_by: o.by, closed_at: o.now,
    },
    statements,
    loans: creditedLoansOn(db, p.to).filter((l) => report.pay.has(l.rm_id)),
    entries,
  });
  return { close_id, report, statements };
}

function deferralOf(plan: IncentivePlan, type: 'corporate' | 'personal', pay: PayResult, periodEnd: string): Deferral | null {
  const spec = plan.deferral?.[type];
  if (!spec) return null;
  const amount_fen = deferredFen(pay.variable_fen, spec);
  return amount_fen > 0 ? { spec, amount_fen, parts: splitDeferral(amount_fen, spec.years, periodEnd) } : null;
}

/** Reopens the latest closed period; its entries stop counting (they stay, marked by the reopen). */
export function reopenPeriod(db: Db, period: Period, reason: string, by: string, now: string): CloseRecord {
  if (!period.name) throw new UsageError('--period: expected a named period');
  if (reason.trim() === '') throw new UsageError('--reason: say why the period is reopened');
  const c = closeInForce(db, period.name);
  if (!c) throw new DataError(`period ${period.name} is not closed: nothing to reopen`);
  const closes = closesInForce(db);
  const last = closes[closes.length - 1];
  if (last.close_id !== c.close_id) {
    throw new DataError(`period ${period.name} is not the latest closed period (${last.period} is): only the latest can be reopened; reopen ${last.period} first`);
  }
  markReopened(db, c.close_id, by, now, reason.trim());
  return c;
}

export interface FrozenView {
  close: CloseRecord;
  statements: FrozenStatement[];
  /** Per RM frozen in the close: recomputed − frozen variable pay of the period itself, where not 0. */
  changes: Map<string, number>;
  importsSince: number;
  /** The plan given differs from the plan the period was closed under. */
  planDiffers: boolean;
}

export function frozenView(db: Db, close: CloseRecord, givenPlanText?: string): FrozenView {
  const statements = frozenStatements(db, close.close_id);
  const now = recompute(db, close);
  const changes = new Map<string, number>();
  for (const s of statements) {
    const d = (now.pay.get(s.rm_id)?.variable_fen ?? 0) - s.variable_fen;
    if (d !== 0) changes.set(s.rm_id, d);
  }
  const known = new Set(close.import_ids);
  const importsSince = finishedImports(db).filter((i) => !known.has(i)).length;
  return { close, statements, changes, importsSince, planDiffers: givenPlanText !== undefined && sha256(givenPlanText) !== close.plan_sha256 };
}
