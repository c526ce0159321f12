/**
 * Single-line progress indicator for long imports, e.g.
 *   [########------------]  41.3%  12.4 MB / 30.0 MB  123,456 rows
 * Redrawn with '\r' at most every `intervalMs` (default 100 ms = 10/s); only when the stream is
 * a TTY, otherwise every call is a no-op (nothing is ever written to pipes/files).
 * `done()` erases the line (spaces + '\r') so the following output starts on a clean line.
 * ASCII only, no ANSI codes (not cli-progress, which moves the cursor with escape sequences:
 * docs/architecture.md, "Dependencies and why").
 */
import { displayWidth, formatInt } from './format.js';

export interface Progress {
  update(bytesDone: number, rowsDone: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Minimum milliseconds between redraws; default 100. */
  intervalMs?: number;
  /** Clock, injectable for tests; default Date.now. */
  now?: () => number;
  /** Text before the bar, e.g. "accounts.csv". */
  label?: string;
}

type ProgressStream = Pick<NodeJS.WriteStream, 'isTTY' | 'write'> & { columns?: number };

const BAR_WIDTH = 20;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The progress line text (exported for tests and reuse). totalBytes <= 0 = unknown size. */
export function progressLine(bytesDone: number, totalBytes: number, rowsDone: number, label?: string): string {
  const parts: string[] = [];
  if (label) parts.push(label);
  if (totalBytes > 0) {
    const frac = Math.min(1, Math.max(0, bytesDone / totalBytes));
    const filled = Math.round(frac * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
    parts.push(`${(frac * 100).toFixed(1).padStart(5)}%`);
    parts.push(`${formatBytes(bytesDone)} / ${formatBytes(totalBytes)}`);
  } else {
    parts.push(formatBytes(bytesDone));
  }
  parts.push(`${formatInt(rowsDone)} rows`);
  return parts.join('  ');
}

const NOOP: Progress = { update() {}, done() {} };

export function createProgress(stream: ProgressStream, totalBytes: number, opts: ProgressOptions = {}): Progress {
  if (!stream.isTTY) return NOOP;
  const interval = opts.intervalMs ?? 100;
  const now = opts.now ?? Date.now;
  let lastDraw = -Infinity;
  let lastLen = 0;
  let finished = false;

  const draw = (line: string): void => {
    const max = (stream.columns ?? 80) - 1; // avoid wrapping in the last column
    let text = line;
    while (text.length > 0 && displayWidth(text) > max) text = Array.from(text).slice(0, -1).join('');
    const w = displayWidth(text);
    stream.write(`\r${text}${' '.repeat(Math.max(0, lastLen - w))}`);
    lastLen = w;
  };

  return {
    update(bytesDone: number, rowsDone: number): void {
      if (finished) return;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      draw(progressLine(bytesDone, totalBytes, rowsDone, opts.label));
    },
    done(): void {
      if (finished) return;
      finished = true;
      if (lastLen > 0) stream.write(`\r${' '.repeat(lastLen)}\r`);
    },
  };
}
