/**
 * Inline SVG charts for the HTML report: pure functions from numbers and labels to SVG text.
 * No scripts, no external fonts or links: each chart is one <svg> element that renders from a
 * file opened without a network. Every chart carries role="img", an aria-label, a <title> and a
 * class naming the chart, so tests (and screen readers) can find it.
 *
 * Labels are measured with displayWidth (CJK = 2 columns) at about 0.6 em per column.
 */
import { displayWidth } from '../output/format.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Coordinates with at most 2 decimals (short, deterministic output). */
const n2 = (x: number): string => String(Math.round(x * 100) / 100);

/** Approximate rendered width of text at `size` px. */
export function textWidth(s: string, size = 12): number {
  return displayWidth(s) * size * 0.6;
}

export const PALETTE = ['#2f6db5', '#e08a1e', '#3a9a5b', '#c8453c', '#7d5ab5', '#8c6d46', '#d36fb0', '#6e7b8b', '#b5a02f', '#2fa6b5', '#555555'];

function open(cls: string, width: number, height: number, label: string): string {
  return `<svg class="chart ${cls}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${esc(label)}</title>`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${n2(x)}" y="${n2(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

// ---------------------------------------------------------------------------------------------
// Horizontal bars
// ---------------------------------------------------------------------------------------------

export interface BarDatum {
  label: string;
  value: number;
  /** Text printed after the bar (the formatted value). */
  text: string;
}

export interface BarPanel {
  title: string;
  bars: BarDatum[];
  color?: string;
  /**
   * The value a full-length bar stands for (default: the largest bar). Charts shown side by side
   * pass the same maximum so their bars compare; a bar above it is drawn clipped, ending in an arrow.
   */
  max?: number;
  /** Room kept for the value printed after a bar (default: the widest of this panel's): equal in panels that share a scale. */
  valueWidth?: number;
}

/**
 * Side-by-side horizontal bar panels sharing the category labels (e.g. customers and AUM per
 * tier). Negative values draw leftwards from the zero line in red.
 */
export function barPanels(opts: { label: string; panels: BarPanel[]; panelWidth?: number }): string {
  const { panels } = opts;
  const labels = panels[0]?.bars.map((b) => b.label) ?? [];
  const labelW = Math.max(40, ...labels.map((l) => textWidth(l))) + 12;
  const panelW = opts.panelWidth ?? 300;
  const rowH = 26;
  const top = 30;
  const height = top + labels.length * rowH + 12;
  const width = labelW + panels.length * (panelW + 20);
  const out: string[] = [open('bars', width, height, opts.label)];
  labels.forEach((l, i) => out.push(text(labelW - 8, top + i * rowH + rowH / 2 + 4, l, 'text-anchor="end" class="lbl"')));
  panels.forEach((p, k) => {
    const x0 = labelW + k * (panelW + 20);
    out.push(text(x0, 16, p.title, 'class="ttl"'));
    const valueW = p.valueWidth ?? Math.max(...p.bars.map((b) => textWidth(b.text, 11))) + 8;
    const plotW = Math.max(40, panelW - valueW);
    const max = p.max ?? Math.max(0, ...p.bars.map((b) => b.value));
    const min = Math.min(0, ...p.bars.map((b) => b.value));
    const span = max - min || 1;
    const zero = x0 + (-min / span) * plotW;
    out.push(`<line x1="${n2(zero)}" y1="${top - 4}" x2="${n2(zero)}" y2="${height - 8}" class="axis"/>`);
    p.bars.forEach((b, i) => {
      const clipped = b.value > max;
      const w = (Math.abs(Math.min(b.value, max)) / span) * plotW;
      const x = b.value >= 0 ? zero : zero - w;
      const y = top + i * rowH + 4;
      const fill = b.value < 0 ? '#c8453c' : p.color ?? PALETTE[k % PALETTE.length];
      out.push(`<rect class="bar${b.value < 0 ? ' neg' : ''}${clipped ? ' clipped' : ''}" x="${n2(x)}" y="${y}" width="${n2(Math.max(w, b.value === 0 ? 0 : 1))}" height="${rowH - 8}" fill="${fill}"><title>${esc(`${b.label}: ${b.text}`)}</title></rect>`);
      if (clipped) out.push(`<path class="over" d="M${n2(x + w)} ${y} l6 ${(rowH - 8) / 2} l-6 ${(rowH - 8) / 2} z" fill="${fill}"/>`);
      const tx = b.value >= 0 ? x + w + (clipped ? 10 : 4) : zero + 4;
      out.push(text(tx, y + rowH / 2 + 1, b.text, 'class="val"'));
    });
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Lorenz curve
// ---------------------------------------------------------------------------------------------

export interface LorenzSeries {
  label: string;
  /** Non-negative values (any order). */
  values: ArrayLike<number>;
  /** Shown in the legend (already formatted), e.g. "Gini 0.7855". */
  note: string;
}

/**
 * Points (cumulative customer share, cumulative value share) of ascending values, ≤ maxPoints + 1.
 * The values are sorted as one typed array and summed in one pass that keeps only the points
 * drawn: memory is the values' 8 bytes each, whatever the number of customers.
 */
export function lorenzPoints(values: ArrayLike<number>, maxPoints = 200): [number, number][] {
  const asc = Float64Array.from(values).sort();
  const n = asc.length;
  const total = asc.reduce((a, b) => a + b, 0);
  if (n === 0 || total <= 0) return [[0, 0], [1, 1]];
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const pts: [number, number][] = [[0, 0]];
  let cum = 0;
  for (let i = 1; i <= n; i++) {
    cum += asc[i - 1]!;
    if (i % step === 0) pts.push([i / n, cum / total]);
  }
  if (pts[pts.length - 1]![0] !== 1) pts.push([1, 1]);
  return pts;
}

export function lorenzChart(opts: { label: string; series: LorenzSeries[]; xTitle: string; yTitle: string; equality: string }): string {
  const size = 300;
  const left = 50;
  const top = 20;
  const legendW = Math.max(...opts.series.map((s) => textWidth(`${s.label} — ${s.note}`)), textWidth(opts.equality)) + 40;
  const width = left + size + 30 + legendW;
  const height = top + size + 50;
  const X = (x: number): number => left + x * size;
  const Y = (y: number): number => top + (1 - y) * size;
  const out: string[] = [open('lorenz', width, height, opts.label)];
  out.push(`<rect x="${left}" y="${top}" width="${size}" height="${size}" class="frame"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${n2(X(t))}" y1="${top}" x2="${n2(X(t))}" y2="${top + size}" class="grid"/><line x1="${left}" y1="${n2(Y(t))}" x2="${left + size}" y2="${n2(Y(t))}" class="grid"/>`);
    out.push(text(X(t), top + size + 14, `${t * 100}%`, 'text-anchor="middle" class="tick"'));
    out.push(text(left - 4, Y(t) + 4, `${t * 100}%`, 'text-anchor="end" class="tick"'));
  }
  out.push(text(left + size / 2, top + size + 32, opts.xTitle, 'text-anchor="middle" class="lbl"'));
  out.push(`<text class="lbl" text-anchor="middle" transform="translate(12 ${n2(top + size / 2)}) rotate(-90)">${esc(opts.yTitle)}</text>`);
  out.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" class="equality"/>`);
  const lx = left + size + 30;
  out.push(`<line x1="${lx}" y1="${top + 8}" x2="${lx + 24}" y2="${top + 8}" class="equality"/>`, text(lx + 30, top + 12, opts.equality, 'class="lbl"'));
  opts.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const d = lorenzPoints(s.values).map(([x, y], i) => `${i ? 'L' : 'M'}${n2(X(x))} ${n2(Y(y))}`).join(' ');
    out.push(`<path class="curve" d="${d}" fill="none" stroke="${color}" stroke-width="2.5"><title>${esc(`${s.label} — ${s.note}`)}</title></path>`);
    const ly = top + 30 + k * 22;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2.5"/>`, text(lx + 30, ly + 4, `${s.label} — ${s.note}`, 'class="lbl"'));
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Heat map (tier migration)
// ---------------------------------------------------------------------------------------------

/** Fill of a heat-map cell: white to dark blue by value / max. */
export function heatColor(value: number, max: number): string {
  const t = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  const mix = (a: number, b: number): number => Math.round(a + (b - a) * Math.sqrt(t));
  return `rgb(${mix(247, 33)},${mix(251, 84)},${mix(255, 160)})`;
}

export function heatMap(opts: {
  label: string;
  rowLabels: string[];
  colLabels: string[];
  values: number[][];
  /** Cell text (formatted values); default String(value). */
  texts?: string[][];
  rowTitle: string;
  colTitle: string;
  /** Outline cells with the same row and column label (unchanged). */
  diagonal?: boolean;
}): string {
  const cellW = Math.max(64, ...opts.colLabels.map((l) => textWidth(l) + 12));
  const cellH = 34;
  const labelW = Math.max(60, ...opts.rowLabels.map((l) => textWidth(l))) + 14;
  const top = 46;
  const left = labelW + 8;
  const width = left + opts.colLabels.length * cellW + 10;
  const height = top + opts.rowLabels.length * cellH + 10;
  const max = Math.max(0, ...opts.values.flat());
  const out: string[] = [open('heatmap', width, height, opts.label)];
  out.push(text(left + (opts.colLabels.length * cellW) / 2, 14, opts.colTitle, 'text-anchor="middle" class="ttl"'));
  out.push(text(4, 14, opts.rowTitle, 'class="ttl"'));
  opts.colLabels.forEach((l, j) => out.push(text(left + j * cellW + cellW / 2, top - 8, l, 'text-anchor="middle" class="lbl"')));
  opts.rowLabels.forEach((l, i) => {
    out.push(text(labelW, top + i * cellH + cellH / 2 + 4, l, 'text-anchor="end" class="lbl"'));
    opts.colLabels.forEach((c, j) => {
      const v = opts.values[i]?.[j] ?? 0;
      const x = left + j * cellW;
      const y = top + i * cellH;
      const diag = opts.diagonal && c === l;
      const fill = heatColor(v, max);
      const dark = max > 0 && v / max > 0.45;
      const t = opts.texts?.[i]?.[j] ?? String(v);
      out.push(`<rect class="cell${diag ? ' diag' : ''}" x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${fill}"><title>${esc(`${l} → ${c}: ${t}`)}</title></rect>`);
      out.push(text(x + (cellW - 2) / 2, y + cellH / 2 + 3, t, `text-anchor="middle" class="val${dark ? ' inv' : ''}"`));
    });
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// RFM segment map
// ---------------------------------------------------------------------------------------------

export interface RfmMapSegment {
  code: string;
  label: string;
  customers: number;
}

/**
 * R score (x, 1..5) by F score (y, 1..5) grid of customers with a transaction; each cell shows its
 * customer count and is coloured by the segment most of its customers belong to. The legend lists
 * every segment with its count (customers without a transaction have no cell: the "inactive" line).
 */
export function rfmMap(opts: {
  label: string;
  /** cells[r-1][f-1] = { count, segment code of the majority }. */
  cells: { count: number; segment: string | null }[][];
  segments: RfmMapSegment[];
  xTitle: string;
  yTitle: string;
}): string {
  const cell = 56;
  const left = 56;
  const top = 16;
  const legendX = left + 5 * cell + 30;
  const legendW = Math.max(...opts.segments.map((s) => textWidth(`${s.label} ${s.customers}`))) + 30;
  const width = legendX + legendW;
  const height = Math.max(top + 5 * cell + 44, top + opts.segments.length * 20 + 10);
  const color = new Map(opts.segments.map((s, i) => [s.code, PALETTE[i % PALETTE.length]!]));
  const out: string[] = [open('rfm-map', width, height, opts.label)];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      const c = opts.cells[r - 1]?.[f - 1] ?? { count: 0, segment: null };
      const x = left + (r - 1) * cell;
      const y = top + (5 - f) * cell;
      const seg = opts.segments.find((s) => s.code === c.segment);
      const fill = c.count > 0 && c.segment ? color.get(c.segment)! : '#f1f1f1';
      out.push(`<rect class="cell" x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${fill}" fill-opacity="${c.count > 0 ? 0.85 : 1}"><title>${esc(`R ${r}, F ${f}: ${c.count}${seg ? ` (${seg.label})` : ''}`)}</title></rect>`);
      if (c.count > 0) out.push(text(x + (cell - 2) / 2, y + cell / 2 + 3, String(c.count), 'text-anchor="middle" class="val inv"'));
    }
    out.push(text(left + (r - 1) * cell + cell / 2, top + 5 * cell + 14, String(r), 'text-anchor="middle" class="tick"'));
    out.push(text(left - 8, top + (5 - r) * cell + cell / 2 + 4, String(r), 'text-anchor="end" class="tick"'));
  }
  out.push(text(left + (5 * cell) / 2, top + 5 * cell + 32, opts.xTitle, 'text-anchor="middle" class="lbl"'));
  out.push(`<text class="lbl" text-anchor="middle" transform="translate(14 ${n2(top + 2.5 * cell)}) rotate(-90)">${esc(opts.yTitle)}</text>`);
  opts.segments.forEach((s, i) => {
    const y = top + i * 20;
    out.push(`<rect x="${legendX}" y="${y}" width="14" height="14" fill="${color.get(s.code)}"/>`);
    out.push(text(legendX + 20, y + 11, `${s.label} ${s.customers}`, 'class="lbl"'));
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// KPI attainment bars and pay
// ---------------------------------------------------------------------------------------------

export interface AttainmentRow {
  label: string;
  /** One per KPI column (null: not in this RM's plan). Fractions: 1 = 100%. */
  values: (number | null)[];
  /** Formatted attainment per KPI. */
  texts: string[];
}

/**
 * One small bar per RM and KPI, 0 to `cap` (default 150%); the 100% line is drawn. A value outside
 * that range is drawn clipped: above the cap the bar ends in an arrow pointing right, below 0 a
 * red arrow points left from the 0 line; its value is printed beside it either way.
 */
export function attainmentChart(opts: { label: string; kpis: string[]; rows: AttainmentRow[]; cap?: number }): string {
  const cap = opts.cap ?? 1.5;
  const labelW = Math.max(60, ...opts.rows.map((r) => textWidth(r.label))) + 12;
  const colW = Math.max(150, ...opts.kpis.map((k) => textWidth(k, 11) + 16));
  const barW = colW - 78;
  const rowH = 22;
  const top = 40;
  const width = labelW + opts.kpis.length * colW + 10;
  const height = top + opts.rows.length * rowH + 10;
  const out: string[] = [open('attainment', width, height, opts.label)];
  opts.kpis.forEach((k, j) => {
    const x = labelW + j * colW;
    out.push(text(x, 12, k, 'class="lbl small"'));
    const x100 = x + barW / cap;
    out.push(`<line x1="${n2(x100)}" y1="${top - 9}" x2="${n2(x100)}" y2="${height - 6}" class="target"/>`);
    out.push(text(x100, top - 12, '100%', 'text-anchor="middle" class="tick"'));
  });
  opts.rows.forEach((r, i) => {
    const y = top + i * rowH;
    out.push(text(labelW - 8, y + rowH / 2 + 3, r.label, 'text-anchor="end" class="lbl"'));
    r.values.forEach((v, j) => {
      const x = labelW + j * colW;
      if (v === null) {
        out.push(text(x + 2, y + rowH / 2 + 3, '-', 'class="tick"'));
        return;
      }
      const clamped = Math.max(0, Math.min(cap, v));
      const w = (clamped / cap) * barW;
      const cls = v < 0 ? 'bar neg' : v >= 1 ? 'bar met' : 'bar';
      const fill = v < 0 ? '#c8453c' : v >= 1 ? '#3a9a5b' : '#e08a1e';
      const title = `<title>${esc(`${r.label} ${opts.kpis[j]}: ${r.texts[j]}`)}</title>`;
      if (v < 0) out.push(`<path class="${cls} under" d="M${x + 8} ${y + 4} l-8 ${(rowH - 8) / 2} l8 ${(rowH - 8) / 2} z" fill="${fill}">${title}</path>`);
      else out.push(`<rect class="${cls}" x="${x}" y="${y + 4}" width="${n2(Math.max(w, 1))}" height="${rowH - 8}" fill="${fill}">${title}</rect>`);
      if (v > cap) out.push(`<path class="over" d="M${n2(x + w)} ${y + 4} l6 ${(rowH - 8) / 2} l-6 ${(rowH - 8) / 2} z" fill="${fill}"/>`);
      out.push(text(x + barW + 4, y + rowH / 2 + 3, r.texts[j]!, `class="val small${v < 0 ? ' negt' : ''}"`));
    });
  });
  out.push('</svg>');
  return out.join('');
}

/** Stacked horizontal bars (e.g. base + variable = total pay), the total printed after each. */
export function stackedBars(opts: { label: string; parts: string[]; rows: { label: string; values: number[]; text: string }[]; width?: number }): string {
  const labelW = Math.max(60, ...opts.rows.map((r) => textWidth(r.label))) + 12;
  const textW = Math.max(...opts.rows.map((r) => textWidth(r.text, 11))) + 10;
  const plotW = (opts.width ?? 640) - labelW - textW;
  const rowH = 24;
  const top = 30;
  const max = Math.max(1, ...opts.rows.map((r) => r.values.reduce((a, b) => a + Math.max(0, b), 0)));
  const width = labelW + plotW + textW;
  const height = top + opts.rows.length * rowH + 8;
  const out: string[] = [open('stacked', width, height, opts.label)];
  let lx = labelW;
  opts.parts.forEach((p, k) => {
    out.push(`<rect x="${n2(lx)}" y="6" width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`, text(lx + 16, 16, p, 'class="lbl"'));
    lx += textWidth(p) + 36;
  });
  opts.rows.forEach((r, i) => {
    const y = top + i * rowH;
    out.push(text(labelW - 8, y + rowH / 2 + 4, r.label, 'text-anchor="end" class="lbl"'));
    let x = labelW;
    r.values.forEach((v, k) => {
      const w = (Math.max(0, v) / max) * plotW;
      out.push(`<rect class="bar" x="${n2(x)}" y="${y + 4}" width="${n2(w)}" height="${rowH - 8}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(`${r.label} ${opts.parts[k]}`)}</title></rect>`);
      x += w;
    });
    out.push(text(x + 4, y + rowH / 2 + 4, r.text, 'class="val"'));
  });
  out.push('</svg>');
  return out.join('');
}
