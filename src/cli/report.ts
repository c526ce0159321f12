/**
 * `crm report --html FILE`: one self-contained HTML page with the tier summary, the Lorenz curve,
 * the tier migration heat map, the RFM segment map and the RM league table with KPI attainment
 * and pay. Options and data gathering here; the page itself is src/report/ (pure).
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { openDb, resolveDbPath, type Db } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { parsePlan, type IncentivePlan } from '../incentive/plan.js';
import { caveatText, windowNotes } from '../metrics/caveats.js';
import { latestDataDate } from '../metrics/engine.js';
import { startOnWorker, type Running } from '../metrics/parallel.js';
import { defaultPricing, parsePricing, type Pricing } from '../metrics/pricing.js';
import { rfmInputs, type RfmInputs } from '../metrics/rfm-inputs.js';
import { resolveLang, LANG_OPTION_HELP, type Lang } from '../output/index.js';
import { composeReport, type ReportData } from '../report/compose.js';
import { channelsReport, coverageReport, watchAumWindows, watchList, type WatchParams } from '../watch/report.js';
import { channelsSection, coverageSection, watchSection } from '../report/watch-sections.js';
import { renderHtmlReport } from '../report/html.js';
import { namedPeriod, parseIsoDate, parsePeriod, rangePeriod, type Period } from '../rm/period.js';
import { startRmReport } from '../rm/report.js';
import { printWarnings } from './warnings.js';
import { rfmOverview, rfmReport } from '../segment/rfm-report.js';
import { activityWindow, DEFAULT_WINDOW_DAYS, migrationSides, segmentMigration, segmentSummary, tierPopulation, tierWindow, type TierPopulation } from '../segment/report.js';
import { globals } from './state.js';
import { date, loadRules, positiveInt, readConfig, writeOutput } from './options.js';

/** Calendar months of the page's channels section (as crm channels' default). */
const CHANNEL_MONTHS = 3;

export const REPORT_HELP = `
Examples:
  crm report --html report.html
  crm report --html report.html --plan samples/plan.yaml --window 14
  crm report --html 报告.html --lang zh --as-of 2026-11-27 --compare 2026-11-13 --period 2026-11 --plan samples/plan.yaml
  crm report --html q4.html --period 2026-Q4 --plan plan.yaml --tiers my-tiers.yaml --pricing my-pricing.yaml

The page holds: the tier summary with a bar chart of customers and AUM ADB per tier (both
ladders), the Lorenz curve of AUM ADB with its Gini, the tier migration heat map (from
--compare DATE, by default the first day of the tier window when the data covers it, else
left out with a note), the RFM segment map, the RM league table with KPI attainment
bars and pay (with --plan), the call list (signals per RM, the customers with most at stake:
crm watch; rules from the --tiers file's watch: section) and RM load against capacity
(crm coverage). Charts are inline SVG; the file needs no network, script or
font and opens from a USB stick. Its numbers are those of crm segment and crm rm-report
(--format csv) with the same options; each table cell carries the CSV value in data-v.
Exit 0 on success, 1 on data problems (e.g. an empty database), 2 on bad options or files.`;

interface Opts {
  html?: string;
  asOf?: string;
  window: string;
  compare?: string;
  period?: string;
  from?: string;
  to?: string;
  plan?: string;
  allowPartial?: boolean;
  pricing?: string;
  tiers?: string;
  lang?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('one self-contained HTML report with charts: tiers, concentration, migration, RFM, RM league table and pay')
    .option('--html <file>', 'write the HTML report to FILE (required)')
    .option('--as-of <date>', 'report date for the tiers (default: the latest data date)')
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--compare <date>', 'tier migration from DATE to --as-of (default: the tier window\'s first day, if the data covers it)')
    .option('--period <p>', 'RM period: 2026, 2026-H2, 2026-Q3 or 2026-09 (default: the month of --as-of)')
    .option('--from <date>', 'first day of a custom RM period, with --to')
    .option('--to <date>', 'last day of a custom RM period, with --from')
    .option('--plan <file>', 'incentive plan (YAML or JSON): adds KPI attainment and pay')
    .option('--allow-partial', 'with --plan, for an RM period the data does not cover to its last day: prorate base pay to the covered days')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (default: built in)')
    .option('--tiers <file>', 'tier ladders, YAML or JSON (default: built in)')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .addHelpText('after', REPORT_HELP)
    .action(runReport);
}

/** `crm report --html FILE`: options and files, then the reports the page shows, then the page. */
function runReport(o: Opts, cmd: Command): void {
  const opts = reportOptions(o);
  const { html: file, lang } = opts;
  const dbPath = resolveDbPath(globals(cmd).db);
  const db = openDb(dbPath, { readonly: true });
  let html: string;
  try {
    html = renderHtmlReport(composeReport({ ...gather(db, opts, o.allowPartial === true, !!globals(cmd).verbose), source: `crm 0.1.0, ${lang === 'zh' ? '数据库' : 'database'} ${basename(dbPath)}` }));
  } finally {
    db.close();
  }
  writeOutput('--html', file, html);
  process.stdout.write(`${lang === 'zh' ? '报告已写入' : 'report written to'} ${file}\n`);
}

/**
 * The reports the page shows. Each customer figure is computed once: one tier population at
 * as-of serves the summary, the Lorenz curves, the call list, coverage, channels, RFM's directory
 * and the migration's second date. The report thread sums the population's transactions and the
 * call list's AUM windows while this thread sums its balances, then RFM's inputs (a year of
 * transactions) and the RM metrics' part while this thread asks the population its questions and
 * computes the migration. The population goes before the compare date's is built: never two
 * customer tables at once.
 */
