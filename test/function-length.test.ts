// No function in src/ longer than 80 lines unless the comment directly above it says why, on a
// line starting with `Long:` (docs/architecture.md, "Function length"). Functions are found with
// the TypeScript compiler API: declarations, methods, constructors, accessors, arrow functions and
// function expressions; a function's lines run from its first line to its last, nested functions
// included. The checker also runs on planted sources to show it fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const MAX_LINES = 80;

/**
 * Functions of src/import/ over the limit, left for the lead to split or give a `Long:` reason
 * when the importer rewrite (issue 24's city-scale part, another branch) merges. Keyed
 * `path:name`; remove an entry once its function passes.
 */
const ALLOWED = new Set<string>([]);

export interface LongFunction { file: string; name: string; line: number; lines: number }

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name) || ts.isPrivateIdentifier(named.name))) {
    const own = named.name.text;
    const cls = node.parent && ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
    return cls + own;
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  // An arrow or function expression takes the name it is assigned to, or where it is passed.
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText(sf).slice(0, 40)})`;
  return '(anonymous)';
}

/** The comment lines directly above a function (or above the statement that holds it). */
function commentAbove(node: ts.Node, sf: ts.SourceFile): string {
  // For `const f = () => …` or `export default function`, the comment sits above the statement.
  let holder: ts.Node = node;
  while (holder.parent && (ts.isVariableDeclaration(holder.parent) || ts.isVariableDeclarationList(holder.parent)
    || ts.isVariableStatement(holder.parent) || ts.isPropertyAssignment(holder.parent)
    || ts.isExportAssignment(holder.parent) || ts.isParenthesizedExpression(holder.parent))) holder = holder.parent;
  const ranges = ts.getLeadingCommentRanges(sf.text, holder.getFullStart()) ?? [];
  return ranges.map((r) => sf.text.slice(r.pos, r.end)).join('\n');
}

/** Whether a comment holds a line starting with `Long:` (after `//`, `*` or `/**`). */
export function hasLongReason(comment: string): boolean {
  return comment.split('\n').some((l) => /^\s*(?:\/\/+|\/\*+|\*)?\s*Long:\s*\S/.test(l));
}

/** Every function of one source text longer than `max` lines without a `Long:` reason above it. */
export function longFunctions(file: string, text: string, max = MAX_LINES): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max && !hasLongReason(commentAbove(node, sf))) {
        found.push({ file, name: nameOf(node, sf), line: start + 1, lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('function length', () => {
  const src = join(ROOT, 'src');
  const all = sourceFiles(src).flatMap((p) => longFunctions(relative(ROOT, p).split('\\').join('/'), readFileSync(p, 'utf8')));
  const key = (f: LongFunction) => `${f.file}:${f.name}`;

  it(`no function in src/ over ${MAX_LINES} lines without a "Long:" reason above it`, () => {
    const failing = all.filter((f) => !ALLOWED.has(key(f)));
    const report = failing.map((f) => `  ${f.file}:${f.line} ${f.name} (${f.lines} lines)`).join('\n');
    expect(report, `functions over ${MAX_LINES} lines: split each, or write a line starting with "Long:" `
      + `giving the reason in the comment directly above it (docs/architecture.md, "Function length")`).toBe('');
  });

  it('every allow-list entry is still a long function (remove it once its function passes)', () => {
    const stale = [...ALLOWED].filter((k) => !all.some((f) => key(f) === k));
    expect(stale).toEqual([]);
  });

  it('finds a planted long function of every kind and accepts one with a Long: reason', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      `export function decl(): number {\n  let x = 0;\n${body(80)}\n  return x;\n}`, // 84 lines
      `function short(): number {\n  let x = 0;\n${body(77)}\n  return x;\n}`, // 81 lines
      `function exact(): number {\n  let x = 0;\n${body(76)}\n  return x;\n}`, // 80 lines: passes
      `const arrow = (): number => {\n  let x = 0;\n${body(80)}\n  return x;\n};`,
      `const expr = function (): number {\n  let x = 0;\n${body(80)}\n  return x;\n};`,
      `class C {\n  method(): number {\n  let x = 0;\n${body(80)}\n  return x;\n  }\n}`,
      `[1].map((y) => {\n  let x = y;\n${body(80)}\n  return x;\n});`,
      `/**\n * Whole on purpose.\n * Long: one table of cases reads best in one place.\n */\nfunction justified(): number {\n  let x = 0;\n${body(80)}\n  return x;\n}`,
      `// Long: a generator reads top to bottom.\nconst justifiedArrow = (): number => {\n  let x = 0;\n${body(80)}\n  return x;\n};`,
      `/** Long but no reason line. */\nfunction notJustified(): number {\n  let x = 0;\n${body(80)}\n  return x;\n}`,
    ].join('\n\n');
    const found = longFunctions('planted.ts', text);
    expect(found.map((f) => [f.name, f.lines])).toEqual([
      ['decl', 84], ['short', 81], ['arrow', 84], ['expr', 84], ['C.method', 84],
      ['(callback of [1].map)', 84], ['notJustified', 84],
    ]);
    expect(found[0].line).toBe(1);
  });

  it('reads a Long: reason only at the start of a comment line', () => {
    expect(hasLongReason('/**\n * Does X.\n * Long: reason.\n */')).toBe(true);
    expect(hasLongReason('// Long: reason')).toBe(true);
    expect(hasLongReason('/** Long: reason */')).toBe(true);
    expect(hasLongReason('// Too Long: no')).toBe(false);
    expect(hasLongReason('// Long:')).toBe(false);
    expect(hasLongReason('// long: lower case')).toBe(false);
  });
});
