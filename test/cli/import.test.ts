import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGb18030 } from '../../src/output/gb18030.js';
import { BIN, cleanupTmp, count, FIXTURES, openRaw, parseSimpleCsv, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const CLEAN = ['rms.csv', 'customers.csv', 'accounts_2026-11-01.csv', 'accounts_2026-11-02.csv', 'transactions.csv', 'targets.csv', 'fx_rates.csv'].map((f) => join(FIXTURES, 'clean', f));
const BAD = join(FIXTURES, 'bad', 'transactions_bad.csv');

/** Table counts after the clean set, worked out from the fixture files:
 *  balances: 4 accounts on 11-01; on 11-02 A1 (1000.50→1200.00) and A3 (20000→19000) change = 2;
 *  transactions on 11-01/11-02 are full snapshot days (snapshot wins); T4 gives A1 1100.00 on 11-03 = 1. */
const CLEAN_COUNTS = { rms: 2, customers: 3, customer_rm_history: 3, accounts: 4, balances: 4 + 2 + 1, transactions: 4, targets: 2, fx_rates: 2, import_log: 7 };

function counts(dbPath: string): Record<string, number> {
  const db = openRaw(dbPath);
  try {
    return Object.fromEntries(Object.keys(CLEAN_COUNTS).map((t) => [t, count(db, t)]));
  } finally {
    db.close();
  }
}

function fresh() {
  const dir = tmpDir();
  return { dir, db: join(dir, 'crm.db') };
}

describe('crm import: the clean set', () => {
  it('loads everything with exact counts in stdout and in the database', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', ...CLEAN]);
    expect(r.stderr.replace(/\r?[^\n]*\r/g, '')).not.toMatch(/error/);
    expect(r.code).toBe(0);
    // loaded: rms 2 + customers 3 + accounts 11-01 4 + transactions 4 + targets 2 + fx 2 = 17;
    // accounts 11-02: A1, A3 updated, A2, A4 unchanged
    expect(r.stdout).toContain('7 file(s): 17 loaded, 2 updated, 2 unchanged, 0 rejected');
    expect(r.stdout).toMatch(/rms\.csv \(rms, utf-8, comma\): 2 read, 2 loaded, 0 updated, 0 unchanged, 0 rejected/);
    expect(r.stdout).toMatch(/accounts_2026-11-02\.csv \(accounts, utf-8, comma\): 4 read, 0 loaded, 2 updated, 2 unchanged, 0 rejected/);
    expect(r.stdout).toMatch(/transactions\.csv \(transactions, utf-8, comma\): 4 read, 4 loaded/);
    expect(counts(db)).toEqual(CLEAN_COUNTS);
    const raw = openRaw(db);
    // amounts in fen: +200.00, -0.50, debit 100 → -100.00, (100.00) → -100.00
    expect(raw.prepare('SELECT sum(amount), sum(fee) FROM transactions').raw().get()).toEqual([20000 - 50 - 10000 - 10000, 50 + 200]);
    expect(raw.prepare("SELECT base_salary FROM rms WHERE rm_id = 'R1'").pluck().get()).toBe(800000);
    expect(raw.prepare("SELECT name, customer_type, opened_on FROM customers WHERE customer_id = 'C2'").raw().get()).toEqual(['Acme, Ltd', 'corporate', '2019-06-01']);
    expect(raw.prepare("SELECT customer_type FROM customers WHERE customer_id = 'C3'").pluck().get()).toBe('personal');
    expect(raw.prepare("SELECT as_of, balance, source FROM balances WHERE account_id = 'A1' ORDER BY as_of").raw().all())
      .toEqual([['2026-11-01', 100050], ['2026-11-02', 120000], ['2026-11-03', 110000]].map((x) => [...x, x[0] === '2026-11-03' ? 'T' : 'S']));
    expect(raw.prepare("SELECT posted_at FROM transactions WHERE txn_id = 'T2'").pluck().get()).toBe('2026-11-02 10:30:00');
    expect(raw.prepare("SELECT status, rows_loaded FROM import_log ORDER BY import_id").raw().all()).toEqual([
      ['ok', 2], ['ok', 2], ['ok', 3], ['ok', 4], ['ok', 0], ['ok', 4], ['ok', 2],
    ]);
    raw.close();
  });

  it('re-importing the same files changes nothing and says so', () => {
    const { db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN]).code).toBe(0);
    const before = counts(db);
    const r = runCrm(['--db', db, 'import', ...CLEAN]);
    expect(r.code).toBe(0);
    // 2 + 3 + 4 + 4 + 4 + 2 + 2 = 21 unchanged
    expect(r.stdout).toContain('7 file(s): 0 loaded, 0 updated, 21 unchanged, 0 rejected');
    // dependency order: fx_rates is import #1, rms #2, ...
    expect(r.stdout).toMatch(/rms\.csv .*\n  same content as import #2 \([^)]*\): nothing changed/);
    expect(r.stdout).toMatch(/transactions\.csv .*\n  same content as import #6 /);
    expect(counts(db)).toEqual({ ...before, import_log: before.import_log + 7 });
  });

  it('files given in reverse dependency order still load', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', ...[...CLEAN].reverse()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('7 file(s): 17 loaded, 2 updated, 2 unchanged, 0 rejected');
    expect(counts(db)).toEqual(CLEAN_COUNTS);
    // the files are reported in the order they loaded
    const order = [...r.stdout.matchAll(/^\S*\/(\w+?)(?:_2026-\d\d-\d\d)?\.csv \(/gm)].map((m) => m[1]);
    expect(order).toEqual(['fx_rates', 'rms', 'customers', 'accounts', 'accounts', 'transactions', 'targets']);
  });

  it('--dry-run writes nothing', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', '--dry-run', ...CLEAN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: 7 file(s): 17 loaded, 2 updated, 2 unchanged, 0 rejected');
    expect(r.stdout).toContain('dry run: nothing was written');
    expect(counts(db)).toEqual(Object.fromEntries(Object.keys(CLEAN_COUNTS).map((k) => [k, 0])));
  });
});

