// The UI attaches images a prompt names by path (as a terminal pastes a dropped file's path).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { tempDir } from '../support/cli.js';
import { openUi, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

describe('terminal UI: images', () => {
  it('attaches an image named by path (also as @path) and says so', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'screen.png'), await sharp({ create: { width: 30, height: 20, channels: 3, background: '#f80' } }).png().toBuffer());
    ui = await openUi({ cwd, replies: [reply().text('An orange box.')] });
    ui.term.type('what is in @screen.png?');
    ui.term.press('Enter');
    const screen = await ui.term.waitFor('An orange box.');
    expect(screen).toMatch(/attached screen\.png \(PNG, 30×20, /);
    expect(screen).not.toContain('not attached');
    const content = (ui.server.requests[0]!.body.messages[0] as { content: { type: string }[] }).content;
    expect(content.map((b) => b.type)).toEqual(['text', 'text', 'image']);
  });
});
