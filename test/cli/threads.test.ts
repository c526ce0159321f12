/**
 * The worker threads change nothing but speed: the same import and the same reports with the
 * parse thread and the report thread forced on and forced off give identical bytes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, ROOT, runCrm, tmpDir } from '../helpers.js';

const samples = join(ROOT, 'samples');
const files = [
  'rms.csv', 'customers.csv', 'customers_2026-11-15.csv', 'fx_rates.csv',
  ...readdirSync(join(samples, 'accounts')).filter((f) => f.endsWith('.csv')).map((f) => `accounts/${f}`),
  'transactions.csv', 'targets.csv',
].map((f) => join(samples, f));

afterAll(cleanupTmp);

function importWith(mode: 'always' | 'never'): string {
  const db = join(tmpDir(), 'crm.db');
  const r = runCrm(['--db', db, 'import', ...files], { env: { CRM_PARSE_WORKER: mode } });
  expect(r.code, r.stderr).toBe(0);
  return db;
}

describe('worker threads are invisible in the results', () => {
  it('import (parse thread on/off) and reports (report thread on/off) give identical output', () => {
    const dbOn = importWith('always');
    const dbOff = importWith('never');
    const reports = [
      ['segment', '--as-of', '2026-11-27', '--window', '27', '--format', 'csv'],
      ['segment', '--detail', '--as-of', '2026-11-27', '--window', '27', '--format', 'csv'],
      ['rm-report', '--period', '2026-11', '--plan', join(samples, 'plan.yaml'), '--format', 'csv'],
      // The previous 12 days (11-04 .. 11-15) lie in the data: deposit growth on the report thread too.
      ['rm-report', '--from', '2026-11-16', '--to', '2026-11-27', '--format', 'csv'],
    ];
    for (const args of reports) {
      const on = runCrm(['--db', dbOn, ...args], { env: { CRM_REPORT_THREADS: 'always', CRM_DEBUG_THREADS: '1' } });
      const off = runCrm(['--db', dbOff, ...args], { env: { CRM_REPORT_THREADS: 'never' } });
      expect(on.code, on.stderr).toBe(0);
      expect(off.code, off.stderr).toBe(0);
      expect(on.stdout.length).toBeGreaterThan(200);
      expect(on.stdout, args.join(' ')).toBe(off.stdout);
      // ... and the thread really did the work (no silent fallback).
      expect(on.stderr).toMatch(args[0] === 'segment' ? /customerExtras ran on the report thread/ : /rmExtras ran on the report thread/);
      // The RM report's varying sets are computed once, on the report thread, and shared.
      if (args[0] === 'rm-report') expect(on.stderr).toMatch(/rmExtras shared varying/);
      if (args.includes('2026-11-16')) {
        expect(on.stderr).toMatch(/rmExtras shared window/);
        // Growth filled in (column 8, deposit_adb_growth), not left empty.
        const rows = on.stdout.trim().split('\n').map((l) => l.split(','));
        expect(rows[0][7]).toBe('deposit_adb_growth');
        expect(rows.slice(1).filter((r) => r[7] !== '' && Number(r[7]) !== 0).length).toBeGreaterThan(3);
        expect(on.stderr).toMatch(/deposit ADB growth: against the previous 12 days, 2026-11-04 to 2026-11-15/);
      }
      expect(off.stderr).not.toMatch(/report thread/);
    }
  }, 120_000);
});
