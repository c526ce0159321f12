/** The pure watch rules: signals at and around their thresholds, the rules file, coverage load, main channel. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, type TiersConfig } from '../../src/segment/tiers.js';
import { channelMix, mainChannel } from '../../src/watch/channels.js';
import { coverage } from '../../src/watch/coverage.js';
import { defaultRules, parseRules } from '../../src/watch/rules.js';
import { customerSignals, isValuable, type WatchCustomer, type WatchDates } from '../../src/watch/signals.js';

const tiers = DEFAULT_TIERS as TiersConfig;
const rules = defaultRules();
const dates: WatchDates = { as_of: '2026-06-30', attrition_from: '2026-06-01', outflow_from: '2026-05-31', months: ['2026-03', '2026-04', '2026-05', '2026-06'], dormant_from: '2026-04-02' };
const yuan = (x: number) => Math.round(x * 100);

/** A VIP customer with 300,000 CNY throughout and recent activity: raises nothing. */
function steady(over: Partial<WatchCustomer> = {}): WatchCustomer {
  const v = yuan(300000);
  return {
    customer_id: 'C', name: 'n', customer_type: 'personal', rm_id: 'R', tier: 'vip', measure: v, aum_adb: v,
    attrition_recent: v, attrition_prior: v, upgrade_recent: v, upgrade_prior: v, aum_then: v, aum_now: v,
    monthly_aum: [v, v, v, v], last_activity: '2026-06-20', unassigned_since: null, ...over,
  };
}
const signals = (c: WatchCustomer) => customerSignals(c, tiers, rules, dates).map((r) => [r.signal, r.measure, r.value, r.threshold]);

describe('watch signals', () => {
  it('a steady customer raises nothing', () => {
    expect(signals(steady())).toEqual([]);
  });

  it('attrition: a 30% drop from at least 50,000 counts, 29.99% does not, nor a drop from 49,999.99', () => {
    // 50,000 → 35,000: 1 − 35,000 ÷ 50,000 = 30%.
    expect(signals(steady({ attrition_prior: yuan(50000), attrition_recent: yuan(35000) }))).toEqual([['attrition', 'aum_adb_drop_pct', 1 - 35000 / 50000, 0.3]]);
    expect(signals(steady({ attrition_prior: yuan(50000), attrition_recent: yuan(35005) }))).toEqual([]);
    expect(signals(steady({ attrition_prior: yuan(49999.99), attrition_recent: yuan(1) }))).toEqual([]);
    // Net outflow: 400,000 → 300,000 = 100,000 exactly; 99,999.99 is not enough.
    expect(signals(steady({ aum_then: yuan(400000), aum_now: yuan(300000) }))).toEqual([['attrition', 'net_outflow_cny', yuan(100000), yuan(100000)]]);
    expect(signals(steady({ aum_then: yuan(399999.99), aum_now: yuan(300000) }))).toEqual([]);
  });

  it('upgrade: from 90% of the next threshold, growing; not without growth, not on a quantile ladder', () => {
    const near = { measure: yuan(450000), aum_adb: yuan(450000), upgrade_prior: yuan(440000), upgrade_recent: yuan(460000) };
    expect(signals(steady(near))).toEqual([['upgrade', 'aum_adb_cny', yuan(450000), yuan(500000)]]);
    expect(signals(steady({ ...near, measure: yuan(449999.99) }))).toEqual([]);
    expect(signals(steady({ ...near, upgrade_recent: yuan(440000) }))).toEqual([]);
    expect(signals(steady({ ...near, customer_type: 'corporate', tier: 'core' }))).toEqual([]);
  });

  it('downgrade: below the March tier\'s threshold in all three months; one month at the threshold, or one outside the data, clears it', () => {
    const below = yuan(99999.99);
    expect(signals(steady({ monthly_aum: [yuan(100000), below, below, below] }))).toEqual([['downgrade', 'aum_adb_cny', below, yuan(100000)]]);
    expect(signals(steady({ monthly_aum: [yuan(100000), below, yuan(100000), below] }))).toEqual([]);
    expect(signals(steady({ monthly_aum: [null, below, below, below] }))).toEqual([]);
  });

  it('dormant valuable: last activity before the 90 days and AUM ADB at least 100,000; unassigned: a valuable tier with no RM', () => {
    expect(signals(steady({ last_activity: '2026-04-01' }))).toEqual([['dormant_valuable', 'aum_adb_cny', yuan(300000), yuan(100000)]]);
    expect(signals(steady({ last_activity: '2026-04-02' }))).toEqual([]);
    expect(signals(steady({ last_activity: null, aum_adb: yuan(99999.99) }))).toEqual([]);
    expect(signals(steady({ rm_id: null }))).toEqual([['unassigned', 'aum_adb_cny', yuan(300000), null]]);
    expect(signals(steady({ rm_id: null, tier: 'mass' }))).toEqual([]);
    expect([isValuable(tiers.corporate, 'key', 'core'), isValuable(tiers.corporate, 'standard', 'core')]).toEqual([true, false]);
  });
});

