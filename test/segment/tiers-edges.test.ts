/**
 * Tier edges: shares adding to exactly 100%, equal minimums, reserved codes, which ladder a
 * clash is reported on, tie-breaking, and the exact messages (they name file, field and value).
 */
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, parseTiers, tierOf } from '../../src/segment/tiers.js';
import { usageError as usage } from '../helpers.js';

const message = (text: string, file = 't.yaml') => usage(() => parseTiers(text, file)).message;
const head = 'personal:\n  measure: aum_adb\n  method: thresholds\n  tiers:\n';
const lo = '    - {code: lo, name_zh: 低, name_en: Low}\n';
const qhead = 'corporate:\n  measure: contribution\n  method: quantiles\n  tiers:\n';

describe('parseTiers: limits that are allowed', () => {
  it('quantile shares adding up to exactly 100%', () => {
    // 0.5 + 0.5 = 1: allowed (the lowest tier then takes nobody)
    const cfg = parseTiers(qhead + lo + '    - {code: m, name_zh: 中, name_en: M, share: 0.5}\n    - {code: h, name_zh: 高, name_en: H, share: "50%"}\n', 't.yaml');
    expect(cfg.corporate.tiers.map((t) => t.share)).toEqual([undefined, 0.5, 0.5]);
  });

  it('texts are trimmed; a name of spaces only is not a name', () => {
    const cfg = parseTiers(head + '    - {code: " lo ", name_zh: " 低 ", name_en: " Low "}\n', 't.yaml');
    expect(cfg.personal.tiers).toEqual([{ code: 'lo', name_zh: '低', name_en: 'Low' }]);
    expect(message(head + '    - {code: lo, name_zh: 低, name_en: "   "}\n')).toBe('t.yaml: field personal.tiers[0].name_en: must be a non-empty text, got "   "');
  });

  it('a file named *.json.yaml is YAML', () => {
    expect(parseTiers(head + lo, 'tiers.json.yaml').personal.tiers).toHaveLength(1);
  });
});

describe('parseTiers: checks and their messages', () => {
  it('two tiers with the same minimum', () => {
    expect(message(head + lo + '    - {code: m, name_zh: 中, name_en: M, min: 100}\n    - {code: h, name_zh: 高, name_en: H, min: 100}\n'))
      .toBe("t.yaml: field personal.tiers[2].min: must be greater than the previous tier's min (tiers are listed low → high)");
  });

  it('shares above 100%', () => {
    // 0.6 + 0.5 = 1.1
    expect(message(qhead + lo + '    - {code: m, name_zh: 中, name_en: M, share: 0.6}\n    - {code: h, name_zh: 高, name_en: H, share: 0.5}\n'))
      .toBe('t.yaml: field corporate.tiers: shares add up to 1.1, more than 1');
  });

  it('every reserved code', () => {
    for (const code of ['new', 'gone', 'total']) {
      expect(message(head + `    - {code: ${code}, name_zh: 低, name_en: Low}\n`)).toBe(`t.yaml: field personal.tiers[0].code: "${code}" is reserved (new, gone, total)`);
    }
  });

  it('a code must be lowercase letters, digits or _ throughout', () => {
    expect(message(head + '    - {code: a-b, name_zh: 低, name_en: Low}\n')).toBe('t.yaml: field personal.tiers[0].code: must be lowercase letters, digits or _, got "a-b"');
  });

  it('missing texts name the field', () => {
    expect(message('personal: {method: thresholds, tiers: []}\n')).toBe('t.yaml: field personal.measure: must be a non-empty text, got nothing');
    expect(message('personal: {measure: aum_adb, tiers: []}\n')).toBe('t.yaml: field personal.method: must be a non-empty text, got nothing');
    expect(message(head + '    - {name_zh: 低, name_en: Low}\n')).toBe('t.yaml: field personal.tiers[0].code: must be a non-empty text, got nothing');
    expect(message(head + '    - {code: lo, name_zh: 低}\n')).toBe('t.yaml: field personal.tiers[0].name_en: must be a non-empty text, got nothing');
    expect(message(head + '    - {code: 5, name_zh: 低, name_en: Low}\n')).toBe('t.yaml: field personal.tiers[0].code: must be a non-empty text, got 5');
  });

  it('measure and method values', () => {
    expect(message('personal: {measure: aum, method: thresholds, tiers: []}\n'))
      .toBe('t.yaml: field personal.measure: must be one of aum_adb, deposit_adb, contribution, got "aum"');
    expect(message('personal: {measure: aum_adb, method: deciles, tiers: []}\n'))
      .toBe('t.yaml: field personal.method: must be thresholds or quantiles, got "deciles"');
  });

  it('a clash with a default ladder is reported on the file\'s own ladder, naming the default', () => {
    // the file defines only corporate; its code vip clashes with the default personal ladder's tiers[1]
    expect(message(qhead + '    - {code: base, name_zh: 低, name_en: Low}\n    - {code: vip, name_zh: 高, name_en: High, share: 0.2}\n'))
      .toBe('t.yaml: field corporate.tiers[1].code: code "vip" is already used by personal.tiers[1] (default ladder)');
    // both ladders from the file: no "(default ladder)"
    expect(message(head + lo + qhead + lo))
      .toBe('t.yaml: field corporate.tiers[0].code: code "lo" is already used by personal.tiers[0]');
  });

  it('shapes: a ladder or a tier that is not a mapping, an empty file, a top level that is not a mapping', () => {
    expect(message('personal: ~\n')).toBe('t.yaml: field personal: must be a mapping');
    expect(message('personal: 5\n')).toBe('t.yaml: field personal: must be a mapping');
    expect(message(head + '    - lo\n')).toBe('t.yaml: field personal.tiers[0]: must be a mapping');
    expect(message('{}\n')).toBe('t.yaml: field personal: the file defines no ladder (expected personal and/or corporate)');
    expect(message('~\n')).toBe('t.yaml: file is empty');
    expect(message('- 1\n')).toBe('t.yaml: top level must be a mapping of keys to values');
    expect(message('retail: {}\n')).toBe('t.yaml: field retail: unknown key (expected one of: personal, corporate, watch)');
  });

  it('unparseable text: the first line of the parser message', () => {
    let first = '';
    try {
      parseYaml('personal: [');
    } catch (e) {
      first = (e as Error).message.split('\n')[0];
    }
    expect(first.length).toBeGreaterThan(10);
    expect(message('personal: [')).toBe(`t.yaml: cannot parse file: ${first}`);
  });

  it('a bound that is not a finite number', () => {
    expect(message(head + lo + '    - {code: hi, name_zh: 高, name_en: High, min: .nan}\n')).toBe('t.yaml: field personal.tiers[1].min: must be a number, got null');
  });

  it('shares: percent strings must be the whole text; infinity is not a fraction', () => {
    const share = (s: string) => message(qhead + lo + `    - {code: hi, name_zh: 高, name_en: High, share: ${s}}\n`);
    const bad = (got: string) => `t.yaml: field corporate.tiers[1].share: must be a fraction (0.02) or a percent string ("2%"), got ${got}`;
    expect(share('"x20%"')).toBe(bad('"x20%"'));
    expect(share('"20%x"')).toBe(bad('"20%x"'));
    expect(share('"20x%"')).toBe(bad('"20x%"'));
    expect(share('"20% x"')).toBe(bad('"20% x"'));
    expect(share('.inf')).toBe(bad('null'));
    expect(share('"120%"')).toBe('t.yaml: field corporate.tiers[1].share: must be between 0 and 1 as a fraction (write 0.02 or "2%" for 2%), got "120%"');
    // " 12.25 % " = 0.1225
    expect(parseTiers(qhead + lo + '    - {code: hi, name_zh: 高, name_en: High, share: " 12.25 % "}\n', 't.yaml').corporate.tiers[1].share).toBe(0.1225);
  });
});

