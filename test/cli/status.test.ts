import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';
import { cleanupTmp, FIXTURES, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const CLEAN = ['rms.csv', 'customers.csv', 'accounts_2026-11-01.csv', 'accounts_2026-11-02.csv', 'transactions.csv', 'targets.csv', 'fx_rates.csv'].map((f) => join(FIXTURES, 'clean', f));

describe('crm status', () => {
  const dir = tmpDir();
  const db = join(dir, 'crm.db');

  it('after the clean set: exact counts as JSON', () => {
    expect(runCrm(['--db', db, 'import', ...CLEAN]).code).toBe(0);
    const r = runCrm(['--db', db, 'status', '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.database).toBe(db);
    expect(s.schema_version).toBe(SCHEMA_VERSION);
    // see test/cli/import.test.ts for how these follow from the fixture files
    expect(s.counts).toMatchObject({ rms: 2, customers: 3, customer_rm_history: 3, accounts: 4, balances: 7, transactions: 4, targets: 2, fx_rates: 2, import_log: 7 });
    expect(s.snapshots).toEqual({ first: '2026-11-01', last: '2026-11-02', dates: 2, full: 2 });
    expect(s.balance_rows).toBe(7);
    expect(s.transactions).toEqual({ first: '2026-11-01', last: '2026-11-03' });
    // snapshots 11-01..11-02, then A1's balance_after on 11-03
    expect(s.coverage).toEqual({ first: '2026-11-01', last: '2026-11-03' });
    expect(s.imports.map((i: { kind: string; status: string; rows_loaded: number }) => [i.kind, i.status, i.rows_loaded])).toEqual([
      ['fx_rates', 'ok', 2], ['rms', 'ok', 2], ['customers', 'ok', 3], ['accounts', 'ok', 4], ['accounts', 'ok', 0], ['transactions', 'ok', 4], ['targets', 'ok', 2],
    ]);
  });

  it('the table view lists the same counts', () => {
    const r = runCrm(['--db', db, 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`database: ${db} (schema version ${SCHEMA_VERSION})`);
    const row = (t: string) => new RegExp(`^\\W*${t}\\W+(\\d+)\\W*$`, 'm').exec(r.stdout)?.[1];
    expect([row('rms'), row('customers'), row('accounts'), row('balances'), row('transactions'), row('targets'), row('fx_rates'), row('import_log')])
      .toEqual(['2', '3', '4', '7', '4', '2', '2', '7']);
    expect(r.stdout).toContain('snapshots: 2026-11-01 to 2026-11-02 (2 date(s), 2 full)');
    expect(r.stdout).toContain('balance history: 7 stored change row(s)');
    expect(r.stdout).toContain('transactions: 2026-11-01 to 2026-11-03');
    expect(r.stdout).toContain('latest imports:');
  });

  it('--imports limits the list; bad options exit 2', () => {
    const r = runCrm(['--db', db, 'status', '--format', 'json', '--imports', '2']);
    expect(JSON.parse(r.stdout).imports.map((i: { kind: string }) => i.kind)).toEqual(['transactions', 'targets']);
    const bad = runCrm(['--db', db, 'status', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^crm: error: --format: expected table or json \(got "xml"\)/);
    const bad2 = runCrm(['--db', db, 'status', '--imports', '-1']);
    expect(bad2.code).toBe(2);
    expect(bad2.stderr).toMatch(/^crm: error: --imports: expected a whole number/);
  });

  it('an empty database (created by an import of nothing valid) reports zero counts', () => {
    const d2 = join(tmpDir(), 'e.db');
    runCrm(['--db', d2, 'import', join(FIXTURES, 'empty.csv')]);
    const r = runCrm(['--db', d2, 'status', '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.counts).toMatchObject({ rms: 0, customers: 0, accounts: 0, balances: 0, transactions: 0 });
    // a file that fails while being planned (empty) is not logged
    expect(s.imports).toEqual([]);
    expect(runCrm(['--db', d2, 'status']).stdout).toContain('snapshots: none');
  });
});

describe('CRM_REPORT_RSS (the benchmark reads peak memory from it)', () => {
  it('reports the process\'s own peak, not the pages of the process that started it', () => {
    // The test process holds 400 MB when it starts crm: getrusage's maxRSS of the child would
    // count them (they are mapped at fork); crm --version itself needs well under 150 MB.
    const ballast = Buffer.alloc(400 * 1024 * 1024, 1);
    const r = runCrm(['--version'], { env: { CRM_REPORT_RSS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const kb = Number(/crm: peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
    expect(kb).toBeGreaterThan(10_000);
    expect(kb).toBeLessThan(150_000);
    expect(ballast[ballast.length - 1]).toBe(1);
  });
});
