import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, assignTiers, parseTiers, tierCodes, tierOf, type Ladder } from '../../src/segment/tiers.js';
import { usageError as usage } from '../helpers.js';


const personal = DEFAULT_TIERS.personal;
const corporate = DEFAULT_TIERS.corporate;
const rec = (customer_id: string, value: number) => ({ customer_id, value });

describe('DEFAULT_TIERS', () => {
  it('matches metrics.md ladders, low → high', () => {
    expect(tierCodes(personal)).toEqual(['mass', 'vip', 'affluent', 'wealth', 'private']);
    expect(personal.tiers.map((t) => t.name_zh)).toEqual(['大众', '贵宾', '理财', '财富', '私人银行']);
    // CNY × 100 = fen: 100,000 → 10,000,000; 500,000 → 50,000,000; 2,000,000 → 200,000,000; 8,000,000 → 800,000,000
    expect(personal.tiers.map((t) => t.min_fen)).toEqual([undefined, 10_000_000, 50_000_000, 200_000_000, 800_000_000]);
    expect(personal.measure).toBe('aum_adb');
    expect(corporate.measure).toBe('contribution');
    expect(corporate.tiers.map((t) => [t.code, t.name_zh, t.share])).toEqual([
      ['standard', '一般', undefined], ['core', '核心', 0.3], ['key', '重点', 0.2],
    ]);
  });

  it('samples/tiers.yaml parses to the defaults', () => {
    const text = readFileSync(new URL('../../samples/tiers.yaml', import.meta.url), 'utf8');
    expect(parseTiers(text, 'samples/tiers.yaml')).toEqual(DEFAULT_TIERS);
  });
});

describe('assignTiers — thresholds (lower bound inclusive)', () => {
  it('puts values at and around each bound in the right tier', () => {
    const m = assignTiers([
      rec('a', 9_999_999.99), // 99,999.9999 CNY < 100,000 → mass
      rec('b', 10_000_000), // exactly 100,000 CNY → vip (inclusive)
      rec('c', 49_999_999), // 499,999.99 CNY → vip
      rec('d', 50_000_000), // 500,000 → affluent
      rec('e', 200_000_000), // 2,000,000 → wealth
      rec('f', 799_999_999), // 7,999,999.99 → wealth
      rec('g', 800_000_000), // 8,000,000 → private
      rec('h', 0), // → mass
      rec('i', -500), // negative (overdrawn) → lowest tier, mass
    ], personal);
    expect(Object.fromEntries(m)).toEqual({
      a: 'mass', b: 'vip', c: 'vip', d: 'affluent', e: 'wealth', f: 'wealth', g: 'private', h: 'mass', i: 'mass',
    });
  });
});

describe('assignTiers — quantiles', () => {
  it('n = 10: key ceil(0.2×10)=2, core ceil(0.3×10)=3, standard 10−2−3=5', () => {
    const recs = Array.from({ length: 10 }, (_, i) => rec(`c${i}`, i * 100)); // c9 highest … c0 lowest
    const m = assignTiers(recs, corporate);
    expect([...m.entries()].filter(([, t]) => t === 'key').map(([id]) => id).sort()).toEqual(['c8', 'c9']);
    expect([...m.entries()].filter(([, t]) => t === 'core').map(([id]) => id).sort()).toEqual(['c5', 'c6', 'c7']);
    expect([...m.values()].filter((t) => t === 'standard')).toHaveLength(5);
  });

  it('ceil(share × n) ignores binary float noise: 0.07 × 100 = 7.000000000000001 in JS, must give 7 not 8', () => {
    const ladder = parseTiers(
      'corporate:\n  measure: contribution\n  method: quantiles\n  tiers:\n' +
      '    - {code: rest, name_zh: 其他, name_en: Rest}\n    - {code: top, name_zh: 顶级, name_en: Top, share: "7%"}\n',
      't.yaml',
    ).corporate;
    const recs = Array.from({ length: 100 }, (_, i) => rec(`c${String(i).padStart(3, '0')}`, i));
    const m = assignTiers(recs, ladder);
    expect([...m.values()].filter((t) => t === 'top')).toHaveLength(7); // ceil(7% × 100) = 7
    expect(m.get('c093')).toBe('top'); // values 93..99 are the top 7
    expect(m.get('c092')).toBe('rest');
  });

  it('n = 7: key ceil(1.4)=2, core ceil(2.1)=3, standard 7−5=2', () => {
    const recs = [rec('a', 70), rec('b', 60), rec('c', 50), rec('d', 40), rec('e', 30), rec('f', 20), rec('g', 10)];
    expect(Object.fromEntries(assignTiers(recs, corporate))).toEqual({
      a: 'key', b: 'key', c: 'core', d: 'core', e: 'core', f: 'standard', g: 'standard',
    });
  });

  it('n = 1: key ceil(0.2)=1, core clipped to 0 remaining; n = 2: key 1, core ceil(0.6)=1, standard 0', () => {
    expect(Object.fromEntries(assignTiers([rec('x', -5)], corporate))).toEqual({ x: 'key' });
    expect(Object.fromEntries(assignTiers([rec('x', 1), rec('y', 2)], corporate))).toEqual({ y: 'key', x: 'core' });
    expect(assignTiers([], corporate).size).toBe(0);
  });

  it('breaks ties by customer_id ascending, negatives sort low', () => {
    // all 5 equal except one negative; key = ceil(0.2×5)=1, core = ceil(1.5)=2, standard 2
    const recs = [rec('e', 100), rec('b', 100), rec('d', 100), rec('a', 100), rec('c', -100)];
    expect(Object.fromEntries(assignTiers(recs, corporate))).toEqual({
      a: 'key', b: 'core', d: 'core', e: 'standard', c: 'standard',
    });
  });

  it('lets the last tier take the rest when shares leave nothing (0.5 + 0.5, n = 3)', () => {
    const ladder: Ladder = { measure: 'contribution', method: 'quantiles', tiers: [
      { code: 'low', name_zh: '低', name_en: 'Low' },
      { code: 'mid', name_zh: '中', name_en: 'Mid', share: 0.5 },
      { code: 'top', name_zh: '高', name_en: 'Top', share: 0.5 },
    ] };
    // top ceil(1.5)=2, mid ceil(1.5)=2 clipped to the 1 remaining, low 0
    expect(Object.fromEntries(assignTiers([rec('a', 3), rec('b', 2), rec('c', 1)], ladder))).toEqual({
      a: 'top', b: 'top', c: 'mid',
    });
  });

  it('rejects duplicates and non-finite values', () => {
    expect(() => assignTiers([rec('a', 1), rec('a', 2)], corporate)).toThrow(/twice/);
    expect(() => assignTiers([rec('a', NaN)], personal)).toThrow(/not a number/);
  });
});

