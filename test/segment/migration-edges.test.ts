/** Migration edges: one AUM map only, missing or non-finite AUM, reserved codes. */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/segment/migration.js';
import { DataError } from '../../src/errors.js';

const m = <T>(o: Record<string, T>) => new Map(Object.entries(o));
const order = ['mass', 'vip'];

describe('migrate edges', () => {
  it('with only the date-2 AUM map, customers present at date 2 carry their AUM', () => {
    const r = migrate({ order, tiers1: m({ a: 'mass' }), tiers2: m({ a: 'vip', b: 'mass' }), aum2: m({ a: 300, b: 40 }) });
    // a: mass → vip with 300; b: new → mass with 40
    expect(r.cells).toEqual([{ from: 'new', to: 'mass', customers: 1, aum_fen: 40 }, { from: 'mass', to: 'vip', customers: 1, aum_fen: 300 }]);
  });

  it('with only the date-1 AUM map, gone customers carry their date-1 AUM', () => {
    const r = migrate({ order, tiers1: m({ a: 'vip' }), tiers2: m<string>({}), aum1: m({ a: 900 }) });
    expect(r.cells).toEqual([{ from: 'vip', to: 'gone', customers: 1, aum_fen: 900 }]);
    expect(r.gone_customers).toBe(1);
  });

  it('an AUM missing or not finite where needed is a DataError naming date and customer', () => {
    expect(() => migrate({ order, tiers1: m<string>({}), tiers2: m({ a: 'vip' }), aum1: m({ a: 1 }) })).toThrow(DataError);
    expect(() => migrate({ order, tiers1: m<string>({}), tiers2: m({ a: 'vip' }), aum1: m({ a: 1 }) })).toThrow('migration: no AUM at date 2 for customer a');
    expect(() => migrate({ order, tiers1: m<string>({}), tiers2: m({ a: 'vip' }), aum2: m({ a: Number.NaN }) })).toThrow('migration: no AUM at date 2 for customer a');
  });

  it('the codes new and gone are reserved', () => {
    expect(() => migrate({ order: ['mass', 'gone'], tiers1: m<string>({}), tiers2: m<string>({}) })).toThrow('migration: tier code "gone" is reserved');
    expect(() => migrate({ order: ['new'], tiers1: m<string>({}), tiers2: m<string>({}) })).toThrow('migration: tier code "new" is reserved');
  });

  it('counts downgrades and unchanged apart', () => {
    const r = migrate({ order: ['lo', 'mid', 'hi'], tiers1: m({ a: 'hi', b: 'hi', c: 'mid', d: 'lo' }), tiers2: m({ a: 'lo', b: 'mid', c: 'lo', d: 'lo' }) });
    // a hi → lo, b hi → mid, c mid → lo: 3 downgrades; d lo → lo: 1 unchanged; no upgrade
    expect([r.upgrades, r.downgrades, r.unchanged]).toEqual([0, 3, 1]);
  });
});
