/**
 * `crm watch`: the call list per RM (docs/watch.md). Options, the list from src/metrics/watch.ts,
 * output; no SQL here.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, resolveDbPath } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { watchList, type WatchList } from '../watch/report.js';
import { fenToYuan, formatMoney, formatPercent, renderCsv, renderJson, renderTable, roundHalfAwayFromZero, type ColumnSpec, type CsvOptions, type Lang, type Row } from '../output/index.js';
import { parseConfigText } from '../segment/config-file.js';
import { DEFAULT_WINDOW_DAYS } from '../segment/report.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, parseTiers, type TiersConfig } from '../segment/tiers.js';
import { DEFAULT_RULES, SIGNALS, defaultRules, parseRules, rulesOf, type Signal, type WatchRules } from '../watch/rules.js';
import type { WatchRow } from '../watch/signals.js';
import { globals } from './state.js';
import { readConfig, tableTarget, tierReportOptions, withOutputOptions, writeOutput } from './options.js';
import { WATCH_HELP } from './watch-help.js';
import { SIGNAL_NAMES, watchMeasureName } from '../watch/labels.js';

interface Opts {
  asOf?: string;
  rm?: string;
  signal?: string;
  window: string;
  tiers?: string;
  rules?: string;
  pricing?: string;
  format: string;
  out?: string;
  byRm?: string;
  wide?: boolean;
  lang?: string;
  excel?: boolean;
  encoding?: string;
}

export function registerWatch(program: Command): void {
  withOutputOptions(program
    .command('watch')
    .description('call list per RM (客户预警): attrition, upgrade, downgrade, dormant valuable, unassigned, loan downgrade')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--rm <id>', 'only this RM\'s customers')
    .option('--signal <list>', `only these signals, comma-separated (${SIGNALS.join(', ')})`)
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--tiers <file>', 'tier ladders, YAML or JSON; its watch: section sets the rules')
    .option('--rules <file>', 'watch rules, YAML or JSON (a watch: section or the rules alone; default: built in)')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (corporate tiers)')
    .option('--by-rm <dir>', 'also write one CSV per RM into DIR (<rm_id>.csv; no RM: _unassigned.csv)'))
    .addHelpText('after', WATCH_HELP)
    .action((o: Opts, cmd: Command) => {
      const { csv: csvOpts, format, lang, asOf, windowDays, pricing } = tierReportOptions(o, cmd);
      const only = o.signal === undefined ? SIGNALS : signalList(o.signal);
      const { tiers, rules } = loadRules(o.tiers, o.rules);
      const db = openDb(resolveDbPath(globals(cmd).db));
      let list: WatchList;
      try {
        list = watchList(db, { asOf, windowDays, tiers, pricing, rules }, only, o.rm);
      } finally {
        db.close();
      }
      const toFile = o.out !== undefined;
      const ctx = { csv: csvOpts ?? {}, lang, wide: !!o.wide, ...tableTarget(toFile) };
      const out = render(list, format, ctx);
      if (o.byRm !== undefined) writeByRm(o.byRm, list, ctx.csv, lang);
      if (toFile) writeOutput('--out', o.out!, out);
      else process.stdout.write(out);
    });
}

function signalList(v: string): Signal[] {
  const out: Signal[] = [];
  for (const s of v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (!(SIGNALS as readonly string[]).includes(s)) throw new UsageError(`--signal: unknown signal "${s}" (expected one of: ${SIGNALS.join(', ')})`);
    out.push(s as Signal);
  }
  if (!out.length) throw new UsageError('--signal: no signal given');
  return out;
}

/**
 * Tiers from --tiers; rules from --rules, else the tiers file's watch: section, else built in.
 * Valuable tiers must be in the ladders; the built-in ones (vip, core) stand for "every tier
 * above the lowest" in a ladder without them.
 */
export function loadRules(tiersFile: string | undefined, rulesFile: string | undefined): { tiers: TiersConfig; rules: WatchRules } {
  let tiers = DEFAULT_TIERS as TiersConfig;
  let rules = defaultRules();
  let from = 'built-in rules';
  if (tiersFile !== undefined) {
    const text = readConfig('--tiers', tiersFile);
    tiers = parseTiers(text, tiersFile);
    const own = rulesOf(parseConfigText(text, tiersFile), tiersFile);
    if (own) [rules, from] = [own, `${tiersFile}: field watch.valuable`];
  }
  if (rulesFile !== undefined) [rules, from] = [parseRules(readConfig('--rules', rulesFile), rulesFile), `${rulesFile}: field valuable`];
  for (const t of CUSTOMER_TYPES) {
    const code = rules.valuable[t];
    const known = (c: string) => tiers[t].tiers.some((d) => d.code === c);
    if (!known(code) && code === DEFAULT_RULES.valuable[t]) rules.valuable[t] = (tiers[t].tiers[1] ?? tiers[t].tiers[0]).code;
    else if (!known(code)) {
      throw new UsageError(`${from}.${t}: unknown tier "${code}" (expected one of: ${tiers[t].tiers.map((d) => d.code).join(', ')})`);
    }
  }
  return { tiers, rules };
}

