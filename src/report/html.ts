/**
 * The HTML report page: one self-contained file (inline CSS and SVG; no script, no link, no
 * font or image fetched), built from sections of text lines, charts and tables.
 *
 * Tables show numbers as the terminal does (thousands separators) and carry the machine value
 * of each cell, exactly as the CSV export writes it, in `data-v` (with the column key in
 * `data-k` and the row's identity in the row's `data-id`), so the page can be checked against
 * `--format csv` value for value.
 */
import { columnHeader, formatCell, isNumericKind, type ColumnSpec, type Lang, type Row } from '../output/columns.js';
import { csvCell } from '../output/csv.js';
import { esc } from './svg.js';

export interface HtmlTable {
  /** data-table attribute (e.g. "segment", "rm"). */
  name: string;
  caption?: string;
  columns: ColumnSpec[];
  rows: Row[];
  /** The rows as shown (e.g. labels in the page's language), when not the machine values of `rows`. */
  display?: Row[];
  /** Keys whose values, joined by ":", identify a row (data-id). */
  idKeys: string[];
  totals?: Row;
}

export interface HtmlSection {
  id: string;
  title: string;
  /** Paragraphs before the charts. */
  lines?: string[];
  charts?: { svg: string; caption?: string }[];
  tables?: HtmlTable[];
  /** Shown in a note box (e.g. why a chart is left out). */
  notes?: string[];
}

export interface HtmlReport {
  lang: Lang;
  title: string;
  /** Lines under the title (period, data used). */
  meta: string[];
  sections: HtmlSection[];
  footer: string;
}

const CSS = `
:root{--fg:#1d2733;--muted:#5c6b7a;--line:#d8dee5;--bg:#fff;--band:#f5f7fa;--accent:#2f6db5}
*{box-sizing:border-box}
body{margin:0;background:var(--band);color:var(--fg);font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","WenQuanYi Micro Hei",Roboto,Helvetica,Arial,sans-serif}
header{background:#1f3b5c;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:24px}
header p{margin:2px 0;color:#d5e2f0;font-size:13px}
nav{background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;font-size:13px}
nav a{color:var(--accent);margin-right:18px;text-decoration:none}
main{padding:16px 32px 32px;max-width:1400px}
section{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:16px 20px;margin:16px 0}
section h2{margin:0 0 8px;font-size:18px;color:#1f3b5c}
section p{margin:4px 0;color:var(--muted)}
.charts{display:flex;flex-wrap:wrap;gap:20px;margin:12px 0}
figure{margin:0;max-width:100%;overflow-x:auto}
figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
.note{background:#fff8e6;border-left:4px solid #e0a91e;padding:8px 12px;margin:8px 0;color:#5a4a1a}
.tablewrap{overflow-x:auto;margin:10px 0}
table{border-collapse:collapse;font-size:12.5px;white-space:nowrap}
caption{text-align:left;font-weight:600;padding:4px 0;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid var(--line)}
th{background:var(--band);text-align:left;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.neg{color:#c8453c}
tr.total td{font-weight:700;border-top:2px solid #9aa7b4;background:#fbfcfd}
tbody tr:hover td{background:#f0f5fb}
footer{color:var(--muted);font-size:12px;padding:0 32px 24px}
svg.chart{font-family:inherit;font-size:12px;background:#fff;max-width:100%;height:auto}
svg .ttl{font-weight:600;font-size:13px;fill:#1f3b5c}
svg .lbl{fill:#1d2733}
svg .small{font-size:11px}
svg .val{fill:#1d2733;font-size:11px}
svg .val.inv{fill:#fff}
svg .negt{fill:#c8453c}
svg .tick{fill:#5c6b7a;font-size:10.5px}
svg .axis{stroke:#9aa7b4;stroke-width:1}
svg .grid{stroke:#eef1f4;stroke-width:1}
svg .frame{fill:none;stroke:#9aa7b4}
svg .equality{stroke:#9aa7b4;stroke-dasharray:4 3;stroke-width:1.5}
svg .target{stroke:#1d2733;stroke-dasharray:3 2;stroke-width:1}
svg rect.diag{stroke:#1d2733;stroke-width:1.5}
@media print{body{background:#fff}section{break-inside:avoid;border:none}nav{display:none}}
`;

function rowId(t: HtmlTable, r: Row): string {
  return t.idKeys.map((k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]))).join(':');
}

function cellHtml(c: ColumnSpec, v: Row[string] | undefined, text?: Row[string]): string {
  const shown = formatCell(c, text === undefined ? v ?? null : text);
  const numeric = isNumericKind(c.kind);
  const neg = numeric && typeof v === 'number' && shown.startsWith('-') && shown !== '-';
  const cls = [numeric ? 'num' : '', neg ? 'neg' : ''].filter(Boolean).join(' ');
  return `<td${cls ? ` class="${cls}"` : ''} data-k="${esc(c.key)}" data-v="${esc(csvCell(c, v))}">${esc(shown)}</td>`;
}

export function renderHtmlTable(t: HtmlTable, lang: Lang): string {
  const head = t.columns.map((c) => `<th${isNumericKind(c.kind) ? ' class="num"' : ''} scope="col">${esc(columnHeader(c, lang))}</th>`).join('');
  const body = t.rows.map((r, i) => `<tr data-id="${esc(rowId(t, r))}">${t.columns.map((c) => cellHtml(c, r[c.key], t.display?.[i]?.[c.key])).join('')}</tr>`).join('\n');
  const total = t.totals
    ? `\n<tr class="total" data-id="total">${t.columns.map((c, i) => (t.totals![c.key] === undefined && i === 0 ? `<td>${lang === 'zh' ? '合计' : 'Total'}</td>` : cellHtml(c, t.totals![c.key]))).join('')}</tr>`
    : '';
  return `<div class="tablewrap"><table data-table="${esc(t.name)}">${t.caption ? `<caption>${esc(t.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${total}\n</tbody></table></div>`;
}

export function renderHtmlReport(r: HtmlReport): string {
  const nav = r.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const sections = r.sections.map((s) => {
    const parts: string[] = [`<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>`];
    for (const l of s.lines ?? []) parts.push(`<p>${esc(l)}</p>`);
    for (const n of s.notes ?? []) parts.push(`<div class="note">${esc(n)}</div>`);
    if (s.charts?.length) {
      parts.push('<div class="charts">');
      for (const c of s.charts) parts.push(`<figure>${c.caption ? `<figcaption>${esc(c.caption)}</figcaption>` : ''}${c.svg}</figure>`);
      parts.push('</div>');
    }
    for (const t of s.tables ?? []) parts.push(renderHtmlTable(t, r.lang));
    parts.push('</section>');
    return parts.join('\n');
  });
  return `<!DOCTYPE html>
<html lang="${r.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(r.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(r.title)}</h1>
${r.meta.map((m) => `<p>${esc(m)}</p>`).join('\n')}
</header>
<nav>${nav}</nav>
<main>
${sections.join('\n')}
</main>
<footer>${esc(r.footer)}</footer>
</body>
</html>
`;
}