describe('tierOf edges', () => {
  const corporate = DEFAULT_TIERS.corporate;

  it('thresholds: one code per customer, no more', () => {
    // 99,999.99 CNY < 100,000 → mass; 100,000 → vip; 8,000,000 → private
    expect(tierOf(['a', 'b', 'c'], [9_999_999, 10_000_000, 800_000_000], DEFAULT_TIERS.personal)).toEqual(['mass', 'vip', 'private']);
  });

  it('ties with ids in order are broken by position', () => {
    // 10 equal values, ids c0..c9 ascending: key takes ceil(0.2 × 10) = 2 (c0, c1), core ceil(0.3 × 10) = 3 (c2..c4), standard 5
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    expect(tierOf(ids, ids.map(() => 7), corporate)).toEqual(['key', 'key', 'core', 'core', 'core', 'standard', 'standard', 'standard', 'standard', 'standard']);
  });

  it('ties with ids out of order are broken by customer_id', () => {
    // 5 equal values: by id a..e: key ceil(1) = 1 (a), core ceil(1.5) = 2 (b, c), standard d, e
    expect(tierOf(['e', 'c', 'a', 'd', 'b'], [1, 1, 1, 1, 1], corporate)).toEqual(['standard', 'core', 'key', 'standard', 'core']);
  });

  it('shares that leave no one for the lowest tier clip to what remains', () => {
    const ladder = { measure: 'contribution' as const, method: 'quantiles' as const, tiers: [
      { code: 'lo', name_zh: '低', name_en: 'Low' }, { code: 'mid', name_zh: '中', name_en: 'Mid', share: 0.5 }, { code: 'top', name_zh: '高', name_en: 'Top', share: 0.5 },
    ] };
    // n = 3: top ceil(1.5) = 2 (values 3, 2), mid ceil(1.5) = 2 clipped to the 1 left (value 1), lo none
    const out = tierOf(['a', 'b', 'c'], [3, 2, 1], ladder);
    expect(out).toStrictEqual(['top', 'top', 'mid']);
    expect(Object.keys(out)).toEqual(['0', '1', '2']);
  });
});
