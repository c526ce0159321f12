import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { openDb, resolveDbPath, type Db } from '../db/connection.js';
import { allCloses, closeInForce, deferralParts, entriesInForce } from '../db/pay-store.js';
import { DataError, UsageError } from '../errors.js';
import { parsePlan } from '../incentive/plan.js';
import { defaultPricing, parsePricing, type Pricing } from '../metrics/pricing.js';
import { rmList } from '../metrics/rm.js';
import { resolveLang, useColor, LANG_OPTION_HELP, EXCEL_OPTION_HELP, ENCODING_OPTION_HELP, type ColumnSpec, type Row } from '../output/index.js';
import { closePeriod, reopenPeriod } from '../rm/close.js';
import { comparePlans } from '../rm/compare.js';
import { parseIsoDate, parsePeriod } from '../rm/period.js';
import { closeEvents, renderFrozenReport, renderList } from '../rm/pay-render.js';
import type { Format, RenderOptions } from '../rm/render.js';
import { globals } from './state.js';
import { printWarnings } from './warnings.js';
import { csvOptions, readConfig, writeOutput } from './options.js';

export const PAY_HELP = `
Examples:
  crm pay close --period 2026-11 --plan samples/plan-deferral.yaml
  crm rm-report --period 2026-11 --plan samples/plan-deferral.yaml --format csv --out payroll_2026-11.csv
  crm pay reopen --period 2026-11 --reason "late loan reclassification"
  crm pay deferred --rm RM001 --as-of 2027-12-31
  crm pay compare --period 2026-11 --plan samples/plan.yaml --plan samples/plan-deferral.yaml
  crm pay history --rm RM001 --format csv

A closed period's figures are frozen: rm-report prints them and says what changed since.
Later corrections are paid as prior-period adjustments in the next close; deferred pay is
released on the anniversaries of the period's end; clawbacks take from unreleased deferred
pay (docs/pay.md). Exit code 0 on success, 1 on a refused close/reopen or a data problem,
2 on bad usage or an invalid plan file.`;

const FORMATS = ['table', 'csv', 'json'] as const;

function who(): string {
  if (process.env.USER) return process.env.USER;
  try { return userInfo().username; } catch { return 'unknown'; }
}

/** The options every pay listing takes, and how they turn into render options. */
function withOutput(c: Command): Command {
  return c.option('--format <fmt>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--excel', EXCEL_OPTION_HELP)
    .option('--encoding <enc>', ENCODING_OPTION_HELP)
    .option('--wide', 'show every column even when wider than the terminal');
}

