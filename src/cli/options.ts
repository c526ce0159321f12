/**
 * Option parsing and file I/O shared by the report commands: one message and one exit code
 * for the same mistake, whichever command it is made on.
 */
import type { Command } from 'commander';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { DataError, UsageError } from '../errors.js';
import { parseDate, ValueError } from '../import/values.js';
import { parsePricing, type Pricing } from '../metrics/pricing.js';
import { excelCsvOptions, parseCsvEncoding, resolveLang, useColor, ENCODING_OPTION_HELP, EXCEL_OPTION_HELP, LANG_OPTION_HELP, type CsvOptions, type Lang } from '../output/index.js';
import { parseConfigText } from '../segment/config-file.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, parseTiers, type TiersConfig } from '../segment/tiers.js';
import { DEFAULT_RULES, defaultRules, parseRules, rulesOf, type WatchRules } from '../watch/rules.js';

/** --excel / --encoding: CSV options (and --format csv), or undefined when neither is given. */
export function csvOptions(o: { excel?: boolean; encoding?: string; format: string }, cmd: Command): CsvOptions | undefined {
  const encoding = parseCsvEncoding(o.encoding);
  if (!o.excel && encoding === undefined) return undefined;
  const flag = o.excel ? '--excel' : '--encoding';
  if (cmd.getOptionValueSource('format') !== 'default' && o.format.trim().toLowerCase() !== 'csv') throw new UsageError(`${flag} writes CSV: it does not go with --format ${o.format}`);
  return excelCsvOptions(!!o.excel, encoding);
}

export function date(flag: string, v: string): string {
  try {
    return parseDate(v);
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 1 || n > 36600) throw new UsageError(`${flag}: expected a whole number of days from 1 to 36600 (got "${v}")`);
  return n;
}

export function readConfig(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: cannot read file${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** Tier names → codes; a name may be a code, an English or a Chinese name of a selected ladder. */
/** Writes a report to FILE (--out, --html): a failure is a runtime error (exit 1) naming the file. */
export function writeOutput(flag: string, path: string, data: string | Buffer): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw cannotWrite(flag, path, e);
  }
}

const cannotWrite = (flag: string, path: string, e: unknown) => new DataError(`${flag} ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);

/**
 * A report made in pieces (`make` calls `write` with each), written to `path` as the pieces
 * come, or to standard output without a path: a large report is never held whole.
 */
export function streamOutput(flag: string, path: string | undefined, make: (write: (chunk: string | Buffer) => void) => void): void {
  if (path === undefined) return make((chunk) => { process.stdout.write(chunk); });
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw cannotWrite(flag, path, e);
  }
  try {
    make((chunk) => {
      try {
        writeFileSync(fd, chunk);
      } catch (e) {
        throw cannotWrite(flag, path, e);
      }
    });
  } finally {
    closeSync(fd);
  }
}

/** One of `allowed` (case-insensitive), or a usage error naming the option. */
export function oneOf(flag: string, v: string, allowed: readonly string[]): string {
  const x = v.trim().toLowerCase();
  if (!allowed.includes(x)) throw new UsageError(`${flag}: expected ${allowed.join(' or ')} (got "${v}")`);
  return x;
}

/** The output options of a report command: --format, --out, --wide, --lang, --excel, --encoding. */
export function withOutputOptions(cmd: Command): Command {
  return cmd
    .option('--format <fmt>', 'table, csv or json', 'table')
    .option('--out <file>', 'write the report to FILE instead of standard output')
    .option('--wide', 'table: show every column even if wider than the terminal')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--excel', EXCEL_OPTION_HELP)
    .option('--encoding <enc>', ENCODING_OPTION_HELP);
}

/** Colour and width of a table: only on a terminal, never into a file (--out). */
export function tableTarget(toFile: boolean): { color: boolean; width: number | undefined } {
  return { color: !toFile && useColor(process.stdout), width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined };
}

/** The options of a tier-based report as commander gives them (withOutputOptions and the tier options). */
export interface TierReportCliOptions {
  asOf?: string;
  window: string;
  tiers?: string;
  rules?: string;
  pricing?: string;
  format: string;
  out?: string;
  wide?: boolean;
  lang?: string;
  excel?: boolean;
  encoding?: string;
}

/** The options every tier-based report reads, checked: output format, language, as-of, tier window, pricing. */
export interface TierReportOptions {
  csv: CsvOptions | undefined;
  format: string;
  lang: Lang;
  asOf: string | undefined;
  windowDays: number;
  pricing: Pricing | undefined;
}

export function tierReportOptions(o: TierReportCliOptions, cmd: Command): TierReportOptions {
  const csv = csvOptions(o, cmd);
  return {
    csv,
    format: csv ? 'csv' : oneOf('--format', o.format, ['table', 'csv', 'json']),
    lang: resolveLang(o.lang),
    asOf: o.asOf === undefined ? undefined : date('--as-of', o.asOf),
    windowDays: positiveInt('--window', o.window),
    pricing: o.pricing ? parsePricing(readConfig('--pricing', o.pricing), o.pricing) : undefined,
  };
}

/**
 * Tiers from --tiers; rules from --rules, else the tiers file's watch: section, else built in.
 * Valuable tiers must be in the ladders; the built-in ones (vip, core) stand for "every tier
 * above the lowest" in a ladder without them.
 */
export function loadRules(tiersFile: string | undefined, rulesFile: string | undefined): { tiers: TiersConfig; rules: WatchRules } {
  let tiers = DEFAULT_TIERS as TiersConfig;
  let rules = defaultRules();
  let from = 'built-in rules';
  if (tiersFile !== undefined) {
    const text = readConfig('--tiers', tiersFile);
    tiers = parseTiers(text, tiersFile);
    const own = rulesOf(parseConfigText(text, tiersFile), tiersFile);
    if (own) [rules, from] = [own, `${tiersFile}: field watch.valuable`];
  }
  if (rulesFile !== undefined) [rules, from] = [parseRules(readConfig('--rules', rulesFile), rulesFile), `${rulesFile}: field valuable`];
  for (const t of CUSTOMER_TYPES) {
    const code = rules.valuable[t];
    const known = (c: string) => tiers[t].tiers.some((d) => d.code === c);
    if (!known(code) && code === DEFAULT_RULES.valuable[t]) rules.valuable[t] = (tiers[t].tiers[1] ?? tiers[t].tiers[0]).code;
    else if (!known(code)) {
      throw new UsageError(`${from}.${t}: unknown tier "${code}" (expected one of: ${tiers[t].tiers.map((d) => d.code).join(', ')})`);
    }
  }
  return { tiers, rules };
}
