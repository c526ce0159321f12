/** What the database holds: the queries behind `crm status`. */
import type { Db } from './connection.js';
import { SCHEMA_VERSION } from './migrations.js';

export interface StatusInfo {
  schema_version: number;
  counts: Record<string, number>;
  snapshots: { first: string | null; last: string | null; dates: number; full: number };
  balance_rows: number;
  transactions: { first: string | null; last: string | null };
  coverage: { first: string | null; last: string | null };
  imports: ImportLogRow[];
}

export interface ImportLogRow {
  import_id: number;
  file: string;
  kind: string | null;
  status: string;
  rows_read: number;
  rows_loaded: number;
  rows_updated: number;
  /** Rows already in the database as read (rows_skipped in import_log; "unchanged" in every report). */
  rows_unchanged: number;
  rows_rejected: number;
  started_at: string;
  finished_at: string | null;
  message: string | null;
}

const TABLES = ['rms', 'customers', 'customer_rm_history', 'accounts', 'balances', 'transactions', 'txn_daily', 'targets', 'fx_rates', 'import_log'] as const;

/**
 * The dates the balance data covers: first to latest snapshot, widened by the days whose
 * balance comes from a transaction's balance_after (the only source when there are no snapshots).
 */
export function dataCoverage(db: Db): { first: string | null; last: string | null } {
  const r = db.prepare(`SELECT min(d) AS first, max(d) AS last FROM (
      SELECT min(as_of) AS d FROM snapshot_dates UNION ALL SELECT max(as_of) FROM snapshot_dates
      UNION ALL SELECT * FROM (SELECT day FROM txn_daily WHERE last_at IS NOT NULL ORDER BY day LIMIT 1)
      UNION ALL SELECT * FROM (SELECT day FROM txn_daily WHERE last_at IS NOT NULL ORDER BY day DESC LIMIT 1))`).get() as { first: string | null; last: string | null };
  return r;
}

/** The dates the data covers: snapshots, transactions (posting days) and balances (dataCoverage). */
export function dataDates(db: Db): Pick<StatusInfo, 'snapshots' | 'transactions' | 'coverage'> {
  const snapshots = db.prepare('SELECT min(as_of) AS first, max(as_of) AS last, count(*) AS dates, coalesce(sum(full), 0) AS full FROM snapshot_dates').get() as StatusInfo['snapshots'];
  const txn = db.prepare('SELECT min(day) AS first, max(day) AS last FROM txn_daily').get() as StatusInfo['transactions'];
  return { snapshots, transactions: { first: txn.first?.slice(0, 10) ?? null, last: txn.last?.slice(0, 10) ?? null }, coverage: dataCoverage(db) };
}

export function getStatus(db: Db, recent = 10): StatusInfo {
  const counts: Record<string, number> = {};
  // transactions: a view since schema version 5; its rows are counted in their table (a count
  // over the view still visits the label joins: 10× slower).
  for (const t of TABLES) counts[t] = (db.prepare(`SELECT count(*) FROM ${t === 'transactions' ? 'transaction_rows' : t}`).pluck().get() as number) ?? 0;
  const imports = db.prepare(`SELECT import_id, file, kind,
      CASE status WHEN 'started' THEN 'interrupted' ELSE status END AS status,
      rows_read, rows_loaded, rows_updated, rows_skipped AS rows_unchanged, rows_rejected, started_at, finished_at, message
    FROM import_log ORDER BY import_id DESC LIMIT ?`).all(recent) as ImportLogRow[];
  const dates = dataDates(db);
  return {
    schema_version: SCHEMA_VERSION,
    counts,
    snapshots: dates.snapshots,
    balance_rows: counts.balances,
    transactions: dates.transactions,
    coverage: dates.coverage,
    imports: imports.reverse(),
  };
}
