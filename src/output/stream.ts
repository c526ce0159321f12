/**
 * CSV and JSON of rows that arrive one at a time, written in pieces as they come: the same bytes
 * as renderCsv and renderJson of all the rows, without holding them (a report of a million
 * customers). Rows are rendered in batches of BATCH_ROWS: small ones, so that they die young
 * (batches of 10,000 doubled the peak memory of a million rows).
 */
import type { ColumnSpec, Row } from './columns.js';
import { renderCsv, type CsvOptions } from './csv.js';
import { jsonCell } from './json.js';

export type Write = (chunk: string | Buffer) => void;

const BATCH_ROWS = 250;

/** renderCsv(columns, [...rows], opts), written in pieces. */
export function writeCsv(columns: ColumnSpec[], rows: Iterable<Row>, opts: CsvOptions, write: Write): void {
  let batch: Row[] = [];
  let first = true;
  const flush = () => {
    // The header and the BOM go with the first piece only.
    write(renderCsv(columns, batch, { ...opts, header: first && opts.header !== false, bom: first && opts.bom }));
    first = false;
    batch = [];
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH_ROWS) flush();
  }
  if (first || batch.length) flush();
}

/** renderJson(columns, [...rows], meta), written in pieces. */
export function writeJson(columns: ColumnSpec[], rows: Iterable<Row>, meta: Record<string, unknown>, write: Write): void {
  // `{ …meta, "rows": [] }` pretty-printed ends with `"rows": []\n}`: the rows go between the brackets.
  const empty = JSON.stringify({ ...meta, rows: [] }, null, 2);
  const open = empty.slice(0, -'[]\n}'.length);
  let text = '';
  let n = 0;
  for (const row of rows) {
    const o: Record<string, string | number | null> = {};
    for (const c of columns) o[c.key] = jsonCell(c, row[c.key]);
    text += `${n === 0 ? `${open}[\n` : ',\n'}    ${JSON.stringify(o, null, 2).replace(/\n/g, '\n    ')}`;
    if (++n % BATCH_ROWS === 0) {
      write(text);
      text = '';
    }
  }
  write(n === 0 ? `${empty}\n` : `${text}\n  ]\n}\n`);
}
