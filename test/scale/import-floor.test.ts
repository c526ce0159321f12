/**
 * scripts/import-floor.js, the benchmark's floor for an import (sqlite3 loading a file and making
 * crm's writes set-based): it is only a fair reference if its writes are crm's. On a generated
 * branch (every account posts on the second day, 10% of balances change overnight), the floor's
 * database and crm's agree on every table the import writes: row counts and column sums. Needs the
 * sqlite3 command, 3.33 or later (skipped without it). Its usage error: exit 2.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/samples/generate.js';
import { cleanupTmp, openRaw, ROOT, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const FLOOR = join(ROOT, 'scripts', 'import-floor.js');
// The script needs UPDATE … FROM (SQLite 3.33) and .import --schema (3.32).
const sqliteVersion = /^3\.(\d+)\./.exec(spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).stdout ?? '');
const hasSqlite3 = sqliteVersion !== null && Number(sqliteVersion[1]) >= 33;

/** Per table the import writes: its row count and sums of the columns that carry its figures. */
const CHECKS: Record<string, string> = {
  transaction_rows: 'count(*), sum(amount), sum(fee), sum(balance_after), sum(length(txn_id))',
  txn_daily: 'count(*), sum(n), sum(n_counter), sum(n_self_service), sum(n_e_banking), sum(fee), sum(abs_amount), sum(last_balance)',
  txn_monthly: 'count(*), sum(n), sum(fee), sum(abs_amount), sum(length(customer_id))',
  txn_totals: 'count(*), sum(n), sum(fee), sum(abs_amount), sum(length(customer_id))',
  balances: "count(*), sum(balance), sum(day_num), sum(end_num), sum(cum), sum(source = 'C')",
  accounts: 'count(*), sum(bal_first), sum(bal_last), sum(bal_last_balance), sum(bal_last_cum)',
  customer_spans: 'count(*), sum(bal_first), sum(bal_last), sum(a_demand_deposit), sum(b_demand_deposit), sum(a_wealth), sum(b_loan__normal)',
};

function figures(db: string): Record<string, unknown[]> {
  const h = openRaw(db);
  try {
    return Object.fromEntries(Object.entries(CHECKS).map(([t, sql]) => [t, h.prepare(`SELECT ${sql} FROM ${t}`).raw().get() as unknown[]]));
  } finally {
    h.close();
  }
}

describe.skipIf(!hasSqlite3)('import-floor.js makes the writes crm makes', () => {
  let dir: string;
  let base: string;
  let snapshots: string[];
  beforeAll(async () => {
    dir = tmpDir('crm-floor-');
    await generate({ out: dir, rms: 6, customers: 400, startDate: '2026-08-30', days: 2, txns: 6000, changeRate: 1, seed: 11, corporateShare: 0.2, snapshotEvery: 1 });
    snapshots = readdirSync(join(dir, 'accounts')).sort().map((f) => join(dir, 'accounts', f));
    base = join(dir, 'base.db');
    const r = runCrm(['--db', base, 'import', ...['rms.csv', 'customers.csv', 'fx_rates.csv'].map((f) => join(dir, f)), snapshots[0]]);
    expect(r.code).toBe(0);
  }, 120_000);

  /** crm's import of `file` and the floor's, each on a copy of the base; both databases' figures. */
  function both(kind: string, file: string, ...floorArgs: string[]): [Record<string, unknown[]>, Record<string, unknown[]>] {
    const viaCrm = join(dir, `${kind}-crm.db`);
    const viaFloor = join(dir, `${kind}-floor.db`);
    copyFileSync(base, viaCrm);
    copyFileSync(base, viaFloor);
    const c = runCrm(['--db', viaCrm, 'import', file]);
    expect(c.code).toBe(0);
    expect(c.stdout + c.stderr).toMatch(/ 0 rejected/);
    const sql = spawnSync(process.execPath, [FLOOR, kind, file, ...floorArgs], { encoding: 'utf8' });
    expect(sql.status).toBe(0);
    const f = spawnSync('sqlite3', [viaFloor], { input: sql.stdout, encoding: 'utf8' });
    expect(f.stderr).toBe('');
    return [figures(viaCrm), figures(viaFloor)];
  }

  it('a one-day transactions file with balance_after: every account posts, so crm rebuilds every customer_spans row', () => {
    // The generator's second day only: rows of 2026-08-31 on accounts of the base's snapshot of the
    // 30th (an account opened on the 31st is a reject for crm, and only crm writes rejects).
    const known = new Set(readFileSync(snapshots[0], 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[1]));
    const lines = readFileSync(join(dir, 'transactions.csv'), 'utf8').trimEnd().split('\n');
    const day2 = [lines[0], ...lines.slice(1).filter((l) => l.split(',')[2].startsWith('2026-08-31') && known.has(l.split(',')[1]))];
    expect(day2.length).toBeGreaterThan(1000);
    const file = join(dir, 'day2.csv');
    writeFileSync(file, day2.join('\n') + '\n');
    const [crm, floor] = both('transactions', file, '--all-spans');
    expect(floor).toEqual(crm);
    // The file did write: a balance row per account that changed, day sums per account.
    const base0 = figures(base);
    expect(Number(crm.transaction_rows[0]) - Number(base0.transaction_rows[0])).toBe(day2.length - 1);
    expect(Number(crm.balances[0])).toBeGreaterThan(Number(base0.balances[0]));
  });

  it("the second night's full snapshot: changed rows, new accounts, closures and the touched customers' spans", () => {
    // Every 40th account left out: closed as absent that night.
    const lines = readFileSync(snapshots[1], 'utf8').trimEnd().split('\n');
    const file = join(dir, 'night2.csv');
    writeFileSync(file, lines.filter((_, i) => i === 0 || i % 40 !== 0).join('\n') + '\n');
    const [crm, floor] = both('snapshot', file);
    expect(floor).toEqual(crm);
    expect(Number(crm.balances[0])).toBeGreaterThan(Number(figures(base).balances[0]));
    // balances' last figure: the closures written, one per account left out.
    expect(crm.balances[5]).toBe(Math.floor((lines.length - 1) / 40));
  });
});

describe('import-floor.js usage', () => {
  it('without a kind and a file: exit 2 and the usage on stderr', () => {
    const r = spawnSync(process.execPath, [FLOOR, 'accounts'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: node scripts\/import-floor.js transactions\|snapshot FILE/);
    expect(r.stdout).toBe('');
  });
});
