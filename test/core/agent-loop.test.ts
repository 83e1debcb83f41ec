import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runAgent, type AgentLoopOptions } from '../../src/core/agent-loop.js';
import type { AgentEvent } from '../../src/core/events.js';
import { appendUserContent } from '../../src/core/messages.js';
import type { AgentTool, Message, ToolResultBlock, ToolUseBlock } from '../../src/core/types.js';
import { createAnthropicModel } from '../../src/providers/anthropic.js';
import { defineTool } from '../../src/tools/tool.js';
import { fault, reply, startModelServer, systemText, withoutCacheControl, type ModelServer } from '../support/model-server.js';

let server: ModelServer;
beforeEach(async () => { server = await startModelServer(); });
afterEach(async () => { await server.close(); });

const echoTool = defineTool({
  name: 'echo',
  description: 'Echoes its text.',
  schema: z.object({ text: z.string(), times: z.number().int().optional() }),
  execute: async ({ text, times }) => text.repeat(times ?? 1),
});

function options(tools: AgentTool[] = [echoTool], extra: Partial<AgentLoopOptions> = {}): AgentLoopOptions & { events: AgentEvent[] } {
  const events: AgentEvent[] = [];
  return {
    model: createAnthropicModel({ model: 'claude-test', apiKey: 'sk-test', baseURL: server.url, baseDelayMs: 1, maxDelayMs: 5 }),
    tools,
    system: 'You are a test.',
    emit: (e) => events.push(e),
    events,
    ...extra,
  };
}

const prompt = (text: string): Message[] => [{ role: 'user', content: [{ type: 'text', text }] }];

/** Every request must end with a user turn, and every tool_use must be answered in the next message. */
function assertValidConversation(messages: Message[]): void {
  expect(messages.at(-1)?.role).toBe('user');
  messages.forEach((m, i) => {
    const uses = m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (m.role !== 'assistant' || uses.length === 0) return;
    const next = messages[i + 1]!;
    const answered = next.content.filter((b): b is ToolResultBlock => b.type === 'tool_result').map((b) => b.tool_use_id);
    expect(answered).toEqual(uses.map((u) => u.id));
  });
}

