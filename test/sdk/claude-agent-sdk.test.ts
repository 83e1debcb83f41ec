// The real Claude Agent SDK (`query()`) driving the built tandem in Claude Code's place, against the scripted
// model server: what an app written for Claude Code gets when it runs on tandem.
import { query, type SDKMessage, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TANDEM_BIN, tempDir, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function env(): Record<string, string | undefined> {
  const e = testEnv(t.server.url);
  dirs.push(e.TANDEM_HOME!, t.cwd);
  return e;
}

function options(extra: Parameters<typeof query>[0]['options'] = {}): Parameters<typeof query>[0]['options'] {
  return { pathToClaudeCodeExecutable: TANDEM_BIN, cwd: t.cwd, env: env(), model: 'claude-test', ...extra };
}

async function all(q: AsyncIterable<SDKMessage>): Promise<SDKMessage[]> {
  const out: SDKMessage[] = [];
  for await (const m of q) out.push(m);
  return out;
}

const results = (messages: SDKMessage[]) => messages.filter((m) => m.type === 'result');

describe('Claude Agent SDK → tandem', () => {
  it('runs a multi-step tool chain and reports it in Claude Code\'s message shapes', async () => {
    t.server.enqueue(reply().text('Listing.').tool('bash', { command: 'echo one > f.txt && echo listed' }));
    t.server.enqueue(reply().tool('read_file', { path: 'f.txt' }));
    t.server.enqueue(reply().text('The file says one.').usage({ input_tokens: 100, output_tokens: 20 }));
    const messages = await all(query({ prompt: 'what is in f.txt?', options: options({ allowedTools: ['Bash(echo:*)', 'Edit'] }) }));

    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init');
    expect(init).toMatchObject({ cwd: t.cwd, model: 'claude-test', permissionMode: 'default' });
    expect((init as { tools: string[] }).tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit', 'Write']));
    expect((init as { slash_commands: string[] }).slash_commands).toEqual(expect.arrayContaining(['compact', 'cost', 'tasks']));
    const toolUses = messages.flatMap((m) => (m.type === 'assistant' ? m.message.content.filter((b) => b.type === 'tool_use') : []));
    expect(toolUses.map((b) => (b as { name: string }).name)).toEqual(['Bash', 'Read']);
    const toolResults = messages.filter((m) => m.type === 'user');
    expect(JSON.stringify(toolResults[0])).toContain('listed');
    expect(JSON.stringify(toolResults[1])).toContain('one');
    const [result] = results(messages);
    expect(result).toMatchObject({
      subtype: 'success', is_error: false, result: 'The file says one.', num_turns: 3, permission_denials: [],
      session_id: (init as { session_id: string }).session_id,
    });
    if (result?.type !== 'result') throw new Error('no result');
    expect(typeof result.total_cost_usd).toBe('number');
    expect(String(result.total_cost_usd)).toMatch(/^\d+(\.\d{1,9})?$/);
    expect(result.duration_api_ms).toBeGreaterThanOrEqual(0);
    expect(result.usage.output_tokens).toBeGreaterThanOrEqual(20);
  });

  it('asks canUseTool, which allows one call and denies another', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'touch allowed.txt' }, 'toolu_a'));
    t.server.enqueue(reply().tool('bash', { command: 'touch denied.txt' }, 'toolu_d'));
    t.server.enqueue(reply().text('One of two.'));
    const asked: { tool: string; input: unknown }[] = [];
    const messages = await all(query({
      prompt: 'touch two files',
      options: options({
        canUseTool: async (toolName, input) => {
          asked.push({ tool: toolName, input });
          return String(input.command).includes('denied')
            ? { behavior: 'deny', message: 'not that one, please' }
            : { behavior: 'allow', updatedInput: input };
        },
      }),
    }));
    expect(asked.map((a) => a.tool)).toEqual(['Bash', 'Bash']);
    expect(asked[0]!.input).toMatchObject({ command: 'touch allowed.txt' });
    const second = toolResultsOf(t.server.requests[2]!);
    expect(second.toolu_d).toMatchObject({ isError: true, text: 'not that one, please' });
    const [result] = results(messages);
    expect(result).toMatchObject({
      subtype: 'success',
      permission_denials: [{ tool_name: 'Bash', tool_use_id: 'toolu_d', tool_input: { command: 'touch denied.txt' } }],
    });
  });

  it('a PreToolUse hook registered by the SDK blocks a tool call', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'echo should-not-run' }, 'toolu_h'));
    t.server.enqueue(reply().text('Blocked, fine.'));
    const seen: unknown[] = [];
    const messages = await all(query({
      prompt: 'run it',
      options: options({
        allowedTools: ['Bash(echo:*)'],
        hooks: {
          PreToolUse: [{
            matcher: 'Bash',
            hooks: [async (input) => {
              seen.push(input);
              return { decision: 'block', reason: 'no shell on Fridays' };
            }],
          }],
        },
      }),
    }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'echo should-not-run' }, tool_use_id: 'toolu_h' });
    const blocked = toolResultsOf(t.server.requests[1]!).toolu_h!;
    expect(blocked.isError).toBe(true);
    expect(blocked.text).toContain('no shell on Fridays');
    expect(JSON.stringify(t.server.requests[1]!.body)).not.toContain('should-not-run\\n');
    expect(results(messages)[0]).toMatchObject({ subtype: 'success', permission_denials: [{ tool_name: 'Bash', tool_use_id: 'toolu_h' }] });
  });

  it('takes a second prompt in the same session, with the conversation carried over, and a slash command', async () => {
    t.server.enqueue(reply().text('First answer.'));
    t.server.enqueue(reply().text('Second answer.'));
    const prompts = promptQueue();
    const q = query({ prompt: prompts.iterable, options: options() });
    prompts.push('first question');
    const messages: SDKMessage[] = [];
    for await (const m of q) {
      messages.push(m);
      if (m.type === 'result' && results(messages).length === 1) prompts.push('second question');
      if (m.type === 'result' && results(messages).length === 2) prompts.push('/cost');
      if (m.type === 'result' && results(messages).length === 3) prompts.end();
    }
    const [first, second, cost] = results(messages);
    expect(first).toMatchObject({ subtype: 'success', result: 'First answer.' });
    expect(cost).toMatchObject({ subtype: 'success', num_turns: 0, result: expect.stringMatching(/token/i) });
    expect(second).toMatchObject({ subtype: 'success', result: 'Second answer.', session_id: (first as { session_id: string }).session_id });
    const sent = JSON.stringify(t.server.requests[1]!.body.messages);
    expect(sent).toContain('first question');
    expect(sent).toContain('First answer.');
    expect(sent).toContain('second question');
  });

  it('interrupt() stops a turn mid-command and the session takes the next prompt', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'sleep 30' }, 'toolu_s'));
    t.server.enqueue(reply().text('After the interrupt.'));
    const prompts = promptQueue();
    const q = query({ prompt: prompts.iterable, options: options({ allowedTools: ['Bash(sleep:*)'] }) });
    prompts.push('wait a long time');
    const messages: SDKMessage[] = [];
    for await (const m of q) {
      messages.push(m);
      if (m.type === 'assistant' && m.message.content.some((b) => b.type === 'tool_use')) {
        await t.server.waitForRequests(1);
        await q.interrupt();
      }
      if (m.type === 'result' && results(messages).length === 1) prompts.push('carry on');
      if (m.type === 'result' && results(messages).length === 2) prompts.end();
    }
    const [interrupted, next] = results(messages);
    expect(interrupted).toMatchObject({ subtype: 'error_during_execution', is_error: true });
    expect(next).toMatchObject({ subtype: 'success', result: 'After the interrupt.' });
    expect(toolResultsOf(t.server.requests[1]!).toolu_s!.text).toMatch(/interrupt/i);
  });

  it('reports a background task as task_started and task_notification, and the model hears of its end', async () => {
    // The task ends when the test creates `go`, once the first answer is in: no race with the model's calls.
    const command = 'while [ ! -f go ]; do sleep 0.05; done; echo bg-finished';
    t.server.enqueue(reply().tool('background_run', { command }, 'toolu_bg'));
    t.server.enqueue(reply().text('Started it.'));
    t.server.enqueue(reply().text('The task finished.'));
    const messages: SDKMessage[] = [];
    for await (const m of query({ prompt: 'start a task', options: options({ permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true }) })) {
      messages.push(m);
      if (m.type === 'result' && results(messages).length === 1) writeFileSync(path.join(t.cwd, 'go'), '');
    }
    const started = messages.find((m) => m.type === 'system' && m.subtype === 'task_started');
    const notified = messages.find((m) => m.type === 'system' && m.subtype === 'task_notification');
    expect(started).toMatchObject({ task_id: expect.any(String), description: command });
    expect(notified).toMatchObject({ task_id: (started as { task_id: string }).task_id, status: 'completed', output_file: expect.any(String) });
    expect(results(messages).map((r) => (r as { result: string }).result)).toContain('The task finished.');
    expect(JSON.stringify(t.server.requests[2]!.body.messages)).toMatch(/tandem-task-notice/);
  });
});

