/**
 * JSON export: `{ ...meta, rows: [...] }`, pretty-printed (2 spaces), trailing newline.
 * Each row object has the column keys in column order. money: yuan number rounded half away
 * from zero to 0.01 (so 1234.5 fen -> 12.35; JSON numbers carry no trailing zeros);
 * percent: fraction (rounded to 6 decimals); int: integer; number: rounded to 6 decimals;
 * text/date: strings as given; null/undefined/non-finite: null. `rows` from meta is overridden.
 */
import type { CellValue, ColumnSpec, Row } from './columns.js';
import { fenToYuan, roundHalfAwayFromZero } from './format.js';
import { MACHINE_DECIMALS } from './csv.js';

export function jsonCell(col: ColumnSpec, value: CellValue | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;
  switch (col.kind) {
    case 'money':
      return fenToYuan(value);
    case 'int':
      return roundHalfAwayFromZero(value, 0);
    case 'number':
    case 'percent':
      return roundHalfAwayFromZero(value, MACHINE_DECIMALS);
    default:
      return value;
  }
}

export function renderJson(columns: ColumnSpec[], rows: Row[], meta: Record<string, unknown> = {}): string {
  const out = rows.map((row) => {
    const o: Record<string, string | number | null> = {};
    for (const c of columns) o[c.key] = jsonCell(c, row[c.key]);
    return o;
  });
  return `${JSON.stringify({ ...meta, rows: out }, null, 2)}\n`;
}
