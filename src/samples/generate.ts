/**
 * Deterministic generator of realistic nightly core-banking exports in the data-contract default
 * layout (see shared/spec/data-contract.md): rms.csv, customers.csv, accounts/accounts_YYYY-MM-DD.csv
 * (one full snapshot per date), transactions.csv, targets.csv, fx_rates.csv and, optionally, a
 * customers_YYYY-MM-DD.csv re-export carrying RM reassignments.
 *
 * Everything is streamed: only per-account state (a few numbers and two short strings per account)
 * and one day's transactions are held in memory, so 100,000 customers x 90 days and 1,000,000
 * transactions are fine.
 *
 * Consistency: transactions drive balances. Every transaction's balance_after is the account's
 * running balance after it, and an account's snapshot balance on a day equals the balance_after of
 * its last transaction that day (latest posted_at, then the later row). Balances also change
 * without a transaction ("drift": market value of wealth/fund/bond/insurance holdings), as in real
 * exports where not every posting is exported.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface GenerateOptions {
  out: string;
  rms: number;
  customers: number;
  startDate: string;
  days: number;
  /** total transactions over the period (exact unless there is nothing to transact on) */
  txns: number;
  /** approximate share of open account balances that change each day, e.g. 0.1 */
  changeRate: number;
  seed: number;
  corporateShare: number;
  /** write a snapshot every N days (1 = daily); the last day always gets one */
  snapshotEvery?: number;
  /**
   * Account numbers: 'customer' (default) numbers each customer's accounts together, in customer
   * order; 'opened' numbers them in the order they were opened, as a core system does, so that a
   * customer's accounts lie far apart.
   */
  accountNumbers?: 'customer' | 'opened';
  /** optional: re-export some customers with another RM in customers_<date>.csv, effective that date */
  reassignOn?: string;
  reassignCount?: number;
}

export interface GenerateResult {
  files: string[];
  counts: Record<string, number>;
}

export const HEADERS = {
  rms: 'rm_id,name,rm_type,branch,base_salary',
  customers: 'customer_id,name,customer_type,rm_id,branch,opened_on',
  accounts: 'as_of,account_id,customer_id,product_type,currency,balance,rm_id,loan_class,interest_rate,opened_on,status',
  transactions: 'txn_id,account_id,posted_at,amount,direction,currency,channel,txn_type,fee,balance_after',
  targets: 'period,rm_id,kpi,target',
  fx_rates: 'date,currency,cny_per_unit',
} as const;

