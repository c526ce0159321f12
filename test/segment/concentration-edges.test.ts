/** Lorenz sampling edges: maxPoints equal to or above n, a single sampled step, invalid maxPoints. */
import { describe, expect, it } from 'vitest';
import { lorenz } from '../../src/segment/concentration.js';
import { DataError } from '../../src/errors.js';

describe('lorenz edges', () => {
  it('with maxPoints at or above n every customer is a point', () => {
    // [1, 3, 6], total 10: (0,0), (1/3, 0.1), (2/3, 0.4), (1, 1)
    const all = [{ x: 0, y: 0 }, { x: 1 / 3, y: 0.1 }, { x: 2 / 3, y: 0.4 }, { x: 1, y: 1 }];
    expect(lorenz([1, 3, 6], 10)).toEqual(all);
    expect(lorenz([1, 3, 6], 3)).toEqual(all);
  });

  it('maxPoints 1 gives the two ends', () => {
    expect(lorenz([1, 3, 6], 1)).toEqual([{ x: 0, y: 0 }, { x: 1, y: 1 }]);
  });

  it('maxPoints below 1 or not whole is a DataError', () => {
    for (const p of [0, -2, 1.5]) {
      expect(() => lorenz([1, 3, 6], p)).toThrow(DataError);
      expect(() => lorenz([1, 3, 6], p)).toThrow('lorenz: maxPoints must be a positive integer');
    }
  });
});
