import { describe, expect, test } from 'vitest';
import type { ColumnSpec, Row } from '../../src/output/columns.js';
import { displayWidth, stripAnsi } from '../../src/output/format.js';
import { renderTable } from '../../src/output/table.js';

const cols: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '姓名', kind: 'text' },
  { key: 'deposit_adb', header: 'Deposit', headerZh: '存款日均', kind: 'money', priority: 5 },
  { key: 'npl_ratio', header: 'NPL', headerZh: '不良率', kind: 'percent', priority: 1 },
];
const rows: Row[] = [
  { rm_id: 'R001', name: '张三', deposit_adb: 123456789.5, npl_ratio: 0.0125 },
  { rm_id: 'R002', name: 'Li Si', deposit_adb: -1250, npl_ratio: null },
];

describe('renderTable', () => {
  test('plain layout, hand-derived', () => {
    // widths: RM=4 (R001), Name=5 (Li Si; 张三 is 4 columns), Deposit=12 (1,234,567.90), NPL=5 (1.25%)
    const out = renderTable(cols, rows, { color: false });
    expect(out).toBe(
      [
        'RM    Name        Deposit    NPL',
        '----  -----  ------------  -----',
        'R001  张三   1,234,567.90  1.25%',
        'R002  Li Si        -12.50      -',
      ].join('\n') + '\n',
    );
    expect(out).not.toContain('\x1b');
  });

  test('Chinese headers and totals (zh)', () => {
    const out = renderTable(cols, rows, {
      color: false, lang: 'zh', title: '客户经理业绩', totals: { deposit_adb: 123455539.5 },
    });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('客户经理业绩');
    // widths: 客户经理=8, 姓名=4 vs Li Si=5, 存款日均=8 vs 1,234,567.90=12, 不良率=6
    expect(lines[1]).toBe('客户经理  姓名       存款日均  不良率');
    expect(lines[3]).toBe('R001      张三   1,234,567.90   1.25%');
    expect(lines[5]).toBe('--------  -----  ------------  ------');
    // 合计 (4 cols) + 4 pad + gap 2 + empty name 5 + gap 2 = 13 spaces; 123455539.5 fen rounds to 123455540
    expect(lines[6]).toBe('合计' + ' '.repeat(13) + '1,234,555.40');
    // every table line has the same display width (last column right-aligned)
    for (const l of lines.slice(1, 5)) expect(displayWidth(l)).toBe(8 + 2 + 5 + 2 + 12 + 2 + 6);
  });

  test('colour: negatives red, totals and headers bold; stripping ANSI gives the plain table', () => {
    const opts = { totals: { rm_id: 'All', deposit_adb: -2500 } };
    const colored = renderTable(cols, rows, { ...opts, color: true });
    const plain = renderTable(cols, rows, { ...opts, color: false });
    expect(colored).toContain('\x1b[31m-12.50\x1b[39m');
    expect(colored).toContain('\x1b[1mAll\x1b[22m');
    expect(colored).toContain('\x1b[31m\x1b[1m-25.00\x1b[22m\x1b[39m');
    expect(colored).not.toContain('\x1b[31m1,234,567.90');
    expect(stripAnsi(colored)).toBe(plain);
    expect(plain).not.toContain('\x1b');
    expect(plain.split('\n')[5]).toBe('All                -25.00');
  });

  test('drops lowest-priority columns to fit the width, with a note', () => {
    // full width: 4+5+12+5 + 3*2 = 32
    const fits = renderTable(cols, rows, { color: false, width: 32 });
    expect(fits).not.toContain('--wide');
    const narrow = renderTable(cols, rows, { color: false, width: 31 });
    const lines = narrow.trimEnd().split('\n');
    expect(lines[0]).toBe('RM    Name        Deposit');
    expect(lines[4]).toBe('Hidden to fit the terminal: NPL (use --wide to show all columns)');
    const narrower = renderTable(cols, rows, { color: false, width: 12, notes: ['As of 2024-06-30'] });
    const l2 = narrower.trimEnd().split('\n');
    expect(l2[0]).toBe('RM    Name'); // columns without priority are never hidden
    expect(l2[4]).toBe('As of 2024-06-30');
    expect(l2[5]).toBe('Hidden to fit the terminal: Deposit, NPL (use --wide to show all columns)');
    const zh = renderTable(cols, rows, { color: false, width: 12, lang: 'zh' });
    expect(zh).toContain('已隐藏列：存款日均、不良率');
    const wide = renderTable(cols, rows, { color: false, width: 12, wide: true });
    expect(wide.split('\n')[0]).toBe('RM    Name        Deposit    NPL');
  });

  test('empty rows and unsafe text', () => {
    const out = renderTable(cols.slice(0, 2), [], { color: false });
    expect(out).toBe('RM  Name\n--  ----\n(no rows)\n');
    const evil = renderTable(cols.slice(0, 2), [{ rm_id: 'R1', name: 'a\x1b[31mb\nc' }], { color: false });
    expect(evil).not.toContain('\x1b');
    expect(evil.split('\n')[2]).toBe('R1  a[31mb c');
  });
});