describe('parseTiers', () => {
  it('a file with one ladder keeps the other default; JSON works; percents work', () => {
    const cfg = parseTiers(JSON.stringify({
      corporate: { measure: 'deposit_adb', method: 'quantiles', tiers: [
        { code: 'c_low', name_zh: '低', name_en: 'Low' },
        { code: 'c_top', name_zh: '高', name_en: 'Top', share: '10%' },
      ] },
    }), 't.json');
    expect(cfg.personal).toEqual(DEFAULT_TIERS.personal);
    expect(cfg.corporate.measure).toBe('deposit_adb');
    expect(cfg.corporate.tiers[1].share).toBeCloseTo(0.1, 12);
  });

  it('converts thresholds from CNY to fen', () => {
    const cfg = parseTiers(
      'personal:\n  measure: deposit_adb\n  method: thresholds\n  tiers:\n' +
      '    - {code: a, name_zh: 甲, name_en: A}\n    - {code: b, name_zh: 乙, name_en: B, min: 50000.5}\n',
      't.yaml',
    );
    expect(cfg.personal.tiers[1].min_fen).toBe(5_000_050); // 50,000.50 CNY × 100
  });

  const head = 'personal:\n  measure: aum_adb\n  method: thresholds\n  tiers:\n';
  const lo = '    - {code: lo, name_zh: 低, name_en: Low}\n';
  const qhead = 'corporate:\n  measure: contribution\n  method: quantiles\n  tiers:\n';
  it.each([
    ['retail: {}', 'retail', 'unknown key'],
    ['{}', 'personal', 'no ladder'],
    ['personal: {measure: aum, method: thresholds, tiers: []}', 'personal.measure', 'must be one of'],
    ['personal: {measure: aum_adb, method: deciles, tiers: []}', 'personal.method', 'thresholds or quantiles'],
    ['personal: {measure: aum_adb, method: thresholds, tiers: []}', 'personal.tiers', 'non-empty list'],
    ['personal: {measure: aum_adb, method: thresholds}', 'personal.tiers', 'non-empty list'],
    ['personal: {measure: aum_adb, method: thresholds, tiers: [], extra: 1}', 'personal.extra', 'unknown key'],
    [head + '    - {code: lo, name_zh: 低, name_en: Low, min: 0}\n', 'personal.tiers[0].min', 'lowest tier has no min'],
    [head + lo + '    - {code: hi, name_zh: 高, name_en: High}\n', 'personal.tiers[1].min', 'required'],
    [head + lo + '    - {code: hi, name_zh: 高, name_en: High, min: "lots"}\n', 'personal.tiers[1].min', 'must be a number'],
    [head + lo + '    - {code: hi, name_zh: 高, name_en: High, min: 1.001}\n', 'personal.tiers[1].min', '2 decimals'],
    [head + lo + '    - {code: m, name_zh: 中, name_en: M, min: 500}\n    - {code: h, name_zh: 高, name_en: H, min: 100}\n',
      'personal.tiers[2].min', 'greater than the previous'],
    [head + lo + '    - {code: hi, name_zh: 高, name_en: High, share: 0.2}\n', 'personal.tiers[1].share', 'only for method quantiles'],
    [head + '    - {code: Lo, name_zh: 低, name_en: Low}\n', 'personal.tiers[0].code', 'lowercase'],
    [head + '    - {code: new, name_zh: 新, name_en: New}\n', 'personal.tiers[0].code', 'reserved'],
    [head + '    - {code: lo, name_en: Low}\n', 'personal.tiers[0].name_zh', 'non-empty text'],
    [head + '    - {code: lo, name_zh: 低, name_en: Low, colour: red}\n', 'personal.tiers[0].colour', 'unknown key'],
    [head + lo + '    - {code: lo, name_zh: 低, name_en: Low, min: 5}\n', 'personal.tiers[1].code', 'duplicate code'],
    [head + '    - {code: key, name_zh: 重点, name_en: Key}\n', 'personal.tiers[0].code', 'already used by corporate.tiers[2] (default ladder)'],
    [head + lo + qhead + '    - {code: lo, name_zh: 低, name_en: Low}\n    - {code: k, name_zh: 重点, name_en: Key, share: 0.2}\n',
      'corporate.tiers[0].code', 'already used by personal.tiers[0]'],
    [qhead + '    - {code: lo, name_zh: 低, name_en: Low, share: 0.5}\n', 'corporate.tiers[0].share', 'takes the rest'],
    [qhead + lo + '    - {code: hi, name_zh: 高, name_en: High}\n', 'corporate.tiers[1].share', 'required'],
    [qhead + lo + '    - {code: hi, name_zh: 高, name_en: High, share: 0}\n', 'corporate.tiers[1].share', 'greater than 0'],
    [qhead + lo + '    - {code: hi, name_zh: 高, name_en: High, share: 20}\n', 'corporate.tiers[1].share', 'between 0 and 1'],
    [qhead + lo + '    - {code: hi, name_zh: 高, name_en: High, min: 5}\n', 'corporate.tiers[1].min', 'only for method thresholds'],
    [qhead + lo + '    - {code: m, name_zh: 中, name_en: M, share: 0.6}\n    - {code: h, name_zh: 高, name_en: H, share: 0.5}\n',
      'corporate.tiers', 'more than 1'],
  ])('rejects %j naming field %s', (text, field, problem) => {
    const e = usage(() => parseTiers(text, 'my-tiers.yaml'));
    expect(e.message).toContain('my-tiers.yaml: ');
    expect(e.message).toContain(`field ${field}:`);
    expect(e.message).toContain(problem);
  });

  it('rejects unparsable text', () => {
    expect(usage(() => parseTiers('personal: [', 't.yaml')).message).toMatch(/^t\.yaml: cannot parse/);
    expect(usage(() => parseTiers('{"personal":', 't.json')).message).toMatch(/^t\.json: cannot parse/);
  });
});

