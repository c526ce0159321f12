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
import { FenDaysSums, fenDaysOf } from '../metrics/adb.js';

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

/** One date's population, columnar: ascending positions, each member's tier (index into the order) and AUM (fen). */
export interface MigrationSide {
  pos: ArrayLike<number>;
  tier: ArrayLike<number>;
  aum: ArrayLike<number>;
  /** The days of the window `aum` (ADBs) averages over: a cell's AUM is then summed exactly (metrics/adb.ts). */
  days?: number;
}

function checkOrder(order: readonly string[]): void {
  const seen = new Set<string>();
  for (const c of order) {
    if (c === NEW || c === GONE) throw new DataError(`migration: tier code "${c}" is reserved`);
    if (seen.has(c)) throw new DataError(`migration: tier code "${c}" listed twice`);
    seen.add(c);
  }
}

/**
 * migrate for two populations of the same positions (a customer directory): joined by position
 * in one merge of the two ascending lists, so each cell adds its customers' AUM in position order.
 */
export function migrateByPosition(order: readonly string[], a: MigrationSide, b: MigrationSide): MigrationResult {
  checkOrder(order);
  const rows = [NEW, ...order];
  const columns = [...order, GONE];
  const counts = rows.map(() => columns.map(() => 0));
  const aum = rows.map(() => columns.map(() => 0));
  const gone = columns.length - 1;
  // With the windows' days, each ADB is added as its fen-days (exact sums: FenDaysSums) and each
  // cell divided once: the gone column holds date 1's AUM, the others date 2's.
  const exact = a.days !== undefined && b.days !== undefined ? new FenDaysSums(rows.length * columns.length) : undefined;
  const addAum = (r: number, c: number, side: MigrationSide, x: number) => {
    if (exact) exact.add(r * columns.length + c, fenDaysOf(side.aum[x], side.days as number));
    else aum[r][c] += side.aum[x];
  };
  let upgrades = 0;
  let downgrades = 0;
  let unchanged = 0;
  let customers = 0;
  let i = 0;
  let j = 0;
  while (i < a.pos.length || j < b.pos.length) {
    const pa = i < a.pos.length ? a.pos[i] : Infinity;
    const pb = j < b.pos.length ? b.pos[j] : Infinity;
    customers++;
    if (pa < pb) {
      counts[a.tier[i] + 1][gone] += 1;
      addAum(a.tier[i] + 1, gone, a, i);
      i++;
    } else if (pb < pa) {
      counts[0][b.tier[j]] += 1;
      addAum(0, b.tier[j], b, j);
      j++;
    } else {
      const from = a.tier[i];
      const to = b.tier[j];
      counts[from + 1][to] += 1;
      addAum(from + 1, to, b, j);
      if (to > from) upgrades++;
      else if (to < from) downgrades++;
      else unchanged++;
      i++;
      j++;
    }
  }
  if (exact) aum.forEach((row, r) => row.forEach((_, c) => { row[c] = exact.adb(r * columns.length + c, (c === gone ? a.days : b.days) as number); }));
  const cells: MigrationCell[] = [];
  rows.forEach((from, r) => columns.forEach((to, c) => {
    if (counts[r][c] > 0) cells.push({ from, to, customers: counts[r][c], aum_fen: aum[r][c] });
  }));
  const newCustomers = counts[0].reduce((x, y) => x + y, 0);
  const goneCustomers = counts.reduce((x, r) => x + r[gone], 0);
  return {
    rows, columns, counts, aum_fen: aum, cells,
    upgrades, downgrades, unchanged, new_customers: newCustomers, gone_customers: goneCustomers, customers,
  };
}

/** Tier migration of customers given by id (see the module doc); the positions are the ids' order of first mention. */
export function migrate(input: MigrationInput): MigrationResult {
  const { order, tiers1, tiers2 } = input;
  checkOrder(order);
  const rank = new Map(order.map((c, i) => [c, i]));
  const withAum = input.aum1 !== undefined || input.aum2 !== undefined;
  const tierRank = (t: string, date: 1 | 2, id: string): number => {
    const r = rank.get(t);
    if (r === undefined) throw new DataError(`migration: customer ${id} has unknown tier "${t}" at date ${date}`);
    return r;
  };
  const aumOf = (m: ReadonlyMap<string, number> | undefined, id: string, date: 1 | 2): number => {
    if (!withAum) return 0;
    const v = m?.get(id);
    if (v === undefined || !Number.isFinite(v)) throw new DataError(`migration: no AUM at date ${date} for customer ${id}`);
    return v;
  };
  const a: { pos: number[]; tier: number[]; aum: number[] } = { pos: [], tier: [], aum: [] };
  const b: { pos: number[]; tier: number[]; aum: number[] } = { pos: [], tier: [], aum: [] };
  [...new Set([...tiers1.keys(), ...tiers2.keys()])].forEach((id, p) => {
    const t1 = tiers1.get(id);
    const t2 = tiers2.get(id);
    if (t1 !== undefined) {
      a.pos.push(p);
      a.tier.push(tierRank(t1, 1, id));
      // Only a gone customer's AUM at date 1 is reported.
      a.aum.push(t2 === undefined ? aumOf(input.aum1, id, 1) : 0);
    }
    if (t2 !== undefined) {
      b.pos.push(p);
      b.tier.push(tierRank(t2, 2, id));
      b.aum.push(aumOf(input.aum2, id, 2));
    }
  });
  return migrateByPosition(order, a, b);
}
