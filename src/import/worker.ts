/**
 * Worker thread for the parse stage: parses a file and posts rows to the main thread in
 * batches. Backpressure through a shared counter: the worker blocks (Atomics.wait) when
 * more than MAX_IN_FLIGHT batches wait to be written, so memory stays flat.
 *
 * What crosses to the main thread is kept small, because copying it costs both threads:
 * - a column whose values repeat (codes, dates, account ids: `repeatsAcrossRows`) sends each
 *   distinct value once, in `dict`, and its number after that;
 * - numbers, and the numbers of repeating values, go in a Float64Array handed over, not copied,
 *   with a byte per value saying what it is; only the strings left are copied (cloning a batch's 20,000 values one by
 *   one took the parse thread ~0.5 s of 1M rows);
 * - a row's original text goes only once the main thread asks for it (SHARED_WANT_RAW): it is
 *   needed only for a row the database stage rejects, and the few rows sent before that are
 *   read again from the file at the end (`recoverRaw`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CrmError } from '../errors.js';
import { ownCopy } from '../strings.js';
import { repeatsAcrossRows } from './kinds.js';
import { kindDef, parseFile, type ParseJob } from './parse-stage.js';

export const BATCH_ROWS = 2000;
const FIRST_BATCH_ROWS = 250;
export const MAX_IN_FLIGHT = 4;
/** Int32 slots of the shared buffer: batches the main thread has consumed; 1 = send raw text. */
export const SHARED_CONSUMED = 0;
export const SHARED_WANT_RAW = 1;
/** Distinct values a column sends as numbers at most (past it, new values go as text). */
export const DEFAULT_MAX_CODES = 100_000;
/** WorkerMessage kinds[i]. */
export const VALUE_NULL = 0;
export const VALUE_NUMBER = 1;
export const VALUE_STRING = 2;

export type WorkerMessage =
  /**
   * kinds, nums, strs: width values per row; kinds[i] says what value i is (VALUE_NULL, VALUE_NUMBER:
   * nums[i], in a repeating column the value's number; VALUE_STRING: the next of strs, in a
   * repeating column when past the cap).
   * dict: new numbers, flat triples [column, number, value].
   * rawText: the batch's raw records one after another, record i ending at rawEnds[i] (one string
   * to copy, not one per row); both empty when the main thread has not asked for raw text.
   */
  | { type: 'batch'; kinds: Uint8Array; nums: Float64Array; strs: string[]; dict: (number | string)[]; width: number; lines: number[]; rawText: string; rawEnds: number[]; rejects: [number, string, string, string][]; notes: string[]; bytesDone: number; totalBytes: number }
  | { type: 'done'; result: Omit<import('./parse-stage.js').ParseResult, never> }
  | { type: 'error'; message: string; exitCode: number };

/**
 * The parse thread: reads the file, parses and validates rows, and posts them in batches.
 * Long: the batch being filled, the value dictionaries and the flow control with the main thread
 * are one loop's state.
 */
function run(): void {
  const { job, shared: sharedBuffer, maxCodes } = workerData as { job: ParseJob; shared: SharedArrayBuffer; maxCodes: number };
  const shared = new Int32Array(sharedBuffer);
  const codes = kindDef(job.kind, job.snapshotMode).columns.map((c) => (repeatsAcrossRows(c) ? new Map<string, number>() : null));
  let posted = 0;
  let kinds: Uint8Array | null = null;
  let nums: Float64Array | null = null;
  let strs: string[] = [];
  let dict: (number | string)[] = [];
  let lines: number[] = [];
  let rawText = '';
  let rawEnds: number[] = [];
  let wantRaw = false;
  let rejects: [number, string, string, string][] = [];
  let notes: string[] = [];
  let width = 0;
  let bytesDone = 0;
  let totalBytes = 0;
  const post = () => {
    if (lines.length === 0 && rejects.length === 0 && notes.length === 0) return;
    // Wait while the main thread is MAX_IN_FLIGHT batches behind.
    for (;;) {
      const done = Atomics.load(shared, SHARED_CONSUMED);
      if (posted - done < MAX_IN_FLIGHT) break;
      Atomics.wait(shared, SHARED_CONSUMED, done, 1000);
    }
    const used = lines.length * width;
    const k = kinds === null ? new Uint8Array(0) : kinds.subarray(0, used);
    const n = nums === null ? new Float64Array(0) : nums.subarray(0, used);
    parentPort!.postMessage({ type: 'batch', kinds: k, nums: n, strs, dict, width, lines, rawText, rawEnds, rejects, notes, bytesDone, totalBytes } satisfies WorkerMessage, [k.buffer as ArrayBuffer, n.buffer as ArrayBuffer]);
    posted++;
    kinds = null;
    nums = null;
    strs = [];
    dict = [];
    lines = [];
    rawText = '';
    rawEnds = [];
    rejects = [];
    notes = [];
    wantRaw = Atomics.load(shared, SHARED_WANT_RAW) === 1;
  };
  try {
    const result = parseFile(job, {
      note: (t) => notes.push(t),
      row(v, line, raw) {
        width = v.length;
        if (kinds === null || nums === null) {
          kinds = new Uint8Array(BATCH_ROWS * width);
          nums = new Float64Array(BATCH_ROWS * width);
        }
        const at = lines.length * width;
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (x === null) {
            kinds[at + i] = VALUE_NULL;
            continue;
          }
          if (typeof x === 'number') {
            kinds[at + i] = VALUE_NUMBER;
            nums[at + i] = x;
            continue;
          }
          const m = codes[i];
          let code = m === null ? undefined : m.get(x);
          if (m !== null && code === undefined && m.size < maxCodes) {
            code = m.size;
            m.set(ownCopy(x), code); // a dictionary outlives the chunk its strings were cut from
            dict.push(i, code, x);
          }
          if (code === undefined) {
            kinds[at + i] = VALUE_STRING;
            strs.push(x);
          } else {
            kinds[at + i] = VALUE_NUMBER;
            nums[at + i] = code;
          }
        }
        lines.push(line);
        if (wantRaw) {
          rawText += raw;
          rawEnds.push(rawText.length);
        }
        // A small first batch: the main thread starts writing while this thread warms up.
        if (lines.length >= (posted === 0 ? FIRST_BATCH_ROWS : BATCH_ROWS)) post();
      },
      reject(line, column, reason, raw) {
        rejects.push([line, column, reason, raw]);
        if (rejects.length >= BATCH_ROWS) post();
      },
      progress(done, total) {
        bytesDone = done;
        totalBytes = total;
      },
    });
    post();
    parentPort!.postMessage({ type: 'done', result } satisfies WorkerMessage);
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: (e as Error).message, exitCode: e instanceof CrmError ? e.exitCode : 1 } satisfies WorkerMessage);
  }
}

if (parentPort && workerData?.job) run();
