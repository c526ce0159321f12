/**
 * --lang resolution from the locale, CSV bytes for Excel (--excel: UTF-8 BOM + CRLF;
 * --encoding gb18030), and tables split into parts on a narrow terminal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excelCsvOptions, localeLang, parseCsvEncoding, renderCsv, renderTable, resolveLang, type ColumnSpec } from '../../src/output/index.js';
import { cleanupTmp, ROOT, runCrm, tmpDir } from '../helpers.js';

describe('language', () => {
  it('--lang wins; else LC_ALL, LC_MESSAGES, LANG (first set) starting with zh', () => {
    expect(resolveLang('zh', { LANG: 'en_US.UTF-8' })).toBe('zh');
    expect(resolveLang('EN', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(resolveLang('zh_CN', {})).toBe('zh');
    expect(resolveLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, { LANG: 'zh_CN.UTF-8', LC_ALL: 'C' })).toBe('en');
    expect(resolveLang(undefined, { LANG: 'en_GB.UTF-8', LC_MESSAGES: 'zh_TW.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, { LC_ALL: '', LANG: 'zh_HK.UTF-8' })).toBe('zh');
    expect(localeLang({})).toBe('en');
    expect(() => resolveLang('fr', {})).toThrow('--lang: expected en or zh (got "fr")');
  });
});

describe('Excel CSV options', () => {
  const cols: ColumnSpec[] = [{ key: 'name', header: 'Name', kind: 'text' }, { key: 'amount', header: 'Amount', kind: 'money' }];
  const rows = [{ name: '张三', amount: 123456 }];

  it('--excel: BOM, UTF-8, CRLF; gb18030: GB18030 bytes, no BOM, CRLF; neither: unchanged', () => {
    const excel = renderCsv(cols, rows, excelCsvOptions(true, undefined));
    expect([...excel.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.subarray(3).toString('utf8')).toBe('name,amount\r\n张三,1234.56\r\n');
    const gb = renderCsv(cols, rows, excelCsvOptions(true, 'gb18030'));
    // 张 = D5 C5, 三 = C8 FD in GB18030
    expect([...gb.subarray(0, 13)]).toEqual([...Buffer.from('name,amount\r\n')]);
    expect([...gb.subarray(13, 17)]).toEqual([0xd5, 0xc5, 0xc8, 0xfd]);
    expect(new TextDecoder('gb18030').decode(gb)).toBe('name,amount\r\n张三,1234.56\r\n');
    expect(excelCsvOptions(false, undefined)).toEqual({});
    expect(excelCsvOptions(false, 'utf8')).toEqual({});
  });

  it('--encoding values', () => {
    expect(parseCsvEncoding('GB18030')).toBe('gb18030');
    expect(parseCsvEncoding('gbk')).toBe('gb18030');
    expect(parseCsvEncoding('UTF-8')).toBe('utf8');
    expect(parseCsvEncoding(undefined)).toBeUndefined();
    expect(() => parseCsvEncoding('latin1')).toThrow('--encoding: expected utf-8 or gb18030 (got "latin1")');
  });
});

describe('table split (matrices on a narrow terminal)', () => {
  const cols: ColumnSpec[] = [{ key: 'from', header: 'From', kind: 'text' }, ...['a', 'b', 'c', 'd'].map((k): ColumnSpec => ({ key: k, header: `Tier ${k}`, kind: 'money' }))];
  const rows = [{ from: 'Mass', a: 123456789, b: -100, c: 0, d: 5 }];
  it('repeats the first column in each part, every part fits, every column shown once', () => {
    const out = renderTable(cols, rows, { color: false, width: 30, split: true, title: 'M' });
    const lines = out.split('\n').filter(Boolean);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.filter((l) => l.startsWith('Mass'))).toHaveLength(2);
    for (const k of ['a', 'b', 'c', 'd']) expect(out.match(new RegExp(`Tier ${k}`, 'g'))).toHaveLength(1);
    expect(out).toContain('M (continued, 2/2)');
    expect(out).toContain('1,234,567.89');
    // --wide: one table
    expect(renderTable(cols, rows, { color: false, width: 30, split: true, wide: true }).split('\n').filter((l) => l.startsWith('Mass'))).toHaveLength(1);
  });
  it('negatives red and totals bold when colour is on', () => {
    const out = renderTable(cols, rows, { color: true, totals: { a: 1 } });
    expect(out).toContain('\u001b[31m-1.00\u001b[39m');
    expect(out).toContain('\u001b[1mTotal\u001b[22m');
  });
});

describe('crm segment / rm-report --excel and --encoding (bytes)', () => {
  let db: string;
  beforeAll(() => {
    const dir = tmpDir('crm-excel-');
    db = join(dir, 'x.db');
    const snaps = readdirSync(join(ROOT, 'samples', 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => `samples/accounts/${f}`);
    const r = runCrm(['--db', db, 'import', 'samples/rms.csv', 'samples/customers.csv', ...snaps, 'samples/transactions.csv', 'samples/targets.csv', 'samples/fx_rates.csv']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(cleanupTmp);
  const raw = (args: string[]): Buffer => {
    const dir = tmpDir('crm-excel-out-');
    const out = join(dir, 'o.csv');
    const r = runCrm(['--db', db, ...args, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(out);
  };

  it('segment --excel: BOM + the plain CSV with CRLF', () => {
    const plain = raw(['segment', '--format', 'csv', '--lang', 'zh']);
    const excel = raw(['segment', '--excel', '--lang', 'zh']);
    expect([...excel.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.subarray(3).toString('utf8')).toBe(plain.toString('utf8').replace(/\n/g, '\r\n'));
    expect(plain.toString('utf8')).toContain(',大众,');
  });

  it('segment --detail --encoding gb18030: GB18030 bytes of the Chinese names', () => {
    const utf8 = raw(['segment', '--detail', '--format', 'csv']).toString('utf8');
    const gb = raw(['segment', '--detail', '--excel', '--encoding', 'gb18030']);
    expect(gb.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb)).toThrow(); // not UTF-8
    expect(new TextDecoder('gb18030').decode(gb)).toBe(utf8.replace(/\n/g, '\r\n'));
  });

  it('rm-report --excel: BOM payroll export; --encoding gb18030 with --lang zh', () => {
    const plain = raw(['rm-report', '--period', '2026-11', '--allow-partial', '--plan', 'samples/plan.yaml', '--format', 'csv']).toString('utf8');
    const excel = raw(['rm-report', '--period', '2026-11', '--allow-partial', '--plan', 'samples/plan.yaml', '--excel']);
    expect([...excel.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.subarray(3).toString('utf8')).toBe(plain.replace(/\n/g, '\r\n'));
    const gb = raw(['rm-report', '--period', '2026-11', '--allow-partial', '--plan', 'samples/plan.yaml', '--encoding', 'gb18030']);
    expect(new TextDecoder('gb18030').decode(gb)).toBe(plain.replace(/\n/g, '\r\n'));
  });

  it('--excel with --format json or table is a usage error (exit 2)', () => {
    const r = runCrm(['--db', db, 'segment', '--excel', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: error: --excel writes CSV: it does not go with --format json\n');
    const e = runCrm(['--db', db, 'rm-report', '--encoding', 'latin1']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('--encoding: expected utf-8 or gb18030');
  });
});
