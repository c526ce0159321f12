/**
 * Labels and column specs of the segment report, shared by `crm segment` (src/cli/segment.ts)
 * and the HTML page (src/report/compose.ts) so that both name tiers, segments and columns alike.
 */
import { formatInt, formatMoney, formatNumber, formatPercent, type ColumnSpec, type Lang } from '../output/index.js';
import type { CustomerType } from '../types.js';
import type { ConcentrationOf, Period } from './report.js';
import { RFM_SEGMENTS } from './rfm.js';
import type { Ladder, TierMeasure } from './tiers.js';

export const TYPE_NAMES: Record<CustomerType, { en: string; zh: string }> = {
  personal: { en: 'Personal customers', zh: '个人客户' },
  corporate: { en: 'Corporate customers', zh: '对公客户' },
};
export const MEASURE_NAMES: Record<TierMeasure, { en: string; zh: string }> = {
  aum_adb: { en: 'AUM ADB', zh: 'AUM日均' },
  deposit_adb: { en: 'deposit ADB', zh: '存款日均' },
  contribution: { en: 'contribution', zh: '贡献' },
};

export function tierName(ladder: Ladder, code: string, lang: Lang): string {
  if (code === 'total') return lang === 'zh' ? '合计' : 'Total';
  if (code === 'new') return lang === 'zh' ? '新增' : 'new';
  if (code === 'gone') return lang === 'zh' ? '流失' : 'gone';
  const t = ladder.tiers.find((d) => d.code === code);
  return t ? (lang === 'zh' ? t.name_zh : t.name_en) : code;
}

export function ladderText(ladder: Ladder, lang: Lang): string {
  const m = MEASURE_NAMES[ladder.measure][lang];
  if (lang === 'zh') return `按${m}分层（${ladder.method === 'thresholds' ? '阈值' : '分位'}）`;
  return `tiers by ${m} (${ladder.method})`;
}

export function periodLines(p: Period, lang: Lang, dormant = true): string[] {
  const w = p.window;
  const zh = lang === 'zh';
  const lines: string[] = [];
  lines.push(zh ? `统计期：${w.from} 至 ${w.to}（${w.days} 天），数据日期 ${p.as_of}。` : `Period: ${w.from} to ${w.to} (${w.days} days), as of ${p.as_of}.`);
  if (w.clipped) {
    const requested = (Date.parse(w.requestedTo) - Date.parse(w.requestedFrom)) / 86400000 + 1;
    lines.push(zh
      ? `统计期已截取：请求 ${w.requestedFrom} 至 ${w.requestedTo}（${requested} 天），但数据仅覆盖 ${w.coverage.first} 至 ${w.coverage.last}。`
      : `Window clipped: requested ${w.requestedFrom} to ${w.requestedTo} (${requested} days), but the data covers ${w.coverage.first} to ${w.coverage.last}.`);
  }
  const s = p.data.snapshots;
  const t = p.data.transactions;
  if (zh) {
    lines.push(`使用数据：${s.count ? `${formatInt(s.count)} 个快照日 ${s.first} 至 ${s.last}` : '统计期内无快照（余额按前值延续或取自交易）'}；${t.count ? `${formatInt(t.count)} 笔交易 ${t.first} 至 ${t.last}` : '无交易'}。`);
    if (dormant) lines.push(`睡眠户：${p.activity_window.from} 至 ${p.activity_window.to} 无客户主动交易且 AUM 日均低于 ${formatMoney(p.dormant_floor_fen)} 元。`);
  } else {
    lines.push(`Data used: ${s.count ? `${formatInt(s.count)} snapshot date(s) ${s.first} to ${s.last}` : 'no snapshot in the window (balances carried forward or from transactions)'}; ${t.count ? `${formatInt(t.count)} transaction(s) ${t.first} to ${t.last}` : 'no transactions'}.`);
    if (dormant) lines.push(`Dormant: no customer-initiated transaction ${p.activity_window.from} to ${p.activity_window.to} and AUM ADB below ${formatMoney(p.dormant_floor_fen)} CNY.`);
  }
  return lines;
}

