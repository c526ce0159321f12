import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectEncoding, normaliseEncoding, readCsvFile, type ReadOptions } from '../../src/import/reader.js';
import { KINDS } from '../../src/import/kinds.js';
import { buildExtractor, parseRow } from '../../src/import/rows.js';
import { encodeGb18030 } from '../../src/output/gb18030.js';
import type { CsvError } from '../../src/import/csv.js';
import { cleanupTmp, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);
const dir = tmpDir();
let n = 0;
function file(bytes: Buffer | string): string {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, bytes);
  return p;
}

function read(path: string, opts: ReadOptions = {}) {
  let header: string[] = [];
  const rows: string[][] = [];
  const errors: CsvError[] = [];
  const info = readCsvFile(path, opts, {
    header: (r) => { header = r.fields; },
    record: (r) => rows.push(r.fields),
    error: (e) => errors.push(e),
  });
  return { info, header, rows, errors };
}

const CUSTOMERS = '客户号,客户名称,客户类型\nC1,张三,个人\nC2,北京华信科技有限公司,对公\n';

describe('encoding detection', () => {
  it('UTF-8 without BOM', () => {
    const r = read(file(Buffer.from(CUSTOMERS, 'utf8')));
    expect(r.info.encoding).toBe('utf-8');
    expect(r.header).toEqual(['客户号', '客户名称', '客户类型']);
    expect(r.rows).toEqual([['C1', '张三', '个人'], ['C2', '北京华信科技有限公司', '对公']]);
  });

  it('UTF-8 with BOM: the BOM is not part of the first header name', () => {
    const r = read(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CUSTOMERS, 'utf8')])));
    expect(r.info.encoding).toBe('utf-8');
    expect(r.header[0]).toBe('客户号');
    expect(r.rows).toHaveLength(2);
  });

  it('GB18030 Chinese text is detected (not valid UTF-8)', () => {
    const bytes = encodeGb18030(CUSTOMERS);
    // 张 in GB18030/GBK is D5 C5: check the fixture really is GB bytes
    expect(bytes.includes(Buffer.from([0xd5, 0xc5]))).toBe(true);
    const r = read(file(bytes));
    expect(r.info.encoding).toBe('gb18030');
    expect(r.header).toEqual(['客户号', '客户名称', '客户类型']);
    expect(r.rows[1]).toEqual(['C2', '北京华信科技有限公司', '对公']);
  });

  it('UTF-16LE with BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CUSTOMERS, 'utf16le')]);
    const r = read(file(bytes));
    expect(r.info.encoding).toBe('utf-16le');
    expect(r.header).toEqual(['客户号', '客户名称', '客户类型']);
    expect(r.rows).toEqual([['C1', '张三', '个人'], ['C2', '北京华信科技有限公司', '对公']]);
  });

  it('a UTF-8 sequence cut by the end of the sample still counts as UTF-8', () => {
    const zhong = Buffer.from('中', 'utf8'); // E4 B8 AD
    expect(detectEncoding(Buffer.concat([Buffer.from('ab,'), zhong.subarray(0, 2)]))).toBe('utf-8');
    expect(detectEncoding(Buffer.concat([Buffer.from('ab,'), zhong]))).toBe('utf-8');
    // 中 in GB18030 is D6 D0: not a cut UTF-8 sequence, so not trimmed away
    expect(detectEncoding(encodeGb18030('ab,中'))).toBe('gb18030');
    // 鍊 = E5 9F (E5 is a 3-byte UTF-8 lead, 9F a continuation): only a complete sample is judged exactly
    const gbTail = Buffer.from('ab,\xe5\x9f', 'latin1');
    expect(detectEncoding(gbTail, true)).toBe('gb18030');
    expect(detectEncoding(gbTail, false)).toBe('utf-8'); // could be a cut UTF-8 sequence
    const r = read(file(gbTail));
    expect(r.info.encoding).toBe('gb18030');
    expect(r.header).toEqual(['ab', new TextDecoder('gb18030').decode(Buffer.from([0xe5, 0x9f]))]);
    expect(detectEncoding(Buffer.from('plain ascii'))).toBe('utf-8');
  });

  it('GB18030 detected when the Chinese text starts past a large ASCII prefix within the sample', () => {
    const ascii = 'customer_id,name,customer_type\n' + 'C0,abc,personal\n'.repeat(20000);
    const r = read(file(Buffer.concat([Buffer.from(ascii), encodeGb18030('C9,张三,个人\n')])));
    expect(r.info.encoding).toBe('gb18030');
    expect(r.rows[r.rows.length - 1]).toEqual(['C9', '张三', '个人']);
    expect(r.rows).toHaveLength(20001);
  });
});

