#!/usr/bin/env node
// A second generator for the import benchmark, unlike the samples generator on purpose: numeric
// account ids, random hexadecimal txn ids, a skewed spread over accounts (a few busy, most
// quiet), rows in no order over three days, the amount's sign in a direction column, dates with
// and without a time, some rows without channel, fee or balance_after, a few in USD, and a few
// rows naming accounts not in the database and ids repeated within the file.
//   node scripts/gen-other-txns.js --out DIR --accounts 400000 --txns 1000000 [--seed 7]
// Writes rms.csv, customers.csv, fx_rates.csv, accounts.csv (one full snapshot on 2026-03-01)
// and transactions.csv (2026-03-02 to 2026-03-04).
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const out = opt('out', 'tmp/other');
const nAccounts = Number(opt('accounts', 400_000));
const nTxns = Number(opt('txns', 1_000_000));
let seed = Number(opt('seed', 7)) >>> 0;
// mulberry32
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n) => Math.floor(rand() * n);
const hex = (digits) => Array.from({ length: digits }, () => '0123456789abcdef'[int(16)]).join('');
const money = (fen) => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

async function write(name, header, rows) {
  const s = createWriteStream(join(out, name));
  s.write(header + '\n');
  let buf = '';
  for (const r of rows()) {
    buf += r + '\n';
    if (buf.length > 1 << 20) {
      if (!s.write(buf)) await new Promise((ok) => s.once('drain', ok));
      buf = '';
    }
  }
  s.write(buf);
  await new Promise((ok) => s.end(ok));
}

mkdirSync(out, { recursive: true });
const nCustomers = Math.ceil(nAccounts / 2);
const accountId = (a) => `6222${String(a * 7919 % 100_000_000_000).padStart(11, '0')}`; // distinct for a < 1e11 / gcd
const usd = (a) => a % 23 === 0;
await write('rms.csv', 'rm_id,name,rm_type,branch,base_salary', function* () {
  for (let i = 0; i < 12; i++) yield `R${i},RM ${i},personal,B${i % 3},8000.00`;
});
await write('customers.csv', 'customer_id,name,customer_type,rm_id,branch,opened_on', function* () {
  for (let c = 0; c < nCustomers; c++) yield `KH${c.toString(36).toUpperCase().padStart(7, '0')},Customer ${c},personal,R${c % 12},B${c % 3},2020-01-01`;
});
await write('fx_rates.csv', 'date,currency,cny_per_unit', function* () {
  yield '2026-03-01,USD,7.1234';
  yield '2026-03-03,USD,7.1301';
});
const balance = new Float64Array(nAccounts);
await write('accounts.csv', 'as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status', function* () {
  for (let a = 0; a < nAccounts; a++) {
    balance[a] = 1000 + int(5_000_000);
    const c = Math.floor(a / 2);
    yield `2026-03-01,${accountId(a)},KH${c.toString(36).toUpperCase().padStart(7, '0')},demand_deposit,${usd(a) ? 'USD' : 'CNY'},${money(balance[a])},,,0.35,2021-05-06,active`;
  }
});
const channels = ['counter', 'self_service', 'e_banking', ''];
const types = ['deposit', 'withdrawal', 'transfer', 'payment', 'salary', ''];
await write('transactions.csv', 'txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after', function* () {
  let last = '';
  for (let i = 0; i < nTxns; i++) {
    // Skewed: u^3 puts most rows on the low-numbered accounts; the ids scatter them.
    const a = Math.floor(nAccounts * rand() ** 3);
    const day = `2026-03-0${2 + int(3)}`;
    const at = rand() < 0.1 ? day : `${day} ${String(int(24)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}`;
    const fen = 100 + int(2_000_000);
    const debit = rand() < 0.5;
    balance[a] += debit ? -fen : fen;
    const unknown = rand() < 0.0005;
    const id = rand() < 0.0003 && last ? last : `${hex(8)}-${hex(4)}-${hex(12)}`;
    last = id;
    const fee = rand() < 0.05 ? money(100 + int(2000)) : '';
    const bal = rand() < 0.85 ? money(balance[a]) : '';
    yield `${id},${unknown ? '9999' + hex(8) : accountId(a)},${at},${money(fen)},${debit ? 'debit' : 'credit'},${usd(a) ? 'USD' : rand() < 0.5 ? 'CNY' : ''},${channels[int(4)]},${types[int(6)]},${fee},${bal}`;
  }
});
