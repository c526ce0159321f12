/**
 * `crm report --html` end to end on the bundled samples: the page's numbers against the CSV
 * exports of `crm segment` and `crm rm-report`, the sections and charts present, no network
 * references, the error paths and their exit codes, and (when /usr/bin/chromium exists) a real
 * headless browser rendering the file: SVG charts in the DOM, no console errors, a screenshot.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, parseSimpleCsv, ROOT, runCrm, tmpDir } from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let db: string;
const crm = (...args: string[]) => runCrm(['--db', db, ...args], { cwd: ROOT, env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });

function csvRows(text: string): Record<string, string>[] {
  const [head, ...rows] = parseSimpleCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** The data-v and text of the cell (table, row id, column key) of the page. */
function cell(html: string, table: string, id: string, key: string): { v: string; text: string } | undefined {
  const tables = [...html.matchAll(new RegExp(`<table data-table="${table}">([\\s\\S]*?)</table>`, 'g'))].map((m) => m[1]);
  for (const t of tables) {
    const row = new RegExp(`<tr data-id="${id.replace(/[()]/g, '\\$&')}">(.*?)</tr>`).exec(t!);
    if (!row) continue;
    const c = new RegExp(`data-k="${key}" data-v="([^"]*)">([^<]*)</td>`).exec(row[1]!);
    if (c) return { v: c[1]!, text: c[2]! };
  }
  return undefined;
}

/** "1234567.5" → "1,234,567.5" (the page shows thousands separators). */
const grouped = (s: string): string => s.replace(/^(-?)(\d+)/, (_, sign: string, d: string) => sign + d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));

