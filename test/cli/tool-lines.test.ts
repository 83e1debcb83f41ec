// Print mode's tool lines: what ran, with the model's description beside it, and how it ended from the
// result's typed details (exit code, signal), not guessed from its text.
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

describe('tandem -p tool lines', () => {
  it('show the command with its description, and exit codes as they were', async () => {
    t.server.enqueue(reply()
      .tool('bash', { command: 'echo step 1', description: 'step' }, 'toolu_a')
      .tool('bash', { command: 'echo bad; exit 3', description: 'fail' }, 'toolu_b'));
    t.server.enqueue(reply().text('Done.'));
    const run = await runTandem(['-p', 'go', '--permission-mode', 'bypassPermissions'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^> bash: echo step 1 \(step\)$/m);
    expect(run.stderr).toMatch(/^ {2}ok \S+: step 1$/m);
    expect(run.stderr).toMatch(/^> bash: echo bad; exit 3 \(fail\)$/m);
    expect(run.stderr).toMatch(/^ {2}exit 3 \S+: bad \(\+1 line\)$/m);
  });
});
