import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModelsConfig } from '../../src/providers/models-file.js';
import { builtInModelsConfig } from '../../src/providers/registry.js';
import { resolveTarget } from '../../src/providers/target.js';
import { priceOf, contextWindowOf } from '../../src/session/pricing.js';
import { tempDir } from '../support/cli.js';

const homes: string[] = [];
afterEach(() => { for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true }); });

function home(files: Record<string, string>): string {
  const dir = tempDir('tandem-models-');
  homes.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('resolveTarget with the built-in providers', () => {
  const config = builtInModelsConfig();
  const env = { OPENAI_API_KEY: 'sk-o', OPENROUTER_API_KEY: 'sk-or', ANTHROPIC_API_KEY: 'sk-a' };

  it('reads PROVIDER/MODEL in one word, for every provider', () => {
    expect(resolveTarget({ model: 'openai/gpt-5.1' }, env, config)).toMatchObject({ model: 'gpt-5.1', qualifiedId: 'openai/gpt-5.1', api: 'openai-responses', baseURL: 'https://api.openai.com/v1', apiKey: 'sk-o' });
    expect(resolveTarget({ model: 'openrouter/anthropic/claude-sonnet-4.5' }, env, config)).toMatchObject({ model: 'anthropic/claude-sonnet-4.5', api: 'openai-chat', compat: { cacheControl: true } });
    expect(resolveTarget({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' }, env, config).model).toBe('anthropic/claude-sonnet-4.5');
    expect(resolveTarget({ model: 'claude-opus-4-5' }, env, config)).toMatchObject({ qualifiedId: 'claude-opus-4-5', api: 'anthropic-messages', apiKey: 'sk-a' });
  });

  it('chooses chat completions for OpenAI models that do not need Responses, with OpenAI\'s output-limit name', () => {
    expect(resolveTarget({ provider: 'openai', model: 'gpt-4.1' }, env, config)).toMatchObject({ api: 'openai-chat', compat: { maxTokensField: 'max_completion_tokens' } });
    expect(resolveTarget({ provider: 'openai', model: 'o4-mini' }, env, config).api).toBe('openai-responses');
  });

  it('honours each provider\'s base URL variable, OLLAMA_HOST, and --base-url over both', () => {
    expect(resolveTarget({ provider: 'openai' }, { OPENAI_BASE_URL: 'http://proxy:9/v1' }, config).baseURL).toBe('http://proxy:9/v1');
    expect(resolveTarget({ provider: 'ollama', model: 'qwen3-coder' }, { OLLAMA_HOST: '10.0.0.5:11434' }, config).baseURL).toBe('http://10.0.0.5:11434/v1');
    expect(resolveTarget({ provider: 'ollama', model: 'm', baseUrl: 'http://127.0.0.1:1/v1' }, { OLLAMA_HOST: 'x:1' }, config).baseURL).toBe('http://127.0.0.1:1/v1');
  });

  it('says what to give when something is missing', () => {
    expect(() => resolveTarget({ provider: 'openai-compatible', model: 'any' }, {}, config)).toThrow(/needs a base URL: --base-url/);
    expect(() => resolveTarget({ provider: 'ollama' }, {}, config)).toThrow(/Choose a model for Ollama: --model ollama\/MODEL \(`tandem models` lists what the server has\)/);
    expect(() => resolveTarget({ provider: 'openai', baseUrl: 'localhost:8000' }, {}, config)).toThrow(/must start with http/);
  });
});

describe('the models file', () => {
  it('adds a provider and models, overrides a built-in, and registers prices and windows', () => {
    const dir = home({
      'models.json': JSON.stringify({
        providers: {
          myserver: {
            baseUrl: 'http://127.0.0.1:9999/v1', api: 'openai-chat', apiKeyEnv: 'MY_KEY', headers: { 'x-team': 'a' },
            compat: { systemRole: 'developer', streamUsage: false },
            models: { 'my-model': { contextWindow: 32768, maxOutputTokens: 4096, price: { input: 1, output: 2 }, reasoning: true } },
          },
          ollama: { models: { 'qwen3-coder': { contextWindow: 65536 } } },
        },
      }, null, 2),
      'settings.json': JSON.stringify({ permissions: {}, models: { providers: { deepseek: { compat: { sendReasoning: true } } } } }),
    });
    const config = loadModelsConfig(dir);
    expect(config.files).toEqual([path.join(dir, 'settings.json'), path.join(dir, 'models.json')]);
    const target = resolveTarget({ model: 'my-model' }, { MY_KEY: 'k-123' }, config);
    expect(target).toMatchObject({
      model: 'my-model', qualifiedId: 'myserver/my-model', baseURL: 'http://127.0.0.1:9999/v1', apiKey: 'k-123',
      compat: { systemRole: 'developer', streamUsage: false }, info: { contextWindow: 32768, maxOutputTokens: 4096 },
    });
    expect(target.provider.headers).toEqual({ 'x-team': 'a' });
    expect(priceOf('myserver/my-model')).toMatchObject({ input: 1, output: 2 });
    expect(contextWindowOf('ollama/qwen3-coder')).toBe(65536);
    expect(config.providers.get('deepseek')!.compat).toEqual({ sendReasoning: true });
    expect(config.providers.get('deepseek')!.source).toBe(`${path.join(dir, 'settings.json')} (models)`);
  });

  it('names file:line:column and what to fix, for JSON and for values', () => {
    const bad = home({ 'models.json': '{\n  "providers": {\n    "x": { "baseUrl": "http://a/v1", "models": { "m": { "contextWindow": "big" } } }\n  }\n}\n' });
    expect(() => loadModelsConfig(bad)).toThrow(new RegExp(`^${path.join(bad, 'models.json')}:3:\\d+: providers\\.x\\.models\\.m\\.contextWindow: `));
    const typo = home({ 'models.json': '{ "providers": { "x": { "baseUrl": "http://a/v1", "contextwindow": 5 } } }' });
    expect(() => loadModelsConfig(typo)).toThrow(/models\.json:1:\d+: providers\.x: .*contextwindow/);
    const syntax = home({ 'models.json': '{ "providers": { "x": { "baseUrl": "http://a/v1", } } }' });
    expect(() => loadModelsConfig(syntax)).toThrow(/models\.json:1:\d+: invalid JSON: trailing comma/);
    const noUrl = home({ 'models.json': '{ "providers": { "newone": { "api": "openai-chat" } } }' });
    expect(() => loadModelsConfig(noUrl)).toThrow(/models\.json:1:\d+: provider "newone" is not built in, so it needs a "baseUrl"/);
    const inSettings = home({ 'settings.json': '{\n  "models": { "providers": { "ollama": { "api": "openai-chats" } } }\n}' });
    expect(() => loadModelsConfig(inSettings)).toThrow(/settings\.json:2:\d+: models\.providers\.ollama\.api: /);
  });
});
