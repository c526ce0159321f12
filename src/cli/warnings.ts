/**
 * The pay and RM-report warnings on stderr. A warning that names an RM ("RM R1 (Name): no target
 * for KPI …") is one line per RM; when a plan and the targets file disagree for a whole branch
 * that is hundreds of lines. Past FOLD_AFTER RMs with the same warning, the first SHOWN are
 * printed and one line counts the rest; --verbose prints every one. The JSON output's notes
 * always list every warning.
 */
import type { Lang } from '../output/columns.js';
import { warningZh } from '../rm/render.js';

/** RMs with one warning printed one by one before it folds. */
const FOLD_AFTER = 5;
/** RMs still printed when it folds. */
const SHOWN = 3;

/** "RM <id> (<name>): <what>" → what; null for a warning that names no RM. */
function whatOf(w: string): string | null {
  const m = /^RM \S+(?: \(.*?\))?: (.+)$/.exec(w);
  return m ? m[1] : null;
}

/** The lines to print (without the "crm: warning: " prefix), in the warnings' order. */
export function warningLines(warnings: readonly string[], lang: Lang, verbose: boolean): string[] {
  const text = (w: string) => (lang === 'zh' ? warningZh(w) : w);
  if (verbose) return warnings.map(text);
  const count = new Map<string, number>();
  for (const w of warnings) {
    const what = whatOf(w);
    if (what !== null) count.set(what, (count.get(what) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const w of warnings) {
    const what = whatOf(w);
    const n = what === null ? 0 : (count.get(what) as number);
    if (what === null || n <= FOLD_AFTER) {
      lines.push(text(w));
      continue;
    }
    const k = (seen.get(what) ?? 0) + 1;
    seen.set(what, k);
    if (k <= SHOWN) lines.push(text(w));
    if (k === SHOWN) {
      // The Chinese text of the warning without its RM: what follows the first full-width colon.
      const rest = lang === 'zh' ? text(w).replace(/^[^：]*：/, '') : what;
      lines.push(lang === 'zh' ? `另有 ${n - SHOWN} 位客户经理：${rest}（--verbose 逐条列出）` : `and ${n - SHOWN} more RMs: ${rest} (--verbose lists every one)`);
    }
  }
  return lines;
}

export function printWarnings(warnings: readonly string[], lang: Lang, verbose: boolean): void {
  for (const line of warningLines(warnings, lang, verbose)) process.stderr.write(`crm: warning: ${line}\n`);
}
