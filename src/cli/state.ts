/**
 * State the commands share with the program in main.ts: the global options and the exit code.
 * Commands import this module, never main.ts, and it imports no command (no import cycle).
 */
import type { Command } from 'commander';

type WithExitCode = Command & { exitCodeFromAction?: number };

/** Commands set their exit code here (e.g. 1 when rows were rejected) instead of exiting. */
export function setExitCode(cmd: Command, code: number): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  const r = root as WithExitCode;
  r.exitCodeFromAction = Math.max(r.exitCodeFromAction ?? 0, code);
}

/** The exit code the commands set on the program (0 when none did). */
export function exitCodeOf(program: Command): number {
  return (program as WithExitCode).exitCodeFromAction ?? 0;
}

/** Global options as seen from a subcommand. */
export function globals(cmd: Command): { db?: string; verbose?: boolean } {
  return cmd.optsWithGlobals() as { db?: string; verbose?: boolean };
}
