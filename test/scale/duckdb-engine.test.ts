/**
 * `crm export --parquet` and `--engine duckdb --data DIR`: the Parquet folder holds the
 * database's rows, and segment (summary, --detail) and rm-report print the same bytes from it as
 * from the SQLite file, on the hand-built segment fixture, on the samples, on the Berka data
 * (needs ../shared) and on three generated branches exported side by side. Error paths: exit 2.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { cleanupTmp, count, openRaw, parseSimpleCsv, ROOT, runCrm, SHARED, tmpDir } from '../helpers.js';
import { writeSegmentFixture } from '../metrics/segment-fixture.js';
// @ts-expect-error plain JS script without type declarations
import { combine, dataFiles, makeProvince } from '../../scripts/province.js';

afterAll(cleanupTmp);

const SAMPLE_FILES = ['rms.csv', 'customers.csv', 'customers_2026-11-15.csv',
  ...readdirSync(join(ROOT, 'samples', 'accounts')).sort().map((f) => join('accounts', f)),
  'transactions.csv', 'fx_rates.csv', 'targets.csv'].map((f) => join(ROOT, 'samples', f));

/** The report runs held equal: CSV and JSON of the summary, the detail and rm-report. */
const VIEWS: string[][] = [
  ['segment', '--format', 'csv'],
  ['segment', '--detail', '--format', 'csv'],
  ['segment', '--format', 'json'],
  ['rm-report', '--format', 'csv'],
  ['rm-report', '--format', 'json'],
];

function imported(dir: string, files: string[], extra: string[] = []): string {
  const db = join(dir, 'crm.db');
  const r = runCrm(['--db', db, 'import', ...extra, ...files], { cwd: dir });
  expect(r.stderr.replace(/^.*rejected rows written.*\n/m, '')).not.toMatch(/error/);
  return db;
}

