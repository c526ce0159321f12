/**
 * groupRows: the rows and the order of SQLite's GROUP BY, summed by a function per row;
 * SQLite's own grouping when a value or a partial sum is no safe integer.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { compareValues, groupBySql, groupRows, type GroupQuery } from '../../src/metrics/group-sums.js';

let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (rm TEXT, branch TEXT, fen INTEGER, n INTEGER, cur TEXT)');
});

const insert = (rows: [string | null, string | null, number | null, number, string | null][]) => {
  const st = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) st.run(...r);
};

const BY_RM_BRANCH: GroupQuery = {
  keys: ['rm', 'CASE WHEN rm IS NULL THEN branch END'],
  values: [{ expr: 'fen', agg: 'sum' }, { expr: 'n', agg: 'sum' }, { expr: 'cur', agg: 'max' }],
  from: 'FROM t',
};

describe('groupRows', () => {
  it('sums per group, in the order of SQLite GROUP BY (NULL first, then text by code point)', () => {
    insert([
      ['RM2', '静安', 100, 1, null],
      [null, '浦东', 7, 1, 'USD'],
      ['RM1', null, 250, 2, 'CNY'],
      ['RM2', '浦东', -40, 1, 'EUR'],
      [null, '静安', 5, 1, null],
      ['RM1', null, 50, 3, 'USD'],
      [null, null, 3, 1, null],
      [null, '浦东', 11, 2, 'CNY'],
    ]);
    expect(groupRows(db, BY_RM_BRANCH, {})).toEqual([
      [null, null, 3, 1, null],
      // 浦东 (U+6D66) before 静安 (U+9759): 7 + 11 = 18 fen, 1 + 2 = 3; max('USD', 'CNY') = 'USD'
      [null, '浦东', 18, 3, 'USD'],
      [null, '静安', 5, 1, null],
      // RM1: 250 + 50 = 300, 2 + 3 = 5, max('CNY', 'USD') = 'USD'
      ['RM1', null, 300, 5, 'USD'],
      // RM2's rows name a branch, but the key is null for an RM: 100 − 40 = 60, 1 + 1 = 2
      ['RM2', null, 60, 2, 'EUR'],
    ]);
    expect(groupRows(db, BY_RM_BRANCH, {})).toEqual(db.prepare(groupBySql(BY_RM_BRANCH)).raw().all());
  });

  it('a sum of only NULLs is NULL, like SQL', () => {
    insert([['RM1', null, null, 1, null], ['RM1', null, null, 2, null]]);
    expect(groupRows(db, BY_RM_BRANCH, {})).toEqual([['RM1', null, null, 3, null]]);
  });

  it('no rows: no groups', () => {
    expect(groupRows(db, BY_RM_BRANCH, {})).toEqual([]);
  });

  it('takes parameters and a WITH clause', () => {
    insert([['RM1', null, 10, 1, null], ['RM1', null, 20, 1, null], ['RM2', null, 5, 1, null]]);
    const q: GroupQuery = { with: 'WITH big AS (SELECT * FROM t WHERE fen >= :min)', keys: ['rm'], values: [{ expr: 'fen', agg: 'sum' }], from: 'FROM big' };
    // fen ≥ 10: RM1 10 + 20 = 30; RM2's 5 is left out
    expect(groupRows(db, q, { min: 10 })).toEqual([['RM1', 30]]);
  });

  it('past 2^53 (no longer exact in JavaScript) SQLite groups instead', () => {
    // 2^52 + 2^52 + 1 + 1 = 2^53 + 2 exactly (SQLite's integer sum); left to right in doubles
    // 2^53 + 1 rounds to 2^53 twice, giving 2^53.
    insert([['RM1', null, 2 ** 52, 1, null], ['RM1', null, 2 ** 52, 1, null], ['RM1', null, 1, 1, null], ['RM1', null, 1, 1, null]]);
    expect(groupRows(db, BY_RM_BRANCH, {})).toEqual([['RM1', null, 2 ** 53 + 2, 4, null]]);
  });

  it('fractional values are summed by SQLite (its summation, not JavaScript left to right)', () => {
    const q: GroupQuery = { keys: ["'x'"], values: [{ expr: 'v', agg: 'sum' }], from: 'FROM (SELECT 0.1 AS v UNION ALL SELECT 0.2 UNION ALL SELECT 0.3)' };
    // 0.1 + 0.2 + 0.3 left to right in doubles is 0.6000000000000001; SQLite's compensated sum gives 0.6
    expect(groupRows(db, q, {})).toEqual([['x', 0.6]]);
  });

  it('an error in the query leaves the connection usable', () => {
    expect(() => groupRows(db, { keys: ['rm'], values: [{ expr: 'nope', agg: 'sum' }], from: 'FROM t' }, {})).toThrow(/no such column/);
    insert([['RM1', null, 4, 1, null]]);
    expect(groupRows(db, { keys: ['rm'], values: [{ expr: 'fen', agg: 'sum' }], from: 'FROM t' }, {})).toEqual([['RM1', 4]]);
  });
});

describe('compareValues (SQLite BINARY order)', () => {
  it('NULL < numbers < text', () => {
    expect(compareValues(null, 5)).toBeLessThan(0);
    expect(compareValues(5, 'a')).toBeLessThan(0);
    expect(compareValues('a', null)).toBeGreaterThan(0);
    expect(compareValues(2, 10)).toBeLessThan(0);
  });

  it('text by code point, as UTF-8 bytes compare: U+1F600 after U+FF5E (UTF-16 units would put it first)', () => {
    // '😀' is U+1F600 (UTF-16 D83D DE00), '～' is U+FF5E: in UTF-8, F0 9F… > EF BD…
    expect(compareValues('😀', '～')).toBeGreaterThan(0);
    expect('😀' < '～').toBe(true);
    expect(compareValues('RM1', 'RM10')).toBeLessThan(0);
    expect(compareValues('RM2', 'RM10')).toBeGreaterThan(0);
  });
});
