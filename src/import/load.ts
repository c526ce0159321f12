/**
 * Loaders: one per file kind, writing typed rows into the database inside the caller's
 * transaction. Each returns what happened to a row: loaded (new), updated (changed),
 * skipped (already present, unchanged), or a problem to reject.
 */
import type { Db } from '../db/connection.js';
import { BalanceStore, CLOSED, dayNum, firstRowSpan, LAST_ROW_LIST, lastRowAt, SPAN_COLUMNS, type BalanceState } from '../db/balances.js';
import { END_OF_TIME, FX_RELINK, RELINK_TXN_CUSTOMERS } from '../db/migrations.js';
import { ROLLUP_CNY_REFRESH } from '../db/fx.js';
import { isLoan } from '../types.js';
import { FROM_THE_START } from './effective-date.js';
import { KINDS, type Kind } from './kinds.js';
import { eventsLoader } from './load-events.js';
import { dupProblem, NEGATIVE_LOAN, unknownProblem, type RowProblem, type Value } from './rows.js';
import { transactionsLoader } from './load-transactions.js';
import { snapshotLoader } from './snapshot-append.js';
import { StringSet } from '../strings.js';

export type RowOutcome = 'loaded' | 'updated' | 'skipped' | RowProblem;

export interface LoaderContext {
  db: Db;
  importId: number;
  /** Date a customer reassignment takes effect. */
  effectiveDate: string;
  /** accounts: 'full' closes absent accounts, 'partial' does not, 'none' registers accounts only. */
  snapshotMode: 'full' | 'partial' | 'none';
  /** Outcome of a row whose row() call returned undefined (loaders that write in batches). */
  report(outcome: RowOutcome, line: number, raw: string | undefined): void;
  /** events: the event names a plan defines (import --plan); rows naming another are rejected. */
  knownEvents?: { plan: string; names: ReadonlySet<string> };
}

export interface Loader {
  /**
   * `rec` is only valid during the call: keep values, not the array.
   * `line`: the record's line in the file (orders rows of equal posting time). Returns the
   * outcome, or undefined when it will be given later through ctx.report (batched writes).
   * `raw`: the record's text, undefined when the parse thread did not send it (see worker.ts).
   */
  row(rec: Value[], line: number, raw: string | undefined): RowOutcome | undefined;
  /** Work after the last row (closures, balances from transactions); returns rows updated. */
  finish(): { updated: number; notes: string[]; reassigned?: number };
}

const col = (k: Kind, name: string) => KINDS[k].columns.findIndex((c) => c.name === name);

const S = (v: Value) => v as string;
const N = (v: Value) => v as number;

export function makeLoader(kind: Kind, ctx: LoaderContext): Loader {
  switch (kind) {
    case 'rms': return rmsLoader(ctx);
    case 'customers': return customersLoader(ctx);
    // A register (no balances) row by row; a snapshot staged when its date is an append day.
    case 'accounts': return ctx.snapshotMode === 'none' ? accountsByRow(ctx) : snapshotLoader(ctx, () => accountsByRow(ctx));
    case 'transactions': return transactionsLoader(ctx);
    case 'targets': return targetsLoader(ctx);
    case 'fx_rates': return fxLoader(ctx);
    case 'events': return eventsLoader(ctx);
  }
}

const noFinish = () => ({ updated: 0, notes: [] as string[] });

