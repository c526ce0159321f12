import { eastAsianWidth } from 'get-east-asian-width';
import { displayWidth } from './dist/output/format.js';
const assigned = /\p{Assigned}/u;
let r = { wideToNarrowAssigned: [], narrowToWideAssigned: 0, wideToNarrowUnassigned: 0, narrowToWideUnassigned: 0 };
for (let cp = 0x1100; cp <= 0x10ffff; cp++) { if (cp >= 0xd800 && cp <= 0xdfff) continue; const s = String.fromCodePoint(cp);
  if (displayWidth(s) === 0) continue;
  const a = displayWidth(s), b = eastAsianWidth(cp); if (a === b) continue;
  const as = assigned.test(s);
  if (a === 2 && as) r.wideToNarrowAssigned.push(cp.toString(16)); else if (a === 2) r.wideToNarrowUnassigned++; else if (as) r.narrowToWideAssigned++; else r.narrowToWideUnassigned++; }
console.log(r.wideToNarrowAssigned.length, r.wideToNarrowAssigned.slice(0, 80).join(' '), r.narrowToWideAssigned, r.wideToNarrowUnassigned, r.narrowToWideUnassigned, process.versions.unicode);
