/**
 * StringIndex and StringSet (ids an import meets, kept as bytes) against a plain Map and Set: the
 * same answers through many growths of their table and buffer, for ids that differ in one
 * character, share prefixes, are empty, are not ASCII, or are too long for the byte buffer.
 */
import { describe, expect, it } from 'vitest';
import { editDistance, sameButCase, StringIndex, StringSet } from '../src/strings.js';
import { rng } from './reliability/util.js';

describe('StringSet', () => {
  it('answers as a Set does for 50,000 ids added in random order, half of them twice', () => {
    const random = rng(7);
    const ids = Array.from({ length: 50_000 }, (_, i) => `A${String(i).padStart(9, '0')}`);
    const set = new StringSet();
    const plain = new Set<string>();
    for (let k = 0; k < 75_000; k++) {
      const id = ids[Math.floor(random() * ids.length)];
      expect(set.add(id)).toBe(!plain.has(id));
      plain.add(id);
    }
    expect(set.size).toBe(plain.size);
    // every id: present exactly when the Set has it (ids never added included)
    for (const id of ids) expect(set.has(id)).toBe(plain.has(id));
    expect(set.has('A00000000')).toBe(false); // a prefix of added ids
    expect(set.has('A0000000000')).toBe(false); // one character more
  });

  it('ids of any characters and length: empty, Chinese, emoji, 1,000 and 1,001 characters (3,000 bytes in the buffer)', () => {
    const set = new StringSet();
    const odd = ['', '账户001', '账户002', '😀', 'x'.repeat(1000), 'x'.repeat(1001), '账'.repeat(1000), '账'.repeat(999) + '户', '账'.repeat(1001)];
    for (const s of odd) expect(set.add(s)).toBe(true);
    for (const s of odd) expect(set.add(s)).toBe(false);
    expect(set.size).toBe(odd.length);
    expect(set.has('账户003')).toBe(false);
    expect(set.has('x'.repeat(999))).toBe(false);
    expect(set.has('x'.repeat(1002))).toBe(false);
    expect(set.has('账'.repeat(999) + '账')).toBe(true);
    expect(set.has('账'.repeat(998) + '户')).toBe(false);
  });
});

describe('StringIndex', () => {
  it('numbers strings 0, 1, 2… in the order first added (past 65,535: a number of three bytes)', () => {
    const random = rng(11);
    const index = new StringIndex();
    const plain = new Map<string, number>();
    const ids = Array.from({ length: 80_000 }, (_, i) => (i % 7 === 0 ? `客户${i}` : `C${i}`));
    ids.push('', 'y'.repeat(1001), 'y'.repeat(1002)); // long ones kept beside the buffer
    for (let k = 0; k < 150_000; k++) {
      const id = k < 3 ? ids[ids.length - 1 - k] : ids[Math.floor(random() * ids.length)];
      const expected = plain.get(id) ?? plain.size;
      plain.set(id, expected);
      expect(index.add(id)).toBe(expected);
    }
    expect(index.size).toBe(plain.size);
    for (const id of ids) expect(index.indexOf(id)).toBe(plain.get(id) ?? -1);
    expect(Math.max(...plain.values())).toBeGreaterThan(65_535);
    // the first three added were the long ones and the empty string: numbers 0, 1, 2
    expect([index.indexOf('y'.repeat(1002)), index.indexOf('y'.repeat(1001)), index.indexOf('')]).toEqual([0, 1, 2]);
  });

  it('keeps entries whole across its 1 MiB data pages: 3,000-byte ids that do not fit the rest of a page start the next one', () => {
    // Each id: 6 bytes of length and number + 3 × 1,000 bytes (a 3-byte character 1,000 times, with a
    // distinguishing 5-digit tail in place of the last 5: 2,985 + 5 bytes): 2,996 bytes, so
    // 1,048,576 / 2,996 = 349.99 fit a page — the 350th of each goes to the next, leaving about
    // 1,048,576 − 349 × 2,996 = 2,972 bytes less the short ids between them. 1,000 span 3 pages.
    const id = (i: number) => '账'.repeat(995) + String(i).padStart(5, '0');
    const index = new StringIndex();
    const short: string[] = [];
    for (let i = 0; i < 1000; i++) {
      expect(index.add(id(i))).toBe(2 * i);
      short.push(`A${i}`);
      expect(index.add(short[i])).toBe(2 * i + 1); // small ones between them, filling the ends of pages
    }
    for (let i = 0; i < 1000; i++) {
      expect(index.indexOf(id(i))).toBe(2 * i);
      expect(index.indexOf(short[i])).toBe(2 * i + 1);
    }
    expect(index.indexOf(id(1000))).toBe(-1);
  });
});

describe('editDistance and sameButCase', () => {
  it('counts inserts, deletes, replacements and swaps of neighbours', () => {
    expect(editDistance('ammount', 'amount')).toBe(1); // one m too many
    expect(editDistance('chanel', 'channel')).toBe(1);
    expect(editDistance('acount_id', 'account_id')).toBe(1);
    expect(editDistance('amuont', 'amount')).toBe(1); // u and o swapped
    expect(editDistance('金钱', '金额')).toBe(1);
    expect(editDistance('teller', 'channel', 3)).toBe(4); // capped at max + 1
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('finds the id that differs only in case', () => {
    expect(sameButCase('rm002', ['RM001', 'RM002'])).toBe('RM002');
    expect(sameButCase('RM009', ['RM001', 'RM002'])).toBeUndefined();
  });
});
