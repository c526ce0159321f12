import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('command reference', () => {
  it('docs/commands.md is what --help prints today (regenerate: node scripts/gen-docs.js)', async () => {
    const { render } = await import(join(root, 'scripts', 'gen-docs.js'));
    expect(readFileSync(join(root, 'docs', 'commands.md'), 'utf8')).toBe(render());
  });

  it('every command in crm --help has a section and examples', async () => {
    const { commandsOf, helpOf } = await import(join(root, 'scripts', 'gen-docs.js'));
    const cmds: string[] = commandsOf();
    expect(cmds).toEqual(expect.arrayContaining(['import', 'status', 'segment', 'rm-report']));
    for (const c of cmds) expect(helpOf([c]), c).toMatch(/Examples:/);
  });
});
