/**
 * `crm segment` end to end: the built binary on the hand-built branch of
 * test/metrics/segment-fixture.ts (figures worked out in test/metrics/segment-report.test.ts
 * and again here where the output shows them), and the error paths with their exit codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, parseSimpleCsv, runCrm, tmpDir } from '../helpers.js';
import { writeSegmentFixture } from '../metrics/segment-fixture.js';

let dir: string;
let db: string;
const seg = (...args: string[]) => runCrm(['--db', db, 'segment', ...args], { cwd: dir });

beforeAll(() => {
  dir = tmpDir();
  db = join(dir, 'crm.db');
  const r = runCrm(['--db', db, 'import', ...writeSegmentFixture(dir)], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
afterAll(cleanupTmp);

function csv(text: string): Record<string, string>[] {
  const [head, ...rows] = parseSimpleCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

describe('crm segment: the tier summary', () => {
  it('prints the period, the tiers with totals, Pareto and Gini (defaults: as-of = latest data date)', () => {
    const r = seg('--window', '10', '--type', 'personal', '--wide');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Customer segmentation as of 2026-03-10');
    expect(r.stdout).toContain('Period: 2026-03-01 to 2026-03-10 (10 days)');
    expect(r.stdout).not.toContain('clipped');
    expect(r.stdout).toContain('Data used: 4 snapshot date(s) 2026-03-01 to 2026-03-10; 8 transaction(s) 2026-03-02 to 2026-03-09.');
    // VIP: 4 customers, AUM 111,000 + 100,000 + 143,000 + 110,000 = 464,000.00, avg 116,000.00
    expect(r.stdout).toMatch(/^VIP\s+4\s+44\.44%\s+464,000\.00\s+74\.22%\s+116,000\.00/m);
    // Mass: 5 customers, 161,199.99; 2 dormant (P5, P7). Total 625,199.99.
    expect(r.stdout).toMatch(/^Mass\s+5\s+55\.56%\s+161,199\.99\s/m);
    expect(r.stdout).toMatch(/^Total\s+9\s+100\.00%\s+625,199\.99\s/m);
    // Pareto = 25,400,000 ÷ 62,519,999 = 40.63%; Gini = 2 × 428,839,995 ÷ (9 × 62,519,999) − 10/9 = 0.41317
    expect(r.stdout).toContain('AUM ADB: the top 20% (2 of 9 customers) hold 40.63% (Pareto); Gini 0.4132');
  });

  it('says when the window is clipped to the data', () => {
    const r = seg('--window', '30', '--type', 'personal');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Period: 2026-03-01 to 2026-03-10 (10 days)');
    expect(r.stdout).toContain('Window clipped: requested 2026-02-09 to 2026-03-10 (30 days), but the data covers 2026-03-01 to 2026-03-10.');
  });

  it('CSV: snake_case columns, plain numbers equal to the table\'s', () => {
    const r = seg('--window', '10', '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = csv(r.stdout);
    expect(Object.keys(rows[0]).slice(0, 6)).toEqual(['customer_type', 'tier', 'tier_name', 'customers', 'customer_share', 'aum_adb']);
    const vip = rows.find((x) => x.tier === 'vip')!;
    expect(vip).toMatchObject({ customer_type: 'personal', customers: '4', aum_adb: '464000.00', aum_avg: '116000.00', dormant: '0' });
    const mass = rows.find((x) => x.tier === 'mass')!;
    expect(mass).toMatchObject({ aum_adb: '161199.99', loan_adb: '200000.00', dormant: '2', txn_counter: '3' });
    // Corporate: K1 key; K2, K3 core (tie broken by customer_id); K4 standard.
    expect(rows.filter((x) => x.customer_type === 'corporate').map((x) => `${x.tier}:${x.customers}`)).toEqual(['standard:1', 'core:2', 'key:1', 'total:4']);
  });

  it('--by rm: the reassigned customer counts under the RM of the last day', () => {
    const r = seg('--window', '10', '--type', 'personal', '--by', 'rm', '--format', 'csv');
    const totals = csv(r.stdout).filter((x) => x.tier === 'total').map((x) => `${x.rm_id}:${x.customers}`);
    expect(totals).toEqual(['R1:8', 'R2:1']);
  });

  it('JSON carries the period and the concentration', () => {
    const r = seg('--window', '30', '--format', 'json', '--type', 'personal');
    const j = JSON.parse(r.stdout);
    expect(j.window).toMatchObject({ from: '2026-03-01', to: '2026-03-10', days: 10, clipped: true, requested_from: '2026-02-09' });
    expect(j.concentration[0]).toMatchObject({ customer_type: 'personal', measure: 'aum_adb', customers: 9, top_customers: 2, pareto: 0.406270 });
    expect(j.rows.find((x: { tier: string }) => x.tier === 'vip').aum_adb).toBe(464000);
  });
});

describe('crm segment --detail', () => {
  it('one row per customer; 100,000.00 is VIP; negative contribution; loans only; USD; dormant', () => {
    const r = seg('--window', '10', '--detail', '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = new Map(csv(r.stdout).map((x) => [x.customer_id, x]));
    expect(Object.keys(rows.get('P1')!)).toEqual(['customer_id', 'name', 'customer_type', 'rm_id', 'branch', 'tier', 'tier_name', 'aum_adb', 'deposit_adb', 'loan_adb', 'contribution', 'fee_income', 'txn_count', 'dormant']);
    // P1: 1,110,000 CNY-days ÷ 10; contribution 11,100,000 × 2% × 10/365 + 500 − 70 = 6,512.19 fen
    expect(rows.get('P1')).toMatchObject({ rm_id: 'R2', tier: 'vip', aum_adb: '111000.00', contribution: '65.12', fee_income: '5.00', txn_count: '2', dormant: 'no' });
    expect(rows.get('P2')).toMatchObject({ tier: 'vip', aum_adb: '100000.00' });
    expect(rows.get('P3')).toMatchObject({ tier: 'mass', aum_adb: '99999.99' });
    // P4: 100,000 × 2% × 10/365 − 3 × 800 = 54.79 − 2,400 = −2,345.21 fen
    expect(rows.get('P4')).toMatchObject({ contribution: '-23.45', txn_count: '3' });
    // P5: 20,000,000 × (1.8% − 1%) × 10/365 = 4,383.56 fen
    expect(rows.get('P5')).toMatchObject({ tier: 'mass', aum_adb: '0.00', loan_adb: '200000.00', contribution: '43.84', dormant: 'yes' });
    // P6: (5 × 142,000 + 5 × 144,000) ÷ 10; contribution 14,300,000 × 2% × 10/365 − 35 = 7,800.616 fen → 7,801 fen
    expect(rows.get('P6')).toMatchObject({ tier: 'vip', aum_adb: '143000.00', contribution: '78.01' });
    expect(rows.get('P7')).toMatchObject({ aum_adb: '200.00', dormant: 'yes' });
  });

  it('the table shows the same numbers as the CSV', () => {
    const t = seg('--window', '10', '--detail', '--wide').stdout;
    expect(t).toMatch(/^P4\s+客户P4\s+personal\s+R1\s+东区支行\s+mass\s+Mass\s+1,000\.00\s+1,000\.00\s+0\.00\s+-23\.45\s+0\.00\s+3\s+no$/m);
  });

  it('--tier filters by code or name (English or Chinese) and --out writes a file', () => {
    const out = join(dir, 'vip.csv');
    const r = seg('--window', '10', '--detail', '--tier', '贵宾,Key', '--format', 'csv', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(csv(readFileSync(out, 'utf8')).map((x) => x.customer_id)).toEqual(['P1', 'P2', 'P6', 'P9', 'K1']);
  });
});

describe('crm segment --compare', () => {
  it('migration matrix over windows of the same length', () => {
    const r = seg('--window', '5', '--type', 'personal', '--compare', '2026-03-05', '--format', 'csv');
    expect(r.code).toBe(0);
    const cells = csv(r.stdout).filter((x) => x.customers !== '0').map((x) => `${x.from_tier}>${x.to_tier}:${x.customers}:${x.aum_adb}`);
    // see test/metrics/segment-report.test.ts for the arithmetic
    expect(cells).toEqual(['new>vip:1:120000.00', 'mass>mass:3:100999.99', 'mass>vip:1:150000.00', 'mass>gone:1:400.00', 'vip>mass:1:98000.00', 'vip>vip:2:244000.00']);
    const t = seg('--window', '5', '--type', 'personal', '--compare', '2026-03-05').stdout;
    expect(t).toContain('Upgrades 1, downgrades 1, unchanged 5; new 1, gone 1; 9 customer(s) in all.');
  });
});

describe('crm segment rfm', () => {
  it('cut points, segments; the same with --rfm', () => {
    const r = seg('rfm', '--type', 'personal', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.cut_points[0]).toEqual({ customer_type: 'personal', active_customers: 5, recency_days: [1, 2, 3, 5], frequency: [1, 1, 1, 2], monetary: [50, 200, 300, 720] });
    const counts = Object.fromEntries(j.rows.filter((x: { customers: number }) => x.customers > 0).map((x: { segment: string; customers: number }) => [x.segment, x.customers]));
    expect(counts).toEqual({ inactive: 3, champions: 1, at_risk: 1, new: 1, need_attention: 1, lost: 1 });
    expect(seg('--rfm', '--type', 'personal', '--format', 'json').stdout).toBe(r.stdout);
    const d = csv(seg('rfm', '--detail', '--type', 'personal', '--format', 'csv').stdout);
    expect(d.find((x) => x.customer_id === 'P6')).toMatchObject({ last_txn_date: '2026-03-07', recency_days: '3', frequency: '1', monetary: '720.00', rfm: '314', segment: 'need_attention' });
  });

  it('--out: the file holds what stdout would; a file that cannot be written is exit 1 after the caveats', () => {
    const out = join(dir, 'rfm-detail.csv');
    expect(seg('rfm', '--detail', '--format', 'csv', '--out', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(seg('rfm', '--detail', '--format', 'csv').stdout);
    const r = seg('rfm', '--detail', '--format', 'csv', '--out', join(dir, 'no-such-dir', 'x.csv'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/crm: error: --out .*x\.csv: cannot write: ENOENT\n$/);
  });

  it('the table prints the cut points', () => {
    const t = seg('rfm', '--type', 'personal').stdout;
    expect(t).toContain('R (days, ≤ c1 → 5 … > c4 → 1): 1, 2, 3, 5');
    expect(t).toContain('M (CNY, ≤ c1 → 1 … > c4 → 5): 50.00, 200.00, 300.00, 720.00');
  });
});

describe('crm segment: errors', () => {
  const err = (r: { code: number; stderr: string }, code: number, text: string | RegExp) => {
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text);
    expect(r.stderr.startsWith('crm: error: ')).toBe(true);
  };

  it('bad options exit 2 and name the option', () => {
    err(seg('--as-of', '2026-13-40'), 2, '--as-of');
    err(seg('--as-of', 'yesterday'), 2, '--as-of: not a date');
    err(seg('--type', 'retail'), 2, '--type: expected personal or corporate (got "retail")');
    err(seg('--detail', '--tier', 'platinum'), 2, '--tier: unknown tier "platinum" (expected one of: mass, vip, affluent, wealth, private, standard, core, key)');
    err(seg('--window', '0'), 2, '--window');
    err(seg('--format', 'xml'), 2, '--format');
    err(seg('--by', 'region'), 2, '--by');
    err(seg('--compare', '2026-03-10', '--as-of', '2026-03-05'), 2, '--compare 2026-03-10 must be before --as-of 2026-03-05');
    err(seg('list'), 2, 'unknown view "list"');
  });

  it('a bad tiers file exits 2 naming the file and the field', () => {
    const f = join(dir, 'tiers.yaml');
    writeFileSync(f, 'personal:\n  measure: aum_adb\n  method: thresholds\n  tiers:\n    - { code: a, name_zh: 甲, name_en: A }\n    - { code: b, name_zh: 乙, name_en: B, min: -5 }\n    - { code: c, name_zh: 丙, name_en: C, min: -10 }\n');
    err(seg('--tiers', f), 2, `${f}: field personal.tiers[2].min: must be greater than the previous tier's min`);
    err(seg('--tiers', join(dir, 'missing.yaml')), 2, 'no such file');
    const p = join(dir, 'pricing.yaml');
    writeFileSync(p, 'spreads:\n  demand_deposit: 2\n');
    err(seg('--pricing', p), 2, 'field spreads.demand_deposit');
  });

  it('a custom tiers file changes the ladder', () => {
    const f = join(dir, 'tiers2.yaml');
    writeFileSync(f, 'personal:\n  measure: aum_adb\n  method: thresholds\n  tiers:\n    - { code: low, name_zh: 低, name_en: Low }\n    - { code: high, name_zh: 高, name_en: High, min: 110000 }\n');
    const rows = csv(seg('--window', '10', '--type', 'personal', '--tiers', f, '--format', 'csv').stdout);
    // ≥ 110,000.00: P1 111,000, P6 143,000, P9 110,000 (inclusive)
    expect(rows.map((x) => `${x.tier}:${x.customers}`)).toEqual(['low:6', 'high:3', 'total:9']);
  });

  it('data problems exit 1: an empty database, an as-of before the data', () => {
    const empty = join(dir, 'empty.db');
    const r = runCrm(['--db', empty, 'import', join(dir, 'rms.csv')], { cwd: dir });
    expect(r.code).toBe(0);
    err(runCrm(['--db', empty, 'segment'], { cwd: dir }), 1, 'the database holds no balances yet');
    err(seg('--as-of', '2026-01-31'), 1, 'lies outside the data, which covers 2026-03-01 to 2026-03-10');
    err(runCrm(['--db', join(dir, 'nothing.db'), 'segment'], { cwd: dir }), 1, 'no database here');
  });

  it('--help shows examples', () => {
    const r = runCrm(['segment', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('crm segment rfm --detail --format json');
    expect(r.stdout).toContain('--dormant-floor');
  });
});
