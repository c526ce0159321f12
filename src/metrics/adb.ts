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
