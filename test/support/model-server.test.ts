import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fault, hangup, reply, startModelServer, type ModelServer } from './model-server.js';

let server: ModelServer;
beforeEach(async () => { server = await startModelServer(); });
afterEach(async () => { await server.close(); });

const API_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };

function post(body: Record<string, unknown>, headers: Record<string, string> = API_HEADERS): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const ask = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra,
});

function parseSse(text: string): { event: string; data: any }[] {
  return text.split('\n\n').filter(Boolean).map((chunk) => {
    const lines = chunk.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
    const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
    return { event, data };
  });
}

describe('streaming', () => {
  it('speaks the SSE wire format of the Messages API', async () => {
    server.enqueue(reply().text('Let me look.').tool('bash', { command: 'ls -la' }, 'toolu_01fixed'));
    const res = await post(ask({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(names).toContain('ping');
    for (const e of events) expect(e.data.type).toBe(e.event);

    const start = events[0]!.data.message;
    expect(start).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test', content: [], stop_reason: null });
    expect(start.id).toMatch(/^msg_/);
    expect(start.usage.input_tokens).toBe(10);

    const textDeltas = events.filter((e) => e.data.delta?.type === 'text_delta').map((e) => e.data.delta.text);
    expect(textDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.join('')).toBe('Let me look.');

    const toolStart = events.find((e) => e.data.content_block?.type === 'tool_use')!.data;
    expect(toolStart).toMatchObject({ index: 1, content_block: { id: 'toolu_01fixed', name: 'bash', input: {} } });
    const json = events.filter((e) => e.data.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json);
    expect(json.length).toBeGreaterThan(2);
    expect(JSON.parse(json.join(''))).toEqual({ command: 'ls -la' });

    expect(events.at(-2)!.data).toEqual({
      type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 },
    });
  });

  it('is accumulated by the official SDK into the scripted message', async () => {
    server.enqueue(reply()
      .thinking('Consider the files.', 'sig_abc')
      .text('Looking.')
      .tool('read', { path: 'src/a.ts', limit: 20 })
      .usage({ input_tokens: 1200, output_tokens: 42, cache_read_input_tokens: 800 }));
    const client = new Anthropic({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
    const message = await client.messages.stream({
      model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }],
    }).finalMessage();
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'Consider the files.', signature: 'sig_abc' },
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', name: 'read', input: { path: 'src/a.ts', limit: 20 } },
    ]);
    expect((message.content[2] as { id: string }).id).toMatch(/^toolu_01/);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 1200, output_tokens: 42, cache_read_input_tokens: 800 });
  });

  it('infers end_turn and honours an explicit stop reason', async () => {
    server.enqueue(reply().text('Done.'), reply().text('partial').stop('max_tokens'));
    const client = new Anthropic({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
    const params = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    expect((await client.messages.stream(params).finalMessage()).stop_reason).toBe('end_turn');
    expect((await client.messages.stream(params).finalMessage()).stop_reason).toBe('max_tokens');
  });

  it('cuts the connection after the scripted number of events', async () => {
    server.enqueue(reply().text('hello world').cutAfter(4));
    const res = await post(ask({ stream: true }));
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    await expect((async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    })()).rejects.toThrow();
    expect(parseSse(text).map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
  });

  it('ends the response cleanly after the scripted number of events', async () => {
    server.enqueue(reply().text('hello world').endAfter(4));
    const events = parseSse(await (await post(ask({ stream: true }))).text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
  });

  it('sends an SSE error event in place of the message end', async () => {
    server.enqueue(reply().text('partial').streamError('overloaded_error', 'Overloaded'));
    const events = parseSse(await (await post(ask({ stream: true }))).text());
    expect(events.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    expect(events.map((e) => e.event)).not.toContain('message_stop');
  });

  it('waits between events when asked', async () => {
    server.enqueue(reply().text('slow').chunkDelayMs(30));
    const started = Date.now();
    const events = parseSse(await (await post(ask({ stream: true }))).text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(30 * (events.length - 1) - 5);
  });

  it('keeps a hanging stream open until the server closes', async () => {
    server.enqueue(reply().text('thinking...').hang());
    const res = await post(ask({ stream: true }));
    const reader = res.body!.getReader();
    await reader.read();
    const reading = (async () => { while (!(await reader.read()).done); })();
    await server.close();
    await expect(reading).rejects.toThrow();
  });
});

describe('non-streaming', () => {
  it('answers with a JSON message', async () => {
    server.enqueue(reply().text('Hi there.').tool('bash', { command: 'pwd' }, 'toolu_01x'));
    const res = await post(ask());
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({
      type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'tool_use',
      content: [{ type: 'text', text: 'Hi there.' }, { type: 'tool_use', id: 'toolu_01x', name: 'bash', input: { command: 'pwd' } }],
      usage: { input_tokens: 10, output_tokens: 5 },
    });
  });
});

describe('faults', () => {
  it('answers with the API error shape, status and retry-after', async () => {
    server.enqueue(fault(429, { retryAfter: 3 }), fault(529), fault(400, { message: 'prompt is too long: 210000 tokens > 200000 maximum' }));
    const limited = await post(ask({ stream: true }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('request-id')).toMatch(/^req_/);
    expect(await limited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const overloaded = await post(ask({ stream: true }));
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const tooLong = await post(ask());
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
  });

  it('surfaces through the SDK as its typed errors', async () => {
    server.enqueue(fault(401), fault(404));
    const client = new Anthropic({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
    const params = { model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(client.messages.create(params)).rejects.toMatchObject({ status: 404, apiMessage: 'model: claude-nope' });
  });

  it('hangs up without answering', async () => {
    server.enqueue(hangup());
    await expect(post(ask())).rejects.toThrow();
  });

  it('answers 400 when the script has run out, so clients fail fast', async () => {
    server.enqueue(reply().text('one'));
    await post(ask());
    const res = await post(ask());
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'scripted model server: no scripted reply left for request #2' },
    });
  });

  it('answers 404 in the API error shape for anything but POST /v1/messages', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('validation like the real API', () => {
  it('requires credentials and the version header', async () => {
    server.enqueue(reply().text('never sent'));
    const noKey = await post(ask(), { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    const noVersion = await post(ask(), { 'content-type': 'application/json', 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect(server.pending).toBe(1);
  });

  it('rejects a tool_use without its tool_result, in the API\'s words', async () => {
    server.enqueue(reply().text('never sent'));
    const res = await post(ask({
      messages: [
        { role: 'user', content: 'run ls' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01a', name: 'bash', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'never mind' }] },
      ],
    }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01a\./);
  });

  it('rejects a missing max_tokens and a bad tool name', async () => {
    const missing = await post({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect((await missing.json()).error.message).toBe('max_tokens: Field required');
    const badTool = await post(ask({ tools: [{ name: 'read file', description: '', input_schema: { type: 'object' } }] }));
    expect((await badTool.json()).error.message).toMatch(/^tools\.0\.custom\.name/);
  });

  it('can be turned off', async () => {
    const lax = await startModelServer({ validate: false });
    lax.enqueue(reply().text('ok'));
    const res = await fetch(`${lax.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm' }) });
    expect(res.status).toBe(200);
    await lax.close();
  });
});

describe('recording', () => {
  it('records requests, counts pending replies and waits for requests without polling', async () => {
    server.enqueue(reply().text('a'), reply().text('b'), reply().text('c'));
    expect(server.pending).toBe(3);
    const arrived = server.waitForRequests(2);
    void post(ask({ system: 'be brief' }));
    void post(ask());
    const requests = await arrived;
    expect(requests).toHaveLength(2);
    expect(server.pending).toBe(1);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(requests.map((r) => r.headers['x-api-key'])).toEqual(['test-key', 'test-key']);
    expect(requests.some((r) => r.body.system === 'be brief')).toBe(true);
  });

  it('builds a dynamic reply from the request it answers', async () => {
    server.enqueue((req) => reply().text(`you sent ${req.body.messages.length} messages`));
    const body = await (await post(ask({ messages: [
      { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' },
    ] }))).json();
    expect(body.content).toEqual([{ type: 'text', text: 'you sent 3 messages' }]);
  });

  it('rejects waitForRequests with what arrived when too few come', async () => {
    await expect(server.waitForRequests(1, 20)).rejects.toThrow(/for 1 requests, got 0: none/);
  });
});
