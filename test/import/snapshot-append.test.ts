/**
 * The set-based snapshot loader (src/import/snapshot-append.ts) against the row-by-row one
 * (accountsByRow in src/import/load.ts): the same nights loaded both ways leave every table equal
 * and report the same outcomes and rejects, for a night that changes balances, RMs, loan classes,
 * attributes and customers, adds accounts, rejects rows of five kinds and closes absent accounts
 * (a rejected row's account among them), then a night that reopens one; as a full and as a
 * partial snapshot, in file order, shuffled and sorted by account (the loader compares a file in
 * account order as it reads, any other once at the end in account order). A file with a second
 * date goes row by row.
 * Through the binary, rows rejected at the end of the file reach the rejects file with their text.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { FROM_THE_START } from '../../src/import/effective-date.js';
import { accountsByRow, makeLoader, type Loader, type LoaderContext, type RowOutcome } from '../../src/import/load.js';
import { parseFile } from '../../src/import/parse-stage.js';
import { cleanupTmp, parseSimpleCsv, runCrm, tmpDir, writeFiles } from '../helpers.js';

afterAll(cleanupTmp);

const HEAD = 'as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,status';

const NIGHT1 = `${HEAD}
2026-11-01,A1,C1,demand_deposit,CNY,1000.00,R1,,active
2026-11-01,A2,C1,time_deposit,CNY,5000.00,,,active
2026-11-01,A3,C2,loan,CNY,20000.00,R1,normal,active
2026-11-01,A4,C3,wealth,USD,100.25,,,active
2026-11-01,A5,C2,demand_deposit,CNY,300.00,,,active
2026-11-01,A6,C3,demand_deposit,CNY,0,,,active
2026-11-01,A11,C3,demand_deposit,CNY,70.00,,,active
`;

// A1 unchanged; A2 balance; A3 RM and loan class; A4 moves to C4; A6 status only; A7 new with an
// unknown customer; A8 new; A9 an unknown RM; A2 again; A10 a negative loan; A11 moves to an
// unknown customer (rejected, so absent: closed); A5 absent (closed).
const NIGHT2_ROWS = [
  '2026-11-02,A1,C1,demand_deposit,CNY,1000.00,R1,,active',
  '2026-11-02,A2,C1,time_deposit,CNY,5100.00,,,active',
  '2026-11-02,A3,C2,loan,CNY,20000.00,R2,substandard,active',
  '2026-11-02,A4,C4,wealth,USD,100.25,,,active',
  '2026-11-02,A6,C3,demand_deposit,CNY,0,,,dormant',
  '2026-11-02,A7,C9,demand_deposit,CNY,10.00,,,active',
  '2026-11-02,A8,C1,demand_deposit,CNY,50.00,,,active',
  '2026-11-02,A9,C1,demand_deposit,CNY,60.00,R9,,active',
  '2026-11-02,A2,C1,time_deposit,CNY,1.00,,,active',
  '2026-11-02,A10,C2,loan,CNY,-5.00,,normal,active',
  '2026-11-02,A11,C9,demand_deposit,CNY,70.00,,,active',
];

// A5 and A11 listed again (reopened), A1 changes, the rest as the night before.
const NIGHT3_ROWS = [
  '2026-11-03,A1,C1,demand_deposit,CNY,900.00,R1,,active',
  '2026-11-03,A2,C1,time_deposit,CNY,5100.00,,,active',
  '2026-11-03,A3,C2,loan,CNY,20000.00,R2,substandard,active',
  '2026-11-03,A4,C4,wealth,USD,100.25,,,active',
  '2026-11-03,A5,C2,demand_deposit,CNY,300.00,,,active',
  '2026-11-03,A6,C3,demand_deposit,CNY,0,,,dormant',
  '2026-11-03,A8,C1,demand_deposit,CNY,50.00,,,active',
  '2026-11-03,A11,C3,demand_deposit,CNY,70.00,,,active',
];

const BASE = {
  'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,Wang,personal,BJ01,8000\nR2,Li,corporate,BJ01,9500\n',
  'customers.csv': 'customer_id,name,customer_type,rm_id,branch\nC1,Zhang,personal,R1,BJ01\nC2,Acme,corporate,R2,BJ01\nC3,Li,personal,,BJ01\nC4,Zhao,personal,R1,BJ01\n',
  'fx_rates.csv': 'currency,date,cny_per_unit\nUSD,2026-10-01,7.1\n',
  'accounts_2026-11-01.csv': NIGHT1,
  // A4's transaction: its roll-ups move to C4 with the account.
  'transactions.csv': 'txn_id,account_id,posted_at,amount,currency,channel\nT1,A4,2026-11-01 10:00,5.00,USD,counter\nT2,A1,2026-11-01 11:00,7.00,CNY,e_banking\n',
};

/** A deterministic shuffle (the rows of a file in another order). */
/** The rows sorted by account id (a stable sort: a duplicate stays after the row it repeats). */
const byAccount = (rows: string[]): string[] => [...rows].sort((x, y) => {
  const [a, b] = [x.split(',')[1], y.split(',')[1]];
  return a < b ? -1 : a > b ? 1 : 0;
});

