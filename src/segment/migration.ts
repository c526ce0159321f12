/**
 * Tier migration between two as-of dates (metrics.md "Tiers", migration).
 *
 * Rows are the tier at date 1 (`new` first = no balance at date 1, then the ladder low → high);
 * columns the tier at date 2 (the ladder low → high, then `gone` = no balance at date 2).
 * A customer absent from both maps is not counted. Each cell holds the number of customers and
 * their AUM: the AUM at date 2 for every column except `gone`, where it is the AUM at date 1
 * (the balance that left). Upgrades/downgrades compare ladder positions of customers present at
 * both dates; `new` and `gone` are counted separately, never as upgrades or downgrades.
 */
import { DataError } from '../errors.js';

export const NEW = 'new';
export const GONE = 'gone';

export interface MigrationInput {
  /** Ladder tier codes, low → high. */
  order: readonly string[];
  /** customer → tier at date 1 (absent = no balance at date 1). */
  tiers1: ReadonlyMap<string, string>;
  /** customer → tier at date 2 (absent = no balance at date 2). */
  tiers2: ReadonlyMap<string, string>;
  /** customer → AUM in fen at date 1; needed for every customer that is `gone`. Missing = AUM not reported. */
  aum1?: ReadonlyMap<string, number>;
  /** customer → AUM in fen at date 2; needed for every customer present at date 2. */
  aum2?: ReadonlyMap<string, number>;
}

export interface MigrationCell {
  from: string;
  to: string;
  customers: number;
  aum_fen: number;
}

export interface MigrationResult {
  /** Row labels: 'new', then order low → high. */
  rows: string[];
  /** Column labels: order low → high, then 'gone'. */
  columns: string[];
  /** counts[row][column]. */
  counts: number[][];
  /** aum_fen[row][column]; all zeros when no AUM maps were given. */
  aum_fen: number[][];
  /** Non-empty cells, row-major. */
  cells: MigrationCell[];
  upgrades: number;
  downgrades: number;
  unchanged: number;
  new_customers: number;
  gone_customers: number;
  /** Customers counted (present at date 1 or date 2). */
  customers: number;
}

export function migrate(input: MigrationInput): MigrationResult {
  const { order, tiers1, tiers2 } = input;
  const rank = new Map<string, number>();
  order.forEach((c, i) => {
    if (c === NEW || c === GONE) throw new DataError(`migration: tier code "${c}" is reserved`);
    if (rank.has(c)) throw new DataError(`migration: tier code "${c}" listed twice`);
    rank.set(c, i);
  });
  const rows = [NEW, ...order];
  const columns = [...order, GONE];
  const counts = rows.map(() => columns.map(() => 0));
  const aum = rows.map(() => columns.map(() => 0));
  const withAum = input.aum1 !== undefined || input.aum2 !== undefined;
  const tierRank = (t: string, date: 1 | 2, id: string): number => {
    const r = rank.get(t);
    if (r === undefined) throw new DataError(`migration: customer ${id} has unknown tier "${t}" at date ${date}`);
    return r;
  };
  const aumOf = (m: ReadonlyMap<string, number> | undefined, id: string, date: 1 | 2): number => {
    const v = m?.get(id);
    if (v === undefined || !Number.isFinite(v)) throw new DataError(`migration: no AUM at date ${date} for customer ${id}`);
    return v;
  };

  let upgrades = 0;
  let downgrades = 0;
  let unchanged = 0;
  let newCustomers = 0;
  let gone = 0;
  const ids = new Set<string>([...tiers1.keys(), ...tiers2.keys()]);
  for (const id of ids) {
    const t1 = tiers1.get(id);
    const t2 = tiers2.get(id);
    const row = t1 === undefined ? 0 : tierRank(t1, 1, id) + 1;
    const col = t2 === undefined ? columns.length - 1 : tierRank(t2, 2, id);
    counts[row][col] += 1;
    if (withAum) aum[row][col] += t2 === undefined ? aumOf(input.aum1, id, 1) : aumOf(input.aum2, id, 2);
    if (t1 === undefined) newCustomers++;
    if (t2 === undefined) gone++;
    if (t1 !== undefined && t2 !== undefined) {
      if (col > row - 1) upgrades++;
      else if (col < row - 1) downgrades++;
      else unchanged++;
    }
  }
  const cells: MigrationCell[] = [];
  rows.forEach((from, i) => columns.forEach((to, j) => {
    if (counts[i][j] > 0) cells.push({ from, to, customers: counts[i][j], aum_fen: aum[i][j] });
  }));
  return {
    rows, columns, counts, aum_fen: aum, cells,
    upgrades, downgrades, unchanged, new_customers: newCustomers, gone_customers: gone, customers: ids.size,
  };
}
