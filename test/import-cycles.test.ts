// No import cycles between the files of src/ (the imports that exist at run time; `import type`
// is erased by tsc), and imports between folders go down the layers of docs/architecture.md
// ("Modules"). The cycle check itself is scripts/import-cycles.js; here it also runs on small
// planted graphs to show it finds a cycle and prints it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS script without type declarations
import { findCycles, importGraph, tangles } from '../scripts/import-cycles.js';
import { ROOT, cleanupTmp, tmpDir, writeFiles } from './helpers.js';

afterAll(cleanupTmp);

const SCRIPT = join(ROOT, 'scripts', 'import-cycles.js');

/** Folders of src/ by layer: a file imports files of its own folder or of a lower layer. '.' is src/ itself. */
const LAYERS: Record<string, number> = {
  cli: 8,
  report: 7,
  watch: 6, scale: 6,
  rm: 5, segment: 5,
  pay: 4,
  incentive: 3,
  metrics: 2, import: 2, export: 2,
  db: 1, output: 1, samples: 1,
  '.': 0, // errors.ts, types.ts, strings.ts
};
/** Known upward imports, each with its reason. */
const LAYER_EXCEPTIONS = new Set([
  'metrics/pricing.ts → segment/config-file.ts', // the pricing file is YAML read with the tiers file's field reader
]);

describe('import cycles', () => {
  it('src/ has none', () => {
    const cycles: string[][] = findCycles(importGraph(join(ROOT, 'src')));
    expect(cycles.map((c) => c.join(' → '))).toEqual([]);
  });

  it('imports between folders go to a lower layer (docs/architecture.md, "Modules")', () => {
    const g: Map<string, string[]> = importGraph(join(ROOT, 'src'));
    const layerOf = (f: string): string => (f.includes('/') ? f.split('/')[0]! : '.');
    const wrong: string[] = [];
    for (const [from, tos] of g) {
      for (const to of tos) {
        const a = layerOf(from);
        const b = layerOf(to);
        if (a === b || LAYER_EXCEPTIONS.has(`${from} → ${to}`)) continue;
        if (!(a in LAYERS) || !(b in LAYERS)) wrong.push(`${from} → ${to}: give src/${a in LAYERS ? b : a}/ a layer in LAYERS (test/import-cycles.test.ts) and docs/architecture.md`);
        else if (LAYERS[a]! <= LAYERS[b]!) wrong.push(`${from} → ${to}: layer ${LAYERS[a]} may not import layer ${LAYERS[b]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the graph sees the layers: a command imports state.ts, main.ts imports the commands', () => {
    const g: Map<string, string[]> = importGraph(join(ROOT, 'src'));
    expect(g.get('cli/import.ts')).toContain('cli/state.ts');
    expect(g.get('cli/main.ts')).toContain('cli/import.ts');
    expect(g.get('cli/state.ts')).toEqual([]);
    expect(g.get('report/compose.ts')).toContain('segment/labels.ts');
    expect(g.get('report/compose.ts')!.some((f) => f.startsWith('cli/'))).toBe(false);
  });

  it('finds a planted three-file cycle, prints it and exits 1; type-only imports and side branches are not cycles', () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'sub'));
    writeFiles(dir, {
      'a.ts': "import { b } from './b.js';\nimport type { T } from './t.js';\nexport const a = b + 1;\n",
      'b.ts': "export { c as b } from './sub/c.js';\n",
      'sub/c.ts': "import { a } from '../a.js';\nexport const c = 1;\nexport const later = () => a;\n",
      't.ts': "import { type A } from './u.js';\nimport type { a } from './a.js';\nexport type T = A | typeof a;\n",
      'u.ts': "import { leaf } from './leaf.js';\nexport type A = number;\nexport const u = leaf;\n",
      'leaf.ts': 'export const leaf = 0;\n',
    });
    expect(findCycles(importGraph(dir))).toEqual([['a.ts', 'b.ts', 'sub/c.ts', 'a.ts']]);
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('import cycle: a.ts → b.ts → sub/c.ts → a.ts\n1 import cycle(s)\n');
    // Counting type-only imports, t.ts → a.ts closes a second loop a → t → a in the same component.
    const withTypes: string[][] = findCycles(importGraph(dir, true));
    expect(withTypes).toHaveLength(1);
    expect(withTypes[0]).toEqual(['a.ts', 't.ts', 'a.ts']);
  });

  it('prints the whole tangle when more files import each other than the one cycle shows', () => {
    const dir = tmpDir();
    writeFiles(dir, {
      'a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.js';\nimport { c } from './c.js';\nexport const b = () => a() + c;\n",
      'c.ts': "import { b } from './b.js';\nexport const c = 1;\nexport const cb = () => b;\n",
    });
    expect(tangles(importGraph(dir))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([1, 'import cycle: a.ts → b.ts → a.ts\n  the 3 files that import each other around it: a.ts, b.ts, c.ts\n1 import cycle(s)\n']);
  });

  it('a file importing itself, and a dynamic import, are cycles; an acyclic tree is clean (exit 0)', () => {
    const dir = tmpDir();
    writeFiles(dir, {
      'self.ts': "export const x = 1;\nexport const load = () => import('./self.js');\n",
      'p.ts': "import { q } from './q.js';\nexport const p = q;\n",
      'q.ts': 'export const q = 1;\n',
    });
    expect(findCycles(importGraph(dir))).toEqual([['self.ts', 'self.ts']]);
    const clean = tmpDir();
    writeFiles(clean, { 'p.ts': "import { q } from './q.js';\nexport const p = q;\n", 'q.ts': 'export const q = 1;\n' });
    const r = spawnSync(process.execPath, [SCRIPT, clean], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, 'no import cycles\n']);
  });
});
