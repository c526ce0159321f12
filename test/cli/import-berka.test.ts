/** The real PKDD'99 (Berka) data through samples/mappings/berka.yaml. Needs ../shared. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, count, openRaw, parseSimpleCsv, ROOT, runCrm, SHARED, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const BERKA = join(SHARED, 'data', 'berka');
const MAPPING = join(ROOT, 'samples', 'mappings', 'berka.yaml');

/** Data lines of a Berka file: newline-terminated lines after the header, and whether a cut line follows. */
function lines(file: string): { complete: number; cut: string | null; rows: string[] } {
  const text = readFileSync(join(BERKA, file), 'latin1');
  const all = text.split('\r\n');
  const last = all.pop()!; // '' when the file ends with CRLF, else the cut line
  return { complete: all.length - 1, cut: last === '' ? null : last, rows: all.slice(1) };
}

describe.skipIf(!existsSync(BERKA))('crm import --mapping berka.yaml (PKDD\'99 data)', () => {
  const dir = tmpDir();
  const db = join(dir, 'berka.db');
  const files = existsSync(BERKA) ? readdirSync(BERKA).filter((f) => f.endsWith('.asc')).sort().map((f) => join(BERKA, f)) : [];
  let r: ReturnType<typeof runCrm>;

  it('imports all *.asc in one command; exit 1 for the truncated last line of trans.asc', () => {
    expect(files.length).toBe(8);
    r = runCrm(['--db', db, 'import', '--mapping', MAPPING, ...files]);
    expect(r.code).toBe(1);
    const trans = lines('trans.asc');
    expect(trans.cut).toBe('3526882;11021;940331;"PRIJE');
    // header line 1 + complete rows on lines 2..(complete + 1) → the cut row is on complete + 2
    const cutLine = trans.complete + 2;
    expect(cutLine).toBe(49104);
    const rejects = parseSimpleCsv(readFileSync(join(dir, 'berka.rejects.csv'), 'utf8'));
    expect(rejects.slice(1)).toEqual([[join(BERKA, 'trans.asc'), String(cutLine), '', 'unclosed quoted field at end of file (truncated record?)', trans.cut]]);
    for (const f of ['disp.asc', 'card.asc', 'order.asc', 'district.asc']) expect(r.stdout).toContain(`${join(BERKA, f)}: ignored (mapping says ignore)`);
  });

  it('row counts equal what the files hold', () => {
    const clients = lines('client.asc').complete;
    const accounts = lines('account.asc').complete;
    const loans = lines('loan.asc').complete;
    const trans = lines('trans.asc').complete;
    expect([clients, accounts, loans, trans]).toEqual([5369, 4500, 682, 49102]); // SOURCES.md
    expect(r.stdout).toMatch(new RegExp(`client\\.asc \\(customers, utf-8, semicolon\\): ${clients.toLocaleString('en-US')} read, ${clients.toLocaleString('en-US')} loaded`));
    const raw = openRaw(db);
    expect(count(raw, 'customers')).toBe(clients);
    expect(count(raw, 'accounts')).toBe(accounts + loans);
    expect(count(raw, 'accounts', "WHERE product_type = 'loan'")).toBe(loans);
    expect(count(raw, 'transactions')).toBe(trans);
    raw.close();
  });

  it('values: sums for one account, directions, channels, loans, lookups', () => {
    const raw = openRaw(db);
    const trans = lines('trans.asc').rows.map((l) => l.split(';'));
    // the account with the most transactions in the file
    const per = new Map<string, number>();
    for (const f of trans) per.set(f[1], (per.get(f[1]) ?? 0) + 1);
    const acc = [...per.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    // signed sum in fen from the file: PRIJEM +, VYDAJ/VYBER −; amounts have 2 decimals
    const fen = (s: string) => { const [i, d = ''] = s.split('.'); return Number(i) * 100 + Number((d + '00').slice(0, 2)); };
    let sum = 0;
    let n = 0;
    for (const f of trans) if (f[1] === acc) { sum += (f[3] === '"PRIJEM"' ? 1 : -1) * fen(f[5]); n++; }
    expect(raw.prepare('SELECT count(*), sum(amount) FROM transactions WHERE account_id = ?').raw().get(acc)).toEqual([n, sum]);
    // the last balance of that account in the file (rows are sorted by date) is its latest stored balance
    const lastRow = trans.filter((f) => f[1] === acc).pop()!;
    expect(raw.prepare('SELECT balance FROM balances WHERE account_id = ? ORDER BY as_of DESC LIMIT 1').pluck().get(acc)).toBe(fen(lastRow[6]));
    // all amounts: credits minus debits over the whole file
    let total = 0;
    for (const f of trans) total += (f[3] === '"PRIJEM"' ? 1 : -1) * fen(f[5]);
    expect(raw.prepare('SELECT sum(amount) FROM transactions').pluck().get()).toBe(total);
    // channels from operation
    const ops = new Map<string, number>();
    for (const f of trans) ops.set(f[4], (ops.get(f[4]) ?? 0) + 1);
    const g = (k: string) => ops.get(`"${k}"`) ?? 0;
    expect(Object.fromEntries(raw.prepare('SELECT coalesce(channel, \'\'), count(*) FROM transactions GROUP BY 1').raw().all() as [string, number][])).toEqual({
      '': g(''), counter: g('VKLAD') + g('VYBER'), self_service: g('VYBER KARTOU'), e_banking: g('PREVOD Z UCTU') + g('PREVOD NA UCET'),
    });
    // loans: L<loan_id>, balance = amount, class from status, customer = the OWNER of the loan's account
    const loan = lines('loan.asc').rows[0].split(';'); // 5314;1787;930705;96396;12;8033.00;"B"
    const owner = lines('disp.asc').rows.map((l) => l.split(';')).find((f) => f[2] === loan[1] && f[3] === '"OWNER"')![1];
    expect(raw.prepare("SELECT a.customer_id, a.opened_on, b.as_of, b.balance, b.loan_class FROM accounts a JOIN balances b USING (account_id) WHERE account_id = ?").raw().get(`L${loan[0]}`))
      .toEqual([owner, '1993-07-05', '1993-07-05', Number(loan[3]) * 100, { '"A"': 'normal', '"B"': 'loss', '"C"': 'normal', '"D"': 'substandard' }[loan[6]]]);
    // account register: opened_on from YYMMDD, no balances of its own from account.asc
    const acc1 = lines('account.asc').rows[0].split(';'); // 576;55;"POPLATEK MESICNE";930101
    expect(raw.prepare('SELECT product_type, opened_on FROM accounts WHERE account_id = ?').raw().get(acc1[0])).toEqual(['demand_deposit', '1993-01-01']);
    // customers: name template, branch = district name
    expect(raw.prepare("SELECT name, customer_type, branch FROM customers WHERE customer_id = '2'").raw().get()).toEqual(['Client 2', 'personal', 'Hl.m. Praha']);
    raw.close();
  });

  it('RFM counts customer-initiated transactions only: month-end interest (UROK) no longer makes everyone recent', () => {
    const raw = openRaw(db);
    const asOf = raw.prepare('SELECT max(substr(posted_at, 1, 10)) FROM transactions').pluck().get() as string;
    expect(asOf).toBe('1994-03-31');
    // Why the rule matters: most customers' last posting of any kind is the month-end interest on as-of.
    const lastAny = raw.prepare(`SELECT a.customer_id, max(substr(t.posted_at, 1, 10)) AS last FROM transactions t JOIN accounts a USING (account_id)
      WHERE t.posted_at >= '1993-04-01' GROUP BY 1`).all() as { last: string }[];
    expect(lastAny.filter((x) => x.last === asOf).length / lastAny.length).toBeGreaterThan(0.9);
    // Nearest-rank quintiles (c_k = sorted[ceil(k·n/5) − 1]) of the days since each customer's last
    // customer-initiated transaction (interest UROK / SANKC. UROK and fees SLUZBY mapped to interest, fee), straight from the table.
    const days = (raw.prepare(`SELECT CAST(julianday(:asOf) - julianday(max(substr(t.posted_at, 1, 10))) AS INTEGER) FROM transactions t JOIN accounts a USING (account_id)
      WHERE t.posted_at >= '1993-04-01' AND t.posted_at < '1994-04-01' AND coalesce(t.txn_type, '') NOT IN ('interest', 'fee') GROUP BY a.customer_id`).pluck().all({ asOf }) as number[]).sort((x, y) => x - y);
    raw.close();
    const cut = (k: number) => days[Math.ceil((k * days.length) / 5) - 1];
    const want = [cut(1), cut(2), cut(3), cut(4)];
    const r = runCrm(['--db', db, 'segment', 'rfm', '--as-of', asOf, '--type', 'personal', '--format', 'json']);
    expect(r.code).toBe(0);
    const personal = JSON.parse(r.stdout).cut_points[0];
    expect(personal.active_customers).toBe(days.length);
    expect(personal.recency_days).toEqual(want);
    // Distinct cut points (with interest counted they were 0, 0, 0, 0).
    expect(new Set(want).size).toBe(4);
    expect(want[0]).toBeGreaterThan(0);
  });
});
