import { describe, expect, test } from 'vitest';
import {
  displayWidth, fenToYuan, formatInt, formatMoney, formatNumber, formatPercent, padDisplay,
  roundHalfAwayFromZero, sanitizeForTerminal, stripAnsi,
} from '../../src/output/format.js';

describe('roundHalfAwayFromZero', () => {
  test.each([
    [1.005, 2, 1.01], // 1.005 is 1.00499999999999989... in binary
    [-1.005, 2, -1.01],
    [8.345, 2, 8.35],
    [1.004, 2, 1.0],
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.5, 0, 1],
    [-0.5, 0, -1],
    [12345.5, 0, 12346],
    [-12345.5, 0, -12346],
    [12345.49, 0, 12345],
    [1.45, 1, 1.5],
    [1234.4999999999998, 0, 1235], // float noise just below a tie counts as the tie
    [1250, -2, 1300],
    [0.1 + 0.2, 2, 0.3],
    [1e-7, 2, 0],
  ])('%d to %d decimals -> %d', (x, d, want) => {
    expect(roundHalfAwayFromZero(x, d)).toBe(want);
  });

  test('no negative zero', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.4, 0), 0)).toBe(true);
    expect(Object.is(roundHalfAwayFromZero(-0.001, 2), 0)).toBe(true);
  });

  test('non-finite passes through', () => {
    expect(roundHalfAwayFromZero(NaN, 2)).toBeNaN();
    expect(roundHalfAwayFromZero(Infinity, 2)).toBe(Infinity);
  });
});

describe('formatMoney (fen -> CNY)', () => {
  test('separators', () => {
    expect(formatMoney(123456789.5)).toBe('1,234,567.90');
    expect(formatMoney(123456789.5, { separators: true })).toBe('1,234,567.90');
    expect(formatMoney(100000)).toBe('1,000.00');
    expect(formatMoney(99999)).toBe('999.99');
    expect(formatMoney(-123456789)).toBe('-1,234,567.89');
  });
  test('plain', () => {
    expect(formatMoney(123456789.5, { separators: false })).toBe('1234567.90');
    expect(formatMoney(-1250, { separators: false })).toBe('-12.50');
  });
  test('small and fractional fen', () => {
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(12345.5)).toBe('123.46');
    expect(formatMoney(-12345.5)).toBe('-123.46');
    expect(formatMoney(100.5)).toBe('1.01');
    expect(formatMoney(0.4)).toBe('0.00');
    expect(formatMoney(-0.4)).toBe('0.00'); // no "-0.00"
    expect(formatMoney(-0.5)).toBe('-0.01');
  });
  test('large values stay exact', () => {
    expect(formatMoney(900719925474099)).toBe('9,007,199,254,740.99');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, { separators: false })).toBe('90071992547409.91');
    expect(formatMoney(2 ** 60, { separators: false })).toBe('11529215046068469.76'); // beyond 2^53: the decimal path
  });
  test('agrees with BigInt arithmetic on the rounded fen, over a spread of values', () => {
    // Reference: round to whole fen (the tested roundHalfAwayFromZero), then yuan = fen / 100 and
    // cents = fen % 100 in BigInt, grouped by hand.
    const reference = (fen: number, separators: boolean) => {
      const whole = BigInt(roundHalfAwayFromZero(fen, 0));
      const abs = whole < 0n ? -whole : whole;
      let yuan = (abs / 100n).toString();
      if (separators) yuan = yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
      return `${whole < 0n ? '-' : ''}${yuan}.${(abs % 100n).toString().padStart(2, '0')}`;
    };
    let x = 0.37;
    for (let i = 0; i < 2000; i++) {
      x = (x * 7919 + 0.61) % 1e12; // a fixed pseudo-random walk over 0 .. 10^12 fen, fractional
      for (const v of [x, -x, Math.floor(x), -Math.floor(x), x / 1e6]) {
        expect(formatMoney(v)).toBe(reference(v, true));
        expect(formatMoney(v, { separators: false })).toBe(reference(v, false));
      }
    }
  });
  test('fenToYuan', () => {
    expect(fenToYuan(12345.5)).toBe(123.46);
    expect(fenToYuan(-1250)).toBe(-12.5);
    expect(Object.is(fenToYuan(-0.2), 0)).toBe(true);
  });
});

describe('formatPercent / formatInt / formatNumber', () => {
  test('percent', () => {
    expect(formatPercent(0.123456)).toBe('12.35%');
    expect(formatPercent(0.0125, 1)).toBe('1.3%');
    expect(formatPercent(-0.012345)).toBe('-1.23%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(1.005)).toBe('100.50%');
    expect(formatPercent(0)).toBe('0.00%');
  });
  test('int', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(-1000)).toBe('-1,000');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(2.5)).toBe('3');
    expect(formatInt(1234567, { separators: false })).toBe('1234567');
  });
  test('number', () => {
    expect(formatNumber(1234.565)).toBe('1,234.57');
    expect(formatNumber(-0.125, 2)).toBe('-0.13');
    expect(formatNumber(7, 0)).toBe('7');
  });
});

describe('displayWidth / padDisplay', () => {
  test.each([
    ['abc', 3],
    ['', 0],
    ['张三', 4],
    ['中文abc', 7],
    ['￥100', 5], // U+FFE5 fullwidth yen
    ['¥100', 4], // U+00A5 is narrow
    ['，。', 4], // fullwidth comma, ideographic full stop
    ['e\u0301', 1], // combining acute
    ['😀', 2],
    ['한국', 4],
    ['\x1b[31mab\x1b[39m', 2],
  ])('%j is %d columns', (s, w) => {
    expect(displayWidth(s)).toBe(w);
  });

  test('pad', () => {
    expect(padDisplay('张三', 6)).toBe('张三  ');
    expect(padDisplay('张三', 6, 'right')).toBe('  张三');
    expect(padDisplay('张三', 7, 'center')).toBe(' 张三  ');
    expect(padDisplay('长字符串', 2)).toBe('长字符串'); // never truncates
  });

  test('stripAnsi / sanitizeForTerminal', () => {
    expect(stripAnsi('\x1b[1mTotal\x1b[22m')).toBe('Total');
    expect(sanitizeForTerminal('a\tb\nc\x1b[31md')).toBe('a b c[31md');
  });
});
