import { expect, test } from 'vitest';
import type { ColumnSpec } from '../../src/output/columns.js';
import { renderJson } from '../../src/output/json.js';

const cols: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', kind: 'text' },
  { key: 'deposit_adb', header: 'Deposit', kind: 'money' },
  { key: 'npl_ratio', header: 'NPL', kind: 'percent' },
  { key: 'customers', header: 'Customers', kind: 'int' },
];

test('renderJson: meta first, money in yuan rounded half away from zero, percent as fraction', () => {
  const out = renderJson(
    cols,
    [
      { rm_id: 'R001', deposit_adb: 12345.5, npl_ratio: 0.0125, customers: 3, extra: 'ignored' },
      { rm_id: '张三', deposit_adb: -100.5, npl_ratio: null, customers: null },
    ],
    { report: 'rm', period: '2024-06', rows: 'overridden' },
  );
  expect(out).toBe(`{
  "report": "rm",
  "period": "2024-06",
  "rows": [
    {
      "rm_id": "R001",
      "deposit_adb": 123.46,
      "npl_ratio": 0.0125,
      "customers": 3
    },
    {
      "rm_id": "张三",
      "deposit_adb": -1.01,
      "npl_ratio": null,
      "customers": null
    }
  ]
}
`);
});

test('renderJson without meta; non-finite becomes null', () => {
  const parsed = JSON.parse(renderJson(cols.slice(0, 2), [{ rm_id: 'R', deposit_adb: NaN }]));
  expect(parsed).toEqual({ rows: [{ rm_id: 'R', deposit_adb: null }] });
});
