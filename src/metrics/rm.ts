/**
 * Per-RM credited metrics for a window (metrics.md, "Relationship-manager credit").
 * Every sum is done in SQL, grouped per RM; nothing here loads transactions or accounts one by one.
 *
 * Credit rules:
 * - balances (ADB, contribution's NII and risk cost): the RM recorded for the account on each
 *   day (the snapshot's rm_id, else the customer's RM in effect that day), split by days;
 * - fees, transaction counts (channel cost): the RM of the account on the posting day;
 * - loan and NPL balance: the RM of the account on the window's last day;
 * - customers / new customers: the customer's RM in effect on the window's last day.
 * Credit that no RM owns has rm_id null and carries the customer's branch.
 */
import type { Db } from '../db/connection.js';
import { dayNum, statesOnDay } from '../db/balances.js';
import { sqlList } from '../db/sql.js';
import { cnyOfDay, rateOn } from '../db/fx.js';
import { claimCredit, creditedAccountSlices, creditParams, creditTotals, foreignCreditSlices, missingRate, NO_RATE_DAY, rmCreditByProduct, slicesCredit, txnParts, txnRowsSql, unassignedBranch, VARYING_ACCOUNTS, type CreditRanges, type RmCreditRow, type VaryingSets, type Window } from './engine.js';
import { customerBounds } from './customers.js';
import { groupRows } from './group-sums.js';
import { startOnWorker, type RmShared, type Running } from './parallel.js';
import type { Pricing } from './pricing.js';
import { DEPOSIT_PRODUCTS, isAum, isDeposit, isLoan, LOAN_PRODUCTS, NPL_CLASSES, PRODUCT_TYPES, type LoanClass, type ProductType, type RmType } from '../types.js';

const NPL = new Set<string>(NPL_CLASSES);
const isNpl = (cls: string | null) => cls !== null && NPL.has(cls);

export interface RmInfo {
  rm_id: string;
  name: string;
  rm_type: RmType;
  branch: string | null;
  /** fen per month */
  base_salary: number;
}

/** Credited metrics of one RM (or of what no RM owns, rm_id null). Money in fen (ADB-derived may be fractional). */
export interface RmMetrics {
  rm_id: string | null;
  /** For the unassigned group: the customers' branch. */
  branch: string | null;
  customers: number;
  new_customers: number;
  deposit_adb: number;
  aum_adb: number;
  loan_adb: number;
  loan_balance: number;
  npl_balance: number;
  fee_income: number;
  txn_count: number;
  net_interest: number;
  channel_cost: number;
  risk_cost: number;
  contribution: number;
}

export function rmList(db: Db): RmInfo[] {
  return db.prepare('SELECT rm_id, name, rm_type, branch, base_salary FROM rms ORDER BY rm_id').all() as RmInfo[];
}

/** Targets of one period string (targets.csv), per RM and KPI, as stored (money KPIs in CNY). */
export function targetsFor(db: Db, period: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const t of db.prepare('SELECT rm_id, kpi, target FROM targets WHERE period = ?').all(period) as { rm_id: string; kpi: string; target: number }[]) {
    const r = out.get(t.rm_id) ?? {};
    r[t.kpi] = t.target;
    out.set(t.rm_id, r);
  }
  return out;
}

const key = (rm: string | null, branch: string | null) => (rm === null ? `\u0000${branch ?? ''}` : rm);

/**
 * Per RM (and per branch for the unassigned credit): the ADB over `days` of the credit rows whose
 * product `is` passes. Each key's fen-days are summed first (integers: exact), then divided once:
 * row by row, the divided values summed in floating point can put a value of exactly half a fen on
 * the wrong side (an RM's loan ADB of 10,356,702,371,545 fen-days ÷ 10 came out 0.4999… fen short
 * of …154.5 fen, and rounded down).
 */
export function adbByKey(rows: readonly RmCreditRow[], days: number, is: (p: ProductType) => boolean): Map<string, number> {
  const fenDays = new Map<string, number>();
  for (const r of rows) {
    if (!is(r.product_type)) continue;
    const k = key(r.rm_id, r.branch);
    fenDays.set(k, (fenDays.get(k) ?? 0) + r.fen_days);
  }
  return new Map([...fenDays].map(([k, fd]) => [k, fd / days]));
}

