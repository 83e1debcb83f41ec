// Custom slash commands in the terminal UI: Tab completion, /help, and the expansion sent as the prompt.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
let home: string | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

function userCommands(): string {
  home = tempDir('tandem-user-home-');
  const dir = path.join(home, '.claude', 'commands');
  mkdirSync(path.join(dir, 'frontend'), { recursive: true });
  writeFileSync(path.join(dir, 'review.md'), '---\ndescription: Review a path closely\nargument-hint: "[path]"\n---\nReview the code in $1 and list the risks.\n');
  writeFileSync(path.join(dir, 'frontend', 'lint.md'), 'Lint the frontend.\n');
  return home;
}

describe('terminal UI: custom commands', () => {
  it('completes a custom command with Tab and sends its expansion', async () => {
    ui = await openUi({ env: { HOME: userCommands() }, replies: [reply().text('Two risks found.')] });
    ui.term.type('/rev');
    ui.term.press('Tab');
    await ui.term.waitFor(/^› \/review /m);
    ui.term.type('src/app.ts');
    ui.term.press('Enter');
    await ui.term.waitFor('Two risks found.');
    expect(userTextOf(ui.server, 0)).toContain('Review the code in src/app.ts and list the risks.');
  });

  it('/help lists custom commands with their hints, descriptions and sources; Tab offers namespaced ones', async () => {
    ui = await openUi({ env: { HOME: userCommands() } });
    ui.term.type('/help');
    ui.term.press('Enter');
    const screen = await ui.term.waitFor('Custom commands:');
    expect(screen).toMatch(/\/review \[path\]\s+Review a path closely \(user ~\/\.claude\/commands\/review\.md\)/);
    expect(screen).toMatch(/\/frontend:lint\s+Lint the frontend\./);
    ui.term.type('/fr');
    ui.term.press('Tab');
    await ui.term.waitFor(/^› \/frontend:lint /m);
  });
});
