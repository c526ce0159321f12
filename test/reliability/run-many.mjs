/**
 * Runs many `crm` command lines inside ONE node process (spawning node per file costs
 * ~0.3 s; the corpora have hundreds of files). For each job: table counts before, main()
 * with stdout/stderr captured, table counts and new import_log rows after. One JSON line per
 * job is appended to the results file as soon as the job ends, so a hang (caught by the
 * caller's timeout) shows which job it was in. Usage: node run-many.mjs jobs.json results.jsonl
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { main } from '../../dist/cli/main.js';

const TABLES = ['rms', 'customers', 'customer_rm_history', 'accounts', 'balances', 'snapshot_dates', 'transactions', 'txn_daily', 'targets', 'fx_rates', 'import_log'];

function snapshot(path) {
  if (!path || !existsSync(path)) return null;
  let db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const counts = {};
    for (const t of TABLES) counts[t] = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get();
    const maxLog = db.prepare('SELECT coalesce(max(import_id), 0) FROM import_log').pluck().get();
    return { counts, maxLog, db };
  } catch (e) {
    db?.close();
    return { error: String(e.message) };
  }
}

const [jobsFile, outFile] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
writeFileSync(outFile, '');
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
for (const [i, job] of jobs.entries()) {
  appendFileSync(outFile, JSON.stringify({ i, started: true, label: job.label }) + '\n');
  const before = snapshot(job.db);
  before?.db?.close();
  let out = '';
  let err = '';
  process.stdout.write = (s) => { out += String(s); return true; };
  process.stderr.write = (s) => { err += String(s); return true; };
  const t0 = Date.now();
  let code;
  let thrown = null;
  try {
    code = await main(['node', 'crm', ...job.args]);
  } catch (e) {
    thrown = String(e?.stack ?? e);
    code = -1;
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  const ms = Date.now() - t0;
  const after = snapshot(job.db);
  let logs = [];
  let byImport = {};
  if (after?.db) {
    logs = after.db.prepare('SELECT import_id, kind, status, rows_read, rows_loaded, rows_rejected, message FROM import_log WHERE import_id > ? ORDER BY import_id').all(before?.maxLog ?? 0);
    for (const l of logs) byImport[l.import_id] = after.db.prepare('SELECT count(*) FROM transactions WHERE seq >= ? AND seq < ?').pluck().get(l.import_id * 2 ** 32, (l.import_id + 1) * 2 ** 32);
    after.db.close();
  }
  appendFileSync(outFile, JSON.stringify({
    i, label: job.label, code, ms, stdout: out.slice(0, 4000), stderr: err.slice(0, 4000), thrown,
    before: before?.counts ?? null, after: after?.counts ?? null, afterError: after?.error ?? null, logs, txnsByImport: byImport,
  }) + '\n');
}
