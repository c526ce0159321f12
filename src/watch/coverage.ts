/**
 * Coverage (docs/watch.md): per RM the customers and AUM ADB per tier, the valuable customers
 * against the RM's capacity and the load that gives; per branch the valuable customers nobody
 * serves and the spread of load between its RMs. Pure: money in fen, load as a fraction.
 */
import type { Ladder } from '../segment/tiers.js';
import type { CustomerType, RmType } from '../types.js';
import type { WatchRules } from './rules.js';
import { isValuable } from './signals.js';
import { fenDaysOf } from '../metrics/adb.js';

export interface CoverageCustomer {
  customer_id: string;
  customer_type: CustomerType;
  branch: string | null;
  rm_id: string | null;
  tier: string;
  aum_adb: number;
}

export interface CoverageRm {
  rm_id: string;
  name: string;
  rm_type: RmType;
  branch: string | null;
}

export interface RmLoad extends CoverageRm {
  customers: number;
  valuable: number;
  aum_adb: number;
  valuable_aum_adb: number;
  /** Per tier code (both ladders): customers and AUM ADB. */
  tiers: Record<string, { customers: number; aum_adb: number }>;
  /** Valuable customers the RM can serve, and customers in all (personal RMs only, else null). */
  capacity_valuable: number;
  capacity_customers: number | null;
  /** The larger of valuable ÷ its capacity and customers ÷ theirs. */
  load: number;
}

export interface BranchCoverage {
  branch: string | null;
  rms: number;
  customers: number;
  valuable: number;
  /** Valuable customers with no RM. */
  valuable_unassigned: number;
  valuable_unassigned_aum_adb: number;
  /** Load of the branch's RMs: lowest, highest, highest − lowest; null without an RM. */
  load_min: number | null;
  load_max: number | null;
  load_spread: number | null;
}

export interface Coverage {
  rms: RmLoad[];
  branches: BranchCoverage[];
}

/** `customers`: any iterable (a report's population yields them one at a time). */
export function coverage(customers: Iterable<CoverageCustomer>, rms: readonly CoverageRm[], ladders: Record<CustomerType, Ladder>, rules: WatchRules, days?: number): Coverage {
  // With the ADBs' window days, each is added as its fen-days and the sums divided once (exact: metrics/adb.ts).
  const fd = days === undefined ? (adb: number) => adb : (adb: number) => fenDaysOf(adb, days);
  const codes = [...ladders.personal.tiers, ...ladders.corporate.tiers].map((t) => t.code);
  const cap = rules.capacity;
  const loads = new Map<string, RmLoad>();
  for (const rm of rms) {
    const personal = rm.rm_type === 'personal';
    loads.set(rm.rm_id, {
      ...rm, customers: 0, valuable: 0, aum_adb: 0, valuable_aum_adb: 0,
      tiers: Object.fromEntries(codes.map((c) => [c, { customers: 0, aum_adb: 0 }])),
      capacity_valuable: personal ? cap.personal_valuable : cap.corporate_valuable, capacity_customers: personal ? cap.personal_customers : null, load: 0,
    });
  }
  const branches = new Map<string | null, BranchCoverage>();
  const branchOf = (b: string | null) => {
    let x = branches.get(b);
    if (!x) branches.set(b, (x = { branch: b, rms: 0, customers: 0, valuable: 0, valuable_unassigned: 0, valuable_unassigned_aum_adb: 0, load_min: null, load_max: null, load_spread: null }));
    return x;
  };
  for (const c of customers) {
    const valuable = isValuable(ladders[c.customer_type], c.tier, rules.valuable[c.customer_type]);
    const rm = c.rm_id === null ? undefined : loads.get(c.rm_id);
    const b = branchOf(c.branch);
    b.customers++;
    if (valuable) b.valuable++;
    if (valuable && c.rm_id === null) {
      b.valuable_unassigned++;
      b.valuable_unassigned_aum_adb += fd(c.aum_adb);
    }
    if (!rm) continue;
    rm.customers++;
    rm.aum_adb += fd(c.aum_adb);
    rm.tiers[c.tier].customers++;
    rm.tiers[c.tier].aum_adb += fd(c.aum_adb);
    if (valuable) {
      rm.valuable++;
      rm.valuable_aum_adb += fd(c.aum_adb);
    }
  }
  const per = days ?? 1;
  for (const b of branches.values()) b.valuable_unassigned_aum_adb /= per;
  for (const rm of loads.values()) {
    rm.aum_adb /= per;
    rm.valuable_aum_adb /= per;
    for (const t of Object.values(rm.tiers)) t.aum_adb /= per;
    rm.load = Math.max(rm.valuable / rm.capacity_valuable, rm.capacity_customers === null ? 0 : rm.customers / rm.capacity_customers);
    const b = branchOf(rm.branch);
    b.rms++;
    b.load_min = b.load_min === null ? rm.load : Math.min(b.load_min, rm.load);
    b.load_max = b.load_max === null ? rm.load : Math.max(b.load_max, rm.load);
    b.load_spread = b.load_max - b.load_min;
  }
  const byBranch = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  return {
    rms: [...loads.values()].sort((x, y) => byBranch(x.branch, y.branch) || (x.rm_id < y.rm_id ? -1 : 1)),
    branches: [...branches.values()].sort((x, y) => byBranch(x.branch, y.branch)),
  };
}
