import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, resolveDbPath } from '../db/connection.js';
import { DataError, UsageError } from '../errors.js';
import { parsePlan, type IncentivePlan } from '../incentive/plan.js';
import { latestDataDate } from '../metrics/engine.js';
import { defaultPricing, parsePricing, type Pricing } from '../metrics/pricing.js';
import { useColor, resolveLang, LANG_OPTION_HELP, EXCEL_OPTION_HELP, ENCODING_OPTION_HELP } from '../output/index.js';
import { csvOptions, readConfig, writeOutput } from './options.js';
import { namedPeriod, parseIsoDate, parsePeriod, rangePeriod, type Period } from '../rm/period.js';
import { noteZh, renderReport, renderStatement, statementFileName, type Format, type RenderOptions } from '../rm/render.js';
import { printWarnings } from './warnings.js';
import { buildRmReport, type RmReport } from '../rm/report.js';
import type { RmType } from '../types.js';
import { globals } from './state.js';
import { closeInForce } from '../db/pay-store.js';
import { frozenView, type FrozenView } from '../rm/close.js';
import { renderFrozenReport, renderFrozenStatement } from '../rm/pay-render.js';
import { addEngineOptions, engineOf, onParquet, ENGINE_HELP } from './engine.js';
import { duckRmReport } from '../scale/rm-report.js';

export const RM_REPORT_HELP = `
Examples:
  crm rm-report --period 2026-Q4
  crm rm-report --period 2026-11 --plan samples/plan.yaml
  crm rm-report --period 2026-11 --plan samples/plan.yaml --format csv --out payroll_2026-11.csv
  crm rm-report --period 2026-Q4 --plan samples/plan.yaml --format csv --allow-partial --out q4_to_date.csv
  crm rm-report --from 2026-11-15 --to 2026-11-27 --rm-type personal --sort fee_income
  crm rm-report --period 2026-11 --plan samples/plan.yaml --rm RM002 --statement
  crm rm-report --period 2026-11 --plan samples/plan.yaml --statements statements/ --format csv
  crm rm-report --period 2026-11 --plan samples/plan.yaml --excel --out payroll.csv
  crm rm-report --period 2026-11 --plan samples/plan.yaml --encoding gb18030 --lang zh --out 绩效.csv

Periods: 2026, 2026-H2, 2026-Q3, 2026-09, or --from/--to (default: the month of the
latest data date). The period is clipped to the dates the data covers, and the report
says so. Credit follows the RM recorded for each account on each day (see
docs/rm-report.md). Pay needs --plan; targets come from the imported targets.csv for the
period (for --from/--to: --targets-period, else the named period the range matches).
A payroll CSV (--plan with --format csv) for a period the data does not cover to its last
day is refused (exit 1, naming the last data date): --allow-partial prorates base pay to the
covered days and says so in the base_pay_basis column. Caveats (partial period, balances
carried forward) are warnings on stderr whatever the format, and in the JSON notes. When more
than five RMs share a warning (a plan KPI with no targets), stderr names three and counts the
rest; --verbose names every one.
Exit code 0 on success, 1 on a data problem, 2 on bad usage or an invalid plan file.`;

function choice<T extends string>(v: string, option: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new UsageError(`${option}: expected ${allowed.join(', ')} (got "${v}")`);
  return v as T;
}

export function registerRmReport(program: Command): void {
  program
    .command('rm-report')
    .description('RM performance (credited by days owned) and, with --plan, incentive pay and pay statements')
    .option('--period <p>', 'period: 2026, 2026-H2, 2026-Q3 or 2026-09 (default: month of the latest data date)')
    .option('--from <date>', 'first day of a custom period (YYYY-MM-DD), with --to')
    .option('--to <date>', 'last day of a custom period (YYYY-MM-DD), with --from')
    .option('--targets-period <p>', 'with --from/--to: the targets.csv period to pay against')
    .option('--rm-type <type>', 'only corporate or personal RMs')
    .option('--branch <name>', "only this branch's RMs (and its unassigned customers)")
    .option('--rm <id>', 'only this RM')
    .option('--sort <metric>', 'sort by this column, high to low (default: total_pay with --plan, else deposit_adb)')
    .option('--plan <file>', 'incentive plan (YAML or JSON, docs/plan-format.md): adds attainment and pay')
    .option('--pricing <file>', 'pricing file for contribution (default: the spreads and costs of metrics.md)')
    .option('--statement', 'with --rm and --plan: print that RM\'s pay statement instead of the report')
    .option('--statements <dir>', 'with --plan: write one pay statement per RM into DIR (.txt, .csv or .json by --format)')
    .option('--format <fmt>', 'table, csv (payroll export) or json', 'table')
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--excel', EXCEL_OPTION_HELP)
    .option('--encoding <enc>', ENCODING_OPTION_HELP)
    .option('--allow-partial', 'with --plan, for a period the data does not cover to its last day: prorate base pay to the covered days (a CSV payroll is refused without it)')
    .option('--wide', 'show every column even when wider than the terminal');
  addEngineOptions(program.commands[program.commands.length - 1])
    .addHelpText('after', `${RM_REPORT_HELP}\n${ENGINE_HELP} DuckDB computes the report without a plan or filters.`)
    .action(runRmReport);
}

