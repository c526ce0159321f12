/**
 * `crm pay compare`: every RM's pay for a period under two plans (what-if), on the same data.
 */
import type { Db } from '../db/connection.js';
import type { IncentivePlan } from '../incentive/plan.js';
import type { Pricing } from '../metrics/pricing.js';
import type { ColumnSpec, Row } from '../output/index.js';
import type { Period } from './period.js';
import { buildRmReport } from './report.js';

export const COMPARE_COLUMNS: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '姓名', kind: 'text' },
  { key: 'rm_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 3 },
  { key: 'pay_a', header: 'Pay A', headerZh: '方案A薪酬', kind: 'money' },
  { key: 'pay_b', header: 'Pay B', headerZh: '方案B薪酬', kind: 'money' },
  { key: 'difference', header: 'B − A', headerZh: '差额(B−A)', kind: 'money' },
];

export interface Comparison {
  columns: ColumnSpec[];
  rows: Row[];
  total: Row;
  gain: number;
  lose: number;
  same: number;
  notes: { en: string; zh: string }[];
  warnings: string[];
}

const pct = (n: number, of: number) => `${of > 0 ? ((n * 100) / of).toFixed(1) : '0.0'}%`;

export function comparePlans(db: Db, period: Period, pricing: Pricing, a: IncentivePlan, b: IncentivePlan): Comparison {
  const ra = buildRmReport(db, { period, pricing, plan: a });
  const rb = buildRmReport(db, { period, pricing, plan: b });
  const rows: Row[] = [];
  for (const [id, pa] of [...ra.pay].sort(([x], [y]) => x.localeCompare(y))) {
    const info = ra.rms.get(id)!;
    const pb = rb.pay.get(id)!;
    rows.push({ rm_id: id, name: info.name, rm_type: info.rm_type, pay_a: pa.total_fen, pay_b: pb.total_fen, difference: pb.total_fen - pa.total_fen });
  }
  rows.sort((x, y) => (y.difference as number) - (x.difference as number) || String(x.rm_id).localeCompare(String(y.rm_id)));
  const sum = (k: string) => rows.reduce((s, r) => s + (r[k] as number), 0);
  const total: Row = { rm_id: 'Total', pay_a: sum('pay_a'), pay_b: sum('pay_b'), difference: sum('difference') };
  const gain = rows.filter((r) => (r.difference as number) > 0).length;
  const lose = rows.filter((r) => (r.difference as number) < 0).length;
  const same = rows.length - gain - lose;
  const n = rows.length;
  return {
    columns: COMPARE_COLUMNS, rows, total, gain, lose, same, warnings: [...new Set([...ra.warnings, ...rb.warnings])],
    notes: [
      { en: `A = ${a.file}, B = ${b.file}; total pay (base + variable) in CNY`, zh: `A = ${a.file}，B = ${b.file}；应发合计（基本工资 + 绩效薪酬），单位：元` },
      { en: `${gain} of ${n} RMs gain (${pct(gain, n)}), ${lose} lose (${pct(lose, n)}), ${same} unchanged (${pct(same, n)})`,
        zh: `${n} 名客户经理中 ${gain} 名增加（${pct(gain, n)}），${lose} 名减少（${pct(lose, n)}），${same} 名不变（${pct(same, n)}）` },
    ],
  };
}