function renderOptions(o: { format: string; out?: string; lang?: string; wide?: boolean; excel?: boolean; encoding?: string }, cmd: Command): RenderOptions {
  const csv = csvOptions(o, cmd);
  const format = (csv ? 'csv' : o.format) as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: expected ${FORMATS.join(', ')} (got "${o.format}")`);
  const toFile = o.out !== undefined;
  return {
    format, lang: resolveLang(o.lang), color: !toFile && format === 'table' && useColor(process.stdout),
    width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined, wide: !!o.wide, csv: csv ?? {},
  };
}

function emit(out: string | Buffer, file: string | undefined): void {
  if (file !== undefined) writeOutput('--out', file, out);
  else process.stdout.write(out);
}

function withDb<T>(cmd: Command, readonly: boolean, f: (db: Db) => T): T {
  const db = openDb(resolveDbPath(globals(cmd).db), { readonly });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

const pricingOf = (file?: string): Pricing => (file !== undefined ? parsePricing(readConfig('--pricing', file), file) : defaultPricing());

/** `crm pay close`: the plan and pricing, the close (computed and frozen), the frozen report; the sum paid on stderr. */
function runClose(o: { period: string; plan: string; pricing?: string; format: string; out?: string }, cmd: Command): void {
  const period = parsePeriod(o.period);
  const planText = readConfig('--plan', o.plan);
  const plan = parsePlan(planText, o.plan);
  const pricingText = o.pricing === undefined ? null : readConfig('--pricing', o.pricing);
  const pricing = pricingText === null ? defaultPricing() : parsePricing(pricingText, o.pricing as string);
  const ro = renderOptions(o, cmd);
  withDb(cmd, false, (db) => {
    const r = closePeriod(db, { period, plan, planText, pricing, pricingFile: o.pricing ?? null, pricingText, by: who(), now: new Date().toISOString() });
    printWarnings(r.report.warnings, 'en', !!globals(cmd).verbose);
    // Just closed on the data it was computed on: nothing has changed since.
    const close = closeInForce(db, period.name as string)!;
    emit(renderFrozenReport({ close, statements: r.statements, changes: new Map(), importsSince: 0, planDiffers: false }, ro), o.out);
    const paid = r.statements.reduce((s, x) => s + x.paid_fen, 0);
    process.stderr.write(`crm: closed period ${period.name} (close ${r.close_id}): ${r.statements.length} RMs, paid now ${(paid / 100).toFixed(2)} CNY\n`);
  });
}

/** `crm pay compare`: two plans, every RM's pay under each, the list of differences. */
function runCompare(o: { period: string; plan: string[]; pricing?: string; format: string; out?: string }, cmd: Command): void {
  const plans = o.plan;
  if (plans.length !== 2) throw new UsageError(`--plan: give exactly two plans to compare (got ${plans.length})`);
  const period = parsePeriod(o.period);
  const [a, b] = plans.map((f) => parsePlan(readConfig('--plan', f), f));
  const pricing = pricingOf(o.pricing);
  const ro = renderOptions(o, cmd);
  withDb(cmd, true, (db) => {
    const c = comparePlans(db, period, pricing, a, b);
    printWarnings(c.warnings, 'en', !!globals(cmd).verbose);
    emit(renderList(c.columns, c.rows, ro, { en: `Pay under two plans: ${period.name}`, zh: `两套方案下的薪酬：${period.name}` }, c.notes,
      { period: period.name, plan_a: a.file, plan_b: b.file, gain: c.gain, lose: c.lose, same: c.same }, c.total), o.out);
  });
}

export function registerPay(program: Command): void {
  const pay = program.command('pay')
    .description('close pay periods and freeze them; prior-period adjustments, deferred pay, clawbacks, plan comparison, history')
    .addHelpText('after', PAY_HELP);

  withOutput(pay.command('close')
    .description('compute every RM\'s pay for a period as rm-report does and freeze it, with adjustments, releases, clawbacks and deferral')
    .requiredOption('--period <p>', 'period to close: 2026, 2026-H2, 2026-Q3 or 2026-09')
    .requiredOption('--plan <file>', 'incentive plan (docs/plan-format.md); its text and SHA-256 are kept')
    .option('--pricing <file>', 'pricing file for contribution (default: the spreads and costs of metrics.md)'))
    .addHelpText('after', `
Examples:
  crm pay close --period 2026-11 --plan samples/plan-deferral.yaml
  crm pay close --period 2026-Q4 --plan plan.yaml --format csv --out closed_2026Q4.csv

Refused (exit 1): a period already closed, a period before or overlapping the last closed one,
a period the data does not cover to its last day.`)
    .action(runClose);

  pay.command('reopen')
    .description('reopen the latest closed period (its figures, adjustments, deferrals and clawbacks stop counting); the reason is recorded')
    .requiredOption('--period <p>', 'the latest closed period')
    .requiredOption('--reason <text>', 'why it is reopened (kept in the history)')
    .addHelpText('after', `
Examples:
  crm pay reopen --period 2026-11 --reason "late loan reclassification"

Only the latest closed period can be reopened (exit 1 otherwise).`)
    .action((o, cmd: Command) => {
      const period = parsePeriod(o.period);
      withDb(cmd, false, (db) => {
        const c = reopenPeriod(db, period, o.reason, who(), new Date().toISOString());
        process.stdout.write(`reopened period ${c.period} (closed ${c.closed_at} by ${c.closed_by}): ${o.reason.trim()}\n`);
      });
    });

  withOutput(pay.command('deferred')
    .description('deferred pay by RM and release date: deferred, clawed back, still to release')
    .option('--rm <id>', 'only this RM')
    .option('--as-of <date>', 'the parts outstanding on DATE: due after it (default: the parts no close has released yet)'))
    .addHelpText('after', `
Examples:
  crm pay deferred
  crm pay deferred --rm RM001 --as-of 2027-12-31 --format json`)
    .action((o, cmd: Command) => {
      const ro = renderOptions(o, cmd);
      const asOf = o.asOf === undefined ? undefined : parseIsoDate(o.asOf, '--as-of');
      withDb(cmd, true, (db) => emit(renderDeferred(db, o.rm, asOf, ro), o.out));
    });

  withOutput(pay.command('compare')
    .description('what-if: every RM\'s pay for a period under two plans, the difference, and who gains or loses')
    .requiredOption('--period <p>', 'period: 2026, 2026-H2, 2026-Q3 or 2026-09')
    .requiredOption('--plan <file>', 'a plan; give --plan twice (A, then B)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--pricing <file>', 'pricing file for contribution'))
    .addHelpText('after', `
Examples:
  crm pay compare --period 2026-11 --plan samples/plan.yaml --plan samples/plan-deferral.yaml
  crm pay compare --period 2026-Q4 --plan current.yaml --plan proposed.yaml --format csv --out whatif.csv`)
    .action(runCompare);

  withOutput(pay.command('history')
    .description('closes, reopens, adjustments, deferrals, releases and clawbacks, with dates and amounts')
    .option('--rm <id>', 'only this RM\'s entries (closes and reopens are always shown)'))
    .addHelpText('after', `
Examples:
  crm pay history
  crm pay history --rm RM001 --format csv --out history_RM001.csv`)
    .action((o, cmd: Command) => {
      const ro = renderOptions(o, cmd);
      withDb(cmd, true, (db) => emit(renderHistory(db, o.rm, ro), o.out));
    });

  for (const c of pay.commands) c.exitOverride().configureOutput({ outputError: (str, write) => write(`crm: error: ${str.replace(/^error: /, '')}`) });
}

const HISTORY_COLUMNS: ColumnSpec[] = [
  { key: 'date', header: 'Date', headerZh: '日期', kind: 'text' },
  { key: 'event', header: 'Event', headerZh: '事项', kind: 'text' },
  { key: 'period', header: 'Period', headerZh: '期间', kind: 'text' },
  { key: 'origin', header: 'From period', headerZh: '所属期间', kind: 'text' },
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'amount', header: 'Amount (CNY)', headerZh: '金额（元）', kind: 'money' },
  { key: 'detail', header: 'Detail', headerZh: '说明', kind: 'text' },
];

function renderHistory(db: Db, rm: string | undefined, ro: RenderOptions): string | Buffer {
  const rows: Row[] = closeEvents(allCloses(db));
  for (const e of entriesInForce(db, rm)) {
    const detail = e.kind === 'deferral' ? `part ${e.part}/${e.parts}, due ${e.release_on}`
      : e.kind === 'adjustment' ? `line ${e.item}`
        : e.kind === 'clawback' ? e.detail ?? `loan ${e.item}` : `part ${e.part}/${e.parts} deferred in ${e.origin_period}, due ${e.release_on}, released`;
    rows.push({ date: e.closed_at, event: e.kind, period: e.period, origin: e.origin_period, rm_id: e.rm_id, amount: e.amount_fen, detail });
  }
  rows.sort((a, b) => String(a.date).localeCompare(String(b.date)));
  return renderList(HISTORY_COLUMNS, rows, ro, { en: 'Pay history', zh: '薪酬结账历史' },
    [{ en: 'money in CNY; entries of reopened closes no longer count and are not listed', zh: '金额单位：元；已重新打开的结账的明细不再计入，不列出' }], { rm: rm ?? null });
}

const DEFERRED_COLUMNS: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'release_on', header: 'Release on', headerZh: '发放日', kind: 'text' },
  { key: 'origin', header: 'From period', headerZh: '所属期间', kind: 'text' },
  { key: 'part', header: 'Part', headerZh: '份', kind: 'text' },
  { key: 'deferred', header: 'Deferred', headerZh: '递延金额', kind: 'money' },
  { key: 'clawed_back', header: 'Clawed back', headerZh: '追索扣回', kind: 'money' },
  { key: 'balance', header: 'Balance', headerZh: '待发放', kind: 'money' },
  { key: 'released_in', header: 'Released in', headerZh: '发放期间', kind: 'text' },
];

function renderDeferred(db: Db, rm: string | undefined, asOf: string | undefined, ro: RenderOptions): string | Buffer {
  if (rm !== undefined && !rmList(db).some((r) => r.rm_id === rm)) throw new DataError(`no RM ${rm} in the database (import rms.csv)`);
  const parts = deferralParts(db, rm).filter((p) => (asOf === undefined ? p.released_in === null : p.release_on > asOf))
    .sort((a, b) => a.rm_id.localeCompare(b.rm_id) || a.release_on.localeCompare(b.release_on) || a.entry_id - b.entry_id);
  const rows: Row[] = parts.map((p) => ({
    rm_id: p.rm_id, release_on: p.release_on, origin: p.origin_period, part: `${p.part}/${p.parts}`, deferred: p.amount_fen,
    clawed_back: p.clawed_fen, balance: p.remaining_fen, released_in: p.released_in,
  }));
  const total: Row = { rm_id: ro.lang === 'zh' ? '合计' : 'Total', deferred: 0, clawed_back: 0, balance: 0 };
  for (const r of rows) for (const k of ['deferred', 'clawed_back', 'balance']) total[k] = (total[k] as number) + (r[k] as number);
  const when = asOf === undefined ? { en: 'parts not yet released by a close', zh: '尚未在结账中发放的部分' } : { en: `parts due after ${asOf}`, zh: `${asOf} 之后到期的部分` };
  return renderList(DEFERRED_COLUMNS, rows, ro, { en: `Deferred pay: ${when.en}`, zh: `递延薪酬：${when.zh}` },
    [{ en: 'money in CNY; balance = deferred − clawed back', zh: '金额单位：元；待发放 = 递延金额 − 追索扣回' }], { rm: rm ?? null, as_of: asOf ?? null }, total);
}