/** The options of `crm rm-report` as commander gives them. */
interface RmReportFlags {
  period?: string; from?: string; to?: string; targetsPeriod?: string; rmType?: string; branch?: string; rm?: string;
  sort?: string; plan?: string; pricing?: string; statement?: boolean; statements?: string; format: string; out?: string;
  lang?: string; excel?: boolean; encoding?: string; allowPartial?: boolean; wide?: boolean; engine?: string; data?: string;
}

/** The options that go together or not at all (exit 2 before anything is read). */
function checkCombinations(o: RmReportFlags): void {
  if (o.period !== undefined && (o.from !== undefined || o.to !== undefined)) throw new UsageError('give either --period or --from/--to, not both');
  if ((o.from === undefined) !== (o.to === undefined)) throw new UsageError('--from and --to go together');
  if (o.targetsPeriod !== undefined && o.from === undefined) throw new UsageError('--targets-period goes with --from/--to (a named --period is its own targets period)');
  if (o.statement && o.rm === undefined) throw new UsageError('--statement needs --rm ID');
  if (o.statement && o.statements !== undefined) throw new UsageError('give either --statement or --statements DIR, not both');
  if ((o.statement || o.statements !== undefined) && o.plan === undefined) throw new UsageError(`${o.statement ? '--statement' : '--statements'} needs --plan FILE`);
  if (o.statements !== undefined && o.out !== undefined) throw new UsageError('--out does not go with --statements DIR (one file per RM is written there)');
}

/** `crm rm-report`: options and files, then the report (or a closed period's frozen figures), then its output. */
function runRmReport(o: RmReportFlags, cmd: Command): void | Promise<void> {
  const csv = csvOptions(o, cmd);
  const format = csv ? 'csv' : choice(o.format, '--format', ['table', 'csv', 'json'] as const) as Format;
  const lang = resolveLang(o.lang);
  const rmType = o.rmType === undefined ? undefined : choice(o.rmType, '--rm-type', ['corporate', 'personal'] as const) as RmType;
  checkCombinations(o);

  let period: Period | undefined;
  if (o.period !== undefined) period = parsePeriod(o.period);
  else if (o.from !== undefined) period = rangePeriod(parseIsoDate(o.from, '--from'), parseIsoDate(o.to as string, '--to'), o.targetsPeriod);
  // Files are checked before the database is opened: a bad plan is exit 2 whatever the data.
  const plan: IncentivePlan | undefined = o.plan !== undefined ? parsePlan(readConfig('--plan', o.plan), o.plan) : undefined;
  const pricing: Pricing = o.pricing !== undefined ? parsePricing(readConfig('--pricing', o.pricing), o.pricing) : defaultPricing();
  const refused: [string, boolean][] = [['--plan', plan !== undefined], ['--statement', !!o.statement], ['--statements', o.statements !== undefined],
    ['--rm-type', rmType !== undefined], ['--branch', o.branch !== undefined], ['--rm', o.rm !== undefined], ['--allow-partial', !!o.allowPartial],
    ['--targets-period', o.targetsPeriod !== undefined]];
  if (engineOf(o, refused) === 'duckdb') {
    return onParquet(o.data as string, async (data) => {
      const report = await duckRmReport(data, { period, pricing, sort: o.sort });
      const toFile = o.out !== undefined;
      printReport(report, { format, lang, color: !toFile && format === 'table' && useColor(process.stdout), width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined, wide: !!o.wide, csv: csv ?? {} }, o.out, !!globals(cmd).verbose);
    });
  }

  const db = openDb(resolveDbPath(globals(cmd).db), { readonly: true });
  try {
    if (!period) period = namedPeriod(latestDataDate(db).slice(0, 7)) as Period;
    const toFile = o.out !== undefined;
    const color = !toFile && format === 'table' && useColor(process.stdout);
    const width = !toFile && process.stdout.isTTY ? process.stdout.columns : undefined;
    const ro: RenderOptions = { format, lang, color, width, wide: !!o.wide, csv: csv ?? {} };
    const closed = plan && period.name ? closeInForce(db, period.name) : undefined;
    if (closed) {
      printFrozen(frozenView(db, closed, readConfig('--plan', o.plan as string)), { ...o, rmType, ro });
      return;
    }
    const partialPay = o.allowPartial ? 'prorate' : format === 'csv' ? 'refuse' : 'full';
    const report = buildRmReport(db, { period, pricing, plan, rmType, branch: o.branch, rm: o.rm, sort: o.sort, partialPay });
    printWarnings(report.warnings, lang, !!globals(cmd).verbose);

    if (o.statements !== undefined) {
      writeStatements(report, o.statements, ro);
      return;
    }
    let out: string | Buffer;
    if (o.statement) {
      const rm = o.rm as string;
      const pay = report.pay.get(rm);
      const info = report.rms.get(rm);
      if (!pay || !info) throw new DataError(`no pay statement for ${rm}`);
      out = renderStatement(report, info, pay, ro);
    } else {
      out = renderReport(report, ro);
      if (format === 'csv') for (const n of report.notes) if (!report.warnings.includes(n)) process.stderr.write(`crm: note: ${lang === 'zh' ? noteZh(n) : n}\n`);
    }
    if (toFile) {
      writeOutput('--out', o.out as string, out);
    } else {
      process.stdout.write(out);
    }
  } finally {
    db.close();
  }
}