const COLUMNS: ColumnSpec[] = [
  { key: 'customer_id', header: 'Customer', headerZh: '客户号', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '客户名称', kind: 'text', priority: 3 },
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 1 },
  { key: 'tier', header: 'Tier', headerZh: '层级', kind: 'text', priority: 4 },
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'signal', header: 'Signal', headerZh: '信号', kind: 'text' },
  { key: 'measure', header: 'Measure', headerZh: '指标', kind: 'text', priority: 2 },
  { key: 'value', header: 'Value', headerZh: '数值', kind: 'number' },
  { key: 'threshold', header: 'Threshold', headerZh: '阈值', kind: 'number', priority: 5 },
  { key: 'since', header: 'Since', headerZh: '起始日', kind: 'date', priority: 2 },
  { key: 'note', header: 'Note', headerZh: '说明', kind: 'text', priority: 1 },
];

/** CSV and JSON: CNY in yuan (2 decimals), percent as a number of percent (35.5 = 35.5%); codes, not names. */
function machineRow(r: WatchRow, lang: Lang): Row {
  const num = (v: number | null) => (v === null ? null : r.unit === 'cny' ? fenToYuan(v) : roundHalfAwayFromZero(v * 100, 2));
  return {
    customer_id: r.customer_id, name: r.name, customer_type: r.customer_type, tier: r.tier, rm_id: r.rm_id, signal: r.signal,
    measure: r.measure, value: num(r.value), threshold: num(r.threshold), since: r.since, note: lang === 'zh' ? r.note_zh : r.note,
  };
}

function tableRow(r: WatchRow, lang: Lang, tiers: TiersConfig): Row {
  const shown = (v: number | null) => (v === null ? null : r.unit === 'cny' ? formatMoney(v, { separators: true }) : formatPercent(v, 2));
  const tier = tiers[r.customer_type].tiers.find((t) => t.code === r.tier);
  return {
    ...machineRow(r, lang),
    customer_type: lang === 'zh' ? (r.customer_type === 'personal' ? '个人' : '对公') : r.customer_type,
    tier: tier ? (lang === 'zh' ? tier.name_zh : tier.name_en) : r.tier,
    rm_id: r.rm_id ?? (lang === 'zh' ? '（无）' : '(none)'),
    signal: SIGNAL_NAMES[r.signal][lang], measure: watchMeasureName(r.measure, lang), value: shown(r.value), threshold: shown(r.threshold),
  };
}

interface Ctx { csv: CsvOptions; lang: Lang; wide: boolean; color: boolean; width: number | undefined }

function render(list: WatchList, format: string, ctx: Ctx): string | Buffer {
  const rows = list.rows.map((r) => machineRow(r, ctx.lang));
  if (format === 'csv') return renderCsv(COLUMNS, rows, ctx.csv);
  if (format === 'json') {
    return renderJson(COLUMNS, rows, { report: 'watch', as_of: list.dates.as_of, tier_window: { from: list.period.window.from, to: list.period.window.to }, signals: counts(list.rows) });
  }
  const zh = ctx.lang === 'zh';
  const title = zh ? `客户预警名单 · ${list.dates.as_of}` : `Call list as of ${list.dates.as_of}`;
  const byKind = counts(list.rows);
  const summary = SIGNALS.filter((s) => byKind[s]).map((s) => `${SIGNAL_NAMES[s][ctx.lang]} ${byKind[s]}`).join(zh ? '，' : ', ');
  const notes = [zh ? `${list.rows.length} 条信号${summary ? `：${summary}` : ''}` : `${list.rows.length} signal(s)${summary ? `: ${summary}` : ''}`];
  if (!list.rows.length) return `${title}\n${zh ? '无需跟进的客户。' : 'No customer to call.'}\n`;
  return renderTable(COLUMNS, list.rows.map((r) => tableRow(r, ctx.lang, list.tiers)), { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, title, notes });
}

function counts(rows: readonly WatchRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of SIGNALS) out[s] = 0;
  for (const r of rows) out[r.signal]++;
  return out;
}

/** One CSV per RM (the RMs with a signal), named by the RM id made safe for a file name. */
function writeByRm(dir: string, list: WatchList, csv: CsvOptions, lang: Lang): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--by-rm ${dir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const groups = new Map<string, WatchRow[]>();
  for (const r of list.rows) {
    const k = r.rm_id === null ? '_unassigned' : r.rm_id.replace(/[^\p{L}\p{N}._-]/gu, '_');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [k, rows] of groups) writeOutput('--by-rm', join(dir, `${k}.csv`), renderCsv(COLUMNS, rows.map((r) => machineRow(r, lang)), csv));
  process.stderr.write(`${groups.size} file(s) written to ${dir}\n`);
}
