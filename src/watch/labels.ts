/** Names of the watch signals in reports (table, HTML), English and Chinese. */
import type { Signal } from './rules.js';

export const SIGNAL_NAMES: Record<Signal, { en: string; zh: string }> = {
  attrition: { en: 'Attrition', zh: '资金流失预警' },
  upgrade: { en: 'Upgrade', zh: '潜力升级' },
  downgrade: { en: 'Downgrade', zh: '降级预警' },
  dormant_valuable: { en: 'Dormant valuable', zh: '沉睡价值客户' },
  unassigned: { en: 'Unassigned', zh: '无人维护' },
  loan_downgrade: { en: 'Loan downgrade', zh: '贷款分类下迁' },
};
