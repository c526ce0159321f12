/** Schema version 8 (closed pay periods, events): a version 5 database migrates, its data kept. */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../src/db/connection.js';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';
import { cleanupTmp, count, openRaw, runCrm, tmpDir, undoDownTo, writeFiles } from '../helpers.js';

afterAll(() => cleanupTmp());

describe('migration to version 8', () => {
  it('a version 5 database gets the pay tables and keeps its rows', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    writeFiles(dir, { 'rms.csv': 'rm_id,name,rm_type,branch,base_salary\nR1,A,personal,B1,100.00\n' });
    expect(runCrm(['--db', db, 'import', join(dir, 'rms.csv')]).code).toBe(0);
    const raw = openRaw(db, false);
    undoDownTo(raw, 5);
    raw.exec('DELETE FROM schema_migrations WHERE version > 5');
    expect(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('pay_closes', 'events')").pluck().get()).toBe(0);
    raw.close();
    // A report opens read-only and cannot migrate: it says so.
    const ro = runCrm(['--db', db, 'rm-report']);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toContain(`database needs migration to version ${SCHEMA_VERSION}`);
    const m = openDb(db);
    expect(m.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(m.prepare('SELECT name FROM schema_migrations WHERE version = 8').pluck().get()).toBe('closed pay periods, deferred pay, clawbacks, adjustments; event counts');
    for (const t of ['pay_closes', 'pay_statements', 'pay_entries', 'pay_loans', 'events']) expect(count(m, t)).toBe(0);
    expect(count(m, 'rms')).toBe(1);
    // One close in force per period; a reopened one stays beside it.
    const ins = m.prepare(`INSERT INTO pay_closes (period, period_from, period_to, plan_file, plan_text, plan_sha256, import_ids, data_from, data_to, closed_by, closed_at, reopened_at)
      VALUES ('2026-01', '2026-01-01', '2026-01-31', 'p', 't', 's', '[]', 'a', 'b', 'u', 'now', ?)`);
    ins.run('later');
    ins.run(null);
    expect(() => ins.run(null)).toThrow(/UNIQUE/);
    m.close();
  });
});
