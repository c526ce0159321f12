import stringWidth from 'string-width';
import { displayWidth } from './dist/output/format.js';
const byKind = new Map(); let diff = 0, n = 0;
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const s = String.fromCodePoint(cp); n++;
  const a = displayWidth(s), b = stringWidth(s);
  if (a !== b) { diff++; const k = `${a}->${b}`; const e = byKind.get(k) ?? { n: 0, ex: [] }; e.n++; if (e.ex.length < 12) e.ex.push(cp.toString(16)); byKind.set(k, e); }
}
console.log({ n, diff }); for (const [k, v] of byKind) console.log(k, v.n, v.ex.join(' '));
for (const s of ['张三', '￥100', 'e\u0301', '😀', '👨‍👩‍👧', '🇨🇳', '\x1b[31mab\x1b[39m', '─·°', 'a\tb', '1️⃣', '❤️', '\x1b]8;;http://x\x07link\x1b]8;;\x07']) console.log(JSON.stringify(s), displayWidth(s), stringWidth(s));
const cells = []; for (let i = 0; i < 200000; i++) cells.push(i % 3 ? `客户${i}` : `RM${i}.50`);
for (const [name, f] of [['ours', displayWidth], ['string-width', stringWidth]]) { let t = performance.now(), s = 0; for (const c of cells) s += f(c); console.log(name, (performance.now() - t).toFixed(0), 'ms for 200k cells', s); }
