/**
 * The columnar paths of the segment views: tiers as index arrays over positions, the summary
 * per tier and group in one pass, concentration of a typed array, migration joined by position,
 * and the CSV / JSON writers that stream a detail in chunks. Expectations worked out by hand.
 */
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvChunks, csvField, jsonChunks, renderCsv, renderJson, type ColumnSpec, type Row } from '../../src/output/index.js';
import { concentration } from '../../src/segment/concentration.js';
import { migrateByPosition } from '../../src/segment/migration.js';
import { summarizeColumns, type SummaryColumns } from '../../src/segment/summary.js';
import { DEFAULT_TIERS, tierIndexes } from '../../src/segment/tiers.js';
import { positionsOf } from '../../src/db/positions.js';
import { idList, TEXT_SEPARATOR } from '../../src/db/columns.js';

const corporate = DEFAULT_TIERS.corporate; // standard (rest), core 30%, key 20%: indexes 0, 1, 2
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const id = (k: number) => `c${k}`;

describe('tierIndexes: quantile ladders by position', () => {
  it('ranks high → low, ties by position', () => {
    // n = 6: key ceil(0.2 × 6) = 2, core ceil(0.3 × 6) = 2, standard the other 2.
    // Order: 9 (p1), 9 (p5), 5 (p0), 5 (p2), 5 (p3), 1 (p4) → key p1 p5, core p0 p2, standard p3 p4.
    const values = Float64Array.from([5, 9, 5, 5, 1, 9]);
    expect([...tierIndexes(values, all(6), corporate, id)]).toEqual([1, 2, 1, 0, 0, 2]);
  });

  it('splits one run of equal values across three tiers by position', () => {
    // n = 5, all 7: key ceil(1.0) = 1 (p0), core ceil(1.5) = 2 (p1, p2), standard p3, p4.
    expect([...tierIndexes(Float64Array.from([7, 7, 7, 7, 7]), all(5), corporate, id)]).toEqual([2, 1, 1, 0, 0]);
  });

  it('reads only the members, in their order; a cut value shared by two tiers', () => {
    // Members p1, p3, p4 (values 3, 3, 3), n = 3: key ceil(0.6) = 1 → p1, core ceil(0.9) = 1 → p3, standard p4.
    expect([...tierIndexes(Float64Array.from([0, 3, 0, 3, 3]), Int32Array.from([1, 3, 4]), corporate, id)]).toEqual([2, 1, 0]);
    // Members p0..p3 with values 8, 4, 4, 4: n = 4, key 1 (p0: 8), core ceil(1.2) = 2 → p1, p2 (ties by position), standard p3.
    expect([...tierIndexes(Float64Array.from([8, 4, 4, 4]), all(4), corporate, id)]).toEqual([2, 1, 1, 0]);
  });

  it('thresholds: the highest tier whose min the value reaches', () => {
    // mass < 100,000.00 ≤ vip < 500,000.00 ≤ affluent …: 9,999,999 fen mass, 10,000,000 vip, 800,000,000 private.
    expect([...tierIndexes(Float64Array.from([9_999_999, 10_000_000, 800_000_000]), all(3), DEFAULT_TIERS.personal, id)]).toEqual([0, 1, 4]);
  });

  it('names the customer of a measure that is not a number', () => {
    expect(() => tierIndexes(Float64Array.from([1, Number.NaN]), all(2), corporate, id)).toThrow('tier measure for customer c1 is not a number');
  });
});

describe('concentration of a Float64Array', () => {
  it('Gini and Pareto of 6, 1, 3', () => {
    // Ascending 1, 3, 6; Σ = 10; Σ i·x = 1·1 + 2·3 + 3·6 = 25; G = 2·25 ÷ (3·10) − 4/3 = 50/30 − 40/30 = 1/3.
    // Top ceil(0.2 × 3) = 1 customer: 6 of 10 = 0.6.
    const c = concentration(Float64Array.from([6, 1, 3]));
    expect(c.gini).toBeCloseTo(1 / 3, 12);
    expect(c.pareto).toBe(0.6);
    expect(c.top_n).toBe(1);
    expect(concentration(Float64Array.from([2, -1])).undefined_reason).toBe('negative_values');
  });
});

