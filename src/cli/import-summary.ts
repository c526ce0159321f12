/** `crm import --summary-json FILE`: the summary object (src/import/summary.ts) and where it goes. */
import { writeFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import type { ImportResult } from '../import/index.js';
import { completeSummary, emptySummary, type ImportSummaryJson } from '../import/summary.js';

export class ImportSummary {
  private s: ImportSummaryJson;
  private started = performance.now();

  constructor(database: string, private path: string | undefined) {
    this.s = emptySummary(database, new Date().toISOString());
  }

  finish(result: ImportResult, dates: ImportSummaryJson['data_dates'], rejectsFile: string | null, exitCode: number, dryRun: boolean): void {
    completeSummary(this.s, result, dates, rejectsFile, exitCode, dryRun);
    this.stamp();
  }

  /** The command failed as a whole (lock held, empty folder, database error). */
  fail(e: Error & { exitCode?: number }): void {
    this.s.outcome = 'failed';
    this.s.exit_code = e.exitCode ?? 1;
    this.s.error = e.message;
    this.stamp();
  }

  json(): string {
    return `${JSON.stringify(this.s, null, 2)}\n`;
  }

  /** Writes FILE, if asked for; a failure to write it is an error of its own (exit 1). */
  write(): void {
    if (this.path === undefined) return;
    try {
      writeFileSync(this.path, this.json());
    } catch (e) {
      throw new DataError(`--summary-json ${this.path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  private stamp(): void {
    this.s.finished_at = new Date().toISOString();
    this.s.seconds = Math.round(performance.now() - this.started) / 1000;
  }
}
