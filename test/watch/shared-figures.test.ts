/**
 * What crm report shares between its sections gives the numbers each section computes on its own:
 * channels of a month that is the tier window read from the population's counts (against the
 * month's own query), the call list's windows that are the tier window from the population's AUM
 * ADB (against their own sums), and RFM over the population's directory with inputs made elsewhere (the
 * report thread) against RFM reading its own. On the hand-built branch of watch-fixture.ts:
 * as of 2026-06-30, a 30-day tier window is 06-01 … 06-30, the month of June.
 */
import { idList } from '../../src/db/columns.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/connection.js';
import { DataError } from '../../src/errors.js';
import { activityWindow, tierPopulation, type TierPopulation } from '../../src/segment/report.js';
import { rfmReport } from '../../src/segment/rfm-report.js';
import { rfmInputs } from '../../src/metrics/rfm-inputs.js';
import { channelsReport, watchInputs, watchList } from '../../src/watch/report.js';
import { defaultRules } from '../../src/watch/rules.js';
import type { WatchCustomer } from '../../src/watch/signals.js';
import { cleanupTmp, runCrm, tmpDir } from '../helpers.js';
import { AS_OF, writeWatchFixture } from './watch-fixture.js';

let db: Db;
let pop: TierPopulation;
const params = { asOf: AS_OF, windowDays: 30 };

beforeAll(() => {
  const dir = tmpDir();
  const file = join(dir, 'crm.db');
  const r = runCrm(['--db', file, 'import', ...writeWatchFixture(dir)], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  db = openDb(file, { readonly: true });
  pop = tierPopulation(db, params);
});
afterAll(() => {
  db.close();
  cleanupTmp();
});

describe('channels of the month that is the tier window', () => {
  it('the population\'s counts give what the month\'s own query gives', () => {
    expect(pop.period.window).toMatchObject({ from: '2026-06-01', to: '2026-06-30' });
    const shared = channelsReport(db, { ...params, population: pop }, 2);
    // The same population with a window that is no month: June counted by its own query.
    const other = { ...pop, period: { ...pop.period, window: { ...pop.period.window, from: '2026-06-02' } } };
    const own = channelsReport(db, { ...params, population: other }, 2);
    expect(shared.months).toEqual(['2026-05', '2026-06']);
    expect(shared.rows).toEqual(own.rows);
    expect(shared.moves).toEqual(own.moves);
    // Not all zeros: June's VIP customers use e-banking twice and self-service once (see test/cli/watch.test.ts);
    // K_CORP moved from the counter (May) to e-banking (June).
    const june = shared.rows.filter((r) => r.month === '2026-06');
    expect(june.reduce((n, r) => n + r.e_banking, 0)).toBeGreaterThanOrEqual(3);
    expect(shared.moves.reduce((n, m) => n + m.moved, 0)).toBe(1);
  });
});

describe('the call list\'s windows that are the tier window', () => {
  it('take the population\'s AUM ADB: the same figures and rows as their own sums', () => {
    const rules = defaultRules();
    const other = { ...pop, period: { ...pop.period, window: { ...pop.period.window, from: '2026-06-02' } } };
    const figures = (population: TierPopulation) => {
      const out: WatchCustomer[] = [];
      watchInputs(db, { ...params, rules, population }).eachCustomer((c) => out.push(c));
      return out;
    };
    const shared = figures(pop);
    const own = figures(other);
    expect(shared).toEqual(own);
    // The last 30 days (attrition and upgrade) are the tier window: C_ATTR holds 70,000.00 CNY from 06-01 to 06-30,
    // its ADB 70,000.00 × 30 ÷ 30 = 70,000.00 CNY = 7,000,000 fen, the population's AUM ADB too.
    const attr = shared.find((c) => c.customer_id === 'C_ATTR')!;
    expect(attr.attrition_recent).toBe(7_000_000);
    expect(attr.aum_adb).toBe(attr.attrition_recent);
    expect(watchList(db, { ...params, rules, population: pop }).rows).toEqual(watchList(db, { ...params, rules, population: other }).rows);
  });
});

describe('RFM over the population\'s directory with inputs from elsewhere', () => {
  it('equals RFM reading its own directory and inputs', () => {
    const year = activityWindow(AS_OF);
    const own = rfmReport(db, params);
    const shared = rfmReport(db, params, { directory: pop.table, inputs: rfmInputs(db, AS_OF, year.from, year.to) });
    expect(shared.sections).toEqual(own.sections);
    expect(own.sections.reduce((n, s) => n + s.customers.position.length, 0)).toBeGreaterThan(5);
    // The walk with names reads the same customers.
    for (const s of own.sections) expect([...shared.eachCustomer(shared.sections.find((x) => x.customer_type === s.customer_type)!)]).toEqual([...own.eachCustomer(s)]);
  });

  it('inputs over another directory (the customers table changed in between): an error, not wrong positions', () => {
    const year = activityWindow(AS_OF);
    const inputs = rfmInputs(db, AS_OF, year.from, year.to);
    const n = pop.table.ids.length;
    const shorter = { ids: idList(Array.from({ length: n - 1 }, (_, i) => pop.table.ids.at(i + 1))), corporate: pop.table.corporate.slice(1) };
    expect(() => rfmReport(db, params, { directory: shorter, inputs })).toThrow(DataError);
    expect(() => rfmReport(db, params, { directory: shorter, inputs })).toThrow('the customers table changed while the report was computed: run it again');
  });
});
