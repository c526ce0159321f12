/**
 * Warnings that name an RM fold when more than five RMs share one: the first three, then a line
 * counting the rest; --verbose and warnings naming no RM are printed one by one.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warningLines } from '../../src/cli/warnings.js';
import { generate } from '../../src/samples/generate.js';
import { cleanupTmp, ROOT, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

const noTarget = (i: number, kpi = 'deposit_adb') => `RM R${i} (Name ${i}): no target for KPI ${kpi}; it pays 0`;
const PARTIAL = 'period 2026-09 is only partly covered by the data: 2026-09-01 to 2026-09-10, 10 of 30 days';

describe('warningLines', () => {
  it('five RMs with one warning: five lines, no fold', () => {
    const ws = [1, 2, 3, 4, 5].map((i) => noTarget(i));
    expect(warningLines(ws, 'en', false)).toEqual(ws);
  });

  it('400 RMs with one warning: three lines and "and 397 more" (400 − 3), in the warnings order', () => {
    const ws = Array.from({ length: 400 }, (_, i) => noTarget(i + 1));
    expect(warningLines(ws, 'en', false)).toEqual([
      noTarget(1), noTarget(2), noTarget(3),
      'and 397 more RMs: no target for KPI deposit_adb; it pays 0 (--verbose lists every one)',
    ]);
  });

  it('each warning folds apart; a warning naming no RM and a rare one stay whole', () => {
    // 7 RMs miss deposit_adb, 6 miss fee_income (both fold), 2 miss loan_adb (do not).
    const ws = [PARTIAL];
    for (let i = 1; i <= 7; i++) ws.push(noTarget(i), ...(i <= 6 ? [noTarget(i, 'fee_income')] : []), ...(i <= 2 ? [noTarget(i, 'loan_adb')] : []));
    expect(warningLines(ws, 'en', false)).toEqual([
      PARTIAL,
      noTarget(1), noTarget(1, 'fee_income'), noTarget(1, 'loan_adb'),
      noTarget(2), noTarget(2, 'fee_income'), noTarget(2, 'loan_adb'),
      noTarget(3), 'and 4 more RMs: no target for KPI deposit_adb; it pays 0 (--verbose lists every one)',
      noTarget(3, 'fee_income'), 'and 3 more RMs: no target for KPI fee_income; it pays 0 (--verbose lists every one)',
    ]);
  });

  it('--verbose: every warning', () => {
    const ws = Array.from({ length: 9 }, (_, i) => noTarget(i + 1));
    expect(warningLines(ws, 'en', true)).toEqual(ws);
  });

  it('in Chinese: the three RMs in Chinese, then the count of the other 5 (8 − 3)', () => {
    const ws = Array.from({ length: 8 }, (_, i) => noTarget(i + 1));
    const lines = warningLines(ws, 'zh', false);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('客户经理 R1（Name 1）：指标存款日均无目标，计 0');
    expect(lines[3]).toBe('另有 5 位客户经理：指标存款日均无目标，计 0（--verbose 逐条列出）');
  });
});

describe('crm rm-report: the warnings folded, every one with --verbose', () => {
  it('12 RMs over a range with no named period (so no targets): per KPI three RMs and a count, or all of them', async () => {
    const dir = tmpDir('crm-warn-');
    await generate({ out: dir, rms: 12, customers: 300, startDate: '2026-09-01', days: 3, txns: 2000, seed: 5, corporateShare: 0.2 });
    const db = join(dir, 'crm.db');
    expect(runCrm(['--db', db, 'import', ...['rms.csv', 'customers.csv', 'fx_rates.csv', 'accounts', 'transactions.csv'].map((f) => join(dir, f))]).code).toBe(0);
    const args = ['--db', db, 'rm-report', '--from', '2026-09-01', '--to', '2026-09-03', '--plan', join(ROOT, 'samples', 'plan.yaml'), '--format', 'csv', '--out', join(dir, 'o.csv')];
    const all = runCrm([...args, '--verbose']);
    const folded = runCrm(args);
    expect([all.code, folded.code]).toEqual([0, 0]);
    const warnings = (t: string) => t.split('\n').filter((l) => l.startsWith('crm: warning: ')).map((l) => l.slice('crm: warning: '.length));
    // Per KPI, how many RMs --verbose names; the folded run: min(n, 3) of them and, past 5, "and n − 3 more".
    const perKpi = new Map<string, number>();
    for (const w of warnings(all.stderr)) {
      const kpi = /no target for KPI (\S+);/.exec(w)?.[1];
      if (kpi) perKpi.set(kpi, (perKpi.get(kpi) ?? 0) + 1);
    }
    expect([...perKpi.values()].some((n) => n > 5)).toBe(true);
    expect(warnings(all.stderr).some((w) => w.startsWith('and '))).toBe(false);
    const shown = warnings(folded.stderr);
    for (const [kpi, n] of perKpi) {
      const named = shown.filter((w) => w.startsWith('RM ') && w.includes(`KPI ${kpi};`)).length;
      const more = shown.filter((w) => w === `and ${n - 3} more RMs: no target for KPI ${kpi}; it pays 0 (--verbose lists every one)`).length;
      expect([kpi, named, more]).toEqual([kpi, n > 5 ? 3 : n, n > 5 ? 1 : 0]);
    }
  }, 60_000);
});
