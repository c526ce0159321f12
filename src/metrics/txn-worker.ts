/**
 * Worker thread: sums the transactions of a report window on its own read-only connection
 * while the main thread sums the balances (two cores, two scans at once). See parallel.ts.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { txnAggregates } from './engine.js';

interface Job {
  path: string;
  from: string;
  to: string;
  credit: boolean;
  activityFrom?: string;
  port: MessagePort;
  flag: SharedArrayBuffer;
}

function run(job: Job): void {
  const flag = new Int32Array(job.flag);
  Atomics.store(flag, 0, 2); // started
  Atomics.notify(flag, 0);
  try {
    const db = new Database(job.path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    db.pragma('cache_size = -16384');
    const rows = txnAggregates(db, job.from, job.to, job.credit, job.activityFrom);
    db.close();
    job.port.postMessage({ rows });
  } catch (e) {
    job.port.postMessage({ error: (e as Error).message, name: (e as Error).name });
  } finally {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

if (workerData?.path) run(workerData as Job);
