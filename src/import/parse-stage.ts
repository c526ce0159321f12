/**
 * The parse stage of an import: read, decode, split into records, map and validate each
 * row. It has no database access, so it can run on a worker thread while the main thread
 * writes (see worker.ts), or inline for small files.
 */
import { createHash } from 'node:crypto';
import { KINDS, type Kind } from './kinds.js';
import type { FileSpec } from './mapping.js';
import { readCsvFile, type ReadInfo } from './reader.js';
import { buildExtractor, parseRow, type Extractor, type Value } from './rows.js';

export interface ParseJob {
  path: string;
  kind: Kind;
  spec?: FileSpec;
  encoding?: string;
  delimiter?: string;
  snapshotMode: 'full' | 'partial' | 'none';
}

export interface ParseSink {
  note(text: string): void;
  /** `values` is only valid during the call (the worker path reuses one array per batch). */
  row(values: Value[], line: number, raw: string): void;
  reject(line: number, column: string, reason: string, raw: string): void;
  progress?(bytesDone: number, totalBytes: number): void;
}

export interface ParseResult extends ReadInfo {
  sha256: string;
}

export function kindDef(kind: Kind, snapshotMode: ParseJob['snapshotMode']) {
  const def = KINDS[kind];
  // A register of accounts (no balances): the balance and as_of columns are not required.
  return snapshotMode === 'none'
    ? { ...def, columns: def.columns.map((c) => (c.name === 'balance' || c.name === 'as_of' ? { ...c, required: false } : c)) }
    : def;
}

export function parseFile(job: ParseJob, sink: ParseSink): ParseResult {
  const def = kindDef(job.kind, job.snapshotMode);
  const spec = job.spec;
  const hash = createHash('sha256');
  const dates = { format: spec?.date_format, pivot: spec?.year_pivot };
  let extractor: Extractor | undefined;
  const info = readCsvFile(job.path, { encoding: spec?.encoding ?? job.encoding, delimiter: spec?.delimiter ?? job.delimiter }, {
    bytes: (b) => hash.update(b),
    header(h) {
      extractor = buildExtractor(def, h.fields, spec, job.path);
      if (extractor.unknown.length) sink.note(`ignored unknown column${extractor.unknown.length > 1 ? 's' : ''}: ${extractor.unknown.join(', ')}`);
    },
    record(rec) {
      const ex = extractor!;
      if (rec.fields.length !== ex.width) {
        sink.reject(rec.line, '', `expected ${ex.width} fields, found ${rec.fields.length}`, rec.raw);
        return;
      }
      // Without a mapping every value is a piece of the record's text: one check of the text for
      // NUL and U+FFFD stands for the per-value checks (a mapping's constants and lookups are not).
      const clean = !spec && rec.raw.indexOf('\u0000') === -1 && rec.raw.indexOf('\uFFFD') === -1;
      const values = parseRow(def, ex.extract(rec.fields), dates, clean);
      if (!Array.isArray(values)) sink.reject(rec.line, values.column, values.reason, rec.raw);
      else sink.row(values, rec.line, rec.raw);
    },
    error(e) {
      sink.reject(e.line, '', e.message, e.raw);
    },
    progress: sink.progress,
  });
  return { ...info, sha256: hash.digest('hex') };
}

/** Thrown to stop reading once every wanted line is found. */
class AllFound extends Error {}

/**
 * The original text of the given records, read again from the file with the encoding and
 * delimiter the import used: for rows rejected after the parse thread sent them without their
 * text (see worker.ts). `rows` in ascending line order (e.g. a statement's rows, not held at
 * once); `found(row, raw)` is called for each in that order, as the file is read (raw '' for a
 * line not found), so that no text is held for all of them at once.
 */
export function recoverRaw<T extends { line: number }>(job: ParseJob, info: Pick<ParseResult, 'encoding' | 'delimiter'>, rows: Iterable<T>,
  found: (row: T, raw: string) => void): void {
  const it = rows[Symbol.iterator]();
  let next = it.next();
  try {
    try {
      if (!next.done) readCsvFile(job.path, { encoding: info.encoding, delimiter: info.delimiter }, {
        header() {},
        record(rec) {
          for (; !next.done && next.value.line < rec.line; next = it.next()) found(next.value, '');
          for (; !next.done && next.value.line === rec.line; next = it.next()) found(next.value, rec.raw);
          if (next.done) throw new AllFound();
        },
        error() {},
      });
    } catch (e) {
      if (!(e instanceof AllFound)) throw e;
    }
    for (; !next.done; next = it.next()) found(next.value, '');
  } finally {
    // A statement's rows left unread (an error on the way) would keep the connection busy.
    if (!next.done) it.return?.();
  }
}
