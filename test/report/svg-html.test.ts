/** The pure chart and page functions of src/report: geometry worked out by hand, escaping, CSV values in data-v. */
import { describe, expect, it } from 'vitest';
import { barPanels, esc, heatColor, heatMap, lorenzPoints, rfmMap } from '../../src/report/svg.js';
import { renderHtmlReport, renderHtmlTable } from '../../src/report/html.js';
import type { ColumnSpec } from '../../src/output/index.js';

describe('svg charts', () => {
  it('Lorenz points: cumulative shares of ascending values', () => {
    // values 1, 3, 6 (total 10): (0,0) (1/3, 0.1) (2/3, 0.4) (1, 1)
    expect(lorenzPoints([6, 1, 3])).toEqual([[0, 0], [1 / 3, 0.1], [2 / 3, 0.4], [1, 1]]);
    expect(lorenzPoints([])).toEqual([[0, 0], [1, 1]]);
    expect(lorenzPoints(Array.from({ length: 1000 }, (_, i) => i)).length).toBeLessThanOrEqual(202);
  });

  it('Lorenz points of many values: every step-th cumulative share, from a typed array, any order', () => {
    // 1, 2, …, 1000 in descending order; total 1000·1001/2 = 500500. 200 points → step 5:
    // (0,0), (5/1000, 15/500500), …, (500/1000, 500·501/2 / 500500 = 125250/500500), …, (1, 1).
    const values = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const pts = lorenzPoints(values);
    expect(pts).toHaveLength(201);
    expect(pts[0]).toEqual([0, 0]);
    expect(pts[1]).toEqual([5 / 1000, 15 / 500500]);
    expect(pts[100]).toEqual([500 / 1000, 125250 / 500500]);
    expect(pts[200]).toEqual([1, 1]);
    // 7 values, 3 points → step 3: (0,0), (3/7, 1+2+3 = 6/28), (6/7, 21/28), then (1, 1) added.
    expect(lorenzPoints([7, 6, 5, 4, 3, 2, 1], 3)).toEqual([[0, 0], [3 / 7, 6 / 28], [6 / 7, 21 / 28], [1, 1]]);
  });

  it('bars: one rect per value, widths proportional, negatives red and leftwards', () => {
    const svg = barPanels({ label: 'x', panels: [{ title: 'T', bars: [{ label: 'a', value: 100, text: '100' }, { label: 'b', value: 50, text: '50' }, { label: 'c', value: -50, text: '-50' }] }], panelWidth: 300 });
    const widths = [...svg.matchAll(/<rect class="bar[^"]*" x="[^"]*" y="[^"]*" width="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(3);
    expect(widths[0]! / widths[1]!).toBeCloseTo(2, 3);
    expect(widths[1]).toBeCloseTo(widths[2]!, 1);
    expect(svg).toContain('class="bar neg"');
    expect(svg).toMatch(/^<svg class="chart bars"[^>]* role="img" aria-label="x"/);
  });

  it('bars on a shared scale: a panel given max and valueWidth draws value ÷ max of the plot; a bar above max is clipped with an arrow', () => {
    // Plot width = panel 300 − value room 60 = 240: 50 of max 200 is 60 wide; 300 is clipped to 240.
    const svg = barPanels({ label: 'x', panels: [{ title: 'T', max: 200, valueWidth: 60, bars: [{ label: 'a', value: 50, text: '50' }, { label: 'b', value: 300, text: '300' }] }], panelWidth: 300 });
    const widths = [...svg.matchAll(/<rect class="bar[^"]*" x="[^"]*" y="[^"]*" width="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([50 / 200 * 240, 240]);
    expect(svg).toContain('class="bar clipped"');
    expect(svg.match(/<path class="over"/g)).toHaveLength(1);
    expect(svg).toContain('>300</text>');
  });

  it('heat map: cell colour from white (0) to dark (max), diagonal outlined', () => {
    expect(heatColor(0, 10)).toBe('rgb(247,251,255)');
    expect(heatColor(10, 10)).toBe('rgb(33,84,160)');
    const svg = heatMap({ label: 'm', rowLabels: ['A', 'B'], colLabels: ['A', 'B'], values: [[3, 1], [0, 2]], rowTitle: 'r', colTitle: 'c', diagonal: true });
    expect(svg.match(/<rect class="cell/g)).toHaveLength(4);
    expect(svg.match(/class="cell diag"/g)).toHaveLength(2);
    expect(svg).toContain('<title>A → B: 1</title>');
  });

  it('RFM map: 25 cells, counts shown, legend per segment', () => {
    const cells = Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, f) => ({ count: r === 4 && f === 4 ? 7 : 0, segment: r === 4 && f === 4 ? 'champions' : null })));
    const svg = rfmMap({ label: 'rfm', cells, segments: [{ code: 'champions', label: 'Champions', customers: 7 }, { code: 'lost', label: 'Lost', customers: 0 }], xTitle: 'R', yTitle: 'F' });
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(25);
    expect(svg).toContain('<title>R 5, F 5: 7 (Champions)</title>');
    expect(svg).toContain('>Champions 7</text>');
  });

  it('escapes text', () => {
    expect(esc(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = barPanels({ label: '<script>', panels: [{ title: 'T', bars: [{ label: '<b>', value: 1, text: '1' }] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
  });
});

describe('html page', () => {
  const cols: ColumnSpec[] = [
    { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
    { key: 'pay', header: 'Pay', headerZh: '薪酬', kind: 'money' },
    { key: 'att', header: 'Att.', kind: 'percent' },
  ];
  it('cells: display text with separators, data-v = the CSV value, negatives marked, formula text neutralised', () => {
    const t = renderHtmlTable({ name: 'rm', columns: cols, idKeys: ['rm_id'], rows: [{ rm_id: 'R1', pay: 123456789.5, att: 1.0345678 }, { rm_id: '=cmd', pay: -150, att: null }], totals: { pay: 123456639.5 } }, 'en');
    expect(t).toContain('<tr data-id="R1"><td data-k="rm_id" data-v="R1">R1</td><td class="num" data-k="pay" data-v="1234567.90">1,234,567.90</td><td class="num" data-k="att" data-v="1.034568">103.46%</td></tr>');
    expect(t).toContain('<td class="num neg" data-k="pay" data-v="-1.50">-1.50</td>');
    expect(t).toContain('data-v="&#39;=cmd">=cmd</td>');
    expect(t).toContain('<tr class="total" data-id="total"><td>Total</td><td class="num" data-k="pay" data-v="1234566.40">1,234,566.40</td>');
    expect(renderHtmlTable({ name: 'rm', columns: cols, idKeys: ['rm_id'], rows: [], totals: {} }, 'zh')).toContain('<th scope="col">客户经理</th>');
  });

  it('page: lang attribute, title, sections in order, no script', () => {
    const page = renderHtmlReport({ lang: 'zh', title: '报告 <1>', meta: ['m'], footer: 'f', sections: [{ id: 'a', title: 'A', notes: ['n'] }, { id: 'b', title: 'B', lines: ['l'] }] });
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<title>报告 &lt;1&gt;</title>');
    expect(page.indexOf('<section id="a">')).toBeLessThan(page.indexOf('<section id="b">'));
    expect(page).toContain('<div class="note">n</div>');
    expect(page).not.toMatch(/<script/i);
  });
});
