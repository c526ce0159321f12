/**
 * Colour policy. Colour is on only for a TTY, never when NO_COLOR is set to a non-empty value
 * (https://no-color.org, takes precedence), and FORCE_COLOR (non-empty and not "0"/"false")
 * forces it on for non-TTY streams. TERM=dumb turns it off unless forced.
 * `paint()` wraps chalk with an explicit level, so chalk's own environment detection never
 * decides anything and colour cannot leak when `color` is false.
 */
import { Chalk } from 'chalk';

export function useColor(
  stream: Pick<NodeJS.WriteStream, 'isTTY'>,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return false;
    return true;
  }
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export type PaintFn = (text: string) => string;

export interface Painter {
  readonly enabled: boolean;
  red: PaintFn;
  green: PaintFn;
  yellow: PaintFn;
  cyan: PaintFn;
  bold: PaintFn;
  dim: PaintFn;
}

const identity: PaintFn = (text) => text;

/** Colour helpers; all identity functions when `color` is false. Uses 16-colour ANSI (level 1). */
export function paint(opts: { color: boolean }): Painter {
  if (!opts.color) {
    return { enabled: false, red: identity, green: identity, yellow: identity, cyan: identity, bold: identity, dim: identity };
  }
  const c = new Chalk({ level: 1 });
  return {
    enabled: true,
    red: (t) => c.red(t),
    green: (t) => c.green(t),
    yellow: (t) => c.yellow(t),
    cyan: (t) => c.cyan(t),
    bold: (t) => c.bold(t),
    dim: (t) => c.dim(t),
  };
}
