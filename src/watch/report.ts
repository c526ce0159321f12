/**
 * The figures behind `crm watch` and `crm coverage` (docs/watch.md): per customer its tier, AUM ADB
 * over the windows the signals compare, AUM balances on two days, monthly AUM ADB, last
 * customer-initiated transaction, and the loans whose class worsened. The AUM of every window comes
 * from one pass (metrics/windows.ts); the rules are applied in src/watch/signals.ts.
 */
import type { Db } from '../db/connection.js';
import { dayNum } from '../db/balances.js';
import { rateOn } from '../db/fx.js';
import { sqlList } from '../db/sql.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, type TiersConfig } from '../segment/tiers.js';
import { latestDataDate, addDays, resolveWindow, txnParts, txnRowsSql, type Window } from '../metrics/engine.js';
import { aumWindowSums, type AumSums, type AumWindow } from '../metrics/windows.js';
import { DEFAULT_PRICING, type Pricing } from '../metrics/pricing.js';
import { tierCustomers, tierPopulation, tierWindow, DEFAULT_WINDOW_DAYS, type TierCustomer, type TierPopulation, type Period } from '../segment/report.js';
import { LOAN_PRODUCTS } from '../types.js';
import { DataError } from '../errors.js';
import { positionsIn } from '../db/positions.js';
import { forEachRow, type IdList } from '../db/columns.js';
import { SIGNALS, type Signal, type WatchRules } from './rules.js';
import { channelMix, type ChannelCounts, type ChannelCustomer, type ChannelMove, type ChannelRow, type UnitCosts } from './channels.js';
import { coverage, type Coverage, type CoverageRm } from './coverage.js';
import { customerSignals, loanRows, sortWatchRows, type LoanChange, type WatchCustomer, type WatchDates, type WatchRow } from './signals.js';

export interface WatchParams {
  asOf?: string;
  windowDays?: number;
  tiers?: TiersConfig;
  pricing?: Pricing;
  rules: WatchRules;
  /** The tier population of these params when the caller already has it (crm report shares one). */
  population?: TierPopulation;
}

export interface WatchInputs {
  period: Period;
  dates: WatchDates;
  tiers: TiersConfig;
  /**
   * Calls `visit` with each customer of the tier population and its figures, personal then
   * corporate: made one at a time, for the caller to keep only what it needs.
   */
  eachCustomer: (visit: (c: WatchCustomer) => void) => void;
  loans: LoanChange[];
}