beforeAll(() => {
  dir = tmpDir('crm-report-');
  db = join(dir, 'demo.db');
  const snaps = readdirSync(join(ROOT, 'samples', 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => `samples/accounts/${f}`);
  const r = crm('import', 'samples/rms.csv', 'samples/customers.csv', 'samples/customers_2026-11-15.csv', ...snaps, 'samples/transactions.csv', 'samples/targets.csv', 'samples/fx_rates.csv');
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanupTmp);

describe('crm report --html', () => {
  let html: string;
  let file: string;
  beforeAll(() => {
    file = join(dir, 'report.html');
    const r = crm('report', '--html', file, '--plan', 'samples/plan.yaml', '--allow-partial', '--window', '14');
    // The RM period (2026-11) runs to the 30th, the data to the 27th: said on stderr, base pay prorated.
    expect(r.stderr).toBe('crm: warning: period 2026-11 is only partly covered by the data: 2026-11-01 to 2026-11-27, 27 of 30 days\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`report written to ${file}\n`);
    html = readFileSync(file, 'utf8');
  });

  it('is one self-contained page: no script, no external URL, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // The only URL is the SVG namespace (an identifier, never fetched).
    const urls = [...html.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<)]*/gi)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain("default-src 'none'");
  });

  it('the channels section holds the rows of crm channels --format csv (tiers with customers), value for value', () => {
    const csv = parseSimpleCsv(crm('channels', '--window', '14', '--format', 'csv').stdout); // the page's tier window
    const head = csv[0]!;
    const at = (k: string) => head.indexOf(k);
    // Months with a transaction in some tier (the samples' data starts in November).
    const months = new Set(csv.slice(1).filter((r) => Number(r[at('active')]) > 0).map((r) => r[at('month')]));
    const expected = csv.slice(1).filter((r) => Number(r[at('customers')]) > 0 && months.has(r[at('month')]));
    expect(expected.length).toBeGreaterThan(0);
    const section = html.slice(html.indexOf('<section id="channels">'));
    const table = section.slice(section.indexOf('<table data-table="channels">'), section.indexOf('</table>'));
    const ids = [...table.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(expected.map((r) => `${r[at('customer_type')]}:${r[at('tier')]}:${r[at('month')]}`));
    // Each row's e-banking count as the CSV has it (data-v carries the machine value).
    const eb = [...table.matchAll(/data-k="e_banking" data-v="([^"]*)"/g)].map((m) => m[1]);
    expect(eb).toEqual(expected.map((r) => r[at('e_banking')]));
  });

  it('has the eight sections and their charts', () => {
    for (const id of ['tiers', 'concentration', 'migration', 'rfm', 'rm', 'watch', 'coverage', 'channels']) expect(html).toContain(`<section id="${id}">`);
    expect(html.match(/<svg class="chart bars"/g)).toHaveLength(2); // personal and corporate ladders
    expect(html.match(/<svg class="chart lorenz"/g)).toHaveLength(1);
    expect(html.match(/<svg class="chart heatmap"/g)).toHaveLength(2);
    expect(html.match(/<svg class="chart rfm-map"/g)).toHaveLength(2);
    expect(html.match(/<svg class="chart attainment"/g)).toHaveLength(2); // KPI attainment, RM load (coverage)
    expect(html.match(/<svg class="chart stacked"/g)).toHaveLength(3); // pay, signals per RM (watch), channels per tier
    // --window 14 on data from 2026-11-01: the default compare date is the window's first day.
    expect(html).toContain('Tier migration: 2026-11-14 → 2026-11-27');
  });

  it('tier summary numbers equal crm segment --format csv', () => {
    const r = crm('segment', '--window', '14', '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout).filter((x) => x.tier !== 'total');
    expect(rows.length).toBeGreaterThan(5);
    let checked = 0;
    for (const row of rows) {
      for (const key of ['customers', 'aum_adb', 'aum_share', 'contribution', 'fee_income']) {
        const c = cell(html, 'segment', `${row.customer_type}:${row.tier}`, key);
        expect(c, `${row.tier} ${key}`).toBeDefined();
        expect(c!.v).toBe(row[key]);
        if (key === 'aum_adb' || key === 'contribution') expect(c!.text).toBe(grouped(row[key]!));
        checked++;
      }
    }
    expect(checked).toBe(rows.length * 5);
    // The totals row of the personal ladder.
    const total = csvRows(r.stdout).find((x) => x.customer_type === 'personal' && x.tier === 'total')!;
    expect(html).toContain(`data-k="aum_adb" data-v="${total.aum_adb}">${grouped(total.aum_adb!)}</td>`);
  });

  it('RM league table and pay equal crm rm-report --format csv', () => {
    const r = crm('rm-report', '--period', '2026-11', '--plan', 'samples/plan.yaml', '--allow-partial', '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows.length).toBe(8);
    for (const row of rows) {
      for (const key of ['deposit_adb', 'contribution', 'base_pay', 'variable_pay', 'total_pay', 'npl_ratio']) {
        expect(cell(html, 'rm', row.rm_id!, key)?.v, `${row.rm_id} ${key}`).toBe(row[key]);
      }
      // Each RM's pay bar says its total pay.
      expect(html).toContain(`>${grouped(row.total_pay!)}</text>`);
    }
    // League order: by total pay, high to low, as in the CSV.
    const table = html.slice(html.indexOf('<table data-table="rm">'));
    const order = [...table.slice(0, table.indexOf('</table>')).matchAll(/<tr data-id="(RM\d+)">/g)].map((m) => m[1]);
    expect(order).toEqual(rows.map((x) => x.rm_id));
  });

  it('RFM table and Gini equal crm segment rfm --format csv and --format json', () => {
    const rfm = csvRows(crm('segment', 'rfm', '--window', '14', '--format', 'csv').stdout);
    for (const row of rfm) expect(cell(html, 'rfm', `${row.customer_type}:${row.segment}`, 'customers')?.v).toBe(row.customers);
    const meta = JSON.parse(crm('segment', '--window', '14', '--format', 'json').stdout) as { concentration: { customer_type: string; measure: string; gini: number }[] };
    const gini = meta.concentration.find((c) => c.customer_type === 'personal' && c.measure === 'aum_adb')!.gini;
    expect(html).toContain(`Personal customers — Gini ${gini.toFixed(4)}`);
  });

  it('migration counts equal crm segment --compare --format csv', () => {
    const m = csvRows(crm('segment', '--compare', '2026-11-14', '--window', '14', '--format', 'csv').stdout);
    const stay = m.filter((x) => x.customer_type === 'personal' && x.from_tier === 'mass' && x.to_tier === 'mass')[0]!;
    expect(Number(stay.customers)).toBeGreaterThan(0);
    expect(html).toContain(`<title>Mass → Mass: ${stay.customers}</title>`);
  });

  it('leaves the heat map out with a note when the data does not cover the window start', () => {
    const f = join(dir, 'r90.html');
    const r = crm('report', '--html', f); // default window 90 days: starts 2026-08-30, data from 2026-11-01
    expect(r.code).toBe(0);
    const page = readFileSync(f, 'utf8');
    expect(page).toContain('No migration matrix: the tier window starts 2026-08-30, before the data (which starts 2026-11-01)');
    expect(page).not.toContain('class="chart heatmap"');
    expect(page).toContain('No --plan given');
    const rmSection = page.slice(page.indexOf('<section id="rm">'), page.indexOf('<section id="watch">'));
    expect(rmSection).not.toContain('class="chart attainment"');
  });

  it('--lang zh: Chinese headings, tier and segment names', () => {
    const f = join(dir, 'zh.html');
    expect(crm('report', '--html', f, '--lang', 'zh', '--plan', 'samples/plan.yaml', '--compare', '2026-11-13').code).toBe(0);
    const page = readFileSync(f, 'utf8');
    expect(page).toContain('<html lang="zh-CN">');
    for (const s of ['客户分层', '大众', '贵宾', '冠军客户', '基尼系数', '应发合计', '客户经理排名', '达成率']) expect(page).toContain(s);
    // Locale default: LANG=zh_CN.UTF-8 without --lang.
    const g = join(dir, 'zh2.html');
    expect(runCrm(['--db', db, 'report', '--html', g], { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } }).code).toBe(0);
    expect(readFileSync(g, 'utf8')).toContain('<html lang="zh-CN">');
  });

  it('errors: exit 2 on usage, 1 on data problems', () => {
    const noHtml = crm('report');
    expect(noHtml.code).toBe(2);
    expect(noHtml.stderr).toBe('crm: error: --html FILE is required (where to write the report)\n');
    const lang = crm('report', '--html', join(dir, 'x.html'), '--lang', 'fr');
    expect(lang.code).toBe(2);
    expect(lang.stderr).toContain('--lang: expected en or zh (got "fr")');
    const cmp = crm('report', '--html', join(dir, 'x.html'), '--as-of', '2026-11-20', '--compare', '2026-11-25');
    expect(cmp.code).toBe(2);
    expect(cmp.stderr).toContain('--compare 2026-11-25 must be before --as-of 2026-11-20');
    const both = crm('report', '--html', join(dir, 'x.html'), '--period', '2026-11', '--from', '2026-11-01', '--to', '2026-11-10');
    expect(both.code).toBe(2);
    const plan = crm('report', '--html', join(dir, 'x.html'), '--plan', 'no-such-plan.yaml');
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('no-such-plan.yaml');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
    const empty = runCrm(['--db', join(dir, 'empty.db'), 'report', '--html', join(dir, 'x.html')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^crm: error: /);
    const unwritable = crm('report', '--html', join(dir, 'no-such-dir', 'r.html'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain('cannot write');
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium: charts in the DOM, no console errors, a screenshot', () => {
    const profile = tmpDir('crm-chromium-');
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`];
    const url = `file://${file}`;
    const dom = spawnSync(CHROMIUM, [...flags, '--enable-logging=stderr', '--v=0', '--dump-dom', url], { encoding: 'utf8', timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
    expect(dom.status, dom.stderr).toBe(0);
    const out = dom.stdout;
    // The parsed DOM (not just the file) holds the SVG charts with their bars and paths.
    expect((out.match(/<svg class="chart /g) ?? []).length).toBe(12);
    expect((out.match(/<rect class="bar/g) ?? []).length).toBeGreaterThan(20);
    expect(out).toMatch(/<path class="curve" d="M50 320 L/);
    expect((out.match(/<rect class="cell/g) ?? []).length).toBeGreaterThan(50);
    expect(out).toContain('<table data-table="rm">');
    // Console messages reach stderr as "CONSOLE" lines; CSP violations would be logged too.
    const consoleErrors = dom.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Content Security Policy|Refused to/i.test(l));
    expect(consoleErrors).toEqual([]);
    // The English and the Chinese page at a desktop (1400 px) and a narrow (800 px) width. The
    // files stay in the temporary profile unless CRM_SCREENSHOTS names a folder to copy them to.
    const zhFile = join(dir, 'report-zh.html');
    expect(crm('report', '--html', zhFile, '--plan', 'samples/plan.yaml', '--window', '14', '--lang', 'zh').code).toBe(0);
    for (const [lang, page] of [['en', url], ['zh', `file://${zhFile}`]] as const) {
      for (const width of [1400, 800]) {
        const shot = join(profile, `report-${lang}-${width}.png`);
        const s = spawnSync(CHROMIUM, [...flags, '--hide-scrollbars', `--screenshot=${shot}`, `--window-size=${width},4200`, page], { encoding: 'utf8', timeout: 60000 });
        expect(s.status, s.stderr).toBe(0);
        expect(existsSync(shot)).toBe(true);
        const png = readFileSync(shot);
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(png.readUInt32BE(16)).toBe(width); // IHDR width
        expect(statSync(shot).size).toBeGreaterThan(50_000); // not a blank page
        if (process.env.CRM_SCREENSHOTS) copyFileSync(shot, join(process.env.CRM_SCREENSHOTS, `report-${lang}-${width}.png`));
      }
    }
  });
});
