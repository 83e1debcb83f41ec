import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRequest, ModelResponse, ModelStreamEvent } from '../../src/core/types.js';
import { createAnthropicModel, type AnthropicModelOptions } from '../../src/providers/anthropic.js';
import { fault, hangup, reply, startModelServer, type ModelServer } from '../support/model-server.js';

const FAKE_KEY = 'sk-ant-api03-FAKE-distinctive-9f8e7d6c5b4a';
const FAKE_TOKEN = 'oauth-token-FAKE-distinctive-1a2b3c4d';

let server: ModelServer;
let delays: number[];
beforeEach(async () => {
  server = await startModelServer();
  delays = [];
});
afterEach(async () => { await server.close(); });

function model(options: Partial<AnthropicModelOptions> = {}) {
  return createAnthropicModel({
    model: 'claude-test', apiKey: FAKE_KEY, baseURL: server.url,
    sleep: async (ms) => { delays.push(ms); },
    ...options,
  });
}

const request = (extra: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are terse.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'list files' }] }],
  tools: [{ name: 'bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
  maxTokens: 1024,
  ...extra,
});

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<{ events: ModelStreamEvent[]; response: ModelResponse }> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  const dones = events.filter((e) => e.type === 'done');
  expect(dones).toHaveLength(1);
  expect(events.at(-1)!.type).toBe('done');
  return { events, response: (dones[0] as { response: ModelResponse }).response };
}

const textSince = (events: ModelStreamEvent[], since = 0) =>
  events.slice(since).flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');

