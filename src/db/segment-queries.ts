/** Small lookups behind `crm segment` (everything heavy lives in metrics/engine.ts). */
import type { Db } from './connection.js';
import { dayNum, statesOnDay } from './balances.js';
import { forEachRow, idList, queryColumns, type IdList, type TextColumn } from './columns.js';
import { positionsOf } from './positions.js';
import type { CustomerType } from '../types.js';
import { DataError } from '../errors.js';

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

/** Which optional directory columns to read: names (the detail), branch and RM (grouping, coverage). */
export interface DirectoryWants {
  names?: boolean;
  owners?: boolean;
}

/**
 * Every customer in customer_id order, one array per column: per customer a position, no
 * object. Branch and RM as small-integer codes into `branches` / `rms` (a few hundred distinct
 * values for a million customers); without `owners` every code is 0 and both lists are [null].
 */
export interface DirectoryColumns {
  ids: IdList;
  /** 1 for a corporate customer, 0 for a personal one. */
  corporate: Uint8Array;
  /** Without `names`: null. */
  names: NameList | null;
  branch: Int32Array;
  branches: (string | null)[];
  /** RM in effect on the day asked for. */
  rm: Int32Array;
  rms: (string | null)[];
}

/** Customer names by directory position. */
export interface NameList {
  at(i: number): string;
}

const SEPARATOR = '\u001e';

/**
 * Every customer's name in customer_id order as one string and the offsets into it: a name is
 * cut out when asked for. A million names held as a million strings cost the garbage collector
 * seconds of marking in a detail report.
 */
function nameList(db: Db, n: number): NameList {
  // Through the index's order (an ORDER BY inside the aggregate would sort the million names again).
  const text = (db.prepare(`SELECT group_concat(name, char(30)) FROM (SELECT name FROM customers ORDER BY customer_id)`).pluck().get() as string | null) ?? '';
  const start = new Int32Array(n + 1);
  let k = 0;
  for (let at = text.indexOf(SEPARATOR); at >= 0 && k < n; at = text.indexOf(SEPARATOR, at + 1)) start[++k] = at + 1;
  if (k !== n - 1 && n > 0) {
    // A name holding the separator itself: the names one by one.
    const names = db.prepare('SELECT name FROM customers ORDER BY customer_id').pluck().all() as string[];
    return { at: (i) => names[i] };
  }
  start[n] = text.length + 1;
  return { at: (i) => text.slice(start[i], start[i + 1] - 1) };
}

/** Every customer's id in customer_id order, and nothing else of the directory (a report thread's). */
export function customerIds(db: Db): IdList {
  return idList(queryColumns<{ customer_id: TextColumn }>(db, 'SELECT customer_id FROM customers ORDER BY customer_id', {}, ['customer_id']).customer_id);
}

/** The directory of customerDirectory as columns (see DirectoryColumns). */
export function directoryColumns(db: Db, day: string, want: DirectoryWants = {}): DirectoryColumns {
  const c = queryColumns<{ customer_id: TextColumn; corporate?: number[] }>(db,
    `SELECT customer_id${want.owners ? '' : ", customer_type = 'corporate' AS corporate"} FROM customers ORDER BY customer_id`, {}, ['customer_id']);
  const ids = idList(c.customer_id);
  const n = ids.length;
  const names = want.names ? nameList(db, n) : null;
  if (!want.owners) {
    // Every customer's code 0 (null): one array of zeros serves both.
    const none = new Int32Array(n);
    return { ids, corporate: Uint8Array.from(c.corporate!), names, branch: none, branches: [null], rm: none, rms: [null] };
  }
  // Type and branch code in one pass, row by row (a million branch names as JSON cost more).
  const corporate = new Uint8Array(n);
  const branch = new Int32Array(n);
  const branches: (string | null)[] = [];
  const code = new Map<string | null, number>();
  let k = 0;
  forEachRow(db, "SELECT customer_type = 'corporate' AS corporate, branch FROM customers ORDER BY customer_id", {}, ['corporate', 'branch'],
    (isCorporate: number, name: string | null) => {
      let b = code.get(name);
      if (b === undefined) code.set(name, (b = branches.push(name) - 1));
      corporate[k] = isCorporate;
      branch[k++] = b;
    });
  if (k !== n) throw new DataError('the customers table changed while the report read it: run it again');
  return { ids, corporate, names, branch, branches, ...rmCodes(db, day, ids) };
}

/**
 * Each customer's RM on `day` as codes into a list (null, code 0, for none): the assignments in
 * effect that day in one scan of customer_rm_history, matched to the directory by position (a
 * join per customer costs twice as much).
 */
function rmCodes(db: Db, day: string, ids: IdList): { rm: Int32Array; rms: (string | null)[] } {
  const h = queryColumns<{ customer_id: TextColumn; rm_id: (string | null)[] }>(db,
    'SELECT customer_id, rm_id FROM customer_rm_history WHERE from_num <= :dn AND to_num >= :dn', { dn: dayNum(day) }, ['customer_id']);
  // Codes in order of first appearance, null first.
  const rms: (string | null)[] = [null];
  const code = new Map<string | null, number>([[null, 0]]);
  const rm = new Int32Array(ids.length);
  const at = positionsOf(ids, h.customer_id);
  for (let k = 0; k < at.length; k++) {
    if (at[k] < 0) continue;
    let c = code.get(h.rm_id[k]);
    if (c === undefined) code.set(h.rm_id[k], (c = rms.push(h.rm_id[k]) - 1));
    rm[at[k]] = c;
  }
  return { rm, rms };
}

/**
 * Each customer holding at least one account that is open on `day` (seen on or before it and not
 * closed), handed to `visit` in customer_id order (matched against a directory in one forward
 * walk: positionsIn). Row by row: a million ids gathered into one column held ~40 MB at once.
 */
export function forEachCustomerWithOpenAccounts(db: Db, day: string, visit: (customerId: string) => void): void {
  forEachRow(db, `SELECT DISTINCT customer_id FROM (${statesOnDay()}) WHERE source != 'C'`, { dn: dayNum(day), day }, ['customer_id'], visit);
}
