/**
 * Credit that no RM owns is filed under the customer's own branch (metrics.md "RM credit"):
 * two customers without an RM, in two branches, each with transactions and balances. The
 * branch is looked up per customer; an inner alias that shadowed the outer one once gave every
 * unassigned row the first customer's branch.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { resolveWindow, rmCreditByProduct, slicesCredit, type AccountSlice } from '../../src/metrics/engine.js';
import { rmTxnCredit } from '../../src/metrics/rm.js';
import { cleanupTmp, tmpDir, writeFiles } from '../helpers.js';

const noRejects: RejectsSink = { write: (f, l, c, r) => { throw new Error(`unexpected reject ${f}:${l} ${c} ${r}`); } };
let db: Db;

beforeAll(async () => {
  const dir = tmpDir();
  const paths = writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,王一,personal,东区支行,10000.00\n',
    // U1 in 西区 sorts first; U2 in 东区 and P1 (R1) in 东区.
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nA0,客户A0,personal,R1,东区支行,2020-01-01\nU1,客户U1,personal,,西区支行,2020-01-01\nU2,客户U2,personal,,东区支行,2020-01-01\n',
    'accounts_2026-03-01.csv': 'as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status\n'
      + '2026-03-01,D0,A0,demand_deposit,CNY,100.00,,,,,active\n2026-03-01,D1,U1,demand_deposit,CNY,1000.00,,,,,active\n2026-03-01,D2,U2,demand_deposit,CNY,3000.00,,,,,active\n',
    'transactions.csv': 'txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after\n'
      + 'T1,D1,2026-03-01 09:00:00,10.00,credit,CNY,counter,deposit,2.00,\n'
      + 'T2,D2,2026-03-01 10:00:00,20.00,credit,CNY,e_banking,transfer_in,,\n'
      + 'T3,D2,2026-03-01 11:00:00,30.00,debit,CNY,e_banking,payment,5.00,\n',
  });
  db = openDb(join(dir, 'crm.db'), { create: true });
  await importFiles(db, paths, { rejects: noRejects });
});
afterAll(() => {
  db.close();
  cleanupTmp();
});

describe('credit no RM owns, by the customer\'s branch', () => {
  it('transactions: U1 (西区, 1 txn, fee 2.00) and U2 (东区, 2 txns, fee 5.00) each under their own branch', () => {
    const rows = rmTxnCredit(db, resolveWindow(db, '2026-03-01', '2026-03-01')).filter((r) => r.rm_id === null);
    const byBranch = Object.fromEntries(rows.map((r) => [r.branch, [r.n, r.fee_fen]]));
    expect(byBranch).toEqual({ 西区支行: [1, 200], 东区支行: [2, 500] });
  });

  it('balances: U1 1,000.00 under 西区 and U2 3,000.00 under 东区 (one day: fen-days = fen)', () => {
    const rows = rmCreditByProduct(db, resolveWindow(db, '2026-03-01', '2026-03-01')).filter((r) => r.rm_id === null);
    const byBranch = Object.fromEntries(rows.map((r) => [r.branch, Object.values(r).filter((v) => typeof v === 'number')]));
    expect(Object.keys(byBranch).sort()).toEqual(['东区支行', '西区支行']);
    expect(byBranch['西区支行']).toContain(1000_00);
    expect(byBranch['东区支行']).toContain(3000_00);
  });
});

describe('slicesCredit: account slices summed per RM (or branch), product and last-day loan class', () => {
  it('adds the slices of a key in exact fen-days, files those no RM owns under the customer\'s branch, and drops keys that sum to 0', () => {
    const slice = (customer_id: string, product_type: AccountSlice['product_type'], rm_id: string | null, fen_days: number, last_class: string | null = null): AccountSlice =>
      ({ account_id: `${customer_id}-${product_type}`, customer_id, product_type, rm_id, fen_days, last_class });
    const rows = slicesCredit(db, [
      slice('A0', 'demand_deposit', 'R1', 100_00 * 3), // R1 demand 3 days of 100.00
      slice('A0', 'demand_deposit', 'R1', 50_00 * 2), // + 2 days of 50.00 → 400.00 fen-days × 100 = 40,000
      slice('U1', 'demand_deposit', null, 1000_00), // no RM: U1's branch 西区
      slice('U2', 'demand_deposit', null, 3000_00), // no RM: U2's branch 东区
      slice('A0', 'loan', 'R1', 200_00, 'substandard'),
      slice('A0', 'loan', 'R1', 300_00, null), // a loan without a class on the last day counts as normal
      slice('U1', 'time_deposit', 'R1', 500),
      slice('U2', 'time_deposit', 'R1', -500), // 500 − 500 = 0: no row
    ]);
    expect(Object.fromEntries(rows.map((r) => [`${r.rm_id}|${r.branch}|${r.product_type}|${r.loan_class}`, r.fen_days]))).toEqual({
      'R1|null|demand_deposit|null': 300_00 + 100_00,
      'R1|null|loan|normal': 300_00,
      'R1|null|loan|substandard': 200_00,
      'null|东区支行|demand_deposit|null': 3000_00,
      'null|西区支行|demand_deposit|null': 1000_00,
    });
    expect(rows).toHaveLength(5);
  });
});
