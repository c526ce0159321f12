/**
 * Report periods: `2026`, `2026-H2`, `2026-Q3`, `2026-09`, or an explicit --from/--to range.
 * A named period pays its calendar months (12, 6, 3, 1); a range pays days × 12 ÷ 365 months.
 */
import { UsageError } from '../errors.js';
import { daysBetween } from '../metrics/engine.js';

export interface Period {
  /** The period string targets are looked up by (null: a range that is no named period). */
  name: string | null;
  from: string;
  to: string;
  /** Months for pro-rating pay. */
  months: number;
  /** How `months` was worked out, for the report (in English and Chinese). */
  monthsRule: string;
  monthsRuleZh: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m: 1..12

function span(y: number, m1: number, m2: number): { from: string; to: string } {
  return { from: `${y}-${pad(m1)}-01`, to: `${y}-${pad(m2)}-${pad(lastDay(y, m2))}` };
}

/** Parses a named period; null when `text` is not one. */
export function namedPeriod(text: string): Period | null {
  const s = text.trim().toUpperCase();
  let m: RegExpExecArray | null;
  const mk = (name: string, y: number, m1: number, m2: number): Period => {
    const months = m2 - m1 + 1;
    return { name, ...span(y, m1, m2), months, monthsRule: `${months} calendar month${months > 1 ? 's' : ''} in ${name}`, monthsRuleZh: `${name} 共 ${months} 个自然月` };
  };
  if ((m = /^(\d{4})$/.exec(s))) return mk(m[1], Number(m[1]), 1, 12);
  if ((m = /^(\d{4})-H([12])$/.exec(s))) return mk(`${m[1]}-H${m[2]}`, Number(m[1]), m[2] === '1' ? 1 : 7, m[2] === '1' ? 6 : 12);
  if ((m = /^(\d{4})-Q([1-4])$/.exec(s))) { const q = Number(m[2]); return mk(`${m[1]}-Q${q}`, Number(m[1]), q * 3 - 2, q * 3); }
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12) return mk(`${m[1]}-${m[2]}`, Number(m[1]), mo, mo);
  }
  return null;
}

export function parsePeriod(text: string): Period {
  const p = namedPeriod(text);
  if (!p) throw new UsageError(`--period: expected a year (2026), half (2026-H2), quarter (2026-Q3) or month (2026-09), got "${text}"`);
  return p;
}

export function parseIsoDate(text: string, option: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) < 1 || Number(m[3]) > lastDay(Number(m[1]), Number(m[2]))) {
    throw new UsageError(`${option}: expected a date YYYY-MM-DD, got "${text}"`);
  }
  return text.trim();
}

/**
 * A --from/--to range. Its targets are looked up under `targetsPeriod` when given, else under the
 * named period the range matches exactly (2026-07-01..2026-09-30 → 2026-Q3), else none.
 */
export function rangePeriod(from: string, to: string, targetsPeriod?: string): Period {
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const days = daysBetween(from, to);
  let name: string | null = null;
  const y = from.slice(0, 4);
  for (const cand of [y, `${y}-H1`, `${y}-H2`, `${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`, from.slice(0, 7)]) {
    const p = namedPeriod(cand);
    if (p && p.from === from && p.to === to) name = p.name;
  }
  if (targetsPeriod !== undefined) {
    const p = namedPeriod(targetsPeriod);
    name = p ? p.name : targetsPeriod.trim();
  }
  const months = (days * 12) / 365;
  return { name, from, to, months, monthsRule: `${days} days × 12 ÷ 365 = ${Number(months.toFixed(4))} months`, monthsRuleZh: `${days} 天 × 12 ÷ 365 = ${Number(months.toFixed(4))} 个月` };
}
