/**
 * Nightly runs left unattended (issue 17): a re-run changes nothing, import order does not
 * matter (customers files, dated and undated, included), a stray or broken file in the night's
 * folder sinks only itself, messages go to stderr, a closed stdout is no error, effective dates
 * come from the data, and reports carry their caveats. Each finding of the issue is one test
 * here; each fails on the code before the fix (checked against the previous build).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanupTmp, openRaw, parseSimpleCsv, ROOT, runCrm, tmpDir, writeFiles } from '../helpers.js';

afterAll(cleanupTmp);

const SAMPLES = join(ROOT, 'samples');

// A small branch: 3 RMs, 3 customers, 3 deposit accounts, 3 snapshots, one customers file without
// a date and two dated ones.
const FIXTURE: Record<string, string> = {
  'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nRM1,甲,personal,B1,10000.00\nRM2,乙,personal,B1,10000.00\nRM3,丙,personal,B1,10000.00\n',
  'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,张一,personal,RM1,B1,2020-01-01\nC2,张二,personal,RM1,B1,2020-01-01\nC3,张三,personal,RM2,B1,2020-01-01\n',
  // C2 moves to RM2 on the 15th (and is renamed); C3 moves to RM1 on the 20th, C2 confirmed.
  'customers_2026-11-15.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC2,张二二,personal,RM2,B1,2020-01-01\n',
  'customers_2026-11-20.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC2,张二二,personal,RM2,B1,2020-01-01\nC3,张三,personal,RM1,B1,2020-01-01\n',
  'accounts_2026-11-01.csv': snapshot('2026-11-01', [['A1', 'C1', '1000.00', 'active'], ['A2', 'C2', '1000.00', 'active'], ['A3', 'C3', '1000.00', 'active']]),
  'accounts_2026-11-10.csv': snapshot('2026-11-10', [['A1', 'C1', '2000.00', 'active'], ['A2', 'C2', '1000.00', 'dormant'], ['A3', 'C3', '3000.00', 'active']]),
  'accounts_2026-11-27.csv': snapshot('2026-11-27', [['A1', 'C1', '2000.00', 'active'], ['A2', 'C2', '4000.00', 'active'], ['A3', 'C3', '3000.00', 'active']]),
  'transactions.csv': 'txn_id,account_id,posted_at,amount,channel,txn_type\nT1,A1,2026-11-05,100.00,counter,deposit\n',
};

function snapshot(asOf: string, rows: string[][]): string {
  return 'as_of,account_id,customer_id,product_type,balance,status\n' + rows.map(([a, c, b, s]) => `${asOf},${a},${c},demand_deposit,${b},${s}\n`).join('');
}

/**
 * Tables as text, for "the same database state". Left out: import_log and what numbers an import
 * (which import first brought a snapshot date; a row's seq = import id × 2^32 + line).
 */
const STATE = [
  'SELECT * FROM rms', 'SELECT * FROM customers', 'SELECT * FROM customer_rm_history', 'SELECT * FROM customer_rm_observations',
  'SELECT * FROM accounts', 'SELECT * FROM balances', 'SELECT as_of, full FROM snapshot_dates',
  'SELECT txn_id, account_id, posted_at, amount, currency_id, channel_id, txn_type_id, fee, balance_after FROM transaction_rows',
  'SELECT account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, last_at, last_balance FROM txn_daily',
];

function dump(db: string, queries = STATE): string {
  const raw = openRaw(db);
  try {
    return queries.map((q) => `${q}\n${raw.prepare(`${q} ORDER BY 1, 2`).raw().all().map((r) => JSON.stringify(r)).join('\n')}`).join('\n');
  } finally {
    raw.close();
  }
}

