// The interactive UI in a real terminal: prompts, streamed answers, tool calls, interrupts, history, commands.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

describe('terminal UI: conversation', () => {
  it('sends a prompt and shows the streamed answer rendered as Markdown, with usage in the status line', async () => {
    ui = await openUi({
      replies: [reply().text('Hello from the **model**.\n\n- first point\n- second point\n').chunkDelayMs(20).usage({ input_tokens: 1200, output_tokens: 34 })],
    });
    ui.term.type('say hello');
    ui.term.press('Enter');
    const screen = await ui.term.waitFor('second point');
    expect(screen).toMatch(/^› say hello/m);
    expect(screen).toContain('Hello from the model.');
    expect(screen).not.toContain('**model**');
    await ui.term.waitFor(/claude-sonnet-4-6 · ctx 1% · 1,234 tok · \$0\.00/);
    expect(JSON.stringify(ui.server.requests[0]!.body)).toContain('say hello');
  });

  it('shows a tool call with a spinner while it runs, then its outcome', async () => {
    ui = await openUi({
      args: ['--allow', 'Bash(sleep:*)'],
      replies: [
        reply().tool('bash', { command: 'sleep 1.5; echo line-one; echo line-two; echo line-three; echo line-four; exit 3' }),
        reply().text('It failed with 3.'),
      ],
    });
    ui.term.type('run it');
    ui.term.press('Enter');
    // Any duration formatDuration writes: "850ms", "1.5s", and "2s" for a whole second (never "2.0s").
    const duration = String.raw`(\d+ms|\d+(\.\d)?s)`;
    await ui.term.waitFor(new RegExp(String.raw`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] bash sleep 1\.5.* ${duration}`));
    const done = await ui.term.waitFor('It failed with 3.');
    expect(done).toMatch(new RegExp(String.raw`^✗ bash sleep 1\.5; echo line-one.*… · exit 3 · ${duration}$`, 'm'));
    expect(done).toContain('│ line-one');
    expect(done).toContain('│ … +1 line');
    expect(done).not.toContain('+1 lines');
  });

  it('Ctrl+C interrupts a streaming turn, keeps the conversation, and the next prompt works', async () => {
    ui = await openUi({ replies: [reply().text('I am thinking about a long answer').hang()] });
    ui.term.type('start');
    ui.term.press('Enter');
    await ui.term.waitFor('I am thinking about a long answer');
    ui.term.press('C-c');
    await ui.term.waitFor('interrupted; the conversation is kept');
    ui.server.enqueue(reply().text('Second answer.'));
    ui.term.type('again');
    ui.term.press('Enter');
    await ui.term.waitFor('Second answer.');
    const sent = ui.server.requests[1]!.body as { messages: { role: string; content: unknown }[] };
    expect(JSON.stringify(sent.messages)).toContain('I am thinking about a long answer');
    expect(sent.messages.at(-1)!.role).toBe('user');
  });

  it('Ctrl+C clears the input when idle and exits when pressed twice', async () => {
    ui = await openUi();
    ui.term.type('some draft');
    await ui.term.waitFor('› some draft');
    ui.term.press('C-c');
    await ui.term.waitFor((s) => !s.includes('some draft'));
    ui.term.press('C-c');
    await ui.term.waitFor('Press Ctrl+C again to exit.');
    ui.term.press('C-c');
    expect(await ui.term.waitForExit()).toBe(0);
  });

  it('keeps prompt history across runs (Up recalls the last one)', async () => {
    ui = await openUi({ replies: [reply().text('ok one')] });
    ui.term.type('remember this prompt');
    ui.term.press('Enter');
    await ui.term.waitFor('ok one');
    ui.term.press('C-d');
    expect(await ui.term.waitForExit()).toBe(0);
    expect(readFileSync(path.join(ui.home, 'history'), 'utf8')).toBe('"remember this prompt"\n');
    await ui.restart();
    ui.term.press('Up');
    await ui.term.waitFor(/^› remember this prompt/m);
  });

  it('edits multi-line input: Alt+Enter and a trailing backslash insert newlines, shell keys edit', async () => {
    ui = await openUi({ replies: [reply().text('got it')] });
    ui.term.type('first line');
    ui.term.press('M-Enter');
    ui.term.type('second wrong\\');
    ui.term.press('Enter');
    ui.term.type('third');
    await ui.term.waitFor(/^  third/m);
    ui.term.press('Up', 'C-e', 'C-w', 'BSpace');
    ui.term.type('\\');
    await ui.term.waitFor(/^  second\\ ?$/m);
    ui.term.press('Down', 'Enter');
    await ui.term.waitFor('got it');
    expect(userTextOf(ui.server, 0)).toContain('first line\\nsecond\\\\\\nthird');
  });

  it('runs slash commands, and suggests the nearest for a typo', async () => {
    ui = await openUi({ args: ['--allow', 'Bash(npm test:*)'] });
    ui.term.type('/hepl');
    ui.term.press('Enter');
    await ui.term.waitFor('Unknown command /hepl. Did you mean /help?');
    ui.term.type('/permissions');
    ui.term.press('Enter');
    await ui.term.waitFor(/allow +Bash\(npm test:\*\) +from /);
    ui.term.type('/he');
    ui.term.press('Tab');
    await ui.term.waitFor(/^› \/help +$/m);
    ui.term.press('Enter');
    await ui.term.waitFor(/\/permissions +the permission rules in force/);
    ui.term.type('/exit');
    ui.term.press('Enter');
    expect(await ui.term.waitForExit()).toBe(0);
    expect(existsSync(path.join(ui.home, 'history'))).toBe(true);
  });
});
