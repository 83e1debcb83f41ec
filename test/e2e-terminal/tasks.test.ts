// Background tasks in the terminal UI: the status line, notices, idle wake, Ctrl+B, and the task list.
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

const statusLines = (screen: string) => screen.trimEnd().split('\n').slice(-2).join('\n');

describe('terminal UI: background tasks', () => {
  it('shows a running task in the status line and a notice when it ends (next-turn: no wake)', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)', '--notify', 'next-turn'],
      replies: [
        reply().tool('background_run', { command: 'sleep 1.5; echo bg-finished', description: 'short sleep' }),
        reply().text('Started it.'),
      ],
    });
    ui.term.type('start a task');
    ui.term.press('Enter');
    await ui.term.waitFor((s) => s.includes('Started it.') && /⚙ 1 running: b1 short sleep \d/.test(statusLines(s)));
    const ended = await ui.term.waitFor('◆ task b1 exited with code 0: short sleep');
    expect(statusLines(ended)).toMatch(/b1 exited with code 0/);
    expect(ui.server.requests).toHaveLength(2);
    ui.server.enqueue(reply().text('Noted.'));
    ui.term.type('and now?');
    ui.term.press('Enter');
    await ui.term.waitFor('Noted.');
    expect(userTextOf(ui.server, 2)).toContain('tandem-task-notice');
    expect(userTextOf(ui.server, 2)).toContain('bg-finished');
  });

  it('wakes the idle agent when a task ends, without the user typing', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)'],
      replies: [
        reply().tool('background_run', { command: 'sleep 1; echo wake-output', description: 'wake test' }),
        reply().text('Waiting for it.'),
        reply().text('The task is done; its output was wake-output.'),
      ],
    });
    ui.term.type('go');
    ui.term.press('Enter');
    await ui.term.waitFor('Waiting for it.');
    await ui.term.waitFor('The task is done; its output was wake-output.');
    const woke = userTextOf(ui.server, 2);
    expect(woke).toContain('tandem-task-notice');
    expect(woke).toContain('wake-output');
  });

  it('Ctrl+B moves the running foreground command to the background, and the agent goes on at once', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)'],
      replies: [reply().tool('bash', { command: 'sleep 30; echo done' }), reply().text('It keeps running in the background.')],
    });
    ui.term.type('run the long one');
    ui.term.press('Enter');
    // Running for a second: the command's task exists (the spinner shows from the call's start).
    await ui.term.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] bash sleep 30; echo done [1-9]\.\ds/);
    ui.term.press('C-b');
    await ui.term.waitFor('moved f1 to the background');
    const screen = await ui.term.waitFor('It keeps running in the background.');
    expect(screen).toMatch(/✓ bash sleep 30; echo done · moved to background/);
    expect(userTextOf(ui.server, 1)).toContain('the user moved it to the background: moved to the background as task f1');
    await ui.term.waitFor((s) => /⚙ 1 running: f1 sleep 30/.test(statusLines(s)));
  });

  it('/tasks lists tasks, shows a live log and kills the chosen one', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)', '--allow', 'Bash(seq:*)', '--notify', 'next-turn'],
      replies: [
        reply()
          .tool('background_run', { command: 'for i in $(seq 1 300); do echo tick-$i; sleep 0.1; done', description: 'ticker' })
          .tool('background_run', { command: 'sleep 60', description: 'sleeper' }),
        reply().text('Two tasks started.'),
      ],
    });
    ui.term.type('start two');
    ui.term.press('Enter');
    await ui.term.waitFor('Two tasks started.');
    ui.term.type('/tasks');
    ui.term.press('Enter');
    await ui.term.waitFor(/› b2 +running .* sleeper/);
    ui.term.press('Down', 'Enter');
    await ui.term.waitFor(/b1 · running for .*\n[\s\S]*tick-\d+/);
    ui.term.press('Escape');
    await ui.term.waitFor(/› b1 +running .* ticker/);
    ui.term.type('k');
    await ui.term.waitFor(/b1 +killed .* ticker/);
    ui.term.press('Escape');
    await ui.term.waitFor('◆ task b1 killed by the user');
    await ui.term.waitFor((s) => /⚙ 1 running: b2 sleeper/.test(statusLines(s)));
  });
});
