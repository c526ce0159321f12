/**
 * `crm import`: the orchestration. Files are peeked to learn their kind, sorted into
 * dependency order, then each loads in its own transaction (or, with --dry-run or
 * --strict, all inside one outer transaction that is rolled back when it must be).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import type { Db } from '../db/connection.js';
import { describeSqliteError } from '../db/connection.js';
import { CrmError, DataError, UsageError } from '../errors.js';
import { detectDelimiter, parseCsvText } from './csv.js';
import { detectKind, KIND_ORDER, parseKind, type Kind } from './kinds.js';
import { makeLoader, type RowOutcome } from './load.js';
import { parseFile, recoverRaw, type ParseJob, type ParseResult, type ParseSink } from './parse-stage.js';
import { DEFAULT_MAX_CODES, SHARED_CONSUMED, SHARED_WANT_RAW, VALUE_NUMBER, VALUE_STRING, type WorkerMessage } from './worker.js';
import { specForHeader, specForName, type FileSpec, type Mapping } from './mapping.js';
import { smallHeapWatch } from './heap.js';
import { detectEncoding, normaliseEncoding } from './reader.js';
import type { Value } from './rows.js';
import { parseDate } from './values.js';

export interface ImportOptions {
  kind?: string;
  encoding?: string;
  delimiter?: string;
  mapping?: Mapping;
  strict?: boolean;
  dryRun?: boolean;
  /** Effective date of customer reassignments (default: a date in the file name, else today). */
  asOf?: string;
  /** Treat account snapshots as partial: absent accounts are not closed. */
  partial?: boolean;
  rejects: RejectsSink;
  onProgress?: (file: string, bytesDone: number, totalBytes: number, rows: number) => void;
  onFileDone?: (r: FileResult) => void;
  /** Large input: keep the loading thread's heap small at a little speed (heap.ts). */
  smallHeap?: boolean;
}

export interface FileResult {
  file: string;
  kind: Kind | null;
  encoding?: string;
  delimiter?: string;
  read: number;
  loaded: number;
  updated: number;
  skipped: number;
  rejected: number;
  status: 'ok' | 'rejects' | 'failed' | 'ignored' | 'rolled back';
  message?: string;
  notes: string[];
  /** Set when an earlier import had exactly the same bytes. */
  previousImport?: { id: number; at: string };
}

export interface ImportResult {
  files: FileResult[];
  rejected: number;
  failed: boolean;
  /** Nothing was written (dry run, or strict with rejects). */
  rolledBack: boolean;
}

/** Where rejected rows go (a CSV with file, line, column, reason, row). */
export interface RejectsSink {
  write(file: string, line: number, column: string, reason: string, raw: string): void;
  /** The current file is finished (a sink may sort what it buffered). */
  endFile?(): void;
}

interface Planned {
  path: string;
  kind: Kind | null;
  spec?: FileSpec;
  ignoredBy?: string;
  error?: string;
  firstDate?: string;
}

const PEEK_BYTES = 256 * 1024;

/** Reads the beginning of a file to learn its header (for kind detection and ordering). */
function peekHeader(path: string, encoding: string | undefined, delimiter: string | undefined): { header: string[]; second?: string[] } | { error: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : (e as Error).message };
  }
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } catch (e) {
      return { error: (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory, not a file' : (e as Error).message };
    }
    if (n === 0) return { error: 'empty file (no header row)' };
    const enc = encoding && normaliseEncoding(encoding) !== 'auto' ? normaliseEncoding(encoding) : detectEncoding(buf.subarray(0, n), n < PEEK_BYTES);
    const text = new TextDecoder(enc as string).decode(buf.subarray(0, n));
    const firstLine = text.split(/\r\n|\n|\r/, 1)[0];
    const { records } = parseCsvText(text.slice(0, Math.min(text.length, 64 * 1024)), delimiter ?? detectDelimiter(firstLine));
    if (records.length === 0) return { error: 'empty file (no header row)' };
    return { header: records[0].fields, second: records[1]?.fields };
  } finally {
    closeSync(fd);
  }
}

