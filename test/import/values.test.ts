import { describe, expect, it } from 'vitest';
import {
  parseAccountStatus, parseAmount, parseChannel, parseCurrency, parseCustomerType, parseDate, parseDateTime, parseDecimal,
  parseDirection, parseLoanClass, parsePeriod, parseProductType, parseRmType, ValueError,
} from '../../src/import/values.js';

describe('parseAmount (text → integer fen)', () => {
  it.each([
    ['1234.5', 1234 * 100 + 50],
    ['1,234.50', 1234 * 100 + 50],
    ['1,234,567.89', 1234567 * 100 + 89],
    ['-12.00', -(12 * 100)],
    ['(12.00)', -(12 * 100)],
    ['(1,234.56)', -(1234 * 100 + 56)],
    ['¥1,234.5', 1234 * 100 + 50],
    ['￥12', 12 * 100],
    ['$0.99', 99],
    ['¥-12.00', -1200],
    ['  42.10  ', 4210],
    ['.5', 50],
    ['7', 700],
    ['7.', 700],
    ['+3.01', 301],
    ['0.10', 10],
    ['1.230', 123], // trailing zero decimals are exact
    ['-0.00', 0],
  ])('%j → %d', (raw, fen) => {
    expect(parseAmount(raw)).toBe(fen);
  });

  it('sums exactly where floats would not (0.1 + 0.2)', () => {
    expect(parseAmount('0.10') + parseAmount('0.20')).toBe(30);
  });

  it.each([
    ['12,34x', /not an amount/],
    ['1.234', /more than 2 decimal places/],
    ['abc', /not an amount/],
    ['', /empty amount/],
    ['   ', /empty amount/],
    ['1,23.00', /not an amount/],
    ['12.3.4', /not an amount/],
    ['--5', /not an amount/],
    ['€5', /not an amount/],
    ['(-5.00)', /not an amount/],
    ['-¥-5', /not an amount/],
  ])('rejects %j', (raw, why) => {
    expect(() => parseAmount(raw)).toThrow(ValueError);
    expect(() => parseAmount(raw)).toThrow(why);
  });
});

