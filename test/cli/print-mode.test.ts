// End-to-end: the built binary in print mode against the scripted model server.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { runTandem, testEnv } from '../support/cli.js';
import { fault, reply, startModelServer, systemText } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

describe('tandem -p', () => {
  it('prints the final answer on stdout and tool activity on stderr', async () => {
    t.server.enqueue(reply().text('Checking.').tool('bash', { command: 'echo hello-from-bash' }));
    t.server.enqueue(reply().text('The command printed hello-from-bash.'));
    const run = await runTandem(['-p', 'say hello'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The command printed hello-from-bash.\n');
    expect(run.stderr).toMatch(/> bash: echo hello-from-bash/);
    expect(run.stderr).toMatch(/ok .*hello-from-bash/);
    const second = t.server.requests[1]!.body.messages as Message[];
    expect(JSON.stringify(second.at(-1))).toContain('hello-from-bash');
    expect(t.server.requests[0]!.headers['x-api-key']).toBe('sk-ant-test-0000-FAKE-KEY-for-tests');
  });

  it('reads the prompt from stdin', async () => {
    t.server.enqueue(reply().text('Got it.'));
    const run = await runTandem(['-p'], { cwd: t.cwd, env: testEnv(t.server.url), input: 'prompt from a pipe\n' });
    expect(run.code).toBe(0);
    expect(JSON.stringify(t.server.requests[0]!.body.messages)).toContain('prompt from a pipe');
  });

  it('prints one JSON object with --output-format json', async () => {
    t.server.enqueue(reply().text('Forty-two.').usage({ input_tokens: 120, output_tokens: 7 }));
    const run = await runTandem(['-p', 'answer', '--output-format', 'json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      type: 'result', subtype: 'success', is_error: false, result: 'Forty-two.', num_turns: 1,
      usage: { input_tokens: 120, output_tokens: 7 },
    });
    expect(out.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('prints one JSON event per line with --output-format stream-json', async () => {
    t.server.enqueue(reply().text('Running.').tool('bash', { command: 'echo streamed' }));
    t.server.enqueue(reply().text('Done.'));
    const run = await runTandem(['-p', 'go', '--output-format', 'stream-json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('system');
    expect(types).toContain('text_delta');
    expect(types).toContain('usage');
    const toolUse = events.find((e) => e.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'bash', input: { command: 'echo streamed' } });
    const toolResult = events.find((e) => e.type === 'tool_result');
    expect(toolResult.content).toContain('streamed');
    expect(types.indexOf('tool_use')).toBeLessThan(types.indexOf('tool_result'));
    expect(events.at(-1)).toMatchObject({ type: 'result', is_error: false, result: 'Done.' });
  });

  it('exits 2 with one clear line when no API key is set', async () => {
    const env = testEnv(t.server.url, { ANTHROPIC_API_KEY: undefined });
    const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/ANTHROPIC_API_KEY/);
    expect(t.server.requests).toHaveLength(0);
  });

  it('takes the key from .env, while the real environment wins over it', async () => {
    writeFileSync(path.join(t.cwd, '.env'), 'ANTHROPIC_API_KEY=sk-from-dotenv\nANTHROPIC_MODEL=claude-from-dotenv\n');
    t.server.enqueue(reply().text('a'));
    const fromFile = await runTandem(['-p', 'hi'], { cwd: t.cwd, env: testEnv(t.server.url, { ANTHROPIC_API_KEY: undefined }) });
    expect(fromFile.code).toBe(0);
    expect(t.server.requests[0]!.headers['x-api-key']).toBe('sk-from-dotenv');
    expect(t.server.requests[0]!.body.model).toBe('claude-from-dotenv');

    t.server.enqueue(reply().text('b'));
    await runTandem(['-p', 'hi'], { cwd: t.cwd, env: testEnv(t.server.url, { ANTHROPIC_MODEL: 'claude-from-env' }) });
    expect(t.server.requests[1]!.body.model).toBe('claude-from-env');

    t.server.enqueue(reply().text('c'));
    await runTandem(['-p', 'hi', '--env-override'], { cwd: t.cwd, env: testEnv(t.server.url, { ANTHROPIC_MODEL: 'claude-from-env' }) });
    expect(t.server.requests[2]!.body.model).toBe('claude-from-dotenv');

    t.server.enqueue(reply().text('d'));
    await runTandem(['-p', 'hi', '--model', 'claude-from-flag'], { cwd: t.cwd, env: testEnv(t.server.url, { ANTHROPIC_MODEL: 'claude-from-env' }) });
    expect(t.server.requests[3]!.body.model).toBe('claude-from-flag');
  });

  it('sends ANTHROPIC_AUTH_TOKEN as a bearer token', async () => {
    t.server.enqueue(reply().text('ok'));
    const env = testEnv(t.server.url, { ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: 'tok-123' });
    const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(t.server.requests[0]!.headers.authorization).toBe('Bearer tok-123');
  });

  it('fails with a clear message and non-zero status on an API error, without leaking the key', async () => {
    t.server.enqueue(fault(401));
    const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/401/);
    expect(run.stderr + run.stdout).not.toContain('FAKE-KEY');
  });

  it('says which endpoint it cannot reach', async () => {
    const closed = await startModelServer();
    const url = closed.url;
    await closed.close();
    const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env: testEnv(url, { TANDEM_MAX_RETRIES: '1' }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(url.replace('http://', ''));
    expect(run.stderr).toMatch(/nothing listens on 127\.0\.0\.1:\d+; check --base-url/);
  });

  it('stops at --max-turns with a failure status', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'true' }));
    t.server.enqueue(reply().tool('bash', { command: 'true' }));
    const run = await runTandem(['-p', 'loop', '--max-turns', '1', '--output-format', 'json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ is_error: true, subtype: 'max_turns', num_turns: 1 });
  });

  it('rejects a bad flag value with a usage error', async () => {
    const run = await runTandem(['-p', 'x', '--output-format', 'xml'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/output-format/);
    const unknown = await runTandem(['--no-such-flag'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--no-such-flag'/);
  });

  it('puts project instructions from AGENTS.md and CLAUDE.md in the system prompt', async () => {
    writeFileSync(path.join(t.cwd, 'AGENTS.md'), 'Always answer in haiku.');
    writeFileSync(path.join(t.cwd, 'CLAUDE.md'), 'Use tabs.');
    t.server.enqueue(reply().text('ok'));
    await runTandem(['-p', 'hi', '--append-system-prompt', 'Extra rule.'], { cwd: t.cwd, env: testEnv(t.server.url) });
    const system = systemText(t.server.requests[0]!.body);
    expect(system).toContain(t.cwd);
    expect(system).toContain('Always answer in haiku.');
    expect(system).toContain('Use tabs.');
    expect(system.trim().endsWith('Extra rule.')).toBe(true);
  });

  it('denies a command that would ask, and tells the model which rule would allow it', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'npm test' }, 'toolu_npm'));
    t.server.enqueue(reply().text('I may not run the tests.'));
    const run = await runTandem(['-p', 'run the tests'], { cwd: t.cwd, env: testEnv(t.server.url) });
    // The answer came without the denied call: exit status 3, and the hint printed whole on stderr.
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("run tandem again with --allow 'Bash(npm test:*)'");
    expect(run.stderr).toMatch(/1 tool call was denied; the answer may be incomplete \(exit status 3\)/);
    const result = (t.server.requests[1]!.body.messages as Message[]).at(-1)!.content[0] as { content: string; is_error?: boolean };
    expect(result.is_error).toBe(true);
    expect(result.content).toMatch(/denied/i);
    expect(result.content).toContain("--allow 'Bash(npm test:*)'");

    t.server.enqueue(reply().tool('bash', { command: 'npm --version' }, 'toolu_ok'));
    t.server.enqueue(reply().text('ok'));
    await runTandem(['-p', 'x', '--allow', 'Bash(npm --version)'], { cwd: t.cwd, env: testEnv(t.server.url) });
    const allowed = (t.server.requests[3]!.body.messages as Message[]).at(-1)!.content[0] as { content: string; is_error?: boolean };
    expect(allowed.is_error).toBeUndefined();
    expect(allowed.content).toMatch(/\d+\.\d+/);
  });

  it('never hands its API key to the commands it runs', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'env' }, 'toolu_env'));
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', 'x', '--allow', 'Bash(env)'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const result = JSON.stringify((t.server.requests[1]!.body.messages as Message[]).at(-1));
    expect(result).toContain('PATH=');
    expect(result).not.toContain('ANTHROPIC_API_KEY');
    expect(result).not.toContain('FAKE-KEY');
  });
});
