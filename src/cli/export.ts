/**
 * `crm export --parquet DIR`: the database as Parquet folders for DuckDB and Spark
 * (src/export/parquet.ts, docs/scale-out.md).
 */
import type { Command } from 'commander';
import { basename, extname } from 'node:path';
import { openDb, resolveDbPath } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { checkBranchTag, exportParquet } from '../export/parquet.js';
import { globals } from './state.js';

export const EXPORT_HELP = `
Examples:
  crm export --parquet /data/province --branch-tag SZ01
  crm --db gz02.db export --parquet /data/province --branch-tag GZ02

Writes DIR/<table>/branch=TAG/part-NNNNN.parquet for the tables rms, customers,
customer_rm_history, accounts, balances, snapshot_dates, txn_daily, fx_rates and targets
(columns: sql/README.md). Exports of many branches sit side by side under one DIR; a new
export of the same tag replaces that tag's files. TAG defaults to the database file's name
without its extension. Read them with crm segment / rm-report --engine duckdb --data DIR,
or with the Spark job of scripts/spark/ (docs/scale-out.md). Exit 0 on success, 1 when a
file cannot be written, 2 on bad options.`;

interface ExportOpts { parquet?: string; branchTag?: string }

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the database as Parquet folders (one per table, partitioned by branch) for DuckDB and Spark')
    .option('--parquet <dir>', 'the folder to write into (required)')
    .option('--branch-tag <name>', 'the branch partition these files go to (default: the database file name)')
    .addHelpText('after', EXPORT_HELP)
    .action(async (o: ExportOpts, cmd: Command) => {
      if (o.parquet === undefined) throw new UsageError('export needs --parquet DIR');
      const dbPath = resolveDbPath(globals(cmd).db);
      const tag = o.branchTag ?? basename(dbPath, extname(dbPath));
      const bad = checkBranchTag(tag);
      if (bad) throw new UsageError(`--branch-tag: ${bad}`);
      const db = openDb(dbPath, { readonly: true });
      try {
        await exportParquet(db, o.parquet, tag, (r) => process.stdout.write(`${r.table}: ${r.rows.toLocaleString('en-US')} rows, ${r.files} file(s)\n`));
      } finally {
        db.close();
      }
      process.stdout.write(`exported to ${o.parquet} (branch=${tag})\n`);
    });
}
