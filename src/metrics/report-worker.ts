/**
 * A report thread for parallel.ts: runs one report query on its own read-only connection and
 * posts the result; the shared flag says when it started and when it is done. It starts once the
 * job started before it is done, unless the main thread has taken its job meanwhile.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { REPORT_CACHE_KB, setReadingPragmas } from '../db/connection.js';
import { claimBalanceTasks, customerExtras } from './customers.js';
import { DONE, jobOver, POSTED, STARTED, STATE, TAKEN, WAIT_MS, WAITING, type WorkerJob } from './parallel.js';
import { rfmInputs } from './rfm-inputs.js';
import { rmExtras } from './rm.js';
import { allAumWindowSums } from './windows.js';

interface Data {
  path: string;
  spec: WorkerJob;
  port: MessagePort;
  flag: SharedArrayBuffer;
  /** The flag of the job started before this one, if any. */
  after?: SharedArrayBuffer;
}

/**
 * The buffers of the typed arrays in a result, a few levels down (e.g. the AUM windows' sums
 * in a list in an object): moved to the main thread, not copied (a million customers' sums are
 * tens of MB, held twice while cloned).
 */
function buffersOf(value: unknown, out = new Set<ArrayBuffer>(), depth = 0): ArrayBuffer[] {
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  else if (typeof value === 'object' && value !== null && depth < 4) for (const v of Object.values(value)) buffersOf(v, out, depth + 1);
  return [...out];
}

/**
 * Per window in turn: its customerExtras, shared as soon as done (`extras:K`), then the balance
 * sums' tasks the main thread has not claimed yet (BalanceTasks), each shared as done
 * (`balances:K:J`); then, with AUM windows asked alongside (crm watch's, also in the HTML page),
 * the windows' sums as the result.
 */
function customerExtrasJob(db: Database.Database, spec: Extract<WorkerJob, { job: 'customerExtras' }>, share: (part: string, value: unknown) => void): unknown {
  spec.windows.forEach(({ window, activityFrom, balances }, k) => {
    share(`extras:${k}`, customerExtras(db, window, activityFrom));
    if (balances) claimBalanceTasks(db, window, balances, (j, sums) => share(`balances:${k}:${j}`, sums));
  });
  return spec.aum ? allAumWindowSums(db, spec.aum) : null;
}

/**
 * Waits for the job started before this one to end; false when the main thread has taken this one
 * meanwhile (looked at every WAIT_MS: a thread whose job is taken ends at once, and its heap with it).
 */
function myTurn(f: Int32Array, after: SharedArrayBuffer | undefined): boolean {
  const before = after && new Int32Array(after);
  let from = 0;
  if (before && !jobOver(before)) {
    if (Atomics.compareExchange(f, STATE, 0, WAITING) !== 0) return false;
    Atomics.notify(f, STATE);
    from = WAITING;
    while (!jobOver(before)) {
      if (Atomics.load(f, STATE) === TAKEN) return false;
      Atomics.wait(before, STATE, Atomics.load(before, STATE), WAIT_MS);
    }
  }
  const started = Atomics.compareExchange(f, STATE, from, STARTED) === from;
  Atomics.notify(f, STATE);
  return started;
}

function run({ path, spec, port, flag, after }: Data): void {
  const f = new Int32Array(flag);
  if (!myTurn(f, after)) return;
  const post = (m: unknown, transfer: ArrayBuffer[] = []) => {
    port.postMessage(m, transfer);
    Atomics.add(f, POSTED, 1);
    Atomics.notify(f, POSTED);
  };
  // A value the main thread needs early (e.g. the varying sets): sent before the result.
  const share = (part: string, value: unknown) => post({ part, value }, buffersOf(value));
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // Half a report's page cache: its queries are a share of the main thread's.
    setReadingPragmas(db, REPORT_CACHE_KB / 2);
    const result = spec.job === 'customerExtras' ? customerExtrasJob(db, spec, share)
      : spec.job === 'rfmInputs' ? rfmInputs(db, spec.asOf, spec.from, spec.to)
      : rmExtras(db, spec.window, share, spec.previous, spec.shared);
    post({ result }, buffersOf(result));
  } catch (e) {
    post({ error: (e as Error).message, name: (e as Error).name });
  } finally {
    db?.close();
    Atomics.store(f, STATE, DONE);
    Atomics.notify(f, STATE);
    Atomics.notify(f, POSTED);
  }
}

if (workerData?.path) run(workerData as Data);
