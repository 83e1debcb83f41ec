// End-to-end: `tandem models` asks local servers what they have, says when nothing listens, and shows where each
// configured model came from; a provider from the models file is used by --model PROVIDER/MODEL.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, tempDir } from '../support/cli.js';
import { reply, startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';

let server: OpenAIServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, TANDEM_HOME: tempDir('tandem-home-'), ...extra });

describe('tandem models', () => {
  it('lists what an Ollama server has, with its context length from /api/show', async () => {
    server = await startOpenAIServer({ flavor: 'ollama', models: [{ id: 'qwen3-coder', contextLength: 65_536 }, { id: 'llama3.2:3b', contextLength: 131_072 }] });
    const run = await runTandem(['models', 'ollama'], { cwd: tempDir(), env: env({ OLLAMA_BASE_URL: server.url }) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ollama — Ollama · openai-chat · http:\/\/127\.0\.0\.1:\d+\/v1 · no key needed · from built-in$/m);
    expect(run.stdout).toContain('  ollama/qwen3-coder · context 65,536 · from the server');
    expect(run.stdout).toContain('  ollama/llama3.2:3b · context 131,072 · from the server');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /api/tags', 'POST /api/show']));
  });

  it('lists a llama.cpp server\'s models from /v1/models', async () => {
    server = await startOpenAIServer({ flavor: 'llamacpp', models: [{ id: 'Qwen3-Coder-30B-A3B-Q4_K_M.gguf', contextLength: 262_144 }] });
    const run = await runTandem(['models', 'llamacpp', '--base-url', server.url], { cwd: tempDir(), env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  llamacpp/Qwen3-Coder-30B-A3B-Q4_K_M.gguf · context 262,144 · from the server');
  });

  it('says clearly when the server is not running', async () => {
    server = await startOpenAIServer({ flavor: 'ollama' });
    const url = server.url;
    await server.close();
    server = undefined;
    const run = await runTandem(['models', 'ollama'], { cwd: tempDir(), env: env({ OLLAMA_BASE_URL: url }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  server: nothing listens on ${new URL(url).host} — is \`ollama serve\` running?`);
  });

  it('shows configured models with where they came from, and uses them', async () => {
    server = await startOpenAIServer({ flavor: 'openai', models: [{ id: 'team-model' }] });
    const e = env({ TEAM_KEY: 'sk-team-1' });
    const file = path.join(e.TANDEM_HOME, 'models.json');
    writeFileSync(file, JSON.stringify({
      providers: {
        team: {
          label: 'Team gateway', baseUrl: server.url, apiKeyEnv: 'TEAM_KEY', headers: { 'x-team': 'blue' },
          models: { 'team-model': { contextWindow: 32_768, maxOutputTokens: 2048, price: { input: 1, output: 4 } } },
        },
      },
    }));
    const listed = await runTandem(['models', 'team'], { cwd: tempDir(), env: e });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`team — Team gateway · openai-chat · ${server.url} · key from TEAM_KEY · from ${file}`);
    expect(listed.stdout).toContain(`  team-model · context 32,768 · max output 2,048 · $1/$4 per Mtok · from ${file}`);
    expect(listed.stdout).toContain(`Models files read: ${file}`);

    server.enqueue(reply().text('From the gateway.').usage({ input_tokens: 1_000_000, output_tokens: 0 }));
    const run = await runTandem(['--model', 'team/team-model', '-p', 'hi', '--output-format', 'json'], { cwd: tempDir(), env: e });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { result: string; total_cost_usd: number };
    expect(result.result).toBe('From the gateway.');
    expect(result.total_cost_usd).toBeCloseTo(1, 5);
    const call = server.calls[0]!;
    expect(call.headers['x-team']).toBe('blue');
    expect(call.headers.authorization).toBe('Bearer sk-team-1');
    // The model's output limit caps what is asked for.
    expect((call.body as unknown as { max_tokens: number }).max_tokens).toBe(2048);
  });

  it('a models file error stops the run with file:line:column', async () => {
    const e = env();
    writeFileSync(path.join(e.TANDEM_HOME, 'models.json'), '{\n  "providers": {\n    "team": { "baseUrl": "ftp://x" }\n  }\n}\n');
    const run = await runTandem(['-p', 'hi'], { cwd: tempDir(), env: e });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/models\.json:3:\d+: providers\.team\.baseUrl: must start with http:\/\/ or https:\/\//);
  });
});
