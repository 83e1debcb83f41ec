// Custom commands and skills as a Claude Agent SDK app sees them: listed in the init message, and a command sent
// as a prompt reaches the model as its expansion.
import { query, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TANDEM_BIN, tempDir, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('Claude Agent SDK → tandem: custom commands and skills', () => {
  it('lists them in the init message and expands a command sent as the prompt', async () => {
    const home = tempDir('tandem-user-home-');
    const env = testEnv(t.server.url, { HOME: home });
    dirs.push(home, env.TANDEM_HOME!, t.cwd);
    mkdirSync(path.join(home, '.claude', 'commands'), { recursive: true });
    writeFileSync(path.join(home, '.claude', 'commands', 'review.md'), 'Review $ARGUMENTS for bugs.\n');
    mkdirSync(path.join(home, '.claude', 'skills', 'changelog'), { recursive: true });
    writeFileSync(path.join(home, '.claude', 'skills', 'changelog', 'SKILL.md'), '---\nname: changelog\ndescription: Writes changelogs.\n---\nSteps.\n');
    t.server.enqueue(reply().text('No bugs.'));
    const messages: SDKMessage[] = [];
    for await (const m of query({ prompt: '/review src/', options: { pathToClaudeCodeExecutable: TANDEM_BIN, cwd: t.cwd, env, model: 'claude-test' } })) messages.push(m);
    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init') as { slash_commands: string[]; skills: string[] };
    expect(init.slash_commands).toEqual(expect.arrayContaining(['review', 'compact']));
    expect(init.skills).toEqual(['changelog']);
    expect(messages.find((m) => m.type === 'result')).toMatchObject({ subtype: 'success', result: 'No bugs.' });
    expect(JSON.stringify(t.server.requests[0]!.body.messages)).toContain('Review src/ for bugs.');
  });
});
