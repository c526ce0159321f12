/**
 * The call list of `crm watch` (docs/watch.md): per customer, which signals its figures raise.
 * Pure: the figures come from src/watch/report.ts; money in fen, shares as fractions.
 */
import type { Ladder } from '../segment/tiers.js';
import { LOAN_CLASS_ZH, type CustomerType, type LoanClass } from '../types.js';
import { SIGNALS, type Signal, type WatchRules } from './rules.js';

/** One customer's figures as of the report date. ADBs and balances in CNY fen; null where the data does not reach. */
export interface WatchCustomer {
  customer_id: string;
  name: string;
  customer_type: CustomerType;
  /** The RM on the as-of date (null: none). */
  rm_id: string | null;
  /** The tier over the tier window and the ladder's measure it was given by. */
  tier: string;
  measure: number;
  /** AUM ADB over the tier window. */
  aum_adb: number;
  /** AUM ADB over the last `attrition.days` days and the as many days before. */
  attrition_recent: number | null;
  attrition_prior: number | null;
  /** AUM ADB over the last `upgrade.days` days and the as many days before. */
  upgrade_recent: number | null;
  upgrade_prior: number | null;
  /** AUM balance `attrition.days` days before as-of and on as-of. */
  aum_then: number | null;
  aum_now: number | null;
  /** AUM ADB per whole month: the month before the last `downgrade.months` ones, then those, oldest first (null: outside the data). */
  monthly_aum: (number | null)[];
  /** The last customer-initiated transaction on or before as-of (bank-generated postings left out), or null. */
  last_activity: string | null;
  /** Since when the customer has had no RM (with rm_id null). */
  unassigned_since: string | null;
}

/** A loan whose class moved from normal to a worse one (from the balance history). */
export interface LoanChange {
  customer_id: string;
  account_id: string;
  from_class: string;
  to_class: string;
  /** The day of the change. */
  day: string;
  /** The loan's balance on as-of, CNY fen. */
  balance: number;
}

/** What the report date and the windows are (for `since` and notes). */
export interface WatchDates {
  as_of: string;
  /** First day of the attrition window (the last attrition.days days). */
  attrition_from: string;
  /** The day the net outflow is measured from (as-of − attrition.days). */
  outflow_from: string;
  /** The whole months of the downgrade signal, oldest first, preceded by the month that gives the tier. */
  months: string[];
  /** The first day of the dormancy window (as-of − dormant_valuable.days + 1). */
  dormant_from: string;
}

export type Unit = 'cny' | 'percent';

export interface WatchRow {
  customer_id: string;
  name: string;
  customer_type: CustomerType;
  tier: string;
  rm_id: string | null;
  signal: Signal;
  /** What `value` and `threshold` measure; the suffix says the unit (_cny: fen here, _pct: a fraction here). */
  measure: string;
  unit: Unit;
  value: number;
  threshold: number | null;
  since: string | null;
  /** What raised the signal, in English and in Chinese. */
  note: string;
  note_zh: string;
  /** What the customer holds at stake (AUM ADB; a loan's balance), fen: orders the list within an RM. */
  at_stake: number;
}

/**
 * a ≥ b for values computed in floating point (ADBs are fen-days ÷ days, drops 1 − x ÷ y): equal up to
 * rounding error (a billionth of a fraction, a trillionth of an amount: far below a fen) counts.
 */
const atLeast = (a: number, b: number) => a >= b - Math.max(1e-9, Math.abs(b) * 1e-12);

