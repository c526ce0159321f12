import type { Command } from 'commander';
import { dirname, basename, join, extname } from 'node:path';
import { statSync } from 'node:fs';
import { openDb, resolveDbPath } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { acquireImportLock, type ImportLock } from '../db/import-lock.js';
import { dataDates } from '../db/status.js';
import type { EffectiveDateSource } from '../import/effective-date.js';
import { expandInputs, importFiles, type FileResult, type ImportOptions, type ImportResult } from '../import/index.js';
import { ImportSummary } from './import-summary.js';
import { loadMapping } from '../import/mapping.js';
import { normaliseEncoding } from '../import/reader.js';
import { createProgress, formatInt, localDateTime, RejectsFile } from '../output/index.js';
import { globals, setExitCode } from './state.js';
import { date, readConfig } from './options.js';
import { parsePlan } from '../incentive/plan.js';

export const IMPORT_HELP = `
Examples:
  crm import samples/rms.csv samples/customers.csv samples/accounts/*.csv samples/transactions.csv
  crm import /exports/20261127/                      # a night's folder: its .csv and .txt files
  crm import --summary-json /var/log/crm/20261127.json --wait 600 /exports/20261127/
  crm import --dry-run transactions_20261127.csv
  crm import --strict --rejects /tmp/rejects.csv accounts_2026-11-27.csv
  crm import --encoding gb18030 --delimiter '|' 账户余额_20261127.txt
  crm import --mapping samples/mappings/berka.yaml ../shared/data/berka/*.asc

Files load in dependency order (fx_rates, rms, customers, accounts, transactions,
targets) whatever the order given, each in one transaction. A file that fails stops only
itself (rows of other files that refer to what it held are rejected); every other file
still loads. In a folder, a file whose kind cannot be told from its header and whose name
names no kind is skipped with a warning (an error with --strict).

Customer reassignments take effect on the date in the file name, else in its folder's
name (/exports/20261127/customers.csv), else --as-of, else the date an earlier import of
the same bytes used, else the latest data date in the database; never the clock. The
summary says which. Re-running an import changes nothing (docs/import.md).

One import at a time per database: a second one waits up to --wait seconds, then exits 1
naming the running one. Results go to stdout, messages (crm: error: / crm: warning:) to
stderr. Exit code 0 when every file and row loaded, 1 when a file failed, rows were
rejected or another import held the database, 2 on bad usage.`;

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

interface ImportCliOptions {
  kind?: string;
  encoding: string;
  delimiter?: string;
  mapping?: string;
  rejects?: string;
  strict?: boolean;
  dryRun?: boolean;
  asOf?: string;
  partial?: boolean;
  plan?: string;
  wait: string;
  summaryJson?: string;
  format: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('load nightly exports (rms, customers, account snapshots, transactions, targets, fx rates) into the database')
    .argument('<files...>', 'CSV/TXT files, or folders whose .csv and .txt files are imported; kind detected from the header')
    .option('--kind <kind>', 'force the file kind: rms, customers, accounts, transactions, targets, fx_rates, events')
    .option('--encoding <enc>', 'auto, utf-8, gb18030 (also gbk), utf-16le, utf-16be', 'auto')
    .option('--delimiter <char>', "force the delimiter: ',', ';', 'tab', '|' (default: detected)")
    .option('--mapping <file>', 'mapping file (YAML or JSON) for another export layout')
    .option('--rejects <path>', 'where rejected rows go (default: <db name>.rejects.csv beside the database)')
    .option('--strict', 'load nothing if any row is bad or any file fails (a folder\'s unknown file included)')
    .option('--dry-run', 'validate and report without writing')
    .option('--as-of <date>', 'date customer reassignments take effect when neither the file name nor its folder gives one (default: the latest data date)')
    .option('--partial', 'account snapshots are partial: accounts absent from them are not closed')
    .option('--plan <file>', 'incentive plan: rows of an events file naming an event the plan does not define are rejected')
    .option('--wait <seconds>', 'if another import is running on the database, wait up to this long for it', '0')
    .option('--summary-json <file>', 'also write the summary as JSON to FILE (per file: kind, rows, effective date, seconds, outcome; data dates)')
    .option('--format <fmt>', 'summary on stdout: text or json', 'text')
    .addHelpText('after', IMPORT_HELP)
    .action(async (files: string[], o: ImportCliOptions, cmd: Command) => {
      const g = globals(cmd);
      if (o.encoding) normaliseEncoding(o.encoding);
      let delimiter: string | undefined = o.delimiter;
      if (delimiter !== undefined) {
        delimiter = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' }[delimiter.toLowerCase()] ?? delimiter;
        if (![',', ';', '\t', '|'].includes(delimiter)) throw new UsageError(`--delimiter: expected one of , ; tab | (got "${o.delimiter}")`);
      }
      if (!['text', 'json'].includes(o.format)) throw new UsageError(`--format: expected text or json (got "${o.format}")`);
      const wait = Number(o.wait);
      if (!/^\s*\d+(\.\d+)?\s*$/.test(o.wait) || !Number.isFinite(wait)) throw new UsageError(`--wait: expected a number of seconds ≥ 0 (got "${o.wait}")`);
      const asOf = o.asOf ? date('--as-of', o.asOf) : undefined;
      const mapping = o.mapping ? loadMapping(o.mapping) : undefined;
      // A bad plan is a usage error before anything is opened.
      const knownEvents = o.plan ? planEvents(o.plan) : undefined;
      const dbPath = resolveDbPath(g.db);
      const summary = new ImportSummary(dbPath, o.summaryJson);
      let lock: ImportLock | undefined;
      try {
        // The database first (a path it cannot be at is named as such), then the lock.
        const db = openDb(dbPath, { create: true });
        try {
          lock = await acquireImportLock(dbPath, files, wait, (h) =>
            process.stderr.write(`crm: warning: another import is running on this database (pid ${h.pid}, started ${h.started_at}); waiting up to ${wait} s\n`));
          const rejects = new RejectsFile(o.rejects ?? defaultRejectsPath(dbPath));
          try {
            const result = await importFiles(db, files, {
              kind: o.kind, encoding: o.encoding, delimiter, mapping, strict: o.strict, dryRun: o.dryRun, asOf, partial: o.partial, knownEvents, rejects,
              smallHeap: totalSize(expandInputs(files).map((i) => i.path)) >= LARGE_INPUT,
              ...progressCallbacks(),
            });
            const code = result.failed || result.rejected > 0 ? 1 : 0;
            summary.finish(result, dataDates(db), rejects.count ? rejects.path : null, code, !!o.dryRun);
            for (const r of result.files) reportProblems(r);
            process.stdout.write(o.format === 'json' ? summary.json() : describeImport(result, !!o.dryRun, rejects));
            if (code) setExitCode(cmd, code);
          } finally {
            rejects.close();
          }
        } finally {
          db.close();
        }
      } catch (e) {
        summary.fail(e as Error);
        throw e;
      } finally {
        lock?.release();
        summary.write();
      }
    });
}