/**
 * Per RM (and per branch for the unassigned credit): the deposit ADB over `w`, for growth, from
 * its credit rows (rmCreditByProduct's, DEPOSIT_PRODUCTS), which may come as lists of two threads
 * that add up (CreditRanges).
 */
function depositAdbOf(w: Window, rows: readonly RmCreditRow[]): Map<string, number> {
  const totals = creditTotals();
  rows.forEach(totals.add);
  return adbByKey(totals.rows(), w.days, isDeposit);
}
export const rmKey = key;

/** rmExtras started on the report thread (startRmExtras), for rmMetrics to join, and what the two threads share. */
export type RmExtrasJob = Running<ReturnType<typeof rmExtras>> & RmShared;

/**
 * Parts of rmMetrics that either thread computes, whichever comes to it first (RmShared.tasks):
 * in crm report --html this thread comes to them late, after the page's other sections.
 */
const RM_TASKS = ['loans', 'foreign'] as const;

/** Whether this thread takes `task` (always, with no tasks shared: no report thread). */
function claimTask(shared: RmShared, task: (typeof RM_TASKS)[number]): boolean {
  return !shared.tasks || Atomics.compareExchange(new Int32Array(shared.tasks), RM_TASKS.indexOf(task), 0, 1) === 0;
}

/** Ranges of customers a window's credit is cut into (CreditRanges). */
const CREDIT_RANGES = 4;

/**
 * Starts rmMetrics' report-thread part now (rmExtras), for a caller with other work meanwhile:
 * rmMetrics, called later with it, then does only this thread's part.
 */
export function startRmExtras(db: Db, w: Window, previous?: Window): RmExtrasJob {
  // Each window's customers are cut into ranges that both threads claim: the one that is free
  // first takes more of them (this thread's own work before them may come late, as in crm report).
  const bounds = customerBounds(db, CREDIT_RANGES);
  const ranges = (): CreditRanges => ({ bounds, claims: new SharedArrayBuffer(4) });
  const shared: RmShared = { current: ranges(), previous: previous ? ranges() : undefined, tasks: new SharedArrayBuffer(4 * RM_TASKS.length) };
  const job = startOnWorker(db, { job: 'rmExtras', window: w, previous, shared }, () => rmExtras(db, w, undefined, previous));
  return Object.assign(job, job.threaded ? shared : {});
}

/**
 * Every RM's credited metrics over the window; groups keyed by rmKey(rm_id, branch). With
 * `previous`, also the deposit ADB over that window (depositAdbOf, for growth). `extras`: the
 * report thread's part, started earlier by startRmExtras with the same windows.
 */
