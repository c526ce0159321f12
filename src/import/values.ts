/**
 * Parsing of the value forms the data contract accepts. Each parser returns the
 * normalised value or throws ValueError with a reason fit for a rejects file.
 * Money is parsed from text straight to integer fen: never through a float.
 */
export class ValueError extends Error {}

const CURRENCY_SIGNS = /^[¥￥$]/;

/** "1,234.50", "-12.00", "(12.00)", "¥1,234.5", " 12 " → integer minor units (fen). */
export function parseAmount(raw: string): number {
  const fast = plainAmount(raw);
  if (fast !== undefined) return fast;
  let s = raw.trim();
  if (s === '') throw new ValueError('empty amount');
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  // At most one sign, and none inside parentheses: "--5" and "(-5)" are not amounts.
  let signed = negative;
  if (!signed && (s.startsWith('-') || s.startsWith('+'))) { negative = s[0] === '-'; signed = true; s = s.slice(1).trim(); }
  if (CURRENCY_SIGNS.test(s)) s = s.slice(1).trim();
  // A sign may also follow the currency sign: "¥-12.00".
  if (!signed && s.startsWith('-')) { negative = true; s = s.slice(1).trim(); }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(s) ?? /^()\.(\d+)$/.exec(s);
  if (!m) throw new ValueError(`not an amount: "${raw}"`);
  const intPart = m[1].replace(/,/g, '') || '0';
  const frac = m[2] ?? '';
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) {
    throw new ValueError(`more than 2 decimal places: "${raw}"`);
  }
  if (intPart.length > 13) throw new ValueError(`amount too large: "${raw}"`);
  const fen = Number(intPart) * 100 + Number((frac + '00').slice(0, 2));
  return negative && fen !== 0 ? -fen : fen;
}

/** Fast path for the common form "-123.45" (no separators, signs or spaces); undefined otherwise. */
function plainAmount(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 17) return undefined;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return undefined;
    neg = true;
    i = 1;
  }
  let int = 0;
  const start = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) break;
    if (c < 48 || c > 57) return undefined;
    int = int * 10 + (c - 48);
  }
  const digits = i - start;
  if (digits === 0 || digits > 13) return undefined;
  let frac = 0;
  if (i < n) {
    const fl = n - i - 1;
    if (fl < 1 || fl > 2) return undefined;
    for (let j = i + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) return undefined;
      frac = frac * 10 + (c - 48);
    }
    if (fl === 1) frac *= 10;
  }
  const v = int * 100 + frac;
  return neg && v !== 0 ? -v : v;
}

/** ISO dates already validated (exports repeat the same few dates millions of times). */
const validIsoDates = new Set<string>();
/** The day of the last date-time the fast path accepted, a member of validIsoDates (at first longer than any value it is tried on: no match). */
let lastDay = '-'.repeat(20);

function isIsoShape(s: string): boolean {
  return s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45;
}

/** A plain decimal (rates, targets): "3.5", "1,000", "12%"-free. */
export function parseDecimal(raw: string): number {
  const s = raw.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) throw new ValueError(`not a number: "${raw}"`);
  return Number(s);
}

function isoDate(y: number, m: number, d: number, raw: string): string {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1000 || y > 9999) {
    throw new ValueError(`not a calendar date: "${raw}"`);
  }
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function daysInMonth(y: number, m: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

export interface DateOptions {
  /** A mapping's source format, e.g. "YYMMDD", "DD.MM.YYYY", "YYYY/M/D". */
  format?: string;
  /** Two-digit years below the pivot are 20xx, the rest 19xx. */
  pivot?: number;
}

/** YYYY-MM-DD, YYYYMMDD, YYYY/M/D (or a mapping's format) → ISO YYYY-MM-DD. */
export function parseDate(raw: string, opts: DateOptions = {}): string {
  if (!opts.format && validIsoDates.has(raw)) return raw;
  const s = raw.trim();
  if (opts.format) return parseWithFormat(s, opts.format, opts.pivot ?? 50, raw);
  if (isIsoShape(s) && validIsoDates.has(s)) return s;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s) ?? /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new ValueError(s === '' ? 'empty date' : `not a date (expected YYYY-MM-DD): "${raw}"`);
  const iso = isoDate(+m[1], +m[2], +m[3], raw);
  if (validIsoDates.size < 100_000) validIsoDates.add(iso);
  return iso;
}

const FORMAT_TOKENS: Record<string, string> = { YYYY: '(\\d{4})', YY: '(\\d{2})', MM: '(\\d{2})', M: '(\\d{1,2})', DD: '(\\d{2})', D: '(\\d{1,2})' };

function parseWithFormat(s: string, format: string, pivot: number, raw: string): string {
  const order: string[] = [];
  const pattern = format.replace(/YYYY|YY|MM|M|DD|D|[.*+?^${}()|[\]\\]/g, (tok) => {
    if (FORMAT_TOKENS[tok]) { order.push(tok); return FORMAT_TOKENS[tok]; }
    return '\\' + tok;
  });
  // Tolerate a trailing time part ("940101 00:00:00") as some exports append one.
  const m = new RegExp(`^${pattern}(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2})?)?$`).exec(s);
  if (!m) throw new ValueError(s === '' ? 'empty date' : `not a date in format ${format}: "${raw}"`);
  let y = 0, mo = 0, d = 0;
  order.forEach((tok, i) => {
    const v = +m[i + 1];
    if (tok === 'YYYY') y = v;
    else if (tok === 'YY') y = v < pivot ? 2000 + v : 1900 + v;
    else if (tok[0] === 'M') mo = v;
    else d = v;
  });
  return isoDate(y, mo, d, raw);
}

