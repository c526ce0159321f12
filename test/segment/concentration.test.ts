import { describe, expect, it } from 'vitest';
import { concentration, gini, lorenz, pareto } from '../../src/segment/concentration.js';

describe('pareto and gini', () => {
  it('[1,2,3,4,10]: top ceil(0.2×5)=1 → 10/20 = 0.5; Σ i·x = 1+4+9+16+50 = 80, G = 160/(5·20) − 6/5 = 0.4', () => {
    const v = [10, 3, 1, 4, 2]; // order of input does not matter
    expect(pareto(v)).toBe(0.5);
    expect(gini(v)).toBeCloseTo(0.4, 12);
    const c = concentration(v);
    expect([c.n, c.total, c.top_n, c.top_total, c.undefined_reason]).toEqual([5, 20, 1, 10, null]);
  });

  it('equal values: pareto = ceil(0.8)=1 of 4 → 5/20 = 0.25; Σ i·x = 5·(1+2+3+4) = 50, G = 100/80 − 5/4 = 0', () => {
    expect(pareto([5, 5, 5, 5])).toBe(0.25);
    expect(gini([5, 5, 5, 5])).toBeCloseTo(0, 12);
  });

  it('one holds all: [0,0,0,10] → pareto 1; Σ i·x = 40, G = 80/40 − 5/4 = 0.75 = (n−1)/n', () => {
    expect(pareto([0, 0, 0, 10])).toBe(1);
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75, 12);
  });

  it('n = 6: top ceil(1.2) = 2 → (3+3)/10 = 0.6; Σ i·x = 1+2+3+4+15+18 = 43, G = 86/60 − 7/6 = 4/15', () => {
    const v = [1, 1, 1, 1, 3, 3];
    expect(pareto(v)).toBeCloseTo(0.6, 12);
    expect(gini(v)).toBeCloseTo(4 / 15, 12);
    expect(concentration(v).top_n).toBe(2);
  });

  it('n = 1: pareto 1, G = 2·7/7 − 2 = 0', () => {
    expect(pareto([7])).toBe(1);
    expect(gini([7])).toBeCloseTo(0, 12);
  });

  it('returns null with a reason where undefined', () => {
    expect(concentration([])).toMatchObject({ n: 0, pareto: null, gini: null, undefined_reason: 'empty' });
    expect(concentration([0, 0])).toMatchObject({ pareto: null, gini: null, undefined_reason: 'zero_total' });
    expect(concentration([5, -1, 3])).toMatchObject({ total: 7, pareto: null, gini: null, undefined_reason: 'negative_values' });
    expect(pareto([5, -5])).toBeNull(); // negative checked before zero total
    expect(concentration([5, -5]).undefined_reason).toBe('negative_values');
    expect(gini([])).toBeNull();
  });

  it('rejects non-finite input', () => {
    expect(() => pareto([1, NaN])).toThrow(/finite/);
  });
});

describe('lorenz', () => {
  it('[1,2,3,4,10]: cumulative 1,3,6,10,20 of 20', () => {
    expect(lorenz([10, 1, 2, 3, 4])).toEqual([
      { x: 0, y: 0 }, { x: 0.2, y: 0.05 }, { x: 0.4, y: 0.15 }, { x: 0.6, y: 0.3 }, { x: 0.8, y: 0.5 }, { x: 1, y: 1 },
    ]);
  });

  it('samples with interpolation when n > maxPoints: [1,3,6], 2 points → x=0.5 at rank 1.5: (1 + 0.5·3)/10 = 0.25', () => {
    expect(lorenz([6, 1, 3], 2)).toEqual([{ x: 0, y: 0 }, { x: 0.5, y: 0.25 }, { x: 1, y: 1 }]);
    expect(lorenz([6, 1, 3], 3)).toHaveLength(4); // n ≤ maxPoints: exact points
  });

  it('is null where undefined', () => {
    expect(lorenz([])).toBeNull();
    expect(lorenz([0])).toBeNull();
    expect(lorenz([1, -1, 2])).toBeNull();
  });
});
