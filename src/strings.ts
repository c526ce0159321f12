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
