/**
 * CSV and JSON of rows that arrive one at a time, handed to `write` in pieces as they come: the
 * same bytes as renderCsv and renderJson of all the rows, without holding them (a report of a
 * million customers). The pieces are csvChunks' and jsonChunks'.
 */
import type { ColumnSpec, Row } from './columns.js';
import { csvChunks, type CsvOptions } from './csv.js';
import { jsonChunks } from './json.js';

export type Write = (chunk: string | Buffer) => void;

/** renderCsv(columns, [...rows], opts), written in pieces. */
export function writeCsv(columns: ColumnSpec[], rows: Iterable<Row>, opts: CsvOptions, write: Write): void {
  for (const chunk of csvChunks(columns, rows, opts)) write(chunk);
}

/** renderJson(columns, [...rows], meta), written in pieces. */
export function writeJson(columns: ColumnSpec[], rows: Iterable<Row>, meta: Record<string, unknown>, write: Write): void {
  for (const chunk of jsonChunks(columns, rows, meta)) write(chunk);
}
