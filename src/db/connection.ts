import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

/** --db PATH, else $CRM_DB, else ./crm.db */
export function resolveDbPath(option?: string): string {
  return resolve(option ?? process.env.CRM_DB ?? 'crm.db');
}

export interface OpenOptions {
  /** Create the file if missing (import); reports refuse a missing database. */
  create?: boolean;
  readonly?: boolean;
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  if (!existsSync(path)) {
    if (!opts.create) throw new DataError(`${path}: no database here (run "crm import" first, or pass --db)`);
    if (!existsSync(dirname(path))) throw new DataError(`${path}: directory ${dirname(path)} does not exist`);
  } else if (statSync(path).isDirectory()) {
    throw new DataError(`${path}: is a directory, not a database file`);
  }
  let db: Db;
  try {
    const isNew = !existsSync(path);
    db = new Database(path, { readonly: !!opts.readonly, fileMustExist: !opts.create });
    // 16 KiB pages for a new file (before WAL mode and any table): fewer, larger b-tree pages
    // make bulk inserts and long scans cheaper.
    if (isNew && !opts.readonly) db.pragma('page_size = 16384');
    setReadingPragmas(db);
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
  } catch (e) {
    throw new DataError(`${path}: cannot open database: ${describeSqliteError(e)}`);
  }
  try {
    migrate(db, path, !!opts.readonly);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * A private database in a temporary file, deleted when closed: scratch space that spills to disk
 * beyond its small page cache, on a connection of its own (usable while another connection's
 * query is being read row by row).
 */
export function openScratchDb(): Db {
  const db = new Database('');
  db.pragma('cache_size = -2048');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('temp_store = FILE');
  return db;
}

/**
 * Page cache of a report's connection, KiB: its reads are scans in key order and seeks through
 * b-trees whose upper levels a few MB hold; the rest comes from the OS's file cache. 16 MB took
 * the same time and 8–20 MB more at the peak (`watch` on 30 nights at 1M customers: 389–393
 * against 412–428 MB with the report thread's at 4 MB; the summary 3.83–4.06 against 3.87–3.91 s).
 */
export const REPORT_CACHE_KB = 8192;

/** What every connection sets, openDb's and the report thread's own read-only one (`cacheKb`: its page cache). */
export function setReadingPragmas(db: Db, cacheKb = REPORT_CACHE_KB): void {
  db.pragma('busy_timeout = 10000');
  db.pragma(`cache_size = -${cacheKb}`);
  // Temporary tables, sorts and statement journals in files (SQLite keeps them in its cache
  // until they grow): in memory, a report's sort of 2.5M accounts held ~180 MB, and a
  // migration's or import's journal of a large rewrite the whole of it.
  db.pragma('temp_store = FILE');
}

export function describeSqliteError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'SQLITE_NOTADB': return 'not a crm database (file is not SQLite or is corrupt)';
    case 'SQLITE_CORRUPT': return 'database file is corrupt';
    case 'SQLITE_FULL': return 'disk full';
    case 'SQLITE_READONLY': return 'database is read-only';
    case 'SQLITE_CANTOPEN': return 'cannot open the file (missing directory or no permission)';
    case 'SQLITE_BUSY': return 'database is locked by another process (try again when it finishes)';
    case 'SQLITE_IOERR': return `I/O error (${err.message})`;
    default: return err.message ?? String(e);
  }
}

function migrate(db: Db, path: string, readonly: boolean): void {
  let current = 0;
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (hasTable) current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    else if (db.prepare("SELECT count(*) AS n FROM sqlite_master").get() && (db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n > 0) {
      throw new DataError(`${path}: not a crm database (it has tables but no schema_migrations)`);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${path}: cannot read database: ${describeSqliteError(e)}`);
  }
  if (current > SCHEMA_VERSION) {
    throw new DataError(
      `${path}: database schema version ${current} is newer than this crm supports (${SCHEMA_VERSION}); upgrade crm instead of downgrading the database`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  if (readonly) throw new DataError(`${path}: database needs migration to version ${SCHEMA_VERSION}; open it writable once (crm status)`);
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
  });
  try {
    apply.immediate();
  } catch (e) {
    throw new DataError(`${path}: cannot create or migrate the schema: ${describeSqliteError(e)}`);
  }
}
