/**
 * The committed sample set (samples/): generated with fixed options, plus one snapshot re-encoded
 * as a GB18030 export with Chinese headers, Chinese enum values and formatted amounts.
 * samples/bad/ is hand-written and not touched here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, generate, type GenerateOptions, type GenerateResult } from './generate.js';

/** The committed sample set: the generator's defaults with a fixed seed and a reassignment. */
export const SAMPLE_OPTIONS: Omit<GenerateOptions, 'out'> = {
  ...DEFAULT_OPTIONS,
  seed: 20261124,
  reassignOn: '2026-11-15',
  reassignCount: 10,
};
export const GB_SNAPSHOT_DATE = '2026-11-27';
export const GB_FILE = `gb18030/accounts_${GB_SNAPSHOT_DATE}_gbk.csv`;

export const CN_ACCOUNT_HEADERS = ['数据日期', '账号', '客户号', '产品类型', '币种', '余额', '客户经理编号', '五级分类', '利率', '开户日期', '状态'];
export const CN_PRODUCT: Record<string, string> = {
  demand_deposit: '活期存款', time_deposit: '定期存款', wealth: '理财', fund: '基金', insurance: '保险', bond: '国债',
  loan: '贷款', credit_card: '信用卡',
};
export const CN_LOAN_CLASS: Record<string, string> = { normal: '正常', special_mention: '关注', substandard: '次级', doubtful: '可疑', loss: '损失' };
export const CN_STATUS: Record<string, string> = { active: '正常', dormant: '久悬', closed: '销户' };

let table: Map<string, number> | undefined;
/** Encode text as GB18030 (ASCII + the two-byte range, built by inverting TextDecoder('gb18030')). */
export function encodeGb18030(text: string): Buffer {
  if (!table) {
    table = new Map();
    const dec = new TextDecoder('gb18030');
    const pair = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        pair[0] = lead;
        pair[1] = trail;
        const ch = dec.decode(pair);
        if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, (lead << 8) | trail);
      }
    }
  }
  const out = Buffer.alloc(text.length * 2);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out[n++] = cp;
    else {
      const code = table.get(ch);
      if (code === undefined) throw new Error(`cannot encode U+${cp.toString(16)} in two-byte GB18030`);
      out[n++] = code >> 8;
      out[n++] = code & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** "1234567.50" -> "1,234,567.50" */
export function withThousands(plain: string): string {
  const neg = plain.startsWith('-');
  const [i, f] = (neg ? plain.slice(1) : plain).split('.');
  return (neg ? '-' : '') + i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f !== undefined ? '.' + f : '');
}

/**
 * Re-layout a default-layout snapshot (UTF-8 text) as the Chinese export: Chinese headers and
 * enum values, dates as YYYYMMDD, balances as "1,234.50" (every third row "￥1,234.50"),
 * CRLF line ends. Returns the text (encode it with encodeGb18030).
 */
export function toChineseSnapshot(csv: string): string {
  const lines = csv.trim().split('\n');
  const q = (s: string) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
  const out = [CN_ACCOUNT_HEADERS.join(',')];
  for (let k = 1; k < lines.length; k++) {
    const [asOf, acct, cust, prod, cur, bal, rm, cls, rate, opened, status] = lines[k].split(',');
    const amount = (k % 3 === 0 ? '￥' : '') + withThousands(bal);
    out.push([asOf.replace(/-/g, ''), acct, cust, CN_PRODUCT[prod], cur, q(amount), rm, cls ? CN_LOAN_CLASS[cls] : '', rate,
      opened.replace(/-/g, ''), status ? CN_STATUS[status] : ''].join(','));
  }
  return out.join('\r\n') + '\r\n';
}

export async function buildSampleSet(out: string): Promise<GenerateResult> {
  const res = await generate({ ...SAMPLE_OPTIONS, out });
  const src = readFileSync(join(out, 'accounts', `accounts_${GB_SNAPSHOT_DATE}.csv`), 'utf8');
  mkdirSync(join(out, 'gb18030'), { recursive: true });
  const dest = join(out, GB_FILE);
  writeFileSync(dest, encodeGb18030(toChineseSnapshot(src)));
  res.files.push(dest);
  return res;
}
