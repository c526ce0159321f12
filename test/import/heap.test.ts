/**
 * The small-heap watch of large imports (src/import/heap.ts), in a fresh Node process each time
 * (V8 flags are process-wide), as an import of two files uses it: objects made with many alive
 * (the young generation grows while enough survive), then a worker thread starts (the second
 * file's parse thread) and more objects are made. The watch, checked now and then, keeps the
 * young generation at its cap (or one doubling past it, when the worker's start resets the flag
 * between two checks); the flag set only once is undone by the worker's start.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NEW_SPACE_CAP } from '../../src/import/heap.js';
import { cleanupTmp, FIXTURES, ROOT, tmpDir } from '../helpers.js';

/**
 * The young generation's largest capacity (bytes) in each phase: 1.5M objects made, 50,000 alive
 * at a time, the check called every 10,000; then a worker thread that has posted a message
 * (running); then 1.5M again. `how`: no watch; the watch; the growth factor set once, when the
 * young generation first reaches the cap (no check after that).
 */
function youngByPhase(how: 'none' | 'watch' | 'set-once'): [number, number] {
  const heap = pathToFileURL(join(ROOT, 'dist', 'import', 'heap.js')).href;
  const script = `
    import { Worker } from 'node:worker_threads';
    import { setFlagsFromString } from 'node:v8';
    import { smallHeapWatch, newSpaceSize, NEW_SPACE_CAP } from '${heap}';
    const how = ${JSON.stringify(how)};
    let done = false;
    const check = how === 'watch' ? smallHeapWatch()
      : how === 'set-once' ? () => { if (!done && newSpaceSize() >= NEW_SPACE_CAP) { setFlagsFromString('--semi-space-growth-factor=1'); done = true; } }
      : () => {};
    let keep = [];
    const churn = () => {
      let max = 0;
      for (let i = 0; i < 1.5e6; i++) {
        keep.push({ i, s: 'x' + i });
        if (keep.length > 50000) keep = [];
        if (i % 10000 === 0) { check(); max = Math.max(max, newSpaceSize()); }
      }
      return max;
    };
    const first = churn();
    const w = new Worker("require('node:worker_threads').parentPort.postMessage(1); setTimeout(() => {}, 10000)", { eval: true, execArgv: [] });
    await new Promise((r) => w.once('message', r));
    console.log(JSON.stringify([first, churn()]));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as [number, number];
}

// V8 grows it to 32 MB at most; the next doubling past the cap is 16 MB.
const PAST_CAP = 2 * NEW_SPACE_CAP;
const V8_MAX = 32 << 20;

describe('small-heap watch', () => {
  it('without it the young generation grows past the cap', () => {
    const [first, second] = youngByPhase('none');
    expect(first).toBeGreaterThanOrEqual(PAST_CAP);
    expect(second).toBeGreaterThanOrEqual(PAST_CAP);
  });

  it('keeps it at the cap (capacity doubles 1, 2, 4, 8 MB); after a worker thread starts, one doubling at most', () => {
    expect(NEW_SPACE_CAP).toBe(8 << 20);
    const [first, second] = youngByPhase('watch');
    expect(first).toBe(NEW_SPACE_CAP);
    // The reset can fall between two checks while many objects survive (under load, about one
    // run in two here): then it doubles once before the next check stops it again.
    expect(second).toBeLessThanOrEqual(PAST_CAP);
  });

  it('a worker thread\'s start resets the flag: set only once, the young generation grows on to 32 MB after it', () => {
    const [first, second] = youngByPhase('set-once');
    expect(first).toBe(NEW_SPACE_CAP);
    expect(second).toBe(V8_MAX);
  });
});

// The built modules (dist/, as the binary runs them): the parse thread's script exists only there.
describe('an import with the small heap', () => {
  afterAll(cleanupTmp);
  const files = ['rms.csv', 'customers.csv', 'accounts_2026-11-01.csv', 'accounts_2026-11-02.csv', 'transactions.csv'].map((f) => join(FIXTURES, 'clean', f));
  for (const mode of ['always', 'never'] as const) {
    it(`loads every row, parsed ${mode === 'always' ? 'on a worker thread' : 'on the loading thread'}`, async () => {
      const was = process.env.CRM_PARSE_WORKER;
      process.env.CRM_PARSE_WORKER = mode;
      const { openDb } = (await import(pathToFileURL(join(ROOT, 'dist', 'db', 'connection.js')).href)) as typeof import('../../src/db/connection.js');
      const { importFiles } = (await import(pathToFileURL(join(ROOT, 'dist', 'import', 'index.js')).href)) as typeof import('../../src/import/index.js');
      const db = openDb(join(tmpDir(), 'crm.db'), { create: true });
      try {
        const r = await importFiles(db, files, { rejects: { write: () => {} }, smallHeap: true });
        expect(r.files.map((f) => [f.status, f.rejected])).toEqual(files.map(() => ['ok', 0]));
        expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(4);
        expect(db.prepare('SELECT count(*) FROM txn_daily').pluck().get()).toBeGreaterThan(0);
      } finally {
        db.close();
        if (was === undefined) delete process.env.CRM_PARSE_WORKER;
        else process.env.CRM_PARSE_WORKER = was;
      }
    });
  }
});