export const DEFAULT_OPTIONS: Omit<GenerateOptions, 'out'> = {
  rms: 8,
  customers: 300,
  startDate: '2026-11-01',
  days: 27,
  txns: 5000,
  changeRate: 0.1,
  seed: 1,
  corporateShare: 0.2,
  snapshotEvery: 1,
};

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32 (fast, good quality, fully deterministic).

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  constructor(seed: number) {
    let s = (seed >>> 0) ^ 0x9e3779b9;
    const sm = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 15; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** [0, 1) */
  float(): number {
    return this.u32() / 4294967296;
  }
  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** log-normal with the given median and sigma */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  shuffle<T extends { length: number; [i: number]: any }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
function normInv(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// ---------------------------------------------------------------------------------------------
// Dates (epoch days, UTC) and formatting.

const MS_DAY = 86400000;
export function parseDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`bad date (want YYYY-MM-DD): ${s}`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(t).toISOString().slice(0, 10);
  if (back !== s) throw new Error(`bad date: ${s}`);
  return t / MS_DAY;
}
const dateCache = new Map<number, string>();
export function dateStr(epochDay: number): string {
  let s = dateCache.get(epochDay);
  if (s === undefined) {
    s = new Date(epochDay * MS_DAY).toISOString().slice(0, 10);
    dateCache.set(epochDay, s);
  }
  return s;
}

/** integer minor units -> "1234.50" */
export function fmtMinor(f: number): string {
  if (f < 0) return '-' + fmtMinor(-f);
  const y = Math.floor(f / 100);
  const c = f - y * 100;
  return y + (c < 10 ? '.0' : '.') + c;
}

function pad(n: number, w: number): string {
  const s = String(n);
  return s.length >= w ? s : '0'.repeat(w - s.length) + s;
}

let hmsCache: string[] | undefined;
function hms(sec: number): string {
  if (!hmsCache) {
    hmsCache = new Array(86400);
    for (let i = 0; i < 86400; i++) {
      const h = Math.floor(i / 3600);
      const m = Math.floor((i % 3600) / 60);
      const s = i % 60;
      hmsCache[i] = (h < 10 ? '0' : '') + h + (m < 10 ? ':0' : ':') + m + (s < 10 ? ':0' : ':') + s;
    }
  }
  return hmsCache[sec];
}

/** Buffered file writer: accumulates text and writes it in ~1 MB chunks. */
class Out {
  private fd: number;
  private buf = '';
  rows = 0;
  constructor(readonly path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.buf = header + '\n';
  }
  line(s: string): void {
    this.buf += s;
    this.rows++;
    if (this.buf.length > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

export const PRODUCTS = ['demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'bond', 'loan', 'credit_card'] as const;
const DD = 0, TD = 1, WM = 2, FD = 3, INS = 4, BD = 5, LN = 6, CC = 7;
export const LOAN_CLASSES = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
const CHANNELS = ['counter', 'self_service', 'e_banking'] as const;
const CH_COUNTER = 0, CH_SELF = 1, CH_E = 2;
const CHANNEL_COST = [800, 170, 35]; // fen per transaction (metrics.md)
const SPREAD = [0.02, 0.01, 0.006, 0.008, 0.01, 0.003, 0.018, 0.08];
const RISK_RATE = [0.01, 0.02, 0.25, 0.5, 1];
const TXABLE = [true, false, true, true, false, false, true, true];
const DRIFTABLE = [false, false, true, true, true, true, false, false];

const BRANCHES = ['浦东支行', '静安支行', '徐汇支行', '黄浦支行', '长宁支行', '虹口支行', '杨浦支行', '闵行支行',
  '普陀支行', '宝山支行', '嘉定支行', '松江支行', '青浦支行', '奉贤支行', '金山支行', '崇明支行'];
const SURNAMES = ('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢'
  + '姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤').split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华玉萍红建文辉力宇浩然轩涵欣怡晨阳佳琪雨桐思远博俊嘉诗婷志国庆海燕春梅晓东丹凯鹏飞琳雪松岚峰宁蕾斌颖鑫慧'.split('');
const BRANDS = ['华信', '宏达', '鑫源', '恒泰', '金桥', '东昌', '浦江', '申联', '瑞丰', '永盛', '锦程', '天和', '新元', '博远', '中和', '广联',
  '亿通', '嘉禾', '联创', '安泰', '德隆', '汇通', '盛世', '凯旋', '明珠', '远航', '银杉', '星河', '海纳', '启航', '云帆', '正阳', '九州', '沪通', '兴业达', '宝隆'];
const INDUSTRIES = ['贸易', '科技', '实业', '物流', '建设工程', '医药', '食品', '电子', '机械设备', '投资管理', '服装', '化工', '餐饮管理',
  '信息技术', '新材料', '国际货运代理', '文化传媒', '汽车销售', '装饰工程', '生物科技'];

function personName(r: Rng): string {
  return r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.7) ? r.pick(GIVEN) : '');
}
function companyName(r: Rng): string {
  return (r.chance(0.85) ? '上海' : r.pick(['江苏', '浙江', '苏州', '杭州'])) + r.pick(BRANDS) + r.pick(INDUSTRIES)
    + (r.chance(0.85) ? '有限公司' : '股份有限公司');
}

interface Rm { id: string; name: string; type: 'corporate' | 'personal'; branch: string; salary: number; weight: number }

function monthKey(ed: number): string {
  return dateStr(ed).slice(0, 7);
}
function quarterKey(ed: number): string {
  const s = dateStr(ed);
  return s.slice(0, 4) + '-Q' + (Math.floor((+s.slice(5, 7) - 1) / 3) + 1);
}
function periodDays(key: string): number {
  const y = +key.slice(0, 4);
  if (key[5] === 'Q') {
    const q = +key.slice(6);
    return (Date.UTC(y, q * 3, 1) - Date.UTC(y, (q - 1) * 3, 1)) / MS_DAY;
  }
  const m = +key.slice(5, 7);
  return (Date.UTC(y, m, 1) - Date.UTC(y, m - 1, 1)) / MS_DAY;
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes the synthetic sample set: FX, RMs, customers, accounts, reassignments, the per-day
 * simulation of balances and transactions, targets, in that order.
 * Long: one seeded random stream feeds every section in turn, so the order of the draws is the
 * data (samples/ and the tests' expected files depend on it), and the sections share the flat
 * per-account arrays; read top to bottom along the `// ----` headings.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const o: GenerateOptions = { ...DEFAULT_OPTIONS, ...options };
  const every = Math.max(1, Math.floor(o.snapshotEvery ?? 1));
  const nDays = Math.max(1, Math.floor(o.days));
  const start = parseDate(o.startDate);
  const nRm = Math.max(1, Math.floor(o.rms));
  const nCust = Math.max(1, Math.floor(o.customers));
  const r = new Rng(o.seed);
  const monthsFactor = nDays / 30;

  mkdirSync(join(o.out, 'accounts'), { recursive: true });
  const files: string[] = [];
  const counts: Record<string, number> = {};

  // ---- FX: USD per day, random walk around 7.15 (4 decimals).
  const fxRate = new Float64Array(nDays); // CNY per USD
  {
    let rate = 7.15 + r.normal() * 0.03;
    const fx = new Out(join(o.out, 'fx_rates.csv'), HEADERS.fx_rates);
    for (let d = 0; d < nDays; d++) {
      rate = Math.round((rate + r.normal() * 0.0015 + (7.15 - rate) * 0.02) * 10000) / 10000;
      fxRate[d] = rate;
      fx.line(`${dateStr(start + d)},USD,${rate.toFixed(4)}\n`);
    }
    fx.close();
    files.push(fx.path);
    counts.fx_rates = fx.rows;
  }

  // ---- RMs: per branch 2 corporate + 2 personal (RM001 corporate, RM002 personal, ...).
  const rms: Rm[] = [];
  for (let i = 0; i < nRm; i++) {
    const b = Math.floor(i / 4);
    const type = i % 2 === 0 ? 'corporate' : 'personal';
    rms.push({
      id: 'RM' + pad(i + 1, 3),
      name: personName(r),
      type,
      branch: b < BRANCHES.length ? BRANCHES[b] : `第${b + 1}支行`,
      salary: Math.round(type === 'corporate' ? r.range(150, 250) : r.range(110, 180)) * 100,
      weight: r.range(0.6, 1.6),
    });
  }
  {
    const f = new Out(join(o.out, 'rms.csv'), HEADERS.rms);
    for (const m of rms) f.line(`${m.id},${m.name},${m.type},${m.branch},${m.salary}.00\n`);
    f.close();
    files.push(f.path);
    counts.rms = f.rows;
  }
  const rmByType = { corporate: rms.map((_, i) => i).filter((i) => rms[i].type === 'corporate'), personal: rms.map((_, i) => i).filter((i) => rms[i].type === 'personal') };
  const pickRm = (type: 'corporate' | 'personal'): number => {
    const list = rmByType[type].length ? rmByType[type] : rms.map((_, i) => i);
    for (;;) {
      const i = list[r.int(list.length)];
      if (r.float() * 1.6 < rms[i].weight) return i;
    }
  };

  // ---- Customers.
  const nCorp = Math.min(nCust, Math.round(nCust * o.corporateShare));
  const custCorp = new Uint8Array(nCust);
  for (let i = 0; i < nCorp; i++) custCorp[i] = 1;
  r.shuffle(custCorp);
  const custRm = new Int32Array(nCust); // current RM (index) or -1
  const custOpen = new Float64Array(nCust); // epoch day
  const custOpenDay = new Int32Array(nCust); // sim day index (-1 = before start)
  const custHasOverride = new Uint8Array(nCust);
  const custName: string[] = new Array(nCust);
  const custId: string[] = new Array(nCust);
  const pNew = Math.min(0.3, 0.012 * monthsFactor);
  // Stratified draws for the size of a customer's book so that every tier is populated.
  const strat = (n: number): Float64Array => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = normInv((i + r.float()) / n);
    return r.shuffle(z);
  };
  const zPers = strat(nCust - nCorp);
  const zCorp = strat(nCorp);
  const custZ = new Float64Array(nCust);
  {
    let ip = 0, ic = 0;
    for (let i = 0; i < nCust; i++) custZ[i] = custCorp[i] ? zCorp[ic++] : zPers[ip++];
  }
  for (let i = 0; i < nCust; i++) {
    custId[i] = 'C' + pad(i + 1, 8);
    const corp = custCorp[i] === 1;
    custName[i] = corp ? companyName(r) : personName(r);
    custRm[i] = r.chance(0.02) ? -1 : pickRm(corp ? 'corporate' : 'personal');
    if (nDays > 1 && r.chance(pNew)) {
      custOpenDay[i] = 1 + r.int(nDays - 1);
      custOpen[i] = start + custOpenDay[i];
    } else {
      custOpenDay[i] = -1;
      custOpen[i] = start - 1 - Math.floor(Math.pow(r.float(), 1.5) * 365 * (corp ? 15 : 20));
    }
  }
  const custBranch = (i: number, rm = custRm[i]): string => (rm >= 0 ? rms[rm].branch : rms[i % nRm].branch);
  const custLine = (i: number, rm: number): string =>
    `${custId[i]},${custName[i]},${custCorp[i] ? 'corporate' : 'personal'},${rm >= 0 ? rms[rm].id : ''},${custBranch(i, rm)},${dateStr(custOpen[i])}\n`;
  {
    const f = new Out(join(o.out, 'customers.csv'), HEADERS.customers);
    for (let i = 0; i < nCust; i++) f.line(custLine(i, custRm[i]));
    f.close();
    files.push(f.path);
    counts.customers = f.rows;
  }

  // ---- Accounts (per-account state in flat arrays).
  const aCust: number[] = [];
  const aProd: number[] = [];
  const aUsd: number[] = [];
  const aBal: number[] = []; // minor units
  const aTgt: number[] = []; // "normal" balance the account reverts to (minor units)
  const aOpenDay: number[] = []; // sim day index (-1 = before start)
  const aCloseDay: number[] = []; // sim day on which it closes (shows status closed), or Infinity
  const aRm: number[] = []; // explicit RM (index) or -1
  const aClass: number[] = []; // loan class index, -1 for non-loans
  const aDormant: number[] = [];
  const aAct: number[] = []; // activity weight 0..10
  const aRate: string[] = [];
  const aOpened: string[] = [];
  const aPre: string[] = [];
  const aSuf: string[] = [];
  const downgrades = new Map<number, number[]>(); // day -> [acct, newClass, ...]

  const addAccount = (c: number, prod: number, usd: boolean, balMinor: number, openDay: number): number => {
    const a = aCust.length;
    const corp = custCorp[c] === 1;
    aCust.push(c);
    aProd.push(prod);
    aUsd.push(usd ? 1 : 0);
    const bal = Math.max(prod === CC ? 0 : 10000, Math.round(balMinor));
    aBal.push(openDay >= 0 ? 0 : bal);
    aTgt.push(bal);
    aOpenDay.push(openDay);
    aCloseDay.push(Infinity);
    aRm.push(-1);
    let cls = -1;
    if (prod === LN || prod === CC) {
      const u = r.float();
      cls = u < 0.955 ? 0 : u < 0.98 ? 1 : u < 0.99 ? 2 : u < 0.996 ? 3 : 4;
      if (prod === CC && cls > 0 && r.chance(0.5)) cls = 0;
    }
    aClass.push(cls);
    aDormant.push(0);
    aAct.push(prod === DD ? (corp ? r.range(4, 10) : r.range(1, 3.5)) : prod === CC ? r.range(1, 3) : prod === LN ? 0.6 : 0.25);
    let rate = '';
    switch (prod) {
      case DD: rate = usd ? '0.05' : '0.10'; break;
      case TD: rate = r.pick(['1.10', '1.30', '1.45', '1.55', '1.75', '1.95']); break;
      case WM: rate = (r.range(2.4, 3.6)).toFixed(2); break;
      case BD: rate = (r.range(2.1, 2.7)).toFixed(2); break;
      case LN: rate = (corp ? r.range(2.9, 4.6) : r.range(3.05, 4.2)).toFixed(2); break;
      case CC: rate = '18.25'; break;
    }
    aRate.push(rate);
    let opened: number;
    if (openDay >= 0) opened = start + openDay;
    else {
      const co = custOpen[c];
      opened = co + Math.floor(r.float() * (start - co));
      if (prod === TD || prod === WM) opened = Math.max(co, start - 1 - r.int(prod === TD ? 1000 : 360));
    }
    aOpened.push(dateStr(opened));
    aPre.push(`A${pad(a + 1, 9)},${custId[c]},${PRODUCTS[prod]},${usd ? 'USD' : 'CNY'},`);
    aSuf.push('');
    return a;
  };

  const rateNow = fxRate[0];
  for (let c = 0; c < nCust; c++) {
    const corp = custCorp[c] === 1;
    const od = custOpenDay[c];
    const z = custZ[c];
    const yuan = (x: number) => Math.round(x * 100);
    if (!corp) {
      // Total financial assets (AUM), log-normal: median 70k, sigma 1.9 (stratified).
      const aum = 70000 * Math.exp(1.9 * z);
      const shares: [number, number][] = [[DD, r.range(0.5, 1.5)]];
      if (aum > 30000 && r.chance(0.6)) shares.push([TD, r.range(0.5, 2)]);
      if (aum > 150000 && r.chance(0.65)) shares.push([WM, r.range(0.5, 2.5)]);
      if (aum > 50000 && r.chance(0.3)) shares.push([FD, r.range(0.2, 1)]);
      if (aum > 100000 && r.chance(0.2)) shares.push([INS, r.range(0.2, 0.8)]);
      if (aum > 300000 && r.chance(0.15)) shares.push([BD, r.range(0.2, 0.8)]);
      const tot = shares.reduce((s, x) => s + x[1], 0);
      for (const [p, w] of shares) addAccount(c, p, false, yuan(Math.max(100, (aum * w) / tot)), od);
      if (r.chance(0.04)) addAccount(c, DD, true, yuan(r.logNormal(8000, 1.2)), od);
      if (r.chance(0.35)) addAccount(c, CC, false, yuan(r.logNormal(6000, 1.0)), od);
      if (r.chance(0.1)) addAccount(c, LN, false, yuan(r.logNormal(900000, 0.6)), od);
    } else {
      const dep = 2500000 * Math.exp(1.6 * z);
      addAccount(c, DD, false, yuan(dep * r.range(0.3, 0.7)), od);
      if (r.chance(0.3)) addAccount(c, DD, false, yuan(dep * r.range(0.05, 0.3)), od);
      if (r.chance(0.5)) addAccount(c, TD, false, yuan(dep * r.range(0.2, 0.8)), od);
      if (r.chance(0.2)) addAccount(c, WM, false, yuan(dep * r.range(0.1, 0.5)), od);
      if (r.chance(0.05)) addAccount(c, BD, false, yuan(dep * r.range(0.1, 0.3)), od);
      if (r.chance(0.12)) addAccount(c, DD, true, yuan((dep * r.range(0.05, 0.3)) / rateNow), od);
      if (r.chance(0.55)) {
        addAccount(c, LN, false, yuan(8000000 * Math.exp(1.2 * z * 0.7 + 0.6 * r.normal())), od);
        if (r.chance(0.2)) addAccount(c, LN, false, yuan(r.logNormal(3000000, 1)), od);
      }
    }
  }
  const nInitial = aCust.length;
  // Extra accounts opened mid-period by existing customers.
  if (nDays > 1) {
    for (let c = 0; c < nCust; c++) {
      if (custOpenDay[c] >= 0 || !r.chance(0.025 * monthsFactor)) continue;
      const corp = custCorp[c] === 1;
      const p = corp ? r.pick([TD, TD, WM, LN, DD]) : r.pick([TD, TD, WM, FD, CC, DD]);
      const amt = p === LN ? r.logNormal(corp ? 5000000 : 600000, 0.8) : p === CC ? 0 : r.logNormal(corp ? 1500000 : 60000, 1.2);
      addAccount(c, p, false, Math.round(amt * 100), 1 + r.int(nDays - 1));
    }
  }
  const nAcct = aCust.length;
  // Each account's number (its position by default); no random draw, so the data is otherwise the same.
  const aNo = Int32Array.from({ length: nAcct }, (_, a) => a + 1);
  if (o.accountNumbers === 'opened') {
    const order = Array.from({ length: nAcct }, (_, a) => a).sort((x, y) => (aOpened[x] < aOpened[y] ? -1 : aOpened[x] > aOpened[y] ? 1 : x - y));
    order.forEach((a, k) => { aNo[a] = k + 1; });
    for (let a = 0; a < nAcct; a++) aPre[a] = `A${pad(aNo[a], 9)}${aPre[a].slice(10)}`;
  }
  // Explicit RM on a few accounts, dormancy, closures, downgrades.
  for (let a = 0; a < nAcct; a++) {
    const c = aCust[a];
    if (custRm[c] >= 0 && r.chance(0.03)) {
      const same = r.chance(0.6);
      const type = custCorp[c] ? 'corporate' : 'personal';
      aRm[a] = same ? custRm[c] : pickRm(type);
      custHasOverride[c] = 1;
    }
    if (a < nInitial && aOpenDay[a] < 0) {
      if (aProd[a] === DD && !custCorp[c] && aTgt[a] < 2000000 && r.chance(0.06)) {
        aDormant[a] = 1;
        aAct[a] = 0;
      } else if (nDays > 1 && r.chance(0.015 * monthsFactor)) {
        aCloseDay[a] = 1 + r.int(nDays - 1);
      }
      if (aClass[a] === 0 && aProd[a] === LN && nDays > 1 && r.chance(0.02 * monthsFactor)) {
        const d = 1 + r.int(nDays - 1);
        const list = downgrades.get(d) ?? [];
        list.push(a, r.chance(0.7) ? 1 : 2);
        downgrades.set(d, list);
      }
    }
  }
  const statusOf = (a: number, closed: boolean) => (closed ? 'closed' : aDormant[a] ? 'dormant' : 'active');
  const mkSuf = (a: number, closed = false): string =>
    `,${aRm[a] >= 0 ? rms[aRm[a]].id : ''},${aClass[a] >= 0 ? LOAN_CLASSES[aClass[a]] : ''},${aRate[a]},${aOpened[a]},${statusOf(a, closed)}\n`;
  for (let a = 0; a < nAcct; a++) aSuf[a] = mkSuf(a);
  counts.accounts = nAcct;

  // ---- Reassignments.
  const reassignDay = o.reassignOn ? parseDate(o.reassignOn) - start : -1;
  const reassign: [number, number][] = [];
  if (o.reassignOn && (o.reassignCount ?? 0) > 0) {
    const cand: number[] = [];
    for (let c = 0; c < nCust; c++) if (custRm[c] >= 0 && !custHasOverride[c] && custOpenDay[c] < 0) cand.push(c);
    r.shuffle(cand);
    for (const c of cand.slice(0, o.reassignCount)) {
      const cur = custRm[c];
      const same = rmByType[rms[cur].type].filter((i) => i !== cur);
      if (!same.length) continue;
      const sameBranch = same.filter((i) => rms[i].branch === rms[cur].branch);
      reassign.push([c, r.pick(sameBranch.length ? sameBranch : same)]);
    }
    reassign.sort((x, y) => x[0] - y[0]);
    const f = new Out(join(o.out, `customers_${o.reassignOn}.csv`), HEADERS.customers);
    for (const [c, rm] of reassign) f.line(custLine(c, rm));
    f.close();
    files.push(f.path);
    counts.reassignments = f.rows;
  }

  // ---- Per-day simulation.
  const acc = new Float64Array(nDays * nRm * 8); // CNY minor units per (day, rm, product)
  const feeAcc = new Float64Array(nDays * nRm);
  const costAcc = new Float64Array(nDays * nRm);
  const riskAcc = new Float64Array(nDays * nRm);
  const newAcc = new Float64Array(nDays * nRm);
  for (let c = 0; c < nCust; c++) {
    if (custOpenDay[c] >= 0 && custRm[c] >= 0) newAcc[custOpenDay[c] * nRm + custRm[c]]++;
  }

  // Transactions per day: weekends carry ~55% of a weekday's volume; exact total.
  const wDay = new Float64Array(nDays);
  let wSum = 0;
  for (let d = 0; d < nDays; d++) {
    const dow = new Date((start + d) * MS_DAY).getUTCDay();
    wDay[d] = (dow === 0 || dow === 6 ? 0.55 : 1) * r.range(0.85, 1.15);
    wSum += wDay[d];
  }
  const txnsTotal = Math.max(0, Math.floor(o.txns));
  const tDay = new Int32Array(nDays);
  {
    let cum = 0, prev = 0;
    for (let d = 0; d < nDays; d++) {
      cum += wDay[d];
      const upto = Math.round((cum / wSum) * txnsTotal);
      tDay[d] = upto - prev;
      prev = upto;
    }
  }

  const txOut = new Out(join(o.out, 'transactions.csv'), HEADERS.transactions);
  files.push(txOut.path);
  const mark = new Int32Array(nAcct).fill(-1);
  let snapRows = 0, snapFiles = 0;
  const txable: number[] = [];
  const drift: number[] = [];
  const opening: number[] = [];
  const closing: number[] = [];

  for (let d = 0; d < nDays; d++) {
    const ed = start + d;
    const ds = dateStr(ed);
    const ymd = ds.replace(/-/g, '');
    const fx = fxRate[d];
    // Events at the start of the day.
    const dg = downgrades.get(d);
    if (dg) for (let i = 0; i < dg.length; i += 2) { aClass[dg[i]] = dg[i + 1]; aSuf[dg[i]] = mkSuf(dg[i]); }
    if (d === reassignDay) for (const [c, rm] of reassign) custRm[c] = rm;

    txable.length = drift.length = opening.length = closing.length = 0;
    let nOpen = 0;
    for (let a = 0; a < nAcct; a++) {
      const od = aOpenDay[a], cd = aCloseDay[a];
      if (od > d || cd < d) continue;
      nOpen++;
      if (od === d) { opening.push(a); continue; }
      if (cd === d) { closing.push(a); continue; }
      if (aDormant[a]) continue;
      if (TXABLE[aProd[a]]) txable.push(a);
      if (DRIFTABLE[aProd[a]]) drift.push(a);
    }

    // Build the day's transactions: specials (openings, closings) then random ones.
    const T = tDay[d];
    const tAcct = new Int32Array(T);
    const tKind = new Uint8Array(T); // 0 random, 1 opening, 2 closing
    const tCh = new Uint8Array(T);
    const tSec = new Int32Array(T);
    let n = 0;
    for (const a of opening) {
      if (aProd[a] === CC || n >= T) { aBal[a] = aProd[a] === CC ? 0 : aTgt[a]; continue; }
      tAcct[n] = a; tKind[n] = 1; tCh[n] = r.chance(0.8) ? CH_COUNTER : CH_E; tSec[n] = 9 * 3600 + r.int(2 * 3600); n++;
    }
    for (const a of closing) {
      if (aBal[a] === 0 || n >= T) continue;
      tAcct[n] = a; tKind[n] = 2; tCh[n] = CH_COUNTER; tSec[n] = 15 * 3600 + r.int(3600) + 1800; n++;
    }
    const R = T - n;
    if (R > 0 && txable.length > 0) {
      const K = Math.round(o.changeRate * nOpen);
      let m = Math.min(R, Math.max(1, Math.round(K * 0.7)), txable.length);
      const chosen: number[] = [];
      let tries = 0;
      while (chosen.length < m && tries < m * 40) {
        tries++;
        const a = txable[r.int(txable.length)];
        if (mark[a] === d || r.float() * 10 > aAct[a]) continue;
        mark[a] = d;
        chosen.push(a);
      }
      m = chosen.length;
      if (m === 0) { chosen.push(txable[0]); m = 1; }
      for (let i = 0; i < R; i++) {
        let a: number;
        if (i < m) a = chosen[i];
        else {
          do a = chosen[r.int(m)]; while (r.float() * 10 > aAct[a] + 0.5);
        }
        const corp = custCorp[aCust[a]] === 1;
        const p = aProd[a];
        let ch: number;
        const u = r.float();
        if (p === CC) ch = u < 0.7 ? CH_E : CH_SELF;
        else if (p === LN) ch = u < 0.35 ? CH_COUNTER : CH_E;
        else if (corp) ch = u < 0.28 ? CH_COUNTER : u < 0.3 ? CH_SELF : CH_E;
        else ch = u < 0.17 ? CH_COUNTER : u < 0.42 ? CH_SELF : CH_E;
        tAcct[n] = a; tKind[n] = 0; tCh[n] = ch;
        tSec[n] = ch === CH_COUNTER ? 9 * 3600 + r.int(8 * 3600)
          : ch === CH_SELF ? 7 * 3600 + r.int(15 * 3600)
          : r.chance(0.9) ? 8 * 3600 + r.int(15 * 3600) : r.int(86400);
        n++;
      }
    }
    // Order by time (stable), then apply in that order so balance_after is a true running balance.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = tSec[i] * n + i;
    keys.sort();
    for (let k = 0; k < n; k++) {
      const i = keys[k] % n;
      const a = tAcct[i];
      const p = aProd[a];
      const corp = custCorp[aCust[a]] === 1;
      const usd = aUsd[a] === 1;
      const ch = tCh[i];
      let bal = aBal[a];
      const tgt = aTgt[a];
      let amt = 0; // signed, minor units
      let type = '';
      let fee = 0;
      if (tKind[i] === 1) {
        amt = p === LN ? -tgt : tgt;
        type = p === LN ? 'loan_drawdown' : p === DD || p === TD ? 'deposit' : p === INS ? 'premium' : p === BD ? 'bond_purchase' : 'subscription';
        if ((p === WM || p === FD) && !usd) fee = Math.round(tgt * (p === FD ? r.range(0.0015, 0.006) : 0.002));
        bal = p === LN ? tgt : tgt;
      } else if (tKind[i] === 2) {
        amt = p === LN || p === CC ? bal : -bal;
        type = p === LN ? 'loan_repayment' : p === CC ? 'card_repayment' : p === DD || p === TD ? 'withdrawal' : 'redemption';
        bal = 0;
      } else if (p === DD) {
        let credit = bal < 100000 ? true : bal < 0.7 * tgt ? r.chance(0.62) : bal > 1.3 * tgt ? r.chance(0.38) : r.chance(0.5);
        let x = Math.max(1000, Math.round(tgt * Math.min(0.5, r.logNormal(0.04, 1.0))));
        if (ch === CH_SELF) x = Math.min(2000000, Math.max(10000, Math.round(x / 10000) * 10000));
        else if (ch === CH_COUNTER || r.chance(0.5)) x = Math.max(100, Math.round(x / 100) * 100);
        if (!credit && x > bal) {
          if (bal >= 1000) x = ch === CH_SELF ? Math.floor(bal / 10000) * 10000 || bal : bal;
          else credit = true;
        }
        if (credit) {
          amt = x;
          type = ch === CH_E ? (!corp && r.chance(0.15) ? 'salary' : 'transfer_in') : 'deposit';
          bal += x;
        } else {
          amt = -x;
          type = ch === CH_E ? (r.chance(0.5) ? 'transfer_out' : 'payment') : ch === CH_SELF ? 'withdrawal' : r.chance(0.5) ? 'withdrawal' : 'transfer_out';
          bal -= x;
          if (!usd) {
            if (type === 'transfer_out' && (corp ? r.chance(0.4) : ch === CH_COUNTER && r.chance(0.3))) {
              fee = corp ? Math.min(20000, Math.max(500, Math.round(x * 0.0005))) : Math.min(5000, Math.max(200, Math.round(x * 0.001)));
            } else if (type === 'withdrawal' && ch === CH_SELF && r.chance(0.08)) fee = 200;
          }
        }
      } else if (p === CC) {
        const limit = Math.max(1000000, tgt * 3);
        if (bal > 0 && r.chance(0.25)) {
          const x = r.chance(0.6) ? bal : Math.max(1, Math.min(bal, Math.round(bal * r.range(0.1, 0.5))));
          amt = x; type = 'card_repayment'; bal -= x;
        } else {
          let x = Math.round(r.logNormal(250, 1.1) * 100);
          if (x > limit - bal) x = Math.max(100, limit - bal);
          amt = -x; type = 'purchase'; bal += x;
          if (r.chance(0.02)) { type = 'cash_advance'; fee = Math.max(1000, Math.round(x * 0.01)); }
        }
      } else if (p === LN) {
        if (bal === 0 || (corp && r.chance(0.1))) {
          const x = Math.max(100000, Math.round((tgt * r.range(0.05, 0.2)) / 100) * 100);
          amt = -x; type = 'loan_drawdown'; bal += x;
          if (corp && r.chance(0.3)) fee = Math.round(x * 0.001);
        } else {
          const x = Math.min(bal, Math.max(10000, Math.round(bal * r.range(0.004, 0.02))));
          amt = x; type = 'loan_repayment'; bal -= x;
        }
      } else {
        // wealth / fund: subscriptions and redemptions
        if (bal < 100000 || r.chance(0.55)) {
          const x = Math.max(100000, Math.round((tgt * r.range(0.05, 0.3)) / 100) * 100);
          amt = x; type = 'subscription'; bal += x;
          if (!usd) fee = Math.round(x * (p === FD ? r.range(0.0015, 0.006) : 0.002));
        } else {
          const x = Math.min(bal, Math.round(bal * r.range(0.1, 0.5)));
          amt = -x; type = 'redemption'; bal -= x;
        }
      }
      aBal[a] = bal;
      txOut.line(`T${ymd}${pad(k + 1, 7)},A${pad(aNo[a], 9)},${ds} ${hms(tSec[i])},${fmtMinor(amt)},${amt >= 0 ? 'credit' : 'debit'},${usd ? 'USD' : 'CNY'},${CHANNELS[ch]},${type},${fee > 0 ? fmtMinor(fee) : ''},${fmtMinor(bal)}\n`);
      const rm = aRm[a] >= 0 ? aRm[a] : custRm[aCust[a]];
      if (rm >= 0) {
        feeAcc[d * nRm + rm] += fee;
        costAcc[d * nRm + rm] += CHANNEL_COST[ch];
      }
    }
    // Balances that change without an exported transaction (market value of investments).
    {
      const K = Math.round(o.changeRate * nOpen);
      let changed = 0;
      for (let i = 0; i < n; i++) if (mark[tAcct[i]] !== d + nDays) { mark[tAcct[i]] = d + nDays; changed++; }
      let need = K - changed;
      let tries = 0;
      while (need > 0 && drift.length > 0 && tries < K * 4) {
        tries++;
        const a = drift[r.int(drift.length)];
        if (mark[a] === d + nDays || aBal[a] === 0) continue;
        mark[a] = d + nDays;
        const p = aProd[a];
        const g = p === FD ? r.normal() * 0.008 + 0.0002 : p === WM ? r.normal() * 0.0004 + 0.0001 : p === BD ? r.normal() * 0.0003 + 0.00007 : 0.0002 * r.float();
        aBal[a] = Math.max(0, aBal[a] + Math.round(aBal[a] * g));
        need--;
      }
    }
    // Closures take effect at the end of the day.
    for (const a of closing) { aBal[a] = 0; aSuf[a] = mkSuf(a, true); }

    // Snapshot + per-RM accumulation.
    const writeSnap = d % every === 0 || d === nDays - 1;
    const snap = writeSnap ? new Out(join(o.out, 'accounts', `accounts_${ds}.csv`), HEADERS.accounts) : undefined;
    const prefix = ds + ',';
    for (let a = 0; a < nAcct; a++) {
      const od = aOpenDay[a], cd = aCloseDay[a];
      if (od > d || cd < d) continue;
      const bal = aBal[a];
      if (snap) snap.line(prefix + aPre[a] + fmtMinor(bal) + aSuf[a]);
      const rm = aRm[a] >= 0 ? aRm[a] : custRm[aCust[a]];
      if (rm >= 0 && bal !== 0) {
        const cny = aUsd[a] ? bal * fx : bal;
        acc[(d * nRm + rm) * 8 + aProd[a]] += cny;
        if (aClass[a] >= 0) riskAcc[d * nRm + rm] += cny * RISK_RATE[aClass[a]];
      }
    }
    if (snap) {
      snap.close();
      files.push(snap.path);
      snapFiles++;
      snapRows += snap.rows;
    }
  }
  txOut.close();
  counts.transactions = txOut.rows;
  counts.snapshot_files = snapFiles;
  counts.snapshot_rows = snapRows;

  // ---- Targets: per RM, for every month and quarter the data touches, ~90-120% of the actual book.
  {
    const periods = new Map<string, number[]>();
    for (let d = 0; d < nDays; d++) {
      for (const key of [quarterKey(start + d), monthKey(start + d)]) {
        const l = periods.get(key) ?? [];
        l.push(d);
        periods.set(key, l);
      }
    }
    const isQ = (k: string) => k[5] === 'Q';
    const keys = [...periods.keys()].sort((x, y) =>
      x.slice(0, 4) !== y.slice(0, 4) ? x.localeCompare(y) : isQ(x) !== isQ(y) ? (isQ(x) ? -1 : 1) : x.localeCompare(y));
    const f = new Out(join(o.out, 'targets.csv'), HEADERS.targets);
    const roundTo = (yuan: number, step: number, min: number) => Math.max(min, Math.round(yuan / step) * step);
    for (const key of keys) {
      const ds = periods.get(key)!;
      const cov = ds.length;
      const len = periodDays(key);
      const scale = len / nDays;
      for (let rm = 0; rm < nRm; rm++) {
        const adb = new Float64Array(8);
        for (const d of ds) for (let p = 0; p < 8; p++) adb[p] += acc[(d * nRm + rm) * 8 + p] / cov;
        // Flows (fees, channel cost, new customers): the whole run's daily rate x the period's length.
        let fee = 0, cost = 0, fresh = 0;
        for (let d = 0; d < nDays; d++) {
          fee += feeAcc[d * nRm + rm];
          cost += costAcc[d * nRm + rm];
          fresh += newAcc[d * nRm + rm];
        }
        const risk = riskAcc[ds[cov - 1] * nRm + rm];
        const dep = (adb[DD] + adb[TD]) / 100;
        const aum = dep + (adb[WM] + adb[FD] + adb[INS] + adb[BD]) / 100;
        const loan = (adb[LN] + adb[CC]) / 100;
        let nii = 0;
        for (let p = 0; p < 8; p++) nii += adb[p] * SPREAD[p];
        const gross = (nii * (len / 365) + fee * scale) / 100;
        // Contribution can be negative (a large loan classed loss); a target must be > 0.
        const contrib = Math.max(0.2 * gross, ((nii - risk) * (len / 365) + (fee - cost) * scale) / 100);
        const k = () => r.range(0.9, 1.2);
        const lines: [string, number][] = rms[rm].type === 'personal'
          ? [['deposit_adb', roundTo(dep * k(), 10000, 100000)], ['aum_adb', roundTo(aum * k(), 10000, 100000)],
            ['fee_income', roundTo((fee / 100) * scale * k(), 100, 1000)], ['new_customers', Math.max(1, Math.round(fresh * scale * k()))]]
          : [['deposit_adb', roundTo(dep * k(), 10000, 100000)], ['loan_adb', roundTo(loan * k(), 10000, 1000000)],
            ['fee_income', roundTo((fee / 100) * scale * k(), 100, 1000)], ['contribution', roundTo(contrib * k(), 1000, 10000)]];
        for (const [kpi, t] of lines) f.line(`${key},${rms[rm].id},${kpi},${t}\n`);
      }
    }
    f.close();
    files.push(f.path);
    counts.targets = f.rows;
  }
  return { files, counts };
}
