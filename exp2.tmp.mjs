import stringWidth from 'string-width';
import { displayWidth } from './dist/output/format.js';
const ASCII = /^[\x20-\x7e]*$/;
const hybrid = (s) => ASCII.test(s) ? s.length : stringWidth(s);
const cjkOnly = []; const mixed = [];
for (let i = 0; i < 200000; i++) { cjkOnly.push(`客户${i}`); mixed.push(i % 10 === 0 ? `客户${i}` : `${i}.50`); }
for (const [label, cells] of [['cjk', cjkOnly], ['mixed(10% cjk)', mixed]]) for (const [name, f] of [['ours', displayWidth], ['string-width', stringWidth], ['hybrid', hybrid]]) {
  for (let r = 0; r < 2; r++) { let t = performance.now(), s = 0; for (const c of cells) s += f(c); if (r) console.log(label, name, (performance.now() - t).toFixed(0), 'ms', s); }
}
