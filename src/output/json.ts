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
import { Utf8Pieces } from './pieces.js';

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

/** An array index as a property name: an object puts those first (and `__proto__` is no property), so rowText does not apply. */
const INDEX_KEY = /^(0|[1-9][0-9]*)$/;

/**
 * A row's text as renderJson indents it inside `rows` (JSON.stringify(jsonRow(…), null, 2) with
 * each line indented four more spaces), made from per-column key prefixes; null when the keys
 * would not keep column order in an object (array indexes, repeats) or there are none.
 */
function rowText(columns: ColumnSpec[]): ((row: Row) => string) | null {
  const keys = columns.map((c) => c.key);
  if (!keys.length || new Set(keys).size !== keys.length || keys.some((k) => k === '__proto__' || (INDEX_KEY.test(k) && Number(k) < 2 ** 32 - 1))) return null;
  const prefixes = keys.map((k, i) => `${i ? ',' : ''}\n      ${JSON.stringify(k)}: `);
  return (row) => {
    let text = '{';
    for (let i = 0; i < columns.length; i++) text += prefixes[i] + JSON.stringify(jsonCell(columns[i], row[keys[i]]));
    return `${text}\n    }`;
  };
}

/**
 * The JSON of renderJson in pieces of at most 1 MiB (meta first, then the rows, each written as
 * it is made; Utf8Pieces): a caller writes each as it comes. The same bytes as renderJson.
 */
export function* jsonChunks(columns: ColumnSpec[], rows: Iterable<Row>, meta: Record<string, unknown> = {}): Generator<Buffer> {
  const empty = `${JSON.stringify({ ...meta, rows: [] }, null, 2)}\n`;
  const tail = '"rows": []\n}\n';
  const text = rowText(columns);
  if (!empty.endsWith(tail) || !text) {
    // `rows` stood elsewhere in meta, or keys an object would reorder: the whole text at once.
    yield Buffer.from(renderJson(columns, [...rows], meta));
    return;
  }
  const out = new Utf8Pieces();
  out.write(`${empty.slice(0, -tail.length)}"rows": [`);
  let n = 0;
  for (const row of rows) {
    const full = out.write(`${n++ ? ',' : ''}\n    ${text(row)}`);
    if (full) yield full;
  }
  const full = out.write(n ? '\n  ]\n}\n' : ']\n}\n');
  if (full) yield full;
  yield out.end();
}
