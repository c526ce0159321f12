/**
 * `crm report --html`: composes the segment and RM report data into the sections of the HTML
 * page (src/report/html.ts) with the charts of src/report/svg.ts. Pure: report objects in,
 * an HtmlReport out. The tables use the same column specs and row values as the CSV exports of
 * `crm segment` and `crm rm-report`, so every number matches them.
 */
import { emptySectionLine, formatCell, formatInt, formatMoney, formatNumber, formatPercent, type ColumnSpec, type Lang, type Row } from '../output/index.js';
import type { MigrationReport, SummaryReport } from '../segment/report.js';
import type { RfmOverview } from '../segment/rfm-report.js';
import {
  MEASURE_NAMES, RFM_SUMMARY_COLUMNS, SUMMARY_VALUE_COLUMNS, TYPE_NAMES, concentrationText, ladderText, periodLines, segName, tierName,
} from '../segment/labels.js';
import { RFM_SEGMENTS, segmentRule } from '../segment/rfm.js';
import { UNASSIGNED, metricName, type RmReport } from '../rm/report.js';
import { noteZh, rmRowZh, warningZh } from '../rm/render.js';
import type { CustomerType } from '../types.js';
import type { HtmlReport, HtmlSection, HtmlTable } from './html.js';
import { attainmentChart, barPanels, heatMap, lorenzChart, rfmMap, stackedBars, textWidth } from './svg.js';

export interface ReportData {
  lang: Lang;
  summary: SummaryReport;
  /** AUM ADB (fen) of every customer of each type in the tier population (Lorenz curves). */
  aumByType: Map<CustomerType, ArrayLike<number>>;
  /** Null when no compare date: `migrationNote` says why. */
  migration: MigrationReport | null;
  migrationNote: string | null;
  rfm: RfmOverview;
  rm: RmReport;
  /** e.g. "crm 0.1.0, database demo.db". */
  source: string;
  /** Sections after the RM league table (the call list and coverage: src/report/watch-sections.ts). */
  extra?: HtmlSection[];
}

const T = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

/** Tier summary columns shown in the page (the CSV's, without the per-channel transaction counts). */
export const PAGE_SUMMARY_COLUMNS: ColumnSpec[] = SUMMARY_VALUE_COLUMNS.filter((c) => !c.key.startsWith('txn_'));

/** RM league table columns (a subset of the rm-report CSV's, all present ones in that order). */
const RM_PAGE_KEYS = ['rm_id', 'name', 'branch', 'customers', 'new_customers', 'deposit_adb', 'aum_adb', 'loan_adb', 'npl_ratio', 'fee_income', 'contribution', 'base_pay', 'variable_pay', 'total_pay'];

