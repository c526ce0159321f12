/**
 * Faults and concurrency: kill -9 during an import (worker and inline parse paths), reports
 * while an import writes, two imports at once, and a full disk. Self-contained.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanupTmp, runCrm, tmpDir } from '../helpers.js';
import { baseDb, bigTransactions } from './big.js';
import { expectNoStack, rng } from './util.js';

afterAll(cleanupTmp);

const ROWS = 140_000; // ~9.3 MB: over the 8 MB worker threshold

function startCrm(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function inspect(db: string): { integrity: string; txns: number; logs: { status: string; rows_loaded: number }[] } {
  const raw = new Database(db); // writable: recovers a hot WAL left by the killed process
  try {
    return {
      integrity: raw.pragma('integrity_check', { simple: true }) as string,
      txns: raw.prepare('SELECT count(*) FROM transactions').pluck().get() as number,
      logs: raw.prepare("SELECT status, rows_loaded FROM import_log WHERE kind = 'transactions' ORDER BY import_id").all() as { status: string; rows_loaded: number }[],
    };
  } finally {
    raw.close();
  }
}

describe('faults and concurrency', () => {
  const dir = tmpDir();
  const base = baseDb(dir, 'base.db');
  const big = bigTransactions(dir, ROWS, 'K');
  const fresh = (name: string) => {
    const p = join(dir, name);
    for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
    copyFileSync(base, p);
    return p;
  };

  it('the large file really is over the worker threshold', () => {
    expect(statSync(big).size).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('kill -9 at random points (4 runs worker path, 4 runs inline): integrity ok, all or none, import_log says which', async () => {
    const rand = rng(7);
    const seen: string[] = [];
    // Calibrate: how long an uninterrupted import takes here (kill points spread over it and a bit past).
    const t0 = Date.now();
    const cal = runCrm(['--db', fresh('calibrate.db'), 'import', big]);
    expect(cal.code, cal.stderr).toBe(0);
    const took = Date.now() - t0;
    for (let run = 0; run < 8; run++) {
      const mode = run % 2 === 0 ? 'always' : 'never';
      const db = fresh(`kill${run}.db`);
      const { child, done } = startCrm(['--db', db, 'import', big], { CRM_PARSE_WORKER: mode });
      const delay = 60 + Math.floor(rand() * took * 1.15);
      await sleep(delay);
      child.kill('SIGKILL');
      const res = await done;
      const s = inspect(db);
      expect(s.integrity, `run ${run}`).toBe('ok');
      expect([0, ROWS], `run ${run}: ${s.txns} transactions after kill at ${delay} ms`).toContain(s.txns);
      const last = s.logs[s.logs.length - 1];
      if (s.txns === ROWS) expect(last).toEqual({ status: 'ok', rows_loaded: ROWS });
      else expect(last === undefined || last.status === 'started', `run ${run}: ${JSON.stringify(last)}`).toBe(true);
      seen.push(`${mode}@${delay}ms:${res.signal ?? `exit ${res.code}`}:${s.txns === ROWS ? 'all' : last ? 'none(started)' : 'none(no log)'}`);
      // an interrupted import is shown as such, and re-importing completes it exactly once
      if (s.txns === 0 && last) {
        const st = runCrm(['--db', db, 'status']);
        expect(st.stdout).toMatch(/interrupted/);
      }
      if (run < 2) {
        const again = runCrm(['--db', db, 'import', big], { env: { CRM_PARSE_WORKER: mode } });
        expect(again.code, again.stderr).toBe(0);
        expect(inspect(db).txns).toBe(ROWS);
      }
    }
    console.log(`kill -9 runs (uninterrupted import: ${took} ms): ${seen.join(', ')}`);
  });

  it('reports while an import writes (WAL) see the data before or after, never half', async () => {
    const db = fresh('wal.db');
    const status = () => runCrm(['--db', db, 'status', '--format', 'json']);
    const segment = () => runCrm(['--db', db, 'segment', '--format', 'json']);
    const seg0 = segment();
    expect(seg0.code, seg0.stderr).toBe(0);
    const { done } = startCrm(['--db', db, 'import', big], { CRM_PARSE_WORKER: 'never' });
    const counts: number[] = [];
    const segs: string[] = [];
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      const st = status();
      expect(st.code, st.stderr).toBe(0);
      counts.push(JSON.parse(st.stdout).counts.transactions);
      const sg = segment();
      expect(sg.code, sg.stderr).toBe(0);
      segs.push(sg.stdout);
      await sleep(20); // let the child's 'close' event in (spawnSync blocks the event loop)
    }
    const res = await done;
    expect(res.code, res.stderr).toBe(0);
    const seg1 = segment();
    for (const c of counts) expect([0, ROWS]).toContain(c);
    for (const s of segs) expect(s === seg0.stdout || s === seg1.stdout, 'segment output is neither before nor after').toBe(true);
    expect(counts.length).toBeGreaterThan(0);
    console.log(`reports during import: status counts ${JSON.stringify(counts)}; ${segs.length} segment run(s)`);
  });

  it('two imports at once into one database: one waits, nothing lost or doubled', async () => {
    const db = fresh('two.db');
    const other = bigTransactions(dir, 40_000, 'M');
    // Two that wait for the import lock, one that does not (--wait 0, the default).
    const a = startCrm(['--db', db, 'import', '--wait', '120', '--rejects', join(dir, 'ra.csv'), big]);
    const b = startCrm(['--db', db, 'import', '--wait', '120', '--rejects', join(dir, 'rb.csv'), other]);
    const c = startCrm(['--db', db, 'import', '--rejects', join(dir, 'rc.csv'), big]); // the same file twice
    const rs = await Promise.all([a.done, b.done, c.done]);
    for (const r of rs) {
      expectNoStack(r.stderr, 'concurrent import');
      expect([0, 1]).toContain(r.code);
      if (r.code === 1) expect(r.stderr).toMatch(/^crm: error: another import is running on this database \(pid \d+, started \S+, importing /);
    }
    // The waiting ones both finish.
    expect(rs[0].code, rs[0].stderr).toBe(0);
    expect(rs[1].code, rs[1].stderr).toBe(0);
    const s = inspect(db);
    expect(s.integrity).toBe('ok');
    const okLoaded = s.logs.filter((l) => l.status === 'ok').reduce((n, l) => n + l.rows_loaded, 0);
    expect(s.txns).toBe(okLoaded);
    // Every row once, whoever ran first.
    expect(s.txns).toBe(ROWS + 40_000);
    console.log(`concurrent imports: exits ${rs.map((r) => r.code)}, logs ${JSON.stringify(s.logs)}`);
  });

  it('disk full (2 MB tmpfs): a clear error, the database intact, the next import works', (ctx) => {
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]).status !== 0) ctx.skip();
    try {
      const db = join(mnt, 'full.db');
      copyFileSync(base, db);
      const free = () => Number(spawnSync('df', ['--output=avail', '-k', mnt], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
      writeFileSync(join(mnt, 'filler'), Buffer.alloc((free() - 160) * 1024));
      const before = inspect(db);
      const r = runCrm(['--db', db, 'import', '--rejects', join(dir, 'full-rejects.csv'), big]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/disk full/);
      expect(r.stdout).toMatch(/0 loaded/);
      expectNoStack(r.stderr, 'disk full');
      rmSync(join(mnt, 'filler'));
      const after = inspect(db);
      expect(after.integrity).toBe('ok');
      expect(after.txns).toBe(before.txns);
      expect(['failed', 'started']).toContain(after.logs[after.logs.length - 1].status);
      const again = runCrm(['--db', db, 'import', '--rejects', join(dir, 'full-rejects.csv'), bigTransactions(dir, 5000, 'S')]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(inspect(db).txns).toBe(before.txns + 5000);
    } finally {
      spawnSync('umount', [mnt]);
    }
    expect(existsSync(join(mnt, 'full.db'))).toBe(false);
  });
});
