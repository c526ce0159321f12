/**
 * Number and text formatting for display. Money is carried in fen (1/100 CNY) and may be
 * fractional (ADB-derived values); it is rounded exactly once, here, half away from zero
 * to 0.01 CNY (metrics.md).
 */
import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Multiply `x` by 10^n using decimal-string exponent arithmetic, so that the shortest
 * decimal representation of `x` is what gets shifted (1.005 -> 100.5, not 100.49999999999999).
 */
function shiftDecimal(x: number, n: number): number {
  if (n === 0 || !Number.isFinite(x) || x === 0) return x;
  const [mantissa, exp] = String(x).split('e');
  return Number(`${mantissa}e${Number(exp ?? 0) + n}`);
}

/**
 * Round half away from zero to `decimals` places (0..15; negative rounds to tens, hundreds...).
 * Robust against binary float error: 1.005 -> 1.01, -2.5 -> -3, and values a few ULPs below a
 * tie (e.g. 1234.4999999999998 produced by float arithmetic) are treated as the tie.
 * Never returns -0.
 */
export function roundHalfAwayFromZero(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(decimals)) throw new RangeError(`decimals must be an integer, got ${decimals}`);
  const sign = x < 0 ? -1 : 1;
  const scaled = shiftDecimal(Math.abs(x), decimals);
  let whole = Math.floor(scaled);
  const frac = scaled - whole;
  // Tolerance of a few ULPs of the scaled value (capped at 1e-4 of the last kept digit):
  // absorbs accumulated float error just below a tie without biasing ordinary values.
  const tol = Math.min(Number.EPSILON * Math.max(1, scaled) * 4, 1e-4);
  if (frac >= 0.5 - tol) whole += 1;
  const result = sign * shiftDecimal(whole, -decimals);
  return result === 0 ? 0 : result;
}

/** Insert "," every three digits of a string of digits. */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Fixed-point rendering of an already-rounded value with exactly `decimals` places.
 * Uses string arithmetic on the integer of minor units, so no float error leaks in.
 */
function fixed(x: number, decimals: number, separators: boolean): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const d = Math.max(0, decimals);
  const units = roundHalfAwayFromZero(x, d); // value rounded
  const minor = Math.abs(shiftDecimal(units, d)); // integer of minor units
  const negative = units < 0;
  let digits = BigInt(Math.round(minor)).toString();
  if (d > 0) digits = digits.padStart(d + 1, '0');
  const intPart = d > 0 ? digits.slice(0, -d) : digits;
  const fracPart = d > 0 ? digits.slice(-d) : '';
  const body = (separators ? groupDigits(intPart) : intPart) + (d > 0 ? `.${fracPart}` : '');
  return negative ? `-${body}` : body;
}

export interface MoneyFormatOptions {
  /** Thousands separators ("1,234.50"). Default true. */
  separators?: boolean;
}

/**
 * Fen -> CNY text with exactly 2 decimals, rounded half away from zero.
 * 123456789.5 fen -> "1,234,567.90" (separators) / "1234567.90" (plain); -0.4 fen -> "0.00".
 * No currency symbol (column headers say CNY). Non-finite input -> "NaN" / "Infinity".
 */
export function formatMoney(fen: number, opts: MoneyFormatOptions = {}): string {
  if (!Number.isFinite(fen)) return nonFinite(fen);
  const wholeFen = roundHalfAwayFromZero(fen, 0);
  if (!Number.isSafeInteger(wholeFen)) return fixed(wholeFen / 100, 2, opts.separators ?? true);
  // Whole fen: yuan and cents by exact integer arithmetic (a detail report formats ~10^6 of these).
  const abs = Math.abs(wholeFen);
  const cents = abs % 100;
  const yuan = String((abs - cents) / 100);
  const body = `${opts.separators ?? true ? groupDigits(yuan) : yuan}.${cents < 10 ? '0' : ''}${cents}`;
  return wholeFen < 0 ? `-${body}` : body;
}

/** Fen -> yuan number rounded half away from zero to 0.01 (for JSON output). */
export function fenToYuan(fen: number): number {
  if (!Number.isFinite(fen)) return fen;
  const r = roundHalfAwayFromZero(fen, 0) / 100;
  return r === 0 ? 0 : r;
}

/** Fraction -> percent text: 0.123456 -> "12.35%"; decimals default 2. */
export function formatPercent(fraction: number, decimals = 2): string {
  if (!Number.isFinite(fraction)) return nonFinite(fraction);
  return `${fixed(shiftDecimal(fraction, 2), decimals, false)}%`;
}

/** Integer with thousands separators (default on), rounding half away from zero: 1234567 -> "1,234,567". */
export function formatInt(n: number, opts: { separators?: boolean } = {}): string {
  return fixed(n, 0, opts.separators ?? true);
}

