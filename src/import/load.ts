/**
 * Loaders: one per file kind, writing typed rows into the database inside the caller's
 * transaction. Each returns what happened to a row: loaded (new), updated (changed),
 * skipped (already present, unchanged), or a problem to reject.
 */
import type { Db } from '../db/connection.js';
import { BalanceStore, CLOSED } from '../db/balances.js';
import { KINDS, type Kind } from './kinds.js';
import type { RowProblem, Value } from './rows.js';

export type RowOutcome = 'loaded' | 'updated' | 'skipped' | RowProblem;

export interface LoaderContext {
  db: Db;
  importId: number;
  /** Date a customer reassignment takes effect. */
  effectiveDate: string;
  /** accounts: 'full' closes absent accounts, 'partial' does not, 'none' registers accounts only. */
  snapshotMode: 'full' | 'partial' | 'none';
}

export interface Loader {
  row(rec: Value[]): RowOutcome;
  /** Work after the last row (closures, balances from transactions); returns rows updated. */
  finish(): { updated: number; notes: string[] };
}

const col = (k: Kind, name: string) => KINDS[k].columns.findIndex((c) => c.name === name);

const S = (v: Value) => v as string;
const N = (v: Value) => v as number;

function dupProblem(column: string, key: string): RowProblem {
  return { column, reason: `duplicate ${column} "${key}" in this file` };
}

export function makeLoader(kind: Kind, ctx: LoaderContext): Loader {
  switch (kind) {
    case 'rms': return rmsLoader(ctx);
    case 'customers': return customersLoader(ctx);
    case 'accounts': return accountsLoader(ctx);
    case 'transactions': return transactionsLoader(ctx);
    case 'targets': return targetsLoader(ctx);
    case 'fx_rates': return fxLoader(ctx);
  }
}

const noFinish = () => ({ updated: 0, notes: [] as string[] });

/** Upsert by key; compares the stored row to report loaded / updated / skipped. */
function upsertLoader(ctx: LoaderContext, table: string, keyCols: string[], cols: string[], pick: (r: Value[]) => Value[], before?: (r: Value[]) => RowProblem | undefined): Loader {
  const where = keyCols.map((k) => `${k} = ?`).join(' AND ');
  const get = ctx.db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE ${where}`).raw();
  const ins = ctx.db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
    ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET ${cols.filter((c) => !keyCols.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ')}`);
  const seen = new Set<string>();
  return {
    row(r) {
      const problem = before?.(r);
      if (problem) return problem;
      const vals = pick(r);
      const key = vals.slice(0, keyCols.length);
      const k = key.join('\u0001');
      if (seen.has(k)) return dupProblem(keyCols.join('+'), key.join(', '));
      seen.add(k);
      const old = get.get(...key) as Value[] | undefined;
      if (old && old.every((x, i) => x === vals[i])) return 'skipped';
      ins.run(...vals);
      return old ? 'updated' : 'loaded';
    },
    finish: noFinish,
  };
}

function rmsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('rms', n);
  return upsertLoader(ctx, 'rms', ['rm_id'], ['rm_id', 'name', 'rm_type', 'branch', 'base_salary'],
    (r) => [r[c('rm_id')], r[c('name')], r[c('rm_type')], r[c('branch')], r[c('base_salary')] ?? 0]);
}

function rmExists(db: Db) {
  const q = db.prepare('SELECT 1 FROM rms WHERE rm_id = ?').pluck();
  return (id: string) => q.get(id) !== undefined;
}

function customersLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const c = (n: string) => col('customers', n);
  const hasRm = rmExists(db);
  const base = upsertLoader(ctx, 'customers', ['customer_id'], ['customer_id', 'name', 'customer_type', 'branch', 'opened_on'],
    (r) => [r[c('customer_id')], r[c('name')], r[c('customer_type')], r[c('branch')], r[c('opened_on')]],
    (r) => (r[c('rm_id')] !== null && !hasRm(S(r[c('rm_id')])) ? { column: 'rm_id', reason: `unknown rm_id "${r[c('rm_id')]}" (not in rms)` } : undefined));
  const histAt = db.prepare('SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = ? AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1').raw();
  const histNext = db.prepare('SELECT effective_from, rm_id FROM customer_rm_history WHERE customer_id = ? AND effective_from > ? ORDER BY effective_from LIMIT 1').raw();
  const histAny = db.prepare('SELECT 1 FROM customer_rm_history WHERE customer_id = ? LIMIT 1').pluck();
  const histPut = db.prepare('INSERT INTO customer_rm_history (customer_id, effective_from, rm_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET rm_id = excluded.rm_id');
  const histDel = db.prepare('DELETE FROM customer_rm_history WHERE customer_id = ? AND effective_from = ?');
  const current = db.prepare('UPDATE customers SET rm_id = (SELECT rm_id FROM customer_rm_history h WHERE h.customer_id = customers.customer_id ORDER BY effective_from DESC LIMIT 1) WHERE customer_id = ?');
  return {
    row(r) {
      const out = base.row(r);
      if (typeof out === 'object') return out;
      const id = S(r[c('customer_id')]);
      const rm = r[c('rm_id')] as string | null;
      const e = ctx.effectiveDate;
      // The first assignment holds from the start; later changes from the effective date.
      if (!histAny.get(id)) {
        histPut.run(id, '0001-01-01', rm);
        current.run(id);
        return out;
      }
      const at = histAt.get(id, e) as [string, string | null] | undefined;
      if (at && at[1] === rm) return out;
      histPut.run(id, e, rm);
      const nx = histNext.get(id, e) as [string, string | null] | undefined;
      if (nx && nx[1] === rm) histDel.run(id, nx[0]);
      current.run(id);
      return out === 'skipped' ? 'updated' : out;
    },
    finish: noFinish,
  };
}

function accountsLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const c = (n: string) => col('accounts', n);
  const [iAsOf, iAcc, iCust, iProd, iCur, iBal, iRm, iClass, iRate, iOpen, iStatus] =
    ['as_of', 'account_id', 'customer_id', 'product_type', 'currency', 'balance', 'rm_id', 'loan_class', 'interest_rate', 'opened_on', 'status'].map(c);
  const custExists = db.prepare('SELECT 1 FROM customers WHERE customer_id = ?').pluck();
  const hasRm = rmExists(db);
  const accGet = db.prepare('SELECT customer_id, product_type, currency, interest_rate, opened_on, status FROM accounts WHERE account_id = ?').raw();
  const lastAsOf = db.prepare('SELECT max(as_of) FROM balances WHERE account_id = ?').pluck();
  const accPut = db.prepare(`INSERT INTO accounts (account_id, customer_id, product_type, currency, interest_rate, opened_on, status) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id) DO UPDATE SET customer_id = excluded.customer_id, product_type = excluded.product_type, currency = excluded.currency,
      interest_rate = excluded.interest_rate, opened_on = excluded.opened_on, status = excluded.status`);
  const snapPut = db.prepare('INSERT INTO snapshot_dates (as_of, full, import_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET full = max(full, excluded.full), import_id = excluded.import_id');
  const store = new BalanceStore(db);
  const seen = new Set<string>();
  const dates = new Set<string>();
  const register = ctx.snapshotMode === 'none';
  return {
    row(r) {
      const acc = S(r[iAcc]);
      const asOf = register ? null : S(r[iAsOf]);
      const key = `${acc}\u0001${asOf}`;
      if (seen.has(key)) return dupProblem('account_id', register ? acc : `${acc}" on "${asOf}`);
      const cust = S(r[iCust]);
      if (!custExists.get(cust)) return { column: 'customer_id', reason: `unknown customer_id "${cust}" (not in customers)` };
      const rm = r[iRm] as string | null;
      if (rm !== null && !hasRm(rm)) return { column: 'rm_id', reason: `unknown rm_id "${rm}" (not in rms)` };
      const product = S(r[iProd]);
      const isLoan = product === 'loan' || product === 'credit_card';
      if (!register && isLoan && N(r[iBal]) < 0) return { column: 'balance', reason: 'a loan balance is the outstanding principal and must not be negative' };
      seen.add(key);
      const attrs: Value[] = [cust, product, (r[iCur] as string | null) ?? 'CNY', r[iRate], r[iOpen], r[iStatus]];
      const old = accGet.get(acc) as Value[] | undefined;
      const attrsChanged = !old || old.some((x, i) => x !== attrs[i]);
      // An older snapshot imported late does not overwrite newer account attributes.
      const latest = lastAsOf.get(acc) as string | null;
      if (attrsChanged && (!old || asOf === null || latest === null || asOf >= latest)) accPut.run(acc, ...attrs);
      if (register) return !old ? 'loaded' : attrsChanged ? 'updated' : 'skipped';
      if (!dates.has(asOf!)) {
        dates.add(asOf!);
        snapPut.run(asOf, 0, ctx.importId);
      }
      const res = store.set(acc, asOf!, { balance: N(r[iBal]), rm_id: rm, loan_class: isLoan ? (r[iClass] as string | null) : null, source: 'S' });
      if (!old) return 'loaded';
      return res === 'same' && !attrsChanged ? 'skipped' : 'updated';
    },
    finish() {
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
      const inFile = new Set([...seen].map((k) => k.slice(0, k.indexOf('\u0001'))));
      for (const acc of store.openAccountsOn(d)) {
        if (inFile.has(acc)) continue;
        store.set(acc, d, CLOSED);
        updated++;
      }
      if (updated) notes.push(`${updated} account(s) absent from the ${d} snapshot closed (balance 0 from ${d})`);
      return { updated, notes };
    },
  };
}

function transactionsLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const c = (n: string) => col('transactions', n);
  const [iId, iAcc, iAt, iAmt, iDir, iCur, iCh, iType, iFee, iBal] =
    ['txn_id', 'account_id', 'posted_at', 'amount', 'direction', 'currency', 'channel', 'txn_type', 'fee', 'balance_after'].map(c);
  const accCurrency = db.prepare('SELECT currency FROM accounts WHERE account_id = ?').pluck();
  const ins = db.prepare(`INSERT INTO transactions (txn_id, account_id, posted_at, amount, currency, channel, txn_type, fee, balance_after, import_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (txn_id) DO NOTHING`);
  const owner = db.prepare('SELECT import_id FROM transactions WHERE txn_id = ?').pluck();
  db.exec('CREATE TEMP TABLE IF NOT EXISTS touched_days (account_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (account_id, day)) WITHOUT ROWID');
  db.exec('DELETE FROM temp.touched_days');
  const touch = db.prepare('INSERT OR IGNORE INTO temp.touched_days (account_id, day) VALUES (?, ?)');
  let lastAcc = '';
  let lastCur: string | undefined;
  return {
    row(r) {
      const acc = S(r[iAcc]);
      // Consecutive rows of one account are common: reuse the lookup.
      const cur = acc === lastAcc ? lastCur : (accCurrency.get(acc) as string | undefined);
      lastAcc = acc;
      lastCur = cur;
      if (cur === undefined) return { column: 'account_id', reason: `unknown account_id "${acc}" (not in accounts)` };
      let amount = N(r[iAmt]);
      const dir = r[iDir];
      if (dir !== null) amount = dir === 'debit' ? -Math.abs(amount) : Math.abs(amount);
      const id = S(r[iId]);
      const posted = S(r[iAt]);
      const bal = r[iBal];
      const info = ins.run(id, acc, posted, amount, (r[iCur] as string | null) ?? cur, r[iCh], r[iType], r[iFee], bal, ctx.importId);
      if (info.changes === 0) {
        return owner.get(id) === ctx.importId ? dupProblem('txn_id', id) : 'skipped';
      }
      if (bal !== null) touch.run(acc, posted.slice(0, 10));
      return 'loaded';
    },
    finish() {
      // A day's balance is that of its last transaction (latest posted_at, then the later row).
      const last = db.prepare(`SELECT balance_after FROM transactions WHERE account_id = ? AND posted_at >= ? AND posted_at < ? AND balance_after IS NOT NULL
        ORDER BY posted_at DESC, rowid DESC LIMIT 1`).pluck();
      const fullDay = db.prepare('SELECT 1 FROM snapshot_dates WHERE as_of = ? AND full = 1').pluck();
      const snapRow = db.prepare("SELECT 1 FROM balances WHERE account_id = ? AND as_of = ? AND source = 'S'").pluck();
      const store = new BalanceStore(db);
      let updated = 0;
      let kept = 0;
      // Read in pages: better-sqlite3 cannot write while a statement is iterating.
      const page = db.prepare('SELECT account_id, day FROM temp.touched_days WHERE (account_id, day) > (?, ?) ORDER BY account_id, day LIMIT 5000').raw();
      const pages = function* () {
        let after: [string, string] = ['', ''];
        for (;;) {
          const rows = page.all(...after) as [string, string][];
          if (rows.length === 0) return;
          yield* rows;
          after = rows[rows.length - 1];
        }
      };
      for (const [acc, day] of pages()) {
        // When a snapshot exists for the same day, the snapshot wins.
        if (fullDay.get(day)) { kept++; continue; }
        if (snapRow.get(acc, day)) { kept++; continue; }
        const old = store.stateOn(acc, day);
        const balance = last.get(acc, day, day + '\uffff') as number;
        const res = store.set(acc, day, { balance, rm_id: old?.rm_id ?? null, loan_class: old?.loan_class ?? null, source: 'T' });
        if (res !== 'same') updated++;
      }
      db.exec('DELETE FROM temp.touched_days');
      const notes = kept ? [`${kept} account-day(s) keep their snapshot balance over balance_after`] : [];
      return { updated: 0, notes: updated ? [...notes, `${updated} daily balance(s) recorded from balance_after`] : notes };
    },
  };
}

function targetsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('targets', n);
  const hasRm = rmExists(ctx.db);
  return upsertLoader(ctx, 'targets', ['period', 'rm_id', 'kpi'], ['period', 'rm_id', 'kpi', 'target'],
    (r) => [r[c('period')], r[c('rm_id')], r[c('kpi')], r[c('target')]],
    (r) => (!hasRm(S(r[c('rm_id')])) ? { column: 'rm_id', reason: `unknown rm_id "${r[c('rm_id')]}" (not in rms)` } : undefined));
}

function fxLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('fx_rates', n);
  return upsertLoader(ctx, 'fx_rates', ['currency', 'date'], ['currency', 'date', 'cny_per_unit'],
    (r) => [r[c('currency')], r[c('date')], r[c('cny_per_unit')]]);
}
