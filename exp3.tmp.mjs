import { eastAsianWidth } from 'get-east-asian-width';
import stringWidth from 'string-width';
import { displayWidth, stripAnsi } from './dist/output/format.js';
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]$/u;
function dw2(s) {
  const plain = stripAnsi(s); let width = 0;
  for (const ch of plain) { const cp = ch.codePointAt(0);
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    if (cp >= 0x300 && ZERO_WIDTH.test(ch)) continue;
    width += cp < 0x1100 ? 1 : eastAsianWidth(cp); }
  return width;
}
const byKind = new Map(); let diff = 0, vsSw = 0;
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const s = String.fromCodePoint(cp); const a = displayWidth(s), b = dw2(s);
  if (stringWidth(s) !== b) vsSw++;
  if (a !== b) { diff++; const k = `${a}->${b}`; const e = byKind.get(k) ?? { n: 0, ex: [] }; e.n++; if (e.ex.length < 16) e.ex.push(cp.toString(16)); byKind.set(k, e); }
}
console.log({ diff, vsSw }); for (const [k, v] of byKind) console.log(k, v.n, v.ex.join(' '));
const cells = []; for (let i = 0; i < 200000; i++) cells.push(`客户${i}`);
for (const [name, f] of [['ours', displayWidth], ['eaw', dw2]]) for (let r = 0; r < 8; r++) { let t = performance.now(), s = 0; for (const c of cells) s += f(c); if (r) console.log(name, (performance.now() - t).toFixed(0), 'ms', s); }
