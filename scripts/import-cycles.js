#!/usr/bin/env node
// The import graph of src/ and its cycles. `node scripts/import-cycles.js` prints a cycle for
// each set of files that import each other (and the set, when it is larger) and exits 1 when
// there is one; test/import-cycles.test.ts runs the same check in `npm test`.
// Edges are the imports that exist at run time: `import type`, imports whose every name is a
// `type`, and `typeof import(…)` in types are left out (tsc erases them); re-exports and
// dynamic import('…') with a literal path count. `--types` counts type-only imports as well.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Every .ts file under dir (absolute paths, sorted). */
function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** True when the import brings in only types, so tsc drops it. */
function typeOnly(node) {
  const clause = node.importClause;
  if (!clause) return false; // import './side-effect.js'
  if (clause.isTypeOnly) return true;
  if (clause.name) return false; // a default import is a value
  const b = clause.namedBindings;
  if (!b || ts.isNamespaceImport(b)) return false;
  return b.elements.length > 0 && b.elements.every((el) => el.isTypeOnly);
}

/** The relative module specifiers a file imports at run time. */
export function runtimeImports(file, text = readFileSync(file, 'utf8'), withTypes = false) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const specs = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && (withTypes || !typeOnly(node))) specs.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && (withTypes || !node.isTypeOnly)) specs.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specs.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.'));
}

/** Graph of src files (paths relative to root, '/'-separated) → files they import. */
export function importGraph(srcDir, withTypes = false) {
  const root = resolve(srcDir);
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = relative(root, file).split('\\').join('/');
    const to = [];
    for (const spec of runtimeImports(file, undefined, withTypes)) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) to.push(relative(root, target).split('\\').join('/'));
    }
    graph.set(from, [...new Set(to)].sort());
  }
  return graph;
}

/** One cycle through each tangle (see tangles): [a, b, …, a]. */
export function findCycles(graph) {
  return tangles(graph).map((files) => cycleThrough(graph, new Set(files)));
}

/**
 * The strongly connected components with more than one file (or a file importing itself): the
 * files that all reach each other, sorted. Tarjan's algorithm, iteratively.
 */
export function tangles(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next); low.set(start, next); next++;
    stack.push(start); onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i];
        if (!index.has(w)) {
          index.set(w, next); low.set(w, next); next++;
          stack.push(w); onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) { const u = work[work.length - 1][0]; low.set(u, Math.min(low.get(u), low.get(v))); }
      if (low.get(v) === index.get(v)) {
        const comp = [];
        let w;
        do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
        if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp.sort());
      }
    }
  }
  return components;
}

/** A shortest cycle from the component's first file (sorted) back to itself, by breadth-first search. */
function cycleThrough(graph, comp) {
  const start = [...comp].sort()[0];
  const prev = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  return [start, start];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --types: count type-only imports too (cycles tsc erases; not an error at run time).
  const withTypes = process.argv.includes('--types');
  const src = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const graph = importGraph(src, withTypes);
  const cycles = [];
  for (const files of tangles(graph)) {
    const c = cycleThrough(graph, new Set(files));
    cycles.push(c);
    process.stdout.write(`import cycle: ${c.join(' → ')}\n`);
    if (files.length > c.length - 1) process.stdout.write(`  the ${files.length} files that import each other around it: ${files.join(', ')}\n`);
  }
  process.stdout.write(cycles.length ? `${cycles.length} import cycle(s)\n` : 'no import cycles\n');
  process.exit(cycles.length ? 1 : 0);
}
