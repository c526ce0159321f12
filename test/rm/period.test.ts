import { describe, expect, it } from 'vitest';
import { parsePeriod, rangePeriod } from '../../src/rm/period.js';
import { UsageError } from '../../src/errors.js';

describe('periods', () => {
  it('named periods: bounds and calendar months', () => {
    expect(parsePeriod('2026')).toMatchObject({ name: '2026', from: '2026-01-01', to: '2026-12-31', months: 12 });
    expect(parsePeriod('2026-H2')).toMatchObject({ name: '2026-H2', from: '2026-07-01', to: '2026-12-31', months: 6 });
    expect(parsePeriod('2026-q3')).toMatchObject({ name: '2026-Q3', from: '2026-07-01', to: '2026-09-30', months: 3 });
    expect(parsePeriod('2026-09')).toMatchObject({ name: '2026-09', from: '2026-09-01', to: '2026-09-30', months: 1 });
    expect(parsePeriod('2028-02')).toMatchObject({ to: '2028-02-29' }); // leap year
  });
  it('bad periods are usage errors', () => {
    for (const p of ['2026-13', '2026-Q5', '26', '2026-H3', 'Q3']) expect(() => parsePeriod(p)).toThrow(UsageError);
  });
  it('ranges: days × 12 / 365 months; targets period from an exact match or --targets-period', () => {
    const r = rangePeriod('2026-09-16', '2026-09-30');
    expect(r.months).toBeCloseTo((15 * 12) / 365, 12); // 15 days
    expect(r.name).toBeNull();
    expect(rangePeriod('2026-07-01', '2026-09-30').name).toBe('2026-Q3');
    expect(rangePeriod('2026-07-01', '2026-09-30').months).toBeCloseTo((92 * 12) / 365, 12);
    expect(rangePeriod('2026-09-16', '2026-09-30', '2026-09').name).toBe('2026-09');
    expect(() => rangePeriod('2026-09-30', '2026-09-01')).toThrow(UsageError);
  });
});
