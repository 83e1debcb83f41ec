import { afterEach, describe, expect, it } from 'vitest';
import type { Message, ModelRequest, ModelResponse, ModelStreamEvent } from '../../src/core/types.js';
import type { OpenAIModelOptions } from '../../src/providers/openai-common.js';
import { createOpenAIChatModel } from '../../src/providers/openai-chat.js';
import { createOpenAIResponsesModel } from '../../src/providers/openai-responses.js';
import { fault, hangup, reply, startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import type { Flavor } from '../support/openai-wire.js';

const FAKE_KEY = 'sk-proj-FAKE-distinctive-0a1b2c3d4e5f';

let server: OpenAIServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function start(flavor: Flavor = 'openai'): Promise<OpenAIServer> {
  server = await startOpenAIServer({ flavor });
  return server;
}

type Kind = 'chat' | 'responses';
function model(kind: Kind, options: Partial<OpenAIModelOptions> = {}) {
  const make = kind === 'chat' ? createOpenAIChatModel : createOpenAIResponsesModel;
  return make({ model: 'gpt-test', apiKey: FAKE_KEY, baseURL: server!.url, sleep: async () => {}, apiName: 'OpenAI', ...options });
}

const bash = { name: 'bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } };
const request = (messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'list files' }] }], extra: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are terse.', messages, tools: [bash, { name: 'list_tasks', description: 'No parameters', input_schema: { type: 'object' } }], maxTokens: 1024, ...extra,
});

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<{ events: ModelStreamEvent[]; response: ModelResponse }> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  const dones = events.filter((e) => e.type === 'done');
  expect(dones).toHaveLength(1);
  return { events, response: (dones[0] as { response: ModelResponse }).response };
}

const text = (events: ModelStreamEvent[]) => events.filter((e) => e.type === 'text_delta').map((e) => (e as { text: string }).text).join('');