/** Fen as "1,234.56" in notes. */
function cny(fen: number): string {
  const v = Math.round(fen) / 100;
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

type Base = Pick<WatchRow, 'customer_id' | 'name' | 'customer_type' | 'tier' | 'rm_id'>;

/** The rows of one customer, in SIGNALS order. */
export function customerSignals(c: WatchCustomer, ladders: Record<CustomerType, Ladder>, rules: WatchRules, dates: WatchDates, only: ReadonlySet<Signal> = new Set(SIGNALS)): WatchRow[] {
  const ladder = ladders[c.customer_type];
  const out: WatchRow[] = [];
  // Every row one literal of the same shape: rows spread from objects of several shapes are slow
  // to make and to sort (a hundred thousand rows in a large branch).
  const add = (signal: Signal, r: Omit<WatchRow, keyof Base | 'signal' | 'at_stake'>, atStake = c.aum_adb) => {
    if (!only.has(signal)) return;
    out.push({
      customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, tier: c.tier, rm_id: c.rm_id, signal,
      measure: r.measure, unit: r.unit, value: r.value, threshold: r.threshold, since: r.since, note: r.note, note_zh: r.note_zh, at_stake: atStake,
    });
  };
  const a = attrition(c, rules, dates);
  if (a) add('attrition', a);
  const u = upgrade(c, ladder, rules);
  if (u) add('upgrade', u);
  const d = downgrade(c, ladder, dates);
  if (d) add('downgrade', d);
  const dv = rules.dormant_valuable;
  if (atLeast(c.aum_adb, dv.min_aum_fen) && (c.last_activity === null || c.last_activity < dates.dormant_from)) {
    add('dormant_valuable', {
      measure: 'aum_adb_cny', unit: 'cny', value: c.aum_adb, threshold: dv.min_aum_fen, since: c.last_activity,
      note: c.last_activity === null ? 'no customer-initiated transaction on record' : `no customer-initiated transaction in ${dv.days} days (last ${c.last_activity})`,
      note_zh: c.last_activity === null ? '无客户主动交易记录' : `${dv.days}天内无客户主动交易（最近一笔 ${c.last_activity}）`,
    });
  }
  if (c.rm_id === null && isValuable(ladder, c.tier, rules.valuable[c.customer_type])) {
    add('unassigned', {
      measure: `${ladder.measure}_cny`, unit: 'cny', value: c.measure, threshold: null, since: c.unassigned_since,
      note: `valuable tier ${c.tier} with no RM`, note_zh: `价值客户（${ladder.tiers.find((t) => t.code === c.tier)?.name_zh ?? c.tier}）无客户经理`,
    });
  }
  return out;
}

function attrition(c: WatchCustomer, rules: WatchRules, dates: WatchDates): Omit<WatchRow, keyof Base | 'signal' | 'at_stake'> | null {
  const r = rules.attrition;
  const outflow = c.aum_then !== null && c.aum_now !== null ? c.aum_then - c.aum_now : null;
  if (c.attrition_prior !== null && c.attrition_recent !== null && atLeast(c.attrition_prior, r.min_aum_fen) && c.attrition_prior > 0) {
    const drop = 1 - c.attrition_recent / c.attrition_prior;
    if (atLeast(drop, r.drop)) {
      // The notes only for a raised signal: formatting amounts for every customer costs more than the rules.
      const outflowNote = outflow === null ? '' : `net outflow ${cny(outflow)} since ${dates.outflow_from}`;
      const outflowZh = outflow === null ? '' : `${dates.outflow_from} 起净流出 ${cny(outflow)}`;
      return {
        measure: 'aum_adb_drop_pct', unit: 'percent', value: drop, threshold: r.drop, since: dates.attrition_from,
        note: [`AUM ADB ${cny(c.attrition_prior)} → ${cny(c.attrition_recent)} (${r.days} days each)`, outflowNote].filter(Boolean).join('; '),
        note_zh: [`AUM日均 ${cny(c.attrition_prior)} → ${cny(c.attrition_recent)}（各${r.days}天）`, outflowZh].filter(Boolean).join('；'),
      };
    }
  }
  if (outflow !== null && atLeast(outflow, r.net_outflow_fen)) {
    return {
      measure: 'net_outflow_cny', unit: 'cny', value: outflow, threshold: r.net_outflow_fen, since: dates.outflow_from,
      note: `AUM ${cny(c.aum_then!)} on ${dates.outflow_from} → ${cny(c.aum_now!)} on ${dates.as_of}`,
      note_zh: `AUM余额 ${dates.outflow_from} ${cny(c.aum_then!)} → ${dates.as_of} ${cny(c.aum_now!)}`,
    };
  }
  return null;
}

function upgrade(c: WatchCustomer, ladder: Ladder, rules: WatchRules): Omit<WatchRow, keyof Base | 'signal' | 'at_stake'> | null {
  if (ladder.method !== 'thresholds') return null;
  const i = ladder.tiers.findIndex((t) => t.code === c.tier);
  const next = ladder.tiers[i + 1];
  if (i < 0 || !next || next.min_fen === undefined) return null;
  const from = next.min_fen * (1 - rules.upgrade.gap);
  if (!atLeast(c.measure, from) || c.measure >= next.min_fen) return null;
  if (c.upgrade_recent === null || c.upgrade_prior === null || !(c.upgrade_recent > c.upgrade_prior)) return null;
  return {
    measure: `${ladder.measure}_cny`, unit: 'cny', value: c.measure, threshold: next.min_fen, since: null,
    note: `${cny(next.min_fen - c.measure)} below ${next.code}; AUM ADB ${cny(c.upgrade_prior)} → ${cny(c.upgrade_recent)} (${rules.upgrade.days} days each)`,
    note_zh: `距${next.name_zh}差 ${cny(next.min_fen - c.measure)}；AUM日均 ${cny(c.upgrade_prior)} → ${cny(c.upgrade_recent)}（各${rules.upgrade.days}天）`,
  };
}

function downgrade(c: WatchCustomer, ladder: Ladder, dates: WatchDates): Omit<WatchRow, keyof Base | 'signal' | 'at_stake'> | null {
  if (ladder.method !== 'thresholds' || ladder.measure !== 'aum_adb') return null;
  const [before, ...months] = c.monthly_aum;
  if (before === null || before === undefined || months.length === 0 || months.some((m) => m === null)) return null;
  // The tier of the month before the three: the highest whose min it reached.
  let tier = ladder.tiers[0];
  for (const t of ladder.tiers) if (t.min_fen !== undefined && atLeast(before, t.min_fen)) tier = t;
  if (tier.min_fen === undefined) return null;
  const min = tier.min_fen;
  if (!months.every((m) => !atLeast(m!, min))) return null;
  const last = months[months.length - 1]!;
  return {
    measure: 'aum_adb_cny', unit: 'cny', value: last, threshold: min, since: `${dates.months[1]}-01`,
    note: `${tier.code} in ${dates.months[0]} (${cny(before)}); below ${cny(min)} in ${dates.months.slice(1).map((m, k) => `${m} (${cny(months[k]!)})`).join(', ')}`,
    note_zh: `${dates.months[0]} 为${tier.name_zh}（${cny(before)}）；${dates.months.slice(1).map((m, k) => `${m}（${cny(months[k]!)}）`).join('、')} 均低于 ${cny(min)}`,
  };
}

/** Whether `tier` is `lowest` or above it in the ladder. */
export function isValuable(ladder: Ladder, tier: string, lowest: string): boolean {
  const at = ladder.tiers.findIndex((t) => t.code === lowest);
  const i = ladder.tiers.findIndex((t) => t.code === tier);
  return at >= 0 && i >= at;
}

/** One row per customer with loans moved from normal to a worse class: the balances summed, each loan in the note. */
export function loanRows(changes: readonly LoanChange[], customers: ReadonlyMap<string, WatchCustomer | Base>): WatchRow[] {
  const byCustomer = new Map<string, LoanChange[]>();
  for (const ch of changes) {
    const list = byCustomer.get(ch.customer_id) ?? [];
    list.push(ch);
    byCustomer.set(ch.customer_id, list);
  }
  const out: WatchRow[] = [];
  for (const [id, list] of byCustomer) {
    const c = customers.get(id);
    if (!c) continue;
    list.sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.account_id < y.account_id ? -1 : 1));
    const total = list.reduce((s, x) => s + x.balance, 0);
    out.push({
      customer_id: id, name: c.name, customer_type: c.customer_type, tier: c.tier, rm_id: c.rm_id, signal: 'loan_downgrade',
      measure: 'loan_balance_cny', unit: 'cny', value: total, threshold: null, since: list[0].day,
      note: list.map((x) => `${x.account_id}: ${x.from_class} → ${x.to_class} on ${x.day}`).join('; '),
      note_zh: list.map((x) => `${x.account_id}：${x.day} ${classZh(x.from_class)} → ${classZh(x.to_class)}`).join('；'), at_stake: total,
    });
  }
  return out;
}

const classZh = (c: string) => LOAN_CLASS_ZH[c as LoanClass] ?? c;

/** By RM (no RM last), then value at stake high → low, then customer and signal. */
export function sortWatchRows(rows: WatchRow[]): WatchRow[] {
  const order = new Map(SIGNALS.map((s, i) => [s, i]));
  return rows.sort((x, y) => {
    if (x.rm_id !== y.rm_id) return x.rm_id === null ? 1 : y.rm_id === null ? -1 : x.rm_id < y.rm_id ? -1 : 1;
    if (x.at_stake !== y.at_stake) return y.at_stake - x.at_stake;
    if (x.customer_id !== y.customer_id) return x.customer_id < y.customer_id ? -1 : 1;
    return order.get(x.signal)! - order.get(y.signal)!;
  });
}
