/**
 * The loading thread's heap during a large import (ImportOptions.smallHeap).
 *
 * What an import holds is bounded (accounts, one flush of day sums, the batches in flight), but
 * V8 sizes a heap for throughput: it lets the old generation grow well past what survived its
 * last full collection, and doubles the young generation up to 32 MB whenever enough survives a
 * scavenge — and it adds that young capacity to the old generation's limit as well. On a long
 * import that slack, not data, was most of the peak RSS. Two flags bound it:
 * - `--heap-growing-percent=20`: a full collection once the heap has grown by a fifth;
 * - `--semi-space-growth-factor=1` once the young generation has reached NEW_SPACE_CAP: it stops
 *   growing (the size limit itself is fixed when Node starts; the growth factor is read at each
 *   resize). A worker thread's start puts this flag back to its default (measured, at a moment
 *   that varies with the load), so the check sets it again each time it is called; a reset that
 *   falls between two checks can still let it double once (16 MB).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Young generation (its capacity) at which it stops growing: the 3M balance_after bench file 344 → 297 MB peak. */
export const NEW_SPACE_CAP = 8 << 20;

/** The young generation's current capacity (bytes). */
export function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Applies the flags and returns a check to call now and then (a batch at a time): it sets the
 * growth factor again whenever the young generation is at its cap (a few microseconds).
 */
export function smallHeapWatch(): () => void {
  setFlagsFromString('--heap-growing-percent=20');
  const check = () => {
    if (newSpaceSize() >= NEW_SPACE_CAP) setFlagsFromString('--semi-space-growth-factor=1');
  };
  check();
  return check;
}
