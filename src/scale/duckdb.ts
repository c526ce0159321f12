/**
 * The DuckDB engine: the metric SQL of sql/ run over a Parquet folder written by `crm export`
 * (one branch or many side by side). Each table is a view over DIR/<table>/<branch=TAG>/*.parquet;
 * the SQL files define further views (TEMPORARY VIEW, as Spark SQL spells it too), with ${name}
 * parameters substituted here (numbers and ISO dates only). docs/scale-out.md.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DataError, UsageError } from '../errors.js';
import { dayNum } from '../db/balances.js';
import { addDays, daysBetween, isoFromNum, missingRate, type DataDates } from '../metrics/engine.js';
import { lastBalanceDateOf } from '../metrics/caveats.js';
import type { Pricing } from '../metrics/pricing.js';
import { LOAN_CLASSES, PRODUCT_TYPES } from '../types.js';
import type { TiersConfig } from '../segment/tiers.js';

/** sql/ of this package: two folders up from dist/scale/ or dist/bundle/. */
export const SQL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');

/** The tables a report reads; the last three are the same in every branch's export (deduplicated). */
const TABLES = ['customers', 'customer_rm_history', 'accounts', 'balances', 'txn_daily', 'rms', 'fx_rates', 'snapshot_dates', 'targets'];
const SHARED_TABLES = new Set(['rms', 'fx_rates', 'snapshot_dates', 'targets']);

export type Params = Record<string, number | string>;

/** A connection to an in-memory DuckDB with the Parquet folder's tables as views. */
export class ParquetData {
  private constructor(private readonly instance: DuckDBInstance, readonly con: DuckDBConnection, readonly dir: string) {}

  static async open(dir: string): Promise<ParquetData> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--data ${dir}: no such folder (write one with crm export --parquet ${dir})`);
    const missing = TABLES.filter((t) => !hasParquet(join(dir, t)));
    if (missing.length) throw new UsageError(`--data ${dir}: no Parquet files for ${missing.join(', ')} (a folder written by crm export --parquet)`);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const data = new ParquetData(instance, con, dir);
    for (const t of TABLES) {
      const files = `${join(dir, t).replace(/'/g, "''")}/*/*.parquet`;
      const read = `read_parquet('${files}', hive_partitioning = true)`;
      // The branch tag comes from the folder name; shared tables appear once per branch.
      await con.run(SHARED_TABLES.has(t)
        ? `CREATE VIEW ${t} AS SELECT DISTINCT * EXCLUDE (branch) FROM ${read}`
        : `CREATE VIEW ${t} AS SELECT * FROM ${read}`);
    }
    // Shared tables are deduplicated; the same rate day with two rates is two truths.
    const [clash] = await data.rows<{ currency: string; date: string }>('SELECT currency, date FROM fx_rates GROUP BY currency, date HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 1');
    if (clash) {
      data.close();
      throw new DataError(`--data ${dir}: the branches' fx_rates differ for ${clash.currency} on ${clash.date}: export every branch with the same exchange rates`);
    }
    return data;
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }

  /** Runs one file of sql/: its statements, in order, with the parameters substituted. */
  async runFile(name: string, params: Params): Promise<void> {
    for (const statement of sqlStatements(name, params)) await this.con.run(statement);
  }

  /**
   * Computes view `name` once into a table and points the view at it: views are inlined where
   * they are read, and a view read several times (customer_values, ranked_customers) would be
   * computed as many times.
   */
  async materialize(name: string): Promise<void> {
    await this.con.run(`CREATE OR REPLACE TEMPORARY TABLE ${name}__rows AS SELECT * FROM ${name}`);
    await this.con.run(`CREATE OR REPLACE TEMPORARY VIEW ${name} AS SELECT * FROM ${name}__rows`);
  }