describe('forced encodings', () => {
  it('--encoding gbk / gb2312 / cp936 all read as gb18030', () => {
    for (const name of ['gbk', 'GB2312', 'cp936', 'gb18030']) expect(normaliseEncoding(name)).toBe('gb18030');
    const r = read(file(encodeGb18030(CUSTOMERS)), { encoding: 'gbk' });
    expect(r.info.encoding).toBe('gb18030');
    expect(r.rows[0]).toEqual(['C1', '张三', '个人']);
  });

  it('forcing utf-8 on GB18030 bytes yields replacement characters (not silently valid text)', () => {
    const r = read(file(encodeGb18030(CUSTOMERS)), { encoding: 'utf-8' });
    expect(r.info.encoding).toBe('utf-8');
    expect(r.rows[0][1]).toContain('\uFFFD');
  });

  it('forcing gb18030 on a UTF-8 file gives mojibake, not the original text', () => {
    const r = read(file(Buffer.from(CUSTOMERS, 'utf8')), { encoding: 'gb18030' });
    expect(r.rows[0][1]).not.toBe('张三');
  });

  it('forced utf-16le without a BOM', () => {
    const r = read(file(Buffer.from('a,b\n1,二\n', 'utf16le')), { encoding: 'utf-16le' });
    expect(r.header).toEqual(['a', 'b']);
    expect(r.rows).toEqual([['1', '二']]);
  });

  it('an unknown encoding name is a usage error', () => {
    expect(() => normaliseEncoding('foo')).toThrow(/unknown encoding "foo"/);
    expect(() => read(file('a\n1\n'), { encoding: 'latin-9' })).toThrow(/unknown encoding "latin-9"/);
  });
});

describe('invalid bytes', () => {
  it('an invalid GB18030 byte becomes U+FFFD and the row is rejected with a reason; other rows are fine', () => {
    const head = encodeGb18030('客户号,客户名称,客户类型\nC1,张三,个人\n');
    const bad = Buffer.concat([Buffer.from('C2,'), Buffer.from([0xff]), encodeGb18030('李四,个人\n')]);
    const tail = encodeGb18030('C3,王五,对公\n');
    const r = read(file(Buffer.concat([head, bad, tail])));
    expect(r.info.encoding).toBe('gb18030');
    expect(r.rows).toHaveLength(3);
    expect(r.rows[1][1]).toBe('\uFFFD李四');
    const def = KINDS.customers;
    const ex = buildExtractor(def, r.header, undefined, 'x.csv');
    expect(Array.isArray(parseRow(def, ex.extract(r.rows[0]), {}))).toBe(true);
    expect(parseRow(def, ex.extract(r.rows[1]), {})).toEqual({ column: 'name', reason: 'invalid byte sequence for the file encoding (wrong --encoding?)' });
    expect(parseRow(def, ex.extract(r.rows[2]), {})).toEqual(['C3', '王五', 'corporate', null, null, null]);
  });

  it('an empty file reports empty', () => {
    const r = read(file(Buffer.alloc(0)));
    expect(r.info.empty).toBe(true);
    expect(r.rows).toEqual([]);
  });

  it('a missing file is a clear error', () => {
    expect(() => read(join(dir, 'nope.csv'))).toThrow(/nope\.csv: cannot open: no such file/);
  });
});

