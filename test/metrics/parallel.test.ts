/**
 * Report threads: one at a time, their shares of the work, and the same figures as without them.
 * Run on the built modules (dist/, as the binary runs them): the report thread's script exists
 * only there.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupTmp, ROOT, runCrm, tmpDir } from '../helpers.js';

const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;
const samples = join(ROOT, 'samples');

afterAll(cleanupTmp);

/** A new database with the bundled samples imported by the binary; its path. */
function importedSamples(): string {
  const db = join(tmpDir(), 'crm.db');
  const files = ['rms.csv', 'customers.csv', 'fx_rates.csv', ...readdirSync(join(samples, 'accounts')).map((f) => `accounts/${f}`), 'transactions.csv'].map((f) => join(samples, f));
  const imported = runCrm(['--db', db, 'import', ...files]);
  expect(imported.code, imported.stderr).toBe(0);
  return db;
}
/**
 * The built modules these tests run (dist/: the report thread's script exists only there), each
 * typed as its source.
 */
async function built() {
  return {
    ...((await import(dist('db/connection.js'))) as typeof import('../../src/db/connection.js')),
    ...((await import(dist('metrics/parallel.js'))) as typeof import('../../src/metrics/parallel.js')),
    ...((await import(dist('metrics/customers.js'))) as typeof import('../../src/metrics/customers.js')),
    ...((await import(dist('metrics/engine.js'))) as typeof import('../../src/metrics/engine.js')),
    ...((await import(dist('metrics/rfm-inputs.js'))) as typeof import('../../src/metrics/rfm-inputs.js')),
    ...((await import(dist('metrics/pricing.js'))) as typeof import('../../src/metrics/pricing.js')),
    ...((await import(dist('metrics/rm.js'))) as typeof import('../../src/metrics/rm.js')),
    ...((await import(dist('types.js'))) as typeof import('../../src/types.js')),
  };
}
/** Report threads forced on (the samples hold fewer customers than one is started for), with their debug lines collected. */
function threadsForcedOn(): string[] {
  vi.stubEnv('CRM_REPORT_THREADS', 'always');
  vi.stubEnv('CRM_DEBUG_THREADS', '1');
  const debug: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => debug.push(String(s)) > 0);
  return debug;
}
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('report threads', () => {
  it('one report thread at a time: a job started while another is at work waits for it, and this thread takes it when it needs it first; the same figures either way', async () => {
    const db = importedSamples();
    const { openDb, startOnWorker, startRmExtras, customerValues, resolveWindow, rfmInputs, DEFAULT_PRICING, VALUE_COLUMNS } = await built();
    const conn = openDb(db, { readonly: true });
    try {
      const w = resolveWindow(conn, '2026-11-01', '2026-11-27');
      const figures = (t: ReturnType<typeof customerValues>) => VALUE_COLUMNS.map((c) => Array.from(t[c]));
      vi.stubEnv('CRM_REPORT_THREADS', 'never');
      const alone = figures(customerValues(conn, w, DEFAULT_PRICING));
      const debug = threadsForcedOn();
      const rfm = startOnWorker(conn, { job: 'rfmInputs', asOf: '2026-11-27', from: '2025-11-28', to: '2026-11-27' }, () => rfmInputs(conn, '2026-11-27', '2025-11-28', '2026-11-27'));
      const rm = startRmExtras(conn, w);
      expect([rfm.threaded, rm.threaded]).toEqual([true, true]);
      // Their threads are still loading (then run RFM's year, then the RM part) when this window's
      // extras are asked for, a few milliseconds later: this thread computes them.
      const behind = customerValues(conn, w, DEFAULT_PRICING);
      expect(debug).toContain('crm: debug: customerExtras taken by the main thread\n');
      expect(figures(behind)).toEqual(alone);
      expect(rfm().customers).toBe(behind.ids.length);
      rm();
      expect(debug).toEqual(expect.arrayContaining(['crm: debug: rfmInputs ran on the report thread\n', 'crm: debug: rmExtras ran on the report thread\n']));
      // With the thread free again, the next job runs there.
      debug.length = 0;
      const free = customerValues(conn, w, DEFAULT_PRICING);
      expect(debug).toEqual(expect.arrayContaining(['crm: debug: customerExtras started with a share of the balance sums\n', 'crm: debug: customerExtras ran on the report thread\n']));
      expect(debug).not.toContain('crm: debug: customerExtras taken by the main thread\n');
      expect(figures(free)).toEqual(alone);
    } finally {
      conn.close();
    }
  }, 60_000);

  it('a series of two windows runs on one report thread, which shares both windows\' extras and balance sums: the same figures as each window alone', async () => {
    const db = importedSamples();
    const { openDb, customerValues, startWindowSeries, VALUE_COLUMNS, resolveWindow, DEFAULT_PRICING } = await built();
    const conn = openDb(db, { readonly: true });
    try {
      const w1 = resolveWindow(conn, '2026-11-10', '2026-11-16');
      const w2 = resolveWindow(conn, '2026-11-21', '2026-11-27');
      // Each window alone, no thread.
      vi.stubEnv('CRM_REPORT_THREADS', 'never');
      const figures = (t: ReturnType<typeof customerValues>) => VALUE_COLUMNS.map((c) => Array.from(t[c]));
      const alone1 = figures(customerValues(conn, w1, DEFAULT_PRICING, { want: {} }));
      const alone2 = figures(customerValues(conn, w2, DEFAULT_PRICING, { want: {} }));
      const debug = threadsForcedOn();
      const series = startWindowSeries(conn, [w1, w2], DEFAULT_PRICING);
      expect(series.job.threaded).toBe(true);
      const first = customerValues(conn, w1, DEFAULT_PRICING, { want: {}, series });
      expect(figures(first)).toEqual(alone1);
      // The second window into the first one's arrays, as a migration computes it.
      expect(figures(customerValues(conn, w2, DEFAULT_PRICING, { want: {}, reuse: first, series }))).toEqual(alone2);
      expect(debug.filter((l) => / started|shared extras/.test(l))).toEqual([
        'crm: debug: customerExtras started for 2 windows with a share of the balance sums\n',
        'crm: debug: customerExtras shared extras:0\n',
        'crm: debug: customerExtras shared extras:1\n',
      ]);
      expect(debug).toContain('crm: debug: customerExtras ran on the report thread\n');
      // Every window of a series asked for: a third is an error, not a silent recomputation.
      expect(() => customerValues(conn, w2, DEFAULT_PRICING, { want: {}, series })).toThrow('is not the series\' next');
    } finally {
      conn.close();
    }
  }, 60_000);

  it('rm metrics: a report thread that comes first to the credit ranges, the loans and the foreign credit takes them all, with the figures of no thread', async () => {
    const db = importedSamples();
    const { openDb, rmMetrics, startRmExtras, resolveWindow, DEFAULT_PRICING } = await built();
    const conn = openDb(db, { readonly: true });
    try {
      const w = resolveWindow(conn, '2026-11-15', '2026-11-27');
      const figures = (m: ReturnType<typeof rmMetrics>) => [...m.byRm].sort();
      vi.stubEnv('CRM_REPORT_THREADS', 'never');
      const alone = figures(rmMetrics(conn, w, DEFAULT_PRICING));
      const debug = threadsForcedOn();
      const job = startRmExtras(conn, w);
      job(); // joined before this thread starts its part: the report thread has claimed everything
      const shared = figures(rmMetrics(conn, w, DEFAULT_PRICING, undefined, job));
      expect(job.threaded).toBe(true);
      for (const part of ['window', 'credit:0', 'credit:3', 'loans', 'foreign']) expect(debug).toContain(`crm: debug: rmExtras shared ${part}\n`);
      expect(alone.length).toBeGreaterThan(3);
      expect(shared).toEqual(alone);
    } finally {
      conn.close();
    }
  }, 60_000);

  it('rm metrics with a previous window: the two threads share its customers summed account by account (CreditRanges), with the figures of no thread', async () => {
    const db = importedSamples();
    const { openDb, previousDepositAdb, rmExtras, rmMetrics, claimCredit, resolveWindow, rmCreditByProduct, customerBounds, startOnWorker, DEPOSIT_PRODUCTS, DEFAULT_PRICING } = await built();
    const conn = openDb(db, { readonly: true });
    try {
      // The previous window ends inside the data: its customers with later rows are summed account by account.
      const w = resolveWindow(conn, '2026-11-15', '2026-11-27');
      const previous = resolveWindow(conn, '2026-11-02', '2026-11-14');
      const figures = (m: ReturnType<typeof rmMetrics>) => ({ byRm: [...m.byRm].sort(), previous: [...m.previousDepositAdb!].sort() });
      vi.stubEnv('CRM_REPORT_THREADS', 'never');
      const alone = figures(rmMetrics(conn, w, DEFAULT_PRICING, previous));
      const debug = threadsForcedOn();
      const shared = figures(rmMetrics(conn, w, DEFAULT_PRICING, previous));
      expect(debug.join('')).toContain('crm: debug: rmExtras ran on the report thread\n');
      expect(alone.previous.length).toBeGreaterThan(3);
      expect(alone.previous.some(([, adb]) => adb > 0)).toBe(true);
      expect(shared).toEqual(alone);
      // This thread claims every range before the report thread comes to them: the report thread's
      // credit then lacks those customers, and this thread's rows complete it.
      const ranges = { bounds: customerBounds(conn), claims: new SharedArrayBuffer(4) };
      const job = startOnWorker(conn, { job: 'rmExtras', window: w, previous, shared: { previous: ranges } }, () => rmExtras(conn, w, undefined, previous));
      const mine = claimCredit(conn, previous, DEPOSIT_PRODUCTS, ranges);
      const theirs = job().previous!;
      expect(job.threaded).toBe(true);
      expect(mine.length).toBeGreaterThan(0);
      expect(theirs.ranges).toBe(true);
      expect([...previousDepositAdb(previous, theirs, mine)].sort()).toEqual(alone.previous);
      expect([...previousDepositAdb(previous, theirs, [])].sort()).not.toEqual(alone.previous);
      // Computed whole (the report thread failed, and this thread ran rmExtras itself): the rows claimed here are not added again.
      const whole = { credit: rmCreditByProduct(conn, previous, undefined, DEPOSIT_PRODUCTS), ranges: false };
      expect([...previousDepositAdb(previous, whole, mine)].sort()).toEqual(alone.previous);
    } finally {
      conn.close();
    }
  }, 60_000);
});
