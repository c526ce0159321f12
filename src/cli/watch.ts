/**
 * `crm watch`: the call list per RM (docs/watch.md). Options, the list from src/watch/report.ts, its
 * output (src/watch/render.ts); no SQL here.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, resolveDbPath } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { watchList, type WatchList } from '../watch/report.js';
import { renderCsv, type CsvOptions, type Lang } from '../output/index.js';
import { DEFAULT_WINDOW_DAYS } from '../segment/report.js';
import { SIGNALS, type Signal } from '../watch/rules.js';
import { WATCH_COLUMNS, machineRow, renderWatch } from '../watch/render.js';
import type { WatchRow } from '../watch/signals.js';
import { globals } from './state.js';
import { loadRules, streamOutput, tableTarget, tierReportOptions, withOutputOptions, writeOutput, type TierReportCliOptions } from './options.js';
import { WATCH_HELP } from './watch-help.js';

interface Opts extends TierReportCliOptions {
  rm?: string;
  signal?: string;
  byRm?: string;
}

export function registerWatch(program: Command): void {
  withOutputOptions(program
    .command('watch')
    .description('call list per RM (客户预警): attrition, upgrade, downgrade, dormant valuable, unassigned, loan downgrade')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--rm <id>', 'only this RM\'s customers')
    .option('--signal <list>', `only these signals, comma-separated (${SIGNALS.join(', ')})`)
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--tiers <file>', 'tier ladders, YAML or JSON; its watch: section sets the rules')
    .option('--rules <file>', 'watch rules, YAML or JSON (a watch: section or the rules alone; default: built in)')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (corporate tiers)')
    .option('--by-rm <dir>', 'also write one CSV per RM into DIR (<rm_id>.csv; no RM: _unassigned.csv)'))
    .addHelpText('after', WATCH_HELP)
    .action((o: Opts, cmd: Command) => {
      const { csv: csvOpts, format, lang, asOf, windowDays, pricing } = tierReportOptions(o, cmd);
      const only = o.signal === undefined ? SIGNALS : signalList(o.signal);
      const { tiers, rules } = loadRules(o.tiers, o.rules);
      const db = openDb(resolveDbPath(globals(cmd).db));
      let list: WatchList;
      try {
        list = watchList(db, { asOf, windowDays, tiers, pricing, rules }, only, o.rm);
      } finally {
        db.close();
      }
      const toFile = o.out !== undefined;
      const ctx = { csv: csvOpts ?? {}, lang, wide: !!o.wide, ...tableTarget(toFile) };
      if (o.byRm !== undefined) writeByRm(o.byRm, list, ctx.csv, lang);
      streamOutput('--out', o.out, (write) => { for (const chunk of renderWatch(list, format, ctx)) write(chunk); });
    });
}

function signalList(v: string): Signal[] {
  const out: Signal[] = [];
  for (const s of v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (!(SIGNALS as readonly string[]).includes(s)) throw new UsageError(`--signal: unknown signal "${s}" (expected one of: ${SIGNALS.join(', ')})`);
    out.push(s as Signal);
  }
  if (!out.length) throw new UsageError('--signal: no signal given');
  return out;
}

/** One CSV per RM (the RMs with a signal), named by the RM id made safe for a file name. */
function writeByRm(dir: string, list: WatchList, csv: CsvOptions, lang: Lang): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--by-rm ${dir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const groups = new Map<string, WatchRow[]>();
  for (const r of list.rows) {
    const k = r.rm_id === null ? '_unassigned' : r.rm_id.replace(/[^\p{L}\p{N}._-]/gu, '_');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [k, rows] of groups) writeOutput('--by-rm', join(dir, `${k}.csv`), renderCsv(WATCH_COLUMNS, rows.map((r) => machineRow(r, lang)), csv));
  process.stderr.write(`${groups.size} file(s) written to ${dir}\n`);
}
