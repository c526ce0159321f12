/** Small lookups behind `crm segment` (everything heavy lives in metrics/engine.ts). */
import type { Db } from './connection.js';
import { dayNum } from './balances.js';
import type { CustomerType } from '../types.js';

export interface CustomerInfo {
  customer_id: string;
  name: string;
  customer_type: CustomerType;
  branch: string | null;
  /** RM in effect on the day asked for. */
  rm_id: string | null;
}

/** Every customer, with the RM in effect on `day`. */
export function customerDirectory(db: Db, day: string): Map<string, CustomerInfo> {
  const rows = db.prepare(`SELECT c.customer_id, c.name, c.customer_type, c.branch, h.rm_id
    FROM customers c LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= :dn AND h.to_num >= :dn`)
    .all({ dn: dayNum(day) }) as CustomerInfo[];
  return new Map(rows.map((r) => [r.customer_id, r]));
}

/** Customers holding at least one account that is open on `day` (seen on or before it and not closed). */
export function customersWithOpenAccounts(db: Db, day: string): Set<string> {
  const ids = db.prepare(`SELECT DISTINCT a.customer_id FROM balances b JOIN accounts a ON a.account_id = b.account_id
    WHERE b.day_num <= :dn AND b.end_num >= :dn AND b.source != 'C'`).pluck().all({ dn: dayNum(day) }) as string[];
  return new Set(ids);
}

export interface DataDates {
  /** Snapshot dates imported within the window. */
  snapshots: { first: string | null; last: string | null; count: number };
  /** Posting dates of transactions within the window. */
  transactions: { first: string | null; last: string | null; count: number };
}

/** Which data dates actually fall inside [from, to]: what a report "used". */
export function dataDatesIn(db: Db, from: string, to: string): DataDates {
  const s = db.prepare('SELECT min(as_of) AS first, max(as_of) AS last, count(*) AS count FROM snapshot_dates WHERE as_of BETWEEN ? AND ?')
    .get(from, to) as DataDates['snapshots'];
  // First and last through the day index; the count by one scan in key order (cheaper than the index for a long window).
  const t = db.prepare(`SELECT (SELECT day FROM txn_daily WHERE day BETWEEN :from AND :to ORDER BY day LIMIT 1) AS first,
      (SELECT day FROM txn_daily WHERE day BETWEEN :from AND :to ORDER BY day DESC LIMIT 1) AS last,
      (SELECT coalesce(sum(n), 0) FROM txn_daily WHERE +day BETWEEN :from AND :to) AS count`).get({ from, to }) as DataDates['transactions'];
  return { snapshots: s, transactions: t };
}
