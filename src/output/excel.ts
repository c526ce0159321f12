/**
 * CSV for spreadsheets: `--excel` writes UTF-8 with a BOM (Excel on Windows then reads it as
 * UTF-8 rather than the ANSI code page, so Chinese text is not garbled); `--encoding gb18030`
 * writes GB18030 bytes instead (no BOM), for Excel versions or tools that expect the Chinese
 * Windows code page. Records end with CRLF in Excel mode, as Windows tools expect.
 */
import { UsageError } from '../errors.js';
import type { CsvOptions } from './csv.js';

export type CsvEncoding = 'utf8' | 'gb18030';

/** The --encoding option of a report (output encoding of CSV). */
export function parseCsvEncoding(v: string | undefined): CsvEncoding | undefined {
  if (v === undefined) return undefined;
  const x = v.trim().toLowerCase().replace(/[-_]/g, '');
  if (x === 'utf8') return 'utf8';
  if (x === 'gb18030' || x === 'gbk' || x === 'gb2312') return 'gb18030';
  throw new UsageError(`--encoding: expected utf-8 or gb18030 (got "${v}")`);
}

/**
 * CSV options from --excel/--encoding. Plain CSV (neither): UTF-8, no BOM, LF (unchanged).
 * --excel: UTF-8 with BOM and CRLF; --excel --encoding gb18030 (or --encoding gb18030 alone):
 * GB18030 with CRLF. --encoding utf-8 alone keeps plain UTF-8.
 */
export function excelCsvOptions(excel: boolean, encoding: CsvEncoding | undefined): CsvOptions {
  if (encoding === 'gb18030') return { encoding: 'gb18030', eol: '\r\n' };
  if (excel) return { encoding: 'utf8', bom: true, eol: '\r\n' };
  return {};
}

export const EXCEL_OPTION_HELP = 'CSV for Excel: UTF-8 with a BOM and CRLF line ends (implies --format csv)';
export const ENCODING_OPTION_HELP = 'CSV output encoding: utf-8 or gb18030 (GB18030 for Excel on Chinese Windows; implies --format csv)';
