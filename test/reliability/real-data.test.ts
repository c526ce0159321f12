/**
 * Real data nobody here wrote (../shared/data; skips without it): Berka end to end (import,
 * status, segment, RFM) checked against figures computed from the files, and the UCI / Kaggle
 * files through samples/mappings/*.yaml: imported as customers, or refused naming what is missing.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, openRaw, ROOT, runCrm, tmpDir } from '../helpers.js';
import { DATA, expectNoStack } from './util.js';

afterAll(cleanupTmp);

const BERKA = join(DATA, 'berka');
const MAPS = join(ROOT, 'samples', 'mappings');

function rows(file: string, sep: string, crlf = false): string[][] {
  const text = readFileSync(file, 'latin1');
  const lines = text.split(crlf ? '\r\n' : '\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(1).map((l) => l.split(sep).map((f) => f.replace(/^"|"$/g, '')));
}
const fen = (s: string) => { const [i, d = ''] = s.split('.'); return Number(i) * 100 + Math.sign(Number(i) || 1) * Number((d + '00').slice(0, 2)); };

describe.skipIf(!existsSync(BERKA))('Berka end to end', () => {
  const dir = tmpDir();
  const db = join(dir, 'berka.db');
  const files = existsSync(BERKA) ? readdirSync(BERKA).filter((f) => f.endsWith('.asc')).map((f) => join(BERKA, f)) : [];

  it('imports; counts and sums equal figures computed from the files', () => {
    const r = runCrm(['--db', db, 'import', '--mapping', join(MAPS, 'berka.yaml'), ...files]);
    expect(r.code).toBe(1); // the cut last line of trans.asc
    expectNoStack(r.stderr, 'berka import');
    const trans = rows(join(BERKA, 'trans.asc'), ';', true);
    const cut = trans.pop()!; // 3526882;11021;940331;"PRIJE  (truncated export)
    expect(cut.length).toBe(4);
    const loans = rows(join(BERKA, 'loan.asc'), ';', true);
    const clients = rows(join(BERKA, 'client.asc'), ';', true);
    const raw = openRaw(db);
    const one = (sql: string) => raw.prepare(sql).pluck().get();
    expect(one('SELECT count(*) FROM customers')).toBe(clients.length);
    expect(one('SELECT count(*) FROM transactions')).toBe(trans.length);
    expect(one('SELECT count(DISTINCT account_id) FROM transactions')).toBe(new Set(trans.map((f) => f[1])).size);
    // credits and debits separately, in fen
    const credit = trans.filter((f) => f[3] === 'PRIJEM').reduce((s, f) => s + fen(f[5]), 0);
    const debit = trans.filter((f) => f[3] !== 'PRIJEM').reduce((s, f) => s + fen(f[5]), 0);
    expect(one('SELECT sum(amount) FROM transactions WHERE amount > 0')).toBe(credit);
    expect(one('SELECT -sum(amount) FROM transactions WHERE amount < 0')).toBe(debit);
    // loans: the granted amounts, and the number of running-in-debt loans (status D -> substandard)
    expect(one("SELECT sum(balance) FROM balances WHERE account_id LIKE 'L%'")).toBe(loans.reduce((s, f) => s + Number(f[3]) * 100, 0));
    expect(one("SELECT count(*) FROM balances WHERE loan_class = 'substandard'")).toBe(loans.filter((f) => f[6] === 'D').length);
    // txn_daily agrees with the transactions it summarises
    expect(one('SELECT sum(n) FROM txn_daily')).toBe(trans.length);
    expect(one('SELECT sum(abs_amount) FROM txn_daily')).toBe(credit + debit);
    raw.close();
  });

  it('crm status on it', () => {
    const r = runCrm(['--db', db, 'status', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.counts.transactions).toBe(49102);
    expect(s.counts.customers).toBe(5369);
    expect(s.transactions).toEqual({ first: '1993-01-01', last: '1994-03-31' });
    expect(s.imports.map((i: { status: string }) => i.status)).toEqual(['ok', 'ok', 'ok', 'rejects']);
    expect(runCrm(['--db', db, 'status']).code).toBe(0);
  });

  // Within the transaction period: trans.asc ends on 1994-03-31.
  for (const args of [['segment'], ['segment', 'rfm']]) {
    it(`crm ${args.join(' ')} on it`, () => {
      const r = runCrm(['--db', db, ...args, '--as-of', '1994-03-31', '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expectNoStack(r.stderr, args.join(' '));
      const j = JSON.parse(r.stdout);
      expect(j.as_of).toBe('1994-03-31');
      const t = runCrm(['--db', db, ...args, '--as-of', '1994-03-31']);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toMatch(/Personal customers/);
    });
  }
});

describe.skipIf(!existsSync(DATA))('other real files through samples/mappings', () => {
  const dir = tmpDir();
  const cases: [string, string, number, RegExp, number][] = [
    // mapping, file, exit, message, customers afterwards
    ['bank-churn-modelling.yaml', 'bank-churn-modelling/Churn_Modelling.csv', 0, /10,001 read, 10,001 loaded/, 10001],
    ['bank-churners.yaml', 'bank-churners/BankChurners.csv', 0, /10,127 read, 10,127 loaded/, 10127],
    ['bank-transactions-india.yaml', 'bank-transactions-india/bank_transactions.csv', 1, /20,000 read, 19,937 loaded, .* 63 rejected/, 19937],
    ['bank-transactions-india.yaml', 'bank-transactions-india/sample-1500/bank_transactions.csv', 0, /1,500 read, 1,500 loaded/, 1500],
    ['bank-marketing.yaml', 'bank-marketing/bank.csv', 1, /FAILED: line 1: missing required columns customer_id \(客户号\), name \(客户名称\) for customers/, 0],
    ['bank-marketing.yaml', 'bank-marketing/bank-full.csv', 1, /FAILED: line 1: missing required columns customer_id/, 0],
    ['bank-marketing.yaml', 'bank-marketing/bank-additional/bank-additional-full.csv', 1, /FAILED: line 1: missing required columns customer_id/, 0],
  ];
  for (const [i, [map, file, code, msg, n]] of cases.entries()) {
    it(`${file} via ${map}`, () => {
      const db = join(dir, `m${i}.db`);
      const r = runCrm(['--db', db, 'import', '--mapping', join(MAPS, map), join(DATA, file)]);
      expect(r.code, r.stdout + r.stderr).toBe(code);
      // A file that fails is an error on stderr; the counts are results on stdout.
      expect(String(msg).includes('FAILED') ? r.stderr : r.stdout).toMatch(msg);
      expectNoStack(r.stderr, file);
      const raw = openRaw(db);
      expect(raw.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(n);
      raw.close();
    });
  }

  it('without a mapping: refused, naming the columns it looked for', () => {
    const r = runCrm(['--db', join(dir, 'nomap.db'), 'import', join(DATA, 'bank-churn-modelling/Churn_Modelling.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crm: error: .*cannot tell the kind of file from its header \(RowNumber, CustomerId, .*\); use --kind or --mapping/);
  });

  it('India duplicates are rejected with the reason, without names on stderr', () => {
    const rejects = join(dir, 'india-rejects.csv');
    const r = runCrm(['--db', join(dir, 'india2.db'), 'import', '--rejects', rejects, '--mapping', join(MAPS, 'bank-transactions-india.yaml'), join(DATA, 'bank-transactions-india/bank_transactions.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(readFileSync(rejects, 'utf8')).toMatch(/customer_id,"duplicate customer_id ""C\d+"" in this file"/);
  });
});
