import type { Command } from 'commander';
/** Placeholder: being written. */
export function registerRmReport(_program: Command): void {}
