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

function jsonRow(columns: ColumnSpec[], row: Row): Record<string, string | number | null> {
  const o: Record<string, string | number | null> = {};
  for (const c of columns) o[c.key] = jsonCell(c, row[c.key]);
  return o;
}

export function renderJson(columns: ColumnSpec[], rows: Row[], meta: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...meta, rows: rows.map((r) => jsonRow(columns, r)) }, null, 2)}\n`;
}

/** Rows per chunk of jsonChunks. */
const CHUNK_ROWS = 4096;

/**
 * The JSON of renderJson in chunks of text (meta first, then the rows a few thousand at a
 * time): a caller writes each as it comes. The same bytes as renderJson.
 */
export function* jsonChunks(columns: ColumnSpec[], rows: Iterable<Row>, meta: Record<string, unknown> = {}): Generator<string> {
  const empty = `${JSON.stringify({ ...meta, rows: [] }, null, 2)}\n`;
  const tail = '"rows": []\n}\n';
  if (!empty.endsWith(tail)) {
    // `rows` stood elsewhere in meta: the whole text at once.
    yield renderJson(columns, [...rows], meta);
    return;
  }
  let part = `${empty.slice(0, -tail.length)}"rows": [`;
  let n = 0;
  for (const row of rows) {
    part += `${n++ ? ',' : ''}\n    ${JSON.stringify(jsonRow(columns, row), null, 2).replace(/\n/g, '\n    ')}`;
    if (n % CHUNK_ROWS === 0) {
      yield part;
      part = '';
    }
  }
  yield n ? `${part}\n  ]\n}\n` : `${part}]\n}\n`;
}
