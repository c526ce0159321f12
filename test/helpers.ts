/** Shared test helpers: temp work dirs, the built binary, fixture paths. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { DataError, UsageError } from '../src/errors.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const SHARED = resolve(ROOT, '../shared');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const BIN = join(ROOT, 'bin', 'crm.js');

const made: string[] = [];

/** A fresh temp directory (removed by cleanupTmp()). */
export function tmpDir(prefix = 'crm-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTmp(): void {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built binary (node bin/crm.js ...). Build first: npx tsc -p tsconfig.json. */
export function runCrm(args: string[], opts: SpawnSyncOptions = {}): RunResult {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CRM_DB: undefined as unknown as string, ...(opts.env ?? {}) },
    maxBuffer: 64 * 1024 * 1024,
    ...opts,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Writes files (name → text or bytes) into dir; returns their paths in the given order. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string[] {
  return Object.entries(files).map(([name, body]) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  });
}

/** Opens a database read-only with better-sqlite3 directly. */
export function openRaw(path: string, readonly = true): Database.Database {
  return new Database(path, { readonly, fileMustExist: true });
}

export function count(db: Database.Database, table: string, where = ''): number {
  return db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number;
}

/** Parses a small CSV written by the rejects file (RFC 4180, no embedded newlines needed). */
export function parseSimpleCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') { f += '"'; i++; } else q = false;
      } else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; }
    else if (c !== '\r') f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