export function concentrationText(c: ConcentrationOf, lang: Lang): string {
  const m = MEASURE_NAMES[c.measure][lang];
  if (c.pareto === null || c.gini === null) {
    const why = c.undefined_reason === 'negative_values' ? 'some values are negative' : c.undefined_reason === 'zero_total' ? 'the total is 0' : 'no customers';
    const whyZh = c.undefined_reason === 'negative_values' ? '存在负值' : c.undefined_reason === 'zero_total' ? '合计为 0' : '无客户';
    return lang === 'zh' ? `${m}：帕累托 -、基尼 -（无定义：${whyZh}）` : `${m}: Pareto - and Gini - (not defined: ${why})`;
  }
  return lang === 'zh'
    ? `${m}：前 20%（${formatInt(c.top_n)}/${formatInt(c.n)} 户）占 ${formatPercent(c.pareto)}；基尼系数 ${formatNumber(c.gini, 4)}`
    : `${m}: the top 20% (${formatInt(c.top_n)} of ${formatInt(c.n)} customers) hold ${formatPercent(c.pareto)} (Pareto); Gini ${formatNumber(c.gini, 4)}`;
}

export const SUMMARY_VALUE_COLUMNS: ColumnSpec[] = [
  { key: 'customers', header: 'Customers', headerZh: '客户数', kind: 'int' },
  { key: 'customer_share', header: 'Share', headerZh: '户数占比', kind: 'percent', priority: 3 },
  { key: 'aum_adb', header: 'AUM ADB', headerZh: 'AUM日均', kind: 'money' },
  { key: 'aum_share', header: 'AUM share', headerZh: 'AUM占比', kind: 'percent', priority: 4 },
  { key: 'aum_avg', header: 'AUM avg', headerZh: '户均AUM', kind: 'money', priority: 2 },
  { key: 'deposit_adb', header: 'Deposit ADB', headerZh: '存款日均', kind: 'money', priority: 5 },
  { key: 'loan_adb', header: 'Loan ADB', headerZh: '贷款日均', kind: 'money', priority: 5 },
  { key: 'contribution', header: 'Contribution', headerZh: '贡献', kind: 'money' },
  { key: 'contribution_share', header: 'Contr. share', headerZh: '贡献占比', kind: 'percent', priority: 4 },
  { key: 'contribution_avg', header: 'Contr. avg', headerZh: '户均贡献', kind: 'money', priority: 2 },
  { key: 'fee_income', header: 'Fee income', headerZh: '中间业务收入', kind: 'money', priority: 6 },
  { key: 'txn_counter', header: 'Counter txns', headerZh: '柜面笔数', kind: 'int', priority: 1 },
  { key: 'txn_self_service', header: 'Self-service txns', headerZh: '自助笔数', kind: 'int', priority: 1 },
  { key: 'txn_e_banking', header: 'E-banking txns', headerZh: '电子银行笔数', kind: 'int', priority: 1 },
  { key: 'dormant', header: 'Dormant', headerZh: '睡眠户', kind: 'int', priority: 3 },
];

export const RFM_SUMMARY_COLUMNS: ColumnSpec[] = [
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text' },
  { key: 'segment', header: 'Segment code', headerZh: '分群代码', kind: 'text', priority: 1 },
  { key: 'segment_name', header: 'Segment', headerZh: '分群', kind: 'text' },
  { key: 'rule', header: 'Rule', headerZh: '规则', kind: 'text', priority: 2 },
  { key: 'customers', header: 'Customers', headerZh: '客户数', kind: 'int' },
  { key: 'customer_share', header: 'Share', headerZh: '占比', kind: 'percent' },
  { key: 'avg_recency_days', header: 'Avg R (days)', headerZh: '平均R（天）', kind: 'number', priority: 3 },
  { key: 'avg_frequency', header: 'Avg F', headerZh: '平均F', kind: 'number', priority: 3 },
  { key: 'monetary', header: 'M total', headerZh: 'M合计', kind: 'money', priority: 4 },
  { key: 'monetary_avg', header: 'M avg', headerZh: '户均M', kind: 'money', priority: 4 },
];

export function segName(code: string, lang: Lang): string {
  const s = RFM_SEGMENTS.find((x) => x.code === code);
  return s ? (lang === 'zh' ? s.name_zh : s.name_en) : code;
}
