/** RFM edges: a transaction on the as-of date, the rules that tell cant_lose from at_risk, the input checks. */
import { describe, expect, it } from 'vitest';
import { dataError } from '../helpers.js';
import { RFM_SEGMENTS, scoreRfm, segmentOf, type Score, segmentRule } from '../../src/segment/rfm.js';

const c = (customer_id: string, days_since_last: number | null, frequency: number, monetary_fen: number) =>
  ({ customer_id, days_since_last, frequency, monetary_fen });

describe('RFM edges', () => {
  it('a last transaction on the as-of date (0 days) is the best recency', () => {
    const r = scoreRfm([c('a', 0, 1, 100), c('b', 10, 1, 100)]);
    // n = 2 active: ranks ceil(2k/5) = 1,1,2,2 → recency cuts [0, 0, 10, 10]; 0 ≤ c1 → R5; 10 ≤ c3 → R3
    expect(r.cuts.recency).toEqual([0, 0, 10, 10]);
    expect(r.scores.map((s) => s.r)).toEqual([5, 3]);
  });

  it('R ≤ 2 with only one of F, M at 4 or more is at risk, not cant_lose', () => {
    const seg = (r: number, f: number, m: number) => segmentOf({ active: true, r: r as Score, f: f as Score, m: m as Score });
    // cant_lose needs F ≥ 4 and M ≥ 4; F 3 with M 4, or F 1 with M 5: at_risk (M ≥ 3)
    expect(seg(2, 3, 4)).toBe('at_risk');
    expect(seg(1, 1, 5)).toBe('at_risk');
    // F 5 with M 3: at_risk (F ≥ 3)
    expect(seg(2, 5, 3)).toBe('at_risk');
    expect(seg(2, 4, 4)).toBe('cant_lose');
  });

  it('what no other rule takes is lost', () => {
    const seg = (r: number, f: number, m: number) => segmentOf({ active: true, r: r as Score, f: f as Score, m: m as Score });
    // R 1 with F, M ≤ 2: not at risk (F, M < 3), not hibernating (R ≠ 2)
    expect([seg(1, 1, 1), seg(1, 2, 2)]).toEqual(['lost', 'lost']);
    // five active customers, E the oldest, rarest and smallest: R1 F1 M1 → lost
    const r = scoreRfm([c('A', 1, 50, 9000), c('B', 5, 20, 5000), c('C', 30, 10, 3000), c('D', 100, 5, 1000), c('E', 300, 1, 100)]);
    expect(r.scores[4]).toEqual({ customer_id: 'E', active: true, r: 1, f: 1, m: 1, segment: 'lost' });
  });

  it('an inactive customer may have no days; frequency 0 with days is still inactive', () => {
    const r = scoreRfm([c('a', null, 0, 0), c('b', 3, 0, 0), c('x', 1, 2, 50)]);
    expect(r.active_customers).toBe(1);
    // one active customer: every cut is its own value, so R: 1 ≤ c1 → 5, F: 2 ≤ c1 → 1 → segment new (R 5, F 1)
    expect(r.scores.map((s) => s.segment)).toEqual(['inactive', 'inactive', 'new']);
  });

  it('bad input is a DataError naming the customer and the value', () => {
    expect(dataError(() => scoreRfm([c('a', 1, 1, 5), c('a', 2, 1, 5)]))).toBe('RFM: customer a appears twice');
    expect(dataError(() => scoreRfm([c('a', 1, 1.5, 5)]))).toBe('RFM: customer a: frequency must be a whole number ≥ 0, got 1.5');
    expect(dataError(() => scoreRfm([c('a', 1, -1, 5)]))).toBe('RFM: customer a: frequency must be a whole number ≥ 0, got -1');
    expect(dataError(() => scoreRfm([c('a', 1, 1, -1)]))).toBe('RFM: customer a: monetary must be ≥ 0 (Σ |amount|), got -1');
    expect(dataError(() => scoreRfm([c('a', 1, 1, Number.NaN)]))).toBe('RFM: customer a: monetary must be ≥ 0 (Σ |amount|), got NaN');
    expect(dataError(() => scoreRfm([c('a', null, 1, 5)]))).toBe('RFM: customer a has transactions but days since last is null');
    expect(dataError(() => scoreRfm([c('a', -1, 1, 5)]))).toBe('RFM: customer a has transactions but days since last is -1');
    expect(dataError(() => scoreRfm([c('a', Number.NaN, 1, 5)]))).toBe('RFM: customer a has transactions but days since last is NaN');
  });
});

