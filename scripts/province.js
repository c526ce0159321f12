// Generated branches for the province tests and `npm run bench -- --province`: one data set per
// branch from scripts/gen-samples.js (its own seed), every id prefixed with the branch tag so that
// branches never share a customer, account, RM or transaction, imported into its own SQLite file
// and exported with `crm export --parquet DIR --branch-tag TAG` beside the others.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'crm.js');

/** Ids as gen-samples.js writes them: customers C + 8 digits, accounts A + 9, RMs RM + 3, transactions T + 15. */
const ID = /(^|,)(C\d{8}|A\d{9}|RM\d{3}|T\d{15})(?=,|\r?$)/gm;

/** Prefixes every id in the CSV files under dir (recursively) with `${tag}-`. */
export function prefixIds(dir, tag) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) prefixIds(p, tag);
    else if (name.endsWith('.csv')) writeFileSync(p, readFileSync(p, 'utf8').replace(ID, `$1${tag}-$2`));
  }
}

/** The CSV files of a generated data set in import order. */
export function dataFiles(dir) {
  const acc = readdirSync(join(dir, 'accounts')).sort().map((f) => join(dir, 'accounts', f));
  return [join(dir, 'rms.csv'), join(dir, 'customers.csv'), ...acc, join(dir, 'transactions.csv'), join(dir, 'fx_rates.csv'), join(dir, 'targets.csv')];
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr}`);
  return r;
}

/**
 * One branch: generate into work/TAG, import into work/TAG.db, export into parquet/. Returns the
 * database path and the export's wall time in ms. `gen`: gen-samples.js options (customers, days,
 * txns, rms, start); `fxFrom`: an fx_rates.csv to use instead of the generated one.
 */
export function makeBranch({ work, parquet, tag, seed, gen, fxFrom }) {
  const dir = join(work, tag);
  const db = join(work, `${tag}.db`);
  const g = { customers: 300, days: 40, txns: 3000, rms: 6, start: '2026-09-01', ...gen };
  run(process.execPath, [join(ROOT, 'scripts', 'gen-samples.js'), '--out', dir, '--seed', String(seed), '--customers', String(g.customers),
    '--days', String(g.days), '--txns', String(g.txns), '--rms', String(g.rms), '--start', g.start], `gen-samples ${tag}`);
  prefixIds(dir, tag);
  // Exchange rates are the country's, one table for every branch.
  if (fxFrom) writeFileSync(join(dir, 'fx_rates.csv'), readFileSync(fxFrom));
  run(process.execPath, [BIN, '--db', db, 'import', ...dataFiles(dir)], `import ${tag}`);
  const t0 = Date.now();
  run(process.execPath, [BIN, '--db', db, 'export', '--parquet', parquet, '--branch-tag', tag], `export ${tag}`);
  return { db, exportMs: Date.now() - t0 };
}

/**
 * The branches' data sets as one (each file's rows of every branch under one header): what a
 * single SQLite file holding them all imports, the reference the Parquet engines are held to.
 */
export function combine(dirs, out) {
  mkdirSync(join(out, 'accounts'), { recursive: true });
  const files = dataFiles(dirs[0]).map((f) => f.slice(dirs[0].length + 1));
  for (const rel of files) {
    // One set of exchange rates (makeBranch's fxFrom): the first branch's.
    const parts = (rel === 'fx_rates.csv' ? dirs.slice(0, 1) : dirs).map((d) => readFileSync(join(d, rel), 'utf8').replace(/\n$/, '').split('\n'));
    const text = [parts[0][0], ...parts.flatMap((p) => p.slice(1))].join('\n') + '\n';
    writeFileSync(join(out, rel), text);
  }
  return files.map((rel) => join(out, rel));
}

/**
 * Branches tags[0..] (seeds 1, 2, …) exported side by side into parquet, all with the first
 * branch's exchange rates. Returns each branch's database and export time.
 */
export function makeProvince({ work, parquet, tags, gen }) {
  const out = [];
  tags.forEach((tag, i) => {
    out.push({ tag, ...makeBranch({ work, parquet, tag, seed: i + 1, gen, fxFrom: i === 0 ? undefined : join(work, tags[0], 'fx_rates.csv') }) });
  });
  return out;
}
