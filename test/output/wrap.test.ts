/** Wrapping text to a width (statements, notes) and tables with a wrapping column. */
import { describe, expect, it } from 'vitest';
import type { ColumnSpec, Row } from '../../src/output/columns.js';
import { displayWidth, localDateTime, wrapText } from '../../src/output/format.js';
import { renderTable } from '../../src/output/table.js';

describe('wrapText', () => {
  it('breaks at spaces, never inside a number', () => {
    const s = 'factor 0.9430 × weight 40% × target bonus 18,000.00 CNY/quarter × 1/3 = 2,263.23 CNY';
    const lines = wrapText(s, 30);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join(' ')).toBe(s);
    // Each number is whole on some line.
    for (const n of ['0.9430', '18,000.00', '2,263.23', '1/3']) expect(lines.some((l) => l.split(' ').includes(n))).toBe(true);
  });

  it('breaks between Chinese characters, keeping closing punctuation on the line before', () => {
    // 达成率 94.30%；未达门槛 60%，计 0 — at 12 columns: "达成率" (6) + " " + "94.30%；" (8) does not fit.
    const lines = wrapText('达成率 94.30%；未达门槛 60%，计 0', 12);
    expect(lines).toEqual(['达成率', '94.30%；未达', '门槛 60%，计', '0']);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(12);
  });

  it('a word wider than the width gets a line of its own; short text is one line', () => {
    expect(wrapText('a 123,456,789.00 b', 8)).toEqual(['a', '123,456,789.00', 'b']);
    expect(wrapText('short', 80)).toEqual(['short']);
  });
});

describe('renderTable with a wrapping column', () => {
  const cols: ColumnSpec[] = [
    { key: 'n', header: '#', kind: 'int' },
    { key: 'amount', header: 'Amount', kind: 'money' },
    { key: 'rule', header: 'Rule', kind: 'text', wrap: 10 },
  ];
  const rows: Row[] = [{ n: 1, amount: 123456, rule: 'one two three four five six seven' }];

  it('wraps the text inside its column when there is room for its minimum', () => {
    // # = 1, Amount = 8 ("1,234.56"), gaps 2 × 2: the rule gets 24 − 13 = 11 columns.
    const out = renderTable(cols, rows, { color: false, width: 24 });
    expect(out).toBe([
      '#    Amount  Rule',
      '-  --------  -----------',
      '1  1,234.56  one two',
      '             three four',
      '             five six',
      '             seven',
    ].join('\n') + '\n');
  });

  it('prints the text under its row when the column cannot get its minimum', () => {
    // The rule needs 20: 1 + 2 + 8 + 2 + 20 = 33 columns > 32.
    const out = renderTable(cols.map((c) => (c.wrap ? { ...c, wrap: 20 } : c)), rows, { color: false, width: 32 });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('#    Amount');
    expect(lines[2]).toBe('1  1,234.56');
    // Under the row, indented 6, wrapped at 32 − 6 = 26 columns.
    expect(lines.slice(3)).toEqual(['      one two three four five', '      six seven']);
  });

  it('--wide keeps the text on one line', () => {
    const out = renderTable(cols, rows, { color: false, width: 20, wide: true });
    expect(out.trimEnd().split('\n')[2]).toBe('1  1,234.56  one two three four five six seven');
  });
});

describe('localDateTime', () => {
  it('shows a stored UTC instant in the local zone with its offset', () => {
    const d = new Date('2026-12-02T06:25:49.123Z');
    const off = -d.getTimezoneOffset();
    const local = new Date(d.getTime() + off * 60000);
    const p = (n: number) => String(n).padStart(2, '0');
    const sign = off < 0 ? '-' : '+';
    expect(localDateTime('2026-12-02T06:25:49.123Z')).toBe(
      `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())} ${p(local.getUTCHours())}:25:49 ${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`);
    expect(localDateTime('not a date')).toBe('not a date');
  });
});
