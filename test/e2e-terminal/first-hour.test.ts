// What a new user hit in the UI (issue 14): a resumed session shows its conversation, the Ctrl+C hint goes
// when its window ends, suggestions only for close matches, and `!command` runs in the shell.
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem } from '../support/cli.js';
import { reply, startModelServer } from '../support/model-server.js';
import { openUi, TEST_MODEL, userTextOf, type UiSession } from './session.js';
import { tempDir, testEnv } from '../support/cli.js';
import { until } from '../support/processes.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

/** Still running (a zombie waiting to be reaped has ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

let ui: UiSession | undefined;
const made: string[] = [];
afterEach(async () => {
  await ui?.close();
  ui = undefined;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('terminal UI: the first hour', () => {
  it('tandem -c shows the resumed conversation', async () => {
    const cwd = tempDir();
    const home = tempDir('tandem-home-');
    made.push(cwd, home);
    const first = await startModelServer();
    try {
      first.enqueue(reply().tool('bash', { command: 'echo resumed-tool-output' }), reply().text('The FIRST-ANSWER marker.'));
      const run = await runTandem(['-p', 'remember the FIRST-PROMPT marker', '--allow', 'Bash(echo:*)'], {
        cwd, env: testEnv(first.url, { TANDEM_HOME: home, ANTHROPIC_MODEL: TEST_MODEL }),
      });
      expect(run.code).toBe(0);
    } finally {
      await first.close();
    }
    ui = await openUi({ cwd, args: ['-c'], env: { TANDEM_HOME: home }, replies: [reply().text('Second answer.')] });
    const screen = await ui.term.waitFor('resumed: the conversation above continues');
    expect(screen).toContain('remember the FIRST-PROMPT marker');
    expect(screen).toMatch(/✓ bash echo resumed-tool-output · exit 0$/m);
    expect(screen).toContain('The FIRST-ANSWER marker.');
    ui.term.type('and now?');
    ui.term.press('Enter');
    await ui.term.waitFor('Second answer.');
    expect(userTextOf(ui.server, 0)).toContain('remember the FIRST-PROMPT marker');
  });

  it('the "Press Ctrl+C again to exit" hint goes when the second press would no longer exit', async () => {
    ui = await openUi();
    ui.term.press('C-c');
    await ui.term.waitFor('Press Ctrl+C again to exit.');
    await ui.term.waitFor((s) => !s.includes('Press Ctrl+C again to exit.'));
    // The window has ended: one press only shows the hint again.
    ui.term.press('C-c');
    await ui.term.waitFor('Press Ctrl+C again to exit.');
    expect(ui.term.exitStatus()).toBeUndefined();
  });

  it('suggests only close matches for an unknown command', async () => {
    ui = await openUi();
    // (/init is a command now; the other example stands: /foo must not suggest /logs.)
    ui.term.type('/unit');
    ui.term.press('Enter');
    const screen = await ui.term.waitFor('Unknown command /unit.');
    expect(screen).not.toContain('Did you mean /exit');
    ui.term.type('/foo');
    ui.term.press('Enter');
    expect(await ui.term.waitFor('Unknown command /foo.')).not.toMatch(/\/foo\. Did you mean/);
    ui.term.type('/modle');
    ui.term.press('Enter');
    await ui.term.waitFor('Unknown command /modle. Did you mean /model?');
  });

  it('!command runs in the shell without asking, is shown, and reaches the model as context with the next prompt', async () => {
    ui = await openUi({ replies: [reply().text('It said hello.')] });
    ui.term.type('!echo shell-says-hello');
    ui.term.press('Enter');
    await ui.term.waitFor(/✓ bash echo shell-says-hello/);
    expect(ui.term.screen()).not.toContain('Permission needed');
    expect(ui.server.requests).toHaveLength(0);
    ui.term.type('what did it say?');
    ui.term.press('Enter');
    await ui.term.waitFor('It said hello.');
    const sent = userTextOf(ui.server, 0);
    expect(sent).toContain('<user-shell-command>');
    expect(sent).toContain('shell-says-hello');
    expect(sent).toContain('what did it say?');
  });

  it('closing the terminal ends tandem and its background tasks', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)'],
      replies: [reply().tool('background_run', { command: 'sleep 3017' }), reply().text('Started it.')],
    });
    ui.term.type('start the sleeper');
    ui.term.press('Enter');
    await ui.term.waitFor('Started it.');
    const pane = ui.term.tmux('list-panes', '-t', 'main', '-F', '#{pane_pid}').trim();
    const tandem = Number(execFileSync('pgrep', ['-P', pane, 'node']).toString().trim());
    const sleeper = Number(execFileSync('pgrep', ['-f', '^sleep 3017$']).toString().trim().split('\n')[0]);
    expect(alive(sleeper)).toBe(true);
    ui.term.tmux('kill-server');
    await until(() => !alive(tandem), 'tandem to exit after its terminal closed', 15_000);
    await until(() => !alive(sleeper), 'the background task to be killed', 15_000);
  });
});
