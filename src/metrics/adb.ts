/**
 * Sums of average daily balances, exact. An ADB is an integer count of fen-days ÷ the window's
 * days; added as they are, a sum's last bits depend on the order of the terms, and a sum of
 * exactly half a fen can come out just under it and be shown a fen short (metrics.md rounds once,
 * at display, half away from zero). Each ADB is added as its fen-days instead (integers: exact in
 * a double up to 2^53, some 9 × 10^15 fen-days) and the sum divided once.
 */

/** The fen-days of an ADB over `days` days (the integer it was divided from). */
export function fenDaysOf(adb: number, days: number): number {
  return Math.round(adb * days);
}

/** The sum of ADBs over the same `days` days, exact. */
export function adbSum(adbs: readonly number[], days: number): number {
  let fenDays = 0;
  for (const a of adbs) fenDays += fenDaysOf(a, days);
  return fenDays / days;
}

/** a − b of two ADBs over windows of the same length (`days` days each), exact (a growth). */
export function adbDifference(a: number, b: number, days: number): number {
  return (fenDaysOf(a, days) - fenDaysOf(b, days)) / days;
}
