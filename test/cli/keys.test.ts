// End-to-end: no command tandem runs can read tandem's keys: not from its environment (stripped), not from
// tandem's /proc/PID/environ (commands get their own /proc where PID namespaces work), not from inherited
// file descriptors; and a key a command prints reaches the model redacted.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
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
