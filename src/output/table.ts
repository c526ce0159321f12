/**
 * Terminal table renderer (own implementation, not cli-table3: full control over display
 * width of CJK text, colour and column dropping). Layout:
 *
 *   Title
 *   RM    Name   Deposit ADB
 *   ----  -----  -----------
 *   R001  张三      1,234.50
 *   ----  -----  -----------
 *   Total           1,234.50
 *   note lines
 *
 * ASCII rules only ('-'): box-drawing characters are East Asian "Ambiguous" and render double
 * width in many Chinese-locale terminals, which would break alignment.
 */
import { columnHeader, formatCell, isNumericKind, type ColumnSpec, type Lang, type Row } from './columns.js';
import { displayWidth, padDisplay, sanitizeForTerminal, wrapText } from './format.js';
import { paint } from './color.js';

export interface TableOptions {
  color: boolean;
  /** Terminal columns; undefined = unlimited. */
  width?: number;
  /** Show every column even when wider than `width`. */
  wide?: boolean;
  /** Totals row, keyed like rows. A missing first-column value is labelled "Total" / "合计". */
  totals?: Row;
  lang?: Lang;
  title?: string;
  notes?: string[];
  /**
   * When too wide for `width` (and not `wide`): instead of hiding columns, print the table in
   * several parts, each repeating the first column (for matrices, where every column matters).
   */
  split?: boolean;
}

const GAP = '  ';
/** Indent of a wrapping column's text printed under its row. */
const BELOW_INDENT = '      ';
const NULL_TEXT = '-';

interface Prepared {
  col: ColumnSpec;
  header: string;
  cells: string[];
  total: string | undefined;
  width: number;
  numeric: boolean;
}

/** Column indexes to hide so the table fits `width`: lowest priority first, ties rightmost first. */
function columnsToHide(prepared: Prepared[], width: number): Set<number> {
  const hidden = new Set<number>();
  const candidates = prepared
    .map((p, i) => ({ i, priority: p.col.priority }))
    .filter((c): c is { i: number; priority: number } => c.priority !== undefined)
    .sort((a, b) => a.priority - b.priority || b.i - a.i);
  const total = (): number => {
    const shown = prepared.filter((_, i) => !hidden.has(i));
    return shown.reduce((s, p) => s + p.width, 0) + GAP.length * Math.max(0, shown.length - 1);
  };
  for (const c of candidates) {
    if (total() <= width) break;
    hidden.add(c.i);
  }
  return hidden;
}

function hiddenNote(names: string[], lang: Lang): string {
  return lang === 'zh'
    ? `终端宽度不足，已隐藏列：${names.join('、')}（使用 --wide 显示全部列）`
    : `Hidden to fit the terminal: ${names.join(', ')} (use --wide to show all columns)`;
}

export function renderTable(columns: ColumnSpec[], rows: Row[], opts: TableOptions): string {
  const lang: Lang = opts.lang ?? 'en';
  const hasTotals = opts.totals !== undefined;

  let prepared: Prepared[] = columns.map((col, ci) => {
    const header = sanitizeForTerminal(columnHeader(col, lang));
    const cells = rows.map((r) => sanitizeForTerminal(formatCell(col, r[col.key], NULL_TEXT)));
    let total: string | undefined;
    if (opts.totals) {
      const v = opts.totals[col.key];
      if (v === undefined) total = ci === 0 ? (lang === 'zh' ? '合计' : 'Total') : '';
      else total = sanitizeForTerminal(formatCell(col, v, NULL_TEXT));
    }
    const width = Math.max(displayWidth(header), ...cells.map(displayWidth), total === undefined ? 0 : displayWidth(total));
    return { col, header, cells, total, width, numeric: isNumericKind(col.kind) };
  });

  const notes = [...(opts.notes ?? [])];
  if (opts.split && opts.width !== undefined && !opts.wide && prepared.length > 1) {
    const parts = splitColumns(prepared, opts.width);
    if (parts.length > 1) {
      const out: string[] = [];
      parts.forEach((part, k) => {
        const title = k === 0 ? opts.title : `${opts.title ?? ''}${lang === 'zh' ? `（续 ${k + 1}/${parts.length}）` : ` (continued, ${k + 1}/${parts.length})`}`;
        out.push(renderPrepared(part, rows.length, hasTotals, title, k === parts.length - 1 ? notes : [], opts.color, lang));
      });
      return out.join('');
    }
  }
  let below: Prepared | undefined;
  if (opts.width !== undefined && !opts.wide && prepared.some((pc) => pc.col.wrap !== undefined)) {
    const fitted = fitWrapped(prepared, opts.width);
    prepared = fitted.prepared;
    below = fitted.below;
  }
  if (opts.width !== undefined && !opts.wide) {
    const hidden = columnsToHide(prepared, opts.width);
    if (hidden.size > 0) {
      notes.push(hiddenNote(prepared.filter((_, i) => hidden.has(i)).map((x) => x.header), lang));
      prepared = prepared.filter((_, i) => !hidden.has(i));
    }
  }

  return renderPrepared(prepared, rows.length, hasTotals, opts.title, notes, opts.color, lang, below, opts.width);
}

