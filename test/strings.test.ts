/**
 * StringSet (the account ids a snapshot file lists, kept as bytes) against a plain Set: the same
 * answers through many growths of its table and buffer, for ids that differ in one character,
 * share prefixes, are empty, are not ASCII, or are too long for the byte buffer.
 */
import { describe, expect, it } from 'vitest';
import { StringSet } from '../src/strings.js';
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
