/**
 * Every file of five third-party CSV test corpora fed to `crm import --kind transactions`:
 * exit 0 or 1 with a message, no stack trace, no hang, and the database never holds part
 * of a file. Needs ../shared (skips without it). Runs in one child process (run-many.mjs).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, tmpDir, writeFiles } from '../helpers.js';
import { DATA, expectAllOrNone, HAVE_SHARED, runMany, type Job } from './util.js';

afterAll(cleanupTmp);

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/**
 * csvw-tests has 745 files: pass 1 runs every CSVW_EVERY-th of them (sorted; all with
 * CRM_CSVW_EVERY=1), pass 2 every 2 * CSVW_EVERY-th. Time, not coverage: the other corpora run whole.
 */
const CSVW_EVERY = Number(process.env.CRM_CSVW_EVERY ?? 1);
const CORPORA = ['csvkit-examples', 'csvlint-fixtures', 'commons-csv', 'rvl-csv-torture-corpus', 'csvw-tests'];

describe.skipIf(!HAVE_SHARED)('third-party CSV corpora through crm import --kind transactions', () => {
  for (const corpus of CORPORA) {
    it(corpus, () => {
      const dir = tmpDir();
      const db = join(dir, 'c.db');
      // A database with one customer and account, so that a file with the right columns could load.
      const [cust, acc] = writeFiles(dir, {
        'customers.csv': 'customer_id,name,customer_type\nC1,Test One,personal\n',
        'accounts.csv': 'as_of,account_id,customer_id,product_type,balance\n2026-11-01,1,C1,demand_deposit,10.00\n',
      });
      const all = walk(join(DATA, corpus));
      const every = corpus === 'csvw-tests' ? CSVW_EVERY : 1;
      const jobs: Job[] = [{ label: 'setup', db, args: ['--db', db, 'import', cust, acc] }];
      // Pass 1, as the issue says: --kind transactions (most files lack the contract's columns).
      all.forEach((f, i) => {
        if (i % every === 0) jobs.push({ label: relative(DATA, f), db, args: ['--db', db, 'import', '--kind', 'transactions', '--rejects', join(dir, 'rejects.csv'), f] });
      });
      // Pass 2: a mapping gives every contract column as a constant (txn_id unique per file), so
      // whatever the header, every record of the file goes through the parser, the field-count
      // check, the rejects file and the loader: one row loads, the rest are in-file duplicates.
      all.forEach((f, i) => {
        if (i % (2 * every) !== 0) return;
        const [m] = writeFiles(dir, { [`m${i}.json`]: JSON.stringify({ kind: 'transactions', constants: { txn_id: `${corpus}-${i}`, account_id: '1', posted_at: '2026-11-02', amount: '1.00' } }) });
        jobs.push({ label: `${relative(DATA, f)} (constants mapping)`, db, args: ['--db', db, 'import', '--mapping', m, '--rejects', join(dir, 'rejects.csv'), f] });
      });
      const results = runMany(jobs, 80_000);
      expect(results[0].code).toBe(0);
      const tally: Record<string, number> = { ok: 0, rejects: 0, failed: 0 };
      for (const r of results.slice(1)) {
        expectAllOrNone(r);
        expect([0, 1], `${r.label}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
        if (r.code === 1) expect(r.stdout + r.stderr, r.label).toMatch(/FAILED: .+|rejected|crm: error: .+/);
        expect(r.ms, `${r.label} took ${r.ms} ms`).toBeLessThan(15_000);
        tally[r.logs[0]?.status ?? 'failed']++;
      }
      console.log(`${corpus}: ${results.length - 1} files: ${JSON.stringify(tally)}; slowest ${Math.max(...results.slice(1).map((r) => r.ms))} ms`);
    });
  }
});