describe('parseDecimal', () => {
  it('reads plain decimals with thousands separators', () => {
    expect(parseDecimal('3.5')).toBe(3.5);
    expect(parseDecimal('1,000')).toBe(1000);
    expect(parseDecimal('.25')).toBe(0.25);
    expect(() => parseDecimal('12%')).toThrow(/not a number/);
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-11-15', '2026-11-15'],
    ['20261115', '2026-11-15'],
    ['2026/1/5', '2026-01-05'],
    ['2026/11/05', '2026-11-05'],
    ['2026-1-5', '2026-01-05'],
    [' 2026-11-15 ', '2026-11-15'],
    ['2024-02-29', '2024-02-29'], // 2024 is a leap year (divisible by 4, not by 100)
    ['2000-02-29', '2000-02-29'], // divisible by 400
  ])('%j → %s', (raw, iso) => expect(parseDate(raw)).toBe(iso));

  it.each([
    ['2026-13-01', /not a calendar date/],
    ['2026-02-29', /not a calendar date/], // 2026 is not a leap year
    ['1900-02-29', /not a calendar date/], // divisible by 100, not by 400
    ['2026-04-31', /not a calendar date/],
    ['2026-00-10', /not a calendar date/],
    ['15/11/2026', /not a date/],
    ['2026-11', /not a date/],
    ['', /empty date/],
  ])('rejects %j', (raw, why) => {
    expect(() => parseDate(raw)).toThrow(ValueError);
    expect(() => parseDate(raw)).toThrow(why);
  });

  it('reads a mapping format YYMMDD with a year pivot', () => {
    // pivot 50: YY < 50 → 20YY, else 19YY
    expect(parseDate('930101', { format: 'YYMMDD', pivot: 50 })).toBe('1993-01-01');
    expect(parseDate('051231', { format: 'YYMMDD', pivot: 50 })).toBe('2005-12-31');
    expect(parseDate('491231', { format: 'YYMMDD', pivot: 50 })).toBe('2049-12-31');
    expect(parseDate('500101', { format: 'YYMMDD', pivot: 50 })).toBe('1950-01-01');
    // default pivot is 50
    expect(parseDate('940331', { format: 'YYMMDD' })).toBe('1994-03-31');
    // pivot 10: 05 → 2005, 15 → 1915
    expect(parseDate('150101', { format: 'YYMMDD', pivot: 10 })).toBe('1915-01-01');
    // a trailing time part is tolerated (Berka card.asc "931107 00:00:00")
    expect(parseDate('931107 00:00:00', { format: 'YYMMDD' })).toBe('1993-11-07');
    expect(() => parseDate('930230', { format: 'YYMMDD' })).toThrow(/not a calendar date/);
    expect(() => parseDate('93011', { format: 'YYMMDD' })).toThrow(/not a date in format YYMMDD/);
  });

  it('reads other mapping formats', () => {
    expect(parseDate('15.11.2026', { format: 'DD.MM.YYYY' })).toBe('2026-11-15');
    expect(parseDate('5/1/2026', { format: 'D/M/YYYY' })).toBe('2026-01-05');
    expect(() => parseDate('2026-11-15', { format: 'DD.MM.YYYY' })).toThrow(/not a date in format DD.MM.YYYY/);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-11-15', '2026-11-15'],
    ['2026-11-15 09:30', '2026-11-15 09:30:00'],
    ['2026-11-15 9:30', '2026-11-15 09:30:00'],
    ['2026-11-15 09:30:45', '2026-11-15 09:30:45'],
    ['2026-11-15T09:30:45', '2026-11-15 09:30:45'],
    ['2026-11-15T09:30:45.123', '2026-11-15 09:30:45'],
    ['2026-11-15T09:30:45Z', '2026-11-15 09:30:45'],
    ['2026-11-15T09:30:45+08:00', '2026-11-15 09:30:45'],
    ['2026-11-15T09:30:45.5-0500', '2026-11-15 09:30:45'],
    ['20261115 23:59:59', '2026-11-15 23:59:59'],
    ['2026/11/5 00:00', '2026-11-05 00:00:00'],
  ])('%j → %s', (raw, out) => expect(parseDateTime(raw)).toBe(out));

  it.each([
    ['2026-11-15 24:00', /not a time of day/],
    ['2026-11-15 12:60', /not a time of day/],
    ['2026-11-15 12:00:60', /not a time of day/],
    ['2026-02-30 12:00', /not a calendar date/],
    ['yesterday', /not a date/],
  ])('rejects %j', (raw, why) => expect(() => parseDateTime(raw)).toThrow(why));

  it('uses the mapping format for the date part', () => {
    expect(parseDateTime('930101', { format: 'YYMMDD' })).toBe('1993-01-01');
  });

  it('a day just accepted does not let a bad time or a bad day of the same shape through', () => {
    // The fast path remembers the last day it accepted; each line below follows an accepted one.
    expect(parseDateTime('2026-02-28 23:59:59')).toBe('2026-02-28 23:59:59');
    expect(() => parseDateTime('2026-02-28 24:00:00')).toThrow(/not a time of day/);
    expect(() => parseDateTime('2026-02-28 23:5x:00')).toThrow(/not a date/);
    expect(parseDateTime('2026-02-28 00:00:00')).toBe('2026-02-28 00:00:00');
    expect(() => parseDateTime('2026-02-29 00:00:00')).toThrow(/not a calendar date/);
    expect(parseDateTime('2028-02-29 00:00:00')).toBe('2028-02-29 00:00:00');
  });
});