function exported(db: string, dir: string, tag: string): string {
  const pq = join(dir, 'pq');
  const r = runCrm(['--db', db, 'export', '--parquet', pq, '--branch-tag', tag]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return pq;
}

/** Each view from SQLite and from DuckDB: the same stdout and stderr, exit 0. */
function expectSameReports(db: string, pq: string, views: string[][] = VIEWS): void {
  for (const v of views) {
    const a = runCrm(['--db', db, ...v]);
    const b = runCrm([...v, '--engine', 'duckdb', '--data', pq]);
    expect(a.code, `${v.join(' ')}: ${a.stderr}`).toBe(0);
    expect({ view: v.join(' '), code: b.code, stdout: b.stdout, stderr: b.stderr }).toEqual({ view: v.join(' '), code: 0, stdout: a.stdout, stderr: a.stderr });
  }
}

async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

describe('the hand-built segment fixture', () => {
  let dir: string;
  let db: string;
  let pq: string;
  beforeAll(() => {
    dir = tmpDir();
    db = imported(dir, writeSegmentFixture(dir));
    pq = exported(db, dir, 'FX01');
  }, 120_000);

  it('writes one folder per table, partitioned by the branch tag, with the database\'s rows', async () => {
    expect(readdirSync(pq).sort()).toEqual(['accounts', 'balances', 'customer_rm_history', 'customers', 'fx_rates', 'rms', 'snapshot_dates', 'targets', 'txn_daily']);
    expect(readdirSync(join(pq, 'balances'))).toEqual(['branch=FX01']);
    const raw = openRaw(db);
    const stored = count(raw, 'balances');
    raw.close();
    const [r] = await duckRows(`SELECT count(*)::INTEGER AS n, min(branch) AS tag FROM read_parquet('${pq}/balances/*/*.parquet', hive_partitioning = true)`);
    expect(r).toEqual({ n: stored, tag: 'FX01' });
    // A1 (P1): 50,000.00 on 03-01, 150,000.00 from 03-02 to 03-04 (the next change is 03-05's 120,000.00).
    const a1 = await duckRows(`SELECT first_day, last_day, balance FROM read_parquet('${pq}/balances/*/*.parquet') WHERE account_id = 'A1' ORDER BY first_day`);
    expect(a1.slice(0, 2)).toEqual([
      { first_day: '2026-03-01', last_day: '2026-03-01', balance: 5_000_000n },
      { first_day: '2026-03-02', last_day: '2026-03-04', balance: 15_000_000n },
    ]);
  });

  it('DuckDB computes ADB with carry-forward and FX by hand', () => {
    const r = runCrm(['segment', '--detail', '--window', '10', '--format', 'csv', '--engine', 'duckdb', '--data', pq]);
    expect(r.code).toBe(0);
    const rows = parseSimpleCsv(r.stdout);
    const head = rows[0];
    const get = (id: string) => Object.fromEntries(head.map((h, i) => [h, rows.find((x) => x[0] === id)![i]]));
    // P1: 50,000 × 1 day + 150,000 × 3 + 120,000 × 5 + 10,000 × 1 = 1,110,000 ÷ 10 days = 111,000.00 (VIP)
    expect(get('P1')).toMatchObject({ aum_adb: '111000.00', tier: 'vip' });
    // P6: USD 20,000 at 7.1 for 03-01…03-05 and 7.2 for 03-06…03-10: (142,000 × 5 + 144,000 × 5) ÷ 10 = 143,000.00
    expect(get('P6')).toMatchObject({ aum_adb: '143000.00', tier: 'vip' });
    // P2: exactly 100,000.00 is VIP (lower bound inclusive); P3 one fen below is Mass.
    expect([get('P2').tier, get('P3').tier]).toEqual(['vip', 'mass']);
  });

  it('prints the same bytes as SQLite', () => {
    expectSameReports(db, pq, [...VIEWS, ['segment', '--window', '10', '--type', 'personal', '--format', 'json'], ['rm-report', '--period', '2026-03', '--format', 'csv']]);
  }, 300_000);

  it('sql/04_concentration.sql gives the Pareto and Gini crm prints', async () => {
    const json = JSON.parse(runCrm(['--db', db, 'segment', '--format', 'json']).stdout) as { concentration: { customer_type: string; measure: string; pareto: number | null; gini: number | null }[] };
    const { ParquetData } = await import('../../src/scale/duckdb.js');
    const { duckTierPopulation } = await import('../../src/scale/segment.js');
    const data = await ParquetData.open(pq);
    try {
      await duckTierPopulation(data, {});
      await data.runFile('04_concentration.sql', {});
      const sql = await data.rows<{ customer_type: string; measure_name: string; pareto: number | null; gini: number | null }>(
        "SELECT customer_type, measure_name, pareto, gini FROM concentration ORDER BY customer_type DESC, measure_name DESC");
      const measureOf = (type: string) => (type === 'personal' ? 'aum_adb' : 'contribution');
      const fromSql = sql.filter((r) => !(r.customer_type === 'personal' && r.measure_name === 'aum_adb'))
        .map((r) => ({ customer_type: r.customer_type, measure: r.measure_name === 'measure' ? measureOf(r.customer_type) : 'aum_adb', pareto: r.pareto === null ? null : Number(r.pareto.toFixed(6)), gini: r.gini === null ? null : Number(r.gini.toFixed(6)) }));
      expect(fromSql).toEqual(json.concentration.map((c) => ({ customer_type: c.customer_type, measure: c.measure, pareto: c.pareto, gini: c.gini })));
    } finally {
      data.close();
    }
  });
});

describe('the samples', () => {
  it('segment and rm-report print the same bytes from DuckDB as from SQLite', () => {
    const dir = tmpDir();
    const db = imported(dir, SAMPLE_FILES);
    const pq = exported(db, dir, 'SH01');
    expectSameReports(db, pq, [...VIEWS, ['segment', '--as-of', '2026-11-20', '--window', '14', '--detail', '--format', 'csv'],
      ['rm-report', '--from', '2026-11-10', '--to', '2026-11-25', '--sort', 'fee_income', '--format', 'csv']]);
  }, 300_000);
});

const BERKA = join(SHARED, 'data', 'berka');

describe.skipIf(!existsSync(BERKA))('the Berka data (PKDD\'99, needs ../shared)', () => {
  it('segment and rm-report print the same bytes from DuckDB as from SQLite', () => {
    const dir = tmpDir();
    const files = readdirSync(BERKA).filter((f) => f.endsWith('.asc')).sort().map((f) => join(BERKA, f));
    const db = imported(dir, files, ['--mapping', join(ROOT, 'samples', 'mappings', 'berka.yaml')]);
    const pq = exported(db, dir, 'berka');
    expectSameReports(db, pq, [...VIEWS, ['rm-report', '--period', '1998', '--format', 'csv']]);
  }, 300_000);
});

describe('three generated branches exported side by side', () => {
  it('DuckDB over the three exports prints what SQLite prints over one file holding all three', () => {
    const dir = tmpDir();
    const pq = join(dir, 'pq');
    const tags = ['B1', 'B2', 'B3'];
    makeProvince({ work: dir, parquet: pq, tags });
    expect(readdirSync(join(pq, 'customers')).sort()).toEqual(['branch=B1', 'branch=B2', 'branch=B3']);
    const all = join(dir, 'all');
    const db = imported(dir, combine(tags.map((t) => join(dir, t)), all));
    expect(dataFiles(all).length).toBeGreaterThan(5);
    expectSameReports(db, pq, [...VIEWS, ['segment', '--by', 'branch', '--format', 'csv']]);
  }, 300_000);
});

describe('errors', () => {
  let pq: string;
  beforeAll(() => {
    const dir = tmpDir();
    pq = exported(imported(dir, writeSegmentFixture(dir)), dir, 'E1');
  }, 120_000);
  const usage = (args: string[], message: RegExp) => {
    const r = runCrm(args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^crm: error: ${message.source}`));
    expect(r.code).toBe(2);
  };

  it('an unknown engine, --engine duckdb without --data, --data without it', () => {
    usage(['segment', '--engine', 'spark', '--data', pq], /--engine: expected sqlite or duckdb \(got "spark"\)/);
    usage(['rm-report', '--engine', 'duckdb'], /--engine duckdb needs --data DIR/);
    usage(['segment', '--data', pq], /--data DIR goes with --engine duckdb/);
  });

  it('a --data folder that is missing or holds no export', () => {
    usage(['segment', '--engine', 'duckdb', '--data', join(pq, 'nope')], /--data .*nope: no such folder/);
    usage(['rm-report', '--engine', 'duckdb', '--data', join(pq, 'balances')], /--data .*: no Parquet files for customers, customer_rm_history/);
  });

  it('the options DuckDB does not compute, named', () => {
    usage(['segment', 'rfm', '--engine', 'duckdb', '--data', pq], /--engine duckdb does not compute rfm: use the SQLite engine for it/);
    usage(['segment', '--compare', '2026-03-05', '--engine', 'duckdb', '--data', pq], /--engine duckdb does not compute --compare/);
    usage(['rm-report', '--plan', join(ROOT, 'samples', 'plan.yaml'), '--rm', 'R1', '--engine', 'duckdb', '--data', pq], /--engine duckdb does not compute --plan, --rm: use the SQLite engine for them/);
  });

  it('crm export without --parquet, or with a tag that is no folder name', () => {
    const dir = tmpDir();
    usage(['--db', join(dir, 'x.db'), 'export'], /export needs --parquet DIR/);
    usage(['--db', join(dir, 'x.db'), 'export', '--parquet', dir, '--branch-tag', 'a/b'], /--branch-tag: branch tag "a\/b": use 1 to 64 letters/);
  });
});
