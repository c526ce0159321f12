/** `crm rm-report` through the built binary, on the hand-made branch of test/rm/fixture.ts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTmp, parseSimpleCsv, runCrm, writeFiles } from '../helpers.js';
import { makeBranch } from '../rm/fixture.js';

let dir: string;
let db: string;
let plan: string;
beforeAll(() => { ({ dir, db } = makeBranch()); plan = join(dir, 'plan.yaml'); });
afterAll(() => cleanupTmp());

const crm = (...args: string[]) => runCrm(['--db', db, 'rm-report', ...args]);

describe('crm rm-report', () => {
  it('table: every RM, the (unassigned) row, the total, and the period it used', () => {
    const r = crm('--period', '2026-Q3', '--wide');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(unassigned)');
    expect(r.stdout).toMatch(/^Total\s/m);
    // Q3 is clipped to the September data.
    expect(r.stdout).toContain('period 2026-Q3: 2026-07-01 to 2026-09-30; the data covers 2026-09-01 to 2026-09-30, so the report uses 2026-09-01 to 2026-09-30 (30 days)');
    // R1 credited 9 of 30 days of 30,000.00; R2 21 of 30 days.
    expect(r.stdout).toMatch(/^R1\s+Old\s.*\b9,000\.00\b/m);
    expect(r.stdout).toMatch(/^R2\s+New\s.*\b21,000\.00\b/m);
    expect(r.stdout).toMatch(/^R3\s+Corp\s.*100\.00%/m);
  });

  it('json: numbers in CNY', () => {
    const r = crm('--period', '2026-09', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const row = (id: string) => j.rows.find((x: { rm_id: string }) => x.rm_id === id);
    expect(row('R1')).toMatchObject({ deposit_adb: 9000, fee_income: 5, customers: 0 });
    expect(row('R2')).toMatchObject({ deposit_adb: 21000, fee_income: 7, customers: 1 });
    expect(row('R3')).toMatchObject({ loan_balance: 150000, npl_balance: 150000, npl_ratio: 1 });
    expect(row('R5')).toMatchObject({ aum_adb: 12000, fee_income: 3 });
    expect(row('(unassigned)')).toMatchObject({ customers: 1, new_customers: 1, deposit_adb: 6000, fee_income: 2 });
    // R1 contribution: 30,000 × 9 × 2% / 365 + 5.00 − 8.00 = 11.7945… → 11.79
    expect(row('R1').contribution).toBe(11.79);
    expect(j.total).toMatchObject({ deposit_adb: 36000, customers: 3 });
    expect(j).toMatchObject({ window_from: '2026-09-01', window_to: '2026-09-30', days: 30, clipped: false });
  });

  it('a period beyond the data: exit 1 with a clear message', () => {
    const r = crm('--period', '2026-12');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('crm: error: period 2026-12 (2026-12-01 to 2026-12-31) lies outside the data, which covers 2026-09-01 to 2026-09-30');
  });

  it('bad options: exit 2', () => {
    expect(crm('--period', '2026-Q5').code).toBe(2);
    expect(crm('--period', '2026-09', '--from', '2026-09-01', '--to', '2026-09-30').code).toBe(2);
    const s = crm('--period', '2026-09', '--sort', 'bogus');
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--sort: unknown column "bogus"');
    expect(crm('--rm', 'R2', '--statement').code).toBe(2); // needs --plan
  });

  it('--plan: pay per RM, sorted by total pay, missing targets warned on stderr', () => {
    const r = crm('--period', '2026-09', '--plan', plan, '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { rm_id: string }) => x.rm_id)).toEqual(['R3', 'R4', 'R2', 'R1', 'R5', '(unassigned)']);
    // R2: 12,000 base + 1,980 + 840 + 11 (worked in test/rm/report.test.ts) = 14,831.00
    expect(j.rows[2]).toMatchObject({ rm_id: 'R2', base_pay: 12000, variable_pay: 2831, total_pay: 14831, attainment_deposit_adb: 1.05, attainment_fee_income: 0.7 });
    expect(r.stderr).toContain('crm: warning: RM R1 (Old): no target for KPI deposit_adb; it pays 0');
    expect(r.stderr).toContain('crm: warning: RM R5 (Snap): no target for KPI loan_adb; it pays 0');
  });

  it('--format csv: payroll export with stable columns and 2-decimal amounts', () => {
    const out = join(dir, 'payroll.csv');
    const r = crm('--period', '2026-09', '--plan', plan, '--format', 'csv', '--out', out);
    expect(r.code).toBe(0);
    const rows = parseSimpleCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['rm_id', 'name', 'rm_type', 'branch', 'customers', 'new_customers', 'deposit_adb', 'deposit_adb_growth', 'aum_adb', 'loan_adb',
      'loan_balance', 'npl_balance', 'npl_ratio', 'fee_income', 'contribution', 'attainment_loan_adb', 'attainment_deposit_adb', 'attainment_fee_income',
      'base_pay', 'variable_pay', 'total_pay']);
    const r2 = rows.find((x) => x[0] === 'R2')!;
    expect(r2.slice(-3)).toEqual(['12000.00', '2831.00', '14831.00']);
    expect(rows.some((x) => x[0] === '(unassigned)')).toBe(false);
    expect(rows.length).toBe(6); // header + 5 RMs
  });

  it('--rm --statement: every line, adding up exactly to the total', () => {
    const t = crm('--period', '2026-09', '--plan', plan, '--rm', 'R2', '--statement');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Pay statement: R2 New (personal, B1)');
    expect(t.stdout).toContain('attainment 105.00%');
    expect(t.stdout).toMatch(/^\s*Total\s.*14,831\.00/m);
    const c = crm('--period', '2026-09', '--plan', plan, '--rm', 'R3', '--statement', '--format', 'csv');
    expect(c.code).toBe(0);
    const rows = parseSimpleCsv(c.stdout);
    const amount = rows[0].indexOf('amount');
    const lines = rows.slice(1, -1);
    const total = rows[rows.length - 1];
    expect(total[rows[0].indexOf('kind')]).toBe('total');
    // base 20,000.00 + loan_adb KPI 7,500.00 + NPL deduction −3,750.00 = 23,750.00
    expect(lines.map((l) => l[amount])).toEqual(['20000.00', '7500.00', '-3750.00']);
    const sumFen = lines.reduce((s, l) => s + Math.round(Number(l[amount]) * 100), 0);
    expect(sumFen).toBe(Math.round(Number(total[amount]) * 100));
    expect(total[amount]).toBe('23750.00');
  });

  it('--statements DIR: one file per RM', () => {
    const out = join(dir, 'statements');
    const r = crm('--period', '2026-09', '--plan', plan, '--statements', out, '--format', 'csv');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['R1.csv', 'R2.csv', 'R3.csv', 'R4.csv', 'R5.csv']);
    const rows = parseSimpleCsv(readFileSync(join(out, 'R2.csv'), 'utf8'));
    expect(rows[rows.length - 1].slice(-2)).toEqual(['14831.00', 'sum of the lines above']);
  });

  it('an invalid plan: exit 2 naming the field', () => {
    const [bad] = writeFiles(dir, { 'bad.yaml': `personal:
  target_bonus: { amount: 1000, per: month }
  kpis:
    - { metric: deposit_adb, weight: 60 }
    - { metric: fee_income, weight: 30 }
` });
    const r = crm('--period', '2026-09', '--plan', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('personal.kpis[1].weight: weights add to 90%, must add to 100%');
    const [bad2] = writeFiles(dir, { 'bad2.yaml': 'corporate:\n  kpis:\n    - { metric: deposits, weight: 100 }\n' });
    const r2 = crm('--period', '2026-09', '--plan', bad2);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('corporate.kpis[0].metric: "deposits" is a KPI that no metric provides');
  });

  it('--lang zh headers', () => {
    const r = crm('--period', '2026-09', '--lang', 'zh', '--wide');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('存款日均');
    expect(r.stdout).toContain('合计');
  });
});