describe('assembly', () => {
  it('streams text and a tool call and assembles them in order', async () => {
    server.enqueue(reply().text('Let me look.').tool('bash', { command: 'ls -la', timeout: 30 }, 'toolu_01abc'));
    const { events, response } = await collect(model().stream(request()));
    expect(events.filter((e) => e.type === 'text_delta').length).toBeGreaterThan(1);
    expect(textSince(events)).toBe('Let me look.');
    expect(events).toContainEqual({ type: 'tool_use_start', id: 'toolu_01abc', name: 'bash' });
    expect(response).toEqual({
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_01abc', name: 'bash', input: { command: 'ls -la', timeout: 30 } },
      ],
      stopReason: 'tool_use',
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });

  it('keeps thinking with its signature and redacted thinking, and merges usage from start and delta', async () => {
    server.enqueue(reply()
      .thinking('The user wants files.', 'sig_xyz')
      .redactedThinking('opaque-data')
      .text('Done.')
      .usage({ input_tokens: 1500, output_tokens: 77, cache_read_input_tokens: 1200, cache_creation_input_tokens: 30 }));
    const { events, response } = await collect(model().stream(request()));
    expect(events.filter((e) => e.type === 'thinking_delta').map((e) => (e as { text: string }).text).join('')).toBe('The user wants files.');
    expect(response.content).toEqual([
      { type: 'thinking', thinking: 'The user wants files.', signature: 'sig_xyz' },
      { type: 'redacted_thinking', data: 'opaque-data' },
      { type: 'text', text: 'Done.' },
    ]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toEqual({ input_tokens: 1500, output_tokens: 77, cache_read_input_tokens: 1200, cache_creation_input_tokens: 30 });
  });

  it('drops a tool call whose input JSON was cut off, and says so', async () => {
    server.enqueue(reply().text('Writing.').toolJson('write', '{"path":"a.txt","content":"hel').stop('max_tokens'));
    const { response } = await collect(model().stream(request()));
    expect(response.stopReason).toBe('max_tokens');
    expect(response.content).toEqual([{ type: 'text', text: 'Writing.' }]);
    expect(response.droppedToolUse).toEqual([{ id: expect.any(String), name: 'write', reason: expect.stringMatching(/cut off or invalid.*max_tokens/) }]);
  });

  it('reads a tool call with no input as {}', async () => {
    server.enqueue(reply().tool('list_tasks', {}));
    const { response } = await collect(model().stream(request()));
    expect(response.content).toMatchObject([{ type: 'tool_use', name: 'list_tasks', input: {} }]);
  });

  it('sends model, max_tokens, system, tools and messages, with prompt-cache breakpoints', async () => {
    server.enqueue(reply().text('ok'));
    const req = request();
    await collect(model().stream(req));
    const [sent] = server.requests;
    expect(sent!.path).toBe('/v1/messages');
    expect(sent!.headers['x-api-key']).toBe(FAKE_KEY);
    expect(sent!.headers.authorization).toBeUndefined();
    expect(sent!.headers['anthropic-version']).toBeTruthy();
    const cache = { cache_control: { type: 'ephemeral' } };
    expect(sent!.body).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are terse.', ...cache }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'list files', ...cache }] }],
      tools: [{ ...req.tools[0], ...cache }],
      stream: true,
    });
  });

  it('sends the auth token as a bearer header', async () => {
    server.enqueue(reply().text('ok'));
    await collect(model({ apiKey: undefined, authToken: FAKE_TOKEN }).stream(request()));
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
    expect(server.requests[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('prefers the API key when both credentials are given', async () => {
    server.enqueue(reply().text('ok'));
    await collect(model({ authToken: FAKE_TOKEN }).stream(request()));
    expect(server.requests[0]!.headers['x-api-key']).toBe(FAKE_KEY);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('retries', () => {
  it('retries a 529 and keeps one copy of the content', async () => {
    server.enqueue(fault(529), reply().text('hello there'));
    const { events, response } = await collect(model().stream(request()));
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries).toEqual([{ type: 'retry', attempt: 2, delayMs: expect.any(Number), reason: expect.stringContaining('529') }]);
    expect(response.content).toEqual([{ type: 'text', text: 'hello there' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('honours retry-after and retry-after-ms on 429', async () => {
    server.enqueue(fault(429, { retryAfter: 2 }), fault(429, { retryAfterMs: 1500 }), reply().text('ok'));
    const { response } = await collect(model().stream(request()));
    expect(delays).toEqual([2000, 1500]);
    expect(response.stopReason).toBe('end_turn');
  });

  it('backs off exponentially with jitter, within the cap', async () => {
    server.enqueue(fault(500), fault(500), fault(500), fault(500), reply().text('ok'));
    await collect(model({ baseDelayMs: 100, maxDelayMs: 300 }).stream(request()));
    expect(delays).toHaveLength(4);
    [100, 200, 300, 300].forEach((cap, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(0);
      expect(delays[i]).toBeLessThanOrEqual(cap);
    });
  });

  it('retries a stream cut midway as a whole request; the retry event marks what to discard', async () => {
    server.enqueue(reply().text('hello world, this is long').cutAfter(5), reply().text('hello world, this is long'));
    const { events, response } = await collect(model().stream(request()));
    const retryAt = events.findIndex((e) => e.type === 'retry');
    expect(retryAt).toBeGreaterThan(0);
    expect(textSince(events.slice(0, retryAt)).length).toBeGreaterThan(0);
    expect(events[retryAt]).toMatchObject({ attempt: 2, reason: expect.stringMatching(/broke off|ended before/) });
    expect(textSince(events, retryAt)).toBe('hello world, this is long');
    expect(response.content).toEqual([{ type: 'text', text: 'hello world, this is long' }]);
  });

  it('retries a stream that ends cleanly without message_stop', async () => {
    server.enqueue(reply().text('cut short').endAfter(4), reply().text('complete'));
    const { events, response } = await collect(model().stream(request()));
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('before message_stop') });
    expect(response.content).toEqual([{ type: 'text', text: 'complete' }]);
  });

  it('retries a connection reset before any response', async () => {
    server.enqueue(hangup(), reply().text('ok'));
    const { events, response } = await collect(model().stream(request()));
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('retries an SSE error event mid-stream', async () => {
    server.enqueue(reply().text('half an answer').streamError('overloaded_error', 'Overloaded'), reply().text('a whole answer'));
    const { events, response } = await collect(model().stream(request()));
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('overloaded_error') });
    expect(response.content).toEqual([{ type: 'text', text: 'a whole answer' }]);
  });

  it('gives up after maxAttempts with the last kind', async () => {
    server.enqueue(fault(529), fault(529), fault(529));
    const { events, response } = await collect(model({ maxAttempts: 3 }).stream(request()));
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { attempt: number }).attempt)).toEqual([2, 3]);
    expect(response).toMatchObject({ stopReason: 'error', errorKind: 'overloaded', content: [] });
    expect(response.errorMessage).toMatch(/overloaded \(529\).*gave up after 3 attempts/);
  });
});

describe('a connection left open', () => {
  it('takes the reply at message_stop without waiting for the silence timeout', async () => {
    server.enqueue(reply().text('complete').keepOpen());
    const { events, response } = await collect(model({ idleTimeoutMs: 600_000 }).stream(request()));
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(response.content).toEqual([{ type: 'text', text: 'complete' }]);
  });
});

describe('final errors', () => {
  const cases = [
    { status: 401, kind: 'auth', message: /API key was rejected \(401\); check ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN/ },
    { status: 403, kind: 'permission', message: /permission denied \(403\)/ },
    { status: 404, kind: 'not_found', message: /model 'claude-test' not found \(404\).*set --model or ANTHROPIC_MODEL/ },
    { status: 400, kind: 'invalid_request', message: /rejected the request \(400\): messages: roles must alternate/, text: 'messages: roles must alternate' },
    { status: 400, kind: 'prompt_too_long', message: /prompt is too long: 210000 tokens > 200000 maximum/, text: 'prompt is too long: 210000 tokens > 200000 maximum' },
  ] as const;

  for (const c of cases) {
    it(`${c.status} → ${c.kind}, without retrying, and never shows the key`, async () => {
      server.enqueue(fault(c.status, { message: 'text' in c ? c.text : `echo ${FAKE_KEY}` }));
      const { events, response } = await collect(model().stream(request()));
      expect(events.filter((e) => e.type === 'retry')).toEqual([]);
      expect(response).toMatchObject({ stopReason: 'error', errorKind: c.kind, content: [] });
      expect(response.errorMessage).toMatch(c.message);
      expect(response.errorMessage).not.toContain('\n');
      expect(JSON.stringify(events)).not.toContain(FAKE_KEY);
    });
  }

  it('keeps a long, multi-line API message to one short line with no part of the key', async () => {
    server.enqueue(fault(400, { message: `${'x'.repeat(280)}${FAKE_KEY}\n<html>\n<body>proxy error</body>` }));
    const { response } = await collect(model().stream(request()));
    expect(response.errorMessage).not.toContain('\n');
    expect(response.errorMessage).not.toContain('sk-ant');
    expect(response.errorMessage!.length).toBeLessThan(400);
  });

  it('never shows the auth token either', async () => {
    server.enqueue(fault(403, { message: `token ${FAKE_TOKEN} may not use this model` }));
    const { events } = await collect(model({ apiKey: undefined, authToken: FAKE_TOKEN }).stream(request()));
    expect(JSON.stringify(events)).not.toContain(FAKE_TOKEN);
  });

  it('ends in kind connection after maxAttempts when nothing listens', async () => {
    const url = await unusedUrl();
    const { events, response } = await collect(model({ baseURL: url, maxAttempts: 3 }).stream(request()));
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(response).toMatchObject({ stopReason: 'error', errorKind: 'connection' });
    expect(response.errorMessage).toBe(`nothing listens on ${url.replace('http://', '')}; check ANTHROPIC_BASE_URL (gave up after 3 attempts)`);
  });
});

describe('abort', () => {
  it('ends aborted promptly when aborted mid-stream', async () => {
    server.enqueue(reply().text('thinking out loud').hang());
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    const started = Date.now();
    for await (const event of model().stream(request({ signal: controller.signal }))) {
      events.push(event);
      if (event.type === 'text_delta' && !controller.signal.aborted) controller.abort();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { stopReason: 'aborted' } });
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('cuts a backoff sleep short', async () => {
    server.enqueue(fault(529, { retryAfter: 60 }));
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    const started = Date.now();
    for await (const event of model({ sleep: undefined }).stream(request({ signal: controller.signal }))) {
      events.push(event);
      if (event.type === 'retry') controller.abort();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events.map((e) => e.type)).toEqual(['retry', 'done']);
    expect(events[0]).toMatchObject({ delayMs: 60_000 });
    expect(events[1]).toMatchObject({ response: { stopReason: 'aborted' } });
    expect(server.requests).toHaveLength(1);
  });

  it('does not send a request when already aborted', async () => {
    const { response } = await collect(model().stream(request({ signal: AbortSignal.abort() })));
    expect(response.stopReason).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });
});

/** A URL on 127.0.0.1 with nothing listening: bind a port, then free it. */
async function unusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('stalled streams', () => {
  it('cuts a stream that goes silent and retries it, keeping one copy of the answer', async () => {
    server.enqueue(reply().text('half an answer').hang());
    server.enqueue(reply().text('the whole answer'));
    const { events, response } = await collect(model({ idleTimeoutMs: 200 }).stream(request()));
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ type: 'retry', attempt: 2 });
    expect((retry as { reason: string }).reason).toMatch(/silent/);
    expect(response.stopReason).toBe('end_turn');
    expect(response.content).toEqual([{ type: 'text', text: 'the whole answer' }]);
  });
});
