/**
 * A copy of `s` that does not keep a larger string alive. V8 makes a substring of 13 or more
 * characters a view into its parent: a value split from a decoded file chunk, or one row's text
 * cut from a batch of 2,000, keeps the whole chunk or batch in memory for as long as it is kept.
 * Use it for strings that outlive the batch they came from.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/**
 * One string object per distinct value for values held by the thousand (days, currencies): each
 * read or slice is otherwise a string of its own. Up to `max` values; beyond that, the value itself.
 */
export class Interner {
  private seen = new Map<string, string>();
  constructor(private readonly max = 10_000) {}
  of(s: string): string {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    if (this.seen.size < this.max) this.seen.set(s, ownCopy(s));
    return s;
  }
}

const utf8 = new TextEncoder();

/**
 * A set of strings kept as UTF-8 bytes in one buffer, found through an open-addressing table of
 * offsets: ~20 bytes for a 10-character id where a Set<string> holds a string object (~32 B) and
 * an entry (~40 B). For the account ids one snapshot file lists (2M accounts: ~45 MB, not ~130).
 * Strings longer than 1,000 characters go in a plain Set (ids are short; a long one still counts).
 */
export class StringSet {
  private data = new Uint8Array(1 << 12);
  private end = 0;
  /** Offsets into data of each entry (2-byte length, then the bytes); -1 empty. */
  private slots = new Int32Array(1 << 8).fill(-1);
  private count = 0;
  private readonly long = new Set<string>();
  private readonly scratch = new Uint8Array(3 * 1000);

  get size(): number {
    return this.count + this.long.size;
  }

  has(s: string): boolean {
    const n = this.encode(s);
    if (n < 0) return this.long.has(s);
    return this.slots[this.probe(n)] >= 0;
  }

  /** Adds `s`; false when it was there already. */
  add(s: string): boolean {
    const n = this.encode(s);
    if (n < 0) {
      if (this.long.has(s)) return false;
      this.long.add(s);
      return true;
    }
    const i = this.probe(n);
    if (this.slots[i] >= 0) return false;
    if (this.end + 2 + n > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.end + 2 + n));
      grown.set(this.data.subarray(0, this.end));
      this.data = grown;
    }
    const at = this.end;
    this.data[at] = n >> 8;
    this.data[at + 1] = n & 0xff;
    this.data.set(this.scratch.subarray(0, n), at + 2);
    this.end += 2 + n;
    this.slots[i] = at;
    if (++this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  /** `s` as UTF-8 in scratch (3 bytes a UTF-16 unit at most): its length, or -1 when longer than 1,000 characters. */
  private encode(s: string): number {
    return s.length > 1000 ? -1 : utf8.encodeInto(s, this.scratch).written;
  }

  /** The slot holding scratch's first n bytes, or the empty slot where they would go. */
  private probe(n: number): number {
    const mask = this.slots.length - 1;
    const data = this.data;
    const key = this.scratch;
    for (let i = hashBytes(key, 0, n) & mask; ; i = (i + 1) & mask) {
      const at = this.slots[i];
      if (at < 0) return i;
      if (((data[at] << 8) | data[at + 1]) !== n) continue;
      let k = 0;
      while (k < n && data[at + 2 + k] === key[k]) k++;
      if (k === n) return i;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (const at of this.slots) {
      if (at < 0) continue;
      const n = (this.data[at] << 8) | this.data[at + 1];
      let i = hashBytes(this.data, at + 2, n) & mask;
      while (slots[i] >= 0) i = (i + 1) & mask;
      slots[i] = at;
    }
    this.slots = slots;
  }
}

/** FNV-1a of n bytes from `from`. */
function hashBytes(b: Uint8Array, from: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}
