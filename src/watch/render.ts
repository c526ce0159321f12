/**
 * `crm watch`'s output: the call list as CSV, JSON or a table, with its columns. The list comes
 * from report.ts; signal names and measures from labels.ts.
 */
import { csvChunks, fenToYuan, formatMoney, formatPercent, renderJson, renderTable, roundHalfAwayFromZero, type ColumnSpec, type CsvOptions, type Lang, type Row } from '../output/index.js';
import type { TiersConfig } from '../segment/tiers.js';
import { SIGNAL_NAMES, watchMeasureName } from './labels.js';
import type { WatchList } from './report.js';
import { SIGNALS } from './rules.js';
import type { WatchRow } from './signals.js';
import { typeShort } from '../types.js';

/** The call list's columns (CSV, JSON and table). */
export const WATCH_COLUMNS: ColumnSpec[] = [
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
export function machineRow(r: WatchRow, lang: Lang): Row {
  const num = (v: number | null) => (v === null ? null : r.unit === 'cny' ? fenToYuan(v) : roundHalfAwayFromZero(v * 100, 2));
  return {
    customer_id: r.customer_id, name: r.name, customer_type: r.customer_type, tier: r.tier, rm_id: r.rm_id, signal: r.signal,
    measure: r.measure, value: num(r.value), threshold: num(r.threshold), since: r.since, note: lang === 'zh' ? r.note_zh : r.note,
  };
}

function* machineRows(rows: readonly WatchRow[], lang: Lang): Generator<Row> {
  for (const r of rows) yield machineRow(r, lang);
}

function tableRow(r: WatchRow, lang: Lang, tiers: TiersConfig): Row {
  const shown = (v: number | null) => (v === null ? null : r.unit === 'cny' ? formatMoney(v, { separators: true }) : formatPercent(v, 2));
  const tier = tiers[r.customer_type].tiers.find((t) => t.code === r.tier);
  return {
    ...machineRow(r, lang),
    customer_type: typeShort(r.customer_type, lang),
    tier: tier ? (lang === 'zh' ? tier.name_zh : tier.name_en) : r.tier,
    rm_id: r.rm_id ?? (lang === 'zh' ? '（无）' : '(none)'),
    signal: SIGNAL_NAMES[r.signal][lang], measure: watchMeasureName(r.measure, lang), value: shown(r.value), threshold: shown(r.threshold),
  };
}

/** How to render: CSV bytes, language, table width and colour. */
export interface WatchRenderOptions { csv: CsvOptions; lang: Lang; wide: boolean; color: boolean; width: number | undefined }

/** The call list as CSV, JSON (with the signal counts) or a table with the signals' names. */
export function renderWatch(list: WatchList, format: string, ctx: WatchRenderOptions): Iterable<string | Buffer> {
  // CSV in pieces, each machine row made as its line is written: a city branch's list (100k rows
  // and more) is held neither as a second array of rows nor as one text.
  if (format === 'csv') return csvChunks(WATCH_COLUMNS, machineRows(list.rows, ctx.lang), ctx.csv);
  return [renderWhole(list, format, ctx)];
}

function renderWhole(list: WatchList, format: string, ctx: WatchRenderOptions): string {
  const rows = list.rows.map((r) => machineRow(r, ctx.lang));
  if (format === 'json') {
    return renderJson(WATCH_COLUMNS, rows, { report: 'watch', as_of: list.dates.as_of, tier_window: { from: list.period.window.from, to: list.period.window.to }, signals: counts(list.rows) });
  }
  const zh = ctx.lang === 'zh';
  const title = zh ? `客户预警名单 · ${list.dates.as_of}` : `Call list as of ${list.dates.as_of}`;
  const byKind = counts(list.rows);
  const summary = SIGNALS.filter((s) => byKind[s]).map((s) => `${SIGNAL_NAMES[s][ctx.lang]} ${byKind[s]}`).join(zh ? '，' : ', ');
  const notes = [zh ? `${list.rows.length} 条信号${summary ? `：${summary}` : ''}` : `${list.rows.length} signal(s)${summary ? `: ${summary}` : ''}`];
  if (!list.rows.length) return `${title}\n${zh ? '无需跟进的客户。' : 'No customer to call.'}\n`;
  return renderTable(WATCH_COLUMNS, list.rows.map((r) => tableRow(r, ctx.lang, list.tiers)), { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, title, notes });
}

function counts(rows: readonly WatchRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of SIGNALS) out[s] = 0;
  for (const r of rows) out[r.signal]++;
  return out;
}
