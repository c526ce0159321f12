/**
 * Schema version 6: each customers file's assignments kept as dated observations, the RM history
 * rebuilt from them (module level; the binary's side is test/cli/nightly.test.ts).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';
import { importFiles, type RejectsSink } from '../../src/import/index.js';
import { cleanupTmp, tmpDir, undoDownTo, writeFiles } from '../helpers.js';

afterAll(() => cleanupTmp());

const rejects: RejectsSink = { write: () => {} };
const HEAD = 'customer_id,name,customer_type,rm_id,branch,opened_on';
const history = (db: Db, c: string) => db.prepare('SELECT effective_from, rm_id, from_num, to_num FROM customer_rm_history WHERE customer_id = ? ORDER BY 1').raw().all(c);

async function setup(): Promise<{ db: Db; dir: string }> {
  const dir = tmpDir();
  writeFiles(dir, {
    'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nRM1,A,personal,B1,10000\nRM2,B,personal,B1,10000\nRM3,C,personal,B1,10000\n',
    'customers.csv': `${HEAD}\nC1,X,personal,RM1,B1,2020-01-01\n`,
    'customers_2026-03-10.csv': `${HEAD}\nC1,X,personal,RM2,B1,2020-01-01\n`,
    'customers_2026-03-20.csv': `${HEAD}\nC1,X,personal,RM1,B1,2020-01-01\n`,
    'customers_2026-03-15.csv': `${HEAD}\nC1,X,personal,RM2,B1,2020-01-01\n`,
    'customers_2026-03-05.csv': `${HEAD}\nC1,X,personal,RM3,B1,2020-01-01\n`,
  });
  const db = openDb(join(dir, 'crm.db'), { create: true });
  await importFiles(db, ['rms.csv', 'customers.csv', 'customers_2026-03-10.csv', 'customers_2026-03-20.csv'].map((f) => join(dir, f)), { rejects });
  return { db, dir };
}

// Day numbers (days since 1970-01-01): 2026-03-05 = 20517, 03-10 = 20522, 03-15 = 20527, 03-20 = 20532.
describe('customer RM observations (schema version 6)', () => {
  it('intervals from the observations: earliest from the start, each later one from its date, equal neighbours collapse', async () => {
    const { db, dir } = await setup();
    expect(history(db, 'C1')).toEqual([['0001-01-01', 'RM1', -719162, 20521], ['2026-03-10', 'RM2', 20522, 20531], ['2026-03-20', 'RM1', 20532, 99999999]]);
    // A file dated inside a run of RM2 that says RM2: nothing changes, 0 updated.
    const same = await importFiles(db, [join(dir, 'customers_2026-03-15.csv')], { rejects });
    expect(same.files[0]).toMatchObject({ updated: 0, skipped: 1, reassigned: 0 });
    expect(history(db, 'C1')).toEqual([['0001-01-01', 'RM1', -719162, 20521], ['2026-03-10', 'RM2', 20522, 20531], ['2026-03-20', 'RM1', 20532, 99999999]]);
    // A file dated before the 10th saying RM3 splits the first interval; the later ones stay.
    const early = await importFiles(db, [join(dir, 'customers_2026-03-05.csv')], { rejects });
    expect(early.files[0]).toMatchObject({ updated: 1, reassigned: 1, effectiveDate: { date: '2026-03-05', source: 'file name' } });
    expect(history(db, 'C1')).toEqual([
      ['0001-01-01', 'RM1', -719162, 20516], ['2026-03-05', 'RM3', 20517, 20521], ['2026-03-10', 'RM2', 20522, 20531], ['2026-03-20', 'RM1', 20532, 99999999],
    ]);
    expect(db.prepare("SELECT rm_id FROM customers WHERE customer_id = 'C1'").pluck().get()).toBe('RM1');
    db.close();
  });

  it('a version 5 database: migration 6 turns each history row into an observation, which rebuilds the same history', async () => {
    const { db, dir } = await setup();
    const before = history(db, 'C1');
    undoDownTo(db, 5);
    db.close();
    const again = openDb(join(dir, 'crm.db'));
    expect(again.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(again.prepare('SELECT effective_date, rm_id FROM customer_rm_observations ORDER BY 1').raw().all()).toEqual([['0001-01-01', 'RM1'], ['2026-03-10', 'RM2'], ['2026-03-20', 'RM1']]);
    // Re-importing a file already in the history changes nothing.
    const r = await importFiles(again, [join(dir, 'customers_2026-03-10.csv')], { rejects });
    expect(r.files[0]).toMatchObject({ updated: 0, reassigned: 0 });
    expect(history(again, 'C1')).toEqual(before);
    again.close();
  });
});
