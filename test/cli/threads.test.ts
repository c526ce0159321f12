/**
 * The worker threads change nothing but speed: the same import and the same reports with the
 * parse thread and the report thread forced on and forced off give identical bytes.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, openRaw, parseSimpleCsv, ROOT, runCrm, tmpDir } from '../helpers.js';

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
      // Both dates' windows on one report thread.
      ['segment', '--as-of', '2026-11-27', '--window', '7', '--compare', '2026-11-20', '--format', 'csv'],
      ['rm-report', '--period', '2026-11', '--allow-partial', '--plan', join(samples, 'plan.yaml'), '--format', 'csv'],
      // The previous 12 days (11-04 .. 11-15) lie in the data: deposit growth on the report thread too.
      ['rm-report', '--from', '2026-11-16', '--to', '2026-11-27', '--format', 'csv'],
      // The AUM windows other than the tier window are summed on the report thread too.
      ['watch', '--as-of', '2026-11-27', '--window', '27', '--format', 'csv'],
    ];
    for (const args of reports) {
      const on = runCrm(['--db', dbOn, ...args], { env: { CRM_REPORT_THREADS: 'always', CRM_DEBUG_THREADS: '1' } });
      const off = runCrm(['--db', dbOff, ...args], { env: { CRM_REPORT_THREADS: 'never' } });
      expect(on.code, on.stderr).toBe(0);
      expect(off.code, off.stderr).toBe(0);
      expect(on.stdout.length).toBeGreaterThan(200);
      expect(on.stdout, args.join(' ')).toBe(off.stdout);
      // ... and the thread really did the work (no silent fallback).
      expect(on.stderr).toMatch(args[0] === 'rm-report' ? /rmExtras ran on the report thread/ : /customerExtras ran on the report thread/);
      // The extras come first, shared; then a share of the balance sums, or crm watch's windows.
      if (args[0] !== 'rm-report') expect(on.stderr).toMatch(/customerExtras shared extras/);
      else expect(on.stderr).not.toMatch(/customerExtras/);
      if (args[0] === 'segment') {
        const started = on.stderr.split('\n').filter((l) => l.includes('started'));
        expect(started).toEqual([`crm: debug: customerExtras started${args.includes('--compare') ? ' for 2 windows' : ''} with a share of the balance sums`]);
        if (args.includes('--compare')) expect(on.stderr).toMatch(/shared extras:0\n[^]*shared extras:1\n/);
      }
      if (args[0] === 'watch') expect(on.stderr).toMatch(/customerExtras started\n/);
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

describe('an error on the report thread', () => {
  it('--compare without the exchange rates its transactions need: the same error and exit 1 with the thread on or off', () => {
    const db = join(tmpDir(), 'crm.db');
    // The samples without fx_rates.csv: their USD transactions have no rate.
    const r = runCrm(['--db', db, 'import', ...files.filter((f) => !f.endsWith('fx_rates.csv'))]);
    expect(r.code, r.stderr).toBe(0);
    const args = ['--db', db, 'segment', '--as-of', '2026-11-27', '--window', '7', '--compare', '2026-11-20', '--format', 'csv'];
    for (const mode of ['always', 'never']) {
      const out = runCrm(args, { env: { CRM_REPORT_THREADS: mode } });
      expect(out.code, mode).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toBe("crm: error: no exchange rate for USD on or before a transaction's posting date: import fx_rates.csv with USD\n");
    }
  }, 60_000);
});

describe('crm report --html: RFM inputs and RM metrics on the report thread', () => {
  it('gives the same page with the report thread forced on and off, and the threads really ran them, one job each', () => {
    const db = importWith('always');
    const dir = tmpDir();
    const args = ['report', '--as-of', '2026-11-27', '--window', '27', '--plan', join(samples, 'plan.yaml'), '--allow-partial'];
    const on = runCrm(['--db', db, ...args, '--html', join(dir, 'on.html')], { env: { CRM_REPORT_THREADS: 'always', CRM_DEBUG_THREADS: '1' } });
    const off = runCrm(['--db', db, ...args, '--html', join(dir, 'off.html')], { env: { CRM_REPORT_THREADS: 'never' } });
    expect(on.code, on.stderr).toBe(0);
    expect(off.code, off.stderr).toBe(0);
    const page = readFileSync(join(dir, 'on.html'), 'utf8');
    expect(page.length).toBeGreaterThan(10_000);
    expect(page).toBe(readFileSync(join(dir, 'off.html'), 'utf8'));
    expect(on.stderr).toMatch(/rfmInputs ran on the report thread/);
    // The RM metrics' report-thread part starts once RFM is done, shares the window's part and
    // the credit ranges it claims, and is joined.
    expect(on.stderr).toMatch(/rmExtras shared window/);
    expect(on.stderr).toMatch(/rmExtras ran on the report thread/);
    // The population's thread also summed the call list's AUM windows, after sharing its sums,
    // and took no share of the balance sums (the AUM windows were its own work to follow).
    expect(on.stderr).toMatch(/customerExtras shared extras/);
    const started = on.stderr.split('\n').filter((l) => l.includes('started'));
    // One job after the other: the population's, RFM's inputs, the RM part. (The migration's
    // compare date then starts its own population's job, behind the RM part.)
    expect(started.slice(0, 3)).toEqual(['crm: debug: customerExtras started', 'crm: debug: rfmInputs started', 'crm: debug: rmExtras started']);
    expect(off.stderr).not.toMatch(/report thread/);
  }, 120_000);
});

describe('the parse thread sends repeating values once and raw text only on demand', () => {
  // 7,000 rows = four batches of the parse thread (2,000 rows each). Rejects of the database
  // stage fall in the first batch (sent before the main thread asks for raw text: read again
  // from the file at the end) and in later ones (sent with their text); one is rejected by the
  // parse stage itself. Chinese text checks that the re-read decodes as the import did.
  const dir = tmpDir();
  const accounts = readFileSync(join(samples, 'accounts', 'accounts_2026-11-01.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]);
  const header = 'txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after';
  const lines = [header];
  for (let i = 1; i <= 7000; i++) {
    const line = i + 1; // file line of row i
    const id = line === 500 || line === 6990 ? 'T9000000003' : `T9${String(i).padStart(9, '0')}`; // line 500 and 6990 repeat line 4's id
    const acc = line === 3 || line === 4501 || line === 6900 ? 'A_NOT_THERE' : accounts[(i * 7) % accounts.length];
    const amount = line === 1000 ? '12.3x' : (i % 97) + '.25';
    lines.push(`${id},${acc},2026-11-${String(1 + (i % 20)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00,${amount},${i % 2 ? 'debit' : 'credit'},CNY,${['counter', 'e_banking', 'self_service'][i % 3]},${i % 5 ? '转账' : '消费'},,`);
  }
  const file = join(dir, 'transactions_big.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const base = join(dir, 'base.db');
  const setup = runCrm(['--db', base, 'import', ...['rms.csv', 'customers.csv', 'accounts/accounts_2026-11-01.csv'].map((f) => join(samples, f))]);

  function importWith(name: string, env: Record<string, string>) {
    expect(setup.code, setup.stderr).toBe(0);
    const db = join(dir, `${name}.db`);
    copyFileSync(base, db);
    const rejects = join(dir, `${name}.rejects.csv`);
    const r = runCrm(['--db', db, 'import', '--rejects', rejects, file], { env });
    expect(r.code, r.stderr).toBe(1); // rows were rejected
    const conn = openRaw(db);
    const rows = conn.prepare('SELECT txn_id, account_id, posted_at, amount, currency, channel, txn_type, fee, balance_after FROM transactions ORDER BY txn_id').raw().all();
    // The sums kept per account: each row counted for its own account, whichever way its id came.
    const sums = conn.prepare('SELECT account_id, day, currency, n, n_counter, n_self_service, n_e_banking, abs_amount FROM txn_daily ORDER BY account_id, day').raw().all();
    const seqs = conn.prepare('SELECT txn_id, seq FROM transaction_rows ORDER BY txn_id').raw().all() as [string, number][];
    conn.close();
    return { summary: r.stdout.split('\n').filter((l) => !l.startsWith('rejected rows written')).join('\n'), rejects: readFileSync(rejects, 'utf8'), rows, sums, seqs };
  }

  it('gives the same rows and the same rejects, each with its original text, as parsing inline', () => {
    const inline = importWith('inline', { CRM_PARSE_WORKER: 'never' });
    const worker = importWith('worker', { CRM_PARSE_WORKER: 'always' });
    // A cap of 3 numbers per column: past it values cross as text (the fallback path).
    const capped = importWith('capped', { CRM_PARSE_WORKER: 'always', CRM_PARSE_CODES: '3' });
    // 7,000 rows − 3 unknown accounts − 1 bad amount − 2 repeated ids = 6,994 loaded.
    expect(inline.summary).toMatch(/7,000 read, 6,994 loaded, 0 updated, 0 unchanged, 6 rejected/);
    expect(inline.rows.length).toBe(6994);
    const rejected = parseSimpleCsv(inline.rejects).slice(1);
    expect(rejected.map((r) => Number(r[1]))).toEqual([3, 500, 1000, 4501, 6900, 6990]);
    for (const r of rejected) expect(r[4], `line ${r[1]}`).toBe(lines[Number(r[1]) - 1]);
    expect(rejected.map((r) => r[2])).toEqual(['account_id', 'txn_id', 'amount', 'account_id', 'account_id', 'txn_id']);
    for (const other of [worker, capped]) {
      expect(other.summary).toBe(inline.summary);
      expect(other.rejects).toBe(inline.rejects);
      expect(other.rows).toEqual(inline.rows);
      expect(other.sums).toEqual(inline.sums);
    }
    // The day sums count every loaded row once.
    expect(inline.sums.reduce((n, r) => n + ((r as number[])[3]), 0)).toBe(6994);
    // seq = import_id × 2^32 + the row's line (row i, "T9" + i, is on line i + 1), in batches with
    // rejected lines (bound one by one) as in batches of consecutive lines (@first + place).
    for (const other of [inline, worker]) {
      const importId = Math.floor(other.seqs[0][1] / 2 ** 32);
      expect(importId).toBeGreaterThan(0);
      const wrong = other.seqs.filter(([id, seq]) => seq !== importId * 2 ** 32 + Number(id.slice(2)) + 1);
      expect(wrong).toEqual([]);
    }
    expect(inline.rows.some((r) => (r as unknown[])[6] === '转账')).toBe(true);
  }, 60_000);
});