export function rmMetrics(db: Db, w: Window, pricing: Pricing, previous?: Window, extras: RmExtrasJob = startRmExtras(db, w, previous)): { byRm: Map<string, RmMetrics>; previousDepositAdb: Map<string, number> | null } {
  // The transaction credit, the accounts whose RM can change within the window and the customer
  // counts run on a second core while this thread sums the other balances and loans; the two
  // share the window's credit by ranges of customers, then the previous window's deposit credit.
  // The report thread shares its part for this window before it starts on the previous one.
  let mine: RmWindowExtras | undefined;
  const window = () => (mine ??= extras.part<RmWindowExtras>('window') ?? (extras().window as RmWindowExtras));
  const out = new Map<string, RmMetrics>();
  const get = (rm_id: string | null, branch: string | null): RmMetrics => {
    const k = key(rm_id, branch);
    let m = out.get(k);
    if (!m) {
      m = { rm_id, branch: rm_id === null ? branch : null, customers: 0, new_customers: 0, deposit_adb: 0, aum_adb: 0, loan_adb: 0, loan_balance: 0, npl_balance: 0, fee_income: 0, txn_count: 0, net_interest: 0, channel_cost: 0, risk_cost: 0, contribution: 0 };
      out.set(k, m);
    }
    return m;
  };
  const f = w.days / 365;
  // Everything this thread can do before it needs the report thread's results (unless that
  // thread came to them first: then they are taken from it when needed).
  const myLoans = claimTask(extras, 'loans') ? loanBalancesOn(db, w.to) : undefined;
  const myForeign = claimTask(extras, 'foreign') ? slicesCredit(db, foreignCreditSlices(db, w)) : undefined;
  // The report thread computes the varying sets first and shares them (one scan, not two).
  creditParams(db, w, extras.part<VaryingSets>('varying'));

  // Balances: credited fen-days per RM × product × last-day loan class.
  const foreign = () => myForeign ?? extras.part<RmCreditRow[]>('foreign') ?? slicesCredit(db, foreignCreditSlices(db, w));
  const theirs = (k: number) => extras.part<RmCreditRow[]>(`credit:${k}`);
  const credit = rmCreditByProduct(db, w, () => window().others.concat(foreign()), PRODUCT_TYPES, extras.current, extras.current && theirs);
  for (const r of credit) {
    const m = get(r.rm_id, r.branch);
    m.net_interest += (r.fen_days * pricing.spreads[r.product_type]) / 365;
    if (isLoan(r.product_type)) {
      const cls = (r.loan_class ?? 'normal') as LoanClass;
      m.risk_cost += (r.fen_days / w.days) * (pricing.risk_rates[cls] ?? pricing.risk_rates.normal) * f;
    }
  }

  for (const t of window().txns) {
    const m = get(t.rm_id, t.branch);
    m.fee_income += t.fee_fen;
    m.txn_count += t.n;
    m.channel_cost += t.counter * pricing.channel_cost_fen.counter + t.self_service * pricing.channel_cost_fen.self_service + t.e_banking * pricing.channel_cost_fen.e_banking;
  }

  // Loan and NPL balance on the last day, credited to the account's RM that day.
  const loans = myLoans ?? extras.part<ReturnType<typeof loanBalancesOn>>('loans') ?? loanBalancesOn(db, w.to);
  for (const l of loans) {
    const m = get(l.rm_id, l.branch);
    m.loan_balance += l.balance_fen;
    if (isNpl(l.loan_class)) m.npl_balance += l.balance_fen;
  }

  for (const c of window().customers) {
    const m = get(c.rm_id, c.branch);
    m.customers += c.customers;
    m.new_customers += c.new_customers;
  }

  const adb = { deposit: adbByKey(credit, w.days, isDeposit), aum: adbByKey(credit, w.days, isAum), loan: adbByKey(credit, w.days, isLoan) };
  for (const [k, m] of out) {
    m.deposit_adb = adb.deposit.get(k) ?? 0;
    m.aum_adb = adb.aum.get(k) ?? 0;
    m.loan_adb = adb.loan.get(k) ?? 0;
    m.contribution = m.net_interest + m.fee_income - m.channel_cost - m.risk_cost;
  }
  if (!previous) {
    extras(); // joined: the report thread is done once its ranges are
    return { byRm: out, previousDepositAdb: null };
  }
  const claimedHere = extras.previous ? claimCredit(db, previous, DEPOSIT_PRODUCTS, extras.previous) : [];
  return { byRm: out, previousDepositAdb: previousDepositAdb(previous, extras().previous as PreviousCredit, claimedHere) };
}

/** The previous window's deposit credit as rmExtras computed it: whole, or with the ranges it claimed of CreditRanges. */
export interface PreviousCredit {
  credit: RmCreditRow[];
  ranges: boolean;
}

/**
 * The previous window's deposit ADB from rmExtras' credit and the rows of the ranges this thread
 * claimed (claimCredit): those count only when rmExtras shared the ranges (computed
 * whole, e.g. without a thread, it has every customer already).
 */
export function previousDepositAdb(w: Window, theirs: PreviousCredit, mine: readonly RmCreditRow[]): Map<string, number> {
  return depositAdbOf(w, theirs.ranges ? theirs.credit.concat(mine) : theirs.credit);
}

/**
 * The CTEs st and l: each loan (and credit card) account open on :day (day number :dn), the RM
 * credited that day and its rate to CNY. LIMIT -1 keeps l a separate step: merged into a
 * grouping, its lookups ran again for the sort.
 */
const LOANS_ON_DAY = `st AS (${statesOnDay(`AND a.product_type IN (${sqlList(LOAN_PRODUCTS)})`)}),
    l AS (SELECT st.account_id, st.customer_id, st.loan_class, st.currency, st.balance,
        coalesce(st.rm_id, (SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = st.customer_id AND h.from_num <= :dn AND h.to_num >= :dn)) AS rm_id,
        CASE WHEN st.currency = 'CNY' THEN 1 ELSE ${rateOn('st.currency', ':day')} END AS rate
      FROM st WHERE st.source != 'C' LIMIT -1)`;