/**
 * A date or datetime → "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". ISO 8601 with T, fractional
 * seconds and a zone are accepted; the local clock time as written is kept (the zone is dropped).
 */
export function parseDateTime(raw: string, opts: DateOptions = {}): string {
  // Fast path: "YYYY-MM-DD HH:MM:SS" with an already validated date.
  if (!opts.format && raw.length === 19 && raw.charCodeAt(10) === 32 && raw.charCodeAt(13) === 58 && raw.charCodeAt(16) === 58) {
    // Rows of a file mostly share the previous row's day: checked without cutting it out.
    let known = raw.startsWith(lastDay);
    if (!known) {
      const day = raw.slice(0, 10);
      if ((known = validIsoDates.has(day))) lastDay = day;
    }
    const h = twoDigits(raw, 11), mi = twoDigits(raw, 14), se = twoDigits(raw, 17);
    if (known && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59) return raw;
  }
  const s = raw.trim();
  const m = /^(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return parseDate(s, opts);
  const date = parseDate(m[1], opts);
  const h = +m[2], mi = +m[3], se = m[4] ? +m[4] : 0;
  if (h > 23 || mi > 59 || se > 59) throw new ValueError(`not a time of day: "${raw}"`);
  return `${date} ${String(h).padStart(2, '0')}:${m[3]}:${String(se).padStart(2, '0')}`;
}

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Case-insensitive lookup of an enum value or one of its aliases (Chinese names). */
export function makeEnum<T extends string>(name: string, table: Record<T, string[]>): (raw: string) => T {
  const index = new Map<string, T>();
  for (const [value, aliases] of Object.entries(table) as [T, string[]][]) {
    index.set(value.toLowerCase(), value);
    for (const a of aliases) index.set(a.toLowerCase(), value);
  }
  const allowed = Object.keys(table).join(', ');
  return (raw: string) => {
    const v = index.get(raw) ?? index.get(raw.trim().toLowerCase());
    if (v === undefined) throw new ValueError(`unknown ${name} "${raw}" (expected ${allowed})`);
    return v;
  };
}

export const parseRmType = makeEnum('rm_type', { corporate: ['对公', '公司'], personal: ['个人', '零售'] });
export const parseCustomerType = makeEnum('customer_type', { personal: ['个人', '零售'], corporate: ['对公', '公司', '企业'] });
export const parseProductType = makeEnum('product_type', {
  demand_deposit: ['活期存款', '活期'], time_deposit: ['定期存款', '定期'], wealth: ['理财'], fund: ['基金'],
  insurance: ['保险'], bond: ['国债', '债券', '国债/债券'], loan: ['贷款'], credit_card: ['信用卡'],
});
export const parseLoanClass = makeEnum('loan_class', {
  normal: ['正常'], special_mention: ['关注'], substandard: ['次级'], doubtful: ['可疑'], loss: ['损失'],
});
export const parseAccountStatus = makeEnum('status', { active: ['正常'], dormant: ['久悬'], closed: ['销户'] });
export const parseDirection = makeEnum('direction', { credit: ['贷', 'c', 'cr', '贷方', '收入'], debit: ['借', 'd', 'dr', '借方', '支出'] });
export const parseChannel = makeEnum('channel', {
  counter: ['柜台', 'branch'], self_service: ['自助', 'atm', 'kiosk'], e_banking: ['电子银行', 'online', 'mobile', '网银', '手机银行'],
});

/** ISO 4217: three letters; a few Chinese names used by core systems. */
const CURRENCY_ALIASES: Record<string, string> = { 人民币: 'CNY', RMB: 'CNY', 美元: 'USD', 欧元: 'EUR', 港币: 'HKD', 港元: 'HKD', 日元: 'JPY', 英镑: 'GBP' };
export function parseCurrency(raw: string): string {
  if (raw === 'CNY' || (raw.length === 3 && raw !== 'RMB' && /^[A-Z]{3}$/.test(raw))) return raw;
  const s = raw.trim();
  const alias = CURRENCY_ALIASES[s] ?? CURRENCY_ALIASES[s.toUpperCase()];
  if (alias) return alias;
  if (!/^[A-Za-z]{3}$/.test(s)) throw new ValueError(`not an ISO 4217 currency code: "${raw}"`);
  return s.toUpperCase();
}

/** Targets periods: 2026, 2026-H2, 2026-Q4, 2026-11. */
export function parsePeriod(raw: string): string {
  const s = raw.trim().toUpperCase();
  const m = /^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$/.exec(s);
  if (!m || (m[2] && /^\d{2}$/.test(m[2]) && (+m[2] < 1 || +m[2] > 12))) {
    throw new ValueError(`not a period (expected 2026, 2026-H2, 2026-Q4 or 2026-11): "${raw}"`);
  }
  return s;
}
