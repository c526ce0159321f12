/**
 * What RMs and managers read (issue 21), on the bundled samples: every view under --lang zh in
 * Chinese (ids, numbers, units and codes aside); pay statements in 80 columns with right-aligned,
 * unbroken numbers (--wide: one line per rule) and CSV amounts to the fen; the HTML page's charts
 * on one scale with clipped values marked; status times in the local zone with their offset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/output/format.js';
import { cleanupTmp, parseSimpleCsv, ROOT, runCrm, tmpDir } from '../helpers.js';

let dir: string;
let db: string;
const ENV = { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', TZ: 'UTC' };
const crm = (args: string[], env: Record<string, string> = {}) => runCrm(['--db', db, ...args], { cwd: ROOT, env: { ...ENV, ...env } });
const PLAN = ['--period', '2026-11', '--plan', 'samples/plan.yaml'];

beforeAll(() => {
  dir = tmpDir('crm-readable-');
  db = join(dir, 'demo.db');
  const snaps = readdirSync(join(ROOT, 'samples', 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => `samples/accounts/${f}`);
  const r = crm(['import', 'samples/rms.csv', 'samples/customers.csv', 'samples/customers_2026-11-15.csv', ...snaps, 'samples/transactions.csv', 'samples/targets.csv', 'samples/fx_rates.csv']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanupTmp);

function csvRows(text: string): Record<string, string>[] {
  const [head, ...rows] = parseSimpleCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!])));
}

/**
 * ASCII words a Chinese page may hold: ids (RM001, C00000001), numbers, dates, percentages and
 * ranges, units and codes (AUM, ADB, KPI, RFM, R/F/M and their cut points, NPL), the program and
 * its commands and options, file names and the sample plan's own name (user data).
 */
