/**
 * Runs one report query on a worker thread (its own read-only connection) while the caller
 * keeps the main thread busy with another, then joins synchronously (Atomics.wait +
 * receiveMessageOnPort), so the report code stays synchronous. One report thread works at a
 * time: a job started while another is at work waits for it, and the main thread takes a job
 * that has not started when it needs it (two cores: a third busy thread only competes, and each
 * thread alive holds its own heap and page cache). Falls back to the plain call for in-memory
 * databases, inside a transaction (another connection would not see uncommitted rows), for small
 * data, on a report thread itself, or when the thread cannot start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';
import type { CreditRanges, Window } from './engine.js';
import type { Pricing } from './pricing.js';
import type { AumWindow } from './windows.js';

/** The queries a worker can run (a fixed list: nothing else crosses the thread boundary). */
export type WorkerJob =
  | { job: 'customerExtras'; windows: ExtrasWindow[]; aum?: AumWindow[] }
  | { job: 'rmExtras'; window: Window; previous?: Window; shared: RmShared }
  | { job: 'rfmInputs'; asOf: string; from: string; to: string };

/**
 * What rm-report's two threads share: the CreditRanges of its window and of the previous one,
 * and the flags of the tasks either thread does, whichever comes to it first (rm.ts RM_TASKS;
 * an Int32Array's slots, 1 once claimed).
 */
export interface RmShared {
  current?: CreditRanges;
  previous?: CreditRanges;
  tasks?: SharedArrayBuffer;
}

/**
 * One window of a customerExtras job: its transaction sums and foreign-currency balances, then,
 * with `balances`, a share of its CNY balance sums. A job's windows are those a caller asks for
 * one after another (a migration's two dates): the thread goes on to the next window's sums while
 * the main thread finishes the one before.
 */
export interface ExtrasWindow {
  window: Window;
  activityFrom?: string;
  balances?: BalanceTasks;
}

/**
 * A window's CNY balance sums as tasks that two threads share: the customers summed account by
 * account, cut into ranges of customers. Each thread claims the next task from one shared counter (`claims`,
 * an Int32Array's slot 0), so the report thread takes tasks once its own work is done and neither
 * thread waits for the other while any task is left. `bounds` (ascending in SQLite's order) cut
 * the ranges.
 */
export interface BalanceTasks {
  pricing: Pricing;
  bounds: string[];
  claims: SharedArrayBuffer;
}

/**
 * Shared with report-worker.ts. Slot 0, the job's state: 0 while its thread loads, WAITING for
 * the job started before it, STARTED, DONE, or TAKEN by the main thread (which computes it
 * itself: the thread then leaves it). Slot 1: messages posted so far (intermediate parts, then
 * the result), for the main thread to wait on.
 */
export const DONE = 1;
export const STARTED = 2;
export const WAITING = 3;
export const TAKEN = 4;
export const STATE = 0;
export const POSTED = 1;

/** Whether the job of this flag is over: done by its thread or taken by the main thread. */
export function jobOver(flag: Int32Array): boolean {
  const state = Atomics.load(flag, STATE);
  return state === DONE || state === TAKEN;
}

/** How often a thread waiting for the job before its own looks whether its job was taken, ms. */
export const WAIT_MS = 50;

/**
 * Below this many customers the thread costs more than it saves (customers is never deleted
 * from: its largest rowid, one seek, is its size; counting 2.5M accounts took most of a second).
 */
const MIN_CUSTOMERS = 10_000;

/**
 * The report thread's young generation, MB. Its garbage is rows' strings that die at once; V8
 * would grow the young space to 32 MB for throughput, and that slack sits beside the main
 * thread's peak. At 1M customers and 30 nights (BENCHMARKS.md): report --html 555–572 against
 * 639–645 MB, watch 460–474 against 500–514 MB, rm-report 303–305 against 323 MB, times unchanged.
 */
const REPORT_THREAD_YOUNG_MB = 4;

/**
 * A job running on the report thread. Calling it joins (the first call blocks, later ones
 * return the same value); part(name) returns a value the worker shared on its way (see
 * report-worker.ts), or undefined when it did not (or runs no thread): compute it yourself.
 * A part is handed over once and not kept (a caller holding the job, e.g. for its result, would
 * otherwise hold the part too): keep it yourself when you need it again.
 */
export interface Running<T> {
  (): T;
  part<P>(name: string): P | undefined;
  /** Whether the job runs on the report thread (else calling it computes it here). */
  threaded: boolean;
}

/**
 * The flag of the job started last: the next job's thread waits until it is done or taken. One
 * thread a job, not one for every job: a thread's heap, once its job is done, goes with it.
 */
let last: SharedArrayBuffer | undefined;

