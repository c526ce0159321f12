/** Names of the watch signals in reports (table, HTML), English and Chinese. */
import type { ColumnSpec } from '../output/index.js';
import type { Signal } from './rules.js';

export const SIGNAL_NAMES: Record<Signal, { en: string; zh: string }> = {
  attrition: { en: 'Attrition', zh: '资金流失预警' },
  upgrade: { en: 'Upgrade', zh: '潜力升级' },
  downgrade: { en: 'Downgrade', zh: '降级预警' },
  dormant_valuable: { en: 'Dormant valuable', zh: '沉睡价值客户' },
  unassigned: { en: 'Unassigned', zh: '无人维护' },
  loan_downgrade: { en: 'Loan downgrade', zh: '贷款分类下迁' },
};

/** Names of the figures a signal measures (the `measure` codes of the CSV and JSON), for tables and pages. */
export const WATCH_MEASURE_NAMES: Record<string, { en: string; zh: string }> = {
  aum_adb_cny: { en: 'AUM ADB (CNY)', zh: 'AUM日均（元）' },
  deposit_adb_cny: { en: 'Deposit ADB (CNY)', zh: '存款日均（元）' },
  contribution_cny: { en: 'Contribution (CNY)', zh: '贡献（元）' },
  aum_adb_drop_pct: { en: 'AUM ADB drop (%)', zh: 'AUM日均降幅（%）' },
  net_outflow_cny: { en: 'Net outflow (CNY)', zh: '资金净流出（元）' },
  loan_balance_cny: { en: 'Loan balance (CNY)', zh: '贷款余额（元）' },
};

export const watchMeasureName = (code: string, lang: 'en' | 'zh'): string => WATCH_MEASURE_NAMES[code]?.[lang] ?? code;


/** The coverage report's RM columns (crm coverage, the HTML report's coverage section). */
export const COVERAGE_COLUMNS: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '姓名', kind: 'text', priority: 3 },
  { key: 'rm_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 2 },
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text', priority: 4 },
  { key: 'customers', header: 'Customers', headerZh: '客户数', kind: 'int' },
  { key: 'valuable', header: 'Valuable', headerZh: '价值客户', kind: 'int' },
  { key: 'aum_adb', header: 'AUM ADB', headerZh: 'AUM日均', kind: 'money', priority: 5 },
  { key: 'valuable_aum_adb', header: 'Valuable AUM ADB', headerZh: '价值客户AUM日均', kind: 'money', priority: 4 },
  { key: 'capacity_valuable', header: 'Cap. valuable', headerZh: '价值客户容量', kind: 'int', priority: 3 },
  { key: 'capacity_customers', header: 'Cap. all', headerZh: '客户容量', kind: 'int', priority: 3 },
  { key: 'load', header: 'Load', headerZh: '负荷', kind: 'percent' },
];

/** The channels report's tier-month columns (crm channels, the HTML report's channels section). */
export const CHANNEL_COLUMNS: ColumnSpec[] = [
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text' },
  { key: 'tier', header: 'Tier code', kind: 'text' },
  { key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' },
  { key: 'month', header: 'Month', headerZh: '月份', kind: 'text' },
  { key: 'customers', header: 'Customers', headerZh: '客户数', kind: 'int', priority: 3 },
  { key: 'active', header: 'Using channels', headerZh: '渠道交易客户', kind: 'int', priority: 2 },
  { key: 'counter', header: 'Counter', headerZh: '柜面', kind: 'int' },
  { key: 'self_service', header: 'Self-service', headerZh: '自助', kind: 'int' },
  { key: 'e_banking', header: 'E-banking', headerZh: '电子银行', kind: 'int' },
  { key: 'e_banking_share', header: 'E-banking share', headerZh: '电子银行占比', kind: 'percent' },
  { key: 'channel_cost', header: 'Channel cost', headerZh: '渠道成本', kind: 'money', priority: 4 },
  { key: 'cost_per_customer', header: 'Cost/customer', headerZh: '户均渠道成本', kind: 'money' },
];

/** The counter → e-banking moves per tier. */
export const MOVE_COLUMNS: ColumnSpec[] = [
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text' },
  { key: 'tier', header: 'Tier code', kind: 'text' },
  { key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' },
  { key: 'moved', header: 'Customers moved', headerZh: '迁移客户数', kind: 'int' },
  { key: 'transactions', header: 'Their txns (last month)', headerZh: '末月交易笔数', kind: 'int' },
  { key: 'saved', header: 'Cost saved', headerZh: '节约成本', kind: 'money' },
];