/** The calendar month (YYYY-MM) `n` months after `month` (n may be negative). */
function monthPlus(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

const lastDayOf = (month: string) => addDays(`${monthPlus(month, 1)}-01`, -1);

/** The whole months of the downgrade signal: the last `k` ending on or before as-of, preceded by the one before them. */
export function downgradeMonths(asOf: string, k: number): string[] {
  const own = asOf.slice(0, 7);
  const last = lastDayOf(own) === asOf ? own : monthPlus(own, -1);
  return Array.from({ length: k + 1 }, (_, i) => monthPlus(last, i - k));
}

/** A window whose AUM is the tier population's own (see watchInputs). */
const TIER = 'tier';

/** `a` clipped to the data is `w` (a `whole` window only when the data covers all of it). */
function isWindow(db: Db, a: AumWindow, w: Window): boolean {
  try {
    const c = resolveWindow(db, a.from, a.to);
    return !(a.whole && c.clipped) && c.from === w.from && c.to === w.to;
  } catch (e) {
    if (e instanceof DataError) return false; // outside the data
    throw e;
  }
}

/** The tier window, or null when the data does not reach it (tierPopulation then says why). */
function windowOrNull(db: Db, asOf: string, windowDays: number): Window | null {
  try {
    return tierWindow(db, asOf, windowDays);
  } catch (e) {
    if (e instanceof DataError) return null;
    throw e;
  }
}

/**
 * The AUM windows the signals compare, in watchInputs' order, and which of them is the tier window
 * (clipped to the data): those take the population's AUM ADB, the same exact fen-days ÷ days.
 */
function aumWindowsOf(db: Db, asOf: string, windowDays: number, r: WatchRules, tierW: Window | null): { asked: AumWindow[]; isTier: boolean[]; others: AumWindow[]; outflowFrom: string; months: string[] } {
  const days = r.attrition.days;
  const ud = r.upgrade.days;
  const outflowFrom = addDays(asOf, -days);
  const months = downgradeMonths(asOf, r.downgrade.months);
  const asked: AumWindow[] = [
    { from: addDays(asOf, -(days - 1)), to: asOf }, { from: addDays(asOf, -(2 * days - 1)), to: addDays(asOf, -days) },
    { from: addDays(asOf, -(ud - 1)), to: asOf }, { from: addDays(asOf, -(2 * ud - 1)), to: addDays(asOf, -ud) },
    { from: outflowFrom, to: outflowFrom, whole: true }, { from: asOf, to: asOf, whole: true },
    ...months.map((m) => ({ from: `${m}-01`, to: lastDayOf(m), whole: true })),
  ];
  const isTier = asked.map((a) => tierW !== null && isWindow(db, a, tierW));
  return { asked, isTier, others: asked.filter((_, k) => !isTier[k]), outflowFrom, months };
}

/**
 * The AUM windows other than the tier window that watchInputs sums for `p` (as-of given), for a
 * caller that builds the population itself to have the report thread sum them alongside
 * (tierPopulation's `aum`); undefined when there are none.
 */
export function watchAumWindows(db: Db, p: WatchParams & { asOf: string }): AumWindow[] | undefined {
  const windowDays = p.windowDays ?? DEFAULT_WINDOW_DAYS;
  const { others } = aumWindowsOf(db, p.asOf, windowDays, p.rules, windowOrNull(db, p.asOf, windowDays));
  return others.length ? others : undefined;
}

export function watchInputs(db: Db, p: WatchParams): WatchInputs {
  const asOf = p.asOf ?? latestDataDate(db);
  const pricing = p.pricing ?? (DEFAULT_PRICING as Pricing);
  const tiers = p.tiers ?? (DEFAULT_TIERS as TiersConfig);
  const r = p.rules;
  const windowDays = p.windowDays ?? DEFAULT_WINDOW_DAYS;
  // Every window other than the tier window in one pass (equal ones summed once): on the report
  // thread alongside the population (that thread is idle once it has the transaction sums) when
  // the population was asked for the same windows, else here.
  const { asked, isTier, others, outflowFrom, months } = aumWindowsOf(db, asOf, windowDays, r, p.population?.period.window ?? windowOrNull(db, asOf, windowDays));
  const pop = p.population ?? tierPopulation(db, { asOf, windowDays, tiers, pricing }, undefined, others.length ? others : undefined);
  const alongside = pop.table.aumAlongside?.() ?? null;
  const sums = alongside && alongside.customers === pop.table.ids.length && JSON.stringify(alongside.asked) === JSON.stringify(others)
    ? alongside.sums : aumWindowSums(db, others, pop.table.ids);
  // The population's directory positions in tierCustomers' order (personal, then corporate, each
  // by customer_id): the window sums are by directory position; its rows are made one at a time below.
  const order = Int32Array.from(CUSTOMER_TYPES.flatMap((type) => [...(pop.types.get(type)?.pos ?? [])]));
  let j = 0;
  const [recent, prior, upRecent, upPrior, then, now, ...monthly] = asked.map((_, k) => (isTier[k] ? TIER : sums[j++]));
  const adb = (s: AumSums | null | typeof TIER, i: number, c: TierCustomer) => (s === TIER ? c.aum_adb : s === null ? null : s.fenDays[order[i]] / s.window.days);
  const unassigned = unassignedSince(db, asOf);
  const eachCustomer = (visit: (c: WatchCustomer) => void) => {
    let i = -1;
    for (const c of tierCustomers(pop)) {
      i++;
      visit({
        customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, rm_id: c.rm_id, tier: c.tier, measure: c.measure, aum_adb: c.aum_adb,
        attrition_recent: adb(recent, i, c), attrition_prior: adb(prior, i, c), upgrade_recent: adb(upRecent, i, c), upgrade_prior: adb(upPrior, i, c),
        aum_then: adb(then, i, c), aum_now: adb(now, i, c), monthly_aum: monthly.map((m) => adb(m, i, c)),
        last_activity: c.last_txn_day, unassigned_since: c.rm_id === null ? unassigned.get(c.customer_id) ?? null : null,
      });
    }
  };
  const dates: WatchDates = {
    as_of: asOf, attrition_from: asked[0].from, outflow_from: outflowFrom, months,
    dormant_from: addDays(asOf, -(r.dormant_valuable.days - 1)),
  };
  return { period: pop.period, dates, tiers, eachCustomer, loans: loanChanges(db, asOf, r.loan_downgrade.days) };
}

/** Per customer with no RM on as-of: the day that assignment took effect (null for one held from the start). */
function unassignedSince(db: Db, asOf: string): Map<string, string | null> {
  const rows = db.prepare(`SELECT customer_id, effective_from FROM customer_rm_history WHERE rm_id IS NULL AND from_num <= :dn AND to_num >= :dn`)
    .raw().all({ dn: dayNum(asOf) }) as [string, string][];
  return new Map(rows.map(([id, from]) => [id, from === '0001-01-01' ? null : from]));
}

/**
 * Loans whose class moved from normal (or none) to a worse class on a day within the `days` days
 * ending on as-of: a balance row of that day with the worse class whose previous row was normal.
 * The balance is the loan's on as-of, in CNY at the rate on or before as-of.
 */
export function loanChanges(db: Db, asOf: string, days: number): LoanChange[] {
  const from = addDays(asOf, -(days - 1));
  // The rows in a worse class come from their partial index (a few among all balance rows).
  return db.prepare(`SELECT a.customer_id, b.account_id, coalesce(p.loan_class, 'normal') AS from_class, b.loan_class AS to_class, b.as_of AS day,
      (SELECT CASE WHEN a.currency = 'CNY' THEN x.balance ELSE round(x.balance * ${rateOn('a.currency', ':asOf')}) END
        FROM balances x WHERE x.account_id = b.account_id AND x.as_of <= :asOf ORDER BY x.as_of DESC LIMIT 1) AS balance
    FROM balances b INDEXED BY balances_downgraded JOIN accounts a ON a.account_id = b.account_id
      JOIN balances p ON p.account_id = b.account_id AND p.as_of = (SELECT max(as_of) FROM balances q WHERE q.account_id = b.account_id AND q.as_of < b.as_of)
    WHERE b.as_of BETWEEN :from AND :asOf AND a.product_type IN (${sqlList(LOAN_PRODUCTS)})
      AND b.loan_class IS NOT NULL AND b.loan_class != 'normal' AND coalesce(p.loan_class, 'normal') = 'normal' AND p.source != 'C'
    ORDER BY a.customer_id, b.as_of, b.account_id`).all({ from, asOf }) as LoanChange[];
}

export interface WatchList {
  period: Period;
  dates: WatchDates;
  tiers: TiersConfig;
  rows: WatchRow[];
}

/** The call list: every signal raised as of the date, sorted by RM then value at stake. `only`: these signals; `rm`: this RM's customers. */
export function watchList(db: Db, p: WatchParams, only: readonly Signal[] = SIGNALS, rm?: string): WatchList {
  const inputs = watchInputs(db, p);
  const want = new Set(only);
  const rows: WatchRow[] = [];
  // The customers with a loan change, as loanRows names them (a few among all).
  const withLoans = new Set(inputs.loans.map((l) => l.customer_id));
  const byId = new Map<string, WatchCustomer>();
  inputs.eachCustomer((c) => {
    if (withLoans.has(c.customer_id)) byId.set(c.customer_id, c);
    if (rm !== undefined && c.rm_id !== rm) return;
    rows.push(...customerSignals(c, inputs.tiers, p.rules, inputs.dates, want));
  });
  if (want.has('loan_downgrade')) rows.push(...loanRows(inputs.loans, byId).filter((r) => rm === undefined || r.rm_id === rm));
  return { period: inputs.period, dates: inputs.dates, tiers: inputs.tiers, rows: sortWatchRows(rows) };
}

export interface CoverageReport {
  period: Period;
  tiers: TiersConfig;
  coverage: Coverage;
}

/** Coverage per RM and branch over the tier window ending on as-of (the RM on its last day). */
export function coverageReport(db: Db, p: WatchParams): CoverageReport {
  const asOf = p.asOf ?? latestDataDate(db);
  const tiers = p.tiers ?? (DEFAULT_TIERS as TiersConfig);
  const pop = p.population ?? tierPopulation(db, { asOf, windowDays: p.windowDays ?? DEFAULT_WINDOW_DAYS, tiers, pricing: p.pricing }, { owners: true });
  const rms = db.prepare('SELECT rm_id, name, rm_type, branch FROM rms ORDER BY rm_id').all() as CoverageRm[];
  return { period: pop.period, tiers, coverage: coverage(tierCustomers(pop), rms, tiers, p.rules, pop.period.window.days) };
}

/** One month's transactions by channel, by directory position (0 without a transaction). */
interface MonthCounts {
  counter: ArrayLike<number>;
  self_service: ArrayLike<number>;
  e_banking: ArrayLike<number>;
}

/** The channel counts over [from, to] per customer of the directory `ids`, row by row into typed arrays (no other sums). */
function monthCounts(db: Db, from: string, to: string, ids: IdList): MonthCounts {
  const c = { counter: new Int32Array(ids.length), self_service: new Int32Array(ids.length), e_banking: new Int32Array(ids.length) };
  const at = positionsIn(ids);
  forEachRow(db, `WITH t AS (${txnRowsSql(txnParts(db, from, to), ['counter', 'self_service', 'e_banking'])})
    SELECT customer_id, sum(counter) AS counter, sum(self_service) AS self_service, sum(e_banking) AS e_banking FROM t GROUP BY customer_id`, { from, to },
  ['customer_id', 'counter', 'self_service', 'e_banking'], (id: string, counter: number, selfService: number, eBanking: number) => {
    const i = at(id);
    if (i < 0) return;
    c.counter[i] = counter;
    c.self_service[i] = selfService;
    c.e_banking[i] = eBanking;
  });
  return c;
}

export interface ChannelsReport {
  period: Period;
  tiers: TiersConfig;
  months: string[];
  unit: UnitCosts;
  rows: ChannelRow[];
  moves: ChannelMove[];
}

/**
 * Channels per tier (the tier window ending on as-of) and calendar month: the `months` months
 * ending with as-of's, the last one up to as-of. Moves compare the first month with the last.
 */
export function channelsReport(db: Db, p: Omit<WatchParams, 'rules'>, months: number): ChannelsReport {
  const asOf = p.asOf ?? latestDataDate(db);
  const tiers = p.tiers ?? (DEFAULT_TIERS as TiersConfig);
  const pricing = p.pricing ?? (DEFAULT_PRICING as Pricing);
  const pop = p.population ?? tierPopulation(db, { asOf, windowDays: p.windowDays ?? DEFAULT_WINDOW_DAYS, tiers, pricing }, {});
  const list = Array.from({ length: months }, (_, i) => monthPlus(asOf.slice(0, 7), i - months + 1));
  const ids = pop.table.ids;
  const w = pop.period.window;
  const perMonth = list.map((m): MonthCounts => {
    const from = `${m}-01`;
    const to = lastDayOf(m) < asOf ? lastDayOf(m) : asOf;
    // A month that is the tier window (e.g. a window from the 1st to as-of): the population's own counts.
    if (from === w.from && to === w.to) return { counter: pop.table.txn_counter, self_service: pop.table.txn_self_service, e_banking: pop.table.txn_e_banking };
    return monthCounts(db, from, to, ids);
  });
  const counts = (m: MonthCounts, i: number): ChannelCounts | undefined =>
    (m.counter[i] || m.self_service[i] || m.e_banking[i] ? { counter: m.counter[i], self_service: m.self_service[i], e_banking: m.e_banking[i] } : undefined);
  const customers = function* (): Generator<ChannelCustomer> {
    for (const [type, x] of pop.types) {
      for (let k = 0; k < x.pos.length; k++) {
        yield { customer_id: ids.at(x.pos[k]), customer_type: type, tier: x.ladder.tiers[x.tier[k]].code, months: perMonth.map((m) => counts(m, x.pos[k])) };
      }
    }
  };
  const unit = pricing.channel_cost_fen;
  const order = { personal: tiers.personal.tiers.map((t) => t.code), corporate: tiers.corporate.tiers.map((t) => t.code) };
  return { period: pop.period, tiers, months: list, unit, ...channelMix(customers(), list, order, unit) };
}