/** Starts `job`; see Running. */
export function startOnWorker<T>(db: Db, job: WorkerJob, plain: () => T): Running<T> {
  const t = start(db, job, plain);
  let result: { value: T } | undefined;
  const run = (() => (result ??= { value: t.join() }).value) as Running<T>;
  run.part = <P>(name: string) => t.part(name) as P | undefined;
  run.threaded = t.threaded;
  return run;
}

/** How a customerExtras job's debug line describes its windows. */
function debugNote(job: WorkerJob): string {
  if (job.job !== 'customerExtras') return '';
  const n = job.windows.length;
  return `${n > 1 ? ` for ${n} windows` : ''}${job.windows.some((w) => w.balances) ? ' with a share of the balance sums' : ''}`;
}

interface Message { part?: string; value?: unknown; result?: unknown; error?: string; name?: string }

/**
 * Whether the main thread takes the job of flag `f` (computes it itself): when it has not begun
 * and its thread would first wait for the job before it (`before`). A thread still loading or
 * about to begin is waited for (one that cannot load is given up after 5 s).
 */
function takeJob(f: Int32Array, before: Int32Array | undefined): boolean {
  for (;;) {
    const state = Atomics.load(f, STATE);
    if (state !== 0 && state !== WAITING) return false;
    const behind = before !== undefined && !jobOver(before);
    if (behind || (state === 0 && Atomics.wait(f, STATE, 0, 5_000) === 'timed-out')) {
      if (Atomics.compareExchange(f, STATE, state, TAKEN) === state) return true;
    } else if (state === WAITING) Atomics.wait(f, STATE, WAITING, WAIT_MS);
  }
}

function start<T>(db: Db, job: WorkerJob, plain: () => T): { join: () => T; part: (name: string) => unknown; threaded: boolean } {
  const none = { join: plain, part: () => undefined, threaded: false };
  const mode = process.env.CRM_REPORT_THREADS;
  // On a report thread already (crm report runs the RM metrics there): a third thread on two
  // cores only competes with the other two and adds its own heap and page cache.
  if (db.memory || db.inTransaction || mode === 'never' || !isMainThread) return none;
  if (mode !== 'always' && ((db.prepare('SELECT max(rowid) FROM customers').pluck().get() as number | null) ?? 0) < MIN_CUSTOMERS) return none;
  const script = new URL('./report-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return none; // e.g. running from TypeScript sources
  const flag = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  try {
    // Always joined before the command ends (unref: one that fails before it joins need not wait for the thread).
    new Worker(script, { workerData: { path: db.name, spec: job, port: port2, flag, after: last }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: REPORT_THREAD_YOUNG_MB } }).unref();
  } catch {
    return none;
  }
  const before = last && new Int32Array(last);
  last = flag;
  const f = new Int32Array(flag);
  if (process.env.CRM_DEBUG_THREADS) process.stderr.write(`crm: debug: ${job.job} started${debugNote(job)}\n`);
  const parts = new Map<string, unknown>();
  let final: Message | undefined;
  let ended = false;
  /** Takes the next message, blocking until the worker posts one; undefined once it has stopped. */
  const next = (): Message | undefined => {
    if (takeJob(f, before)) {
      if (process.env.CRM_DEBUG_THREADS) process.stderr.write(`crm: debug: ${job.job} taken by the main thread\n`);
      return undefined;
    }
    for (;;) {
      const seen = Atomics.load(f, POSTED);
      const m = receiveMessageOnPort(port1)?.message as Message | undefined;
      if (m) return m;
      if (Atomics.load(f, STATE) === DONE && Atomics.load(f, POSTED) === seen) return undefined;
      Atomics.wait(f, POSTED, seen, 60_000);
    }
  };
  /** Reads messages until `stop` holds or the final one has come. */
  const readUntil = (stop: () => boolean) => {
    while (!final && !ended && !stop()) {
      const m = next();
      if (!m) ended = true;
      else if (m.part !== undefined) parts.set(m.part, m.value);
      else final = m;
    }
  };
  return {
    threaded: true,
    part: (name) => {
      readUntil(() => parts.has(name));
      if (parts.has(name) && process.env.CRM_DEBUG_THREADS) process.stderr.write(`crm: debug: ${job.job} shared ${name}\n`);
      const value = parts.get(name);
      parts.delete(name);
      return value;
    },
    join: (): T => {
      readUntil(() => false);
      // The result comes just before the thread marks its job DONE (once its connection is
      // closed): wait for that mark, so that a job started after this one is not thought to be
      // behind it (given up after 5 s, as a thread that cannot load). Not terminated: the thread
      // then ends by itself.
      if (final) Atomics.wait(f, STATE, STARTED, 5_000);
      port1.close();
      if (final && 'result' in final) {
        if (process.env.CRM_DEBUG_THREADS) process.stderr.write(`crm: debug: ${job.job} ran on the report thread\n`);
        return final.result as T;
      }
      if (final?.error && final.name === 'DataError') throw new DataError(final.error);
      return plain();
    },
  };
}
