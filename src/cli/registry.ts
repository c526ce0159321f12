import type { Command } from 'commander';
/** Later commands (segment, rm-report, report, completion) register here. */
export function registerExtraCommands(_program: Command): void {}