describe('crm import: bad rows', () => {
  const EXPECTED_REJECTS = [
    ['3', 'account_id', 'unknown account_id "A9" (not in accounts)', 'B2,A9,2026-11-04,10.00,counter'],
    ['4', 'posted_at', 'not a calendar date: "2026-13-04"', 'B3,A1,2026-13-04,10.00,counter'],
    ['5', 'amount', 'more than 2 decimal places: "12.345"', 'B4,A1,2026-11-04,12.345,counter'],
    ['6', 'channel', 'unknown channel "fax" (expected counter, self_service, e_banking)', 'B5,A1,2026-11-04,10.00,fax'],
    ['7', '', 'expected 5 fields, found 4', 'B6,A1,2026-11-04,10.00'],
    ['8', 'txn_id', 'duplicate txn_id "B1" in this file', 'B1,A1,2026-11-04,11.00,counter'],
  ];

  it('loads the good rows, exit 1, and writes every bad row to the rejects CSV', () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN]).code).toBe(0);
    const rejects = join(dir, 'rej.csv');
    const r = runCrm(['--db', db, 'import', '--rejects', rejects, BAD]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/transactions_bad\.csv \(transactions, utf-8, comma\): 8 read, 2 loaded, 0 updated, 0 unchanged, 6 rejected/);
    expect(r.stdout).toContain(`rejected rows written to ${rejects}`);
    const rows = parseSimpleCsv(readFileSync(rejects, 'utf8'));
    expect(rows[0]).toEqual(['file', 'line', 'column', 'reason', 'row']);
    expect(rows.slice(1)).toEqual(EXPECTED_REJECTS.map((x) => [BAD, ...x]));
    expect(counts(db).transactions).toBe(4 + 2);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT txn_id, amount FROM transactions WHERE txn_id LIKE 'B%' ORDER BY txn_id").raw().all()).toEqual([['B1', 1000], ['B8', 500]]);
    expect(raw.prepare('SELECT status, rows_rejected FROM import_log ORDER BY import_id DESC LIMIT 1').raw().get()).toEqual(['rejects', 6]);
    raw.close();
  });

  it('a key twice in a file of customers or targets: the later row rejected, the first kept', () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN]).code).toBe(0);
    const customers = join(dir, 'customers_dup.csv');
    writeFileSync(customers, 'customer_id,name,customer_type,rm_id\nC7,Zhao Lei,personal,R1\nC8,Sun Li,personal,R2\nC7,Zhao Lei 2,personal,R2\n');
    const targets = join(dir, 'targets_dup.csv');
    // the same period + rm_id + kpi twice; another kpi of the same RM and period is a different key
    writeFileSync(targets, 'period,rm_id,kpi,target\n2026-12,R1,aum_growth,100\n2026-12,R1,new_customers,3\n2026-12,R1,aum_growth,200\n');
    const rejects = join(dir, 'rej.csv');
    const r = runCrm(['--db', db, 'import', '--rejects', rejects, customers, targets]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/customers_dup\.csv \(customers, utf-8, comma\): 3 read, 2 loaded, 0 updated, 0 unchanged, 1 rejected/);
    expect(r.stdout).toMatch(/targets_dup\.csv \(targets, utf-8, comma\): 3 read, 2 loaded, 0 updated, 0 unchanged, 1 rejected/);
    expect(parseSimpleCsv(readFileSync(rejects, 'utf8')).slice(1)).toEqual([
      [customers, '4', 'customer_id', 'duplicate customer_id "C7" in this file', 'C7,Zhao Lei 2,personal,R2'],
      [targets, '4', 'period+rm_id+kpi', 'duplicate period+rm_id+kpi "2026-12, R1, aum_growth" in this file', '2026-12,R1,aum_growth,200'],
    ]);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT name FROM customers WHERE customer_id = 'C7'").pluck().get()).toBe('Zhao Lei');
    expect(raw.prepare("SELECT kpi, target FROM targets WHERE period = '2026-12' ORDER BY kpi").raw().all()).toEqual([['aum_growth', 100], ['new_customers', 3]]);
    raw.close();
  });

  it('the default rejects file sits beside the database', () => {
    const { dir, db } = fresh();
    runCrm(['--db', db, 'import', ...CLEAN]);
    const r = runCrm(['--db', db, 'import', BAD]);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'crm.rejects.csv'))).toBe(true);
    expect(parseSimpleCsv(readFileSync(join(dir, 'crm.rejects.csv'), 'utf8'))).toHaveLength(1 + 6);
  });

  it('--strict loads nothing when one row is bad', () => {
    const { db } = fresh();
    runCrm(['--db', db, 'import', ...CLEAN]);
    const before = counts(db);
    const r = runCrm(['--db', db, 'import', '--strict', BAD]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(rolled back)');
    expect(r.stdout).toContain('strict: bad rows found, nothing was loaded');
    expect(counts(db)).toEqual(before);
  });
});

