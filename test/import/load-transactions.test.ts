/**
 * The set-based transactions loader (src/import/load-transactions.ts) through the binary: which
 * copy of a repeated txn_id loads when the first names an unknown account, rows without a
 * currency take their account's, the day sums, roll-ups and an appended balance, and a second
 * import of the same file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, FIXTURES, openRaw, parseSimpleCsv, runCrm, tmpDir, writeFiles } from '../helpers.js';

afterAll(cleanupTmp);

const BASE = ['rms.csv', 'customers.csv', 'accounts_2026-11-01.csv'].map((f) => join(FIXTURES, 'clean', f));

// A1 (CNY, 1,000.50 on 11-01) and A4 (USD) are in accounts; NOPE is not.
const FILE = `txn_id,account_id,posted_at,amount,currency,channel,fee,balance_after
X1,NOPE,2026-11-05 10:00,10.00,,counter,,
X1,A1,2026-11-05 10:00,10.00,,counter,1.00,
X2,A1,2026-11-05 11:00,20.00,CNY,e_banking,,1030.50
X2,A2,2026-11-05 12:00,30.00,,counter,,
X3,A4,2026-11-05 09:00,2.00,,,,
`;

describe('transactions loader', () => {
  const dir = tmpDir();
  const db = join(dir, 'crm.db');
  const [file] = writeFiles(dir, { 'txns.csv': FILE });
  const rejects = join(dir, 'rejects.csv');

  it('loads the first copy of an id whose account exists, rejects the unknown account and the later copy', () => {
    expect(runCrm(['--db', db, 'import', ...BASE]).code).toBe(0);
    const r = runCrm(['--db', db, 'import', file, '--rejects', rejects]);
    expect(r.code).toBe(1);
    // lines 3 (X1 on A1), 4 (X2 on A1), 6 (X3) load; line 2 (unknown account) and 5 (X2 again) are rejected
    expect(r.stdout).toContain('1 file(s): 3 loaded, 0 updated, 0 unchanged, 2 rejected');
    const rows = parseSimpleCsv(readFileSync(rejects, 'utf8'));
    expect(rows.slice(1).map((x) => [x[1], x[2], x[3]])).toEqual([
      ['2', 'account_id', 'unknown account_id "NOPE" (not in accounts)'],
      ['5', 'txn_id', 'duplicate txn_id "X2" in this file'],
    ]);
    const d = openRaw(db);
    try {
      expect(d.prepare('SELECT txn_id, account_id, currency, amount FROM transactions ORDER BY txn_id').raw().all()).toEqual([
        ['X1', 'A1', 'CNY', 1000], ['X2', 'A1', 'CNY', 2000], ['X3', 'A4', 'USD', 200],
      ]);
      // A1 on 11-05: 2 rows, one at the counter, one e-banking, fee 1.00, Σ|amount| 10.00 + 20.00
      expect(d.prepare("SELECT currency, n, n_counter, n_e_banking, fee, abs_amount, last_balance FROM txn_daily WHERE account_id = 'A1'").raw().all())
        .toEqual([['CNY', 2, 1, 1, 100, 3000, 103050]]);
      expect(d.prepare("SELECT customer_id, month, n, fee, abs_amount, first_day, last_day FROM txn_monthly WHERE account_id = 'A1'").raw().all())
        .toEqual([['C1', '2026-11', 2, 100, 3000, '2026-11-05', '2026-11-05']]);
      expect(d.prepare("SELECT customer_id, currency, n, abs_amount FROM txn_totals ORDER BY account_id").raw().all())
        .toEqual([['C1', 'CNY', 2, 3000], ['C3', 'USD', 1, 200]]);
      // Appended after the 11-01 snapshot: cum = 1,000.50 × 4 days (11-01 to 11-04) = 400,200 fen-days.
      expect(d.prepare("SELECT as_of, balance, source, cum FROM balances WHERE account_id = 'A1' ORDER BY as_of").raw().all())
        .toEqual([['2026-11-01', 100050, 'S', 0], ['2026-11-05', 103050, 'T', 400200]]);
      expect(d.prepare("SELECT end_num - day_num FROM balances WHERE account_id = 'A1' AND as_of = '2026-11-01'").pluck().get()).toBe(3);
    } finally {
      d.close();
    }
  });

  it('a second import of the same file: the stored ids unchanged, the unknown account rejected again, no sum doubled', () => {
    const r = runCrm(['--db', db, 'import', file, '--rejects', rejects]);
    expect(r.code).toBe(1);
    // X1 (A1), X2 (A1), X2 (A2: an earlier import's id now, not this file's) and X3 are unchanged
    expect(r.stdout).toContain('1 file(s): 0 loaded, 0 updated, 4 unchanged, 1 rejected');
    const d = openRaw(db);
    try {
      expect(d.prepare("SELECT n, abs_amount FROM txn_daily WHERE account_id = 'A1'").raw().all()).toEqual([[2, 3000]]);
      expect(d.prepare("SELECT count(*) FROM balances WHERE account_id = 'A1'").pluck().get()).toBe(2);
    } finally {
      d.close();
    }
  });
});
