// The interactive UI on other providers: a local Ollama model with no key, then /model to OpenAI mid-session.
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { reply, startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { Terminal } from './terminal.js';

let term: Terminal | undefined;
const servers: OpenAIServer[] = [];
afterEach(async () => {
  term?.close();
  term = undefined;
  for (const s of servers.splice(0)) await s.close();
});

describe('terminal UI: providers', () => {
  it('talks to Ollama without a key, then switches to OpenAI with /model', async () => {
    const ollama = await startOpenAIServer({ flavor: 'ollama', models: [{ id: 'qwen3-coder', contextLength: 65_536 }] });
    const openai = await startOpenAIServer({ flavor: 'openai' });
    servers.push(ollama, openai);
    ollama.enqueue(reply().text('Hello from **Ollama**.'));
    openai.enqueue(reply().text('Hello from GPT.'));
    term = Terminal.start({
      cwd: tempDir(),
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, TANDEM_HOME: tempDir('tandem-home-'),
        OLLAMA_BASE_URL: ollama.url, OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: openai.url,
      },
      args: ['--provider', 'ollama', '--model', 'qwen3-coder'],
    });
    await term.waitFor(/tandem · /);
    await term.waitFor((s) => /^› /m.test(s));
    term.type('hi there');
    term.press('Enter');
    const first = await term.waitFor('Hello from Ollama.');
    expect(first).toMatch(/ollama\/qwen3-coder/);
    term.type('/model openai/gpt-5.1');
    term.press('Enter');
    await term.waitFor('Model: gpt-5.1 on OpenAI');
    term.type('and now?');
    term.press('Enter');
    await term.waitFor('Hello from GPT.');
    const input = JSON.stringify((openai.calls[0]!.body as unknown as { input: unknown }).input);
    expect(input).toContain('Hello from **Ollama**.');
    expect(input).toContain('and now?');
  });
});

describe('terminal UI: the issue\'s other invocations', () => {
  const CASES: [string, (url: string) => string[], Record<string, string>][] = [
    ['--provider openai --model gpt-5.1', () => ['--provider', 'openai', '--model', 'gpt-5.1'], { OPENAI_API_KEY: 'sk-test' }],
    ['--model openrouter/anthropic/claude-sonnet-4.5', (url) => ['--model', 'openrouter/anthropic/claude-sonnet-4.5', '--base-url', url], { OPENROUTER_API_KEY: 'sk-or' }],
    ['--provider openai-compatible --base-url URL --model any', (url) => ['--provider', 'openai-compatible', '--base-url', url, '--model', 'any'], {}],
  ];
  it.each(CASES)('%s', async (_name, args, keys) => {
    const s = await startOpenAIServer({ flavor: 'openai' });
    servers.push(s);
    s.enqueue(reply().text('Answered here.'));
    term = Terminal.start({
      cwd: tempDir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TANDEM_HOME: tempDir('tandem-home-'), OPENAI_BASE_URL: s.url, ...keys },
      args: args(s.url),
    });
    await term.waitFor((screen) => /^› /m.test(screen));
    term.type('hello');
    term.press('Enter');
    await term.waitFor('Answered here.');
    expect(s.calls).toHaveLength(1);
  });
});
