// End-to-end: no command tandem runs can read tandem's keys: not from its environment (stripped), not from
// tandem's /proc/PID/environ (commands get their own /proc where PID namespaces work), not from inherited
// file descriptors; and a key a command prints reaches the model redacted.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { fault, reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const KEY = 'sk-ant-test-0000-FAKE-KEY-for-tests'; // testEnv's

describe('tandem\'s keys and the commands it runs', () => {
  it('commands find the key in no environment under /proc and inherit no descriptors beyond stdio', async () => {
    const probe = 'echo "env: $(env | grep -c FAKE-KEY)"; '
      + 'echo "proc: $(for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null | grep -c FAKE-KEY)"; '
      + 'echo "fds: $(ls /proc/self/fd | tr "\\n" " ")"';
    t.server.enqueue(reply().tool('bash', { command: probe }, 'toolu_fg'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem(['--permission-mode', 'bypassPermissions', '-p', 'look for keys'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code, run.stderr).toBe(0);
    const r = toolResultsOf(t.server.requests[1]!);
    for (const text of [r.toolu_fg!.text]) {
      expect(text).toContain('env: 0');
      expect(text).toContain('proc: 0');
      // ls itself holds 0, 1, 2 and the folder it lists.
      const fds = /fds: ([\d ]+)/.exec(text)![1]!.trim().split(' ');
      expect(fds.length, text).toBeLessThanOrEqual(4);
    }
  });

  it('a key a command prints reaches the model and the transcript redacted', async () => {
    // The command reads the key from a file, as a command that finds a .env would.
    writeFileSync(path.join(t.cwd, 'found.env'), `KEY=${KEY}\n`);
    t.server.enqueue(reply().tool('bash', { command: 'cat found.env' }, 'toolu_leak'));
    t.server.enqueue(reply().text('done'));
    const env = testEnv(t.server.url);
    const run = await runTandem(['--permission-mode', 'bypassPermissions', '-p', 'print it'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(toolResultsOf(t.server.requests[1]!).toolu_leak!.text).toBe('KEY=[REDACTED]');
    expect(run.stdout + run.stderr).not.toContain(KEY);
    const transcripts = execSync(`cat $(find ${env.TANDEM_HOME} -name '*.jsonl')`, { encoding: 'utf8' });
    expect(transcripts).toContain('KEY=[REDACTED]');
    expect(transcripts).not.toContain(KEY);
  });
});

describe('the keys tandem knows never leave it (audit over every channel of one run)', () => {
  it('not in stream-json output, hook payloads, MCP server environments, task logs, transcripts or errors', async () => {
    const env = testEnv(t.server.url);
    const home = env.TANDEM_HOME!;
    const dumps = path.join(t.cwd, 'dumps');
    mkdirSync(dumps);
    writeFileSync(path.join(t.cwd, 'found.env'), `KEY=${KEY}\n`);
    // User settings (trusted): hooks that keep their whole stdin payload.
    const keep = (name: string) => ({ type: 'command', command: `cat >> ${path.join(dumps, name)}` });
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({
      hooks: {
        UserPromptSubmit: [{ hooks: [keep('prompt.json')] }],
        PostToolUse: [{ matcher: '*', hooks: [keep('post.json')] }],
        Stop: [{ hooks: [keep('stop.json')] }],
      },
    }));
    // An MCP server that only records the environment it got (then exits: tandem reports it failed).
    const mcp = JSON.stringify({ mcpServers: { probe: { command: 'sh', args: ['-c', `env > ${path.join(dumps, 'mcp-env.txt')}`] } } });
    t.server.enqueue(reply()
      .tool('bash', { command: 'cat found.env' }, 'toolu_fg')
      .tool('background_run', { command: 'cat found.env; echo "$ANTHROPIC_API_KEY"' }, 'toolu_bg'));
    t.server.enqueue(reply().tool('wait_background', { task_ids: ['b1'] }, 'toolu_wait'));
    // A provider error that echoes the key, as some gateways do.
    t.server.enqueue(fault(400, { message: `bad request for key ${KEY}` }));
    const run = await runTandem(
      ['--permission-mode', 'bypassPermissions', '--output-format', 'stream-json', '--verbose', '--mcp-config', mcp, '-p', `use ${KEY.slice(0, 4)}`],
      { cwd: t.cwd, env },
    );
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stdout).toContain('"type":"system"');
    expect(run.stdout).toContain('[REDACTED]');
    expect(run.stdout + run.stderr).toMatch(/bad request for key \[redacted\]/i);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    for (const name of ['prompt.json', 'post.json', 'mcp-env.txt']) {
      expect(existsSync(path.join(dumps, name)), name).toBe(true);
      expect(readFileSync(path.join(dumps, name), 'utf8'), name).not.toContain('FAKE-KEY');
    }
    expect(readFileSync(path.join(dumps, 'post.json'), 'utf8')).toContain('KEY=[REDACTED]');
    const everything = (dir: string) => execSync(`find ${dir} -type f -exec cat {} + 2>/dev/null || true`, { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(everything(home)).not.toContain('FAKE-KEY');
    // The session's task log folder (b1.log and what sits beside it), named in the task notification.
    const logFile = /"output_file":"([^"]+)"/.exec(run.stdout)![1]!;
    expect(readFileSync(logFile, 'utf8')).toContain('KEY=[REDACTED]');
    expect(everything(path.dirname(logFile))).not.toContain('FAKE-KEY');
  });
});
