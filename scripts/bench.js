#!/usr/bin/env node
// `npm run bench`: generates data with the samples generator and measures crm against
// references timed in the same run: sqlite3 .import (the engine's own floor), sqlite-utils
// insert --csv, and DuckDB answering the same report question. Prints throughput, ratios
// and peak memory. Sizes are options; `--quick` runs small sizes for a smoke check.
//
//   node scripts/bench.js [--quick] [--dir DIR] [--txns 1000000] [--snapshot-accounts 400000]
//     [--nights 90] [--night-accounts 100000] [--report-customers 100000] [--report-days 90]
//     [--report-txns 9000000] [--derived-txns 3000000] [--only import,snapshot,night2,nights,reports,derived]
//     [--repeat 3] [--warmup 1] [--shape-accounts 40000,400000,1000000] [--shape-txns 1000000]
//   --only shapes: a file of --shape-txns transactions of one day over about each --shape-accounts
//   distinct accounts (samples generator, the day after a database's only snapshot), with and
//   without balance_after; --only other: the same from scripts/gen-other-txns.js (other ids, spread, order).
//   Each shape and night2 also time scripts/import-floor.js: sqlite3 loading the file and making
//   crm's writes for it set-based (no validation), the floor of this schema's import.
//   --only night2: the second night's full snapshot of --night2-customers 1000000 customers (~2.5M
//   accounts, 10% changed) on the database holding the first, against sqlite3 .import of the same file.
//   --warmup: untimed rounds of the reports (and their DuckDB questions) before the timed ones.
//   --city: only the report views at city scale (issue 22's data set: --city-customers 1000000,
//   --city-days 10 nightly snapshots, --city-txns 3000000, 400 RMs, seed 5, --city-account-numbers customer,
//   or opened: numbered in opening order, a customer's accounts far apart; generated and imported once,
//   cached in DIR/city-*), each view timed once with its peak memory, in one table; then DuckDB answering
//   the summary's and rm-report's questions from the same snapshots loaded day by day, and the ratios;
//   then scripts/report-floor.js: the summary's reads in SQLite alone, bare (its floor in this schema).
//   --province: N generated branches (--province-branches 20, --province-customers 100000 each,
//   --province-days 90, --province-txns 300000 each; --quick: 2 × 2,000) exported side by side with
//   crm export --parquet (time, Parquet size), then crm segment and rm-report --engine duckdb over
//   the first 1, N/4 (when > 1), N/2 and N branches (time, peak RSS), and SQLite over one branch.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../dist/samples/generate.js';
import { makeBranch } from './province.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crmBin = join(root, 'bin', 'crm.js');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  // The usage is this file's opening comment.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  process.stdout.write(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const quick = args.includes('--quick');
const num = (name, full, small) => Number(opt(name, quick ? small : full));
const sizes = {
  txns: num('txns', 1_000_000, 100_000),
  snapshotAccounts: num('snapshot-accounts', 400_000, 40_000),
  nights: num('nights', 90, 10),
  nightAccounts: num('night-accounts', 100_000, 10_000),
  reportCustomers: num('report-customers', 100_000, 10_000),
  reportDays: num('report-days', 90, 30),
  reportTxns: num('report-txns', 9_000_000, 300_000),
  derivedTxns: num('derived-txns', 3_000_000, 100_000),
};
const REPEAT = Number(opt('repeat', 3));
const WARMUP = Number(opt('warmup', 1));
const median = (runs) => [...runs].sort((a, b) => a.secs - b.secs)[Math.floor((runs.length - 1) / 2)];
const times = (runs) => runs.map((r) => r.secs.toFixed(2)).join(' / ');
const only = new Set(String(opt('only', args.includes('--city') ? 'city' : args.includes('--province') ? 'province' : 'import,shapes,other,snapshot,nights,reports,derived')).split(','));
const shapeAccounts = String(opt('shape-accounts', quick ? '4000,40000' : '40000,400000,1000000')).split(',').map(Number);
const shapeTxns = num('shape-txns', 1_000_000, 100_000);
const dir = opt('dir', join(root, 'bench-data'));
mkdirSync(dir, { recursive: true });

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (bytes) => `${fmt(bytes / 1048576, 1)} MB`;
/** The largest peak RSS of several runs of a crm command. */
const peakRss = (runs) => mb(Math.max(...runs.map((r) => r.rssKb)) * 1024);
const rmDb = (p) => { for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true }); };
const results = [];
const say = (line) => { process.stdout.write(line + '\n'); results.push(line); };

