/**
 * `crm import`: the orchestration. Files are peeked to learn their kind, sorted into
 * dependency order, then each loads in its own transaction (or, with --dry-run or
 * --strict, all inside one outer transaction that is rolled back when it must be).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { basename, join } from 'node:path';
import type { Db } from '../db/connection.js';
import { describeSqliteError, openScratchDb } from '../db/connection.js';
import { CrmError, DataError, UsageError } from '../errors.js';
import { detectDelimiter, parseCsvText } from './csv.js';
import { columnLabel, detectKind, guessKind, KIND_ORDER, KINDS, nearMisses, parseKind, type Kind } from './kinds.js';
import { makeLoader, type RowOutcome } from './load.js';
import { parseFile, recoverRaw, type ParseJob, type ParseResult, type ParseSink } from './parse-stage.js';
import { DEFAULT_MAX_CODES, SHARED_CONSUMED, SHARED_WANT_RAW, VALUE_NUMBER, VALUE_STRING, type WorkerMessage } from './worker.js';
import { specForHeader, specForName, type FileSpec, type Mapping } from './mapping.js';
import { smallHeapWatch } from './heap.js';
import { detectEncoding, normaliseEncoding } from './reader.js';
import type { Value } from './rows.js';
import { dateOfPath, effectiveDate, FROM_THE_START, type EffectiveDate } from './effective-date.js';

export interface ImportOptions {
  kind?: string;
  encoding?: string;
  delimiter?: string;
  mapping?: Mapping;
  strict?: boolean;
  dryRun?: boolean;
  /** Effective date of customer reassignments for files whose name and folder give none (effective-date.ts). */
  asOf?: string;
  /** Treat account snapshots as partial: absent accounts are not closed. */
  partial?: boolean;
  /** The event names an events file may name (from --plan); unset: any name (checked when pay is computed). */
  knownEvents?: { plan: string; names: ReadonlySet<string> };
  rejects: RejectsSink;
  onProgress?: (file: string, bytesDone: number, totalBytes: number, rows: number) => void;
  onFileDone?: (r: FileResult) => void;
  /** Large input: keep the loading thread's heap small at a little speed (heap.ts). */
  smallHeap?: boolean;
}

/**
 * ok: every row loaded · rejects: some rows rejected · failed: the file could not be loaded ·
 * skipped: a file of a folder whose kind cannot be told · ignored: the mapping says so ·
 * rolled back: --strict found a problem elsewhere.
 */
export type FileStatus = 'ok' | 'rejects' | 'failed' | 'skipped' | 'ignored' | 'rolled back';

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
  status: FileStatus;
  message?: string;
  notes: string[];
  /** For stderr as crm: warning:: what the user should act on (an --as-of the file name overrides, a misspelt optional column that loses data). */
  warnings: string[];
  /** Set when an earlier import had exactly the same bytes. */
  previousImport?: { id: number; at: string };
  /** customers: the date its assignments take effect, where that date came from, reassignments recorded. */
  effectiveDate?: EffectiveDate;
  reassigned?: number;
  seconds: number;
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
  /** A file of a folder whose kind cannot be told (not an error without --strict). */
  stray?: string;
  error?: string;
  warnings?: string[];
  /** The date the path gives (file or folder name). */
  named?: EffectiveDate;
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

/** A command-line argument: a file, or a folder whose CSV/TXT files are imported. */
interface Input {
  path: string;
  inFolder: boolean;
  /** An empty folder: reported like a file that fails. */
  error?: string;
}

/** Expands folders into their .csv and .txt files (by name; not recursive, hidden files left out). */
export function expandInputs(args: string[]): Input[] {
  const out: Input[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      // a missing file is reported by the import itself
    }
    if (!isDir) {
      out.push({ path: arg, inFolder: false });
      continue;
    }
    const names = readdirSync(arg).filter((n) => !n.startsWith('.') && /\.(csv|txt)$/i.test(n)).sort();
    const files = names.map((n) => join(arg, n)).filter(isFile);
    if (files.length === 0) out.push({ path: arg, inFolder: false, error: 'a folder with no .csv or .txt file in it' });
    for (const f of files) out.push({ path: f, inFolder: true });
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // a dangling link: not a file of the night
  }
}

/** A name that says which kind of file it is meant to be (customers_20261127.csv, accounts.txt): its header must match. */
const KIND_IN_NAME = /^(rms?|customers?|accounts?|snapshots?|transactions?|txns?|targets?|fx|fx_rates?|rates)(?![a-z])/i;

