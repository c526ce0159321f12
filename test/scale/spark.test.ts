/**
 * scripts/spark/crm_reports.py in Spark's local mode: PySpark (it ships Spark) installed with pip
 * into a cache folder ($CRM_PYSPARK_CACHE, default ~/.cache/crm-pyspark) and a JDK. Where pip
 * cannot reach the package index or no JDK is found, the run is skipped and says why; the job's
 * own Python is still compiled and its CSV number formats checked against crm's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, ROOT, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const JOB = join(ROOT, 'scripts', 'spark', 'crm_reports.py');
const CACHE = process.env.CRM_PYSPARK_CACHE ?? join(homedir(), '.cache', 'crm-pyspark');
const py = (args: string[], env: Record<string, string> = {}, timeout = 120_000) =>
  spawnSync('python3', args, { encoding: 'utf8', timeout, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });

/** Why Spark cannot run here, or null when it can (PySpark in CACHE after a pip install, and java). */
function sparkUnavailable(): string | null {
  if (py(['--version']).status !== 0) return 'no python3';
  if (spawnSync('java', ['-version'], { encoding: 'utf8' }).status !== 0) return 'no JDK (java) on PATH';
  const env = { PYTHONPATH: CACHE };
  if (py(['-c', 'import pyspark'], env).status === 0) return null;
  const pip = py(['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', CACHE, 'pyspark'], {}, 600_000);
  if (pip.status !== 0) return `pip install pyspark failed: ${(pip.stderr || pip.stdout).trim().split('\n').pop()}`;
  return py(['-c', 'import pyspark'], env).status === 0 ? null : 'pyspark installed but not importable';
}

const unavailable = sparkUnavailable();
if (unavailable) process.stderr.write(`spark.test.ts: skipping the Spark local-mode run: ${unavailable}\n`);

describe('the Spark job', () => {
  it('compiles, and formats money and ratios as crm\'s CSV does', () => {
    expect(py(['-c', `compile(open(${JSON.stringify(JOB)}).read(), 'crm_reports.py', 'exec')`]).status).toBe(0);
    const r = py(['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'scripts', 'spark'))}); import crm_reports as c
print(c.money(1234567.5), c.money(-50.5), c.money(0.4), c.ratio(0.5541666666), c.ratio(1), c.integer(3.0))`]);
    // 1,234,567.5 fen rounds half away from zero to 1,234,568 fen = 12345.68; -50.5 fen → -51 fen.
    expect(r.stdout.trim()).toBe('12345.68 -0.51 0.00 0.554167 1 3');
  });

  it.skipIf(unavailable !== null)('writes the CSVs crm writes, over the samples\' export (local mode)', () => {
    const dir = tmpDir();
    const db = join(dir, 'crm.db');
    const files = ['rms.csv', 'customers.csv', 'customers_2026-11-15.csv', ...readdirSync(join(ROOT, 'samples', 'accounts')).sort().map((f) => join('accounts', f)),
      'transactions.csv', 'fx_rates.csv', 'targets.csv'].map((f) => join(ROOT, 'samples', f));
    expect(runCrm(['--db', db, 'import', ...files]).code).toBe(0);
    expect(runCrm(['--db', db, 'export', '--parquet', join(dir, 'pq'), '--branch-tag', 'SH01']).code).toBe(0);
    const out = join(dir, 'out');
    const job = py([JOB, '--data', join(dir, 'pq'), '--out', out], { PYTHONPATH: CACHE, PYSPARK_PYTHON: 'python3' }, 900_000);
    expect(job.status, job.stderr).toBe(0);
    expect(existsSync(join(out, 'rm_report.csv'))).toBe(true);
    expect(readFileSync(join(out, 'segment_summary.csv'), 'utf8')).toBe(runCrm(['--db', db, 'segment', '--format', 'csv']).stdout);
    expect(readFileSync(join(out, 'segment_detail.csv'), 'utf8')).toBe(runCrm(['--db', db, 'segment', '--detail', '--format', 'csv']).stdout);
    expect(readFileSync(join(out, 'rm_report.csv'), 'utf8')).toBe(runCrm(['--db', db, 'rm-report', '--format', 'csv']).stdout);
  }, 1_200_000);
});
