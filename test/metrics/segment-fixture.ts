/**
 * A hand-built branch for the segment tests (engine, report and CLI). Every figure the tests
 * expect is worked out from these rows, in the tests. Dates: March 2026; the data covers
 * 2026-03-01 … 2026-03-10 with full snapshots on 03-01, 03-02, 03-05 and 03-10 only
 * (03-03, 03-04 and 03-06 … 03-09 carry balances forward).
 *
 *  customer  type       RM (→ from 03-06)  accounts (balance by snapshot date 01 / 02 / 05 / 10)
 *  P1        personal   R1 → R2            A1 demand     50,000 / 150,000 / 120,000 / 10,000
 *  P2        personal   R1                 A2 demand    100,000 in every snapshot (tier boundary)
 *  P3        personal   R1                 A3 demand     99,999.99 in every snapshot
 *  P4        personal   R1                 A4 demand      1,000 in every snapshot; 3 counter txns
 *  P5        personal   R1                 A5 loan      200,000 in every snapshot (only loans)
 *  P6        personal   R1                 A6 demand USD 20,000 in every snapshot (FX 7.1, 7.2 from 03-06)
 *  P7        personal   R1                 A7 demand        500 on 01 and 02, absent from 05 (closed)
 *  P8        personal   R1                 A8 demand    600,000 only on 10 (new account)
 *  P9        personal   R1                 A9 wealth     50,000 / 50,000 / 150,000 / 150,000
 *  K1…K4     corporate  R3                 B1…B4 demand 1,000,000 / 500,000 / 500,000 / 100,000
 */
import { join } from 'node:path';
import { writeFiles } from '../helpers.js';

const SNAP_DATES = ['2026-03-01', '2026-03-02', '2026-03-05', '2026-03-10'];

const ACCOUNTS: { acc: string; cust: string; product: string; cur?: string; loan_class?: string; bal: (string | null)[] }[] = [
  { acc: 'A1', cust: 'P1', product: 'demand_deposit', bal: ['50000.00', '150000.00', '120000.00', '10000.00'] },
  { acc: 'A2', cust: 'P2', product: 'demand_deposit', bal: ['100000.00', '100000.00', '100000.00', '100000.00'] },
  { acc: 'A3', cust: 'P3', product: 'demand_deposit', bal: ['99999.99', '99999.99', '99999.99', '99999.99'] },
  { acc: 'A4', cust: 'P4', product: 'demand_deposit', bal: ['1000.00', '1000.00', '1000.00', '1000.00'] },
  { acc: 'A5', cust: 'P5', product: 'loan', loan_class: 'normal', bal: ['200000.00', '200000.00', '200000.00', '200000.00'] },
  { acc: 'A6', cust: 'P6', product: 'demand_deposit', cur: 'USD', bal: ['20000.00', '20000.00', '20000.00', '20000.00'] },
  { acc: 'A7', cust: 'P7', product: 'demand_deposit', bal: ['500.00', '500.00', null, null] },
  { acc: 'A8', cust: 'P8', product: 'demand_deposit', bal: [null, null, null, '600000.00'] },
  { acc: 'A9', cust: 'P9', product: 'wealth', bal: ['50000.00', '50000.00', '150000.00', '150000.00'] },
  { acc: 'B1', cust: 'K1', product: 'demand_deposit', bal: ['1000000.00', '1000000.00', '1000000.00', '1000000.00'] },
  { acc: 'B2', cust: 'K2', product: 'demand_deposit', bal: ['500000.00', '500000.00', '500000.00', '500000.00'] },
  { acc: 'B3', cust: 'K3', product: 'demand_deposit', bal: ['500000.00', '500000.00', '500000.00', '500000.00'] },
  { acc: 'B4', cust: 'K4', product: 'demand_deposit', bal: ['100000.00', '100000.00', '100000.00', '100000.00'] },
];

/** Writes the CSVs into dir; returns the paths in import order. */
export function writeSegmentFixture(dir: string): string[] {
  const snaps: Record<string, string> = {};
  SNAP_DATES.forEach((d, i) => {
    const lines = ['as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status'];
    for (const a of ACCOUNTS) {
      const b = a.bal[i];
      if (b !== null) lines.push(`${d},${a.acc},${a.cust},${a.product},${a.cur ?? 'CNY'},${b},,${a.loan_class ?? ''},,,active`);
    }
    snaps[`accounts_${d}.csv`] = lines.join('\n') + '\n';
  });
  const customers = ['customer_id,name,customer_type,rm_id,branch,opened_on'];
  for (const p of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9']) customers.push(`${p},客户${p},personal,R1,东区支行,2020-01-01`);
  for (const k of ['K1', 'K2', 'K3', 'K4']) customers.push(`${k},公司${k},corporate,R3,西区支行,2020-01-01`);
  return writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,王一,personal,东区支行,10000.00\nR2,李二,personal,东区支行,10000.00\nR3,张三,corporate,西区支行,12000.00\n',
    'customers.csv': customers.join('\n') + '\n',
    // Reassignment: P1 moves from R1 to R2, effective 2026-03-06 (date in the file name).
    'customers_2026-03-06.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nP1,客户P1,personal,R2,东区支行,2020-01-01\n',
    'fx_rates.csv': 'date,currency,cny_per_unit\n2026-03-01,USD,7.1000\n2026-03-06,USD,7.2000\n',
    ...snaps,
    // No balance_after: transactions here never move balances.
    'transactions.csv': [
      'txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after',
      'T1,A1,2026-03-08 10:00:00,1000.00,credit,CNY,e_banking,transfer_in,5.00,',
      'T2,A1,2026-03-08 11:00:00,500.00,debit,CNY,e_banking,transfer_out,,',
      'T3,A2,2026-03-09 09:00:00,200.00,credit,CNY,e_banking,transfer_in,,',
      'T4,A3,2026-03-03 09:00:00,50.00,debit,CNY,self_service,withdrawal,,',
      'T5,A4,2026-03-02 09:00:00,100.00,credit,CNY,counter,deposit,,',
      'T6,A4,2026-03-05 09:00:00,100.00,credit,CNY,counter,deposit,,',
      'T7,A4,2026-03-05 10:00:00,100.00,credit,CNY,counter,deposit,,',
      'T8,A6,2026-03-07 09:00:00,100.00,debit,USD,e_banking,payment,,',
    ].join('\n') + '\n',
  }).map((p) => p).sort((a, b) => order(a) - order(b));
}

function order(p: string): number {
  const n = p.split(/[\\/]/).pop() as string;
  if (n === 'rms.csv') return 0;
  if (n === 'fx_rates.csv') return 1;
  if (n === 'customers.csv') return 2;
  if (n.startsWith('customers_')) return 3;
  if (n.startsWith('accounts_')) return 4;
  return 5;
}

export const fixturePath = (dir: string, name: string): string => join(dir, name);
