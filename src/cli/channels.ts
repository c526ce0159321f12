/**
 * `crm channels`: transactions by channel per tier and month, the e-banking share, channel cost
 * per customer, and the counter → e-banking moves with the cost they saved (docs/watch.md). No SQL here.
 */
import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { channelsReport, type ChannelsReport } from '../watch/report.js';
import { jsonCell, renderCsv, renderJson, renderTable, type CsvOptions, type Lang, type Row } from '../output/index.js';
import { DEFAULT_WINDOW_DAYS } from '../segment/report.js';
import { parseTiers } from '../segment/tiers.js';
import { typeShort } from '../types.js';
import { globals } from './state.js';
import { positiveInt, readConfig, tableTarget, tierReportOptions, withOutputOptions, writeOutput, type TierReportCliOptions } from './options.js';
import { periodLines, tierName } from '../segment/labels.js';
import { CHANNEL_COLUMNS, MOVE_COLUMNS } from '../watch/labels.js';

export const CHANNELS_HELP = `
Per customer type, tier (the tier window ending on --as-of) and calendar month (the --months
months ending with the as-of month, the last one up to --as-of): customers of the tier and
those with a transaction, transactions at the counter, self-service and e-banking, the e-banking
share, the channel cost (counter 8.00, self-service 1.70, e-banking 0.35 CNY a transaction, or
the --pricing file's) and the cost per customer of the tier.
Moves: customers whose main channel (most transactions; ties go to the counter) was the counter
in the first month and e-banking in the last; saved = their last-month transactions × their
first month's cost per transaction − their last month's cost. CSV has the month rows; JSON adds
the moves.

Examples:
  crm channels
  crm channels --as-of 2026-11-27 --months 6 --format csv --out channels.csv
  crm channels --lang zh
Exit 0 on success, 1 on data problems, 2 on bad options or files.`;

interface Opts extends TierReportCliOptions {
  months: string;
}

export function registerChannels(program: Command): void {
  withOutputOptions(program
    .command('channels')
    .description('channels per tier and month: e-banking share, channel cost, counter → e-banking moves and what they saved')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--months <n>', 'calendar months ending with the as-of month', '3')
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--tiers <file>', 'tier ladders, YAML or JSON (default: built in)')
    .option('--pricing <file>', 'channel unit costs and contribution pricing, YAML or JSON'))
    .addHelpText('after', CHANNELS_HELP)
    .action((o: Opts, cmd: Command) => {
      const { csv: csvOpts, format, lang, asOf, windowDays, pricing } = tierReportOptions(o, cmd);
      const months = positiveInt('--months', o.months);
      const tiers = o.tiers ? parseTiers(readConfig('--tiers', o.tiers), o.tiers) : undefined;
      const db = openDb(resolveDbPath(globals(cmd).db));
      let rep: ChannelsReport;
      try {
        rep = channelsReport(db, { asOf, windowDays, tiers, pricing }, months);
      } finally {
        db.close();
      }
      const out = renderChannels(rep, format, csvOpts ?? {}, lang, o);
      if (o.out !== undefined) writeOutput('--out', o.out, out);
      else process.stdout.write(out);
    });
}

/** The tier-month rows as CSV, JSON (with the moves and unit costs) or two tables (months, then moves). */
function renderChannels(rep: ChannelsReport, format: string, csv: CsvOptions, lang: Lang, o: Opts): string | Buffer {
  const rows = rep.rows.map((r) => ({ ...r, tier_name: tierName(rep.tiers[r.customer_type], r.tier, lang) }) as Row);
  const moves = rep.moves.map((m) => ({ ...m, tier_name: tierName(rep.tiers[m.customer_type], m.tier, lang) }) as Row);
  if (format === 'csv') return renderCsv(CHANNEL_COLUMNS, rows, csv);
  if (format === 'json') {
    return renderJson(CHANNEL_COLUMNS, rows, {
      report: 'channels', as_of: rep.period.as_of, months: rep.months, unit_cost: { counter: rep.unit.counter / 100, self_service: rep.unit.self_service / 100, e_banking: rep.unit.e_banking / 100 },
      moves: moves.map((m) => Object.fromEntries(MOVE_COLUMNS.map((c) => [c.key, jsonCell(c, m[c.key])]))),
    });
  }
  return table(rep, rows, moves, lang, o);
}

function table(rep: ChannelsReport, rows: Row[], moves: Row[], lang: Lang, o: Opts): string {
  const toFile = o.out !== undefined;
  const opts = { ...tableTarget(toFile), wide: !!o.wide, lang };
  const zh = lang === 'zh';
  const shown = (r: Row) => ({ ...r, customer_type: typeShort(String(r.customer_type), lang) });
  const first = rep.months[0];
  const last = rep.months[rep.months.length - 1];
  return [
    renderTable(CHANNEL_COLUMNS.filter((c) => c.key !== 'tier'), rows.map(shown), { ...opts, title: zh ? `渠道分析 · ${rep.period.as_of}` : `Channels as of ${rep.period.as_of}`, notes: periodLines(rep.period, lang, false) }),
    renderTable(MOVE_COLUMNS.filter((c) => c.key !== 'tier'), moves.map(shown), { ...opts, title: zh ? `柜面 → 电子银行迁移（${first} → ${last}）` : `Counter → e-banking moves (${first} → ${last})` }),
  ].join('\n');
}



