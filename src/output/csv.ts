/**
 * CSV export for spreadsheets and other programs.
 *  - Header row = column keys (stable snake_case machine names), not display headers.
 *  - money: CNY (yuan) with exactly 2 decimals, no separators, rounded half away from zero ("-12.50").
 *  - percent: the fraction as a plain number (0.1235 means 12.35%), rounded to 6 decimals.
 *  - int: rounded to an integer; number: rounded to 6 decimals; no separators, no exponent.
 *  - null/undefined: empty field.
 *  - Text and date cells starting with = + - @ TAB CR are prefixed with ' (formula injection);
 *    numeric columns holding numbers are never altered. A string found in a numeric column is
 *    treated as text (and neutralised).
 *  - Records end with '\n' by default; `eol: '\r\n'` for RFC 4180 line endings.
 *  - Encoding: UTF-8 (optional BOM, which Excel needs to detect UTF-8) or GB18030 (no BOM).
 */
import { isNumericKind, type CellValue, type ColumnSpec, type Row } from './columns.js';
import { formatMoney, formatNumber, roundHalfAwayFromZero } from './format.js';
import { encodeGb18030 } from './gb18030.js';

export interface CsvOptions {
  /** Prepend a UTF-8 BOM (EF BB BF). Ignored for gb18030. Default false. */
  bom?: boolean;
  /** Default 'utf8'. */
  encoding?: 'utf8' | 'gb18030';
  /** Record delimiter, default '\n'. */
  eol?: '\n' | '\r\n';
  /** Write the header row (column keys). Default true; false to append to an existing file. */
  header?: boolean;
}

/** Decimal places kept for percent fractions and 'number' values in machine-readable output. */
export const MACHINE_DECIMALS = 6;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralise spreadsheet formula injection: text beginning with = + - @ TAB or CR gets a leading
 * single quote ("=1+1" -> "'=1+1"). Apply to free-text cells only, never to numeric columns.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Machine text of a cell (used by CSV). */
export function csvCell(col: ColumnSpec, value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && isNumericKind(col.kind)) {
    if (!Number.isFinite(value)) return '';
    switch (col.kind) {
      case 'money':
        return formatMoney(value, { separators: false });
      case 'int':
        return formatNumber(value, 0, { separators: false });
      default:
        return plainNumber(roundHalfAwayFromZero(value, MACHINE_DECIMALS));
    }
  }
  return neutraliseFormula(String(value));
}

/** Shortest decimal text without exponent notation (1e-7 -> "0.0000001"). */
function plainNumber(x: number): string {
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return formatNumber(x, MACHINE_DECIMALS, { separators: false }).replace(/\.?0+$/, '');
}

/** Rows per chunk of csvChunks: big enough to amortise, small enough to keep memory flat. */
const CHUNK_ROWS = 8192;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field as csv-stringify writes it with its defaults: quoted when it holds a comma, a
 * quote, CR or LF (a bare CR or LF is quoted whatever the record delimiter), quotes doubled.
 */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV of renderCsv in chunks (the header with the first), each encoded: a caller writes each
 * as it comes, so a million rows never exist as text at once.
 */
export function* csvChunks(columns: ColumnSpec[], rows: Iterable<Row>, opts: CsvOptions = {}): Generator<Buffer> {
  const eol = opts.eol === '\r\n' ? '\r\n' : '\n';
  const line = (cells: string[]) => `${cells.map(csvField).join(',')}${eol}`;
  let text = opts.header === false ? '' : line(columns.map((c) => c.key));
  let first = true;
  const flush = (): Buffer => {
    const chunk = text;
    text = '';
    if (opts.encoding === 'gb18030') return encodeGb18030(chunk);
    const body = Buffer.from(chunk, 'utf8');
    const bom = first && opts.bom;
    first = false;
    return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  };
  let n = 0;
  for (const row of rows) {
    text += line(columns.map((c) => csvCell(c, row[c.key])));
    if (++n % CHUNK_ROWS === 0) yield flush();
  }
  if (text || first) yield flush();
}

export function renderCsv(columns: ColumnSpec[], rows: Row[], opts: CsvOptions = {}): Buffer {
  return Buffer.concat([...csvChunks(columns, rows, opts)]);
}
