/** writeCsv and writeJson: the bytes of renderCsv and renderJson, written in pieces. */
import { describe, expect, it } from 'vitest';
import { renderCsv, renderJson, writeCsv, writeJson, type ColumnSpec, type CsvOptions, type Row } from '../../src/output/index.js';

const COLS: ColumnSpec[] = [
  { key: 'id', header: 'Id', kind: 'text' },
  { key: 'name', header: 'Name', kind: 'text' },
  { key: 'amount', header: 'Amount', kind: 'money' },
];
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `C${i}`, name: i % 7 === 0 ? '=张,"三"\n' : `客户${i}`, amount: i * 101 - 5000 }));

function pieces(f: (write: (c: string | Buffer) => void) => void): { bytes: Buffer; count: number; largest: number } {
  const out: Buffer[] = [];
  f((c) => out.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
  return { bytes: Buffer.concat(out), count: out.length, largest: Math.max(0, ...out.map((b) => b.length)) };
}

describe('writeCsv', () => {
  it('two rows: header, then each record', () => {
    const r = pieces((w) => writeCsv(COLS, rows(2), {}, w));
    // Row 0: name "=张,"三"\n" is neutralised ('=…) and quoted (comma, quote, newline); amount 0·101 − 5,000 fen = -50.00;
    // row 1: 1·101 − 5,000 = −4,899 fen = -48.99.
    expect(r.bytes.toString()).toBe('id,name,amount\nC0,"\'=张,""三""\n",-50.00\nC1,客户1,-48.99\n');
  });

  it.each<[string, CsvOptions]>([['plain', {}], ['BOM and CRLF', { bom: true, eol: '\r\n' }], ['no header', { header: false }]])(
    '%s: 100,000 rows come in pieces of at most 1 MiB, the bytes of renderCsv, the BOM once', (_, opts) => {
      const r = pieces((w) => writeCsv(COLS, rows(100_000), opts, w));
      // A row is 20-30 bytes ("C12345,客户12345,12466.45\n": 6 + 1 + 11 + 1 + 8 + 1): over 2 MB, so at least 3 pieces.
      expect(r.bytes.length).toBeGreaterThan(2_000_000);
      expect(r.count).toBeGreaterThanOrEqual(3);
      expect(r.largest).toBeLessThanOrEqual(1 << 20);
      expect(r.bytes.equals(renderCsv(COLS, rows(100_000), opts))).toBe(true);
    });

  it('GB18030: 20,000 rows (three pieces) are the bytes of renderCsv', () => {
    const r = pieces((w) => writeCsv(COLS, rows(20_000), { encoding: 'gb18030' }, w));
    expect(r.count).toBe(3); // pieces of 8,192 rows: 8,192 + 8,192 + 3,616
    expect(r.bytes.equals(renderCsv(COLS, rows(20_000), { encoding: 'gb18030' }))).toBe(true);
  });

  it('a line longer than a piece comes whole', () => {
    const long = [{ id: 'L', name: '长'.repeat(600_000), amount: 1 }];
    const r = pieces((w) => writeCsv(COLS, long, {}, w));
    // 600,000 × 3 bytes of UTF-8 = 1.8 MB in one line, after the 15-byte header.
    expect(r.bytes.toString()).toBe(`id,name,amount\nL,${'长'.repeat(600_000)},0.01\n`);
  });

  it('no rows: the header alone, with the BOM', () => {
    expect(pieces((w) => writeCsv(COLS, [], { bom: true }, w)).bytes.equals(renderCsv(COLS, [], { bom: true }))).toBe(true);
  });
});

describe('writeJson', () => {
  const meta = { report: 'x', cut_points: [{ a: [1, 2] }], notes: ['n'] };
  it('1,001 rows and 0 rows: the text of renderJson', () => {
    for (const n of [0, 1, 1_001]) expect(pieces((w) => writeJson(COLS, rows(n), meta, w)).bytes.toString()).toBe(renderJson(COLS, rows(n), meta));
  });
  it('100,000 rows come in pieces of at most 1 MiB, the text of renderJson', () => {
    const r = pieces((w) => writeJson(COLS, rows(100_000), meta, w));
    // A row is ~80 bytes (braces, three keys, indentation): about 8 MB, so several pieces.
    expect(r.count).toBeGreaterThanOrEqual(5);
    expect(r.largest).toBeLessThanOrEqual(1 << 20);
    expect(r.bytes.toString()).toBe(renderJson(COLS, rows(100_000), meta));
  });

  it('escapes, -0, nulls and non-finite numbers as JSON.stringify writes them; keys an object reorders go the whole-text way', () => {
    const cols: ColumnSpec[] = [...COLS, { key: 'n', header: 'N', kind: 'number' }];
    const odd = [
      { id: 'q"\\\n\t\u0001', name: '客户 \u2028 😀', amount: -0, n: Number.NaN },
      { id: null, name: undefined as unknown as string, amount: Number.POSITIVE_INFINITY, n: -1e-7 },
    ];
    expect(pieces((w) => writeJson(cols, odd, meta, w)).bytes.toString()).toBe(renderJson(cols, odd, meta));
    // "10" and "2" are array indexes: an object lists them first, so the row text follows the object.
    const numbered: ColumnSpec[] = [{ key: 'b', header: 'B', kind: 'text' }, { key: '10', header: '10', kind: 'int' }, { key: '2', header: '2', kind: 'int' }];
    const r = [{ b: 'x', 10: 1, 2: 2 }];
    expect(pieces((w) => writeJson(numbered, r, meta, w)).bytes.toString()).toBe(renderJson(numbered, r, meta));
    expect(renderJson(numbered, r, meta)).toContain('{\n      "2": 2,\n      "10": 1,\n      "b": "x"\n    }');
  });

  it('one row, spelled out', () => {
    expect(pieces((w) => writeJson(COLS, [{ id: 'A', name: null, amount: 12345 }], { report: 'x' }, w)).bytes.toString())
      .toBe('{\n  "report": "x",\n  "rows": [\n    {\n      "id": "A",\n      "name": null,\n      "amount": 123.45\n    }\n  ]\n}\n');
  });
});