/** --engine duckdb: the report, its warnings and CSV notes on stderr, to --out or stdout. */
function printReport(report: RmReport, ro: RenderOptions, out: string | undefined, verbose: boolean): void {
  printWarnings(report.warnings, ro.lang, verbose);
  const text = renderReport(report, ro);
  if (ro.format === 'csv') for (const n of report.notes) if (!report.warnings.includes(n)) process.stderr.write(`crm: note: ${ro.lang === 'zh' ? noteZh(n) : n}\n`);
  if (out !== undefined) writeOutput('--out', out, text);
  else process.stdout.write(text);
}

/** --statements DIR: one pay statement per shown RM with pay, in the report's order. */
function writeStatements(report: RmReport, dir: string, ro: RenderOptions): void {
  try { mkdirSync(dir, { recursive: true }); } catch (e) { throw new DataError(`--statements ${dir}: cannot create the directory: ${(e as Error).message}`); }
  let n = 0;
  for (const row of report.rows) {
    const id = String(row.rm_id);
    const pay = report.pay.get(id);
    const info = report.rms.get(id);
    if (!pay || !info) continue;
    writeOutput('--statements', join(dir, statementFileName(id, ro.format)), renderStatement(report, info, pay, { ...ro, color: false, width: undefined }));
    n++;
  }
  process.stdout.write(`${n} pay statement(s) written to ${dir}\n`);
}

/** A closed period: the frozen figures (report, payroll CSV, statements) and what changed since. */
function printFrozen(v: FrozenView, o: Record<string, unknown> & { out?: string; statements?: string; rm?: string }): void {
  const ro = o.ro as RenderOptions;
  const keep = (s: FrozenView['statements'][number]) => (o.rm === undefined || s.rm_id === o.rm)
    && (o.rmType === undefined || s.rm_type === o.rmType) && (o.branch === undefined || s.branch === o.branch);
  if (o.statements !== undefined) {
    const dir = o.statements;
    try { mkdirSync(dir, { recursive: true }); } catch (e) { throw new DataError(`--statements ${dir}: cannot create the directory: ${(e as Error).message}`); }
    const list = v.statements.filter(keep);
    for (const s of list) writeOutput('--statements', join(dir, statementFileName(s.rm_id, ro.format)), renderFrozenStatement(v, s, { ...ro, color: false, width: undefined }));
    process.stdout.write(`${list.length} pay statement(s) of closed period ${v.close.period} written to ${dir}\n`);
    return;
  }
  let out: string | Buffer;
  if (o.statement) {
    const s = v.statements.find((x) => x.rm_id === o.rm);
    if (!s) throw new DataError(`no pay statement for ${o.rm} in closed period ${v.close.period}`);
    out = renderFrozenStatement(v, s, ro);
  } else {
    out = renderFrozenReport(v, ro, keep);
    if (ro.format === 'csv') process.stderr.write(`crm: note: period ${v.close.period} is closed (${v.close.closed_at}): the payroll comes from the frozen figures\n`);
  }
  if (o.out !== undefined) writeOutput('--out', o.out, out);
  else process.stdout.write(out);
}