/** Plain decimal number with `decimals` places (default 2) and thousands separators (default on). */
export function formatNumber(n: number, decimals = 2, opts: { separators?: boolean } = {}): string {
  return fixed(n, decimals, opts.separators ?? true);
}

// ---------------------------------------------------------------------------------------------
// Display width (terminal columns)
// ---------------------------------------------------------------------------------------------

/** Zero-width: combining marks, enclosing marks, ZWSP/ZWNJ/ZWJ, bidi marks, variation selectors, BOM. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]$/u;
// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Remove ANSI escape sequences (SGR colours, OSC hyperlinks). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_PATTERN, '');
}

/**
 * Terminal columns occupied by `s`: East Asian Wide/Fullwidth characters (CJK, ￥, full-width
 * punctuation, emoji in emoji presentation) count 2, combining marks and control characters 0,
 * everything else 1. ANSI escape sequences are ignored. Ambiguous-width characters (─, ·, °)
 * count 1. The Wide/Fullwidth data is get-east-asian-width's (Unicode's EastAsianWidth.txt);
 * not string-width, which segments graphemes and is ~19x slower per CJK cell
 * (docs/architecture.md, "Dependencies and why").
 */
/** A code point that takes two terminal columns (Wide or Fullwidth). */
function isWide(cp: number): boolean {
  return cp >= 0x1100 && eastAsianWidth(cp) === 2;
}

export function displayWidth(s: string): number {
  const plain = stripAnsi(s);
  let width = 0;
  for (const ch of plain) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue; // control characters
    if (cp >= 0x300 && ZERO_WIDTH.test(ch)) continue;
    width += cp < 0x1100 ? 1 : eastAsianWidth(cp);
  }
  return width;
}

export type Align = 'left' | 'right' | 'center';

/**
 * Pad `s` with spaces to `width` display columns. Never truncates: a string already wider
 * than `width` is returned unchanged.
 */
export function padDisplay(s: string, width: number, align: Align = 'left'): string {
  const gap = width - displayWidth(s);
  if (gap <= 0) return s;
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + s + ' '.repeat(gap - left);
  }
  return s + ' '.repeat(gap);
}

/**
 * Make untrusted text safe for a single terminal line: tabs/newlines become spaces, other
 * control characters (including ESC, so no injected ANSI sequences) are removed.
 */
export function sanitizeForTerminal(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\t\n\r\v\f]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Wrapping
// ---------------------------------------------------------------------------------------------

/** No line may start with these (closing punctuation) … */
const NO_LINE_START = /^[，。；：、！？）」』】》,.;:!?)\]%]/;
/** … nor end with these (opening punctuation). */
const NO_LINE_END = /[（「『【《(\[]$/;

/**
 * Break points of `s`: ASCII runs between spaces (words, numbers, "1,234.50", "2026-11-01") stay
 * whole; each wide (CJK) character is a unit of its own, kept with the punctuation around it.
 */
function wrapUnits(s: string): { text: string; space: boolean }[] {
  const units: { text: string; space: boolean }[] = [];
  let space = false;
  const tokens: string[] = [];
  for (const ch of s) {
    const last = tokens.length - 1;
    const narrow = ch !== ' ' && !isWide(ch.codePointAt(0)!);
    if (ch === ' ' ? tokens[last] === ' ' : narrow && last >= 0 && tokens[last] !== ' ' && !isWide(tokens[last]!.codePointAt(0)!)) tokens[last] += ch === ' ' ? '' : ch;
    else tokens.push(ch);
  }
  for (const t of tokens) {
    if (t === ' ') { space = true; continue; }
    const prev = units[units.length - 1];
    // Glue closing punctuation to what precedes it and anything to an opening mark before it.
    if (prev && !space && (NO_LINE_START.test(t) || NO_LINE_END.test(prev.text))) prev.text += t;
    else units.push({ text: t, space });
    space = false;
  }
  return units;
}

/**
 * `s` in lines of at most `width` display columns, broken at spaces and between Chinese
 * characters, never inside a number or word (a unit wider than `width` gets a line of its own).
 */
export function wrapText(s: string, width: number): string[] {
  if (width <= 0 || displayWidth(s) <= width) return [s];
  const lines: string[] = [];
  let line = '';
  let w = 0;
  for (const u of wrapUnits(s)) {
    const sep = line !== '' && u.space ? ' ' : '';
    const uw = displayWidth(u.text);
    if (line !== '' && w + sep.length + uw > width) {
      lines.push(line);
      line = u.text;
      w = uw;
    } else {
      line += sep + u.text;
      w += sep.length + uw;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * A stored instant (ISO text, UTC) in the local time zone with its offset:
 * "2026-12-02T06:25:49.123Z" under TZ=Asia/Shanghai → "2026-12-02 14:25:49 +08:00".
 * Text that is no date is returned as it is.
 */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
}