describe('a file larger than the encoding sample', () => {
  it('reads every record once, in order, across the sample slices and chunks, and hashes every byte', async () => {
    const { createHash } = await import('node:crypto');
    const { parseFile } = await import('../../src/import/parse-stage.js');
    // ~5.6 MB: past the 4 MB sample (fed in 256 KB slices) and into 1 MB chunks; "张三" is
    // 6 bytes of UTF-8, so some land across a slice or chunk boundary.
    const rows = 70_000;
    let text = 'customer_id,name,customer_type\n';
    for (let i = 1; i <= rows; i++) text += `C${i},张三 ${'x'.repeat(1 + (i % 50))},personal\n`;
    const path = file(text);
    const seen: number[] = [];
    let badName = 0;
    const info = parseFile({ path, kind: 'customers', snapshotMode: 'full' }, {
      note() {},
      row(v, line) {
        seen.push(line);
        if (v[0] !== `C${line - 1}` || v[1] !== `张三 ${'x'.repeat(1 + ((line - 1) % 50))}`) badName++;
      },
      reject(line, column, reason) { throw new Error(`line ${line}: ${column} ${reason}`); },
    });
    expect(seen.length).toBe(rows);
    expect(seen.every((l, i) => l === i + 2)).toBe(true); // records 1..70,000 on lines 2..70,001
    expect(badName).toBe(0);
    expect(info.bytes).toBe(Buffer.byteLength(text));
    expect(info.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('ASCII chunks of a UTF-8 file (decoded as Latin-1, past the decoder)', () => {
  // The sample goes in 256 KB slices: byte 262,144 starts the second one.
  const SLICE = 256 * 1024;
  /** An ASCII file of rows "R<i>,name<i>,x" with `special` bytes ending exactly at `end`, then ASCII rows to ~5.5 MB. */
  function build(special: Buffer, end: number): { bytes: Buffer; specialRow: number } {
    const parts: Buffer[] = [Buffer.from('id,name,kind\n')];
    let size = parts[0].length;
    let i = 0;
    // Whole ASCII rows while they fit before the row that holds the special bytes.
    for (;;) {
      const row = Buffer.from(`R${i},name${i},x\n`);
      if (size + row.length + 40 > end) break;
      parts.push(row);
      size += row.length;
      i++;
    }
    // The special row: "S,<padding><special>,x": its special bytes end at `end`.
    const pad = end - size - 2 - special.length;
    parts.push(Buffer.from(`S,${'p'.repeat(pad)}`), special, Buffer.from(',x\n'));
    size = end + 3;
    const specialRow = i;
    for (let j = 0; size < 5_500_000; j++) {
      const row = Buffer.from(`T${j},tail${j},x\n`);
      parts.push(row);
      size += row.length;
    }
    return { bytes: Buffer.concat(parts), specialRow };
  }

  it('a character cut by a slice boundary, followed by ASCII slices, comes out whole', () => {
    // 张 = E5 BC A0: the boundary falls after its first byte, the rest of the file is ASCII.
    const { bytes, specialRow } = build(Buffer.from('张'), SLICE + 2);
    expect(bytes[SLICE - 1]).toBe(0xe5);
    const r = read(file(bytes));
    expect(r.info.encoding).toBe('utf-8');
    expect(r.errors).toEqual([]);
    expect(r.rows[specialRow][1].endsWith('p张')).toBe(true);
    expect(r.rows[specialRow + 1]).toEqual(['T0', 'tail0', 'x']);
    expect(r.rows[r.rows.length - 1][0]).toMatch(/^T\d+$/);
    expect(r.rows.some((row) => row.join(',').includes('\uFFFD'))).toBe(false);
  });

  it('a cut-off sequence at the end of a slice becomes U+FFFD in its own row, not later or nowhere', () => {
    // A lead byte with nothing after it, at the last byte of the first slice; the next slice is
    // all ASCII. Fed to Latin-1 directly, the replacement character would be lost (or appear at
    // the end of the file, where the decoder is flushed).
    const { bytes, specialRow } = build(Buffer.from([0x61, 0xe5]), SLICE);
    expect(bytes[SLICE - 1]).toBe(0xe5);
    expect(bytes.subarray(SLICE, SLICE + 64 * 1024).every((b) => b < 0x80)).toBe(true);
    // Auto-detection would call this GB18030 (not valid UTF-8): the encoding is forced.
    const r = read(file(bytes), { encoding: 'utf-8' });
    expect(r.rows[specialRow][1].endsWith('pa\uFFFD')).toBe(true);
    expect(r.rows[specialRow + 1]).toEqual(['T0', 'tail0', 'x']);
    const bad = r.rows.filter((row) => row.join(',').includes('\uFFFD'));
    expect(bad).toHaveLength(1);
  });
});
