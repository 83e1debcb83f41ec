// Which front end runs: the UI at a capable terminal, the plain REPL for TERM=dumb and piped input; and the
// UI's code stays out of the entry file, so print mode does not load it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, startModelServer } from '../support/model-server.js';
import { runTandem, tempDir, testEnv, TANDEM_BIN } from '../support/cli.js';
import { openUi, TEST_MODEL, type UiSession } from './session.js';
import { Terminal } from './terminal.js';

let ui: UiSession | undefined;
let term: Terminal | undefined;
afterEach(async () => {
  await ui?.close();
  term?.close();
  ui = undefined;
  term = undefined;
});

describe('front end choice', () => {
  it('runs the plain REPL when TERM is dumb', async () => {
    const server = await startModelServer();
    server.enqueue(reply().text('plain answer'));
    try {
      term = Terminal.start({ cwd: tempDir(), env: { ...testEnv(server.url, { ANTHROPIC_MODEL: TEST_MODEL }), TERM: 'dumb' } });
      await term.waitFor('tandem> ');
      term.type('hi');
      term.press('Enter');
      await term.waitFor('plain answer');
      expect(term.screen()).not.toContain('─────');
    } finally {
      await server.close();
    }
  });

  it('runs the plain REPL for piped input', async () => {
    const server = await startModelServer();
    server.enqueue(reply().text('piped answer'));
    try {
      const r = await runTandem([], { cwd: tempDir(), env: testEnv(server.url, { ANTHROPIC_MODEL: TEST_MODEL }), input: 'hello\n' });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('piped answer');
    } finally {
      await server.close();
    }
  });

  it('opens the UI at a terminal, and exits on Ctrl+D', async () => {
    ui = await openUi();
    ui.term.press('C-d');
    expect(await ui.term.waitForExit()).toBe(0);
  });

  it('keeps ink and React out of the entry file and its static imports', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?"(\.[^"]+)"/g)) visit(path.resolve(path.dirname(file), m[1]!));
    };
    visit(TANDEM_BIN);
    expect(seen.size).toBeGreaterThan(1);
    for (const file of seen) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/yoga|react-reconciler|useSyncExternalStore/);
    }
    expect(readFileSync(TANDEM_BIN, 'utf8')).toMatch(/import\("\.\/chunks\/run-ui-[\w-]+\.js"\)/);
  });
});