const tableWidth = (prepared: Prepared[]): number => prepared.reduce((s, p) => s + p.width, 0) + GAP.length * Math.max(0, prepared.length - 1);

/**
 * Narrows the wrapping columns so the table fits `width`, each down to its minimum (widest
 * first). When that cannot make it fit, the last wrapping column leaves the table and is printed
 * under each row (`below`) instead, and the others narrow only as far as still needed.
 */
function fitWrapped(prepared: Prepared[], width: number): { prepared: Prepared[]; below?: Prepared } {
  const floor = (pc: Prepared): number => Math.max(pc.col.wrap!, displayWidth(pc.header));
  const slack = (cols: Prepared[]): number => cols.reduce((s, pc) => s + (pc.col.wrap === undefined ? 0 : Math.max(0, pc.width - floor(pc))), 0);
  let cols = prepared;
  let below: Prepared | undefined;
  if (tableWidth(cols) - slack(cols) > width) {
    below = [...cols].reverse().find((pc) => pc.col.wrap !== undefined);
    cols = cols.filter((pc) => pc !== below);
  }
  let excess = tableWidth(cols) - width;
  for (const pc of cols.filter((c) => c.col.wrap !== undefined).sort((a, b) => b.width - a.width)) {
    if (excess <= 0) break;
    const cut = Math.min(excess, Math.max(0, pc.width - floor(pc)));
    pc.width -= cut;
    excess -= cut;
  }
  return { prepared: cols, below };
}

/** Column groups that each fit `width`, every group starting with the first column. */
function splitColumns(prepared: Prepared[], width: number): Prepared[][] {
  const [first, ...rest] = prepared;
  const parts: Prepared[][] = [];
  let cur: Prepared[] = [first!];
  let used = first!.width;
  for (const pc of rest) {
    if (cur.length > 1 && used + GAP.length + pc.width > width) {
      parts.push(cur);
      cur = [first!];
      used = first!.width;
    }
    cur.push(pc);
    used += GAP.length + pc.width;
  }
  parts.push(cur);
  return parts;
}

function renderPrepared(
  prepared: Prepared[], rowCount: number, hasTotals: boolean, title: string | undefined, notes: string[], color: boolean, lang: Lang,
  below?: Prepared, width?: number,
): string {
  const p = paint({ color });
  const cell = (pc: Prepared, text: string): string => padDisplay(text, pc.width, pc.numeric ? 'right' : 'left');
  const joinLine = (parts: string[]): string => parts.join(GAP).replace(/ +$/, '');
  /** Pad, then style only the text (padding stays plain). */
  const styled = (pc: Prepared, text: string, style: ((t: string) => string) | undefined): string => {
    const padded = cell(pc, text);
    if (!p.enabled || style === undefined || text === '') return padded;
    return pc.numeric
      ? padded.slice(0, padded.length - text.length) + style(text)
      : style(text) + padded.slice(text.length);
  };
  const isNegative = (pc: Prepared, text: string): boolean => pc.numeric && text.startsWith('-') && text !== NULL_TEXT;

  const lines: string[] = [];
  if (title) lines.push(p.bold(sanitizeForTerminal(title)));
  lines.push(joinLine(prepared.map((pc) => styled(pc, pc.header, p.bold))));
  const rule = joinLine(prepared.map((pc) => '-'.repeat(pc.width)));
  lines.push(rule);
  if (rowCount === 0) lines.push(lang === 'zh' ? '（无数据）' : '(no rows)');
  for (let r = 0; r < rowCount; r++) {
    // A wrapping column's text over as many lines as it needs; the other cells on the first.
    const parts = prepared.map((pc) => (pc.col.wrap !== undefined ? wrapText(pc.cells[r]!, pc.width) : [pc.cells[r]!]));
    const height = Math.max(...parts.map((x) => x.length));
    for (let k = 0; k < height; k++) {
      lines.push(joinLine(prepared.map((pc, i) => {
        const text = parts[i]![k] ?? '';
        return styled(pc, text, isNegative(pc, text) ? p.red : undefined);
      })));
    }
    if (below && below.cells[r] !== NULL_TEXT && below.cells[r] !== '') {
      for (const l of wrapText(below.cells[r]!, Math.max(20, (width ?? 80) - BELOW_INDENT.length))) lines.push(BELOW_INDENT + l);
    }
  }
  if (hasTotals) {
    lines.push(rule);
    lines.push(joinLine(prepared.map((pc) => {
      const text = pc.total ?? '';
      return styled(pc, text, isNegative(pc, text) ? (t) => p.red(p.bold(t)) : p.bold);
    })));
  }
  for (const n of notes) lines.push(sanitizeForTerminal(n));
  return lines.join('\n') + '\n';
}
