/**
 * fee_cny / abs_cny of the foreign-currency transaction roll-ups (schema version 3): kept by the
 * importer, recomputed by every FX import, read by the reports. A day converts as a whole
 * (round(the day's fee × rate)), also when its transactions arrive in two files.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/db/migrations.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { customerTxns } from '../../src/metrics/engine.js';
import { cleanupTmp, tmpDir, undoTxnLabels, writeFiles } from '../helpers.js';

const noRejects: RejectsSink = { write: (f, l, c, r) => { throw new Error(`unexpected reject ${f}:${l} ${c} ${r}`); } };

afterAll(() => cleanupTmp());

const HEAD = 'txn_id,account_id,posted_at,amount,currency,channel,fee';

async function setup(): Promise<{ db: Db; dir: string }> {
  const dir = tmpDir();
  writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nRM1,A,personal,B1,10000\n',
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,X,personal,RM1,B1,2020-01-01\n',
    'accounts.csv': 'as_of,account_id,customer_id,product_type,currency,balance\n2026-03-01,U1,C1,demand_deposit,USD,100.00\n',
    // Day 1 in two files: fee 0.03 + 0.03 USD. At 7.15, each alone would be round(21.45) = 21 fen,
    // 42 together; the day as a whole is round(6 × 7.15) = round(42.9) = 43 fen.
    'a.csv': `${HEAD}\nT1,U1,2026-03-01 09:00,10.00,USD,counter,0.03\nT2,U1,2026-03-02 09:00,-1.01,USD,e_banking,\n`,
    'b.csv': `${HEAD}\nT3,U1,2026-03-01 15:00,-2.00,USD,counter,0.03\nT4,U1,2026-04-01 09:00,3.00,USD,counter,0.10\n`,
    'fx1.csv': 'date,currency,cny_per_unit\n2026-03-01,USD,7.15\n',
    'fx2.csv': 'date,currency,cny_per_unit\n2026-04-01,USD,7.00\n',
  });
  const db = openDb(join(dir, 'crm.db'), { create: true });
  await importFiles(db, ['rms.csv', 'customers.csv', 'accounts.csv'].map((f) => join(dir, f)), { rejects: noRejects });
  return { db, dir };
}

const rows = (db: Db, table: string) => db.prepare(`SELECT ${table === 'txn_monthly' ? 'month, ' : ''}fee, fee_cny, abs_amount, abs_cny FROM ${table} ORDER BY 1`).raw().all();

describe('foreign-currency roll-ups in CNY', () => {
  it('a day split over two files converts as a whole; each month and the total add their days', async () => {
    const { db, dir } = await setup();
    await importFiles(db, ['fx1.csv', 'fx2.csv', 'a.csv', 'b.csv'].map((f) => join(dir, f)), { rejects: noRejects });
    // March: 03-01 fee 6 fen → round(6 × 7.15) = 43; abs 1000 + 200 = 1200 → round(8580) = 8580.
    // 03-02: abs 101 → round(722.15) = 722. March abs = 8580 + 722 = 9302.
    // April (rate 7.00): fee 10 → 70; abs 300 → 2100.
    expect(rows(db, 'txn_monthly')).toEqual([['2026-03', 6, 43, 1301, 9302], ['2026-04', 10, 70, 300, 2100]]);
    expect(rows(db, 'txn_totals')).toEqual([[16, 113, 1601, 11402]]);
    const t = customerTxns(db, '2026-03-01', '2026-04-30');
    expect([t.fee_fen[0], t.abs_amount_fen[0]]).toEqual([113, 11402]);
    db.close();
  });

  it('transactions before their rates: NULL, then filled by the FX import; a missing rate still names itself', async () => {
    const { db, dir } = await setup();
    await importFiles(db, ['a.csv', 'b.csv'].map((f) => join(dir, f)), { rejects: noRejects });
    expect(rows(db, 'txn_totals')).toEqual([[16, null, 1601, null]]);
    expect(() => customerTxns(db, '2026-03-01', '2026-04-30')).toThrow('no exchange rate for USD on or before');
    // Only March's rate: April's day converts at it too (the latest on or before): 10 × 7.15 = 71.5 → 72; 300 × 7.15 = 2145.
    await importFiles(db, [join(dir, 'fx1.csv')], { rejects: noRejects });
    expect(rows(db, 'txn_monthly')).toEqual([['2026-03', 6, 43, 1301, 9302], ['2026-04', 10, 72, 300, 2145]]);
    // April's own rate corrects April only.
    await importFiles(db, [join(dir, 'fx2.csv')], { rejects: noRejects });
    expect(rows(db, 'txn_monthly')).toEqual([['2026-03', 6, 43, 1301, 9302], ['2026-04', 10, 70, 300, 2100]]);
    expect(rows(db, 'txn_totals')).toEqual([[16, 113, 1601, 11402]]);
    db.close();
  });

  it('a report reads fee_cny when set and converts day by day when it is not (same result)', async () => {
    const { db, dir } = await setup();
    await importFiles(db, ['fx1.csv', 'fx2.csv', 'a.csv', 'b.csv'].map((f) => join(dir, f)), { rejects: noRejects });
    const kept = customerTxns(db, '2026-03-01', '2026-04-30');
    db.exec('UPDATE txn_totals SET fee_cny = NULL, abs_cny = NULL; UPDATE txn_monthly SET fee_cny = NULL, abs_cny = NULL');
    expect(customerTxns(db, '2026-03-01', '2026-04-30')).toEqual(kept);
    expect(customerTxns(db, '2026-03-01', '2026-03-31').fee_fen).toEqual([43]);
    db.close();
  });

  it('a version 2 database gets the columns filled by migration 3', async () => {
    const { db, dir } = await setup();
    await importFiles(db, ['fx1.csv', 'fx2.csv', 'a.csv', 'b.csv'].map((f) => join(dir, f)), { rejects: noRejects });
    // Back to version 2: the columns, the later index and table changes, and their migration records gone.
    undoTxnLabels(db, MIGRATIONS[0].sql);
    db.exec(`ALTER TABLE txn_monthly DROP COLUMN fee_cny; ALTER TABLE txn_monthly DROP COLUMN abs_cny;
      ALTER TABLE txn_totals DROP COLUMN fee_cny; ALTER TABLE txn_totals DROP COLUMN abs_cny; DROP INDEX accounts_foreign;
      DELETE FROM schema_migrations WHERE version >= 3`);
    db.close();
    const again = openDb(join(dir, 'crm.db'));
    expect(again.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(rows(again, 'txn_monthly')).toEqual([['2026-03', 6, 43, 1301, 9302], ['2026-04', 10, 70, 300, 2100]]);
    expect(rows(again, 'txn_totals')).toEqual([[16, 113, 1601, 11402]]);
    again.close();
  });

  it('one account, one day, two currencies: a day sum each (USD, CNY, USD in a row)', async () => {
    const { db, dir } = await setup();
    writeFiles(dir, { 'mixed.csv': `${HEAD}\nM1,U1,2026-03-05 09:00,1.00,USD,counter,0.01\nM2,U1,2026-03-05 10:00,2.00,CNY,counter,0.50\nM3,U1,2026-03-05 11:00,3.00,USD,e_banking,0.02\n` });
    await importFiles(db, ['fx1.csv', 'mixed.csv'].map((f) => join(dir, f)), { rejects: noRejects });
    // USD: 2 transactions, fee 1 + 2 = 3 cents, |amount| 100 + 300 = 400; CNY: 1, fee 50, |amount| 200.
    expect(db.prepare('SELECT currency, n, n_counter, n_e_banking, fee, abs_amount FROM txn_daily ORDER BY currency').raw().all())
      .toEqual([['CNY', 1, 1, 0, 50, 200], ['USD', 2, 1, 1, 3, 400]]);
    // The customer's fees in CNY: 50 + round(3 × 7.15 = 21.45) = 50 + 21 = 71 fen.
    expect(customerTxns(db, '2026-03-01', '2026-03-31').fee_fen).toEqual([71]);
    db.close();
  });
});
