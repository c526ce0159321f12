/** Summary edges: a zero contribution total, group keys that are missing, the order of groups. */
import { describe, expect, it } from 'vitest';
import { UNASSIGNED, summarize, type CustomerRow } from '../../src/segment/summary.js';
import { DataError } from '../../src/errors.js';

const row = (customer_id: string, branch: string | null | undefined, tier: string, contribution: number): CustomerRow => ({
  customer_id, customer_type: 'personal', branch: branch as string | null, rm_id: null, tier, aum_adb: 100, deposit_adb: 0, loan_adb: 0,
  contribution, fee_income: 0, txn_counter: 0, txn_self_service: 0, txn_e_banking: 0, dormant: false,
});

describe('summarize edges', () => {
  it('a contribution total of exactly 0 gives no contribution share', () => {
    // contributions +5 and −5: total 0 → share null (not 5/0 or 0/0)
    const [t] = summarize([row('a', 'B1', 'mass', 5), row('b', 'B1', 'vip', -5)], { tiers: ['mass', 'vip'] });
    expect(t.total.contribution).toBe(0);
    expect(t.rows.map((r) => r.contribution_share)).toEqual([null, null]);
    expect(t.total.contribution_share).toBeNull();
    // averages still defined: 5 ÷ 1 and −5 ÷ 1
    expect(t.rows.map((r) => r.contribution_avg)).toEqual([5, -5]);
  });

  it('missing, null and empty group keys all go to (unassigned), listed last; the others sorted', () => {
    const rows = [row('u1', null, 'mass', 1), row('b3', 'B3', 'mass', 1), row('u2', '', 'mass', 1), row('b1', 'B1', 'mass', 1),
      row('u3', undefined, 'mass', 1), row('b2', 'B2', 'mass', 1), row('b1b', 'B1', 'mass', 1)];
    const tables = summarize(rows, { tiers: ['mass'], groupBy: 'branch' });
    expect(tables.map((t) => [t.group, t.total.customers])).toEqual([['B1', 2], ['B2', 1], ['B3', 1], [UNASSIGNED, 3]]);
  });

  it('a tier not in the list is a DataError naming the customer and the list', () => {
    expect(() => summarize([row('a', 'B1', 'gold', 1)], { tiers: ['mass', 'vip'] })).toThrow(DataError);
    expect(() => summarize([row('a', 'B1', 'gold', 1)], { tiers: ['mass', 'vip'] })).toThrow('summary: customer a has tier "gold", not in mass, vip');
  });
});
