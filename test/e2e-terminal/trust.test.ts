// The trust question in a real terminal: the first start in a workspace whose files would add something asks
// (showing what), the answer is remembered, and the UI then works with (or without) the repo's settings.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, testEnv } from '../support/cli.js';
import { reply, startModelServer, type ModelServer } from '../support/model-server.js';
import { Terminal } from './terminal.js';
import { TEST_MODEL } from './session.js';

let term: Terminal | undefined;
let server: ModelServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  term?.close();
  term = undefined;
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function repoWithSettings() {
  server = await startModelServer();
  const cwd = tempDir();
  const env = testEnv(server.url, { ANTHROPIC_MODEL: TEST_MODEL });
  dirs.push(cwd, env.TANDEM_HOME!);
  mkdirSync(path.join(cwd, '.tandem'));
  writeFileSync(path.join(cwd, '.tandem', 'settings.json'), JSON.stringify({ permissions: { allow: ['Bash(touch:*)'] } }));
  return { cwd, env, home: env.TANDEM_HOME! };
}

describe('terminal UI: workspace trust', () => {
  it('asks once, showing what the repo adds; y trusts (remembered) and its allow rule then runs the command unasked', async () => {
    const { cwd, env, home } = await repoWithSettings();
    server!.enqueue(reply().tool('bash', { command: 'touch trusted-ran' }), reply().text('Done here.'));
    term = Terminal.start({ cwd, env });
    const question = await term.waitFor('Do you trust the files in');
    expect(question).toContain('.tandem/settings.json: allow Bash(touch:*)');
    term.type('y');
    await term.waitFor((s) => /^› /m.test(s));
    term.type('go');
    term.press('Enter');
    await term.waitFor('Done here.');
    expect(existsSync(path.join(cwd, 'trusted-ran'))).toBe(true);
    expect(term.screen()).not.toContain('Permission needed');
    const store = JSON.parse(readFileSync(path.join(home, 'trusted.json'), 'utf8'));
    expect(store.workspaces[cwd].trusted).toBe(true);

    term.close();
    term = Terminal.start({ cwd, env });
    await term.waitFor((s) => /^› /m.test(s));
    expect(term.screen()).not.toContain('Do you trust');
  });

  it('n leaves it untrusted (remembered): the command asks, and the next start does not ask again', async () => {
    const { cwd, env, home } = await repoWithSettings();
    server!.enqueue(reply().tool('bash', { command: 'touch untrusted-ran' }), reply().text('Finished.'));
    term = Terminal.start({ cwd, env });
    await term.waitFor('Do you trust the files in');
    term.type('n');
    await term.waitFor((s) => /^› /m.test(s));
    expect(term.screen()).toContain('this workspace is not trusted');
    term.type('go');
    term.press('Enter');
    await term.waitFor('Permission needed: bash');
    term.press('Escape');
    await term.waitFor('Finished.');
    expect(existsSync(path.join(cwd, 'untrusted-ran'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(home, 'trusted.json'), 'utf8')).workspaces[cwd].trusted).toBe(false);

    term.close();
    term = Terminal.start({ cwd, env });
    await term.waitFor((s) => /^› /m.test(s));
    expect(term.screen()).not.toContain('Do you trust');
  });
});
