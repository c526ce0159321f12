/**
 * `crm segment rfm` report data (metrics.md "RFM"): R, F and M of every customer over the 365
 * days ending on as-of, their scores, segments and the per-segment summary. A million customers
 * are held as columns by position in the customer directory, not as objects; the detail's names,
 * branches and RMs are read from the database one row at a time while the rows are written.
 */
import type { Db } from '../db/connection.js';
import { dayNum } from '../db/balances.js';
import { directoryColumns, type CustomerInfo, type DirectoryColumns } from '../db/segment-queries.js';
import { DataError } from '../errors.js';
import { rfmInputs, sameDirectory, type RfmInputs } from '../metrics/rfm-inputs.js';
import { dataDatesIn, isoFromNum, latestDataDate, type DataDates } from '../metrics/engine.js';
import type { CustomerType } from '../types.js';
import { activityWindow, type SegmentParams } from './report.js';
import { RFM_SEGMENTS, scoreRfmColumns, type RfmCuts, type RfmSegmentCode, type Score } from './rfm.js';
import { CUSTOMER_TYPES } from './tiers.js';

export interface RfmCustomer extends CustomerInfo {
  last_txn_day: string | null;
  /** Days from the last transaction to as-of; null without a transaction. */
  recency_days: number | null;
  frequency: number;
  monetary_fen: number;
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegmentCode;
}

export interface RfmSegmentSummary {
  segment: RfmSegmentCode;
  customers: number;
  customer_share: number | null;
  /** Averages over the segment's customers with a transaction (null when none). */
  avg_recency_days: number | null;
  avg_frequency: number | null;
  monetary_fen: number;
  monetary_avg_fen: number | null;
}

/** A section's customers in customer_id order, one column per value: index k is one customer. */
export interface RfmSectionCustomers {
  /** Position in the customer directory (every customer, customer_id order). */
  position: Int32Array;
  /** Days from the last transaction to as-of; NaN without a transaction. */
  recency_days: Float64Array;
  frequency: Float64Array;
  monetary_fen: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into RFM_SEGMENTS. */
  segment: Uint8Array;
}

export interface RfmSection {
  customer_type: CustomerType;
  /** Customers with at least one transaction in the window (the cut-point population). */
  active_customers: number;
  cuts: RfmCuts;
  segments: RfmSegmentSummary[];
  customers: RfmSectionCustomers;
}

export interface RfmReport {
  as_of: string;
  window: { from: string; to: string; days: number };
  /** Transactions present in the database within the window. */
  data: DataDates['transactions'];
  sections: RfmSection[];
  /**
   * A section's customers one at a time, with name, branch and RM (in effect on as-of) read
   * from the database as they are asked for: the database must still be open.
   */
  eachCustomer: (s: RfmSection) => Iterable<RfmCustomer>;
}

/** What crm report already has when it asks for RFM: its population's directory and the inputs (see rfmInputs). */
export interface RfmShared {
  directory: Pick<DirectoryColumns, 'ids' | 'corporate'>;
  inputs: RfmInputs;
}

/**
 * RFM over the 365 days ending on as-of, one section per customer type with its own cut points.
 * Population: customers with an account open on as-of or a transaction in the window.
 */
export function rfmReport(db: Db, params: SegmentParams, shared?: RfmShared): RfmReport {
  const asOf = params.asOf ?? latestDataDate(db);
  const win = activityWindow(asOf);
  const types = [...(params.types ?? CUSTOMER_TYPES)];
  const dir = shared?.directory ?? directoryColumns(db, asOf);
  const ids = dir.ids;
  const inputs = shared ? sameDirectory(shared.inputs, ids.length) : rfmInputs(db, asOf, win.from, win.to, ids);
  const inPopulation = inputs.present;
  const asOfNum = dayNum(asOf);
  const sections = types.map((type): RfmSection => {
    const corporate = type === 'corporate' ? 1 : 0;
    let n = 0;
    for (let i = 0; i < ids.length; i++) if (inPopulation[i] && dir.corporate[i] === corporate) n++;
    const position = new Int32Array(n);
    const recencyDays = new Float64Array(n);
    const frequency = new Float64Array(n);
    const monetary = new Float64Array(n);
    for (let i = 0, k = 0; i < ids.length; i++) {
      if (!inPopulation[i] || dir.corporate[i] !== corporate) continue;
      position[k] = i;
      recencyDays[k] = inputs.last_day[i] < 0 ? NaN : asOfNum - inputs.last_day[i];
      frequency[k] = inputs.count[i];
      monetary[k] = inputs.abs_amount_fen[i];
      k++;
    }
    const s = scoreRfmColumns({ days_since_last: recencyDays, frequency, monetary_fen: monetary }, (k) => ids.at(position[k]));
    const customers: RfmSectionCustomers = { position, recency_days: recencyDays, frequency, monetary_fen: monetary, r: s.r, f: s.f, m: s.m, segment: s.segment };
    return { customer_type: type, active_customers: s.active_customers, cuts: s.cuts, segments: segmentSummaries(customers), customers };
  });
  return {
    as_of: asOf, window: win, data: dataDatesIn(db, win.from, win.to).transactions, sections,
    eachCustomer: rfmWalk(db, asOf, ids.length),
  };
}

