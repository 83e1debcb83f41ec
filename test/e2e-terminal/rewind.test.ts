// /undo and /rewind in the UI: files tandem changed go back, and /rewind cuts the conversation too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { tempDir } from '../support/cli.js';
import { openUi, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

describe('terminal UI: checkpoints', () => {
  it('/undo reverts the last change; /rewind N puts files and conversation back to before prompt N', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'notes.txt');
    writeFileSync(file, 'original\n');
    ui = await openUi({
      cwd,
      args: ['--permission-mode', 'acceptEdits'],
      replies: [
        reply().tool('write_file', { path: 'notes.txt', content: 'first edit\n' }),
        reply().text('Wrote it.'),
        reply().tool('write_file', { path: 'notes.txt', content: 'second edit\n' }).tool('write_file', { path: 'extra.txt', content: 'x\n' }),
        reply().text('Wrote both.'),
      ],
    });
    ui.term.type('edit the notes');
    ui.term.press('Enter');
    await ui.term.waitFor('Wrote it.');
    ui.term.type('edit them again');
    ui.term.press('Enter');
    await ui.term.waitFor('Wrote both.');
    expect(readFileSync(file, 'utf8')).toBe('second edit\n');

    ui.term.type('/undo');
    ui.term.press('Enter');
    await ui.term.waitFor('Undid the last change (write_file): extra.txt deleted.');
    expect(existsSync(path.join(cwd, 'extra.txt'))).toBe(false);

    ui.term.type('/rewind');
    ui.term.press('Enter');
    const list = await ui.term.waitFor(/2 +edit them again · 1 file changed since/);
    expect(list).toMatch(/1 +edit the notes · 1 file changed since/);

    ui.term.type('/rewind 1');
    ui.term.press('Enter');
    await ui.term.waitFor('Files as before prompt 1: notes.txt restored.');
    await ui.term.waitFor('Conversation as before prompt 1 ("edit the notes").');
    expect(readFileSync(file, 'utf8')).toBe('original\n');

    ui.server.enqueue(reply().text('Fresh start.'));
    ui.term.type('hello again');
    ui.term.press('Enter');
    await ui.term.waitFor('Fresh start.');
    const sent = ui.server.requests.at(-1)!.body as { messages: unknown[] };
    expect(JSON.stringify(sent.messages)).not.toContain('edit the notes');
    expect(sent.messages).toHaveLength(1);
  });
});
