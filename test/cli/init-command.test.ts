// `/init` through the built binary: the model gets the exploring-and-drafting brief and writes AGENTS.md through
// the permission rules (here allowed by a flag; in the UI the person sees the diff first).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const firstUserText = () => JSON.stringify((t.server.requests[0]!.body as { messages: { role: string; content: unknown }[] }).messages[0]!.content);

describe('/init', () => {
  it('asks the model to explore and draft AGENTS.md, folding in the rules files it finds; the model writes it', async () => {
    cleanup.push(t.cwd);
    writeFileSync(path.join(t.cwd, '.cursorrules'), 'tabs, not spaces');
    const env = testEnv(t.server.url);
    cleanup.push(env.TANDEM_HOME!);
    t.server.enqueue(reply().tool('write_file', { path: 'AGENTS.md', content: '# Agents\n\nRun `make test`.\n' }, 'toolu_1'), reply().text('AGENTS.md covers build and tests.'));
    const r = await runTandem(['--allow', 'Edit(AGENTS.md)', '-p', '/init', 'the test commands'], { cwd: t.cwd, env });
    expect(r.code).toBe(0);
    const brief = firstUserText();
    expect(brief).toContain('Explore this repository and write an AGENTS.md at its root');
    expect(brief).toContain('Fold in what matters from .cursorrules');
    expect(brief).toContain('The user asks you to stress: the test commands');
    expect(readFileSync(path.join(t.cwd, 'AGENTS.md'), 'utf8')).toContain('make test');
    expect(r.stdout).toContain('AGENTS.md covers build and tests.');
  });

  it('with an AGENTS.md already there, asks to improve it', async () => {
    cleanup.push(t.cwd);
    writeFileSync(path.join(t.cwd, 'AGENTS.md'), '# old\n');
    const env = testEnv(t.server.url);
    cleanup.push(env.TANDEM_HOME!);
    t.server.enqueue(reply().text('Nothing to change.'));
    const r = await runTandem(['-p', '/init'], { cwd: t.cwd, env });
    expect(r.code).toBe(0);
    expect(firstUserText()).toContain('This project already has an AGENTS.md');
    expect(existsSync(path.join(t.cwd, 'AGENTS.md'))).toBe(true);
  });
});
