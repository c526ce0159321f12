/**
 * GB18030 encoder. Node ships a GB18030 *decoder* (WHATWG TextDecoder('gb18030'), ICU-backed)
 * but no encoder, so the encoder is built lazily by inverting the decoder:
 *  - every two-byte sequence (lead 0x81–0xFE × trail 0x40–0x7E, 0x80–0xFE) is decoded once;
 *    the first (lowest) sequence for a code point wins, as in the WHATWG encoder;
 *  - BMP code points not found there use the four-byte sequences 0x81308130.. (linear pointers
 *    0..39419), also obtained by decoding them;
 *  - supplementary-plane code points use the linear formula from 0x90308130.
 * Always the label 'gb18030' (never 'gbk': the GBK decoder/encoder differ, e.g. for €).
 * Lone surrogates are encoded as U+FFFD.
 * Not iconv-lite: it writes GB18030-2005 bytes for 37 code points that this decoder reads
 * otherwise (docs/architecture.md, "Dependencies and why").
 */

let table: Uint32Array | undefined; // code unit -> encoded bytes (1, 2 or 4 bytes packed) or 0

const FOUR_BYTE_BMP_POINTERS = 39420;
const SUPPLEMENTARY_POINTER_BASE = 189000;

function pointerToBytes(pointer: number): [number, number, number, number] {
  const b1 = Math.floor(pointer / 12600);
  let rem = pointer % 12600;
  const b2 = Math.floor(rem / 1260);
  rem %= 1260;
  return [b1 + 0x81, b2 + 0x30, Math.floor(rem / 10) + 0x81, (rem % 10) + 0x30];
}

function pack(bytes: number[]): number {
  // Big-endian; two-byte codes are <= 0xFFFF, four-byte codes are >= 0x81308130.
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

function buildTable(): Uint32Array {
  const t = new Uint32Array(0x10000);
  const decoder = new TextDecoder('gb18030');
  // Two-byte sequences, decoded in one pass; each yields exactly one BMP code unit.
  const pairs: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) pairs.push(lead, trail);
  }
  const twoByte = decoder.decode(Uint8Array.from(pairs));
  const pairCount = pairs.length / 2;
  for (let i = 0; i < pairCount; i++) {
    const lead = pairs[2 * i]!;
    const trail = pairs[2 * i + 1]!;
    const text = twoByte.length === pairCount ? twoByte[i]! : decoder.decode(Uint8Array.of(lead, trail));
    if (text.length !== 1 || text === '\ufffd') continue;
    const cu = text.charCodeAt(0);
    if (t[cu] === 0) t[cu] = pack([lead, trail]);
  }
  // Four-byte BMP sequences.
  const quads: number[] = [];
  for (let p = 0; p < FOUR_BYTE_BMP_POINTERS; p++) quads.push(...pointerToBytes(p));
  const fourByte = decoder.decode(Uint8Array.from(quads));
  for (let p = 0; p < FOUR_BYTE_BMP_POINTERS; p++) {
    const text = fourByte.length === FOUR_BYTE_BMP_POINTERS
      ? fourByte[p]!
      : decoder.decode(Uint8Array.from(pointerToBytes(p)));
    if (text.length !== 1) continue;
    const cu = text.charCodeAt(0);
    if (cu >= 0xd800 && cu <= 0xdfff) continue;
    if (t[cu] === 0) t[cu] = pack(pointerToBytes(p));
  }
  return t;
}

/** Encode a JavaScript string as GB18030 bytes (round-trips through TextDecoder('gb18030')). */
export function encodeGb18030(s: string): Buffer {
  const out = Buffer.allocUnsafe(s.length * 4);
  let n = 0;
  let tbl: Uint32Array | undefined;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp < 0x80) {
      out[n++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
        for (const b of pointerToBytes(SUPPLEMENTARY_POINTER_BASE + cp - 0x10000)) out[n++] = b;
        continue;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate
    tbl ??= table ??= buildTable();
    const packed = tbl[cp]!;
    if (packed === 0) {
      out[n++] = 0x3f; // '?': not representable (does not occur with a complete ICU decoder)
    } else if (packed <= 0xffff) {
      out[n++] = packed >>> 8;
      out[n++] = packed & 0xff;
    } else {
      out[n++] = packed >>> 24;
      out[n++] = (packed >>> 16) & 0xff;
      out[n++] = (packed >>> 8) & 0xff;
      out[n++] = packed & 0xff;
    }
  }
  return Buffer.from(out.subarray(0, n));
}