describe('the segment table reports print', () => {
  it('codes, Chinese and English names and rules, in rule order (docs/segment.md, "Segments")', () => {
    expect(RFM_SEGMENTS.map((s) => [s.code, s.name_zh, s.name_en, s.rule])).toEqual([
      ['inactive', '无交易', 'Inactive', 'no transaction in the window'],
      ['champions', '冠军客户', 'Champions', 'R ≥ 4, F ≥ 4, M ≥ 4'],
      ['loyal', '忠诚客户', 'Loyal', 'R ≥ 3, F ≥ 4'],
      ['cant_lose', '不能流失', "Can't lose", 'R ≤ 2, F ≥ 4, M ≥ 4'],
      ['at_risk', '流失风险', 'At risk', 'R ≤ 2, F ≥ 3 or M ≥ 3'],
      ['potential_loyalist', '潜力客户', 'Potential loyalist', 'R ≥ 4, F = 2 or 3'],
      ['new', '新近客户', 'New', 'R = 5, F = 1'],
      ['promising', '有望客户', 'Promising', 'R = 4, F = 1'],
      ['need_attention', '需关注', 'Need attention', 'R = 3, F ≤ 3'],
      ['hibernating', '休眠倾向', 'Hibernating', 'R = 2 (F ≤ 2 and M ≤ 2 after the rules above)'],
      ['lost', '流失客户', 'Lost', 'everything else (R = 1, F ≤ 2, M ≤ 2)'],
    ]);
  });
});

describe('RFM rules in words and the first-match order', () => {
  it('each segment names its rule in English and in Chinese (the page and the table print these)', () => {
    const en = Object.fromEntries(RFM_SEGMENTS.map((s) => [s.code, segmentRule(s.code, 'en')]));
    const zh = Object.fromEntries(RFM_SEGMENTS.map((s) => [s.code, segmentRule(s.code, 'zh')]));
    expect(en).toEqual({
      inactive: 'no transaction in the window', champions: 'R ≥ 4, F ≥ 4, M ≥ 4', loyal: 'R ≥ 3, F ≥ 4', cant_lose: 'R ≤ 2, F ≥ 4, M ≥ 4',
      at_risk: 'R ≤ 2, F ≥ 3 or M ≥ 3', potential_loyalist: 'R ≥ 4, F = 2 or 3', new: 'R = 5, F = 1', promising: 'R = 4, F = 1',
      need_attention: 'R = 3, F ≤ 3', hibernating: 'R = 2 (F ≤ 2 and M ≤ 2 after the rules above)', lost: 'everything else (R = 1, F ≤ 2, M ≤ 2)',
    });
    expect(zh).toEqual({
      inactive: '统计期内无交易', champions: 'R ≥ 4，F ≥ 4，M ≥ 4', loyal: 'R ≥ 3，F ≥ 4', cant_lose: 'R ≤ 2，F ≥ 4，M ≥ 4',
      at_risk: 'R ≤ 2，F ≥ 3 或 M ≥ 3', potential_loyalist: 'R ≥ 4，F = 2 或 3', new: 'R = 5，F = 1', promising: 'R = 4，F = 1',
      need_attention: 'R = 3，F ≤ 3', hibernating: 'R = 2（经以上规则后 F ≤ 2 且 M ≤ 2）', lost: '其余（R = 1，F ≤ 2，M ≤ 2）',
    });
    expect(segmentRule('no_such_segment', 'en')).toBe('');
  });

  it('F = 1 goes by recency: R5 new, R4 promising, R3 need attention, R2 hibernating, R1 lost', () => {
    const at = (r: number) => segmentOf({ active: true, r: r as 1, f: 1, m: 1 });
    expect([5, 4, 3, 2, 1].map(at)).toEqual(['new', 'promising', 'need_attention', 'hibernating', 'lost']);
  });
});
