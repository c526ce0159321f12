/** scoreRfmColumns: the RFM scores of customers given as typed arrays (what crm segment rfm holds for a million). */
import { describe, expect, it } from 'vitest';
import { dataError } from '../helpers.js';
import { RFM_SEGMENTS, scoreRfmColumns } from '../../src/segment/rfm.js';

const code = (i: number) => RFM_SEGMENTS[i].code;
const id = (i: number) => `c${i}`;
const cols = (days: number[], frequency: number[], monetary: number[]) => ({
  days_since_last: Float64Array.from(days), frequency: Float64Array.from(frequency), monetary_fen: Float64Array.from(monetary),
});

describe('scoreRfmColumns', () => {
  it('ties at a quintile border get the same score, on either side of the cut', () => {
    // 10 active customers. F sorted: 1,2,3,3,3,3,3,4,5,6 → c_k at ranks ceil(k·10/5) = 2,4,6,8 → 2, 3, 3, 4.
    // The five customers with F = 3 straddle ranks 3..7 (c2 and c3 both fall on them): all score 2 (3 ≤ c2).
    const f = [3, 1, 3, 6, 3, 2, 3, 4, 3, 5];
    const s = scoreRfmColumns(cols(f.map(() => 7), f, f.map(() => 100)), id);
    expect(s.cuts.frequency).toEqual([2, 3, 3, 4]);
    // 3 → 2; 1 ≤ c1 → 1; 6 > c4 → 5; 2 ≤ c1 → 1; 4 ≤ c4 → 4; 5 > c4 → 5.
    expect([...s.f]).toEqual([2, 1, 2, 5, 2, 1, 2, 4, 2, 5]);
    // Every R and M value equal: cuts all that value, so R = 5 (≤ c1) and M = 1 (≤ c1) for everyone.
    expect(s.cuts.recency).toEqual([7, 7, 7, 7]);
    expect(new Set(s.r)).toEqual(new Set([5]));
    expect(new Set(s.m)).toEqual(new Set([1]));
  });

  it('recency is reversed: fewer days is a higher score; a tie at c1 is 5', () => {
    // Days 0,0,1,2,3 (n = 5: ranks 1..4) → cuts 0, 0, 1, 2: 0 → 5, 1 ≤ c3 → 3, 2 ≤ c4 → 2, 3 > c4 → 1.
    const s = scoreRfmColumns(cols([3, 0, 2, 1, 0], [1, 1, 1, 1, 1], [5, 5, 5, 5, 5]), id);
    expect(s.cuts.recency).toEqual([0, 0, 1, 2]);
    expect([...s.r]).toEqual([1, 5, 2, 3, 5]);
  });

  it('customers without a transaction: R = F = M = 1, inactive, outside the cut points', () => {
    // c0 and c2 have frequency 0 (c2 still carries days and an amount: bank postings only); the cuts
    // come from c1 and c3 alone: n = 2, ranks ceil(2k/5) = 1, 1, 2, 2.
    const s = scoreRfmColumns(cols([NaN, 4, 1, 9], [0, 2, 0, 6], [0, 300, 50, 900]), id);
    expect(s.active_customers).toBe(2);
    expect(s.cuts).toEqual({ recency: [4, 4, 9, 9], frequency: [2, 2, 6, 6], monetary: [300, 300, 900, 900] });
    expect([...s.r]).toEqual([1, 5, 1, 3]); // c1: 4 ≤ c1 → 5; c3: 9 ≤ c3 → 3
    expect([...s.f]).toEqual([1, 1, 1, 3]); // c3: 6 ≤ c3 → 3
    expect([...s.m]).toEqual([1, 1, 1, 3]);
    // c1 R5 F1 → new; c3 R3 F3 → need_attention (R = 3, F ≤ 3).
    expect([...s.segment].map(code)).toEqual(['inactive', 'new', 'inactive', 'need_attention']);
    const counts = Object.fromEntries(RFM_SEGMENTS.map((g, k) => [g.code, s.counts[k]]));
    expect(counts).toMatchObject({ inactive: 2, new: 1, need_attention: 1, champions: 0 });
  });

  it('one customer: every cut point is its own value (R 5, F 1, M 1: new)', () => {
    const s = scoreRfmColumns(cols([12], [4], [7_000]), id);
    expect(s.cuts).toEqual({ recency: [12, 12, 12, 12], frequency: [4, 4, 4, 4], monetary: [7_000, 7_000, 7_000, 7_000] });
    expect([s.r[0], s.f[0], s.m[0], code(s.segment[0])]).toEqual([5, 1, 1, 'new']);
  });

  it('no customer, or none active: null cut points', () => {
    expect(scoreRfmColumns(cols([], [], []), id)).toMatchObject({ active_customers: 0, cuts: { recency: null, frequency: null, monetary: null } });
    const s = scoreRfmColumns(cols([NaN], [0], [0]), id);
    expect(s.cuts.recency).toBeNull();
    expect(code(s.segment[0])).toBe('inactive');
  });

  it('names the customer of a bad value', () => {
    expect(dataError(() => scoreRfmColumns(cols([1, NaN], [1, 2], [5, 5]), id))).toBe('RFM: customer c1 has transactions but days since last is NaN');
    expect(dataError(() => scoreRfmColumns(cols([1], [1], [-1]), id))).toBe('RFM: customer c0: monetary must be ≥ 0 (Σ |amount|), got -1');
    expect(dataError(() => scoreRfmColumns(cols([1, 1], [1, 0.5], [5, 5]), id))).toBe('RFM: customer c1: frequency must be a whole number ≥ 0, got 0.5');
  });
});
