// A wrong base URL fails at once with what is wrong and what to check, for every API kind.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Model, ModelResponse, ModelStreamEvent } from '../../src/core/types.js';
import { createAnthropicModel } from '../../src/providers/anthropic.js';
import { createOpenAIChatModel } from '../../src/providers/openai-chat.js';
import { createOpenAIResponsesModel } from '../../src/providers/openai-responses.js';
import { startNotApiServer } from '../support/openai-server.js';

const request = { system: '', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }], tools: [], maxTokens: 100 };

async function final(model: Model): Promise<{ response: ModelResponse; retries: number }> {
  const events: ModelStreamEvent[] = [];
  for await (const e of model.stream(request)) events.push(e);
  const done = events.at(-1) as { type: 'done'; response: ModelResponse };
  return { response: done.response, retries: events.filter((e) => e.type === 'retry').length };
}

const kinds: [string, string, (baseURL: string) => Model][] = [
  ['anthropic-messages', 'Anthropic', (baseURL) => createAnthropicModel({ model: 'claude-test', apiKey: 'sk-test', baseURL })],
  ['openai-chat', 'OpenAI', (baseURL) => createOpenAIChatModel({ model: 'gpt-test', apiKey: 'sk-test', baseURL, apiName: 'OpenAI', hints: { baseUrlHint: '--base-url' } })],
  ['openai-responses', 'OpenAI', (baseURL) => createOpenAIResponsesModel({ model: 'gpt-test', apiKey: 'sk-test', baseURL, apiName: 'OpenAI', hints: { baseUrlHint: '--base-url' } })],
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => { await close?.(); close = undefined; });

describe.each(kinds)('%s', (_kind, apiName, make) => {
  it('a web server answering 501 with an HTML page: one request, no retry, says it is not the API', async () => {
    const junk = await startNotApiServer('html-501');
    close = junk.close;
    const { response, retries } = await final(make(junk.url));
    expect(retries).toBe(0);
    expect(junk.hits()).toBe(1);
    expect(response).toMatchObject({ stopReason: 'error', errorKind: 'bad_endpoint' });
    expect(response.errorMessage).toMatch(new RegExp(`answered 501 with an HTML page: this is not an? ${apiName} API endpoint; check `));
    expect(response.errorMessage).not.toMatch(/<html|try again/i);
  });

  it('a server answering 200 with plain text: one request, no retry', async () => {
    const junk = await startNotApiServer('garbage-200');
    close = junk.close;
    const { response, retries } = await final(make(junk.url));
    expect(retries).toBe(0);
    expect(junk.hits()).toBe(1);
    expect(response.errorMessage).toMatch(new RegExp(`answered 200 with text/plain instead of an event stream: this is not an? ${apiName} API endpoint`));
  });
});

describe('connection refused', () => {
  it('is retried for a few seconds only, then says nothing listens there and what to check', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const model = createOpenAIChatModel({
      model: 'qwen3-coder', baseURL: `http://127.0.0.1:${port}/v1`, apiName: 'Ollama', maxAttempts: 100,
      hints: { listenHint: 'is `ollama serve` running?', baseUrlHint: '--base-url' },
    });
    const { response, retries } = await final(model);
    expect(retries).toBeGreaterThan(0);
    expect(retries).toBeLessThan(10);
    expect(response).toMatchObject({ stopReason: 'error', errorKind: 'connection' });
    expect(response.errorMessage).toBe(`nothing listens on 127.0.0.1:${port} — is \`ollama serve\` running?; check --base-url`);
  });
});