function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Every table's rows, each table's sorted (the database's whole content). */
function dump(db: Db): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]) {
    out[t] = (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

interface Loaded {
  counts: Record<string, number>;
  rejects: string[];
  updated: number;
  notes: string[];
  tables: Record<string, string[]>;
}

/** One accounts file through a loader (makeLoader's, or the row-by-row one), in one transaction. */
function load(path: string, file: string, snapshotMode: 'full' | 'partial', byRow: boolean): Loaded {
  const db = openDb(path);
  try {
    const counts: Record<string, number> = { loaded: 0, updated: 0, skipped: 0 };
    const rejects: string[] = [];
    const report = (o: RowOutcome, line: number) => {
      if (typeof o === 'string') counts[o]++;
      else rejects.push(`${line} ${o.column}: ${o.reason}`);
    };
    db.exec('BEGIN');
    const ctx: LoaderContext = { db, importId: 99, effectiveDate: FROM_THE_START, snapshotMode, report };
    const loader: Loader = byRow ? accountsByRow(ctx) : makeLoader('accounts', ctx);
    parseFile({ path: file, kind: 'accounts', snapshotMode }, {
      note() {},
      row(values, line) {
        const o = loader.row(values, line, undefined);
        if (o !== undefined) report(o, line);
      },
      reject(line, column, reason) {
        throw new Error(`parse reject ${line} ${column} ${reason}`);
      },
    });
    const fin = loader.finish();
    db.exec('COMMIT');
    return { counts, rejects: rejects.sort(), updated: fin.updated, notes: fin.notes, tables: dump(db) };
  } finally {
    db.close();
  }
}

describe('a snapshot on the append day, set-based and row by row', () => {
  const dir = tmpDir();
  const base = join(dir, 'base.db');
  const names = Object.keys(BASE);
  const paths = writeFiles(dir, BASE);
  const setup = runCrm(['--db', base, 'import', ...paths.filter((p, i) => names[i] !== 'transactions.csv')]);
  const txns = runCrm(['--db', base, 'import', paths[names.indexOf('transactions.csv')]]);

  const copy = (name: string) => {
    const p = join(dir, name);
    copyFileSync(base, p);
    if (existsSync(`${base}-wal`)) copyFileSync(`${base}-wal`, `${p}-wal`);
    return p;
  };

  it('the first night and the transactions load', () => {
    expect([setup.code, txns.code]).toEqual([0, 0]);
  });

  for (const mode of ['full', 'partial'] as const) {
    for (const order of ['file order', 'shuffled', 'account order'] as const) {
      it(`${mode} snapshot, ${order}: both loaders leave the same tables and report the same`, () => {
        const arrange = (rows: string[]) => (order === 'shuffled' ? shuffled(rows) : order === 'account order' ? byAccount(rows) : rows);
        const rows2 = arrange(NIGHT2_ROWS);
        const rows3 = arrange(NIGHT3_ROWS);
        const [n2, n3] = writeFiles(dir, { [`n2-${mode}-${order}.csv`]: `${HEAD}\n${rows2.join('\n')}\n`, [`n3-${mode}-${order}.csv`]: `${HEAD}\n${rows3.join('\n')}\n` });
        const staged = copy(`staged-${mode}-${order}.db`);
        const byRow = copy(`byrow-${mode}-${order}.db`);
        const s2 = load(staged, n2, mode, false);
        const r2 = load(byRow, n2, mode, true);
        // Loaded: A8. Updated: A2 (balance), A3 (RM, class), A4 (customer), A6 (status).
        // Rejected: A7 (C9), A9 (R9), A2 again, A10 (negative loan), A11 (C9). Unchanged: A1.
        expect(s2.counts).toEqual({ loaded: 1, updated: 4, skipped: 1 });
        expect(s2.rejects.map((r) => r.replace(/^\d+ /, '')).sort()).toEqual([
          'account_id: duplicate account_id "A2" on "2026-11-02" in this file',
          'balance: a loan balance is the outstanding principal and must not be negative',
          'customer_id: unknown customer_id "C9" (not in customers)',
          'customer_id: unknown customer_id "C9" (not in customers)',
          'rm_id: unknown rm_id "R9" (not in rms)',
        ]);
        // A full snapshot closes A5 (absent) and A11 (its row rejected); a partial one closes nothing.
        expect(s2.updated).toBe(mode === 'full' ? 2 : 0);
        expect([s2.counts, s2.rejects, s2.updated, s2.notes]).toEqual([r2.counts, r2.rejects, r2.updated, r2.notes]);
        expect(s2.tables).toEqual(r2.tables);
        const s3 = load(staged, n3, mode, false);
        const r3 = load(byRow, n3, mode, true);
        expect([s3.counts, s3.rejects, s3.updated, s3.notes]).toEqual([r3.counts, r3.rejects, r3.updated, r3.notes]);
        expect(s3.tables).toEqual(r3.tables);
        const d = openDb(staged);
        try {
          // A4's roll-ups followed it to C4.
          expect(d.prepare("SELECT DISTINCT customer_id FROM txn_totals WHERE account_id = 'A4'").pluck().all()).toEqual(['C4']);
          const rows = (a: string) => d.prepare('SELECT as_of, balance, source, day_num, end_num, cum FROM balances WHERE account_id = ? ORDER BY as_of').raw().all(a);
          if (mode === 'full') {
            // A5: 300.00 on 11-01, closed on 11-02 (cum 30,000 fen × 1 day), reopened on 11-03 (cum unchanged: 0 on 11-02).
            const d1 = 20758; // 2026-11-01 in days since 1970-01-01
            expect(rows('A5')).toEqual([
              ['2026-11-01', 30000, 'S', d1, d1, 0], ['2026-11-02', 0, 'C', d1 + 1, d1 + 1, 30000], ['2026-11-03', 30000, 'S', d1 + 2, 99999999, 30000],
            ]);
          } else {
            // A partial snapshot keeps a row per listed account and day, changed or not (A1 on 11-02).
            expect(rows('A1').map((r) => [r[0], r[1], r[2]])).toEqual([['2026-11-01', 100000, 'S'], ['2026-11-02', 100000, 'P'], ['2026-11-03', 90000, 'P']]);
          }
        } finally {
          d.close();
        }
      });
    }
  }

  it('a file with a second date goes row by row, the rows staged before it included', () => {
    const mixed = [...NIGHT2_ROWS.slice(0, 4), ...NIGHT3_ROWS.slice(0, 2), ...NIGHT2_ROWS.slice(4), '2026-11-02,A1,C1,demand_deposit,CNY,5.00,R1,,active'];
    const [file] = writeFiles(dir, { 'mixed.csv': `${HEAD}\n${mixed.join('\n')}\n` });
    const staged = load(copy('mixed-staged.db'), file, 'full', false);
    const byRow = load(copy('mixed-byrow.db'), file, 'full', true);
    expect(staged.notes).toEqual(['rows carry 2 as_of dates: treated as a partial snapshot (no account closed)']);
    // A1 again on 11-02 (the last line) is a duplicate although A1's first 11-02 row was staged.
    expect(staged.rejects).toContain(`${mixed.length + 1} account_id: duplicate account_id "A1" on "2026-11-02" in this file`);
    expect([staged.counts, staged.rejects, staged.updated]).toEqual([byRow.counts, byRow.rejects, byRow.updated]);
    expect(staged.tables).toEqual(byRow.tables);
  });
});

describe('a night of 250,000 accounts', () => {
  // In account order the loader compares the staged rows a chunk of 100,000 at a time while it
  // reads; shuffled, once at the end in account order. Both leave the same tables.
  it('in account order (compared in chunks) and shuffled (compared at the end) leave the same tables and counts', () => {
    const dir = tmpDir();
    const n = 250_000;
    const id = (k: number) => `A${String(k).padStart(6, '0')}`;
    const row = (day: string, k: number, balance: string) => `${day},${id(k)},C${k % 2500},demand_deposit,CNY,${balance},,,active`;
    const customers = Array.from({ length: 2500 }, (_, c) => `C${c},Name${c},personal,R1,BJ01`).join('\n');
    const night1 = Array.from({ length: n }, (_, i) => row('2026-11-01', i + 1, '100.00'));
    // Night 2: every 50th account absent (closed), every 7th other one unchanged, the rest a new balance, 100 new accounts at the end.
    const night2: string[] = [];
    for (let k = 1; k <= n; k++) if (k % 50 !== 0) night2.push(row('2026-11-02', k, k % 7 === 0 ? '100.00' : '101.00'));
    for (let k = 900_001; k <= 900_100; k++) night2.push(row('2026-11-02', k, '5.00'));
    const [rms, cust, first, ordered, mixed] = writeFiles(dir, {
      'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,Wang,personal,BJ01,8000\n',
      'customers.csv': `customer_id,name,customer_type,rm_id,branch\n${customers}\n`,
      'night1.csv': `${HEAD}\n${night1.join('\n')}\n`,
      'night2-ordered.csv': `${HEAD}\n${night2.join('\n')}\n`,
      'night2-shuffled.csv': `${HEAD}\n${shuffled(night2).join('\n')}\n`,
    });
    const base = join(dir, 'base.db');
    expect(runCrm(['--db', base, 'import', rms, cust, first]).code).toBe(0);
    const copyOf = (name: string) => {
      const p = join(dir, name);
      copyFileSync(base, p);
      if (existsSync(`${base}-wal`)) copyFileSync(`${base}-wal`, `${p}-wal`);
      return p;
    };
    const a = load(copyOf('ordered.db'), ordered, 'full', false);
    const b = load(copyOf('shuffled.db'), mixed, 'full', false);
    // Closed: 250,000 / 50 = 5,000. Unchanged: the multiples of 7 that are not multiples of 50,
    // 35,714 - 714 = 35,000. Changed: 250,000 - 5,000 - 35,000 = 210,000. Loaded: 100.
    expect([a.counts, a.updated]).toEqual([{ loaded: 100, updated: 210_000, skipped: 35_000 }, 5_000]);
    expect([b.counts, b.updated, b.rejects]).toEqual([a.counts, a.updated, a.rejects]);
    expect(b.tables).toEqual(a.tables);
  }, 120_000);
});

describe('a set-based night through the binary', () => {
  // Rows rejected at the end of the file reach the rejects file with their text (read again from
  // the file), whether the file was parsed on the worker thread or not.
  for (const worker of ['always', 'never']) {
    it(`rejects with line, column, reason and the row's text (parse thread: ${worker})`, () => {
      const dir = tmpDir();
      const db = join(dir, 'crm.db');
      const files = writeFiles(dir, {
        'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,Wang,personal,BJ01,8000\n',
        'customers.csv': 'customer_id,name,customer_type,rm_id,branch\nC1,Zhang,personal,R1,BJ01\n',
        'accounts_2026-11-01.csv': 'as_of,account_id,customer_id,product_type,currency,balance,rm_id\n2026-11-01,A1,C1,demand_deposit,CNY,10,R1\n2026-11-01,A2,C1,demand_deposit,CNY,10,\n',
      });
      expect(runCrm(['--db', db, 'import', ...files]).code).toBe(0);
      const [night] = writeFiles(dir, {
        'accounts_2026-11-02.csv': 'as_of,account_id,customer_id,product_type,currency,balance,rm_id\n'
          + '2026-11-02,A1,C1,demand_deposit,CNY,11,R1\n2026-11-02,A3,C9,demand_deposit,CNY,"1,000.00",\n'
          + '2026-11-02,A1,C1,demand_deposit,CNY,12,R1\n2026-11-02,A2,C1,demand_deposit,CNY,10,R7\n',
      });
      const rejects = join(dir, 'rejects.csv');
      const r = runCrm(['--db', db, 'import', night, '--rejects', rejects], { env: { CRM_PARSE_WORKER: worker } });
      expect(r.code).toBe(1);
      // Updated: A1 (10 → 11) and A2, closed as absent (its only row was rejected).
      expect(r.stdout).toContain('1 file(s): 0 loaded, 2 updated, 0 unchanged, 3 rejected');
      expect(r.stdout).toContain('1 account(s) absent from the 2026-11-02 snapshot closed');
      expect(parseSimpleCsv(readFileSync(rejects, 'utf8')).slice(1)).toEqual([
        [night, '3', 'customer_id', 'unknown customer_id "C9" (not in customers)', '2026-11-02,A3,C9,demand_deposit,CNY,"1,000.00",'],
        [night, '4', 'account_id', 'duplicate account_id "A1" on "2026-11-02" in this file', '2026-11-02,A1,C1,demand_deposit,CNY,12,R1'],
        [night, '5', 'rm_id', 'unknown rm_id "R7" (not in rms)', '2026-11-02,A2,C1,demand_deposit,CNY,10,R7'],
      ]);
    });
  }
});
