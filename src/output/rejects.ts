/**
 * The rejects CSV of `crm import`: file, line, column, reason and the original row, written
 * with the same CSV rendering (quoting, formula neutralisation) as every other export.
 * Created on the first reject; each file's rejects are buffered (up to a bound) and written in
 * line order when the file ends.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RejectsSink } from '../import/index.js';
import { ownCopy } from '../strings.js';
import type { ColumnSpec, Row } from './columns.js';
import { renderCsv } from './csv.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'file', header: 'file', kind: 'text' },
  { key: 'line', header: 'line', kind: 'int' },
  { key: 'column', header: 'column', kind: 'text' },
  { key: 'reason', header: 'reason', kind: 'text' },
  { key: 'row', header: 'row', kind: 'text' },
];

/** A rejected row longer than this is cut (the rest of a runaway record is noise). */
const MAX_ROW_CHARS = 4000;

export class RejectsFile implements RejectsSink {
  private fd: number | null = null;
  private buffer: Row[] = [];
  count = 0;
  constructor(readonly path: string) {}
  write(file: string, line: number, column: string, reason: string, raw: string): void {
    this.count++;
    // A copy: the text arrives cut from its batch's text, which it would otherwise keep in memory
    // until the buffer is written (rejects spread over a large file pinned every batch).
    this.buffer.push({ file, line, column, reason, row: raw.length > MAX_ROW_CHARS ? raw.slice(0, MAX_ROW_CHARS) + '…' : ownCopy(raw) });
    if (this.buffer.length >= 10_000) this.flush();
  }
  endFile(): void {
    this.flush();
  }
  private flush(): void {
    if (this.buffer.length === 0) return;
    const first = this.fd === null;
    if (first) this.fd = openSync(this.path, 'w');
    this.buffer.sort((a, b) => (a.line as number) - (b.line as number));
    writeSync(this.fd!, renderCsv(COLUMNS, this.buffer, { header: first }));
    this.buffer = [];
  }
  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