/**
 * The report's eachCustomer, made here so that it holds nothing of rfmReport (not the ids): names,
 * branches and RMs are read once, when a detail is first asked for.
 */
function rfmWalk(db: Db, asOf: string, customers: number): RfmReport['eachCustomer'] {
  let owned: DirectoryColumns | undefined;
  return (s) => eachRfmCustomer(asOf, (owned ??= ownedDirectory(db, asOf, customers)), s);
}

/** Per segment, in one pass in customer_id order (so that Σ M adds up in the order it always did). */
function segmentSummaries(c: RfmSectionCustomers): RfmSegmentSummary[] {
  const zeros = () => RFM_SEGMENTS.map(() => 0);
  const [members, active, sumDays, sumFrequency, monetary] = [zeros(), zeros(), zeros(), zeros(), zeros()];
  const n = c.position.length;
  for (let k = 0; k < n; k++) {
    const g = c.segment[k];
    members[g]++;
    monetary[g] += c.monetary_fen[k];
    if (c.frequency[k] === 0) continue;
    active[g]++;
    sumDays[g] += c.recency_days[k];
    sumFrequency[g] += c.frequency[k];
  }
  return RFM_SEGMENTS.map((seg, g): RfmSegmentSummary => ({
    segment: seg.code,
    customers: members[g],
    customer_share: n ? members[g] / n : null,
    avg_recency_days: active[g] ? sumDays[g] / active[g] : null,
    avg_frequency: active[g] ? sumFrequency[g] / active[g] : null,
    monetary_fen: monetary[g],
    monetary_avg_fen: members[g] ? monetary[g] / members[g] : null,
  }));
}

/** A section without its customers: its R × F map in their place (what crm report shows). */
export interface RfmOverviewSection extends Omit<RfmSection, 'customers'> {
  /**
   * grid[r − 1][f − 1][g]: the customers with R score r and F score f in segment g (an index into
   * RFM_SEGMENTS). Customers without a transaction in the window are in no cell.
   */
  grid: number[][][];
}

/** An RFM report reduced to its summaries and maps: a million customers' columns (~30 MB) let go. */
export interface RfmOverview extends Omit<RfmReport, 'sections' | 'eachCustomer'> {
  sections: RfmOverviewSection[];
}

export function rfmOverview(report: RfmReport): RfmOverview {
  const { sections, eachCustomer: _, ...rest } = report;
  return {
    ...rest,
    sections: sections.map(({ customers: c, ...section }) => {
      const grid = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => RFM_SEGMENTS.map(() => 0)));
      for (let k = 0; k < c.position.length; k++) if (c.frequency[k] !== 0) grid[c.r[k] - 1][c.f[k] - 1][c.segment[k]]++;
      return { ...section, grid };
    }),
  };
}

/** The section's customers with their directory row, in customer_id order. */
function* eachRfmCustomer(asOf: string, d: DirectoryColumns, s: RfmSection): Generator<RfmCustomer> {
  const c = s.customers;
  const isoOf = new Map<number, string>();
  for (let k = 0; k < c.position.length; k++) {
    const i = c.position[k];
    const days = c.recency_days[k];
    let last: string | null = null;
    if (!Number.isNaN(days)) {
      last = isoOf.get(days) ?? null;
      if (last === null) isoOf.set(days, (last = isoFromNum(dayNum(asOf) - days)));
    }
    yield {
      customer_id: d.ids.at(i), name: d.names?.at(i) ?? '', customer_type: s.customer_type, branch: d.branches[d.branch[i]], rm_id: d.rms[d.rm[i]],
      last_txn_day: last, recency_days: Number.isNaN(days) ? null : days,
      frequency: c.frequency[k], monetary_fen: c.monetary_fen[k], r: c.r[k] as Score, f: c.f[k] as Score, m: c.m[k] as Score, segment: RFM_SEGMENTS[c.segment[k]].code,
    };
  }
}

/** The directory with names and owners, of the size the scores were computed for. */
function ownedDirectory(db: Db, asOf: string, n: number): DirectoryColumns {
  const d = directoryColumns(db, asOf, { names: true, owners: true });
  if (d.ids.length !== n) throw new DataError('the customers table changed while the RFM report was written: run it again');
  return d;
}