function reports(db: string): string[] {
  const run = (...args: string[]) => {
    const r = runCrm(['--db', db, ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  return [
    run('segment', '--as-of', '2026-11-27', '--window', '27', '--by', 'rm', '--format', 'csv'),
    run('segment', '--detail', '--as-of', '2026-11-27', '--window', '27', '--format', 'csv'),
    run('rm-report', '--from', '2026-11-01', '--to', '2026-11-27', '--format', 'csv'),
  ];
}

/** A small deterministic shuffle (mulberry32). */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('finding 1: a re-run reassigns nobody and changes no table', () => {
  it('the same command twice: 0 updated, every table but import_log byte-identical, C2 stays with RM2 from the 15th', () => {
    const dir = tmpDir();
    const f = (n: string) => join(dir, n);
    writeFiles(dir, FIXTURE);
    const db = f('crm.db');
    const args = ['--db', db, 'import', f('rms.csv'), f('customers.csv'), f('customers_2026-11-15.csv'), f('accounts_2026-11-01.csv'), f('accounts_2026-11-27.csv')];
    const first = runCrm(args);
    expect(first.code, first.stderr).toBe(0);
    const before = dump(db);
    const again = runCrm(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^5 file\(s\): 0 loaded, 0 updated, \d+ unchanged, 0 rejected$/m);
    for (const line of again.stdout.split('\n').filter((l) => / read, /.test(l))) expect(line).toMatch(/ 0 loaded, 0 updated, /);
    expect(dump(db)).toBe(before);
    const raw = openRaw(db);
    // C2: RM1 from the start (the undated file, imported before any data), RM2 from 2026-11-15.
    expect(raw.prepare("SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = 'C2' ORDER BY 1").raw().all()).toEqual([['0001-01-01', 'RM1'], ['2026-11-15', 'RM2']]);
    expect(raw.prepare("SELECT rm_id FROM customers WHERE customer_id = 'C2'").pluck().get()).toBe('RM2');
    raw.close();
  });
});

describe('finding 2: account attributes come from the latest-dated snapshot', () => {
  it('the samples imported 11-01, 11-06, 11-05, 11-04, 11-03: status, product and customer as in the latest file listing each account', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    expect(runCrm(['--db', db, 'import', join(SAMPLES, 'rms.csv'), join(SAMPLES, 'customers.csv')]).code).toBe(0);
    const days = ['01', '06', '05', '04', '03'];
    for (const d of days) {
      const r = runCrm(['--db', db, 'import', join(SAMPLES, 'accounts', `accounts_2026-11-${d}.csv`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    // Expected from the files themselves: walk them in date order, the last listing wins.
    const want = new Map<string, string>();
    for (const d of [...days].sort()) {
      const [head, ...rows] = parseSimpleCsv(readFileSync(join(SAMPLES, 'accounts', `accounts_2026-11-${d}.csv`), 'utf8'));
      const i = (c: string) => head.indexOf(c);
      for (const r of rows) want.set(r[i('account_id')], [r[i('customer_id')], r[i('product_type')], r[i('status')]].join('|'));
    }
    const raw = openRaw(db);
    const got = new Map((raw.prepare('SELECT account_id, customer_id, product_type, status FROM accounts').raw().all() as string[][]).map(([a, ...v]) => [a, v.join('|')]));
    raw.close();
    expect(got.size).toBe(want.size);
    // A000000314 closes on the 4th: an older snapshot (the 3rd) imported after it must not reopen it.
    expect(got.get('A000000314')).toBe(want.get('A000000314'));
    expect(want.get('A000000314')).toMatch(/\|closed$/);
    expect([...want].filter(([a, v]) => got.get(a) !== v)).toEqual([]);
  });
});

describe('order independence: shuffled file-by-file imports, customers files included, twice', () => {
  it('gives the tables and the segment and rm-report CSV of the date-ordered import, byte for byte', () => {
    const dir = tmpDir();
    writeFiles(dir, FIXTURE);
    const f = (n: string) => join(dir, n);
    const inDateOrder = ['rms.csv', 'customers.csv', 'accounts_2026-11-01.csv', 'accounts_2026-11-10.csv', 'customers_2026-11-15.csv', 'customers_2026-11-20.csv', 'accounts_2026-11-27.csv', 'transactions.csv'];
    const importEach = (db: string, names: string[]) => {
      for (const n of names) {
        const r = runCrm(['--db', db, 'import', f(n)]);
        expect(r.code, `${n}: ${r.stderr}`).toBe(0);
      }
    };
    const baseDb = f('base.db');
    importEach(baseDb, inDateOrder);
    const base = { tables: dump(baseDb), reports: reports(baseDb) };
    // Hand-computed: C2 is RM2's from the 15th, C3 is RM2's until the 19th. RM2's deposit ADB over
    // 11-01..11-27 (27 days): A2 1000.00 × 12 days (15th..26th) + 4000.00 × 1 day (27th) = 16,000;
    // A3 1000.00 × 9 days (1st..9th) + 3000.00 × 10 days (10th..19th) = 39,000; 55,000 ÷ 27 = 2037.04.
    const rm = parseSimpleCsv(base.reports[2]);
    const col = rm[0].indexOf('deposit_adb');
    expect(rm.find((r) => r[0] === 'RM2')?.[col]).toBe('2037.04');
    // RM1: A1 (1000 × 9 + 2000 × 18 = 45,000) + A2 for the 1st..14th (1000 × 14 = 14,000)
    // + A3 from the 20th (3000 × 8 = 24,000) = 83,000 ÷ 27 = 3074.07.
    expect(rm.find((r) => r[0] === 'RM1')?.[col]).toBe('3074.07');
    // C2's name is the one of its latest-dated file.
    expect(base.tables).toContain('["C2","张二二"');

    // The undated file goes first (it is what the first night loads: its date is fixed then,
    // docs/import.md); everything else in shuffled order, then every file again, shuffled.
    for (const seed of [7, 19]) {
      const db = f(`shuffled-${seed}.db`);
      importEach(db, ['rms.csv', 'customers.csv', ...shuffled(inDateOrder.slice(2, 7), seed), 'transactions.csv']);
      importEach(db, shuffled(inDateOrder, seed + 1));
      expect(dump(db), `seed ${seed}`).toBe(base.tables);
      expect(reports(db), `seed ${seed}`).toEqual(base.reports);
    }
  }, 120_000);
});

describe('finding 3 and the cron run: a night\'s folder with a stray file and a broken file', () => {
  it('loads the good files, skips the stray one with a warning, fails the broken one on stderr, exit 1, summary JSON', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    writeFiles(dir, FIXTURE);
    expect(runCrm(['--db', db, 'import', join(dir, 'rms.csv'), join(dir, 'customers.csv'), join(dir, 'accounts_2026-11-27.csv')]).code).toBe(0);
    const night = join(dir, '20261128');
    mkdirSync(night);
    writeFiles(night, {
      'export_summary.csv': 'report,rows,generated\naccounts,3,2026-11-28 23:00\n',
      // Named as a snapshot, but product_type is missing.
      'accounts_2026-11-28.csv': 'as_of,account_id,customer_id,balance\n2026-11-28,A1,C1,5000.00\n',
      'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,张一,personal,RM3,B1,2020-01-01\n',
      'transactions.csv': 'txn_id,account_id,posted_at,amount,channel,txn_type\nT9,A1,2026-11-28,50.00,counter,deposit\nT10,A3,2026-11-28,-20.00,e_banking,transfer_out\n',
      'notes.md': 'not a CSV: left alone\n',
    });
    const summaryPath = join(dir, 'summary.json');
    const r = runCrm(['--db', db, 'import', '--summary-json', summaryPath, night]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `crm: warning: ${join(night, 'export_summary.csv')}: skipped: cannot tell the kind of file from its header (report, rows, generated); use --kind or --mapping`,
      `crm: error: ${join(night, 'accounts_2026-11-28.csv')}: FAILED: line 1: missing required column product_type (产品类型) for accounts`,
    ]);
    expect(r.stdout).not.toMatch(/FAILED:|: skipped:/);
    expect(r.stdout).toContain(`${join(night, 'customers.csv')} (customers, utf-8, comma): 1 read, 0 loaded, 1 updated, 0 unchanged, 0 rejected\n  effective date 2026-11-28 (from the folder name): 1 reassignment(s) recorded`);
    expect(r.stdout).toMatch(/^3 file\(s\) \(1 failed, 1 skipped\): 2 loaded, 1 updated, 0 unchanged, 0 rejected$/m);

    const s = JSON.parse(readFileSync(summaryPath, 'utf8'));
    expect(s.outcome).toBe('failed');
    expect(s.exit_code).toBe(1);
    const byName = Object.fromEntries(s.files.map((x: { file: string }) => [x.file.slice(night.length + 1), x]));
    expect(Object.keys(byName).sort()).toEqual(['accounts_2026-11-28.csv', 'customers.csv', 'export_summary.csv', 'transactions.csv']);
    expect(byName['export_summary.csv']).toMatchObject({ outcome: 'skipped', kind: null });
    expect(byName['accounts_2026-11-28.csv']).toMatchObject({ outcome: 'failed', kind: 'accounts', rows: { read: 0, loaded: 0, updated: 0, unchanged: 0, rejected: 0 } });
    expect(byName['customers.csv']).toMatchObject({ outcome: 'ok', kind: 'customers', encoding: 'utf-8', effective_date: '2026-11-28', effective_date_source: 'folder name', reassignments: 1, rows: { read: 1, loaded: 0, updated: 1, unchanged: 0, rejected: 0 } });
    expect(byName['transactions.csv']).toMatchObject({ outcome: 'ok', kind: 'transactions', effective_date: null, rows: { read: 2, loaded: 2, updated: 0, unchanged: 0, rejected: 0 } });
    for (const x of s.files) expect(typeof x.seconds).toBe('number');
    expect(s.totals).toMatchObject({ files: 4, failed: 1, skipped: 1, read: 3, loaded: 2, updated: 1, rejected: 0 });
    // After the import: snapshots end on the 27th (the 28th's failed), transactions on the 28th.
    expect(s.data_dates.snapshots).toMatchObject({ first: '2026-11-27', last: '2026-11-27' });
    expect(s.data_dates.transactions).toEqual({ first: '2026-11-28', last: '2026-11-28' });

    // The good files' rows are in: both transactions, C1 with RM3 from the 28th.
    const raw = openRaw(db);
    expect(raw.prepare("SELECT txn_id FROM transactions WHERE txn_id IN ('T9', 'T10') ORDER BY 1").pluck().all()).toEqual(['T10', 'T9']);
    expect(raw.prepare("SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = 'C1' ORDER BY 1").raw().all()).toEqual([['0001-01-01', 'RM1'], ['2026-11-28', 'RM3']]);
    raw.close();

    // --strict: the stray file is an error too and nothing loads.
    const strict = runCrm(['--db', join(dir, 'strict.db'), 'import', '--strict', join(dir, 'rms.csv'), night]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`crm: error: ${join(night, 'export_summary.csv')}: FAILED: cannot tell the kind of file`);
    const sr = openRaw(join(dir, 'strict.db'));
    expect(sr.prepare('SELECT count(*) FROM rms').pluck().get()).toBe(0);
    sr.close();
  });

  it('--format json prints the summary on stdout; a clean folder exits 0', () => {
    const dir = tmpDir();
    const night = join(dir, 'exports', '2026-11-27');
    mkdirSync(night, { recursive: true });
    writeFiles(night, { 'rms.csv': FIXTURE['rms.csv'], 'customers.csv': FIXTURE['customers.csv'], 'accounts_2026-11-27.csv': FIXTURE['accounts_2026-11-27.csv'] });
    const r = runCrm(['--db', join(dir, 'crm.db'), 'import', '--format', 'json', night]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout);
    expect(s.outcome).toBe('ok');
    expect(s.files.map((x: { kind: string }) => x.kind)).toEqual(['rms', 'customers', 'accounts']);
    expect(s.files[1]).toMatchObject({ effective_date: '2026-11-27', effective_date_source: 'folder name', reassignments: 0 });
    expect(s.data_dates.coverage).toEqual({ first: '2026-11-27', last: '2026-11-27' });
  });
});

describe('finding 4: failures go to stderr as crm: error:', () => {
  it('a missing file, a directory with no CSV, an empty file: stderr, not stdout; the good file still loads', () => {
    const dir = tmpDir();
    const [rms, empty] = writeFiles(dir, { 'rms.csv': FIXTURE['rms.csv'], 'empty.csv': '' });
    mkdirSync(join(dir, 'nothing-here'));
    const r = runCrm(['--db', join(dir, 'crm.db'), 'import', join(dir, 'nope.csv'), join(dir, 'nothing-here'), empty, rms]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`crm: error: ${join(dir, 'nope.csv')}: FAILED: no such file\n`);
    expect(r.stderr).toContain(`crm: error: ${join(dir, 'nothing-here')}: FAILED: a folder with no .csv or .txt file in it\n`);
    expect(r.stderr).toContain(`crm: error: ${empty}: FAILED: empty file (no header row)\n`);
    expect(r.stdout).not.toContain('FAILED');
    expect(r.stdout).toContain(`${rms} (rms, utf-8, comma): 3 read, 3 loaded`);
  });
});

describe('finding 5: a closed stdout', () => {
  it('crm segment --detail --format json | head -1: exit 0, nothing on stderr', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    const snaps = readdirSync(join(SAMPLES, 'accounts')).filter((x) => x.endsWith('.csv')).map((x) => join(SAMPLES, 'accounts', x));
    expect(runCrm(['--db', db, 'import', join(SAMPLES, 'rms.csv'), join(SAMPLES, 'customers.csv'), ...snaps, join(SAMPLES, 'fx_rates.csv'), join(SAMPLES, 'transactions.csv')]).code).toBe(0);
    const errFile = join(dir, 'err.txt');
    // The detail JSON (~150 KB) is larger than a pipe holds: crm is still writing when head exits.
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" --db "${db}" segment --detail --window 27 --format json 2>"${errFile}" | head -1; echo "crm exit \${PIPESTATUS[0]}"`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toBe('{\ncrm exit 0\n');
    expect(readFileSync(errFile, 'utf8')).toBe('');
  });
});

describe('finding 6: effective dates come from the data, never the clock', () => {
  it('an impossible date in the name is an error naming the file; nothing of it loads', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    writeFiles(dir, FIXTURE);
    const [bad] = writeFiles(dir, { 'customers_2026-02-30.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC2,张二,personal,RM3,B1,2020-01-01\n' });
    const r = runCrm(['--db', db, 'import', join(dir, 'rms.csv'), join(dir, 'customers.csv'), bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`crm: error: ${bad}: FAILED: the name holds the date 2026-02-30, which does not exist (rename the file or give the right date in it)\n`);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT rm_id FROM customer_rm_history WHERE customer_id = 'C2'").pluck().all()).toEqual(['RM1']);
    raw.close();
  });

  it('without a date in the name, folder or --as-of: the latest data date, said in the summary; the same bytes again keep it', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    writeFiles(dir, FIXTURE);
    expect(runCrm(['--db', db, 'import', join(dir, 'rms.csv'), join(dir, 'customers.csv'), join(dir, 'accounts_2026-11-01.csv'), join(dir, 'accounts_2026-11-10.csv')]).code).toBe(0);
    const moved = join(dir, 'moved', 'customers.csv');
    mkdirSync(join(dir, 'moved'));
    writeFileSync(moved, 'customer_id,name,customer_type,rm_id,branch,opened_on\nC3,张三,personal,RM3,B1,2020-01-01\n');
    const r = runCrm(['--db', db, 'import', moved]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  effective date 2026-11-10 (the latest data date in the database): 1 reassignment(s) recorded');
    // More data arrives; the same file imported again keeps its date and changes nothing.
    expect(runCrm(['--db', db, 'import', join(dir, 'accounts_2026-11-27.csv')]).code).toBe(0);
    const again = runCrm(['--db', db, 'import', moved]);
    expect(again.stdout).toContain('  effective date 2026-11-10 (as the earlier import of the same content): 0 reassignment(s) recorded');
    expect(again.stdout).toMatch(/1 read, 0 loaded, 0 updated, 1 unchanged/);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = 'C3' ORDER BY 1").raw().all()).toEqual([['0001-01-01', 'RM2'], ['2026-11-10', 'RM3']]);
    raw.close();
    // --as-of applies only when the name gives no date, and says so when it gives another one.
    const dated = runCrm(['--db', db, 'import', '--as-of', '2026-11-02', join(dir, 'customers_2026-11-20.csv')]);
    expect(dated.stdout).toContain('effective date 2026-11-20 (from the file name)');
    expect(dated.stderr).toBe(`crm: warning: ${join(dir, 'customers_2026-11-20.csv')}: --as-of 2026-11-02 not used: the file name gives 2026-11-20\n`);
  });
});

describe('finding 7: caveats travel with the numbers', () => {
  const dir = tmpDir();
  const db = join(dir, 'crm.db');
  const plan = join(SAMPLES, 'plan.yaml');
  const crm = (...args: string[]) => runCrm(['--db', db, ...args]);
  it('setup: the samples (data 2026-11-01 to 2026-11-27)', () => {
    const snaps = readdirSync(join(SAMPLES, 'accounts')).filter((x) => x.endsWith('.csv')).map((x) => join(SAMPLES, 'accounts', x));
    const r = crm('import', ...['rms.csv', 'customers.csv', 'fx_rates.csv', 'transactions.csv', 'targets.csv'].map((x) => join(SAMPLES, x)), ...snaps);
    expect(r.code, r.stderr).toBe(0);
  });

  it('segment --excel --out: the clipped window is a warning on stderr; JSON carries it in notes', () => {
    const out = join(dir, 'f.csv');
    const r = crm('segment', '--excel', '--out', out, '--window', '60');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('crm: warning: window clipped: requested 2026-09-29 to 2026-11-27 (60 days), but the data covers 2026-11-01 to 2026-11-27\n');
    const j = crm('segment', '--window', '60', '--format', 'json');
    expect(JSON.parse(j.stdout).notes).toEqual(['window clipped: requested 2026-09-29 to 2026-11-27 (60 days), but the data covers 2026-11-01 to 2026-11-27']);
  });

  it('a payroll CSV for 2026-Q4 with data to 11-27 is refused, naming the last data date', () => {
    const r = crm('rm-report', '--period', '2026-Q4', '--plan', plan, '--format', 'csv', '--out', join(dir, 'payroll.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('crm: error: period 2026-Q4 runs to 2026-12-31 but the data ends 2026-11-27');
    expect(r.stderr).toContain('--allow-partial');
  });

  it('--allow-partial prorates base pay to the covered days and says so in a column', () => {
    const r = crm('rm-report', '--period', '2026-Q4', '--plan', plan, '--format', 'csv', '--allow-partial');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('crm: warning: period 2026-Q4 is only partly covered by the data: 2026-11-01 to 2026-11-27, 27 of 92 days\n');
    const [head, ...rows] = parseSimpleCsv(r.stdout);
    const rm1 = rows.find((x) => x[0] === 'RM001')!;
    // RM001's base salary 21,700.00 a month × 3 months × 27/92 days = 19,105.434… → 19,105.43.
    expect(rm1[head.indexOf('base_pay')]).toBe('19105.43');
    expect(rm1[head.indexOf('base_pay_basis')]).toBe('27/92 days');
    expect(rows.every((x) => x[head.indexOf('base_pay_basis')] === '27/92 days')).toBe(true);
  });

  it('an --as-of more than 7 days after the last snapshot or balance_after date: every report warns', () => {
    const note = 'balances carried forward 34 days: the last snapshot or balance_after date is 2026-11-27, the report date 2026-12-31';
    const seg = crm('segment', '--as-of', '2026-12-31', '--window', '60', '--format', 'csv');
    expect(seg.code).toBe(0);
    expect(seg.stderr).toContain(`crm: warning: ${note}\n`);
    const json = crm('segment', '--detail', '--as-of', '2026-12-31', '--window', '60', '--format', 'json');
    expect(JSON.parse(json.stdout).notes).toContain(note);
    const html = crm('report', '--html', join(dir, 'r.html'), '--as-of', '2026-12-31', '--window', '60', '--period', '2026-11');
    expect(html.stderr).toContain(`crm: warning: ${note}\n`);
    // 7 days after: no warning (2026-11-27 + 7 = 2026-12-04).
    expect(crm('segment', '--as-of', '2026-12-04', '--window', '30', '--format', 'csv').stderr).not.toContain('carried forward');
  });
});

describe('finding 7: a partial snapshot long after the last balance_after (the Berka layout)', () => {
  it('the default as-of is the partial snapshot\'s date; the report warns that the other balances are carried forward', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    const files = writeFiles(dir, {
      'rms.csv': FIXTURE['rms.csv'],
      'customers.csv': FIXTURE['customers.csv'],
      // A register of the accounts: no balances (as Berka's account.asc).
      'register.csv': 'account_id,customer_id,product_type\nA1,C1,demand_deposit\nL1,C2,loan\n',
      'transactions.csv': 'txn_id,account_id,posted_at,amount,channel,txn_type,balance_after\nT1,A1,2026-03-01,100.00,counter,deposit,100.00\nT2,A1,2026-03-10,50.00,counter,deposit,150.00\n',
    });
    const [loans] = writeFiles(dir, { 'loans.csv': 'as_of,account_id,customer_id,product_type,balance\n2026-06-01,L1,C2,loan,5000.00\n' });
    expect(runCrm(['--db', db, 'import', files[0], files[1]]).code).toBe(0);
    expect(runCrm(['--db', db, 'import', '--mapping', writeRegisterMapping(dir), files[2]]).code).toBe(0);
    expect(runCrm(['--db', db, 'import', files[3]]).code).toBe(0);
    expect(runCrm(['--db', db, 'import', '--partial', loans]).code).toBe(0);
    const r = runCrm(['--db', db, 'segment', '--window', '30', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    // From 2026-03-10 to 2026-06-01: 21 days of March + 30 of April + 31 of May + 1 = 83 days carried forward.
    const note = 'balances carried forward 83 days: the last snapshot or balance_after date is 2026-03-10, the report date 2026-06-01';
    expect(JSON.parse(r.stdout).as_of).toBe('2026-06-01');
    expect(JSON.parse(r.stdout).notes).toContain(note);
    expect(r.stderr).toContain(`crm: warning: ${note}\n`);
  });
});

/** A mapping that reads register.csv as an account register (no balances, no as_of). */
function writeRegisterMapping(dir: string): string {
  const [p] = writeFiles(dir, { 'register.yaml': 'files:\n  - name: register.csv\n    kind: accounts\n    snapshot: none\n' });
  return p;
}

describe('one writer at a time', () => {
  const holder = (pid: number, started = '2026-11-28T01:00:00.000Z') => JSON.stringify({ pid, host: hostname(), started_at: started, files: ['/exports/20261128/'] });

  it('a running import holds the database: the second exits 1 at once naming it; --wait waits; a stale lock is taken over', async () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    const [rms] = writeFiles(dir, { 'rms.csv': FIXTURE['rms.csv'] });
    const lock = `${db}.import-lock`;
    // This test's own process stands for the running import.
    writeFileSync(lock, holder(process.pid));
    const busy = runCrm(['--db', db, 'import', rms]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`crm: error: another import is running on this database (pid ${process.pid}, started 2026-11-28T01:00:00.000Z, importing /exports/20261128/); use --wait SECONDS to wait for it (lock: ${lock})\n`);
    expect(busy.stdout).toBe('');
    // With --wait: it starts when the other one ends.
    const child = spawn(process.execPath, [BIN, '--db', db, 'import', '--wait', '30', rms], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await new Promise((r) => setTimeout(r, 1500));
    expect(out).toBe(''); // still waiting
    unlinkSync(lock);
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code, err).toBe(0);
    expect(err).toMatch(/^crm: warning: another import is running on this database \(pid \d+, started 2026-11-28T01:00:00.000Z\); waiting up to 30 s\n$/);
    expect(out).toContain('3 read, 3 loaded');
    // A lock whose process is gone (killed): taken over.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, holder(Number(dead.stdout)));
    const after = runCrm(['--db', db, 'import', rms]);
    expect(after.code, after.stderr).toBe(0);
    expect(() => readFileSync(lock)).toThrow(); // released
    // The lock is written beside it under the process's own name and linked into place (so a
    // kill can never leave it empty); nothing of that is left behind.
    expect(readdirSync(dir).filter((f) => f.includes('import-lock'))).toEqual([]);
  }, 60_000);

  it('an empty lock file (no holder to check) is not taken over: exit 1 naming it and what to do', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    const [rms] = writeFiles(dir, { 'rms.csv': FIXTURE['rms.csv'] });
    const lock = `${db}.import-lock`;
    writeFileSync(lock, '');
    const r = runCrm(['--db', db, 'import', rms]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`crm: error: another import is running on this database (holder unknown: the lock file is empty or unreadable; delete it if no import is running); use --wait SECONDS to wait for it (lock: ${lock})\n`);
    unlinkSync(lock);
    const ok = runCrm(['--db', db, 'import', rms]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
