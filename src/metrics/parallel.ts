/**
 * Runs txnAggregates on a worker thread while the caller keeps the main thread busy with
 * the balance sums, then joins synchronously (Atomics.wait + receiveMessageOnPort), so the
 * report code stays synchronous. Falls back to the plain call for in-memory databases,
 * inside a transaction (another connection would not see uncommitted rows) and for small data.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';
import { txnAggregates, type TxnAggregate } from './engine.js';

/** Flag values shared with txn-worker.ts: 0 not yet running, 1 done, 2 started. */
const STARTED = 2;

/** Below this many accounts the thread costs more than it saves. */
const MIN_ACCOUNTS = 20_000;

export function startTxnAggregates(db: Db, from: string, to: string, credit: boolean, activityFrom?: string): () => TxnAggregate[] {
  const plain = () => txnAggregates(db, from, to, credit, activityFrom);
  if (db.memory || db.inTransaction || process.env.CRM_REPORT_THREADS === 'never') return plain;
  const accounts = db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  if (accounts < MIN_ACCOUNTS && process.env.CRM_REPORT_THREADS !== 'always') return plain;
  const script = new URL('./txn-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return plain; // e.g. running from TypeScript sources
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, {
      workerData: { path: db.name, from, to, credit, activityFrom, port: port2, flag },
      transferList: [port2],
    });
  } catch {
    return plain;
  }
  return () => {
    const f = new Int32Array(flag);
    // Blocks this thread until the worker has posted its result. The worker says STARTED as
    // soon as it runs: one that never starts (cannot load) is given up after 5 s.
    if (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 5_000);
    while (Atomics.load(f, 0) === STARTED) Atomics.wait(f, 0, STARTED, 60_000);
    const m = receiveMessageOnPort(port1)?.message as { rows?: TxnAggregate[]; error?: string; name?: string } | undefined;
    void worker.terminate();
    port1.close();
    if (m?.rows) return m.rows;
    if (m?.error && m.name === 'DataError') throw new DataError(m.error);
    return plain();
  };
}
