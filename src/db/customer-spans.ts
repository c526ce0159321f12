/**
 * customer_spans: per customer, the spans of its CNY accounts (accounts.bal_*) summed by
 * product type and, for loans, by the loan class of their last row. For every day x on or after
 * the customer's last balance row, an account's Σ balance × days up to x is linear in x
 * (bal_last_cum + bal_last_balance × (x − bal_last + 1)), and so is their sum: a_k + b_k × x.
 * A window [F, T] with F on or before the customer's first row and T on or after its last one
 * (the usual report over the data) then needs one row per customer, already grouped.
 */
import { LOAN_CLASSES, LOAN_PRODUCTS, PRODUCT_TYPES } from '../types.js';

const loans = LOAN_PRODUCTS.map((p) => `'${p}'`).join(', ');
const otherClasses = LOAN_CLASSES.filter((c) => c !== 'normal').map((c) => `'${c}'`).join(', ');

/** [column suffix, which accounts of the customer]: every product type, then every loan class (unknown or none: normal). */
export const CUSTOMER_SPAN_KEYS: [string, string][] = [
  ...PRODUCT_TYPES.map((p): [string, string] => [p, `product_type = '${p}'`]),
  ...LOAN_CLASSES.map((c): [string, string] => [`class_${c}`, `product_type IN (${loans}) AND ${c === 'normal' ? `coalesce(bal_last_class, 'normal') NOT IN (${otherClasses})` : `bal_last_class = '${c}'`}`]),
];

export const CUSTOMER_SPANS_TABLE = `CREATE TABLE customer_spans (
  customer_id TEXT PRIMARY KEY,
  bal_first   INTEGER NOT NULL,                   -- the first day of any of its CNY balance rows
  bal_last    INTEGER NOT NULL,                   -- the start of the latest of its accounts' last rows
  ${CUSTOMER_SPAN_KEYS.map(([k]) => `a_${k} INTEGER NOT NULL, b_${k} INTEGER NOT NULL`).join(',\n  ')}
) WITHOUT ROWID`;

/** SELECT of customer_spans rows from accounts; `where` narrows the accounts. */
function spansSelect(where: string): string {
  const sums = CUSTOMER_SPAN_KEYS.map(([, cond]) => `sum(CASE WHEN ${cond} THEN bal_last_cum + bal_last_balance * (1 - bal_last) ELSE 0 END),
      sum(CASE WHEN ${cond} THEN bal_last_balance ELSE 0 END)`).join(',\n      ');
  return `SELECT customer_id, min(bal_first), max(bal_last),
      ${sums}
    FROM accounts WHERE currency = 'CNY' AND bal_first IS NOT NULL ${where} GROUP BY customer_id`;
}

/** Rebuilds every row (migration, or an import that touched most accounts). */
export const CUSTOMER_SPANS_FILL = `INSERT INTO customer_spans ${spansSelect('')}`;

/**
 * Statements that refresh customer_spans: all rows, or those of the customers of the accounts
 * in JSON array :accounts plus the customers in JSON array :customers.
 */
export function CUSTOMER_SPANS_REFRESH(all: boolean): string[] {
  if (all) return ['DELETE FROM customer_spans', CUSTOMER_SPANS_FILL];
  const ids = `(SELECT customer_id FROM accounts WHERE account_id IN (SELECT value FROM json_each(:accounts))
      UNION SELECT value FROM json_each(:customers))`;
  return [
    `DELETE FROM customer_spans WHERE customer_id IN ${ids}`,
    `INSERT INTO customer_spans ${spansSelect(`AND customer_id IN ${ids}`)}`,
  ];
}
