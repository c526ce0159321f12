/**
 * customer_spans: per customer, the spans of its CNY accounts (accounts.bal_*) summed by
 * product type and, for loans, by product and the loan class of their last row. For every day x on or after
 * the customer's last balance row, an account's Σ balance × days up to x is linear in x
 * (bal_last_cum + bal_last_balance × (x − bal_last + 1)), and so is their sum: a_k + b_k × x.
 * A window [F, T] with F on or before the customer's first row and T on or after its last one
 * (the usual report over the data) then needs one row per customer, already grouped.
 */
import { sqlList } from './sql.js';
import { LOAN_CLASSES, LOAN_PRODUCTS, PRODUCT_TYPES, type LoanClass, type ProductType } from '../types.js';

const otherClasses = sqlList(LOAN_CLASSES.filter((c) => c !== 'normal'));
const classIs = (c: string) => (c === 'normal' ? `coalesce(bal_last_class, 'normal') NOT IN (${otherClasses})` : `bal_last_class = '${c}'`);

/**
 * The column pairs a_<key>, b_<key>: every product type that is not a loan, then every loan
 * product × loan class of the account's last row (unknown or none: normal). `where`: which of
 * the customer's accounts.
 */
export const CUSTOMER_SPAN_KEYS: { key: string; product: ProductType; cls: LoanClass | null; where: string }[] = [
  ...PRODUCT_TYPES.filter((p) => !LOAN_PRODUCTS.includes(p)).map((p) => ({ key: p, product: p, cls: null, where: `product_type = '${p}'` })),
  ...LOAN_PRODUCTS.flatMap((p) => LOAN_CLASSES.map((c) => ({ key: `${p}__${c}`, product: p, cls: c, where: `product_type = '${p}' AND ${classIs(c)}` }))),
];

export const CUSTOMER_SPANS_TABLE = `CREATE TABLE customer_spans (
  customer_id TEXT PRIMARY KEY,
  bal_first   INTEGER NOT NULL,                   -- the first day of any of its CNY balance rows
  bal_last    INTEGER NOT NULL,                   -- the start of the latest of its accounts' last rows
  ${CUSTOMER_SPAN_KEYS.map(({ key }) => `a_${key} INTEGER NOT NULL, b_${key} INTEGER NOT NULL`).join(',\n  ')}
) WITHOUT ROWID`;

/** SELECT of customer_spans rows from accounts; `where` narrows the accounts. */
function spansSelect(where: string): string {
  // FILTER, not sum(CASE … ELSE 0 END): an account steps only the sums of its own key, not all 32
  // (1.4 against 1.8–2.1 s of CPU for 229k customers' 400k accounts); no account of a key: 0.
  const sums = CUSTOMER_SPAN_KEYS.map(({ where: cond }) => `coalesce(sum(bal_last_cum + bal_last_balance * (1 - bal_last)) FILTER (WHERE ${cond}), 0),
      coalesce(sum(bal_last_balance) FILTER (WHERE ${cond}), 0)`).join(',\n      ');
  // In customer order through accounts_customer: the grouping streams (no sort of every account in memory).
  return `SELECT customer_id, min(bal_first), max(bal_last),
      ${sums}
    FROM accounts INDEXED BY accounts_customer WHERE currency = 'CNY' AND bal_first IS NOT NULL ${where} GROUP BY customer_id`;
}

/** Rebuilds every row (migration, or an import that touched most accounts). */
export const CUSTOMER_SPANS_FILL = `INSERT INTO customer_spans ${spansSelect('')}`;

/**
 * The customers whose customer_spans row an import changes (TEMP: the import's connection only;
 * emptied by each refresh).
 */
export const SPANS_TOUCHED_TABLE = 'CREATE TEMP TABLE IF NOT EXISTS spans_touched (customer_id TEXT PRIMARY KEY) WITHOUT ROWID';

/**
 * Statements that refresh the customer_spans rows of the customers in temp.spans_touched: each
 * one's accounts found through accounts_customer, so the cost follows the customers touched, not
 * every account (a nightly snapshot of 2.5M accounts touches ~10% of them). `all`: every row
 * rebuilt in one pass over the accounts instead (cheaper once most customers are touched:
 * refreshing all 229k customers one by one took 1.3× the rebuild).
 */
export function CUSTOMER_SPANS_REFRESH(all: boolean): string[] {
  const touched = 'customer_id IN (SELECT customer_id FROM temp.spans_touched)';
  return [
    all ? 'DELETE FROM customer_spans' : `DELETE FROM customer_spans WHERE ${touched}`,
    all ? CUSTOMER_SPANS_FILL : `INSERT INTO customer_spans ${spansSelect(`AND ${touched}`)}`,
    'DELETE FROM temp.spans_touched',
  ];
}
