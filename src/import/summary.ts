/**
 * The import summary for schedulers (--summary-json FILE, --format json): per file its kind,
 * encoding, rows, effective date, seconds and outcome; the outcome of the whole command; the
 * dates the database's data covers afterwards. Written even when the command fails as a whole
 * (another import holds the database, a folder is empty): then with the error and no files.
 */
import type { StatusInfo } from '../db/status.js';
import type { FileResult, ImportResult } from './index.js';

export interface FileSummary {
  file: string;
  kind: string | null;
  encoding: string | null;
  delimiter: string | null;
  rows: { read: number; loaded: number; updated: number; unchanged: number; rejected: number };
  effective_date: string | null;
  effective_date_source: string | null;
  reassignments: number | null;
  seconds: number;
  outcome: FileResult['status'];
  message: string | null;
  notes: string[];
  warnings: string[];
  same_content_as_import: number | null;
}

export interface ImportSummaryJson {
  database: string;
  started_at: string;
  finished_at: string | null;
  seconds: number | null;
  /** ok: every file and row loaded · rejects · failed · dry run · rolled back (--strict). */
  outcome: 'ok' | 'rejects' | 'failed' | 'dry run' | 'rolled back';
  exit_code: number;
  error: string | null;
  files: FileSummary[];
  totals: { files: number; failed: number; skipped: number; read: number; loaded: number; updated: number; unchanged: number; rejected: number };
  rejects_file: string | null;
  data_dates: Pick<StatusInfo, 'snapshots' | 'transactions' | 'coverage'> | null;
}

export function fileSummary(r: FileResult): FileSummary {
  return {
    file: r.file,
    kind: r.kind,
    encoding: r.encoding ?? null,
    delimiter: r.delimiter ?? null,
    rows: { read: r.read, loaded: r.loaded, updated: r.updated, unchanged: r.skipped, rejected: r.rejected },
    effective_date: r.effectiveDate?.date ?? null,
    effective_date_source: r.effectiveDate?.source ?? null,
    reassignments: r.reassigned ?? null,
    seconds: r.seconds,
    outcome: r.status,
    message: r.message ?? null,
    notes: r.notes,
    warnings: r.warnings,
    same_content_as_import: r.previousImport?.id ?? null,
  };
}

export function emptySummary(database: string, startedAt: string): ImportSummaryJson {
  return {
    database, started_at: startedAt, finished_at: null, seconds: null, outcome: 'failed', exit_code: 1, error: null, files: [],
    totals: { files: 0, failed: 0, skipped: 0, read: 0, loaded: 0, updated: 0, unchanged: 0, rejected: 0 },
    rejects_file: null, data_dates: null,
  };
}

/** Fills the summary from a finished import. */
export function completeSummary(s: ImportSummaryJson, result: ImportResult, dates: ImportSummaryJson['data_dates'], rejectsFile: string | null, exitCode: number, dryRun: boolean): void {
  s.files = result.files.map(fileSummary);
  const t = s.totals;
  for (const f of s.files) {
    t.files++;
    if (f.outcome === 'failed') t.failed++;
    if (f.outcome === 'skipped') t.skipped++;
    t.read += f.rows.read;
    t.loaded += f.rows.loaded;
    t.updated += f.rows.updated;
    t.unchanged += f.rows.unchanged;
    t.rejected += f.rows.rejected;
  }
  s.outcome = dryRun ? 'dry run' : result.rolledBack ? 'rolled back' : result.failed ? 'failed' : result.rejected ? 'rejects' : 'ok';
  s.exit_code = exitCode;
  s.rejects_file = rejectsFile;
  s.data_dates = dates;
}