function plan(inputs: Input[], opts: ImportOptions): Planned[] {
  const forced = opts.kind ? parseKindOption(opts.kind) : undefined;
  const out: Planned[] = inputs.map(({ path, inFolder, error }) => {
    if (error) return { path, kind: null, error };
    let named: EffectiveDate | undefined;
    try {
      named = dateOfPath(path);
    } catch (e) {
      return { path, kind: null, error: (e as Error).message.replace(`${path}: `, '') };
    }
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
      const guess = guessKind(peek.header);
      const hint = guess && guess.misses.length ? `: it looks like ${guess.kind}, but ${guess.misses.map((m) => `"${m.name}" is no column of it (did you mean ${columnLabel(m.column)}?)`).join(', ')}` : '';
      const why = `cannot tell the kind of file from its header (${peek.header.slice(0, 8).map((h) => h.trim()).join(', ')}${peek.header.length > 8 ? ', …' : ''})${hint}; ${hint ? 'fix the header, or ' : ''}use --kind or --mapping`;
      // A stray file in a night's folder (export_summary.csv) is not a reason to fail the night;
      // a file named like a kind whose header is wrong is.
      if (inFolder && !opts.strict && !KIND_IN_NAME.test(basename(path))) return { path, kind: null, stray: why };
      return { path, kind: null, error: why };
    }
    return { path, kind, spec, named, warnings: spec ? [] : optionalNearMisses(kind, peek.header) };
  });
  // Dependency order; within a kind, by file name (snapshot dates in names ascend).
  return out
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || (a.p.kind === 'accounts' && b.p.kind === 'accounts' ? basename(a.p.path).localeCompare(basename(b.p.path)) : 0) || a.i - b.i)
    .map((x) => x.p);
}

/**
 * Header names one edit away from an optional column the header lacks ("chanel"): the file loads,
 * but that column's values (and what depends on them) are lost, so say so.
 */
