// The library API: createSession() against the scripted model server, and the README's example run as a user
// would run it (`import ... from 'tandem'`, resolved through the package's exports to the built dist/).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../../src/core/events.js';
import { createSession, defineTool, type Session } from '../../src/index.js';
import { collect, tempDir } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t = useScriptedServer();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function open(extra: Parameters<typeof createSession>[0] = {}): Promise<Session> {
  const home = tempDir('tandem-home-');
  const cwd = t.cwd;
  cleanup.push(() => rmSync(home, { recursive: true, force: true }), () => rmSync(cwd, { recursive: true, force: true }));
  const session = await createSession({ cwd, home, apiKey: 'sk-test', baseURL: t.server.url, model: 'claude-test', ...extra });
  cleanup.push(() => session.close());
  return session;
}

describe('createSession', () => {
  it('runs prompts with a custom tool, streams events, and keeps the conversation across prompts', async () => {
    const calls: unknown[] = [];
    const session = await open({
      tools: [defineTool({
        name: 'ticket', description: 'Looks up a ticket.', schema: z.object({ id: z.number() }),
        execute: async (input) => { calls.push(input); return 'Ticket 7: slow login.'; },
      })],
    });
    t.server.enqueue(reply().tool('ticket', { id: 7 }, 'toolu_t'));
    t.server.enqueue(reply().text('It is about a slow login.'));
    const turn = session.prompt('what does ticket 7 say?');
    const events: AgentEvent[] = [];
    for await (const e of turn) events.push(e);
    const result = await turn.result;
    expect(result).toMatchObject({ outcome: 'end_turn', text: 'It is about a slow login.', turns: 2 });
    expect(calls).toEqual([{ id: 7 }]);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['turn_start', 'text_delta', 'tool_start', 'tool_end', 'usage']));
    const tools = (t.server.requests[0]!.body.tools as { name: string }[]).map((x) => x.name);
    expect(tools).toContain('ticket');
    expect(tools).toContain('bash');

    t.server.enqueue(reply().text('Still slow.'));
    expect((await session.prompt('and now?').result).text).toBe('Still slow.');
    expect(JSON.stringify(t.server.requests[2]!.body.messages)).toContain('slow login');
    expect(session.messages).toHaveLength(6);
  });

  it('asks canUseTool about calls the rules leave open, and records denials', async () => {
    const asked: string[] = [];
    const session = await open({
      canUseTool: async (request) => {
        asked.push(request.summary);
        return request.summary.includes('rm') ? { kind: 'deny', message: 'no deleting' } : { kind: 'once' };
      },
    });
    t.server.enqueue(reply().tool('bash', { command: 'touch made.txt' }, 'toolu_ok').tool('bash', { command: 'rm -rf made.txt' }, 'toolu_rm'));
    t.server.enqueue(reply().text('Made, not removed.'));
    await session.prompt('make and remove').result;
    expect(asked).toEqual(['touch made.txt', 'rm -rf made.txt']);
    expect(toolResultsOf(t.server.requests[1]!).toolu_rm).toMatchObject({ isError: true, text: 'no deleting' });
    expect(session.denials).toMatchObject([{ toolName: 'bash', toolUseId: 'toolu_rm', message: 'no deleting' }]);
  });

  it('reaches the task engine, and a tool hook can block a call before the rules see it', async () => {
    const session = await open({ allow: ['Bash(echo:*)'] });
    session.addToolHook(async (call) => ((call.input as { command?: string }).command?.includes('secret') ? { decision: 'deny', reason: 'hook says no' } : undefined));
    t.server.enqueue(reply().tool('bash', { command: 'echo secret' }, 'toolu_h'));
    t.server.enqueue(reply().text('ok'));
    await session.prompt('go').result;
    expect(toolResultsOf(t.server.requests[1]!).toolu_h).toMatchObject({ isError: true, text: 'hook says no' });

    const task = await session.tasks.start({ command: 'echo from-the-engine' });
    const waited = await session.tasks.wait([task.id], 'all', 10_000);
    expect(waited.pending).toHaveLength(0);
    expect(session.tasks.list().find((x) => x.id === task.id)).toMatchObject({ status: 'exited', exitCode: 0 });
  });

  it('interrupting a turn keeps the conversation valid', async () => {
    const session = await open({ allow: ['Bash(sleep:*)'] });
    t.server.enqueue(reply().tool('bash', { command: 'sleep 30' }, 'toolu_s'));
    const turn = session.prompt('wait');
    for await (const e of turn) if (e.type === 'tool_start') turn.interrupt();
    expect((await turn.result).outcome).toBe('aborted');
    t.server.enqueue(reply().text('Resumed.'));
    expect((await session.prompt('go on').result).text).toBe('Resumed.');
    expect(toolResultsOf(t.server.requests[1]!).toolu_s!.text).toMatch(/interrupt/i);
  });
});

describe('the README example', () => {
  it('runs as written, importing the built package by name', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /### Library API[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeTruthy();
    const dir = tempDir('tandem-example-');
    const home = tempDir('tandem-home-');
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(home, { recursive: true, force: true }));
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'tandem'));
    symlinkSync(path.join(ROOT, 'node_modules', 'zod'), path.join(dir, 'node_modules', 'zod'));
    writeFileSync(path.join(dir, 'example.mjs'), example!);
    t.server.enqueue(reply().tool('ticket', { id: 7 }, 'toolu_t'));
    t.server.enqueue(reply().text('Ticket 7 is about a slow login page.'));
    const child = spawn(process.execPath, ['example.mjs'], {
      cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, TANDEM_HOME: home, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: t.server.url },
    });
    const run = await collect(child);
    expect(run.stderr).toContain('> ticket');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Ticket 7 is about a slow login page.');
    expect(run.stdout).toMatch(/\[end_turn in 2 turns; session [0-9a-f-]{36}\]/);
    expect(toolResultsOf(t.server.requests[1]!).toolu_t!.text).toBe('Ticket 7: the login page is slow.');
  });
});
