/** Shared helpers of the reliability suite. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, SHARED, tmpDir } from '../helpers.js';

export const DATA = join(SHARED, 'data');
export const HAVE_SHARED = existsSync(DATA);

export interface Job { label: string; args: string[]; db?: string }
export interface JobResult {
  i: number; label: string; code: number; ms: number; stdout: string; stderr: string; thrown: string | null;
  before: Record<string, number> | null; after: Record<string, number> | null; afterError: string | null;
  logs: { import_id: number; kind: string | null; status: string; rows_read: number; rows_loaded: number; rows_rejected: number; message: string | null }[];
  txnsByImport: Record<string, number>;
}

/** Runs jobs in one child node process (see run-many.mjs). Throws naming the job that hung. */
export function runMany(jobs: Job[], timeoutMs: number): JobResult[] {
  const dir = tmpDir('crm-many-');
  const jobsFile = join(dir, 'jobs.json');
  const outFile = join(dir, 'results.jsonl');
  writeFileSync(jobsFile, JSON.stringify(jobs));
  const r = spawnSync(process.execPath, [join(ROOT, 'test', 'reliability', 'run-many.mjs'), jobsFile, outFile], {
    encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', CRM_DB: '' }, maxBuffer: 64 << 20,
  });
  const lines = existsSync(outFile) ? readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const done = lines.filter((l) => !l.started) as JobResult[];
  if (r.error || r.status !== 0) {
    const last = lines[lines.length - 1];
    throw new Error(`runner ${r.error ? `timed out/failed (${r.error.message})` : `exited ${r.status}`} during job ${last?.label ?? '?'}\n${r.stderr?.slice(0, 2000)}`);
  }
  expect(done.length).toBe(jobs.length);
  return done;
}

/** No stack trace lines and no uncaught error on stderr. */
export function expectNoStack(stderr: string, what: string): void {
  expect(stderr, `${what}: stack trace on stderr`).not.toMatch(/^\s{4}at /m);
  expect(stderr, `${what}: uncaught error`).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError|Uncaught|node:internal/);
}

/** Tables an import of `kind` may add rows to, and the one whose growth equals rows_loaded. */
const OWN: Record<string, { main: string; side: string[] }> = {
  transactions: { main: 'transactions', side: ['txn_daily', 'balances'] },
  customers: { main: 'customers', side: ['customer_rm_history'] },
  accounts: { main: 'accounts', side: ['balances', 'snapshot_dates'] },
  rms: { main: 'rms', side: [] },
  targets: { main: 'targets', side: [] },
  fx_rates: { main: 'fx_rates', side: [] },
};

/**
 * "All rows of the file or none of it": no import is left 'started'; a failed import left no
 * rows; a successful one grew its table by exactly rows_loaded; tables of other kinds are untouched.
 */
export function expectAllOrNone(r: JobResult): void {
  const what = r.label;
  expect(r.thrown, `${what}: main() threw`).toBeNull();
  expect([0, 1, 2], `${what}: exit code ${r.code}`).toContain(r.code);
  expectNoStack(r.stderr, what);
  if (!r.after) { expect(r.before, `${what}: database vanished`).toBeNull(); return; }
  const before = r.before ?? Object.fromEntries(Object.keys(r.after).map((k) => [k, 0]));
  for (const l of r.logs) expect(['ok', 'rejects', 'failed'], `${what}: import ${l.import_id} left '${l.status}'`).toContain(l.status);
  const ok = r.logs.filter((l) => l.status !== 'failed');
  for (const l of r.logs) {
    if (l.kind === 'transactions') expect(r.txnsByImport[l.import_id], `${what}: transactions of import ${l.import_id}`).toBe(l.status === 'failed' ? 0 : l.rows_loaded);
  }
  const touched = new Set<string>(['import_log']);
  for (const l of ok) { const o = OWN[l.kind!]; touched.add(o.main); o.side.forEach((t) => touched.add(t)); }
  for (const t of Object.keys(r.after)) if (!touched.has(t)) expect(r.after[t] - before[t], `${what}: table ${t} changed`).toBe(0);
  for (const kind of new Set(ok.map((l) => l.kind!))) {
    const loaded = ok.filter((l) => l.kind === kind).reduce((s, l) => s + l.rows_loaded, 0);
    expect(r.after[OWN[kind].main] - before[OWN[kind].main], `${what}: ${kind} rows vs rows_loaded`).toBe(loaded);
  }
  if (r.code === 1) expect(r.stderr + r.stdout, `${what}: exit 1 without a message`).toMatch(/crm: error: |FAILED: |rejected/);
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
