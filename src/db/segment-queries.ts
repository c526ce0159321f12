/** Small lookups behind `crm segment` (everything heavy lives in metrics/engine.ts). */
import type { Db } from './connection.js';
import { dayNum, statesOnDay } from './balances.js';
import { queryColumns, textValues, type TextColumn } from './columns.js';
import type { CustomerType } from '../types.js';

export interface CustomerInfo {
  customer_id: string;
  name: string;
  customer_type: CustomerType;
  branch: string | null;
  /** RM in effect on the day asked for. */
  rm_id: string | null;
}

/**
 * Every customer in customer_id order, with the RM in effect on `day`. With `full` false only
 * the id and type are read (name '', branch and rm_id null): a report that neither shows nor
 * groups by them saves most of the cost of 100k customers.
 */
export function customerDirectory(db: Db, day: string, full = true): CustomerInfo[] {
  if (!full) {
    const c = queryColumns<{ customer_id: string[]; customer_type: CustomerType[] }>(db, 'SELECT customer_id, customer_type FROM customers ORDER BY customer_id');
    return c.customer_id.map((customer_id, i) => ({ customer_id, name: '', customer_type: c.customer_type[i], branch: null, rm_id: null }));
  }
  const c = queryColumns<{ [K in keyof CustomerInfo]: CustomerInfo[K][] }>(db, `SELECT c.customer_id, c.name, c.customer_type, c.branch, h.rm_id
    FROM customers c LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= :dn AND h.to_num >= :dn
    ORDER BY c.customer_id`, { dn: dayNum(day) });
  const out: CustomerInfo[] = new Array(c.customer_id.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = { customer_id: c.customer_id[i], name: c.name[i], customer_type: c.customer_type[i], branch: c.branch[i], rm_id: c.rm_id[i] };
  }
  return out;
}

/** No type asked for: DirectoryColumns.type of a customer whose type is not in the list. */
export const OTHER_TYPE = 255;

export interface DirectoryColumns {
  /** Every customer's id, customer_id order. */
  customer_id: string[];
  /** Per customer, the index of its type in the list asked for, else OTHER_TYPE. */
  type: Uint8Array;
}

/** Every customer's id and type in customer_id order, as columns (no object per customer). */
export function directoryColumns(db: Db, types: readonly CustomerType[]): DirectoryColumns {
  const code = types.length ? `CASE customer_type ${types.map((_, i) => `WHEN :t${i} THEN ${i}`).join(' ')} ELSE ${OTHER_TYPE} END` : OTHER_TYPE;
  const params = Object.fromEntries(types.map((t, i) => [`t${i}`, t]));
  const c = queryColumns<{ customer_id: TextColumn; type: number[] }>(db, `SELECT customer_id, ${code} AS type FROM customers ORDER BY customer_id`, params, ['customer_id']);
  return { customer_id: textValues(c.customer_id), type: Uint8Array.from(c.type) };
}

/**
 * The customers of one type in customer_id order with the RM in effect on `day`, read one row
 * at a time as [id, name, branch, rm_id] (a report streaming a million rows holds none of them).
 */
export function eachCustomerOfType(db: Db, day: string, type: CustomerType): IterableIterator<[id: string, name: string, branch: string | null, rm_id: string | null]> {
  return db.prepare(`SELECT c.customer_id, c.name, c.branch, h.rm_id
    FROM customers c LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= :dn AND h.to_num >= :dn
    WHERE c.customer_type = :type ORDER BY c.customer_id`).raw().iterate({ dn: dayNum(day), type }) as IterableIterator<[string, string, string | null, string | null]>;
}

/** Customers holding at least one account that is open on `day` (seen on or before it and not closed), customer_id order. */
export function customersWithOpenAccounts(db: Db, day: string): TextColumn {
  // In customer_id order: matched against the directory in one forward walk (positionsIn).
  const sql = `SELECT DISTINCT customer_id FROM (${statesOnDay()}) WHERE source != 'C'`;
  return queryColumns<{ customer_id: TextColumn }>(db, sql, { dn: dayNum(day), day }, ['customer_id']).customer_id;
}
