/**
 * `crm pay` through the built binary, on two hand-made branches (every number worked out here).
 *
 * Both: R1 "Pers" (personal, base 10,000.00/month) owns C1's demand deposit A1 of 250,000.00;
 * R2 "Corp" (corporate, base 20,000.00/month) owns C2's loan L1 of 500,000.00. Plans pay
 * 100.00 per 10,000 of deposit ADB per month (R1: 25 units = 2,500.00) and 50.00 per 10,000
 * of loan ADB per month (R2: 50 units = 2,500.00).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTmp, openRaw, parseSimpleCsv, runCrm, tmpDir, writeFiles } from '../helpers.js';

afterAll(() => cleanupTmp());

const HEAD = 'as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status';
const snap = (d: string, cls = 'normal') => `${HEAD}\n${d},A1,C1,demand_deposit,CNY,250000.00,,,,2020-01-01,active\n${d},L1,C2,loan,CNY,500000.00,,${cls},,2020-01-01,active\n`;
const COMMON = {
  'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,Pers,personal,B1,10000.00\nR2,Corp,corporate,B1,20000.00\n',
  'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,Alice,personal,R1,B1,2020-01-01\nC2,Carco,corporate,R2,B1,2020-01-01\n',
};
const PRICING = `personal:
  pricing:
    - { metric: deposit_adb, price: 100, per_units: 10000, per: month }
corporate:
  pricing:
    - { metric: loan_adb, price: 50, per_units: 10000, per: month }
`;

function branch(files: Record<string, string>, imports: string[]): { dir: string; crm: (...a: string[]) => ReturnType<typeof runCrm> } {
  const dir = tmpDir('crm-pay-');
  writeFiles(dir, { ...COMMON, ...files });
  const db = join(dir, 'crm.db');
  const crm = (...a: string[]) => runCrm(['--db', db, ...a], { cwd: dir });
  const r = crm('import', ...imports);
  if (r.code !== 0) throw new Error(r.stderr);
  return { dir, crm };
}
const json = (r: ReturnType<typeof runCrm>) => {
  expect(r.stderr).not.toContain('crm: error');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('close, frozen rm-report, adjustments, reopen (data to 2026-02-28)', () => {
  let b: ReturnType<typeof branch>;
  beforeAll(() => {
    b = branch({
      'accounts_2026-01-01.csv': snap('2026-01-01'), 'accounts_2026-01-31.csv': snap('2026-01-31'), 'accounts_2026-02-28.csv': snap('2026-02-28'),
      // A late partial snapshot: A1 held 281,000.00 from 2026-01-16 (until the 01-31 snapshot).
      'late_2026-01-16.csv': 'as_of,account_id,customer_id,product_type,currency,balance\n2026-01-16,A1,C1,demand_deposit,CNY,281000.00\n',
      'plan.yaml': `name: basic\n${PRICING}`,
      'plan-b.yaml': PRICING.replace('price: 100', 'price: 120').replace('price: 50', 'price: 40'),
    }, ['rms.csv', 'customers.csv', 'accounts_2026-01-01.csv', 'accounts_2026-01-31.csv', 'accounts_2026-02-28.csv']);
  });

  it('closes 2026-01 and records plan, SHA-256, imports, KPI values, who and when', () => {
    const r = b.crm('pay', 'close', '--period', '2026-01', '--plan', 'plan.yaml', '--format', 'json');
    const j = json(r);
    expect(r.stderr).toContain('crm: closed period 2026-01 (close 1): 2 RMs, paid now 35000.00 CNY'); // 12,500.00 + 22,500.00
    expect(j.rows.find((x: { rm_id: string }) => x.rm_id === 'R1')).toMatchObject({ base_pay: 10000, variable_pay: 2500, paid_now: 12500 });
    const db = openRaw(join(b.dir, 'crm.db'));
    const c = db.prepare('SELECT * FROM pay_closes').get() as Record<string, string>;
    db.close();
    expect(c.plan_text).toBe(readFileSync(join(b.dir, 'plan.yaml'), 'utf8'));
    expect(c.plan_sha256).toBe(createHash('sha256').update(c.plan_text).digest('hex'));
    expect(c.pricing_text).toBeNull(); // no --pricing: the default pricing
    expect(JSON.parse(c.import_ids)).toEqual([1, 2, 3, 4, 5]);
    expect(c.closed_by).toBe(process.env.USER ?? c.closed_by);
    expect(c.closed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const st = JSON.parse(b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml', '--rm', 'R1', '--statement', '--format', 'json').stdout);
    // deposit ADB 250,000.00 frozen in fen.
    expect(st.kpis.deposit_adb).toBe(25000000);
  });

  it('refuses closing twice, a period not covered to its last day, and out of order (exit 1)', () => {
    const twice = b.crm('pay', 'close', '--period', '2026-01', '--plan', 'plan.yaml');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^crm: error: period 2026-01 is already closed \(on .* by .*\); to close it again, reopen it first/m);
    const uncovered = b.crm('pay', 'close', '--period', '2026-03', '--plan', 'plan.yaml');
    expect(uncovered.code).toBe(1);
    expect(uncovered.stderr).toContain('crm: error: period 2026-03 is not covered to its last day: the data covers 2026-01-01 to 2026-02-28, the period ends 2026-03-31');
    const early = b.crm('pay', 'close', '--period', '2025-12', '--plan', 'plan.yaml');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('crm: error: period 2025-12 (2025-12-01 to 2025-12-31) does not come after the last closed period 2026-01 (2026-01-01 to 2026-01-31): periods close in order');
    const overlap = b.crm('pay', 'close', '--period', '2026-Q1', '--plan', 'plan.yaml');
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toContain('does not come after the last closed period 2026-01');
    expect(b.crm('pay', 'close', '--period', '2026-13', '--plan', 'plan.yaml').code).toBe(2);
    expect(b.crm('pay', 'close', '--period', '2026-02').code).toBe(2); // --plan is required
    writeFiles(b.dir, { 'bad-plan.yaml': `deferral: { share: 40%, years: 0 }\n${PRICING}` });
    const bad = b.crm('pay', 'close', '--period', '2026-02', '--plan', 'bad-plan.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('crm: error: bad-plan.yaml: deferral.years: must be a whole number of years from 1 to 10, got 0');
  });

  it('after a correction, rm-report prints the frozen figures and the change per RM', () => {
    expect(b.crm('import', '--partial', 'late_2026-01-16.csv').code).toBe(0);
    const r = b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml', '--wide');
    expect(r.code).toBe(0);
    // Frozen: R1 still 2,500.00 variable, 12,500.00 paid.
    expect(r.stdout).toMatch(/^R1\s+Pers\s+personal\s+B1\s+10,000\.00\s+2,500\.00\s+0\.00\s+0\.00\s+0\.00\s+0\.00\s+12,500\.00\s+150\.00$/m);
    expect(r.stdout).toMatch(/period 2026-01 was closed on \S+ by \S+; these are the frozen figures/);
    // Recomputed ADB: (250,000 × 16 days + 281,000 × 15 days) / 31 = 8,215,000 / 31 = 265,000.00 → 26.5 units × 100 = 2,650.00; − 2,500.00 = +150.00
    expect(r.stdout).toContain('the data changed since the close (1 imports since): recomputed − frozen variable pay (CNY): R1 +150.00');
    const csv = parseSimpleCsv(b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml', '--format', 'csv').stdout);
    expect(csv[0]).toEqual(['rm_id', 'name', 'rm_type', 'branch', 'base_pay', 'variable_pay', 'adjustments', 'deferred', 'released', 'clawed_back', 'paid_now']);
    expect(csv[1]).toEqual(['R1', 'Pers', 'personal', 'B1', '10000.00', '2500.00', '0.00', '0.00', '0.00', '0.00', '12500.00']);
  });

  it('the next close pays the correction as a prior-period adjustment, once', () => {
    json(b.crm('pay', 'close', '--period', '2026-02', '--plan', 'plan.yaml', '--format', 'json'));
    const st = json(b.crm('rm-report', '--period', '2026-02', '--plan', 'plan.yaml', '--rm', 'R1', '--statement', '--format', 'json'));
    const adj = st.lines.filter((l: { kind: string }) => l.kind === 'adjustment');
    expect(adj).toEqual([expect.objectContaining({ metric: 'deposit_adb', origin: '2026-01', amount: 150 })]);
    // 10,000.00 base + 2,500.00 February + 150.00 January adjustment = 12,650.00
    expect(st).toMatchObject({ base_pay: 10000, variable_pay: 2500, adjustments: 150, paid_now: 12650 });
    expect(st.lines.reduce((s: number, l: { amount: number }) => s + Math.round(l.amount * 100), 0)).toBe(1265000);
    const r2 = json(b.crm('rm-report', '--period', '2026-02', '--plan', 'plan.yaml', '--rm', 'R2', '--statement', '--format', 'json'));
    expect(r2.adjustments).toBe(0);
  });

  it('reopen: only the latest closed period, with a reason, recorded in the history', () => {
    const notLatest = b.crm('pay', 'reopen', '--period', '2026-01', '--reason', 'typo');
    expect(notLatest.code).toBe(1);
    expect(notLatest.stderr).toContain('crm: error: period 2026-01 is not the latest closed period (2026-02 is): only the latest can be reopened');
    const notClosed = b.crm('pay', 'reopen', '--period', '2026-03', '--reason', 'x');
    expect(notClosed.code).toBe(1);
    expect(notClosed.stderr).toContain('crm: error: period 2026-03 is not closed: nothing to reopen');
    expect(b.crm('pay', 'reopen', '--period', '2026-02').code).toBe(2);
    const blank = b.crm('pay', 'reopen', '--period', '2026-02', '--reason', ' ');
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('crm: error: --reason: say why the period is reopened');
    const ok = b.crm('pay', 'reopen', '--period', '2026-02', '--reason', 'late snapshot');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('reopened period 2026-02');
    const h = json(b.crm('pay', 'history', '--format', 'json'));
    expect(h.rows.map((x: { event: string; period: string }) => `${x.event} ${x.period}`)).toEqual(['close 2026-01', 'close 2026-02', 'reopen 2026-02']);
    expect(h.rows[2].detail).toMatch(/: late snapshot$/);
    // The reopened close's adjustment no longer counts: closing again pays it again, once.
    json(b.crm('pay', 'close', '--period', '2026-02', '--plan', 'plan.yaml', '--format', 'json'));
    const again = json(b.crm('pay', 'history', '--rm', 'R1', '--format', 'json'));
    expect(again.rows.filter((x: { event: string }) => x.event === 'adjustment')).toEqual([expect.objectContaining({ period: '2026-02', origin: '2026-01', amount: 150 })]);
  });

  it('compare: one RM gains, one loses; totals and shares', () => {
    const j = json(b.crm('pay', 'compare', '--period', '2026-02', '--plan', 'plan.yaml', '--plan', 'plan-b.yaml', '--format', 'json'));
    // R1: 25 units × 120 = 3,000.00 vs 2,500.00 → +500.00; R2: 50 units × 40 = 2,000.00 vs 2,500.00 → −500.00
    expect(j.rows).toEqual([
      { rm_id: 'R1', name: 'Pers', rm_type: 'personal', pay_a: 12500, pay_b: 13000, difference: 500 },
      { rm_id: 'R2', name: 'Corp', rm_type: 'corporate', pay_a: 22500, pay_b: 22000, difference: -500 },
    ]);
    expect(j.total).toMatchObject({ pay_a: 35000, pay_b: 35000, difference: 0 });
    expect(j).toMatchObject({ gain: 1, lose: 1, same: 0 });
    expect(j.notes).toContain('1 of 2 RMs gain (50.0%), 1 lose (50.0%), 0 unchanged (0.0%)');
    const csv = b.crm('pay', 'compare', '--period', '2026-02', '--plan', 'plan.yaml', '--plan', 'plan-b.yaml', '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('rm_id,name,rm_type,pay_a,pay_b,difference');
    const one = b.crm('pay', 'compare', '--period', '2026-02', '--plan', 'plan.yaml');
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('crm: error: --plan: give exactly two plans to compare (got 1)');
  });
  it('closed period: --statements writes the frozen statements; --lang zh', () => {
    const r = b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml', '--statements', 'frozen', '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 pay statement(s) of closed period 2026-01 written to frozen');
    const rows = parseSimpleCsv(readFileSync(join(b.dir, 'frozen', 'R1.csv'), 'utf8'));
    expect(rows[0]).toEqual(['line', 'kind', 'metric', 'origin', 'amount', 'rule']);
    expect(rows.at(-1)!.slice(0, 5)).toEqual(['', 'total', 'paid_now', '', '12500.00']); // 10,000.00 + 2,500.00, frozen
    const zh = b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml', '--lang', 'zh');
    expect(zh.stdout).toContain('已结账绩效薪酬：2026-01');
    expect(zh.stdout).toMatch(/结账后数据已变（其后导入 \d+ 次）：按今日数据重算的绩效薪酬减冻结数（元）：R1 \+150\.00/);
  });

  it('a raise and a new RM after a close are no prior-period adjustments', () => {
    writeFiles(b.dir, { 'rms2.csv': COMMON['rms.csv'].replace('R2,Corp,corporate,B1,20000.00', 'R2,Corp,corporate,B1,21000.00') + 'R3,New,personal,B1,9000.00\n' });
    expect(b.crm('import', 'rms2.csv').code).toBe(0);
    const r = b.crm('rm-report', '--period', '2026-01', '--plan', 'plan.yaml');
    expect(r.stdout).toContain('recomputed − frozen variable pay (CNY): R1 +150.00;'); // not R2's raise, not R3
    expect(b.crm('pay', 'reopen', '--period', '2026-02', '--reason', 'salary file').code).toBe(0);
    json(b.crm('pay', 'close', '--period', '2026-02', '--plan', 'plan.yaml', '--format', 'json'));
    // R2 is paid the new salary for the period closed now, and nothing for January's.
    expect(json(b.crm('rm-report', '--period', '2026-02', '--plan', 'plan.yaml', '--rm', 'R2', '--statement', '--format', 'json')))
      .toMatchObject({ base_pay: 21000, adjustments: 0, paid_now: 23500 });
    const adj = json(b.crm('pay', 'history', '--format', 'json')).rows.filter((x: { event: string }) => x.event === 'adjustment');
    expect(adj.map((x: { rm_id: string; amount: number }) => [x.rm_id, x.amount])).toEqual([['R1', 150]]);
  });
});

describe('deferral over three years and a clawback in month 14 (data 2026-01-01 to 2029-01-31)', () => {
  let b: ReturnType<typeof branch>;
  const statement = (period: string, rm: string) => json(b.crm('rm-report', '--period', period, '--plan', 'plan.yaml', '--rm', rm, '--statement', '--format', 'json'));
  beforeAll(() => {
    b = branch({
      'accounts_2026-01-01.csv': snap('2026-01-01'),
      // L1 turns substandard on 2027-03-10: month 14 after 2026-01.
      'accounts_2027-03-10.csv': snap('2027-03-10', 'substandard'),
      'accounts_2029-01-31.csv': snap('2029-01-31', 'substandard'),
      'plan.yaml': `name: deferred
deferral: { share: 40%, years: 3 }
clawback: { classes: [substandard, doubtful, loss], within_months: 36, rate: 1% }
${PRICING}`,
    }, ['rms.csv', 'customers.csv', 'accounts_2026-01-01.csv', 'accounts_2027-03-10.csv', 'accounts_2029-01-31.csv']);
    for (const p of ['2026-01', '2027-01', '2027-03', '2028-01', '2029-01']) {
      const r = b.crm('pay', 'close', '--period', p, '--plan', 'plan.yaml', '--format', 'json');
      if (r.code !== 0) throw new Error(r.stderr);
    }
  });

  it('2026-01: 40% of 2,500.00 = 1,000.00 deferred in parts 333.34 + 333.33 + 333.33', () => {
    const s = statement('2026-01', 'R1');
    // 10,000.00 + 2,500.00 − 1,000.00 = 11,500.00
    expect(s).toMatchObject({ variable_pay: 2500, deferred: 1000, paid_now: 11500 });
    expect(s.lines.find((l: { kind: string }) => l.kind === 'deferral').rule)
      .toContain('released 333.34 on 2027-01-31, 333.33 on 2028-01-31, 333.33 on 2029-01-31 (equal parts; the remainder fen go one each to the first parts)');
  });

  it('R1: the 2026-01 deferral is released over three years, 333.34 + 333.33 + 333.33 = 1,000.00', () => {
    const releases = json(b.crm('pay', 'history', '--rm', 'R1', '--format', 'json')).rows
      .filter((x: { event: string; origin: string }) => x.event === 'release' && x.origin === '2026-01');
    expect(releases.map((x: { period: string; amount: number }) => [x.period, x.amount])).toEqual([['2027-01', 333.34], ['2028-01', 333.33], ['2029-01', 333.33]]);
    // 2027-01: 10,000.00 + 2,500.00 − 1,000.00 + 333.34 (part 1 of 2026-01) = 11,833.34
    expect(statement('2027-01', 'R1')).toMatchObject({ released: 333.34, paid_now: 11833.34 });
  });

  it('R2: L1 substandard in month 14 claws back the unreleased part, never below zero', () => {
    const s = statement('2027-03', 'R2');
    // Unreleased before: 2026-01 parts 2 and 3 (333.33 + 333.33) + 2027-01 parts (333.34 + 333.33 + 333.33) = 1,666.66.
    // Wanted: 1% × 500,000.00 = 5,000.00 > 1,666.66, so 1,666.66 is taken and the rest is not a debt.
    expect(s).toMatchObject({ clawed_back: 1666.66, paid_now: 21500 }); // 20,000.00 + 2,500.00 − 1,000.00: nothing taken from pay now
    const line = s.lines.find((l: { kind: string }) => l.kind === 'clawback');
    expect(line).toMatchObject({ metric: 'L1', origin: '2026-01', amount: 0 });
    expect(line.rule).toContain('loan L1 credited in 2026-01 (500,000.00 CNY) is substandard from 2027-03-10: 1% × 500,000.00 = 5,000.00 CNY to claw back; 1,666.66 CNY taken');
    expect(line.rule).toContain('3,333.34 not recovered (never below zero)');
    // The part released in 2027-01 (333.34) is untouched; the parts due later release 0.00.
    const d = json(b.crm('pay', 'deferred', '--rm', 'R2', '--as-of', '2027-03-31', '--format', 'json'));
    const of2026 = d.rows.filter((x: { origin: string }) => x.origin === '2026-01');
    expect(of2026.map((x: { part: string; balance: number; clawed_back: number }) => [x.part, x.clawed_back, x.balance])).toEqual([['2/3', 333.33, 0], ['3/3', 333.33, 0]]);
    expect(statement('2028-01', 'R2')).toMatchObject({ released: 0, paid_now: 21500 });
    // Once per loan: the later closes that credited L1 claw back nothing more.
    const claws = json(b.crm('pay', 'history', '--rm', 'R2', '--format', 'json')).rows.filter((x: { event: string }) => x.event === 'clawback');
    expect(claws.reduce((t: number, x: { amount: number }) => t + Math.round(x.amount * 100), 0)).toBe(166666);
    expect(new Set(claws.map((x: { period: string }) => x.period))).toEqual(new Set(['2027-03']));
  });

  it('pay deferred: balances by release date; an unknown RM is exit 1', () => {
    const d = json(b.crm('pay', 'deferred', '--rm', 'R1', '--format', 'json'));
    // Not released by 2029-01: 2027-03 parts 2, 3; 2027-01 part 3; 2028-01 parts 2, 3; 2029-01 parts 1–3.
    expect(d.rows.map((x: { release_on: string }) => x.release_on)).toEqual(['2029-03-31', '2030-01-31', '2030-01-31', '2030-01-31', '2030-03-31', '2031-01-31', '2031-01-31', '2032-01-31']);
    // Only 2029-01 part 1 is a first part (333.34); the other seven are 333.33: 2,333.31 + 333.34 = 2,666.65
    expect(d.total.balance).toBe(2666.65);
    const bad = b.crm('pay', 'deferred', '--rm', 'NOPE');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('crm: error: no RM NOPE in the database');
  });
});

describe('budget scaling and event counts in rm-report (data for 2026-01, nothing closed)', () => {
  let b: ReturnType<typeof branch>;
  beforeAll(() => {
    b = branch({
      'accounts_2026-01-01.csv': snap('2026-01-01'), 'accounts_2026-01-31.csv': snap('2026-01-31'),
      'budget.yaml': `budget: { variable: 3333.33, per: month }\n${PRICING}`,
      'events.yaml': PRICING.replace('corporate:', '  events: { customer_complaint: -500, 新客户推荐: 200 }\ncorporate:'),
      // Chinese headers; one event the plan does not name; two bad rows (unknown RM, a count of 1.5).
      'events.csv': '客户经理编号,日期,事件,次数\nR1,2026-01-05,customer_complaint,2\nR1,2026-01-20,新客户推荐,3\nR1,2026-02-01,customer_complaint,9\nR2,2026-01-07,lunch,1\nR9,2026-01-07,customer_complaint,1\nR1,2026-01-08,customer_complaint,1.5\n',
    }, ['rms.csv', 'customers.csv', 'accounts_2026-01-01.csv', 'accounts_2026-01-31.csv']);
  });

  it('budget: one factor, largest remainder, lines and total add up to the fen', () => {
    const j = json(b.crm('rm-report', '--period', '2026-01', '--plan', 'budget.yaml', '--format', 'json'));
    // Variable 2,500.00 + 2,500.00 = 5,000.00; budget 3,333.33 → factor 0.666666.
    // Exact shares 1,666.665 each: floors 166,666 fen each, one fen left over, equal remainders → R1 (id order).
    const row = (id: string) => j.rows.find((x: { rm_id: string }) => x.rm_id === id);
    expect(row('R1')).toMatchObject({ variable_pay: 1666.67, total_pay: 11666.67 });
    expect(row('R2')).toMatchObject({ variable_pay: 1666.66, total_pay: 21666.66 });
    expect(j.total.variable_pay).toBe(3333.33);
    expect(j.notes).toContain('pay: budget 3,333.33 CNY for the period ÷ variable pay of all RMs 5,000.00 CNY = factor 0.666666');
    const st = json(b.crm('rm-report', '--period', '2026-01', '--plan', 'budget.yaml', '--rm', 'R2', '--statement', '--format', 'json'));
    const budget = st.lines.find((l: { kind: string }) => l.kind === 'budget');
    expect(budget.amount).toBe(-833.34); // 1,666.66 − 2,500.00
    expect(budget.rule).toContain('factor 0.666666');
    expect(st.lines.reduce((s: number, l: { amount: number }) => s + Math.round(l.amount * 100), 0)).toBe(2166666);
  });

  it('events import (Chinese headers) feeds the plan\'s event amounts; bad rows are rejected', () => {
    const imp = b.crm('import', 'events.csv');
    expect(imp.code).toBe(1); // rows rejected
    expect(imp.stdout).toContain('events.csv (events, utf-8, comma): 6 read, 4 loaded, 0 updated, 0 unchanged, 2 rejected');
    const rejects = parseSimpleCsv(readFileSync(join(b.dir, 'crm.rejects.csv'), 'utf8'));
    expect(rejects.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['events.csv', '6', 'rm_id', 'unknown rm_id "R9" (not in rms)'],
      ['events.csv', '7', 'count', 'count must be a whole number ≥ 0'],
    ]);
    const r = b.crm('rm-report', '--period', '2026-01', '--plan', 'events.yaml', '--rm', 'R1', '--statement', '--format', 'json');
    const st = json(r);
    // January only (the 2026-02-01 row is outside): 2 × −500.00 = −1,000.00; 3 × 200.00 = 600.00.
    const ev = st.lines.filter((l: { kind: string }) => l.kind === 'modifier').map((l: { metric: string; amount: number }) => [l.metric, l.amount]);
    expect(ev).toEqual([['customer_complaint', -1000], ['新客户推荐', 600]]);
    // 10,000.00 + 2,500.00 − 1,000.00 + 600.00 = 12,100.00
    expect(st.total_pay).toBe(12100);
    const r2 = b.crm('rm-report', '--period', '2026-01', '--plan', 'events.yaml', '--rm', 'R2');
    expect(r2.stderr).toContain('crm: warning: RM R2 (Corp): event lunch is not in the plan; ignored');
  });

  it('events import with --plan: a name the plan does not define is a rejected row; a bad plan is exit 2', () => {
    writeFiles(b.dir, { 'events-2.csv': 'rm_id,date,event,count\nR1,2026-03-02,customer_complaint,1\nR2,2026-03-02,lunch,4\n' });
    const imp = b.crm('import', '--plan', 'events.yaml', 'events-2.csv');
    expect(imp.code).toBe(1);
    // 2 rows read: customer_complaint is in the plan's events (loaded), lunch is not (rejected).
    expect(imp.stdout).toContain('events-2.csv (events, utf-8, comma): 2 read, 1 loaded, 0 updated, 0 unchanged, 1 rejected');
    const rejects = parseSimpleCsv(readFileSync(join(b.dir, 'crm.rejects.csv'), 'utf8'));
    expect(rejects.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['events-2.csv', '3', 'event', 'unknown event "lunch": the plan events.yaml defines customer_complaint, 新客户推荐'],
    ]);
    writeFiles(b.dir, { 'bad-plan.yaml': 'personal:\n  bonus: 1\n' });
    const bad = b.crm('import', '--plan', 'bad-plan.yaml', 'events-2.csv');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('crm: error: bad-plan.yaml: personal.bonus: unknown key');
  });
});
