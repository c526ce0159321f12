import type { Command } from 'commander';
import { dirname, basename, join, extname } from 'node:path';
import { statSync } from 'node:fs';
import { openDb, resolveDbPath } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { importFiles, type FileResult } from '../import/index.js';
import { loadMapping } from '../import/mapping.js';
import { normaliseEncoding } from '../import/reader.js';
import { createProgress, formatInt, RejectsFile } from '../output/index.js';
import { globals, setExitCode } from './state.js';
import { date } from './options.js';

export const IMPORT_HELP = `
Examples:
  crm import samples/rms.csv samples/customers.csv samples/accounts/*.csv samples/transactions.csv
  crm import --dry-run transactions_20261127.csv
  crm import --strict --rejects /tmp/rejects.csv accounts_2026-11-27.csv
  crm import --encoding gb18030 --delimiter '|' 账户余额_20261127.txt
  crm import --mapping samples/mappings/berka.yaml ../shared/data/berka/*.asc

Files load in dependency order (fx_rates, rms, customers, accounts, transactions,
targets) whatever the order given, each in one transaction. Exit code 0 when every
row loaded, 1 when rows were rejected or a file could not be read, 2 on bad usage.`;

/**
 * Inputs from this size on (bytes, all files) are imported with a small heap (src/import/heap.ts).
 * Smaller ones keep V8's defaults: a nightly snapshot ran ~10% slower without them and its peak
 * is small anyway.
 */
const LARGE_INPUT = 64 << 20;

function totalSize(files: string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f).size;
    } catch {
      // a missing file is reported by the import itself
    }
  }
  return n;
}

export function defaultRejectsPath(db: string): string {
  return join(dirname(db), `${basename(db, extname(db))}.rejects.csv`);
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('load nightly exports (rms, customers, account snapshots, transactions, targets, fx rates) into the database')
    .argument('<files...>', 'CSV files; kind detected from the header')
    .option('--kind <kind>', 'force the file kind: rms, customers, accounts, transactions, targets, fx_rates')
    .option('--encoding <enc>', 'auto, utf-8, gb18030 (also gbk), utf-16le, utf-16be', 'auto')
    .option('--delimiter <char>', "force the delimiter: ',', ';', 'tab', '|' (default: detected)")
    .option('--mapping <file>', 'mapping file (YAML or JSON) for another export layout')
    .option('--rejects <path>', 'where rejected rows go (default: <db name>.rejects.csv beside the database)')
    .option('--strict', 'load nothing if any row is bad')
    .option('--dry-run', 'validate and report without writing')
    .option('--as-of <date>', 'date customer reassignments take effect (default: a date in the file name, else today)')
    .option('--partial', 'account snapshots are partial: accounts absent from them are not closed')
    .addHelpText('after', IMPORT_HELP)
    .action(async (files: string[], o, cmd: Command) => {
      const g = globals(cmd);
      if (o.encoding) normaliseEncoding(o.encoding);
      let delimiter: string | undefined = o.delimiter;
      if (delimiter !== undefined) {
        delimiter = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' }[delimiter.toLowerCase()] ?? delimiter;
        if (![',', ';', '\t', '|'].includes(delimiter)) throw new UsageError(`--delimiter: expected one of , ; tab | (got "${o.delimiter}")`);
      }
      const asOf = o.asOf ? date('--as-of', o.asOf) : undefined;
      const mapping = o.mapping ? loadMapping(o.mapping) : undefined;
      const dbPath = resolveDbPath(g.db);
      const db = openDb(dbPath, { create: true });
      const rejects = new RejectsFile(o.rejects ?? defaultRejectsPath(dbPath));
      let progress: ReturnType<typeof createProgress> | null = null;
      let progressFile = '';
      const out: string[] = [];
      try {
        const result = await importFiles(db, files, {
          kind: o.kind, encoding: o.encoding, delimiter, mapping, strict: o.strict, dryRun: o.dryRun, asOf, partial: o.partial, rejects,
          smallHeap: totalSize(files) >= LARGE_INPUT,
          onProgress(file, done, total, rows) {
            if (file !== progressFile) {
              progress?.done();
              progressFile = file;
              progress = createProgress(process.stderr, total, { label: basename(file) });
            }
            progress!.update(done, rows);
          },
          onFileDone() {
            progress?.done();
            progress = null;
            progressFile = '';
          },
        });
        for (const r of result.files) out.push(describe(r));
        const t = result.files.reduce((a, r) => ({ loaded: a.loaded + r.loaded, updated: a.updated + r.updated, skipped: a.skipped + r.skipped }), { loaded: 0, updated: 0, skipped: 0 });
        const imported = result.files.filter((r) => r.status !== 'ignored').length;
        out.push(`${o.dryRun ? 'dry run: ' : ''}${imported} file(s): ${formatInt(t.loaded)} loaded, ${formatInt(t.updated)} updated, ${formatInt(t.skipped)} unchanged, ${formatInt(result.rejected)} rejected`);
        if (o.dryRun) out.push('dry run: nothing was written');
        else if (result.rolledBack) out.push('strict: bad rows found, nothing was loaded');
        if (rejects.count) out.push(`rejected rows written to ${rejects.path}`);
        process.stdout.write(out.join('\n') + '\n');
        if (result.failed || result.rejected > 0) setExitCode(cmd, 1);
      } finally {
        rejects.close();
        db.close();
      }
    });
}

function describe(r: FileResult): string {
  const name = r.file;
  if (r.status === 'ignored') return `${name}: ignored (${r.message})`;
  if (r.status === 'failed') return `${name}: FAILED: ${r.message}`;
  const how = [r.kind, r.encoding, DELIMITER_NAMES[r.delimiter ?? ''] ?? r.delimiter].filter(Boolean).join(', ');
  const counts = `${formatInt(r.read)} read, ${formatInt(r.loaded)} loaded, ${formatInt(r.updated)} updated, ${formatInt(r.skipped)} unchanged, ${formatInt(r.rejected)} rejected`;
  const lines = [`${name} (${how}): ${counts}${r.status === 'rolled back' ? ' (rolled back)' : ''}`];
  if (r.previousImport && r.loaded === 0 && r.updated === 0) lines.push(`  same content as import #${r.previousImport.id} (${r.previousImport.at}): nothing changed`);
  else if (r.previousImport) lines.push(`  same content as import #${r.previousImport.id} (${r.previousImport.at})`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