function plan(files: string[], opts: ImportOptions): Planned[] {
  const forced = opts.kind ? parseKindOption(opts.kind) : undefined;
  const out: Planned[] = files.map((path) => {
    let spec = opts.mapping ? specForName(opts.mapping, path) : undefined;
    if (spec?.ignore) return { path, kind: null, ignoredBy: 'mapping says ignore' };
    const peek = peekHeader(path, spec?.encoding ?? opts.encoding, spec?.delimiter ?? opts.delimiter);
    if ('error' in peek) return { path, kind: forced ?? spec?.kind ?? null, error: peek.error };
    if (opts.mapping && !spec) {
      spec = specForHeader(opts.mapping, peek.header);
      if (spec?.ignore) return { path, kind: null, ignoredBy: 'mapping says ignore' };
      if (!spec) return { path, kind: null, error: `the mapping ${basename(opts.mapping.path)} describes no file by this name or header` };
    }
    const kind = forced ?? spec?.kind ?? detectKind(peek.header) ?? null;
    if (!kind) {
      return { path, kind: null, error: `cannot tell the kind of file from its header (${peek.header.slice(0, 8).map((h) => h.trim()).join(', ')}${peek.header.length > 8 ? ', …' : ''}); use --kind or --mapping` };
    }
    return { path, kind, spec };
  });
  // Dependency order; within a kind, by file name (snapshot dates in names ascend).
  return out
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || (a.p.kind === 'accounts' && b.p.kind === 'accounts' ? basename(a.p.path).localeCompare(basename(b.p.path)) : 0) || a.i - b.i)
    .map((x) => x.p);
}

function rank(p: Planned): number {
  return p.kind ? KIND_ORDER.indexOf(p.kind) : -1;
}

function parseKindOption(k: string): Kind {
  try {
    return parseKind(k);
  } catch (e) {
    throw new UsageError(`--kind: ${(e as Error).message}`);
  }
}

