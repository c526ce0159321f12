/**
 * Worker thread for the parse stage: parses a file and posts rows to the main thread in
 * batches. Backpressure through a shared counter: the worker blocks (Atomics.wait) when
 * more than MAX_IN_FLIGHT batches wait to be written, so memory stays flat.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CrmError } from '../errors.js';
import { parseFile, type ParseJob } from './parse-stage.js';
import type { Value } from './rows.js';

export const BATCH_ROWS = 2000;
export const MAX_IN_FLIGHT = 4;

export type WorkerMessage =
  /** rawText: the batch's raw records one after another, record i ending at rawEnds[i] (one string to copy, not one per row). */
  | { type: 'batch'; values: Value[]; width: number; lines: number[]; rawText: string; rawEnds: number[]; rejects: [number, string, string, string][]; notes: string[]; bytesDone: number; totalBytes: number }
  | { type: 'done'; result: Omit<import('./parse-stage.js').ParseResult, never> }
  | { type: 'error'; message: string; exitCode: number };

function run(): void {
  const { job, counter } = workerData as { job: ParseJob; counter: SharedArrayBuffer };
  const consumed = new Int32Array(counter);
  let posted = 0;
  let values: Value[] = [];
  let lines: number[] = [];
  let rawText = '';
  let rawEnds: number[] = [];
  let rejects: [number, string, string, string][] = [];
  let notes: string[] = [];
  let width = 0;
  let bytesDone = 0;
  let totalBytes = 0;
  const post = () => {
    if (lines.length === 0 && rejects.length === 0 && notes.length === 0) return;
    // Wait while the main thread is MAX_IN_FLIGHT batches behind.
    for (;;) {
      const done = Atomics.load(consumed, 0);
      if (posted - done < MAX_IN_FLIGHT) break;
      Atomics.wait(consumed, 0, done, 1000);
    }
    parentPort!.postMessage({ type: 'batch', values, width, lines, rawText, rawEnds, rejects, notes, bytesDone, totalBytes } satisfies WorkerMessage);
    posted++;
    values = [];
    lines = [];
    rawText = '';
    rawEnds = [];
    rejects = [];
    notes = [];
  };
  try {
    const result = parseFile(job, {
      note: (t) => notes.push(t),
      row(v, line, raw) {
        width = v.length;
        for (let i = 0; i < v.length; i++) values.push(v[i]);
        lines.push(line);
        rawText += raw;
        rawEnds.push(rawText.length);
        if (lines.length >= BATCH_ROWS) post();
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
