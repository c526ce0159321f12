/**
 * --engine and --data of `crm segment` and `crm rm-report`: the reports computed by DuckDB over
 * a Parquet folder written by `crm export` (src/scale/, docs/scale-out.md) instead of the
 * SQLite file. The options DuckDB does not compute are refused (exit 2), naming them.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ParquetData } from '../scale/duckdb.js';

export const ENGINES = ['sqlite', 'duckdb'] as const;
export type Engine = (typeof ENGINES)[number];

export const ENGINE_HELP = `
Engines: --engine sqlite (default) reads the --db file; --engine duckdb --data DIR reads the
Parquet folder crm export writes (one branch or many; docs/scale-out.md). Its CSV and JSON
are the same bytes as the SQLite path's on the same data.`;

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option('--engine <name>', 'sqlite (the --db file, default) or duckdb (a Parquet folder, with --data)')
    .option('--data <dir>', 'with --engine duckdb: the folder crm export --parquet wrote');
}

/** The engine asked for; `refused`: options the DuckDB engine does not compute, each with whether it was given. */
export function engineOf(o: { engine?: string; data?: string }, refused: [string, boolean][]): Engine {
  const engine = (o.engine ?? 'sqlite').trim().toLowerCase();
  if (!(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`--engine: expected ${ENGINES.join(' or ')} (got "${o.engine}")`);
  if (engine === 'sqlite') {
    if (o.data !== undefined) throw new UsageError('--data DIR goes with --engine duckdb');
    return 'sqlite';
  }
  if (o.data === undefined) throw new UsageError('--engine duckdb needs --data DIR (a folder written by crm export --parquet)');
  const given = refused.filter(([, on]) => on).map(([name]) => name);
  if (given.length) throw new UsageError(`--engine duckdb does not compute ${given.join(', ')}: use the SQLite engine for ${given.length > 1 ? 'them' : 'it'}`);
  return 'duckdb';
}

/** Opens the Parquet folder, runs `work` on it and closes it. */
export async function onParquet<T>(dir: string, work: (data: ParquetData) => Promise<T>): Promise<T> {
  const data = await ParquetData.open(dir);
  try {
    return await work(data);
  } finally {
    data.close();
  }
}