/** Each loan account credited to an RM on `day`, its class and CNY balance in fen (pay clawback). */
export function creditedLoansOn(db: Db, day: string): { account_id: string; rm_id: string; loan_class: string | null; balance_fen: number }[] {
  const rows = db.prepare(`WITH ${LOANS_ON_DAY}
    SELECT account_id, rm_id, loan_class, CASE WHEN currency = 'CNY' THEN balance ELSE round(balance * rate) END AS balance_fen, currency AS no_rate
    FROM l WHERE rm_id IS NOT NULL AND balance > 0 ORDER BY account_id`)
    .all({ day, dn: dayNum(day) }) as { account_id: string; rm_id: string; loan_class: string | null; balance_fen: number | null; no_rate: string }[];
  const noRate = rows.find((r) => r.balance_fen === null);
  if (noRate) throw missingRate(noRate.no_rate, day);
  return rows.map(({ no_rate: _, ...r }) => ({ ...r, balance_fen: r.balance_fen as number }));
}

/** Loan (and credit card) balances open on `day`, in CNY fen, per RM credited that day and loan class. */
export function loanBalancesOn(db: Db, day: string): { rm_id: string | null; branch: string | null; loan_class: string | null; balance_fen: number }[] {
  const rows = groupRows(db, {
    with: `WITH ${LOANS_ON_DAY}`,
    keys: ['rm_id', unassignedBranch('rm_id', 'l.customer_id'), 'loan_class'],
    values: [
      { expr: "CASE WHEN currency = 'CNY' THEN balance ELSE round(balance * rate) END", agg: 'sum' },
      { expr: 'CASE WHEN rate IS NULL THEN currency END', agg: 'max' },
    ],
    from: 'FROM l',
  }, { day, dn: dayNum(day) }).map(([rm_id, branch, loan_class, balance_fen, no_rate]) => ({ rm_id, branch, loan_class, balance_fen, no_rate }) as
    { rm_id: string | null; branch: string | null; loan_class: string | null; balance_fen: number; no_rate: string | null });
  const noRate = rows.find((r) => r.no_rate !== null);
  if (noRate) throw missingRate(noRate.no_rate!, day);
  return rows;
}

/** Customers of one RM (or, unassigned, of one branch). */
interface RmCustomers { rm_id: string | null; branch: string | null; customers: number; new_customers: number }

/** Customers whose RM is this RM on the window's last day; new ones: opened within the window. */
function customersByRm(db: Db, w: Window): RmCustomers[] {
  return groupRows(db, {
    keys: ['h.rm_id', 'CASE WHEN h.rm_id IS NULL THEN c.branch END'],
    values: [{ expr: '1', agg: 'sum' }, { expr: 'CASE WHEN c.opened_on >= :from AND c.opened_on <= :to THEN 1 ELSE 0 END', agg: 'sum' }],
    from: `FROM customers c LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= :dn AND h.to_num >= :dn
      WHERE c.opened_on IS NULL OR c.opened_on <= :to`,
  }, { from: w.from, to: w.to, dn: dayNum(w.to) }).map(([rm_id, branch, customers, new_customers]) => ({ rm_id, branch, customers, new_customers }) as RmCustomers);
}

/** The report thread's part of rmMetrics for its window. */
interface RmWindowExtras { txns: RmTxnCredit[]; others: RmCreditRow[]; customers: RmCustomers[] }

/**
 * What the report thread computes for rmMetrics, and the previous window's deposit ADB when
 * asked. `share` sends the varying sets and then the window's part ahead of the rest; then, with
 * `shared.current`, the credit of each range of the window it claims (`credit:K`), and with
 * `shared.tasks` the RM_TASKS this thread has not taken yet. With `shared.previous`, the previous
 * window's credit is of the ranges it claims (see claimCredit).
 */
