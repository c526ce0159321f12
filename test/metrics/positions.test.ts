import { describe, expect, it } from 'vitest';
import { positionsIn } from '../../src/metrics/positions.js';

describe('positionsIn', () => {
  const ids = ['C001', 'C002', 'C005', 'C009'];

  it('walks a list in the same order, skipping ids it does not ask for', () => {
    const at = positionsIn(ids);
    expect(['C001', 'C005', 'C009'].map(at)).toEqual([0, 2, 3]);
  });

  it('finds ids asked out of order and says -1 for unknown ones', () => {
    const at = positionsIn(ids);
    // C009 first: the walk ends there; C002 lies behind it and is found through the Map.
    expect(['C009', 'C002', 'C404', 'C001', 'C009'].map(at)).toEqual([3, 1, -1, 0, 3]);
  });

  it('handles an unknown id before known ones', () => {
    const at = positionsIn(ids);
    expect(['C000', 'C001', 'C002'].map(at)).toEqual([-1, 0, 1]);
  });
});
