/** `crm completion bash|zsh`: scripts generated from the program; bash accepts the bash one. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, runCrm, tmpDir } from '../helpers.js';

afterAll(cleanupTmp);

/** The commands `crm --help` lists (without "help"). */
function commands(): string[] {
  const top = (runCrm(['--help']).stdout.split(/\nCommands:\n/)[1] ?? '').split('\n\n')[0]!;
  return top.split('\n').map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1]).filter((c): c is string => !!c && c !== 'help');
}

/** Runs the bash completion for the words of a command line (the last word is being completed). */
function complete(script: string, words: string[]): string[] {
  const dir = tmpDir('crm-compl-');
  const file = join(dir, 'crm.bash');
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const prog = `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _crm_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('crm completion', () => {
  const bash = runCrm(['completion', 'bash']);

  it('bash: a completion function mentioning every command and their options; bash -n accepts it', () => {
    expect(bash.code).toBe(0);
    const cmds = commands();
    expect(cmds).toEqual(expect.arrayContaining(['import', 'status', 'segment', 'rm-report', 'report', 'completion']));
    const fn = /_crm_completion\(\) \{[\s\S]*\n\}/.exec(bash.stdout)?.[0] ?? '';
    for (const c of cmds) expect(fn, c).toMatch(new RegExp(`\\n {4}${c}\\)`));
    expect(bash.stdout).toContain('complete -o default -F _crm_completion crm');
    const dir = tmpDir('crm-compl-');
    writeFileSync(join(dir, 'crm.bash'), bash.stdout);
    const n = spawnSync('bash', ['-n', join(dir, 'crm.bash')], { encoding: 'utf8' });
    expect(n.stderr).toBe('');
    expect(n.status).toBe(0);
  });

  it('bash: completes commands, options and option values', () => {
    expect(complete(bash.stdout, ['crm', 're'])).toEqual(['report']);
    expect(complete(bash.stdout, ['crm', '--db', 'x.db', 'rm'])).toEqual(['rm-report']);
    expect(complete(bash.stdout, ['crm', 'report', '--h'])).toEqual(['--html', '--help']);
    expect(complete(bash.stdout, ['crm', 'segment', '--lang', ''])).toEqual(['en', 'zh']);
    expect(complete(bash.stdout, ['crm', 'segment', '--format', ''])).toEqual(['table', 'csv', 'json']);
    expect(complete(bash.stdout, ['crm', 'status', '--format', ''])).toEqual(['table', 'json']);
    expect(complete(bash.stdout, ['crm', 'rm-report', '--encoding', 'g'])).toEqual(['gb18030']);
    expect(complete(bash.stdout, ['crm', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(complete(bash.stdout, ['crm', 'segment', '--ex'])).toEqual(['--excel']);
  });

  it('zsh: a #compdef script with every command and option', () => {
    const z = runCrm(['completion', 'zsh']);
    expect(z.code).toBe(0);
    expect(z.stdout.startsWith('#compdef crm\n')).toBe(true);
    for (const c of commands()) expect(z.stdout).toMatch(new RegExp(`\\n {8}${c}\\)`));
    for (const o of ['--html', '--excel', '--encoding', '--lang', '--plan', '--wide']) expect(z.stdout).toContain(`'${o}[`);
    expect(z.stdout).toContain("'--lang[");
    expect(z.stdout).toMatch(/'--lang\[[^\]]*\]:lang:\(en zh\)'/);
    if (existsSync('/usr/bin/zsh') || existsSync('/bin/zsh')) {
      const dir = tmpDir('crm-compl-');
      writeFileSync(join(dir, '_crm'), z.stdout);
      const n = spawnSync('zsh', ['-n', join(dir, '_crm')], { encoding: 'utf8' });
      expect(n.status, n.stderr).toBe(0);
    }
  });

  it('an unknown shell is a usage error (exit 2)', () => {
    const r = runCrm(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: error: completion: unknown shell "fish" (expected bash or zsh)\n');
    expect(runCrm(['completion']).code).toBe(2);
  });
});
