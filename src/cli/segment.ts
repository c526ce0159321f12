/**
 * `crm segment`: value tiers, concentration, migration and RFM (issue 3, metrics.md).
 * Options, then the report core (src/segment/report.ts), then its output (src/segment/render.ts); no SQL here.
 */
import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { caveatText, windowNotes } from '../metrics/caveats.js';
import { UsageError } from '../errors.js';
import { parsePricing, type Pricing } from '../metrics/pricing.js';
import { useColor, resolveLang, LANG_OPTION_HELP, EXCEL_OPTION_HELP, ENCODING_OPTION_HELP, type Lang } from '../output/index.js';
import {
  DEFAULT_DORMANT_FLOOR_FEN, DEFAULT_WINDOW_DAYS, segmentDetail, segmentMigration, segmentSummary,
} from '../segment/report.js';
import { rfmReport } from '../segment/rfm-report.js';
import { renderDetail, renderMigration, renderRfm, renderSummary, type Ctx } from '../segment/render.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, parseTiers, type TiersConfig } from '../segment/tiers.js';
import type { CustomerType } from '../types.js';
import { globals } from './state.js';
import { csvOptions, date, positiveInt, readConfig, streamOutput, writeOutput } from './options.js';
import { addEngineOptions, engineOf, onParquet, ENGINE_HELP } from './engine.js';
import { duckDetail, duckSummary, duckTierPopulation } from '../scale/segment.js';

export const SEGMENT_HELP = `
Views (one per run):
  (default)        summary per tier, with Pareto and Gini, per customer type
  --detail         one row per customer (filter with --tier)
  --compare DATE   tier migration from DATE to --as-of
  rfm (or --rfm)   RFM scores and segments over the 365 days ending on --as-of

Examples:
  crm segment
  crm segment --as-of 2026-11-27 --window 30 --type personal --by branch
  crm segment --detail --tier vip,affluent --format csv --out vip.csv
  crm segment --compare 2026-11-13 --window 14
  crm segment --tiers my-tiers.yaml --pricing my-pricing.yaml --lang zh
  crm segment rfm --detail --format json
  crm segment --excel --out segment.csv              # UTF-8 with BOM for Excel
  crm segment --detail --excel --encoding gb18030 --lang zh --out 客户分层.csv

The tier window is the --window days ending on --as-of, clipped to the dates the data
covers (the report says when it clips). Personal customers are tiered by AUM ADB,
corporate by contribution (defaults as in samples/tiers.yaml; see docs/segment.md).
Dormant: no customer-initiated transaction (interest and fees do not count) in the
365 days ending on --as-of and AUM ADB below
--dormant-floor (default 1,000 CNY). CSV and JSON carry snake_case columns and plain
numbers (money in CNY with 2 decimals). Exit 0 on success, 1 on data problems (e.g. an
empty database), 2 on bad options or files.`;

interface Opts {
  asOf?: string;
  window: string;
  type?: string;
  tiers?: string;
  pricing?: string;
  by?: string;
  detail?: boolean;
  tier?: string;
  compare?: string;
  rfm?: boolean;
  dormantFloor: string;
  format: string;
  out?: string;
  wide?: boolean;
  lang?: string;
  excel?: boolean;
  encoding?: string;
  engine?: string;
  data?: string;
}

export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('value tiers (客户分层), concentration, tier migration and RFM of the customers')
    .argument('[view]', 'rfm: the RFM report (same as --rfm)')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--type <type>', 'personal or corporate (default: both, each with its own ladder)')
    .option('--tiers <file>', 'tier ladders, YAML or JSON (default: built in, = samples/tiers.yaml)')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (default: built in, = samples/pricing.yaml)')
    .option('--by <key>', 'summary per branch or per rm (the RM on the window\'s last day)')
    .option('--detail', 'one row per customer')
    .option('--tier <names>', 'with --detail: only these tiers (codes or names, comma-separated)')
    .option('--compare <date>', 'tier migration from the window ending on DATE to the one ending on --as-of')
    .option('--rfm', 'the RFM report (same as "crm segment rfm")')
    .option('--dormant-floor <cny>', 'dormant: no transaction in 365 days and AUM ADB below this (CNY)', String(DEFAULT_DORMANT_FLOOR_FEN / 100))
    .option('--format <fmt>', 'table, csv or json', 'table')
    .option('--out <file>', 'write the report to FILE instead of standard output')
    .option('--wide', 'table: show every column even if wider than the terminal')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--excel', EXCEL_OPTION_HELP)
    .option('--encoding <enc>', ENCODING_OPTION_HELP);
  addEngineOptions(program.commands[program.commands.length - 1])
    .addHelpText('after', `${SEGMENT_HELP}\n${ENGINE_HELP} DuckDB computes the tier summary and --detail.`)
    .action(runSegment);
}

