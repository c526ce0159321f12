/**
 * The HTML report's watch-list, coverage and channels sections: signals per RM (stacked bars and a table),
 * the customers with most at stake, and each RM's load against capacity. Pure: the watch list
 * and the coverage report in, HtmlSections out; numbers as `crm watch` and `crm coverage` print them.
 */
import { formatInt, formatMoney, formatPercent, type ColumnSpec, type Lang, type Row } from '../output/index.js';
import type { ChannelsReport, CoverageReport, WatchList } from '../watch/report.js';
import { CHANNEL_COLUMNS, COVERAGE_COLUMNS, SIGNAL_NAMES } from '../watch/labels.js';
import { tierName } from '../segment/labels.js';
import { typeShort, type CustomerType } from '../types.js';
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

/**
 * Channels per tier: the last month's transactions by channel per tier (stacked bars), every
 * tier-month row as `crm channels` prints it, and the cost saved by customers who moved from the
 * counter to e-banking between the first and the last month.
 */
export function channelsSection(lang: Lang, rep: ChannelsReport): HtmlSection {
  const first = rep.months[0];
  const last = rep.months[rep.months.length - 1];
  // Months before the data starts (no transaction in any tier) are left out of the table and title.
  const withData = new Set(rep.rows.filter((r) => r.active > 0).map((r) => r.month));
  const shown = rep.months.filter((m) => withData.has(m));
  const span = shown.length > 1 ? T(lang, `${shown[0]} to ${shown[shown.length - 1]}`, `${shown[0]} 至 ${shown[shown.length - 1]}`) : shown[0] ?? last;
  const title = T(lang, `Channels per tier, ${span}`, `各层级渠道使用 · ${span}`);
  const rows = rep.rows.filter((r) => r.customers > 0 && withData.has(r.month));
  if (!rows.length) return { id: 'channels', title, notes: [T(lang, 'No transaction by any tier in these months.', '这些月份各层级均无交易。')] };
  const label = (r: { customer_type: CustomerType; tier: string }) => `${typeShort(r.customer_type, lang)} ${tierName(rep.tiers[r.customer_type], r.tier, lang)}`;
  const lastRows = rows.filter((r) => r.month === last);
  const parts = [T(lang, 'Counter', '柜面'), T(lang, 'Self-service', '自助'), T(lang, 'E-banking', '电子银行')];
  const moved = rep.moves.filter((m) => m.moved > 0);
  const saved = moved.reduce((s, m) => s + m.saved, 0);
  const display = (r: Row) => ({ ...r, customer_type: typeShort(String(r.customer_type), lang) });
  const withName = <R extends { customer_type: CustomerType; tier: string }>(r: R): Row => ({ ...r, tier_name: tierName(rep.tiers[r.customer_type], r.tier, lang) }) as unknown as Row;
  return {
    id: 'channels',
    title,
    lines: [
      T(lang, `Transactions by channel and the e-banking share per tier and month (crm channels); channel cost at counter ${formatMoney(rep.unit.counter)}, self-service ${formatMoney(rep.unit.self_service)}, e-banking ${formatMoney(rep.unit.e_banking)} CNY a transaction.`,
        `各层级各月渠道交易笔数与电子银行占比（crm channels）；单笔渠道成本：柜面 ${formatMoney(rep.unit.counter)}、自助 ${formatMoney(rep.unit.self_service)}、电子银行 ${formatMoney(rep.unit.e_banking)} 元。`),
      moved.length
        ? T(lang, `${formatInt(moved.reduce((s, m) => s + m.moved, 0))} customer(s) moved from the counter to e-banking (${first} → ${last}), saving ${formatMoney(saved)} CNY in ${last}.`,
          `${formatInt(moved.reduce((s, m) => s + m.moved, 0))} 名客户由柜面迁移至电子银行（${first} → ${last}），${last} 节约渠道成本 ${formatMoney(saved)} 元。`)
        : T(lang, `No customer moved from the counter to e-banking (${first} → ${last}).`, `无客户由柜面迁移至电子银行（${first} → ${last}）。`),
    ],
    charts: [{
      caption: T(lang, `Transactions by channel, ${last}`, `${last} 各渠道交易笔数`),
      svg: stackedBars({
        label: T(lang, `Transactions by channel, ${last}`, `${last} 各渠道交易笔数`),
        parts,
        rows: lastRows.map((r) => ({ label: label(r), values: [r.counter, r.self_service, r.e_banking], text: r.e_banking_share === null ? '—' : formatPercent(r.e_banking_share, 1) })),
      }),
    }],
    tables: [{
      name: 'channels', idKeys: ['customer_type', 'tier', 'month'], columns: CHANNEL_COLUMNS.filter((c) => c.key !== 'tier'),
      rows: rows.map(withName), display: rows.map((r) => display(withName(r))),
    }],
  };
}
