/**
 * Option parsing and file I/O shared by the report commands: one message and one exit code
 * for the same mistake, whichever command it is made on.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { DataError, UsageError } from '../errors.js';
import { parseDate, ValueError } from '../import/values.js';
import { excelCsvOptions, parseCsvEncoding, type CsvOptions } from '../output/index.js';

/** --excel / --encoding: CSV options (and --format csv), or undefined when neither is given. */
export function csvOptions(o: { excel?: boolean; encoding?: string; format: string }, cmd: Command): CsvOptions | undefined {
  const encoding = parseCsvEncoding(o.encoding);
  if (!o.excel && encoding === undefined) return undefined;
  const flag = o.excel ? '--excel' : '--encoding';
  if (cmd.getOptionValueSource('format') !== 'default' && o.format.trim().toLowerCase() !== 'csv') throw new UsageError(`${flag} writes CSV: it does not go with --format ${o.format}`);
  return excelCsvOptions(!!o.excel, encoding);
}

export function date(flag: string, v: string): string {
  try {
    return parseDate(v);
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 1 || n > 36600) throw new UsageError(`${flag}: expected a whole number of days from 1 to 36600 (got "${v}")`);
  return n;
}

export function readConfig(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: cannot read file${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** Tier names → codes; a name may be a code, an English or a Chinese name of a selected ladder. */
/** Writes a report to FILE (--out, --html): a failure is a runtime error (exit 1) naming the file. */
export function writeOutput(flag: string, path: string, data: string | Buffer): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new DataError(`${flag} ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** One of `allowed` (case-insensitive), or a usage error naming the option. */
export function oneOf(flag: string, v: string, allowed: readonly string[]): string {
  const x = v.trim().toLowerCase();
  if (!allowed.includes(x)) throw new UsageError(`${flag}: expected ${allowed.join(' or ')} (got "${v}")`);
  return x;
}
