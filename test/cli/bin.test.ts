import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers.js';

/** Node preloads this before crm: it writes the variable crm was started with to stderr. */
const PROBE = '--import=data:text/javascript,process.stderr.write(String(process.env.MALLOC_MMAP_THRESHOLD_))';

describe('bin/crm.js run as a program, through its shebang', () => {
  it.runIf(process.platform === 'linux')('starts node with glibc\'s mmap threshold fixed at 1 MiB; run as node bin/crm.js it works the same without it', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: PROBE };
    delete env.MALLOC_MMAP_THRESHOLD_;
    const direct = spawnSync(BIN, ['--version'], { env, encoding: 'utf8' });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(direct.stderr).toBe(String(1024 * 1024));
    const viaNode = spawnSync(process.execPath, [BIN, '--version'], { env, encoding: 'utf8' });
    expect(viaNode.status).toBe(0);
    expect(viaNode.stdout).toBe(direct.stdout);
    expect(viaNode.stderr).toBe('undefined');
  });
});