/** Runs a command, returns seconds and (for crm) its peak RSS in KB. */
function timed(cmd, argv, { input, env } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { input, env: { ...process.env, CRM_REPORT_RSS: '1', ...env }, maxBuffer: 1 << 28, encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  const rss = /peak-rss-kb (\d+)/.exec(r.stderr ?? '');
  return { secs, rssKb: rss ? Number(rss[1]) : null, stdout: r.stdout, stderr: r.stderr };
}
// Run as users run it: the program itself, through its shebang (bin/crm.js sets glibc's mmap threshold).
const crm = (db, ...a) => timed(crmBin, ['--db', db, ...a]);

async function dataset(name, o) {
  const out = join(dir, name);
  const stamp = join(out, '.options.json');
  const want = JSON.stringify(o);
  if (existsSync(stamp) && readFileFileSafe(stamp) === want) return out;
  rmSync(out, { recursive: true, force: true });
  const t0 = Date.now();
  process.stdout.write(`generating ${name} … `);
  await generate({ out, rms: 40, startDate: '2026-08-30', seed: 1, corporateShare: 0.2, changeRate: 0.1, snapshotEvery: 1, ...o });
  writeFileSync(stamp, want);
  process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return out;
}
function readFileFileSafe(p) {
  try { return String(spawnSync('cat', [p]).stdout); } catch { return ''; }
}
const snapshotFiles = (d) => readdirSync(join(d, 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => join(d, 'accounts', f));
const baseFiles = (d) => ['rms.csv', 'customers.csv', 'fx_rates.csv'].map((f) => join(d, f));

say(`# crm benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model?.trim()}, ${mb(totalmem())} RAM, node ${process.version}`);

/**
 * DuckDB (`@duckdb/node-api`) holding data set `d`'s snapshots day by day (table daily, loaded
 * once into the file `path`) and its customers; null when the package is missing. query(sql)
 * times one question.
 */
async function duckReference(path, d, snaps) {
  let duck;
  try {
    duck = await import('@duckdb/node-api');
  } catch {
    say('DuckDB: @duckdb/node-api not installed (npm install --save-dev @duckdb/node-api)');
    return null;
  }
  const inst = await duck.DuckDBInstance.create(path);
  const con = await inst.connect();
  const hasTable = (await con.runAndReadAll("SELECT count(*) FROM information_schema.tables WHERE table_name = 'daily'")).getRows()[0][0] > 0n;
  if (!hasTable) {
    // Loaded day by day, as the nightly files arrive.
    await con.run(`CREATE TABLE daily (as_of DATE, account_id VARCHAR, customer_id VARCHAR, product_type VARCHAR, balance DECIMAL(18,2), rm_id VARCHAR)`);
    await con.run(`CREATE TABLE customers AS SELECT * FROM read_csv('${join(d, 'customers.csv')}', header = true, all_varchar = true)`);
    for (const f of snaps) await con.run(`INSERT INTO daily SELECT as_of, account_id, customer_id, product_type, balance, rm_id FROM read_csv('${f}', header = true, all_varchar = true)`);
  }
  const query = async (sql) => {
    const t0 = process.hrtime.bigint();
    const r = await con.runAndReadAll(sql);
    return { secs: Number(process.hrtime.bigint() - t0) / 1e9, rows: r.getRows().length };
  };
  return { con, query };
}

/** The report questions DuckDB answers from the day-by-day table: ADB per customer (segment) and deposit ADB per RM (rm-report). */
function duckQuestions(from, asOf, days) {
  return {
    perCustomerSql: `SELECT customer_id, sum(CASE WHEN product_type IN ('demand_deposit','time_deposit','wealth','fund','insurance','bond') THEN balance ELSE 0 END) / ${days} AS aum_adb,
      sum(CASE WHEN product_type IN ('loan','credit_card') THEN balance ELSE 0 END) / ${days} AS loan_adb FROM daily WHERE as_of BETWEEN '${from}' AND '${asOf}' GROUP BY customer_id`,
    perRmSql: `SELECT coalesce(d.rm_id, c.rm_id) AS rm, sum(CASE WHEN product_type IN ('demand_deposit','time_deposit') THEN balance ELSE 0 END) / ${days} AS deposit_adb
      FROM daily d JOIN customers c USING (customer_id) WHERE as_of BETWEEN '${from}' AND '${asOf}' GROUP BY 1`,
  };
}

if (only.has('import')) {
  // 1. Transactions import vs sqlite3 .import and sqlite-utils.
  const d = await dataset('txns', { customers: 20_000, days: 1, txns: sizes.txns });
  const file = join(d, 'transactions.csv');
  const base = join(dir, 'txns-base.db');
  rmDb(base);
  crm(base, 'import', ...baseFiles(d), ...snapshotFiles(d));
  const db = join(dir, 'txns.db');
  const rows = sizes.txns;
  // Same page size as crm's own databases, so the comparison is engine to engine.
  const refSql = `PRAGMA page_size = 16384;\nCREATE TABLE transactions (txn_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, posted_at TEXT NOT NULL, amount REAL, direction TEXT, currency TEXT, channel TEXT, txn_type TEXT, fee REAL, balance_after REAL);\n.mode csv\n.import --skip 1 ${file} transactions\n`;
  const sqlite3 = has('sqlite3');
  // crm and sqlite3 .import alternately, REPEAT times each, into fresh databases; medians compared.
  const crmRuns = [];
  const refRuns = [];
  for (let i = 0; i < REPEAT; i++) {
    rmDb(db);
    spawnSync('cp', [base, db]);
    crmRuns.push(crm(db, 'import', file));
    if (sqlite3) {
      const ref = join(dir, 'txns-ref.db');
      rmDb(ref);
      refRuns.push(timed('sqlite3', [ref], { input: refSql }));
    }
  }
  const c = median(crmRuns);
  say(`\n## Import of ${fmt(rows)} transactions (${mb(statSync(file).size)})`);
  say(`crm import (full validation): ${c.secs.toFixed(2)} s median of ${times(crmRuns)}, ${fmt(rows / c.secs)} rows/s, peak RSS ${peakRss(crmRuns)}`);
  if (sqlite3) {
    const s = median(refRuns);
    say(`sqlite3 .import (typed table, same primary key, no validation): ${s.secs.toFixed(2)} s median of ${times(refRuns)}, ${fmt(rows / s.secs)} rows/s`);
    say(`ratio crm ÷ sqlite3 = ${(c.secs / s.secs).toFixed(2)} (medians; run by run ${crmRuns.map((r, i) => (r.secs / refRuns[i].secs).toFixed(2)).join(' / ')})`);
  } else say('sqlite3: not installed (apt-get install sqlite3)');
  if (has('sqlite-utils')) {
    const ref = join(dir, 'txns-su.db');
    rmDb(ref);
    const s = timed('sqlite-utils', ['insert', ref, 'transactions', file, '--csv', '--pk', 'txn_id']);
    say(`sqlite-utils insert --csv: ${s.secs.toFixed(2)} s, ${fmt(rows / s.secs)} rows/s; sqlite-utils ÷ crm = ${(s.secs / c.secs).toFixed(1)}×`);
  } else say('sqlite-utils: not installed (apt-get install sqlite-utils)');
}

/** The reference's table for a transactions file: typed, txn_id the primary key, 16 KiB pages. */
function txnRefSql(file, withBalance) {
  return `PRAGMA page_size = 16384;\nCREATE TABLE transactions (txn_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, posted_at TEXT NOT NULL, amount REAL, direction TEXT, currency TEXT, channel TEXT, txn_type TEXT, fee REAL${withBalance ? ', balance_after REAL' : ''});\n.mode csv\n.import --skip 1 ${file} transactions\n`;
}

/**
 * crm import of `file` into copies of `base` (as `db`), alternating with sqlite3 running `refSql`
 * into a fresh `ref` and, when `floor` is given (scripts/import-floor.js's arguments but the file),
 * with sqlite3 making crm's writes set-based on another copy of `base`, REPEAT times; returns the
 * runs and the last crm output.
 */
function alternateWithSqlite(base, db, ref, file, refSql, floor, ...crmArgs) {
  const crmRuns = [];
  const refRuns = [];
  const floorRuns = [];
  const floorSql = floor && spawnSync(process.execPath, [join(root, 'scripts', 'import-floor.js'), floor[0], file, ...floor.slice(1)], { encoding: 'utf8' }).stdout;
  let out = '';
  for (let i = 0; i < REPEAT; i++) {
    rmDb(db);
    spawnSync('cp', [base, db]);
    const c = crm(db, 'import', file, ...crmArgs);
    crmRuns.push(c);
    out = c.stdout + c.stderr;
    rmDb(ref);
    refRuns.push(timed('sqlite3', [ref], { input: refSql }));
    if (floorSql) {
      rmDb(db);
      spawnSync('cp', [base, db]);
      floorRuns.push(timed('sqlite3', [db], { input: floorSql }));
    }
  }
  return { crmRuns, refRuns, floorRuns, out };
}

/** The medians of crm's and the reference's runs and their ratio, run by run too; the same against the floor's runs, if any. */
function sayRatio(crmRuns, refRuns, refName, floorRuns = []) {
  const c = median(crmRuns);
  const s = median(refRuns);
  const byRun = (runs) => crmRuns.map((r, i) => (r.secs / runs[i].secs).toFixed(2)).join(' / ');
  say(`crm import: ${c.secs.toFixed(2)} s median of ${times(crmRuns)}, peak RSS ${peakRss(crmRuns)}`);
  say(`${refName}: ${s.secs.toFixed(2)} s median of ${times(refRuns)}`);
  say(`ratio crm ÷ sqlite3 = ${(c.secs / s.secs).toFixed(2)} (medians; run by run ${byRun(refRuns)})`);
  if (floorRuns.length === 0) return;
  const f = median(floorRuns);
  say(`sqlite3 making crm's writes set-based (scripts/import-floor.js): ${f.secs.toFixed(2)} s median of ${times(floorRuns)}, ${(f.secs / s.secs).toFixed(2)} × sqlite3 .import`);
  say(`ratio crm ÷ that floor = ${(c.secs / f.secs).toFixed(2)} (medians; run by run ${byRun(floorRuns)})`);
}

/** crm import of `file` into copies of `base`, alternating with sqlite3 .import, REPEAT times; prints medians and ratios. */
function importAgainstSqlite(title, base, file, withBalance, floor = null) {
  const rows = Number(spawnSync('sh', ['-c', `tail -n +2 '${file}' | wc -l`], { encoding: 'utf8' }).stdout.trim());
  const { crmRuns, refRuns, floorRuns, out } = alternateWithSqlite(base, join(dir, 'shape.db'), join(dir, 'shape-ref.db'), file,
    txnRefSql(file, withBalance), floor, '--rejects', join(dir, 'shape.rejects.csv'));
  const loaded = /([\d,]+) loaded/.exec(out)?.[1] ?? '?';
  const derived = /(\d+) daily balance\(s\) recorded/.exec(out)?.[1] ?? '0';
  say(`\n## ${title} (${fmt(rows)} rows, ${mb(statSync(file).size)}; ${loaded} loaded, ${fmt(Number(derived))} daily balances derived)`);
  sayRatio(crmRuns, refRuns, 'sqlite3 .import (typed, same primary key)', floorRuns);
}

/** A database holding `files` (imported once, kept while `stamp` matches), migrated by this crm. */
function baseDb(name, files) {
  const base = join(dir, `${name}-base.db`);
  const stamp = `${base}.done`;
  const want = files.join('\n');
  if (!existsSync(stamp) || readFileFileSafe(stamp) !== want) {
    rmDb(base);
    crm(base, 'import', ...files);
    writeFileSync(stamp, want);
  }
  crm(base, 'status');
  return base;
}

/** `file` without its last column (balance_after), made once. */
function withoutBalance(file) {
  const out = file.replace(/\.csv$/, '-nobal.csv');
  if (!existsSync(out)) spawnSync('sh', ['-c', `cut -d, -f1-9 '${file}' > '${out}'`]);
  return out;
}

if (only.has('shapes') && has('sqlite3')) {
  // Transactions of one day (the second) after a database holding the first day's snapshot: each
  // account's balance is appended from balance_after. About 0.7 of 2.5 accounts per customer post.
  for (const accounts of shapeAccounts) {
    const d = await dataset(`shape-${accounts}`, { customers: Math.round(accounts / 1.75), days: 2, txns: Math.round(shapeTxns * 1.6), changeRate: 1 });
    const file = join(d, `day2-${shapeTxns}.csv`);
    if (!existsSync(file)) spawnSync('sh', ['-c', `(head -n 1 '${join(d, 'transactions.csv')}'; awk -F, 'NR > 1 && substr($3, 1, 10) == "2026-08-31"' '${join(d, 'transactions.csv')}' | head -n ${shapeTxns}) > '${file}'`]);
    const distinct = spawnSync('sh', ['-c', `tail -n +2 '${file}' | cut -d, -f2 | sort -u | wc -l`], { encoding: 'utf8' }).stdout.trim();
    const base = baseDb(`shape-${accounts}`, [...baseFiles(d), snapshotFiles(d)[0]]);
    // The floor: every account of a one-day file here posts a new balance, and crm then rebuilds
    // every customer_spans row (over two thirds of the customers touched).
    importAgainstSqlite(`Transactions over ${fmt(Number(distinct))} distinct accounts, with balance_after`, base, file, true, ['transactions', '--all-spans']);
    importAgainstSqlite(`Transactions over ${fmt(Number(distinct))} distinct accounts, no balance_after`, base, withoutBalance(file), false, ['transactions']);
  }
}

if (only.has('other') && has('sqlite3')) {
  // Another generator: other id formats, a skewed spread over accounts, rows in no order, three days.
  const accounts = Number(opt('other-accounts', quick ? 40_000 : 400_000));
  const d = join(dir, `other-${accounts}-${shapeTxns}`);
  if (!existsSync(join(d, 'transactions.csv'))) {
    const g = spawnSync(process.execPath, [join(root, 'scripts', 'gen-other-txns.js'), '--out', d, '--accounts', String(accounts), '--txns', String(shapeTxns)], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(g.stderr);
  }
  const base = baseDb(`other-${accounts}`, ['rms.csv', 'customers.csv', 'fx_rates.csv', 'accounts.csv'].map((f) => join(d, f)));
  const file = join(d, 'transactions.csv');
  importAgainstSqlite(`Other generator: transactions over up to ${fmt(accounts)} accounts, with balance_after`, base, file, true);
  importAgainstSqlite(`Other generator: same, no balance_after`, base, withoutBalance(file), false);
}

if (only.has('snapshot')) {
  // 2. One nightly snapshot of many accounts.
  const d = await dataset('snapshot', { customers: Math.round(sizes.snapshotAccounts / 2.5), days: 1, txns: 1000 });
  const db = join(dir, 'snapshot.db');
  rmDb(db);
  crm(db, 'import', ...baseFiles(d));
  const snap = snapshotFiles(d)[0];
  const lines = Number(spawnSync('wc', ['-l', snap], { encoding: 'utf8' }).stdout.trim().split(' ')[0]) - 1;
  const c = crm(db, 'import', snap);
  say(`\n## One nightly snapshot of ${fmt(lines)} accounts (${mb(statSync(snap).size)})`);
  say(`crm import: ${c.secs.toFixed(2)} s, ${fmt(lines / c.secs)} rows/s, peak RSS ${mb(c.rssKb * 1024)}`);
}

if (only.has('night2') && has('sqlite3')) {
  // 2b. The second night of --night2-customers customers (~2.5 accounts each, 10% of balances
  // changed, a few accounts new) into a copy of the database holding the first night.
  const customers = Number(opt('night2-customers', quick ? 20_000 : 1_000_000));
  const d = await dataset(`night2-${customers}`, { customers, days: 2, txns: 1000 });
  const base = baseDb(`night2-${customers}`, [...baseFiles(d), snapshotFiles(d)[0]]);
  const snap = snapshotFiles(d)[1];
  const refSql = `PRAGMA page_size = 16384;\nCREATE TABLE accounts (as_of TEXT, account_id TEXT PRIMARY KEY, customer_id TEXT, product_type TEXT, currency TEXT, balance REAL, rm_id TEXT, loan_class TEXT, interest_rate REAL, opened_on TEXT, status TEXT);\n.mode csv\n.import --skip 1 ${snap} accounts\n`;
  const { crmRuns, refRuns, floorRuns, out } = alternateWithSqlite(base, join(dir, 'night2.db'), join(dir, 'night2-ref.db'), snap, refSql, ['snapshot']);
  say(`\n## The second nightly snapshot of ${fmt(customers)} customers (${mb(statSync(snap).size)}): ${/\): ([\d,]+ read[^\n]*)/.exec(out)?.[1] ?? ''}`);
  sayRatio(crmRuns, refRuns, 'sqlite3 .import (typed, account_id the primary key)', floorRuns);
}

if (only.has('nights')) {
  // 3. Nightly snapshots in a row: storage grows with change, not with days.
  const d = await dataset('nights', { customers: Math.round(sizes.nightAccounts / 2.5), days: sizes.nights, txns: 1000 });
  const db = join(dir, 'nights.db');
  rmDb(db);
  crm(db, 'import', ...baseFiles(d));
  const snaps = snapshotFiles(d);
  let total = 0;
  let maxRss = 0;
  let rows = 0;
  for (const f of snaps) {
    const c = crm(db, 'import', f);
    total += c.secs;
    maxRss = Math.max(maxRss, c.rssKb ?? 0);
    rows += Number(/(\d[\d,]*) read/.exec(c.stdout)?.[1].replace(/,/g, '') ?? 0);
  }
  spawnSync('sqlite3', [db, 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;']);
  const status = JSON.parse(crm(db, 'status', '--format', 'json').stdout);
  const balanceRows = status.counts.balances;
  const size = statSync(db).size;
  say(`\n## ${snaps.length} nightly snapshots of ~${fmt(rows / snaps.length)} accounts (~10% of balances change a day)`);
  say(`time per night: ${(total / snaps.length).toFixed(2)} s (${fmt(rows / total)} rows/s), peak RSS ${mb(maxRss * 1024)}`);
  say(`snapshot rows read: ${fmt(rows)}; balance rows stored: ${fmt(balanceRows)} (${((balanceRows / rows) * 100).toFixed(1)}% of day-by-day)`);
  say(`database size after ${snaps.length} nights: ${mb(size)}; ${fmt(size / balanceRows, 1)} bytes per stored balance change (whole file)`);
}

if (only.has('reports')) {
  // 4. Reports over a realistic branch vs DuckDB on the same question.
  const d = await dataset('reports', { customers: sizes.reportCustomers, days: sizes.reportDays, txns: sizes.reportTxns });
  const db = join(dir, 'reports.db');
  const snaps = snapshotFiles(d);
  const asOf = /(\d{4}-\d{2}-\d{2})/.exec(snaps[snaps.length - 1])[1];
  const from = /(\d{4}-\d{2}-\d{2})/.exec(snaps[0])[1];
  if (!existsSync(db) || !existsSync(`${db}.done`)) {
    rmDb(db);
    process.stdout.write('importing the reports data set … ');
    const t0 = Date.now();
    crm(db, 'import', ...baseFiles(d));
    for (const f of snaps) crm(db, 'import', f);
    crm(db, 'import', join(d, 'transactions.csv'), join(d, 'targets.csv'));
    writeFileSync(`${db}.done`, '');
    process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  // A data set kept from an older crm is migrated first, untimed (the reports open it read-only).
  crm(db, 'status');
  say(`\n## Reports: ${fmt(sizes.reportCustomers)} customers, ${snaps.length} days of snapshots, ${fmt(sizes.reportTxns)} transactions`);
  const days = snaps.length;
  const duckDb = await duckReference(join(dir, 'reports.duckdb'), d, snaps);
  const con = duckDb?.con;
  const duckQuery = duckDb?.query;
  const { perCustomerSql, perRmSql } = duckQuestions(from, asOf, days);
  // One untimed round first (the 1.4 GB database must come back into the page cache after the
  // import benchmarks: first runs were up to 1.9× slower, for crm and DuckDB alike), then each
  // report and its DuckDB question REPEAT times, alternating; medians are compared and every
  // time is printed (a shared machine varies by 10% and more from one run to the next).
  const segRuns = [];
  const rmRuns = [];
  const custRuns = [];
  const rmDuckRuns = [];
  for (let i = -WARMUP; i < REPEAT; i++) {
    const seg = crm(db, 'segment', '--as-of', asOf, '--window', String(days), '--format', 'csv', '--out', '/dev/null');
    const cust = con && (await duckQuery(perCustomerSql));
    const rmr = crm(db, 'rm-report', '--from', from, '--to', asOf, '--format', 'csv', '--out', '/dev/null');
    const rmDuck = con && (await duckQuery(perRmSql));
    if (i < 0) continue;
    segRuns.push(seg);
    rmRuns.push(rmr);
    if (con) { custRuns.push(cust); rmDuckRuns.push(rmDuck); }
  }
  const seg = median(segRuns);
  const rmr = median(rmRuns);
  say(`crm segment (window ${days} days): ${seg.secs.toFixed(2)} s median of ${times(segRuns)}, peak RSS ${peakRss(segRuns)}`);
  say(`crm rm-report (${from} to ${asOf}): ${rmr.secs.toFixed(2)} s median of ${times(rmRuns)}, peak RSS ${peakRss(rmRuns)}`);
  if (con) {
    const perCustomer = median(custRuns);
    const perRm = median(rmDuckRuns);
    say(`DuckDB, same question from the day-by-day table: ADB per customer ${perCustomer.secs.toFixed(2)} s median of ${times(custRuns)} (${fmt(perCustomer.rows)} rows), per RM ${perRm.secs.toFixed(2)} s median of ${times(rmDuckRuns)}`);
    say(`ratio crm segment ÷ DuckDB = ${(seg.secs / perCustomer.secs).toFixed(2)}; crm rm-report ÷ DuckDB = ${(rmr.secs / perRm.secs).toFixed(2)}`);
    con.closeSync?.();
  }
}
if (only.has('derived')) {
  // 5. Daily balances from balance_after: the report data set's transactions (their first rows)
  // into a database holding only the first day's snapshot, so that every later day's balance of
  // every account comes from its last transaction, and rows naming accounts opened later are
  // rejected. The hardest import for memory and time per row.
  const d = await dataset('reports', { customers: sizes.reportCustomers, days: sizes.reportDays, txns: sizes.reportTxns });
  const base = join(dir, 'derived-base.db');
  const first = snapshotFiles(d)[0];
  const stamp = `${base}.done`;
  // The base and the cut files belong to one generation of the data set (--quick makes a smaller one in the same place).
  const generation = `${first} ${readFileFileSafe(join(d, '.options.json'))}`;
  const file = join(dir, `derived-${sizes.derivedTxns}.csv`);
  if (!existsSync(stamp) || readFileFileSafe(stamp) !== generation) {
    rmDb(base);
    for (const f of readdirSync(dir)) if (/^derived-\d+\.csv$/.test(f)) rmSync(join(dir, f));
    crm(base, 'import', ...baseFiles(d), first);
    writeFileSync(stamp, generation);
  }
  crm(base, 'status'); // migrated, if an older crm made it, before it is copied and timed
  if (!existsSync(file)) spawnSync('sh', ['-c', `head -n ${sizes.derivedTxns + 1} '${join(d, 'transactions.csv')}' > '${file}'`]);
  const db = join(dir, 'derived.db');
  rmDb(db);
  spawnSync('cp', [base, db]);
  const c = crm(db, 'import', file);
  const derived = Number(/(\d+) daily balance\(s\) recorded from balance_after/.exec(c.stdout + c.stderr)?.[1] ?? 0);
  const rejected = /([\d,]+) rejected/.exec(c.stdout)?.[1] ?? '?';
  say(`\n## ${fmt(sizes.derivedTxns)} transactions on a first-day snapshot (balances from balance_after, ${mb(statSync(file).size)})`);
  say(`crm import: ${c.secs.toFixed(2)} s, ${fmt(sizes.derivedTxns / c.secs)} rows/s, ${fmt(derived)} daily balances derived, ${rejected} rows rejected (accounts opened later), peak RSS ${mb(c.rssKb * 1024)}`);
}
if (only.has('city')) {
  // 6. Every report view at city scale: one run each (a run takes seconds to a minute), time and peak RSS.
  const customers = num('city-customers', 1_000_000, 20_000);
  const txns = num('city-txns', 3_000_000, 60_000);
  // Nightly snapshots from 2026-09-01; the views end on the last of them (as-of).
  const days = num('city-days', 10, 10);
  const day = (k) => new Date(Date.UTC(2026, 8, 1 + k)).toISOString().slice(0, 10);
  const asOf = day(days - 1);
  const from10 = day(Math.max(0, days - 10));
  const compare = day(days - 6);
  // Account numbers by customer (the generator's default), or in opening order (a customer's accounts far apart).
  const numbers = String(opt('city-account-numbers', 'customer'));
  const gen = ['--customers', customers, '--days', days, '--txns', txns, '--rms', 400, '--seed', 5, '--start', '2026-09-01',
    ...(numbers === 'customer' ? [] : ['--account-numbers', numbers])].map(String);
  // The 10-day data set keeps its cache name (city-N); other lengths and numberings get their own.
  const d = join(dir, `city-${customers}${days === 10 ? '' : `-${days}d`}${numbers === 'customer' ? '' : `-${numbers}`}`);
  const db = `${d}.db`;
  const stamp = `${db}.done`;
  if (readFileFileSafe(stamp) !== gen.join(' ')) {
    rmDb(db);
    rmSync(d, { recursive: true, force: true });
    process.stdout.write(`generating and importing the city data set (${gen.join(' ')}) … `);
    const t0 = Date.now();
    const g = spawnSync(process.execPath, [join(root, 'scripts', 'gen-samples.js'), ...gen, '--out', d], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gen-samples failed: ${g.stderr}`);
    // Reference data, then the snapshots (transactions need their accounts), then the rest.
    crm(db, 'import', ...baseFiles(d));
    crm(db, 'import', join(d, 'accounts'));
    crm(db, 'import', join(d, 'transactions.csv'), join(d, 'targets.csv'));
    writeFileSync(stamp, gen.join(' '));
    process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  crm(db, 'status'); // migrated first, untimed, if an older crm made it
  const out = join(dir, 'city-out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const o = (f) => join(out, f);
  const plan = join(root, 'samples', 'plan.yaml');
  const views = [
    [`segment --as-of ${asOf} --window 10`, ['segment', '--as-of', asOf, '--window', '10', '--format', 'csv', '--out', o('summary.csv')], 3],
    [`segment --as-of ${asOf} --window 5 (a window inside the data)`, ['segment', '--as-of', asOf, '--window', '5', '--format', 'csv', '--out', o('summary-5.csv')], 5],
    ['segment … --by rm', ['segment', '--as-of', asOf, '--window', '10', '--by', 'rm', '--format', 'csv', '--out', o('by-rm.csv')], 5],
    ['segment … --detail --format csv --out', ['segment', '--as-of', asOf, '--window', '10', '--detail', '--format', 'csv', '--out', o('detail.csv')], 3],
    [`segment --window 5 --compare ${compare}`, ['segment', '--as-of', asOf, '--window', '5', '--compare', compare, '--format', 'csv', '--out', o('compare.csv')], 5],
    ['segment … rfm', ['segment', '--as-of', asOf, '--window', '10', 'rfm', '--format', 'csv', '--out', o('rfm.csv')], 5],
    ['segment … rfm --detail --format csv --out', ['segment', '--as-of', asOf, '--window', '10', 'rfm', '--detail', '--format', 'csv', '--out', o('rfm-detail.csv')], 5],
    [`rm-report --from ${from10} --to ${asOf} --plan --statements`, ['rm-report', '--from', from10, '--to', asOf, '--plan', plan, '--statements', o('statements')], 3],
    [`report --html --as-of ${asOf} --window 10`, ['report', '--html', o('report.html'), '--as-of', asOf, '--window', '10'], 10],
    [`watch --as-of ${asOf} --window 10`, ['watch', '--as-of', asOf, '--window', '10', '--format', 'csv', '--out', o('watch.csv')], 5],
    [`coverage --as-of ${asOf} --window 10`, ['coverage', '--as-of', asOf, '--window', '10', '--format', 'csv', '--out', o('coverage.csv')], 5],
    [`channels --as-of ${asOf} --window 10`, ['channels', '--as-of', asOf, '--window', '10', '--format', 'csv', '--out', o('channels.csv')], 5],
  ];
  say(`\n## Reports at city scale: ${fmt(customers)} customers, ${days} days of snapshots, ${fmt(txns)} transactions, 400 RMs`);
  // Targets at 1M customers (issues 18 and 22): the time each view's last column names, every
  // peak under 400 MB.
  say('| command | time | peak RSS | target at 1M customers | met |');
  say('|---|---|---|---|---|');
  const secs = {};
  for (const [name, argv, limit] of views) {
    const c = crm(db, ...argv);
    secs[name] = c.secs;
    const met = c.secs <= limit && c.rssKb * 1024 < 400 * 1024 * 1024;
    say(`| \`crm ${name}\` | ${c.secs.toFixed(1)} s | ${mb(c.rssKb * 1024)} | ≤ ${limit} s, < 400 MB | ${met ? 'yes' : 'no'} |`);
  }
  // Issue 18's reference: DuckDB answering the summary's and rm-report's questions from the same
  // snapshots loaded day by day (cached in DIR/city-N.duckdb), the better of two runs each.
  const duckDb = await duckReference(`${d}.duckdb`, d, snapshotFiles(d));
  if (duckDb) {
    const q = duckQuestions(from10, asOf, 10);
    const best = async (sql) => Math.min((await duckDb.query(sql)).secs, (await duckDb.query(sql)).secs);
    const perCustomer = await best(q.perCustomerSql);
    const perRm = await best(q.perRmSql);
    say(`DuckDB, from the day-by-day table: ADB per customer ${perCustomer.toFixed(2)} s, deposit ADB per RM ${perRm.toFixed(2)} s`);
    say(`ratio crm segment (summary) ÷ DuckDB = ${(secs[views[0][0]] / perCustomer).toFixed(2)}; crm rm-report (with statements) ÷ DuckDB = ${(secs[views.find(([n]) => n.startsWith('rm-report'))[0]] / perRm).toFixed(2)}`);
    duckDb.con.closeSync?.();
  }
  // The summary's floor in SQLite alone (scripts/report-floor.js): the reads it needs, bare.
  const floor = spawnSync(process.execPath, [join(root, 'scripts', 'report-floor.js'), db, asOf, '10'], { encoding: 'utf8' });
  if (floor.status !== 0) throw new Error(`report-floor failed: ${floor.stderr}`);
  say(`\nThe summary's reads in SQLite alone (scripts/report-floor.js):\n\n${floor.stdout.trim()}`);
}
if (only.has('province')) {
  // 7. A province: N branches exported to Parquet side by side, DuckDB's reports over 1 … N of them.
  const n = num('province-branches', 20, 2);
  const gen = { customers: num('province-customers', 100_000, 2_000), days: num('province-days', 90, 30), txns: num('province-txns', 300_000, 20_000), rms: 40, start: '2026-09-01' };
  const work = join(dir, `province-${gen.customers}x${gen.days}`);
  const pq = join(work, 'parquet');
  mkdirSync(work, { recursive: true });
  const tags = Array.from({ length: n }, (_, i) => `B${String(i + 1).padStart(2, '0')}`);
  let exportSecs = 0;
  let exportRssKb = 0;
  for (const [i, tag] of tags.entries()) {
    const stamp = join(work, `${tag}.done`);
    if (readFileFileSafe(stamp) === JSON.stringify(gen)) continue;
    process.stdout.write(`branch ${tag}: generating, importing, exporting … `);
    rmSync(join(work, tag), { recursive: true, force: true });
    rmDb(join(work, `${tag}.db`));
    const fx = join(work, 'fx_rates.csv'); // the first branch's rates, every branch's
    const r = makeBranch({ work, parquet: pq, tag, seed: i + 1, gen, fxFrom: i === 0 ? undefined : fx });
    if (i === 0) cpSync(join(work, tag, 'fx_rates.csv'), fx);
    rmSync(join(work, tag), { recursive: true, force: true }); // the CSVs: imported, not needed again
    writeFileSync(stamp, JSON.stringify(gen));
    process.stdout.write(`export ${(r.exportMs / 1000).toFixed(1)} s\n`);
  }
  // The export timed again for the first branch (into a scratch folder), with its peak memory.
  const scratch = join(work, 'export-timed');
  rmSync(scratch, { recursive: true, force: true });
  const e = crm(join(work, `${tags[0]}.db`), 'export', '--parquet', scratch, '--branch-tag', tags[0]);
  exportSecs = e.secs;
  exportRssKb = e.rssKb;
  const sizeOf = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + sizeOf(join(p, f)), 0) : statSync(p).size);
  say(`\n## A province on DuckDB: ${n} generated branches × ${fmt(gen.customers)} customers, ${gen.days} days, ${fmt(gen.txns)} transactions, ${gen.rms} RMs each`);
  say(`crm export --parquet, one branch: ${exportSecs.toFixed(1)} s, peak RSS ${mb(exportRssKb * 1024)}; SQLite file ${mb(sizeOf(join(work, `${tags[0]}.db`)))}, its Parquet ${mb(sizeOf(scratch))}; all ${n} branches' Parquet ${mb(sizeOf(pq))}`);
  const one = join(work, `${tags[0]}.db`);
  const last = new Date(Date.parse(`${gen.start}T00:00:00Z`) + (gen.days - 1) * 86400000).toISOString().slice(0, 10);
  const asOf = ['--as-of', last];
  const period = ['--from', `${last.slice(0, 7)}-01`, '--to', last];
  const steps = [...new Set([1, Math.floor(n / 4), Math.floor(n / 2), n].filter((k) => k >= 1))];
  say('| branches | customers | segment (DuckDB) | segment --detail (DuckDB) | rm-report (DuckDB) | peak RSS |');
  say('|---|---|---|---|---|---|');
  for (const k of steps) {
    const sub = k === n ? pq : join(work, `parquet-${k}`);
    if (k !== n) {
      rmSync(sub, { recursive: true, force: true });
      for (const t of readdirSync(pq)) for (const tag of tags.slice(0, k)) cpSync(join(pq, t, `branch=${tag}`), join(sub, t, `branch=${tag}`), { recursive: true });
    }
    const duck = (...a) => timed(crmBin, [...a, '--engine', 'duckdb', '--data', sub, '--format', 'csv', '--out', join(work, 'out.csv')]);
    const s = duck('segment', ...asOf);
    const d = duck('segment', '--detail', ...asOf);
    const r = duck('rm-report', ...period);
    say(`| ${k} | ${fmt(k * gen.customers)} | ${s.secs.toFixed(1)} s | ${d.secs.toFixed(1)} s | ${r.secs.toFixed(1)} s | ${mb(Math.max(s.rssKb, d.rssKb, r.rssKb) * 1024)} |`);
  }
  const s1 = crm(one, 'segment', ...asOf, '--format', 'csv', '--out', join(work, 'out.csv'));
  const r1 = crm(one, 'rm-report', ...period, '--format', 'csv', '--out', join(work, 'out.csv'));
  say(`SQLite, one branch: segment ${s1.secs.toFixed(1)} s (${mb(s1.rssKb * 1024)}), rm-report ${r1.secs.toFixed(1)} s (${mb(r1.rssKb * 1024)})`);
}
writeFileSync(join(dir, 'last-results.txt'), results.join('\n') + '\n');
