/**
 * Concentration of a measure across customers (metrics.md "Tiers": Pareto, Gini).
 *
 * Both are only meaningful for n ≥ 1 non-negative values with a positive total. Otherwise
 * every function here returns null (and `concentration()` says why) instead of a number:
 *  - n = 0                → 'empty'
 *  - any value < 0        → 'negative_values' (e.g. contribution: a "share" above 100% or a
 *                           Gini above 1 would be misleading)
 *  - total = 0            → 'zero_total'
 */
import { DataError } from '../errors.js';
import { ceilShare } from './config-file.js';

export type ConcentrationUndefined = 'empty' | 'negative_values' | 'zero_total';

export interface Concentration {
  n: number;
  total: number;
  /** ceil(20% × n): how many customers form the Pareto "top". */
  top_n: number;
  /** Σ of the top_n largest values. */
  top_total: number;
  pareto: number | null;
  gini: number | null;
  /** Why pareto/gini are null, when they are. */
  undefined_reason: ConcentrationUndefined | null;
}

/** The values of a measure, one per customer: an array, or a typed array a report built by position. */
export type Values = ArrayLike<number>;

function check(values: Values): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new DataError(`concentration: value ${values[i]} is not a finite number`);
}

/** `asc`: the values in ascending order. */
function reason(asc: Float64Array, total: number): ConcentrationUndefined | null {
  if (asc.length === 0) return 'empty';
  if (asc[0] < 0) return 'negative_values';
  if (total === 0) return 'zero_total';
  return null;
}

const sum = (xs: ArrayLike<number>): number => {
  let t = 0;
  for (let i = 0; i < xs.length; i++) t += xs[i];
  return t;
};

/** Ascending copy: a typed array sorts numbers natively (no comparator calls: 100k values in a few ms). */
const ascending = (values: Values): Float64Array => Float64Array.from(values).sort();

export function concentration(values: Values): Concentration {
  check(values);
  const n = values.length;
  const asc = ascending(values);
  const total = sum(asc);
  const top_n = ceilShare(0.2, n);
  const top_total = sum(asc.subarray(n - top_n));
  const why = reason(asc, total);
  if (why) return { n, total, top_n, top_total, pareto: null, gini: null, undefined_reason: why };
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (i + 1) * asc[i];
  const gini = (2 * weighted) / (n * total) - (n + 1) / n;
  return { n, total, top_n, top_total, pareto: top_total / total, gini, undefined_reason: null };
}

/** Share of the total held by the top ceil(20% n) customers; null when undefined (see module doc). */
export function pareto(values: Values): number | null {
  return concentration(values).pareto;
}

/** G = 2 Σᵢ i·x₍ᵢ₎ ÷ (n Σ x) − (n + 1) ÷ n, x ascending, i from 1; null when undefined. */
export function gini(values: Values): number | null {
  return concentration(values).gini;
}

export interface LorenzPoint {
  /** Cumulative share of customers (poorest first), 0..1. */
  x: number;
  /** Cumulative share of the total, 0..1. */
  y: number;
}

/**
 * Lorenz curve: (0,0), then after each customer in ascending order (i/n, Σ₁..ᵢ x ÷ Σ x), ending at (1,1).
 * With maxPoints given and n > maxPoints, the curve is sampled at x = k/maxPoints (k = 0..maxPoints),
 * interpolating linearly between customers. Null when undefined (see module doc).
 */
export function lorenz(values: Values, maxPoints?: number): LorenzPoint[] | null {
  check(values);
  const n = values.length;
  const asc = ascending(values);
  const total = sum(asc);
  if (reason(asc, total)) return null;
  const cum: number[] = [0];
  for (const x of asc) cum.push(cum[cum.length - 1] + x);
  if (maxPoints === undefined || n <= maxPoints) {
    return cum.map((c, i) => ({ x: i / n, y: c / total }));
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new DataError('lorenz: maxPoints must be a positive integer');
  const pts: LorenzPoint[] = [];
  for (let k = 0; k <= maxPoints; k++) {
    const pos = (k * n) / maxPoints;
    const i = Math.floor(pos);
    const frac = pos - i;
    const c = i >= n ? cum[n] : cum[i] + frac * (cum[i + 1] - cum[i]);
    pts.push({ x: k / maxPoints, y: c / total });
  }
  return pts;
}