describe('crm import: encodings, delimiters, kinds', () => {
  it('a GB18030 file with Chinese headers and Chinese enum values', () => {
    const { dir, db } = fresh();
    runCrm(['--db', db, 'import', ...CLEAN.slice(0, 2)]);
    const cust = join(dir, '客户_20261105.csv');
    writeFileSync(cust, encodeGb18030('客户号,客户名称,客户类型,客户经理编号\r\nC9,张三丰,个人,R1\r\nC10,华信科技有限公司,对公,\r\n'));
    const acc = join(dir, '账户余额_20261105.csv');
    writeFileSync(acc, encodeGb18030('数据日期,账号,客户号,产品类型,币种,余额,五级分类\r\n2026-11-05,A9,C9,活期存款,人民币,"¥1,234.56",\r\n20261105,A10,C10,贷款,人民币,500000,关注\r\n'));
    const r = runCrm(['--db', db, 'import', '--partial', acc, cust]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/客户_20261105\.csv \(customers, gb18030, comma\): 2 read, 2 loaded/);
    expect(r.stdout).toMatch(/账户余额_20261105\.csv \(accounts, gb18030, comma\): 2 read, 2 loaded/);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT customer_id, name, customer_type, rm_id FROM customers WHERE customer_id IN ('C9', 'C10') ORDER BY customer_id").raw().all())
      .toEqual([['C10', '华信科技有限公司', 'corporate', null], ['C9', '张三丰', 'personal', 'R1']]);
    expect(raw.prepare("SELECT a.account_id, product_type, currency, balance, loan_class FROM accounts a JOIN balances b USING (account_id) WHERE a.account_id IN ('A9', 'A10') ORDER BY 1").raw().all())
      .toEqual([['A10', 'loan', 'CNY', 50000000, 'special_mention'], ['A9', 'demand_deposit', 'CNY', 123456, null]]);
    raw.close();
    // forced: --encoding gbk reads it the same way (nothing changes on re-import)
    const again = runCrm(['--db', db, 'import', '--encoding', 'gbk', cust]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\(customers, gb18030, comma\): 2 read, 0 loaded, 0 updated, 2 unchanged/);
    // forced utf-8 on GB bytes: rows are rejected for invalid bytes, not loaded as garbage
    const wrong = runCrm(['--db', db, 'import', '--encoding', 'utf-8', '--kind', 'customers', cust]);
    expect(wrong.code).toBe(1);
  });

  it('semicolon, tab and pipe files are detected; --delimiter forces one', () => {
    const { db } = fresh();
    const files = ['fx_semicolon.csv', 'fx_tab.tsv', 'fx_pipe.txt'].map((f) => join(FIXTURES, 'delims', f));
    const r = runCrm(['--db', db, 'import', ...files]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fx_semicolon\.csv \(fx_rates, utf-8, semicolon\): 2 read, 2 loaded/);
    expect(r.stdout).toMatch(/fx_tab\.tsv \(fx_rates, utf-8, tab\): 1 read, 1 loaded/);
    expect(r.stdout).toMatch(/fx_pipe\.txt \(fx_rates, utf-8, pipe\): 3 read, 3 loaded/);
    expect(counts(db).fx_rates).toBe(2 + 1 + 3);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT cny_per_unit FROM fx_rates WHERE currency = 'JPY' AND date = '2026-11-04'").pluck().get()).toBe(0.048);
    raw.close();
    const forced = runCrm(['--db', db, 'import', '--delimiter', 'tab', join(FIXTURES, 'delims', 'fx_tab.tsv')]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\(fx_rates, utf-8, tab\): 1 read, 0 loaded, 0 updated, 1 unchanged/);
    // forcing the wrong delimiter: the header is one column, the kind cannot be told
    const wrongDelim = runCrm(['--db', db, 'import', '--delimiter', ',', join(FIXTURES, 'delims', 'fx_pipe.txt')]);
    expect(wrongDelim.code).toBe(1);
    expect(wrongDelim.stderr).toMatch(/crm: error: .*fx_pipe\.txt: FAILED: cannot tell the kind of file from its header \(date\|currency\|cny_per_unit\)/);
  });

  it('--kind forces the kind (and then its required columns must be there)', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', '--kind', 'rms', CLEAN[1]]);
    expect(r.code).toBe(1);
    // customers.csv has rm_id and name but no rm_type
    expect(r.stderr).toMatch(/crm: error: .*customers\.csv: FAILED: line 1: missing required column rm_type \(客户经理类型\) for rms\n/);
    const ok = runCrm(['--db', db, 'import', '--kind', 'fx', join(FIXTURES, 'delims', 'fx_pipe.txt')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\(fx_rates, utf-8, pipe\): 3 read, 3 loaded/);
  });

  it('a header of no known kind: exit 1 naming the header', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', join(FIXTURES, 'unknown_kind.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crm: error: .*unknown_kind\.csv: FAILED: cannot tell the kind of file from its header \(foo, bar\); use --kind or --mapping/);
  });

  it('a missing required column: exit 1 naming it', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', CLEAN[0], join(FIXTURES, 'missing_name.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crm: error: .*missing_name\.csv: FAILED: line 1: missing required column name \(客户名称\) for customers/);
  });

  it('an empty file: exit 1', () => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', join(FIXTURES, 'empty.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crm: error: .*empty\.csv: FAILED: empty file \(no header row\)/);
  });

  it.each([
    [['--delimiter', 'x'], /^crm: error: --delimiter: expected one of , ; tab \| \(got "x"\)/],
    [['--encoding', 'foo'], /^crm: error: unknown encoding "foo"/],
    [['--kind', 'bogus'], /^crm: error: --kind: unknown kind "bogus"/],
    [['--as-of', '2026-02-30'], /^crm: error: --as-of: not a calendar date/],
  ])('bad option %j: exit 2 with crm: error:', (args, msg) => {
    const { db } = fresh();
    const r = runCrm(['--db', db, 'import', ...args, CLEAN[0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});

describe('crm import: customer reassignment', () => {
  it('a changed rm_id with --as-of is recorded in customer_rm_history', () => {
    const { dir, db } = fresh();
    runCrm(['--db', db, 'import', ...CLEAN.slice(0, 2)]);
    const moved = join(dir, 'customers_moved.csv');
    writeFileSync(moved, readFileSync(CLEAN[1], 'utf8').replace('C1,Zhang San,personal,R1', 'C1,Zhang San,personal,R2'));
    const r = runCrm(['--db', db, 'import', '--as-of', '2026-11-15', moved]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/customers_moved\.csv \(customers, utf-8, comma\): 3 read, 0 loaded, 1 updated, 2 unchanged/);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = 'C1' ORDER BY effective_from").raw().all())
      .toEqual([['0001-01-01', 'R1'], ['2026-11-15', 'R2']]);
    expect(raw.prepare("SELECT rm_id FROM customers WHERE customer_id = 'C1'").pluck().get()).toBe('R2');
    expect(count(raw, 'customer_rm_history')).toBe(3 + 1);
    raw.close();
  });
});

describe('crm import: loan_class', () => {
  it('is kept for loans and credit cards and ignored on other accounts', () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN.slice(0, 2)]).code).toBe(0);
    const snap = join(dir, 'accounts_2026-11-05.csv');
    writeFileSync(snap, 'as_of,account_id,customer_id,product_type,balance,loan_class\n'
      + '2026-11-05,L1,C1,loan,5000.00,substandard\n2026-11-05,K1,C1,credit_card,300.00,doubtful\n2026-11-05,D1,C1,demand_deposit,100.00,loss\n');
    const r = runCrm(['--db', db, 'import', snap]);
    expect(r.code, r.stderr).toBe(0);
    const raw = openRaw(db);
    expect(raw.prepare('SELECT account_id, loan_class FROM balances ORDER BY account_id').raw().all())
      .toEqual([['D1', null], ['K1', 'doubtful'], ['L1', 'substandard']]);
    raw.close();
  });
});

