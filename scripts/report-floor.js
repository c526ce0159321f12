#!/usr/bin/env node
// A segment summary's floor in SQLite alone: the reads the summary of a window ending on AS_OF
// needs from a crm database, each as a bare scan or lookup that only counts and sums (no grouping
// per customer, no arithmetic per product, nothing handed to JavaScript), with crm's own pragmas.
// Each read is timed three times and the best kept; their total is the CPU the reads alone take,
// and half of it what two cores could make of them at best.
//   node scripts/report-floor.js DB AS_OF [WINDOW_DAYS=10]
// The reads: the customer directory; every customer_spans row; the accounts of the customers
// customer_spans does not cover, in customer order; the prefix-sum lookup at the day before the
// window for those whose rows change inside it; the window's txn_daily rows (one scan) and their
// accounts' customers, and the last customer-initiated posting days (txn_totals), or, when the
// window holds every posting day, txn_totals alone (as crm reads it).
import Database from 'better-sqlite3';
import { txnParts } from '../dist/metrics/engine.js';

const [path, asOf, days = '10'] = process.argv.slice(2);
if (!path || !/^\d{4}-\d{2}-\d{2}$/.test(asOf ?? '')) {
  process.stderr.write('usage: node scripts/report-floor.js DB AS_OF [WINDOW_DAYS]\n');
  process.exit(2);
}
const dayNum = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86400000;
const iso = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
const T = dayNum(asOf);
const F = T - Number(days) + 1;
const bind = { F, T, from: iso(F), to: iso(T) };
const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -16384');
db.pragma('temp_store = FILE');
const COVERED = '(cs.bal_last <= :T AND (cs.bal_first >= :F OR cs.bal_last <= :F))';
const UNCOVERED = `customer_spans cs CROSS JOIN accounts a ON a.customer_id = cs.customer_id AND NOT ${COVERED} WHERE a.currency = 'CNY'`;
const WINDOW_DAYS = '+d.day >= :from AND +d.day <= :to';
// A window holding every posting day reads the all-time roll-up, one row per account, as crm does.
const { totals } = txnParts(db, bind.from, bind.to);
const txnReads = totals
  ? [['the window\'s transactions and last days (txn_totals)', 'SELECT count(*), sum(n), max(last_cust_day) FROM txn_totals']]
  : [
    ['txn_daily rows of the window', `SELECT count(*), sum(n), sum(fee) FROM txn_daily d WHERE ${WINDOW_DAYS}`],
    ['their accounts\' customers', `SELECT count(*), sum(length(a.customer_id)) FROM (SELECT account_id, sum(n) FROM txn_daily d WHERE ${WINDOW_DAYS} GROUP BY account_id) g
    CROSS JOIN accounts a ON a.account_id = g.account_id`],
    ['last posting days (txn_totals)', 'SELECT count(*), max(last_cust_day) FROM txn_totals'],
  ];
const reads = [
  ['customer directory', 'SELECT count(*), sum(length(customer_id)), sum(customer_type = \'corporate\') FROM customers'],
  ['customer_spans rows', 'SELECT count(*), sum(b_demand_deposit), sum(a_demand_deposit) FROM customer_spans cs'],
  ['accounts of uncovered customers', `SELECT count(*), sum(a.bal_last_cum + a.bal_last_balance) FROM ${UNCOVERED}`],
  ['their lookups at the window start', `SELECT count(*), sum((SELECT x.cum FROM balances x WHERE x.account_id = a.account_id AND x.as_of < :from ORDER BY x.as_of DESC LIMIT 1))
    FROM ${UNCOVERED} AND a.bal_first < :F AND a.bal_last > :F`],
  ...txnReads,
];
let total = 0;
process.stdout.write(`| read (${bind.from} to ${bind.to}) | rows | best of 3 |\n|---|---|---|\n`);
for (const [name, sql] of reads) {
  const stmt = db.prepare(sql).raw();
  let best = Infinity;
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    rows = stmt.get(bind)[0];
    best = Math.min(best, performance.now() - t);
  }
  total += best;
  process.stdout.write(`| ${name} | ${rows.toLocaleString('en-US')} | ${(best / 1000).toFixed(2)} s |\n`);
}
process.stdout.write(`floor: ${(total / 1000).toFixed(2)} s of CPU for the reads alone; ${(total / 2000).toFixed(2)} s on two cores at best\n`);
db.close();
