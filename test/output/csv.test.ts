import { describe, expect, test } from 'vitest';
import type { ColumnSpec, Row } from '../../src/output/columns.js';
import { neutraliseFormula, renderCsv } from '../../src/output/csv.js';
import { encodeGb18030 } from '../../src/output/gb18030.js';

const cols: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', kind: 'text' },
  { key: 'name', header: 'Name', kind: 'text' },
  { key: 'deposit_adb', header: 'Deposit', kind: 'money' },
  { key: 'customers', header: 'Customers', kind: 'int' },
  { key: 'npl_ratio', header: 'NPL', kind: 'percent' },
  { key: 'as_of', header: 'As of', kind: 'date' },
];

describe('renderCsv', () => {
  test('keys as header, plain numbers, null empty', () => {
    const rows: Row[] = [
      { rm_id: 'R001', name: '张三', deposit_adb: 123456789.5, customers: 1234, npl_ratio: 0.0125, as_of: '2024-06-30' },
      { rm_id: 'R002', name: 'Li, Si', deposit_adb: -1250, customers: null, npl_ratio: 0.1 + 0.2, as_of: null },
    ];
    const text = renderCsv(cols, rows).toString('utf8');
    expect(text).toBe(
      'rm_id,name,deposit_adb,customers,npl_ratio,as_of\n' +
        'R001,张三,1234567.90,1234,0.0125,2024-06-30\n' +
        'R002,"Li, Si",-12.50,,0.3,\n',
    );
  });

  test('formula injection neutralised in text, never in numeric columns', () => {
    const rows: Row[] = [
      { rm_id: '=HYPERLINK("http://x")', name: '+86 138', deposit_adb: -5, customers: -3, npl_ratio: -0.5, as_of: '@x' },
      { rm_id: '-R3', name: '\tTab', deposit_adb: 0, customers: 0, npl_ratio: 0, as_of: '\rCR' },
    ];
    const text = renderCsv(cols, rows, { eol: '\r\n' }).toString('utf8');
    expect(text).toBe(
      'rm_id,name,deposit_adb,customers,npl_ratio,as_of\r\n' +
        '"\'=HYPERLINK(""http://x"")",\'+86 138,-0.05,-3,-0.5,\'@x\r\n' +
        "'-R3,'\tTab,0.00,0,0,\"'\rCR\"\r\n",
    );
  });

  test('fields with embedded line breaks are quoted', () => {
    const text = renderCsv(cols.slice(0, 2), [{ rm_id: 'a\nb', name: 'c\rd' }]).toString('utf8');
    expect(text).toBe('rm_id,name\n"a\nb","c\rd"\n');
  });

  test('neutraliseFormula', () => {
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('-12.50')).toBe("'-12.50");
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('张三=1')).toBe('张三=1');
    expect(neutraliseFormula('')).toBe('');
  });

  test('UTF-8 BOM', () => {
    const buf = renderCsv(cols.slice(0, 1), [{ rm_id: 'R1' }], { bom: true });
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(buf.subarray(3).toString('utf8')).toBe('rm_id\nR1\n');
    expect(renderCsv(cols.slice(0, 1), [{ rm_id: 'R1' }])[0]).toBe(0x72); // 'r', no BOM by default
  });

  test('GB18030 output decodes back to the same text', () => {
    const rows: Row[] = [{ rm_id: 'R001', name: '王五 ￥€😀', deposit_adb: 100, customers: 1, npl_ratio: 0, as_of: null }];
    const buf = renderCsv(cols, rows, { encoding: 'gb18030', bom: true });
    expect(new TextDecoder('gb18030').decode(buf)).toBe(renderCsv(cols, rows).toString('utf8'));
    expect(buf.subarray(0, 5).toString('latin1')).toBe('rm_id'); // no BOM for gb18030
  });
});

describe('encodeGb18030', () => {
  const hex = (s: string): string => encodeGb18030(s).toString('hex');
  test('known byte sequences', () => {
    expect(hex('A1,\n')).toBe('41312c0a');
    expect(hex('中')).toBe('d6d0');
    expect(hex('张三')).toBe('d5c5c8fd');
    expect(hex('€')).toBe('a2e3');
    expect(hex('￥')).toBe('a3a4');
    expect(hex('\u3000')).toBe('a1a1'); // lowest two-byte sequence wins
    expect(hex('\u0080')).toBe('81308130'); // first four-byte pointer
    expect(hex('¥')).toBe('81308436');
    // U+1F600: pointer 189000 + 0xF600 = 251976 = 19*12600 + 9*1260 + 123*10 + 6 -> 94 39 fc 36
    expect(hex('😀')).toBe('9439fc36');
    expect(hex('\u{10000}')).toBe('90308130');
    expect(hex('\ud800x')).toBe('8431a43778'); // lone surrogate -> U+FFFD (pointer 39417)
  });

  test('round-trips Chinese, ASCII, €, emoji and (almost) the whole BMP', () => {
    const d = new TextDecoder('gb18030');
    const sample = '客户经理 RM-001: 存款日均 ￥1,234.50 (€12) 😀𠀀 ©°·—“”';
    expect(d.decode(encodeGb18030(sample))).toBe(sample);
    let all = '';
    for (let c = 0x80; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) all += String.fromCharCode(c);
    const back = d.decode(encodeGb18030(all));
    let mismatches = 0;
    for (let i = 0; i < all.length; i++) if (back[i] !== all[i]) mismatches++;
    // Only private-use code points that the GB18030-2022 decoder no longer produces (e.g. U+E5E5,
    // U+E78D..E796) cannot be encoded; they become '?'.
    expect(mismatches).toBeLessThan(40);
    expect(back.length).toBe(all.length);
  });
});