describe('crm import: accounts referring to customers and RMs', () => {
  it('rejects a new or moved account whose customer or RM is unknown; a known account keeps loading', () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN.slice(0, 3)]).code).toBe(0);
    const snap = join(dir, 'accounts_2026-11-05.csv');
    const rejects = join(dir, 'rej.csv');
    // A1 known (C1, unchanged); A2 known, moved to C2 (exists); A3 known (C2), moved to C9 (unknown);
    // N1 new with C9 (unknown); N2 new with C1 and RM R9 (unknown); N3 new, C2 twice (asked once).
    writeFileSync(snap, 'as_of,account_id,customer_id,product_type,balance,rm_id\n'
      + '2026-11-05,A1,C1,demand_deposit,1.00,\n2026-11-05,A2,C2,demand_deposit,2.00,\n2026-11-05,A3,C9,demand_deposit,3.00,\n'
      + '2026-11-05,N1,C9,demand_deposit,4.00,\n2026-11-05,N2,C1,demand_deposit,5.00,R9\n2026-11-05,N3,C2,demand_deposit,6.00,R1\n'
      + '2026-11-05,N4,C2,time_deposit,7.00,R1\n');
    const r = runCrm(['--db', db, 'import', '--partial', '--rejects', rejects, snap]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/7 read, 2 loaded, 2 updated, 0 unchanged, 3 rejected/);
    expect(parseSimpleCsv(readFileSync(rejects, 'utf8')).slice(1).map((x) => [x[1], x[2], x[3]])).toEqual([
      ['4', 'customer_id', 'unknown customer_id "C9" (not in customers)'],
      ['5', 'customer_id', 'unknown customer_id "C9" (not in customers)'],
      ['6', 'rm_id', 'unknown rm_id "R9" (not in rms)'],
    ]);
    const raw = openRaw(db);
    expect(raw.prepare("SELECT account_id, customer_id FROM accounts WHERE account_id IN ('A2', 'A3', 'N3', 'N4') ORDER BY account_id").raw().all())
      .toEqual([['A2', 'C2'], ['A3', 'C2'], ['N3', 'C2'], ['N4', 'C2']]);
    raw.close();
  });
});