const ALLOWED = new Set(['AUM', 'ADB', 'KPI', 'RFM', 'R', 'F', 'M', 'c1', 'c4', 'crm', 'segment', 'rm-report', 'watch', 'coverage', 'channels', 'csv', 'FILE', 'DATE']);
const PLAN_NAME = 'Branch RM incentive plan 2026'; // samples/plan.yaml's name
function englishWords(text: string, extra: string[] = []): string[] {
  const allowed = new Set([...ALLOWED, ...extra]);
  const words = text
    .replaceAll(PLAN_NAME, ' ')
    .replace(/\b[\w./-]+\.(csv|yaml|db|html|txt|json)\b/g, ' ') // file names and paths
    .replace(/--[a-z-]+/g, ' ') // options
    .match(/[A-Za-z][A-Za-z_'-]*[A-Za-z0-9]*|[A-Za-z]/g) ?? [];
  return [...new Set(words.filter((w) => !allowed.has(w) && !/^(RM|C|A|T)\d+$/.test(w) && !/^\d/.test(w)))];
}

describe('every view under --lang zh is Chinese', () => {
  const segCodes = ['inactive', 'champions', 'loyal', 'cant_lose', 'at_risk', 'potential_loyalist', 'new', 'promising', 'need_attention', 'hibernating', 'lost'];
  const views: [string, string[], string[]?][] = [
    ['segment', ['segment']],
    ['segment --by rm', ['segment', '--by', 'rm']],
    ['segment --by branch', ['segment', '--by', 'branch']],
    ['segment --compare', ['segment', '--window', '14', '--compare', '2026-11-13']],
    ['segment rfm', ['segment', 'rfm'], segCodes],
    ['segment --detail', ['segment', '--detail', '--wide'], ['mass', 'vip', 'affluent', 'wealth', 'private', 'standard', 'core', 'key']], // tier codes
    ['segment rfm --detail', ['segment', 'rfm', '--detail', '--wide']],
    ['rm-report', ['rm-report', '--period', '2026-11', '--wide']],
    ['rm-report --plan', ['rm-report', ...PLAN, '--wide']],
    ['rm-report --from/--to', ['rm-report', '--from', '2026-11-03', '--to', '2026-11-20', '--plan', 'samples/plan.yaml', '--rm-type', 'corporate']],
    ['statement', ['rm-report', ...PLAN, '--rm', 'RM001', '--statement']],
    ['statement RM002', ['rm-report', ...PLAN, '--rm', 'RM002', '--statement']],
    ['status', ['status']],
    ['watch', ['watch', '--wide'], ['mass', 'vip', 'affluent', 'wealth', 'private', 'standard', 'core', 'key']],
    ['coverage', ['coverage', '--wide']],
    ['channels', ['channels', '--wide']],
  ];
  for (const [name, args, extra] of views) {
    it(name, () => {
      const r = crm([...args, '--lang', 'zh']);
      expect(r.code, r.stderr).toBe(0);
      // The database path is the user's; "crm: warning:" starts every message whatever the language.
      expect(englishWords(`${r.stdout}\n${r.stderr.replace(/^crm: (warning|error|note):/gm, '')}`.replaceAll(db, ' '), extra)).toEqual([]);
    });
  }

  it('the HTML report: its text and its charts', () => {
    const file = join(dir, 'zh.html');
    const r = crm(['report', '--html', file, ...PLAN, '--window', '14', '--lang', 'zh']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    const text = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ');
    expect(englishWords(text)).toEqual([]);
    expect(html).not.toContain('>(unassigned)<');
    expect(html).toContain('按应发合计由高到低排序');
    expect(html).toContain('R ≤ 2，F ≥ 3 或 M ≥ 3');
  });

  it('a zh page keeps the machine values: data-v and data-id as in the CSV', () => {
    const html = readFileSync(join(dir, 'zh.html'), 'utf8');
    expect(html).toContain('<tr data-id="(unassigned)">');
    expect(html).toMatch(/<tr data-id="\(unassigned\)"><td data-k="rm_id" data-v="\(unassigned\)">（未分配）<\/td>/);
  });
});

describe('plain English names under en', () => {
  it('the HTML page names KPIs and the sort order in words, not keys', () => {
    const file = join(dir, 'en.html');
    expect(crm(['report', '--html', file, ...PLAN, '--window', '14', '--lang', 'en']).code).toBe(0);
    const html = readFileSync(file, 'utf8');
    const att = /<svg class="chart attainment"[\s\S]*?<\/svg>/.exec(html)![0];
    for (const k of ['Deposit ADB', 'Loan ADB', 'Fee income', 'Contribution', 'AUM ADB', 'New customers']) expect(att).toContain(`>${k}</text>`);
    expect(att).not.toMatch(/>[a-z]+_[a-z_]+</);
    expect(html).toContain('Sorted by Total pay, high to low');
  });

  it('statement items and rules: no snake_case keys', () => {
    const r = crm(['rm-report', ...PLAN, '--rm', 'RM002', '--statement', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(r.stdout).toContain('Pricing: Deposit ADB');
    expect(r.stdout).toContain('of Deposit ADB above floor');
  });
});

describe('pay statements fit 80 columns', () => {
  for (const lang of ['en', 'zh']) {
    it(`${lang}: every line ≤ 80 columns, numbers whole and right-aligned`, () => {
      const t = crm(['rm-report', ...PLAN, '--rm', 'RM001', '--statement', '--lang', lang]);
      const j = JSON.parse(crm(['rm-report', ...PLAN, '--rm', 'RM001', '--statement', '--format', 'json']).stdout);
      expect(t.code).toBe(0);
      const lines = t.stdout.trimEnd().split('\n');
      for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
      // Each money value on one line, and each column's values end in the same column.
      const fmt = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      for (const key of ['actual', 'target', 'amount'] as const) {
        const ends = new Set<number>();
        for (const line of j.lines as Record<string, number | null>[]) {
          const v = line[key];
          if (v === null || line.metric === 'npl_ratio' || (key !== 'amount' && !['deposit_adb', 'loan_adb', 'fee_income', 'contribution'].includes(String(line.metric)))) continue;
          const text = fmt(v);
          const row = lines.find((l) => new RegExp(`^\\s*${line.line}\\s`).test(l));
          expect(row, `line ${line.line}`).toBeDefined();
          const at = row!.indexOf(` ${text}`);
          expect(at, `${text} in ${row}`).toBeGreaterThan(0);
          ends.add(displayWidth(row!.slice(0, at + 1 + text.length)));
        }
        expect(ends.size, key).toBe(1);
      }
      // The rule of every line is there, wrapped: its words in order.
      const flat = lines.join(' ').replace(/\s+/g, ' ');
      for (const line of j.lines as { rule: string }[]) {
        if (lang === 'en') expect(flat).toContain(line.rule);
      }
    });
  }

  it('--wide keeps one line per rule', () => {
    const t = crm(['rm-report', ...PLAN, '--rm', 'RM002', '--statement', '--lang', 'zh', '--wide']);
    const j = JSON.parse(crm(['rm-report', ...PLAN, '--rm', 'RM002', '--statement', '--format', 'json', '--lang', 'zh']).stdout);
    const lines = t.stdout.split('\n');
    expect(j.lines.length).toBe(6);
    for (const line of j.lines as { rule: string }[]) expect(lines.some((l) => l.endsWith(line.rule))).toBe(true);
    expect(Math.max(...lines.map(displayWidth))).toBeGreaterThan(120);
  });

  it('CSV: actual and target of money metrics to the fen, as in the rm-report CSV', () => {
    const out = join(dir, 'st');
    // The samples cover November to the 27th: a payroll CSV of it needs --allow-partial.
    expect(crm(['rm-report', ...PLAN, '--statements', out, '--format', 'csv', '--allow-partial']).code).toBe(0);
    const report = csvRows(crm(['rm-report', ...PLAN, '--format', 'csv', '--allow-partial']).stdout);
    const st = csvRows(readFileSync(join(out, 'RM001.csv'), 'utf8'));
    const dep = st.find((x) => x.kind === 'kpi' && x.metric === 'deposit_adb')!;
    // RM001's deposit ADB: the credited balance-days ÷ 27 days, rounded once to the fen, as the report has it.
    expect(dep.actual).toBe(report.find((x) => x.rm_id === 'RM001')!.deposit_adb);
    expect(dep.actual).toMatch(/^\d+\.\d{2}$/);
    const money = ['deposit_adb', 'aum_adb', 'loan_adb', 'fee_income', 'contribution', 'base_salary', 'total_pay'];
    for (const x of st) {
      expect(x.amount).toMatch(/^-?\d+\.\d{2}$/);
      if (money.includes(x.metric!)) for (const k of ['actual', 'target']) expect(x[k], `${x.metric} ${k}`).toMatch(/^(-?\d+(\.\d{1,2})?)?$/);
    }
  });
});

describe('HTML charts', () => {
  const page = () => readFileSync(join(dir, 'en.html'), 'utf8');

  it('the personal and corporate tier charts draw AUM on one scale', () => {
    const charts = [...page().matchAll(/<svg class="chart bars"[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(charts).toHaveLength(2);
    // AUM bars (orange, the second panel): width ÷ value is the same in both charts.
    const ratios = charts.flatMap((c) => [...c.matchAll(/<rect class="bar" x="[\d.]+" y="\d+" width="([\d.]+)" height="\d+" fill="#e08a1e"><title>[^:]+: ([\d,.]+)<\/title>/g)]
      .map((m) => ({ w: Number(m[1]), v: Number(m[2]!.replace(/,/g, '')) })));
    expect(ratios.length).toBe(8); // 5 personal tiers + 3 corporate
    const k = Math.max(...ratios.map((r) => r.w)) / Math.max(...ratios.map((r) => r.v));
    for (const r of ratios) expect(Math.abs(r.w - r.v * k)).toBeLessThan(0.02);
    expect(page()).toContain('The charts share one scale per measure');
  });

  it('an attainment below 0% is drawn clipped with its value printed', () => {
    const att = /<svg class="chart attainment"[\s\S]*?<\/svg>/.exec(page())![0];
    // RM001's contribution: −1,931,741.12 against 103,000.00 = −1875.48%.
    expect(-1931741.12 / 103000).toBeCloseTo(-18.7548, 4);
    expect(att).toMatch(/<path class="bar neg under" d="M[\d.]+ \d+ l-8 7 l8 7 z" fill="#c8453c"><title>RM001 姚斌洋 Contribution: -1875\.48%<\/title><\/path>/);
    expect(att).toContain('class="val small negt">-1875.48%</text>');
    expect(page()).toContain('a value outside that range is clipped');
  });
});

describe('crm status', () => {
  it('times in the local zone with its offset; the same names in table and JSON', () => {
    const j = JSON.parse(crm(['status', '--format', 'json', '--imports', '1'], { TZ: 'Asia/Shanghai' }).stdout);
    const imp = j.imports[0];
    expect(imp.rows_unchanged).toBe(0);
    expect(imp).not.toHaveProperty('rows_skipped');
    // Stored in UTC; Shanghai is 8 hours ahead.
    const local = new Date(Date.parse(imp.finished_at) + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const t = crm(['status', '--imports', '1'], { TZ: 'Asia/Shanghai' });
    expect(t.stdout).toContain(`${local} +08:00`);
    expect(t.stdout).toMatch(/unchanged/);
    expect(crm(['status', '--imports', '1'], { TZ: 'UTC' }).stdout).toContain(`${imp.finished_at.slice(0, 19).replace('T', ' ')} +00:00`);
  });
});