for (const kind of ['chat', 'responses'] as const) {
  describe(`${kind}: translation`, () => {
    it('streams text and assembles several tool calls from their fragments, with usage and cached tokens', async () => {
      await start();
      server!.enqueue(reply().text('Let me look.').tool('bash', { command: 'ls -la' }, 'call_A').tool('list_tasks', {}, 'call_B')
        .usage({ input_tokens: 900, cache_read_input_tokens: 100, output_tokens: 42 }));
      const { events, response } = await collect(model(kind).stream(request()));
      expect(text(events)).toBe('Let me look.');
      expect(events.filter((e) => e.type === 'tool_use_start')).toEqual([
        { type: 'tool_use_start', id: 'call_A', name: 'bash' }, { type: 'tool_use_start', id: 'call_B', name: 'list_tasks' },
      ]);
      expect(response.content).toEqual([
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_A', name: 'bash', input: { command: 'ls -la' } },
        { type: 'tool_use', id: 'call_B', name: 'list_tasks', input: {} },
      ]);
      expect(response.stopReason).toBe('tool_use');
      expect(response.usage).toEqual({ input_tokens: 900, output_tokens: 42, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 });
    });

    it('sends the conversation as the API requires: results answer their calls, a tool with no parameters gets an object schema', async () => {
      await start();
      server!.enqueue(reply().text('done'));
      const conversation: Message[] = [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 'toolu_01abc', name: 'bash', input: { command: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01abc', content: 'a\nb', is_error: true }, { type: 'text', text: 'notice: task t1 ended' }] },
      ];
      const { response } = await collect(model(kind).stream(request(conversation)));
      expect(response).toMatchObject({ stopReason: 'end_turn', content: [{ type: 'text', text: 'done' }] });
      const body = server!.calls[0]!.body as unknown as Record<string, unknown>;
      expect(server!.calls[0]!.headers.authorization).toBe(`Bearer ${FAKE_KEY}`);
      if (kind === 'chat') {
        expect(body.messages).toEqual([
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'go' },
          { role: 'assistant', content: 'ok', tool_calls: [{ id: 'toolu_01abc', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] },
          { role: 'tool', tool_call_id: 'toolu_01abc', content: 'Error: a\nb' },
          { role: 'user', content: 'notice: task t1 ended' },
        ]);
        expect((body.tools as { function: { parameters: unknown } }[])[1]!.function.parameters).toEqual({ type: 'object', properties: {} });
        expect(body.stream_options).toEqual({ include_usage: true });
      } else {
        expect(body.instructions).toBe('You are terse.');
        expect(body.store).toBe(false);
        expect(body.input).toEqual([
          { role: 'user', content: [{ type: 'input_text', text: 'go' }] },
          { role: 'assistant', content: 'ok' },
          { type: 'function_call', call_id: 'toolu_01abc', name: 'bash', arguments: '{"command":"ls"}' },
          { type: 'function_call_output', call_id: 'toolu_01abc', output: 'Error: a\nb' },
          { role: 'user', content: [{ type: 'input_text', text: 'notice: task t1 ended' }] },
        ]);
      }
    });

    it('drops a call whose arguments are not JSON, keeping its id so the loop can answer it with an error', async () => {
      await start();
      server!.enqueue(reply().toolJson('bash', '{"command": "ls', 'call_bad'));
      const { response } = await collect(model(kind).stream(request()));
      expect(response.content).toEqual([]);
      expect(response.droppedToolUse).toEqual([{ id: 'call_bad', name: 'bash', reason: expect.stringMatching(/not valid JSON/) }]);
    });

    it('maps the length stop to max_tokens', async () => {
      await start();
      server!.enqueue(reply().text('Writing a long').stop('max_tokens'));
      const { response } = await collect(model(kind).stream(request()));
      expect(response.stopReason).toBe('max_tokens');
    });

    it('takes reasoning as thinking', async () => {
      await start();
      server!.enqueue(reply().thinking('The user wants files.', 'sig1').text('Here.'));
      const { events, response } = await collect(model(kind, { reasoning: true }).stream(request()));
      expect(events.filter((e) => e.type === 'thinking_delta').map((e) => (e as { text: string }).text).join('')).toBe('The user wants files.');
      expect(response.content[0]).toMatchObject({ type: 'thinking', thinking: 'The user wants files.', origin: kind === 'chat' ? 'openai-chat' : 'openai-responses' });
    });

    it('retries a cut stream and keeps one copy of the answer', async () => {
      await start();
      server!.enqueue(reply().text('hello world, this is long').cutAfter(kind === 'chat' ? 3 : 6), reply().text('hello world, this is long'));
      const { events, response } = await collect(model(kind).stream(request()));
      const retryAt = events.findIndex((e) => e.type === 'retry');
      expect(retryAt).toBeGreaterThan(0);
      expect(text(events.slice(retryAt))).toBe('hello world, this is long');
      expect(response.content).toEqual([{ type: 'text', text: 'hello world, this is long' }]);
    });

    it('takes a whole reply at once when the server keeps the connection open after it', async () => {
      await start();
      server!.enqueue(reply().text('complete').keepOpen());
      // A silence timeout far longer than any test: the reply must not wait for it.
      const { events, response } = await collect(model(kind, { idleTimeoutMs: 600_000 }).stream(request()));
      expect(events.filter((e) => e.type === 'retry')).toEqual([]);
      expect(response.content).toEqual([{ type: 'text', text: 'complete' }]);
    });

    it('retries 500 and 429, and fails 401 and 404 at once with what to check, never showing the key', async () => {
      await start();
      server!.enqueue(fault(500), fault(429, { retryAfterMs: 5 }), reply().text('ok'));
      const ok = await collect(model(kind).stream(request()));
      expect(ok.events.filter((e) => e.type === 'retry')).toHaveLength(2);
      expect(ok.response.content).toEqual([{ type: 'text', text: 'ok' }]);

      server!.enqueue(fault(401, { message: `Incorrect API key provided: ${FAKE_KEY}` }));
      const auth = await collect(model(kind, { hints: { keyHint: 'OPENAI_API_KEY' } }).stream(request()));
      expect(auth.events.filter((e) => e.type === 'retry')).toEqual([]);
      expect(auth.response).toMatchObject({ stopReason: 'error', errorKind: 'auth' });
      expect(auth.response.errorMessage).toMatch(/API key was rejected \(401\); check OPENAI_API_KEY/);
      expect(JSON.stringify(auth.events)).not.toContain(FAKE_KEY);

      server!.enqueue(fault(404));
      const missing = await collect(model(kind).stream(request()));
      expect(missing.response).toMatchObject({ stopReason: 'error', errorKind: 'not_found' });
      expect(missing.response.errorMessage).toMatch(/model 'gpt-test' not found \(404\)/);
    });

    it('reads a context-length refusal as prompt_too_long, so the loop compacts', async () => {
      await start();
      server!.enqueue(fault(400, { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens." }));
      const { response } = await collect(model(kind).stream(request()));
      expect(response).toMatchObject({ stopReason: 'error', errorKind: 'prompt_too_long' });
    });

    it('retries an error event in the stream', async () => {
      await start();
      server!.enqueue(reply().text('par').streamError('server_error', 'The server had an error'), reply().text('a whole answer'));
      const { events, response } = await collect(model(kind).stream(request()));
      expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('server_error') });
      expect(response.content).toEqual([{ type: 'text', text: 'a whole answer' }]);
    });

    it('stops at once when aborted mid-stream', async () => {
      await start();
      server!.enqueue(reply().text('slow answer here').chunkDelayMs(50).hang());
      const controller = new AbortController();
      const events: ModelStreamEvent[] = [];
      for await (const e of model(kind).stream(request(undefined, { signal: controller.signal }))) {
        events.push(e);
        if (e.type === 'text_delta') controller.abort();
      }
      expect(events.at(-1)).toMatchObject({ type: 'done', response: { stopReason: 'aborted' } });
    });
  });
}

describe('chat: servers with quirks', () => {
  it('Ollama: whole calls in one chunk, `reasoning`, no usage in the stream', async () => {
    await start('ollama');
    server!.enqueue(reply().thinking('hmm').tool('bash', { command: 'pwd' }, 'call_o1'));
    const { response } = await collect(model('chat', { apiKey: undefined }).stream(request()));
    expect(response.content).toEqual([
      { type: 'thinking', thinking: 'hmm', signature: '', origin: 'openai-chat' },
      { type: 'tool_use', id: 'call_o1', name: 'bash', input: { command: 'pwd' } },
    ]);
    expect(response.usage.input_tokens).toBe(0);
  });

  it('llama.cpp: calls without ids get fresh unique ids that the next request answers', async () => {
    await start('llamacpp');
    server!.enqueue(reply().tool('bash', { command: 'a' }).tool('bash', { command: 'b' }).usage({ input_tokens: 7 }));
    const { response } = await collect(model('chat').stream(request()));
    const ids = response.content.map((b) => (b.type === 'tool_use' ? b.id : ''));
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => /^call_[A-Za-z0-9]{24}$/.test(id))).toBe(true);
    expect(response.usage.input_tokens).toBe(7);
  });

  it('Mistral ids: every id sent is nine letters and digits, the same for a call and its result', async () => {
    await start();
    server!.enqueue(reply().text('ok'));
    const conversation: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01LongAnthropicStyleId', name: 'bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01LongAnthropicStyleId', content: 'x' }] },
    ];
    await collect(model('chat', { compat: { toolCallIds: 'mistral' } }).stream(request(conversation)));
    const messages = (server!.calls[0]!.body as unknown as { messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[] }).messages;
    const callId = messages[2]!.tool_calls![0]!.id;
    expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(messages[3]!.tool_call_id).toBe(callId);
  });

  it('a server that repeats a call id across replies gets a fresh id for the repeat', async () => {
    await start();
    server!.enqueue(reply().tool('bash', { command: 'a' }, 'call_0'), reply().tool('bash', { command: 'b' }, 'call_0'));
    const m = model('chat');
    const first = await collect(m.stream(request()));
    const second = await collect(m.stream(request()));
    const idOf = (r: ModelResponse) => (r.content[0] as { id: string }).id;
    expect(idOf(first.response)).toBe('call_0');
    expect(idOf(second.response)).not.toBe('call_0');
  });

  it('maps content_filter to refusal', async () => {
    await start();
    server!.enqueue(reply().text('I cannot').stop('refusal'));
    const { response } = await collect(model('chat').stream(request()));
    expect(response.stopReason).toBe('refusal');
  });

  it('sends a tool result\'s image after the tool message, in a user message', async () => {
    await start();
    server!.enqueue(reply().text('a red square'));
    const conversation = [
      { role: 'user', content: [{ type: 'text', text: 'look' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_img', name: 'bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_img', content: [{ type: 'text', text: 'shot taken' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] },
    ] as unknown as Message[];
    await collect(model('chat').stream(request(conversation)));
    const messages = (server!.calls[0]!.body as unknown as { messages: unknown[] }).messages;
    expect(messages.slice(3)).toEqual([
      { role: 'tool', tool_call_id: 'call_img', content: 'shot taken[image]' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
    ]);
  });

  it('a hang-up before any answer is retried', async () => {
    await start();
    server!.enqueue(hangup(), reply().text('back'));
    const { response } = await collect(model('chat').stream(request()));
    expect(response.content).toEqual([{ type: 'text', text: 'back' }]);
  });
});

describe('responses: reasoning carried across turns', () => {
  it('asks again without reasoning summaries when the organisation may not have them, and from then on', async () => {
    await start();
    server!.enqueue(fault(400, { message: 'Your organization must be verified to generate reasoning summaries.' }), reply().text('one'), reply().text('two'));
    const m = model('responses', { reasoning: true });
    expect((await collect(m.stream(request()))).response.content).toEqual([{ type: 'text', text: 'one' }]);
    expect((await collect(m.stream(request()))).response.content).toEqual([{ type: 'text', text: 'two' }]);
    const bodies = server!.calls.map((c) => c.body as unknown as { reasoning?: unknown; include?: unknown });
    expect(bodies.map((b) => b.reasoning)).toEqual([{ summary: 'auto' }, undefined, undefined]);
    expect(bodies.every((b) => JSON.stringify(b.include) === '["reasoning.encrypted_content"]')).toBe(true);
  });

  it('sends encrypted reasoning back, drops reasoning from other API kinds', async () => {
    await start();
    server!.enqueue(reply().thinking('plan: run ls', 'abc').tool('bash', { command: 'ls' }, 'call_r1'), reply().text('two files'));
    const first = await collect(model('responses', { reasoning: true }).stream(request()));
    const conversation: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'list files' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'from claude', signature: 'anthropic-sig' }, { type: 'text', text: 'earlier' }] },
      { role: 'user', content: [{ type: 'text', text: 'again' }] },
      { role: 'assistant', content: first.response.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_r1', content: 'a b' }] },
    ];
    const second = await collect(model('responses', { reasoning: true }).stream(request(conversation)));
    expect(second.response.content).toEqual([{ type: 'text', text: 'two files' }]);
    const body = server!.calls[1]!.body as unknown as { input: Record<string, unknown>[]; include: string[] };
    expect(body.include).toEqual(['reasoning.encrypted_content']);
    const reasoning = body.input.filter((i) => i.type === 'reasoning');
    expect(reasoning).toEqual([{ type: 'reasoning', id: expect.stringMatching(/^rs_/), encrypted_content: 'enc_abc', summary: [{ type: 'summary_text', text: 'plan: run ls' }] }]);
    expect(JSON.stringify(body.input)).not.toContain('anthropic-sig');
  });
});
