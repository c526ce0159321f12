/**
 * One writer at a time: `crm import` holds DB.import-lock (beside the database) for the whole
 * command, so two imports never interleave (SQLite alone would let them take turns file by file).
 * The lock file says who holds it (pid, host, start time, files); a lock whose process is gone
 * (killed, crashed, machine restarted) is stale and taken over.
 */
import { closeSync, existsSync, linkSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DataError } from '../errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  files: string[];
}

export interface ImportLock {
  path: string;
  release(): void;
}

export function lockPath(dbPath: string): string {
  return `${dbPath}.import-lock`;
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null; // being written, or gone: read again
  }
}

/** Whether the process that wrote the lock still runs (another host's process is taken to run). */
function alive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the lock with its content in one step: the holder is written to a file of this
 * process's own and hard-linked into place, so the lock is never seen empty, even when the
 * process is killed while creating it (an empty lock could never be told stale). Where the file
 * system has no hard links, the lock is created exclusively and then written.
 */
function tryCreate(path: string, me: LockHolder): boolean {
  const own = `${path}.${me.pid}`;
  try {
    writeFileSync(own, JSON.stringify(me));
    linkSync(own, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createExclusive(path, me);
    throw new DataError(`cannot create the import lock ${path}: ${(e as Error).message}`);
  } finally {
    rmSync(own, { force: true });
  }
}

function createExclusive(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DataError(`cannot create the import lock ${path}: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lock, waiting up to waitSeconds for another import to finish; then fails naming it.
 * `onWait` is told once when the command starts waiting.
 */
export async function acquireImportLock(dbPath: string, files: string[], waitSeconds: number, onWait?: (h: LockHolder) => void): Promise<ImportLock> {
  const path = lockPath(dbPath);
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), files };
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    if (tryCreate(path, me)) break;
    const h = readHolder(path);
    if (!h && !existsSync(path)) continue; // released between the two looks: try again
    if (h && !alive(h)) {
      // Stale: its process is gone. Removed only if it is still that lock (another waiter may
      // have taken it over meanwhile).
      const again = readHolder(path);
      if (again && again.pid === h.pid && again.started_at === h.started_at) {
        try {
          unlinkSync(path);
        } catch {
          // removed by another waiter
        }
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = h ? `pid ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ''}, started ${h.started_at}, importing ${h.files.join(', ')}` : 'holder unknown: the lock file is empty or unreadable; delete it if no import is running';
      throw new DataError(`another import is running on this database (${who}); ${waitSeconds > 0 ? `waited ${waitSeconds} s` : 'use --wait SECONDS to wait for it'} (lock: ${path})`);
    }
    if (h && !told) {
      told = true;
      onWait?.(h);
    }
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      const h = readHolder(path);
      if (h && h.pid === me.pid && h.started_at === me.started_at) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  // Also on a normal exit that skipped the caller's release; a killed process leaves the lock
  // stale, and the next import takes it over.
  process.once('exit', release);
  return { path, release };
}