/** `crm segment`: options, then the report of the view asked for, then its output (caveats on stderr). */
function runSegment(view: string | undefined, o: Opts, cmd: Command): void | Promise<void> {
  const { rfm, compare, detail, by, tierFilter, params, ctx } = segmentOptions(view, o, cmd);
  const lang = ctx.lang;
  if (engineOf(o, [['rfm', rfm], ['--compare', compare !== undefined]]) === 'duckdb') {
    return onParquet(o.data as string, async (data) => {
      const { population, notes } = await duckTierPopulation(data, params);
      ctx.notes.push(...notes);
      const out = detail ? renderDetail(duckDetail(population, params, tierFilter), ctx) : renderSummary(duckSummary(population, params, by), ctx);
      printSegment(out, o, ctx);
    });
  }
  const db = openDb(resolveDbPath(globals(cmd).db));
  let out: string | Buffer | Iterable<string | Buffer>;
  try {
    if (rfm) {
      const rep = rfmReport(db, params);
      if (rep.data.first && rep.data.first > rep.window.from) ctx.notes.push(`RFM window clipped: the database holds no transaction before ${rep.data.first}: R, F and M only see ${rep.data.first} to ${rep.window.to}`);
      // Written while the database is open: the detail reads each customer's name as it goes.
      warn(ctx.notes, lang);
      streamOutput('--out', o.out, (write) => renderRfm(rep, ctx, detail || !!o.detail, write));
      return;
    } else if (compare !== undefined) {
      const rep = segmentMigration(db, params, compare);
      if (compare >= rep.after.as_of) throw new UsageError(`--compare ${compare} must be before the as-of date ${rep.after.as_of}`);
      ctx.notes.push(...windowNotes(db, rep.before.as_of, rep.before.window).map((n) => `${rep.before.as_of}: ${n}`), ...windowNotes(db, rep.after.as_of, rep.after.window).map((n) => `${rep.after.as_of}: ${n}`));
      out = renderMigration(rep, ctx);
    } else if (detail) {
      const rep = segmentDetail(db, params, tierFilter);
      ctx.notes.push(...windowNotes(db, rep.period.as_of, rep.period.window));
      out = renderDetail(rep, ctx);
    } else {
      const rep = segmentSummary(db, params, by);
      ctx.notes.push(...windowNotes(db, rep.period.as_of, rep.period.window));
      out = renderSummary(rep, ctx);
    }
  } finally {
    db.close();
  }
  printSegment(out, o, ctx);
}

function printSegment(out: string | Buffer | Iterable<string | Buffer>, o: Opts, ctx: Ctx): void {
  warn(ctx.notes, ctx.lang);
  if (typeof out !== 'string' && !Buffer.isBuffer(out)) streamOutput('--out', o.out, (write) => { for (const c of out) write(c); });
  else if (o.out !== undefined) writeOutput('--out', o.out, out);
  else process.stdout.write(out);
}

