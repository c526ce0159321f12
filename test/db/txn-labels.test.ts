/**
 * Schema version 5: a transaction's currency, channel and type stored once in txn_labels, each
 * row holding their numbers; the view `transactions` spells them out as the table did.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/db/migrations.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { cleanupTmp, tmpDir, undoTxnLabels, writeFiles } from '../helpers.js';

afterAll(() => cleanupTmp());

const rejected: string[] = [];
const rejects: RejectsSink = { write: (f, l, c, r) => { rejected.push(`${l} ${c} ${r}`); } };
const HEAD = 'txn_id,account_id,posted_at,amount,currency,channel,txn_type,fee';

async function setup(): Promise<{ db: Db; dir: string }> {
  const dir = tmpDir();
  writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nRM1,A,personal,B1,10000\n',
    'customers.csv': 'customer_id,name,customer_type,rm_id,branch,opened_on\nC1,X,personal,RM1,B1,2020-01-01\n',
    'accounts.csv': 'as_of,account_id,customer_id,product_type,currency,balance\n2026-03-01,A1,C1,demand_deposit,CNY,100.00\n2026-03-01,U1,C1,demand_deposit,USD,5.00\n',
    // T2: no currency (the account's, USD), no channel; T3: no type; "柜台" is the counter.
    'a.csv': `${HEAD}\nT1,A1,2026-03-01 09:00,10.00,CNY,counter,deposit,0.50\nT2,U1,2026-03-01 10:00,-1.00,,,withdrawal,\nT3,A1,2026-03-02 09:00,-2.00,CNY,柜台,,\n`,
    // A second file: deposit and CNY again, one new type.
    'b.csv': `${HEAD}\nT4,A1,2026-03-03 09:00,3.00,CNY,e_banking,deposit,\nT5,A1,2026-03-03 10:00,4.00,CNY,e_banking,转账,\n`,
  });
  const db = openDb(join(dir, 'crm.db'), { create: true });
  await importFiles(db, ['rms.csv', 'customers.csv', 'accounts.csv', 'a.csv'].map((f) => join(dir, f)), { rejects });
  return { db, dir };
}

const viewRows = (db: Db) => db.prepare('SELECT * FROM transactions ORDER BY txn_id').raw().all();
const labels = (db: Db) => db.prepare('SELECT label FROM txn_labels ORDER BY label').pluck().all();

describe('transaction labels (schema version 5)', () => {
  it('the view gives each row its text back; each label is stored once; rows hold numbers', async () => {
    const { db, dir } = await setup();
    const seqA = db.prepare("SELECT min(seq) FROM transaction_rows").pluck().get() as number;
    expect(viewRows(db)).toEqual([
      ['T1', 'A1', '2026-03-01 09:00:00', 1000, 'CNY', 'counter', 'deposit', 50, null, seqA],
      ['T2', 'U1', '2026-03-01 10:00:00', -100, 'USD', null, 'withdrawal', null, null, seqA + 1],
      ['T3', 'A1', '2026-03-02 09:00:00', -200, 'CNY', 'counter', null, null, null, seqA + 2],
    ]);
    // CNY, USD, counter, deposit, withdrawal: five labels for nine texts.
    expect(labels(db)).toEqual(['CNY', 'USD', 'counter', 'deposit', 'withdrawal']);
    expect(db.prepare('SELECT DISTINCT typeof(currency_id) || typeof(channel_id) || typeof(txn_type_id) FROM transaction_rows ORDER BY 1').pluck().all())
      .toEqual(['integerintegerinteger', 'integerintegernull', 'integernullinteger']);
    // A second import reuses CNY, e_banking is new, deposit reused, 转账 new: 5 + 2 = 7.
    await importFiles(db, [join(dir, 'b.csv')], { rejects });
    expect(labels(db)).toEqual(['CNY', 'USD', 'counter', 'deposit', 'e_banking', 'withdrawal', '转账']);
    expect(viewRows(db).slice(3).map((r) => r.slice(0, 7))).toEqual([
      ['T4', 'A1', '2026-03-03 09:00:00', 300, 'CNY', 'e_banking', 'deposit'],
      ['T5', 'A1', '2026-03-03 10:00:00', 400, 'CNY', 'e_banking', '转账'],
    ]);
    expect(rejected).toEqual([]);
    db.close();
  });

  it('a file that fails takes its new labels with it', async () => {
    const { db, dir } = await setup();
    // A new type on line 2, then a row too short for the header: the file is one transaction, and
    // with --strict every row must load, so nothing of it stays.
    writeFiles(dir, { 'c.csv': `${HEAD}\nT6,A1,2026-03-04 09:00,1.00,CNY,counter,fx_swap,\nT7,A1\n` });
    const r = await importFiles(db, [join(dir, 'c.csv')], { rejects, strict: true });
    expect(r.rolledBack).toBe(true);
    expect(labels(db)).toEqual(['CNY', 'USD', 'counter', 'deposit', 'withdrawal']);
    expect(db.prepare('SELECT count(*) FROM transaction_rows').pluck().get()).toBe(3);
    rejected.length = 0;
    db.close();
  });

  it('a version 4 database: migration 5 moves every row, and the view reads as the table did', async () => {
    const { db, dir } = await setup();
    await importFiles(db, [join(dir, 'b.csv')], { rejects });
    const before = viewRows(db);
    undoTxnLabels(db, MIGRATIONS[0].sql);
    // Version 4 again: a table, the text in each row.
    expect(db.prepare("SELECT type FROM sqlite_master WHERE name = 'transactions'").pluck().get()).toBe('table');
    expect(db.prepare('SELECT * FROM transactions ORDER BY txn_id').raw().all()).toEqual(before);
    db.close();
    const again = openDb(join(dir, 'crm.db'));
    expect(again.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(again.prepare("SELECT type FROM sqlite_master WHERE name = 'transactions'").pluck().get()).toBe('view');
    expect(viewRows(again)).toEqual(before);
    expect(labels(again)).toEqual(['CNY', 'USD', 'counter', 'deposit', 'e_banking', 'withdrawal', '转账']);
    // Imports go on from the migrated labels: deposit and CNY reused, one new type.
    writeFiles(dir, { 'd.csv': `${HEAD}\nT8,A1,2026-03-05 09:00,1.00,CNY,counter,deposit,\nT9,A1,2026-03-05 10:00,1.00,CNY,counter,fee,\n` });
    await importFiles(again, [join(dir, 'd.csv')], { rejects });
    expect(labels(again)).toHaveLength(8);
    expect(viewRows(again).slice(-2).map((r) => r[6])).toEqual(['deposit', 'fee']);
    expect(rejected).toEqual([]);
    again.close();
  });
});
