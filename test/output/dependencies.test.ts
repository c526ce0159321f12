/**
 * The behaviour behind two choices in docs/architecture.md ("Dependencies and why"):
 * displayWidth takes its Wide/Fullwidth data from get-east-asian-width (Unicode's
 * EastAsianWidth.txt), and the GB18030 encoder stays our own because iconv-lite writes other
 * bytes for 37 code points than the inverse of TextDecoder('gb18030').
 */
import { describe, expect, test } from 'vitest';
import { displayWidth } from '../../src/output/format.js';
import { encodeGb18030 } from '../../src/output/gb18030.js';

describe('displayWidth follows Unicode East Asian Width', () => {
  test.each([
    ['\u{1f321}', 1], // 🌡 thermometer: text presentation, EAW Neutral (a hand-kept range called it wide)
    ['\u4dc0', 2], // ䷀ hexagram: Wide since Unicode 16
    ['\u3248', 1], // ㉈ circled number: Ambiguous, counted narrow
    ['\u2630', 2], // ☰ trigram: Wide since Unicode 16
    ['\u{1f600}', 2], // 😀 emoji presentation: Wide
    ['客户经理', 8],
    ['\uff01', 2], // ！ Fullwidth
  ])('%j is %d columns', (s, w) => {
    expect(displayWidth(s)).toBe(w);
  });
});

describe('encodeGb18030 is the inverse of TextDecoder("gb18030")', () => {
  const d = new TextDecoder('gb18030');
  test('U+9FB4..9FBB take the two-byte codes FE59.. (GB18030-2022; iconv-lite writes 82359037..)', () => {
    const want = ['fe59', 'fe61', 'fe66', 'fe67', 'fe6d', 'fe7e', 'fe90', 'fea0'];
    for (let i = 0; i < 8; i++) {
      const ch = String.fromCharCode(0x9fb4 + i);
      expect(encodeGb18030(ch).toString('hex')).toBe(want[i]);
      expect(d.decode(encodeGb18030(ch))).toBe(ch);
    }
  });

  test('every supplementary-plane code point round-trips through four bytes', () => {
    let all = '';
    for (let cp = 0x10000; cp <= 0x10ffff; cp++) all += String.fromCodePoint(cp);
    const bytes = encodeGb18030(all);
    expect(bytes.length).toBe(4 * 0x100000);
    expect(d.decode(bytes) === all).toBe(true);
  });
});
