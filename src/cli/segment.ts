import type { Command } from 'commander';
/** Placeholder: being written. */
export function registerSegment(_program: Command): void {}