function gather(db: Db, opts: ReturnType<typeof reportOptions>, allowPartial: boolean, verbose: boolean): Omit<ReportData, 'source'> {
  const { lang, asOfOpt, windowDays, compareOpt, period, tiers, rules, pricing, plan } = opts;
  const asOf = asOfOpt ?? latestDataDate(db);
  const params = { asOf, windowDays, tiers, pricing };
  const compare = compareDateOf(db, asOf, windowDays, compareOpt, lang);
  const year = activityWindow(asOf);
  // The call list's AUM windows are summed on the report thread alongside the population.
  let population: TierPopulation | null = tierPopulation(db, params, undefined, watchAumWindows(db, { asOf, windowDays, tiers, pricing, rules }));
  const summary = segmentSummary(db, params, null, population);
  // Then RFM's inputs and the RM metrics' part, one after the other, while this thread asks the
  // population its questions and computes the migration. Started after the summary: by then the
  // population's thread is done with the AUM windows, and the next thread does not load beside it.
  let rfmJob: Running<RfmInputs> | null = startOnWorker(db, { job: 'rfmInputs', asOf, from: year.from, to: year.to }, () => rfmInputs(db, asOf, year.from, year.to));
  const watch: WatchParams = { asOf, windowDays, tiers, pricing, rules, population };
  const extra = [watchSection(lang, watchList(db, watch)), coverageSection(lang, coverageReport(db, watch)), channelsSection(lang, channelsReport(db, watch, CHANNEL_MONTHS))];
  watch.population = undefined;
  // RFM's summaries and maps: its million customers' columns are not held through the migration.
  const rfm = rfmOverview(rfmReport(db, params, { directory: population.table, inputs: rfmJob() }));
  // The job keeps its result: let go, RFM's inputs (~30 MB) are not held either.
  rfmJob = null;
  const rmPeriod = period ?? (namedPeriod(asOf.slice(0, 7)) as Period);
  const rmJob = startRmReport(db, { period: rmPeriod, pricing: pricing ?? defaultPricing(), plan, partialPay: allowPartial ? 'prorate' : 'full' });
  const after = migrationSides(population);
  const aum = new Map([...after.sides].map(([type, x]) => [type, x.aum]));
  // Date 1 of the migration is computed into the population's arrays: no second set at once.
  const migration = compare.date === null ? null : segmentMigration(db, params, compare.date, after, population);
  population = null;
  const rm = rmJob();
  for (const x of windowNotes(db, asOf, summary.period.window)) process.stderr.write(`crm: warning: ${caveatText(x, lang)}\n`);
  printWarnings(rm.warnings, lang, verbose);
  return { lang, summary, aumByType: aum, migration, migrationNote: compare.note, rfm, rm, extra };
}

/** The options and files of one run, checked (exit 2) before the database is opened. */
function reportOptions(o: Opts) {
  if (o.html === undefined || o.html.trim() === '') throw new UsageError('--html FILE is required (where to write the report)');
  const lang = resolveLang(o.lang);
  const asOfOpt = o.asOf === undefined ? undefined : date('--as-of', o.asOf);
  const windowDays = positiveInt('--window', o.window);
  const compareOpt = o.compare === undefined ? undefined : date('--compare', o.compare);
  if (compareOpt !== undefined && asOfOpt !== undefined && compareOpt >= asOfOpt) throw new UsageError(`--compare ${compareOpt} must be before --as-of ${asOfOpt}`);
  if (o.period !== undefined && (o.from !== undefined || o.to !== undefined)) throw new UsageError('give either --period or --from/--to, not both');
  if ((o.from === undefined) !== (o.to === undefined)) throw new UsageError('--from and --to go together');
  let period: Period | undefined;
  if (o.period !== undefined) period = parsePeriod(o.period);
  else if (o.from !== undefined) period = rangePeriod(parseIsoDate(o.from, '--from'), parseIsoDate(o.to as string, '--to'));
  const { tiers, rules } = loadRules(o.tiers, undefined);
  const pricing: Pricing | undefined = o.pricing ? parsePricing(readConfig('--pricing', o.pricing), o.pricing) : undefined;
  const plan: IncentivePlan | undefined = o.plan !== undefined ? parsePlan(readConfig('--plan', o.plan), o.plan) : undefined;
  return { html: o.html, lang, asOfOpt, windowDays, compareOpt, period, tiers, rules, pricing, plan };
}

/**
 * The migration's compare date: --compare, else the tier window's first day when the data covers
 * it; otherwise null and a note saying why.
 */
function compareDateOf(db: Db, asOf: string, windowDays: number, compareOpt: string | undefined, lang: Lang): { date: string | null; note: string | null } {
  if (compareOpt !== undefined) {
    if (compareOpt >= asOf) throw new UsageError(`--compare ${compareOpt} must be before the as-of date ${asOf}`);
    return { date: compareOpt, note: null };
  }
  const w = tierWindow(db, asOf, windowDays);
  if (w.requestedFrom >= w.coverage.first && w.requestedFrom < asOf) return { date: w.requestedFrom, note: null };
  const note = lang === 'zh'
    ? `未显示迁移矩阵：统计期首日 ${w.requestedFrom} 早于数据起始日 ${w.coverage.first}（或与数据日期相同）。请用 --compare DATE 指定比较日期，或缩短 --window。`
    : `No migration matrix: the tier window starts ${w.requestedFrom}, ${w.requestedFrom < w.coverage.first ? `before the data (which starts ${w.coverage.first})` : 'on the as-of date'}. Give --compare DATE, or a shorter --window.`;
  return { date: null, note };
}
