#!/usr/bin/env node
// Generate synthetic nightly exports (data-contract default layout) with dist/samples/generate.js.
//   node scripts/gen-samples.js --out DIR --customers 100000 --days 90 --txns 1000000 --rms 40 \
//     --seed 1 --change-rate 0.1 --start 2026-08-30 [--corporate-share 0.2] [--snapshot-every 1]
//     [--reassign-on 2026-11-15 --reassign-count 10] [--account-numbers customer|opened]
//   node scripts/gen-samples.js --sample-set [--out samples]   # rebuild the committed sample set
// Needs a build first (npm run build).
import { generate, DEFAULT_OPTIONS } from '../dist/samples/generate.js';

const args = process.argv.slice(2);
const opts = { ...DEFAULT_OPTIONS, out: 'tmp/gen' };
let sampleSet = false;
const num = (name, v) => {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n)) {
    console.error(`--${name} needs a number`);
    process.exit(2);
  }
  return n;
};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[i + 1];
  switch (a) {
    case '--out': opts.out = v; i++; break;
    case '--customers': opts.customers = num('customers', v); i++; break;
    case '--days': opts.days = num('days', v); i++; break;
    case '--txns': opts.txns = num('txns', v); i++; break;
    case '--rms': opts.rms = num('rms', v); i++; break;
    case '--seed': opts.seed = num('seed', v); i++; break;
    case '--change-rate': opts.changeRate = num('change-rate', v); i++; break;
    case '--corporate-share': opts.corporateShare = num('corporate-share', v); i++; break;
    case '--snapshot-every': opts.snapshotEvery = num('snapshot-every', v); i++; break;
    case '--start': opts.startDate = v; i++; break;
    case '--account-numbers':
      if (v !== 'customer' && v !== 'opened') { console.error('--account-numbers: customer or opened'); process.exit(2); }
      opts.accountNumbers = v; i++; break;
    case '--reassign-on': opts.reassignOn = v; i++; break;
    case '--reassign-count': opts.reassignCount = num('reassign-count', v); i++; break;
    case '--sample-set': sampleSet = true; break;
    case '-h': case '--help':
      console.log('usage: node scripts/gen-samples.js [--out DIR] [--customers N] [--days N] [--txns N] [--rms N] [--seed N]\n'
        + '  [--change-rate X] [--corporate-share X] [--start YYYY-MM-DD] [--snapshot-every N] [--account-numbers customer|opened]\n'
        + '  [--reassign-on YYYY-MM-DD --reassign-count N] | --sample-set [--out samples]');
      process.exit(0);
      break;
    default:
      console.error(`unknown option: ${a}`);
      process.exit(2);
  }
}

if (sampleSet) {
  const { buildSampleSet } = await import('../dist/samples/sample-set.js');
  const out = args.includes('--out') ? opts.out : 'samples';
  const t0 = performance.now();
  const res = await buildSampleSet(out);
  const secs = (performance.now() - t0) / 1000;
  console.log(`sample set written to ${out} in ${secs.toFixed(2)} s`);
  for (const [k, v] of Object.entries(res.counts)) console.log(`  ${k}: ${v}`);
  process.exit(0);
}

const t0 = performance.now();
const res = await generate(opts);
const secs = (performance.now() - t0) / 1000;
const c = res.counts;
const rows = (c.rms ?? 0) + (c.customers ?? 0) + (c.snapshot_rows ?? 0) + (c.transactions ?? 0) + (c.targets ?? 0) + (c.fx_rates ?? 0) + (c.reassignments ?? 0);
console.log(`wrote ${res.files.length} files to ${opts.out}:`);
const snaps = res.files.filter((f) => /accounts_\d{4}-\d{2}-\d{2}\.csv$/.test(f));
for (const f of res.files) if (!snaps.includes(f)) console.log(`  ${f}`);
if (snaps.length) console.log(`  ${snaps[0]} … ${snaps[snaps.length - 1]} (${snaps.length} snapshot files)`);
for (const [k, v] of Object.entries(c)) console.log(`  ${k}: ${v}`);
console.log(`${rows} rows in ${secs.toFixed(2)} s = ${Math.round(rows / secs)} rows/s`);
