/** A large transactions file (and the database it loads into) for the fault tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCrm, writeFiles } from '../helpers.js';

export const ACCOUNTS = 60;

/** Writes customers + accounts, imports them into dir/name, returns the db path. */
export function baseDb(dir: string, name = 'f.db'): string {
  const db = join(dir, name);
  const accs = Array.from({ length: ACCOUNTS }, (_, i) => `2026-10-31,A${i},C${i % 20},demand_deposit,${1000 + i}.00`).join('\n');
  const custs = Array.from({ length: 20 }, (_, i) => `C${i},Customer ${i},personal`).join('\n');
  const [c, a] = writeFiles(dir, {
    'customers.csv': `customer_id,name,customer_type\n${custs}\n`,
    'accounts_2026-10-31.csv': `as_of,account_id,customer_id,product_type,balance\n${accs}\n`,
  });
  const r = runCrm(['--db', db, 'import', c, a]);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

/** rows transactions (about 85 bytes each) with ids P<prefix>-n; returns the path. */
export function bigTransactions(dir: string, rows: number, prefix = 'X', name = `txns_${prefix}.csv`): string {
  const parts: string[] = ['txn_id,account_id,posted_at,amount,channel,txn_type,balance_after\n'];
  for (let i = 0; i < rows; i++) {
    const day = 1 + (i % 28);
    parts.push(`${prefix}${i},A${i % ACCOUNTS},2026-11-${String(day).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00,${(i % 2 ? -1 : 1) * (i % 997)}.25,e_banking,transfer,${i}.00\n`);
  }
  const p = join(dir, name);
  writeFileSync(p, parts.join(''));
  return p;
}