  async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.con.runAndReadAll(sql);
    return reader.getRowObjectsJS() as unknown as T[];
  }

  /** Coverage and data dates, as the SQLite engine reads them (db/status.ts, metrics/caveats.ts). */
  async dates(): Promise<DataFacts> {
    const [r] = await this.rows<DataFacts>(`SELECT
      (SELECT min(d) FROM (SELECT as_of AS d FROM snapshot_dates UNION ALL SELECT day FROM txn_daily WHERE has_balance = 1) x) AS first,
      (SELECT max(d) FROM (SELECT as_of AS d FROM snapshot_dates UNION ALL SELECT day FROM txn_daily WHERE has_balance = 1) x) AS last,
      (SELECT max(as_of) FROM snapshot_dates WHERE is_full = 1) AS full_snapshot,
      (SELECT max(day) FROM txn_daily WHERE has_balance = 1) AS balance_after,
      (SELECT max(as_of) FROM snapshot_dates) AS any_snapshot`);
    return r;
  }

  async dataDatesIn(from: string, to: string): Promise<DataDates> {
    const [r] = await this.rows<{ sf: string | null; sl: string | null; sc: number; tf: string | null; tl: string | null; tc: number }>(`SELECT
      (SELECT min(as_of) FROM snapshot_dates WHERE as_of BETWEEN '${from}' AND '${to}') AS sf,
      (SELECT max(as_of) FROM snapshot_dates WHERE as_of BETWEEN '${from}' AND '${to}') AS sl,
      (SELECT CAST(count(*) AS DOUBLE) FROM snapshot_dates WHERE as_of BETWEEN '${from}' AND '${to}') AS sc,
      (SELECT min(day) FROM txn_daily WHERE day BETWEEN '${from}' AND '${to}') AS tf,
      (SELECT max(day) FROM txn_daily WHERE day BETWEEN '${from}' AND '${to}') AS tl,
      (SELECT CAST(coalesce(sum(n), 0) AS DOUBLE) FROM txn_daily WHERE day BETWEEN '${from}' AND '${to}') AS tc`);
    return { snapshots: { first: r.sf, last: r.sl, count: r.sc }, transactions: { first: r.tf, last: r.tl, count: r.tc } };
  }

  /**
   * Foreign balances (01_window.sql's window_rows) and transaction days from `from` to `to` with
   * no exchange rate on or before their day: refused as the SQLite path refuses them.
   */
  async checkRates(from: string, to: string): Promise<void> {
    const [m] = await this.rows<{ currency: string; day: number }>(`SELECT currency, min(day) AS day FROM (
        SELECT a.currency, w.lo AS day FROM window_rows w JOIN accounts a ON a.account_id = w.account_id
        WHERE a.currency <> 'CNY' AND w.balance <> 0
        UNION ALL SELECT d.currency, d.day_num FROM txn_daily d WHERE d.currency <> 'CNY' AND d.day >= '${from}' AND d.day <= '${to}'
      ) x WHERE day < coalesce((SELECT min(r.day_num) FROM fx_rates r WHERE r.currency = x.currency), 99999999)
      GROUP BY currency ORDER BY currency LIMIT 1`);
    if (m) throw missingRate(m.currency, isoFromNum(Number(m.day)));
  }

  /** The tier ladders as the view tier_ladder (sql/03_tiers.sql). */
  async tierLadder(tiers: TiersConfig): Promise<void> {
    const values = Object.entries(tiers).flatMap(([type, ladder]) => ladder.tiers.map((t, rank) =>
      `('${type}', ${rank}, '${t.code}', '${ladder.method}', '${ladder.measure}', CAST(${t.min_fen ?? 'NULL'} AS BIGINT), CAST(${t.share ?? 'NULL'} AS DOUBLE))`));
    await this.con.run(`CREATE OR REPLACE TEMPORARY VIEW tier_ladder AS SELECT * FROM (VALUES ${values.join(', ')})
      AS t(customer_type, tier_rank, code, method, measure, min_fen, share)`);
  }
}

export interface DataFacts {
  first: string | null;
  last: string | null;
  full_snapshot: string | null;
  balance_after: string | null;
  any_snapshot: string | null;
}

function hasParquet(folder: string): boolean {
  if (!existsSync(folder)) return false;
  return readdirSync(folder).some((p) => p.startsWith('branch=') && readdirSync(join(folder, p)).some((f) => f.endsWith('.parquet')));
}

/** The statements of sql/<name> with ${param} substituted; a parameter the file names but `params` lacks is an error. */
export function sqlStatements(name: string, params: Params): string[] {
  const text = readFileSync(join(SQL_DIR, name), 'utf8').replace(/\$\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) throw new Error(`sql/${name}: no value for \${${k}}`);
    return String(params[k]);
  });
  return text.split(/;\s*$/m).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean);
}

/** A number as a DOUBLE literal: a bare 0.02 is DECIMAL in both DuckDB and Spark, and would sum exactly (not as crm does). */
const dbl = (x: number) => `CAST(${x} AS DOUBLE)`;

/** The pricing parameters of the SQL files: sp_<product>, rk_<class>, cost_<channel>. */
export function pricingParams(p: Pricing): Params {
  const out: Params = {};
  for (const k of PRODUCT_TYPES) out[`sp_${k}`] = dbl(p.spreads[k] ?? 0);
  for (const c of LOAN_CLASSES) out[`rk_${c}`] = dbl(p.risk_rates[c] ?? p.risk_rates.normal);
  out.cost_counter = p.channel_cost_fen.counter;
  out.cost_self_service = p.channel_cost_fen.self_service;
  out.cost_e_banking = p.channel_cost_fen.e_banking;
  return out;
}

/** Window parameters F, T, D, from, to of sql/01_window.sql. */
export function windowParams(w: { from: string; to: string }): Params {
  return { F: dayNum(w.from), T: dayNum(w.to), D: daysBetween(w.from, w.to), from: w.from, to: w.to };
}

/** The data's last balance date (lastBalanceDate of metrics/caveats.ts). */
export function lastBalance(facts: DataFacts): string | null {
  return lastBalanceDateOf(facts);
}
export { addDays };