function tiersSection(d: ReportData): HtmlSection {
  const { lang, summary } = d;
  const charts: HtmlSection['charts'] = [];
  const tables: HtmlTable[] = [];
  const lines = periodLines(summary.period, lang);
  const groups = summary.sections.flatMap((s) => s.groups.map((g) => ({ s, g }))).filter(({ g }) => g.total.customers > 0);
  // The ladders' charts sit side by side: one scale per measure for all of them, so equal bars mean equal values.
  const maxCustomers = Math.max(0, ...groups.flatMap(({ g }) => g.rows.map((r) => r.customers)));
  const maxAum = Math.max(0, ...groups.flatMap(({ g }) => g.rows.map((r) => r.aum_adb)));
  const money = PAGE_SUMMARY_COLUMNS.find((c) => c.key === 'aum_adb')!;
  const valueWidth = (texts: string[]): number => Math.max(0, ...texts.map((t) => textWidth(t, 11))) + 8;
  const customersW = valueWidth(groups.flatMap(({ g }) => g.rows.map((r) => formatInt(r.customers))));
  const aumW = valueWidth(groups.flatMap(({ g }) => g.rows.map((r) => formatCell(money, r.aum_adb))));
  if (groups.length > 1) lines.push(T(lang, 'The charts share one scale per measure: equal bars are equal values across customer types.', '各图同一指标使用相同刻度：不同客户类型之间，长度相同即数值相同。'));
  for (const s of summary.sections) for (const g of s.groups) {
    const head = `${TYPE_NAMES[s.customer_type][lang]} — ${ladderText(s.ladder, lang)}`;
    if (g.total.customers === 0) {
      lines.push(emptySectionLine(head, lang));
      continue;
    }
    charts.push({
      caption: head,
      svg: barPanels({
        label: `${head}: ${T(lang, 'customers and AUM ADB per tier', '各层级客户数与 AUM 日均')}`,
        panels: [
          { title: T(lang, 'Customers', '客户数'), max: maxCustomers, valueWidth: customersW, bars: g.rows.map((r) => ({ label: tierName(s.ladder, r.tier, lang), value: r.customers, text: formatInt(r.customers) })) },
          { title: T(lang, 'AUM ADB (CNY)', 'AUM 日均（元）'), max: maxAum, valueWidth: aumW, bars: g.rows.map((r) => ({ label: tierName(s.ladder, r.tier, lang), value: r.aum_adb, text: formatCell(money, r.aum_adb) })) },
        ],
      }),
    });
    const row = (r: typeof g.total): Row => {
      const x: Row = { customer_type: s.customer_type, tier: r.tier, tier_name: tierName(s.ladder, r.tier, lang) };
      for (const c of PAGE_SUMMARY_COLUMNS) x[c.key] = (r as unknown as Record<string, number | null>)[c.key] ?? null;
      return x;
    };
    const total = row(g.total);
    delete total.tier_name;
    tables.push({
      name: 'segment', caption: head, idKeys: ['customer_type', 'tier'],
      columns: [{ key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' }, ...PAGE_SUMMARY_COLUMNS],
      rows: g.rows.map(row),
      totals: total,
    });
  }
  return {
    id: 'tiers', title: T(lang, 'Customer tiers', '客户分层'), lines, charts, tables,
  };
}

function concentrationSection(d: ReportData): HtmlSection {
  const { lang, summary } = d;
  const present = summary.sections.filter((s) => (d.aumByType.get(s.customer_type)?.length ?? 0) > 0);
  const series = present.map((s) => {
    const c = s.groups[0]?.concentration.find((x) => x.measure === 'aum_adb');
    const note = c?.gini === null || c?.gini === undefined ? T(lang, 'Gini not defined', '基尼系数无定义') : `${T(lang, 'Gini', '基尼系数')} ${formatNumber(c.gini, 4)}`;
    return { label: TYPE_NAMES[s.customer_type][lang], values: Float64Array.from(d.aumByType.get(s.customer_type) ?? [], (v) => Math.max(0, v)), note };
  });
  const lines = summary.sections.flatMap((s) => (present.includes(s)
    ? (s.groups[0]?.concentration ?? []).map((c) => `${TYPE_NAMES[s.customer_type][lang]}${T(lang, ': ', '：')}${concentrationText(c, lang)}`)
    : [emptySectionLine(TYPE_NAMES[s.customer_type][lang], lang)]));
  return {
    id: 'concentration',
    title: T(lang, 'Concentration: Lorenz curve and Gini', '集中度：洛伦兹曲线与基尼系数'),
    lines,
    charts: [{
      caption: T(lang, `Lorenz curve of ${MEASURE_NAMES.aum_adb.en}`, `${MEASURE_NAMES.aum_adb.zh}洛伦兹曲线`),
      svg: lorenzChart({
        label: T(lang, 'Lorenz curve of AUM ADB', 'AUM 日均洛伦兹曲线'),
        series,
        xTitle: T(lang, 'share of customers (smallest first)', '客户累计占比（由小到大）'),
        yTitle: T(lang, 'share of AUM ADB', 'AUM 日均累计占比'),
        equality: T(lang, 'perfect equality', '绝对平均线'),
      }),
    }],
  };
}

function migrationSection(d: ReportData): HtmlSection {
  const { lang } = d;
  const title = T(lang, 'Tier migration', '客户分层迁移');
  const m = d.migration;
  if (!m) return { id: 'migration', title, notes: [d.migrationNote ?? ''] };
  const d1 = m.before.as_of;
  const d2 = m.after.as_of;
  const lines = [
    T(lang, `Customers by tier at ${d1} (rows) and at ${d2} (columns); the diagonal (outlined) did not move. New: no balance or transaction in the first window; gone: none in the second.`,
      `行：${d1} 的层级；列：${d2} 的层级；对角线（加框）为层级不变。新增：第一个统计期内无余额也无交易；流失：第二个统计期内无余额也无交易。`),
  ];
  for (const s of m.sections) if (s.result.customers === 0) lines.push(emptySectionLine(`${TYPE_NAMES[s.customer_type][lang]} — ${ladderText(s.ladder, lang)}`, lang));
  const charts = m.sections.filter((s) => s.result.customers > 0).map((s) => {
    const r = s.result;
    const head = `${TYPE_NAMES[s.customer_type][lang]} — ${ladderText(s.ladder, lang)}`;
    const summary = T(lang,
      `upgrades ${formatInt(r.upgrades)}, downgrades ${formatInt(r.downgrades)}, unchanged ${formatInt(r.unchanged)}; new ${formatInt(r.new_customers)}, gone ${formatInt(r.gone_customers)}`,
      `升级 ${formatInt(r.upgrades)}，降级 ${formatInt(r.downgrades)}，不变 ${formatInt(r.unchanged)}；新增 ${formatInt(r.new_customers)}，流失 ${formatInt(r.gone_customers)}`);
    return {
      caption: `${head}${T(lang, ` (${summary})`, `（${summary}）`)}`,
      svg: heatMap({
        label: `${head}: ${T(lang, 'tier migration', '层级迁移')} ${d1} → ${d2}`,
        rowLabels: r.rows.map((c) => tierName(s.ladder, c, lang)),
        colLabels: r.columns.map((c) => tierName(s.ladder, c, lang)),
        values: r.counts,
        texts: r.counts.map((row) => row.map((v) => formatInt(v))),
        rowTitle: T(lang, `from ${d1}`, `自 ${d1}`),
        colTitle: T(lang, `to ${d2}`, `至 ${d2}`),
        diagonal: true,
      }),
    };
  });
  return { id: 'migration', title: `${title}${T(lang, ': ', '：')}${d1} → ${d2}`, lines, charts };
}

function rfmSection(d: ReportData): HtmlSection {
  const { lang, rfm } = d;
  const sections = rfm.sections.filter((s) => s.segments.some((g) => g.customers > 0));
  const empty = rfm.sections.filter((s) => !sections.includes(s)).map((s) => emptySectionLine(TYPE_NAMES[s.customer_type][lang], lang));
  const charts = sections.map((s) => ({
    caption: TYPE_NAMES[s.customer_type][lang],
    svg: rfmMap({
      label: `${TYPE_NAMES[s.customer_type][lang]}: ${T(lang, 'RFM segment map', 'RFM 客户分群图')}`,
      // Each cell: its customers, and the segment most of them are in (the first in RFM_SEGMENTS' order on a tie).
      cells: s.grid.map((row) => row.map((bySegment) => {
        let best: string | null = null;
        let n = 0;
        bySegment.forEach((v, g) => {
          if (v > n) { best = RFM_SEGMENTS[g]!.code; n = v; }
        });
        return { count: bySegment.reduce((a, b) => a + b, 0), segment: best };
      })),
      segments: s.segments.map((g) => ({ code: g.segment, label: segName(g.segment, lang), customers: g.customers })),
      xTitle: T(lang, 'R score (5 = most recent)', 'R 分（5 = 最近）'),
      yTitle: T(lang, 'F score (5 = most frequent)', 'F 分（5 = 最频繁）'),
    }),
  }));
  const cols = RFM_SUMMARY_COLUMNS.filter((c) => c.key !== 'customer_type' && c.key !== 'segment');
  const tables: HtmlTable[] = sections.map((s) => ({
    name: 'rfm', caption: TYPE_NAMES[s.customer_type][lang], idKeys: ['customer_type', 'segment'], columns: cols,
    rows: s.segments.map((g): Row => ({
      customer_type: s.customer_type, segment: g.segment, segment_name: segName(g.segment, lang),
      rule: segmentRule(g.segment, lang), customers: g.customers, customer_share: g.customer_share,
      avg_recency_days: g.avg_recency_days, avg_frequency: g.avg_frequency, monetary: g.monetary_fen, monetary_avg: g.monetary_avg_fen,
    })),
  }));
  return {
    id: 'rfm',
    title: T(lang, 'RFM segments', 'RFM 客户分群'),
    lines: [
      T(lang, `Transactions ${rfm.window.from} to ${rfm.window.to} (${rfm.window.days} days)${rfm.data.count ? `: ${formatInt(rfm.data.count)}, ${rfm.data.first} to ${rfm.data.last}` : ': none'}. Each cell: customers with that R and F score, coloured by the segment most of them are in; customers without a transaction (inactive) have no cell.`,
        `交易 ${rfm.window.from} 至 ${rfm.window.to}（${rfm.window.days} 天）${rfm.data.count ? `：${formatInt(rfm.data.count)} 笔，${rfm.data.first} 至 ${rfm.data.last}` : '：无'}。每格为该 R、F 分的客户数，颜色为其中多数客户所属分群；无交易客户（无交易）不在图中。`),
      ...empty,
    ],
    charts,
    tables,
  };
}

function rmSection(d: ReportData): HtmlSection {
  const { lang, rm } = d;
  const zh = lang === 'zh';
  const cols = RM_PAGE_KEYS.map((k) => rm.columns.find((c) => c.key === k)).filter((c): c is ColumnSpec => c !== undefined);
  const people = rm.rows.filter((r) => r.rm_id !== UNASSIGNED);
  const label = (r: Row): string => `${r.rm_id} ${r.name ?? ''}`.trim();
  const charts: HtmlSection['charts'] = [];
  const notes: string[] = [];
  if (rm.plan) {
    const attCols = rm.columns.filter((c) => c.key.startsWith('attainment_'));
    charts.push({
      caption: T(lang, 'KPI attainment (actual ÷ target; dashed line = 100%; bars drawn from 0% to 150%, a value outside that range is clipped and its bar ends in an arrow)',
        'KPI 达成率（实际 ÷ 目标；虚线 = 100%；条形画在 0% 至 150% 之间，超出范围的值截断并以箭头标出）'),
      svg: attainmentChart({
        label: T(lang, 'KPI attainment per RM', '客户经理 KPI 达成率'),
        kpis: attCols.map((c) => metricName(c.key.slice(11), lang)),
        rows: people.map((r) => ({
          label: label(r),
          values: attCols.map((c) => (typeof r[c.key] === 'number' ? (r[c.key] as number) : null)),
          texts: attCols.map((c) => (typeof r[c.key] === 'number' ? formatPercent(r[c.key] as number, 2) : '-')),
        })),
      }),
    });
    charts.push({
      caption: T(lang, 'Incentive pay (CNY): base + variable = total', '绩效薪酬（元）：基本工资 + 绩效薪酬 = 应发合计'),
      svg: stackedBars({
        label: T(lang, 'Pay per RM', '客户经理薪酬'),
        parts: [T(lang, 'Base pay', '基本工资'), T(lang, 'Variable pay', '绩效薪酬')],
        rows: people.filter((r) => typeof r.total_pay === 'number').map((r) => ({
          label: label(r), values: [r.base_pay as number, r.variable_pay as number], text: formatMoney(r.total_pay as number),
        })),
      }),
    });
  } else {
    notes.push(T(lang, 'No --plan given: no KPI attainment and no pay. Run crm report with --plan FILE to add them.', '未指定 --plan：不含 KPI 达成率与薪酬。加上 --plan FILE 即可。'));
    charts.push({
      caption: T(lang, 'Deposit ADB per RM (CNY)', '客户经理存款日均（元）'),
      svg: barPanels({
        label: T(lang, 'Deposit ADB per RM', '客户经理存款日均'),
        panels: [{ title: T(lang, 'Deposit ADB', '存款日均'), bars: people.map((r) => ({ label: label(r), value: r.deposit_adb as number, text: formatMoney(r.deposit_adb as number) })) }],
        panelWidth: 520,
      }),
    });
  }
  const name = rm.period.name ?? `${rm.period.from} ${T(lang, 'to', '至')} ${rm.period.to}`;
  return {
    id: 'rm',
    title: T(lang, `RM league table: ${name}`, `客户经理排名：${name}`),
    lines: [...rm.notes.map((n) => (zh ? noteZh(n) : n)), T(lang, `Sorted by ${metricName(rm.sort, lang)}, high to low; money in CNY; ADB = average daily balance credited by days owned.`, `按${metricName(rm.sort, lang)}由高到低排序；金额单位：元；日均 = 按归属天数计入的日均余额。`)],
    notes: [...notes, ...rm.warnings.map((w) => `${T(lang, 'warning', '警告')}${T(lang, ': ', '：')}${zh ? warningZh(w) : w}`)],
    charts,
    tables: [{ name: 'rm', idKeys: ['rm_id'], columns: cols, rows: rm.rows, display: zh ? rm.rows.map(rmRowZh) : undefined, totals: { ...rm.total, rm_id: zh ? String(rm.total.rm_id).replace(/^Total/, '合计') : rm.total.rm_id } }],
  };
}

export function composeReport(d: ReportData): HtmlReport {
  const { lang, summary } = d;
  return {
    lang,
    title: T(lang, `Branch report as of ${summary.period.as_of}`, `网点经营报告 · ${summary.period.as_of}`),
    meta: [
      T(lang, `Customer tiers over ${summary.period.window.from} to ${summary.period.window.to} (${summary.period.window.days} days); RM performance ${d.rm.window.from} to ${d.rm.window.to}.`,
        `客户分层统计期 ${summary.period.window.from} 至 ${summary.period.window.to}（${summary.period.window.days} 天）；客户经理考核 ${d.rm.window.from} 至 ${d.rm.window.to}。`),
      T(lang, 'Numbers equal those of crm segment and crm rm-report --format csv (money in CNY, rounded once to the fen).', '数字与 crm segment、crm rm-report --format csv 输出一致（金额单位元，只在显示时四舍五入到分）。'),
    ],
    sections: [tiersSection(d), concentrationSection(d), migrationSection(d), rfmSection(d), rmSection(d), ...(d.extra ?? [])],
    footer: `${d.source}${T(lang, '. ', '。')}${T(lang, 'Self-contained page: no network, scripts or external fonts.', '独立页面：无网络请求、无脚本、无外部字体。')}`,
  };
}