describe('summarizeColumns: per tier and group in one pass', () => {
  // Positions 0..4; position 1 is not a member. Groups by position: R1, (unassigned), R1, (unassigned), (unassigned).
  const cols: SummaryColumns = {
    aum_adb: [100, 999, 300, 50, 250], deposit_adb: [10, 999, 30, 5, 25], loan_adb: [0, 999, 7, 0, 0],
    contribution: [4, 999, -2, 1, 3], fee_income: [1, 999, 0, 2, 0],
    txn_counter: [1, 999, 0, 0, 2], txn_self_service: [0, 999, 1, 0, 0], txn_e_banking: [3, 999, 0, 1, 0],
    dormant: [0, 1, 1, 0, 1],
  };
  const members = Int32Array.from([0, 2, 3, 4]);
  const tier = Uint8Array.from([0, 1, 1, 0]); // p0 lo, p2 hi, p3 hi, p4 lo

  it('groups by RM: each group its tiers and total, shares within the group', () => {
    const [r1, none] = summarizeColumns(members, tier, cols, ['lo', 'hi'], { of: [0, 1, 0, 1, 1], keys: ['R1', '(unassigned)'] });
    expect(r1.group).toBe('R1');
    // R1: p0 (lo, AUM 100, contribution 4) and p2 (hi, AUM 300, contribution −2, dormant): total AUM 400, contribution 2.
    expect(r1.total).toMatchObject({ customers: 2, aum_adb: 400, contribution: 2, dormant: 1, txn_counter: 1, txn_self_service: 1, txn_e_banking: 3 });
    expect(r1.rows[1]).toMatchObject({ tier: 'hi', customers: 1, aum_adb: 300, aum_share: 0.75, customer_share: 0.5, contribution_share: -1, loan_adb: 7 });
    // (unassigned): p3 (hi, 50) and p4 (lo, 250, dormant); AUM 300: lo 250 ÷ 300, hi 50 ÷ 300.
    expect(none.group).toBe('(unassigned)');
    expect(none.rows.map((r) => [r.tier, r.customers, r.aum_adb, r.dormant])).toEqual([['lo', 1, 250, 1], ['hi', 1, 50, 0]]);
    expect(none.rows[0].aum_share).toBeCloseTo(250 / 300, 12);
    expect(none.total.contribution_avg).toBe(2); // (1 + 3) ÷ 2
  });

  it('leaves out a group without a member; without groups one table of every member', () => {
    const tables = summarizeColumns(members, tier, cols, ['lo', 'hi'], { of: [2, 0, 2, 1, 1], keys: ['R0', 'R1', 'R2'] });
    expect(tables.map((t) => [t.group, t.total.customers])).toEqual([['R1', 2], ['R2', 2]]);
    const [t] = summarizeColumns(members, tier, cols, ['lo', 'hi']);
    // 100 + 300 + 50 + 250 = 700 (position 1's 999 is not a member).
    expect([t.group, t.total.customers, t.total.aum_adb, t.total.dormant]).toEqual([null, 4, 700, 2]);
  });
});

describe('migrateByPosition', () => {
  it('joins two dates by position', () => {
    // p0 lo → gone (AUM at date 1: 10); p1 hi → lo (downgrade, AUM at date 2: 200); p2 new → hi (300); p3 hi → hi (400).
    const r = migrateByPosition(['lo', 'hi'], { pos: [0, 1, 3], tier: [0, 1, 1], aum: [10, 20, 30] }, { pos: [1, 2, 3], tier: [0, 1, 1], aum: [200, 300, 400] });
    expect(r.counts).toEqual([[0, 1, 0], [0, 0, 1], [1, 1, 0]]);
    expect(r.aum_fen).toEqual([[0, 300, 0], [0, 0, 10], [200, 400, 0]]);
    expect([r.upgrades, r.downgrades, r.unchanged, r.new_customers, r.gone_customers, r.customers]).toEqual([0, 1, 1, 1, 1, 4]);
  });
});

describe('streamed CSV and JSON', () => {
  const columns: ColumnSpec[] = [
    { key: 'id', header: 'Id', kind: 'text' },
    { key: 'name', header: 'Name', kind: 'text' },
    { key: 'aum', header: 'AUM', kind: 'money' },
  ];
  const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `C${i}`, name: i % 3 ? `客户 "${i}", 甲` : null, aum: i * 100.5 }));

  it('quotes a field as csv-stringify does', () => {
    for (const s of ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\ronly', '', ' spaced ', "'=1", '客户']) {
      expect(csvField(s)).toBe(stringify([[s]], { record_delimiter: 'unix', quoted_match: /[\r\n]/ }).slice(0, -1));
    }
  });

  it('chunks join to the whole text: header once, BOM once, CRLF alike', () => {
    const many = rows(20_000); // more than two chunks of 8,192
    const joined = (o: Parameters<typeof renderCsv>[2]) => Buffer.concat([...csvChunks(columns, many, o)]);
    const text = joined({});
    expect(text.toString('utf8').split('\n')[0]).toBe('id,name,aum');
    expect(text.toString('utf8').split('\n')).toHaveLength(20_002); // header, 20,000 rows, '' after the last newline
    expect(text.toString('utf8').split('\n')[2]).toBe('C1,"客户 ""1"", 甲",1.01'); // 100.5 fen → 1.01 CNY (half away from zero)
    const bom = joined({ bom: true, eol: '\r\n' });
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 3)).toBe(-1);
    expect(bom.subarray(3).toString('utf8')).toBe(text.toString('utf8').replaceAll('\n', '\r\n'));
    expect([...csvChunks(columns, [], { header: false })]).toEqual([Buffer.alloc(0)]);
  });

  it('JSON chunks are renderJson\'s text', () => {
    const meta = { report: 'x', notes: ['n'] };
    for (const n of [0, 1, 5_000]) expect([...jsonChunks(columns, rows(n), meta)].join('')).toBe(renderJson(columns, rows(n), meta));
  });
});

describe('positionsOf: ids of a report thread (one joined string) matched to the directory', () => {
  const dir = idList(['A1', 'A2', 'B1', 'B10', 'B2']);
  const text = (ids: string[]) => ({ joined: ids.join(TEXT_SEPARATOR), count: ids.length });
  it('walks the directory in order, a prefix is not a match', () => {
    // B1 is a prefix of B10: the walk compares whole ids (length first).
    expect([...positionsOf(dir, text(['A2', 'B10', 'B2']))]).toEqual([1, 3, 4]);
  });
  it('finds ids out of order; -1 for one not in the directory', () => {
    expect([...positionsOf(dir, text(['B2', 'A1', 'B1']))]).toEqual([4, 0, 2]);
    expect([...positionsOf(dir, text(['A1', 'Z9']))]).toEqual([0, -1]);
  });
});