describe('tierOf (parallel arrays, ids usually ascending)', () => {
  it('ids ascending: ties broken by position, the same as by customer_id', () => {
    // key = ceil(0.2×5) = 1, core = ceil(0.3×5) = 2, standard the other 2; a..d tie at 100.
    expect(tierOf(['a', 'b', 'c', 'd', 'e'], [100, 100, 100, 100, -100], corporate)).toEqual(['key', 'core', 'core', 'standard', 'standard']);
  });

  it('gives what assignTiers gives, for ids in and out of order', () => {
    // 200 customers, values in 7 distinct levels (many ties), a fixed pseudo-random sequence.
    const ids = Array.from({ length: 200 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    const values = ids.map((_, i) => ((i * 7919) % 7) * 1000 - 2000);
    const viaMap = assignTiers(ids.map((id, i) => rec(id, values[i])), corporate);
    expect(tierOf(ids, values, corporate)).toEqual(ids.map((id) => viaMap.get(id)));
    const rev = [...ids].reverse();
    const revValues = [...values].reverse();
    expect(tierOf(rev, revValues, corporate)).toEqual(rev.map((id) => viaMap.get(id)));
    // key: ceil(0.2 × 200) = 40 customers.
    expect(tierOf(ids, values, corporate).filter((t) => t === 'key')).toHaveLength(40);
  });

  it('rejects a measure that is not a number, naming the customer', () => {
    expect(() => tierOf(['a', 'b'], [1, Number.NaN], corporate)).toThrow('tier measure for customer b is not a number');
  });
});