/** Insert or update by key (the key columns first); compares the stored row to report loaded / updated / skipped. */
function upsertLoader(ctx: LoaderContext, table: string, keyCols: string[], cols: string[], pick: (r: Value[]) => Value[], before?: (r: Value[]) => RowProblem | undefined, finish: Loader['finish'] = noFinish): Loader {
  const where = keyCols.map((k) => `${k} = ?`).join(' AND ');
  const get = ctx.db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE ${where}`).raw();
  // An INSERT or an UPDATE, as the lookup tells (an upsert into a table other tables refer to is
  // compiled as a multi-row write: statement journal and a search of the referring rows).
  const ins = ctx.db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const valueCols = cols.slice(keyCols.length);
  const upd = valueCols.length ? ctx.db.prepare(`UPDATE ${table} SET ${valueCols.map((c) => `${c} = ?`).join(', ')} WHERE ${where}`) : undefined;
  // Keys of the file so far (as bytes: a million customers' ids would take ~65 MB as a Set).
  const seen = new StringSet();
  return {
    row(r) {
      const problem = before?.(r);
      if (problem) return problem;
      const vals = pick(r);
      const key = vals.slice(0, keyCols.length);
      if (!seen.add(key.join('\u0001'))) return dupProblem(keyCols.join('+'), key.join(', '));
      const old = get.get(...key) as Value[] | undefined;
      if (old && old.every((x, i) => x === vals[i])) return 'skipped';
      if (!old) ins.run(...vals);
      else upd!.run(...vals.slice(keyCols.length), ...key);
      return old ? 'updated' : 'loaded';
    },
    finish,
  };
}

function rmsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('rms', n);
  return upsertLoader(ctx, 'rms', ['rm_id'], ['rm_id', 'name', 'rm_type', 'branch', 'base_salary'],
    (r) => [r[c('rm_id')], r[c('name')], r[c('rm_type')], r[c('branch')], r[c('base_salary')] ?? 0]);
}

/**
 * Whether an id is in a table (a query by key), remembered until ID_MEMO ids have been asked and
 * then forgotten at once: SQLite is asked once per distinct id of rms and dates, and once per
 * customer of a snapshot whose accounts of a customer come close together. Not every id: a
 * snapshot of 800k customers' accounts would hold all 800k (~55 MB).
 */
function idExists(db: Db, sql: string): (id: string) => boolean {
  const q = db.prepare(sql).pluck();
  const known = new Map<string, boolean>();
  return (id) => {
    let yes = known.get(id);
    if (yes === undefined) {
      if (known.size === ID_MEMO) known.clear();
      known.set(id, (yes = q.get(id) !== undefined));
    }
    return yes;
  };
}

const ID_MEMO = 1 << 16;

const rmExists = (db: Db) => idExists(db, 'SELECT 1 FROM rms WHERE rm_id = ?');

/**
 * Customers: the attributes of the latest-dated file that lists a customer (a file dated earlier
 * than one already imported does not override them), and the file's RM assignments as dated
 * observations (customer_rm_observations) from which the customer's history is rebuilt: the
 * earliest observation holds from the start, each later one from its date, equal neighbours
 * collapse. Both depend on the set of dated files imported, not on the order of the imports.
 */
function customersLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const e = ctx.effectiveDate;
  const [iId, iName, iType, iRm, iBranch, iOpened] = ['customer_id', 'name', 'customer_type', 'rm_id', 'branch', 'opened_on'].map((n) => col('customers', n));
  const hasRm = rmExists(db);
  const get = db.prepare('SELECT name, customer_type, branch, opened_on FROM customers WHERE customer_id = ?').raw();
  const ins = db.prepare('INSERT INTO customers (customer_id, name, customer_type, branch, opened_on) VALUES (?, ?, ?, ?, ?)');
  const upd = db.prepare('UPDATE customers SET name = ?, customer_type = ?, branch = ?, opened_on = ? WHERE customer_id = ?');
  const latestObs = db.prepare('SELECT effective_date, rm_id FROM customer_rm_observations WHERE customer_id = ? ORDER BY effective_date DESC LIMIT 1').raw();
  const observe = db.prepare(`INSERT INTO customer_rm_observations (customer_id, effective_date, rm_id) VALUES (?, ?, ?)
    ON CONFLICT DO UPDATE SET rm_id = excluded.rm_id WHERE rm_id IS NOT excluded.rm_id`);
  const rebuild = rmHistoryRebuilder(db);
  const seen = new StringSet();
  let reassigned = 0;
  return {
    row(r) {
      const rm = r[iRm] as string | null;
      if (rm !== null && !hasRm(rm)) return unknownProblem('rm_id', rm, 'rms');
      const id = S(r[iId]);
      if (!seen.add(id)) return dupProblem('customer_id', id);
      const attrs: Value[] = [r[iName], r[iType], r[iBranch], r[iOpened]];
      const old = get.get(id) as Value[] | undefined;
      const latest = old ? (latestObs.get(id) as [string, string | null] | undefined) : undefined;
      let out: RowOutcome = 'loaded';
      if (!old) ins.run(id, ...attrs);
      else {
        const changed = old.some((x, i) => x !== attrs[i]);
        // Same date as the latest file: the later import wins (a corrected file of that day).
        const newest = latest === undefined || e >= latest[0];
        if (changed && newest) upd.run(...attrs, id);
        out = changed && newest ? 'updated' : 'skipped';
      }
      // The nightly case, a date after every observation with the RM of the latest one, changes no
      // interval (equal neighbours collapse): stored, but nothing to rebuild.
      if (latest && latest[0] === e && latest[1] === rm) return out;
      const stored = observe.run(id, e, rm).changes > 0;
      if (stored && !(latest && latest[0] < e && latest[1] === rm) && rebuild(id)) {
        if (old) reassigned++;
        if (out === 'skipped') out = 'updated';
      }
      return out;
    },
    finish: () => ({ updated: 0, notes: [], reassigned }),
  };
}

/**
 * Rebuilds one customer's customer_rm_history (and customers.rm_id) from its observations;
 * writes only when the history differs. Returns whether it did.
 */
function rmHistoryRebuilder(db: Db): (customer: string) => boolean {
  const obs = db.prepare('SELECT effective_date, rm_id FROM customer_rm_observations WHERE customer_id = ? ORDER BY effective_date').raw();
  const hist = db.prepare('SELECT effective_from, rm_id, from_num, to_num FROM customer_rm_history WHERE customer_id = ? ORDER BY effective_from').raw();
  const del = db.prepare('DELETE FROM customer_rm_history WHERE customer_id = ?');
  const put = db.prepare('INSERT INTO customer_rm_history (customer_id, effective_from, rm_id, from_num, to_num) VALUES (?, ?, ?, ?, ?)');
  const current = db.prepare('UPDATE customers SET rm_id = ? WHERE customer_id = ? AND rm_id IS NOT ?');
  return (customer) => {
    const runs: [string, string | null][] = [];
    for (const [date, rm] of obs.all(customer) as [string, string | null][]) {
      if (runs.length === 0) runs.push([FROM_THE_START, rm]);
      else if (runs[runs.length - 1][1] !== rm) runs.push([date, rm]);
    }
    const rows = runs.map(([from, rm], i) => [from, rm, dayNum(from), i + 1 < runs.length ? dayNum(runs[i + 1][0]) - 1 : END_OF_TIME]);
    const old = hist.all(customer) as unknown[][];
    if (old.length === rows.length && old.every((o, i) => o.every((x, j) => x === rows[i][j]))) return false;
    del.run(customer);
    for (const row of rows) put.run(customer, ...row);
    current.run(runs.length ? runs[runs.length - 1][1] : null, customer, runs.length ? runs[runs.length - 1][1] : null);
    return true;
  };
}

/**
 * Account snapshots row by row (and, with snapshot mode none, an account register): any date,
 * in any order. A snapshot on the nightly append day goes set-based (snapshot-append.ts).
 * Long: one closure holds the snapshot's prepared statements and what it has listed so far, which
 * row() and finish() (closing the absent accounts) share.
 */
export function accountsByRow(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const c = (n: string) => col('accounts', n);
  const [iAsOf, iAcc, iCust, iProd, iCur, iBal, iRm, iClass, iRate, iOpen, iStatus] =
    ['as_of', 'account_id', 'customer_id', 'product_type', 'currency', 'balance', 'rm_id', 'loan_class', 'interest_rate', 'opened_on', 'status'].map(c);
  const custExists = idExists(db, 'SELECT 1 FROM customers WHERE customer_id = ?');
  const hasRm = rmExists(db);
  // The attributes, then the balance span (what the nightly append path needs): one lookup per
  // row, read as an array (better-sqlite3 builds a 12-key object per row more slowly).
  const accGet = db.prepare(`SELECT customer_id, product_type, currency, interest_rate, opened_on, status, ${LAST_ROW_LIST} FROM accounts WHERE account_id = ?`).raw();
  // Whether a snapshot dated after d lists the account: a full one on whose date the account is
  // open (a full snapshot closes what it does not list), or a partial one (its rows are kept).
  const listedAfter = db.prepare(`SELECT 1 FROM snapshot_dates s WHERE s.as_of > :d AND (
      (s.full = 1 AND (SELECT b.source FROM balances b WHERE b.account_id = :a AND b.as_of <= s.as_of ORDER BY b.as_of DESC LIMIT 1) != 'C')
      OR EXISTS (SELECT 1 FROM balances b WHERE b.account_id = :a AND b.as_of = s.as_of AND b.source = 'P'))
    LIMIT 1`).pluck();
  // A plain INSERT for a new account and an UPDATE for a known one, not one upsert: SQLite
  // runs an upsert into a parent table (balances refer to accounts) as a multi-row write, with
  // a statement journal and a search of the child rows (~1 s on a 400k-account snapshot).
  const accInsert = db.prepare(`INSERT INTO accounts (customer_id, product_type, currency, interest_rate, opened_on, status, account_id, ${SPAN_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const noSpan = SPAN_COLUMNS.split(',').map(() => null);
  const accUpdate = db.prepare('UPDATE accounts SET customer_id = ?, product_type = ?, currency = ?, interest_rate = ?, opened_on = ?, status = ? WHERE account_id = ?');
  // A date imported again keeps the import that first brought it (a re-run changes no table).
  const snapPut = db.prepare('INSERT INTO snapshot_dates (as_of, full, import_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const store = new BalanceStore(db);
  // Accounts listed so far, per as_of date ('' for a register): duplicates, and which accounts a
  // full snapshot lists (as bytes: a million accounts' ids would take ~65 MB as a Set).
  const seen = new Map<string, StringSet>();
  const dates = new Set<string>();
  const append = new Map<string, ReturnType<BalanceStore['appendContext']>>();
  const register = ctx.snapshotMode === 'none';
  let customerMoved = false;
  // Accounts whose listed row was rejected: a full snapshot closes them as absent (as bytes: a
  // night whose RMs failed to load rejects most of its rows).
  const rejected = new StringSet();
  const rejectListed = (acc: string, problem: RowProblem): RowProblem => {
    rejected.add(acc);
    return problem;
  };
  return {
    row(r) {
      const acc = S(r[iAcc]);
      const asOf = register ? null : S(r[iAsOf]);
      const product = S(r[iProd]);
      if (!register && isLoan(product) && N(r[iBal]) < 0) return NEGATIVE_LOAN;
      let listed = seen.get(asOf ?? '');
      if (!listed) seen.set(asOf ?? '', (listed = new StringSet()));
      // A later row of an account the file listed before is a duplicate, whatever became of the first.
      if (!listed.add(acc)) return dupProblem('account_id', register ? acc : `${acc}" on "${asOf}`);
      const cust = S(r[iCust]);
      const got = accGet.get(acc) as Value[] | undefined;
      // A known account's customer exists (customers are never deleted): asked only on a change.
      if (got?.[0] !== cust && !custExists(cust)) return rejectListed(acc, unknownProblem('customer_id', cust, 'customers'));
      const rm = r[iRm] as string | null;
      if (rm !== null && !hasRm(rm)) return rejectListed(acc, unknownProblem('rm_id', rm, 'rms'));
      const attrs: Value[] = [cust, product, (r[iCur] as string | null) ?? 'CNY', r[iRate], r[iOpen], r[iStatus]];
      const old = got?.slice(0, 6);
      const attrsChanged = !old || old.some((x, i) => x !== attrs[i]);
      if (asOf !== null && !dates.has(asOf)) {
        dates.add(asOf);
        append.set(asOf, store.appendContext(asOf));
        snapPut.run(asOf, 0, ctx.importId);
      }
      const fast = asOf === null ? null : append.get(asOf);
      const state: BalanceState = { balance: N(r[iBal]), rm_id: rm, loan_class: isLoan(product) ? (r[iClass] as string | null) : null, source: ctx.snapshotMode === 'partial' ? 'P' : 'S' };
      // A new account on a day that appends: its balance span (this first row) goes in with it,
      // not in an UPDATE of the row just inserted.
      const span = !old && fast ? firstRowSpan(asOf!, state) : null;
      // The attributes are those of the latest-dated snapshot listing the account: an older one
      // imported late does not overwrite them (whatever the import order, the same attributes).
      const applied = attrsChanged && (!old || asOf === null || fast !== null || !listedAfter.get({ d: asOf, a: acc }));
      if (applied) {
        if (old) accUpdate.run(...attrs, acc);
        else accInsert.run(...attrs, acc, ...(span ?? noSpan));
        if (old) {
          if (old[0] !== cust) customerMoved = true;
          store.touchAccount(acc, old[0] as string);
        }
      }
      if (register) return !old ? 'loaded' : applied ? 'updated' : 'skipped';
      const res = fast ? fast(acc, state, got ? lastRowAt(got, 6) : null, span !== null) : store.set(acc, asOf!, state);
      if (!old) return 'loaded';
      return res === 'same' && !applied ? 'skipped' : 'updated';
    },
    finish() {
      const out = closeAbsent();
      // Accounts that moved to another customer take their transaction roll-ups with them.
      if (customerMoved) db.exec(RELINK_TXN_CUSTOMERS);
      store.flush();
      return out;
    },
  };

  /** A full snapshot closes the accounts open before it that it does not list. */
  function closeAbsent(): { updated: number; notes: string[] } {
    const notes: string[] = [];
    let updated = 0;
    if (ctx.snapshotMode !== 'full' || dates.size === 0) return { updated, notes };
    if (dates.size > 1) {
      notes.push(`rows carry ${dates.size} as_of dates: treated as a partial snapshot (no account closed)`);
      return { updated, notes };
    }
    const d = [...dates][0];
    db.prepare('UPDATE snapshot_dates SET full = 1 WHERE as_of = ?').run(d);
    store.resetCache();
    const inFile = seen.get(d) ?? new StringSet();
    for (const acc of store.openAccountsOn(d, (a) => !inFile.has(a) || rejected.has(a))) {
      store.set(acc, d, CLOSED);
      updated++;
    }
    if (updated) notes.push(`${updated} account(s) absent from the ${d} snapshot closed (balance 0 from ${d})`);
    return { updated, notes };
  }
}

function targetsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('targets', n);
  const hasRm = rmExists(ctx.db);
  return upsertLoader(ctx, 'targets', ['period', 'rm_id', 'kpi'], ['period', 'rm_id', 'kpi', 'target'],
    (r) => [r[c('period')], r[c('rm_id')], r[c('kpi')], r[c('target')]],
    (r) => (!hasRm(S(r[c('rm_id')])) ? unknownProblem('rm_id', S(r[c('rm_id')]), 'rms') : undefined));
}

function fxLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('fx_rates', n);
  return upsertLoader(ctx, 'fx_rates', ['currency', 'date'], ['currency', 'date', 'cny_per_unit'],
    (r) => [r[c('currency')], r[c('date')], r[c('cny_per_unit')]], undefined, () => {
      ctx.db.exec(FX_RELINK); // rate intervals as day numbers
      ctx.db.exec(ROLLUP_CNY_REFRESH); // any day's conversion may have changed
      return noFinish();
    });
}
