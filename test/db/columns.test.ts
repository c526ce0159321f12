import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { forEachRow, queryColumns, textValues } from '../../src/db/columns.js';

describe('queryColumns', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE t (id TEXT, n INTEGER, r REAL, s TEXT);
    INSERT INTO t VALUES ('a', 9007199254740991, 0.1 + 0.2, 'say "hi"' || char(10) || '中文'), ('b', -5, 1.0 / 3, NULL), ('c', NULL, 1e300, '\\');`);

  it('gives the same values as the row-by-row API, column by column', () => {
    const sql = 'SELECT id, n, r, s, n * 2 AS twice FROM t ORDER BY id';
    const rows = db.prepare(sql).raw().all() as unknown[][];
    const cols = queryColumns(db, sql);
    expect(Object.keys(cols)).toEqual(['id', 'n', 'r', 's', 'twice']);
    // Transposed back, the columns are exactly the rows (17-digit reals round-trip: 0.1 + 0.2, 1/3).
    expect(cols.id.map((_, i) => Object.values(cols).map((c) => c[i]))).toEqual(rows);
    expect(cols.r[0]).toBe(0.1 + 0.2);
    expect(cols.r[1]).toBe(1 / 3);
    expect(cols.s[0]).toBe('say "hi"\n中文');
  });

  it('binds named parameters and gives empty columns for no rows', () => {
    expect(queryColumns(db, 'SELECT id FROM t WHERE n > :min ORDER BY id', { min: 0 })).toEqual({ id: ['a'] });
    expect(queryColumns(db, 'SELECT id, n FROM t WHERE 0')).toEqual({ id: [], n: [] });
  });

  it('texts: a column as one string joined by U+001F; a value holding U+001F or a NULL falls back to arrays', () => {
    const c = queryColumns<{ id: { joined: string; count: number }; n: (number | null)[] }>(db, 'SELECT id, n FROM t ORDER BY id', {}, ['id']);
    expect(c).toEqual({ id: { joined: 'a\u001fb\u001fc', count: 3 }, n: [9007199254740991, -5, null] });
    expect(textValues(c.id)).toEqual(['a', 'b', 'c']);
    // s holds a NULL (row b): every column comes back as JSON arrays.
    expect(queryColumns(db, 'SELECT id, s FROM t ORDER BY id', {}, ['s'])).toEqual(queryColumns(db, 'SELECT id, s FROM t ORDER BY id'));
    expect(queryColumns(db, "SELECT 'x' || char(31) || 'y' AS v", {}, ['v'])).toEqual({ v: ['x\u001fy'] });
    // No rows: an empty joined string; one empty string: one value.
    expect(textValues(queryColumns<{ id: { joined: string; count: number } }>(db, 'SELECT id FROM t WHERE 0', {}, ['id']).id)).toEqual([]);
    expect(textValues(queryColumns<{ v: { joined: string; count: number } }>(db, "SELECT '' AS v", {}, ['v']).v)).toEqual(['']);
  });
});

describe('forEachRow', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE t (id TEXT, n INTEGER, r REAL);
    INSERT INTO t VALUES ('a', 9007199254740991, 0.5), ('b', -5, NULL), ('c', 7, 1e300);`);

  it("hands each row's columns to the function, in the statement's order, as the row-by-row API gives them", () => {
    const seen: unknown[][] = [];
    forEachRow(db, 'SELECT id, n, r, n * 2 AS twice FROM t WHERE n < :max ORDER BY id DESC', { max: 100 }, ['id', 'r', 'twice'], (id: string, r: number | null, twice: number) => {
      seen.push([id, r, twice]);
    });
    // Rows c and b (a is over :max), descending; twice = n × 2: 7 × 2 = 14, -5 × 2 = -10.
    expect(seen).toEqual([['c', 1e300, 14], ['b', null, -10]]);
    expect(seen).toEqual(db.prepare('SELECT id, r, n * 2 FROM t WHERE n < 100 ORDER BY id DESC').raw().all());
  });

  it('an exception thrown by the function ends the statement and reaches the caller as it is', () => {
    class Stop extends Error {}
    const seen: string[] = [];
    const run = () => forEachRow(db, 'SELECT id FROM t ORDER BY id', {}, ['id'], (id: string) => {
      if (id === 'b') throw new Stop(`stop at ${id}`);
      seen.push(id);
    });
    expect(run).toThrow(Stop);
    expect(run).toThrow('stop at b');
    // Row c never came: the statement ended at b.
    expect(seen).toEqual(['a', 'a']);
  });

  it('lets go of the function: a later statement calling it visits nothing', () => {
    let calls = 0;
    forEachRow(db, 'SELECT id FROM t', {}, ['id'], () => { calls++; });
    expect(calls).toBe(3);
    db.prepare('SELECT count(crm_each_row(id)) FROM t').get();
    expect(calls).toBe(3);
  });
});
