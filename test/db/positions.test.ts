import { describe, expect, it } from 'vitest';
import { idList } from '../../src/db/columns.js';
import { positionsIn, positionsOf } from '../../src/db/positions.js';

describe('idList', () => {
  it('cuts each id out of one string, from a joined column or an array, and compares without cutting', () => {
    const joined = idList({ joined: 'C1\u001fC22\u001f\u001fC4', count: 4 });
    expect([joined.length, joined.at(0), joined.at(1), joined.at(2), joined.at(3)]).toEqual([4, 'C1', 'C22', '', 'C4']);
    const array = idList(['C1', 'C22', '', 'C4']);
    expect(Array.from({ length: 4 }, (_, i) => array.at(i))).toEqual(['C1', 'C22', '', 'C4']);
    // 'C22' vs 'C2': equal first 2 code units, then longer sorts after; 'C1' < 'C22' at the second unit ('1' - '2' = -1).
    expect([array.compareTo(1, 'C2') > 0, array.compareTo(1, 'C22'), array.compareAt(0, 1), array.compareTo(2, 'x') < 0]).toEqual([true, 0, -1, true]);
    expect(idList({ joined: '', count: 0 }).length).toBe(0);
  });
});

describe('positionsIn', () => {
  const ids = idList(['C001', 'C002', 'C005', 'C009']);

  it('walks a list in the same order, skipping ids it does not ask for', () => {
    const at = positionsIn(ids);
    expect(['C001', 'C005', 'C009'].map(at)).toEqual([0, 2, 3]);
  });

  it('finds ids asked out of order and says -1 for unknown ones', () => {
    const at = positionsIn(ids);
    // C009 first: the walk ends there; C002 lies behind it and is found by binary search.
    expect(['C009', 'C002', 'C404', 'C001', 'C009'].map(at)).toEqual([3, 1, -1, 0, 3]);
  });

  it('handles an unknown id before known ones', () => {
    const at = positionsIn(ids);
    expect(['C000', 'C001', 'C002'].map(at)).toEqual([-1, 0, 1]);
  });
});

describe('positionsOf (a joined text column)', () => {
  const ids = idList(['C001', 'C002', 'C005', 'C009', 'C010', 'C011', 'C012', 'C013', 'C014', 'C015', 'C016', 'C020']);
  const col = (...v: string[]) => ({ joined: v.join('\u001f'), count: v.length });

  it('in the same order, skipping ids, near and far (past the 8 tried after the next one: binary search)', () => {
    expect([...positionsOf(ids, col('C001', 'C005', 'C009', 'C020'))]).toEqual([0, 2, 3, 11]);
  });

  it('out of order, unknown, and a prefix of an id: found by search, or -1', () => {
    // C020 first; C002 lies behind it (binary search below); C00 is a prefix of C001, not C001; C404 is not there.
    expect([...positionsOf(ids, col('C020', 'C002', 'C00', 'C404', 'C009'))]).toEqual([11, 1, -1, -1, 3]);
  });

  it('an id sorted differently by SQLite and JavaScript is found through the Map', () => {
    // '\u{1F600}' (UTF-16 D83D DE00) sorts before '\uFF01' in JavaScript, after it in SQLite (UTF-8 F0… vs EF…).
    const sqliteOrder = idList(['a', '\uFF01', '\u{1F600}']);
    expect([...positionsOf(sqliteOrder, col('\u{1F600}', 'a', '\uFF01'))]).toEqual([2, 0, 1]);
  });

  it('a column given as values, and an empty column', () => {
    expect([...positionsOf(ids, ['C009', 'C001', 'C999'])]).toEqual([3, 0, -1]);
    expect([...positionsOf(ids, { joined: '', count: 0 })]).toEqual([]);
  });
});