/** Caveats reach stderr whatever the format or --out: a CSV has no room for them. */
function warn(notes: readonly string[], lang: Lang): void {
  for (const n of notes) process.stderr.write(`crm: warning: ${caveatText(n, lang)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Option parsing
// ---------------------------------------------------------------------------------------------

/** The options of one run, checked (exit 2) before the database is opened. */
function segmentOptions(view: string | undefined, o: Opts, cmd: Command) {
  const rfm = checkView(view, o);
  const csvOpts = csvOptions(o, cmd);
  const format = csvOpts ? 'csv' : oneOf('--format', o.format, ['table', 'csv', 'json']);
  const lang = resolveLang(o.lang);
  const asOf = o.asOf === undefined ? undefined : date('--as-of', o.asOf);
  const windowDays = positiveInt('--window', o.window);
  const types: CustomerType[] = o.type === undefined ? [...CUSTOMER_TYPES] : [oneOf('--type', o.type, CUSTOMER_TYPES) as CustomerType];
  const by = o.by === undefined ? null : (oneOf('--by', o.by, ['branch', 'rm']) as 'branch' | 'rm');
  const dormantFloorFen = money('--dormant-floor', o.dormantFloor);
  const tiers = o.tiers ? parseTiers(readConfig('--tiers', o.tiers), o.tiers) : (DEFAULT_TIERS as TiersConfig);
  const pricing: Pricing | undefined = o.pricing ? parsePricing(readConfig('--pricing', o.pricing), o.pricing) : undefined;
  const compare = o.compare === undefined ? undefined : date('--compare', o.compare);
  const views = [rfm && 'rfm', compare !== undefined && '--compare', o.detail && !rfm && '--detail'].filter(Boolean);
  if (views.length > 1) throw new UsageError(`${views.join(' and ')} are separate views: choose one`);
  if (o.tier !== undefined && compare !== undefined) throw new UsageError('--tier filters --detail; it does not apply to --compare');
  const detail = !!o.detail || (o.tier !== undefined && !rfm);
  if (by && (detail || compare !== undefined)) throw new UsageError('--by applies to the tier summary (not to --detail or --compare)');
  if (by && rfm) throw new UsageError('--by applies to the tier summary, not to rfm');
  if (o.tier !== undefined && rfm && !o.detail) throw new UsageError('--tier filters --detail');
  const tierFilter = o.tier === undefined ? undefined : resolveTierNames(o.tier, tiers, types);
  if (compare !== undefined && asOf !== undefined && compare >= asOf) throw new UsageError(`--compare ${compare} must be before --as-of ${asOf}`);

  const params = { asOf, windowDays, types, tiers, pricing, dormantFloorFen };
  const toFile = o.out !== undefined;
  const ctx: Ctx = { csv: csvOpts ?? {}, format, lang, wide: !!o.wide, color: !toFile && format === 'table' && useColor(process.stdout), width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined, notes: [] };
  return { rfm, compare, detail, by, tierFilter, params, ctx };
}

function checkView(view: string | undefined, o: Opts): boolean {
  if (view === undefined) return !!o.rfm;
  if (view !== 'rfm') throw new UsageError(`unknown view "${view}" (expected: rfm, or no argument for the tier report)`);
  return true;
}

function oneOf(flag: string, v: string, allowed: readonly string[]): string {
  const x = v.trim().toLowerCase();
  if (!allowed.includes(x)) throw new UsageError(`${flag}: expected ${allowed.join(' or ')} (got "${v}")`);
  return x;
}

function money(flag: string, v: string): number {
  const s = v.replace(/,/g, '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) throw new UsageError(`${flag}: expected an amount in CNY ≥ 0 with at most 2 decimals (got "${v}")`);
  return Math.round(Number(s) * 100);
}

function resolveTierNames(list: string, tiers: TiersConfig, types: readonly CustomerType[]): Set<string> {
  const known = new Map<string, string>();
  for (const t of types) for (const d of tiers[t].tiers) {
    known.set(d.code, d.code);
    known.set(d.name_en.toLowerCase(), d.code);
    known.set(d.name_zh, d.code);
  }
  const out = new Set<string>();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const code = known.get(raw) ?? known.get(raw.toLowerCase());
    if (!code) {
      const codes = types.flatMap((t) => tiers[t].tiers.map((d) => d.code));
      throw new UsageError(`--tier: unknown tier "${raw}" (expected one of: ${codes.join(', ')})`);
    }
    out.add(code);
  }
  if (out.size === 0) throw new UsageError('--tier: no tier given');
  return out;
}
