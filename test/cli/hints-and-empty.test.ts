/**
 * Header problems name the closest known column, with or without --kind; a near miss of an
 * optional column is a warning; ids that match nothing but for case get a hint; a customer type
 * without customers is one line (issue 21).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, runCrm, tmpDir, writeFiles } from '../helpers.js';

let dir: string;
let db: string;
const crm = (...args: string[]) => runCrm(['--db', db, ...args], { env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });

const TXN_ROW = 'T1,A1,2026-09-01 10:00:00,100.00,CNY,counter,deposit,1.00,';
beforeAll(() => {
  dir = tmpDir('crm-hints-');
  db = join(dir, 'crm.db');
  const [rms, customers, accounts] = writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,Ann,personal,B1,10000.00\n',
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,Alice,personal,R1,B1,2020-01-01\nC2,Bob,personal,R1,B1,2020-01-01\n',
    'accounts_2026-09-01.csv': 'as_of,account_id,customer_id,product_type,currency,balance\n2026-09-01,A1,C1,demand_deposit,CNY,1000.00\n2026-09-01,A2,C2,demand_deposit,CNY,3000.00\n',
  });
  const r = crm('import', rms!, customers!, accounts!);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanupTmp);

describe('header problems', () => {
  const file = (name: string, header: string) => writeFiles(dir, { [name]: `${header}\n${TXN_ROW}\n` })[0]!;

  it('a misspelt required column, without --kind: the kind it looks like and the column meant', () => {
    const f = file('t_ammount.csv', 'txn_id,account_id,posted_at,ammount,currency,channel,txn_type,fee,balance_after');
    const r = crm('import', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`crm: error: ${f}: FAILED: cannot tell the kind of file from its header`);
    expect(r.stderr).toContain('it looks like transactions, but "ammount" is no column of it (did you mean amount (金额)?)');
  });

  it('the same with --kind: the missing column and the header name meant for it', () => {
    const f = file('t_ammount2.csv', 'txn_id,account_id,posted_at,ammount,currency,channel,txn_type,fee,balance_after');
    const r = crm('import', '--kind', 'transactions', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing required column amount (金额) for transactions; the header has "ammount": did you mean amount (金额)?');
  });

  it('a Chinese header with a wrong character names the column too', () => {
    const f = file('t_zh.csv', '流水号,账号,交易时间,金钱,币种,渠道,交易类型,手续费,交易后余额');
    const r = crm('import', '--kind', 'transactions', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the header has "金钱": did you mean amount (金额)?');
  });

  it('an optional column one edit away: the file loads, with a warning on stderr naming both', () => {
    const f = file('t_chanel.csv', 'txn_id,account_id,posted_at,amount,currency,chanel,txn_type,fee,balance_after');
    const r = crm('import', f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`crm: warning: ${f}: column "chanel" is not a column of transactions and is ignored: did you mean channel (渠道)? (its values are not loaded)\n`);
    expect(r.stdout).toContain('1 read, 1 loaded');
  });

  it('an unknown column far from every known one stays a note', () => {
    const f = writeFiles(dir, { 't_extra.csv': 'txn_id,account_id,posted_at,amount,currency,channel,txn_type,fee,balance_after,teller\nT2,A1,2026-09-01 11:00:00,5.00,CNY,counter,deposit,1.00,,X9\n' })[0]!;
    const out = crm('import', f);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('note: ignored unknown column: teller');
  });
});

describe('ids that match nothing', () => {
  it('--rm r1 suggests R1', () => {
    const r = crm('rm-report', '--period', '2026-09', '--rm', 'r1');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('crm: error: no RM r1 in the database; did you mean R1? (ids are case-sensitive)\n');
  });

  it('--branch b1 suggests B1; an id with no near twin keeps the old message', () => {
    expect(crm('rm-report', '--period', '2026-09', '--branch', 'b1').stderr).toContain('did you mean "B1"?');
    expect(crm('rm-report', '--period', '2026-09', '--rm', 'R9').stderr).toBe('crm: error: no RM R9 in the database (import rms.csv)\n');
  });
});

describe('a customer type without customers', () => {
  it('segment: one line instead of an all-zero section', () => {
    const r = crm('segment', '--as-of', '2026-09-01', '--window', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Corporate customers — tiers by contribution (quantiles): no customers\n');
    expect(r.stdout).not.toMatch(/^Standard\s/m);
    expect(r.stdout).toMatch(/^Total\s+2\s/m); // the personal section, in full
    const zh = crm('segment', '--as-of', '2026-09-01', '--window', '1', '--lang', 'zh');
    expect(zh.stdout).toContain('对公客户 — 按贡献分层（分位）：无客户\n');
  });

  it('segment rfm and the HTML report: the same one line', () => {
    const r = crm('segment', 'rfm', '--as-of', '2026-09-01', '--window', '1');
    expect(r.stdout).toContain('Corporate customers: no customers\n');
    expect(r.stdout).not.toMatch(/^corporate\s/m);
    const file = join(dir, 'r.html');
    expect(crm('report', '--html', file, '--as-of', '2026-09-01', '--window', '1').code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<p>Corporate customers — tiers by contribution (quantiles): no customers</p>');
    expect(html).toContain('aria-label="Personal customers — tiers by AUM ADB (thresholds): customers and AUM ADB per tier"');
    expect(html).not.toContain('aria-label="Corporate customers');
    expect(html).not.toContain('data-id="corporate:');
  });
});
