/** Shared domain vocabulary (see ../shared/spec/data-contract.md and metrics.md). */

export type RmType = 'corporate' | 'personal';
export type CustomerType = 'personal' | 'corporate';
export type ProductType =
  | 'demand_deposit' | 'time_deposit' | 'wealth' | 'fund' | 'insurance' | 'bond' | 'loan' | 'credit_card';
export type LoanClass = 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';
export type Channel = 'counter' | 'self_service' | 'e_banking';

export const PRODUCT_TYPES: readonly ProductType[] = [
  'demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'bond', 'loan', 'credit_card',
];
export const CHANNELS: readonly Channel[] = ['counter', 'self_service', 'e_banking'];
export const LOAN_CLASSES: readonly LoanClass[] = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];
/** The five-category loan classes (五级分类) as a Chinese report names them. */
export const LOAN_CLASS_ZH: Record<LoanClass, string> = { normal: '正常', special_mention: '关注', substandard: '次级', doubtful: '可疑', loss: '损失' };
export const DEPOSIT_PRODUCTS: ProductType[] = ['demand_deposit', 'time_deposit'];
export const AUM_PRODUCTS: ProductType[] = ['demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'bond'];
export const LOAN_PRODUCTS: ProductType[] = ['loan', 'credit_card'];
const isIn = (list: readonly ProductType[]) => { const s = new Set<string>(list); return (p: string) => s.has(p); };
export const isDeposit = isIn(DEPOSIT_PRODUCTS);
export const isAum = isIn(AUM_PRODUCTS);
export const isLoan = isIn(LOAN_PRODUCTS);
/**
 * txn_type values of bank-generated postings (interest, fees, charges): not customer activity.
 * RFM, dormancy and the watch signals count only the other, customer-initiated, transactions;
 * fee income still counts every fee. Compared trimmed and case-insensitively; a source's own codes
 * are mapped onto these words in its mapping file (`values: txn_type:`), which
 * is where the rule is configured. Changing this list needs a re-import (the roll-ups keep the split).
 */
export const BANK_TXN_TYPES: readonly string[] = ['interest', 'fee', 'charge', '利息', '结息', '手续费', '费用'];
const BANK_TXN_SET = new Set(BANK_TXN_TYPES);
export const isBankGenerated = (txnType: string | null): boolean => txnType !== null && BANK_TXN_SET.has(txnType.trim().toLowerCase());
export const NPL_CLASSES: LoanClass[] = ['substandard', 'doubtful', 'loss'];

/**
 * Metric names an RM report provides (metrics.md, "Relationship-manager credit").
 * Money metrics are in fen (may be fractional for ADB-derived values: rounding happens once, at display).
 * Targets in targets.csv for money metrics are in CNY (yuan); counts are plain numbers;
 * npl_ratio is a fraction (0.012 = 1.2%).
 */
export const RM_METRICS = [
  'deposit_adb', 'deposit_adb_growth', 'aum_adb', 'loan_adb', 'fee_income', 'customers', 'new_customers',
  'loan_balance', 'npl_balance', 'npl_ratio', 'contribution',
] as const;
export type RmMetric = (typeof RM_METRICS)[number];
export const MONEY_METRICS: ReadonlySet<string> = new Set([
  'deposit_adb', 'deposit_adb_growth', 'aum_adb', 'loan_adb', 'fee_income', 'loan_balance', 'npl_balance', 'contribution',
]);

/** The RM metrics' names for people (reports, statements, rule texts), Chinese and plain English. */
export const METRIC_NAMES: Record<string, { en: string; zh: string }> = {
  customers: { en: 'Customers', zh: '客户数' },
  new_customers: { en: 'New customers', zh: '新增客户' },
  deposit_adb: { en: 'Deposit ADB', zh: '存款日均' },
  deposit_adb_growth: { en: 'Deposit ADB growth', zh: '存款日均增量' },
  aum_adb: { en: 'AUM ADB', zh: '金融资产日均' },
  loan_adb: { en: 'Loan ADB', zh: '贷款日均' },
  loan_balance: { en: 'Loan balance', zh: '贷款余额' },
  npl_balance: { en: 'NPL balance', zh: '不良贷款余额' },
  npl_ratio: { en: 'NPL ratio', zh: '不良率' },
  fee_income: { en: 'Fee income', zh: '中间业务收入' },
  contribution: { en: 'Contribution', zh: '贡献度' },
  base_pay: { en: 'Base pay', zh: '基本工资' },
  variable_pay: { en: 'Variable pay', zh: '绩效薪酬' },
  total_pay: { en: 'Total pay', zh: '应发合计' },
};

/** Customer and RM types as a table cell names them: personal 个人, corporate 对公 (an unknown value as written). */
export function typeShort(type: string, lang: 'en' | 'zh'): string {
  return lang === 'zh' ? TYPE_ZH[type] ?? type : type;
}
const TYPE_ZH: Record<string, string> = { personal: '个人', corporate: '对公' };

/** A metric's name for people; an unknown key (a plan's own event, say) as written. */
export function metricName(key: string, lang: 'en' | 'zh'): string {
  return METRIC_NAMES[key]?.[lang] ?? key;
}
