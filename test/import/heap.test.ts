/**
 * The small-heap watch of large imports (src/import/heap.ts), in a fresh Node process each time
 * (V8 flags are process-wide), as an import of two files uses it: objects made with many alive
 * (the young generation grows while enough survive), then a worker thread starts (the second
 * file's parse thread) and more objects are made. The watch stops the young generation at its
 * cap; a worker's start resets the flag, so a watch not started again after it lets the young
 * generation grow on to V8's 32 MB.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NEW_SPACE_CAP } from '../../src/import/heap.js';
import { ROOT } from '../helpers.js';

/**
 * The young generation's capacity (bytes) at the end of each phase: 1.5M objects made, 50,000
 * alive at a time; then a worker thread that has posted a message (running); then 1.5M again.
 * `watch`: none; started once at the start; started again once the worker has posted.
 */
function youngAfterPhases(watch: 'none' | 'once' | 'again'): [number, number] {
  const heap = pathToFileURL(join(ROOT, 'dist', 'import', 'heap.js')).href;
  const script = `
    import { Worker } from 'node:worker_threads';
    import { smallHeapWatch, newSpaceSize } from '${heap}';
    const watch = ${JSON.stringify(watch)};
    let check = watch === 'none' ? () => {} : smallHeapWatch();
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
    if (watch === 'again') check = smallHeapWatch();
    console.log(JSON.stringify([first, churn()]));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as [number, number];
}

const MB32 = 32 << 20;

describe('small-heap watch', () => {
  it('without it the young generation grows to 32 MB', () => {
    expect(youngAfterPhases('none')).toEqual([MB32, MB32]);
  });

  it('stops it at the cap (capacity doubles 1, 2, 4, 8 MB); started again after a worker starts, it stays there', () => {
    expect(NEW_SPACE_CAP).toBe(8 << 20);
    expect(youngAfterPhases('again')).toEqual([NEW_SPACE_CAP, NEW_SPACE_CAP]);
  });

  it('a worker thread\'s start resets it: a watch not started again lets it grow to 32 MB', () => {
    expect(youngAfterPhases('once')).toEqual([NEW_SPACE_CAP, MB32]);
  });
});
