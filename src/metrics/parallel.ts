/**
 * Runs one report query on a worker thread (its own read-only connection) while the caller
 * keeps the main thread busy with another, then joins synchronously (Atomics.wait +
 * receiveMessageOnPort), so the report code stays synchronous. Falls back to the plain call
 * for in-memory databases, inside a transaction (another connection would not see uncommitted
 * rows), for small data, or when the thread cannot start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';
import type { Window } from './engine.js';

/** The queries a worker can run (a fixed list: nothing else crosses the thread boundary). */
export type WorkerJob =
  | { job: 'customerExtras'; window: Window; activityFrom?: string }
  | { job: 'rmExtras'; window: Window };

/** Flag values shared with report-worker.ts: 0 not yet running, 1 done, 2 started. */
export const DONE = 1;
export const STARTED = 2;

/** Below this many accounts the thread costs more than it saves. */
const MIN_ACCOUNTS = 20_000;

/** Starts `job`; the returned function joins it (the first call blocks, later ones return the same value). */
export function startOnWorker<T>(db: Db, job: WorkerJob, plain: () => T): () => T {
  const join = start(db, job, plain);
  let result: { value: T } | undefined;
  return () => (result ??= { value: join() }).value;
}

function start<T>(db: Db, job: WorkerJob, plain: () => T): () => T {
  const mode = process.env.CRM_REPORT_THREADS;
  if (db.memory || db.inTransaction || mode === 'never') return plain;
  if (mode !== 'always' && (db.prepare('SELECT count(*) FROM accounts').pluck().get() as number) < MIN_ACCOUNTS) return plain;
  const script = new URL('./report-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return plain; // e.g. running from TypeScript sources
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { path: db.name, spec: job, port: port2, flag }, transferList: [port2] });
  } catch {
    return plain;
  }
  return (): T => {
    const f = new Int32Array(flag);
    // Blocks this thread until the worker has posted its result. The worker says STARTED as
    // soon as it runs: one that never starts (cannot load) is given up after 5 s.
    if (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 5_000);
    while (Atomics.load(f, 0) === STARTED) Atomics.wait(f, 0, STARTED, 60_000);
    const m = receiveMessageOnPort(port1)?.message as { result?: T; error?: string; name?: string } | undefined;
    void worker.terminate();
    port1.close();
    if (m && 'result' in m) {
      if (process.env.CRM_DEBUG_THREADS) process.stderr.write(`crm: debug: ${job.job} ran on the report thread\n`);
      return m.result as T;
    }
    if (m?.error && m.name === 'DataError') throw new DataError(m.error);
    return plain();
  };
}