/** Runs fn, expects a UsageError (exit 2) and returns it for message checks. */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(e)}`);
    return e;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

/**
 * The summaries maintained with every balance write, recomputed here from the rows alone
 * (a plain loop, not the SQL that maintains them): each row's end_num (the day before the
 * next row) and cum (Σ balance × days of the earlier rows), each account's span (first and
 * last row) on accounts, and customer_spans. Returns one line per disagreement; [] when all agree.
 */
export function balanceSummaryMismatches(db: Database.Database): string[] {
  const out: string[] = [];
  const rows = db.prepare('SELECT account_id, as_of, day_num, end_num, balance, cum, rm_id, loan_class, source FROM balances ORDER BY account_id, as_of').all() as
    { account_id: string; as_of: string; day_num: number; end_num: number; balance: number; cum: number; rm_id: string | null; loan_class: string | null; source: string }[];
  const spans = new Map<string, unknown[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const next = rows[i + 1]?.account_id === r.account_id ? rows[i + 1] : undefined;
    const prev = rows[i - 1]?.account_id === r.account_id ? rows[i - 1] : undefined;
    const end = next ? next.day_num - 1 : 99999999;
    const cum = prev ? prev.cum + prev.balance * (prev.end_num - prev.day_num + 1) : 0;
    if (r.end_num !== end) out.push(`${r.account_id} ${r.as_of}: end_num ${r.end_num}, expected ${end}`);
    if (r.cum !== cum) out.push(`${r.account_id} ${r.as_of}: cum ${r.cum}, expected ${cum}`);
    const first = (prev ? (spans.get(r.account_id)?.[0] as number) : r.day_num);
    spans.set(r.account_id, [first, r.day_num, r.balance, r.cum, r.rm_id, r.loan_class, r.source]);
  }
  const accounts = db.prepare('SELECT account_id, bal_first, bal_last, bal_last_balance, bal_last_cum, bal_last_rm, bal_last_class, bal_last_source FROM accounts').raw().all() as unknown[][];
  for (const [id, ...span] of accounts) {
    const want = spans.get(id as string) ?? [null, null, null, null, null, null, null];
    if (JSON.stringify(span) !== JSON.stringify(want)) out.push(`${id}: span ${JSON.stringify(span)}, expected ${JSON.stringify(want)}`);
  }
  // customer_spans: per customer, each CNY account's C(x) = cum + balance × (x − last + 1) summed
  // by product and by last loan class, as a + b × x; checked at two days after every row.
  const info = db.prepare('SELECT account_id, customer_id, product_type, currency FROM accounts').raw().all() as string[][];
  const want = new Map<string, { first: number; last: number; c: Map<string, [number, number]> }>();
  for (const [acc, customer, product, currency] of info) {
    if (currency !== 'CNY' || !spans.has(acc)) continue;
    const [first, last, balance, cum, , cls] = spans.get(acc)! as [number, number, number, number, unknown, string];
    const w = want.get(customer) ?? { first, last, c: new Map<string, [number, number]>() };
    w.first = Math.min(w.first, first);
    w.last = Math.max(w.last, last);
    const keys = product === 'loan' || product === 'credit_card' ? [`${product}__${['special_mention', 'substandard', 'doubtful', 'loss'].includes(cls) ? cls : 'normal'}`] : [product];
    for (const k of keys) {
      const [c1, c2] = w.c.get(k) ?? [0, 0];
      // C at days D1 = 30000 and D2 = 30001 (after every row in the tests' data).
      w.c.set(k, [c1 + cum + balance * (30000 - last + 1), c2 + cum + balance * (30001 - last + 1)]);
    }
    want.set(customer, w);
  }
  const cols = (db.prepare('SELECT * FROM customer_spans').columns() as { name: string }[]).map((c) => c.name);
  const keys = cols.filter((c) => c.startsWith('a_')).map((c) => c.slice(2));
  const got = db.prepare('SELECT * FROM customer_spans').all() as Record<string, number | string>[];
  if (got.length !== want.size) out.push(`customer_spans: ${got.length} rows, expected ${want.size}`);
  for (const g of got) {
    const w = want.get(g.customer_id as string);
    if (!w) { out.push(`customer_spans: unexpected ${g.customer_id}`); continue; }
    if (g.bal_first !== w.first || g.bal_last !== w.last) out.push(`customer_spans ${g.customer_id}: first/last ${g.bal_first}/${g.bal_last}, expected ${w.first}/${w.last}`);
    for (const k of keys) {
      const a = g[`a_${k}`] as number;
      const b = g[`b_${k}`] as number;
      const [c1, c2] = w.c.get(k) ?? [0, 0];
      if (a + b * 30000 !== c1 || a + b * 30001 !== c2) out.push(`customer_spans ${g.customer_id} ${k}: ${a} + ${b}x, expected C(30000) = ${c1}, C(30001) = ${c2}`);
    }
  }
  return out;
}

/** Undoes schema version 6 on an open database: the observations table, import_log.effective_date and the record gone. */
export function undoObservations(db: Database.Database): void {
  db.exec('DROP TABLE customer_rm_observations; ALTER TABLE import_log DROP COLUMN effective_date; DELETE FROM schema_migrations WHERE version = 6');
}

/** Undoes schema version 7 on an open database (tests of older databases): the bank-generated columns and the record gone. */
export function undoBankColumns(db: Database.Database): void {
  const drop = (table: string, cols: string[]) => cols.map((c) => `ALTER TABLE ${table} DROP COLUMN ${c};`).join('\n');
  db.exec(`${drop('txn_daily', ['n_bank', 'abs_bank'])}
    ${drop('txn_monthly', ['n_bank', 'abs_bank', 'abs_bank_cny', 'last_cust_day'])}
    ${drop('txn_totals', ['n_bank', 'abs_bank', 'abs_bank_cny', 'last_cust_day'])}
    DELETE FROM schema_migrations WHERE version = 7`);
}

/** Undoes every schema version above `version` (down to 5), newest first: a database as an older crm left it. */
export function undoDownTo(db: Database.Database, version: number): void {
  if (version < 10) {
    db.exec(`DROP INDEX accounts_customer; CREATE INDEX accounts_customer ON accounts (customer_id);
      DELETE FROM schema_migrations WHERE version = 10`);
  }
  if (version < 9) db.exec('DROP INDEX IF EXISTS balances_downgraded; DELETE FROM schema_migrations WHERE version = 9');
  if (version < 8) undoPaySchema(db);
  if (version < 7) undoBankColumns(db);
  if (version < 6) undoObservations(db);
}

/**
 * Undoes schema versions 5 to 8 on an open database (tests of older databases): `transactions` a
 * table again, created as version 1 made it, with the labels spelled out; the labels' tables, the
 * observations, the bank-generated columns, the pay tables and the migrations' records gone.
 */
export function undoTxnLabels(db: Database.Database, migrationOneSql: string): void {
  undoDownTo(db, 5);
  const create = /CREATE TABLE transactions \([\s\S]*?\) WITHOUT ROWID;/.exec(migrationOneSql);
  if (!create) throw new Error('migration 1 no longer creates the transactions table');
  db.exec(`CREATE TEMP TABLE old_transactions AS SELECT * FROM transactions; DROP VIEW transactions; ${create[0]}
    INSERT INTO transactions SELECT * FROM old_transactions; DROP TABLE old_transactions;
    DROP TABLE transaction_rows; DROP TABLE txn_labels; DELETE FROM schema_migrations WHERE version = 5`);
}

/** Undoes schema version 8 (closed pay periods, events): its tables and its record gone. */
export function undoPaySchema(db: Database.Database): void {
  db.exec(`DROP TABLE IF EXISTS pay_loans; DROP TABLE IF EXISTS pay_entries; DROP TABLE IF EXISTS pay_statements;
    DROP TABLE IF EXISTS pay_closes; DROP TABLE IF EXISTS events; DELETE FROM schema_migrations WHERE version = 8`);
}

/** The message of the DataError that f throws (the test fails when it throws none or another error). */
export function dataError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}
