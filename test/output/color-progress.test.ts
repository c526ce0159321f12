import { describe, expect, test } from 'vitest';
import { paint, useColor } from '../../src/output/color.js';
import { createProgress, progressLine } from '../../src/output/progress.js';

describe('useColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  test.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [pipe, { FORCE_COLOR: '1' }, true],
    [pipe, { FORCE_COLOR: '' }, true],
    [tty, { FORCE_COLOR: '0' }, false],
    [pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
    [tty, { TERM: 'dumb' }, false],
  ])('%o %o -> %s', (stream, env, want) => {
    expect(useColor(stream as NodeJS.WriteStream, env as NodeJS.ProcessEnv)).toBe(want);
  });
});

test('paint never emits ANSI when disabled, regardless of FORCE_COLOR', () => {
  expect(paint({ color: false }).red('x')).toBe('x');
  expect(paint({ color: false }).bold('x')).toBe('x');
  expect(paint({ color: true }).red('x')).toBe('\x1b[31mx\x1b[39m');
  expect(paint({ color: true }).bold('x')).toBe('\x1b[1mx\x1b[22m');
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (s: string) => { writes.push(s); return true; } } };
}

describe('progress', () => {
  test('line text', () => {
    // 512 KiB of 1 MiB: 10 of 20 cells, 50.0%
    expect(progressLine(512 * 1024, 1024 * 1024, 12345)).toBe(
      '[##########----------]   50.0%  512.0 KB / 1.0 MB  12,345 rows',
    );
    expect(progressLine(100, 0, 2, 'a.csv')).toBe('a.csv  100 B  2 rows');
  });

  test('no-op when not a TTY', () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress(stream as unknown as NodeJS.WriteStream, 100);
    p.update(50, 1);
    p.done();
    expect(writes).toEqual([]);
  });

  test('throttled redraws with \\r, cleared on done', () => {
    let t = 1000;
    const { writes, stream } = fakeStream(true);
    const p = createProgress(stream as unknown as NodeJS.WriteStream, 100, { now: () => t });
    p.update(10, 1); // drawn
    t += 50;
    p.update(20, 2); // skipped (< 100 ms)
    t += 60;
    p.update(30, 3); // drawn
    expect(writes.length).toBe(2);
    expect(writes[0]).toBe('\r[##------------------]   10.0%  10 B / 100 B  1 rows');
    expect(writes[1]).toBe('\r[######--------------]   30.0%  30 B / 100 B  3 rows');
    p.done();
    expect(writes[2]).toBe('\r' + ' '.repeat(writes[1]!.length - 1) + '\r');
    p.update(40, 4);
    expect(writes.length).toBe(3);
    expect(writes.join('')).not.toContain('\x1b');
  });
});
