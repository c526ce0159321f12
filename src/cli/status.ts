import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { getStatus } from '../db/status.js';
import { UsageError } from '../errors.js';
import { formatInt, renderTable, useColor } from '../output/index.js';
import { globals } from './main.js';

export const STATUS_HELP = `
Examples:
  crm status
  crm --db /data/branch.db status --format json`;

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what the database holds: counts per table, snapshot dates covered, latest imports')
    .option('--format <fmt>', 'table or json', 'table')
    .option('--imports <n>', 'how many recent imports to list', '10')
    .addHelpText('after', STATUS_HELP)
    .action((o, cmd: Command) => {
      if (!['table', 'json'].includes(o.format)) throw new UsageError(`--format: expected table or json (got "${o.format}")`);
      const n = Number(o.imports);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--imports: expected a whole number (got "${o.imports}")`);
      const path = resolveDbPath(globals(cmd).db);
      const db = openDb(path);
      try {
        const s = getStatus(db, n);
        if (o.format === 'json') {
          process.stdout.write(JSON.stringify({ database: path, ...s }, null, 2) + '\n');
          return;
        }
        const color = useColor(process.stdout);
        const lines = [`database: ${path} (schema version ${s.schema_version})`, ''];
        lines.push(renderTable(
          [{ key: 'table', header: 'table', kind: 'text' }, { key: 'rows', header: 'rows', kind: 'int' }],
          Object.entries(s.counts).map(([table, rows]) => ({ table, rows })),
          { color },
        ));
        lines.push('');
        lines.push(`snapshots: ${s.snapshots.dates ? `${s.snapshots.first} to ${s.snapshots.last} (${s.snapshots.dates} date(s), ${s.snapshots.full} full)` : 'none'}`);
        lines.push(`balance history: ${formatInt(s.balance_rows)} stored change row(s)`);
        lines.push(`transactions: ${s.transactions.first ? `${s.transactions.first} to ${s.transactions.last}` : 'none'}`);
        lines.push(`data covers: ${s.coverage.first ? `${s.coverage.first} to ${s.coverage.last}` : 'no balances yet'}`);
        if (s.imports.length) {
          lines.push('', 'latest imports:');
          lines.push(renderTable(
            [
              { key: 'import_id', header: '#', kind: 'int' }, { key: 'finished_at', header: 'finished', kind: 'text' },
              { key: 'file', header: 'file', kind: 'text' }, { key: 'kind', header: 'kind', kind: 'text' },
              { key: 'status', header: 'status', kind: 'text' }, { key: 'rows_loaded', header: 'loaded', kind: 'int' },
              { key: 'rows_updated', header: 'updated', kind: 'int' }, { key: 'rows_skipped', header: 'unchanged', kind: 'int' },
              { key: 'rows_rejected', header: 'rejected', kind: 'int' },
            ],
            s.imports.map((i) => ({ ...i, finished_at: i.finished_at?.slice(0, 19).replace('T', ' ') ?? '', status: i.status === 'started' ? 'interrupted' : i.status })),
            { color },
          ));
        }
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}
