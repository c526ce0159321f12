#!/usr/bin/env node
// `npm run demo`: import the bundled samples into a fresh database (demo.db) and print
// the first reports, exactly as an analyst would run them. Needs a build (npm install does it).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const db = join(root, 'demo.db');
for (const f of [db, `${db}-wal`, `${db}-shm`, join(root, 'demo.rejects.csv')]) rmSync(f, { force: true });

const s = (p) => join('samples', p);
const snapshots = readdirSync(join(root, 'samples', 'accounts')).filter((f) => f.endsWith('.csv')).sort().map((f) => s(`accounts/${f}`));
const steps = [
  ['import', s('rms.csv'), s('customers.csv'), s('customers_2026-11-15.csv'), ...snapshots, s('transactions.csv'), s('targets.csv'), s('fx_rates.csv')],
  ['status'],
  ['segment', '--as-of', '2026-11-27', '--window', '27'],
  ['rm-report', '--period', '2026-11', '--plan', s('plan.yaml')],
  ['watch', '--as-of', '2026-11-27'],
  ['coverage', '--as-of', '2026-11-27', '--window', '27'],
  ['channels', '--as-of', '2026-11-27', '--window', '27', '--months', '1'],
  // Pay that stays paid (docs/pay.md): a month-end snapshot so the data covers November to its
  // last day, November's event counts, then the close under the plan with deferral and clawback.
  ['import', '--partial', s('pay/accounts_2026-11-30.csv')],
  ['import', s('pay/events_2026-11.csv')],
  ['pay', 'close', '--period', '2026-11', '--plan', s('plan-deferral.yaml')],
  // After the close: a late correction to November, December's targets, and a loan of RM003
  // that turns substandard on 2026-12-31.
  ['import', '--partial', s('pay/accounts_2026-11-20_correction.csv'), s('pay/accounts_2026-12-31.csv')],
  ['import', s('pay/targets_2026-12.csv')],
  ['rm-report', '--period', '2026-11', '--plan', s('plan-deferral.yaml')],
  ['pay', 'close', '--period', '2026-12', '--plan', s('plan-deferral.yaml')],
  ['rm-report', '--period', '2026-12', '--plan', s('plan-deferral.yaml'), '--rm', 'RM003', '--statement'],
  ['pay', 'deferred', '--rm', 'RM003'],
];
for (const args of steps) {
  const shown = args.length > 8 ? [...args.slice(0, 4), '…', ...args.slice(-3)] : args;
  process.stdout.write(`\n$ crm --db demo.db ${shown.join(' ')}\n`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'crm.js'), '--db', db, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`demo: "crm ${args[0]}" exited with ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}
