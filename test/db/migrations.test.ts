/**
 * Schema version 9: the partial index of loan rows in a class other than normal. A version 8
 * database gets it when opened writable, holding exactly those rows, and crm watch's loan
 * downgrades, read through it, are the same.
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
