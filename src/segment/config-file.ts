/**
 * Shared helpers for small user-editable configuration files (tiers, pricing).
 * Pure: the caller reads the file and passes its text and name.
 */
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';

export type Obj = Record<string, unknown>;

/** Parse JSON (file name ends in .json) or YAML (anything else) into a top-level mapping. */
export function parseConfigText(text: string, fileName: string): Obj {
  let data: unknown;
  try {
    data = /\.json$/i.test(fileName) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`${fileName}: cannot parse file: ${msg}`);
  }
  if (data === null || data === undefined) throw new UsageError(`${fileName}: file is empty`);
  if (!isObj(data)) throw new UsageError(`${fileName}: top level must be a mapping of keys to values`);
  return data;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field-path aware validator that throws UsageError naming the file and the field. */
export class FieldReader {
  constructor(readonly fileName: string) {}

  fail(field: string, problem: string): never {
    throw new UsageError(`${this.fileName}: field ${field}: ${problem}`);
  }

  obj(v: unknown, field: string): Obj {
    if (!isObj(v)) this.fail(field, 'must be a mapping');
    return v;
  }

  /** Reject keys not in `allowed`. */
  keys(o: Obj, field: string | null, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const path = field ? `${field}.${k}` : k;
        this.fail(path, `unknown key (expected one of: ${allowed.join(', ')})`);
      }
    }
  }

  num(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a number, got ${show(v)}`);
    return v;
  }

  /** A rate given as a fraction (0.02) or a percent string ("2%"). */
  rate(v: unknown, field: string, min: number, max: number): number {
    let r: number;
    if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*%\s*$/.test(v)) {
      r = Number(v.trim().replace('%', '').trim()) / 100;
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      r = v;
    } else {
      this.fail(field, `must be a fraction (0.02) or a percent string ("2%"), got ${show(v)}`);
    }
    if (r < min || r > max) {
      this.fail(field, `must be between ${min} and ${max} as a fraction (write 0.02 or "2%" for 2%), got ${show(v)}`);
    }
    return r;
  }

  /** An amount in CNY with at most 2 decimals, returned in fen (exact integer). */
  cnyToFen(v: unknown, field: string): number {
    const n = this.num(v, field);
    const fen = Math.round(n * 100);
    if (Math.abs(n * 100 - fen) > 1e-6) this.fail(field, `CNY amount must have at most 2 decimals, got ${show(v)}`);
    return fen;
  }

  str(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, `must be a non-empty text, got ${show(v)}`);
    return v.trim();
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** ceil(share × n) robust to binary floating error (0.3 × 10 = 3.0000000000000004 must give 3). */
export function ceilShare(share: number, n: number): number {
  return Math.ceil(Math.round(share * n * 1e6) / 1e6);
}
