/**
 * A hand-made branch for the rm-report tests; every number the tests expect is worked out
 * from these rows in the tests themselves.
 *
 * Data: full snapshots on 2026-09-01 and 2026-09-30 (so the data covers 2026-09-01..09-30, 30
 * days), balances unchanged between them.
 * - R1 "Old" (personal, B1) owns C1 until C1 is reassigned to R2 on 2026-09-10.
 * - R2 "New" (personal, B1) owns C1 from 2026-09-10.
 * - R3 "Corp" (corporate, B1) owns C3, whose two loans are both NPL (substandard, loss).
 * - R4 "Empty" (personal, B1) has no customer and no account.
 * - R5 "Snap" (corporate, B2) owns no customer, but the snapshot credits C1's wealth account A5 to it.
 * - C2 (B1) has no RM: the (unassigned) row; opened 2026-09-05, so a new customer.
 * Accounts: A1 C1 demand 30,000.00; A2 C2 time 6,000.00; A3 C3 loan 100,000.00 substandard;
 *           A4 C3 loan 50,000.00 loss; A5 C1 wealth 12,000.00 with rm_id R5.
 * Transactions (fee, channel): T1 A1 09-05 5.00 counter; T2 A1 09-10 7.00 e_banking;
 *           T3 A5 09-20 3.00 self_service; T4 A2 09-15 2.00 counter.
 */
import { writeFiles, runCrm, tmpDir } from '../helpers.js';
import { join } from 'node:path';

const SNAP = (d: string) => `as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status
${d},A1,C1,demand_deposit,CNY,30000.00,,,,2020-01-01,active
${d},A2,C2,time_deposit,CNY,6000.00,,,,2026-09-05,active
${d},A3,C3,loan,CNY,100000.00,,substandard,,2019-01-01,active
${d},A4,C3,loan,CNY,50000.00,,loss,,2019-01-01,active
${d},A5,C1,wealth,CNY,12000.00,R5,,,2021-01-01,active
`;

export const FILES: Record<string, string> = {
  'rms.csv': `rm_id,name,rm_type,branch,base_salary
R1,Old,personal,B1,10000.00
R2,New,personal,B1,12000.00
R3,Corp,corporate,B1,20000.00
R4,Empty,personal,B1,15000.00
R5,Snap,corporate,B2,0
`,
  'customers.csv': `customer_id,name,customer_type,rm_id,branch,opened_on
C1,Alice,personal,R1,B1,2020-01-01
C2,Bob,personal,,B1,2026-09-05
C3,Carco Ltd,corporate,R3,B1,2019-01-01
`,
  'accounts_2026-09-01.csv': SNAP('2026-09-01'),
  'accounts_2026-09-30.csv': SNAP('2026-09-30'),
  'transactions.csv': `txn_id,account_id,posted_at,amount,currency,channel,txn_type,fee,balance_after
T1,A1,2026-09-05 10:00:00,100.00,CNY,counter,deposit,5.00,
T2,A1,2026-09-10 09:00:00,-100.00,CNY,e_banking,payment,7.00,
T3,A5,2026-09-20 11:00:00,0.00,CNY,self_service,query,3.00,
T4,A2,2026-09-15 15:00:00,0.00,CNY,counter,query,2.00,
`,
  'targets.csv': `period,rm_id,kpi,target
2026-09,R2,deposit_adb,20000
2026-09,R2,fee_income,10
2026-09,R3,loan_adb,100000
`,
};

/** C1 moves from R1 to R2 effective 2026-09-10. */
export const REASSIGN = `customer_id,name,customer_type,rm_id,branch,opened_on
C1,Alice,personal,R2,B1,2020-01-01
`;

export const PLAN = `name: test plan
personal:
  target_bonus: { amount: 3000, per: month }
  gate: 60
  cap: 150
  curve:
    method: marginal
    bands:
      - { from: 0, to: 100, rate: 1.0 }
      - { from: 100, rate: 2.0 }
  kpis:
    - { metric: deposit_adb, weight: 60 }
    - { metric: fee_income, weight: 40 }
  pricing:
    - { metric: deposit_adb, price: 120, per_units: 10000, per: year, floor: 10000 }
corporate:
  target_bonus: { amount: 5000, per: month }
  kpis:
    - { metric: loan_adb, weight: 100 }
  npl_deduction:
    - { to: 1, off: 0 }
    - { off: 50 }
`;

/** Imports the data set with the built binary; returns the temp dir and the database path. */
export function makeBranch(): { dir: string; db: string } {
  const dir = tmpDir('crm-rm-');
  const db = join(dir, 'crm.db');
  const paths = writeFiles(dir, FILES);
  writeFiles(dir, { 'plan.yaml': PLAN, 'reassign.csv': REASSIGN });
  const r1 = runCrm(['--db', db, 'import', ...paths]);
  if (r1.code !== 0) throw new Error(`import failed: ${r1.stdout}\n${r1.stderr}`);
  const r2 = runCrm(['--db', db, 'import', '--as-of', '2026-09-10', join(dir, 'reassign.csv')]);
  if (r2.code !== 0) throw new Error(`reassignment import failed: ${r2.stdout}\n${r2.stderr}`);
  return { dir, db };
}