describe('watch rules file', () => {
  it('defaults, percent strings, CNY amounts and a watch: section beside the ladders', () => {
    const r = parseRules('watch:\n  attrition: { drop: "25%", min_aum: 1000.5 }\npersonal:\n  measure: aum_adb\n', 'tiers.yaml');
    expect(r.attrition).toEqual({ days: 30, drop: 0.25, min_aum_fen: 100050, net_outflow_fen: 10000000 });
    expect(r.capacity).toEqual(defaultRules().capacity);
  });

  it('names the field of a bad key or value', () => {
    expect(() => parseRules('upgrade: { gap: 2 }\n', 'r.yaml')).toThrow('r.yaml: field upgrade.gap: must be between 0 and 1');
    expect(() => parseRules('dormant_valuable: { days: 366 }\n', 'r.yaml')).toThrow('r.yaml: field dormant_valuable.days: must be a whole number from 1 to 365, got 366');
    expect(() => parseRules('watch: { capacity: { personal: 3 } }\n', 't.yaml')).toThrow('t.yaml: field watch.capacity.personal: unknown key');
  });
});

describe('coverage and channels', () => {
  it('load is the larger share of capacity; a corporate RM has no limit in all', () => {
    const cust = (id: string, tier: string, rm: string | null) => ({ customer_id: id, customer_type: 'personal' as const, branch: 'B', rm_id: rm, tier, aum_adb: 100 });
    const c = coverage([cust('a', 'vip', 'P'), cust('b', 'mass', 'P'), cust('c', 'mass', 'P'), cust('d', 'vip', null)],
      [{ rm_id: 'P', name: 'p', rm_type: 'personal', branch: 'B' }, { rm_id: 'K', name: 'k', rm_type: 'corporate', branch: 'B' }],
      tiers, { ...rules, capacity: { personal_valuable: 2, personal_customers: 4, corporate_valuable: 1 } });
    // P: max(1 ÷ 2, 3 ÷ 4) = 75%; K: 0 ÷ 1.
    expect(c.rms.map((r) => [r.rm_id, r.valuable, r.customers, r.load])).toEqual([['K', 0, 0, 0], ['P', 1, 3, 0.75]]);
    expect(c.branches[0]).toMatchObject({ valuable: 2, valuable_unassigned: 1, load_min: 0, load_max: 0.75, load_spread: 0.75 });
  });

  it('main channel: most transactions, ties to the counter; a move saves the first month\'s unit cost less the last\'s', () => {
    expect([mainChannel({ counter: 1, self_service: 0, e_banking: 1 }), mainChannel({ counter: 0, self_service: 2, e_banking: 2 }), mainChannel(undefined)]).toEqual(['counter', 'self_service', null]);
    const unit = { counter: 800, self_service: 170, e_banking: 35 };
    // First month 2 counter + 1 e-banking: 1,635 fen for 3 = 545 each; last month 4 e-banking: 140. Saved 4 × 545 − 140 = 2,040.
    const { moves } = channelMix([{ customer_id: 'a', customer_type: 'personal', tier: 'vip', months: [{ counter: 2, self_service: 0, e_banking: 1 }, { counter: 0, self_service: 0, e_banking: 4 }] }],
      ['2026-05', '2026-06'], { personal: ['vip'], corporate: [] }, unit);
    expect(moves).toEqual([{ customer_type: 'personal', tier: 'vip', moved: 1, transactions: 4, saved: 2040 }]);
  });
});