describe('agent loop', () => {
  it('returns the text of a plain answer', async () => {
    server.enqueue(reply().text('Hello there.'));
    const messages = prompt('hi');
    const result = await runAgent(messages, options());
    expect(result).toMatchObject({ outcome: 'end_turn', text: 'Hello there.', turns: 1 });
    expect(messages).toHaveLength(2);
    expect(systemText(server.requests[0]!.body)).toBe('You are a test.');
    expect(server.requests[0]!.body.tools!.map((t: { name: string }) => t.name)).toEqual(['echo']);
  });

  it('answers every tool_use of a response with its results, in order, in one user message', async () => {
    server.enqueue(reply().text('Two calls.').tool('echo', { text: 'a' }, 'toolu_1').tool('echo', { text: 'b', times: 2 }, 'toolu_2'));
    server.enqueue(reply().text('Done.'));
    const messages = prompt('go');
    const result = await runAgent(messages, options());
    expect(result.outcome).toBe('end_turn');
    const second = withoutCacheControl(server.requests[1]!.body.messages as Message[]);
    const last = second.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: 'bb' },
    ]);
    assertValidConversation(second);
  });

  it('turns unknown tools, invalid input and thrown errors into error results the model can read', async () => {
    const boom = defineTool({
      name: 'boom', description: 'Throws.', schema: z.object({}),
      execute: async () => { throw new Error('disk on fire'); },
    });
    server.enqueue(reply()
      .tool('nope', {}, 'toolu_a')
      .tool('echo', { text: 5 }, 'toolu_b')
      .tool('boom', {}, 'toolu_c'));
    server.enqueue(reply().text('ok'));
    await runAgent(prompt('x'), options([echoTool, boom]));
    const results = (withoutCacheControl(server.requests[1]!.body.messages as Message[])).at(-1)!.content as ToolResultBlock[];
    expect(results.map((r) => r.is_error)).toEqual([true, true, true]);
    expect(results[0]!.content).toMatch(/Unknown tool "nope".*echo, boom/);
    expect(results[1]!.content).toMatch(/Invalid input for echo: text: .*string/i);
    expect(results[2]!.content).toContain('disk on fire');
  });

  it('finds a tool whose name the model capitalised', async () => {
    server.enqueue(reply().tool('Echo', { text: 'hi' }, 'toolu_c'));
    server.enqueue(reply().text('ok'));
    await runAgent(prompt('x'), options());
    const results = (withoutCacheControl(server.requests[1]!.body.messages as Message[])).at(-1)!.content as ToolResultBlock[];
    expect(results[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_c', content: 'hi' });
  });

  it('runs consecutive read-only tools concurrently', async () => {
    // Each waits for the other to start: run one after the other, they would never finish.
    let release!: () => void;
    const bothStarted = new Promise<void>((r) => { release = r; });
    let started = 0;
    const rendezvous = defineTool({
      name: 'look', description: 'Reads.', schema: z.object({ n: z.number() }), readOnly: true,
      execute: async ({ n }) => {
        if (++started === 2) release();
        await Promise.race([bothStarted, new Promise((_, rej) => setTimeout(() => rej(new Error('ran alone')), 5_000))]);
        return `seen ${n}`;
      },
    });
    server.enqueue(reply().tool('look', { n: 1 }).tool('look', { n: 2 }));
    server.enqueue(reply().text('ok'));
    await runAgent(prompt('x'), options([rendezvous]));
    const results = (withoutCacheControl(server.requests[1]!.body.messages as Message[])).at(-1)!.content as ToolResultBlock[];
    expect(results.map((r) => r.content)).toEqual(['seen 1', 'seen 2']);
  });

  it('appends hook content after the tool results of the trailing user message, never as a fake turn', async () => {
    server.enqueue(reply().tool('echo', { text: 'a' }, 'toolu_1'));
    server.enqueue(reply().text('Noted.'));
    let calls = 0;
    const hook = () => (++calls === 2 ? [{ type: 'text' as const, text: '<notice>task b1 ended</notice>' }] : []);
    await runAgent(prompt('x'), options([echoTool], { beforeModelCall: hook }));
    const body = withoutCacheControl(server.requests[1]!.body.messages as Message[]);
    expect(body.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' },
        { type: 'text', text: '<notice>task b1 ended</notice>' },
      ],
    });
    for (const req of server.requests) expect((req.body.messages as Message[]).at(-1)!.role).toBe('user');
  });

  it('wakes with hook content when the conversation ends with an assistant turn', async () => {
    server.enqueue(reply().text('First.'));
    server.enqueue(reply().text('Reacting to the notice.'));
    const messages = prompt('x');
    await runAgent(messages, options());
    const result = await runAgent(messages, options([echoTool], { beforeModelCall: () => [{ type: 'text', text: 'notice' }] }));
    expect(result.text).toBe('Reacting to the notice.');
    expect((withoutCacheControl(server.requests[1]!.body.messages as Message[])).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    // Nothing to say and no hook content: no request at all.
    const idle = await runAgent(messages, options());
    expect(idle.turns).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('continues after max_tokens and keeps the text cut there', async () => {
    server.enqueue(reply().text('The first half').stop('max_tokens'));
    server.enqueue(reply().text(' and the rest.'));
    const o = options();
    const result = await runAgent(prompt('long answer'), o);
    expect(result).toMatchObject({ outcome: 'end_turn', text: 'The first half and the rest.', turns: 2 });
    const second = withoutCacheControl(server.requests[1]!.body.messages as Message[]);
    expect(second.at(-1)!.role).toBe('user');
    expect(JSON.stringify(second.at(-1))).toContain('max_tokens');
    expect(o.events.some((e) => e.type === 'info')).toBe(true);
  });

  it('tells the model which call max_tokens cut off instead of running it', async () => {
    server.enqueue(reply().text('Writing it.').toolJson('echo', '{"text": "unfinish').stop('max_tokens'));
    server.enqueue(reply().text('ok'));
    await runAgent(prompt('x'), options());
    const second = withoutCacheControl(server.requests[1]!.body.messages as Message[]);
    expect(JSON.stringify(second)).not.toContain('tool_use');
    expect(JSON.stringify(second.at(-1))).toMatch(/call to echo.*incomplete/);
  });

  it('reports a refusal and a final API error as failed outcomes', async () => {
    server.enqueue(reply().text('I cannot help with that.').stop('refusal'));
    const refused = await runAgent(prompt('x'), options());
    expect(refused.outcome).toBe('refusal');
    server.enqueue(fault(401));
    const o = options();
    const failed = await runAgent(prompt('x'), o);
    expect(failed.outcome).toBe('error');
    expect(failed.errorMessage).toMatch(/401/);
    expect(o.events.some((e) => e.type === 'error')).toBe(true);
  });

  it('stops at maxTurns with the conversation still valid', async () => {
    server.enqueue(reply().tool('echo', { text: 'a' }));
    server.enqueue(reply().tool('echo', { text: 'b' }));
    const messages = prompt('loop');
    const result = await runAgent(messages, options([echoTool], { maxTurns: 2 }));
    expect(result).toMatchObject({ outcome: 'max_turns', turns: 2 });
    assertValidConversation(messages);
  });

  it('keeps one copy of an answer whose stream broke midway and was retried', async () => {
    server.enqueue(reply().text('Hello from a stream that breaks.').cutAfter(4));
    server.enqueue(reply().text('Hello from a stream that breaks.'));
    const messages = prompt('x');
    const o = options();
    const result = await runAgent(messages, o);
    expect(result.text).toBe('Hello from a stream that breaks.');
    expect(messages.at(-1)!.content).toEqual([{ type: 'text', text: 'Hello from a stream that breaks.' }]);
    expect(o.events.some((e) => e.type === 'retry')).toBe(true);
  });

  it('leaves a valid conversation when interrupted during a tool, and the next turn works', async () => {
    const controller = new AbortController();
    const slow = defineTool({
      name: 'slow', description: 'Waits for abort.', schema: z.object({}),
      execute: (_input, ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => resolve({ content: 'stopped early', isError: true }));
        controller.abort();
      }),
    });
    server.enqueue(reply().tool('slow', {}, 'toolu_s').tool('echo', { text: 'never' }, 'toolu_e'));
    const messages = prompt('x');
    const result = await runAgent(messages, options([slow, echoTool], { signal: controller.signal }));
    expect(result.outcome).toBe('aborted');
    assertValidConversation(messages);
    const results = messages.at(-1)!.content as ToolResultBlock[];
    expect(results[0]!.content).toBe('stopped early');
    expect(results[1]!.content).toMatch(/Interrupted/);

    server.enqueue(reply().text('Back again.'));
    appendUserContent(messages, [{ type: 'text', text: 'carry on' }]);
    const next = await runAgent(messages, options([slow, echoTool]));
    expect(next.text).toBe('Back again.');
    assertValidConversation(withoutCacheControl(server.requests[1]!.body.messages as Message[]));
  });

  it('cancels an in-flight request on interrupt', async () => {
    server.enqueue(reply().text('Thinking about it').hang());
    const controller = new AbortController();
    const o = options([echoTool], { signal: controller.signal });
    o.emit = (e) => { if (e.type === 'text_delta') controller.abort(); };
    const messages = prompt('x');
    const result = await runAgent(messages, o);
    expect(result.outcome).toBe('aborted');
    expect(messages.at(-1)!.role === 'user' || messages.at(-1)!.content.every((b) => b.type === 'text')).toBe(true);
  });

  it('gives context hooks every request, every answer, and one retry after "prompt is too long"', async () => {
    server.enqueue(fault(400, { message: 'prompt is too long: 210000 tokens > 200000 maximum' }));
    server.enqueue(reply().text('short enough now').usage({ input_tokens: 42 }));
    const seen: string[] = [];
    const messages = prompt('a very long conversation');
    const result = await runAgent(messages, options([echoTool], {
      context: {
        beforeRequest: async (m) => { seen.push(`before:${m.length}`); },
        afterResponse: (u) => { seen.push(`after:${u.input_tokens}`); },
        onPromptTooLong: async (m) => {
          seen.push('shrink');
          m.splice(0, m.length, { role: 'user', content: [{ type: 'text', text: 'summary' }] });
          return true;
        },
      },
    }));
    expect(result).toMatchObject({ outcome: 'end_turn', text: 'short enough now' });
    expect(seen).toEqual(['before:1', 'shrink', 'before:1', 'after:42']);
    expect(withoutCacheControl(server.requests[1]!.body.messages)).toEqual([{ role: 'user', content: [{ type: 'text', text: 'summary' }] }]);

    server.enqueue(fault(400, { message: 'prompt is too long' }), fault(400, { message: 'prompt is too long' }));
    const again = await runAgent(prompt('x'), options([echoTool], {
      context: { beforeRequest: async () => {}, afterResponse: () => {}, onPromptTooLong: async () => true },
    }));
    expect(again.outcome).toBe('error');
    expect(server.requests).toHaveLength(4);
  });
});

