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
import { Utf8Pieces } from './pieces.js';

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

/** Rows per chunk of csvChunks in GB18030 (UTF-8 comes in Utf8Pieces): big enough to amortise, small enough to keep memory flat. */
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
 * The CSV field of a column's cell: csvField(csvCell(col, value)), with what can be decided once
 * per column decided once (a detail report formats ~10^7 cells). Whole numbers in an int column
 * are their own text; a numeric column's number needs no quotes (digits, '.', '-', never ',').
 */
function fieldWriter(col: ColumnSpec): (value: CellValue | undefined) => string {
  if (!isNumericKind(col.kind)) return (value) => csvField(csvCell(col, value));
  const int = col.kind === 'int';
  return (value) => {
    if (typeof value !== 'number') return csvField(csvCell(col, value));
    if (int && Number.isSafeInteger(value)) return String(value);
    return csvCell(col, value);
  };
}

/**
 * The CSV of renderCsv in chunks (the header with the first), each encoded: a caller writes each
 * as it comes, so a million rows never exist as text at once.
 */
export function* csvChunks(columns: ColumnSpec[], rows: Iterable<Row>, opts: CsvOptions = {}): Generator<Buffer> {
  const eol = opts.eol === '\r\n' ? '\r\n' : '\n';
  const keys = columns.map((c) => c.key);
  const fields = columns.map(fieldWriter);
  const header = opts.header === false ? '' : `${keys.map(csvField).join(',')}${eol}`;
  if (opts.encoding === 'gb18030') {
    // GB18030 text is encoded a chunk at a time.
    let text = header;
    let n = 0;
    for (const row of rows) {
      text += csvLine(keys, fields, row, eol);
      if (++n % CHUNK_ROWS === 0) {
        yield encodeGb18030(text);
        text = '';
      }
    }
    if (text || n === 0) yield encodeGb18030(text);
    return;
  }
  // UTF-8: each line written into its piece as it is made (the BOM, U+FEFF, is EF BB BF).
  const out = new Utf8Pieces();
  out.write(`${opts.bom ? '\ufeff' : ''}${header}`);
  for (const row of rows) {
    const full = out.write(csvLine(keys, fields, row, eol));
    if (full) yield full;
  }
  yield out.end();
}

/** One CSV record of a row (fields: fieldWriter per column). */
function csvLine(keys: readonly string[], fields: readonly ((value: CellValue | undefined) => string)[], row: Row, eol: string): string {
  let line = keys.length ? fields[0](row[keys[0]]) : '';
  for (let k = 1; k < keys.length; k++) line += `,${fields[k](row[keys[k]])}`;
  return line + eol;
}

export function renderCsv(columns: ColumnSpec[], rows: Row[], opts: CsvOptions = {}): Buffer {
  return Buffer.concat([...csvChunks(columns, rows, opts)]);
}