describe('enums: value, Chinese alias, case-insensitive', () => {
  const cases: [string, (s: string) => string, [string, string][]][] = [
    ['rm_type', parseRmType, [['corporate', 'corporate'], ['CORPORATE', 'corporate'], ['对公', 'corporate'], ['personal', 'personal'], ['Personal', 'personal'], ['个人', 'personal']]],
    ['customer_type', parseCustomerType, [['personal', 'personal'], ['个人', 'personal'], ['corporate', 'corporate'], ['对公', 'corporate'], ['公司', 'corporate'], [' Corporate ', 'corporate']]],
    ['product_type', parseProductType, [
      ['demand_deposit', 'demand_deposit'], ['活期存款', 'demand_deposit'], ['time_deposit', 'time_deposit'], ['定期存款', 'time_deposit'],
      ['wealth', 'wealth'], ['理财', 'wealth'], ['fund', 'fund'], ['基金', 'fund'], ['insurance', 'insurance'], ['保险', 'insurance'],
      ['bond', 'bond'], ['国债', 'bond'], ['债券', 'bond'], ['国债/债券', 'bond'], ['loan', 'loan'], ['贷款', 'loan'],
      ['credit_card', 'credit_card'], ['信用卡', 'credit_card'], ['LOAN', 'loan'], ['Demand_Deposit', 'demand_deposit'],
    ]],
    ['loan_class', parseLoanClass, [
      ['normal', 'normal'], ['正常', 'normal'], ['special_mention', 'special_mention'], ['关注', 'special_mention'],
      ['substandard', 'substandard'], ['次级', 'substandard'], ['doubtful', 'doubtful'], ['可疑', 'doubtful'], ['loss', 'loss'], ['损失', 'loss'], ['LOSS', 'loss'],
    ]],
    ['status', parseAccountStatus, [['active', 'active'], ['正常', 'active'], ['dormant', 'dormant'], ['久悬', 'dormant'], ['closed', 'closed'], ['销户', 'closed'], ['Closed', 'closed']]],
    ['direction', parseDirection, [['credit', 'credit'], ['贷', 'credit'], ['debit', 'debit'], ['借', 'debit'], ['DEBIT', 'debit']]],
    ['channel', parseChannel, [['counter', 'counter'], ['柜台', 'counter'], ['self_service', 'self_service'], ['自助', 'self_service'], ['e_banking', 'e_banking'], ['电子银行', 'e_banking'], ['E_Banking', 'e_banking']]],
  ];
  for (const [name, parse, pairs] of cases) {
    it(`${name}`, () => {
      for (const [raw, out] of pairs) expect(parse(raw), raw).toBe(out);
      expect(() => parse('nonsense')).toThrow(new RegExp(`unknown ${name} "nonsense"`));
    });
  }
});

describe('currency', () => {
  it('accepts ISO codes in any case and Chinese names', () => {
    expect(parseCurrency('CNY')).toBe('CNY');
    expect(parseCurrency('usd')).toBe('USD');
    expect(parseCurrency(' eur ')).toBe('EUR');
    expect(parseCurrency('人民币')).toBe('CNY');
    expect(parseCurrency('RMB')).toBe('CNY');
    expect(parseCurrency('rmb')).toBe('CNY');
    expect(parseCurrency('美元')).toBe('USD');
    expect(parseCurrency('港币')).toBe('HKD');
    expect(parseCurrency('港元')).toBe('HKD');
    expect(parseCurrency('日元')).toBe('JPY');
    expect(parseCurrency('英镑')).toBe('GBP');
    expect(parseCurrency('欧元')).toBe('EUR');
  });
  it('rejects what is not a code', () => {
    expect(() => parseCurrency('US')).toThrow(/not an ISO 4217 currency code: "US"/);
    expect(() => parseCurrency('US1')).toThrow(/not an ISO 4217/);
    expect(() => parseCurrency('dollar')).toThrow(/not an ISO 4217/);
  });
});

describe('periods', () => {
  it.each([['2026', '2026'], ['2026-H2', '2026-H2'], ['2026-h1', '2026-H1'], ['2026-Q4', '2026-Q4'], ['2026-q1', '2026-Q1'], ['2026-11', '2026-11'], ['2026-01', '2026-01']])(
    '%j → %s', (raw, out) => expect(parsePeriod(raw)).toBe(out));
  it.each(['2026-13', '2026-00', '2026-H3', '2026-Q5', '26', '2026-1', 'FY2026'])('rejects %j', (raw) => {
    expect(() => parsePeriod(raw)).toThrow(/not a period/);
  });
});
