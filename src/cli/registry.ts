import type { Command } from 'commander';
import { registerSegment } from './segment.js';
import { registerRmReport } from './rm-report.js';
import { registerReport } from './report.js';
import { registerCompletion } from './completion.js';
import { registerWatch } from './watch.js';
import { registerCoverage } from './coverage.js';
import { registerChannels } from './channels.js';
import { registerPay } from './pay.js';
import { registerExport } from './export.js';

/** Commands beyond import and status, one file each. */
export function registerExtraCommands(program: Command): void {
  registerSegment(program);
  registerRmReport(program);
  registerReport(program);
  registerWatch(program);
  registerCoverage(program);
  registerChannels(program);
  registerPay(program);
  registerExport(program);
  registerCompletion(program);
}