describe('crm import: bytes that are not text', () => {
  it('rejects a value with a NUL byte or an undecodable byte, naming its column', () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN.slice(0, 1)]).code).toBe(0);
    const file = join(dir, 'customers.csv');
    // Line 2: NUL in the name; line 3: 0xFF (not UTF-8) in the branch; line 4 clean.
    writeFileSync(file, Buffer.concat([
      Buffer.from('customer_id,name,customer_type,branch\nC1,Zhang\u0000San,personal,BJ01\nC2,Li Si,personal,BJ'),
      Buffer.from([0xff]),
      Buffer.from('\nC3,Wang Wu,personal,BJ02\n'),
    ]));
    const rejects = join(dir, 'rej.csv');
    const r = runCrm(['--db', db, 'import', '--encoding', 'utf-8', '--rejects', rejects, file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/3 read, 1 loaded, 0 updated, 0 unchanged, 2 rejected/);
    expect(parseSimpleCsv(readFileSync(rejects, 'utf8')).slice(1).map((x) => [x[1], x[2], x[3]])).toEqual([
      ['2', 'name', 'contains a NUL byte'],
      ['3', 'branch', 'invalid byte sequence for the file encoding (wrong --encoding?)'],
    ]);
  });
});

describe('crm import: killed mid-file', () => {
  it('leaves the database intact with all or none of the file', async () => {
    const { dir, db } = fresh();
    expect(runCrm(['--db', db, 'import', ...CLEAN.slice(0, 4)]).code).toBe(0);
    const base = join(dir, 'base.db');
    copyFileSync(db, base);
    const N = 300_000;
    const big = join(dir, 'transactions_big.csv');
    const lines = ['txn_id,account_id,posted_at,amount,channel,balance_after'];
    for (let i = 0; i < N; i++) lines.push(`K${i},A${1 + (i % 4)},2026-11-${String(3 + (i % 20)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')},${i % 2 ? '-' : ''}${1 + (i % 500)}.25,counter,${i}.00`);
    writeFileSync(big, lines.join('\n') + '\n');
    let outcome = '';
    for (const delay of [300, 150, 600, 60, 1200]) {
      const target = join(dir, `kill-${delay}.db`);
      copyFileSync(base, target);
      const child = spawn(process.execPath, [BIN, '--db', target, 'import', big], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.on('exit', (c, s) => res([c, s])));
      clearTimeout(timer);
      const raw = openRaw(target, false);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      const n = count(raw, 'transactions');
      const last = raw.prepare('SELECT status FROM import_log ORDER BY import_id DESC LIMIT 1').pluck().get() as string | undefined;
      raw.close();
      if (signal === 'SIGKILL') {
        expect(n).toBe(0);
        // the import_log row is written in the file's transaction too: either absent or 'started'
        expect([undefined, 'started', 'ok']).toContain(last);
        outcome = `killed after ${delay} ms`;
        break;
      }
      expect(code).toBe(0);
      expect(n).toBe(N);
      expect(last).toBe('ok');
      outcome = `finished before ${delay} ms`;
    }
    expect(outcome).toMatch(/^killed/);
  });
});
