/**
 * `crm watch` end to end on the hand-built branch of test/watch/watch-fixture.ts: each customer's
 * figures worked out below, thresholds met exactly, near misses left out, and the error paths.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, parseSimpleCsv, runCrm, tmpDir, writeFiles } from '../helpers.js';
import { writeWatchFixture } from '../watch/watch-fixture.js';

let dir: string;
let db: string;
const watch = (...args: string[]) => runCrm(['--db', db, 'watch', ...args], { cwd: dir });

beforeAll(() => {
  dir = tmpDir();
  db = join(dir, 'crm.db');
  const r = runCrm(['--db', db, 'import', ...writeWatchFixture(dir)], { cwd: dir });
  expect(r.code).toBe(0);
});
afterAll(cleanupTmp);

function csv(text: string): Record<string, string>[] {
  const [head, ...rows] = parseSimpleCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

const pick = (r: Record<string, string>) => [r.customer_id, r.rm_id, r.signal, r.measure, r.value, r.threshold, r.since];

describe('crm watch: the call list', () => {
  it('one row per customer and signal (CNY and percent as plain numbers), by RM then value at stake; the steady customer and the near miss are not listed', () => {
    const r = watch('--format', 'csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = csv(r.stdout);
    expect(Object.keys(rows[0])).toEqual(['customer_id', 'name', 'customer_type', 'tier', 'rm_id', 'signal', 'measure', 'value', 'threshold', 'since', 'note']);
    expect(rows.map(pick)).toEqual([
      // R1, value at stake (tier-window AUM ADB; a loan's balance) high → low:
      // C_OUT: AUM 1,000,000 on 05-31 → 900,000 on 06-30: net outflow 100,000 = the threshold (at stake: (89 × 1,000,000 + 900,000) / 90 = 998,888.89).
      ['C_OUT', 'R1', 'attrition', 'net_outflow_cny', '100000', '100000', '2026-05-31'],
      // C_DOWN: March ADB 520,000 (Affluent, min 500,000); April, May, June 499,999.99 each, below it.
      ['C_DOWN', 'R1', 'downgrade', 'aum_adb_cny', '499999.99', '500000', '2026-04-01'],
      // C_UP: tier ADB (60 × 440,000 + 30 × 470,000) / 90 = 450,000 = 90% of Affluent's 500,000; June 470,000 > May 440,000.
      ['C_UP', 'R1', 'upgrade', 'aum_adb_cny', '450000', '500000', ''],
      // C_DORM: ADB 100,000 = the floor; last customer-initiated transaction 04-01, the day before the 90 days 04-02 … 06-30 (its 结息 on 06-21 does not count).
      ['C_DORM', 'R1', 'dormant_valuable', 'aum_adb_cny', '100000', '100000', '2026-04-01'],
      // C_ATTR: prior ADB 100,000 (≥ 50,000), recent 70,000: 1 − 70,000 / 100,000 = 30% drop = the threshold (at stake: tier ADB (60 × 100,000 + 30 × 70,000) / 90 = 90,000).
      ['C_ATTR', 'R1', 'attrition', 'aum_adb_drop_pct', '30', '30', '2026-06-01'],
      // C_LOAN: L1 normal → substandard on 06-01 (the first of the 30 days); L2's change on 05-31 is one day too early.
      ['C_LOAN', 'R1', 'loan_downgrade', 'loan_balance_cny', '50000', '', '2026-06-01'],
      // No RM last: C_UNAS, VIP (ADB 200,000).
      ['C_UNAS', '', 'unassigned', 'aum_adb_cny', '200000', '', ''],
    ]);
    expect(rows.find((x) => x.signal === 'loan_downgrade')!.note).toBe('L1: normal → substandard on 2026-06-01');
    expect(rows.find((x) => x.customer_id === 'C_ATTR')!.note).toBe('AUM ADB 100,000.00 → 70,000.00 (30 days each); net outflow 30,000.00 since 2026-05-31');
    // Near misses: C_MISS drops 1 − 70,001 / 100,000 = 29.999% (< 30%); C_STEADY acted on 04-02, inside the 90 days.
    expect(rows.some((x) => x.customer_id === 'C_MISS' || x.customer_id === 'C_STEADY')).toBe(false);
  });

  it('the same list when the report thread sums the AUM windows alongside the population (thread forced on)', () => {
    const off = watch('--format', 'csv');
    const on = runCrm(['--db', db, 'watch', '--format', 'csv'], { cwd: dir, env: { CRM_REPORT_THREADS: 'always', CRM_DEBUG_THREADS: '1' } });
    expect(on.code, on.stderr).toBe(0);
    // The thread really summed them: the extras shared first, then its result.
    expect(on.stderr).toMatch(/customerExtras shared extras/);
    expect(on.stderr).toMatch(/customerExtras ran on the report thread/);
    expect(on.stdout).toBe(off.stdout);
    // The list rests on those windows: the outflow (AUM on two days) and the downgrade (whole months).
    expect(on.stdout).toContain('net_outflow_cny');
    expect(on.stdout).toContain(',downgrade,');
  });

  it('table and JSON carry the same list; --lang zh names the signals in Chinese', () => {
    const t = watch('--wide');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Call list as of 2026-06-30');
    expect(t.stdout).toMatch(/^C_ATTR\s.*Attrition\s+AUM ADB drop \(%\)\s+30\.00%\s+30\.00%/m);
    expect(t.stdout).toContain('7 signal(s): Attrition 2, Upgrade 1, Downgrade 1, Dormant valuable 1, Unassigned 1, Loan downgrade 1');
    const j = JSON.parse(watch('--format', 'json').stdout);
    expect(j.report).toBe('watch');
    expect(j.as_of).toBe('2026-06-30');
    expect(j.signals).toEqual({ attrition: 2, upgrade: 1, downgrade: 1, dormant_valuable: 1, unassigned: 1, loan_downgrade: 1 });
    expect(j.rows[0]).toMatchObject({ customer_id: 'C_OUT', value: 100000, threshold: 100000 });
    const zh = watch('--lang', 'zh', '--wide');
    expect(zh.stdout).toContain('客户预警名单 · 2026-06-30');
    for (const name of ['资金流失预警', '潜力升级', '降级预警', '沉睡价值客户', '无人维护', '贷款分类下迁']) expect(zh.stdout).toContain(name);
    expect(zh.stdout).toContain('客户经理');
  });

  it('--rm and --signal narrow the list; an empty list is exit 0', () => {
    const r = csv(watch('--rm', 'R1', '--signal', 'attrition,upgrade', '--format', 'csv').stdout);
    expect(r.map((x) => [x.customer_id, x.signal])).toEqual([['C_OUT', 'attrition'], ['C_UP', 'upgrade'], ['C_ATTR', 'attrition']]);
    const empty = watch('--rm', 'R2');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No customer to call.');
    const emptyCsv = watch('--rm', 'R2', '--format', 'csv');
    expect(emptyCsv.code).toBe(0);
    expect(emptyCsv.stdout.trim()).toBe('customer_id,name,customer_type,tier,rm_id,signal,measure,value,threshold,since,note');
  });

  it('unassigned since the day the RM was taken away (a customers re-export dated 2026-06-15)', () => {
    const copy = join(dir, 'reassigned.db');
    copyFileSync(db, copy);
    const [file] = writeFiles(dir, { 'customers_2026-06-15.csv': 'customer_id,name,customer_type,rm_id,branch\nC_STEADY,C_STEADY name,personal,,B1\n' });
    expect(runCrm(['--db', copy, 'import', file], { cwd: dir }).code).toBe(0);
    const rows = csv(runCrm(['--db', copy, 'watch', '--signal', 'unassigned', '--format', 'csv'], { cwd: dir }).stdout);
    // C_STEADY (VIP, 300,000) before C_UNAS (200,000); C_UNAS never had an RM: no since.
    expect(rows.map(pick)).toEqual([
      ['C_STEADY', '', 'unassigned', 'aum_adb_cny', '300000', '', '2026-06-15'],
      ['C_UNAS', '', 'unassigned', 'aum_adb_cny', '200000', '', ''],
    ]);
  });

  it('--by-rm DIR writes one CSV per RM', () => {
    const out = join(dir, 'calls');
    const r = watch('--by-rm', out, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`2 file(s) written to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(['R1.csv', '_unassigned.csv']);
    expect(csv(readFileSync(join(out, 'R1.csv'), 'utf8')).map((x) => x.customer_id)).toEqual(['C_OUT', 'C_DOWN', 'C_UP', 'C_DORM', 'C_ATTR', 'C_LOAN']);
    expect(csv(readFileSync(join(out, '_unassigned.csv'), 'utf8')).map((x) => x.customer_id)).toEqual(['C_UNAS']);
  });

  it('rules from --rules or the tiers file\'s watch: section move the thresholds', () => {
    writeFiles(dir, {
      'rules.yaml': 'attrition: { drop: "30.01%" }\ndormant_valuable: { min_aum: 100000.01 }\n',
      'tiers.yaml': 'watch:\n  upgrade: { gap: 0.0999 }\n  loan_downgrade: { days: 31 }\n',
    });
    // 30% is now below the drop threshold; 100,000 below the dormancy floor.
    const a = csv(watch('--rules', 'rules.yaml', '--format', 'csv').stdout);
    expect(a.map((x) => x.customer_id)).toEqual(['C_OUT', 'C_DOWN', 'C_UP', 'C_LOAN', 'C_UNAS']);
    // 450,000 is 10% below 500,000, more than a 9.99% gap; 31 days reach L2's change on 05-31 (Σ 50,000 + 80,000).
    const b = csv(watch('--tiers', 'tiers.yaml', '--format', 'csv').stdout);
    expect(b.some((x) => x.signal === 'upgrade')).toBe(false);
    const loan = b.find((x) => x.signal === 'loan_downgrade')!;
    expect([loan.value, loan.since, loan.note]).toEqual(['130000', '2026-05-31', 'L2: normal → doubtful on 2026-05-31; L1: normal → substandard on 2026-06-01']);
  });

  it('a rules file with a bad key, a bad value or an unknown tier is a usage error (exit 2) naming it', () => {
    writeFiles(dir, {
      'bad-key.yaml': 'attrition: { dorp: 0.3 }\n',
      'bad-section.json': '{ "attrtion": {} }',
      'bad-value.yaml': 'downgrade: { months: 0 }\n',
      'bad-tier.yaml': 'watch:\n  valuable: { personal: gold }\n',
    });
    const cases: [string[], string][] = [
      [['--rules', 'bad-key.yaml'], 'crm: error: bad-key.yaml: field attrition.dorp: unknown key (expected one of: days, drop, min_aum, net_outflow)'],
      [['--rules', 'bad-section.json'], 'crm: error: bad-section.json: field attrtion: unknown key (expected one of: valuable, attrition, upgrade, downgrade, dormant_valuable, loan_downgrade, capacity)'],
      [['--rules', 'bad-value.yaml'], 'crm: error: bad-value.yaml: field downgrade.months: must be a whole number from 1 to 36600, got 0'],
      [['--tiers', 'bad-tier.yaml'], 'crm: error: bad-tier.yaml: field watch.valuable.personal: unknown tier "gold" (expected one of: mass, vip, affluent, wealth, private)'],
      [['--rules', 'missing.yaml'], 'crm: error: --rules missing.yaml: cannot read file: no such file'],
      [['--signal', 'churn'], 'crm: error: --signal: unknown signal "churn" (expected one of: attrition, upgrade, downgrade, dormant_valuable, unassigned, loan_downgrade)'],
    ];
    for (const [args, message] of cases) {
      const r = watch(...args);
      expect(r.stderr.trim()).toBe(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'missing.yaml'))).toBe(false);
  });
});

describe('crm coverage', () => {
  it('per RM: customers and AUM ADB per tier, valuable against capacity, load; per branch: valuable with no RM and the spread', () => {
    writeFiles(dir, { 'capacity.yaml': 'capacity: { personal_valuable: 4, personal_customers: 10, corporate_valuable: 2 }\n' });
    const r = runCrm(['--db', db, 'coverage', '--rules', 'capacity.yaml', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const [r1, r2, r3] = j.rows;
    // R1: C_STEADY 300,000, C_UP 450,000, C_DOWN 499,999.99, C_DORM 100,000 (VIP: 1,349,999.99) and C_OUT 998,888.89
    // (Affluent) are valuable: 5; Mass: C_ATTR 90,000, C_MISS (60 × 100,000 + 30 × 70,001) / 90 = 90,000.33, C_LOAN 0.
    expect(r1).toMatchObject({ rm_id: 'R1', customers: 8, valuable: 5, vip_customers: 4, vip_aum_adb: 1349999.99, affluent_customers: 1, affluent_aum_adb: 998888.89, mass_customers: 3, mass_aum_adb: 180000.33 });
    expect(r1.valuable_aum_adb).toBe(2348888.88);
    // load = max(5 / 4, 8 / 10) = 125%.
    expect(r1.load).toBe(1.25);
    // R2: K_CORP, the one corporate customer: Key (ceil(20% × 1) = 1); 1 / 2 = 50%. R3 serves no one.
    expect(r2).toMatchObject({ rm_id: 'R2', customers: 1, valuable: 1, key_customers: 1, key_aum_adb: 3000000, capacity_customers: null, load: 0.5 });
    expect(r3).toMatchObject({ rm_id: 'R3', customers: 0, load: 0 });
    // Branch B1: 10 customers, 7 valuable, C_UNAS (VIP, 200,000) with no RM; loads 0% … 125%.
    expect(j.branches).toEqual([{ branch: 'B1', rms: 3, customers: 10, valuable: 7, valuable_unassigned: 1, valuable_unassigned_aum_adb: 200000, load_min: 0, load_max: 1.25, load_spread: 1.25 }]);
  });

  it('table in English and Chinese; CSV has the RM rows', () => {
    const t = runCrm(['--db', db, 'coverage', '--wide'], { cwd: dir });
    expect(t.code).toBe(0);
    // Default capacity: R1 max(5 / 200, 8 / 2,000) = 2.50%.
    expect(t.stdout).toMatch(/^R1\s+Wang Fang\s+personal\s+B1\s+8\s+5\s.*\s2\.50%/m);
    expect(t.stdout).toMatch(/^B1\s+3\s+10\s+7\s+1\s+200,000\.00\s+0\.00%\s+2\.50%\s+2\.50%$/m);
    const zh = runCrm(['--db', db, 'coverage', '--lang', 'zh', '--wide'], { cwd: dir });
    expect(zh.stdout).toContain('客户经理覆盖 · 2026-06-30');
    expect(zh.stdout).toContain('无人维护价值客户');
    const c = csv(runCrm(['--db', db, 'coverage', '--format', 'csv'], { cwd: dir }).stdout);
    expect(c.map((x) => [x.rm_id, x.valuable, x.load])).toEqual([['R1', '5', '0.025'], ['R2', '1', '0.016667'], ['R3', '0', '0']]);
  });
});

describe('crm channels', () => {
  it('per tier and month: channels, e-banking share, cost per customer; the counter → e-banking move and its saving', () => {
    const r = runCrm(['--db', db, 'channels', '--months', '2', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.months).toEqual(['2026-05', '2026-06']);
    const row = (tier: string, month: string) => j.rows.find((x: Record<string, unknown>) => x.tier === tier && x.month === month);
    // VIP (C_STEADY, C_UP, C_DOWN, C_DORM, C_UNAS) in June: C_UP and C_UNAS e-banking, C_DOWN self-service (interest and fees
    // carry no channel): share 2 / 3; cost 2 × 0.35 + 1.70 = 2.40, per customer 2.40 / 5 = 0.48.
    expect(row('vip', '2026-06')).toMatchObject({ customers: 5, active: 3, counter: 0, self_service: 1, e_banking: 2, e_banking_share: 0.666667, channel_cost: 2.4, cost_per_customer: 0.48 });
    expect(row('vip', '2026-05')).toMatchObject({ active: 0, e_banking_share: null, channel_cost: 0 });
    // K_CORP (Key): counter in May, e-banking in June: moved; saved 1 × 8.00 / 1 − 0.35 = 7.65.
    expect(row('key', '2026-05')).toMatchObject({ counter: 1, e_banking: 0, channel_cost: 8 });
    expect(j.moves.find((m: Record<string, unknown>) => m.tier === 'key')).toEqual({ customer_type: 'corporate', tier: 'key', tier_name: 'Key', moved: 1, transactions: 1, saved: 7.65 });
    expect(j.moves.filter((m: Record<string, unknown>) => m.tier !== 'key').every((m: Record<string, unknown>) => m.moved === 0)).toBe(true);
  });

  it('table in English and Chinese; CSV has the month rows', () => {
    const t = runCrm(['--db', db, 'channels', '--months', '2', '--wide'], { cwd: dir });
    expect(t.stdout).toMatch(/^personal\s+VIP\s+2026-06\s+5\s+3\s+0\s+1\s+2\s+66\.67%\s+2\.40\s+0\.48$/m);
    expect(t.stdout).toMatch(/^corporate\s+Key\s+1\s+1\s+7\.65$/m);
    const zh = runCrm(['--db', db, 'channels', '--months', '2', '--lang', 'zh', '--wide'], { cwd: dir });
    expect(zh.stdout).toContain('柜面 → 电子银行迁移（2026-05 → 2026-06）');
    expect(zh.stdout).toMatch(/^个人\s+贵宾\s+2026-06/m);
    const c = csv(runCrm(['--db', db, 'channels', '--months', '1', '--format', 'csv'], { cwd: dir }).stdout);
    expect(c.length).toBe(8); // 5 personal + 3 corporate tiers × 1 month
    expect(c.find((x) => x.tier === 'affluent')).toMatchObject({ month: '2026-06', counter: '1', channel_cost: '8.00', cost_per_customer: '8.00' });
    const bad = runCrm(['--db', db, 'channels', '--months', '0'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('crm: error: --months: expected a whole number');
  });
});

describe('crm report --html: the call list and coverage sections', () => {
  it('signals per RM, the customers most at stake and the load per RM, as crm watch and crm coverage count them', () => {
    const html = join(dir, 'report.html');
    const r = runCrm(['--db', db, 'report', '--html', html], { cwd: dir });
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const cell = (table: string, id: string, key: string) => {
      const t = page.slice(page.indexOf(`data-table="${table}"`));
      const row = t.slice(t.indexOf(`<tr data-id="${id}">`));
      return /data-v="([^"]*)"/.exec(row.slice(row.indexOf(`data-k="${key}"`)))![1];
    };
    expect(page).toContain('<section id="watch"');
    // R1: attrition C_OUT and C_ATTR, upgrade C_UP, downgrade C_DOWN, dormant C_DORM, loan C_LOAN = 6; no RM: C_UNAS.
    expect(['attrition', 'upgrade', 'downgrade', 'dormant_valuable', 'unassigned', 'loan_downgrade', 'total'].map((k) => cell('watch-rm', 'R1', k))).toEqual(['2', '1', '1', '1', '0', '1', '6']);
    expect(cell('watch-rm', '(no RM)', 'unassigned')).toBe('1');
    // Most at stake first: C_OUT (998,888.89).
    expect(cell('watch-top', 'C_OUT:Attrition', 'at_stake')).toBe('998888.89');
    expect(page).toContain('<section id="coverage"');
    expect(cell('coverage', 'R1', 'load')).toBe('0.025');
    expect(cell('coverage', 'R2', 'load')).toBe('0.016667');
    expect(page).toContain('1 valuable customer(s) with no RM, AUM ADB 200,000.00 CNY.');
  });
});
