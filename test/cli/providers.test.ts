// End-to-end through the built binary, for each OpenAI API kind (chat completions, Responses), against the scripted
// OpenAI server: the invocations, a tool chain, a background task's notice, an interrupted turn, a cut
// stream, and wrong endpoints failing at once.
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, startTandem, tempDir, watch } from '../support/cli.js';
import { fault, reply, startNotApiServer, startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import type { Flavor } from '../support/openai-wire.js';

const BYPASS = ['--permission-mode', 'bypassPermissions'];
let server: OpenAIServer | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function start(flavor: Flavor = 'openai', models?: { id: string; contextLength?: number }[]): Promise<OpenAIServer> {
  server = await startOpenAIServer({ flavor, models });
  return server;
}

/** An environment with no Anthropic credentials at all: these runs must not need them. */
function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TANDEM_HOME: tempDir('tandem-home-'), ...extra };
}

interface Case { name: string; args: (url: string) => string[]; env: (url: string) => Record<string, string>; path: string; flavor: Flavor; model: string }

const KINDS: Case[] = [
  {
    name: 'openai-responses (--provider openai --model gpt-5.1)', path: '/v1/responses', flavor: 'openai', model: 'gpt-5.1',
    args: () => ['--provider', 'openai', '--model', 'gpt-5.1'], env: (url) => ({ OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: url }),
  },
  {
    name: 'openai-chat (--provider openai-compatible --base-url URL --model any)', path: '/v1/chat/completions', flavor: 'llamacpp', model: 'any',
    args: (url) => ['--provider', 'openai-compatible', '--base-url', url, '--model', 'any'], env: () => ({}),
  },
];

const bodyOf = (i: number) => server!.calls[i]!.body as unknown as Record<string, unknown>;

