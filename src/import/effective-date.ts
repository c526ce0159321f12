/**
 * The date a customers file's assignments take effect (docs/import.md, "Effective dates"). It
 * comes from the data, never from the clock: a date in the file name, else in its folder's name,
 * else --as-of, else the date an earlier import of the same bytes used, else the latest data date
 * in the database (from the start when it holds none yet).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import type { Db } from '../db/connection.js';
import { dataCoverage } from '../db/status.js';
import { DataError } from '../errors.js';

export type EffectiveDateSource = 'file name' | 'folder name' | '--as-of' | 'earlier import of the same content' | 'latest data date' | 'no data yet';

export interface EffectiveDate {
  date: string;
  source: EffectiveDateSource;
}

/** The earliest assignment of a customer holds from this date. */
export const FROM_THE_START = '0001-01-01';

// A calendar-looking date: 2026-11-27 or 20261127, not inside a longer run of digits.
const DATE_IN_NAME = /(?<!\d)((?:19|20)\d{2})(-?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)/;

/**
 * A date in a name (accounts_2026-11-15.csv, cust20261115.csv, 20261127). A date that does not
 * exist (2026-02-30) is an error naming the path: taken silently it would move assignments.
 */
export function dateInName(name: string, path: string): string | undefined {
  const m = DATE_IN_NAME.exec(name);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[3]}-${m[4]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
    throw new DataError(`${path}: the name holds the date ${iso}, which does not exist (rename the file or give the right date in it)`);
  }
  return iso;
}

/** The date from the file's own name, else from its folder's name. */
export function dateOfPath(path: string): EffectiveDate | undefined {
  const own = dateInName(basename(path), path);
  if (own) return { date: own, source: 'file name' };
  const folder = basename(dirname(resolve(path)));
  const fromFolder = dateInName(folder, path);
  return fromFolder ? { date: fromFolder, source: 'folder name' } : undefined;
}

/** SHA-256 of a file's bytes (as import_log records it). */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let n: number;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The effective date of a customers file; `named`: the date its path gives, if any. */
export function effectiveDate(db: Db, path: string, named: EffectiveDate | undefined, asOf: string | undefined): EffectiveDate {
  if (named) return named;
  if (asOf) return { date: asOf, source: '--as-of' };
  const earlier = db.prepare(`SELECT effective_date FROM import_log WHERE sha256 = ? AND kind = 'customers' AND status IN ('ok', 'rejects')
    AND effective_date IS NOT NULL ORDER BY import_id LIMIT 1`).pluck().get(fileSha256(path)) as string | undefined;
  if (earlier) return { date: earlier, source: 'earlier import of the same content' };
  const last = dataCoverage(db).last;
  return last ? { date: last, source: 'latest data date' } : { date: FROM_THE_START, source: 'no data yet' };
}
