// Claude Code's flags through the built binary: what SDK programs and Claude Code's users pass.
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('Claude Code flags', () => {
  it('-v prints a Claude Code protocol version first, then tandem\'s own', async () => {
    const run = await runTandem(['-v'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^2\.\d+\.\d+ \(tandem \d+\.\d+\.\d+[^)]*\)\n$/);
  });

  it('-p with --output-format stream-json --verbose prints Claude Code\'s messages; --tools narrows the tool set', async () => {
    t.server.enqueue(reply().tool('read_file', { path: 'missing.txt' }, 'toolu_r'));
    t.server.enqueue(reply().text('No such file.'));
    const run = await runTandem(['-p', 'read it', '--output-format', 'stream-json', '--verbose', '--tools', 'Read'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toMatchObject({ type: 'system', subtype: 'init', tools: ['Read'], cwd: t.cwd });
    expect(out.map((m) => m.type)).toEqual(['system', 'assistant', 'user', 'assistant', 'result']);
    expect(out.at(-1)).toMatchObject({ subtype: 'success', result: 'No such file.', num_turns: 2 });
    expect((t.server.requests[0]!.body.tools as { name: string }[]).map((x) => x.name)).toEqual(['read_file']);
  });

  it('--disallowedTools and --allowedTools take Claude Code\'s rules, comma- or space-separated', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'git status' }, 'toolu_git').tool('bash', { command: 'echo ok' }, 'toolu_echo'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem(['-p', 'go', '--output-format', 'json', '--disallowedTools', 'Bash(git:*)', '--allowedTools', 'Bash(echo:*),Read'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3);
    const results = toolResultsOf(t.server.requests[1]!);
    expect(results.toolu_git).toMatchObject({ isError: true, text: expect.stringContaining('deny rule Bash(git:*)') });
    expect(results.toolu_echo).toMatchObject({ isError: false });
    expect(JSON.parse(run.stdout).permission_denials).toEqual([{ tool_name: 'Bash', tool_use_id: 'toolu_git', tool_input: { command: 'git status' } }]);
  });

  it('bad combinations and values are usage errors (exit 2) that say what to do', async () => {
    const env = testEnv(t.server.url);
    const cases: [string[], RegExp][] = [
      [['-p', 'x', '--session-id', 'not-a-uuid'], /--session-id not-a-uuid: expected a UUID/],
      [['--input-format', 'stream-json'], /--input-format stream-json needs --output-format stream-json/],
      [['--input-format', 'stream-json', '--output-format', 'stream-json', '--permission-prompt-tool', 'mcp__x__ask'], /supports only "stdio"/],
      [['-p', 'x', '--fork-session'], /--fork-session needs --resume ID or --continue/],
      [['-p', 'x', '--tools', 'Frobnicate'], /--tools: unknown tool "Frobnicate"/],
      [['-p', 'x', '--frobnicate'], /unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const run = await runTandem(args, { cwd: t.cwd, env });
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    }
  });
});