describe.each(KINDS)('$name', (kind) => {
  it('runs a multi-step tool chain, each result answering its call', async () => {
    const s = await start(kind.flavor);
    s.enqueue(reply().text('Looking.').tool('bash', { command: 'echo one' }, 'call_1'));
    s.enqueue(reply().tool('bash', { command: 'echo two' }, 'call_2'));
    s.enqueue(reply().text('Both ran.'));
    const cwd = tempDir();
    const run = await runTandem([...BYPASS, ...kind.args(s.url), '-p', 'run two commands'], { cwd, env: env(kind.env(s.url)) });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Both ran.\n');
    expect(s.calls.map((c) => new URL(c.path, 'http://x').pathname)).toEqual([kind.path, kind.path, kind.path]);
    expect(bodyOf(0).model).toBe(kind.model);
    const third = JSON.stringify(bodyOf(2));
    expect(third).toMatch(/"(output|content)":"one"/);
    expect(third).toMatch(/"(output|content)":"two"/);
  });

  it('delivers a background task\'s notice once, in a later request', async () => {
    const s = await start(kind.flavor);
    s.enqueue(reply().tool('background_run', { command: 'sleep 0.3; echo bg-finished' }, 'call_bg'));
    s.enqueue(reply().text('Started.'));
    s.enqueue(reply().text('The task finished.'));
    const run = await runTandem([...BYPASS, ...kind.args(s.url), '-p', 'run it in the background'], { cwd: tempDir(), env: env(kind.env(s.url)) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The task finished.\n');
    const third = JSON.stringify(bodyOf(2));
    expect(third.split('<tandem-task-notice ').length - 1).toBe(1);
    expect(third).toContain('bg-finished');
  });

  it('retries a stream cut mid-answer and prints one copy of the answer', async () => {
    const s = await start(kind.flavor);
    s.enqueue(reply().text('The answer is forty-two, as computed.').cutAfter(kind.path.endsWith('responses') ? 6 : 3));
    s.enqueue(reply().text('The answer is forty-two, as computed.'));
    const run = await runTandem([...kind.args(s.url), '-p', 'compute'], { cwd: tempDir(), env: env(kind.env(s.url)) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The answer is forty-two, as computed.\n');
    expect(s.calls).toHaveLength(2);
  });

  it('an interrupted turn leaves a conversation the next run can send', async () => {
    const s = await start(kind.flavor);
    const cwd = tempDir();
    const e = env(kind.env(s.url));
    s.enqueue(reply().text('Working on it, slowly and at length.').chunkDelayMs(100).hang());
    const w = watch(startTandem([...kind.args(s.url), '-p', 'a long task', '--output-format', 'stream-json'], { cwd, env: e }));
    await w.waitFor(/"text_delta"/);
    w.child.kill('SIGINT');
    const first = await w.done;
    expect(first.code).toBe(130);
    s.enqueue(reply().text('Resumed.'));
    const next = await runTandem([...kind.args(s.url), '-c', '-p', 'go on'], { cwd, env: e });
    expect(next.stderr).not.toMatch(/rejected/);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('Resumed.\n');
  });
});

describe('the issue\'s invocations', () => {
  it('--model openrouter/anthropic/claude-sonnet-4.5 sends the model to OpenRouter with cache breakpoints', async () => {
    const s = await start('openai');
    s.enqueue(reply().text('Hi from OpenRouter.'));
    const run = await runTandem(['--model', 'openrouter/anthropic/claude-sonnet-4.5', '--base-url', s.url, '-p', 'hi'], {
      cwd: tempDir(), env: env({ OPENROUTER_API_KEY: 'sk-or-test' }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hi from OpenRouter.\n');
    const body = bodyOf(0);
    expect(body.model).toBe('anthropic/claude-sonnet-4.5');
    expect(JSON.stringify(body.messages)).toContain('"cache_control":{"type":"ephemeral"}');
    expect(s.calls[0]!.headers.authorization).toBe('Bearer sk-or-test');
  });

  it('--provider ollama --model qwen3-coder needs no key', async () => {
    const s = await start('ollama', [{ id: 'qwen3-coder', contextLength: 65_536 }]);
    s.enqueue(reply().thinking('thinking it over').text('Hi from Ollama.'));
    const run = await runTandem(['--provider', 'ollama', '--model', 'qwen3-coder', '-p', 'hi', '--output-format', 'json'], {
      cwd: tempDir(), env: env({ OLLAMA_BASE_URL: s.url }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { result: string };
    expect(result.result).toBe('Hi from Ollama.');
    expect(bodyOf(0).model).toBe('qwen3-coder');
  });

  it('TANDEM_PROVIDER is the environment form of --provider', async () => {
    const s = await start('openai');
    s.enqueue(reply().text('Hi.'));
    const run = await runTandem(['--model', 'gpt-4.1', '-p', 'hi'], {
      cwd: tempDir(), env: env({ TANDEM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: s.url }),
    });
    expect(run.code).toBe(0);
    // gpt-4.1 is served by chat completions, with OpenAI's name for the output limit.
    expect(new URL(s.calls[0]!.path, 'http://x').pathname).toBe('/v1/chat/completions');
    expect(bodyOf(0).max_completion_tokens).toBeGreaterThan(0);
  });

  it('a provider that needs a key says which variable to set, before any request', async () => {
    const run = await runTandem(['--provider', 'openai', '-p', 'hi'], { cwd: tempDir(), env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('tandem: No API key for OpenAI: set OPENAI_API_KEY in the environment or in .env.\n');
  });

  it('an unknown provider lists the known ones', async () => {
    const run = await runTandem(['--provider', 'nope', '-p', 'hi'], { cwd: tempDir(), env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown provider "nope"\. Known: anthropic, openai, openrouter, ollama/);
  });
});

describe('wrong endpoints fail at once with an actionable line', () => {
  it('a web server answering 501 with a page: one request, exit 1, says what to check', async () => {
    const junk = await startNotApiServer('html-501');
    cleanups.push(junk.close);
    const run = await runTandem(['--provider', 'openai-compatible', '--base-url', junk.url, '--model', 'any', '-p', 'hi'], { cwd: tempDir(), env: env() });
    expect(run.code).toBe(1);
    expect(junk.hits()).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${junk.url} answered 501 with an HTML page: this is not an OpenAI-compatible API endpoint; check --base-url`));
    expect(run.stderr).not.toMatch(/retry|try again/i);
  });

  it('an Anthropic base URL answering 200 with text: one request', async () => {
    const junk = await startNotApiServer('garbage-200');
    cleanups.push(junk.close);
    const run = await runTandem(['-p', 'hi'], { cwd: tempDir(), env: env({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: junk.url }) });
    expect(run.code).toBe(1);
    expect(junk.hits()).toBe(1);
    expect(run.stderr).toMatch(/answered 200 with text\/plain instead of an event stream: this is not an Anthropic API endpoint; check --base-url or ANTHROPIC_BASE_URL/);
  });

  it('nothing listening: a few quick retries, then says so and names the server to start', async () => {
    const junk = await startNotApiServer('garbage-200');
    const url = junk.url;
    await junk.close();
    const run = await runTandem(['--provider', 'ollama', '--model', 'qwen3-coder', '-p', 'hi'], { cwd: tempDir(), env: env({ OLLAMA_BASE_URL: `${url}/v1` }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`nothing listens on ${url.replace('http://', '')} — is \`ollama serve\` running\\?; check --base-url or OLLAMA_BASE_URL`));
  });
});

describe('every built-in provider, as the README shows it', () => {
  // The README's example for each, pointed at the scripted server with --base-url and a fake key.
  const EXAMPLES: [string, string[], Record<string, string>][] = [
    ['openai', ['--provider', 'openai', '--model', 'gpt-5.1'], { OPENAI_API_KEY: 'k' }],
    ['openrouter', ['--model', 'openrouter/anthropic/claude-sonnet-4.5'], { OPENROUTER_API_KEY: 'k' }],
    ['ollama', ['--provider', 'ollama', '--model', 'qwen3-coder'], {}],
    ['lmstudio', ['--model', 'lmstudio/qwen/qwen3-coder-30b'], {}],
    ['llamacpp', ['--model', 'llamacpp/any'], {}],
    ['vllm', ['--model', 'vllm/Qwen/Qwen3-Coder-30B-A3B-Instruct'], {}],
    ['groq', ['--model', 'groq/openai/gpt-oss-120b'], { GROQ_API_KEY: 'k' }],
    ['deepseek', ['--model', 'deepseek/deepseek-chat'], { DEEPSEEK_API_KEY: 'k' }],
    ['gemini', ['--model', 'gemini/gemini-2.5-pro'], { GEMINI_API_KEY: 'k' }],
    ['xai', ['--model', 'xai/grok-code-fast-1'], { XAI_API_KEY: 'k' }],
    ['mistral', ['--model', 'mistral/devstral-medium-latest'], { MISTRAL_API_KEY: 'k' }],
    ['openai-compatible', ['--provider', 'openai-compatible', '--model', 'any'], {}],
  ];
  it.each(EXAMPLES)('%s', async (_name, args, keys) => {
    const s = await start('openai');
    s.enqueue(reply().tool('bash', { command: 'echo ok' }, 'call_1'), reply().text('Works.'));
    const run = await runTandem([...BYPASS, ...args, '--base-url', s.url, '-p', 'hi'], { cwd: tempDir(), env: env({ ...keys }) });
    expect(run.stderr).not.toMatch(/error|retry|failed/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Works.\n');
    expect(s.calls).toHaveLength(2);
  });
});

describe('tool calls the loop cannot run', () => {
  it('arguments that are not JSON get an error result naming the problem, and the model calls again', async () => {
    const s = await start('openai');
    s.enqueue(reply().toolJson('bash', '{"command": "echo hi', 'call_bad'));
    s.enqueue(reply().tool('bash', { command: 'echo fixed' }, 'call_good'));
    s.enqueue(reply().text('Fixed.'));
    const run = await runTandem([...BYPASS, '--provider', 'openai-compatible', '--base-url', s.url, '--model', 'any', '-p', 'go'], { cwd: tempDir(), env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Fixed.\n');
    const messages = (s.calls[1]!.body as unknown as { messages: { role: string; content: string; tool_call_id?: string }[] }).messages;
    const result = messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_bad');
    expect(result?.content).toMatch(/^Error: \[tandem harness [0-9a-f]{12}\] Not run: its arguments were not valid JSON .*Call bash again with its arguments as one JSON object\.$/);
  });
});

describe('context length', () => {
  it('a context-length refusal from an OpenAI-compatible server compacts the conversation and sends it again', async () => {
    const s = await start('openai');
    for (const c of ['a', 'b', 'c', 'd']) s.enqueue(reply().tool('bash', { command: `echo ${c}` }, `call_${c}`));
    s.enqueue(fault(400, { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens." }));
    s.enqueue(reply().text('Summary: four commands ran, printing a to d.'));
    s.enqueue(reply().text('Done after compaction.'));
    const run = await runTandem([...BYPASS, '--provider', 'openai-compatible', '--base-url', s.url, '--model', 'any', '-p', 'go'], { cwd: tempDir(), env: env() });
    expect(run.stderr).toMatch(/compact/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Done after compaction.\n');
    expect(JSON.stringify(bodyOf(6))).toContain('Summary: four commands ran');
  });
});
