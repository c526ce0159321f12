/**
 * Broken and hostile inputs, and broken database paths: exit 0 or 1 (2 for usage), a clear
 * message, no stack trace, no hang, and the database holds all of a file or none of it.
 * Self-contained (no ../shared needed).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, openRaw, runCrm, tmpDir, writeFiles } from '../helpers.js';
import { expectAllOrNone, expectNoStack, rng, runMany, type Job, type JobResult } from './util.js';

afterAll(cleanupTmp);

const HEAD = 'txn_id,account_id,posted_at,amount,channel,txn_type\n';
const ROW = (i: number) => `T${i},1,2026-11-02 10:00:0${i % 10},${i}.50,counter,deposit\n`;
const GOOD = HEAD + [1, 2, 3].map(ROW).join('');

function setupDb(dir: string): string {
  const db = join(dir, 'h.db');
  const [c, a] = writeFiles(dir, {
    'c.csv': 'customer_id,name,customer_type\nC1,Test One,personal\n',
    'a.csv': 'as_of,account_id,customer_id,product_type,balance\n2026-11-01,1,C1,demand_deposit,10.00\n',
  });
  expect(runCrm(['--db', db, 'import', c, a]).code).toBe(0);
  return db;
}

function utf16(text: string, be: boolean): Buffer {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (!be) return le;
  for (let i = 0; i + 1 < le.length; i += 2) { const t = le[i]; le[i] = le[i + 1]; le[i + 1] = t; }
  return le;
}

describe('hostile input files (crm import --kind transactions)', () => {
  const dir = tmpDir();
  const db = setupDb(dir);
  const rand = rng(42);
  const randomBytes = Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(rand() * 256)));
  const tenMb = Buffer.alloc(10 * 1024 * 1024, 'abcdefgh,');
  // [name, bytes, expected exit, expected outcome: 'all' rows load | 'none' | 'some' (row rejects), message pattern]
  const cases: [string, string | Buffer, number, 'all' | 'none' | 'some', RegExp][] = [
    ['empty.csv', '', 1, 'none', /empty file/],
    ['header-only.csv', HEAD, 0, 'none', /0 read/],
    ['random.bin', randomBytes, 1, 'none', /FAILED: /],
    ['gb18030-invalid.csv', Buffer.concat([Buffer.from(HEAD + ROW(1)), Buffer.from('T2,1,2026-11-02,1.00,counter,'), Buffer.from([0x81, 0x20, 0xff, 0x0a])]), 1, 'some', /1 rejected/],
    ['nul-bytes.csv', HEAD + ROW(1) + 'T2,1,2026-11-02,1.00,counter,dep\0osit\n' + ROW(3), 1, 'some', /1 rejected/],
    ['nul-only.csv', Buffer.alloc(5000, 0), 1, 'none', /FAILED: /],
    ['10mb-single-line.csv', tenMb, 1, 'none', /FAILED: /],
    ['10mb-quoted-field.csv', Buffer.concat([Buffer.from(HEAD + 'T1,1,2026-11-02,1.00,counter,"'), tenMb, Buffer.from('"\n' + ROW(2))]), 1, 'some', /1 rejected/],
    // JavaScript's trim() drops U+FEFF, so the stray BOM vanishes from the txn_id ("B2").
    ['bom-in-middle.csv', (HEAD + ROW(1) + '\ufeff' + ROW(2) + ROW(3)).replace(/\bT(\d)/g, 'B$1'), 0, 'all', /3 loaded/],
    ['utf16le.csv', utf16(GOOD.replace(/T(\d)/g, 'U$1'), false), 0, 'all', /utf-16le.*3 loaded/],
    ['utf16be.csv', utf16(GOOD.replace(/T(\d)/g, 'V$1'), true), 0, 'all', /utf-16be.*3 loaded/],
    ['duplicate-headers.csv', 'txn_id,account_id,posted_at,amount,amount\nX1,1,2026-11-02,1,2\n', 1, 'none', /duplicate column "amount"/],
    ['ragged.csv', HEAD + 'R1,1,2026-11-02\n' + ROW(7) + 'R2,1,2026-11-02,1,counter,deposit,extra,extra\n', 1, 'some', /2 rejected/],
    ['unclosed-quote.csv', HEAD + ROW(8) + 'Q1,1,2026-11-02,"1.00,counter,deposit\n' + ROW(9), 1, 'some', /1 rejected/],
    ['cr-only.csv', HEAD.replace('\n', '\r') + 'C1,1,2026-11-02,1.00,counter,deposit\r', 0, 'all', /1 loaded/],
  ];
  const jobs: Job[] = cases.map(([name, body]) => {
    const [p] = writeFiles(dir, { [name]: body });
    return { label: name, db, args: ['--db', db, 'import', '--kind', 'transactions', '--rejects', join(dir, 'rejects.csv'), p] };
  });
  mkdirSync(join(dir, 'a-directory.csv'));
  jobs.push({ label: 'directory', db, args: ['--db', db, 'import', '--kind', 'transactions', join(dir, 'a-directory.csv')] });
  jobs.push({ label: 'missing file', db, args: ['--db', db, 'import', '--kind', 'transactions', join(dir, 'nope.csv')] });
  let results: JobResult[] = [];

  it('every case ends with exit 0/1, a message, no stack trace, all or none', () => {
    // The 10 MB files go through the parse worker (>= 8 MB); the rest are parsed inline.
    results = runMany(jobs, 60_000);
    for (const r of results) expectAllOrNone(r);
  });

  for (const [i, [name, , code, outcome, msg]] of cases.entries()) {
    it(name, () => {
      const r = results[i];
      expect(r.code, `${name}\n${r.stdout}\n${r.stderr}`).toBe(code);
      expect(r.stdout + r.stderr).toMatch(msg);
      const l = r.logs[0];
      const loaded = l && l.status !== 'failed' ? l.rows_loaded : 0;
      if (outcome === 'none') expect(loaded).toBe(0);
      if (outcome === 'all') expect(l.rows_rejected).toBe(0);
      if (outcome === 'some') expect(l.rows_rejected).toBeGreaterThan(0);
    });
  }

  it('a directory and a missing file are named', () => {
    const [d, m] = results.slice(cases.length);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/crm: error: .*a-directory\.csv: FAILED: a folder with no \.csv or \.txt file in it/);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/crm: error: .*nope\.csv: FAILED: no such file/);
  });
});

describe('broken database paths and files', () => {
  const dir = tmpDir();
  const [good] = writeFiles(dir, { 'rms.csv': 'rm_id,name,rm_type\nRM1,Someone,personal\n' });

  it('a database path under a file (/dev/null/x.db) and in a missing directory', () => {
    for (const p of ['/dev/null/x.db', join(dir, 'no', 'such', 'dir', 'x.db')]) {
      const r = runCrm(['--db', p, 'import', good]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^crm: error: .*(cannot open|does not exist)/);
      expectNoStack(r.stderr, p);
    }
  });

  it('a database in a read-only (immutable) directory', (ctx) => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    try { execFileSync('chattr', ['+i', ro], { stdio: 'ignore' }); } catch { chmodSync(ro, 0o555); }
    try {
      // root ignores mode bits: skip unless the directory really refuses new files
      let writable = true;
      try { writeFileSync(join(ro, 'probe'), 'x'); } catch { writable = false; }
      if (writable) ctx.skip();
      const r = runCrm(['--db', join(ro, 'x.db'), 'import', good]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^crm: error: .*x\.db: cannot open database/);
      expectNoStack(r.stderr, 'read-only dir');
    } finally {
      try { execFileSync('chattr', ['-i', ro], { stdio: 'ignore' }); } catch { /* not set */ }
      chmodSync(ro, 0o755);
    }
  });

  it('a database file that is not SQLite, and one with corrupt pages', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256)));
    for (const args of [['import', good], ['status']]) {
      const r = runCrm(['--db', junk, ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^crm: error: .*junk\.db: .*not a crm database/);
      expectNoStack(r.stderr, 'junk db');
    }
    expect(readFileSync(junk).length).toBe(8192); // left as it was
    // A real crm database whose pages past the first are overwritten.
    const bad = join(dir, 'corrupt.db');
    expect(runCrm(['--db', bad, 'import', good]).code).toBe(0);
    const raw = new Database(bad);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, 4096);
    closeSync(fd);
    for (const args of [['import', good], ['status']]) {
      const r = runCrm(['--db', bad, ...args]);
      expect([1], `${args[0]}: ${r.stdout}${r.stderr}`).toContain(r.code);
      expect(r.stderr).toMatch(/^crm: error: .*(corrupt|not a crm database|malformed)/);
      expectNoStack(r.stderr, 'corrupt db');
    }
  });

  it('a database from a newer crm (schema version 99) is refused and left unchanged', () => {
    const p = join(dir, 'newer.db');
    expect(runCrm(['--db', p, 'import', good]).code).toBe(0);
    const raw = new Database(p);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01')").run();
    raw.close();
    const snap = readFileSync(p);
    for (const args of [['import', good], ['status'], ['segment']]) {
      const r = runCrm(['--db', p, ...args]);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toMatch(/schema version 99 is newer than this crm supports \(\d+\); upgrade crm/);
      expectNoStack(r.stderr, 'newer db');
    }
    const raw2 = openRaw(p);
    expect(raw2.prepare('SELECT count(*) FROM import_log').pluck().get()).toBe(1);
    raw2.close();
    expect(existsSync(p) && readFileSync(p).equals(snap)).toBe(true);
  });
});
