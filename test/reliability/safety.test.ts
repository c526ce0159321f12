/**
 * Safety: hostile names never reach SQL except as parameters; spreadsheet formula
 * neutralisation in files crm writes (numbers stay plain); customer names stay off
 * stdout/stderr unless asked for. Self-contained.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, openRaw, parseSimpleCsv, runCrm, tmpDir, writeFiles } from '../helpers.js';
import { expectNoStack } from './util.js';

afterAll(cleanupTmp);

const EVIL = `a"; DROP TABLE rms; --`;
const EVIL2 = `x'); DELETE FROM customers; --`;
const TABLES = ['rms', 'customers', 'customer_rm_history', 'customer_rm_observations', 'accounts', 'balances', 'snapshot_dates', 'transactions', 'transaction_rows', 'txn_labels', 'txn_daily', 'txn_monthly', 'txn_totals', 'customer_spans', 'targets', 'fx_rates', 'import_log', 'schema_migrations',
  'pay_closes', 'pay_statements', 'pay_entries', 'pay_loans', 'events'];

function tablesOf(db: string): string[] {
  const raw = openRaw(db);
  // Tables and views (transactions is one): nothing dropped, nothing created by a hostile name.
  const t = raw.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").pluck().all() as string[];
  raw.close();
  return t;
}

describe('hostile names reach SQL only as parameters', () => {
  const dir = tmpDir();
  const db = join(dir, 's.db');
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

  it('hostile column names, values, mapping keys and value maps', () => {
    const [rms, cust, acc, txn] = writeFiles(dir, {
      'rms.csv': `rm_id,name,rm_type,${q(EVIL)}\n${q(EVIL2)},${q(EVIL)},personal,1\n`,
      'customers.csv': `customer_id,name,customer_type,rm_id,${q(EVIL2)}\n${q(EVIL)},${q(EVIL2)},personal,${q(EVIL2)},z\n`,
      'accounts.csv': `as_of,account_id,customer_id,product_type,balance\n2026-11-01,${q(EVIL2)},${q(EVIL)},demand_deposit,5.00\n`,
      'txn.csv': `${q(EVIL)},acc,when,amt,${q(EVIL2)}\n${q(EVIL2)},${q(EVIL2)},2026-11-02,1.00,${q(EVIL)}\n`,
    });
    writeFileSync(join(dir, 'map.json'), JSON.stringify({
      kind: 'transactions',
      columns: { txn_id: EVIL, account_id: 'acc', posted_at: 'when', amount: 'amt', txn_type: EVIL2 },
      values: { txn_type: { [EVIL]: EVIL2 } },
      constants: { channel: 'counter' },
    }));
    const r1 = runCrm(['--db', db, 'import', rms, cust, acc]);
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    const r2 = runCrm(['--db', db, 'import', '--mapping', join(dir, 'map.json'), txn]);
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    expect(tablesOf(db)).toEqual([...TABLES].sort());
    const raw = openRaw(db);
    expect(raw.prepare('SELECT rm_id, name FROM rms').raw().all()).toEqual([[EVIL2, EVIL]]);
    expect(raw.prepare('SELECT customer_id, name, rm_id FROM customers').raw().all()).toEqual([[EVIL, EVIL2, EVIL2]]);
    // txn_type: the source value EVIL mapped by the value map to EVIL2
    expect(raw.prepare('SELECT txn_id, account_id, txn_type FROM transactions').raw().all()).toEqual([[EVIL2, EVIL2, EVIL2]]);
    raw.close();
    // unknown hostile names are echoed as data in messages, never executed
    expect(r1.stdout).toContain(`ignored unknown column: ${EVIL2}`);
    expect(r1.stdout).toContain(`ignored unknown column: ${EVIL}`);
  });

  it('hostile keys in a mapping file are refused as usage errors', () => {
    const [txn] = writeFiles(dir, { 't2.csv': 'txn_id,account_id,posted_at,amount\nQ1,x,2026-11-02,1\n' });
    for (const [name, m] of Object.entries({
      'column key': { kind: 'transactions', columns: { [EVIL]: 'txn_id' } },
      'constant key': { kind: 'transactions', constants: { [EVIL2]: '1' } },
      'top-level key': { kind: 'transactions', [EVIL]: 1 },
      'kind': { kind: EVIL },
    })) {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(m));
      const r = runCrm(['--db', db, 'import', '--mapping', join(dir, 'bad.json'), txn]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/^crm: error: bad\.json: /);
      expectNoStack(r.stderr, name);
    }
    expect(tablesOf(db)).toEqual([...TABLES].sort());
  });

  it('hostile keys in plan, tiers and pricing files', () => {
    const files = writeFiles(dir, {
      'plan.yaml': `name: ${q(EVIL)}\npersonal:\n  target_bonus: { amount: 100, per: quarter }\n  kpis:\n    - { metric: ${q(EVIL)}, weight: 100 }\n`,
      'tiers.yaml': `${q(EVIL)}: 1\n`,
      'pricing.yaml': `${q(EVIL2)}: { x: 1 }\n`,
    });
    const runs = [
      ['rm-report', '--plan', files[0]],
      ['segment', '--tiers', files[1]],
      ['segment', '--pricing', files[2]],
      ['rm-report', '--rm', EVIL],
      ['segment', '--by', EVIL],
      ['segment', '--tier', EVIL2, '--detail'],
    ];
    for (const args of runs) {
      const r = runCrm(['--db', db, ...args]);
      expect([0, 1, 2], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      expectNoStack(r.stderr, args.join(' '));
    }
    expect(tablesOf(db)).toEqual([...TABLES].sort());
    const raw = openRaw(db);
    expect(raw.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(1);
    raw.close();
  });
});

describe('spreadsheet formula neutralisation', () => {
  const dir = tmpDir();
  const db = join(dir, 'f.db');

  it('rejects CSV: text cells starting with = + - @ TAB CR get a leading quote; line numbers stay plain', () => {
    const starts = ['=', '+', '-', '@', '\t', '\r'];
    const body = starts.map((c, i) => `${c}HYPERLINK(x)${i},nope,2026-11-02,-${i + 1}.00`).join('\n');
    // a file name starting with '=' (passed relative, so the file column starts with it too)
    writeFiles(dir, { '=cmd.csv': `txn_id,account_id,posted_at,amount\n${body}\n` });
    const rejects = join(dir, 'rej.csv');
    const r = runCrm(['--db', db, 'import', '--kind', 'transactions', '--rejects', rejects, '=cmd.csv'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const rows = parseSimpleCsv(readFileSync(rejects, 'utf8').replace(/\r(?!\n)/g, '\\r'));
    expect(rows[0]).toEqual(['file', 'line', 'column', 'reason', 'row']);
    expect(rows.length).toBe(1 + starts.length);
    for (const [i, row] of rows.slice(1).entries()) {
      expect(row[0]).toBe("'=cmd.csv");
      expect(row[1]).toMatch(/^\d+$/); // numeric: plain
      expect(row[1]).toBe(String(i + 2));
      const c = starts[i] === '\r' ? '\\r' : starts[i];
      expect(row[4].startsWith(`'${c}HYPERLINK`), JSON.stringify(row[4])).toBe(true);
      expect(row[3]).toMatch(/^unknown account_id "nope"/);
    }
  });

  it('segment CSV: names neutralised, negative money stays a plain number', () => {
    const [rm, cu, ac] = writeFiles(dir, {
      'rms.csv': 'rm_id,name,rm_type\nRM1,=evil(),personal\n',
      'customers.csv': 'customer_id,name,customer_type,rm_id\nC1,=SUM(A1:A9),personal,RM1\nC2,-Minus Name,personal,RM1\nC3,@at,personal,RM1\n',
      'accounts_2026-11-01.csv': 'as_of,account_id,customer_id,product_type,balance,loan_class\n2026-11-01,A1,C1,demand_deposit,100.00,\n2026-11-01,A2,C2,loan,50000.00,normal\n2026-11-01,A3,C3,demand_deposit,-12.50,\n',
    });
    expect(runCrm(['--db', db, 'import', rm, cu, ac]).code).toBe(0);
    const r = runCrm(['--db', db, 'segment', '--detail', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseSimpleCsv(r.stdout);
    const head = rows[0];
    const name = head.indexOf('name');
    expect(name, head.join(',')).toBeGreaterThanOrEqual(0);
    const names = rows.slice(1).map((x) => x[name]).sort();
    expect(names).toEqual(["'-Minus Name", "'=SUM(A1:A9)", "'@at"]);
    // every other cell starting with '-' is a plain number
    for (const row of rows.slice(1)) for (const [i, cell] of row.entries()) if (i !== name && cell.startsWith('-')) expect(cell, head[i]).toMatch(/^-\d+(\.\d+)?$/);
    expect(r.stdout).toMatch(/,-12\.50,|,-\d+\.\d\d(,|\n)/);
  });
});

describe('customer names stay off stdout and stderr', () => {
  const dir = tmpDir();
  const db = join(dir, 'n.db');
  const SECRET = 'Zhang Secretname';

  it('a rejected row: its name is in the rejects file the user asked for, not on stdout/stderr', () => {
    const [c] = writeFiles(dir, {
      'customers.csv': `customer_id,name,customer_type,rm_id\nC1,${SECRET},alien,\nC2,${SECRET} Two,personal,NO_SUCH_RM\nC3,${SECRET} Three,personal,\nC3,${SECRET} Dup,personal,\n`,
    });
    const rejects = join(dir, 'rej.csv');
    for (const extra of [[], ['--strict'], ['--dry-run'], ['--verbose']]) {
      const r = runCrm(['--db', db, ...extra.slice(0, extra[0] === '--verbose' ? 1 : 0), 'import', ...extra.filter((x) => x !== '--verbose'), '--rejects', rejects, c]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr, extra.join(' ')).not.toContain('Secretname');
      expect(readFileSync(rejects, 'utf8')).toContain(SECRET);
    }
  });

  it('a file that fails outright (bad header): no data row is echoed', () => {
    const [c] = writeFiles(dir, { 'bad.csv': `customer_id,customer_id,name\nC9,C9,${SECRET}\n` });
    const r = runCrm(['--db', db, 'import', '--kind', 'customers', c]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('Secretname');
  });
});