export function rmExtras(db: Db, w: Window, share?: (part: string, value: unknown) => void, previous?: Window,
  shared: RmShared = {}): { window: RmWindowExtras | null; previous: PreviousCredit | null } {
  if (share) {
    const p = creditParams(db, w);
    share('varying', { var: p.var, moved: p.moved } satisfies VaryingSets);
  }
  const mine: RmWindowExtras = { txns: rmTxnCredit(db, w), others: slicesCredit(db, creditedAccountSlices(db, w, false)), customers: customersByRm(db, w) };
  // Shared ahead of the rest when more follows, then not sent again with the result.
  const sharedWindow = !!share && (previous !== undefined || shared.current !== undefined);
  if (sharedWindow) share('window', mine);
  const window = sharedWindow ? null : mine;
  if (share && shared.current) claimCredit(db, w, PRODUCT_TYPES, shared.current, (k, rows) => share(`credit:${k}`, rows));
  if (share && shared.tasks) {
    if (claimTask(shared, 'loans')) share('loans', loanBalancesOn(db, w.to));
    if (claimTask(shared, 'foreign')) share('foreign', slicesCredit(db, foreignCreditSlices(db, w)));
  }
  if (!previous) return { window, previous: null };
  return { window, previous: { credit: rmCreditByProduct(db, previous, undefined, DEPOSIT_PRODUCTS, shared.previous), ranges: shared.previous !== undefined } };
}

export interface RmTxnCredit {
  rm_id: string | null;
  branch: string | null;
  n: number;
  counter: number;
  self_service: number;
  e_banking: number;
  fee_fen: number;
}

/** Transactions of the window credited per RM (and per branch for what no RM owns). */
export function rmTxnCredit(db: Db, w: Window): RmTxnCredit[] {
  // Transactions: fee and channel counts credited to the account's RM on the posting day.
  // Most accounts have one RM for the whole window (no snapshot rm_id, customer not
  // reassigned): their roll-up rows (txn_totals, or txn_monthly and txn_daily for partial
  // months) are summed per customer and credited to the customer's RM. Only the accounts whose
  // RM can change within the window are credited day by day.
  const parts = txnParts(db, w.from, w.to);
  const DAY_SUMS = `sum(n) AS n, sum(n_counter) AS counter, sum(n_self_service) AS self_service, sum(n_e_banking) AS e_banking,
      sum(${cnyOfDay('fee')}) AS fee_fen, max(${NO_RATE_DAY}) AS no_rate`;
  const credited = `
    WITH ${VARYING_ACCOUNTS},
    t AS (${txnRowsSql(parts, ['n', 'counter', 'self_service', 'e_banking', 'fee_fen', 'no_rate'])}),
    daily AS (
      SELECT d.*, CAST(julianday(d.day) - 2440587.5 AS INTEGER) AS dn FROM txn_daily d
      WHERE d.account_id IN (SELECT account_id FROM var) AND d.day >= :from AND d.day <= :to
    ),
    varying AS (
      SELECT coalesce((SELECT b.rm_id FROM balances b WHERE b.account_id = d.account_id AND b.as_of <= d.day ORDER BY b.as_of DESC LIMIT 1),
                      (SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = a.customer_id AND h.from_num <= d.dn AND h.to_num >= d.dn)) AS rm_id,
        a.customer_id, ${DAY_SUMS}
      FROM daily d JOIN accounts a ON a.account_id = d.account_id
      GROUP BY d.account_id, d.day
    ),
    credited AS (
      SELECT h.rm_id, g.customer_id, g.n, g.counter, g.self_service, g.e_banking, g.fee_fen, g.no_rate
      FROM (SELECT customer_id, sum(n) AS n, sum(counter) AS counter, sum(self_service) AS self_service, sum(e_banking) AS e_banking,
              sum(fee_fen) AS fee_fen, max(no_rate) AS no_rate
            FROM t WHERE account_id NOT IN (SELECT account_id FROM var) GROUP BY customer_id) g
      LEFT JOIN customer_rm_history h ON h.customer_id = g.customer_id AND h.from_num <= :T AND h.to_num >= :F
      UNION ALL SELECT rm_id, customer_id, n, counter, self_service, e_banking, fee_fen, no_rate FROM varying
    )
  `;
  const txns = groupRows(db, {
    with: credited,
    keys: ['c.rm_id', unassignedBranch('c.rm_id', 'c.customer_id')],
    values: [...['n', 'counter', 'self_service', 'e_banking', 'fee_fen'].map((expr) => ({ expr, agg: 'sum' as const })), { expr: 'no_rate', agg: 'max' }],
    from: 'FROM credited c',
  }, creditParams(db, w)).map(([rm_id, branch, n, counter, self_service, e_banking, fee_fen, no_rate]) => ({ rm_id, branch, n, counter, self_service, e_banking, fee_fen, no_rate }) as
    RmTxnCredit & { no_rate: string | null });
  const noRate = txns.find((t) => t.no_rate);
  if (noRate) throw missingRate(noRate.no_rate!, "a transaction's posting date");
  return txns;
}
