#!/usr/bin/env node
// Writes docs/commands.md from the built binary's --help output, so the command reference
// never drifts from the code. `node scripts/gen-docs.js --check` exits 1 when it has drifted.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'commands.md');

export function helpOf(args) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'crm.js'), ...args, '--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100', NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')} --help exited ${r.status}: ${r.stderr}`);
  return r.stdout.trimEnd();
}

/** The commands listed in `crm [path…] --help` (top level, or the subcommands of `crm pay`). */
export function commandsOf(path = []) {
  const top = helpOf(path);
  const section = (top.split(/\nCommands:\n/)[1] ?? '').split('\n\n')[0];
  return section.split('\n').map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1]).filter((c) => c && c !== 'help');
}

export function render() {
  const parts = [
    '# Command reference',
    '',
    'Generated from `crm --help` by `node scripts/gen-docs.js`; a test fails when it drifts from the code.',
    '',
    '## crm',
    '',
    '```text',
    helpOf([]),
    '```',
  ];
  for (const c of commandsOf()) {
    parts.push('', `## crm ${c}`, '', '```text', helpOf([c]), '```');
    for (const sub of commandsOf([c])) parts.push('', `### crm ${c} ${sub}`, '', '```text', helpOf([c, sub]), '```');
  }
  return parts.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = render();
  if (process.argv.includes('--check')) {
    const now = readFileSync(target, 'utf8');
    if (now !== text) {
      process.stderr.write('docs/commands.md is out of date: run node scripts/gen-docs.js\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
}
