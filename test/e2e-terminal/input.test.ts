// Input in a real terminal: bracketed paste folding, @file mentions, terminal resizing, NO_COLOR.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

describe('terminal UI: input', () => {
  it('folds a large paste into a placeholder and sends it whole', async () => {
    ui = await openUi({ replies: [reply().text('Read it.')] });
    const pasted = Array.from({ length: 60 }, (_, i) => `pasted row ${i}`).join('\n');
    ui.term.type('summarise ');
    ui.term.tmux('set-buffer', '-b', 'p', pasted);
    ui.term.tmux('paste-buffer', '-p', '-b', 'p', '-t', 'main');
    await ui.term.waitFor(/^› summarise \[pasted 60 lines\]/m);
    ui.term.press('Enter');
    await ui.term.waitFor('Read it.');
    const sent = userTextOf(ui.server, 0);
    expect(sent).toContain('pasted row 0\\npasted row 1');
    expect(sent).toContain('pasted row 59');
  });

  it('attaches a file named with @', async () => {
    ui = await openUi({ replies: [reply().text('It says hello.')] });
    writeFileSync(path.join(ui.cwd, 'notes.md'), '# Notes\nhello from the notes file\n');
    ui.term.type('what is in @notes.md?');
    ui.term.press('Enter');
    await ui.term.waitFor('attached notes.md (2 lines)');
    await ui.term.waitFor('It says hello.');
    expect(userTextOf(ui.server, 0)).toContain('<file path=\\"notes.md\\">\\n# Notes\\nhello from the notes file');
  });

  it('reflows the live part of the screen when the terminal is resized', async () => {
    ui = await openUi({ cols: 100 });
    await ui.term.waitFor((s) => s.includes('─'.repeat(100)));
    ui.term.tmux('resize-window', '-t', 'main', '-x', '60');
    const screen = await ui.term.waitFor((s) => /^─{60}\n›.*\nclaude-sonnet-4-6 · ctx/m.test(s));
    expect(screen).not.toMatch(/─{61}/);
  });

  it('shows no colours under NO_COLOR, but still shows the cursor', async () => {
    ui = await openUi({ env: { NO_COLOR: '1' }, replies: [reply().text('Plain **bold** and `code`.')] });
    ui.term.type('hi');
    ui.term.press('Enter');
    await ui.term.waitFor('Plain bold and code.');
    const ansi = ui.term.screenAnsi();
    expect(ansi).not.toMatch(/\x1b\[[\d;]*(3[0-7]|9[0-7]|38;5)[;m]/);
    expect(ansi).toMatch(/\x1b\[[\d;]*7m/); // the inverse cursor cell
    expect(ansi).toMatch(/\x1b\[[\d;]*1m/); // bold stays
  });
});
