/**
 * Column specs shared by every report (table, CSV and JSON renderers).
 * Row values: money in fen (may be fractional), percent as a fraction (0.1235 = 12.35%),
 * int/number as plain numbers, date as 'YYYY-MM-DD' text, null = missing.
 */
import { formatInt, formatMoney, formatNumber, formatPercent } from './format.js';

export type ColumnKind = 'text' | 'money' | 'int' | 'number' | 'percent' | 'date';

export interface ColumnSpec {
  /** Stable snake_case machine name: CSV header, JSON key, key into a Row. */
  key: string;
  /** English header for the terminal table. */
  header: string;
  /** Chinese header (lang 'zh'); falls back to `header`. */
  headerZh?: string;
  kind: ColumnKind;
  /**
   * Only columns with a priority may be hidden when the table is too wide; lower = hidden first.
   * Columns without a priority are always shown (use for identifiers such as RM id / name).
   */
  priority?: number;
  /**
   * A text column that wraps (e.g. a statement's rule text): when the table is wider than the
   * terminal, its text is broken over several lines of at least this many columns; with less
   * room than that it is printed under each row instead. `--wide` keeps it on one line.
   */
  wrap?: number;
}

export type CellValue = string | number | null;
export type Row = Record<string, CellValue>;
export type Lang = 'en' | 'zh';

const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['money', 'int', 'number', 'percent']);

/** money/int/number/percent: right-aligned, never formula-neutralised. */
export function isNumericKind(kind: ColumnKind): boolean {
  return NUMERIC_KINDS.has(kind);
}

export function columnHeader(col: ColumnSpec, lang: Lang = 'en'): string {
  return lang === 'zh' ? (col.headerZh ?? col.header) : col.header;
}

/**
 * Human display text of a cell (no padding, no colour). Money: "1,234.50" (fen -> CNY);
 * percent: "12.35%"; int: "1,234"; number: 2 decimals "1,234.57". Strings are shown as given.
 * null/undefined -> `nullText` (default "-").
 */
export function formatCell(col: ColumnSpec, value: CellValue | undefined, nullText = '-'): string {
  if (value === null || value === undefined) return nullText;
  if (typeof value === 'string') return value;
  switch (col.kind) {
    case 'money':
      return formatMoney(value, { separators: true });
    case 'int':
      return formatInt(value);
    case 'number':
      return formatNumber(value, 2);
    case 'percent':
      return formatPercent(value, 2);
    default:
      return String(value);
  }
}
