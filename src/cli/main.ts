/**
 * The commander program. One file per command beside this one; this is the one place
 * that maps errors to exit codes: 0 success, 1 data or runtime error, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CrmError } from '../errors.js';
import { registerImport } from './import.js';
import { registerStatus } from './status.js';
import { registerExtraCommands } from './registry.js';
import { exitCodeOf } from './state.js';

export const ROOT_HELP = `
Examples:
  crm import samples/rms.csv samples/customers.csv samples/accounts/*.csv samples/transactions.csv
  crm status
  crm segment --as-of 2026-11-27 --window 30
  crm segment rfm --detail --format csv --out rfm.csv
  crm rm-report --period 2026-11 --plan samples/plan.yaml
  crm rm-report --period 2026-11 --plan samples/plan.yaml --rm RM001 --statement
  crm report --html branch-2026-11.html --period 2026-11 --plan samples/plan.yaml
  crm pay close --period 2026-11 --plan samples/plan-deferral.yaml
  crm completion bash > /etc/bash_completion.d/crm
  crm --db /data/branch.db status --format json

Exit codes: 0 success, 1 data or runtime error, 2 usage error. Errors print as
"crm: error: …" on stderr (a stack trace only with --verbose). Colour only on a
terminal, never when NO_COLOR is set.`;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('crm')
    .description("The branch analyst's toolkit: import nightly core-banking exports, segment customers into value tiers, report RM performance and incentive pay.")
    .version('0.1.0', '-V, --version')
    .option('--db <path>', 'SQLite database file (default: $CRM_DB, else ./crm.db)')
    .option('--verbose', 'show stack traces on errors, and every RM of a warning shared by many')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`crm: error: ${str.replace(/^error: /, '')}`) })
    .exitOverride()
    .addHelpText('after', ROOT_HELP);
  registerImport(program);
  registerStatus(program);
  registerExtraCommands(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ outputError: (str, write) => write(`crm: error: ${str.replace(/^error: /, '')}`) });
  return program;
}

/**
 * Peak resident memory in KB. On Linux from /proc (VmHWM): getrusage's maxRSS also counts the
 * pages of the process that started this one, as they were when it forked (a benchmark holding a
 * DuckDB database made every report look 290 MB large).
 */
function peakRssKb(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

/**
 * A reader that closes stdout early (`crm … | head -1`) is not an error: the rest of the output
 * is dropped quietly and the command ends as it would have (exit 0 for a report).
 */
let stdoutWatched = false;

function quietOnClosedStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  let closed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || closed) {
      closed = true;
      return;
    }
    throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  // For the benchmark: peak memory of this process (worker threads included).
  if (process.env.CRM_REPORT_RSS) process.on('exit', () => process.stderr.write(`crm: peak-rss-kb ${peakRssKb()}\n`));
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return exitCodeOf(program);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof CrmError) {
      process.stderr.write(`crm: error: ${e.message}\n`);
      if (program.opts().verbose) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    process.stderr.write(`crm: error: ${(e as Error)?.message ?? String(e)}\n`);
    if (program.opts().verbose || process.argv.includes('--verbose')) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 1;
  }
}