function optionalNearMisses(kind: Kind, header: string[]): string[] {
  return nearMisses(KINDS[kind], header, 1).filter((m) => !m.column.required).map((m) =>
    `column "${m.name}" is not a column of ${kind} and is ignored: did you mean ${columnLabel(m.column)}? (its values are not loaded)`);
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

/**
 * Imports the planned files in dependency order, each in its own transaction (or all in one outer
 * transaction with --dry-run or --strict).
 * Long: the per-file transaction, its log row and the outer transaction are one control flow; split,
 * the rollback paths would be spread over several functions.
 */
export async function importFiles(db: Db, files: string[], opts: ImportOptions): Promise<ImportResult> {
  if (files.length === 0) throw new UsageError('no files given (crm import FILE... or DIR)');
  const planned = plan(expandInputs(files), opts);
  const results: FileResult[] = [];
  const outer = !!(opts.dryRun || opts.strict);
  const logStart = db.prepare(`INSERT INTO import_log (file, size, sha256, kind, status, started_at) VALUES (?, ?, NULL, ?, 'started', ?)`);
  const logEnd = db.prepare(`UPDATE import_log SET sha256 = ?, encoding = ?, delimiter = ?, rows_read = ?, rows_loaded = ?, rows_updated = ?, rows_skipped = ?,
    rows_rejected = ?, status = ?, message = ?, finished_at = ?, effective_date = ? WHERE import_id = ?`);
  const previous = db.prepare(`SELECT import_id, finished_at FROM import_log WHERE sha256 = ? AND status IN ('ok', 'rejects') AND import_id != ? ORDER BY import_id DESC LIMIT 1`).raw();
  let failed = false;
  // Temporary data in files (SQLite keeps them in its cache until they grow): with MEMORY, a
  // statement's journal is held whole in RAM, and refreshing customer_spans for 800k customers at
  // the end of a file put ~80 MB on the peak (a 1.53M-account transactions file: 295 → 275 MB).
  db.pragma('temp_store = FILE');
  // 16 MB of page cache for the writes (a report's connection has less: its reads are scans).
  db.pragma('cache_size = -16384');
  if (outer) db.exec('BEGIN IMMEDIATE');
  try {
    // A file that fails stops only itself: rows of later files that refer to what it would
    // have loaded are rejected row by row, every other file still loads.
    for (const p of planned) {
      const started = performance.now();
      const base: FileResult = { file: p.path, kind: p.kind, read: 0, loaded: 0, updated: 0, skipped: 0, rejected: 0, status: 'ok', notes: [], warnings: p.warnings ?? [], seconds: 0 };
      const done = (r: FileResult) => {
        r.seconds = Math.round(performance.now() - started) / 1000;
        results.push(r);
        opts.onFileDone?.(r);
      };
      if (p.ignoredBy || p.stray) {
        done({ ...base, status: p.stray ? 'skipped' : 'ignored', message: p.ignoredBy ?? p.stray });
        continue;
      }
      if (p.error) {
        failed = true;
        done({ ...base, status: 'failed', message: p.error });
        continue;
      }
      const r = { ...base };
      if (p.kind === 'customers') {
        try {
          r.effectiveDate = effectiveDate(db, p.path, p.named, opts.asOf);
        } catch (e) {
          failed = true;
          done({ ...r, status: 'failed', message: e instanceof CrmError ? e.message : describeSqliteError(e) });
          continue;
        }
        if (p.named && opts.asOf && opts.asOf !== p.named.date) r.warnings.push(`--as-of ${opts.asOf} not used: the ${p.named.source} gives ${p.named.date}`);
      }
      const startedAt = new Date().toISOString();
      let importId: number;
      try {
        importId = Number(logStart.run(p.path, null, p.kind, startedAt).lastInsertRowid);
      } catch (e) {
        throw new DataError(`${opts.dryRun ? '' : 'cannot write to the database: '}${describeSqliteError(e)}`);
      }
      let sha = '';
      const savepoint = outer ? 'SAVEPOINT file' : 'BEGIN IMMEDIATE';
      const effective = r.effectiveDate?.date ?? null;
      try {
        db.exec(savepoint);
        const info = await loadOne(db, p, importId, opts, r);
        sha = info.sha256;
        r.encoding = info.encoding;
        r.delimiter = info.delimiter;
        r.status = r.rejected ? 'rejects' : 'ok';
        const prev = previous.get(sha, importId) as [number, string] | undefined;
        if (prev) r.previousImport = { id: prev[0], at: prev[1] };
        logEnd.run(sha, info.encoding, info.delimiter, r.read, r.loaded, r.updated, r.skipped, r.rejected, r.status, r.notes.join('; ') || null, new Date().toISOString(), effective, importId);
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
        r.reassigned = undefined;
        r.message = e instanceof CrmError ? e.message.replace(`${p.path}: `, '') : describeSqliteError(e);
        try {
          logEnd.run(sha || null, null, null, r.read, 0, 0, 0, r.rejected, 'failed', r.message, new Date().toISOString(), effective, importId);
        } catch {
          // The database itself is failing (disk full, read-only): the error is reported below.
        }
        if (!(e instanceof CrmError) && !isSqliteError(e)) throw e;
      }
      done(r);
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
  // Rows the database stage rejected before the parse thread was asked for raw text: kept on
  // disk, their text read again from the file at the end.
  const textless = textlessRejects();
  const reject = (line: number, column: string, reason: string, raw: string | undefined) => {
    r.rejected++;
    if (raw !== undefined) opts.rejects.write(fileName, line, column, reason, raw);
    else {
      textless.add(line, column, reason);
      Atomics.store(shared, SHARED_WANT_RAW, 1);
    }
  };
  const count = (out: RowOutcome, line: number, raw: string | undefined) => {
    if (out === 'loaded') r.loaded++;
    else if (out === 'updated') r.updated++;
    else if (out === 'skipped') r.skipped++;
    else reject(line, out.column, out.reason, raw);
  };
  try {
    const loader = makeLoader(kind, {
      db, importId, snapshotMode,
      effectiveDate: r.effectiveDate?.date ?? FROM_THE_START,
      report: count,
      knownEvents: opts.knownEvents,
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
    if (fin.reassigned !== undefined) r.reassigned = fin.reassigned;
    r.notes.push(...fin.notes);
    // In line order, each written as its text is found: no text held for every reject at once.
    textless.inLineOrder((rows) => recoverRaw(job, info, rows, (t, raw) => opts.rejects.write(fileName, t.line, t.column, t.reason, raw)));
    opts.rejects.endFile?.();
    return info;
  } finally {
    textless.close();
  }
}

/**
 * The rejects of one file found without their text (textless), kept in a scratch database that
 * spills to disk rather than in memory: a night's file can name millions of unknown accounts.
 * Its own connection, because loaders report rejects while reading the import's. `inLineOrder`
 * hands them over by line (in the order found within a line); `close` lets the scratch go.
 */
function textlessRejects(): {
  add(line: number, column: string, reason: string): void;
  inLineOrder(use: (rows: Iterable<{ line: number; column: string; reason: string }>) => void): void;
  close(): void;
} {
  let scratch: Db | undefined;
  let insert: ((line: number, column: string, reason: string) => void) | undefined;
  const close = () => {
    scratch?.close();
    scratch = insert = undefined;
  };
  return {
    add(line, column, reason) {
      if (!insert) {
        scratch = openScratchDb();
        scratch.exec('CREATE TABLE textless (line INTEGER NOT NULL, "column" TEXT NOT NULL, reason TEXT NOT NULL); BEGIN');
        const statement = scratch.prepare('INSERT INTO textless VALUES (?, ?, ?)');
        insert = (...row) => statement.run(...row);
      }
      insert(line, column, reason);
    },
    inLineOrder(use) {
      if (!scratch) return;
      use(scratch.prepare('SELECT line, "column", reason FROM textless ORDER BY line, rowid').iterate() as Iterable<{ line: number; column: string; reason: string }>);
    },
    close,
  };
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
