/**
 * A hand-built branch for `crm watch`, `crm coverage` and `crm channels`: one customer per signal,
 * a steady one and a near miss, as of 2026-06-30 (a month end: June is a whole month). Full
 * snapshots on 03-01, 04-01, 05-31, 06-01 and 06-30 list every account; balances hold between them.
 *
 * Windows (defaults): tier window 04-02 … 06-30 (90 days: 29 + 31 + 30); attrition recent 06-01 …
 * 06-30, prior 05-02 … 05-31 (30 days each); net outflow from the balance on 05-31 to 06-30;
 * downgrade months 2026-03 (the tier) then 04, 05, 06; dormancy 04-02 … 06-30; loans 06-01 … 06-30.
 *
 * Every deposit customer also gets an interest or fee posting on 06-21 (bank-generated: it must
 * not count as activity). Customer-initiated transactions: STEADY 04-02 (the first day of the
 * dormancy window: not dormant), DORM 04-01 (the day before it: dormant), the others in June.
 */
import { writeFiles } from '../helpers.js';

export const AS_OF = '2026-06-30';

/** Balances in CNY on the snapshot dates 03-01, 04-01, 05-31, 06-01, 06-30. */
const BALANCES: Record<string, [string, string, string, (string | number)[], string?]> = {
  // account: [customer, product, rm of the customer (info), balances, loan classes]
  A_STEADY: ['C_STEADY', 'demand_deposit', 'R1', [300000, 300000, 300000, 300000, 300000]],
  A_ATTR: ['C_ATTR', 'demand_deposit', 'R1', [100000, 100000, 100000, 70000, 70000]],
  A_MISS: ['C_MISS', 'demand_deposit', 'R1', [100000, 100000, 100000, 70001, 70001]],
  A_OUT: ['C_OUT', 'time_deposit', 'R1', [1000000, 1000000, 1000000, 1000000, 900000]],
  A_UP: ['C_UP', 'demand_deposit', 'R1', [440000, 440000, 440000, 470000, 470000]],
  A_DOWN: ['C_DOWN', 'wealth', 'R1', [520000, '499999.99', '499999.99', '499999.99', '499999.99']],
  A_DORM: ['C_DORM', 'demand_deposit', 'R1', [100000, 100000, 100000, 100000, 100000]],
  A_UNAS: ['C_UNAS', 'demand_deposit', '', [200000, 200000, 200000, 200000, 200000]],
  L1: ['C_LOAN', 'loan', 'R1', [50000, 50000, 50000, 50000, 50000], 'normal,normal,normal,substandard,substandard'],
  L2: ['C_LOAN', 'loan', 'R1', [80000, 80000, 80000, 80000, 80000], 'normal,normal,doubtful,doubtful,doubtful'],
  A_CORP: ['K_CORP', 'demand_deposit', 'R2', [3000000, 3000000, 3000000, 3000000, 3000000]],
};

const DATES = ['2026-03-01', '2026-04-01', '2026-05-31', '2026-06-01', '2026-06-30'];

/** txn_id, account, posted_at, amount, channel, txn_type. */
const TXNS: [string, string, string, string, string, string][] = [
  ['T01', 'A_STEADY', '2026-04-02 10:00:00', '500.00', 'counter', 'deposit'],
  ['T02', 'A_ATTR', '2026-06-05 10:00:00', '-200.00', 'e_banking', 'payment'],
  ['T03', 'A_MISS', '2026-06-05 11:00:00', '-200.00', 'e_banking', 'payment'],
  ['T04', 'A_OUT', '2026-06-30 09:00:00', '-100000.00', 'counter', 'withdrawal'],
  ['T05', 'A_UP', '2026-06-01 09:00:00', '30000.00', 'e_banking', 'transfer_in'],
  ['T06', 'A_DOWN', '2026-06-20 09:00:00', '100.00', 'self_service', 'deposit'],
  ['T07', 'A_DORM', '2026-04-01 09:00:00', '100.00', 'counter', 'deposit'],
  ['T08', 'A_UNAS', '2026-06-10 09:00:00', '-50.00', 'e_banking', 'payment'],
  ['T09', 'A_CORP', '2026-05-20 09:00:00', '-5000.00', 'counter', 'payment'],
  ['T10', 'A_CORP', '2026-06-20 09:00:00', '-5000.00', 'e_banking', 'payment'],
  // Bank-generated, 06-21: not customer activity.
  ['I01', 'A_STEADY', '2026-06-21 00:00:00', '10.00', '', 'interest'],
  ['I02', 'A_ATTR', '2026-06-21 00:00:00', '10.00', '', '利息'],
  ['I03', 'A_OUT', '2026-06-21 00:00:00', '10.00', '', '结息'],
  ['I04', 'A_UP', '2026-06-21 00:00:00', '10.00', '', 'Interest'],
  ['I05', 'A_DOWN', '2026-06-21 00:00:00', '-5.00', '', 'fee'],
  ['I06', 'A_DORM', '2026-06-21 00:00:00', '10.00', '', '结息'],
  ['I07', 'A_UNAS', '2026-06-21 00:00:00', '-5.00', '', '手续费'],
];

/** Writes the branch's files into `dir`; returns their paths in import order. */
export function writeWatchFixture(dir: string): string[] {
  const customers = new Map<string, string>();
  for (const [cust, , rm] of Object.values(BALANCES)) customers.set(cust, rm);
  const files: Record<string, string> = {
    'rms.csv': 'rm_id,name,rm_type,branch\nR1,Wang Fang,personal,B1\nR2,Li Qiang,corporate,B1\nR3,Zhao Min,personal,B1\n',
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch\n'
      + [...customers].map(([c, rm]) => `${c},${c} name,${c.startsWith('K_') ? 'corporate' : 'personal'},${rm},B1`).join('\n') + '\n',
  };
  DATES.forEach((d, k) => {
    const lines = Object.entries(BALANCES).map(([acc, [cust, product, , bals, classes]]) =>
      `${d},${acc},${cust},${product},${bals[k]},${classes ? classes.split(',')[k] : ''}`);
    files[`accounts_${d}.csv`] = `as_of,account_id,customer_id,product_type,balance,loan_class\n${lines.join('\n')}\n`;
  });
  files['transactions.csv'] = 'txn_id,account_id,posted_at,amount,channel,txn_type\n' + TXNS.map((t) => t.join(',')).join('\n') + '\n';
  return writeFiles(dir, files);
}
