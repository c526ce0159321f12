import { describe, expect, it } from 'vitest';
import { isDormant, summarize, type CustomerRow } from '../../src/segment/summary.js';

const row = (
  customer_id: string, customer_type: 'personal' | 'corporate', branch: string | null, rm_id: string | null, tier: string,
  aum_adb: number, deposit_adb: number, loan_adb: number, contribution: number, fee_income: number,
  txn: [number, number, number], dormant: boolean,
): CustomerRow => ({
  customer_id, customer_type, branch, rm_id, tier, aum_adb, deposit_adb, loan_adb, contribution, fee_income,
  txn_counter: txn[0], txn_self_service: txn[1], txn_e_banking: txn[2], dormant,
});

const rows = [
  row('r1', 'personal', 'B1', 'R1', 'mass', 100, 80, 0, 10, 1, [1, 2, 3], true),
  row('r2', 'personal', 'B1', 'R2', 'vip', 300, 200, 50, 30, 2, [0, 1, 4], false),
  row('r3', 'corporate', 'B2', null, 'key', 600, 600, 1000, -20, 5, [2, 0, 0], false),
  row('r4', 'personal', 'B2', 'R1', 'vip', 500, 100, 0, 60, 0, [0, 0, 10], true),
];
const tiers = ['mass', 'vip', 'affluent', 'standard', 'core', 'key'];

describe('summarize', () => {
  const [t] = summarize(rows, { tiers });
  const by = Object.fromEntries(t.rows.map((r) => [r.tier, r]));

  it('has one row per tier in the given order plus a total', () => {
    expect(t.group).toBeNull();
    expect(t.rows.map((r) => r.tier)).toEqual(tiers);
    // totals: customers 4; AUM 100+300+600+500 = 1500; deposits 80+200+600+100 = 980; loans 50+1000 = 1050;
    // contribution 10+30−20+60 = 80; fees 1+2+5+0 = 8; counter 1+0+2+0 = 3; self 2+1 = 3; e-banking 3+4+10 = 17
    expect(t.total).toEqual({
      tier: 'total', customers: 4, customer_share: 1, aum_adb: 1500, aum_share: 1, aum_avg: 375, deposit_adb: 980,
      loan_adb: 1050, contribution: 80, contribution_share: 1, contribution_avg: 20, fee_income: 8,
      txn_counter: 3, txn_self_service: 3, txn_e_banking: 17, dormant: 2,
    });
  });

  it('computes tier sums, shares and averages', () => {
    // vip = r2 + r4: AUM 300+500 = 800, share 800/1500, avg 800/2 = 400; contribution 30+60 = 90, share 90/80 = 1.125
    expect(by.vip).toMatchObject({
      customers: 2, customer_share: 0.5, aum_adb: 800, aum_avg: 400, deposit_adb: 300, loan_adb: 50,
      contribution: 90, contribution_share: 1.125, contribution_avg: 45, fee_income: 2,
      txn_counter: 0, txn_self_service: 1, txn_e_banking: 14, dormant: 1,
    });
    expect(by.vip.aum_share).toBeCloseTo(8 / 15, 12);
    expect(by.mass.aum_share).toBeCloseTo(1 / 15, 12); // 100/1500
    expect(by.mass.contribution_share).toBe(0.125); // 10/80
    // key: negative contribution −20 → share −20/80 = −0.25
    expect(by.key).toMatchObject({ customers: 1, customer_share: 0.25, aum_share: 0.4, contribution_share: -0.25, contribution_avg: -20 });
  });

  it('shows empty tiers with zeros and null averages', () => {
    expect(by.affluent).toMatchObject({ customers: 0, customer_share: 0, aum_adb: 0, aum_share: 0, aum_avg: null, contribution_avg: null, dormant: 0 });
  });

  it('groups by branch with shares within each group', () => {
    const g = summarize(rows, { tiers, groupBy: 'branch' });
    expect(g.map((x) => x.group)).toEqual(['B1', 'B2']);
    const b1 = g[0];
    expect(b1.total).toMatchObject({ customers: 2, aum_adb: 400, contribution: 40 }); // r1 + r2
    expect(b1.rows[0]).toMatchObject({ tier: 'mass', customer_share: 0.5, aum_share: 0.25, contribution_share: 0.25 }); // 100/400, 10/40
    expect(b1.rows[1]).toMatchObject({ tier: 'vip', aum_share: 0.75 }); // 300/400
  });

  it('groups by rm_id, missing RM as (unassigned) last; contribution share null when the group total ≤ 0', () => {
    const g = summarize(rows, { tiers, groupBy: 'rm_id' });
    expect(g.map((x) => x.group)).toEqual(['R1', 'R2', '(unassigned)']);
    expect(g[0].total).toMatchObject({ customers: 2, aum_adb: 600, contribution: 70 }); // r1 + r4: 100+500, 10+60
    const un = g[2];
    expect(un.total).toMatchObject({ customers: 1, contribution: -20, contribution_share: null, contribution_avg: -20 });
    expect(un.rows.find((r) => r.tier === 'key')?.contribution_share).toBeNull();
  });

  it('handles no rows and rejects unknown tiers', () => {
    const [e] = summarize([], { tiers });
    expect(e.total).toMatchObject({ customers: 0, customer_share: null, aum_share: null, aum_avg: null });
    expect(summarize([], { tiers, groupBy: 'branch' })).toEqual([]);
    expect(() => summarize(rows, { tiers: ['mass', 'vip'] })).toThrow('customer r3 has tier "key"');
    expect(() => summarize(rows, { tiers: ['mass', 'mass'] })).toThrow(/twice/);
  });
});

describe('isDormant (window = as-of − 364 … as-of)', () => {
  it.each([
    [null, 0, 100, true], // never transacted, AUM below floor
    [364, 0, 100, false], // last transaction inside the window
    [365, 0, 100, true], // 365 days before as-of: outside the 365-day window
    [400, 100, 100, false], // AUM equal to the floor is not below it
    [400, 99.5, 100, true], // fractional ADB below the floor
    [null, 500, 100, false],
  ])('days %s, AUM %s, floor %s → %s', (d, aum, floor, want) => {
    expect(isDormant(d, aum, floor)).toBe(want);
  });
});
