/**
 * The HTML report's watch-list and coverage sections: signals per RM (stacked bars and a table),
 * the customers with most at stake, and each RM's load against capacity. Pure: the watch list
 * and the coverage report in, HtmlSections out; numbers as `crm watch` and `crm coverage` print them.
 */
import { formatInt, formatMoney, formatPercent, type ColumnSpec, type Lang, type Row } from '../output/index.js';
import type { CoverageReport, WatchList } from '../watch/report.js';
import { COVERAGE_COLUMNS, SIGNAL_NAMES } from '../watch/labels.js';
import { SIGNALS } from '../watch/rules.js';
import type { HtmlSection } from './html.js';
import { attainmentChart, stackedBars } from './svg.js';

const T = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

/** Customers listed under "most at stake". */
const TOP = 10;

const noRm = (lang: Lang) => T(lang, '(no RM)', '（无客户经理）');

export function watchSection(lang: Lang, list: WatchList): HtmlSection {
  const title = T(lang, `Call list as of ${list.dates.as_of}`, `客户预警名单 · ${list.dates.as_of}`);
  if (!list.rows.length) return { id: 'watch', title, notes: [T(lang, 'No customer to call.', '无需跟进的客户。')] };
  const perRm = new Map<string, Record<string, number>>();
  for (const r of list.rows) {
    const k = r.rm_id ?? noRm(lang);
    const counts = perRm.get(k) ?? Object.fromEntries(SIGNALS.map((s) => [s, 0]));
    counts[r.signal]++;
    perRm.set(k, counts);
  }
  const signalCols: ColumnSpec[] = SIGNALS.map((s) => ({ key: s, header: SIGNAL_NAMES[s].en, headerZh: SIGNAL_NAMES[s].zh, kind: 'int' }));
  const rows = [...perRm].map(([rm, counts]): Row => ({ rm_id: rm, ...counts, total: SIGNALS.reduce((n, s) => n + counts[s], 0) }));
  const top = [...list.rows].sort((x, y) => y.at_stake - x.at_stake || (x.customer_id < y.customer_id ? -1 : 1)).slice(0, TOP);
  return {
    id: 'watch',
    title,
    lines: [T(lang, 'Signals per RM (crm watch): who to call. Interest and fees are not customer activity.', '各客户经理的预警信号（crm watch）：需要联系的客户。利息与手续费不计为客户主动交易。')],
    charts: [{
      caption: T(lang, 'Signals per RM', '各客户经理预警信号数'),
      svg: stackedBars({
        label: T(lang, 'Signals per RM', '各客户经理预警信号数'),
        parts: SIGNALS.map((s) => SIGNAL_NAMES[s][lang]),
        rows: rows.map((r) => ({ label: String(r.rm_id), values: SIGNALS.map((s) => r[s] as number), text: formatInt(r.total as number) })),
        width: 960, // the legend of six signals
      }),
    }],
    tables: [
      { name: 'watch-rm', caption: T(lang, 'Signals per RM', '各客户经理预警信号数'), idKeys: ['rm_id'],
        columns: [{ key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' }, ...signalCols, { key: 'total', header: 'Total', headerZh: '合计', kind: 'int' }], rows },
      { name: 'watch-top', caption: T(lang, `Most at stake (top ${TOP})`, `涉及金额最大的 ${TOP} 条`), idKeys: ['customer_id', 'signal'],
        columns: TOP_COLUMNS,
        rows: top.map((r): Row => ({
          customer_id: r.customer_id, name: r.name, rm_id: r.rm_id ?? noRm(lang), signal: SIGNAL_NAMES[r.signal][lang], at_stake: r.at_stake,
          value: r.unit === 'cny' ? formatMoney(r.value, { separators: true }) : formatPercent(r.value, 2), note: lang === 'zh' ? r.note_zh : r.note,
        })) },
    ],
  };
}

const TOP_COLUMNS: ColumnSpec[] = [
  { key: 'customer_id', header: 'Customer', headerZh: '客户号', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '客户名称', kind: 'text' },
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'signal', header: 'Signal', headerZh: '信号', kind: 'text' },
  { key: 'at_stake', header: 'At stake (CNY)', headerZh: '涉及金额（元）', kind: 'money' },
  { key: 'value', header: 'Value', headerZh: '数值', kind: 'text' },
  { key: 'note', header: 'Note', headerZh: '说明', kind: 'text' },
];

export function coverageSection(lang: Lang, rep: CoverageReport): HtmlSection {
  const rms = rep.coverage.rms;
  const title = T(lang, 'RM coverage: load against capacity', '客户经理覆盖：负荷与容量');
  if (!rms.length) return { id: 'coverage', title, notes: [T(lang, 'No RM in the database.', '数据库中没有客户经理。')] };
  const unserved = rep.coverage.branches.filter((b) => b.valuable_unassigned > 0);
  return {
    id: 'coverage',
    title,
    lines: [
      T(lang, 'Load = the larger of valuable customers ÷ valuable capacity and customers ÷ capacity in all (crm coverage); the dashed line is full capacity.',
        '负荷 = 价值客户数 ÷ 价值客户容量 与 客户数 ÷ 客户容量 中较大者（crm coverage）；虚线为满负荷。'),
      ...unserved.map((b) => T(lang, `${b.branch ?? '(no branch)'}: ${formatInt(b.valuable_unassigned)} valuable customer(s) with no RM, AUM ADB ${formatMoney(b.valuable_unassigned_aum_adb)} CNY.`,
        `${b.branch ?? '（无分行）'}：${formatInt(b.valuable_unassigned)} 名价值客户无客户经理，AUM 日均 ${formatMoney(b.valuable_unassigned_aum_adb)} 元。`)),
    ],
    charts: [{
      caption: T(lang, 'Load per RM (100% = capacity)', '客户经理负荷（100% = 满负荷）'),
      svg: attainmentChart({
        label: T(lang, 'Load per RM', '客户经理负荷'),
        kpis: [T(lang, 'Load', '负荷')],
        rows: rms.map((r) => ({ label: `${r.rm_id} ${r.name}`, values: [r.load], texts: [formatPercent(r.load, 2)] })),
      }),
    }],
    tables: [{
      name: 'coverage', idKeys: ['rm_id'], columns: COVERAGE_PAGE_COLUMNS,
      rows: rms.map((r): Row => ({ rm_id: r.rm_id, name: r.name, branch: r.branch, customers: r.customers, valuable: r.valuable, valuable_aum_adb: r.valuable_aum_adb, capacity_valuable: r.capacity_valuable, load: r.load })),
    }],
  };
}

/** The coverage CSV's columns shown in the page. */
const COVERAGE_PAGE_KEYS = ['rm_id', 'name', 'branch', 'customers', 'valuable', 'valuable_aum_adb', 'capacity_valuable', 'load'];
const COVERAGE_PAGE_COLUMNS = COVERAGE_PAGE_KEYS.map((k) => COVERAGE_COLUMNS.find((c) => c.key === k)!);
