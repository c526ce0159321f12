/**
 * Schema version 9: the partial index of loan rows in a class other than normal. A version 8
 * database gets it when opened writable, holding exactly those rows, and crm watch's loan
 * downgrades, read through it, are the same. Version 10: accounts_customer carries the columns
 * the reports read of a customer's accounts; a version 9 database gets it, and the reports read
 * the accounts from it alone.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';
import { cleanupTmp, count, openRaw, runCrm, tmpDir, undoDownTo } from '../helpers.js';
import { writeWatchFixture } from '../watch/watch-fixture.js';

afterAll(cleanupTmp);

describe('migration to version 9', () => {
  it('a version 8 database gets balances_downgraded with the rows in a worse class, and the watch list is the same', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    expect(runCrm(['--db', db, 'import', ...writeWatchFixture(dir)], { cwd: dir }).code).toBe(0);
    const list = runCrm(['--db', db, 'watch', '--format', 'csv']);
    expect(list.code).toBe(0);
    const raw = openRaw(db, false);
    undoDownTo(raw, 8);
    expect(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'balances_downgraded'").pluck().get()).toBe(0);
    raw.close();
    // crm watch opens the database writable: it migrates, then lists the same calls.
    const again = runCrm(['--db', db, 'watch', '--format', 'csv']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(list.stdout);
    expect(again.stdout).toContain('loan_downgrade');
    const m = openRaw(db);
    expect(m.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(m.prepare('SELECT name FROM schema_migrations WHERE version = 9').pluck().get()).toBe('loan rows in a class other than normal indexed');
    // The fixture's loans L1 and L2 each turn substandard once: the index holds those rows and no others.
    const worse = count(m, 'balances', "WHERE loan_class IS NOT NULL AND loan_class != 'normal'");
    expect(worse).toBeGreaterThanOrEqual(2);
    expect(m.prepare('SELECT count(*) FROM balances INDEXED BY balances_downgraded WHERE loan_class IS NOT NULL AND loan_class != \'normal\'').pluck().get()).toBe(worse);
    m.close();
  });
});

describe('migration to version 10', () => {
  it('a version 9 database gets accounts_customer with the spans, the reports read accounts from it alone, and their figures are the same', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    expect(runCrm(['--db', db, 'import', ...writeWatchFixture(dir)], { cwd: dir }).code).toBe(0);
    const views = [['segment', '--window', '5', '--detail', '--format', 'csv'], ['watch', '--format', 'csv'], ['segment', 'rfm', '--detail', '--format', 'csv']];
    const before = views.map((v) => runCrm(['--db', db, ...v]));
    for (const r of before) expect(r.code).toBe(0);
    const raw = openRaw(db, false);
    undoDownTo(raw, 9);
    const columns = () => raw.prepare("SELECT name FROM pragma_index_info('accounts_customer') ORDER BY seqno").pluck().all();
    expect(columns()).toEqual(['customer_id']);
    raw.close();
    // crm status opens the database writable: it migrates.
    expect(runCrm(['--db', db, 'status']).code).toBe(0);
    const m = openRaw(db, false);
    expect(m.prepare('SELECT name FROM schema_migrations WHERE version = 10').pluck().get()).toBe('accounts by customer with their spans');
    expect(m.prepare("SELECT name FROM pragma_index_info('accounts_customer') ORDER BY seqno").pluck().all()).toEqual(['customer_id', 'currency', 'product_type',
      'bal_first', 'bal_last', 'bal_last_cum', 'bal_last_balance', 'bal_last_class', 'bal_last_rm', 'bal_last_source']);
    // A customer's accounts with every column the balance sums and the states on a day read: from the index, no seek in the table.
    const plan = m.prepare(`EXPLAIN QUERY PLAN SELECT a.account_id, a.product_type, a.bal_first, a.bal_last, a.bal_last_cum, a.bal_last_balance, a.bal_last_class,
      a.bal_last_rm, a.bal_last_source FROM customer_spans cs CROSS JOIN accounts a ON a.customer_id = cs.customer_id WHERE a.currency = 'CNY'`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH a USING COVERING INDEX accounts_customer/);
    m.close();
    const after = views.map((v) => runCrm(['--db', db, ...v]));
    after.forEach((r, k) => expect(r.stdout).toBe(before[k].stdout));
  });
});