/** A date in a file name (accounts_2026-11-15.csv, cust20261115.csv). */
export function dateFromName(path: string): string | undefined {
  const m = /(\d{4})-?(\d{2})-?(\d{2})/.exec(basename(path));
  if (!m) return undefined;
  try {
    return parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  } catch {
    return undefined;
  }
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export async function importFiles(db: Db, files: string[], opts: ImportOptions): Promise<ImportResult> {
  if (files.length === 0) throw new UsageError('no files given (crm import FILE...)');
  const planned = plan(files, opts);
  const results: FileResult[] = [];
  const outer = !!(opts.dryRun || opts.strict);
  const logStart = db.prepare(`INSERT INTO import_log (file, size, sha256, kind, status, started_at) VALUES (?, ?, NULL, ?, 'started', ?)`);
  const logEnd = db.prepare(`UPDATE import_log SET sha256 = ?, encoding = ?, delimiter = ?, rows_read = ?, rows_loaded = ?, rows_updated = ?, rows_skipped = ?,
    rows_rejected = ?, status = ?, message = ?, finished_at = ? WHERE import_id = ?`);
  const previous = db.prepare(`SELECT import_id, finished_at FROM import_log WHERE sha256 = ? AND status IN ('ok', 'rejects') AND import_id != ? ORDER BY import_id DESC LIMIT 1`).raw();
  let failed = false;
  // Temporary data in files (SQLite keeps them in its cache until they grow): with MEMORY, a
  // statement's journal is held whole in RAM, and refreshing customer_spans for 800k customers at
  // the end of a file put ~80 MB on the peak (a 1.53M-account transactions file: 295 → 275 MB).
  db.pragma('temp_store = FILE');
  if (outer) db.exec('BEGIN IMMEDIATE');
  try {
    for (const p of planned) {
      const base: FileResult = { file: p.path, kind: p.kind, read: 0, loaded: 0, updated: 0, skipped: 0, rejected: 0, status: 'ok', notes: [] };
      if (p.ignoredBy) {
        results.push({ ...base, status: 'ignored', message: p.ignoredBy });
        opts.onFileDone?.(results[results.length - 1]);
        continue;
      }
      if (failed) {
        results.push({ ...base, status: 'failed', message: 'not imported: an earlier file failed' });
        continue;
      }
      if (p.error) {
        failed = true;
        results.push({ ...base, status: 'failed', message: p.error });
        opts.onFileDone?.(results[results.length - 1]);
        continue;
      }
      const startedAt = new Date().toISOString();
      let importId: number;
      try {
        importId = Number(logStart.run(p.path, null, p.kind, startedAt).lastInsertRowid);
      } catch (e) {
        throw new DataError(`${opts.dryRun ? '' : 'cannot write to the database: '}${describeSqliteError(e)}`);
      }
      const r = { ...base };
      let sha = '';
      const savepoint = outer ? 'SAVEPOINT file' : 'BEGIN IMMEDIATE';
      try {
        db.exec(savepoint);
        const info = await loadOne(db, p, importId, opts, r);
        sha = info.sha256;
        r.encoding = info.encoding;
        r.delimiter = info.delimiter;
        r.status = r.rejected ? 'rejects' : 'ok';
        const prev = previous.get(sha, importId) as [number, string] | undefined;
        if (prev) r.previousImport = { id: prev[0], at: prev[1] };
        logEnd.run(sha, info.encoding, info.delimiter, r.read, r.loaded, r.updated, r.skipped, r.rejected, r.status, r.notes.join('; ') || null, new Date().toISOString(), importId);
        db.exec(outer ? 'RELEASE file' : 'COMMIT');
      } catch (e) {
        // On some errors (SQLITE_FULL, IOERR, NOMEM) SQLite has already rolled the transaction back:
        // a second ROLLBACK would fail with "no transaction is active" and hide the real error.
        if (db.inTransaction) db.exec(outer ? 'ROLLBACK TO file; RELEASE file' : 'ROLLBACK');
        else if (outer) throw new DataError(`${p.path}: ${e instanceof CrmError ? e.message.replace(`${p.path}: `, '') : describeSqliteError(e)}; nothing was written`);
        failed = true;
        r.status = 'failed';
        // Nothing of this file is in the database: the summary must not count its rows as loaded.
        r.loaded = r.updated = r.skipped = 0;
        r.message = e instanceof CrmError ? e.message.replace(`${p.path}: `, '') : describeSqliteError(e);
        try {
          logEnd.run(sha || null, null, null, r.read, 0, 0, 0, r.rejected, 'failed', r.message, new Date().toISOString(), importId);
        } catch {
          // The database itself is failing (disk full, read-only): the error is reported below.
        }
        if (!(e instanceof CrmError) && !isSqliteError(e)) throw e;
      }
      results.push(r);
      opts.onFileDone?.(r);
    }
    const rejected = results.reduce((s, r) => s + r.rejected, 0);
    let rolledBack = false;
    if (outer) {
      if (opts.dryRun || (opts.strict && (rejected > 0 || failed))) {
        db.exec('ROLLBACK');
        rolledBack = true;
        for (const r of results) if (r.status === 'ok' || r.status === 'rejects') r.status = opts.dryRun ? r.status : 'rolled back';
      } else {
        db.exec('COMMIT');
      }
    }
    return { files: results, rejected, failed, rolledBack };
  } catch (e) {
    if (outer && db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

function isSqliteError(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string' && String((e as { code: string }).code).startsWith('SQLITE_');
}

/**
 * Files at least this large are parsed on a worker thread while the main thread writes (the
 * thread costs ~0.1 s to start). Measured break-even: ~10 MB for transactions, ~6 MB for account
 * snapshots, whose rows cost the database stage more (a nightly 100k-account file of 8 MB:
 * 1.09 s on the thread, 1.18 s without).
 */
const WORKER_THRESHOLD_BYTES = 8 * 1024 * 1024;
const WORKER_THRESHOLD_BYTES_ACCOUNTS = 6 * 1024 * 1024;

function useWorker(path: string, kind: Kind): boolean {
  const mode = process.env.CRM_PARSE_WORKER;
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  try {
    return statSync(path).size >= (kind === 'accounts' ? WORKER_THRESHOLD_BYTES_ACCOUNTS : WORKER_THRESHOLD_BYTES);
  } catch {
    return false;
  }
}

async function loadOne(db: Db, p: Planned, importId: number, opts: ImportOptions, r: FileResult) {
  const kind = p.kind!;
  const spec = p.spec;
  const snapshotMode = kind === 'accounts' ? (spec?.snapshot ?? (opts.partial ? 'partial' : 'full')) : 'full';
  const fileName = p.path;
  const shared = new Int32Array(new SharedArrayBuffer(8));
  // Rows the database stage rejected before the parse thread was asked for raw text: their
  // text is read again from the file at the end.
  const textless: { line: number; column: string; reason: string }[] = [];
  const reject = (line: number, column: string, reason: string, raw: string | undefined) => {
    r.rejected++;
    if (raw !== undefined) opts.rejects.write(fileName, line, column, reason, raw);
    else {
      textless.push({ line, column, reason });
      Atomics.store(shared, SHARED_WANT_RAW, 1);
    }
  };
  const count = (out: RowOutcome, line: number, raw: string | undefined) => {
    if (out === 'loaded') r.loaded++;
    else if (out === 'updated') r.updated++;
    else if (out === 'skipped') r.skipped++;
    else reject(line, out.column, out.reason, raw);
  };
  const loader = makeLoader(kind, {
    db, importId, snapshotMode,
    effectiveDate: opts.asOf ?? dateFromName(p.path) ?? today(),
    report: count,
  });
  const job: ParseJob = { path: p.path, kind, spec, encoding: opts.encoding, delimiter: opts.delimiter, snapshotMode };
  const progress = opts.onProgress ? (done: number, total: number) => opts.onProgress!(p.path, done, total, r.read) : undefined;
  const onRow = (values: Value[], line: number, raw: string | undefined) => {
    r.read++;
    const out = loader.row(values, line, raw);
    if (out !== undefined) count(out, line, raw);
  };
  const onReject = (line: number, column: string, reason: string, raw: string) => {
    r.read++;
    reject(line, column, reason, raw);
  };
  const sink = { note: (t: string) => r.notes.push(t), row: onRow, reject: onReject, progress };
  let info: ParseResult;
  if (useWorker(p.path, kind)) info = await parseOnWorker(job, sink, shared, !!opts.smallHeap);
  else if (!opts.smallHeap) info = parseFile(job, sink);
  else {
    // Parsed here (a small file of a large input): the watch is checked a chunk at a time.
    const check = smallHeapWatch();
    info = parseFile(job, { ...sink, progress: (done, total) => (check(), sink.progress?.(done, total)) });
  }
  if (info.empty) throw new DataError(`${p.path}: empty file (no header row)`);
  const fin = loader.finish();
  r.updated += fin.updated;
  r.notes.push(...fin.notes);
  if (textless.length) {
    const raws = recoverRaw(job, info, textless.map((t) => t.line));
    for (const t of textless) opts.rejects.write(fileName, t.line, t.column, t.reason, raws.get(t.line) ?? '');
  }
  opts.rejects.endFile?.();
  return info;
}

/** What the parse stage hands over; a row's raw text is undefined when the parse thread did not send it. */
interface RowSink extends Omit<ParseSink, 'row'> {
  row(values: Value[], line: number, raw: string | undefined): void;
}

/** Runs the parse stage on a worker thread; rows are handed to the sink on this thread. */
function parseOnWorker(job: ParseJob, sink: RowSink, shared: Int32Array, smallHeap: boolean): Promise<ParseResult> {
  const maxCodes = Number(process.env.CRM_PARSE_CODES ?? DEFAULT_MAX_CODES);
  // A bounded heap for the parser: it only ever holds a few batches and the repeating columns'
  // dictionaries, and V8 otherwise lets garbage pile up.
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { job, shared: shared.buffer, maxCodes },
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
  });
  // Per column, the values the parse thread numbered (see worker.ts).
  const dicts: (string[] | undefined)[] = [];
  // Checked a batch at a time, from the first one on (heap.ts).
  let heapCheck: (() => void) | undefined;
  return new Promise<ParseResult>((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(e);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      try {
        if (m.type === 'batch') {
          for (const n of m.notes) sink.note(n);
          for (const [line, column, reason, raw] of m.rejects) sink.reject(line, column, reason, raw);
          for (let k = 0; k < m.dict.length; k += 3) (dicts[m.dict[k] as number] ??= [])[m.dict[k + 1] as number] = m.dict[k + 2] as string;
          const w = m.width;
          const hasRaw = m.rawEnds.length > 0;
          // One array for every row of the batch: loaders read a row's values during row() and keep none of them.
          const rec: Value[] = new Array(w);
          const { kinds, nums, strs } = m;
          let s = 0;
          for (let i = 0; i < m.lines.length; i++) {
            for (let j = 0; j < w; j++) {
              const o = i * w + j;
              const kind = kinds[o];
              const d = dicts[j];
              // Only a numbered column has a dictionary, and there a number is always a code.
              rec[j] = kind === VALUE_NUMBER ? (d !== undefined ? d[nums[o]] : nums[o]) : kind === VALUE_STRING ? strs[s++] : null;
            }
            sink.row(rec, m.lines[i], hasRaw ? m.rawText.slice(i === 0 ? 0 : m.rawEnds[i - 1], m.rawEnds[i]) : undefined);
          }
          sink.progress?.(m.bytesDone, m.totalBytes);
          if (smallHeap) (heapCheck ??= smallHeapWatch())();
          Atomics.add(shared, SHARED_CONSUMED, 1);
          Atomics.notify(shared, SHARED_CONSUMED);
        } else if (m.type === 'done') {
          settled = true;
          resolve(m.result);
        } else {
          fail(m.exitCode === 2 ? new UsageError(m.message) : new DataError(m.message));
        }
      } catch (e) {
        fail(e);
      }
    });
    worker.on('error', (e: Error & { code?: string }) =>
      fail(new DataError(`${job.path}: the parser thread failed: ${e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory (a record too large?)' : e.message}`)));
    worker.on('exit', (code) => {
      if (!settled) fail(new DataError(`${job.path}: the parser thread stopped unexpectedly (exit code ${code})`));
    });
  });
}
