// `tandem acp` driven by the ACP SDK's client side, as an editor would: the built binary over stdio against the
// scripted model server. A whole session: prompt with tool calls, permissions answered both ways, a background
// task, cancel, modes, and loading the session again in a new process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { TANDEM_BIN, tempDir, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const cleanup: (() => void)[] = [];
afterEach(() => { for (const c of cleanup.splice(0)) c(); });

interface Editor {
  /** The editor's open buffers (absolute path → text), served over fs/* when offered. */
  buffers: Map<string, string>;
  /** Terminals the agent created in the editor. */
  terminals: Map<string, { output: string; exit: Promise<{ exitCode: number | null; signal: string | null }>; proc: ChildProcess }>;
  written: { path: string; content: string }[];
  updates: acp.SessionNotification[];
  asked: acp.RequestPermissionRequest[];
  /** How the next permission questions are answered, in order (then: reject). */
  answers: string[];
  waitForUpdate(pred: (u: acp.SessionUpdate) => boolean): Promise<acp.SessionUpdate>;
}

/** Runs `op` with a connection to a fresh `tandem acp` process; the process ends when the connection does. */
async function withTandem<T>(env: Record<string, string | undefined>, op: (ctx: acp.ClientContext, editor: Editor) => Promise<T>, args: string[] = []): Promise<T> {
  const child: ChildProcess = spawn(process.execPath, [TANDEM_BIN, 'acp', ...args], {
    cwd: t.cwd, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  cleanup.push(() => child.kill('SIGKILL'));
  const waiters = new Set<() => void>();
  const editor: Editor = {
    buffers: new Map(), terminals: new Map(), written: [], updates: [], asked: [], answers: [],
    waitForUpdate: (pred) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such update; got ${JSON.stringify(editor.updates.map((u) => u.update.sessionUpdate))}\n${stderr}`)), 15_000);
      const check = () => {
        const found = editor.updates.map((u) => u.update).find(pred);
        if (found) { clearTimeout(timer); waiters.delete(check); resolve(found); }
      };
      waiters.add(check);
      check();
    }),
  };
  const client = acp.client({ name: 'test-editor' })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      editor.updates.push(params);
      for (const w of waiters) w();
    })
    .onRequest(acp.methods.client.fs.readTextFile, ({ params }) => {
      const text = editor.buffers.get(params.path);
      if (text === undefined) throw acp.RequestError.resourceNotFound(params.path);
      return { content: text };
    })
    .onRequest(acp.methods.client.fs.writeTextFile, ({ params }) => {
      editor.written.push({ path: params.path, content: params.content });
      editor.buffers.set(params.path, params.content);
      return {};
    })
    .onRequest(acp.methods.client.terminal.create, ({ params }) => {
      const id = `term-${editor.terminals.size + 1}`;
      const proc = spawn(params.command, params.args ?? [], { cwd: params.cwd ?? undefined });
      const term = { output: '', exit: new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => proc.on('close', (exitCode, signal) => resolve({ exitCode, signal }))), proc };
      proc.stdout.on('data', (d) => { term.output += d; });
      proc.stderr.on('data', (d) => { term.output += d; });
      editor.terminals.set(id, term);
      return { terminalId: id };
    })
    .onRequest(acp.methods.client.terminal.waitForExit, async ({ params }) => editor.terminals.get(params.terminalId)!.exit)
    .onRequest(acp.methods.client.terminal.output, ({ params }) => ({ output: editor.terminals.get(params.terminalId)!.output, truncated: false }))
    .onRequest(acp.methods.client.terminal.kill, ({ params }) => { editor.terminals.get(params.terminalId)!.proc.kill(); return {}; })
    .onRequest(acp.methods.client.terminal.release, () => ({}))
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) => {
      editor.asked.push(params);
      const answer = editor.answers.shift() ?? 'reject_once';
      return { outcome: { outcome: 'selected', optionId: answer } };
    });
  const stream = acp.ndJsonStream(Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const result = await client.connectWith(stream, (ctx) => op(ctx, editor));
  child.stdin!.end();
  expect(await exited).toBe(0);
  return result;
}

async function start(ctx: acp.ClientContext): Promise<acp.NewSessionResponse> {
  const init = await ctx.request(acp.methods.agent.initialize, {
    protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
  });
  expect(init).toMatchObject({ protocolVersion: acp.PROTOCOL_VERSION, agentCapabilities: { loadSession: true }, agentInfo: { name: 'tandem' } });
  return ctx.request(acp.methods.agent.session.new, { cwd: t.cwd, mcpServers: [] });
}

function env(): Record<string, string | undefined> {
  const e = testEnv(t.server.url);
  cleanup.push(() => rmSync(e.TANDEM_HOME!, { recursive: true, force: true }), () => rmSync(t.cwd, { recursive: true, force: true }));
  return e;
}

describe('tandem acp', () => {
  it('streams a prompt with tool calls, asks permission both ways, reports a background task, and loads the session again', async () => {
    const e = env();
    t.server.enqueue(reply().thinking('I should make the file.').text('Making it.').tool('bash', { command: 'touch made.txt' }, 'toolu_touch'));
    t.server.enqueue(reply().tool('write_file', { path: 'no.txt', content: 'nope' }, 'toolu_write'));
    t.server.enqueue(reply().tool('background_run', { command: 'echo from-bg' }, 'toolu_bg'));
    t.server.enqueue(reply().tool('wait_background', {}, 'toolu_wait'));
    t.server.enqueue(reply().text('Made one file, not the other.'));
    const sessionId = await withTandem(e, async (ctx, editor) => {
      const session = await start(ctx);
      expect(session.modes).toMatchObject({ currentModeId: 'default', availableModes: expect.arrayContaining([expect.objectContaining({ id: 'plan' })]) });
      expect(session.configOptions).toMatchObject([{ id: 'model', category: 'model', currentValue: expect.any(String) }]);
      const commands = await editor.waitForUpdate((u) => u.sessionUpdate === 'available_commands_update');
      expect(JSON.stringify(commands)).toContain('"compact"');

      editor.answers.push('allow_once', 'reject_once');
      const done = await ctx.request(acp.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: 'text', text: 'make a file' }] });
      expect(done.stopReason).toBe('end_turn');
      const updates = editor.updates.filter((u) => u.sessionId === session.sessionId).map((u) => u.update);
      const text = updates.filter((u) => u.sessionUpdate === 'agent_message_chunk').map((u) => (u as { content: { text: string } }).content.text).join('');
      expect(text).toBe('Making it.Made one file, not the other.');
      expect(updates.some((u) => u.sessionUpdate === 'agent_thought_chunk')).toBe(true);
      expect(updates).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call', toolCallId: 'toolu_touch', kind: 'execute', status: 'in_progress' }));
      expect(updates).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call_update', toolCallId: 'toolu_touch', status: 'completed' }));
      expect(updates).toContainEqual(expect.objectContaining({
        sessionUpdate: 'tool_call', toolCallId: 'toolu_write', kind: 'edit',
        locations: [{ path: path.join(t.cwd, 'no.txt') }], content: [{ type: 'diff', path: path.join(t.cwd, 'no.txt'), oldText: null, newText: 'nope' }],
      }));
      expect(updates).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call_update', toolCallId: 'toolu_write', status: 'failed' }));
      expect(editor.asked.map((a) => a.toolCall.toolCallId)).toEqual(['toolu_touch', 'toolu_write']);
      expect(editor.asked[0]!.options.map((o) => o.kind)).toEqual(expect.arrayContaining(['allow_once', 'reject_once']));
      await editor.waitForUpdate((u) => u.sessionUpdate === 'tool_call_update' && u.toolCallId.startsWith('task-') && u.status === 'completed');
      expect(updates).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call', toolCallId: expect.stringMatching(/^task-/), title: expect.stringContaining('echo from-bg') }));
      expect(existsSync(path.join(t.cwd, 'made.txt'))).toBe(true);
      expect(existsSync(path.join(t.cwd, 'no.txt'))).toBe(false);
      expect(toolResultsOf(t.server.requests[2]!).toolu_write!.isError).toBe(true);

      await ctx.request(acp.methods.agent.session.setMode, { sessionId: session.sessionId, modeId: 'plan' });
      await editor.waitForUpdate((u) => u.sessionUpdate === 'current_mode_update' && u.currentModeId === 'plan');
      return session.sessionId;
    });

    await withTandem(e, async (ctx, editor) => {
      await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: {} });
      const loaded = await ctx.request(acp.methods.agent.session.load, { sessionId, cwd: t.cwd, mcpServers: [] });
      expect(loaded.modes).toBeTruthy();
      const replay = editor.updates.filter((u) => u.sessionId === sessionId).map((u) => u.update);
      expect(replay[0]).toMatchObject({ sessionUpdate: 'user_message_chunk', content: { text: 'make a file' } });
      expect(replay).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call', toolCallId: 'toolu_touch' }));
      expect(replay).toContainEqual(expect.objectContaining({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Made one file, not the other.' } }));
    });
  });

  it('session/cancel stops a running command; the next prompt continues the conversation', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'sleep 30' }, 'toolu_sleep'));
    t.server.enqueue(reply().text('Continuing.'));
    await withTandem(env(), async (ctx, editor) => {
      const { sessionId } = await start(ctx);
      const prompt = ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'sleep' }] });
      await editor.waitForUpdate((u) => u.sessionUpdate === 'tool_call' && u.toolCallId === 'toolu_sleep');
      await ctx.notify(acp.methods.agent.session.cancel, { sessionId });
      expect((await prompt).stopReason).toBe('cancelled');
      const next = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'go on' }] });
      expect(next.stopReason).toBe('end_turn');
      expect(toolResultsOf(t.server.requests[1]!).toolu_sleep!.text).toMatch(/interrupt/i);
    }, ['--allow', 'Bash(sleep:*)']);
  });

  it('reads and writes through the editor when it offers its file system (unsaved buffers included)', async () => {
    t.server.enqueue(reply().tool('read_file', { path: 'notes.txt' }, 'toolu_r'));
    t.server.enqueue(reply().tool('edit_file', { path: 'notes.txt', old_text: 'unsaved', new_text: 'edited' }, 'toolu_e'));
    t.server.enqueue(reply().tool('write_file', { path: 'new.txt', content: 'fresh\n' }, 'toolu_w'));
    t.server.enqueue(reply().text('Done.'));
    await withTandem(env(), async (ctx, editor) => {
      const notes = path.join(t.cwd, 'notes.txt');
      editor.buffers.set(notes, 'line one\nunsaved change\n');
      await ctx.request(acp.methods.agent.initialize, {
        protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: true, writeTextFile: true } },
      });
      const { sessionId } = await ctx.request(acp.methods.agent.session.new, { cwd: t.cwd, mcpServers: [] });
      const done = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'edit notes' }] });
      expect(done.stopReason).toBe('end_turn');
      expect(toolResultsOf(t.server.requests[1]!).toolu_r!.text).toMatch(/1\tline one\n\s*2\tunsaved change/);
      expect(editor.written).toEqual([
        { path: notes, content: 'line one\nedited change\n' },
        { path: path.join(t.cwd, 'new.txt'), content: 'fresh\n' },
      ]);
      expect(existsSync(notes)).toBe(false);
      expect(existsSync(path.join(t.cwd, 'new.txt'))).toBe(false);
    }, ['--permission-mode', 'acceptEdits']);
  });

  it('runs commands in the editor\'s terminals when offered, and shows the model\'s plan', async () => {
    t.server.enqueue(reply()
      .tool('todo_write', { todos: [{ content: 'say hello', status: 'in_progress' }, { content: 'check', status: 'pending' }] }, 'toolu_todo')
      .tool('bash', { command: 'echo hello-from-editor; exit 4' }, 'toolu_term'));
    t.server.enqueue(reply().text('Ran it.'));
    await withTandem(env(), async (ctx, editor) => {
      await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: { terminal: true } });
      const { sessionId } = await ctx.request(acp.methods.agent.session.new, { cwd: t.cwd, mcpServers: [] });
      expect((await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'hi' }] })).stopReason).toBe('end_turn');
      expect(editor.terminals.size).toBe(1);
      const result = toolResultsOf(t.server.requests[1]!).toolu_term!;
      expect(result.text).toContain('hello-from-editor');
      expect(result.text).toContain('[exited with code 4]');
      const updates = editor.updates.map((u) => u.update);
      expect(updates).toContainEqual(expect.objectContaining({ sessionUpdate: 'tool_call_update', toolCallId: 'toolu_term', content: [{ type: 'terminal', terminalId: 'term-1' }] }));
      expect(updates).toContainEqual({ sessionUpdate: 'plan', entries: [
        { content: 'say hello', status: 'in_progress', priority: 'medium' }, { content: 'check', status: 'pending', priority: 'medium' },
      ] });
    }, ['--allow', 'Bash(echo:*)', '--allow', 'Bash(exit:*)']);
  });

  it("announces custom commands to the editor and sends a command's expansion as the prompt", async () => {
    const e = env();
    const home = tempDir('tandem-user-home-');
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    mkdirSync(path.join(home, '.claude', 'commands'), { recursive: true });
    writeFileSync(path.join(home, '.claude', 'commands', 'review.md'), '---\ndescription: Review a path\nargument-hint: "[path]"\n---\nReview $1 carefully.\n');
    t.server.enqueue(reply().text('Reviewed.'));
    await withTandem({ ...e, HOME: home }, async (ctx, editor) => {
      const session = await start(ctx);
      const commands = await editor.waitForUpdate((u) => u.sessionUpdate === 'available_commands_update');
      expect((commands as { availableCommands: unknown[] }).availableCommands).toContainEqual({ name: 'review', description: 'Review a path', input: { hint: '[path]' } });
      const done = await ctx.request(acp.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: 'text', text: '/review src/app.ts' }] });
      expect(done.stopReason).toBe('end_turn');
      expect(JSON.stringify(t.server.requests[0]!.body.messages)).toContain('Review src/app.ts carefully.');
    });
  });
});

describe('tandem acp with the editor\'s MCP servers', () => {
  it('starts the servers given in session/new: their tools reach the model and their prompts are commands', async () => {
    const e = env();
    const everything = path.resolve(TANDEM_BIN, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
    t.server.enqueue(reply().tool('mcp__editor_ev__echo', { message: 'from the editor' }, 'toolu_echo'));
    t.server.enqueue(reply().text('Echoed.'));
    await withTandem(e, async (ctx, editor) => {
      const init = await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: {} });
      expect(init.agentCapabilities?.mcpCapabilities).toEqual({ http: true, sse: true });
      const session = await ctx.request(acp.methods.agent.session.new, {
        cwd: t.cwd, mcpServers: [{ name: 'editor ev', command: process.execPath, args: [everything, 'stdio'], env: [] }],
      });
      await editor.waitForUpdate((u) => u.sessionUpdate === 'available_commands_update' && JSON.stringify(u).includes('mcp__editor_ev__simple-prompt'));
      editor.answers.push('allow_once');
      const done = await ctx.request(acp.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: 'text', text: 'echo' }] });
      expect(done.stopReason).toBe('end_turn');
      expect((t.server.requests[0]!.body.tools ?? []).map((x) => x.name)).toContain('mcp__editor_ev__echo');
      expect(editor.asked[0]?.toolCall).toMatchObject({ toolCallId: 'toolu_echo' });
      expect(toolResultsOf(t.server.requests[1]!).toolu_echo).toMatchObject({ text: 'Echo: from the editor', isError: false });
    });
  });
});
