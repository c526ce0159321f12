import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, HEADERS, fmtMinor, type GenerateOptions } from '../../src/samples/generate.js';
import { encodeGb18030, toChineseSnapshot, CN_ACCOUNT_HEADERS, GB_FILE, SAMPLE_OPTIONS } from '../../src/samples/sample-set.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'crm-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const base: Omit<GenerateOptions, 'out'> = {
  rms: 8, customers: 200, startDate: '2026-11-01', days: 20, txns: 3000, changeRate: 0.1, seed: 7, corporateShare: 0.25,
};
const read = (p: string) => readFileSync(p, 'utf8');
const rows = (p: string) => read(p).trimEnd().split('\n').slice(1).map((l) => l.split(','));
const header = (p: string) => read(p).split('\n')[0];

function dirContents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = read(join(dir, r));
    }
  };
  walk('');
  return out;
}

describe('sample generator', () => {
  const a = tmp();
  let resA: Awaited<ReturnType<typeof generate>>;
  beforeAll(async () => {
    resA = await generate({ ...base, out: a, reassignOn: '2026-11-10', reassignCount: 5 });
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const b = tmp();
    await generate({ ...base, out: b, reassignOn: '2026-11-10', reassignCount: 5 });
    expect(dirContents(b)).toEqual(dirContents(a));
    const c = tmp();
    await generate({ ...base, out: c, seed: 8 });
    expect(read(join(c, 'transactions.csv'))).not.toEqual(read(join(a, 'transactions.csv')));
  });

  it('numbers accounts in opening order when asked, the data otherwise the same', async () => {
    const b = tmp();
    await generate({ ...base, out: b, reassignOn: '2026-11-10', reassignCount: 5, accountNumbers: 'opened' });
    // The first snapshot lists every account open at the start, in the same order both ways:
    // row k of one is row k of the other under a renumbering.
    const snap = (d: string) => rows(join(d, 'accounts', readdirSync(join(d, 'accounts')).sort()[0]));
    const byCustomer = snap(a);
    const byOpening = snap(b);
    expect(byOpening.length).toBe(byCustomer.length);
    const renumber = new Map<string, string>();
    byCustomer.forEach((r, k) => renumber.set(r[1], byOpening[k][1]));
    expect(new Set(renumber.values()).size).toBe(renumber.size);
    byCustomer.forEach((r, k) => expect([r[0], ...r.slice(2)]).toEqual([byOpening[k][0], ...byOpening[k].slice(2)]));
    // Numbers ascend with the opening date (column 9): sorted by number, the dates never go back.
    const dates = [...byOpening].sort((x, y) => (x[1] < y[1] ? -1 : 1)).map((r) => r[9]);
    expect(dates.every((d, k) => k === 0 || dates[k - 1] <= d)).toBe(true);
    // A customer's accounts are no longer numbered together: some customer's numbers are not consecutive.
    const numbers = new Map<string, number[]>();
    for (const r of byOpening) numbers.set(r[2], [...(numbers.get(r[2]) ?? []), Number(r[1].slice(1))]);
    expect([...numbers.values()].some((n) => n.length > 1 && Math.max(...n) - Math.min(...n) >= n.length)).toBe(true);
    // Transactions: the same rows, their accounts renumbered (those opened during the period are not in the first snapshot).
    const txA = rows(join(a, 'transactions.csv'));
    const txB = rows(join(b, 'transactions.csv'));
    expect(txB.length).toBe(txA.length);
    txA.forEach((r, k) => {
      if (renumber.has(r[1])) expect(txB[k][1]).toBe(renumber.get(r[1]));
      expect([r[0], ...r.slice(2)]).toEqual([txB[k][0], ...txB[k].slice(2)]);
    });
  });

  it('writes the contract headers', () => {
    expect(header(join(a, 'rms.csv'))).toBe(HEADERS.rms);
    expect(header(join(a, 'customers.csv'))).toBe(HEADERS.customers);
    expect(header(join(a, 'customers_2026-11-10.csv'))).toBe(HEADERS.customers);
    expect(header(join(a, 'transactions.csv'))).toBe(HEADERS.transactions);
    expect(header(join(a, 'targets.csv'))).toBe(HEADERS.targets);
    expect(header(join(a, 'fx_rates.csv'))).toBe(HEADERS.fx_rates);
    for (const f of readdirSync(join(a, 'accounts'))) expect(header(join(a, 'accounts', f))).toBe(HEADERS.accounts);
    expect(HEADERS.accounts).toBe('as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status');
    expect(HEADERS.transactions).toBe('txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after');
  });

  it('row counts match the options', () => {
    expect(rows(join(a, 'rms.csv'))).toHaveLength(8);
    expect(rows(join(a, 'customers.csv'))).toHaveLength(200);
    expect(rows(join(a, 'customers_2026-11-10.csv'))).toHaveLength(5);
    expect(rows(join(a, 'transactions.csv'))).toHaveLength(3000);
    expect(rows(join(a, 'fx_rates.csv'))).toHaveLength(20);
    expect(resA.counts).toMatchObject({ rms: 8, customers: 200, transactions: 3000, snapshot_files: 20, fx_rates: 20, reassignments: 5 });
    // 4 KPIs per RM per period: 2026-Q4 and 2026-11
    expect(rows(join(a, 'targets.csv'))).toHaveLength(8 * 4 * 2);
    const customers = rows(join(a, 'customers.csv'));
    const corp = customers.filter((r) => r[2] === 'corporate').length;
    expect(corp).toBe(50);
  });

  it('writes one full snapshot per day; closed accounts disappear, new ones appear', () => {
    const files = readdirSync(join(a, 'accounts')).sort();
    expect(files).toHaveLength(20);
    expect(files[0]).toBe('accounts_2026-11-01.csv');
    expect(files[19]).toBe('accounts_2026-11-20.csv');
    const snaps = files.map((f) => rows(join(a, 'accounts', f)));
    let closedSeen = 0, opened = 0;
    for (let d = 0; d < snaps.length; d++) {
      for (const r of snaps[d]) expect(r[0]).toBe(files[d].slice(9, 19));
      if (d === 0) continue;
      const prev = new Set(snaps[d - 1].map((r) => r[1]));
      const now = new Set(snaps[d].map((r) => r[1]));
      for (const r of snaps[d - 1]) {
        if (r[10] === 'closed') {
          closedSeen++;
          expect(r[5]).toBe('0.00');
          expect(now.has(r[1])).toBe(false);
        } else expect(now.has(r[1])).toBe(true);
      }
      for (const id of now) if (!prev.has(id)) opened++;
    }
    expect(closedSeen).toBeGreaterThan(0);
    expect(opened).toBeGreaterThan(0);
  });

  it('keeps balance_after consistent with the snapshots', () => {
    const last = new Map<string, string>();
    const ids = new Set<string>();
    for (const t of rows(join(a, 'transactions.csv'))) {
      last.set(`${t[2].slice(0, 10)}|${t[1]}`, t[9]);
      ids.add(t[0]);
      expect(t[3]).toMatch(/^-?\d+\.\d{2}$/);
      expect(['credit', 'debit']).toContain(t[4]);
      expect(t[4] === 'credit').toBe(!t[3].startsWith('-'));
      expect(['counter', 'self_service', 'e_banking']).toContain(t[6]);
    }
    expect(ids.size).toBe(3000);
    let checked = 0;
    for (const f of readdirSync(join(a, 'accounts'))) {
      for (const r of rows(join(a, 'accounts', f))) {
        const k = `${r[0]}|${r[1]}`;
        if (last.has(k)) {
          expect(r[5]).toBe(last.get(k));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('supports snapshotEvery and a different start', async () => {
    const d = tmp();
    const res = await generate({ ...base, out: d, days: 10, snapshotEvery: 3, startDate: '2026-09-28', txns: 500 });
    expect(readdirSync(join(d, 'accounts')).sort()).toEqual(
      ['2026-09-28', '2026-10-01', '2026-10-04', '2026-10-07'].map((x) => `accounts_${x}.csv`));
    expect(res.counts.transactions).toBe(500);
    const periods = new Set(rows(join(d, 'targets.csv')).map((r) => r[0]));
    expect([...periods].sort()).toEqual(['2026-09', '2026-10', '2026-Q3', '2026-Q4']);
  });

  it('formats minor units', () => {
    expect(fmtMinor(0)).toBe('0.00');
    expect(fmtMinor(5)).toBe('0.05');
    expect(fmtMinor(123450)).toBe('1234.50');
    expect(fmtMinor(-1200)).toBe('-12.00');
  });
});

describe('committed samples/', () => {
  const root = fileURLToPath(new URL('../../samples', import.meta.url));
  it('has the daily series 2026-11-01 … 2026-11-27 with contract headers', () => {
    const files = readdirSync(join(root, 'accounts')).sort();
    expect(files).toHaveLength(27);
    expect(files[0]).toBe('accounts_2026-11-01.csv');
    expect(files[26]).toBe('accounts_2026-11-27.csv');
    expect(header(join(root, 'transactions.csv'))).toBe(HEADERS.transactions);
    expect(existsSync(join(root, 'customers_2026-11-15.csv'))).toBe(true);
    const periods = new Set(rows(join(root, 'targets.csv')).map((r) => r[0]));
    expect([...periods].sort()).toEqual(['2026-11', '2026-Q4']);
  });

  it('matches the generator output for SAMPLE_OPTIONS', async () => {
    const d = tmp();
    await generate({ ...SAMPLE_OPTIONS, out: d });
    for (const f of ['rms.csv', 'customers.csv', 'customers_2026-11-15.csv', 'transactions.csv', 'targets.csv', 'fx_rates.csv',
      'accounts/accounts_2026-11-27.csv']) {
      expect(read(join(d, f)), f).toBe(read(join(root, f)));
    }
  });

  it('has the GB18030 copy of the 2026-11-27 snapshot', () => {
    const bytes = readFileSync(join(root, GB_FILE));
    const text = new TextDecoder('gb18030').decode(bytes);
    expect(text.split('\r\n')[0]).toBe(CN_ACCOUNT_HEADERS.join(','));
    expect(text).toContain('活期存款');
    expect(text).toContain('￥');
    const utf8 = read(join(root, 'accounts', 'accounts_2026-11-27.csv'));
    expect(text).toBe(toChineseSnapshot(utf8));
    expect(Buffer.compare(encodeGb18030(text), bytes)).toBe(0);
    expect(text.trimEnd().split('\r\n')).toHaveLength(utf8.trimEnd().split('\n').length);
  });

  it('bad transactions reference real accounts on their good rows', () => {
    const accounts = new Set(rows(join(root, 'accounts', 'accounts_2026-11-27.csv')).map((r) => r[1]));
    const bad = read(join(root, 'bad', 'transactions_bad.csv')).trimEnd().split('\n');
    expect(bad[0]).toBe(HEADERS.transactions);
    for (const line of [2, 3, 10]) expect(accounts.has(bad[line - 1].split(',')[1])).toBe(true);
    expect(accounts.has('A999999999')).toBe(false);
  });
});