/** The progress bar on stderr, one per file. */
function progressCallbacks(): Pick<ImportOptions, 'onProgress' | 'onFileDone'> {
  let progress: ReturnType<typeof createProgress> | null = null;
  let progressFile = '';
  return {
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
  };
}

/** A failed file is an error, a skipped one a warning: on stderr, where schedulers look. */
function reportProblems(r: FileResult): void {
  if (r.status === 'failed') process.stderr.write(`crm: error: ${r.file}: FAILED: ${r.message}\n`);
  else if (r.status === 'skipped') process.stderr.write(`crm: warning: ${r.file}: skipped: ${r.message}\n`);
  for (const w of r.warnings) process.stderr.write(`crm: warning: ${r.file}: ${w}\n`);
}

function describeImport(result: ImportResult, dryRun: boolean, rejects: RejectsFile): string {
  const out: string[] = [];
  for (const r of result.files) if (r.status !== 'failed' && r.status !== 'skipped') out.push(describe(r));
  const t = result.files.reduce((a, r) => ({ loaded: a.loaded + r.loaded, updated: a.updated + r.updated, skipped: a.skipped + r.skipped }), { loaded: 0, updated: 0, skipped: 0 });
  const imported = result.files.filter((r) => r.status !== 'ignored' && r.status !== 'skipped').length;
  const failed = result.files.filter((r) => r.status === 'failed').length;
  const skipped = result.files.filter((r) => r.status === 'skipped').length;
  const extra = [failed && `${failed} failed`, skipped && `${skipped} skipped`].filter(Boolean).join(', ');
  out.push(`${dryRun ? 'dry run: ' : ''}${imported} file(s)${extra ? ` (${extra})` : ''}: ${formatInt(t.loaded)} loaded, ${formatInt(t.updated)} updated, ${formatInt(t.skipped)} unchanged, ${formatInt(result.rejected)} rejected`);
  if (dryRun) out.push('dry run: nothing was written');
  else if (result.rolledBack) out.push('strict: bad rows found, nothing was loaded');
  if (rejects.count) out.push(`rejected rows written to ${rejects.path}`);
  return out.join('\n') + '\n';
}

function describe(r: FileResult): string {
  const name = r.file;
  if (r.status === 'ignored') return `${name}: ignored (${r.message})`;
  const how = [r.kind, r.encoding, DELIMITER_NAMES[r.delimiter ?? ''] ?? r.delimiter].filter(Boolean).join(', ');
  const counts = `${formatInt(r.read)} read, ${formatInt(r.loaded)} loaded, ${formatInt(r.updated)} updated, ${formatInt(r.skipped)} unchanged, ${formatInt(r.rejected)} rejected`;
  const lines = [`${name} (${how}): ${counts}${r.status === 'rolled back' ? ' (rolled back)' : ''}`];
  if (r.effectiveDate) lines.push(`  effective date ${r.effectiveDate.date} (${EFFECTIVE_SOURCE_TEXT[r.effectiveDate.source]}): ${formatInt(r.reassigned ?? 0)} reassignment(s) recorded`);
  if (r.previousImport && r.loaded === 0 && r.updated === 0) lines.push(`  same content as import #${r.previousImport.id} (${localDateTime(r.previousImport.at)}): nothing changed`);
  else if (r.previousImport) lines.push(`  same content as import #${r.previousImport.id} (${localDateTime(r.previousImport.at)})`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

const EFFECTIVE_SOURCE_TEXT: Record<EffectiveDateSource, string> = {
  'file name': 'from the file name',
  'folder name': 'from the folder name',
  '--as-of': 'from --as-of',
  'earlier import of the same content': 'as the earlier import of the same content',
  'latest data date': 'the latest data date in the database',
  'no data yet': 'from the start: the database holds no data date yet',
};

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** The event names the plan file defines (personal and corporate), for checking an events file. */
function planEvents(file: string): { plan: string; names: ReadonlySet<string> } {
  const plan = parsePlan(readConfig('--plan', file), file);
  return { plan: basename(file), names: new Set(Object.values(plan.plans).flatMap((p) => p?.events.map((e) => e.event) ?? [])) };
}
