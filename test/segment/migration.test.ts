import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/segment/migration.js';

const m = (o: Record<string, string | number>) => new Map(Object.entries(o));

describe('migrate', () => {
  const order = ['mass', 'vip', 'affluent'];
  const tiers1 = m({ a: 'mass', b: 'vip', c: 'affluent', d: 'vip', e: 'mass' }) as Map<string, string>;
  const tiers2 = m({ a: 'vip', b: 'vip', c: 'mass', d: 'affluent', f: 'affluent' }) as Map<string, string>;
  const aum1 = m({ a: 100, b: 200, c: 300, d: 250, e: 50 }) as Map<string, number>;
  const aum2 = m({ a: 150, b: 210, c: 20, d: 600, f: 700 }) as Map<string, number>;
  const res = migrate({ order, tiers1, tiers2, aum1, aum2 });

  it('labels rows new + ladder, columns ladder + gone', () => {
    expect(res.rows).toEqual(['new', 'mass', 'vip', 'affluent']);
    expect(res.columns).toEqual(['mass', 'vip', 'affluent', 'gone']);
  });

  it('counts each customer once in its (from, to) cell', () => {
    expect(res.counts).toEqual([
      // mass vip aff gone
      [0, 0, 1, 0], // new: f → affluent
      [0, 1, 0, 1], // mass: a → vip, e → gone
      [0, 1, 1, 0], // vip: b stays, d → affluent
      [1, 0, 0, 0], // affluent: c → mass
    ]);
  });

  it('sums AUM at date 2, except the gone column which uses date 1', () => {
    expect(res.aum_fen).toEqual([
      [0, 0, 700, 0], // f at date 2
      [0, 150, 0, 50], // a at date 2 = 150; e gone → its date-1 AUM 50
      [0, 210, 600, 0], // b 210, d 600 (date 2)
      [20, 0, 0, 0], // c at date 2 = 20
    ]);
    expect(res.cells).toContainEqual({ from: 'mass', to: 'gone', customers: 1, aum_fen: 50 });
    expect(res.cells).toHaveLength(6);
  });

  it('counts upgrades (a, d), downgrades (c), unchanged (b), new (f), gone (e)', () => {
    expect([res.upgrades, res.downgrades, res.unchanged, res.new_customers, res.gone_customers, res.customers])
      .toEqual([2, 1, 1, 1, 1, 6]);
  });

  it('works without AUM maps (all-zero AUM matrix)', () => {
    const r = migrate({ order, tiers1, tiers2 });
    expect(r.counts).toEqual(res.counts);
    expect(r.aum_fen.flat().every((x) => x === 0)).toBe(true);
  });

  it('rejects unknown tiers, missing AUM, reserved or duplicate codes', () => {
    expect(() => migrate({ order, tiers1: m({ a: 'gold' }) as Map<string, string>, tiers2: new Map() }))
      .toThrow('customer a has unknown tier "gold" at date 1');
    expect(() => migrate({ order, tiers1, tiers2, aum1, aum2: m({ a: 1 }) as Map<string, number> }))
      .toThrow(/no AUM at date 2 for customer b/);
    expect(() => migrate({ order: ['new', 'x'], tiers1: new Map(), tiers2: new Map() })).toThrow(/reserved/);
    expect(() => migrate({ order: ['x', 'x'], tiers1: new Map(), tiers2: new Map() })).toThrow(/twice/);
  });
});
