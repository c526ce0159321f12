/**
 * Foreign-currency conversion shared by the importer and the reports: a value posted on a day
 * converts at the latest rate on or before that day, rounded to the fen as SQLite's round()
 * does, so that sums made in JavaScript and in SQL agree to the fen.
 */
// The driver's type, not connection.ts's Db alias: connection.ts imports migrations.ts, which imports this file.
import type Database from 'better-sqlite3';

/** SQL: the rate of currency `cur` on `day` (both SQL expressions): the latest on or before it. */
export const rateOn = (cur: string, day: string) => `(SELECT cny_per_unit FROM fx_rates f WHERE f.currency = ${cur} AND f.date <= ${day} ORDER BY f.date DESC LIMIT 1)`;

/** SQLite's round(x) (half away from zero, via x ± 0.5 truncated), so JS and SQL sums agree to the fen. */
export function roundLikeSql(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** SQL: the rate of a txn_daily row `d` on its posting day. */
export const RATE_ON_DAY = rateOn('d.currency', 'd.day');

/** SQL: a txn_daily value `col` of row d in CNY fen (foreign currency at the rate on or before the posting day). */
export const cnyOfDay = (col: string) => `CASE WHEN d.currency = 'CNY' THEN d.${col} ELSE round(d.${col} * ${RATE_ON_DAY}) END`;

/**
 * SQL: the CNY fen of a transaction roll-up row (txn_monthly or txn_totals, named by `table`)
 * in a foreign currency, its posting days converted one by one from txn_daily; NULL when a day
 * has no rate on or before it. `col`: fee, abs_amount or abs_bank.
 */
export const rollupCny = (table: string, col: string) => `(SELECT CASE WHEN count(*) = count(${RATE_ON_DAY}) THEN sum(${cnyOfDay(col)}) END
  FROM txn_daily d WHERE d.account_id = ${table}.account_id AND d.currency = ${table}.currency
    AND d.day >= ${table}.first_day AND d.day <= ${table}.last_day)`;

/** The CNY columns of the roll-ups and the column each converts (schema versions 3 and 7). */
const CNY_COLUMNS_V3 = { fee_cny: 'fee', abs_cny: 'abs_amount' };
const CNY_COLUMNS = { ...CNY_COLUMNS_V3, abs_bank_cny: 'abs_bank' };

/** The refresh of `cols` (CNY column: converted column), for a migration that knows only those. */
export const rollupCnyRefresh = (cols: Record<string, string>) => ['txn_monthly', 'txn_totals'].map((t) => `UPDATE ${t}
  SET ${Object.entries(cols).map(([cny, col]) => `${cny} = ${rollupCny(t, col)}`).join(', ')} WHERE currency != 'CNY'`).join(';\n');

/** Schema version 3's refresh (fee_cny, abs_cny). */
export const ROLLUP_CNY_REFRESH_V3 = rollupCnyRefresh(CNY_COLUMNS_V3);

/**
 * Recomputes the CNY columns of every foreign-currency roll-up row (the migrations, and every
 * FX import: a new or corrected rate can change any day's conversion). CNY rows keep NULL.
 */
export const ROLLUP_CNY_REFRESH = rollupCnyRefresh(CNY_COLUMNS);

/** Rates by currency and day for the importer, one query per distinct pair (a handful per file). */
export class RateCache {
  private readonly q;
  private readonly cache = new Map<string, number | null>();
  constructor(db: Database.Database) {
    this.q = db.prepare(`SELECT ${rateOn('?', '?')}`).pluck();
  }
  /** The rate of `currency` on `day`, or null when none is on or before it. */
  on(currency: string, day: string): number | null {
    const k = `${currency}\u0001${day}`;
    let r = this.cache.get(k);
    if (r === undefined) {
      r = (this.q.get(currency, day) as number | null) ?? null;
      this.cache.set(k, r);
    }
    return r;
  }
}
