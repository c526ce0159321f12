/**
 * `crm coverage`: per RM the customers and AUM ADB per tier and the load against capacity; per
 * branch the valuable customers with no RM and the spread of load (docs/watch.md). No SQL here.
 */
import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { coverageReport, type CoverageReport } from '../watch/report.js';
import { jsonCell, renderCsv, renderJson, renderTable, type ColumnSpec, type CsvOptions, type Lang, type Row } from '../output/index.js';
import { DEFAULT_WINDOW_DAYS } from '../segment/report.js';
import { globals } from './state.js';
import { loadRules, tableTarget, tierReportOptions, withOutputOptions, writeOutput, type TierReportCliOptions } from './options.js';
import { periodLines } from '../segment/labels.js';
import { COVERAGE_COLUMNS } from '../watch/labels.js';
import { typeShort } from '../types.js';

export const COVERAGE_HELP = `
Per RM: customers and AUM ADB per tier (the tier window ending on --as-of; the RM on its last
day), valuable customers (personal VIP and above, corporate Core and Key) against the RM's
capacity, and the load: the larger of valuable ÷ capacity and customers ÷ capacity in all.
Defaults: a personal RM serves 200 valuable or 2,000 customers in all, a corporate RM 60
valuable; set them under capacity: in the rules (see crm watch --help, docs/watch.md).
Per branch: valuable customers with no RM and the lowest and highest load of its RMs.
CSV has the RM rows; JSON adds the branches.

Examples:
  crm coverage
  crm coverage --as-of 2026-11-27 --format csv --out coverage.csv
  crm coverage --rules samples/watch.yaml --lang zh
Exit 0 on success, 1 on data problems, 2 on bad options or files.`;

type Opts = TierReportCliOptions;

export function registerCoverage(program: Command): void {
  withOutputOptions(program
    .command('coverage')
    .description('RM coverage of valuable customers: load against capacity per RM, unserved valuable customers per branch')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--tiers <file>', 'tier ladders, YAML or JSON; its watch: section sets the rules')
    .option('--rules <file>', 'watch rules (capacity, valuable tiers), YAML or JSON')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (corporate tiers)'))
    .addHelpText('after', COVERAGE_HELP)
    .action((o: Opts, cmd: Command) => {
      const { csv: csvOpts, format, lang, asOf, windowDays, pricing } = tierReportOptions(o, cmd);
      const { tiers, rules } = loadRules(o.tiers, o.rules);
      const db = openDb(resolveDbPath(globals(cmd).db));
      let rep: CoverageReport;
      try {
        rep = coverageReport(db, { asOf, windowDays, tiers, pricing, rules });
      } finally {
        db.close();
      }
      const out = renderCoverage(rep, format, { csv: csvOpts ?? {}, lang, wide: !!o.wide, ...tableTarget(o.out !== undefined) });
      if (o.out !== undefined) writeOutput('--out', o.out, out);
      else process.stdout.write(out);
    });
}


/** The RM rows as CSV, JSON (with the branches) or two tables (RMs, then branches). */
function renderCoverage(rep: CoverageReport, format: string, ctx: { csv: CsvOptions; lang: Lang; wide: boolean; color: boolean; width: number | undefined }): string | Buffer {
  const { lang } = ctx;
  const { columns, rows } = rmTable(rep);
  if (format === 'csv') return renderCsv(columns, rows, ctx.csv);
  if (format === 'json') return renderJson(columns, rows, { report: 'coverage', as_of: rep.period.as_of, window: { from: rep.period.window.from, to: rep.period.window.to }, branches: rep.coverage.branches.map((b) => Object.fromEntries(BRANCH_COLUMNS.map((c) => [c.key, jsonCell(c, branchRow(b)[c.key])]))) });
  const opts = { color: ctx.color, width: ctx.width, wide: ctx.wide, lang };
  const zh = lang === 'zh';
  return [
    renderTable(columns, rows.map((r) => ({ ...r, rm_type: typeShort(String(r.rm_type), lang) })), { ...opts, title: zh ? `客户经理覆盖 · ${rep.period.as_of}` : `Coverage as of ${rep.period.as_of}`, notes: periodLines(rep.period, lang, false) }),
    renderTable(BRANCH_COLUMNS, rep.coverage.branches.map((b) => ({ ...branchRow(b), branch: b.branch ?? (zh ? '（无）' : '(none)') })), { ...opts, title: zh ? '分行' : 'Branches' }),
  ].join('\n');
}

function rmTable(rep: CoverageReport): { columns: ColumnSpec[]; rows: Row[] } {
  const tiers = [...rep.tiers.personal.tiers, ...rep.tiers.corporate.tiers];
  const columns = [...COVERAGE_COLUMNS, ...tiers.flatMap((t): ColumnSpec[] => [
    { key: `${t.code}_customers`, header: `${t.name_en}`, headerZh: t.name_zh, kind: 'int', priority: 1 },
    { key: `${t.code}_aum_adb`, header: `${t.name_en} AUM`, headerZh: `${t.name_zh}AUM`, kind: 'money', priority: 0 },
  ])];
  const rows = rep.coverage.rms.map((r): Row => {
    const row: Row = {
      rm_id: r.rm_id, name: r.name, rm_type: r.rm_type, branch: r.branch, customers: r.customers, valuable: r.valuable, aum_adb: r.aum_adb,
      valuable_aum_adb: r.valuable_aum_adb, capacity_valuable: r.capacity_valuable, capacity_customers: r.capacity_customers, load: r.load,
    };
    for (const t of tiers) {
      row[`${t.code}_customers`] = r.tiers[t.code].customers;
      row[`${t.code}_aum_adb`] = r.tiers[t.code].aum_adb;
    }
    return row;
  });
  return { columns, rows };
}

const BRANCH_COLUMNS: ColumnSpec[] = [
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text' },
  { key: 'rms', header: 'RMs', headerZh: '客户经理数', kind: 'int' },
  { key: 'customers', header: 'Customers', headerZh: '客户数', kind: 'int' },
  { key: 'valuable', header: 'Valuable', headerZh: '价值客户', kind: 'int' },
  { key: 'valuable_unassigned', header: 'Valuable, no RM', headerZh: '无人维护价值客户', kind: 'int' },
  { key: 'valuable_unassigned_aum_adb', header: 'Their AUM ADB', headerZh: '其AUM日均', kind: 'money' },
  { key: 'load_min', header: 'Lowest load', headerZh: '最低负荷', kind: 'percent' },
  { key: 'load_max', header: 'Highest load', headerZh: '最高负荷', kind: 'percent' },
  { key: 'load_spread', header: 'Spread', headerZh: '负荷差', kind: 'percent' },
];

const branchRow = (b: CoverageReport['coverage']['branches'][number]): Row => ({ ...b });
