// Commands run as in a clean non-interactive shell: no ~/.bashrc, even when tandem's own environment is bare.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeManager, tempRoot } from './helpers.js';

describe('task environment', () => {
  it('does not source ~/.bashrc when SHLVL is unset (node stdio is a socket, which bash takes for ssh)', async () => {
    const home = tempRoot('tandem-home-');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.bashrc'), 'echo BASHRC-WAS-SOURCED\n');
    const manager = makeManager({ env: { PATH: process.env.PATH, HOME: home } });
    const task = manager.start({ command: 'echo plain-output', foreground: true });
    await manager.wait([task.id], 'all', 10_000);
    const output = manager.readAll(task.id, { maxChars: 10_000 });
    expect(output).toContain('plain-output');
    expect(output).not.toContain('BASHRC-WAS-SOURCED');
  });
});