describe('Claude Agent SDK → tandem: options and controls', () => {
  it('streams partial messages, and switches model and permission mode between prompts', async () => {
    t.server.enqueue(reply().text('Streaming words.'));
    t.server.enqueue(reply().tool('write_file', { path: 'plan.txt', content: 'x' }, 'toolu_w'));
    t.server.enqueue(reply().text('Planned only.'));
    const prompts = promptQueue();
    const q = query({ prompt: prompts.iterable, options: options({ includePartialMessages: true }) });
    prompts.push('stream something');
    const messages: SDKMessage[] = [];
    for await (const m of q) {
      messages.push(m);
      if (m.type === 'result' && results(messages).length === 1) {
        await q.setModel('claude-other');
        await q.setPermissionMode('plan');
        prompts.push('now write a file');
      }
      if (m.type === 'result' && results(messages).length === 2) prompts.end();
    }
    const events = messages.filter((m) => m.type === 'stream_event').map((m) => (m as { event: { type: string; delta?: { text?: string } } }).event);
    const deltas = events.slice(0, events.findIndex((e) => e.type === 'message_stop') + 1);
    expect(deltas[0]!.type).toBe('message_start');
    expect(deltas.filter((e) => e.type === 'content_block_delta').map((e) => e.delta!.text).join('')).toBe('Streaming words.');
    expect(deltas.at(-1)!.type).toBe('message_stop');
    expect(t.server.requests[1]!.body.model).toBe('claude-other');
    expect(toolResultsOf(t.server.requests[2]!).toolu_w!.isError).toBe(true);
    expect(results(messages)[1]).toMatchObject({ permission_denials: [{ tool_name: 'Write', tool_use_id: 'toolu_w' }] });
  });

  it('names the session with sessionId, resumes it, and forks it into a new one', async () => {
    const id = '0b6f0c1e-5d2a-4c3e-9f1a-2b3c4d5e6f70';
    const e = env();
    t.server.enqueue(reply().text('Remember: blue.'));
    const first = await all(query({ prompt: 'the colour is blue', options: { ...options(), env: e, sessionId: id } }));
    expect(results(first)[0]).toMatchObject({ session_id: id });

    t.server.enqueue(reply().text('It was blue.'));
    const resumed = await all(query({ prompt: 'what colour?', options: { ...options(), env: e, resume: id } }));
    expect(results(resumed)[0]).toMatchObject({ session_id: id, result: 'It was blue.' });
    expect(JSON.stringify(t.server.requests[1]!.body.messages)).toContain('the colour is blue');

    t.server.enqueue(reply().text('Forked.'));
    const forked = await all(query({ prompt: 'fork it', options: { ...options(), env: e, resume: id, forkSession: true } }));
    const forkId = (results(forked)[0] as { session_id: string }).session_id;
    expect(forkId).not.toBe(id);
    expect(JSON.stringify(t.server.requests[2]!.body.messages)).toContain('what colour?');
  });

  it('stops with error_max_budget_usd once the budget is spent', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'echo spend' }).usage({ input_tokens: 1_000_000, output_tokens: 10 }));
    t.server.enqueue(reply().text('never asked for'));
    const messages: SDKMessage[] = [];
    // The SDK throws after an error result as the last message; what came before it is what counts.
    const thrown = await (async () => {
      for await (const m of query({ prompt: 'spend', options: options({ model: 'claude-sonnet-4-6', maxBudgetUsd: 0.5, allowedTools: ['Bash(echo:*)'] }) })) messages.push(m);
    })().catch((err: Error) => err);
    expect(String(thrown)).toMatch(/max-budget-usd/);
    expect(results(messages)[0]).toMatchObject({ subtype: 'error_max_budget_usd', is_error: true, errors: [expect.stringMatching(/\$0\.5/)] });
    expect(t.server.requests).toHaveLength(1);
  });
});

/** A prompt stream for query(): push user messages as the test goes, end it to let the CLI exit. */
function promptQueue(): { iterable: AsyncIterable<SDKUserMessage>; push(text: string): void; end(): void } {
  const items: (SDKUserMessage | null)[] = [];
  let wake: (() => void) | undefined;
  return {
    push(text) {
      items.push({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' } as SDKUserMessage);
      wake?.();
    },
    end() { items.push(null); wake?.(); },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (items.length) {
            const next = items.shift()!;
            if (next === null) return;
            yield next;
          }
          await new Promise<void>((r) => { wake = r; });
        }
      },
    },
  };
}
