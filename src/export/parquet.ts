/**
 * `crm export --parquet`: the database's tables as Parquet, one folder per table and one
 * sub-folder per branch export (`DIR/<table>/branch=TAG/part-00000.parquet`, the hive layout
 * DuckDB and Spark read), for the engines of docs/scale-out.md. Rows stream from SQLite into
 * DuckDB in batches of BATCH_ROWS and each batch becomes one Parquet file: memory stays bounded
 * whatever the database's size. Columns and their meaning: sql/README.md.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';

/** Rows per Parquet file (and per DuckDB batch): ~30 MB of appended rows at most. */
export const BATCH_ROWS = 250_000;

type ColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE';

export interface ExportTable {
  name: string;
  /** [column, DuckDB type], in the order of the SELECT's columns. */
  columns: [string, ColumnType][];
  sql: string;
}

/** The exported tables. Balances keep their stored day numbers (days since 1970-01-01). */
export const EXPORT_TABLES: ExportTable[] = [
  {
    name: 'rms',
    columns: [['rm_id', 'VARCHAR'], ['name', 'VARCHAR'], ['rm_type', 'VARCHAR'], ['rm_branch', 'VARCHAR'], ['base_salary', 'BIGINT']],
    sql: 'SELECT rm_id, name, rm_type, branch, base_salary FROM rms',
  },
  {
    name: 'customers',
    columns: [['customer_id', 'VARCHAR'], ['name', 'VARCHAR'], ['customer_type', 'VARCHAR'], ['rm_id', 'VARCHAR'], ['customer_branch', 'VARCHAR'], ['opened_on', 'VARCHAR']],
    sql: 'SELECT customer_id, name, customer_type, rm_id, branch, opened_on FROM customers',
  },
  {
    name: 'customer_rm_history',
    columns: [['customer_id', 'VARCHAR'], ['effective_from', 'VARCHAR'], ['rm_id', 'VARCHAR'], ['from_num', 'INTEGER'], ['to_num', 'INTEGER']],
    sql: 'SELECT customer_id, effective_from, rm_id, from_num, to_num FROM customer_rm_history',
  },
  {
    name: 'accounts',
    columns: [['account_id', 'VARCHAR'], ['customer_id', 'VARCHAR'], ['product_type', 'VARCHAR'], ['currency', 'VARCHAR'], ['opened_on', 'VARCHAR'], ['status', 'VARCHAR']],
    sql: 'SELECT account_id, customer_id, product_type, currency, opened_on, status FROM accounts',
  },
  {
    name: 'balances',
    columns: [['account_id', 'VARCHAR'], ['first_day', 'VARCHAR'], ['last_day', 'VARCHAR'], ['day_num', 'INTEGER'], ['end_num', 'INTEGER'],
      ['balance', 'BIGINT'], ['rm_id', 'VARCHAR'], ['loan_class', 'VARCHAR'], ['source', 'VARCHAR']],
    // last_day: the day before the account's next change (NULL while none: the state holds on).
    sql: `SELECT account_id, as_of, CASE WHEN end_num < 99999999 THEN date(end_num * 86400, 'unixepoch') END, day_num, end_num,
      balance, rm_id, loan_class, source FROM balances`,
  },
  {
    name: 'snapshot_dates',
    columns: [['as_of', 'VARCHAR'], ['is_full', 'INTEGER']],
    sql: 'SELECT as_of, full FROM snapshot_dates',
  },
  {
    name: 'txn_daily',
    columns: [['account_id', 'VARCHAR'], ['day', 'VARCHAR'], ['day_num', 'INTEGER'], ['currency', 'VARCHAR'], ['n', 'BIGINT'], ['n_counter', 'BIGINT'],
      ['n_self_service', 'BIGINT'], ['n_e_banking', 'BIGINT'], ['n_bank', 'BIGINT'], ['fee', 'BIGINT'], ['abs_amount', 'BIGINT'], ['abs_bank', 'BIGINT'],
      ['has_balance', 'INTEGER']],
    // has_balance: the day has a transaction carrying balance_after (the data's coverage counts it).
    sql: `SELECT account_id, day, CAST(julianday(day) - 2440587.5 AS INTEGER), currency, n, n_counter, n_self_service, n_e_banking, n_bank,
      fee, abs_amount, abs_bank, last_at IS NOT NULL FROM txn_daily`,
  },
  {
    name: 'fx_rates',
    columns: [['currency', 'VARCHAR'], ['date', 'VARCHAR'], ['cny_per_unit', 'DOUBLE'], ['day_num', 'INTEGER'], ['end_num', 'INTEGER']],
    sql: 'SELECT currency, date, cny_per_unit, day_num, end_num FROM fx_rates',
  },
  {
    name: 'targets',
    columns: [['period', 'VARCHAR'], ['rm_id', 'VARCHAR'], ['kpi', 'VARCHAR'], ['target', 'DOUBLE']],
    sql: 'SELECT period, rm_id, kpi, target FROM targets',
  },
];

