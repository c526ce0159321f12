import { describe, expect, it } from 'vitest';
import { RFM_SEGMENTS, quintileCuts, scoreRfm, segmentOf, type Score } from '../../src/segment/rfm.js';

const c = (customer_id: string, days_since_last: number | null, frequency: number, monetary_fen: number) =>
  ({ customer_id, days_since_last, frequency, monetary_fen });

describe('quintileCuts (nearest rank: c_k = sorted[ceil(k·n/5)])', () => {
  it('n = 10: ranks 2,4,6,8', () => {
    expect(quintileCuts([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])).toEqual([20, 40, 60, 80]);
  });
  it('n = 7: ranks ceil(1.4)=2, ceil(2.8)=3, ceil(4.2)=5, ceil(5.6)=6', () => {
    expect(quintileCuts([10, 20, 30, 40, 50, 60, 70])).toEqual([20, 30, 50, 60]);
  });
  it('n = 1: every rank is 1; n = 0: null', () => {
    expect(quintileCuts([42])).toEqual([42, 42, 42, 42]);
    expect(quintileCuts([])).toBeNull();
  });
});

describe('scoreRfm', () => {
  const input = [
    c('A', 1, 50, 9000),
    c('B', 5, 20, 5000),
    c('C', 30, 10, 3000),
    c('D', 100, 5, 1000),
    c('E', 300, 1, 100),
    c('X', null, 0, 0), // never transacted
    c('Y', 400, 0, 0), // last transaction before the window: no transaction in it
  ];
  const res = scoreRfm(input);
  const by = Object.fromEntries(res.scores.map((s) => [s.customer_id, s]));

  it('computes cut points over the 5 active customers only (n = 5: ranks 1,2,3,4)', () => {
    expect(res.active_customers).toBe(5);
    expect(res.cuts.recency).toEqual([1, 5, 30, 100]); // days sorted 1,5,30,100,300
    expect(res.cuts.frequency).toEqual([1, 5, 10, 20]); // 1,5,10,20,50
    expect(res.cuts.monetary).toEqual([100, 1000, 3000, 5000]); // 100,1000,3000,5000,9000
  });

  it('scores F/M upward and R reversed', () => {
    // A: days 1 ≤ c1 → R5; F 50 > c4 → 5; M 9000 > c4 → 5
    expect([by.A.r, by.A.f, by.A.m]).toEqual([5, 5, 5]);
    // B: 5 ≤ c2 → R4; 20 ≤ c4 → F4; 5000 ≤ c4 → M4
    expect([by.B.r, by.B.f, by.B.m]).toEqual([4, 4, 4]);
    expect([by.C.r, by.C.f, by.C.m]).toEqual([3, 3, 3]);
    expect([by.D.r, by.D.f, by.D.m]).toEqual([2, 2, 2]);
    // E: 300 > c4 → R1; 1 ≤ c1 → F1; 100 ≤ c1 → M1
    expect([by.E.r, by.E.f, by.E.m]).toEqual([1, 1, 1]);
  });

  it('gives R = F = M = 1 and segment inactive to customers without a transaction', () => {
    expect(by.X).toEqual({ customer_id: 'X', active: false, r: 1, f: 1, m: 1, segment: 'inactive' });
    expect(by.Y).toEqual({ customer_id: 'Y', active: false, r: 1, f: 1, m: 1, segment: 'inactive' });
  });

  it('assigns segments by the first matching rule and counts them', () => {
    expect(res.scores.map((s) => s.segment)).toEqual([
      'champions', 'champions', 'need_attention', 'hibernating', 'lost', 'inactive', 'inactive',
    ]);
    const counts = Object.fromEntries(res.segment_counts.map((s) => [s.code, s.customers]));
    expect(counts).toMatchObject({ champions: 2, need_attention: 1, hibernating: 1, lost: 1, inactive: 2, loyal: 0 });
    expect(res.segment_counts.reduce((a, s) => a + s.customers, 0)).toBe(7);
  });

  it('gives equal values equal scores (ties across a cut point)', () => {
    // F values 1,1,1,1,1,1,2,2,2,3 → ranks 2,4,6,8 → cuts [1,1,1,2]: F=1 → 1, F=2 → 4, F=3 → 5
    const fs = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3];
    const r = scoreRfm(fs.map((f, i) => c(`c${i}`, 10, f, 100)));
    expect(r.cuts.frequency).toEqual([1, 1, 1, 2]);
    expect(r.scores.map((s) => s.f)).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 4, 5]);
    // all days equal 10: cuts [10,10,10,10], 10 ≤ c1 → R = 5 for everyone
    expect(new Set(r.scores.map((s) => s.r))).toEqual(new Set([5]));
  });

  it('with nobody active, cut points are null and everyone is inactive', () => {
    const r = scoreRfm([c('a', null, 0, 0)]);
    expect(r.cuts).toEqual({ recency: null, frequency: null, monetary: null });
    expect(r.scores[0]).toMatchObject({ r: 1, f: 1, m: 1, segment: 'inactive' });
  });

  it('rejects inconsistent input', () => {
    expect(() => scoreRfm([c('a', null, 3, 100)])).toThrow(/days since last/);
    expect(() => scoreRfm([c('a', 1, 1.5, 100)])).toThrow(/frequency/);
    expect(() => scoreRfm([c('a', 1, 1, -5)])).toThrow(/monetary/);
    expect(() => scoreRfm([c('a', 1, 1, 5), c('a', 2, 1, 5)])).toThrow(/twice/);
  });
});

describe('segment rule table', () => {
  const seg = (r: number, f: number, m: number) => segmentOf({ active: true, r: r as Score, f: f as Score, m: m as Score });
  it.each([
    [5, 5, 5, 'champions'], [4, 4, 4, 'champions'],
    [3, 5, 1, 'loyal'], [5, 4, 3, 'loyal'],
    [2, 5, 5, 'cant_lose'], [1, 4, 4, 'cant_lose'],
    [1, 5, 2, 'at_risk'], [2, 3, 1, 'at_risk'], [1, 1, 3, 'at_risk'],
    [5, 3, 1, 'potential_loyalist'], [4, 2, 5, 'potential_loyalist'],
    [5, 1, 5, 'new'], [4, 1, 1, 'promising'],
    [3, 2, 5, 'need_attention'], [3, 3, 3, 'need_attention'],
    [2, 2, 2, 'hibernating'], [2, 1, 1, 'hibernating'],
    [1, 2, 2, 'lost'], [1, 1, 1, 'lost'],
  ])('R%i F%i M%i → %s', (r, f, m, code) => {
    expect(seg(r, f, m)).toBe(code);
  });

  it('every active score combination lands in a non-inactive segment, and every such segment is reachable', () => {
    const hit = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) hit.add(seg(r, f, m));
    expect([...hit].sort()).toEqual(RFM_SEGMENTS.map((s) => s.code).filter((x) => x !== 'inactive').sort());
  });
});
