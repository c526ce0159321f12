/**
 * Fuzz: 150 mutations (fixed seed) of valid sample files, each imported into its own copy of
 * a database: exit 0 or 1, no stack trace, no hang, and all of the file's good rows or none.
 * Self-contained (uses samples/). CRM_FUZZ_CASES and CRM_FUZZ_SEED override the defaults.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, ROOT, runCrm, tmpDir, writeFiles } from '../helpers.js';
import { expectAllOrNone, rng, runMany, type Job } from './util.js';

afterAll(cleanupTmp);

const CASES = Number(process.env.CRM_FUZZ_CASES ?? 150);
const SEED = Number(process.env.CRM_FUZZ_SEED ?? 20261127);
const S = join(ROOT, 'samples');

/** The first n data lines of a sample file (keeps every case fast). */
function head(file: string, n: number): Buffer {
  const lines = readFileSync(file, 'utf8').split('\n');
  return Buffer.from(lines.slice(0, n + 1).join('\n') + '\n');
}

type Mutator = (b: Buffer, r: () => number) => Buffer;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const at = (b: Buffer, r: () => number) => Math.floor(r() * (b.length + 1));
const NASTY = ['"', '""', ',', ';', '\n', '\r', '\r\n', '\0', '\ufeff', '\t', '|', '=', '-', '(', '1e308', '¥', '\uFFFD', '\\', '\u2028', '9'.repeat(40)];

const MUTATORS: Record<string, Mutator> = {
  flipBytes: (b, r) => { const c = Buffer.from(b); for (let k = 1 + Math.floor(r() * 8); k > 0; k--) c[Math.floor(r() * c.length)] = Math.floor(r() * 256); return c; },
  insertNasty: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.from(pick(r, NASTY)), b.subarray(i)]); },
  deleteRange: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + Math.floor(r() * 400)))]); },
  duplicateRange: (b, r) => { const i = at(b, r); const j = Math.min(b.length, i + Math.floor(r() * 2000)); return Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]); },
  truncate: (b, r) => b.subarray(0, at(b, r)),
  randomTail: (b, r) => Buffer.concat([b, Buffer.from(Array.from({ length: Math.floor(r() * 3000) }, () => Math.floor(r() * 256)))]),
  crOnly: (b) => Buffer.from(b.toString('utf8').replace(/\n/g, '\r')),
  utf16: (b) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('utf8'), 'utf16le')]),
  gb18030Bytes: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.from([0x81, 0x30, 0xd6, 0xd0, 0xff, 0x80]), b.subarray(i)]); },
  renameHeader: (b, r) => { const t = b.toString('utf8'); const nl = t.indexOf('\n'); const cols = t.slice(0, nl).split(','); cols[Math.floor(r() * cols.length)] = pick(r, ['', 'txn_id', 'amount', 'x', '金额', '"', 'customer_id']); return Buffer.from(cols.join(',') + t.slice(nl)); },
  shuffleLines: (b, r) => { const l = b.toString('utf8').split('\n'); for (let k = 0; k < 20; k++) { const i = Math.floor(r() * l.length); const j = Math.floor(r() * l.length); [l[i], l[j]] = [l[j], l[i]]; } return Buffer.from(l.join('\n')); },
  quoteFields: (b, r) => Buffer.from(b.toString('utf8').replace(/,/g, (m) => (r() < 0.1 ? ',"' : m))),
  hugeField: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.alloc(200_000 + Math.floor(r() * 300_000), 'z'), b.subarray(i)]); },
};

describe('fuzz: mutated sample files', () => {
  it(`${CASES} cases, seed ${SEED}`, () => {
    const dir = tmpDir('crm-fuzz-');
    const base = join(dir, 'base.db');
    const r0 = runCrm(['--db', base, 'import', join(S, 'rms.csv'), join(S, 'customers.csv'), join(S, 'accounts', 'accounts_2026-11-01.csv')]);
    expect(r0.code, r0.stderr).toBe(0);
    const sources: [string, Buffer][] = [
      ['transactions.csv', head(join(S, 'transactions.csv'), 400)],
      ['customers.csv', head(join(S, 'customers.csv'), 150)],
      ['accounts_2026-11-02.csv', head(join(S, 'accounts', 'accounts_2026-11-02.csv'), 300)],
      ['rms.csv', readFileSync(join(S, 'rms.csv'))],
      ['targets.csv', readFileSync(join(S, 'targets.csv'))],
    ];
    const r = rng(SEED);
    const names = Object.keys(MUTATORS);
    const jobs: Job[] = [];
    const used: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const [name, src] = sources[i % sources.length];
      let b = src;
      const steps: string[] = [];
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        const m = pick(r, names);
        steps.push(m);
        used[m] = (used[m] ?? 0) + 1;
        b = MUTATORS[m](b, r);
      }
      const db = join(dir, `case${i}.db`);
      copyFileSync(base, db);
      const [file] = writeFiles(dir, { [`case${i}_${name}`]: b });
      jobs.push({ label: `case ${i} (${name}: ${steps.join('+')})`, db, args: ['--db', db, 'import', '--rejects', join(dir, `case${i}.rejects.csv`), file] });
    }
    const results = runMany(jobs, 80_000);
    const tally: Record<string, number> = {};
    for (const res of results) {
      expectAllOrNone(res);
      expect([0, 1], `${res.label}: exit ${res.code}\n${res.stdout}\n${res.stderr}`).toContain(res.code);
      const k = `exit ${res.code}/${res.logs[0]?.status ?? 'no import'}`;
      tally[k] = (tally[k] ?? 0) + 1;
    }
    console.log(`fuzz: ${CASES} cases: ${JSON.stringify(tally)}; mutators ${JSON.stringify(used)}; slowest ${Math.max(...results.map((x) => x.ms))} ms`);
  });
});