export interface ExportResult {
  table: string;
  rows: number;
  files: number;
}

/** A branch tag names a folder on every file system and object store: letters, digits, _ and -. */
export function checkBranchTag(tag: string): string | null {
  return /^[A-Za-z0-9_-]{1,64}$/.test(tag) ? null : `branch tag "${tag}": use 1 to 64 letters, digits, _ or -`;
}

/**
 * Writes every table of EXPORT_TABLES under dir/<table>/branch=<tag>/, replacing what an earlier
 * export of the same tag left there. `progress` hears each table when done.
 */
export async function exportParquet(db: Db, dir: string, tag: string, progress: (r: ExportResult) => void = () => {}): Promise<ExportResult[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '256MB', threads: '2' });
  const con = await instance.connect();
  const out: ExportResult[] = [];
  try {
    for (const t of EXPORT_TABLES) {
      const folder = join(dir, t.name, `branch=${tag}`);
      try {
        rmSync(folder, { recursive: true, force: true });
        mkdirSync(folder, { recursive: true });
      } catch (e) {
        throw new DataError(`--parquet ${dir}: cannot write ${folder}: ${(e as Error).message}`);
      }
      const r = await exportTable(db, con, t, folder);
      out.push(r);
      progress(r);
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return out;
}

/** One table: batches of rows appended to a DuckDB table, each batch COPYed to its own Parquet file. */
async function exportTable(db: Db, con: DuckDBConnection, t: ExportTable, folder: string): Promise<ExportResult> {
  const create = `CREATE OR REPLACE TABLE batch (${t.columns.map(([c, ty]) => `"${c}" ${ty}`).join(', ')})`;
  let rows = 0;
  let files = 0;
  let inBatch = 0;
  let appender: DuckDBAppender | null = null;
  const flush = async () => {
    if (!appender) return;
    appender.closeSync();
    appender = null;
    const file = join(folder, `part-${String(files).padStart(5, '0')}.parquet`);
    await con.run(`COPY batch TO '${file.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    files++;
    inBatch = 0;
  };
  const types = t.columns.map(([, ty]) => ty);
  for (const row of db.prepare(t.sql).raw().iterate() as IterableIterator<unknown[]>) {
    if (!appender) {
      await con.run(create);
      appender = await con.createAppender('batch');
    }
    appendRow(appender, row, types);
    rows++;
    if (++inBatch >= BATCH_ROWS) await flush();
  }
  if (rows === 0) {
    // An empty table still gets its file: readers find the columns (and no rows).
    await con.run(create);
    appender = await con.createAppender('batch');
  }
  await flush();
  await con.run('DROP TABLE IF EXISTS batch');
  // Nothing but our part files in the folder.
  const stray = readdirSync(folder).filter((f) => !/^part-\d{5}\.parquet$/.test(f));
  if (stray.length) throw new DataError(`${folder}: unexpected files ${stray.join(', ')}`);
  return { table: t.name, rows, files };
}

function appendRow(a: DuckDBAppender, row: unknown[], types: ColumnType[]): void {
  for (let i = 0; i < types.length; i++) {
    const v = row[i];
    if (v === null || v === undefined) a.appendNull();
    else if (types[i] === 'VARCHAR') a.appendVarchar(String(v));
    else if (types[i] === 'INTEGER') a.appendInteger(Number(v));
    else if (types[i] === 'BIGINT') a.appendBigInt(BigInt(v as number));
    else a.appendDouble(Number(v));
  }
  a.endRow();
}
