/**
 * A copy of `s` that does not keep a larger string alive. V8 makes a substring of 13 or more
 * characters a view into its parent: a value split from a decoded file chunk, or one row's text
 * cut from a batch of 2,000, keeps the whole chunk or batch in memory for as long as it is kept.
 * Use it for strings that outlive the batch they came from.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

type Typed = Uint8Array | Uint16Array | Int32Array;

/**
 * Typed storage that grows without copying what it holds: a first page that doubles up to
 * 2^bits elements (small uses stay small), then whole pages of 2^bits. A doubled array holds up to
 * twice what it needs, and both copies while it grows: for millions of ids that slack and the
 * moments of growth were a third of an import's peak (measured).
 */
class Pages<T extends Typed> {
  readonly pages: T[];
  constructor(private readonly make: (n: number) => T, private readonly bits: number, first: number) {
    this.pages = [make(Math.min(first, 1 << bits))];
  }
  /** Elements that can be addressed without growing. */
  get capacity(): number {
    return this.pages.length === 1 ? this.pages[0].length : this.pages.length << this.bits;
  }
  /** Grows until place `i` exists. */
  reach(i: number): void {
    while (i >= this.capacity) {
      const p0 = this.pages[0];
      if (this.pages.length === 1 && p0.length < 1 << this.bits) {
        const b = this.make(Math.min(p0.length * 2, 1 << this.bits));
        b.set(p0 as never);
        this.pages[0] = b;
      } else this.pages.push(this.make(1 << this.bits));
    }
  }
}

const utf8 = new TextEncoder();

/** Bytes of a StringIndex data page (an entry never spans two). */
const DATA_PAGE_BITS = 20;
const DATA_PAGE_MASK = (1 << DATA_PAGE_BITS) - 1;
/** An entry: 2-byte length, 4-byte number, then the bytes. */
const ENTRY_HEAD = 6;

/**
 * Strings numbered 0, 1, 2… in the order added, kept as UTF-8 bytes in pages and found through
 * an open-addressing table of their offsets: ~26 bytes for a 10-character id, where a
 * Map<string, number> holds a string object (~40 B) and an entry (~30 B), or an object per id
 * several times that. For the ids an import meets (a snapshot file's accounts, a transactions
 * file's accounts: millions in a large file). The table holds offsets, not numbers, and the number
 * sits beside the bytes: a lookup touches the table and one entry. Strings longer than 1,000
 * characters go in a plain Map (ids are short; a long one still counts).
 */
export class StringIndex {
  /** Entries one after another, addressed by offset across pages. */
  private readonly data = new Pages((n) => new Uint8Array(n), DATA_PAGE_BITS, 1 << 12);
  private end = 0;
  /** Per table slot, the entry's offset in data; -1 empty. */
  private slots = new Int32Array(1 << 8).fill(-1);
  private count = 0;
  private readonly long = new Map<string, number>();
  private readonly scratch = new Uint8Array(3 * 1000);

  get size(): number {
    return this.count;
  }

  /** The number of `s`, -1 when not added. */
  indexOf(s: string): number {
    const n = this.encode(s);
    if (n < 0) return this.long.get(s) ?? -1;
    const at = this.slots[this.probe(n)];
    return at < 0 ? -1 : this.numberAt(at);
  }

  /** The number of `s`, added if new (then it is the former size). */
  add(s: string): number {
    const n = this.encode(s);
    if (n < 0) {
      let k = this.long.get(s);
      if (k === undefined) this.long.set(s, (k = this.count++));
      return k;
    }
    const i = this.probe(n);
    if (this.slots[i] >= 0) return this.numberAt(this.slots[i]);
    // An entry starts a new page when it does not fit in what is left of the current one.
    const used = this.end & DATA_PAGE_MASK;
    if (used + ENTRY_HEAD + n > 1 << DATA_PAGE_BITS) this.end += (1 << DATA_PAGE_BITS) - used;
    this.data.reach(this.end + ENTRY_HEAD + n - 1);
    const at = this.end;
    const page = this.data.pages[at >>> DATA_PAGE_BITS];
    const pos = at & DATA_PAGE_MASK;
    const k = this.count++;
    page[pos] = n >> 8;
    page[pos + 1] = n & 0xff;
    page[pos + 2] = k & 0xff;
    page[pos + 3] = (k >>> 8) & 0xff;
    page[pos + 4] = (k >>> 16) & 0xff;
    page[pos + 5] = k >>> 24;
    page.set(this.scratch.subarray(0, n), pos + ENTRY_HEAD);
    this.end += ENTRY_HEAD + n;
    this.slots[i] = at;
    if (this.count * 2 > this.slots.length) this.rehash();
    return k;
  }

  private numberAt(at: number): number {
    const page = this.data.pages[at >>> DATA_PAGE_BITS];
    const pos = at & DATA_PAGE_MASK;
    return page[pos + 2] | (page[pos + 3] << 8) | (page[pos + 4] << 16) | (page[pos + 5] << 24);
  }

  /** `s` as UTF-8 in scratch (3 bytes a UTF-16 unit at most): its length, or -1 when longer than 1,000 characters. */
  private encode(s: string): number {
    const n = s.length;
    if (n > 1000) return -1;
    // ASCII (ids nearly always are) by hand: a call into TextEncoder costs more than the loop.
    if (n <= 64) {
      const out = this.scratch;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        out[i] = c;
      }
      if (i === n) return n;
    }
    return utf8.encodeInto(s, this.scratch).written;
  }

  /** The table slot holding scratch's first n bytes, or the empty slot where they would go. */
  private probe(n: number): number {
    const mask = this.slots.length - 1;
    const pages = this.data.pages;
    const key = this.scratch;
    for (let i = hashBytes(key, 0, n) & mask; ; i = (i + 1) & mask) {
      const at = this.slots[i];
      if (at < 0) return i;
      const page = pages[at >>> DATA_PAGE_BITS];
      const pos = at & DATA_PAGE_MASK;
      if (((page[pos] << 8) | page[pos + 1]) !== n) continue;
      let j = 0;
      while (j < n && page[pos + ENTRY_HEAD + j] === key[j]) j++;
      if (j === n) return i;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (const at of this.slots) {
      if (at < 0) continue;
      const page = this.data.pages[at >>> DATA_PAGE_BITS];
      const pos = at & DATA_PAGE_MASK;
      let i = hashBytes(page, pos + ENTRY_HEAD, (page[pos] << 8) | page[pos + 1]) & mask;
      while (slots[i] >= 0) i = (i + 1) & mask;
      slots[i] = at;
    }
    this.slots = slots;
  }
}

/** A set of strings as a StringIndex keeps them (a 10-character id: ~26 bytes, not ~70 in a Set). */
export class StringSet {
  private readonly index = new StringIndex();
  get size(): number {
    return this.index.size;
  }
  has(s: string): boolean {
    return this.index.indexOf(s) >= 0;
  }
  /** Adds `s`; false when it was there already. */
  add(s: string): boolean {
    const n = this.index.size;
    return this.index.add(s) === n;
  }
}

/** FNV-1a of n bytes from `from`. */
function hashBytes(b: Uint8Array, from: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/**
 * Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`, counted up to
 * `max` + 1 (enough to tell "close" from "not close"; header names are short).
 */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const x = [...a];
  const y = [...b];
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[y.length]!, max + 1);
}

/** The one of `known` that `given` matches but for letter case (a hint for an id that matches nothing). */
export function sameButCase(given: string, known: Iterable<string>): string | undefined {
  const g = given.trim().toLowerCase();
  for (const k of known) if (k !== given && k.toLowerCase() === g) return k;
  return undefined;
}
