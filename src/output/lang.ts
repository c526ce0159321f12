/**
 * Report language. `--lang en|zh` wins; without it the locale decides: Chinese when the first
 * of LC_ALL, LC_MESSAGES, LANG that is set (non-empty) starts with "zh" (zh_CN.UTF-8, zh_TW …),
 * English otherwise.
 */
import { UsageError } from '../errors.js';
import type { Lang } from './columns.js';

export const LANGS: readonly Lang[] = ['en', 'zh'];

export function localeLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const loc = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return loc !== undefined && /^zh/i.test(loc) ? 'zh' : 'en';
}

/** The --lang option value (undefined = not given) → the language, or a usage error. */
export function resolveLang(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (option === undefined) return localeLang(env);
  const v = option.trim().toLowerCase();
  if (v === 'en' || v === 'zh') return v;
  if (/^zh[-_]/.test(v)) return 'zh';
  if (/^en[-_]/.test(v)) return 'en';
  throw new UsageError(`--lang: expected en or zh (got "${option}")`);
}

/** Help text of the --lang option, the same on every report. */
export const LANG_OPTION_HELP = 'en or zh: headers, tier/segment names and report lines (default: zh when LC_ALL/LC_MESSAGES/LANG starts with zh, else en)';

/** The group key reports use for customers without an RM or branch. */
const UNASSIGNED_KEY = '(unassigned)';

/** A group key or id as shown to people: "(unassigned)" in the report language, others as they are. */
export function shownKey<T extends string | number | null>(v: T, lang: Lang): T | string {
  return v === UNASSIGNED_KEY ? (lang === 'zh' ? '（未分配）' : UNASSIGNED_KEY) : v;
}

/** A section with no rows, in one line: "Corporate customers — …: no customers". */
export function emptySectionLine(title: string, lang: Lang): string {
  return lang === 'zh' ? `${title}：无客户` : `${title}: no customers`;
}
