/**
 * Sums of average daily balances, exact. An ADB is an integer count of fen-days ÷ the window's
 * days; added as they are, a sum's last bits depend on the order of the terms, and a sum of
 * exactly half a fen can come out just under it and be shown a fen short (metrics.md rounds once,
 * at display, half away from zero). Each ADB is added as its fen-days instead and the sum divided
 * once. A city's total over a quarter passes 2^53 fen-days (1.6 × 10^14 fen of AUM × 90 days), past
 * which a double no longer holds every integer: the fen-days are added in two parts, the multiples
 * of 2^26 and the rest, each sum exact for hundreds of millions of terms, and joined as a BigInt
 * for the one division.
 */

/** The fen-days of an ADB over `days` days (the integer it was divided from). */
export function fenDaysOf(adb: number, days: number): number {
  return Math.round(adb * days);
}

const SPLIT = 2 ** 26;

/** Sums of fen-days in parts (FenDaysSums.add), slot by slot, each divided exactly (`adb`). */
export class FenDaysSums {
  private readonly high: Float64Array;
  private readonly low: Float64Array;

  constructor(slots: number) {
    this.high = new Float64Array(slots);
    this.low = new Float64Array(slots);
  }

  add(slot: number, fenDays: number): void {
    const high = Math.trunc(fenDays / SPLIT);
    this.high[slot] += high;
    this.low[slot] += fenDays - high * SPLIT;
  }

  /** The slot's sum ÷ `days`: the double nearest the exact quotient (a half fen stays a half). */
  adb(slot: number, days: number): number {
    const total = BigInt(this.high[slot]) * BigInt(SPLIT) + BigInt(this.low[slot]);
    const d = BigInt(days);
    return Number(total / d) + Number(total % d) / days;
  }
}

/** The sum of ADBs over the same `days` days, exact. */
export function adbSum(adbs: readonly number[], days: number): number {
  const sums = new FenDaysSums(1);
  for (const a of adbs) sums.add(0, fenDaysOf(a, days));
  return sums.adb(0, days);
}

/** a − b of two ADBs over windows of the same length (`days` days each), exact (a growth). */
export function adbDifference(a: number, b: number, days: number): number {
  return (fenDaysOf(a, days) - fenDaysOf(b, days)) / days;
}
