/**
 * Memory that must not grow with the file: rows rejected all through a large file are kept
 * until the rejects file is written, and each must hold its own text, not the parse thread's
 * whole batch it was cut from (before the fix every such batch stayed in memory). Rows a loader
 * rejects at the end of the file get their text read again from it, written as found.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanupTmp, tmpDir } from '../helpers.js';
import { ACCOUNTS, baseDb } from './big.js';

afterAll(cleanupTmp);

/**
 * Writes `parts` as dir/name and imports it with a 48 MB JavaScript heap; checks that it ran out of
 * no memory and rejected `rejected` rows. Returns its stdout and the rejects file's lines.
 */
function importInSmallHeap(dir: string, db: string, name: string, parts: string[], rejected = 300): { stdout: string; lines: string[] } {
  const file = join(dir, name);
  writeFileSync(file, parts.join(''));
  const rejects = join(dir, 'rejects.csv');
  const r = spawnSync(process.execPath, ['--max-old-space-size=48', BIN, '--db', db, 'import', '--rejects', rejects, file],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stderr).not.toMatch(/heap out of memory/);
  expect(r.status, r.stderr).toBe(1); // rows were rejected
  const lines = readFileSync(rejects, 'utf8').trim().split('\n');
  expect(lines.length).toBe(1 + rejected);
  return { stdout: r.stdout, lines };
}

/** A CSV file's text as pieces: the header line, then `row(i)` for i = 0 … rows − 1, one line each. */
function csvParts(header: string, rows: number, row: (i: number) => string): string[] {
  const parts = [`${header}\n`];
  for (let i = 0; i < rows; i++) parts.push(`${row(i)}\n`);
  return parts;
}

describe('memory', () => {
  it('300 rejects spread over 600,000 rows fit in a 48 MB JavaScript heap', () => {
    const dir = tmpDir();
    const db = baseDb(dir);
    // Every 2,000th row names an account that does not exist: one reject in each of the parse
    // thread's batches (2,000 rows, ~150 KB of text each: 300 of them would be ~45 MB).
    const parts = csvParts('txn_id,account_id,posted_at,amount,channel,balance_after', 600_000, (i) => {
      const acc = i % 2000 === 1000 ? 'A_GONE' : `A${i % ACCOUNTS}`;
      return `M${i},${acc},2026-11-${String(1 + (i % 28)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00,${i % 997}.25,e_banking,${i}.00`;
    });
    const { stdout, lines } = importInSmallHeap(dir, db, 'txns_spread_rejects.csv', parts);
    expect(stdout).toMatch(/600,000 read, 599,700 loaded, 0 updated, 0 unchanged, 300 rejected/);
    expect(lines[1]).toMatch(/,1002,account_id,.*"M1000,A_GONE,2026-11-21 10:40:00,/); // row 1000 is line 1002
  }, 60_000);

  it('300 rejects found at the end of a 600,000-account snapshot: in line order, with their text, in a 48 MB JavaScript heap', () => {
    const dir = tmpDir();
    const db = baseDb(dir);
    // A night after the base's: set-based, its rejects (an unknown RM on every 2,000th row) found
    // at the end of the file and their text read again from it, one in each ~1 MB chunk.
    const parts = csvParts('as_of,account_id,customer_id,product_type,balance,rm_id', 600_000,
      (i) => `2026-11-01,N${i},C${i % 20},demand_deposit,${i % 997}.25,${i % 2000 === 1000 ? 'R_GONE' : ''}`);
    const { stdout, lines } = importInSmallHeap(dir, db, 'accounts_2026-11-01.csv', parts);
    expect(stdout).toMatch(/600,000 read, 599,700 loaded, 60 updated, 0 unchanged, 300 rejected/);
    // Row 1000 (balance 1000 mod 997 = 3.25) is line 1002; the rejects in line order. The base's 60
    // accounts, absent from this full snapshot, are closed (the 60 updated).
    expect(lines[1]).toMatch(/,1002,rm_id,.*"2026-11-01,N1000,C0,demand_deposit,3.25,R_GONE"$/);
    expect(lines[300]).toMatch(/,599002,rm_id,/);
  }, 120_000);

  it('500,000 rows naming unknown accounts (found at the end of the file): every one in the rejects, in line order, in a 48 MB JavaScript heap', () => {
    const dir = tmpDir();
    const db = baseDb(dir);
    // A night's transactions whose accounts file did not load: every row but each 1,000th names
    // an account the database does not hold, each a different one. The loader finds them when the
    // file has been read, then reads their text again from it.
    const parts = csvParts('txn_id,account_id,posted_at,amount,channel,balance_after', 500_500, (i) => {
      const acc = i % 1000 === 0 ? `A${i % ACCOUNTS}` : `X${i}`;
      return `U${i},${acc},2026-11-02 09:${String(i % 60).padStart(2, '0')}:00,${i % 991}.50,counter,${i}.00`;
    });
    // 500,500 rows, of which 501 (i = 0, 1000, …, 500,000) name a known account: 499,999 rejected.
    const { stdout, lines } = importInSmallHeap(dir, db, 'txns_unknown_accounts.csv', parts, 499_999);
    expect(stdout).toMatch(/500,500 read, 501 loaded, 0 updated, 0 unchanged, 499,999 rejected/);
    // Row 1 is line 3 (header, then row 0); row 500,499 is line 500,501. Row 1: amount 1 mod 991 = 1.50.
    expect(lines[1]).toMatch(/,3,account_id,.*X1.*,"U1,X1,2026-11-02 09:01:00,1.50,counter,1.00"$/);
    expect(lines[499_999]).toMatch(/,500501,account_id,.*X500499.*,"U500499,X500499,/);
    const numbers = lines.slice(1).map((l) => Number(/,(\d+),account_id,/.exec(l)?.[1]));
    expect(numbers.every((n, k) => k === 0 || n > numbers[k - 1])).toBe(true);
  }, 120_000);
});
